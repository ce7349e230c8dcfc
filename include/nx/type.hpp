// Nx's type system: every Nx tensor type, the merge rules and the derived
// type functions (to_floating, to_complex, to_real, to_aggregate).
#pragma once

#include <complex>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nx {

enum class TypeClass : std::uint8_t { u, s, f, bf, f8e4m3fn, c };

struct Type {
  TypeClass cls = TypeClass::f;
  std::uint8_t bits = 32;
  constexpr bool operator==(const Type&) const = default;
};

inline constexpr Type u2{TypeClass::u, 2}, u4{TypeClass::u, 4}, u8{TypeClass::u, 8},
    u16{TypeClass::u, 16}, u32{TypeClass::u, 32}, u64{TypeClass::u, 64};
inline constexpr Type s2{TypeClass::s, 2}, s4{TypeClass::s, 4}, s8{TypeClass::s, 8},
    s16{TypeClass::s, 16}, s32{TypeClass::s, 32}, s64{TypeClass::s, 64};
inline constexpr Type f8{TypeClass::f, 8}, f8_e4m3fn{TypeClass::f8e4m3fn, 8},
    f16{TypeClass::f, 16}, bf16{TypeClass::bf, 16}, f32{TypeClass::f, 32}, f64{TypeClass::f, 64};
inline constexpr Type c64{TypeClass::c, 64}, c128{TypeClass::c, 128};

// Every Nx type, in a stable order (used by tests and the coverage command).
const std::vector<Type>& all_types();

std::string to_string(Type t);
// Parses "f32", "s8", "f8_e4m3fn", ...; throws ArgumentError on unknown names.
Type parse_type(std::string_view name);

constexpr bool is_unsigned(Type t) { return t.cls == TypeClass::u; }
constexpr bool is_signed_int(Type t) { return t.cls == TypeClass::s; }
constexpr bool is_integer(Type t) { return is_unsigned(t) || is_signed_int(t); }
constexpr bool is_complex(Type t) { return t.cls == TypeClass::c; }
constexpr bool is_real_float(Type t) {
  return t.cls == TypeClass::f || t.cls == TypeClass::bf || t.cls == TypeClass::f8e4m3fn;
}
// Nx's "float?": real floats and complex.
constexpr bool is_float(Type t) { return is_real_float(t) || is_complex(t); }
constexpr bool supports_infinity(Type t) { return is_float(t) && t.cls != TypeClass::f8e4m3fn; }
constexpr bool is_sub_byte(Type t) { return t.bits < 8; }
// Bytes one element occupies in memory when unpacked (sub-byte types use one byte).
constexpr int element_bytes(Type t) { return t.bits < 8 ? 1 : t.bits / 8; }

// A host number: the literal of Nx (integer of any size up to 64 bits
// unsigned, float including NaN/Inf, or complex).
struct Scalar {
  enum class Kind : std::uint8_t { integer, floating, complex };
  Kind kind = Kind::integer;
  __int128 i = 0;
  double f = 0.0;
  std::complex<double> c{};

  Scalar() = default;
  Scalar(bool v) : kind(Kind::integer), i(v ? 1 : 0) {}
  Scalar(int v) : kind(Kind::integer), i(v) {}
  Scalar(long v) : kind(Kind::integer), i(v) {}
  Scalar(long long v) : kind(Kind::integer), i(v) {}
  Scalar(unsigned v) : kind(Kind::integer), i(v) {}
  Scalar(unsigned long v) : kind(Kind::integer), i(v) {}
  Scalar(unsigned long long v) : kind(Kind::integer), i(v) {}
  Scalar(float v) : kind(Kind::floating), f(v) {}
  Scalar(double v) : kind(Kind::floating), f(v) {}
  Scalar(std::complex<double> v) : kind(Kind::complex), c(v) {}
  Scalar(std::complex<float> v) : kind(Kind::complex), c(v) {}

  bool is_integer() const { return kind == Kind::integer; }
  bool is_complex() const { return kind == Kind::complex; }
  bool is_non_finite() const;
  double as_double() const;
  std::complex<double> as_complex() const;
  std::string to_string() const;
};

// Type a literal gets when it becomes a tensor (s32, f32 or c64).
Type literal_type(const Scalar& s);

Type merge(Type left, Type right);
// Nx's weak-scalar rule: the type of `tensor OP literal`.
Type merge_number(Type tensor_type, const Scalar& literal);
Type to_floating(Type t);
Type to_complex(Type t);
Type to_real(Type t);
Type to_aggregate(Type t);

}  // namespace nx
