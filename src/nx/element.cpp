#include "element.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace nx::element {

namespace {

// Round a double to a binary format with `eb` exponent bits and `mb` mantissa
// bits, nearest-even, with subnormals and overflow to infinity.
std::uint32_t round_to_format(double x, int eb, int mb) {
  const int bias = (1 << (eb - 1)) - 1;
  const std::uint32_t sign = std::signbit(x) ? 1u << (eb + mb) : 0u;
  const std::uint32_t exp_all = (1u << eb) - 1;
  if (std::isnan(x)) return (exp_all << mb) | (1u << (mb - 1));  // Nx's one NaN: positive, quiet
  double a = std::fabs(x);
  if (std::isinf(a)) return sign | (exp_all << mb);
  if (a == 0) return sign;
  int e;
  std::frexp(a, &e);  // a = m * 2^e, m in [0.5, 1)
  int unbiased = e - 1;
  int min_normal = 1 - bias;
  // Quantum (spacing) at this magnitude.
  int q_exp = (unbiased < min_normal ? min_normal : unbiased) - mb;
  double scaled = std::ldexp(a, -q_exp);  // integer part = significand in quanta
  double r = std::nearbyint(scaled);      // default rounding mode: nearest-even
  std::uint64_t sig = static_cast<std::uint64_t>(r);
  int biased;
  if (unbiased < min_normal) {
    // subnormal (may round up into the first normal)
    if (sig >= (1u << mb)) return sign | (1u << mb) | static_cast<std::uint32_t>(sig - (1u << mb));
    return sign | static_cast<std::uint32_t>(sig);
  }
  biased = unbiased + bias;
  if (sig >= (2ull << mb)) {  // rounded up to the next binade
    sig >>= 1;
    biased += 1;
  }
  if (biased >= static_cast<int>(exp_all)) return sign | (exp_all << mb);
  return sign | (static_cast<std::uint32_t>(biased) << mb) |
         static_cast<std::uint32_t>(sig - (1ull << mb));
}

double from_format(std::uint32_t bits, int eb, int mb) {
  const int bias = (1 << (eb - 1)) - 1;
  const std::uint32_t exp_all = (1u << eb) - 1;
  bool neg = (bits >> (eb + mb)) & 1u;
  std::uint32_t e = (bits >> mb) & exp_all;
  std::uint32_t m = bits & ((1u << mb) - 1);
  double v;
  if (e == exp_all) v = m ? std::numeric_limits<double>::quiet_NaN() : INFINITY;
  else if (e == 0) v = std::ldexp(static_cast<double>(m), 1 - bias - mb);
  else v = std::ldexp(static_cast<double>(m | (1u << mb)), static_cast<int>(e) - bias - mb);
  return neg ? -v : v;
}

}  // namespace

std::uint16_t f16_from_double(double x) { return static_cast<std::uint16_t>(round_to_format(x, 5, 10)); }
double f16_to_double(std::uint16_t b) { return from_format(b, 5, 10); }

std::uint16_t bf16_from_double(double x) {
  // Nx rounds to f32 (nearest even) and then truncates the low 16 bits.
  float f = static_cast<float>(x);
  if (std::isnan(f)) return 0x7FC0;
  return static_cast<std::uint16_t>(std::bit_cast<std::uint32_t>(f) >> 16);
}
double bf16_to_double(std::uint16_t b) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(b) << 16);
}

std::uint8_t f8_from_double(double x) {
  // Nx rounds to f16 (nearest even) and keeps the high byte.
  std::uint16_t h = f16_from_double(x);
  if (std::isnan(x)) return 0x7E;
  return static_cast<std::uint8_t>(h >> 8);
}
double f8_to_double(std::uint8_t b) { return f16_to_double(static_cast<std::uint16_t>(b << 8)); }

std::uint8_t f8e4m3fn_from_double(double x) {
  if (std::isnan(x)) return 0x7F;
  std::uint8_t sign = std::signbit(x) ? 0x80 : 0;
  double a = std::fabs(x);
  if (a > 448.0) a = 448.0;
  if (a == 0) return sign;
  int e;
  std::frexp(a, &e);
  int unbiased = e - 1;
  if (unbiased < -6) {
    // subnormal: value = m/8 * 2^-6, rounded half away from zero, no carry.
    double m = std::floor(a / std::ldexp(1.0, -9) + 0.5);
    if (m > 7) m = 7;
    return sign | static_cast<std::uint8_t>(m);
  }
  double frac = a / std::ldexp(1.0, unbiased) - 1.0;
  double m = std::floor(frac * 8 + 0.5);
  if (m > 7) m = 7;
  return sign | static_cast<std::uint8_t>((unbiased + 7) << 3) | static_cast<std::uint8_t>(m);
}

