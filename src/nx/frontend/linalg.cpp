// Front end: outer, the FFT family and Nx.LinAlg (its callbacks and the
// functions Nx composes from other ops).
#include <algorithm>
#include <cmath>

#include "common.hpp"

namespace nx {

namespace {

// Layout helpers calling the callbacks directly (no-op calls elided, like Nx).
Tensor reshape_to(const Tensor& t, const Shape& shape, const Names& names = {}) {
  Spec spec{shape, t.type(), front::normalized_names(names, static_cast<int>(shape.size()))};
  if (t.shape() == shape) return Tensor(spec, t.backend(), t.payload());  // names only
  return t.backend()->reshape(spec, t);
}

Tensor swap_last_two(const Tensor& t) {
  const int r = t.rank();
  AxisIndices axes(static_cast<std::size_t>(r));
  for (int i = 0; i < r; ++i) axes[static_cast<std::size_t>(i)] = i;
  std::swap(axes[static_cast<std::size_t>(r - 1)], axes[static_cast<std::size_t>(r - 2)]);
  Shape s = t.shape();
  std::swap(s[static_cast<std::size_t>(r - 1)], s[static_cast<std::size_t>(r - 2)]);
  Names n;
  if (!t.names().empty()) {
    n = t.names();
    std::swap(n[static_cast<std::size_t>(r - 1)], n[static_cast<std::size_t>(r - 2)]);
  }
  return t.backend()->transpose(Spec{s, t.type(), n}, t, axes);
}

AxisIndices leading(int count) {
  AxisIndices a;
  for (int i = 0; i < count; ++i) a.push_back(i);
  return a;
}

// Batched matrix product over the leading axes.
Tensor matmul(const Tensor& a, const Tensor& b) {
  const int r = a.rank();
  return dot(a, {r - 1}, leading(r - 2), b, {r - 2}, leading(r - 2));
}

void check_square(std::string_view op, const Tensor& t, const std::string& what) {
  const int r = t.rank();
  if (r < 2 || t.dim(r - 1) != t.dim(r - 2)) raise(op, what + shape_to_string(t.shape()));
}

// Nx.Shape's checks for the decompositions of square matrices: the rank,
// then the last two dimensions.
void check_square_batch(std::string_view op, const Tensor& t) {
  if (t.rank() < 2)
    raise(op, "tensor must have at least rank 2, got rank " + std::to_string(t.rank()) + " with shape " +
                  shape_to_string(t.shape()));
  check_square(op, t, "tensor must be a square matrix or a batch of square matrices, got shape: ");
}

Shape without_last(const Shape& s, std::size_t count) { return Shape(s.begin(), s.end() - static_cast<std::ptrdiff_t>(count)); }

std::int64_t next_pow2(std::int64_t n) {
  std::int64_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

double smallest_normal(Type t) {
  if (t == f16 || t == f8) return std::ldexp(1.0, -14);
  if (t == f8_e4m3fn) return std::ldexp(1.0, -6);
  if (t == f64) return std::ldexp(1.0, -1022);
  return std::ldexp(1.0, -126);  // f32, bf16
}

}  // namespace

Tensor outer(const Tensor& a, const Tensor& b) {
  BackendPtr backend = front::pick_backend("outer", {&a, &b});
  Tensor x = front::on(a, backend), y = front::on(b, backend);
  Tensor x2 = reshape_to(x, {x.size(), 1});
  Tensor y2 = reshape_to(y, {1, y.size()});
  // Nx conjugates the right operand when the result is complex.
  if (is_complex(merge(x.type(), y.type()))) y2 = conjugate(y2);
  // Names: a's first axis name and b's last (whatever their ranks).
  const Names names{x.rank() > 0 ? front::name_at(x.names(), 0) : "",
                    y.rank() > 0 ? front::name_at(y.names(), y.rank() - 1) : ""};
  return reshape_to(multiply(x2, y2), {x.size(), y.size()}, names);
}

// ---------------------------------------------------------------- FFT family

namespace {

struct Resolved {
  int axis;
  std::int64_t length;
};

Resolved resolve_fft(std::string_view op, const Tensor& t, const FftFrontOptions& opts,
                     std::int64_t default_length) {
  if (t.rank() == 0) raise(op, "expected a tensor with rank > 0, got tensor with rank 0");
  const int axis = front::normalize_axis(op, opts.axis, t);
  std::int64_t n = default_length > 0 ? default_length : t.dim(axis);
  if (opts.power_of_two) n = next_pow2(n);
  else if (opts.length) n = *opts.length;
  if (n < 1) raise(op, "expected an integer or :power_of_two as length, got: " + std::to_string(n));
  return {axis, n};
}

Tensor fft_1d(std::string_view op, const Tensor& t, const FftFrontOptions& opts, bool inverse) {
  Resolved r = resolve_fft(op, t, opts, 0);
  Shape shape = t.shape();
  shape[static_cast<std::size_t>(r.axis)] = r.length;
  front::check_shape(op, shape, "result shape");
  Spec out{shape, to_complex(t.type()), t.names()};
  FftOptions o{r.length, r.axis, opts.eps};
  return inverse ? t.backend()->ifft(out, t, o) : t.backend()->fft(out, t, o);
}

Tensor fft_2d(std::string_view op, const Tensor& t, const Fft2FrontOptions& opts, bool inverse) {
  if (t.rank() < 2) raise(op, "expected a tensor with rank > 1, got tensor with rank " + std::to_string(t.rank()));
  if (!opts.axes.empty() && opts.axes.size() != 2)
    raise(op, "expected :axes to be a list with 2 axes, got: " + front::axes_to_string(opts.axes));
  const AxisIndices axes =
      front::normalize_axes(op, opts.axes.empty() ? Axes{t.rank() - 2, t.rank() - 1} : opts.axes, t);
  std::vector<std::int64_t> lengths = opts.lengths;
  if (lengths.empty()) lengths = {t.dim(axes[0]), t.dim(axes[1])};
  if (lengths.size() != 2) {
    std::string list = "[";
    for (std::size_t i = 0; i < lengths.size(); ++i)
      list += (i ? ", " : "") + (lengths[i] == power_of_two_length ? ":power_of_two" : std::to_string(lengths[i]));
    raise(op, "expected :lengths to be a list of lengths or :power_of_two, got: " + list + "]");
  }
  for (std::size_t i = 0; i < 2; ++i) {
    auto& n = lengths[i];
    if (n == power_of_two_length) n = next_pow2(t.dim(axes[i]));
    if (n < 1)
      raise(op, "lengths must be positive integers or nx::power_of_two_length, got " + std::to_string(n));
  }
  Shape shape = t.shape();
  shape[static_cast<std::size_t>(axes[0])] = lengths[0];
  shape[static_cast<std::size_t>(axes[1])] = lengths[1];
  front::check_shape(op, shape, "result shape");
  Spec out{shape, to_complex(t.type()), t.names()};
  Fft2Options o{lengths, axes, opts.eps};
  return inverse ? t.backend()->ifft2(out, t, o) : t.backend()->fft2(out, t, o);
}

}  // namespace

Tensor fft(const Tensor& t, const FftFrontOptions& opts) { return fft_1d("fft", t, opts, false); }
Tensor ifft(const Tensor& t, const FftFrontOptions& opts) { return fft_1d("ifft", t, opts, true); }
Tensor fft2(const Tensor& t, const Fft2FrontOptions& opts) { return fft_2d("fft2", t, opts, false); }
Tensor ifft2(const Tensor& t, const Fft2FrontOptions& opts) { return fft_2d("ifft2", t, opts, true); }

Tensor rfft(const Tensor& t, const FftFrontOptions& opts) {
  if (is_complex(t.type())) raise("rfft", "expected a real tensor, got type " + front::type_name(t.type()));
  Resolved r = resolve_fft("rfft", t, opts, 0);
  Shape shape = t.shape();
  shape[static_cast<std::size_t>(r.axis)] = r.length / 2 + 1;
  front::check_shape("rfft", shape, "result shape");
  Spec out{shape, to_complex(t.type()), t.names()};
  return t.backend()->rfft(out, t, FftOptions{r.length, r.axis, opts.eps});
}

Tensor irfft(const Tensor& t, const FftFrontOptions& opts) {
  if (t.rank() == 0) raise("irfft", "expected a tensor of rank 1 or more, got a scalar");
  const int axis = front::normalize_axis("irfft", opts.axis, t);
  // Default output length 2 * (m - 1) for m input bins.
  const std::int64_t m = t.dim(axis);
  if (!opts.length && m < 2)
    raise("irfft", "the default length 2 * (m - 1) is empty for an axis of size " + std::to_string(m) +
                       "; pass a length");
  Resolved r = resolve_fft("irfft", t, opts, opts.length ? *opts.length : 2 * (m - 1));
  Shape shape = t.shape();
  shape[static_cast<std::size_t>(r.axis)] = r.length;
  front::check_shape("irfft", shape, "result shape");
  Spec out{shape, to_real(t.type()), t.names()};
  return t.backend()->irfft(out, t, FftOptions{r.length, r.axis, opts.eps});
}

// ---------------------------------------------------------------- Nx.LinAlg

namespace linalg {

Tensor triangular_solve(const Tensor& a, const Tensor& b, const TriangularSolveOptions& opts) {
  BackendPtr backend = front::pick_backend("triangular_solve", {&a, &b});
  Tensor x = front::on(a, backend), y = front::on(b, backend);
  // Nx.Shape.triangular_solve's clauses: a non-square matrix, then ranks that
  // cannot pair (only a single matrix takes a vector), then a non-square batch.
  const std::string not_square =
      "triangular_solve/3 expected a square matrix or a batch of square matrices, got tensor with shape: ";
  if (x.rank() == 2 && x.dim(0) != x.dim(1)) raise("triangular_solve", not_square + shape_to_string(x.shape()));
  if (x.rank() < 2 || (y.rank() < 2 && !(x.rank() == 2 && y.rank() == 1)))
    raise("triangular_solve", "incompatible dimensions for a and b on triangular solve");
  check_square("triangular_solve", x, not_square);
  const int r = x.rank();
  const std::int64_t n = x.dim(r - 1);
  const Shape batch = without_last(x.shape(), 2);
  bool ok = false;
  if (y.rank() == r - 1) {
    ok = without_last(y.shape(), 1) == batch && y.dim(r - 2) == n;
  } else if (y.rank() == r) {
    ok = without_last(y.shape(), 2) == batch && (opts.left_side ? y.dim(r - 2) : y.dim(r - 1)) == n;
  }
  if (!ok) raise("triangular_solve", "incompatible dimensions for a and b on triangular solve");
  Spec out{y.shape(), to_floating(merge(x.type(), y.type())), y.names()};
  return backend->triangular_solve(out, x, y, opts);
}

Tensor cholesky(const Tensor& a) {
  check_square_batch("cholesky", a);
  return a.backend()->cholesky(Spec{a.shape(), to_floating(a.type()), a.names()}, a);
}

Tensor solve(const Tensor& a, const Tensor& b) {
  BackendPtr backend = front::pick_backend("solve", {&a, &b});
  Tensor x = front::on(a, backend), y = front::on(b, backend);
  check_square("solve", x,
               "`a` tensor has incompatible dimensions, expected a square matrix or a batch of square "
               "matrices, got: ");
  const Shape vec = without_last(x.shape(), 1);
  const bool ok = y.shape() == vec || (y.rank() == x.rank() && without_last(y.shape(), 1) == vec);
  if (!ok) {
    // Nx spells the batched matrix form with "m" for the free dimension.
    std::string matrix = shape_to_string(x.shape());
    if (x.rank() > 2) matrix = shape_to_string(vec).substr(0, shape_to_string(vec).size() - 1) + ", \"m\"}";
    raise("solve", "`b` tensor has incompatible dimensions, expected " + matrix + " or " + shape_to_string(vec) +
                       ", got: " + shape_to_string(y.shape()));
  }
  return backend->solve(Spec{y.shape(), to_floating(merge(x.type(), y.type())), {}}, x, y);
}

std::pair<Tensor, Tensor> qr(const Tensor& a, const QrOptions& opts) {
  const int r = a.rank();
  if (r < 2)
    raise("qr", "tensor must have at least rank 2, got rank " + std::to_string(r) + " with shape " +
                    shape_to_string(a.shape()));
  const std::int64_t m = a.dim(r - 2), n = a.dim(r - 1), k = std::min(m, n);
  Shape q = without_last(a.shape(), 2), rr = q;
  const bool complete = opts.mode == QrMode::complete;
  q.insert(q.end(), {m, complete ? m : k});
  rr.insert(rr.end(), {complete ? m : k, n});
  const Type t = to_floating(a.type());
  auto res = a.backend()->qr({Spec{q, t, {}}, Spec{rr, t, {}}}, a, opts);
  return {res.at(0), res.at(1)};
}

std::pair<Tensor, Tensor> eigh(const Tensor& a, const EighOptions& opts) {
  check_square_batch("eigh", a);
  const Type t = to_floating(a.type());
  auto res = a.backend()->eigh({Spec{without_last(a.shape(), 1), t, {}}, Spec{a.shape(), t, {}}}, a, opts);
  return {res.at(0), res.at(1)};
}

SvdResult svd(const Tensor& a, const SvdOptions& opts) {
  if (is_complex(a.type())) raise("svd", "Nx.LinAlg.svd/2 is not yet implemented for complex inputs");
  const int r = a.rank();
  if (r < 2)
    raise("svd", "tensor must have at least rank 2, got rank " + std::to_string(r) + " with shape " +
                     shape_to_string(a.shape()));
  const std::int64_t m = a.dim(r - 2), n = a.dim(r - 1), k = std::min(m, n);
  const Shape batch = without_last(a.shape(), 2);
  Shape u = batch, s = batch, vt = batch;
  u.insert(u.end(), {m, opts.full_matrices ? m : k});
  s.push_back(k);
  vt.insert(vt.end(), {opts.full_matrices ? n : k, n});
  const Type t = to_floating(a.type());
  auto res = a.backend()->svd({Spec{u, t, {}}, Spec{s, t, {}}, Spec{vt, t, {}}}, a, opts);
  return {res.at(0), res.at(1), res.at(2)};
}

LuResult lu(const Tensor& a) {
  check_square_batch("lu", a);
  const Type t = to_floating(a.type());
  // The permutation matrix keeps the input type.
  auto res = a.backend()->lu({Spec{a.shape(), a.type(), {}}, Spec{a.shape(), t, {}}, Spec{a.shape(), t, {}}}, a);
  return {res.at(0), res.at(1), res.at(2)};
}

Tensor determinant(const Tensor& a) {
  // Nx prints the last two dimensions as a list.
  const int r = a.rank();
  if (r < 2 || a.dim(r - 1) != a.dim(r - 2)) {
    std::string last = "[";
    for (int d = std::max(0, r - 2); d < r; ++d) last += (d > std::max(0, r - 2) ? ", " : "") + std::to_string(a.dim(d));
    raise("determinant", "determinant/1 expects a square tensor, got tensor with shape: " + last + "]");
  }
  return a.backend()->determinant(Spec{without_last(a.shape(), 2), to_floating(a.type()), {}}, a);
}

Tensor adjoint(const Tensor& a) {
  Tensor t = a.rank() >= 2 ? swap_last_two(a) : a;
  return is_complex(t.type()) ? conjugate(t) : t;
}

Tensor invert(const Tensor& a) {
  check_square("invert", a, "invert/1 expects a square matrix or a batch of square matrices, got tensor with shape: ");
  const Type type = to_floating(a.type());
  const Type real = to_real(type);
  const BackendPtr& backend = a.backend();
  const int r = a.rank();
  const std::int64_t n = a.dim(r - 1);
  Tensor x = as_type(a, type);
  // |det| <= 1000 * smallest normal: the inverse is a matrix of NaN.
  Shape ones_tail = without_last(a.shape(), 2);
  ones_tail.insert(ones_tail.end(), {1, 1});
  Tensor det = reshape_to(determinant(x), ones_tail);
  Tensor zeros_full = zeros(a.shape(), {.type = real, .names = {}, .backend = backend});
  Tensor singular = less_equal(add(abs(det), zeros_full), 1000.0 * smallest_normal(real));
  // Rows scaled by 1 / max|row| (rows of zeros left alone), then solve against diag(scales).
  Tensor row_max = reduce_max(abs(x), {.axes = Axes{r - 1}, .keep_axes = true});
  Tensor scale = divide(1, select(equal(row_max, 0), 1, row_max));
  Tensor eye_real = eye(Shape{n, n}, {.type = real, .names = {}, .backend = backend});
  Tensor rhs = multiply(eye_real, scale);
  // Singular matrices are replaced by the identity so that no backend has to
  // solve them; their result is NaN afterwards.
  Tensor scaled = select(singular, as_type(eye_real, type), multiply(scale, x));
  Tensor inv = solve(scaled, rhs);
  return select(singular, full({}, std::nan(""), {.type = type, .names = {}, .backend = backend}), inv);
}

Tensor pinv(const Tensor& a, double eps) {
  const int r = a.rank();
  if (to_number<std::int64_t>(all(less_equal(abs(a), eps)))) {
    // Nx's two branches merge to a float type: zeros of it.
    Shape shape = a.shape();
    if (r >= 2) std::swap(shape[static_cast<std::size_t>(r - 1)], shape[static_cast<std::size_t>(r - 2)]);
    return zeros(shape, {.type = to_floating(a.type()), .names = {}, .backend = a.backend()});
  }
  if (r == 0) return divide(1, a);
  if (r == 1) return divide(adjoint(a), pow(norm(a), 2));
  SvdResult d = svd(a, {.max_iter = 100, .full_matrices = false});
  Tensor v = adjoint(d.vt), ut = adjoint(d.u);
  Tensor small = less(abs(d.s), eps);
  Tensor s_inv = select(small, 0, divide(1, select(small, 1, d.s)));
  Shape col = d.s.shape();
  col.push_back(1);
  return matmul(v, multiply(reshape_to(s_inv, col), ut));
}

Tensor matrix_power(const Tensor& a, std::int64_t n) {
  check_square("matrix_power", a,
               "matrix_power/2 expects a square matrix or a batch of square matrices, got tensor with shape: ");
  if (n == 0) return eye(a.shape(), {.type = s32, .names = {}, .backend = a.backend()});
  // Binary exponentiation with batched matrix products (an unsigned
  // exponent: -INT64_MIN does not fit in int64).
  Tensor result, base = n < 0 ? invert(a) : a;
  bool have = false;
  for (std::uint64_t e = n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n); e > 0; e >>= 1) {
    if (e & 1) {
      result = have ? matmul(result, base) : base;
      have = true;
    }
    if (e > 1) base = matmul(base, base);
  }
  return result;
}

namespace {

Tensor norm_inf(const Tensor& t, bool max, const ReduceOptions& ro) {
  Tensor x = abs(t);
  if (t.rank() == 2) x = sum(x, {.axes = Axes{1}, .keep_axes = false});
  Tensor r = max ? reduce_max(x, ro) : reduce_min(x, ro);
  return as_type(r, to_real(t.type()));
}

// The p-norm max|x| * (sum((|x| / max|x|)^p))^(1/p), scaled for stability.
Tensor norm_p(const Tensor& t, double p, const ReduceOptions& ro) {
  const Type out = to_real(t.type());
  Tensor x = abs(t);
  auto guard = [](const Tensor& c) { return select(greater(c, 0), c, 1); };
  Tensor coef_keep = guard(reduce_max(x, {.axes = ro.axes, .keep_axes = true}));
  Tensor coef = ro.keep_axes ? coef_keep : guard(reduce_max(x, ro));
  Tensor inv_p = full({}, 1.0 / p, {.type = out, .names = {}, .backend = t.backend()});
  Tensor s = sum(pow(divide(x, coef_keep), p), ro);
  return multiply(pow(s, inv_p), coef);
}

}  // namespace

Tensor norm(const Tensor& t, const NormOptions& opts) {
  const int r = t.rank();
  if (r != 1 && r != 2) raise("norm", "expected 1-D or 2-D tensor, got tensor with shape " + shape_to_string(t.shape()));
  ReduceOptions ro{opts.axes, opts.keep_axes};
  if (ro.axes) ro.axes = front::normalize_axes("norm", *ro.axes, t);
  switch (opts.ord) {
    case NormOrd::default_: return norm_p(t, 2, ro);
    case NormOrd::frobenius:
      if (r == 1) raise("norm", "expected a 2-D tensor for ord: :frobenius, got a 1-D tensor");
      return norm_p(t, 2, ro);
    case NormOrd::nuclear:
      if (r != 2) raise("norm", "nuclear norm not supported for rank != 2");
      return sum(svd(t).s);
    case NormOrd::inf: return norm_inf(t, true, ro);
    case NormOrd::neg_inf: return norm_inf(t, false, ro);
    case NormOrd::p: break;
  }
  const double p = opts.p;
  if (!std::isfinite(p)) raise("norm", "ord must be finite; use NormOrd::inf or NormOrd::neg_inf");
  if (r == 1) {
    if (p == 0) return as_type(sum(not_equal(t, 0), ro), to_real(t.type()));
    return norm_p(t, p, ro);
  }
  if (p == 1 || p == -1) {
    Tensor cols = sum(abs(t), {.axes = Axes{0}, .keep_axes = false});
    Tensor m = p == 1 ? reduce_max(cols, ro) : reduce_min(cols, ro);
    return as_type(m, to_real(t.type()));
  }
  if (p == -2) return reduce_min(svd(t).s, ro);
  if (p == 2) return norm_p(t, 2, ro);
  raise("norm", "invalid :ord for 2-D tensor, got: " + std::to_string(p));
}

}  // namespace linalg

}  // namespace nx
