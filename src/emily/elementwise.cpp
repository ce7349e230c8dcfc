// Emily: the 24 binary element-wise callbacks on MLX, one table entry per op
// (looked up by the op's index), then clip, select, logical_not and phase.
// An entry says how its operands are prepared and whether complex operands
// fall back, and names the small MLX composition for the op. Operands are
// cast to the Nx output (or comparison) type first, since MLX promotes like
// NumPy, not like Nx; an operand whose values the output type does not hold
// meets it in a wider type (compute_type), as Nx computes on the operands'
// own values. Where MLX differs from Nx the composition fixes it up
// (truncating remainder, guarded integer division and shifts, exact
// comparisons across types, u64 against signed operands in
// elementwise_mixed.cpp). Types the front end rejects for an op have no
// branch here.
#include <cstdint>
#include <optional>

#include "../nx/op_rows.hpp"
#include "cpu/kernels.hpp"
#include "elementwise.hpp"
#include "fallback.hpp"

namespace emily {

namespace {

using nx::BinaryOp;
using nx::Type;
using namespace elementwise;

// A binary entry's operands, prepared as its BinaryPrep says; `ot` is the
// output type and `d` the device the composition runs on.
struct Bin {
  mx::array a, b;
  Type ot;
  mx::Device d;
};
using BinaryFn = mx::array (*)(const Bin&);

enum class BinaryPrep : std::uint8_t {
  output,    // cast to the output type (see binary_op for mixed-type f16/bf16)
  precise,   // cast to precise_type of the output type
  by_value,  // compare(): in a type holding both operands exactly; fn compares
  truth,     // each operand as booleans
};

struct BinaryEntry {
  BinaryOp op;
  BinaryPrep prep;
  bool real_only;  // complex operands fall back
  BinaryFn fn;
};

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

// Comparisons: values of different types compare exactly, by value, in a
// type that holds both operands. `cmp` is the op's comparison; where an
// ordering array (-1, 0, 1 as int8) decides, it is compared against 0.
// Complex operands reach equal and not_equal only (the front end rejects
// orderings of them).
mx::array compare(const Backend& be, BinaryOp op, BinaryFn cmp, const Tensor& ta, const Tensor& tb) {
  const Type x = ta.type(), y = tb.type();
  auto same = [&](Type ct) {
    auto d = be.mx_device(ct);
    return u8(cmp({be.cast(ta, ct), be.cast(tb, ct), nx::u8, d}), d);
  };
  auto by_order = [&](const mx::array& ord, mx::Device d) { return cmp({ord, mx::array(0, mx::int8), nx::u8, d}); };
  if (nx::is_complex(x) || nx::is_complex(y)) return same(nx::c64);
  if (nx::is_integer(x) && nx::is_integer(y)) {
    if ((x == nx::u64 && nx::is_signed_int(y)) || (y == nx::u64 && nx::is_signed_int(x))) {
      // u64 against a signed value: negative values are smaller, the rest compare as u64.
      const bool left_u = x == nx::u64;
      auto d = be.mx_device(nx::u64);
      mx::array u = be.cast(left_u ? ta : tb, nx::u64), sv = be.cast(left_u ? tb : ta, nx::s64);
      mx::array ord = order_u64_signed(u, sv, d);
      if (!left_u) ord = mx::negative(ord, d);
      return u8(by_order(ord, d), d);
    }
    return same(nx::merge(x, y));
  }
  // Floats (f16/bf16 fit in f32), possibly against one integer operand.
  const Type i = nx::is_integer(x) ? x : y;
  Type ct = x == nx::f64 || y == nx::f64 ? nx::f64 : nx::f32;
  if (nx::is_integer(i) && i.bits > 16) ct = nx::f64;  // f64 holds every 32-bit integer
  if (nx::is_integer(i) && i.bits == 64) {
    const bool left_int = nx::is_integer(x);
    auto d = be.mx_device(nx::f64);
    mx::array iv = be.cast(left_int ? ta : tb, i), fv = be.cast(left_int ? tb : ta, nx::f64);
    mx::array ord = order_int64_vs_f64(iv, fv, d);
    if (!left_int) ord = mx::negative(ord, d);
    // Any comparison with NaN is false, except not_equal.
    mx::array r = mx::where(mx::isnan(fv, d), mx::array(op == BinaryOp::not_equal), by_order(ord, d), d);
    return u8(r, d);
  }
  return same(ct);
}

// Nx: a finite value over +-Inf is +0.0 whatever the signs; a finite
// complex value over +-Inf + 0i is 0 + 0i. Real quotients get +0.0 added
// where the divisor is infinite and -0.0 elsewhere: x + 0.0 turns -0.0 into
// +0.0, x + -0.0 is x, and NaN stays NaN (the select is on the divisor's
// shape, often a scalar).
mx::array divide_fn(const Bin& o) {
  const auto& [a, b, ot, d] = o;
  mx::array q = mx::divide(a, b, d);
  if (!nx::is_complex(ot))
    return mx::add(q, mx::where(mx::isinf(b, d), scalar_like(0.0, q), scalar_like(-0.0, q), d), d);
  mx::array finite = mx::logical_and(mx::isfinite(mx::real(a, d), d), mx::isfinite(mx::imag(a, d), d), d);
  mx::array by_inf = mx::logical_and(mx::isinf(mx::real(b, d), d),
                                     mx::equal(mx::imag(b, d), mx::array(0.0f), d), d);
  return mx::where(mx::logical_and(finite, by_inf, d), mx::zeros_like(q, d), q, d);
}

// Integer pow with a negative exponent: 1 for base 1, +-1 for base -1, else 0 (documented).
mx::array pow_fn(const Bin& o) {
  const auto& [a, b, ot, d] = o;
  if (!nx::is_signed_int(ot)) return mx::power(a, b, d);
  mx::array one = scalar_like(1, a), zero = scalar_like(0, a), minus = scalar_like(-1, a);
  mx::array neg = mx::less(b, zero, d);
  mx::array safe_b = mx::where(neg, zero, b, d);
  mx::array odd = mx::not_equal(mx::remainder(b, scalar_like(2, b), d), zero, d);
  mx::array neg_result =
      mx::where(mx::equal(a, one, d), one, mx::where(mx::equal(a, minus, d), mx::where(odd, minus, one, d), zero, d), d);
  return mx::where(neg, neg_result, mx::power(a, safe_b, d), d);
}

mx::array remainder_fn(const Bin& o) {
  const auto& [a, b, ot, d] = o;
  if (!nx::is_integer(ot)) {
    // C fmod: MLX's remainder is floored, so take it on magnitudes (where
    // both agree exactly) and give the result the dividend's sign. A zero
    // dividend is returned as is (keeps -0.0) unless the result is NaN.
    mx::array r = mx::remainder(mx::abs(a, d), mx::abs(b, d), d);
    r = mx::where(mx::less(a, scalar_like(0, a), d), mx::negative(r, d), r, d);
    mx::array zero_a = mx::logical_and(mx::equal(a, scalar_like(0, a), d), mx::logical_not(mx::isnan(r, d), d), d);
    return mx::where(zero_a, a, r, d);
  }
  // Integers: MLX's remainder is floored; Nx's has the dividend's sign.
  mx::array zero = scalar_like(0, a);
  mx::array bad = mx::equal(b, zero, d);
  if (nx::is_signed_int(ot)) bad = mx::logical_or(bad, mx::equal(b, scalar_like(-1, b), d), d);
  mx::array safe_b = mx::where(bad, scalar_like(1, b), b, d);
  mx::array r = mx::remainder(a, safe_b, d);
  mx::array fix = mx::logical_and(mx::not_equal(r, zero, d),
                                  mx::not_equal(mx::less(r, zero, d), mx::less(a, zero, d), d), d);
  r = mx::where(fix, mx::subtract(r, safe_b, d), r, d);
  // by 0 -> the dividend; by -1 -> 0 (avoids INT_MIN % -1)
  return mx::where(mx::equal(b, zero, d), a, mx::where(bad, zero, r, d), d);
}

mx::array quotient_fn(const Bin& o) {
  const auto& [a, b, ot, d] = o;
  const bool is_signed = nx::is_signed_int(ot);
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
  return mx::where(by_zero, mx::bitwise_invert(zero, d), q, d);
}

// Shift counts outside [0, bits) give 0 (left) or the sign fill (right).
mx::array out_of_range(const Bin& o) {
  return mx::logical_or(mx::less(o.b, scalar_like(0, o.b), o.d),
                        mx::greater_equal(o.b, scalar_like(o.ot.bits, o.b), o.d), o.d);
}

mx::array left_shift_fn(const Bin& o) {
  const auto& [a, b, ot, d] = o;
  mx::array zero = scalar_like(0, a), bad = out_of_range(o);
  return mx::where(bad, zero, mx::left_shift(a, mx::where(bad, zero, b, d), d), d);
}

mx::array right_shift_fn(const Bin& o) {
  const auto& [a, b, ot, d] = o;
  mx::array zero = scalar_like(0, a), bad = out_of_range(o);
  mx::array fill = nx::is_signed_int(ot) ? mx::where(mx::less(a, zero, d), scalar_like(-1, a), zero, d) : zero;
  return mx::where(bad, fill, mx::right_shift(a, mx::where(bad, zero, b, d), d), d);
}

using P = BinaryPrep;
// {op, operand preparation, complex falls back, composition}
constexpr BinaryEntry kBinary[] = {
    {BinaryOp::add, P::output, false, [](const Bin& o) { return mx::add(o.a, o.b, o.d); }},
    {BinaryOp::subtract, P::output, false, [](const Bin& o) { return mx::subtract(o.a, o.b, o.d); }},
    {BinaryOp::multiply, P::output, false, [](const Bin& o) { return mx::multiply(o.a, o.b, o.d); }},
    {BinaryOp::pow, P::precise, false, pow_fn},
    {BinaryOp::remainder, P::precise, false, remainder_fn},
    {BinaryOp::divide, P::output, false, divide_fn},
    {BinaryOp::atan2, P::precise, true, [](const Bin& o) { return mx::arctan2(o.a, o.b, o.d); }},
    // Operands swapped: MLX keeps its second operand on a tie (-0.0 against
    // 0.0), Nx the first; NaN still wins either way.
    {BinaryOp::min, P::output, false, [](const Bin& o) { return mx::minimum(o.b, o.a, o.d); }},
    {BinaryOp::max, P::output, false, [](const Bin& o) { return mx::maximum(o.b, o.a, o.d); }},
    {BinaryOp::quotient, P::output, false, quotient_fn},
    {BinaryOp::bitwise_and, P::output, false, [](const Bin& o) { return mx::bitwise_and(o.a, o.b, o.d); }},
    {BinaryOp::bitwise_or, P::output, false, [](const Bin& o) { return mx::bitwise_or(o.a, o.b, o.d); }},
    {BinaryOp::bitwise_xor, P::output, false, [](const Bin& o) { return mx::bitwise_xor(o.a, o.b, o.d); }},
    {BinaryOp::left_shift, P::output, false, left_shift_fn},
    {BinaryOp::right_shift, P::output, false, right_shift_fn},
    {BinaryOp::equal, P::by_value, false, [](const Bin& o) { return mx::equal(o.a, o.b, o.d); }},
    {BinaryOp::not_equal, P::by_value, false, [](const Bin& o) { return mx::not_equal(o.a, o.b, o.d); }},
    {BinaryOp::greater, P::by_value, false, [](const Bin& o) { return mx::greater(o.a, o.b, o.d); }},
    {BinaryOp::less, P::by_value, false, [](const Bin& o) { return mx::less(o.a, o.b, o.d); }},
    {BinaryOp::greater_equal, P::by_value, false, [](const Bin& o) { return mx::greater_equal(o.a, o.b, o.d); }},
    {BinaryOp::less_equal, P::by_value, false, [](const Bin& o) { return mx::less_equal(o.a, o.b, o.d); }},
    {BinaryOp::logical_and, P::truth, false, [](const Bin& o) { return mx::logical_and(o.a, o.b, o.d); }},
    {BinaryOp::logical_or, P::truth, false, [](const Bin& o) { return mx::logical_or(o.a, o.b, o.d); }},
    {BinaryOp::logical_xor, P::truth, false, [](const Bin& o) { return mx::not_equal(o.a, o.b, o.d); }},
};
static_assert(nx::op_table::in_op_order(kBinary), "one binary entry per op, in BinaryOp order");

// Ops with an Emily CPU kernel (src/emily/cpu), used where the operands
// are f32 or f64 on the CPU device ahead of the entry's composition.
std::optional<cpu::Binary> cpu_kernel(BinaryOp op) {
  switch (op) {
    case BinaryOp::add: return cpu::Binary::add;
    case BinaryOp::subtract: return cpu::Binary::subtract;
    case BinaryOp::multiply: return cpu::Binary::multiply;
    case BinaryOp::divide: return cpu::Binary::divide;
    case BinaryOp::max: return cpu::Binary::max;
    case BinaryOp::min: return cpu::Binary::min;
    case BinaryOp::pow: return cpu::Binary::pow;
    default: return std::nullopt;
  }
}

}  // namespace

Tensor Backend::binary_op(BinaryOp op, const Spec& out, const Tensor& ta, const Tensor& tb) {
  const BinaryEntry& e = kBinary[nx::op_table::index(op)];
  const Type ot = out.type;
  if (mlx_supports(ot) && mlx_supports(ta.type()) && mlx_supports(tb.type()) && !(e.real_only && nx::is_complex(ot))) {
    if (auto r = mixed_sign_64(*this, op, ta, tb, ot)) return wrap(out, *std::move(r));
    switch (e.prep) {
      case P::by_value: return wrap(out, compare(*this, op, e.fn, ta, tb));
      case P::truth: {
        auto d = mx_device(ta.type() == nx::f64 || tb.type() == nx::f64 ? nx::f64 : nx::u8);
        return wrap(out, u8(e.fn({bool_of(array_of(ta), d), bool_of(array_of(tb), d), ot, d}), d));
      }
      case P::output: case P::precise: {
        const Type ct = compute_type(*this, ta, tb, ot, e.prep == P::precise);
        mx::array a = cast(ta, ct), b = cast(tb, ct);
        if (auto k = cpu_kernel(op); k && ct == ot)
          if (auto r = cpu::binary(*k, a, b, mx_device(ct))) return wrap(out, *std::move(r));
        return wrap(out, e.fn({std::move(a), std::move(b), ot, mx_device(ct)}));
      }
    }
  }
  return fallback::run(*this, nx::op_name(op), &nx::Backend::binary_op, op, out, ta, tb);
}

Tensor Backend::clip(const Spec& out, const Tensor& t, const Tensor& min, const Tensor& max) {
  if (!mlx_supports(out.type))
    return fallback::run(*this, "clip", &nx::Backend::clip, out, t, min, max);
  if (auto r = mixed_clip(*this, t, min, max, out.type)) return wrap(out, *std::move(r));
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
