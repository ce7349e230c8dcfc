// Default bodies of the FFT and linear algebra blocks (Nx.Block.*).
//
// fft2/ifft2/rfft/irfft compose the fft/ifft callbacks; solve and determinant
// compose lu, dot, triangular_solve and element-wise callbacks, as Nx's
// defaults do. cholesky, qr, eigh, svd and lu have no default (see below).
#include <algorithm>

#include "../element.hpp"
#include "common.hpp"

namespace nx {

namespace {

std::size_t idx(std::int64_t i) { return static_cast<std::size_t>(i); }

// A tensor of `backend` holding host values (weights and masks of irfft).
Tensor host_tensor(Backend& backend, const Spec& spec, const std::vector<double>& values) {
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(spec.size() * element_bytes(spec.type)));
  element::store(spec.type, values.data(), spec.size(), bytes.data());
  return backend.from_binary(spec, element::pack(spec.type, bytes.data(), spec.size()));
}

AxisIndices upto(int n) {
  AxisIndices a;
  for (int i = 0; i < n; ++i) a.push_back(i);
  return a;
}

Shape appended(Shape s, const Shape& tail) {
  s.insert(s.end(), tail.begin(), tail.end());
  return s;
}

}  // namespace

// ---------------------------------------------------------------- FFT blocks

namespace {

// fft2/ifft2 default: the 1-D transform on axes[1], then on axes[0].
using Transform1d = Tensor (Backend::*)(const Spec&, const Tensor&, const FftOptions&);
Tensor two_transforms(Backend& b, Transform1d f, const Spec& out, const Tensor& t, const Fft2Options& opts) {
  Shape mid = t.shape();
  mid[idx(opts.axes[1])] = opts.lengths[1];
  Tensor inner = (b.*f)(Spec{mid, out.type, out.names}, t, FftOptions{opts.lengths[1], opts.axes[1], opts.eps});
  return (b.*f)(out, inner, FftOptions{opts.lengths[0], opts.axes[0], opts.eps});
}

}  // namespace

Tensor Backend::fft2(const Spec& out, const Tensor& t, const Fft2Options& opts) {
  detail::note_composed("fft2");
  return two_transforms(*this, &Backend::fft, out, t, opts);
}

Tensor Backend::ifft2(const Spec& out, const Tensor& t, const Fft2Options& opts) {
  detail::note_composed("ifft2");
  return two_transforms(*this, &Backend::ifft, out, t, opts);
}

Tensor Backend::rfft(const Spec& out, const Tensor& t, const FftOptions& opts) {
  detail::note_composed("rfft");
  Shape full = t.shape();
  full[idx(opts.axis)] = opts.length;
  Tensor spectrum = fft(Spec{full, out.type, out.names}, t, opts);
  if (full == out.shape) return spectrum;
  // Keep the first floor(n/2) + 1 bins.
  std::vector<std::int64_t> starts(full.size(), 0), strides(full.size(), 1);
  return slice(out, spectrum, StartIndices{starts, {}}, out.shape, strides);
}

Tensor Backend::irfft(const Spec& out, const Tensor& t, const FftOptions& opts) {
  detail::note_composed("irfft");
  // With m' = floor(n/2) + 1 kept bins, Nx extends the spectrum with the
  // conjugated mirror of bins 1 .. n - m'. The real part of the inverse
  // transform of that Hermitian spectrum equals the real part of the inverse
  // transform of the kept bins with the mirrored ones counted twice: weights
  // 1 (bin 0), 2 (bins 1 .. n - m'), 1 (bin n/2 for even n), 0 (bins >= m').
  const std::int64_t n = opts.length, m = t.dim(opts.axis), kept = n / 2 + 1;
  std::vector<double> weights(idx(m), 0.0);
  for (std::int64_t k = 0; k < std::min(m, kept); ++k) weights[idx(k)] = (k == 0 || k > n - kept) ? 1.0 : 2.0;
  Shape wshape(t.shape().size(), 1);
  wshape[idx(opts.axis)] = m;
  const Type wtype = to_real(t.type());
  Tensor w = host_tensor(*this, Spec{wshape, wtype, {}}, weights);
  Spec weighted{t.shape(), merge(t.type(), wtype), t.names()};
  Tensor y = multiply(weighted, t, w);
  if (m > kept) {
    // Bins past the kept ones are dropped, not multiplied by 0 (Inf * 0 = NaN).
    std::vector<double> keep(idx(m), 0.0);
    for (std::int64_t k = 0; k < kept; ++k) keep[idx(k)] = 1.0;
    AxisIndices all;
    for (int d = 0; d < t.rank(); ++d) all.push_back(d);
    Tensor mask = broadcast(Spec{t.shape(), u8, {}}, host_tensor(*this, Spec{wshape, u8, {}}, keep), t.shape(), all);
    y = select(weighted, mask, y, constant(Spec{{}, weighted.type, {}}, 0));
  }
  Shape shape = t.shape();
  shape[idx(opts.axis)] = n;
  const Type ctype = to_complex(weighted.type);
  Tensor z = ifft(Spec{shape, ctype, out.names}, y, FftOptions{n, opts.axis, opts.eps});
  if (to_real(ctype) == out.type) return real(out, z);
  Tensor r = real(Spec{shape, to_real(ctype), out.names}, z);
  return as_type(out, r);
}

// ---------------------------------------------------------------- decompositions

