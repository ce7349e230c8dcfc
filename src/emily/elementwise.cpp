// Emily: element-wise callbacks on MLX. Inputs are cast to the Nx output (or
// comparison) type first, since MLX promotes like NumPy, not like Nx. Cases
// where MLX differs from Nx are composed from MLX ops (truncating remainder,
// half-away rounding, NaN-aware sign, guarded integer division and shifts,
// SWAR bit counts); what MLX cannot do falls back.
#include <cmath>

#include "emily_backend.hpp"
#include "fallback.hpp"

namespace emily {

namespace {

using nx::BinaryOp;
using nx::Type;
using nx::UnaryOp;

mx::array scalar_like(double v, const mx::array& like) { return mx::array(v, like.dtype()); }

mx::array bool_of(const mx::array& a, mx::Device d) {
  if (a.dtype() == mx::bool_) return a;
  return mx::not_equal(a, mx::array(0, a.dtype()), d);
}

mx::array u8(const mx::array& b, mx::Device d) { return mx::astype(b, mx::uint8, d); }

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

// The dtype element-wise math runs in for output type `t`: the type itself.
// MLX's kernels already compute f16/bf16 arithmetic in f32 per element and
// round once (to nearest even); widening the whole tensors first would cost
// two extra passes over memory per op for no change in the result.
Type compute_type(Type t) { return t; }
// remainder's composition (magnitudes, fix-ups) needs f32 for f16/bf16.
Type precise_type(Type t) { return t == nx::f16 || t == nx::bf16 ? nx::f32 : t; }

// Comparison result from an ordering array ord (-1, 0, 1 as int8).
mx::array from_order(BinaryOp op, const mx::array& ord, mx::Device d) {
  mx::array zero = mx::array(0, mx::int8);
  switch (op) {
    case BinaryOp::equal: return mx::equal(ord, zero, d);
    case BinaryOp::not_equal: return mx::not_equal(ord, zero, d);
    case BinaryOp::greater: return mx::greater(ord, zero, d);
    case BinaryOp::less: return mx::less(ord, zero, d);
    case BinaryOp::greater_equal: return mx::greater_equal(ord, zero, d);
    default: return mx::less_equal(ord, zero, d);
  }
}

mx::array compare_same(BinaryOp op, const mx::array& a, const mx::array& b, mx::Device d) {
  switch (op) {
    case BinaryOp::equal: return mx::equal(a, b, d);
    case BinaryOp::not_equal: return mx::not_equal(a, b, d);
    case BinaryOp::greater: return mx::greater(a, b, d);
    case BinaryOp::less: return mx::less(a, b, d);
    case BinaryOp::greater_equal: return mx::greater_equal(a, b, d);
    default: return mx::less_equal(a, b, d);
  }
}

mx::array order_of(const mx::array& less, const mx::array& greater, mx::Device d) {
  return mx::subtract(mx::astype(greater, mx::int8, d), mx::astype(less, mx::int8, d), d);
}

// Exact ordering of a 64-bit integer array `i` (int64 or uint64) against an
// f64 array `x` (CPU): the nearest double of i decides unless it equals x,
// in which case x is integral and compared as an integer.
mx::array order_int64_vs_f64(const mx::array& i, const mx::array& x, mx::Device d) {
  const bool is_u = i.dtype() == mx::uint64;
  mx::array di = mx::astype(i, mx::float64, d);
  mx::array hi_limit = mx::array(is_u ? 18446744073709551616.0 : 9223372036854775808.0, mx::float64);
  mx::array x_big = mx::greater_equal(x, hi_limit, d);
  mx::array xs = mx::where(mx::logical_and(mx::equal(x, di, d), mx::logical_not(x_big, d), d), x,
                           mx::array(0.0, mx::float64), d);
  mx::array xi = mx::astype(xs, i.dtype(), d);
  mx::array tie = order_of(mx::less(i, xi, d), mx::greater(i, xi, d), d);
  mx::array by_float = order_of(mx::less(di, x, d), mx::greater(di, x, d), d);
  mx::array ord = mx::where(mx::equal(x, di, d), tie, by_float, d);
  return mx::where(x_big, mx::array(-1, mx::int8), ord, d);
}

// erf in f32 with full relative accuracy: MLX's kernel has an absolute error
// near 1e-7, which is all of the value for small |x| (it gives 0 below 1e-7).
// A Taylor series (truncation below 2e-11) covers |x| < 0.5.
mx::array erf_f32(const mx::array& x, mx::Device d) {
  static const double k[] = {1.0, -1.0 / 3, 1.0 / 10, -1.0 / 42, 1.0 / 216, -1.0 / 1320, 1.0 / 9360, -1.0 / 75600};
  mx::array x2 = mx::multiply(x, x, d);
  mx::array p = mx::array(static_cast<float>(k[7]), mx::float32);
  for (int i = 6; i >= 0; --i) p = mx::add(mx::array(static_cast<float>(k[i]), mx::float32), mx::multiply(x2, p, d), d);
  mx::array series = mx::multiply(mx::multiply(x, p, d), mx::array(static_cast<float>(2.0 / std::sqrt(M_PI)), mx::float32), d);
  return mx::where(mx::less(mx::abs(x, d), mx::array(0.5f), d), series, mx::erf(x, d), d);
}

mx::array clz(const mx::array& x, Type t, mx::Device d) {
  mx::Dtype ud = unsigned_of(t);
  mx::array v = mx::view(x, ud, d);
  for (int s = 1; s < t.bits; s *= 2)
    v = mx::bitwise_or(v, mx::right_shift(v, mx::array(static_cast<std::uint64_t>(s), ud), d), d);
  return mx::subtract(mx::array(static_cast<std::uint64_t>(t.bits), ud), popcount(v, t, d), d);
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

}  // namespace

Tensor Backend::binary_op(BinaryOp op, const Spec& out, const Tensor& ta, const Tensor& tb) {
  const Type ot = out.type;
  const bool cplx = nx::is_complex(ot);
  switch (op) {
    case BinaryOp::equal: case BinaryOp::not_equal: case BinaryOp::greater: case BinaryOp::less:
    case BinaryOp::greater_equal: case BinaryOp::less_equal: {
      // Values of different types compare exactly, by value (contract 2.18):
      // compare in a type that holds both operands exactly.
      const Type x = ta.type(), y = tb.type();
      if (!mlx_supports(x) || !mlx_supports(y)) break;
      if (nx::is_complex(x) || nx::is_complex(y)) {
        if (op != BinaryOp::equal && op != BinaryOp::not_equal) break;
        auto d = mx_device(nx::c64);
        return wrap(out, u8(compare_same(op, cast(ta, nx::c64), cast(tb, nx::c64), d), d));
      }
      if (nx::is_integer(x) && nx::is_integer(y)) {
        if ((x == nx::u64 && nx::is_signed_int(y)) || (y == nx::u64 && nx::is_signed_int(x))) {
          // u64 against a signed value: negative values are smaller, the rest compare as u64.
          const bool left_u = x == nx::u64;
          auto d = mx_device(nx::u64);
          mx::array u = cast(left_u ? ta : tb, nx::u64), sv = cast(left_u ? tb : ta, nx::s64);
          mx::array neg = mx::less(sv, mx::array(0, mx::int64), d);
          mx::array su = mx::astype(sv, mx::uint64, d);
          mx::array ord = order_of(mx::less(su, u, d), mx::greater(su, u, d), d);  // signed vs unsigned
          ord = mx::where(neg, mx::array(-1, mx::int8), ord, d);
          if (left_u) ord = mx::negative(ord, d);
          return wrap(out, u8(from_order(op, ord, d), d));
        }
        Type ct = nx::merge(x, y);
        auto d = mx_device(ct);
        return wrap(out, u8(compare_same(op, cast(ta, ct), cast(tb, ct), d), d));
      }
      // Floats (f16/bf16 fit in f32), possibly against one integer operand.
      const Type i = nx::is_integer(x) ? x : y;
      Type ct = x == nx::f64 || y == nx::f64 ? nx::f64 : nx::f32;
      if (nx::is_integer(i) && i.bits > 16) ct = nx::f64;  // f64 holds every 32-bit integer
      if (nx::is_integer(i) && i.bits == 64) {
        const bool left_int = nx::is_integer(x);
        auto d = mx_device(nx::f64);
        mx::array iv = cast(left_int ? ta : tb, i), fv = cast(left_int ? tb : ta, nx::f64);
        mx::array ord = order_int64_vs_f64(iv, fv, d);
        if (!left_int) ord = mx::negative(ord, d);
        mx::array r = from_order(op, ord, d);
        // Any comparison with NaN is false, except not_equal.
        r = mx::where(mx::isnan(fv, d), mx::array(op == BinaryOp::not_equal), r, d);
        return wrap(out, u8(r, d));
      }
      auto d = mx_device(ct);
      return wrap(out, u8(compare_same(op, cast(ta, ct), cast(tb, ct), d), d));
    }
    case BinaryOp::logical_and: case BinaryOp::logical_or: case BinaryOp::logical_xor: {
      if (!mlx_supports(ta.type()) || !mlx_supports(tb.type())) break;
      auto d = mx_device(ta.type() == nx::f64 || tb.type() == nx::f64 ? nx::f64 : nx::u8);
      mx::array a = bool_of(array_of(ta), d), b = bool_of(array_of(tb), d);
      mx::array r = op == BinaryOp::logical_and ? mx::logical_and(a, b, d)
                    : op == BinaryOp::logical_or ? mx::logical_or(a, b, d)
                                                 : mx::not_equal(a, b, d);
      return wrap(out, u8(r, d));
    }
    default: break;
  }
  if (!mlx_supports(ot) || !mlx_supports(ta.type()) || !mlx_supports(tb.type()))
    return fallback::run(*this, nx::op_name(op), &nx::Backend::binary_op, op, out, ta, tb);
  auto d = mx_device(ot);
  // Operands of another type (an integer, a wider float) meet an f16/bf16
  // result in f32, so that they are not rounded to the half type first.
  // A scalar operand (a host literal) is converted to the output type.
  const bool same = (ta.type() == ot || ta.rank() == 0) && (tb.type() == ot || tb.rank() == 0);
  const Type ct = !same || op == BinaryOp::remainder || op == BinaryOp::pow || op == BinaryOp::atan2
                      ? precise_type(ot)
                      : compute_type(ot);
  mx::array a = cast(ta, ct), b = cast(tb, ct);
  const bool is_int = nx::is_integer(ot), is_signed = nx::is_signed_int(ot);
  switch (op) {
    case BinaryOp::add: return wrap(out, mx::add(a, b, d));
    case BinaryOp::subtract: return wrap(out, mx::subtract(a, b, d));
    case BinaryOp::multiply: return wrap(out, mx::multiply(a, b, d));
    case BinaryOp::divide: return wrap(out, mx::divide(a, b, d));
    case BinaryOp::pow: {
      if (!is_int) return wrap(out, mx::power(a, b, d));
      if (!is_signed) return wrap(out, mx::power(a, b, d));
      // Negative exponents: 1 for base 1, +-1 for base -1, else 0 (documented).
      mx::array one = scalar_like(1, a), zero = scalar_like(0, a), minus = scalar_like(-1, a);
      mx::array neg = mx::less(b, zero, d);
      mx::array safe_b = mx::where(neg, zero, b, d);
      mx::array odd = mx::not_equal(mx::remainder(b, scalar_like(2, b), d), zero, d);
      mx::array neg_result = mx::where(mx::equal(a, one, d), one,
                                       mx::where(mx::equal(a, minus, d), mx::where(odd, minus, one, d), zero, d), d);
      return wrap(out, mx::where(neg, neg_result, mx::power(a, safe_b, d), d));
    }
    case BinaryOp::min:
      if (cplx) break;
      return wrap(out, mx::minimum(a, b, d));
    case BinaryOp::max:
      if (cplx) break;
      return wrap(out, mx::maximum(a, b, d));
    case BinaryOp::atan2:
      if (cplx) break;
      return wrap(out, mx::arctan2(a, b, d));
    case BinaryOp::remainder: {
      if (cplx) break;
      if (!is_int) {
        // C fmod: MLX's remainder is floored, so take it on magnitudes (where
        // both agree exactly) and give the result the dividend's sign. A zero
        // dividend is returned as is (keeps -0.0) unless the result is NaN.
        mx::array r = mx::remainder(mx::abs(a, d), mx::abs(b, d), d);
        r = mx::where(mx::less(a, scalar_like(0, a), d), mx::negative(r, d), r, d);
        mx::array zero_a = mx::logical_and(mx::equal(a, scalar_like(0, a), d), mx::logical_not(mx::isnan(r, d), d), d);
        return wrap(out, mx::where(zero_a, a, r, d));
      }
      // Integers: MLX's remainder is floored; Nx's has the dividend's sign.
      mx::array zero = scalar_like(0, a);
      mx::array bad = is_int ? mx::equal(b, zero, d) : mx::array(false);
      if (is_signed) bad = mx::logical_or(bad, mx::equal(b, scalar_like(-1, b), d), d);
      mx::array safe_b = is_int ? mx::where(bad, scalar_like(1, b), b, d) : b;
      mx::array r = mx::remainder(a, safe_b, d);
      mx::array fix = mx::logical_and(mx::not_equal(r, zero, d),
                                      mx::not_equal(mx::less(r, zero, d), mx::less(a, zero, d), d), d);
      r = mx::where(fix, mx::subtract(r, safe_b, d), r, d);
      if (is_int) {
        // by 0 -> the dividend; by -1 -> 0 (avoids INT_MIN % -1)
        r = mx::where(mx::equal(b, zero, d), a, mx::where(bad, zero, r, d), d);
      }
      return wrap(out, r);
    }
    case BinaryOp::quotient: {
      mx::array zero = scalar_like(0, a);
      mx::array by_zero = mx::equal(b, zero, d);
      mx::array bad = by_zero;
      if (is_signed) bad = mx::logical_or(bad, mx::equal(b, scalar_like(-1, b), d), d);
      // Divisors 0 and -1 would trap (SIGFPE for INT_MIN / -1): replace them first.
      mx::array safe_b = mx::where(bad, scalar_like(1, b), b, d);
      mx::array q = mx::floor_divide(a, safe_b, d);
      if (is_signed) {
        // MLX floors; Nx truncates toward zero: step up when the division
        // was inexact and the operands have different signs.
        mx::array inexact = mx::not_equal(mx::multiply(q, safe_b, d), a, d);
        mx::array differ = mx::not_equal(mx::less(a, zero, d), mx::less(safe_b, zero, d), d);
        q = mx::where(mx::logical_and(inexact, differ, d), mx::add(q, scalar_like(1, q), d), q, d);
        q = mx::where(mx::equal(b, scalar_like(-1, b), d), mx::negative(a, d), q, d);
      }
      // Division by zero gives all bits set (-1 / max), documented.
      mx::array all_ones = mx::bitwise_invert(zero, d);
      return wrap(out, mx::where(by_zero, all_ones, q, d));
    }
    case BinaryOp::bitwise_and: return wrap(out, mx::bitwise_and(a, b, d));
    case BinaryOp::bitwise_or: return wrap(out, mx::bitwise_or(a, b, d));
    case BinaryOp::bitwise_xor: return wrap(out, mx::bitwise_xor(a, b, d));
    case BinaryOp::left_shift: case BinaryOp::right_shift: {
      mx::array zero = scalar_like(0, a);
      mx::array bits = scalar_like(ot.bits, b);
      mx::array out_of_range = mx::logical_or(mx::less(b, zero, d), mx::greater_equal(b, bits, d), d);
      mx::array safe_b = mx::where(out_of_range, zero, b, d);
      if (op == BinaryOp::left_shift)
        return wrap(out, mx::where(out_of_range, zero, mx::left_shift(a, safe_b, d), d));
      mx::array fill = is_signed ? mx::where(mx::less(a, zero, d), scalar_like(-1, a), zero, d) : zero;
      return wrap(out, mx::where(out_of_range, fill, mx::right_shift(a, safe_b, d), d));
    }
    default: break;
  }
  return fallback::run(*this, nx::op_name(op), &nx::Backend::binary_op, op, out, ta, tb);
}

Tensor Backend::unary_op(UnaryOp op, const Spec& out, const Tensor& tt) {
  const Type in = tt.type(), ot = out.type;
  if (!mlx_supports(in) || !mlx_supports(ot))
    return fallback::run(*this, nx::op_name(op), &nx::Backend::unary_op, op, out, tt);
  const bool cplx = nx::is_complex(in);
  const bool on_gpu = device_ == Device::gpu && in != nx::f64;
  switch (op) {
    case UnaryOp::is_nan: case UnaryOp::is_infinity: {
      auto d = mx_device(in);
      mx::array a = array_of(tt);
      if (nx::is_integer(in)) return wrap(out, mx::zeros(a.shape(), mx::uint8, d));
      return wrap(out, u8(op == UnaryOp::is_nan ? mx::isnan(a, d) : mx::isinf(a, d), d));
    }
    case UnaryOp::real: return wrap(out, mx::real(array_of(tt), mx_device(ot)));
    case UnaryOp::imag: return wrap(out, mx::imag(array_of(tt), mx_device(ot)));
    case UnaryOp::abs: return wrap(out, mx::abs(array_of(tt), mx_device(in)));
    case UnaryOp::conjugate: {
      auto d = mx_device(ot);
      return wrap(out, mx::conjugate(cast(tt, ot), d));
    }
    case UnaryOp::population_count: return wrap(out, popcount(array_of(tt), in, mx_device(in)));
    case UnaryOp::count_leading_zeros: return wrap(out, clz(array_of(tt), in, mx_device(in)));
    default: break;
  }
  auto d = mx_device(ot);
  mx::array x = cast(tt, tt.type() == ot ? compute_type(ot) : precise_type(ot));
  // MLX computes these in single precision even for float64: the reference
  // backend gives f64 results at full precision.
  const bool f64 = ot == nx::f64;
  switch (op) {
    case UnaryOp::exp:
      if (f64) break;
      // MLX's exp: +Inf above 88.0 and no subnormal results in f32 (the
      // edges of the range; documented). An extended-range version costs a
      // fused kernel call per op, which the dispatch budget does not allow.
      return wrap(out, mx::exp(x, d));
    case UnaryOp::expm1:
      return wrap(out, cplx ? mx::subtract(mx::exp(x, d), scalar_like(1, x), d) : mx::expm1(x, d));
    case UnaryOp::log: return wrap(out, mx::log(x, d));
    case UnaryOp::log1p: return wrap(out, mx::log1p(x, d));
    case UnaryOp::sigmoid:
      if (f64) break;
      if (cplx)
        return wrap(out, mx::divide(scalar_like(1, x), mx::add(scalar_like(1, x), mx::exp(mx::negative(x, d), d), d), d));
      return wrap(out, mx::sigmoid(x, d));
    case UnaryOp::cos: if (f64) break; return wrap(out, mx::cos(x, d));
    case UnaryOp::sin:
      if (f64) break;
      if (cplx) return wrap(out, mx::sin(x, d));
      return wrap(out, mx::where(mx::equal(x, scalar_like(0, x), d), x, mx::sin(x, d), d));  // sin(-0) = -0
    case UnaryOp::tan: return wrap(out, mx::tan(x, d));
    case UnaryOp::cosh: return wrap(out, mx::cosh(x, d));
    case UnaryOp::sinh: return wrap(out, mx::sinh(x, d));
    case UnaryOp::tanh: return wrap(out, mx::tanh(x, d));
    case UnaryOp::acos: return wrap(out, mx::arccos(x, d));
    case UnaryOp::asin: return wrap(out, mx::arcsin(x, d));
    case UnaryOp::atan: return wrap(out, mx::arctan(x, d));
    case UnaryOp::acosh: if (cplx && on_gpu) break; return wrap(out, mx::arccosh(x, d));
    case UnaryOp::asinh: if (cplx && on_gpu) break; return wrap(out, mx::arcsinh(x, d));
    case UnaryOp::atanh: if (cplx && on_gpu) break; return wrap(out, mx::arctanh(x, d));
    case UnaryOp::sqrt: return wrap(out, mx::sqrt(x, d));
    case UnaryOp::rsqrt: return wrap(out, mx::rsqrt(x, d));
    case UnaryOp::cbrt: {
      if (cplx) break;
      // Real cube root keeping the sign, refined by one Newton step.
      mx::array ax = mx::abs(x, d);
      mx::array y = mx::power(ax, scalar_like(1.0 / 3.0, x), d);
      mx::array y2 = mx::multiply(y, y, d);
      mx::array refined = mx::subtract(y, mx::divide(mx::subtract(mx::multiply(y2, y, d), ax, d),
                                                     mx::multiply(scalar_like(3, x), y2, d), d), d);
      mx::array ok = mx::logical_and(mx::greater(y, scalar_like(0, x), d), mx::isfinite(y, d), d);
      y = mx::where(ok, refined, y, d);
      y = mx::where(mx::less(x, scalar_like(0, x), d), mx::negative(y, d), y, d);
      return wrap(out, mx::where(mx::equal(x, scalar_like(0, x), d), x, y, d));  // cbrt(-0) = -0
    }
    case UnaryOp::erf: if (f64) break; return wrap(out, erf_f32(x, d));
    case UnaryOp::erfc: {
      if (f64) break;  // the f32-accurate formula below is not enough for f64
      // erfc with full f32 relative accuracy (Chebyshev fit, |rel err| < 1.2e-7).
      mx::array z = mx::abs(mx::astype(x, mx::float32, d), d);
      mx::array t = mx::divide(mx::array(1.0f), mx::add(mx::array(1.0f), mx::multiply(mx::array(0.5f), z, d), d), d);
      const float k[] = {-1.26551223f, 1.00002368f, 0.37409196f, 0.09678418f, -0.18628806f,
                         0.27886807f, -1.13520398f, 1.48851587f, -0.82215223f, 0.17087277f};
      mx::array p = mx::array(k[9]);
      for (int i = 8; i >= 0; --i) p = mx::add(mx::array(k[i]), mx::multiply(t, p, d), d);
      mx::array r = mx::multiply(t, mx::exp(mx::add(mx::negative(mx::multiply(z, z, d), d), p, d), d), d);
      r = mx::where(mx::less(x, mx::array(0.0f), d), mx::subtract(mx::array(2.0f), r, d), r, d);
      return wrap(out, r);
    }
    case UnaryOp::erf_inv: if (f64) break; return wrap(out, mx::erfinv(x, d));
    case UnaryOp::bitwise_not: return wrap(out, mx::bitwise_invert(x, d));
    case UnaryOp::ceil: return wrap(out, mx::ceil(x, d));
    case UnaryOp::floor: return wrap(out, mx::floor(x, d));
    case UnaryOp::round: {
      // Half away from zero (MLX rounds half to even).
      mx::array t = mx::trunc(x, d);
      mx::array frac = mx::abs(mx::subtract(x, t, d), d);
      mx::array away = mx::add(t, mx::sign(x, d), d);
      return wrap(out, mx::where(mx::greater_equal(frac, scalar_like(0.5, x), d), away, t, d));
    }
    case UnaryOp::negate: return wrap(out, mx::negative(x, d));
    case UnaryOp::sign: {
      if (cplx) return wrap(out, complex_sign(x, d));
      if (nx::is_integer(ot)) return wrap(out, mx::sign(x, d));
      // NaN stays NaN and signed zeros are kept (MLX's sign(NaN) is 0).
      mx::array keep = mx::logical_or(mx::isnan(x, d), mx::equal(x, scalar_like(0, x), d), d);
      return wrap(out, mx::where(keep, x, mx::sign(x, d), d));
    }
    default: break;
  }
  return fallback::run(*this, nx::op_name(op), &nx::Backend::unary_op, op, out, tt);
}

Tensor Backend::clip(const Spec& out, const Tensor& t, const Tensor& min, const Tensor& max) {
  if (!mlx_supports(out.type))
    return fallback::run(*this, "clip", &nx::Backend::clip, out, t, min, max);
  auto d = mx_device(out.type);
  mx::array x = cast(t, out.type), lo = cast(min, out.type), hi = cast(max, out.type);
  // Nx: y = x > min ? x : min; then y < max ? y : max (NaN -> min).
  mx::array y = mx::where(mx::greater(x, lo, d), x, lo, d);
  return wrap(out, mx::where(mx::less(y, hi, d), y, hi, d));
}

Tensor Backend::select(const Spec& out, const Tensor& pred, const Tensor& on_true, const Tensor& on_false) {
  if (!mlx_supports(out.type) || !mlx_supports(pred.type()))
    return fallback::run(*this, "select", &nx::Backend::select, out, pred, on_true, on_false);
  auto d = mx_device(out.type);
  mx::array p = bool_of(array_of(pred), mx_device(pred.type()));
  mx::array r = mx::where(p, cast(on_true, out.type), cast(on_false, out.type), d);
  return wrap(out, mx::broadcast_to(r, to_mx_shape(out.shape), d));
}

Tensor Backend::logical_not(const Spec& out, const Tensor& t) {
  if (!mlx_supports(t.type())) return nx::Backend::logical_not(out, t);
  auto d = mx_device(t.type());
  return wrap(out, u8(mx::logical_not(bool_of(array_of(t), d), d), d));
}

Tensor Backend::phase(const Spec& out, const Tensor& t) {
  if (!mlx_supports(t.type()) || !mlx_supports(out.type)) return nx::Backend::phase(out, t);
  auto d = mx_device(out.type);
  if (!nx::is_complex(t.type())) {
    mx::array x = cast(t, out.type);
    return wrap(out, mx::arctan2(mx::zeros_like(x, d), x, d));
  }
  mx::array z = array_of(t);
  return wrap(out, mx::arctan2(mx::imag(z, d), mx::real(z, d), d));
}

}  // namespace emily