double f8e4m3fn_to_double(std::uint8_t b) {
  bool neg = b & 0x80;
  int e = (b >> 3) & 0xF;
  int m = b & 7;
  double v;
  if (e == 15 && m == 7) v = std::numeric_limits<double>::quiet_NaN();
  else if (e == 0) v = std::ldexp(m, -9);
  else v = std::ldexp(8 + m, e - 7 - 3);
  return neg ? -v : v;
}

__int128 int_min(Type t) {
  if (t.cls == TypeClass::u) return 0;
  return -(static_cast<__int128>(1) << (t.bits - 1));
}
__int128 int_max(Type t) {
  if (t.cls == TypeClass::u) return (static_cast<__int128>(1) << t.bits) - 1;
  return (static_cast<__int128>(1) << (t.bits - 1)) - 1;
}

std::int64_t wrap_int(__int128 v, Type t) {
  unsigned __int128 mask = (static_cast<unsigned __int128>(1) << t.bits) - 1;
  unsigned __int128 u = static_cast<unsigned __int128>(v) & mask;
  if (t.cls == TypeClass::s && (u >> (t.bits - 1)) & 1) {
    return static_cast<std::int64_t>(static_cast<__int128>(u) - (static_cast<__int128>(1) << t.bits));
  }
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(u));
}

__int128 float_to_int(double x, Type t) {
  if (std::isnan(x)) return 0;
  if (std::isinf(x)) return x > 0 ? int_max(t) : int_min(t);
  double tr = std::trunc(x);
  // Reduce modulo 2^64 exactly (fmod is exact), then wrap.
  double m = std::fmod(tr, 18446744073709551616.0);
  __int128 v = static_cast<__int128>(m);
  return wrap_int(v, t);
}

