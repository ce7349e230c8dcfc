// Emily: binary element-wise operands whose values the output type does not
// hold. Nx computes on each operand's own value and stores the answer once,
// so a u64 operand against a signed one (an s64 result, which cannot hold
// u64 values from 2^63) and an integer or wider float operand against a
// narrower float result need more than a cast to the output type.
#include <bit>
#include <cmath>
#include <cstring>

#include "../nx/element.hpp"
#include "elementwise.hpp"

namespace emily {

using nx::BinaryOp;
using nx::Type;
using namespace elementwise;

namespace {

// The value of `t` when it is a scalar whose data is already on the host (a
// literal), read with the element rules of its type.
std::optional<nx::Scalar> host_scalar(const Backend& be, const Tensor& t) {
  if (t.rank() != 0 || !mlx_supports(t.type()) || nx::is_complex(t.type())) return std::nullopt;
  mx::array a = be.array_of(t);
  if (!a.is_available()) return std::nullopt;  // pending work: not worth waiting for
  std::uint8_t bytes[8] = {};
  std::memcpy(bytes, a.data<std::uint8_t>(), static_cast<std::size_t>(nx::element_bytes(t.type())));
  nx::Scalar s;
  if (nx::is_integer(t.type())) {
    s.kind = nx::Scalar::Kind::integer;
    s.i = nx::element::load_int(t.type(), bytes, 0);
  } else {
    s = nx::Scalar(nx::element::load_double(t.type(), bytes, 0));
  }
  return s;
}

// Whether `ot` (a real float type) represents the value of `s` exactly.
bool represents(Type ot, const nx::Scalar& s) {
  const double v = s.is_integer() ? static_cast<double>(s.i) : s.f;
  if (s.is_integer() && static_cast<__int128>(v) != s.i) return false;
  if (std::isnan(v) || ot == nx::f64) return true;
  const float f = static_cast<float>(v);
  if (static_cast<double>(f) != v) return false;
  if (ot == nx::f16) return nx::element::f16_to_double(nx::element::f16_from_double(v)) == v;
  if (ot == nx::bf16) return (std::bit_cast<std::uint32_t>(f) & 0xFFFF) == 0;
  return true;
}

bool held_by(const Backend& be, const Tensor& t, Type ot) {
  if (t.type() == ot) return true;
  auto s = host_scalar(be, t);
  return s && represents(ot, *s);
}

// |v| of int64 values as uint64 (|INT64_MIN| = 2^63 included).
mx::array magnitude(const mx::array& v, mx::Device d) {
  mx::array u = mx::astype(v, mx::uint64, d);
  return mx::where(mx::less(v, mx::array(0, mx::int64), d), mx::subtract(mx::array(0, mx::uint64), u, d), u, d);
}

mx::array as_s64(const mx::array& u, mx::Device d) { return mx::view(u, mx::int64, d); }

// A u64 or signed value as (whether it is 2^63 or more, its bits as s64):
// two values order as their bits do unless exactly one of them is that big.
struct Wide {
  mx::array big, bits;
};

Wide wide_of(const Backend& be, const Tensor& t, mx::Device d) {
  mx::array bits = be.cast(t, nx::s64);  // u64 -> s64 keeps the bits
  mx::array big = t.type() == nx::u64 ? mx::less(bits, mx::array(0, mx::int64), d) : mx::array(false);
  return {big, bits};
}

mx::array greater(const Wide& x, const Wide& y, mx::Device d) {
  return mx::where(mx::not_equal(x.big, y.big, d), x.big, mx::greater(x.bits, y.bits, d), d);
}

Wide pick(const mx::array& take_x, const Wide& x, const Wide& y, mx::Device d) {
  return {mx::where(take_x, x.big, y.big, d), mx::where(take_x, x.bits, y.bits, d)};
}

}  // namespace

namespace elementwise {

Type compute_type(const Backend& be, const Tensor& a, const Tensor& b, Type ot, bool precise) {
  if (!nx::is_real_float(ot)) return ot;  // integer results hold both operands' values; complex ones are c64
  const bool held_a = held_by(be, a, ot), held_b = held_by(be, b, ot);
  if (held_a && held_b) return precise ? precise_type(ot) : ot;
  // f32 holds the integers up to 2^24 only; f64 holds every integer to 2^53
  // (beyond, Nx converts to a double too).
  auto wide_int = [](const Tensor& t, bool held) { return !held && nx::is_integer(t.type()) && t.type().bits > 24; };
  if (wide_int(a, held_a) || wide_int(b, held_b)) return nx::f64;
  return precise_type(ot);
}

mx::array order_u64_signed(const mx::array& u, const mx::array& s, mx::Device d) {
  mx::array su = mx::astype(s, mx::uint64, d);
  mx::array ord = mx::subtract(mx::astype(mx::greater(u, su, d), mx::int8, d), mx::astype(mx::less(u, su, d), mx::int8, d), d);
  return mx::where(mx::less(s, mx::array(0, mx::int64), d), mx::array(1, mx::int8), ord, d);
}

std::optional<mx::array> mixed_sign_64(const Backend& be, BinaryOp op, const Tensor& ta, const Tensor& tb, Type ot) {
  const bool left_u = ta.type() == nx::u64;
  if (!nx::is_signed_int(ot) || (!left_u && tb.type() != nx::u64)) return std::nullopt;
  const auto d = be.mx_device(nx::u64);
  const mx::array a = left_u ? be.cast(ta, nx::u64) : be.cast(ta, nx::s64);
  const mx::array b = left_u ? be.cast(tb, nx::s64) : be.cast(tb, nx::u64);
  const mx::array& s = left_u ? b : a;
  const mx::array zero_u = mx::array(0, mx::uint64);
  switch (op) {
    case BinaryOp::min:
    case BinaryOp::max: {
      const Wide x = wide_of(be, ta, d), y = wide_of(be, tb, d);
      return mx::where(op == BinaryOp::max ? greater(y, x, d) : greater(x, y, d), y.bits, x.bits, d);
    }
    case BinaryOp::quotient:
    case BinaryOp::remainder: {
      // On magnitudes in u64, then the sign Nx's truncating division gives
      // (the u64 operand is never negative).
      mx::array ma = left_u ? a : magnitude(a, d), mb = left_u ? magnitude(b, d) : b;
      mx::array by_zero = mx::equal(mb, zero_u, d);
      mx::array safe_mb = mx::where(by_zero, mx::array(1, mx::uint64), mb, d);
      mx::array neg = mx::less(s, mx::array(0, mx::int64), d);
      if (op == BinaryOp::quotient) {
        mx::array q = mx::floor_divide(ma, safe_mb, d);
        q = mx::where(neg, mx::subtract(zero_u, q, d), q, d);
        return mx::where(by_zero, mx::array(-1, mx::int64), as_s64(q, d), d);  // by zero: all bits set
      }
      mx::array r = mx::remainder(ma, safe_mb, d);
      if (!left_u) r = mx::where(neg, mx::subtract(zero_u, r, d), r, d);  // the dividend's sign
      return mx::where(by_zero, left_u ? as_s64(a, d) : a, as_s64(r, d), d);  // by zero: the dividend
    }
    case BinaryOp::right_shift: {
      // A signed operand shifted by u64 counts is the usual s64 shift (counts
      // from 2^63 read as negative, out of range either way).
      if (!left_u) return std::nullopt;
      mx::array bad = mx::logical_or(mx::less(b, mx::array(0, mx::int64), d),
                                     mx::greater_equal(b, mx::array(64, mx::int64), d), d);
      mx::array shifted = mx::right_shift(a, mx::astype(mx::where(bad, mx::array(0, mx::int64), b, d), mx::uint64, d), d);
      return as_s64(mx::where(bad, zero_u, shifted, d), d);
    }
    default: return std::nullopt;  // the rest agree with the values modulo 2^64
  }
}

std::optional<mx::array> mixed_clip(const Backend& be, const Tensor& t, const Tensor& lo, const Tensor& hi, Type ot) {
  if (!nx::is_signed_int(ot) || (t.type() != nx::u64 && lo.type() != nx::u64 && hi.type() != nx::u64))
    return std::nullopt;
  const auto d = be.mx_device(nx::u64);
  const Wide x = wide_of(be, t, d), l = wide_of(be, lo, d), h = wide_of(be, hi, d);
  const Wide y = pick(greater(x, l, d), x, l, d);  // Nx: x > min ? x : min, then y < max ? y : max
  return mx::broadcast_to(pick(greater(h, y, d), y, h, d).bits, x.bits.shape(), d);
}

}  // namespace elementwise

}  // namespace emily
