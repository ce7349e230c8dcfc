// Emily's reduction-family CPU kernels (src/emily/cpu/reduce.hpp, index.hpp):
// hand values with Nx's NaN, tie and signed-zero rules, randomized
// comparisons with the reference backend over shapes on both sides of the
// threading and piece thresholds (every axis of rank-3 tensors, keep_axes),
// strided inputs, the switch, and the types and layouts that keep MLX's
// path. Every kernel comparison asserts that the kernel ran.
#include <cmath>
#include <limits>

#include "cpu_kernels_util.hpp"
#include "compare_util.hpp"
#include "emily/compiler.hpp"
#include "emily/cpu/kernels.hpp"
#include "emily/cpu/primitive.hpp"

namespace {

using nx::Tensor;
using nx::Type;
namespace cpu = emily::cpu;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

nx::BackendPtr emily_cpu() { return emily::backend({.device = emily::Device::cpu}); }
Tensor back(const Tensor& t) { return nx::backend_copy(t, nx::binary_backend()); }

using test::KernelsOn;

// Counts the runs of one kernel over a scope.
class Runs {
 public:
  explicit Runs(std::string kernel) : kernel_(std::move(kernel)), before_(cpu::runs(kernel_)) {}
  std::uint64_t count() const { return cpu::runs(kernel_) - before_; }