namespace {

// Calls f(tag) with a pointer-typed tag naming the unpacked storage type.
template <class F>
decltype(auto) with_storage(Type t, F&& f) {
  switch (t.cls) {
    case TypeClass::u:
      switch (t.bits) {
        case 2: case 4: case 8: return f(static_cast<std::uint8_t*>(nullptr));
        case 16: return f(static_cast<std::uint16_t*>(nullptr));
        case 32: return f(static_cast<std::uint32_t*>(nullptr));
        default: return f(static_cast<std::uint64_t*>(nullptr));
      }
    case TypeClass::s:
      switch (t.bits) {
        case 2: case 4: case 8: return f(static_cast<std::int8_t*>(nullptr));
        case 16: return f(static_cast<std::int16_t*>(nullptr));
        case 32: return f(static_cast<std::int32_t*>(nullptr));
        default: return f(static_cast<std::int64_t*>(nullptr));
      }
    case TypeClass::f:
      switch (t.bits) {
        case 8: return f(static_cast<std::uint8_t*>(nullptr));
        case 16: return f(static_cast<std::uint16_t*>(nullptr));
        case 32: return f(static_cast<float*>(nullptr));
        default: return f(static_cast<double*>(nullptr));
      }
    case TypeClass::bf: return f(static_cast<std::uint16_t*>(nullptr));
    case TypeClass::f8e4m3fn: return f(static_cast<std::uint8_t*>(nullptr));
    case TypeClass::c:
      if (t.bits == 64) return f(static_cast<std::complex<float>*>(nullptr));
      return f(static_cast<std::complex<double>*>(nullptr));
  }
  return f(static_cast<std::uint8_t*>(nullptr));
}

double decode_small_float(Type t, std::uint32_t bits) {
  if (t.cls == TypeClass::bf) return bf16_to_double(static_cast<std::uint16_t>(bits));
  if (t.cls == TypeClass::f8e4m3fn) return f8e4m3fn_to_double(static_cast<std::uint8_t>(bits));
  if (t.bits == 8) return f8_to_double(static_cast<std::uint8_t>(bits));
  return f16_to_double(static_cast<std::uint16_t>(bits));
}

std::uint32_t encode_small_float(Type t, double x) {
  if (t.cls == TypeClass::bf) return bf16_from_double(x);
  if (t.cls == TypeClass::f8e4m3fn) return f8e4m3fn_from_double(x);
  if (t.bits == 8) return f8_from_double(x);
  return f16_from_double(x);
}

bool is_small_float(Type t) { return is_real_float(t) && t.bits <= 16; }

// Reads element i as the compute type C.
template <class C, class S>
C read_as(Type t, const S* p, std::int64_t i) {
  if constexpr (std::is_same_v<S, std::complex<float>> || std::is_same_v<S, std::complex<double>>) {
    if constexpr (std::is_same_v<C, cdouble>) return cdouble(p[i].real(), p[i].imag());
    else if constexpr (std::is_same_v<C, double>) return p[i].real();
    else return static_cast<C>(float_to_int(p[i].real(), std::is_same_v<C, std::uint64_t> ? u64 : s64));
  } else if constexpr (std::is_floating_point_v<S>) {
    if constexpr (std::is_same_v<C, cdouble>) return cdouble(p[i], 0.0);
    else if constexpr (std::is_same_v<C, double>) return p[i];
    else return static_cast<C>(float_to_int(p[i], std::is_same_v<C, std::uint64_t> ? u64 : s64));
  } else {
    if (is_small_float(t)) {
      double d = decode_small_float(t, static_cast<std::uint32_t>(p[i]));
      if constexpr (std::is_same_v<C, cdouble>) return cdouble(d, 0.0);
      else if constexpr (std::is_same_v<C, double>) return d;
      else return static_cast<C>(float_to_int(d, std::is_same_v<C, std::uint64_t> ? u64 : s64));
    }
    if constexpr (std::is_same_v<C, cdouble>) return cdouble(static_cast<double>(p[i]), 0.0);
    else return static_cast<C>(p[i]);
  }
}

template <class C>
__int128 as_int128(C v) {
  return static_cast<__int128>(v);
}

// Nx stores every NaN as one positive quiet NaN, whatever sign or payload
// the computation left.
template <class R>
R canonical(double x) {
  return std::isnan(x) ? std::numeric_limits<R>::quiet_NaN() : static_cast<R>(x);
}

template <class C, class S>
void write_as(Type t, S* p, std::int64_t i, C v) {
  if constexpr (std::is_same_v<S, std::complex<float>> || std::is_same_v<S, std::complex<double>>) {
    using R = typename S::value_type;
    if constexpr (std::is_same_v<C, cdouble>) p[i] = S(canonical<R>(v.real()), canonical<R>(v.imag()));
    else if constexpr (std::is_same_v<C, double>) p[i] = S(canonical<R>(v), 0);
    else p[i] = S(static_cast<R>(v), 0);
  } else if constexpr (std::is_floating_point_v<S>) {
    if constexpr (std::is_same_v<C, cdouble>) p[i] = canonical<S>(v.real());
    else if constexpr (std::is_same_v<C, double>) p[i] = canonical<S>(v);
    else p[i] = static_cast<S>(v);
  } else {
    if (is_small_float(t)) {
      double d;
      if constexpr (std::is_same_v<C, cdouble>) d = v.real();
      else d = static_cast<double>(v);
      p[i] = static_cast<S>(encode_small_float(t, d));
      return;
    }
    __int128 x;
    if constexpr (std::is_same_v<C, cdouble>) x = float_to_int(v.real(), t);
    else if constexpr (std::is_same_v<C, double>) x = float_to_int(v, t);
    else x = as_int128(v);
    p[i] = static_cast<S>(wrap_int(x, t));
  }
}

}  // namespace

template <class C>
std::vector<C> load(Type t, const std::uint8_t* data, std::int64_t n) {
  std::vector<C> out(static_cast<std::size_t>(n));
  with_storage(t, [&](auto* tag) {
    using S = std::remove_pointer_t<decltype(tag)>;
    const S* p = reinterpret_cast<const S*>(data);
    for (std::int64_t i = 0; i < n; ++i) out[static_cast<std::size_t>(i)] = read_as<C>(t, p, i);
  });
  return out;
}