Tensor Backend::solve(const Spec& out, const Tensor& a, const Tensor& b) {
  detail::note_composed("solve");
  // A = P L U, so A x = b is L U x = P^T b: two triangular solves.
  const int r = a.rank();
  const Tensor x = a.type() == out.type ? a : as_type(Spec{a.shape(), out.type, {}}, a);
  const Tensor y = b.type() == out.type ? b : as_type(Spec{b.shape(), out.type, {}}, b);
  const Spec square{a.shape(), out.type, {}}, rhs{b.shape(), out.type, {}};
  const std::vector<Tensor> f = lu({square, square, square}, x);
  const AxisIndices batch = upto(r - 2);
  const Tensor permuted = dot(rhs, f[0], {r - 2}, batch, y, {r - 2}, batch);
  const Tensor z = triangular_solve(rhs, f[1], permuted, {.lower = true});
  return triangular_solve(out, f[2], z, {.lower = false});
}

Tensor Backend::determinant(const Spec& out, const Tensor& a) {
  detail::note_composed("determinant");
  const int r = a.rank();
  const std::int64_t n = a.dim(r - 1);
  const Type t = out.type;
  const Tensor x = a.type() == t ? a : as_type(Spec{a.shape(), t, {}}, a);
  const Spec batch{out.shape, t, {}};
  auto e = [&](int i, int j) {  // x[..., i, j]
    const Shape one = appended(out.shape, {1, 1});
    std::vector<std::int64_t> starts(idx(r), 0), strides(idx(r), 1);
    starts[idx(r - 2)] = i;
    starts[idx(r - 1)] = j;
    return reshape(batch, slice(Spec{one, t, {}}, x, StartIndices{starts, {}}, one, strides));
  };
  auto mul = [&](const Tensor& p, const Tensor& q) { return multiply(batch, p, q); };
  if (n == 1) return e(0, 0);
  if (n == 2) return subtract(out, mul(e(0, 0), e(1, 1)), mul(e(0, 1), e(1, 0)));
  if (n == 3) {
    // The diagonals of [A A] minus those of its column reversal.
    auto term = [&](int j0, int j1, int j2) { return mul(mul(e(0, j0), e(1, j1)), e(2, j2)); };
    Tensor d = add(batch, add(batch, term(0, 1, 2), term(1, 2, 0)), term(2, 0, 1));
    d = subtract(batch, d, term(2, 1, 0));
    d = subtract(batch, d, term(1, 0, 2));
    return subtract(out, d, term(0, 2, 1));
  }
  // The product of U's diagonal, negated for an odd permutation.
  const Spec square{a.shape(), t, {}};
  const std::vector<Tensor> f = lu({square, square, square}, x);
  const AxisIndices all = upto(r);
  const Spec mask{a.shape(), u8, {}};
  const Tensor on_diag = broadcast(mask, eye(Spec{{n, n}, u8, {}}), a.shape(), {r - 2, r - 1});
  const Tensor diagonal = select(square, on_diag, f[2], constant(Spec{{}, t, {}}, 0));
  const Shape vec = appended(out.shape, {n});
  const Tensor prod = product(batch, sum(Spec{vec, t, {}}, diagonal, {AxisIndices{r - 1}}), {AxisIndices{r - 2}});
  // Column i of P has its one in row perm[i]; the parity is that of the
  // number of pairs i < j with perm[i] > perm[j].
  const Type rt = to_real(t);
  const Spec real_square{a.shape(), rt, {}};
  const Tensor p = is_complex(t) ? real(real_square, f[0]) : f[0];
  const Tensor perm = sum(Spec{vec, rt, {}}, multiply(real_square, p, iota(real_square, r - 2)), {AxisIndices{r - 2}});
  auto spread = [&](const Shape& tail) {  // perm as a column ({n, 1}) or a row ({1, n}), broadcast to n x n
    return broadcast(real_square, reshape(Spec{appended(out.shape, tail), rt, {}}, perm), a.shape(), all);
  };
  const Tensor perm_i = spread(Shape{n, 1}), perm_j = spread(Shape{1, n});
  const Tensor later = greater(mask, iota(Spec{a.shape(), s32, {}}, r - 1), iota(Spec{a.shape(), s32, {}}, r - 2));
  const Tensor inverted = logical_and(mask, later, greater(mask, perm_i, perm_j));
  const Spec real_batch{out.shape, rt, {}};
  const Tensor count = sum(real_batch, as_type(real_square, inverted), {AxisIndices{r - 2, r - 1}});
  const Tensor odd = equal(Spec{out.shape, u8, {}}, remainder(real_batch, count, constant(Spec{{}, rt, {}}, 2)),
                           constant(Spec{{}, rt, {}}, 1));
  return select(out, odd, negate(batch, prod), prod);
}

// cholesky, qr, eigh, svd and lu have no default body. Nx's defaults for them
// are iterative defn code built on while loops, and a while loop is no
// backend callback here, so there is no composition of callbacks to run. The
// reference backend implements them on the host (src/nx/binary/); any other
// backend implements them or sends them to the reference backend through its
// own, visible fallback mechanism (Emily: emily::fallback::run), so host work
// never hides in this base class.
Tensor Backend::cholesky(const Spec&, const Tensor&) { unsupported("cholesky"); }
std::vector<Tensor> Backend::qr(const std::vector<Spec>&, const Tensor&, const QrOptions&) { unsupported("qr"); }
std::vector<Tensor> Backend::eigh(const std::vector<Spec>&, const Tensor&, const EighOptions&) {
  unsupported("eigh");
}
std::vector<Tensor> Backend::svd(const std::vector<Spec>&, const Tensor&, const SvdOptions&) { unsupported("svd"); }
std::vector<Tensor> Backend::lu(const std::vector<Spec>&, const Tensor&) { unsupported("lu"); }

}  // namespace nx
