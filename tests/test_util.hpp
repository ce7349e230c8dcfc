// Shared helpers of the test suite.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <complex>
#include <string>
#include <vector>

#include "emily/emily.hpp"

namespace test {

// Asserts type, shape and exact values.
template <class T>
void expect_tensor(const nx::Tensor& t, nx::Type type, const nx::Shape& shape, const std::vector<T>& values) {
  EXPECT_EQ(nx::to_string(t.type()), nx::to_string(type));
  EXPECT_EQ(nx::shape_to_string(t.shape()), nx::shape_to_string(shape));
  auto got = nx::to_flat_list<T>(t);
  ASSERT_EQ(got.size(), values.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(values[i])) {
        EXPECT_TRUE(std::isnan(got[i])) << "at " << i;
        continue;
      }
    }
    EXPECT_EQ(got[i], values[i]) << "at " << i;
  }
}

// Exact integer values (any integer type) / exact float values, NaN-aware.
inline void expect_ints(const nx::Tensor& t, nx::Type type, const nx::Shape& shape,
                        const std::vector<std::int64_t>& v) {
  expect_tensor<std::int64_t>(t, type, shape, v);
}
inline void expect_floats(const nx::Tensor& t, nx::Type type, const nx::Shape& shape, const std::vector<double>& v) {
  expect_tensor<double>(t, type, shape, v);
}

// Asserts type, shape and values within a relative/absolute tolerance.
inline void expect_close(const nx::Tensor& t, nx::Type type, const nx::Shape& shape,
                         const std::vector<double>& values, double rtol = 1e-5, double atol = 1e-6) {
  EXPECT_EQ(nx::to_string(t.type()), nx::to_string(type));
  EXPECT_EQ(nx::shape_to_string(t.shape()), nx::shape_to_string(shape));
  auto got = nx::to_flat_list<double>(t);
  ASSERT_EQ(got.size(), values.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(values[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << "at " << i;
    } else if (std::isinf(values[i])) {
      EXPECT_EQ(got[i], values[i]) << "at " << i;
    } else {
      EXPECT_NEAR(got[i], values[i], atol + rtol * std::abs(values[i])) << "at " << i;
    }
  }
}

// The backends every hand-valued test runs on: the reference backend, Emily
// on the CPU, and Emily on the GPU where MLX sees one (named for test names).
inline std::vector<std::string> backends() {
  std::vector<std::string> out = {"binary", "emily_cpu"};
  if (emily::gpu_available()) out.emplace_back("emily_gpu");
  return out;
}

inline nx::BackendPtr backend_named(const std::string& name) {
  if (name == "binary") return nx::binary_backend();
  if (name == "emily_gpu") return emily::backend({.device = emily::Device::gpu});
  return emily::backend({.device = emily::Device::cpu});
}

// Base of the parameterized suites: b() is the backend under test.
class BackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  nx::BackendPtr b() const { return backend_named(GetParam()); }
};

#define NX_ALL_BACKENDS(Suite) \
  INSTANTIATE_TEST_SUITE_P(AllBackends, Suite, ::testing::ValuesIn(test::backends()), \
                           [](const auto& info) { return info.param; })

}  // namespace test
