// Helpers of the hand-valued element-wise tests (elementwise_test.cpp,
// elementwise_unary_test.cpp, elementwise_semantics_test.cpp).
#pragma once

#include <limits>

#include "test_util.hpp"

namespace test::ew {

using nx::Tensor;
using nx::Type;
using cd = std::complex<double>;
constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();

using test::expect_floats;
using test::expect_ints;
inline void expect_signbits(const Tensor& t, const std::vector<bool>& neg) {
  auto got = nx::to_flat_list<double>(t);
  ASSERT_EQ(got.size(), neg.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(std::signbit(got[i]), neg[i]) << "sign at " << i;
}
inline void expect_complex(const Tensor& t, Type type, const nx::Shape& shape, const std::vector<cd>& v,
                    double tol = 0) {
  EXPECT_EQ(nx::to_string(t.type()), nx::to_string(type));
  EXPECT_EQ(nx::shape_to_string(t.shape()), nx::shape_to_string(shape));
  auto got = nx::to_flat_list<cd>(t);
  ASSERT_EQ(got.size(), v.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    for (int part = 0; part < 2; ++part) {
      double g = part ? got[i].imag() : got[i].real(), w = part ? v[i].imag() : v[i].real();
      if (std::isnan(w)) EXPECT_TRUE(std::isnan(g)) << "at " << i << " part " << part;
      else if (std::isinf(w) || tol == 0) EXPECT_EQ(g, w) << "at " << i << " part " << part;
      else EXPECT_NEAR(g, w, tol * (1 + std::abs(w))) << "at " << i << " part " << part;
    }
  }
}

// Base of the suites: T and S build tensors and scalars on the backend under test.
class ElementwiseBase : public test::BackendTest {
 protected:
  Tensor T(const nx::Literal& v, std::optional<Type> type = std::nullopt, nx::Names names = {}) const {
    return nx::tensor(v, {.type = type, .names = std::move(names), .backend = b()});
  }
  Tensor S(const nx::Scalar& v, std::optional<Type> type = std::nullopt) const { return nx::scalar(v, type, b()); }
};

}  // namespace test::ew
