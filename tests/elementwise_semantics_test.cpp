// Hand-valued tests of Nx's element-wise rules where an implementation
// easily differs, on every backend: complex values have no order; log2 and
// log10 divide by an f32 logarithm; u64 against signed operands computes on
// the values; signed zeros (round, division by infinity, min/max ties, conv
// padding); the order of a cumulative sum; operands the output type does not
// hold meet it in a wider type; and the non-finite edges chosen in
// docs/backends.md ("Non-finite edges"). Emily's answers are checked to be
// its own (no undeclared fallback to the reference backend).
#include <bit>
#include <cstring>

#include "compare_util.hpp"
#include "elementwise_test_util.hpp"

namespace {

using namespace test::ew;
using nx::BinaryOp;
using nx::Tensor;
using nx::Type;
using test::expect_floats;
using test::expect_ints;

constexpr std::int64_t kMin64 = std::numeric_limits<std::int64_t>::min();
constexpr double two_63 = 9223372036854775808.0;

class Semantics : public ElementwiseBase {
 protected:
  bool emily() const { return GetParam() != "binary"; }
  // Emily's path while the watch lives: native unless declared otherwise.
  void expect_own_answers(const test::FallbackWatch& watch, test::Path want = test::Path::native) const {
    if (emily()) test::expect_path(watch, want, GetParam());
  }
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const nx::ArgumentError& e) {
    return e.what();
  }
  return "(no error)";
}

// ---------------------------------------------------------------- complex values have no order

TEST_P(Semantics, ComplexOperandsOfOrderingsRaise) {
  auto z = T({cd(1, 2)}), r = T({1.0});
  for (BinaryOp op : {BinaryOp::less, BinaryOp::less_equal, BinaryOp::greater, BinaryOp::greater_equal})
    EXPECT_FALSE(nx::traits(op).types.contains(nx::c64)) << nx::op_name(op);
  // Every binary op the table gives no complex type raises for either operand, a literal included.
  for (BinaryOp op : nx::all_binary_ops()) {
    if (nx::traits(op).types.contains(nx::c64)) continue;
    const std::string want = std::string(nx::op_name(op)) + ": expects non-complex tensors, got: {:c, 64}";
    EXPECT_EQ(error_of([&] { nx::binary(op, z, r); }), want);
    EXPECT_EQ(error_of([&] { nx::binary(op, r, z); }), want);
    EXPECT_EQ(error_of([&] { nx::binary(op, r, cd(0, 1)); }), want);
  }
  // the other callbacks that order values
  EXPECT_THROW(nx::sort(z), nx::ArgumentError);
  EXPECT_THROW(nx::argsort(z), nx::ArgumentError);
  EXPECT_THROW(nx::top_k(z, 1), nx::ArgumentError);
  EXPECT_THROW(nx::cumulative_max(z), nx::ArgumentError);
  EXPECT_THROW(nx::cumulative_min(z), nx::ArgumentError);
  EXPECT_THROW(nx::window_max(z, {1}), nx::ArgumentError);
  EXPECT_THROW(nx::window_min(z, {1}), nx::ArgumentError);
  // equality is defined on complex values: both parts
  expect_ints(nx::equal(T({cd(1, 2), cd(1, 3)}), cd(1, 2)), nx::u8, {2}, {1, 0});
  expect_ints(nx::not_equal(T({cd(1, 2), cd(1, 3)}), cd(1, 2)), nx::u8, {2}, {0, 1});
}

// ---------------------------------------------------------------- log2 / log10

