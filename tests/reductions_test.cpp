// Hand-valued tests of sum, product, reduce_max, reduce_min, all, any,
// argmax, argmin and reduce on every backend: aggregate types and wrap-around,
// NaN propagation, tie breaking, and values printed by Nx's doctests.
#include <limits>

#include "test_util.hpp"

namespace {

using nx::Tensor;
using nx::Type;
using cd = std::complex<double>;
constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

using test::expect_floats;
using test::expect_ints;

class Reductions : public test::BackendTest {
 protected:
  Tensor T(const nx::Literal& v, std::optional<Type> type = std::nullopt, nx::Names names = {}) const {
    return nx::tensor(v, {.type = type, .names = std::move(names), .backend = b()});
  }
  // Every pairing of -Inf, +Inf and NaN with another value, and a finite column.
  Tensor table() const {
    return T({{-inf, inf, 1.0}, {-inf, nan_v, 1.0}, {-inf, -inf, 1.0}, {-inf, 0.0, 1.0},
              {inf, inf, 1.0}, {inf, nan_v, 1.0}, {inf, -inf, 1.0}, {inf, 0.0, 1.0},
              {nan_v, inf, 1.0}, {nan_v, nan_v, 1.0}, {nan_v, -inf, 1.0}, {nan_v, 0.0, 1.0}});
  }
  // A {2, 2, 3} tensor with ties along every axis.
  Tensor t223() const { return T({{{4, 2, 3}, {1, -5, 3}}, {{6, 2, 3}, {4, 8, 3}}}); }
};

TEST_P(Reductions, SumAggregateTypesAndWrap) {
  expect_ints(nx::sum(T({{101, 102}, {103, 104}}, nx::s8)), nx::s32, {}, {410});
  auto i = nx::iota({2, 2, 3}, {.backend = b()});
  expect_ints(nx::sum(i, {.axes = {{0, 2}}}), nx::s32, {2}, {24, 42});
  expect_ints(nx::sum(i, {.axes = {{2, 0}}}), nx::s32, {2}, {24, 42});  // axes in the caller's order
  expect_ints(nx::sum(i, {.axes = {{-1}}, .keep_axes = true}), nx::s32, {2, 2, 1}, {3, 12, 21, 30});
  expect_ints(nx::sum(i, {.keep_axes = true}), nx::s32, {1, 1, 1}, {66});
  expect_ints(nx::sum(T({255, 255}, nx::u8)), nx::u32, {}, {510});
  expect_ints(nx::sum(T({-1, 2}, nx::u64)), nx::s64, {}, {1});  // u64 accumulates in s64 and wraps
  expect_ints(nx::sum(T({4294967295LL, 1}, nx::u32)), nx::u32, {}, {0});
  expect_ints(nx::sum(T({2147483647, 1})), nx::s32, {}, {-2147483648LL});
  expect_ints(nx::sum(T({-128, -128}, nx::s8)), nx::s32, {}, {-256});
  expect_ints(nx::sum(T({30000, 30000}, nx::s16)), nx::s32, {}, {60000});
  expect_floats(nx::sum(T({inf, -inf})), nx::f32, {}, {nan_v});
  expect_floats(nx::sum(T({65504.0, 65504.0}, nx::f16)), nx::f16, {}, {inf});
  // stored once: truncated by the reference, rounded to nearest even by Emily
  expect_floats(nx::sum(T({1.0, 0.005859375}, nx::bf16)), nx::bf16, {}, {GetParam() == "binary" ? 1.0 : 1.0078125});
  expect_floats(nx::sum(T({0.1, 0.2, 0.3}, nx::f64)), nx::f64, {}, {0.1 + 0.2 + 0.3});
  auto z = nx::sum(T({cd(1, 2), cd(3, -1)}));
  EXPECT_EQ(z.type(), nx::c64);
  EXPECT_EQ(nx::to_number<cd>(z), cd(4, 1));
  expect_ints(nx::sum(T(5, nx::u8)), nx::u32, {}, {5});
  // axes: [] is a plain conversion to the aggregate type
  expect_ints(nx::sum(T({1, -2}, nx::s8), {.axes = nx::Axes{}}), nx::s32, {2}, {1, -2});
  auto named = nx::sum(T({{1, 2}, {3, 4}}, std::nullopt, {"rows", "cols"}), {.axes = {{0}}});
  expect_ints(named, nx::s32, {2}, {4, 6});
  EXPECT_EQ(named.names(), (nx::Names{"cols"}));
  EXPECT_THROW(nx::sum(i, {.axes = {{3}}}), nx::ArgumentError);
  EXPECT_THROW(nx::sum(i, {.axes = {{0, -3}}}), nx::ArgumentError);
  EXPECT_THROW(nx::sum(T(1), {.axes = {{0}}}), nx::ArgumentError);
}

TEST_P(Reductions, Product) {
  expect_ints(nx::product(T({{10, 20}, {30, 40}}, nx::u8)), nx::u32, {}, {240000});
  auto i = nx::iota({2, 2, 3}, {.backend = b()});
  expect_ints(nx::product(i, {.axes = {{2}}}), nx::s32, {2, 2}, {0, 60, 336, 990});
  expect_ints(nx::product(T({255, 255, 255, 255, 255}, nx::u8)), nx::u32, {}, {167118079});
  expect_ints(nx::product(T({-128, 2}, nx::s8)), nx::s32, {}, {-256});
  expect_ints(nx::product(T({1LL << 32, 1LL << 32}, nx::u64)), nx::s64, {}, {0});
  expect_ints(nx::product(T({-1, -1}, nx::u64)), nx::s64, {}, {1});
  expect_floats(nx::product(T({inf})), nx::f32, {}, {inf});
  expect_floats(nx::product(T({inf, 0.0})), nx::f32, {}, {nan_v});
  expect_floats(nx::product(T({256.0, 256.0}, nx::f16)), nx::f16, {}, {inf});
  auto z = nx::product(T({cd(1, 2), cd(3, -1)}));
  EXPECT_EQ(nx::to_number<cd>(z), cd(5, 5));
}

TEST_P(Reductions, ReduceMaxMinPropagateNaN) {
  expect_floats(nx::reduce_max(table(), {.axes = {{1}}}), nx::f32, {12},
                {inf, nan_v, 1, 1, inf, nan_v, inf, inf, nan_v, nan_v, nan_v, nan_v});
  expect_floats(nx::reduce_min(table(), {.axes = {{1}}}), nx::f32, {12},
                {-inf, nan_v, -inf, -inf, 1, nan_v, -inf, 0, nan_v, nan_v, nan_v, nan_v});
  expect_ints(nx::reduce_max(T({{{1, 2}, {4, 5}}, {{2, 4}, {3, 8}}}), {.axes = {{0, 2}}, .keep_axes = true}), nx::s32,
              {1, 2, 1}, {4, 8});
  expect_ints(nx::reduce_min(T({{{1, 2}, {4, 5}}, {{2, 4}, {3, 8}}}), {.axes = {{2, 0}}}), nx::s32, {2}, {1, 3});
  expect_ints(nx::reduce_max(T({0, -1, 5}, nx::u64)), nx::u64, {}, {-1});  // 2^64-1
  expect_ints(nx::reduce_min(T({0, -1, 5}, nx::u64)), nx::u64, {}, {0});
  expect_ints(nx::reduce_max(T({-128, 127, 0}, nx::s8)), nx::s8, {}, {127});
  expect_ints(nx::reduce_min(T({{-128, 127}, {5, 6}}, nx::s8), {.axes = {{1}}}), nx::s8, {2}, {-128, 5});
  expect_floats(nx::reduce_max(T({1.5, -2.0, nan_v}, nx::f16)), nx::f16, {}, {nan_v});
  expect_floats(nx::reduce_min(T({1.5, -2.0}, nx::bf16)), nx::bf16, {}, {-2.0});
  expect_floats(nx::reduce_max(T({-inf, -inf})), nx::f32, {}, {-inf});
  expect_floats(nx::reduce_max(T(3.5, nx::f64)), nx::f64, {}, {3.5});
  EXPECT_THROW(nx::reduce_max(T({cd(1, 0)})), nx::ArgumentError);
  EXPECT_THROW(nx::reduce_min(T({cd(1, 0)})), nx::ArgumentError);
}

TEST_P(Reductions, AllAny) {
  expect_ints(nx::all(T({{-1, 0, 1}, {2, 3, 4}}), {.axes = {{1}}, .keep_axes = true}), nx::u8, {2, 1}, {0, 1});  // 66
  expect_ints(nx::any(T({{0, 1, 0}, {0, 1, 2}}), {.axes = {{0}}}), nx::u8, {3}, {0, 1, 1});                     // 67
  expect_ints(nx::all(T({nan_v, 1.0})), nx::u8, {}, {1});
  expect_ints(nx::any(T({-0.0, 0.0})), nx::u8, {}, {0});
  expect_ints(nx::all(T({-0.0, 1.0})), nx::u8, {}, {0});
  expect_ints(nx::any(T({cd(0, 0), cd(0, 1)})), nx::u8, {}, {1});
  expect_ints(nx::all(T({cd(0, 1), cd(1, 0)})), nx::u8, {}, {1});
  expect_ints(nx::all(T({cd(0, 1), cd(0, 0)})), nx::u8, {}, {0});
  expect_ints(nx::any(T({0, 1LL << 40}, nx::s64)), nx::u8, {}, {1});
  expect_ints(nx::all(T({256, 512}, nx::u16)), nx::u8, {}, {1});
  expect_ints(nx::all(T(0)), nx::u8, {}, {0});
  expect_ints(nx::any(T({{0, 0}, {0, 3}}), {.keep_axes = true}), nx::u8, {1, 1}, {1});
  expect_ints(nx::all(T({{1, 0}, {1, 3}}), {.axes = {{0}}}), nx::u8, {2}, {1, 0});
}

TEST_P(Reductions, ArgMaxArgMin) {
  expect_ints(nx::argmax(table(), {.axis = 1}), nx::s32, {12}, {1, 1, 2, 2, 0, 1, 0, 0, 0, 1, 0, 0});
  expect_ints(nx::argmin(table(), {.axis = 1}), nx::s32, {12}, {0, 1, 0, 0, 2, 1, 1, 1, 0, 1, 0, 0});
  expect_ints(nx::argmax(table(), {.axis = 1, .tie_break = nx::TieBreak::high}), nx::s32, {12},
              {1, 1, 2, 2, 1, 1, 0, 0, 0, 1, 0, 0});
  expect_ints(nx::argmax(T({2.0, nan_v, 4.0})), nx::s32, {}, {1});
  expect_ints(nx::argmin(T({2.0, nan_v, 4.0})), nx::s32, {}, {1});
  expect_ints(nx::argmax(T({nan_v, 1.0, nan_v})), nx::s32, {}, {2});  // the last NaN
  expect_ints(nx::argmax(t223()), nx::s32, {}, {10});
  expect_ints(nx::argmin(t223()), nx::s32, {}, {4});
  expect_ints(nx::argmax(t223(), {.axis = 0}), nx::s32, {2, 3}, {1, 0, 0, 1, 1, 0});
  expect_ints(nx::argmax(t223(), {.axis = 1, .tie_break = nx::TieBreak::high, .type = nx::u32}), nx::u32, {2, 3},
              {0, 0, 1, 0, 1, 1});
  expect_ints(nx::argmin(t223(), {.axis = 1, .tie_break = nx::TieBreak::high, .type = nx::u32}), nx::u32, {2, 3},
              {1, 1, 1, 1, 0, 1});
  expect_ints(nx::argmax(t223(), {.axis = 1, .keep_axis = true}), nx::s32, {2, 1, 3}, {0, 0, 0, 0, 1, 0});
  expect_ints(nx::argmax(t223(), {.keep_axis = true}), nx::s32, {}, {10});  // keep_axis ignored without an axis
  expect_ints(nx::argmin(t223(), {.axis = -1, .type = nx::s8}), nx::s8, {2, 2}, {1, 1, 1, 2});
  expect_ints(nx::argmax(T({3, 3, 3}), {.tie_break = nx::TieBreak::high}), nx::s32, {}, {2});
  expect_ints(nx::argmin(T({3, 3, 3})), nx::s32, {}, {0});
  expect_ints(nx::argmax(T({0, -1, 5}, nx::u64)), nx::s32, {}, {1});
  expect_ints(nx::argmin(T({-inf, -inf, 0.0}, nx::f16), {.tie_break = nx::TieBreak::high}), nx::s32, {}, {1});
  expect_ints(nx::argmax(T({1.0, 2.0}, nx::bf16), {.type = nx::u64}), nx::u64, {}, {1});
  expect_ints(nx::argmax(T(7)), nx::s32, {}, {0});
  EXPECT_THROW(nx::argmax(T({cd(1, 0)})), nx::ArgumentError);
  EXPECT_THROW(nx::argmin(t223(), {.type = nx::f32}), nx::ArgumentError);
  EXPECT_THROW(nx::argmax(t223(), {.axis = 3}), nx::ArgumentError);
}

TEST_P(Reductions, Reduce) {
  auto add = [](const Tensor& e, const Tensor& acc) { return nx::add(e, acc); };
  auto t = T({{{1, 2, 3}, {4, 5, 6}}, {{7, 8, 9}, {10, 11, 12}}});
  expect_ints(nx::reduce(t, nx::Scalar(0), add, {.axes = {{0, 2}}}), nx::s32, {2}, {30, 48});
  expect_ints(nx::reduce(t, nx::Scalar(0), add), nx::s32, {}, {78});
  expect_ints(nx::reduce(t, nx::Scalar(100), add, {.axes = {{1}}, .keep_axes = true}), nx::s32, {2, 1, 3},
              {105, 107, 109, 117, 119, 121});
  // the accumulator follows the literal rule; fn(element, acc) in row-major order
  auto sub = [](const Tensor& e, const Tensor& acc) { return nx::subtract(e, acc); };
  expect_ints(nx::reduce(T({1, 2, 3}, nx::u8), nx::Scalar(0), sub), nx::u8, {}, {2});  // 3-(2-(1-0)) = 2
  auto maxf = [](const Tensor& e, const Tensor& acc) { return nx::max(e, acc); };
  expect_floats(nx::reduce(T({1.5, -2.0, 7.25}), nx::Scalar(-inf), maxf), nx::f32, {}, {7.25});
  expect_floats(nx::reduce(T({1, 2}, nx::s8), nx::Scalar(0.5), add), nx::f32, {}, {3.5});
  expect_ints(nx::reduce(T({200, 100}, nx::u8), nx::Scalar(0), add, {.type = nx::u8}), nx::u8, {}, {44});
  EXPECT_THROW(nx::reduce(t, T({0, 0}), add), nx::ArgumentError);
}

NX_ALL_BACKENDS(Reductions);

}  // namespace
