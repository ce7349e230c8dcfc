// Emily: native FFT and linear algebra blocks on MLX.
//
// MLX's linear algebra runs on the CPU device only, so every decomposition
// uses mx::Device::cpu whatever the tensor's device (f16/bf16/integer inputs
// are computed in f32, f64 stays f64). Results are brought to Nx's
// conventions:
// - eigh: eigenvalues by descending magnitude (MLX: ascending), vectors in
//   the same order;
// - eigh and svd: the shared sign convention of the reference (each
//   eigenvector and each row of Vt has its first largest component real and
//   positive);
// - qr: LAPACK's reflector sign is turned into Nx's (R's diagonal >= 0 for
//   columns that needed a reflection; a leading run of columns that are
//   already upper triangular is left alone, so triangular input gives Q = I);
//   :complete for tall input is the QR of [A | I];
// - lu: row pivots become the permutation matrix P (input type), A = P L U;
// - determinant: Nx's closed forms for 2x2 and 3x3 (complex too), the
//   product of LAPACK's LU pivots beyond;
// - solve: LU plus two triangular solves;
// - cholesky and solve: where the reference raises (not positive-definite, a
//   zero pivot), a pending check raises the same error on read (checks.hpp).
// Complex inputs where MLX has no complex routine (cholesky, qr, lu, solve,
// determinant beyond 3x3) go to the reference backend through the fallback
// mechanism (an emily.fallback span, under the fallback policy); c128/f64 FFT
// outputs use the default composition of fft/ifft.
#include <cmath>
#include <complex>

#include "../nx/linalg_errors.hpp"
#include "checks.hpp"
#include "emily_backend.hpp"
#include "fallback.hpp"