TEST_P(Semantics, LogBaseDividesByAnF32Logarithm) {
  test::FallbackWatch watch;
  // Nx: log2(t) = log(t) / log(2), log(2) an f32 tensor: f16 and bf16 give f32.
  const double ln2 = static_cast<float>(std::log(2.0)), ln10 = static_cast<float>(std::log(10.0));
  // log(8) in f16 is 2.080078125 (2^-9 apart there), in bf16 2.078125 (2^-6 apart)
  expect_floats(nx::log2(T({8.0, 1.0}, nx::f16)), nx::f32, {2}, {static_cast<float>(2.080078125 / ln2), 0.0});
  expect_floats(nx::log2(T({8.0}, nx::bf16)), nx::f32, {1}, {static_cast<float>(2.078125 / ln2)});
  expect_floats(nx::log10(T({100.0}, nx::f16)), nx::f32, {1}, {static_cast<float>(4.60546875 / ln10)});
  expect_floats(nx::log2(T({8}, nx::s32)), nx::f32, {1}, {3.0});
  expect_floats(nx::log10(T({1000}, nx::u16)), nx::f32, {1}, {3.0});
  // f64 stays f64, divided by the f32 value of ln 2
  expect_floats(nx::log2(T({8.0}, nx::f64)), nx::f64, {1}, {std::log(8.0) / ln2});
  expect_floats(nx::log(T({9.0}, nx::f16), 3), nx::f32, {1}, {static_cast<float>(2.197265625 / static_cast<float>(std::log(3.0)))});
  expect_own_answers(watch);
  // Nx prints a float base as Elixir does (0.0, not 0).
  for (auto [base, shown] : {std::pair{0.0, "0.0"}, std::pair{1.0, "1.0"}, std::pair{-2.0, "-2.0"}})
    EXPECT_EQ(error_of([&] { nx::log(T({2.0}), base); }),
              std::string("log: expected base to be greater than 0 and different than 1, got: ") + shown);
  EXPECT_THROW(nx::log(T({2.0}), 1), nx::ArgumentError);
}

// ---------------------------------------------------------------- u64 against signed operands

TEST_P(Semantics, U64AgainstSignedComputesOnTheValues) {
  test::FallbackWatch watch;
  // u64 values from 2^63 do not fit the s64 result: Nx computes on the values, then wraps once.
  auto s = T({0, -1, 5, -7}, nx::s64);
  auto u = T({kMin64, -1, 3, kMin64}, nx::u64);  // 2^63, 2^64 - 1, 3, 2^63
  expect_ints(nx::max(s, u), nx::s64, {4}, {kMin64, -1, 5, kMin64});  // 2^63 and 2^64 - 1 wrapped
  expect_ints(nx::min(s, u), nx::s64, {4}, {0, -1, 3, -7});
  expect_ints(nx::max(u, s), nx::s64, {4}, {kMin64, -1, 5, kMin64});
  expect_ints(nx::less(s, u), nx::u8, {4}, {1, 1, 0, 1});
  expect_ints(nx::greater_equal(u, s), nx::u8, {4}, {1, 1, 0, 1});
  // a logical shift of the u64 value: 2^63 >> 1 = 2^62, (2^64 - 1) >> 63 = 1; 64 is out of range
  expect_ints(nx::right_shift(u, T({1, 63, 1, 64}, nx::s64)), nx::s64, {4}, {4611686018427387904LL, 1, 1, 0});
  // truncating division of the values: (2^64 - 1) / -1 = -(2^64 - 1), which wraps to 1
  expect_ints(nx::quotient(u, T({2, -1, -2, 3}, nx::s64)), nx::s64, {4},
              {4611686018427387904LL, 1, -1, 3074457345618258602LL});
  expect_ints(nx::quotient(T({kMin64, -7}, nx::s64), T({kMin64, 2}, nx::u64)), nx::s64, {2}, {-1, -3});
  // remainders keep the dividend's sign; by zero gives the dividend (wrapped)
  expect_ints(nx::remainder(u, T({10, -1, -2, 0}, nx::s64)), nx::s64, {4}, {8, 0, 1, kMin64});
  expect_ints(nx::remainder(T({-7, 5}, nx::s64), T({kMin64, 3}, nx::u64)), nx::s64, {2}, {-7, 2});
  // the bounds are compared by value too (2^64 - 1 is no bound below 5)
  expect_ints(nx::clip(s, S(-3, nx::s64), S(-1, nx::u64)), nx::s64, {4}, {0, -1, 5, -3});
  // the ops that agree with the values modulo 2^64
  expect_ints(nx::add(s, u), nx::s64, {4}, {kMin64, -2, 8, 9223372036854775801LL});
  expect_own_answers(watch);
}

// ---------------------------------------------------------------- signed zeros

TEST_P(Semantics, RoundGivesPositiveZero) {
  for (Type t : {nx::f32, nx::f16, nx::f64}) {
    auto r = nx::round(T({-0.4, -0.0, -0.5, 0.4, -1.4}, t));
    expect_floats(r, t, {5}, {0, 0, -1, 0, -1});
    expect_signbits(r, {false, false, true, false, true});
  }
}

