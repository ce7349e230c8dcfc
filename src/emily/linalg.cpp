// Emily: dot, triangular_solve, fft and ifft on MLX.
//
// - dot: floats through mx::matmul; integers exactly (wrapping like Nx) by
//   splitting both operands into limbs whose float products and partial
//   sums stay exact (8-bit limbs, f32, contraction chunks of 256 on the GPU;
//   16-bit limbs in f64 on the CPU), recombined with wrap-around in uint64.
// - triangular_solve: mx::linalg::solve_triangular on the CPU device (MLX's
//   linear algebra is CPU-only). A zero on the diagonal is a pending check
//   (checks.hpp): reading the solution raises the reference's error. c64
//   falls back.
// - fft/ifft: mx::fft in complex64 (c128 cannot be held by MLX), then Nx's
//   clean-up of components within eps of zero.
#include <algorithm>

#include "../nx/linalg_errors.hpp"
#include "checks.hpp"
#include "emily_backend.hpp"
#include "fallback.hpp"
#include "int_matmul.hpp"

namespace emily {

namespace {

// Components with |value| <= eps become exactly zero (Nx's clean-up).
mx::array eps_cleanup(const mx::array& y, double eps, mx::Device d) {
  mx::array e(static_cast<float>(eps)), zero(0.0f);
  mx::array re = mx::real(y, d), im = mx::imag(y, d);
  re = mx::where(mx::less_equal(mx::abs(re, d), e, d), zero, re, d);
  im = mx::where(mx::less_equal(mx::abs(im, d), e, d), zero, im, d);
  // (re, im) pairs reinterpreted as complex64.
  mx::array pairs = mx::stack({re, im}, -1, d);
  return mx::reshape(mx::view(pairs, mx::complex64, d), y.shape(), d);
}

}  // namespace

namespace detail {

mx::array exact_int_matmul(const mx::array& a, const mx::array& b, int bits, bool f64_limbs, mx::Device d) {
  const bool cpu = f64_limbs;
  // f64 (CPU): 16-bit limbs, (2^16-1)^2 * 2^21 < 2^53. f32: 8-bit limbs,
  // (2^8-1)^2 * 256 < 2^24.
  const int limb_bits = std::min(cpu ? 16 : 8, bits);
  const mx::Dtype fdt = cpu ? mx::float64 : mx::float32;
  const int chunk = cpu ? (1 << 21) : 256;
  const int limbs = bits / limb_bits;
  const int K = a.shape(2);
  mx::array au = mx::astype(a, mx::uint64, d), bu = mx::astype(b, mx::uint64, d);
  const mx::array mask(static_cast<std::uint64_t>((1ull << limb_bits) - 1), mx::uint64);
  auto limb = [&](const mx::array& x, int i) {
    mx::array shifted = mx::right_shift(x, mx::array(static_cast<std::uint64_t>(i * limb_bits), mx::uint64), d);
    return mx::astype(mx::bitwise_and(shifted, mask, d), fdt, d);
  };
  std::vector<mx::array> a_limbs, b_limbs;
  for (int i = 0; i < limbs; ++i) {
    a_limbs.push_back(limb(au, i));
    b_limbs.push_back(limb(bu, i));
  }
  const int B = a.shape(0), M = a.shape(1), N = b.shape(2);
  mx::array total = mx::zeros({B, M, N}, mx::uint64, d);
  for (int i = 0; i < limbs; ++i) {
    // A_i times [B_0 | ... | B_{L-1-i}]: every pair with i + j < L contributes.
    const int js = limbs - i;
    std::vector<mx::array> parts(b_limbs.begin(), b_limbs.begin() + js);
    mx::array bcat = js == 1 ? parts[0] : mx::concatenate(parts, 2, d);
    mx::array acc = mx::zeros({B, M, js * N}, mx::uint64, d);
    for (int k0 = 0; k0 < K; k0 += chunk) {
      const int k1 = std::min(K, k0 + chunk);
      mx::array pa = mx::slice(a_limbs[static_cast<std::size_t>(i)], {0, 0, k0}, {B, M, k1}, d);
      mx::array pb = mx::slice(bcat, {0, k0, 0}, {B, k1, js * N}, d);
      acc = mx::add(acc, mx::astype(mx::matmul(pa, pb, d), mx::uint64, d), d);
    }
    std::vector<std::uint64_t> w;
    for (int j = 0; j < js; ++j) w.push_back(1ull << (limb_bits * (i + j)));
    mx::array weights(w.begin(), mx::Shape{1, 1, js, 1}, mx::uint64);
    mx::array term = mx::sum(mx::multiply(mx::reshape(acc, {B, M, js, N}, d), weights, d), 2, false, d);
    total = mx::add(total, mx::astype(term, mx::uint64, d), d);
  }
  return total;
}

}  // namespace detail

Tensor Backend::dot(const Spec& out, const Tensor& ta, const AxisIndices& contract_a, const AxisIndices& batch_a,
                    const Tensor& tb, const AxisIndices& contract_b, const AxisIndices& batch_b) {
  if (!mlx_supports(out.type) || !mlx_supports(ta.type()) || !mlx_supports(tb.type()))
    return fallback::run(*this, "dot", &nx::Backend::dot, out, ta, contract_a, batch_a, tb, contract_b, batch_b);
  auto d = mx_device(out.type);
  auto free_axes = [](int rank, const AxisIndices& c, const AxisIndices& bt) {
    AxisIndices f;
    for (int i = 0; i < rank; ++i)
      if (std::find(c.begin(), c.end(), i) == c.end() && std::find(bt.begin(), bt.end(), i) == bt.end())
        f.push_back(i);
    return f;
  };
  AxisIndices fa = free_axes(ta.rank(), contract_a, batch_a), fb = free_axes(tb.rank(), contract_b, batch_b);
  auto prod = [](const Tensor& t, const AxisIndices& ax) {
    int n = 1;
    for (int i : ax) n *= static_cast<int>(t.dim(i));
    return n;
  };
  const int B = prod(ta, batch_a), M = prod(ta, fa), K = prod(ta, contract_a), N = prod(tb, fb);
  std::vector<int> pa(batch_a.begin(), batch_a.end()), pb(batch_b.begin(), batch_b.end());
  pa.insert(pa.end(), fa.begin(), fa.end());
  pa.insert(pa.end(), contract_a.begin(), contract_a.end());
  pb.insert(pb.end(), contract_b.begin(), contract_b.end());
  pb.insert(pb.end(), fb.begin(), fb.end());
  // A plain matrix product reaches matmul as it is: no transpose or reshape
  // nodes where the axes are already in place.
  const bool float_out = nx::is_float(out.type);
  auto arrange = [&](const Tensor& t, const std::vector<int>& perm, mx::Shape shape) {
    mx::array x = cast(t, out.type);
    bool identity = true;
    for (std::size_t i = 0; i < perm.size(); ++i) identity = identity && perm[i] == static_cast<int>(i);
    if (!identity) x = mx::transpose(x, perm, d);
    if (float_out && B == 1 && t.rank() == 2 && x.shape(0) == shape[1] && x.shape(1) == shape[2]) return x;
    return x.shape() == shape ? x : mx::reshape(x, shape, d);
  };
  mx::array a = arrange(ta, pa, {B, M, K});
  mx::array b = arrange(tb, pb, {B, K, N});
  if (nx::is_float(out.type)) return wrap(out, mx::matmul(a, b, d));
  return wrap(out, detail::exact_int_matmul(a, b, out.type.bits, d == mx::Device::cpu, d));
}

Tensor Backend::triangular_solve(const Spec& out, const Tensor& ta, const Tensor& tb,
                                 const nx::TriangularSolveOptions& opts) {
  const nx::Type ot = out.type;
  if (!mlx_supports(ot) || nx::is_complex(ot) || !mlx_supports(ta.type()) || !mlx_supports(tb.type()))
    return fallback::run(*this, "triangular_solve", &nx::Backend::triangular_solve, out, ta, tb, opts);
  const mx::Device cpu = mx::Device::cpu;
  const nx::Type ct = ot == nx::f64 ? nx::f64 : nx::f32;  // f16/bf16 solve in f32
  mx::array a = mx::astype(array_of(ta), to_dtype(ct, "triangular_solve"), cpu);
  mx::array b = mx::astype(array_of(tb), to_dtype(ct, "triangular_solve"), cpu);
  // Only the selected triangle is read.
  a = opts.lower ? mx::tril(a, 0, cpu) : mx::triu(a, 0, cpu);
  bool upper = !opts.lower;
  if (opts.transform_a == nx::Transform::transpose) {
    a = mx::swapaxes(a, -1, -2, cpu);
    upper = !upper;
  }
  const bool vector = tb.rank() == ta.rank() - 1;
  if (vector) b = mx::expand_dims(b, -1, cpu);
  // Right side: X T = B  <=>  T^T X^T = B^T (a vector b is a row: same column).
  if (!opts.left_side) {
    a = mx::swapaxes(a, -1, -2, cpu);
    upper = !upper;
    if (!vector) b = mx::swapaxes(b, -1, -2, cpu);
  }
  const int n = static_cast<int>(ta.dim(ta.rank() - 1));
  // A zero on the diagonal: the reference raises. MLX would raise at
  // evaluation, from its stream; the pending check raises on read instead
  // (the solve, with 1 in place of the zeros, is then never evaluated).
  mx::array diag_zero = mx::logical_and(mx::astype(mx::eye(n, cpu), mx::bool_, cpu),
                                        mx::equal(a, mx::array(0.0f), cpu), cpu);
  a = mx::where(diag_zero, mx::array(1.0f), a, cpu);
  mx::array x = mx::linalg::solve_triangular(a, b, upper, cpu);
  x = checks::guard(x, mx::logical_not(mx::any(diag_zero, cpu), cpu),
                    std::string("triangular_solve: ") + nx::linalg_errors::kSingular);
  if (!opts.left_side && !vector) x = mx::swapaxes(x, -1, -2, cpu);
  if (vector) x = mx::squeeze(x, -1, cpu);
  return wrap(out, x);
}

namespace {

Tensor fft_common(Backend& self, const Spec& out, const Tensor& t, const nx::FftOptions& opts, bool inverse) {
  auto d = self.mx_device(out.type);
  mx::array a = self.cast(t, nx::c64);
  const int n = static_cast<int>(opts.length);
  mx::array y = inverse ? mx::fft::ifft(a, n, opts.axis, mx::fft::FFTNorm::Backward, d)
                        : mx::fft::fft(a, n, opts.axis, mx::fft::FFTNorm::Backward, d);
  return self.wrap(out, eps_cleanup(y, opts.eps, d));
}

}  // namespace

Tensor Backend::fft(const Spec& out, const Tensor& t, const nx::FftOptions& opts) {
  if (out.type != nx::c64 || !mlx_supports(t.type()))
    return fallback::run(*this, "fft", &nx::Backend::fft, out, t, opts);
  return fft_common(*this, out, t, opts, false);
}

Tensor Backend::ifft(const Spec& out, const Tensor& t, const nx::FftOptions& opts) {
  if (out.type != nx::c64 || !mlx_supports(t.type()))
    return fallback::run(*this, "ifft", &nx::Backend::ifft, out, t, opts);
  return fft_common(*this, out, t, opts, true);
}

}  // namespace emily
