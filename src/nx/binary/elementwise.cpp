// Reference backend: the 24 binary and 37 unary element-wise callbacks,
// clip and select, with Nx's per-op numeric semantics.
//
// Conventions where the reference raises (documented in docs/backends.md):
//   integer quotient by zero -> -1 (all bits set); remainder by zero -> the dividend;
//   integer pow with a negative exponent -> 1 for base 1, +-1 for base -1, else 0;
//   shift counts outside [0, bits) -> left: 0; right: 0 or -1 (sign fill);
//   float domain errors follow IEEE (x/0 = +-Inf, sqrt(-1) = NaN, ...).
#include <bit>
#include <cmath>
#include <limits>

#include "binary_backend.hpp"

namespace nx {

using host::cdouble;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

template <class C>
constexpr bool is_int_v = std::is_same_v<C, std::int64_t> || std::is_same_v<C, std::uint64_t>;

// Integer arithmetic without signed overflow UB: through uint64.
template <class C>
C wrap_add(C a, C b) { return static_cast<C>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b)); }
template <class C>
C wrap_sub(C a, C b) { return static_cast<C>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b)); }
template <class C>
C wrap_mul(C a, C b) { return static_cast<C>(static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b)); }

template <class C>
C int_pow(C base, C exp) {
  if constexpr (std::is_signed_v<C>) {
    if (exp < 0) {
      if (base == 1) return 1;
      if (base == -1) return (exp % 2 == 0) ? 1 : -1;
      return 0;
    }
  }
  std::uint64_t result = 1, b = static_cast<std::uint64_t>(base);
  auto e = static_cast<std::uint64_t>(exp);
  while (e) {
    if (e & 1) result *= b;
    b *= b;
    e >>= 1;
  }
  return static_cast<C>(result);
}

// Smallest value of the signed type `t` as int64 (for INT_MIN / -1).
std::int64_t signed_min(Type t) { return static_cast<std::int64_t>(element::int_min(t)); }

template <class C>
C binary_int(BinaryOp op, C a, C b, Type t) {
  const int bits = t.bits;
  switch (op) {
    case BinaryOp::add: return wrap_add(a, b);
    case BinaryOp::subtract: return wrap_sub(a, b);
    case BinaryOp::multiply: return wrap_mul(a, b);
    case BinaryOp::pow: return int_pow(a, b);
    case BinaryOp::min: return a < b ? a : b;
    case BinaryOp::max: return a > b ? a : b;
    case BinaryOp::quotient:
      if (b == 0) return static_cast<C>(-1);
      if constexpr (std::is_signed_v<C>) {
        if (b == -1) return wrap_sub(C{0}, a);  // INT_MIN / -1 wraps
      }
      return a / b;
    case BinaryOp::remainder:
      if (b == 0) return a;
      if constexpr (std::is_signed_v<C>) {
        if (b == -1) return 0;
      }
      return a % b;
    case BinaryOp::bitwise_and: return a & b;
    case BinaryOp::bitwise_or: return a | b;
    case BinaryOp::bitwise_xor: return a ^ b;
    case BinaryOp::left_shift:
      if (b < 0 || b >= static_cast<C>(bits)) return 0;
      return static_cast<C>(static_cast<std::uint64_t>(a) << static_cast<int>(b));
    case BinaryOp::right_shift:
      if (b < 0 || b >= static_cast<C>(bits)) {
        if constexpr (std::is_signed_v<C>) return (is_signed_int(t) && a < 0) ? -1 : 0;
        return 0;
      }
      return a >> static_cast<int>(b);  // arithmetic for negative signed values
    default: break;
  }
  (void)signed_min;
  return 0;
}

