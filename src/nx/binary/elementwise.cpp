// Reference backend: the 24 binary element-wise callbacks (the 37 unary ones
// are in elementwise_unary.cpp), clip and select.
//
// Each op is a small struct in `ops` with one element function per compute
// type it takes: on_int (int64/uint64), on_float (double), on_complex
// (complex<double>), and complex_to_float for abs/real/imag of complex
// values. A table maps each op, by index, to the loop kernel instantiated
// for its struct, so the loops carry no per-element switch. A compute type
// an op has no function for is one the front end rejects for that op (or
// answers itself, like ceil of an integer).
//
// Conventions where the reference raises (documented in docs/backends.md):
//   integer quotient by zero -> -1 (all bits set); remainder by zero -> the dividend;
//   integer pow with a negative exponent -> 1 for base 1, +-1 for base -1, else 0;
//   shift counts outside [0, bits) -> left: 0; right: 0 or -1 (sign fill);
//   float domain errors follow IEEE (x/0 = +-Inf, sqrt(-1) = NaN, ...).
// Where Nx's answer at a non-finite or signed-zero edge is a rule (a finite
// value over +-Inf is +0.0, min/max keep the first operand on a tie) the
// kernels follow it; the choices are listed in docs/backends.md.
//
// Operands are read as the compute type of the output, which holds each
// operand's value exactly, except u64 against a signed type (output s64):
// there the ops whose answer depends on more than the value modulo 2^64
// (min, max, quotient, remainder, right_shift) compute on the operands' own
// values in 128 bits and wrap the answer once, as Nx does.
#include <cmath>
#include <limits>

#include "../op_rows.hpp"
#include "binary_backend.hpp"