TEST_P(Semantics, FiniteOverInfinityIsPositiveZero) {
  test::FallbackWatch watch;
  for (Type t : {nx::f32, nx::f16, nx::f64}) {
    auto q = nx::divide(T({-1.0, 1.0, -0.0, 5.0, inf, nan_v, -3.0}, t), T({inf, -inf, inf, -inf, inf, inf, 2.0}, t));
    expect_floats(q, t, {7}, {0, 0, 0, 0, nan_v, nan_v, -1.5});
    expect_signbits(nx::slice(q, {0}, {4}), {false, false, false, false});
  }
  expect_signbits(nx::divide(T({-0.0}), 5.0), {true});  // a zero dividend keeps IEEE's sign
  auto z = nx::to_flat_list<cd>(nx::divide(T({cd(-1, -2), cd(3, 0)}), T({cd(-inf, 0), cd(inf, 0)})));
  for (const cd& v : z) {
    EXPECT_EQ(v, cd(0, 0));
    EXPECT_FALSE(std::signbit(v.real()) || std::signbit(v.imag()));
  }
  expect_own_answers(watch);
}

TEST_P(Semantics, MinMaxKeepTheFirstOperandOnATie) {
  auto a = T({-0.0, 0.0}), c = T({0.0, -0.0});
  expect_signbits(nx::max(a, c), {true, false});
  expect_signbits(nx::min(a, c), {true, false});
  expect_signbits(nx::max(c, a), {false, true});
  expect_floats(nx::max(T({nan_v, 1.0}), T({1.0, nan_v})), nx::f32, {2}, {nan_v, nan_v});
}

TEST_P(Semantics, ConvSumsPaddingProducts) {
  // Every output here sums products with a padded +0.0 input: +0.0 * -1 = -0.0.
  auto x = nx::reshape(T({1.0, 2.0}), nx::Shape{1, 1, 2});
  auto w = nx::reshape(T({-1.0}), nx::Shape{1, 1, 1});
  auto y = nx::conv(x, w, {.padding = std::vector<std::pair<std::int64_t, std::int64_t>>{{2, 1}}});
  expect_floats(y, nx::f32, {1, 1, 5}, {0, 0, -1, -2, 0});
  // Nx (and the reference): a sum of -0.0 products is -0.0; Emily's convolution
  // sums from +0.0 (documented in docs/backends.md).
  const bool nx_zero_sign = !emily();
  expect_signbits(y, {nx_zero_sign, nx_zero_sign, true, true, nx_zero_sign});
}

TEST(ReferenceSemantics, ConvMultipliesPaddingAndDilationHoles) {
  auto b = nx::binary_backend();
  auto R = [&](const nx::Literal& v, const nx::Shape& s) {
    return nx::reshape(nx::tensor(v, {.type = nx::f32, .backend = b}), s);
  };
  // Nx multiplies the padding too: +0.0 * Inf is NaN.
  expect_floats(nx::conv(R({1.0, 2.0}, {1, 1, 2}), R({inf}, {1, 1, 1}),
                         {.padding = std::vector<std::pair<std::int64_t, std::int64_t>>{{1, 0}}}),
                nx::f32, {1, 1, 3}, {nan_v, inf, inf});
  // a kernel dilation hole (+0.0) meets the NaN between the two taps
  expect_floats(nx::conv(R({1.0, nan_v, 2.0}, {1, 1, 3}), R({1.0, 1.0}, {1, 1, 2}), {.kernel_dilation = {2}}),
                nx::f32, {1, 1, 1}, {nan_v});
  // products in order, channels then taps: -0.0 + -0.0 stays -0.0, one +0.0 makes it +0.0
  auto zeros = R({-0.0, 0.0, -0.0, -0.0}, {1, 2, 2});
  expect_signbits(nx::conv(zeros, R({1.0, 1.0, 1.0, 1.0}, {1, 2, 2})), {false});
  expect_signbits(nx::conv(nx::negate(nx::abs(zeros)), R({1.0, 1.0, 1.0, 1.0}, {1, 2, 2})), {true});
}

// ---------------------------------------------------------------- cumulative order

