// Hand-valued tests of the 24 binary element-wise callbacks, clip and select
// on every backend (Nx's type rules and per-op semantics, values printed by
// Nx's doctests), plus the storage rules of the types only the reference
// backend holds (f8, f8_e4m3fn, sub-byte, c128). The unary callbacks,
// conversions and creation are in elementwise_unary_test.cpp.
#include <bit>

#include "elementwise_test_util.hpp"

namespace {

using namespace test::ew;
using nx::Tensor;
using nx::Type;
using test::expect_floats;
using test::expect_ints;

class Elementwise : public ElementwiseBase {};


// ---------------------------------------------------------------- add / subtract / multiply

TEST_P(Elementwise, AddPromotionAndWrap) {
  auto a = T({0, 1, 2}, nx::u8);
  expect_ints(nx::add(a, -1), nx::s16, {3}, {-1, 0, 1});
  expect_floats(nx::add(S(1), 2.2), nx::f32, {}, {static_cast<float>(3.2)});
  expect_floats(nx::add(T({1, 2, 3}), 1.0), nx::f32, {3}, {2, 3, 4});
  expect_ints(nx::add(T({200, 255}, nx::u8), T({100, 1}, nx::u8)), nx::u8, {2}, {44, 0});
  expect_ints(nx::add(T({127, -128}, nx::s8), T({1, -1}, nx::s8)), nx::s8, {2}, {-128, 127});
  expect_ints(nx::add(T({2147483647}), 1), nx::s32, {1}, {-2147483648LL});
  expect_ints(nx::add(a, 256), nx::u16, {3}, {256, 257, 258});
  expect_ints(nx::add(T({250}, nx::u8), T({-10}, nx::s8)), nx::s16, {1}, {240});
  expect_ints(nx::add(T({std::numeric_limits<std::int64_t>::max()}, nx::s64), T({1}, nx::s64)), nx::s64, {1},
              {std::numeric_limits<std::int64_t>::min()});
  auto h = nx::add(T({1.5, 2.0}, nx::f16), 1.0);
  expect_floats(h, nx::f16, {2}, {2.5, 3.0});
  expect_floats(nx::add(T({1.0}, nx::f64), T({1e-300}, nx::f64)), nx::f64, {1}, {1.0});
  expect_floats(nx::add(T({inf, -inf, inf}), T({-inf, 1.0, inf})), nx::f32, {3}, {nan_v, -inf, inf});
  expect_complex(nx::add(T({cd(1, 2)}), T({cd(3, -4)})), nx::c64, {1}, {cd(4, -2)});
  expect_complex(nx::add(T({1, 2}), cd(0, 1)), nx::c64, {2}, {cd(1, 1), cd(2, 1)});
}

TEST_P(Elementwise, SubtractWraps) {
  expect_ints(nx::subtract(T({0, 5}, nx::u8), T({1, 3}, nx::u8)), nx::u8, {2}, {255, 2});
  expect_ints(nx::subtract(T({-2147483647 - 1}), 1), nx::s32, {1}, {2147483647});
  expect_ints(nx::subtract(T({0}, nx::u64), T({1}, nx::u64)), nx::u64, {1}, {-1});  // 2^64-1 read back as int64
  EXPECT_EQ(nx::to_flat_list<std::uint64_t>(nx::subtract(T({0}, nx::u64), T({1}, nx::u64)))[0],
            std::numeric_limits<std::uint64_t>::max());
  expect_floats(nx::subtract(T({1.0, 0.0}), T({1.0, -0.0})), nx::f32, {2}, {0.0, 0.0});
  expect_complex(nx::subtract(T({cd(1, 2)}), T({cd(3, -4)})), nx::c64, {1}, {cd(-2, 6)});
}

TEST_P(Elementwise, MultiplyWrapsAndComplexInfinities) {
  expect_ints(nx::multiply(T({16, 100}, nx::s8), T({8, 2}, nx::s8)), nx::s8, {2}, {-128, -56});
  expect_ints(nx::multiply(T({65535}, nx::u16), T({65535}, nx::u16)), nx::u16, {1}, {1});
  expect_ints(nx::multiply(T({1LL << 62}, nx::s64), 4), nx::s64, {1}, {0});
  expect_ints(nx::multiply(T({{1}, {2}}), T({1, 2, 3})), nx::s32, {2, 3}, {1, 2, 3, 2, 4, 6});
  expect_complex(nx::multiply(T({cd(1, 2)}), T({cd(3, -4)})), nx::c64, {1}, {cd(11, 2)});
  // Complex products and quotients with an infinite part (Nx's non-finite test).
  auto x = T({cd(inf, 3)}), y = T({cd(-2, 4)});
  expect_complex(nx::multiply(x, y), nx::c64, {1}, {cd(-inf, inf)});
  expect_complex(nx::divide(x, y), nx::c64, {1}, {cd(-inf, -inf)});
}

TEST_P(Elementwise, BroadcastScalarsAndNames) {
  auto m = T({{1, 2, 3}, {4, 5, 6}}, std::nullopt, {"x", "y"});
  auto r = nx::add(m, T({10, 20, 30}, std::nullopt, {"y"}));
  expect_ints(r, nx::s32, {2, 3}, {11, 22, 33, 14, 25, 36});
  EXPECT_EQ(r.names(), (nx::Names{"x", "y"}));
  expect_ints(nx::add(S(5), S(6)), nx::s32, {}, {11});
  expect_ints(nx::add(m, S(1, nx::s8)), nx::s32, {2, 3}, {2, 3, 4, 5, 6, 7});
  expect_ints(nx::subtract(10, m), nx::s32, {2, 3}, {9, 8, 7, 6, 5, 4});
  EXPECT_THROW(nx::add(T({1, 2}), T({1, 2, 3})), nx::ArgumentError);
  EXPECT_THROW(nx::add(T({{1, 2}}, std::nullopt, {"a", "b"}), T({{1, 2}}, std::nullopt, {"a", "c"})),
               nx::ArgumentError);
}

// ---------------------------------------------------------------- pow

TEST_P(Elementwise, Pow) {
  expect_ints(nx::pow(T({{2}, {3}}), T({{4, 5}})), nx::s32, {2, 2}, {16, 32, 81, 243});
  expect_floats(nx::pow(2, T({1.0, 2.0, 3.0})), nx::f32, {3}, {2, 4, 8});
  expect_ints(nx::pow(T({2, 3, 0, -2}, nx::u8), 8), nx::u8, {4}, {0, 161, 0, 0});       // u8 wrap (254^8 % 256 = 0)
  expect_ints(nx::pow(T({-2, 0, 5}, nx::s8), T({7, 0, 0}, nx::s8)), nx::s8, {3}, {-128, 1, 1});
  expect_ints(nx::pow(T({3}, nx::s64), T({40}, nx::s64)), nx::s64, {1}, {static_cast<std::int64_t>(12157665459056928801ULL)});
  // Integer negative exponents (documented convention): 1 for base 1, +-1 for base -1, else 0.
  expect_ints(nx::pow(T({1, -1, -1, 2, 0, -3}), T({-1, -1, -2, -1, -3, -2})), nx::s32, {6}, {1, -1, 1, 0, 0, 0});
  expect_floats(nx::pow(T({4.0, 2.0, -8.0}, nx::f64), T({0.5, -1.0, 3.0}, nx::f64)), nx::f64, {3}, {2.0, 0.5, -512.0});
  expect_floats(nx::pow(T({-8.0}), 1.0 / 3.0), nx::f32, {1}, {nan_v});
  expect_floats(nx::pow(T({0.0}), -1.0), nx::f32, {1}, {inf});
  expect_complex(nx::pow(T({cd(0, 1)}), 2), nx::c64, {1}, {cd(-1, 0)}, 1e-6);
}

// ---------------------------------------------------------------- remainder / quotient / divide

TEST_P(Elementwise, RemainderHasTheDividendsSign) {
  expect_ints(nx::remainder(T(-11, nx::s8), T(10, nx::u8)), nx::s16, {}, {-1});
  expect_ints(nx::remainder(T(9, nx::s8), T(10, nx::u8)), nx::s16, {}, {9});
  expect_ints(nx::remainder(T(9, nx::u8), T(10, nx::u8)), nx::u8, {}, {9});
  expect_floats(nx::remainder(2, T({1.0, 2.0, 3.0})), nx::f32, {3}, {0, 0, 2});
  expect_ints(nx::remainder(T({-7, 7, -7, 7}), T({3, -3, -3, 3})), nx::s32, {4}, {-1, 1, -1, 1});
  expect_floats(nx::remainder(T({-7.5, 7.5, -7.5}), T({2.0, -2.0, -2.0})), nx::f32, {3}, {-1.5, 1.5, -1.5});
  // by zero: the dividend (integers, documented), NaN (floats)
  expect_ints(nx::remainder(T({5, -5, 0}), 0), nx::s32, {3}, {5, -5, 0});
  expect_ints(nx::remainder(T({200}, nx::u8), T({0}, nx::u8)), nx::u8, {1}, {200});
  expect_floats(nx::remainder(T({5.0}), 0.0), nx::f32, {1}, {nan_v});
  // INT_MIN rem -1 = 0 (no trap)
  expect_ints(nx::remainder(T({-128}, nx::s8), T({-1}, nx::s8)), nx::s8, {1}, {0});
  expect_ints(nx::remainder(T({-2147483647 - 1}), -1), nx::s32, {1}, {0});
  expect_floats(nx::remainder(T({-0.0, 5.0}), T({3.0, inf})), nx::f32, {2}, {-0.0, 5.0});
  expect_signbits(nx::remainder(T({-0.0, -6.0}), T({3.0, 3.0})), {true, true});
}

TEST_P(Elementwise, QuotientTruncates) {
  expect_ints(nx::quotient(T({{10, 20}}, nx::u8), T({{1}, {2}}, nx::u32)), nx::u32, {2, 2}, {10, 20, 5, 10});
  EXPECT_THROW(nx::quotient(S(10), 1.0), nx::ArgumentError);
  EXPECT_THROW(nx::quotient(T({1.0, 2.0}), T({1, 2})), nx::ArgumentError);
  expect_ints(nx::quotient(T({-7, 7, -7, 7}), T({2, -2, -2, 2})), nx::s32, {4}, {-3, -3, 3, 3});
  // INT_MIN quotient -1 wraps to INT_MIN
  expect_ints(nx::quotient(T({-2147483647 - 1}), -1), nx::s32, {1}, {-2147483648LL});
  expect_ints(nx::quotient(T({-128}, nx::s8), T({-1}, nx::s8)), nx::s8, {1}, {-128});
  expect_ints(nx::quotient(T({std::numeric_limits<std::int64_t>::min()}, nx::s64), T({-1}, nx::s64)), nx::s64, {1},
              {std::numeric_limits<std::int64_t>::min()});
  // by zero: all bits set (documented)
  expect_ints(nx::quotient(T({5, -5}), 0), nx::s32, {2}, {-1, -1});
  expect_ints(nx::quotient(T({5}, nx::u8), T({0}, nx::u8)), nx::u8, {1}, {255});
  EXPECT_EQ(nx::to_flat_list<std::uint64_t>(nx::quotient(T({5}, nx::u64), T({0}, nx::u64)))[0],
            std::numeric_limits<std::uint64_t>::max());
  expect_ints(nx::quotient(T({255}, nx::u8), T({-1}, nx::s8)), nx::s16, {1}, {-255});
}

TEST_P(Elementwise, Divide) {
  expect_floats(nx::divide(T({{1}, {2}}, nx::s8), T({{10, 20}}, nx::s8)), nx::f32, {2, 2},
                {static_cast<float>(0.1), static_cast<float>(0.05), static_cast<float>(0.2), static_cast<float>(0.1)});
  expect_floats(nx::divide(1, T({1.0, 2.0, 3.0})), nx::f32, {3}, {1.0, 0.5, static_cast<float>(1.0 / 3.0)});
  expect_floats(nx::divide(T({1.0, -1.0, 0.0}), 0.0), nx::f32, {3}, {inf, -inf, nan_v});
  expect_floats(nx::divide(T({1}, nx::s64), T({3}, nx::s64)), nx::f32, {1}, {static_cast<float>(1.0 / 3.0)});
  expect_floats(nx::divide(T({1.0}, nx::f64), 3), nx::f64, {1}, {1.0 / 3.0});
  expect_floats(nx::divide(T({1.0}, nx::bf16), 2), nx::bf16, {1}, {0.5});
  expect_floats(nx::divide(T({7}, nx::u8), T({0}, nx::u8)), nx::f32, {1}, {inf});
  expect_complex(nx::divide(T({cd(11, 2)}), T({cd(3, -4)})), nx::c64, {1}, {cd(1, 2)}, 1e-6);
}

TEST_P(Elementwise, Atan2SignedZeros) {
  auto y = T({{-0.0}, {0.0}}, nx::f64), x = T({-0.0, 0.0}, nx::f64);
  auto r = nx::atan2(y, x);
  expect_floats(r, nx::f64, {2, 2}, {-M_PI, -0.0, M_PI, 0.0});
  expect_signbits(r, {true, true, false, false});
  test::expect_close(nx::atan2(S(1), S(2)), nx::f32, {}, {0.4636476});
  test::expect_close(nx::atan2(T({1, 2, 3}), 1), nx::f32, {3}, {0.7853982, 1.1071488, 1.2490457});
  test::expect_close(nx::atan2(T({1.0, -1.0}), T({-inf, inf})), nx::f32, {2}, {M_PI, -0.0});
}

// ---------------------------------------------------------------- min / max

TEST_P(Elementwise, MinMaxPropagateNaN) {
  auto a = T({1.0, nan_v, 3.0, -inf, nan_v}), c = T({2.0, 1.0, nan_v, 0.0, nan_v});
  expect_floats(nx::max(a, c), nx::f32, {5}, {2.0, nan_v, nan_v, 0.0, nan_v});
  expect_floats(nx::min(a, c), nx::f32, {5}, {1.0, nan_v, nan_v, -inf, nan_v});
  expect_ints(nx::max(T({-1, 5}, nx::s8), T({200, 3}, nx::u8)), nx::s16, {2}, {200, 5});
  expect_ints(nx::min(T({-1, 5}, nx::s8), T({200, 3}, nx::u8)), nx::s16, {2}, {-1, 3});
  expect_ints(nx::max(T({0}, nx::u64), T({-1}, nx::u64)), nx::u64, {1}, {-1});
  expect_floats(nx::min(T({inf}), T({-inf})), nx::f32, {1}, {-inf});
  expect_floats(nx::max(T({1.5}, nx::f16), 2), nx::f16, {1}, {2.0});
  EXPECT_THROW(nx::max(T({cd(1, 1)}), T({1})), nx::ArgumentError);
  EXPECT_THROW(nx::min(T({1}), cd(1, 1)), nx::ArgumentError);
}

// ---------------------------------------------------------------- bitwise and shifts

TEST_P(Elementwise, Bitwise) {
  expect_ints(nx::bitwise_xor(T({-1, -2, -3}), 2), nx::s32, {3}, {-3, -4, -1});
  expect_ints(nx::bitwise_and(T({0xF0, 0xFF}, nx::u8), T({0x3C, 0x0F}, nx::u8)), nx::u8, {2}, {0x30, 0x0F});
  expect_ints(nx::bitwise_or(T({0xF0, 0x01}, nx::u8), T({0x0F, 0x01}, nx::u8)), nx::u8, {2}, {0xFF, 0x01});
  // mixed signedness is computed on the two's complement patterns in the merged type
  expect_ints(nx::bitwise_and(T({-1}, nx::s8), T({0xAB}, nx::u8)), nx::s16, {1}, {0xAB});
  expect_ints(nx::bitwise_or(T({-128}, nx::s8), T({0x7F}, nx::u8)), nx::s16, {1}, {-1});
  expect_ints(nx::bitwise_xor(T({-1}, nx::s64), T({5}, nx::s64)), nx::s64, {1}, {-6});
  EXPECT_THROW(nx::bitwise_and(T({1.0}), T({1})), nx::ArgumentError);
  EXPECT_THROW(nx::bitwise_or(T({1}), 1.0), nx::ArgumentError);
  EXPECT_THROW(nx::bitwise_xor(T({cd(1, 0)}), 1), nx::ArgumentError);
}

TEST_P(Elementwise, Shifts) {
  expect_ints(nx::left_shift(T({1, 1, -1, -1}), T({1, 2, 3, 4})), nx::s32, {4}, {2, 4, -8, -16});
  expect_ints(nx::right_shift(T({16, 32, -64, -128}), T({1, 2, 3, 4})), nx::s32, {4}, {8, 8, -8, -8});
  EXPECT_THROW(nx::left_shift(S(1), -1), nx::ArgumentError);
  EXPECT_THROW(nx::right_shift(S(1), -1), nx::ArgumentError);
  expect_ints(nx::left_shift(T({{5, 6}, {7, 8}}, nx::s8), T({{1, 2}, {3, 4}}, nx::s8)), nx::s8, {2, 2},
              {10, 24, 56, -128});
  // unsigned right shifts are logical, signed ones arithmetic
  expect_ints(nx::right_shift(T({0x80, 0xFF}, nx::u8), T({7, 4}, nx::u8)), nx::u8, {2}, {1, 15});
  expect_ints(nx::right_shift(T({-128}, nx::s8), T({1}, nx::u8)), nx::s16, {1}, {-64});
  EXPECT_EQ(nx::to_flat_list<std::uint64_t>(nx::right_shift(T({-1}, nx::u64), T({63}, nx::u64)))[0], 1u);
  // counts >= the bit width of the output type: 0, or -1 for negative values shifted right
  expect_ints(nx::left_shift(T({1, 1, 1}), T({31, 32, 100})), nx::s32, {3}, {-2147483648LL, 0, 0});
  expect_ints(nx::right_shift(T({-5, 5, -5}), T({32, 32, 31})), nx::s32, {3}, {-1, 0, -1});
  expect_ints(nx::left_shift(T({1}, nx::u8), T({8}, nx::u8)), nx::u8, {1}, {0});
  expect_ints(nx::right_shift(T({255}, nx::u8), T({8}, nx::u8)), nx::u8, {1}, {0});
  expect_ints(nx::left_shift(T({1}, nx::s64), T({63}, nx::s64)), nx::s64, {1}, {std::numeric_limits<std::int64_t>::min()});
  expect_ints(nx::left_shift(T({1}, nx::s64), T({64}, nx::s64)), nx::s64, {1}, {0});
  // negative counts held in tensors (the reference raises; documented: left 0, right 0 / -1)
  expect_ints(nx::left_shift(T({3, 3}), T({-1, -40})), nx::s32, {2}, {0, 0});
  expect_ints(nx::right_shift(T({3, -3}), T({-1, -1})), nx::s32, {2}, {0, -1});
  EXPECT_THROW(nx::left_shift(T({1.0}), 1), nx::ArgumentError);
  EXPECT_THROW(nx::right_shift(T({1}), 1.0), nx::ArgumentError);
}

// ---------------------------------------------------------------- comparisons and logical ops

TEST_P(Elementwise, Comparisons) {
  auto eq = nx::equal(T({{1, 2, 3}, {4, 5, 6}}, nx::f32), T({1, 2, 3}));
  expect_ints(eq, nx::u8, {2, 3}, {1, 1, 1, 0, 0, 0});
  auto a = T({1.0, nan_v, nan_v, -0.0, inf, 2.0}), c = T({1.0, 1.0, nan_v, 0.0, inf, 3.0});
  expect_ints(nx::equal(a, c), nx::u8, {6}, {1, 0, 0, 1, 1, 0});
  expect_ints(nx::not_equal(a, c), nx::u8, {6}, {0, 1, 1, 0, 0, 1});
  expect_ints(nx::greater(a, c), nx::u8, {6}, {0, 0, 0, 0, 0, 0});
  expect_ints(nx::less(a, c), nx::u8, {6}, {0, 0, 0, 0, 0, 1});
  expect_ints(nx::greater_equal(a, c), nx::u8, {6}, {1, 0, 0, 1, 1, 0});
  expect_ints(nx::less_equal(a, c), nx::u8, {6}, {1, 0, 0, 1, 1, 1});
  // mixed types compare by value
  expect_ints(nx::less(T({-1}, nx::s8), T({255}, nx::u8)), nx::u8, {1}, {1});
  expect_ints(nx::greater(T({200}, nx::u8), T({-100}, nx::s8)), nx::u8, {1}, {1});
  expect_ints(nx::equal(T({3}), T({3.0})), nx::u8, {1}, {1});
  expect_ints(nx::less(T({2}), 2.5), nx::u8, {1}, {1});
  expect_ints(nx::equal(T({cd(1, 2), cd(1, 2)}), T({cd(1, 2), cd(1, -2)})), nx::u8, {2}, {1, 0});
  expect_ints(nx::not_equal(T({cd(1, 0)}), 1), nx::u8, {1}, {0});
  expect_ints(nx::greater(S(3), S(2)), nx::u8, {}, {1});
  // exactly, even where no common Nx type holds both values
  auto umax = T({-1}, nx::u64), sneg = T({-1}, nx::s64);
  expect_ints(nx::equal(umax, sneg), nx::u8, {1}, {0});
  expect_ints(nx::less(sneg, umax), nx::u8, {1}, {1});
  expect_ints(nx::greater(umax, sneg), nx::u8, {1}, {1});
  expect_ints(nx::greater_equal(T({5}, nx::u64), T({5}, nx::s8)), nx::u8, {1}, {1});
  expect_ints(nx::equal(T({16777217}), T({16777216.0})), nx::u8, {1}, {0});
  expect_ints(nx::greater(T({16777217}), T({16777216.0})), nx::u8, {1}, {1});
  const std::int64_t p53 = 1LL << 53;
  expect_ints(nx::greater(T({p53 + 1}, nx::s64), T({static_cast<double>(p53)}, nx::f64)), nx::u8, {1}, {1});
  expect_ints(nx::less(T({p53 + 1}, nx::s64), T({static_cast<double>(p53 + 2)}, nx::f64)), nx::u8, {1}, {1});
  expect_ints(nx::equal(T({static_cast<double>(p53)}, nx::f64), T({p53}, nx::s64)), nx::u8, {1}, {1});
  expect_ints(nx::less(umax, T({18446744073709551616.0})), nx::u8, {1}, {1});
  expect_ints(nx::not_equal(T({nan_v}, nx::f64), T({1}, nx::s64)), nx::u8, {1}, {1});
  expect_ints(nx::less_equal(T({1}, nx::u64), T({nan_v})), nx::u8, {1}, {0});
  expect_ints(nx::greater(T({3}, nx::s64), T({-inf})), nx::u8, {1}, {1});
  auto tenth32 = T({0.1}), tenth64 = T({0.1}, nx::f64);  // f32(0.1) = 0.100000001490116...
  expect_ints(nx::equal(tenth32, tenth64), nx::u8, {1}, {0});
  expect_ints(nx::greater(tenth32, tenth64), nx::u8, {1}, {1});
  expect_ints(nx::less(tenth64, tenth32), nx::u8, {1}, {1});
  expect_ints(nx::equal(T({1e30}, nx::bf16), T({1e30}, nx::f16)), nx::u8, {1}, {0});  // f16 holds Inf there
  expect_ints(nx::less(T({65504.0}, nx::f16), T({1e30}, nx::bf16)), nx::u8, {1}, {1});
}

TEST_P(Elementwise, LogicalOps) {
  auto r = nx::logical_xor(T({-1.0, 0.0, 1.0}), T({{-1}, {0}, {1}}));
  expect_ints(r, nx::u8, {3, 3}, {0, 1, 0, 1, 0, 1, 0, 1, 0});
  expect_ints(nx::logical_not(T({-1, 0, 1})), nx::u8, {3}, {0, 1, 0});
  expect_ints(nx::logical_not(T({-1.0, 0.0, 1.0})), nx::u8, {3}, {0, 1, 0});
  auto x = T({nan_v, -0.0, 0.5, 0.0}), y = T({1.0, 1.0, 1.0, 0.0});
  expect_ints(nx::logical_and(x, y), nx::u8, {4}, {1, 0, 1, 0});
  expect_ints(nx::logical_or(x, y), nx::u8, {4}, {1, 1, 1, 0});
  expect_ints(nx::logical_xor(x, y), nx::u8, {4}, {0, 1, 0, 0});
  expect_ints(nx::logical_not(T({nan_v, -0.0})), nx::u8, {2}, {0, 1});
  expect_ints(nx::logical_and(T({cd(0, 1), cd(0, 0)}), 1), nx::u8, {2}, {1, 0});
  expect_ints(nx::logical_or(T({0}, nx::u64), T({256}, nx::s16)), nx::u8, {1}, {1});
}

// ---------------------------------------------------------------- clip and select

TEST_P(Elementwise, Clip) {
  auto t = T({{1, 2, 3}, {4, 5, 6}});
  expect_ints(nx::clip(t, 2, 4), nx::s32, {2, 3}, {2, 2, 3, 4, 4, 4});
  expect_floats(nx::clip(t, 2.0, 3), nx::f32, {2, 3}, {2, 2, 3, 3, 3, 3});
  expect_ints(nx::clip(T({0, 100, 255}, nx::u8), 0, 10), nx::s32, {3}, {0, 10, 10});  // literal -> s32 tensor
  expect_floats(nx::clip(T({nan_v, -inf, inf, 0.5}), -1.0, 1.0), nx::f32, {4}, {-1.0, -1.0, 1.0, 0.5});
  expect_ints(nx::clip(T({1, 5, 9}), 6, 2), nx::s32, {3}, {2, 2, 2});  // min > max -> max
  expect_ints(nx::clip(T({-5, 300}), S(0, nx::u8), S(255, nx::u8)), nx::s32, {2}, {0, 255});
  expect_floats(nx::clip(T({0.25, 3.0}, nx::f16), S(0.5, nx::f16), S(2.0, nx::f16)), nx::f16, {2}, {0.5, 2.0});
  expect_ints(nx::clip(S(7), 1, 3), nx::s32, {}, {3});
  EXPECT_THROW(nx::clip(T({cd(1, 1)}), 0, 1), nx::ArgumentError);
  EXPECT_THROW(nx::clip(t, T({1, 2}), 3), nx::ArgumentError);
}

TEST_P(Elementwise, Select) {
  expect_ints(nx::select(T({0, 1, 2}, nx::u8), T({0, 0, 0}), T({1, 1, 1})), nx::s32, {3}, {1, 0, 0});
  expect_floats(nx::select(T({0, 1, 0}), T({1, 1, 1}), T({2.0, 2.0, 2.0})), nx::f32, {3}, {2, 1, 2});
  expect_ints(nx::select(S(0), T({{1, 2}}), T({{3}, {4}})), nx::s32, {2, 2}, {3, 3, 4, 4});
  expect_ints(nx::select(T({nan_v, -0.0, 0.5}), 1, 0), nx::s32, {3}, {1, 0, 1});
  expect_ints(nx::select(T({cd(0, 1), cd(0, 0)}), 1, 0), nx::s32, {2}, {1, 0});
  expect_ints(nx::select(T({1, 0}, nx::u8), T({1}, nx::u8), 0), nx::s32, {2}, {1, 0});  // literal -> s32
  expect_ints(nx::select(T({{1, 0}, {0, 1}}), T({5, 6}, nx::u8), T({-1}, nx::s8)), nx::s16, {2, 2}, {5, -1, -1, 6});
  expect_ints(nx::select(S(1), S(2), S(3)), nx::s32, {}, {2});
  EXPECT_THROW(nx::select(T({1, 0}), T({1, 2, 3}), 0), nx::ArgumentError);
}

// The ops that reject complex inputs (either operand).
TEST_P(Elementwise, ComplexRejected) {
  auto z = T({cd(1, 1)}), r = T({1});
  for (auto op : {nx::BinaryOp::remainder, nx::BinaryOp::max, nx::BinaryOp::min, nx::BinaryOp::quotient,
                  nx::BinaryOp::bitwise_and, nx::BinaryOp::bitwise_or, nx::BinaryOp::bitwise_xor,
                  nx::BinaryOp::left_shift, nx::BinaryOp::right_shift}) {
    EXPECT_THROW(nx::binary(op, z, r), nx::ArgumentError) << nx::op_name(op);
    EXPECT_THROW(nx::binary(op, r, z), nx::ArgumentError) << nx::op_name(op);
    EXPECT_THROW(nx::binary(op, r, cd(0, 1)), nx::ArgumentError) << nx::op_name(op);
  }
  for (auto op : {nx::UnaryOp::floor, nx::UnaryOp::ceil, nx::UnaryOp::round, nx::UnaryOp::erf, nx::UnaryOp::erfc,
                  nx::UnaryOp::erf_inv})
    EXPECT_THROW(nx::unary(op, z), nx::ArgumentError) << nx::op_name(op);
  EXPECT_THROW(nx::reduce_max(z), nx::ArgumentError);
  EXPECT_THROW(nx::reduce_min(z), nx::ArgumentError);
  EXPECT_THROW(nx::argmax(z), nx::ArgumentError);
  EXPECT_THROW(nx::argmin(z), nx::ArgumentError);
  EXPECT_THROW(nx::clip(z, 0, 1), nx::ArgumentError);
  EXPECT_THROW(nx::clip(r, S(cd(0, 1)), 1), nx::ArgumentError);
  EXPECT_THROW(nx::bitcast(z, nx::u64), nx::ArgumentError);
  // and the ones that accept it
  EXPECT_NO_THROW(nx::sum(z));
  EXPECT_NO_THROW(nx::exp(z));
  EXPECT_NO_THROW(nx::equal(z, r));
}

NX_ALL_BACKENDS(Elementwise);

// ================================================================ reference-only types

nx::BackendPtr ref() { return nx::binary_backend(); }
Tensor R(const nx::Literal& v, Type type) { return nx::tensor(v, {.type = type, .backend = ref()}); }
std::vector<std::int64_t> bytes_of(const Tensor& t) {
  auto b = nx::to_binary(t);
  return std::vector<std::int64_t>(b.begin(), b.end());
}

TEST(ReferenceStorage, F8E4M3FnClampsAndRoundsWithoutCarry) {
  auto t = R({inf, -inf, nan_v, 448.0, 1000.0, -0.0, 0.0, 1.95, 1.0, 1.0625, 1.1875}, nx::f8_e4m3fn);
  // Inf -> 448 (0x7E), -Inf -> -448 (0xFE), NaN 0x7F; 1.95 -> 1.875 (no carry into the exponent);
  // 1.0625 is halfway between 1.0 and 1.125 -> away from zero; 1.1875 -> 1.25
  EXPECT_EQ(bytes_of(t), (std::vector<std::int64_t>{0x7E, 0xFE, 0x7F, 0x7E, 0x7E, 0x80, 0x00, 0x3F, 0x38, 0x39, 0x3A}));
  expect_floats(t, nx::f8_e4m3fn, {11}, {448, -448, nan_v, 448, 448, -0.0, 0, 1.875, 1, 1.125, 1.25});
  EXPECT_EQ(nx::format_values(R({inf}, nx::f8_e4m3fn)), "[450.0]");
  // subnormals: 2^-9 is the smallest; 0.75 * 2^-9 rounds up to it; 2^-10 (half) rounds away from zero
  auto s = R({std::ldexp(1.0, -9), std::ldexp(3.0, -9), std::ldexp(0.75, -9), std::ldexp(1.0, -10), std::ldexp(0.4, -9)},
             nx::f8_e4m3fn);
  EXPECT_EQ(bytes_of(s), (std::vector<std::int64_t>{0x01, 0x03, 0x01, 0x01, 0x00}));
  // arithmetic: computed exactly, stored once with the clamp
  expect_floats(nx::add(R({400.0}, nx::f8_e4m3fn), R({100.0}, nx::f8_e4m3fn)), nx::f8_e4m3fn, {1}, {448.0});
  expect_floats(nx::as_type(R({300, -1000}, nx::s32), nx::f8_e4m3fn), nx::f8_e4m3fn, {2}, {288.0, -448.0});
  expect_ints(nx::as_type(R({nan_v}, nx::f8_e4m3fn), nx::s8), nx::s8, {1}, {0});
  // e4m3fn with a literal gives f32 (1.4), but with an f32 tensor the left operand wins (1.3)
  EXPECT_EQ(nx::add(R({1.0}, nx::f8_e4m3fn), 1.0).type(), nx::f32);
  EXPECT_EQ(nx::add(R({1.0}, nx::f8_e4m3fn), R({1.0}, nx::f32)).type(), nx::f8_e4m3fn);
  EXPECT_EQ(nx::add(R({1.0}, nx::f32), R({1.0}, nx::f8_e4m3fn)).type(), nx::f32);
  EXPECT_EQ(nx::add(nan_v, R({1.0}, nx::f8_e4m3fn)).type(), nx::f32);
  EXPECT_EQ(nx::add(R({1.0}, nx::f8_e4m3fn), nan_v).type(), nx::f8_e4m3fn);
  // max of the type is the padding identity: max finite 448, no infinities
  expect_floats(nx::reduce_max(R({-448.0, -448.0}, nx::f8_e4m3fn)), nx::f8_e4m3fn, {}, {-448.0});
}

TEST(ReferenceStorage, F8E5M2TruncatesTheF16Value) {
  auto t = R({inf, -inf, nan_v, 57344.0, 1.0, 1.125, 1.375, 1e6, -0.0}, nx::f8);
  EXPECT_EQ(bytes_of(t), (std::vector<std::int64_t>{0x7C, 0xFC, 0x7E, 0x7B, 0x3C, 0x3C, 0x3D, 0x7C, 0x80}));
  expect_floats(t, nx::f8, {9}, {inf, -inf, nan_v, 57344, 1, 1, 1.25, inf, -0.0});
  expect_floats(nx::multiply(R({3.0}, nx::f8), R({3.0}, nx::f8)), nx::f8, {1}, {8.0});  // 9 -> 0x4880 -> 0x48 = 8
  EXPECT_EQ(nx::add(R({1.0}, nx::f8), R({1.0}, nx::bf16)).type(), nx::f8);
  test::expect_close(nx::exp(R({1.0}, nx::f8)), nx::f8, {1}, {2.5});
}

TEST(ReferenceStorage, F16AndBf16BitPatterns) {
  EXPECT_EQ(bytes_of(R({65504.0, 65520.0, nan_v, std::ldexp(1.0, -24), std::ldexp(1.0, -25)}, nx::f16)),
            (std::vector<std::int64_t>{0xFF, 0x7B, 0x00, 0x7C, 0x00, 0x7E, 0x01, 0x00, 0x00, 0x00}));
  EXPECT_EQ(bytes_of(R({1.005859375, nan_v, -inf, 3.3895314e38}, nx::bf16)),
            (std::vector<std::int64_t>{0x80, 0x3F, 0xC0, 0x7F, 0x80, 0xFF, 0x7F, 0x7F}));
  // reference sums bf16 values exactly and stores once (truncating)
  expect_floats(nx::add(R({1.0}, nx::bf16), R({0.0078125}, nx::bf16)), nx::bf16, {1}, {1.0078125});
  expect_floats(nx::add(R({1.0}, nx::bf16), R({0.005859375}, nx::bf16)), nx::bf16, {1}, {1.0});
}

TEST(ReferenceStorage, SubBytePackingToBinary) {
  // MSB-first bit packing; byte counts round up in our byte vectors
  EXPECT_EQ(bytes_of(R({1, 2, 3}, nx::u2)), (std::vector<std::int64_t>{0b01101100}));
  EXPECT_EQ(bytes_of(R({-8, -1, 7}, nx::s4)), (std::vector<std::int64_t>{0x8F, 0x70}));
  EXPECT_EQ(bytes_of(R({0, 7, 15}, nx::u4)), (std::vector<std::int64_t>{0x07, 0xF0}));
  EXPECT_EQ(bytes_of(R({1, 2}, nx::u4)), (std::vector<std::int64_t>{0x12}));
  EXPECT_EQ(bytes_of(R({1, 2, 3, 0}, nx::u2)), (std::vector<std::int64_t>{0x6C}));
  EXPECT_EQ(bytes_of(R({-2, -1, 0, 1}, nx::s2)), (std::vector<std::int64_t>{0b10110001}));
  EXPECT_EQ(nx::to_binary(R({1, 2, 3, 0, 1}, nx::u2), {.limit = 2}), (std::vector<std::uint8_t>{0x60}));
  // from_binary of sub-byte data
  std::vector<std::uint8_t> bytes = {0x8F, 0x70};
  expect_ints(nx::from_binary(bytes, nx::s4, {.backend = ref()}), nx::s4, {4}, {-8, -1, 7, 0});
  expect_ints(nx::from_binary(std::vector<std::uint8_t>{0x8F}, nx::u2, {2, 2}, {.backend = ref()}), nx::u2, {2, 2},
              {2, 0, 3, 3});
  expect_ints(nx::from_binary(std::vector<std::uint8_t>{0x8F}, nx::s2, {.backend = ref()}), nx::s2, {4}, {-2, 0, -1, -1});
  EXPECT_THROW(nx::from_binary(bytes, nx::s4, {5}, {.backend = ref()}), nx::ArgumentError);
  // storage wraps; arithmetic promotes like any integer type
  expect_ints(R({4, 5, -9}, nx::s4), nx::s4, {3}, {4, 5, 7});
  expect_ints(nx::add(R({15}, nx::u4), R({1}, nx::u4)), nx::u4, {1}, {0});
  expect_ints(nx::add(R({7}, nx::s4), R({1}, nx::s4)), nx::s4, {1}, {-8});
  expect_ints(nx::add(R({3}, nx::u2), R({1}, nx::s2)), nx::s4, {1}, {4});
  expect_ints(nx::add(R({3}, nx::u2), 1), nx::u2, {1}, {0});
  expect_ints(nx::add(R({3}, nx::u2), 2), nx::u8, {1}, {5});
  expect_ints(nx::negate(R({1}, nx::u4)), nx::u4, {1}, {15});
  expect_ints(nx::bitwise_not(R({0, 5}, nx::s4)), nx::s4, {2}, {-1, -6});
  expect_ints(nx::count_leading_zeros(R({0, 1, 3}, nx::u2)), nx::u2, {3}, {2, 1, 0});
  expect_ints(nx::population_count(R({-1, 5}, nx::s4)), nx::s4, {2}, {4, 2});
  expect_ints(nx::right_shift(R({-8}, nx::s4), R({1}, nx::s4)), nx::s4, {1}, {-4});
  expect_ints(nx::left_shift(R({1}, nx::u4), R({4}, nx::u4)), nx::u4, {1}, {0});
  expect_ints(nx::sum(R({3, 3, 3}, nx::u2)), nx::u32, {}, {9});
  expect_ints(nx::as_type(R({7.9, -8.5}, nx::f32), nx::s4), nx::s4, {2}, {7, -8});
  expect_ints(nx::as_type(R({inf, -inf}, nx::f32), nx::s2), nx::s2, {2}, {1, -2});
  expect_ints(nx::bitcast(R({-1, 0, 7}, nx::s4), nx::u4), nx::u4, {3}, {15, 0, 7});
  expect_ints(nx::iota({5}, {.type = nx::u2, .backend = ref()}), nx::u2, {5}, {0, 1, 2, 3, 0});
}

TEST(ReferenceStorage, C128) {
  auto z = R({cd(1, 2), cd(-0.5, 0.25)}, nx::c128);
  expect_complex(nx::multiply(z, z), nx::c128, {2}, {cd(-3, 4), cd(0.1875, -0.25)});
  expect_complex(nx::conjugate(z), nx::c128, {2}, {cd(1, -2), cd(-0.5, -0.25)});
  expect_floats(nx::abs(R({cd(3, 4)}, nx::c128)), nx::f64, {1}, {5.0});
  expect_floats(nx::real(z), nx::f64, {2}, {1, -0.5});
  EXPECT_EQ(nx::add(R({1.0}, nx::f64), R({cd(1, 1)}, nx::c64)).type(), nx::c128);
  expect_complex(nx::as_type(R({cd(0.1, 0.2)}, nx::c128), nx::c64), nx::c64, {1},
                 {cd(static_cast<float>(0.1), static_cast<float>(0.2))});
}

}  // namespace
