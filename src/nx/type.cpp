#include "nx/type.hpp"

#include <cmath>
#include <cstdio>

#include "nx/tensor.hpp"

namespace nx {

const std::vector<Type>& all_types() {
  static const std::vector<Type> types = {u2, u4,  u8,  u16,       u32, u64, s2,  s4,  s8,  s16,
                                          s32, s64, f8,  f8_e4m3fn, f16, bf16, f32, f64, c64, c128};
  return types;
}

std::string to_string(Type t) {
  switch (t.cls) {
    case TypeClass::u: return "u" + std::to_string(t.bits);
    case TypeClass::s: return "s" + std::to_string(t.bits);
    case TypeClass::f: return "f" + std::to_string(t.bits);
    case TypeClass::bf: return "bf" + std::to_string(t.bits);
    case TypeClass::f8e4m3fn: return "f8_e4m3fn";
    case TypeClass::c: return "c" + std::to_string(t.bits);
  }
  return "?";
}

Type parse_type(std::string_view name) {
  for (Type t : all_types())
    if (to_string(t) == name) return t;
  if (name == "pred") return u8;
  // Nx.Type.normalize!'s text, with the name as Nx prints an atom.
  raise("parse_type", "invalid numerical type: :" + std::string(name) + " (see Nx.Type docs for all supported types)");
}

bool Scalar::is_non_finite() const {
  if (kind == Kind::floating) return !std::isfinite(f);
  if (kind == Kind::complex) return !std::isfinite(c.real()) || !std::isfinite(c.imag());
  return false;
}

double Scalar::as_double() const {
  switch (kind) {
    case Kind::integer: return static_cast<double>(i);
    case Kind::floating: return f;
    case Kind::complex: return c.real();
  }
  return 0;
}

std::complex<double> Scalar::as_complex() const {
  if (kind == Kind::complex) return c;
  return {as_double(), 0.0};
}

static std::string int128_to_string(__int128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  unsigned __int128 u = neg ? static_cast<unsigned __int128>(-(v + 1)) + 1 : v;
  std::string s;
  while (u > 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  return neg ? "-" + s : s;
}

std::string Scalar::to_string() const {
  char buf[64];
  switch (kind) {
    case Kind::integer: return int128_to_string(i);
    case Kind::floating: std::snprintf(buf, sizeof buf, "%g", f); return buf;
    case Kind::complex:
      std::snprintf(buf, sizeof buf, "%g%+gi", c.real(), c.imag());
      return buf;
  }
  return "?";
}

Type literal_type(const Scalar& s) {
  switch (s.kind) {
    case Scalar::Kind::integer: return s32;
    case Scalar::Kind::floating: return f32;
    case Scalar::Kind::complex: return c64;
  }
  return s32;
}

static int class_rank(TypeClass c) {
  switch (c) {
    case TypeClass::c: return 4;
    case TypeClass::f:
    case TypeClass::f8e4m3fn: return 3;
    case TypeClass::bf: return 2;
    case TypeClass::s: return 1;
    case TypeClass::u: return 0;
  }
  return 0;
}

Type merge(Type left, Type right) {
  if (left.cls == right.cls) return left.bits >= right.bits ? left : right;
  int rl = class_rank(left.cls), rr = class_rank(right.cls);
  if (rl == rr) return left;  // f vs f8_e4m3fn: the left operand wins
  Type hi = rl > rr ? left : right;
  Type lo = rl > rr ? right : left;
  if (lo.cls == TypeClass::u && hi.cls == TypeClass::s) {
    int size = std::max(std::min(2 * static_cast<int>(lo.bits), 64), static_cast<int>(hi.bits));
    return Type{TypeClass::s, static_cast<std::uint8_t>(size)};
  }
  if (lo.cls == TypeClass::f && hi.cls == TypeClass::c) {
    int size = std::max(2 * static_cast<int>(lo.bits), static_cast<int>(hi.bits));
    return Type{TypeClass::c, static_cast<std::uint8_t>(size)};
  }
  return hi;
}

static int unsigned_size(__int128 n) {
  if (n <= 1) return 1;
  if (n <= 255) return 8;
  if (n <= 65535) return 16;
  if (n <= 4294967295LL) return 32;
  return 64;
}

static int signed_size(__int128 n) {
  __int128 m = n >= 0 ? n : -n - 1;
  if (m <= 1) return 1;
  if (m <= 127) return 8;
  if (m <= 32767) return 16;
  if (m <= 2147483647LL) return 32;
  return 64;
}

static std::uint8_t valid_bits(int bits) {
  // Sizes of 1 from the tables round up to the smallest real type of the class.
  if (bits <= 2) return 2;
  if (bits <= 4) return 4;
  return static_cast<std::uint8_t>(bits);
}

Type merge_number(Type t, const Scalar& lit) {
  if (lit.is_complex() || lit.is_non_finite()) return merge(t, literal_type(lit));
  if (t.cls == TypeClass::f8e4m3fn) return f32;
  if (is_float(t)) return t;
  if (!lit.is_integer()) return f32;
  if (t.cls == TypeClass::u) {
    if (lit.i >= 0) {
      return Type{TypeClass::u, valid_bits(std::max(unsigned_size(lit.i), static_cast<int>(t.bits)))};
    }
    int b = std::min(2 * static_cast<int>(t.bits), 64);
    return Type{TypeClass::s, valid_bits(std::max(signed_size(lit.i), b))};
  }
  return Type{TypeClass::s, valid_bits(std::max(signed_size(lit.i), static_cast<int>(t.bits)))};
}

Type to_floating(Type t) { return is_float(t) ? t : f32; }

Type to_complex(Type t) {
  if (is_complex(t)) return t;
  if (t == f64) return c128;
  return c64;
}

Type to_real(Type t) {
  if (is_real_float(t)) return t;
  if (t == c64) return f32;
  if (t == c128) return f64;
  return f32;
}

Type to_aggregate(Type t) {
  if (t.cls == TypeClass::u) return t.bits == 64 ? s64 : u32;
  if (t.cls == TypeClass::s) return t.bits == 64 ? s64 : s32;
  return t;
}

}  // namespace nx