TEST_P(Semantics, CumulativeSumAddsInNxsOrder) {
  // Nx's associative scan: pairs (x1 + x0, x3 + x2) first, so
  // [1, e, e, e] (e = 2^-24, half an f32 unit at 1) sums to 1 + 2e at the end
  // where a running sum stays at 1; with 5 elements the last is
  // (1 + 2e) + e, a tie rounded to 1 + 4e.
  const double e = std::ldexp(1.0, -24);
  auto x = T({1.0, e, e, e, e});
  const std::vector<double> want = {1, 1, 1, 1 + 2 * e, 1 + 4 * e};
  const std::vector<double> want4 = {1, 1, 1, 1 + 2 * e};
  if (emily()) {
    // MLX's own scan: the same sums up to the last unit
    test::expect_close(nx::cumulative_sum(x), nx::f32, {5}, want, 1e-6, 0);
  } else {
    expect_floats(nx::cumulative_sum(x), nx::f32, {5}, want);
    expect_floats(nx::cumulative_sum(T({1.0, e, e, e})), nx::f32, {4}, want4);
    expect_floats(nx::cumulative_sum(T({e, e, e, 1.0}), {.reverse = true}), nx::f32, {4}, {1 + 2 * e, 1, 1, 1});
  }
  // exact sums agree on every backend, along any axis and direction
  auto m = T({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}, nx::s8);
  expect_ints(nx::cumulative_sum(m, {.axis = 0}), nx::s8, {3, 3}, {1, 2, 3, 5, 7, 9, 12, 15, 18});
  expect_ints(nx::cumulative_sum(m, {.axis = 1, .reverse = true}), nx::s8, {3, 3}, {6, 5, 3, 15, 11, 6, 24, 17, 9});
  expect_ints(nx::cumulative_product(T({1, 2, 3, 4, 5, 6, 7}), {}), nx::s32, {7}, {1, 2, 6, 24, 120, 720, 5040});
  expect_ints(nx::cumulative_max(T({3, 1, 4, 1, 5, 9, 2, 6}), {.reverse = true}), nx::s32, {8},
              {9, 9, 9, 9, 9, 9, 6, 6});
}

// ---------------------------------------------------------------- wider computation

TEST_P(Semantics, OperandsTheResultTypeDoesNotHoldMeetItWider) {
  test::FallbackWatch watch;
  // 65520.0 (an f32 literal) is no f16 value: 65520 - 5 = 65515 rounds to 65504.
  expect_floats(nx::subtract(65520.0, T({5.0}, nx::f16)), nx::f16, {1}, {65504});
  expect_floats(nx::add(T({-5.0}, nx::f16), 65520.0), nx::f16, {1}, {65504});
  // integers above 2^24 are not f32 values: 2^24 + 1 + 1 = 2^24 + 2, (2^24 + 1) * 3 rounds up,
  // and the remainder of 2^24 + 1 by 2 is 1 in every float type
  expect_floats(nx::remainder(T({16777217}, nx::s32), T({2.0}, nx::f16)), nx::f16, {1}, {1});
  expect_floats(nx::remainder(T({16777217}, nx::u32), T({2.0}, nx::bf16)), nx::bf16, {1}, {1});
  expect_floats(nx::add(T({16777217}, nx::s32), T({1.0})), nx::f32, {1}, {16777218});
  expect_floats(nx::multiply(T({16777217}, nx::s32), T({3.0})), nx::f32, {1}, {50331652});
  expect_floats(nx::add(T({1.0}), 16777217), nx::f32, {1}, {16777218});
  expect_ints(nx::subtract(T({16777219}, nx::u32), T({16777216}, nx::u64)), nx::u64, {1}, {3});
  expect_floats(nx::divide(T({16777217}, nx::s64), T({1}, nx::s64)), nx::f32, {1}, {16777216});  // rounded once
  expect_ints(nx::greater(T({16777217}, nx::s32), T({16777216.0})), nx::u8, {1}, {1});
  // unary float functions of the integer's value (tan of 2^24 + 1, not of 2^24)
  test::expect_close(nx::tan(T({16777217}, nx::s32)), nx::f32, {1}, {std::tan(16777217.0)}, 1e-6, 0);
  // cbrt near the largest value (y^3 would overflow)
  const double f32_max = std::numeric_limits<float>::max();
  test::expect_close(nx::cbrt(T({f32_max, -f32_max})), nx::f32, {2}, {std::cbrt(f32_max), -std::cbrt(f32_max)}, 1e-6, 0);
  expect_floats(nx::cbrt(T({65504.0, -65504.0}, nx::f16)), nx::f16, {2}, {40.3125, -40.3125});
  expect_own_answers(watch);
  {
    // sin and cos of such integers need f64, where MLX is only single-precision
    // accurate: Emily's f64 CPU kernels compute them, or with the kernels off
    // they fall back (docs/backends.md).
    test::FallbackWatch sin_watch;
    auto r = nx::to_flat_list<double>(nx::sin(T({16777217}, nx::s32)));
    EXPECT_NEAR(r[0], std::sin(16777217.0), 1e-7);
    EXPECT_GT(std::abs(r[0] - std::sin(16777216.0)), 0.5);  // what rounding to f32 first would give
    expect_own_answers(sin_watch, emily::cpu_kernels_enabled() ? test::Path::native : test::Path::fallback);
  }
}

