// Emily: the 37 unary element-wise callbacks on MLX, one table entry per op
// (looked up by the op's index). An entry says how the input is prepared and
// which inputs fall back (what MLX computes wrongly), and names the small
// MLX composition for the op. Types the front end rejects for an op (or
// answers itself, like ceil of an integer) have no branch here.
#include <cmath>
#include <cstdint>
#include <optional>

#include "../nx/op_rows.hpp"
#include "cpu/kernels.hpp"
#include "elementwise.hpp"
#include "fallback.hpp"

namespace emily {

namespace {

using nx::Type;
using nx::UnaryOp;
using namespace elementwise;

// A unary entry's input, prepared as its UnaryPrep says; `in` is the input
// type, `ot` the output type and `d` the device the composition runs on.
struct Un {
  mx::array x;
  Type in, ot;
  mx::Device d;
};
using UnaryFn = mx::array (*)(const Un&);

enum class UnaryPrep : std::uint8_t {
  output,  // cast to the output type (precise_type of it for another input type,
           // f64 for integers wider than f32's 24 bits: Nx computes on the value)
  as_is,   // the input array unchanged, on the input's device
};

// Inputs an entry leaves to the fallback.
enum class Falls : std::uint8_t {
  never,
  on_f64,             // MLX computes these in single precision even for f64; integers
                      // wider than 24 bits stay in f32 (the result saturates there)
  on_f64_or_wide_int,  // the same, and the input's rounding to f32 shows (periodic)
  on_complex,         // no complex composition
  on_complex_on_gpu,  // MLX's GPU kernels have no complex version
};

struct UnaryEntry {
  UnaryOp op;
  UnaryPrep prep;
  Falls falls;
  UnaryFn fn;
};

// The unsigned dtype of the same width (for bit tricks).
mx::Dtype unsigned_of(Type t) {
  switch (t.bits) {
    case 8: return mx::uint8;
    case 16: return mx::uint16;
    case 32: return mx::uint32;
    default: return mx::uint64;
  }
}

mx::array popcount(const mx::array& x, Type t, mx::Device d) {
  mx::Dtype ud = unsigned_of(t);
  mx::array v = mx::view(x, ud, d);
  auto c = [&](std::uint64_t k) { return mx::array(k, ud); };
  // SWAR bit count within the type width.
  v = mx::subtract(v, mx::bitwise_and(mx::right_shift(v, c(1), d), c(0x5555555555555555ull), d), d);
  v = mx::add(mx::bitwise_and(v, c(0x3333333333333333ull), d),
              mx::bitwise_and(mx::right_shift(v, c(2), d), c(0x3333333333333333ull), d), d);
  v = mx::bitwise_and(mx::add(v, mx::right_shift(v, c(4), d), d), c(0x0F0F0F0F0F0F0F0Full), d);
  for (int s = 8; s < t.bits; s *= 2) v = mx::add(v, mx::right_shift(v, c(static_cast<std::uint64_t>(s)), d), d);
  v = mx::bitwise_and(v, c(0x7F), d);
  return v;
}

mx::array clz_fn(const Un& u) {
  mx::Dtype ud = unsigned_of(u.in);
  mx::array v = mx::view(u.x, ud, u.d);
  for (int s = 1; s < u.in.bits; s *= 2)
    v = mx::bitwise_or(v, mx::right_shift(v, mx::array(static_cast<std::uint64_t>(s), ud), u.d), u.d);
  return mx::subtract(mx::array(static_cast<std::uint64_t>(u.in.bits), ud), popcount(v, u.in, u.d), u.d);
}

mx::array is_nan_fn(const Un& u) {
  if (nx::is_integer(u.in)) return mx::zeros(u.x.shape(), mx::uint8, u.d);
  return u8(mx::isnan(u.x, u.d), u.d);
}

mx::array is_infinity_fn(const Un& u) {
  if (nx::is_integer(u.in)) return mx::zeros(u.x.shape(), mx::uint8, u.d);
  return u8(mx::isinf(u.x, u.d), u.d);
}

mx::array sigmoid_fn(const Un& u) {
  const auto& [x, in, ot, d] = u;
  if (!nx::is_complex(in)) return mx::sigmoid(x, d);
  return mx::divide(scalar_like(1, x), mx::add(scalar_like(1, x), mx::exp(mx::negative(x, d), d), d), d);
}

mx::array sin_fn(const Un& u) {
  if (nx::is_complex(u.in)) return mx::sin(u.x, u.d);
  return mx::where(mx::equal(u.x, scalar_like(0, u.x), u.d), u.x, mx::sin(u.x, u.d), u.d);  // sin(-0) = -0
}

// Real cube root keeping the sign, refined by one Newton step written as
// y - (y - |x| / y^2) / 3, which never forms y^3 (that overflows near the
// type's maximum). f16/bf16 run in f32.
mx::array cbrt_fn(const Un& u) {
  const auto& [x0, in, ot, d] = u;
  const mx::array x = x0.dtype() == mx::float16 || x0.dtype() == mx::bfloat16 ? mx::astype(x0, mx::float32, d) : x0;
  mx::array ax = mx::abs(x, d);
  mx::array y = mx::power(ax, scalar_like(1.0 / 3.0, x), d);
  mx::array step = mx::subtract(y, mx::divide(ax, mx::multiply(y, y, d), d), d);
  mx::array refined = mx::subtract(y, mx::divide(step, scalar_like(3, x), d), d);
  mx::array ok = mx::logical_and(mx::greater(y, scalar_like(0, x), d), mx::isfinite(y, d), d);
  y = mx::where(ok, refined, y, d);
  y = mx::where(mx::less(x, scalar_like(0, x), d), mx::negative(y, d), y, d);
  return mx::where(mx::equal(x, scalar_like(0, x), d), x, y, d);  // cbrt(-0) = -0
}

// erf in f32 with full relative accuracy: MLX's kernel has an absolute error
// near 1e-7, which is all of the value for small |x| (it gives 0 below 1e-7).
// A Taylor series (truncation below 2e-11) covers |x| < 0.5.
mx::array erf_fn(const Un& u) {
  const auto& [x, in, ot, d] = u;
  static const double k[] = {1.0, -1.0 / 3, 1.0 / 10, -1.0 / 42, 1.0 / 216, -1.0 / 1320, 1.0 / 9360, -1.0 / 75600};
  mx::array x2 = mx::multiply(x, x, d);
  mx::array p = mx::array(static_cast<float>(k[7]), mx::float32);
  for (int i = 6; i >= 0; --i) p = mx::add(mx::array(static_cast<float>(k[i]), mx::float32), mx::multiply(x2, p, d), d);
  mx::array series = mx::multiply(mx::multiply(x, p, d), mx::array(static_cast<float>(2.0 / std::sqrt(M_PI)), mx::float32), d);
  return mx::where(mx::less(mx::abs(x, d), mx::array(0.5f), d), series, mx::erf(x, d), d);
}

// erfc with full f32 relative accuracy (Chebyshev fit, |rel err| < 1.2e-7);
// not enough for f64, which falls back.
mx::array erfc_fn(const Un& u) {
  const auto& [x, in, ot, d] = u;
  mx::array z = mx::abs(mx::astype(x, mx::float32, d), d);
  mx::array t = mx::divide(mx::array(1.0f), mx::add(mx::array(1.0f), mx::multiply(mx::array(0.5f), z, d), d), d);
  const float k[] = {-1.26551223f, 1.00002368f, 0.37409196f, 0.09678418f, -0.18628806f,
                     0.27886807f, -1.13520398f, 1.48851587f, -0.82215223f, 0.17087277f};
  mx::array p = mx::array(k[9]);
  for (int i = 8; i >= 0; --i) p = mx::add(mx::array(k[i]), mx::multiply(t, p, d), d);
  mx::array r = mx::multiply(t, mx::exp(mx::add(mx::negative(mx::multiply(z, z, d), d), p, d), d), d);
  return mx::where(mx::less(x, mx::array(0.0f), d), mx::subtract(mx::array(2.0f), r, d), r, d);
}

// Half away from zero (MLX rounds half to even). A zero result is +0.0, as
// Nx's (it rounds to an integer, which has no sign): adding +0.0 does that.
mx::array round_fn(const Un& u) {
  const auto& [x, in, ot, d] = u;
  mx::array t = mx::trunc(x, d);
  mx::array frac = mx::abs(mx::subtract(x, t, d), d);
  mx::array away = mx::add(t, mx::sign(x, d), d);
  mx::array r = mx::where(mx::greater_equal(frac, scalar_like(0.5, x), d), away, t, d);
  return mx::add(r, scalar_like(0, r), d);
}

// Complex sign z / |z|. With both parts below 2^-100, |z| is subnormal and
// keeps only a few bits; above 2^100 it may overflow to Inf. There the parts
// are divided by the larger one first, so |z| is taken in [1, sqrt 2]; other
// values keep MLX's own sign.
mx::array complex_sign(const mx::array& z, mx::Device d) {
  mx::array re = mx::real(z, d), im = mx::imag(z, d);
  mx::array m = mx::maximum(mx::abs(re, d), mx::abs(im, d), d);
  mx::array extreme = mx::logical_and(
      mx::logical_and(mx::isfinite(m, d), mx::greater(m, mx::array(0.0f), d), d),
      mx::logical_or(mx::less(m, mx::array(0x1p-100f), d), mx::greater(m, mx::array(0x1p100f), d), d), d);
  mx::array safe_m = mx::where(extreme, m, mx::array(1.0f), d);
  mx::array sr = mx::divide(re, safe_m, d), si = mx::divide(im, safe_m, d);
  mx::array n = mx::sqrt(mx::add(mx::multiply(sr, sr, d), mx::multiply(si, si, d), d), d);
  mx::array pairs = mx::stack({mx::divide(sr, n, d), mx::divide(si, n, d)}, -1, d);
  mx::array scaled = mx::reshape(mx::view(pairs, mx::complex64, d), z.shape(), d);
  return mx::where(extreme, scaled, mx::sign(z, d), d);
}

mx::array sign_fn(const Un& u) {
  const auto& [x, in, ot, d] = u;
  if (nx::is_complex(in)) return complex_sign(x, d);
  if (nx::is_integer(ot)) return mx::sign(x, d);
  // NaN stays NaN and signed zeros are kept (MLX's sign(NaN) is 0).
  mx::array keep = mx::logical_or(mx::isnan(x, d), mx::equal(x, scalar_like(0, x), d), d);
  return mx::where(keep, x, mx::sign(x, d), d);
}

using U = UnaryPrep;
using F = Falls;
// {op, input preparation, inputs that fall back, composition}
constexpr UnaryEntry kUnary[] = {
    // MLX's exp: +Inf above 88.0 and no subnormal results in f32 (the edges
    // of the range; documented). An extended-range version costs a fused
    // kernel call per op, which the dispatch budget does not allow.
    {UnaryOp::exp, U::output, F::on_f64, [](const Un& u) { return mx::exp(u.x, u.d); }},
    {UnaryOp::expm1, U::output, F::never,
     [](const Un& u) {
       if (nx::is_complex(u.in)) return mx::subtract(mx::exp(u.x, u.d), scalar_like(1, u.x), u.d);
       return mx::expm1(u.x, u.d);
     }},
    {UnaryOp::log, U::output, F::never, [](const Un& u) { return mx::log(u.x, u.d); }},
    {UnaryOp::log1p, U::output, F::never, [](const Un& u) { return mx::log1p(u.x, u.d); }},
    {UnaryOp::sigmoid, U::output, F::on_f64, sigmoid_fn},
    {UnaryOp::cos, U::output, F::on_f64_or_wide_int, [](const Un& u) { return mx::cos(u.x, u.d); }},
    {UnaryOp::sin, U::output, F::on_f64_or_wide_int, sin_fn},
    {UnaryOp::tan, U::output, F::never, [](const Un& u) { return mx::tan(u.x, u.d); }},
    {UnaryOp::cosh, U::output, F::never, [](const Un& u) { return mx::cosh(u.x, u.d); }},
    {UnaryOp::sinh, U::output, F::never, [](const Un& u) { return mx::sinh(u.x, u.d); }},
    {UnaryOp::tanh, U::output, F::never, [](const Un& u) { return mx::tanh(u.x, u.d); }},
    {UnaryOp::acos, U::output, F::never, [](const Un& u) { return mx::arccos(u.x, u.d); }},
    {UnaryOp::asin, U::output, F::never, [](const Un& u) { return mx::arcsin(u.x, u.d); }},
    {UnaryOp::atan, U::output, F::never, [](const Un& u) { return mx::arctan(u.x, u.d); }},
    {UnaryOp::acosh, U::output, F::on_complex_on_gpu, [](const Un& u) { return mx::arccosh(u.x, u.d); }},
    {UnaryOp::asinh, U::output, F::on_complex_on_gpu, [](const Un& u) { return mx::arcsinh(u.x, u.d); }},
    {UnaryOp::atanh, U::output, F::on_complex_on_gpu, [](const Un& u) { return mx::arctanh(u.x, u.d); }},
    {UnaryOp::sqrt, U::output, F::never, [](const Un& u) { return mx::sqrt(u.x, u.d); }},
    {UnaryOp::rsqrt, U::output, F::never, [](const Un& u) { return mx::rsqrt(u.x, u.d); }},
    {UnaryOp::cbrt, U::output, F::on_complex, cbrt_fn},
    {UnaryOp::erf, U::output, F::on_f64, erf_fn},
    {UnaryOp::erfc, U::output, F::on_f64, erfc_fn},
    {UnaryOp::erf_inv, U::output, F::on_f64, [](const Un& u) { return mx::erfinv(u.x, u.d); }},
    {UnaryOp::abs, U::as_is, F::never, [](const Un& u) { return mx::abs(u.x, u.d); }},
    {UnaryOp::bitwise_not, U::output, F::never, [](const Un& u) { return mx::bitwise_invert(u.x, u.d); }},
    {UnaryOp::ceil, U::output, F::never, [](const Un& u) { return mx::ceil(u.x, u.d); }},
    {UnaryOp::conjugate, U::output, F::never, [](const Un& u) { return mx::conjugate(u.x, u.d); }},
    {UnaryOp::floor, U::output, F::never, [](const Un& u) { return mx::floor(u.x, u.d); }},
    {UnaryOp::negate, U::output, F::never, [](const Un& u) { return mx::negative(u.x, u.d); }},
    {UnaryOp::round, U::output, F::never, round_fn},
    {UnaryOp::sign, U::output, F::never, sign_fn},
    {UnaryOp::count_leading_zeros, U::as_is, F::never, clz_fn},
    {UnaryOp::population_count, U::as_is, F::never, [](const Un& u) { return popcount(u.x, u.in, u.d); }},
    {UnaryOp::real, U::as_is, F::never, [](const Un& u) { return mx::real(u.x, u.d); }},
    {UnaryOp::imag, U::as_is, F::never, [](const Un& u) { return mx::imag(u.x, u.d); }},
    {UnaryOp::is_nan, U::as_is, F::never, is_nan_fn},
    {UnaryOp::is_infinity, U::as_is, F::never, is_infinity_fn},
};
static_assert(nx::op_table::in_op_order(kUnary), "one unary entry per op, in UnaryOp order");

// Ops with an Emily CPU kernel (src/emily/cpu), used for f32 and f64 on the
// CPU device ahead of the entry's composition and fallback.
std::optional<cpu::Unary> cpu_kernel(UnaryOp op) {
  switch (op) {
    case UnaryOp::exp: return cpu::Unary::exp;
    case UnaryOp::expm1: return cpu::Unary::expm1;
    case UnaryOp::log: return cpu::Unary::log;
    case UnaryOp::log1p: return cpu::Unary::log1p;
    case UnaryOp::tanh: return cpu::Unary::tanh;
    case UnaryOp::sigmoid: return cpu::Unary::sigmoid;
    case UnaryOp::erf: return cpu::Unary::erf;
    case UnaryOp::sin: return cpu::Unary::sin;
    case UnaryOp::cos: return cpu::Unary::cos;
    case UnaryOp::sqrt: return cpu::Unary::sqrt;
    case UnaryOp::rsqrt: return cpu::Unary::rsqrt;
    case UnaryOp::negate: return cpu::Unary::negate;
    case UnaryOp::abs: return cpu::Unary::abs;
    default: return std::nullopt;
  }
}

// Integers f32 does not hold every value of.
bool wide_int(Type t) { return nx::is_integer(t) && t.bits > 24; }

// `widen`: an integer input f32 does not hold is computed in f64.
bool falls_back(Falls f, Type in, Type ot, Device device, bool widen) {
  switch (f) {
    case Falls::never: return false;
    case Falls::on_f64: return ot == nx::f64;
    case Falls::on_f64_or_wide_int: return ot == nx::f64 || widen;
    case Falls::on_complex: return nx::is_complex(in);
    case Falls::on_complex_on_gpu: return nx::is_complex(in) && device == Device::gpu;
  }
  return false;
}

}  // namespace

Tensor Backend::unary_op(UnaryOp op, const Spec& out, const Tensor& tt) {
  const UnaryEntry& e = kUnary[nx::op_table::index(op)];
  const Type in = tt.type(), ot = out.type;
  if (!mlx_supports(in) || !mlx_supports(ot))
    return fallback::run(*this, nx::op_name(op), &nx::Backend::unary_op, op, out, tt);
  // Integers f32 does not hold meet an f32 result in f64 (on the CPU stream).
  const bool widen = ot == nx::f32 && wide_int(in);
  if (auto k = cpu_kernel(op); k && (ot == nx::f32 || ot == nx::f64) && (in == ot || e.prep == U::output)) {
    const Type kt = widen ? nx::f64 : ot;
    if (auto r = cpu::unary(*k, cast(tt, kt), mx_device(kt))) return wrap(out, *std::move(r));
  }
  if (falls_back(e.falls, in, ot, device_, widen))
    return fallback::run(*this, nx::op_name(op), &nx::Backend::unary_op, op, out, tt);
  if (e.prep == U::as_is) return wrap(out, e.fn({array_of(tt), in, ot, mx_device(in)}));
  Type ct = in == ot ? ot : precise_type(ot);
  if (widen && e.falls != Falls::on_f64) ct = nx::f64;
  return wrap(out, e.fn({cast(tt, ct), in, ot, mx_device(ct)}));
}

}  // namespace emily