double binary_float(BinaryOp op, double a, double b) {
  switch (op) {
    case BinaryOp::add: return a + b;
    case BinaryOp::subtract: return a - b;
    case BinaryOp::multiply: return a * b;
    case BinaryOp::pow: return std::pow(a, b);
    case BinaryOp::remainder: return std::fmod(a, b);
    case BinaryOp::divide: return a / b;
    case BinaryOp::atan2: return std::atan2(a, b);
    case BinaryOp::min: return (std::isnan(a) || std::isnan(b)) ? kNaN : (a < b ? a : b);
    case BinaryOp::max: return (std::isnan(a) || std::isnan(b)) ? kNaN : (a > b ? a : b);
    default: break;
  }
  return kNaN;
}

cdouble binary_complex(BinaryOp op, cdouble a, cdouble b) {
  switch (op) {
    case BinaryOp::add: return a + b;
    case BinaryOp::subtract: return a - b;
    case BinaryOp::multiply: return a * b;
    case BinaryOp::pow: return std::pow(a, b);
    case BinaryOp::divide: return a / b;
    default: break;
  }
  return {kNaN, kNaN};
}

bool is_comparison(BinaryOp op) {
  switch (op) {
    case BinaryOp::equal: case BinaryOp::not_equal: case BinaryOp::greater:
    case BinaryOp::less: case BinaryOp::greater_equal: case BinaryOp::less_equal: return true;
    default: return false;
  }
}

bool is_logical(BinaryOp op) {
  return op == BinaryOp::logical_and || op == BinaryOp::logical_or || op == BinaryOp::logical_xor;
}

// A real value held exactly: integers (including all of u64) as __int128,
// floats as double. Values of different types compare by value (2.18).
struct Exact {
  bool is_int;
  __int128 i;
  double f;
};

std::vector<Exact> read_exact(const Tensor& t, const Shape& shape) {
  return host::with_compute(t.type(), [&](auto tag) {
    using C = decltype(tag);
    auto v = host::read_broadcast<C>(t, shape);
    std::vector<Exact> out(v.size());
    for (std::size_t k = 0; k < v.size(); ++k) {
      if constexpr (is_int_v<C>) out[k] = {true, static_cast<__int128>(v[k]), 0.0};
      else if constexpr (std::is_same_v<C, double>) out[k] = {false, 0, v[k]};
      else out[k] = {false, 0, v[k].real()};
    }
    return out;
  });
}

// -1, 0, 1 for i < d, i == d, i > d (d not NaN).
int order_int_float(__int128 i, double d) {
  if (d > 1e30) return -1;
  if (d < -1e30) return 1;
  double fl = std::floor(d);
  auto fi = static_cast<__int128>(fl);
  if (i != fi) return i < fi ? -1 : 1;
  return d > fl ? -1 : 0;
}

int order(const Exact& a, const Exact& b) {
  if (a.is_int && b.is_int) return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
  if (!a.is_int && !b.is_int) return a.f < b.f ? -1 : (a.f > b.f ? 1 : 0);
  if (a.is_int) return order_int_float(a.i, b.f);
  return -order_int_float(b.i, a.f);
}

bool compare(BinaryOp op, const Exact& a, const Exact& b) {
  if ((!a.is_int && std::isnan(a.f)) || (!b.is_int && std::isnan(b.f))) return op == BinaryOp::not_equal;
  const int o = order(a, b);
  switch (op) {
    case BinaryOp::equal: return o == 0;
    case BinaryOp::not_equal: return o != 0;
    case BinaryOp::greater: return o > 0;
    case BinaryOp::less: return o < 0;
    case BinaryOp::greater_equal: return o >= 0;
    default: return o <= 0;
  }
}