 private:
  std::string kernel_;
  std::uint64_t before_;
};

Tensor E(const std::vector<double>& v, Type type, const nx::Shape& shape = {}) {
  Tensor t = nx::tensor(v, {.type = type, .backend = emily_cpu()});
  return shape.empty() ? t : nx::reshape(t, shape);
}

// Uniform values that are not multiples of a power of two (sums round).
Tensor noisy(test::Rng& rng, Type type, const nx::Shape& shape, double lo = -10, double hi = 10) {
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<double> v(static_cast<std::size_t>(nx::shape_size(shape)));
  for (double& x : v) x = u(rng);
  return nx::reshape(nx::tensor(v, {.type = type}), shape);
}

// `t` (on the reference backend) with NaN at about one element in `every`.
Tensor with_nans(test::Rng& rng, const Tensor& t, int every) {
  auto v = nx::to_flat_list<double>(t);
  std::uniform_int_distribution<int> pick(0, every - 1);
  for (double& x : v)
    if (pick(rng) == 0) x = kNaN;
  return nx::reshape(nx::tensor(v, {.type = t.type()}), t.shape());
}

// ---- hand values ----

class CpuReduceHand : public ::testing::TestWithParam<Type> {
 protected:
  KernelsOn on_{true};
};

TEST_P(CpuReduceHand, SumAndProduct) {
  const Type t = GetParam();
  Runs sums("sum"), products("product");
  test::expect_floats(nx::sum(E({1, 2, 3, 4.5}, t)), t, {}, {10.5});
  Tensor nz = nx::sum(E({-0.0, -0.0, -0.0}, t));
  test::expect_floats(nz, t, {}, {-0.0});
  EXPECT_TRUE(std::signbit(nx::to_flat_list<double>(nz)[0]));  // -0 + -0 is -0
  test::expect_floats(nx::sum(E({kInf, 1, -kInf}, t)), t, {}, {kNaN});
  test::expect_floats(nx::sum(E({kInf, 1, 2}, t)), t, {}, {kInf});
  test::expect_floats(nx::sum(E({1, 2, 3, 4, 5, 6}, t, {2, 3}), {.axes = {{0}}}), t, {3}, {5, 7, 9});
  test::expect_floats(nx::sum(E({1, 2, 3, 4, 5, 6}, t, {2, 3}), {.axes = {{1}}, .keep_axes = true}), t, {2, 1},
                      {6, 15});
  test::expect_floats(nx::product(E({2, -3, 0.5}, t)), t, {}, {-3});
  test::expect_floats(nx::product(E({kInf, 0}, t)), t, {}, {kNaN});
  if (t == nx::f32) {
    // Products accumulate in f64: 1e30 * 1e30 does not overflow on the way.
    const double big = static_cast<double>(1e30f);
    test::expect_close(nx::product(E({big, big, 1 / big}, t)), t, {}, {big}, 1e-6, 0);
  }
  EXPECT_EQ(sums.count(), 6u);
  EXPECT_EQ(products.count(), t == nx::f32 ? 3u : 2u);
}

// f32 sums round once: 1 + 4096 * 2^-25 is 1 + 2^-13 (exact), which a
// running f32 sum (each addend below half an ulp of 1) would lose; so
// does the scan's last element.
TEST(CpuReduceKernels, F32SumRoundsOnce) {
  KernelsOn on(true);
  std::vector<double> v(4097, 0x1p-25);
  v[0] = 1;
  Runs runs("sum"), scans("cumulative_sum");
  test::expect_floats(nx::sum(E(v, nx::f32)), nx::f32, {}, {1 + 0x1p-13});
  auto c = nx::to_flat_list<double>(nx::cumulative_sum(E(v, nx::f32)));
  EXPECT_EQ(c.back(), 1 + 0x1p-13);
  EXPECT_EQ(c[2048], 1 + 0x1p-14);
  EXPECT_EQ(runs.count(), 1u);
  EXPECT_EQ(scans.count(), 1u);
}

TEST_P(CpuReduceHand, MaxMinFollowNx) {
  const Type t = GetParam();
  Runs runs("reduce_max");
  test::expect_floats(nx::reduce_max(E({1, kNaN, 3}, t)), t, {}, {kNaN});
  test::expect_floats(nx::reduce_min(E({kNaN, 1, 3}, t)), t, {}, {kNaN});
  test::expect_floats(nx::reduce_max(E({-kInf, -kInf}, t)), t, {}, {-kInf});
  test::expect_floats(nx::reduce_min(E({kInf, 2, kInf}, t)), t, {}, {2});
  Tensor z = nx::reduce_max(E({-0.0, -0.0}, t));
  EXPECT_TRUE(std::signbit(nx::to_flat_list<double>(z)[0]));
  // Columns: a NaN in one column leaves the others alone.
  test::expect_floats(nx::reduce_max(E({1, kNaN, 5, 2, 0, -kInf}, t, {2, 3}), {.axes = {{0}}}), t, {3}, {2, kNaN, 5});
  test::expect_floats(nx::reduce_min(E({1, kNaN, 5, 2, 0, -kInf}, t, {2, 3}), {.axes = {{1}}}), t, {2}, {kNaN, -kInf});
  EXPECT_EQ(runs.count(), 4u);
}

TEST_P(CpuReduceHand, ArgTiesAndNaN) {
  const Type t = GetParam();
  const auto high = nx::TieBreak::high;
  Runs maxes("argmax"), mins("argmin");
  test::expect_ints(nx::argmax(E({1, 3, 3, 2}, t)), nx::s32, {}, {1});
  test::expect_ints(nx::argmax(E({1, 3, 3, 2}, t), {.tie_break = high}), nx::s32, {}, {2});
  test::expect_ints(nx::argmin(E({2, 1, 1, 5}, t)), nx::s32, {}, {1});
  test::expect_ints(nx::argmin(E({2, 1, 1, 5}, t), {.tie_break = high}), nx::s32, {}, {2});
  test::expect_ints(nx::argmax(E({2, kNaN, 4}, t)), nx::s32, {}, {1});
  test::expect_ints(nx::argmin(E({kNaN, 1, kNaN}, t), {.tie_break = high}), nx::s32, {}, {2});  // the last NaN
  test::expect_ints(nx::argmax(E({-kInf, -kInf, -kInf}, t)), nx::s32, {}, {0});
  test::expect_ints(nx::argmax(E({-kInf, -kInf, -kInf}, t), {.tie_break = high}), nx::s32, {}, {2});
  test::expect_ints(nx::argmin(E({kInf, kInf}, t), {.tie_break = high}), nx::s32, {}, {1});
  test::expect_ints(nx::argmax(E({-0.0, 0.0}, t)), nx::s32, {}, {0});  // -0 == 0: a tie
  test::expect_ints(nx::argmax(E({-0.0, 0.0}, t), {.tie_break = high}), nx::s32, {}, {1});
  // Along axes, keep_axis, and a wider index type.
  Tensor m = E({4, 2, 4, kNaN, 1, 1}, t, {2, 3});
  test::expect_ints(nx::argmax(m, {.axis = 1}), nx::s32, {2}, {0, 0});
  test::expect_ints(nx::argmax(m, {.axis = 1, .tie_break = high, .keep_axis = true}), nx::s32, {2, 1}, {2, 0});
  test::expect_ints(nx::argmin(m, {.axis = 0, .type = nx::s64}), nx::s64, {3}, {1, 1, 1});
  EXPECT_EQ(maxes.count(), 9u);
  EXPECT_EQ(mins.count(), 5u);
}

// Long rows: the winners sit in different SIMD lanes and in different
// pieces (rows are cut every 65536 elements, columns every 87381 rows of
// three), so lane and piece results are combined by Nx's rules.
TEST_P(CpuReduceHand, ArgAcrossLanesAndPieces) {
  const Type t = GetParam();
  const auto high = nx::TieBreak::high;
  std::vector<double> v(200000, 0.0);
  for (std::size_t i : {10u, 70001u, 199999u}) v[i] = 5;
  v[70002] = -5;
  Tensor row = E(v, t);
  Runs runs("argmax"), mins("argmin");
  test::expect_ints(nx::argmax(row), nx::s32, {}, {10});
  test::expect_ints(nx::argmax(row, {.tie_break = high}), nx::s32, {}, {199999});
  test::expect_ints(nx::argmin(row), nx::s32, {}, {70002});
  v[65535] = v[65536] = kNaN;
  test::expect_ints(nx::argmax(E(v, t)), nx::s32, {}, {65536});
  // Column 0 wins at rows 5 and 200000 (tie), column 1 has its minimum in
  // the last piece, column 2 a NaN in the first.
  std::vector<double> c(300000 * 3, 1.0);
  c[5 * 3] = c[200000 * 3] = 9;
  c[299999 * 3 + 1] = -9;
  c[7 * 3 + 2] = kNaN;
  Tensor cols = E(c, t, {300000, 3});
  test::expect_ints(nx::argmax(cols, {.axis = 0}), nx::s32, {3}, {5, 0, 7});
  test::expect_ints(nx::argmax(cols, {.axis = 0, .tie_break = high}), nx::s32, {3}, {200000, 299998, 7});
  test::expect_ints(nx::argmin(cols, {.axis = 0}), nx::s32, {3}, {0, 299999, 7});
  EXPECT_EQ(runs.count(), 5u);
  EXPECT_EQ(mins.count(), 2u);
}

TEST_P(CpuReduceHand, Softmax) {
  const Type t = GetParam();
  Runs runs("softmax");
  test::expect_floats(nx::softmax(E({0, 0}, t)), t, {2}, {0.5, 0.5});
  test::expect_close(nx::softmax(E({1, 2, 3}, t)), t, {3}, {0.09003057317038046, 0.24472847105479764, 0.6652409557748219},
                     t == nx::f32 ? 1e-6 : 1e-15, 0);
  test::expect_floats(nx::softmax(E({-kInf, 0}, t)), t, {2}, {0, 1});
  test::expect_floats(nx::softmax(E({1, kNaN}, t)), t, {2}, {kNaN, kNaN});
  test::expect_floats(nx::softmax(E({kInf, 0}, t)), t, {2}, {kNaN, kNaN});  // Inf - Inf
  test::expect_floats(nx::softmax(E({-kInf, -kInf}, t)), t, {2}, {kNaN, kNaN});
  // Along axis 0 of [2, 2]: each column on its own.
  test::expect_floats(nx::softmax(E({0, -kInf, 0, 5}, t, {2, 2}), 0), t, {2, 2}, {0.5, 0, 0.5, 1});
  EXPECT_EQ(runs.count(), 7u);
}

TEST_P(CpuReduceHand, Scans) {
  const Type t = GetParam();
  Runs sums("cumulative_sum"), maxes("cumulative_max");
  test::expect_floats(nx::cumulative_sum(E({1, 2, 3, 4}, t)), t, {4}, {1, 3, 6, 10});
  test::expect_floats(nx::cumulative_sum(E({1, 2, 3, 4}, t), {.reverse = true}), t, {4}, {10, 9, 7, 4});
  test::expect_floats(nx::cumulative_sum(E({1, 2, 3, 4, 5, 6}, t, {2, 3}), {.axis = 0}), t, {2, 3}, {1, 2, 3, 5, 7, 9});
  test::expect_floats(nx::cumulative_max(E({1, kNaN, 3, 0}, t)), t, {4}, {1, kNaN, kNaN, kNaN});
  test::expect_floats(nx::cumulative_max(E({1, kNaN, 3, 0}, t), {.reverse = true}), t, {4}, {kNaN, kNaN, 3, 0});
  test::expect_floats(nx::cumulative_product(E({2, -1, 0.5, kInf}, t)), t, {4}, {2, -2, -1, -kInf});
  test::expect_floats(nx::cumulative_min(E({3, 1, 2, -kInf}, t)), t, {4}, {3, 1, 1, -kInf});
  EXPECT_EQ(sums.count(), 3u);
  EXPECT_EQ(maxes.count(), 2u);
}

TEST_P(CpuReduceHand, TakeClampsIndices) {
  const Type t = GetParam();
  Runs runs("take");
  Tensor x = E({10, 20, 30, 40}, t);
  for (Type it : {nx::s32, nx::s64}) {
    Tensor idx = nx::tensor(std::vector<std::int64_t>{3, -1, 7, 0}, {.type = it, .backend = emily_cpu()});
    test::expect_floats(nx::take(x, idx), t, {4}, {40, 10, 40, 10});
  }
  Tensor m = E({1, 2, 3, 4, 5, 6}, t, {3, 2});
  Tensor idx = nx::tensor(std::vector<std::int64_t>{2, 0, 5, 1}, {.type = nx::s32, .backend = emily_cpu()});
  test::expect_floats(nx::take(m, nx::reshape(idx, {2, 2})), t, {2, 2, 2}, {5, 6, 1, 2, 5, 6, 3, 4});
  test::expect_floats(nx::take(m, nx::reshape(idx, {2, 2}), 1), t, {3, 2, 2},
                      {2, 1, 2, 2, 4, 3, 4, 4, 6, 5, 6, 6});
  // gather along axis 0: index rows of one column.
  test::expect_floats(nx::gather(m, nx::reshape(idx, {4, 1})), t, {4, 2}, {5, 6, 1, 2, 5, 6, 3, 4});
  EXPECT_EQ(runs.count(), 5u);
}

INSTANTIATE_TEST_SUITE_P(Floats, CpuReduceHand, ::testing::Values(nx::f32, nx::f64),
                         [](const auto& info) { return nx::to_string(info.param); });

// ---- randomized comparisons with the reference ----

struct Reduction {
  std::string kernel;
  std::function<Tensor(const Tensor&, const nx::ReduceOptions&)> fn;
};

const std::vector<Reduction>& reductions() {
  static const std::vector<Reduction> r = {
      {"sum", [](const Tensor& t, const nx::ReduceOptions& o) { return nx::sum(t, o); }},
      {"product", [](const Tensor& t, const nx::ReduceOptions& o) { return nx::product(t, o); }},
      {"reduce_max", [](const Tensor& t, const nx::ReduceOptions& o) { return nx::reduce_max(t, o); }},
      {"reduce_min", [](const Tensor& t, const nx::ReduceOptions& o) { return nx::reduce_min(t, o); }},
  };
  return r;
}

// Shapes and the axis sets reduced over them: below and above the
// threading threshold (2 * 65536 elements), odd sizes for the SIMD tails,
// rows longer than a piece, columns wider than a block (1024), every axis
// and adjacent pair of rank-3 tensors, many short rows.
struct ShapeCase {
  nx::Shape shape;
  std::vector<std::optional<nx::Axes>> axes;
};
const std::vector<ShapeCase>& shape_cases() {
  static const std::vector<ShapeCase> c = {
      {{1}, {std::nullopt}},
      {{7}, {std::nullopt, nx::Axes{0}}},
      {{300007}, {std::nullopt}},
      {{37, 301}, {nx::Axes{0}, nx::Axes{1}, std::nullopt}},
      {{3001, 67}, {nx::Axes{0}, nx::Axes{1}}},
      {{5, 2500}, {nx::Axes{0}}},
      {{40000, 5}, {nx::Axes{1}, nx::Axes{0}}},  // many rows shorter than a register
      {{9, 1, 130}, {nx::Axes{0, 2}, nx::Axes{1}}},
      {{6, 70, 51}, {nx::Axes{0}, nx::Axes{1}, nx::Axes{2}, nx::Axes{0, 1}, nx::Axes{1, 2}, std::nullopt}},
      {{64, 45, 70}, {nx::Axes{0}, nx::Axes{1}, nx::Axes{2}, nx::Axes{2, 1}}},
  };
  return c;
}

TEST(CpuReduceKernels, ReductionsAgainstReference) {
  KernelsOn on(true);
  test::Rng rng(21);
  auto be = emily_cpu();
  for (Type type : {nx::f32, nx::f64})
    for (const auto& sc : shape_cases())
      for (const auto& r : reductions()) {
        // Products of values near 1 stay finite over 300007 elements.
        const bool prod = r.kernel == "product";
        Tensor x = noisy(rng, type, sc.shape, prod ? 0.99 : -10, prod ? 1.01 : 10);
        if (r.kernel == "reduce_max" || r.kernel == "reduce_min") x = with_nans(rng, x, 5000);
        const Tensor ex = nx::backend_copy(x, be);
        for (const auto& axes : sc.axes)
          for (bool keep : {false, true}) {
            const std::string ctx = r.kernel + " " + nx::to_string(type) + " " + nx::shape_to_string(sc.shape) +
                                    " axes " + (axes ? std::to_string(axes->size()) + " from " +
                                                           std::to_string(axes->front().index())
                                                     : "all") +
                                    (keep ? " keep" : "");
            const nx::ReduceOptions o{.axes = axes, .keep_axes = keep};
            Runs runs(r.kernel);
            test::expect_equivalent(back(r.fn(ex, o)), r.fn(x, o), ctx);
            EXPECT_EQ(runs.count(), 1u) << ctx;
          }
      }
}

TEST(CpuReduceKernels, ArgReductionsAgainstReference) {
  KernelsOn on(true);
  test::Rng rng(22);
  auto be = emily_cpu();
  for (Type type : {nx::f32, nx::f64})
    for (const auto& sc : shape_cases()) {
      // Multiples of 1/8 in [-4, 4]: ties everywhere; NaNs in some rows.
      Tensor x = with_nans(rng, test::random_tensor(rng, type, sc.shape, {-4, 4}), 3000);
      const Tensor ex = nx::backend_copy(x, be);
      std::vector<std::optional<int>> axes = {std::nullopt};
      for (int a = 0; a < x.rank(); ++a) axes.push_back(a);
      for (auto axis : axes)
        for (auto tie : {nx::TieBreak::low, nx::TieBreak::high})
          for (bool is_max : {true, false}) {
            const std::string ctx = std::string(is_max ? "argmax " : "argmin ") + nx::to_string(type) + " " +
                                    nx::shape_to_string(sc.shape) + " axis " +
                                    (axis ? std::to_string(*axis) : "none") +
                                    (tie == nx::TieBreak::high ? " high" : " low");
            const nx::ArgReduceOptions o{.axis = axis, .tie_break = tie, .keep_axis = axis.has_value()};
            Runs runs(is_max ? "argmax" : "argmin");
            const Tensor got = is_max ? nx::argmax(ex, o) : nx::argmin(ex, o);
            test::expect_equivalent(back(got), is_max ? nx::argmax(x, o) : nx::argmin(x, o), ctx);
            EXPECT_EQ(runs.count(), 1u) << ctx;
          }
    }
}

TEST(CpuReduceKernels, SoftmaxAndScansAgainstReference) {
  KernelsOn on(true);
  test::Rng rng(23);
  auto be = emily_cpu();
  const std::vector<nx::Shape> shapes = {{1}, {7}, {100003}, {37, 301}, {301, 37}, {3001, 67}, {6, 70, 51}};
  for (Type type : {nx::f32, nx::f64})
    for (const auto& shape : shapes) {
      const Tensor x = noisy(rng, type, shape, -20, 20), ex = nx::backend_copy(x, be);
      // Multiples of 1/8: every running sum is exact in both backends (the
      // reference's f32 scan rounds at each of its steps, this kernel once).
      const Tensor q = test::random_tensor(rng, type, shape, {-20, 20}), eq = nx::backend_copy(q, be);
      for (int axis = 0; axis < x.rank(); ++axis) {
        const std::string ctx = nx::to_string(type) + " " + nx::shape_to_string(shape) + " axis " + std::to_string(axis);
        Runs soft("softmax"), sums("cumulative_sum"), maxes("cumulative_max");
        test::expect_equivalent(back(nx::softmax(ex, axis)), nx::softmax(x, axis), "softmax " + ctx);
        for (bool rev : {false, true}) {
          const nx::CumulativeOptions o{.axis = axis, .reverse = rev};
          test::expect_equivalent(back(nx::cumulative_sum(eq, o)), nx::cumulative_sum(q, o), "cumulative_sum " + ctx);
          test::expect_equivalent(back(nx::cumulative_max(ex, o)), nx::cumulative_max(x, o), "cumulative_max " + ctx);
        }
        EXPECT_EQ(soft.count(), 1u) << ctx;
        EXPECT_EQ(sums.count(), 2u) << ctx;
        EXPECT_EQ(maxes.count(), 2u) << ctx;
      }
    }
}

TEST(CpuReduceKernels, TakeAgainstReference) {
  KernelsOn on(true);
  test::Rng rng(24);
  auto be = emily_cpu();
  for (Type type : {nx::f32, nx::f64})
    for (Type itype : {nx::s32, nx::s64})
      for (const nx::Shape& shape : {nx::Shape{1000}, nx::Shape{1000, 7}, nx::Shape{50, 3, 9}}) {
        const Tensor x = noisy(rng, type, shape), ex = nx::backend_copy(x, be);
        for (int axis = 0; axis < x.rank(); ++axis) {
          // In range: the reference raises on others (clamping is tested by hand).
          const Tensor idx = test::random_tensor(rng, itype, {301, 3}, {0, static_cast<double>(x.dim(axis) - 1)});
          const std::string ctx = nx::to_string(type) + " " + nx::to_string(itype) + " " +
                                  nx::shape_to_string(shape) + " axis " + std::to_string(axis);
          Runs runs("take");
          test::expect_equivalent(back(nx::take(ex, nx::backend_copy(idx, be), axis)),
                                  nx::take(x, idx, axis), ctx);
          EXPECT_EQ(runs.count(), 1u) << ctx;
        }
      }
}

// Every SIMD target this CPU can run, pinned in turn: the widened loads,
// lane combinations and register tails of each instruction set.
TEST(CpuReduceKernels, EverySimdTarget) {
  KernelsOn on(true);
  test::Rng rng(28);
  auto be = emily_cpu();
  const auto targets = cpu::simd_targets();
  ASSERT_FALSE(targets.empty());
  for (std::int64_t target : targets) {
    cpu::pin_simd_target(target);
    const std::string name = cpu::simd_target_name(target);
    for (Type type : {nx::f32, nx::f64}) {
      const Tensor x = with_nans(rng, noisy(rng, type, {67, 133}), 500), ex = nx::backend_copy(x, be);
      const Tensor q = test::random_tensor(rng, type, {67, 133}, {-2, 2}), eq = nx::backend_copy(q, be);
      const std::uint64_t before = cpu::total_runs();
      for (int axis : {0, 1}) {
        const std::string ctx = name + " " + nx::to_string(type) + " axis " + std::to_string(axis);
        const nx::ReduceOptions o{.axes = {{axis}}};
        test::expect_equivalent(back(nx::sum(ex, o)), nx::sum(x, o), "sum " + ctx);
        test::expect_equivalent(back(nx::reduce_min(ex, o)), nx::reduce_min(x, o), "reduce_min " + ctx);
        for (auto tie : {nx::TieBreak::low, nx::TieBreak::high})
          test::expect_equivalent(back(nx::argmax(eq, {.axis = axis, .tie_break = tie})),
                                  nx::argmax(q, {.axis = axis, .tie_break = tie}), "argmax " + ctx);
        test::expect_equivalent(back(nx::argmin(ex, {.axis = axis})), nx::argmin(x, {.axis = axis}), "argmin " + ctx);
        test::expect_equivalent(back(nx::softmax(eq, axis)), nx::softmax(q, axis), "softmax " + ctx);
      }
      EXPECT_EQ(cpu::total_runs(), before + 12) << name;
    }
  }
  cpu::pin_simd_target(0);
  EXPECT_EQ(cpu::simd_target(), targets.front());
}

// Transposed and sliced inputs are gathered inside the kernels' tasks.
TEST(CpuReduceKernels, StridedInputs) {
  KernelsOn on(true);
  test::Rng rng(25);
  auto be = emily_cpu();
  for (Type type : {nx::f32, nx::f64}) {
    const Tensor x = test::random_tensor(rng, type, {301, 37}), ex = nx::backend_copy(x, be);
    const Tensor xt = nx::transpose(x), ext = nx::transpose(ex);
    const std::uint64_t before = cpu::total_runs();
    test::expect_equivalent(back(nx::sum(ext, {.axes = {{1}}})), nx::sum(xt, {.axes = {{1}}}), "sum of a transpose");
    test::expect_equivalent(back(nx::argmax(ext, {.axis = 0})), nx::argmax(xt, {.axis = 0}), "argmax of a transpose");
    test::expect_equivalent(back(nx::softmax(ext, 1)), nx::softmax(xt, 1), "softmax of a transpose");
    test::expect_equivalent(back(nx::cumulative_sum(ext, {.axis = 1})), nx::cumulative_sum(xt, {.axis = 1}),
                            "cumulative_sum of a transpose");
    const Tensor idx = test::random_tensor(rng, nx::s32, {20}, {0, 36});
    test::expect_equivalent(back(nx::take(ext, nx::backend_copy(idx, be))), nx::take(xt, idx), "take of a transpose");
    EXPECT_EQ(cpu::total_runs(), before + 5) << nx::to_string(type);
  }
}

// Switched off, the same ops take MLX's path (no kernel run) and agree.
TEST(CpuReduceKernels, OffAndOnAgree) {
  test::Rng rng(26);
  auto be = emily_cpu();
  // Multiples of 1/8: sums are exact whatever the order or accumulator.
  const Tensor x = nx::backend_copy(test::random_tensor(rng, nx::f32, {513, 259}), be);
  const Tensor idx = nx::backend_copy(test::random_tensor(rng, nx::s32, {1000}, {-20, 600}), be);  // clamped
  const std::vector<std::function<Tensor()>> ops = {
      [&] { return nx::sum(x, {.axes = {{0}}}); },        [&] { return nx::sum(x, {.axes = {{1}}}); },
      [&] { return nx::reduce_max(x); },                  [&] { return nx::product(nx::divide(x, 10.0), {.axes = {{1}}}); },
      [&] { return nx::argmax(x, {.axis = 1}); },         [&] { return nx::argmin(x, {.axis = 0}); },
      [&] { return nx::softmax(x, 1); },                  [&] { return nx::take(x, idx); },
      [&] { return nx::cumulative_sum(x, {.axis = 1}); }, [&] { return nx::cumulative_min(x, {.axis = 0}); },
  };
  for (std::size_t i = 0; i < ops.size(); ++i) {
    Tensor off, on;
    {
      KernelsOn k(false);
      const std::uint64_t before = cpu::total_runs();
      off = ops[i]();
      emily::eval(off);
      EXPECT_EQ(cpu::total_runs(), before) << "op " << i;
    }
    {
      KernelsOn k(true);
      const std::uint64_t before = cpu::total_runs();
      on = ops[i]();
      emily::eval(on);
      EXPECT_GE(cpu::total_runs(), before + 1) << "op " << i;
    }
    test::expect_equivalent(on, off, "op " + std::to_string(i) + " on vs off");
  }
}

// Other types, non-adjacent axes and other index types keep MLX's path,
// with the same values.
TEST(CpuReduceKernels, OtherCasesKeepMlx) {
  KernelsOn on(true);
  const std::uint64_t before = cpu::total_runs();
  test::expect_floats(nx::sum(E({1, 2, 3}, nx::f16)), nx::f16, {}, {6});
  test::expect_ints(nx::argmax(nx::tensor(std::vector<std::int64_t>{1, 5, 5}, {.type = nx::s32, .backend = emily_cpu()})),
                    nx::s32, {}, {1});
  Tensor i = nx::as_type(nx::iota({2, 2, 3}, {.backend = emily_cpu()}), nx::f32);
  test::expect_floats(nx::sum(i, {.axes = {{0, 2}}}), nx::f32, {2}, {24, 42});
  test::expect_floats(nx::sum(nx::reshape(E({1, 2}, nx::f32), {2, 1, 1}), {.axes = {{1}}}), nx::f32, {2, 1}, {1, 2});
  Tensor idx = nx::tensor(std::vector<std::int64_t>{1, 0}, {.type = nx::u8, .backend = emily_cpu()});
  test::expect_floats(nx::take(E({7, 8}, nx::f32), idx), nx::f32, {2}, {8, 7});
  // The {2, 1, 1} sum over a size-1 axis is a kernel run; the others are not.
  EXPECT_EQ(cpu::total_runs(), before + 1);
}

// Traced by emily::compiler() (mx::compile), the kernels are graph nodes.
TEST(CpuReduceKernels, UnderMlxCompile) {
  KernelsOn on(true);
  test::Rng rng(27);
  const Tensor x = noisy(rng, nx::f32, {64, 300});
  auto f = [](const Tensor& a) { return nx::add(nx::softmax(a, 1), nx::sum(a, {.axes = {{1}}, .keep_axes = true})); };
  Runs soft("softmax"), sums("sum");
  Tensor got = nx::jit(f, {.compiler = emily::compiler()})(nx::backend_copy(x, emily_cpu()));
  test::expect_equivalent(back(got), f(x), "compiled softmax + row sums");
  EXPECT_GE(soft.count(), 1u);
  EXPECT_GE(sums.count(), 1u);
}

}  // namespace