template <class C>
void store(Type t, const C* values, std::int64_t n, std::uint8_t* out) {
  with_storage(t, [&](auto* tag) {
    using S = std::remove_pointer_t<decltype(tag)>;
    S* p = reinterpret_cast<S*>(out);
    for (std::int64_t i = 0; i < n; ++i) write_as<C>(t, p, i, values[i]);
  });
}

template std::vector<std::int64_t> load<std::int64_t>(Type, const std::uint8_t*, std::int64_t);
template std::vector<std::uint64_t> load<std::uint64_t>(Type, const std::uint8_t*, std::int64_t);
template std::vector<double> load<double>(Type, const std::uint8_t*, std::int64_t);
template std::vector<cdouble> load<cdouble>(Type, const std::uint8_t*, std::int64_t);
template void store<std::int64_t>(Type, const std::int64_t*, std::int64_t, std::uint8_t*);
template void store<std::uint64_t>(Type, const std::uint64_t*, std::int64_t, std::uint8_t*);
template void store<double>(Type, const double*, std::int64_t, std::uint8_t*);
template void store<cdouble>(Type, const cdouble*, std::int64_t, std::uint8_t*);

cdouble load_complex(Type t, const std::uint8_t* data, std::int64_t i) {
  return with_storage(t, [&](auto* tag) -> cdouble {
    using S = std::remove_pointer_t<decltype(tag)>;
    return read_as<cdouble>(t, reinterpret_cast<const S*>(data), i);
  });
}

double load_double(Type t, const std::uint8_t* data, std::int64_t i) {
  return load_complex(t, data, i).real();
}

__int128 load_int(Type t, const std::uint8_t* data, std::int64_t i) {
  return with_storage(t, [&](auto* tag) -> __int128 {
    using S = std::remove_pointer_t<decltype(tag)>;
    const S* p = reinterpret_cast<const S*>(data);
    if constexpr (std::is_integral_v<S>) {
      if (is_integer(t)) return static_cast<__int128>(p[i]);
    }
    return float_to_int(read_as<double>(t, p, i), s64);
  });
}

void store_scalar(Type t, const Scalar& s, std::uint8_t* out) {
  if (s.is_complex()) {
    cdouble c = s.c;
    store<cdouble>(t, &c, 1, out);
  } else if (s.is_integer()) {
    if (is_integer(t)) {
      std::int64_t w = wrap_int(s.i, t);
      store<std::int64_t>(t, &w, 1, out);
    } else {
      double d = static_cast<double>(s.i);
      store<double>(t, &d, 1, out);
    }
  } else {
    store<double>(t, &s.f, 1, out);
  }
}

std::int64_t packed_bytes(Type t, std::int64_t n) {
  if (t.bits >= 8) return n * (t.bits / 8);
  return (n * t.bits + 7) / 8;
}

std::vector<std::uint8_t> pack(Type t, const std::uint8_t* unpacked, std::int64_t n) {
  if (t.bits >= 8) return std::vector<std::uint8_t>(unpacked, unpacked + n * (t.bits / 8));
  std::vector<std::uint8_t> out(static_cast<std::size_t>(packed_bytes(t, n)), 0);
  const std::uint8_t mask = static_cast<std::uint8_t>((1u << t.bits) - 1);
  for (std::int64_t i = 0; i < n; ++i) {
    std::int64_t bit = i * t.bits;  // MSB-first
    int shift = 8 - t.bits - static_cast<int>(bit % 8);
    out[static_cast<std::size_t>(bit / 8)] |= static_cast<std::uint8_t>((unpacked[i] & mask) << shift);
  }
  return out;
}

std::vector<std::uint8_t> unpack(Type t, std::span<const std::uint8_t> packed, std::int64_t n) {
  if (t.bits >= 8) return std::vector<std::uint8_t>(packed.begin(), packed.begin() + n * (t.bits / 8));
  std::vector<std::uint8_t> out(static_cast<std::size_t>(n));
  const unsigned mask = (1u << t.bits) - 1;
  for (std::int64_t i = 0; i < n; ++i) {
    std::int64_t bit = i * t.bits;
    int shift = 8 - t.bits - static_cast<int>(bit % 8);
    unsigned v = (packed[static_cast<std::size_t>(bit / 8)] >> shift) & mask;
    if (t.cls == TypeClass::s && (v >> (t.bits - 1))) v |= ~mask;  // sign-extend
    out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v);
  }
  return out;
}

}  // namespace nx::element