namespace nx {

using host::cdouble;
using host::is_int_v;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

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

// NaN wins; on a tie (-0.0 against 0.0) the first operand is kept, as Nx's
// min/max (Erlang's) do.
double nan_min(double a, double b) { return (std::isnan(a) || std::isnan(b)) ? kNaN : (b < a ? b : a); }
double nan_max(double a, double b) { return (std::isnan(a) || std::isnan(b)) ? kNaN : (b > a ? b : a); }

namespace ops {

struct add {
  template <class C> static C on_int(C a, C b, Type) { return host::add_wrap(a, b); }
  static double on_float(double a, double b) { return a + b; }
  static cdouble on_complex(cdouble a, cdouble b) { return a + b; }
};
struct subtract {
  template <class C> static C on_int(C a, C b, Type) { return host::sub_wrap(a, b); }
  static double on_float(double a, double b) { return a - b; }
  static cdouble on_complex(cdouble a, cdouble b) { return a - b; }
};
struct multiply {
  template <class C> static C on_int(C a, C b, Type) { return host::mul_wrap(a, b); }
  static double on_float(double a, double b) { return a * b; }
  static cdouble on_complex(cdouble a, cdouble b) { return a * b; }
};
struct pow {
  template <class C> static C on_int(C a, C b, Type) { return int_pow(a, b); }
  static double on_float(double a, double b) { return std::pow(a, b); }
  static cdouble on_complex(cdouble a, cdouble b) { return std::pow(a, b); }
};
struct remainder {
  template <class C> static C on_int(C a, C b, Type) {
    if (b == 0) return a;
    if constexpr (std::is_signed_v<C>) {
      if (b == -1) return 0;  // INT_MIN % -1 traps
    }
    return a % b;
  }
  static double on_float(double a, double b) { return std::fmod(a, b); }
  static __int128 on_exact(__int128 a, __int128 b, Type) { return b == 0 ? a : a % b; }
};
struct divide {  // integers never reach it: the result type is a float
  // A finite value over +-Inf is +0.0 in Nx, whatever the signs.
  static double on_float(double a, double b) { return std::isinf(b) && std::isfinite(a) ? 0.0 : a / b; }
  // Likewise a finite complex value over +-Inf + 0i is 0 + 0i.
  static cdouble on_complex(cdouble a, cdouble b) {
    const bool finite = std::isfinite(a.real()) && std::isfinite(a.imag());
    return finite && std::isinf(b.real()) && b.imag() == 0 ? cdouble{} : a / b;
  }
};
struct atan2 {
  static double on_float(double a, double b) { return std::atan2(a, b); }
  static cdouble on_complex(cdouble, cdouble) { return {kNaN, kNaN}; }  // no complex atan2
};
struct min {
  template <class C> static C on_int(C a, C b, Type) { return a < b ? a : b; }
  static double on_float(double a, double b) { return nan_min(a, b); }
  static __int128 on_exact(__int128 a, __int128 b, Type) { return a < b ? a : b; }
};
struct max {
  template <class C> static C on_int(C a, C b, Type) { return a > b ? a : b; }
  static double on_float(double a, double b) { return nan_max(a, b); }
  static __int128 on_exact(__int128 a, __int128 b, Type) { return a > b ? a : b; }
};
struct quotient {
  template <class C> static C on_int(C a, C b, Type) {
    if (b == 0) return static_cast<C>(-1);
    if constexpr (std::is_signed_v<C>) {
      if (b == -1) return host::sub_wrap(C{0}, a);  // INT_MIN / -1 wraps
    }
    return a / b;
  }
  static __int128 on_exact(__int128 a, __int128 b, Type) { return b == 0 ? -1 : a / b; }
};
struct bitwise_and { template <class C> static C on_int(C a, C b, Type) { return a & b; } };
struct bitwise_or { template <class C> static C on_int(C a, C b, Type) { return a | b; } };
struct bitwise_xor { template <class C> static C on_int(C a, C b, Type) { return a ^ b; } };
struct left_shift {
  template <class C> static C on_int(C a, C b, Type t) {
    if (b < 0 || b >= static_cast<C>(t.bits)) return 0;
    return static_cast<C>(static_cast<std::uint64_t>(a) << static_cast<int>(b));
  }
};
struct right_shift {
  template <class C> static C on_int(C a, C b, Type t) {
    if (b < 0 || b >= static_cast<C>(t.bits)) {
      if constexpr (std::is_signed_v<C>) return (is_signed_int(t) && a < 0) ? -1 : 0;
      return 0;
    }
    return a >> static_cast<int>(b);  // arithmetic for negative signed values
  }
  static __int128 on_exact(__int128 a, __int128 b, Type t) {
    if (b < 0 || b >= t.bits) return a < 0 ? -1 : 0;
    return a >> static_cast<int>(b);
  }
};

// Comparisons: `holds` reads the order of a and b (-1, 0, 1); a NaN operand
// makes every comparison false except not_equal. On complex values the
// equality ops compare both parts.
struct equal { static constexpr bool equality = true; static bool holds(int o) { return o == 0; } };
struct not_equal { static constexpr bool equality = true; static bool holds(int o) { return o != 0; } };
struct greater { static constexpr bool equality = false; static bool holds(int o) { return o > 0; } };
struct less { static constexpr bool equality = false; static bool holds(int o) { return o < 0; } };
struct greater_equal { static constexpr bool equality = false; static bool holds(int o) { return o >= 0; } };
struct less_equal { static constexpr bool equality = false; static bool holds(int o) { return o <= 0; } };

struct logical_and { static bool holds(bool x, bool y) { return x && y; } };
struct logical_or { static bool holds(bool x, bool y) { return x || y; } };
struct logical_xor { static bool holds(bool x, bool y) { return x != y; } };

}  // namespace ops

// Whether op struct Op has an element function for compute type C.
template <class Op, class C>
constexpr bool takes = (is_int_v<C> && requires(C x, Type t) { Op::on_int(x, x, t); }) ||
                        (std::is_same_v<C, double> && requires(double x) { Op::on_float(x, x); }) ||
                        (std::is_same_v<C, cdouble> && requires(cdouble x) { Op::on_complex(x, x); });

template <class Op, class C>
C apply(C a, C b, Type t) {
  if constexpr (is_int_v<C>) return Op::on_int(a, b, t);
  else if constexpr (std::is_same_v<C, double>) return Op::on_float(a, b);
  else return Op::on_complex(a, b);
}

// An operand's values as exact 128-bit integers.
std::vector<__int128> read_int128(const Tensor& t, const Shape& shape) {
  return host::with_compute(t.type(), [&](auto tag) {
    using C = decltype(tag);
    std::vector<__int128> out;
    if constexpr (is_int_v<C>) {
      auto v = host::read_broadcast<C>(t, shape);
      out.assign(v.begin(), v.end());
    }
    return out;
  });
}

// u64 against a signed operand, for an op whose answer is not determined by
// the values modulo 2^64: computed on the values, wrapped once.
template <class Op>
Tensor exact_integers(const Spec& out, const Tensor& a, const Tensor& b) {
  auto va = read_int128(a, out.shape), vb = read_int128(b, out.shape);
  std::vector<std::int64_t> r(va.size());
  for (std::size_t i = 0; i < r.size(); ++i) r[i] = element::wrap_int(Op::on_exact(va[i], vb[i], out.type), out.type);
  return host::write(out, r);
}

bool mixed_sign_64(const Spec& out, const Tensor& a, const Tensor& b) {
  return is_signed_int(out.type) && (a.type() == u64 || b.type() == u64);
}

// Arithmetic in the compute type of the output. Undefined: a type the front
// end rejects for the op.
template <class Op>
Tensor arithmetic(const Spec& out, const Tensor& a, const Tensor& b) {
  if constexpr (requires(__int128 x, Type t) { Op::on_exact(x, x, t); }) {
    if (mixed_sign_64(out, a, b)) return exact_integers<Op>(out, a, b);
  }
  return host::with_compute(out.type, [&](auto tag) {
    using C = decltype(tag);
    if constexpr (takes<Op, C>) {
      auto va = host::read_broadcast<C>(a, out.shape);
      auto vb = host::read_broadcast<C>(b, out.shape);
      for (std::size_t i = 0; i < va.size(); ++i) va[i] = apply<Op>(va[i], vb[i], out.type);
      return host::write(out, va);
    } else {
      return Tensor();
    }
  });
}

// A real value held exactly: integers (including all of u64) as __int128,
// floats as double. Values of different types compare by value.
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

// NaN is unordered: only an op that holds for both orders (not_equal) holds.
template <class Op>
bool holds(const Exact& a, const Exact& b) {
  if ((!a.is_int && std::isnan(a.f)) || (!b.is_int && std::isnan(b.f))) return Op::holds(1) && Op::holds(-1);
  return Op::holds(order(a, b));
}

template <class Op>
Tensor comparison(const Spec& out, const Tensor& a, const Tensor& b) {
  std::vector<std::int64_t> r(static_cast<std::size_t>(out.size()));
  if constexpr (Op::equality) {  // the orderings take no complex operand
    if (is_complex(a.type()) || is_complex(b.type())) {
      auto va = host::read_broadcast<cdouble>(a, out.shape), vb = host::read_broadcast<cdouble>(b, out.shape);
      for (std::size_t i = 0; i < r.size(); ++i) r[i] = (va[i] == vb[i]) == Op::holds(0);
      return host::write(out, r);
    }
  }
  auto va = read_exact(a, out.shape), vb = read_exact(b, out.shape);
  for (std::size_t i = 0; i < r.size(); ++i) r[i] = holds<Op>(va[i], vb[i]);
  return host::write(out, r);
}

template <class Op>
Tensor logical(const Spec& out, const Tensor& a, const Tensor& b) {
  auto va = host::read_broadcast<cdouble>(a, out.shape);
  auto vb = host::read_broadcast<cdouble>(b, out.shape);
  std::vector<std::int64_t> r(va.size());
  for (std::size_t i = 0; i < r.size(); ++i) r[i] = Op::holds(host::truthy(va[i]), host::truthy(vb[i]));
  return host::write(out, r);
}

struct BinaryRow {
  BinaryOp op;
  Tensor (*run)(const Spec&, const Tensor&, const Tensor&);
};

constexpr BinaryRow kBinary[] = {
    {BinaryOp::add, arithmetic<ops::add>},
    {BinaryOp::subtract, arithmetic<ops::subtract>},
    {BinaryOp::multiply, arithmetic<ops::multiply>},
    {BinaryOp::pow, arithmetic<ops::pow>},
    {BinaryOp::remainder, arithmetic<ops::remainder>},
    {BinaryOp::divide, arithmetic<ops::divide>},
    {BinaryOp::atan2, arithmetic<ops::atan2>},
    {BinaryOp::min, arithmetic<ops::min>},
    {BinaryOp::max, arithmetic<ops::max>},
    {BinaryOp::quotient, arithmetic<ops::quotient>},
    {BinaryOp::bitwise_and, arithmetic<ops::bitwise_and>},
    {BinaryOp::bitwise_or, arithmetic<ops::bitwise_or>},
    {BinaryOp::bitwise_xor, arithmetic<ops::bitwise_xor>},
    {BinaryOp::left_shift, arithmetic<ops::left_shift>},
    {BinaryOp::right_shift, arithmetic<ops::right_shift>},
    {BinaryOp::equal, comparison<ops::equal>},
    {BinaryOp::not_equal, comparison<ops::not_equal>},
    {BinaryOp::greater, comparison<ops::greater>},
    {BinaryOp::less, comparison<ops::less>},
    {BinaryOp::greater_equal, comparison<ops::greater_equal>},
    {BinaryOp::less_equal, comparison<ops::less_equal>},
    {BinaryOp::logical_and, logical<ops::logical_and>},
    {BinaryOp::logical_or, logical<ops::logical_or>},
    {BinaryOp::logical_xor, logical<ops::logical_xor>},
};
static_assert(op_table::in_op_order(kBinary), "one binary row per op, in BinaryOp order");

}  // namespace