// erf^-1: Giles' single-precision approximation refined by Newton steps on erf.
double erf_inv(double x) {
  if (std::isnan(x) || x < -1 || x > 1) return kNaN;
  if (x == 1) return INFINITY;
  if (x == -1) return -INFINITY;
  double w = -std::log((1.0 - x) * (1.0 + x)), p;
  if (w < 5.0) {
    w -= 2.5;
    p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w; p = -3.5233877e-06 + p * w; p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w; p = -0.00125372503 + p * w; p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w; p = 1.50140941 + p * w;
  } else {
    w = std::sqrt(w) - 3.0;
    p = -0.000200214257;
    p = 0.000100950558 + p * w; p = 0.00134934322 + p * w; p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w; p = -0.0076224613 + p * w; p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w; p = 2.83297682 + p * w;
  }
  double y = p * x;
  for (int i = 0; i < 2; ++i) {
    double err = std::erf(y) - x;
    y -= err / (2.0 / std::sqrt(M_PI) * std::exp(-y * y));
  }
  return y;
}

double unary_float(UnaryOp op, double x) {
  switch (op) {
    case UnaryOp::exp: return std::exp(x);
    case UnaryOp::expm1: return std::expm1(x);
    case UnaryOp::log: return std::log(x);
    case UnaryOp::log1p: return std::log1p(x);
    case UnaryOp::sigmoid: return 1.0 / (1.0 + std::exp(-x));
    case UnaryOp::cos: return std::cos(x);
    case UnaryOp::sin: return std::sin(x);
    case UnaryOp::tan: return std::tan(x);
    case UnaryOp::cosh: return std::cosh(x);
    case UnaryOp::sinh: return std::sinh(x);
    case UnaryOp::tanh: return std::tanh(x);
    case UnaryOp::acos: return std::acos(x);
    case UnaryOp::asin: return std::asin(x);
    case UnaryOp::atan: return std::atan(x);
    case UnaryOp::acosh: return std::acosh(x);
    case UnaryOp::asinh: return std::asinh(x);
    case UnaryOp::atanh: return std::atanh(x);
    case UnaryOp::sqrt: return std::sqrt(x);
    case UnaryOp::rsqrt: return 1.0 / std::sqrt(x);
    case UnaryOp::cbrt: return std::cbrt(x);
    case UnaryOp::erf: return std::erf(x);
    case UnaryOp::erfc: return std::erfc(x);
    case UnaryOp::erf_inv: return erf_inv(x);
    case UnaryOp::abs: return std::fabs(x);
    case UnaryOp::ceil: return std::ceil(x);
    case UnaryOp::floor: return std::floor(x);
    case UnaryOp::round: return std::round(x);  // half away from zero
    case UnaryOp::negate: return -x;
    case UnaryOp::sign:
      if (std::isnan(x) || x == 0) return x;
      return x > 0 ? 1.0 : -1.0;
    case UnaryOp::real: return x;
    case UnaryOp::imag: return 0.0;
    default: break;
  }
  return kNaN;
}

cdouble unary_complex(UnaryOp op, cdouble z) {
  switch (op) {
    case UnaryOp::exp: return std::exp(z);
    case UnaryOp::expm1: return std::exp(z) - 1.0;
    case UnaryOp::log: return std::log(z);
    case UnaryOp::log1p: return std::log(1.0 + z);
    case UnaryOp::sigmoid: return 1.0 / (1.0 + std::exp(-z));
    case UnaryOp::cos: return std::cos(z);
    case UnaryOp::sin: return std::sin(z);
    case UnaryOp::tan: return std::tan(z);
    case UnaryOp::cosh: return std::cosh(z);
    case UnaryOp::sinh: return std::sinh(z);
    case UnaryOp::tanh: return std::tanh(z);
    case UnaryOp::acos: return std::acos(z);
    case UnaryOp::asin: return std::asin(z);
    case UnaryOp::atan: return std::atan(z);
    case UnaryOp::acosh: return std::acosh(z);
    case UnaryOp::asinh: return std::asinh(z);
    case UnaryOp::atanh: return std::atanh(z);
    case UnaryOp::sqrt: return std::sqrt(z);
    case UnaryOp::rsqrt: return 1.0 / std::sqrt(z);
    case UnaryOp::cbrt: return std::pow(z, 1.0 / 3.0);
    case UnaryOp::conjugate: return std::conj(z);
    case UnaryOp::negate: return -z;
    case UnaryOp::sign: {
      double m = std::abs(z);
      return m == 0 ? z : z / m;
    }
    default: break;
  }
  return {kNaN, kNaN};
}

