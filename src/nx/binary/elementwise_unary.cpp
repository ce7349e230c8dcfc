// Reference backend: the 37 unary element-wise callbacks, one small struct
// per op in `ops` and a table of the kernels instantiated for them (see
// elementwise.cpp for the element functions on_int / on_float / on_complex).
// abs, real and imag of complex values give a real result
// (complex_to_float); is_nan and is_infinity test each value (test).
#include <bit>
#include <cmath>
#include <limits>

#include "../op_rows.hpp"
#include "binary_backend.hpp"

namespace nx {

using host::cdouble;
using host::is_int_v;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// erf^-1: Giles' single-precision approximation refined by Newton steps on erf.
double inverse_erf(double x) {
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

// Bit pattern of an integer value within the type's width.
std::uint64_t width_bits(std::int64_t v, Type t) {
  std::uint64_t u = static_cast<std::uint64_t>(v);
  return t.bits >= 64 ? u : u & ((std::uint64_t{1} << t.bits) - 1);
}

namespace ops {

// The float functions, the same expression on double and complex<double>.
#define NX_FLOAT_FN(name, expr)                               \
  struct name {                                               \
    static double on_float(double x) { return expr; }         \
    static cdouble on_complex(cdouble x) { return expr; }     \
  };
NX_FLOAT_FN(exp, std::exp(x))
NX_FLOAT_FN(log, std::log(x))
NX_FLOAT_FN(sigmoid, 1.0 / (1.0 + std::exp(-x)))
NX_FLOAT_FN(cos, std::cos(x))
NX_FLOAT_FN(sin, std::sin(x))
NX_FLOAT_FN(tan, std::tan(x))
NX_FLOAT_FN(cosh, std::cosh(x))
NX_FLOAT_FN(sinh, std::sinh(x))
NX_FLOAT_FN(tanh, std::tanh(x))
NX_FLOAT_FN(acos, std::acos(x))
NX_FLOAT_FN(asin, std::asin(x))
NX_FLOAT_FN(atan, std::atan(x))
NX_FLOAT_FN(acosh, std::acosh(x))
NX_FLOAT_FN(asinh, std::asinh(x))
NX_FLOAT_FN(atanh, std::atanh(x))
NX_FLOAT_FN(sqrt, std::sqrt(x))
NX_FLOAT_FN(rsqrt, 1.0 / std::sqrt(x))
#undef NX_FLOAT_FN

struct expm1 {
  static double on_float(double x) { return std::expm1(x); }
  static cdouble on_complex(cdouble z) { return std::exp(z) - 1.0; }
};
struct log1p {
  static double on_float(double x) { return std::log1p(x); }
  static cdouble on_complex(cdouble z) { return std::log(1.0 + z); }
};
struct cbrt {
  static double on_float(double x) { return std::cbrt(x); }
  static cdouble on_complex(cdouble z) { return std::pow(z, 1.0 / 3.0); }
};
struct erf { static double on_float(double x) { return std::erf(x); } };
struct erfc { static double on_float(double x) { return std::erfc(x); } };
struct erf_inv { static double on_float(double x) { return inverse_erf(x); } };
struct abs {
  template <class C> static C on_int(C x, Type) {
    if constexpr (std::is_signed_v<C>) return x < 0 ? host::sub_wrap(C{0}, x) : x;
    return x;
  }
  static double on_float(double x) { return std::fabs(x); }
  static double complex_to_float(cdouble z) { return std::abs(z); }
};
struct bitwise_not { template <class C> static C on_int(C x, Type) { return ~x; } };
struct ceil { static double on_float(double x) { return std::ceil(x); } };
struct conjugate {  // also of real values: the front end asks for a complex result
  static cdouble on_complex(cdouble z) { return std::conj(z); }
};
struct floor { static double on_float(double x) { return std::floor(x); } };
struct negate {
  template <class C> static C on_int(C x, Type) { return host::sub_wrap(C{0}, x); }
  static double on_float(double x) { return -x; }
  static cdouble on_complex(cdouble z) { return -z; }
};
struct round {  // half away from zero; a zero result is +0.0 (Nx rounds to an integer, which has no sign)
  static double on_float(double x) {
    double r = std::round(x);
    return r == 0 ? 0.0 : r;
  }
};
struct sign {
  template <class C> static C on_int(C x, Type) {
    if constexpr (std::is_signed_v<C>) return x > 0 ? 1 : (x < 0 ? -1 : 0);
    return x > 0 ? 1 : 0;
  }
  static double on_float(double x) {
    if (std::isnan(x) || x == 0) return x;
    return x > 0 ? 1.0 : -1.0;
  }
  static cdouble on_complex(cdouble z) {
    double m = std::abs(z);
    return m == 0 ? z : z / m;
  }
};
struct count_leading_zeros {
  template <class C> static C on_int(C x, Type t) {
    return static_cast<C>(std::countl_zero(width_bits(static_cast<std::int64_t>(x), t)) - (64 - t.bits));
  }
};
struct population_count {
  template <class C> static C on_int(C x, Type t) {
    return static_cast<C>(std::popcount(width_bits(static_cast<std::int64_t>(x), t)));
  }
};
struct real { static double complex_to_float(cdouble z) { return z.real(); } };
struct imag { static double complex_to_float(cdouble z) { return z.imag(); } };
struct is_nan { static bool test(cdouble z) { return std::isnan(z.real()) || std::isnan(z.imag()); } };
struct is_infinity { static bool test(cdouble z) { return std::isinf(z.real()) || std::isinf(z.imag()); } };

}  // namespace ops

template <class Op, class C>
Tensor map_values(const Spec& out, const Tensor& t, Type in) {
  auto v = host::read<C>(t);
  for (auto& x : v) {
    if constexpr (is_int_v<C>) x = Op::on_int(x, in);
    else if constexpr (std::is_same_v<C, double>) x = Op::on_float(x);
    else x = Op::on_complex(x);
  }
  return host::write(out, v);
}

// Complex results (complex inputs, and conjugate of real ones), real parts of
// complex inputs, integer results of integer inputs, else double. Undefined:
// a type the front end rejects for the op.
template <class Op>
Tensor unary_kernel(const Spec& out, const Tensor& t) {
  const Type in = t.type();
  if (is_complex(out.type)) {
    if constexpr (requires(cdouble z) { Op::on_complex(z); }) return map_values<Op, cdouble>(out, t, in);
    return Tensor();
  }
  if (is_complex(in)) {
    if constexpr (requires(cdouble z) { Op::complex_to_float(z); }) {
      auto v = host::read<cdouble>(t);
      std::vector<double> r(v.size());
      for (std::size_t i = 0; i < r.size(); ++i) r[i] = Op::complex_to_float(v[i]);
      return host::write(out, r);
    }
    return Tensor();
  }
  if (is_integer(out.type)) {
    if constexpr (requires(std::int64_t x, Type ty) { Op::on_int(x, ty); }) {
      if (in == u64) return map_values<Op, std::uint64_t>(out, t, in);
      if (is_integer(in)) return map_values<Op, std::int64_t>(out, t, in);
    }
    return Tensor();
  }
  if constexpr (requires(double x) { Op::on_float(x); }) {
    // Integer inputs are read as their values (exact below 2^53), as Nx does.
    auto v = host::read<double>(t);
    for (auto& x : v) x = Op::on_float(x);
    return host::write(out, v);
  }
  return Tensor();
}

// is_nan / is_infinity: false for every integer.
template <class Op>
Tensor classify(const Spec& out, const Tensor& t) {
  std::vector<std::int64_t> r(static_cast<std::size_t>(out.size()), 0);
  if (is_float(t.type())) {
    auto v = host::read<cdouble>(t);
    for (std::size_t i = 0; i < r.size(); ++i) r[i] = Op::test(v[i]);
  }
  return host::write(out, r);
}

struct UnaryRow {
  UnaryOp op;
  Tensor (*run)(const Spec&, const Tensor&);
};

constexpr UnaryRow kUnary[] = {
    {UnaryOp::exp, unary_kernel<ops::exp>},
    {UnaryOp::expm1, unary_kernel<ops::expm1>},
    {UnaryOp::log, unary_kernel<ops::log>},
    {UnaryOp::log1p, unary_kernel<ops::log1p>},
    {UnaryOp::sigmoid, unary_kernel<ops::sigmoid>},
    {UnaryOp::cos, unary_kernel<ops::cos>},
    {UnaryOp::sin, unary_kernel<ops::sin>},
    {UnaryOp::tan, unary_kernel<ops::tan>},
    {UnaryOp::cosh, unary_kernel<ops::cosh>},
    {UnaryOp::sinh, unary_kernel<ops::sinh>},
    {UnaryOp::tanh, unary_kernel<ops::tanh>},
    {UnaryOp::acos, unary_kernel<ops::acos>},
    {UnaryOp::asin, unary_kernel<ops::asin>},
    {UnaryOp::atan, unary_kernel<ops::atan>},
    {UnaryOp::acosh, unary_kernel<ops::acosh>},
    {UnaryOp::asinh, unary_kernel<ops::asinh>},
    {UnaryOp::atanh, unary_kernel<ops::atanh>},
    {UnaryOp::sqrt, unary_kernel<ops::sqrt>},
    {UnaryOp::rsqrt, unary_kernel<ops::rsqrt>},
    {UnaryOp::cbrt, unary_kernel<ops::cbrt>},
    {UnaryOp::erf, unary_kernel<ops::erf>},
    {UnaryOp::erfc, unary_kernel<ops::erfc>},
    {UnaryOp::erf_inv, unary_kernel<ops::erf_inv>},
    {UnaryOp::abs, unary_kernel<ops::abs>},
    {UnaryOp::bitwise_not, unary_kernel<ops::bitwise_not>},
    {UnaryOp::ceil, unary_kernel<ops::ceil>},
    {UnaryOp::conjugate, unary_kernel<ops::conjugate>},
    {UnaryOp::floor, unary_kernel<ops::floor>},
    {UnaryOp::negate, unary_kernel<ops::negate>},
    {UnaryOp::round, unary_kernel<ops::round>},
    {UnaryOp::sign, unary_kernel<ops::sign>},
    {UnaryOp::count_leading_zeros, unary_kernel<ops::count_leading_zeros>},
    {UnaryOp::population_count, unary_kernel<ops::population_count>},
    {UnaryOp::real, unary_kernel<ops::real>},
    {UnaryOp::imag, unary_kernel<ops::imag>},
    {UnaryOp::is_nan, classify<ops::is_nan>},
    {UnaryOp::is_infinity, classify<ops::is_infinity>},
};
static_assert(op_table::in_op_order(kUnary), "one unary row per op, in UnaryOp order");

}  // namespace

Tensor BinaryBackend::unary_op(UnaryOp op, const Spec& out, const Tensor& t) {
  Tensor r = kUnary[op_table::index(op)].run(out, t);
  if (!r.defined())
    throw UnsupportedError(name() + " backend: " + std::string(op_name(op)) + " does not take " + to_string(t.type()));
  return r;
}

}  // namespace nx