// ---------------------------------------------------------------- non-finite edges

TEST_P(Semantics, NonFiniteEdgesFollowTheDocumentedChoices) {
  test::FallbackWatch watch;
  expect_floats(nx::tanh(T({inf, -inf})), nx::f32, {2}, {1, -1});  // Nx: NaN (Inf / Inf)
  // IEEE pow: x^0 = 1 even for NaN, 1^y = 1, |x| < 1 to +Inf is 0 (Nx: NaN, NaN, Inf)
  expect_floats(nx::pow(T({nan_v, 1.0, 0.5, 0.5, -1.0, 2.0}), T({0.0, nan_v, inf, -inf, inf, -inf})), nx::f32, {6},
                {1, 1, 0, inf, 1, 0});
  expect_floats(nx::sign(T({nan_v, -inf, inf})), nx::f32, {3}, {nan_v, -1, 1});  // Nx: 1, 1, 1
  expect_floats(nx::divide(T({inf, -inf}), T({-0.0, -0.0})), nx::f32, {2}, {-inf, inf});  // Nx: Inf, -Inf
  auto a = nx::atan2(T({-1.0, -0.0}), T({inf, inf}));  // Nx: +0.0
  expect_floats(a, nx::f32, {2}, {0, 0});
  expect_signbits(a, {true, true});
  expect_signbits(nx::cbrt(T({-0.0})), {true});  // Nx: +0.0 (pow(-0.0, 1/3))
  // complex division by zero: C's complex infinity (Nx: NaN + NaN i); MLX's
  // CUDA division gives Nx's answer on the GPU device.
  auto q = nx::to_flat_list<cd>(nx::divide(T({cd(1, 1), cd(0, 0)}), T({cd(0, 0), cd(0, 0)})));
  if (GetParam() == "emily_gpu")
    EXPECT_TRUE(std::isnan(q[0].real()) && std::isnan(q[0].imag()));
  else
    EXPECT_EQ(q[0], cd(inf, inf));
  EXPECT_TRUE(std::isnan(q[1].real()) && std::isnan(q[1].imag()));
  expect_own_answers(watch);
}

NX_ALL_BACKENDS(Semantics);

// Nx stores every NaN as one positive quiet NaN; the reference backend does
// too (Emily keeps the NaN its kernels produce: docs/backends.md).
TEST(ReferenceSemantics, NaNIsStoredAsOnePositiveQuietNaN) {
  auto b = nx::binary_backend();
  auto bits32 = [](const Tensor& t) {
    auto bytes = nx::to_binary(t);
    std::uint32_t v;
    std::memcpy(&v, bytes.data(), 4);
    return v;
  };
  auto f32 = [&](double v) { return nx::tensor({v}, {.type = nx::f32, .backend = b}); };
  EXPECT_EQ(bits32(nx::negate(f32(nan_v))), 0x7FC00000u);
  EXPECT_EQ(bits32(nx::multiply(f32(0.0), f32(inf))), 0x7FC00000u);  // x86's default NaN is negative
  EXPECT_EQ(bits32(nx::subtract(f32(inf), f32(inf))), 0x7FC00000u);
  auto h = nx::to_binary(nx::negate(nx::tensor({nan_v}, {.type = nx::f16, .backend = b})));
  EXPECT_EQ(h[0] | (h[1] << 8), 0x7E00);
  auto bf = nx::to_binary(nx::negate(nx::tensor({nan_v}, {.type = nx::bf16, .backend = b})));
  EXPECT_EQ(bf[0] | (bf[1] << 8), 0x7FC0);
}

}  // namespace