namespace emily {

namespace {

using nx::Type;

const mx::Device kCpu = mx::Device::cpu;

// Real floating computation type for MLX linear algebra.
Type compute_type(Type out) { return out == nx::f64 ? nx::f64 : nx::f32; }
bool real_native(Type out, Type in) { return mlx_supports(out) && !nx::is_complex(out) && mlx_supports(in) && !nx::is_complex(in); }

mx::array eps_cleanup(const mx::array& y, double eps, mx::Device d) {
  mx::array e(static_cast<float>(eps)), zero(0.0f);
  if (y.dtype() != mx::complex64) return mx::where(mx::less_equal(mx::abs(y, d), e, d), zero, y, d);
  mx::array re = mx::real(y, d), im = mx::imag(y, d);
  re = mx::where(mx::less_equal(mx::abs(re, d), e, d), zero, re, d);
  im = mx::where(mx::less_equal(mx::abs(im, d), e, d), zero, im, d);
  return mx::reshape(mx::view(mx::stack({re, im}, -1, d), mx::complex64, d), y.shape(), d);
}

mx::array snap(const mx::array& a, double eps) {
  return mx::where(mx::less_equal(mx::abs(a, kCpu), mx::array(static_cast<float>(eps)), kCpu),
                   mx::zeros_like(a, kCpu), a, kCpu);
}

// The factor (per vector along `axis`) that makes the first component within
// 0.1% of the largest magnitude real and positive.
mx::array sign_factor(const mx::array& v, int axis) {
  mx::array mag = mx::abs(v, kCpu);
  mx::array top = mx::max(mag, axis, true, kCpu);
  mx::array near = mx::astype(mx::greater_equal(mag, mx::multiply(top, mx::array(1 - 1e-3f), kCpu), kCpu), mx::int32, kCpu);
  mx::array first = mx::argmax(near, axis, true, kCpu);
  mx::array p = mx::take_along_axis(v, first, axis, kCpu);
  if (v.dtype() == mx::complex64) {
    mx::array pm = mx::abs(p, kCpu);
    mx::array safe = mx::where(mx::equal(pm, mx::array(0.0f), kCpu), mx::array(1.0f), pm, kCpu);
    mx::array f = mx::divide(mx::conjugate(p, kCpu), mx::astype(safe, mx::complex64, kCpu), kCpu);
    return mx::where(mx::equal(pm, mx::array(0.0f), kCpu), mx::array(std::complex<float>(1, 0)), f, kCpu);
  }
  return mx::where(mx::less(p, mx::array(0.0f), kCpu), mx::array(-1.0f), mx::array(1.0f), kCpu);
}

// a[..., i, j] as an array of the batch shape.
mx::array element(const mx::array& a, int i, int j, mx::Device d) {
  const int r = static_cast<int>(a.ndim());
  mx::Shape start(static_cast<std::size_t>(r), 0), stop = a.shape();
  start[static_cast<std::size_t>(r - 2)] = i;
  start[static_cast<std::size_t>(r - 1)] = j;
  stop[static_cast<std::size_t>(r - 2)] = i + 1;
  stop[static_cast<std::size_t>(r - 1)] = j + 1;
  return mx::squeeze(mx::slice(a, start, stop, d), std::vector<int>{r - 2, r - 1}, d);
}

// Leading columns slice [..., :, :k] (rows when `rows`).
mx::array leading(const mx::array& a, int k, bool rows) {
  const int r = static_cast<int>(a.ndim());
  mx::Shape start(static_cast<std::size_t>(r), 0), stop = a.shape();
  stop[static_cast<std::size_t>(rows ? r - 2 : r - 1)] = k;
  return mx::slice(a, start, stop, kCpu);
}

// Pads a per-vector factor [..., k] with ones to length `len`.
mx::array pad_ones(const mx::array& f, int len) {
  const int k = f.shape(-1);
  if (k == len) return f;
  mx::Shape s = f.shape();
  s.back() = len - k;
  return mx::concatenate({f, mx::ones(s, f.dtype(), kCpu)}, -1, kCpu);
}

}  // namespace

// ---------------------------------------------------------------- FFT

Tensor Backend::fft2(const Spec& out, const Tensor& t, const nx::Fft2Options& opts) {
  if (out.type != nx::c64 || !mlx_supports(t.type())) return nx::Backend::fft2(out, t, opts);
  auto d = mx_device(out.type);
  mx::Shape n{static_cast<int>(opts.lengths[0]), static_cast<int>(opts.lengths[1])};
  mx::array y = mx::fft::fftn(cast(t, nx::c64), n, {opts.axes[0], opts.axes[1]}, mx::fft::FFTNorm::Backward, d);
  return wrap(out, eps_cleanup(y, opts.eps, d));
}

Tensor Backend::ifft2(const Spec& out, const Tensor& t, const nx::Fft2Options& opts) {
  if (out.type != nx::c64 || !mlx_supports(t.type())) return nx::Backend::ifft2(out, t, opts);
  auto d = mx_device(out.type);
  mx::Shape n{static_cast<int>(opts.lengths[0]), static_cast<int>(opts.lengths[1])};
  mx::array y = mx::fft::ifftn(cast(t, nx::c64), n, {opts.axes[0], opts.axes[1]}, mx::fft::FFTNorm::Backward, d);
  return wrap(out, eps_cleanup(y, opts.eps, d));
}

Tensor Backend::rfft(const Spec& out, const Tensor& t, const nx::FftOptions& opts) {
  if (out.type != nx::c64 || !mlx_supports(t.type())) return nx::Backend::rfft(out, t, opts);
  auto d = mx_device(out.type);
  mx::array y = mx::fft::rfft(cast(t, nx::f32), static_cast<int>(opts.length), opts.axis,
                              mx::fft::FFTNorm::Backward, d);
  return wrap(out, eps_cleanup(y, opts.eps, d));
}

Tensor Backend::irfft(const Spec& out, const Tensor& t, const nx::FftOptions& opts) {
  // f64: the default composition would hold its c128 intermediate on Emily.
  if (out.type == nx::f64) return fallback::run(*this, "irfft", &nx::Backend::irfft, out, t, opts);
  if (!mlx_supports(out.type) || !mlx_supports(t.type())) return nx::Backend::irfft(out, t, opts);
  auto d = mx_device(nx::c64);
  mx::array y = mx::fft::irfft(cast(t, nx::c64), static_cast<int>(opts.length), opts.axis,
                               mx::fft::FFTNorm::Backward, d);
  return wrap(out, eps_cleanup(y, opts.eps, d));
}

// ---------------------------------------------------------------- decompositions

Tensor Backend::cholesky(const Spec& out, const Tensor& a) {
  if (!real_native(out.type, a.type())) return fallback::run(*this, "cholesky", &nx::Backend::cholesky, out, a);
  mx::array x = mx::astype(array_of(a), to_dtype(compute_type(out.type), "cholesky"), kCpu);
  mx::array l = mx::linalg::cholesky(x, false, kCpu);
  // LAPACK stops at the first pivot that is not positive and leaves it on
  // the diagonal: the factor's diagonal says whether the reference raises.
  mx::array ok = mx::all(mx::greater(mx::diagonal(l, 0, -2, -1, kCpu), mx::array(0.0f), kCpu), kCpu);
  return wrap(out, checks::guard(snap(l, 1e-10), ok, std::string("cholesky: ") + nx::linalg_errors::kNotPositiveDefinite));
}

Tensor Backend::solve(const Spec& out, const Tensor& a, const Tensor& b) {
  if (!real_native(out.type, a.type()) || !mlx_supports(b.type()) || nx::is_complex(b.type()))
    return fallback::run(*this, "solve", &nx::Backend::solve, out, a, b);
  const mx::Dtype ct = to_dtype(compute_type(out.type), "solve");
  mx::array x = mx::astype(array_of(a), ct, kCpu), rhs = mx::astype(array_of(b), ct, kCpu);
  const bool vector = b.rank() == a.rank() - 1;
  if (vector) rhs = mx::expand_dims(rhs, -1, kCpu);
  // A = P L U with (L U) row i = A row piv[i]: L U x = rows piv^-1 of b.
  auto f = mx::linalg::lu(x, kCpu);
  mx::array piv = f[0], l = f[1], u = f[2];
  mx::array inv = mx::argsort(piv, -1, kCpu);
  mx::array idx = mx::broadcast_to(mx::expand_dims(inv, -1, kCpu), rhs.shape(), kCpu);
  rhs = mx::take_along_axis(rhs, idx, -2, kCpu);
  mx::array y = mx::linalg::solve_triangular(l, rhs, false, kCpu);
  const int n = static_cast<int>(a.dim(a.rank() - 1));
  mx::array diag_zero = mx::logical_and(mx::astype(mx::eye(n, kCpu), mx::bool_, kCpu),
                                        mx::equal(u, mx::array(0.0f), kCpu), kCpu);
  // An exactly zero pivot: the reference raises; here a pending check (the
  // zeros replaced by 1 so that MLX's solve never raises from its stream).
  u = mx::where(diag_zero, mx::array(1.0f), u, kCpu);
  mx::array r = mx::linalg::solve_triangular(u, y, true, kCpu);
  r = checks::guard(r, mx::logical_not(mx::any(diag_zero, kCpu), kCpu),
                    std::string("solve: ") + nx::linalg_errors::kSingular);
  if (vector) r = mx::squeeze(r, -1, kCpu);
  return wrap(out, r);
}

std::vector<Tensor> Backend::qr(const std::vector<Spec>& out, const Tensor& a, const nx::QrOptions& opts) {
  if (!real_native(out[0].type, a.type())) return fallback::run(*this, "qr", &nx::Backend::qr, out, a, opts);
  const mx::Dtype ct = to_dtype(compute_type(out[0].type), "qr");
  mx::array x = mx::astype(array_of(a), ct, kCpu);
  const int m = static_cast<int>(a.dim(a.rank() - 2)), n = static_cast<int>(a.dim(a.rank() - 1));
  const int k = std::min(m, n);
  mx::array q(0.0f), r(0.0f);
  if (opts.mode == nx::QrMode::complete && m > n) {
    // Q of [A | I] is m x m; the first n columns of its R are A's R.
    mx::Shape eshape = x.shape();
    eshape.back() = m;
    mx::array aug = mx::concatenate({x, mx::broadcast_to(mx::eye(m, ct, kCpu), eshape, kCpu)}, -1, kCpu);
    auto f = mx::linalg::qr(aug, kCpu);
    q = f.first;
    r = leading(f.second, n, false);
  } else {
    auto f = mx::linalg::qr(x, kCpu);
    q = f.first;
    r = f.second;
  }
  // Nx's signs. A column that needs a reflection ends with R_ii > 0 in Nx,
  // -sign(alpha) in LAPACK: flip those with R_ii < 0. A leading run of
  // columns already triangular gets no reflection in either. The diagonal
  // entry of the last row (m <= n) gets no reflection in Nx either; its sign
  // follows from det(Q) = (-1)^(number of reflections).
  const int r_ndim = static_cast<int>(x.ndim());
  mx::array below = mx::multiply(x, mx::tril(mx::ones({m, n}, ct, kCpu), -1, kCpu), kCpu);
  mx::array sub = mx::sum(mx::square(below, kCpu), r_ndim - 2, false, kCpu);  // [..., n]
  mx::array trivial = mx::astype(mx::less(leading(sub, k, false), mx::array(opts.eps), kCpu), mx::int32, kCpu);
  trivial = mx::cumprod(trivial, -1, false, true, kCpu);
  mx::array reflected = mx::equal(trivial, mx::array(0), kCpu);  // [..., k]
  mx::array diag = mx::diagonal(r, 0, -2, -1, kCpu);            // [..., k]
  mx::array flip = mx::logical_and(mx::less(diag, mx::array(0.0f), kCpu), reflected, kCpu);
  if (m <= n) flip = mx::logical_and(flip, mx::less(mx::arange(k, kCpu), mx::array(m - 1), kCpu), kCpu);
  mx::array s = mx::astype(mx::where(flip, mx::array(-1.0f), mx::array(1.0f), kCpu), ct, kCpu);
  q = mx::multiply(q, mx::expand_dims(pad_ones(s, q.shape(-1)), -2, kCpu), kCpu);
  r = mx::multiply(r, mx::expand_dims(pad_ones(s, r.shape(-2)), -1, kCpu), kCpu);
  if (m <= n && m >= 2) {
    mx::array count = mx::sum(mx::astype(leading(reflected, m - 1, false), mx::int32, kCpu), -1, true, kCpu);
    mx::array odd = mx::equal(mx::remainder(count, mx::array(2), kCpu), mx::array(1), kCpu);
    mx::array det = mx::expand_dims(mx::linalg::det(q, kCpu), -1, kCpu);  // [..., 1]
    mx::array wrong = mx::not_equal(mx::less(det, mx::array(0.0f), kCpu), odd, kCpu);
    mx::array last = mx::where(wrong, mx::array(-1.0f), mx::array(1.0f), kCpu);
    mx::Shape ones_shape = last.shape();
    ones_shape.back() = m - 1;
    mx::array fix = mx::astype(mx::concatenate({mx::ones(ones_shape, mx::float32, kCpu), last}, -1, kCpu), ct, kCpu);
    q = mx::multiply(q, mx::expand_dims(fix, -2, kCpu), kCpu);
    r = mx::multiply(r, mx::expand_dims(pad_ones(fix, r.shape(-2)), -1, kCpu), kCpu);
  }
  return {wrap(out[0], snap(q, opts.eps)), wrap(out[1], snap(r, opts.eps))};
}

std::vector<Tensor> Backend::eigh(const std::vector<Spec>& out, const Tensor& a, const nx::EighOptions& opts) {
  const Type ot = out[1].type;
  if (!mlx_supports(ot) || !mlx_supports(a.type()))
    return fallback::run(*this, "eigh", &nx::Backend::eigh, out, a, opts);
  const mx::Dtype ct = nx::is_complex(ot) ? mx::complex64 : to_dtype(compute_type(ot), "eigh");
  mx::array x = mx::astype(array_of(a), ct, kCpu);
  auto [w, v] = mx::linalg::eigh(x, "L", kCpu);
  // Descending magnitude (MLX returns ascending values).
  mx::array order = mx::argsort(mx::negative(mx::abs(w, kCpu), kCpu), -1, kCpu);
  w = mx::take_along_axis(w, order, -1, kCpu);
  v = mx::take_along_axis(v, mx::broadcast_to(mx::expand_dims(order, -2, kCpu), v.shape(), kCpu), -1, kCpu);
  v = mx::multiply(v, sign_factor(v, -2), kCpu);
  return {wrap(out[0], w), wrap(out[1], v)};
}

std::vector<Tensor> Backend::svd(const std::vector<Spec>& out, const Tensor& a, const nx::SvdOptions& opts) {
  if (!real_native(out[0].type, a.type())) return fallback::run(*this, "svd", &nx::Backend::svd, out, a, opts);
  mx::array x = mx::astype(array_of(a), to_dtype(compute_type(out[0].type), "svd"), kCpu);
  const int m = static_cast<int>(a.dim(a.rank() - 2)), n = static_cast<int>(a.dim(a.rank() - 1));
  const int k = std::min(m, n);
  auto f = mx::linalg::svd(x, true, kCpu);
  mx::array u = f[0], s = f[1], vt = f[2];
  if (!opts.full_matrices) {
    u = leading(u, k, false);
    vt = leading(vt, k, true);
  }
  // Rows i < k of Vt get their first largest component positive.
  mx::array sign = mx::astype(sign_factor(leading(vt, k, true), -1), x.dtype(), kCpu);  // [..., k, 1]
  mx::array col = mx::squeeze(sign, -1, kCpu);
  vt = mx::multiply(vt, mx::expand_dims(pad_ones(col, vt.shape(-2)), -1, kCpu), kCpu);
  u = mx::multiply(u, mx::expand_dims(pad_ones(col, u.shape(-1)), -2, kCpu), kCpu);
  return {wrap(out[0], u), wrap(out[1], s), wrap(out[2], vt)};
}

std::vector<Tensor> Backend::lu(const std::vector<Spec>& out, const Tensor& a) {
  if (!real_native(out[1].type, a.type())) return fallback::run(*this, "lu", &nx::Backend::lu, out, a);
  mx::array x = mx::astype(array_of(a), to_dtype(compute_type(out[1].type), "lu"), kCpu);
  const int n = static_cast<int>(a.dim(a.rank() - 1));
  auto f = mx::linalg::lu(x, kCpu);
  // A = L[piv] U  =>  P = I[piv] (rows of the identity).
  mx::array p = mx::take(mx::eye(n, to_dtype(out[0].type, "lu"), kCpu), f[0], 0, kCpu);
  return {wrap(out[0], p), wrap(out[1], snap(f[1], 1e-10)), wrap(out[2], snap(f[2], 1e-10))};
}

Tensor Backend::determinant(const Spec& out, const Tensor& a) {
  const int n = static_cast<int>(a.dim(a.rank() - 1));
  const bool cplx = nx::is_complex(out.type);
  if (!mlx_supports(out.type) || !mlx_supports(a.type()) || (cplx && n > 3))
    return fallback::run(*this, "determinant", &nx::Backend::determinant, out, a);
  const mx::Dtype ct = cplx ? mx::complex64 : to_dtype(compute_type(out.type), "determinant");
  const mx::Device d = ct == mx::float64 ? kCpu : mx_device();
  mx::array x = mx::astype(array_of(a), ct, d);
  auto e = [&](int i, int j) { return element(x, i, j, d); };
  auto mul = [&](const mx::array& p, const mx::array& q) { return mx::multiply(p, q, d); };
  if (n == 1) return wrap(out, e(0, 0));
  if (n == 2) return wrap(out, mx::subtract(mul(e(0, 0), e(1, 1)), mul(e(0, 1), e(1, 0)), d));
  if (n == 3) {
    // Nx's closed form: diagonals of [A A] minus those of its column reversal.
    mx::array pos = mx::add(mx::add(mul(mul(e(0, 0), e(1, 1)), e(2, 2)), mul(mul(e(0, 1), e(1, 2)), e(2, 0)), d),
                            mul(mul(e(0, 2), e(1, 0)), e(2, 1)), d);
    mx::array r = mx::subtract(pos, mul(mul(e(0, 2), e(1, 1)), e(2, 0)), d);
    r = mx::subtract(r, mul(mul(e(0, 1), e(1, 0)), e(2, 2)), d);
    r = mx::subtract(r, mul(mul(e(0, 0), e(1, 2)), e(2, 1)), d);
    return wrap(out, r);
  }
  // LU: product of U's diagonal, negated for an odd permutation (counted as
  // inversions of the pivot order). mx::linalg::det loses float64 precision.
  auto f = mx::linalg::lu(x, kCpu);
  mx::array prod = mx::prod(mx::diagonal(f[2], 0, -2, -1, kCpu), -1, false, kCpu);
  mx::array piv = mx::astype(f[0], mx::int32, kCpu);
  mx::array inversions = mx::sum(
      mx::astype(mx::logical_and(mx::greater(mx::expand_dims(piv, -1, kCpu), mx::expand_dims(piv, -2, kCpu), kCpu),
                                 mx::triu(mx::ones({n, n}, mx::bool_, kCpu), 1, kCpu), kCpu),
                 mx::int32, kCpu),
      std::vector<int>{-2, -1}, false, kCpu);
  mx::array odd = mx::equal(mx::remainder(inversions, mx::array(2), kCpu), mx::array(1), kCpu);
  return wrap(out, mx::where(odd, mx::negative(prod, kCpu), prod, kCpu));
}

}  // namespace emily