// Bit pattern of an integer value within the type's width.
std::uint64_t width_bits(std::int64_t v, Type t) {
  std::uint64_t u = static_cast<std::uint64_t>(v);
  return t.bits >= 64 ? u : u & ((std::uint64_t{1} << t.bits) - 1);
}

template <class C>
C unary_int(UnaryOp op, C x, Type t) {
  switch (op) {
    case UnaryOp::abs:
      if constexpr (std::is_signed_v<C>) return x < 0 ? wrap_sub(C{0}, x) : x;
      return x;
    case UnaryOp::negate: return wrap_sub(C{0}, x);
    case UnaryOp::bitwise_not: return ~x;
    case UnaryOp::sign:
      if constexpr (std::is_signed_v<C>) return x > 0 ? 1 : (x < 0 ? -1 : 0);
      return x > 0 ? 1 : 0;
    case UnaryOp::ceil: case UnaryOp::floor: case UnaryOp::round: case UnaryOp::real:
      return x;
    case UnaryOp::population_count:
      return static_cast<C>(std::popcount(width_bits(static_cast<std::int64_t>(x), t)));
    case UnaryOp::count_leading_zeros: {
      std::uint64_t b = width_bits(static_cast<std::int64_t>(x), t);
      return static_cast<C>(std::countl_zero(b) - (64 - t.bits));
    }
    default: break;
  }
  return 0;
}

}  // namespace

Tensor BinaryBackend::binary_op(BinaryOp op, const Spec& out, const Tensor& a, const Tensor& b) {
  const std::int64_t n = out.size();
  if (is_logical(op)) {
    auto va = host::read_broadcast<cdouble>(a, out.shape);
    auto vb = host::read_broadcast<cdouble>(b, out.shape);
    std::vector<std::int64_t> r(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
      bool x = host::truthy(va[static_cast<std::size_t>(i)]);
      bool y = host::truthy(vb[static_cast<std::size_t>(i)]);
      r[static_cast<std::size_t>(i)] =
          op == BinaryOp::logical_and ? (x && y) : op == BinaryOp::logical_or ? (x || y) : (x != y);
    }
    return host::write(out, r);
  }
  if (is_comparison(op)) {
    std::vector<std::int64_t> r(static_cast<std::size_t>(n));
    if (is_complex(a.type()) || is_complex(b.type())) {
      // equal/not_equal compare both parts; the orderings use the real parts.
      auto va = host::read_broadcast<cdouble>(a, out.shape), vb = host::read_broadcast<cdouble>(b, out.shape);
      for (std::size_t i = 0; i < r.size(); ++i) {
        if (op == BinaryOp::equal) r[i] = va[i] == vb[i];
        else if (op == BinaryOp::not_equal) r[i] = va[i] != vb[i];
        else r[i] = compare(op, Exact{false, 0, va[i].real()}, Exact{false, 0, vb[i].real()});
      }
      return host::write(out, r);
    }
    auto va = read_exact(a, out.shape), vb = read_exact(b, out.shape);
    for (std::size_t i = 0; i < r.size(); ++i) r[i] = compare(op, va[i], vb[i]);
    return host::write(out, r);
  }
  return host::with_compute(out.type, [&](auto tag) {
    using C = decltype(tag);
    auto va = host::read_broadcast<C>(a, out.shape);
    auto vb = host::read_broadcast<C>(b, out.shape);
    std::vector<C> r(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) {
      auto x = va[static_cast<std::size_t>(i)], y = vb[static_cast<std::size_t>(i)];
      if constexpr (is_int_v<C>) r[static_cast<std::size_t>(i)] = binary_int<C>(op, x, y, out.type);
      else if constexpr (std::is_same_v<C, double>) r[static_cast<std::size_t>(i)] = binary_float(op, x, y);
      else r[static_cast<std::size_t>(i)] = binary_complex(op, x, y);
    }
    return host::write(out, r);
  });
}

