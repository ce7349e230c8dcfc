// Hand-valued tests of the 37 unary element-wise callbacks, as_type, bitcast,
// constant, iota and eye on every backend (Nx's storage rules and per-op
// semantics, values printed by Nx's doctests); the binary callbacks are in
// elementwise_test.cpp.
#include <bit>

#include "elementwise_test_util.hpp"

namespace {

using namespace test::ew;
using nx::Tensor;
using nx::Type;
using test::expect_floats;
using test::expect_ints;

class ElementwiseUnary : public ElementwiseBase {};


// ---------------------------------------------------------------- unary math

TEST_P(ElementwiseUnary, UnaryMathValuesAndTypes) {
  auto x = T({0.5, 1.0, 2.0});
  const std::vector<double> v = {0.5, 1.0, 2.0};
  auto map = [&](double (*f)(double)) {
    std::vector<double> r;
    for (double e : v) r.push_back(f(e));
    return r;
  };
  test::expect_close(nx::exp(x), nx::f32, {3}, map(std::exp));
  test::expect_close(nx::expm1(x), nx::f32, {3}, map(std::expm1));
  test::expect_close(nx::log(x), nx::f32, {3}, map(std::log));
  test::expect_close(nx::log1p(x), nx::f32, {3}, map(std::log1p));
  test::expect_close(nx::sigmoid(x), nx::f32, {3}, {1 / (1 + std::exp(-0.5)), 1 / (1 + std::exp(-1.0)), 1 / (1 + std::exp(-2.0))});
  test::expect_close(nx::cos(x), nx::f32, {3}, map(std::cos));
  test::expect_close(nx::sin(x), nx::f32, {3}, map(std::sin));
  test::expect_close(nx::tan(x), nx::f32, {3}, map(std::tan));
  test::expect_close(nx::cosh(x), nx::f32, {3}, map(std::cosh));
  test::expect_close(nx::sinh(x), nx::f32, {3}, map(std::sinh));
  test::expect_close(nx::tanh(x), nx::f32, {3}, map(std::tanh));
  test::expect_close(nx::atan(x), nx::f32, {3}, map(std::atan));
  test::expect_close(nx::asinh(x), nx::f32, {3}, map(std::asinh));
  test::expect_close(nx::sqrt(x), nx::f32, {3}, map(std::sqrt));
  test::expect_close(nx::rsqrt(x), nx::f32, {3}, {1 / std::sqrt(0.5), 1.0, 1 / std::sqrt(2.0)});
  test::expect_close(nx::cbrt(x), nx::f32, {3}, map(std::cbrt));
  test::expect_close(nx::erf(x), nx::f32, {3}, map(std::erf));
  test::expect_close(nx::erfc(x), nx::f32, {3}, map(std::erfc));
  auto u = T({-0.5, 0.25, 0.75});
  test::expect_close(nx::acos(u), nx::f32, {3}, {std::acos(-0.5), std::acos(0.25), std::acos(0.75)});
  test::expect_close(nx::asin(u), nx::f32, {3}, {std::asin(-0.5), std::asin(0.25), std::asin(0.75)});
  test::expect_close(nx::atanh(u), nx::f32, {3}, {std::atanh(-0.5), std::atanh(0.25), std::atanh(0.75)});
  test::expect_close(nx::erf_inv(u), nx::f32, {3}, {-0.4769362762044699, 0.2253120550121781, 0.8134198475976185});
  test::expect_close(nx::acosh(T({1.0, 2.0, 10.0})), nx::f32, {3}, {0.0, std::acosh(2.0), std::acosh(10.0)});
  // integer inputs give f32; f64 stays f64 at full precision; f16 and bf16 stay
  test::expect_close(nx::exp(T({0, 1, 2}, nx::s64)), nx::f32, {3}, {1.0, std::exp(1.0), std::exp(2.0)});
  test::expect_close(nx::sqrt(T({4}, nx::u8)), nx::f32, {1}, {2.0});
  // the function of the integer's value (2^24 + 1 is not an f32), as Nx computes it
  test::expect_close(nx::cos(T({16777217})), nx::f32, {1}, {std::cos(16777217.0)}, 1e-6, 1e-7);
  test::expect_close(nx::log(T({16777217})), nx::f32, {1}, {std::log(16777217.0)}, 1e-7, 0);
  test::expect_close(nx::sin(T({1.0}, nx::f64)), nx::f64, {1}, {std::sin(1.0)}, 1e-15, 0);
  test::expect_close(nx::erf(T({0.3}, nx::f64)), nx::f64, {1}, {std::erf(0.3)}, 1e-15, 0);
  test::expect_close(nx::erfc(T({3.0}, nx::f64)), nx::f64, {1}, {std::erfc(3.0)}, 1e-13, 0);
  test::expect_close(nx::log(T({2.0}, nx::f16)), nx::f16, {1}, {std::log(2.0)}, 1e-3, 0);
  test::expect_close(nx::exp(T({1.0}, nx::bf16)), nx::bf16, {1}, {std::exp(1.0)}, 1e-2, 0);
  test::expect_close(nx::erf_inv(T({0.1}, nx::f64)), nx::f64, {1}, {0.0888559904942577}, 1e-7, 0);
}

TEST_P(ElementwiseUnary, UnaryMathDomainEdges) {
  expect_floats(nx::log(T({0.0, -1.0, inf})), nx::f32, {3}, {-inf, nan_v, inf});
  expect_floats(nx::sqrt(T({-1.0, inf, 0.0})), nx::f32, {3}, {nan_v, inf, 0.0});
  expect_signbits(nx::sqrt(T({-0.0})), {true});
  expect_floats(nx::rsqrt(T({0.0})), nx::f32, {1}, {inf});
  expect_floats(nx::acos(T({2.0})), nx::f32, {1}, {nan_v});
  expect_floats(nx::erf_inv(T({1.0, -1.0, 0.0, 2.0, -1.5})), nx::f32, {5}, {inf, -inf, 0.0, nan_v, nan_v});
  expect_floats(nx::erf_inv(T({1.0, -1.0}, nx::f64)), nx::f64, {2}, {inf, -inf});
  expect_floats(nx::cbrt(T({-8.0, 27.0, -0.0, -inf})), nx::f32, {4}, {-2.0, 3.0, -0.0, -inf});
  expect_floats(nx::cbrt(T({-125.0}, nx::f64)), nx::f64, {1}, {-5.0});
  test::expect_close(nx::cbrt(T({1e-300, 2.0}, nx::f64)), nx::f64, {2}, {std::cbrt(1e-300), std::cbrt(2.0)}, 1e-15, 0);
  expect_floats(nx::exp(T({-inf, inf, nan_v})), nx::f32, {3}, {0.0, inf, nan_v});
  expect_floats(nx::tanh(T({-inf, inf})), nx::f32, {2}, {-1.0, 1.0});
  expect_floats(nx::sigmoid(T({-inf, inf})), nx::f32, {2}, {0.0, 1.0});
  expect_floats(nx::erf(T({-inf, inf})), nx::f32, {2}, {-1.0, 1.0});
  expect_floats(nx::erfc(T({-inf, inf})), nx::f32, {2}, {2.0, 0.0});
  expect_floats(nx::log1p(T({-1.0, -2.0})), nx::f32, {2}, {-inf, nan_v});
  expect_floats(nx::atanh(T({1.0, -1.0})), nx::f32, {2}, {inf, -inf});
  expect_floats(nx::sin(S(0.0)), nx::f32, {}, {0.0});
  // signed zeros survive odd functions
  expect_signbits(nx::sin(T({-0.0, 0.0})), {true, false});
  expect_signbits(nx::cbrt(T({-0.0, 0.0})), {true, false});
  expect_signbits(nx::erf(T({-0.0, 0.0})), {true, false});
  expect_signbits(nx::tanh(T({-0.0})), {true});
  // the edges of the f32 range: exp is finite up to 88.72 and has subnormal
  // results down to e^-103.9 on the reference and Emily's CPU kernel; MLX's
  // own CPU exp (Emily's CPU kernels off) overflows above 88.0 and flushes
  // results below e^-87.3 to zero (docs/backends.md). Inside [-87, 88] all
  // agree.
  test::expect_close(nx::exp(T({80.5, -80.5, 87.9, -87.0})), nx::f32, {4},
                     {std::exp(80.5), std::exp(-80.5), std::exp(87.9), std::exp(-87.0)}, 1e-5, 0);
  const bool mlx_cpu_exp = GetParam() == "emily_cpu" && !emily::cpu_kernels_enabled();
  if (GetParam() == "binary" || (GetParam() == "emily_cpu" && !mlx_cpu_exp)) {
    test::expect_close(nx::exp(T({88.5, -100.0})), nx::f32, {2}, {std::exp(88.5), static_cast<float>(std::exp(-100.0))},
                       1e-5, 0);
    test::expect_close(nx::sigmoid(T({-90.0})), nx::f32, {1}, {static_cast<float>(std::exp(-90.0))}, 1e-4, 0);
  } else if (mlx_cpu_exp) {  // its CUDA kernel has the full range
    expect_floats(nx::exp(T({88.5, -100.0})), nx::f32, {2}, {inf, 0.0});
  }
  test::expect_close(nx::sigmoid(T({-85.0})), nx::f32, {1}, {1 / (1 + std::exp(85.0))}, 1e-4, 0);
  test::expect_close(nx::erfc(T({7.0})), nx::f32, {1}, {std::erfc(7.0)}, 1e-3, 0);
  if (GetParam() == "binary")  // a subnormal f32 result (MLX's exp flushes it to 0)
    test::expect_close(nx::erfc(T({9.5})), nx::f32, {1}, {static_cast<float>(std::erfc(9.5))}, 1e-3, 0);
  // erf keeps full relative accuracy for small arguments
  test::expect_close(nx::erf(T({1e-20, 1e-3, -0.25, 0.49})), nx::f32, {4},
                     {std::erf(1e-20), std::erf(1e-3), std::erf(-0.25), std::erf(0.49)}, 1e-6, 0);
  for (auto op : {nx::UnaryOp::erf, nx::UnaryOp::erfc, nx::UnaryOp::erf_inv})
    EXPECT_THROW(nx::unary(op, T({cd(1, 1)})), nx::ArgumentError) << nx::op_name(op);
}

TEST_P(ElementwiseUnary, ComplexUnaryMath) {
  auto z = T({cd(1, 1), cd(-2, 0.5)});
  auto map = [&](cd (*f)(const cd&)) { return std::vector<cd>{f(cd(1, 1)), f(cd(-2, 0.5))}; };
  expect_complex(nx::exp(z), nx::c64, {2}, map(std::exp), 1e-6);
  expect_complex(nx::log(z), nx::c64, {2}, map(std::log), 1e-6);
  expect_complex(nx::sqrt(z), nx::c64, {2}, map(std::sqrt), 1e-6);
  expect_complex(nx::sin(z), nx::c64, {2}, map(std::sin), 1e-6);
  expect_complex(nx::cos(z), nx::c64, {2}, map(std::cos), 1e-6);
  expect_complex(nx::tanh(z), nx::c64, {2}, map(std::tanh), 1e-6);
  expect_complex(nx::expm1(z), nx::c64, {2}, {std::exp(cd(1, 1)) - 1.0, std::exp(cd(-2, 0.5)) - 1.0}, 1e-6);
  expect_complex(nx::sigmoid(z), nx::c64, {2},
                 {1.0 / (1.0 + std::exp(-cd(1, 1))), 1.0 / (1.0 + std::exp(-cd(-2, 0.5)))}, 1e-6);
  expect_complex(nx::negate(z), nx::c64, {2}, {cd(-1, -1), cd(2, -0.5)});
  test::expect_close(nx::abs(T({cd(3, 4), cd(0, -2)})), nx::f32, {2}, {5.0, 2.0});
}

// ---------------------------------------------------------------- abs / negate / sign

TEST_P(ElementwiseUnary, AbsNegateSign) {
  expect_ints(nx::sign(T({-2, -1, 0, 1, 2})), nx::s32, {5}, {-1, -1, 0, 1, 1});
  expect_ints(nx::abs(T({-2, -1, 0, 1, 2})), nx::s32, {5}, {2, 1, 0, 1, 2});
  expect_ints(nx::negate(T({0, 1, 2}, nx::u8)), nx::u8, {3}, {0, 255, 254});
  expect_ints(nx::negate(T({-128, 127}, nx::s8)), nx::s8, {2}, {-128, -127});
  expect_ints(nx::abs(T({-128, -127}, nx::s8)), nx::s8, {2}, {-128, 127});
  expect_ints(nx::abs(T({std::numeric_limits<std::int64_t>::min()}, nx::s64)), nx::s64, {1},
              {std::numeric_limits<std::int64_t>::min()});
  auto u = T({0, 7}, nx::u8);
  expect_ints(nx::abs(u), nx::u8, {2}, {0, 7});
  expect_ints(nx::sign(T({0, 7}, nx::u16)), nx::u16, {2}, {0, 1});
  EXPECT_EQ(nx::to_flat_list<std::uint64_t>(nx::negate(T({1}, nx::u64)))[0], std::numeric_limits<std::uint64_t>::max());
  auto f = T({-0.0, 0.0, -inf, inf, nan_v, -3.5});
  expect_floats(nx::sign(f), nx::f32, {6}, {-0.0, 0.0, -1.0, 1.0, nan_v, -1.0});
  auto signed_values = T({-0.0, 0.0, -inf, -3.5});
  expect_signbits(nx::sign(signed_values), {true, false, true, true});
  expect_floats(nx::abs(f), nx::f32, {6}, {0.0, 0.0, inf, inf, nan_v, 3.5});
  expect_signbits(nx::abs(signed_values), {false, false, false, false});
  expect_floats(nx::negate(T({0.0, -1.5})), nx::f32, {2}, {-0.0, 1.5});
  expect_signbits(nx::negate(T({0.0})), {true});
  expect_floats(nx::sign(T({-2.5}, nx::f64)), nx::f64, {1}, {-1.0});
  expect_complex(nx::sign(T({cd(3, 4), cd(0, 0)})), nx::c64, {2}, {cd(0.6, 0.8), cd(0, 0)}, 1e-6);
}

TEST_P(ElementwiseUnary, ComplexSignOfTinyAndHugeParts) {
  // Parts of 24 and 21 times the smallest subnormal f32 (2^-149): |z| is
  // 31.89 such units, not representable in f32 itself, and
  // sign = (24, 21) / sqrt(1017).
  const double u = std::ldexp(1.0, -149);
  auto tiny = T({cd(24 * u, 21 * u), cd(-24 * u, 0), cd(0, -u)}, nx::c64);
  const double r = std::sqrt(1017.0);
  expect_complex(nx::sign(tiny), nx::c64, {3}, {cd(24 / r, 21 / r), cd(-1, 0), cd(0, -1)}, 1e-6);
  // Parts near the f32 maximum (2^128): |z| = 2^127 * sqrt(1.75^2 + 1) is
  // beyond it, yet sign = (1.75, 1) / sqrt(4.0625).
  const double big = std::ldexp(1.0, 127);
  auto huge = T({cd(1.75 * big, big), cd(-1.5 * big, -1.5 * big)}, nx::c64);
  const double h = std::sqrt(4.0625);
  expect_complex(nx::sign(huge), nx::c64, {2}, {cd(1.75 / h, 1 / h), cd(-M_SQRT1_2, -M_SQRT1_2)}, 1e-6);
}

// ---------------------------------------------------------------- bit counting

TEST_P(ElementwiseUnary, BitCounting) {
  expect_ints(nx::population_count(S(-128)), nx::s32, {}, {25});
  expect_ints(nx::population_count(T({0, 1, 126, 127, -1, -127, -128}, nx::s8)), nx::s8, {7}, {0, 1, 6, 7, 8, 2, 1});
  expect_ints(nx::population_count(T({-1}, nx::s64)), nx::s64, {1}, {64});
  expect_ints(nx::population_count(T({0xFFFF, 0x8001}, nx::u16)), nx::u16, {2}, {16, 2});
  expect_ints(nx::population_count(T({-1}, nx::u64)), nx::u64, {1}, {64});
  expect_ints(nx::count_leading_zeros(S(1)), nx::s32, {}, {31});
  expect_ints(nx::count_leading_zeros(S(-1)), nx::s32, {}, {0});
  expect_ints(nx::count_leading_zeros(T({0, 0xF, 0xFF, 0xFFFF})), nx::s32, {4}, {32, 28, 24, 16});
  expect_ints(nx::count_leading_zeros(T({0, 0xF, 0xFF, 0xFFFF}, nx::s16)), nx::s16, {4}, {16, 12, 8, 0});
  expect_ints(nx::count_leading_zeros(T({0, 1, 2, 4, 8, 16, 32, 64, 128}, nx::u8)), nx::u8, {9},
              {8, 7, 6, 5, 4, 3, 2, 1, 0});
  expect_ints(nx::count_leading_zeros(T({0, 1, -1}, nx::s64)), nx::s64, {3}, {64, 63, 0});
  expect_ints(nx::count_leading_zeros(T({1ULL << 40}, nx::u64)), nx::u64, {1}, {23});
  for (auto op : {nx::UnaryOp::bitwise_not, nx::UnaryOp::population_count, nx::UnaryOp::count_leading_zeros}) {
    EXPECT_THROW(nx::unary(op, T({1.0})), nx::ArgumentError) << nx::op_name(op);
    EXPECT_THROW(nx::unary(op, T({cd(1, 0)})), nx::ArgumentError) << nx::op_name(op);
  }
}

TEST_P(ElementwiseUnary, BitwiseNot) {
  expect_ints(nx::bitwise_not(T({-1, 0, 1}, nx::s8)), nx::s8, {3}, {0, -1, -2});
  expect_ints(nx::bitwise_not(T({0, 1, 254, 255}, nx::u8)), nx::u8, {4}, {255, 254, 1, 0});
  expect_ints(nx::bitwise_not(T({0}, nx::u32)), nx::u32, {1}, {4294967295LL});
  expect_ints(nx::bitwise_not(T({5}, nx::s64)), nx::s64, {1}, {-6});
}

// ---------------------------------------------------------------- rounding

TEST_P(ElementwiseUnary, FloorCeilRound) {
  auto x = T({-1.5, -0.5, 0.5, 1.5});
  expect_floats(nx::floor(x), nx::f32, {4}, {-2, -1, 0, 1});
  expect_floats(nx::ceil(x), nx::f32, {4}, {-1, -0.0, 1, 2});
  expect_signbits(nx::ceil(x), {true, true, false, false});
  expect_floats(nx::round(x), nx::f32, {4}, {-2, -1, 1, 2});
  auto i = T({-1, 0, 1});
  for (auto op : {nx::UnaryOp::floor, nx::UnaryOp::ceil, nx::UnaryOp::round})
    expect_ints(nx::unary(op, i), nx::s32, {3}, {-1, 0, 1});
  // half away from zero, not half to even
  expect_floats(nx::round(T({2.5, -2.5, 0.49999997f, 3.5, -0.4, 1e30})), nx::f32, {6},
                {3, -3, 0, 4, -0.0, static_cast<float>(1e30)});
  expect_signbits(nx::round(T({-0.4, -0.0, -0.6})), {false, false, true});  // a zero result is +0.0 in Nx
  expect_floats(nx::round(T({0.49999999999999994, 2.5, 4503599627370497.0}, nx::f64)), nx::f64, {3},
                {0.0, 3.0, 4503599627370497.0});
  expect_floats(nx::round(T({2.5}, nx::f16)), nx::f16, {1}, {3.0});
  expect_floats(nx::round(T({-0.5}, nx::bf16)), nx::bf16, {1}, {-1.0});
  // non-finite values are returned unchanged
  expect_floats(nx::floor(T({inf, -inf, nan_v})), nx::f32, {3}, {inf, -inf, nan_v});
  expect_floats(nx::round(T({inf, -inf, nan_v})), nx::f32, {3}, {inf, -inf, nan_v});
  for (auto op : {nx::UnaryOp::floor, nx::UnaryOp::ceil, nx::UnaryOp::round})
    EXPECT_THROW(nx::unary(op, T({cd(1.5, 0)})), nx::ArgumentError) << nx::op_name(op);
}

// ---------------------------------------------------------------- complex parts

TEST_P(ElementwiseUnary, ComplexParts) {
  auto one = nx::conjugate(S(1));
  expect_complex(one, nx::c64, {}, {cd(1, -0.0)});
  EXPECT_TRUE(std::signbit(nx::to_number<cd>(one).imag()));
  expect_complex(nx::conjugate(T({1.5, -2.0})), nx::c64, {2}, {cd(1.5, -0.0), cd(-2.0, -0.0)});
  // f64 gives c128, which only the reference backend holds
  if (GetParam() == "binary")
    expect_complex(nx::conjugate(T({1.5}, nx::f64)), nx::c128, {1}, {cd(1.5, -0.0)});
  else
    EXPECT_THROW(nx::conjugate(T({1.5}, nx::f64)), nx::ArgumentError);
  expect_complex(nx::conjugate(T({cd(1, 2), cd(-3, -4)})), nx::c64, {2}, {cd(1, -2), cd(-3, 4)});
  expect_floats(nx::phase(S(1)), nx::f32, {}, {0.0});
  expect_floats(nx::real(T(1, nx::bf16)), nx::bf16, {}, {1.0});
  expect_floats(nx::imag(S(1)), nx::f32, {}, {0.0});
  auto z = T({cd(1.5, -2), cd(0, 3)});
  expect_floats(nx::real(z), nx::f32, {2}, {1.5, 0});
  expect_floats(nx::imag(z), nx::f32, {2}, {-2, 3});
  expect_floats(nx::real(T({7}, nx::s8)), nx::f32, {1}, {7});
  expect_floats(nx::imag(T({7.0}, nx::f16)), nx::f16, {1}, {0});
  test::expect_close(nx::phase(T({cd(0, 1), cd(-1, 0)})), nx::f32, {2}, {M_PI / 2, M_PI});
  expect_complex(nx::complex(T({1.0, 2.0}), T({3.0, 4.0})), nx::c64, {2}, {cd(1, 3), cd(2, 4)});
  EXPECT_THROW(nx::complex(T({cd(1, 1)}), 1.0), nx::ArgumentError);
}

TEST_P(ElementwiseUnary, IsNanIsInfinity) {
  expect_ints(nx::is_nan(T({cd(nan_v, 0), cd(inf, 0), cd(0, nan_v)})), nx::u8, {3}, {1, 0, 1});
  expect_ints(nx::is_infinity(T({cd(inf, 0), cd(1, 0), cd(0, inf), cd(-inf, 0)})), nx::u8, {4}, {1, 0, 1, 1});
  expect_ints(nx::is_nan(T({1, 0})), nx::u8, {2}, {0, 0});
  expect_ints(nx::is_infinity(T({1, 0}, nx::u64)), nx::u8, {2}, {0, 0});
  expect_ints(nx::is_nan(T({nan_v, inf, 1.0}, nx::f16)), nx::u8, {3}, {1, 0, 0});
  expect_ints(nx::is_infinity(T({nan_v, -inf, 1.0}, nx::bf16)), nx::u8, {3}, {0, 1, 0});
  expect_ints(nx::is_infinity(T({nan_v, -inf, 1e308}, nx::f64)), nx::u8, {3}, {0, 1, 0});
}

// ---------------------------------------------------------------- as_type / bitcast

TEST_P(ElementwiseUnary, AsTypeConversions) {
  auto nf = T({inf, nan_v, -inf});
  expect_ints(nx::as_type(nf, nx::u8), nx::u8, {3}, {255, 0, 0});
  expect_ints(nx::as_type(nf, nx::s32), nx::s32, {3}, {2147483647, 0, -2147483648LL});
  expect_ints(nx::as_type(nf, nx::s64), nx::s64, {3},
              {std::numeric_limits<std::int64_t>::max(), 0, std::numeric_limits<std::int64_t>::min()});
  EXPECT_EQ(nx::to_flat_list<std::uint64_t>(nx::as_type(nf, nx::u64))[0], std::numeric_limits<std::uint64_t>::max());
  expect_floats(nx::as_type(T({inf, nan_v}), nx::f64), nx::f64, {2}, {inf, nan_v});
  expect_floats(nx::as_type(T({inf, nan_v}), nx::f16), nx::f16, {2}, {inf, nan_v});
  expect_ints(nx::as_type(T({cd(-1, 2), cd(-2, 3), cd(3, -4)}), nx::s64), nx::s64, {3}, {-1, -2, 3});
  expect_floats(nx::as_type(T({cd(1, 2), cd(0, 3), cd(4, 5)}), nx::f64), nx::f64, {3}, {1, 0, 4});
  expect_complex(nx::as_type(T({1, -2}), nx::c64), nx::c64, {2}, {cd(1, 0), cd(-2, 0)});
  expect_floats(nx::as_type(S(1.0e-128, nx::f64), nx::f32), nx::f32, {}, {0.0});
  expect_floats(nx::as_type(S(1.0e-128, nx::f64), nx::f64), nx::f64, {}, {1.0e-128});
  // float -> int truncates toward zero, then wraps
  expect_ints(nx::as_type(T({300.7, -1.5, 2.9, -2.9, 255.9}), nx::u8), nx::u8, {5}, {44, 255, 2, 254, 255});
  expect_ints(nx::as_type(T({3e9, -3e9}, nx::f64), nx::s32), nx::s32, {2}, {-1294967296LL, 1294967296LL});
  expect_ints(nx::as_type(T({-0.9, 127.5, 128.0}), nx::s8), nx::s8, {3}, {0, 127, -128});
  expect_ints(nx::as_type(T({1e20}, nx::f64), nx::s64), nx::s64, {1}, {7766279631452241920LL});
  // int -> int wraps
  expect_ints(nx::as_type(T({300, -1}), nx::u8), nx::u8, {2}, {44, 255});
  expect_ints(nx::as_type(T({-1}, nx::s8), nx::u64), nx::u64, {1}, {-1});
  expect_ints(nx::as_type(T({65535}, nx::u16), nx::s16), nx::s16, {1}, {-1});
  expect_ints(nx::as_type(T({-1}, nx::s64), nx::u32), nx::u32, {1}, {4294967295LL});
  // to floats: round to nearest even, overflow to infinity
  expect_floats(nx::as_type(T({70000.0, 65519.0, 65520.0, -1e6}), nx::f16), nx::f16, {4}, {inf, 65504.0, inf, -inf});
  expect_floats(nx::as_type(T({16777217}), nx::f32), nx::f32, {1}, {16777216.0});
  expect_floats(nx::as_type(T({1e39}, nx::f64), nx::f32), nx::f32, {1}, {inf});
  expect_floats(nx::as_type(T({2049}), nx::f16), nx::f16, {1}, {2048.0});
  // f64 -> f16 rounds once (through f32 it would round twice: -789.75 -> -790)
  expect_floats(nx::as_type(T({-789.7499932621804, 1.0004882812500002}, nx::f64), nx::f16), nx::f16, {2},
                {-789.5, 1.0009765625});
  expect_floats(nx::as_type(T({2051}), nx::f16), nx::f16, {1}, {2052.0});
  expect_floats(nx::as_type(T({-1}, nx::u64), nx::f32), nx::f32, {1}, {18446744073709551616.0});
  expect_floats(nx::as_type(T({-1}, nx::s64), nx::f64), nx::f64, {1}, {-1.0});
  // bf16 stores: the reference truncates the f32 value (rule 1.8); Emily
  // rounds to nearest even (MLX's conversion; docs/backends.md)
  const bool truncates = GetParam() == "binary";
  expect_floats(nx::as_type(T({1.005859375}), nx::bf16), nx::bf16, {1}, {truncates ? 1.0 : 1.0078125});
  expect_floats(nx::as_type(T({-1.9999}), nx::bf16), nx::bf16, {1}, {truncates ? -1.9921875 : -2.0});
  expect_floats(nx::as_type(T({nan_v, inf, -inf}), nx::bf16), nx::bf16, {3}, {nan_v, inf, -inf});
  expect_floats(nx::as_type(T({257}), nx::bf16), nx::bf16, {1}, {256.0});
  // complex <-> complex and scalar shapes
  expect_complex(nx::as_type(T(cd(1.5, -2)), nx::c64), nx::c64, {}, {cd(1.5, -2)});
  expect_ints(nx::as_type(S(3.99), nx::s16), nx::s16, {}, {3});
}

TEST_P(ElementwiseUnary, Bitcast) {
  expect_ints(nx::bitcast(T({{0, -1}, {1, -2}, {2, -3}}, nx::s8), nx::u8), nx::u8, {3, 2}, {0, 255, 1, 254, 2, 253});
  EXPECT_THROW(nx::bitcast(T({0, 1, 2}, nx::s16), nx::f32), nx::ArgumentError);
  expect_floats(nx::bitcast(T({0, 0}), nx::f32), nx::f32, {2}, {0, 0});
  expect_ints(nx::bitcast(T({1.0, -2.0}), nx::s32), nx::s32, {2}, {0x3F800000, static_cast<std::int32_t>(0xC0000000u)});
  expect_ints(nx::bitcast(T({1.0}, nx::f16), nx::u16), nx::u16, {1}, {0x3C00});
  expect_ints(nx::bitcast(T({1.0}, nx::bf16), nx::s16), nx::s16, {1}, {0x3F80});
  expect_floats(nx::bitcast(T({0x7FF0000000000000LL}, nx::s64), nx::f64), nx::f64, {1}, {inf});
  expect_floats(nx::bitcast(T({0x3C00}, nx::u16), nx::f16), nx::f16, {1}, {1.0});
  expect_ints(nx::bitcast(S(-1, nx::s32), nx::u32), nx::u32, {}, {4294967295LL});
  EXPECT_THROW(nx::bitcast(T({cd(1, 0)}), nx::u64), nx::ArgumentError);
  EXPECT_THROW(nx::bitcast(T({1, 2}, nx::u64), nx::c64), nx::ArgumentError);
}

// ---------------------------------------------------------------- creation

TEST_P(ElementwiseUnary, ConstantConversions) {
  expect_ints(T({300, 301, 302}, nx::s8), nx::s8, {3}, {44, 45, 46});
  expect_ints(nx::full({2}, 300, {.type = nx::u8, .backend = b()}), nx::u8, {2}, {44, 44});
  expect_ints(nx::full({2}, -1, {.type = nx::u16, .backend = b()}), nx::u16, {2}, {65535, 65535});
  expect_ints(nx::full({1}, 2.7, {.type = nx::s32, .backend = b()}), nx::s32, {1}, {2});
  expect_ints(nx::full({1}, -2.7, {.type = nx::u8, .backend = b()}), nx::u8, {1}, {254});
  expect_ints(nx::full({3}, nan_v, {.type = nx::s16, .backend = b()}), nx::s16, {3}, {0, 0, 0});
  expect_ints(nx::full({1}, inf, {.type = nx::s16, .backend = b()}), nx::s16, {1}, {32767});
  expect_ints(nx::full({1}, -inf, {.type = nx::u32, .backend = b()}), nx::u32, {1}, {0});
  expect_floats(nx::full({2, 2}, 3.5, {.type = nx::f16, .backend = b()}), nx::f16, {2, 2}, {3.5, 3.5, 3.5, 3.5});
  expect_floats(nx::full({1}, 1e10, {.type = nx::f16, .backend = b()}), nx::f16, {1}, {inf});
  expect_floats(nx::full({1}, -inf, {.type = nx::bf16, .backend = b()}), nx::bf16, {1}, {-inf});
  expect_complex(nx::full({2}, cd(1, -1), {.type = nx::c64, .backend = b()}), nx::c64, {2}, {cd(1, -1), cd(1, -1)});
  expect_complex(nx::full({1}, 3, {.type = nx::c64, .backend = b()}), nx::c64, {1}, {cd(3, 0)});
  expect_ints(nx::full({1}, cd(2.9, 5), {.type = nx::s8, .backend = b()}), nx::s8, {1}, {2});
  expect_ints(nx::full({1}, 1LL << 40, {.type = nx::s64, .backend = b()}), nx::s64, {1}, {1LL << 40});
  expect_ints(nx::full({1}, (1LL << 40) + 7, {.type = nx::s32, .backend = b()}), nx::s32, {1}, {7});
  EXPECT_EQ(nx::to_flat_list<std::uint64_t>(nx::full({1}, std::numeric_limits<std::uint64_t>::max(),
                                                     {.type = nx::u64, .backend = b()}))[0],
            std::numeric_limits<std::uint64_t>::max());
  expect_ints(nx::zeros({2}, {.type = nx::u8, .backend = b()}), nx::u8, {2}, {0, 0});
  expect_floats(nx::ones({}, {.type = nx::f64, .backend = b()}), nx::f64, {}, {1});
  expect_ints(T({true, false}), nx::u8, {2}, {1, 0});
  expect_floats(T({1, 2, 3.0}), nx::f32, {3}, {1, 2, 3});
  expect_complex(T({1, cd(0, 1)}), nx::c64, {2}, {cd(1, 0), cd(0, 1)});
  EXPECT_THROW(nx::full({2, 0}, 1, {.backend = b()}), nx::ArgumentError);
  EXPECT_THROW(nx::full({-1}, 1, {.backend = b()}), nx::ArgumentError);
}

TEST_P(ElementwiseUnary, IotaAndEye) {
  expect_ints(nx::iota({3, 3}, {.axis = -1, .backend = b()}), nx::s32, {3, 3}, {0, 1, 2, 0, 1, 2, 0, 1, 2});
  expect_ints(nx::iota({1, 3, 2}, {.axis = 2, .backend = b()}), nx::s32, {1, 3, 2}, {0, 1, 0, 1, 0, 1});
  expect_ints(nx::iota({2, 2}, {.axis = 0, .backend = b()}), nx::s32, {2, 2}, {0, 0, 1, 1});
  expect_ints(nx::iota({}, {.backend = b()}), nx::s32, {}, {0});
  auto w = nx::iota({300}, {.type = nx::s8, .backend = b()});
  auto wv = nx::to_flat_list<std::int64_t>(w);
  EXPECT_EQ(wv[127], 127);
  EXPECT_EQ(wv[128], -128);
  EXPECT_EQ(wv[299], 43);
  auto uv = nx::to_flat_list<std::int64_t>(nx::iota({260}, {.type = nx::u8, .backend = b()}));
  EXPECT_EQ(uv[256], 0);
  EXPECT_EQ(uv[259], 3);
  expect_floats(nx::iota({2, 2}, {.type = nx::f16, .backend = b()}), nx::f16, {2, 2}, {0, 1, 2, 3});
  expect_floats(nx::iota({3}, {.type = nx::f64, .backend = b()}), nx::f64, {3}, {0, 1, 2});
  expect_complex(nx::iota({2}, {.type = nx::c64, .backend = b()}), nx::c64, {2}, {cd(0, 0), cd(1, 0)});
  EXPECT_THROW(nx::iota({2}, {.axis = 1, .backend = b()}), nx::ArgumentError);
  // eye: ones where the last two coordinates match, per batch; s32 by default
  expect_ints(nx::eye({2, 4, 3}, {.backend = b()}), nx::s32, {2, 4, 3},
              {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0});
  expect_ints(nx::eye(2, {.backend = b()}), nx::s32, {2, 2}, {1, 0, 0, 1});
  expect_floats(nx::eye({2, 3}, {.type = nx::f32, .backend = b()}), nx::f32, {2, 3}, {1, 0, 0, 0, 1, 0});
  expect_ints(nx::eye({1, 1}, {.type = nx::u8, .backend = b()}), nx::u8, {1, 1}, {1});
  EXPECT_THROW(nx::eye(nx::Shape{3}, {.backend = b()}), nx::ArgumentError);
}

// Type examples of Nx's doctests that go through other families' callbacks.
TEST_P(ElementwiseUnary, TypeExamplesAcrossFamilies) {
  auto t1 = nx::iota({2, 2, 2}, {.type = nx::f32, .backend = b()});
  auto t2 = nx::iota({1, 2, 2}, {.type = nx::u8, .backend = b()});
  auto t3 = nx::iota({1, 2, 2}, {.type = nx::s64, .backend = b()});
  expect_floats(nx::concatenate({t1, t2, t3}, 0), nx::f32, {4, 2, 2},
                {0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 0, 1, 2, 3});
  expect_ints(nx::indexed_add(T({1}), T({{0}, {0}}), T({1, 1}, nx::s64)), nx::s64, {1}, {3});
  expect_floats(nx::mean(T({1, 2, 3}, nx::u8), {.axes = {{0}}}), nx::f32, {}, {2.0});
  std::vector<std::uint8_t> bytes = {1, 2, 3, 4};
  expect_ints(nx::from_binary(bytes, nx::s8, {.backend = b()}), nx::s8, {4}, {1, 2, 3, 4});
  EXPECT_THROW(nx::from_binary(bytes, nx::f64, {.backend = b()}), nx::ArgumentError);
  auto two = nx::to_binary(T({1.0, 2.0, 3.0}), {.limit = 2});
  std::vector<std::uint8_t> want(8);
  const float f[2] = {1.0f, 2.0f};
  std::memcpy(want.data(), f, 8);
  EXPECT_EQ(two, want);
}

TEST_P(ElementwiseUnary, PrintsEdgeValues) {
  EXPECT_EQ(nx::format_values(nx::conjugate(S(1))), "1.0-0.0i");
  EXPECT_EQ(nx::format_values(T({nan_v, inf, -inf, -0.0})), "[NaN, Inf, -Inf, -0.0]");
  EXPECT_EQ(nx::format_values(T({-1}, nx::u64)), "[18446744073709551615]");
  EXPECT_EQ(nx::format_values(T({std::numeric_limits<std::int64_t>::min()}, nx::s64)), "[-9223372036854775808]");
  EXPECT_EQ(nx::format_values(T({1.0 / 3.0})), "[0.33333334]");
  EXPECT_EQ(nx::format_values(T({0.754}, nx::f16)), "[0.754]");
  EXPECT_EQ(nx::format_values(T({1.0}, nx::bf16)), "[1.0]");
  EXPECT_EQ(nx::format_values(T({cd(-0.0, -6.0)})), "[-0.0-6.0i]");
  EXPECT_EQ(nx::format_values(T({{1, 2}, {3, 4}}, nx::u8)), "[\n  [1, 2],\n  [3, 4]\n]");
}

NX_ALL_BACKENDS(ElementwiseUnary);

}  // namespace
