// Emily's own CUDA kernels (src/emily/cuda_kernels.cpp): hand values for
// Nx's arg-reduction rules and sums, random comparisons against the reference
// backend, and a check that each case really ran the kernel. Instantiated
// only where MLX sees a CUDA GPU.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include <mlx/backend/cuda/cuda.h>

#include "../src/emily/cuda_kernels.hpp"
#include "emily/emily.hpp"
#include "test_util.hpp"

namespace {

std::vector<std::string> cuda_devices() {
  std::vector<std::string> out;
  if (emily::gpu_available() && mlx::core::cu::is_available()) out.emplace_back("emily_gpu");
  return out;
}

class CudaKernels : public ::testing::TestWithParam<std::string> {
 protected:
  nx::BackendPtr gpu() const { return emily::backend({.device = emily::Device::gpu}); }
};

// Runs f, checks that at least one kernel was queued, returns the result.
template <class F>
nx::Tensor through_kernel(F&& f) {
  const long before = emily::cuda::launches();
  nx::Tensor r = f();
  EXPECT_GT(emily::cuda::launches(), before) << "the MLX path answered, not Emily's kernel";
  return r;
}

std::vector<double> random_values(std::size_t n, unsigned seed, bool with_ties) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> small(-3, 3);
  std::normal_distribution<double> g;
  std::vector<double> v(n);
  for (auto& x : v) x = with_ties ? small(rng) : g(rng);
  return v;
}

TEST_P(CudaKernels, ArgmaxHandValuesFollowNx) {
  const double nan = std::nan("");
  auto t = nx::tensor(std::vector<double>{1, 3, 3, 2, nan, 0, nan, 5, -1, -1, 4, -1}, {.type = nx::f32, .backend = gpu()});
  t = nx::reshape(t, {3, 4});
  // Rows: [1 3 3 2] ties -> 1 (low) / 2 (high); [NaN 0 NaN 5] -> the last NaN, 2;
  // [-1 -1 4 -1] -> 2; argmin of row 0 -> 0, of row 2 -> 0 (low) / 3 (high).
  auto lo = through_kernel([&] { return nx::argmax(t, {.axis = 1}); });
  EXPECT_EQ(nx::to_flat_list<std::int64_t>(lo), (std::vector<std::int64_t>{1, 2, 2}));
  auto hi = through_kernel([&] { return nx::argmax(t, {.axis = 1, .tie_break = nx::TieBreak::high}); });
  EXPECT_EQ(nx::to_flat_list<std::int64_t>(hi), (std::vector<std::int64_t>{2, 2, 2}));
  auto mn = through_kernel([&] { return nx::argmin(t, {.axis = 1, .tie_break = nx::TieBreak::high}); });
  EXPECT_EQ(nx::to_flat_list<std::int64_t>(mn), (std::vector<std::int64_t>{0, 2, 3}));
  auto col = through_kernel([&] { return nx::argmax(t, {.axis = 0, .keep_axis = true}); });
  EXPECT_EQ(col.shape(), (nx::Shape{1, 4}));
  EXPECT_EQ(nx::to_flat_list<std::int64_t>(col), (std::vector<std::int64_t>{1, 0, 1, 1}));
  auto all = through_kernel([&] { return nx::argmax(t); });
  EXPECT_EQ(nx::to_flat_list<std::int64_t>(all), (std::vector<std::int64_t>{6}));
}

TEST_P(CudaKernels, ArgReduceMatchesTheReference) {
  for (nx::Type type : {nx::f32, nx::bf16, nx::f16}) {
    for (nx::Shape shape : {nx::Shape{7, 5}, nx::Shape{3, 1000}, nx::Shape{2, 300, 3}, nx::Shape{4097}}) {
      auto v = random_values(static_cast<std::size_t>(nx::shape_size(shape)), 11, true);
      auto ref = nx::reshape(nx::tensor(v, {.type = type}), shape);
      auto emi = nx::reshape(nx::tensor(v, {.type = type, .backend = gpu()}), shape);
      for (int axis = 0; axis < static_cast<int>(shape.size()); ++axis)
        for (auto tb : {nx::TieBreak::low, nx::TieBreak::high})
          for (bool is_max : {true, false}) {
            nx::ArgReduceOptions o{.axis = axis, .tie_break = tb};
            auto want = is_max ? nx::argmax(ref, o) : nx::argmin(ref, o);
            auto got = through_kernel([&] { return is_max ? nx::argmax(emi, o) : nx::argmin(emi, o); });
            EXPECT_EQ(nx::to_flat_list<std::int64_t>(got), nx::to_flat_list<std::int64_t>(want))
                << nx::to_string(type) << " " << nx::shape_to_string(shape) << " axis " << axis << (is_max ? " max" : " min");
          }
    }
  }
}

TEST_P(CudaKernels, SumHandValues) {
  auto t = nx::reshape(nx::iota({6}, {.type = nx::bf16, .backend = gpu()}), {2, 3});
  auto rows = through_kernel([&] { return nx::sum(t, {.axes = {1}}); });
  EXPECT_EQ(rows.type(), nx::bf16);
  EXPECT_EQ(nx::to_flat_list<double>(rows), (std::vector<double>{3, 12}));
  auto cols = through_kernel([&] { return nx::sum(t, {.axes = {0}, .keep_axes = true}); });
  EXPECT_EQ(cols.shape(), (nx::Shape{1, 3}));
  EXPECT_EQ(nx::to_flat_list<double>(cols), (std::vector<double>{3, 5, 7}));
  // 4096 ones in bf16: an f32 accumulator reaches 4096 exactly; a bf16 one stops at 256.
  auto ones = nx::broadcast(nx::tensor(1.0, {.type = nx::bf16, .backend = gpu()}), {4096});
  auto total = through_kernel([&] { return nx::sum(nx::add(ones, 0.0), {.axes = {0}}); });
  EXPECT_EQ(nx::to_flat_list<double>(total), (std::vector<double>{4096}));
}

TEST_P(CudaKernels, SumMatchesTheReference) {
  for (nx::Type type : {nx::f32, nx::bf16, nx::f16}) {
    for (nx::Shape shape : {nx::Shape{5, 3}, nx::Shape{2, 700}, nx::Shape{3, 2048}, nx::Shape{3, 65, 40}, nx::Shape{4096, 40},
                              nx::Shape{1, 1}}) {
      auto v = random_values(static_cast<std::size_t>(nx::shape_size(shape)), 5, false);
      auto ref = nx::reshape(nx::tensor(v, {.type = type}), shape);
      auto emi = nx::reshape(nx::tensor(v, {.type = type, .backend = gpu()}), shape);
      for (int axis = 0; axis < static_cast<int>(shape.size()); ++axis) {
        auto want = nx::to_flat_list<double>(nx::sum(ref, {.axes = {axis}}));
        auto got = nx::to_flat_list<double>(through_kernel([&] { return nx::sum(emi, {.axes = {axis}}); }));
        const double tol = type == nx::f32 ? 1e-4 : 2e-2;
        ASSERT_EQ(got.size(), want.size());
        for (std::size_t i = 0; i < got.size(); ++i)
          EXPECT_NEAR(got[i], want[i], tol * (1 + std::abs(want[i])))
              << nx::to_string(type) << " " << nx::shape_to_string(shape) << " axis " << axis << " at " << i;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Gpu, CudaKernels, ::testing::ValuesIn(cuda_devices()),
                         [](const auto& info) { return info.param; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CudaKernels);

}  // namespace