Tensor BinaryBackend::unary_op(UnaryOp op, const Spec& out, const Tensor& t) {
  const std::int64_t n = out.size();
  const Type in = t.type();
  if (op == UnaryOp::is_nan || op == UnaryOp::is_infinity) {
    auto v = host::read<cdouble>(t);
    std::vector<std::int64_t> r(static_cast<std::size_t>(n), 0);
    if (is_float(in)) {
      for (std::int64_t i = 0; i < n; ++i) {
        auto z = v[static_cast<std::size_t>(i)];
        r[static_cast<std::size_t>(i)] =
            op == UnaryOp::is_nan ? (std::isnan(z.real()) || std::isnan(z.imag()))
                                  : (std::isinf(z.real()) || std::isinf(z.imag()));
      }
    }
    return host::write(out, r);
  }
  if (is_complex(in)) {
    auto v = host::read<cdouble>(t);
    if (op == UnaryOp::abs || op == UnaryOp::real || op == UnaryOp::imag) {
      std::vector<double> r(static_cast<std::size_t>(n));
      for (std::int64_t i = 0; i < n; ++i) {
        auto z = v[static_cast<std::size_t>(i)];
        r[static_cast<std::size_t>(i)] =
            op == UnaryOp::abs ? std::abs(z) : op == UnaryOp::real ? z.real() : z.imag();
      }
      return host::write(out, r);
    }
    std::vector<cdouble> r(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i)
      r[static_cast<std::size_t>(i)] = unary_complex(op, v[static_cast<std::size_t>(i)]);
    return host::write(out, r);
  }
  if (op == UnaryOp::conjugate) {
    auto v = host::read<cdouble>(t);
    for (auto& z : v) z = std::conj(z);
    return host::write(out, v);
  }
  if (is_integer(out.type) && is_integer(in)) {
    return host::with_compute(in, [&](auto tag) {
      using C = decltype(tag);
      if constexpr (is_int_v<C>) {
        auto v = host::read<C>(t);
        for (auto& x : v) x = unary_int<C>(op, x, in);
        return host::write(out, v);
      } else {
        return Tensor();
      }
    });
  }
  auto v = host::read<double>(t);
  // Integer inputs of the float functions become f32 values first (2.18).
  if (is_integer(in) && out.type == f32)
    for (auto& x : v) x = static_cast<float>(x);
  for (auto& x : v) x = unary_float(op, x);
  return host::write(out, v);
}

Tensor BinaryBackend::clip(const Spec& out, const Tensor& t, const Tensor& min, const Tensor& max) {
  return host::with_compute(out.type, [&](auto tag) {
    using C = decltype(tag);
    if constexpr (std::is_same_v<C, cdouble>) {
      return Tensor();  // complex is rejected by the front end
    } else {
      auto v = host::read_broadcast<C>(t, out.shape);
      C lo = host::read<C>(min)[0], hi = host::read<C>(max)[0];
      for (auto& x : v) {
        C y = x > lo ? x : lo;
        x = y < hi ? y : hi;
      }
      return host::write(out, v);
    }
  });
}

Tensor BinaryBackend::select(const Spec& out, const Tensor& pred, const Tensor& on_true,
                             const Tensor& on_false) {
  auto p = host::read_broadcast<cdouble>(pred, out.shape);
  return host::with_compute(out.type, [&](auto tag) {
    using C = decltype(tag);
    auto vt = host::read_broadcast<C>(on_true, out.shape);
    auto vf = host::read_broadcast<C>(on_false, out.shape);
    for (std::size_t i = 0; i < vt.size(); ++i)
      if (!host::truthy(p[i])) vt[i] = vf[i];
    return host::write(out, vt);
  });
}

}  // namespace nx