// A kernel returns an undefined tensor for a type the front end rejects for
// its op: only a direct call of the callback gets here.
Tensor BinaryBackend::binary_op(BinaryOp op, const Spec& out, const Tensor& a, const Tensor& b) {
  Tensor r = kBinary[op_table::index(op)].run(out, a, b);
  if (!r.defined())
    throw UnsupportedError(name() + " backend: " + std::string(op_name(op)) + " does not take " + to_string(out.type));
  return r;
}

// Nx's clip: y = x > min ? x : min, then y < max ? y : max (NaN -> min).
template <class V>
void clip_values(std::vector<V>& v, V lo, V hi) {
  for (auto& x : v) {
    V y = x > lo ? x : lo;
    x = y < hi ? y : hi;
  }
}

Tensor BinaryBackend::clip(const Spec& out, const Tensor& t, const Tensor& min, const Tensor& max) {
  if (is_signed_int(out.type) && (t.type() == u64 || min.type() == u64 || max.type() == u64)) {
    auto v = read_int128(t, out.shape);  // compared by value, wrapped once
    clip_values(v, read_int128(min, {})[0], read_int128(max, {})[0]);
    std::vector<std::int64_t> r(v.size());
    for (std::size_t i = 0; i < r.size(); ++i) r[i] = element::wrap_int(v[i], out.type);
    return host::write(out, r);
  }
  return host::with_compute(out.type, [&](auto tag) {
    using C = decltype(tag);
    if constexpr (std::is_same_v<C, cdouble>) {
      return Tensor();  // complex is rejected by the front end
    } else {
      auto v = host::read_broadcast<C>(t, out.shape);
      clip_values(v, host::read<C>(min)[0], host::read<C>(max)[0]);
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
