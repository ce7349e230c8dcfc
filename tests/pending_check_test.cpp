// Linear algebra that Nx's reference backend rejects while computing (a
// matrix that is not positive-definite, a zero pivot): the reference raises
// at the call; Emily stays lazy and raises the same nx::ArgumentError when
// the result, or anything computed from it, is read.
#include <functional>

#include "nx/defn.hpp"
#include "test_util.hpp"

namespace {

class PendingCheck : public test::BackendTest {};

// The error `make` raises: at the call on the reference backend, on the
// first read on Emily (the call itself returning an unevaluated tensor).
std::string error_of(const nx::BackendPtr& b, const std::function<nx::Tensor()>& make) {
  try {
    nx::Tensor t = make();
    EXPECT_FALSE(b->is_reference()) << "the reference backend raises at the call";
    EXPECT_FALSE(emily::is_evaluated(t)) << "Emily's call evaluated its result";
    nx::to_flat_list<double>(t);
  } catch (const nx::ArgumentError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no nx::ArgumentError";
  return "";
}

const char* kNotPd = "cholesky: the matrix is not positive-definite";
const char* kSingularTri = "triangular_solve: can't solve for singular matrix";
const char* kSingularSolve = "solve: can't solve for singular matrix";

TEST_P(PendingCheck, CholeskyOfAMatrixThatIsNotPositiveDefinite) {
  // Eigenvalues 3 and -1.
  auto a = nx::tensor({{1.0, 2.0}, {2.0, 1.0}}, {.backend = b()});
  EXPECT_EQ(error_of(b(), [&] { return nx::linalg::cholesky(a); }), kNotPd);
  // One bad member of a batch; semidefinite (a zero pivot) counts as bad.
  auto batch = nx::tensor({{{4.0, 2.0}, {2.0, 5.0}}, {{1.0, 1.0}, {1.0, 1.0}}}, {.backend = b()});
  EXPECT_EQ(error_of(b(), [&] { return nx::linalg::cholesky(batch); }), kNotPd);
}

TEST_P(PendingCheck, SingularTriangularSolveAndSolve) {
  // Nx's doctest: a zero on the diagonal.
  auto a = nx::tensor({{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {1, 1, 1, 1}}, {.backend = b()});
  auto rhs = nx::tensor({4, 2, 4, 2}, {.backend = b()});
  EXPECT_EQ(error_of(b(), [&] { return nx::linalg::triangular_solve(a, rhs); }), kSingularTri);
  // Upper triangle of a matrix whose lower part is fine; right side.
  auto u = nx::tensor({{1.0, 5.0}, {7.0, 0.0}}, {.backend = b()});
  auto m = nx::tensor({{1.0, 2.0}, {3.0, 4.0}}, {.backend = b()});
  EXPECT_EQ(error_of(b(), [&] { return nx::linalg::triangular_solve(u, m, {.lower = false, .left_side = false}); }),
            kSingularTri);
  auto singular = nx::tensor({{1.0, 2.0}, {2.0, 4.0}}, {.backend = b()});
  EXPECT_EQ(error_of(b(), [&] { return nx::linalg::solve(singular, nx::tensor({1.0, 2.0}, {.backend = b()})); }),
            kSingularSolve);
}

TEST_P(PendingCheck, GoodInputsGiveTheirValues) {
  // {{4, 2}, {2, 5}} = L L^T with L = {{2, 0}, {1, 2}}.
  auto l = nx::linalg::cholesky(nx::tensor({{4.0, 2.0}, {2.0, 5.0}}, {.backend = b()}));
  test::expect_close(l, nx::f32, {2, 2}, {2, 0, 1, 2});
  // 2 x = 4, x + 3 y = 7.
  auto x = nx::linalg::triangular_solve(nx::tensor({{2.0, 0.0}, {1.0, 3.0}}, {.backend = b()}),
                                        nx::tensor({4.0, 7.0}, {.backend = b()}));
  test::expect_close(x, nx::f32, {2}, {2, 5.0 / 3.0});
  auto s = nx::linalg::solve(nx::tensor({{2.0, 1.0}, {1.0, 3.0}}, {.backend = b()}), nx::tensor({3.0, 5.0}, {.backend = b()}));
  test::expect_close(s, nx::f32, {2}, {0.8, 1.4});
}

NX_ALL_BACKENDS(PendingCheck);

// Emily only: the check rides on the lazy graph.
class PendingCheckEmily : public ::testing::Test {
 protected:
  nx::BackendPtr b() const { return emily::backend({.device = emily::Device::cpu}); }
  nx::Tensor bad() const { return nx::linalg::cholesky(nx::tensor({{1.0, 2.0}, {2.0, 1.0}}, {.backend = b()})); }
};

TEST_F(PendingCheckEmily, AGoodResultStaysLazyUntilRead) {
  auto l = nx::linalg::cholesky(nx::tensor({{4.0, 2.0}, {2.0, 5.0}}, {.backend = b()}));
  auto y = nx::add(l, 1);
  EXPECT_FALSE(emily::is_evaluated(l));
  EXPECT_FALSE(emily::is_evaluated(y));
  test::expect_close(y, nx::f32, {2, 2}, {3, 1, 2, 3});
  EXPECT_TRUE(emily::is_evaluated(y));
}

TEST_F(PendingCheckEmily, TensorsDerivedFromACheckedResultRaiseOnRead) {
  auto l = bad();
  auto y = nx::multiply(nx::add(l, 1), 2);
  auto total = nx::sum(nx::dot(y, nx::transpose(y)));
  EXPECT_FALSE(emily::is_evaluated(total));
  for (const auto& t : {y, total}) {
    try {
      nx::to_number<double>(nx::sum(t));
      ADD_FAILURE() << "read without the pending check";
    } catch (const nx::ArgumentError& e) {
      EXPECT_STREQ(e.what(), kNotPd);
    }
  }
  // Every read raises again; emily::eval and to_pointer read too.
  EXPECT_THROW(nx::to_flat_list<float>(l), nx::ArgumentError);
  EXPECT_THROW(nx::to_flat_list<float>(l), nx::ArgumentError);
  EXPECT_THROW(emily::eval(total), nx::ArgumentError);
  EXPECT_THROW(nx::to_pointer(y), nx::ArgumentError);
  EXPECT_THROW(nx::backend_transfer(y, nx::binary_backend()), nx::ArgumentError);
  EXPECT_FALSE(emily::is_evaluated(l));
}

TEST_F(PendingCheckEmily, AnUnrelatedReadIsNotAffected) {
  auto l = bad();
  auto other = nx::add(nx::tensor({1.0, 2.0}, {.backend = b()}), 1);
  test::expect_close(other, nx::f32, {2}, {2, 3});
  EXPECT_THROW(nx::to_flat_list<float>(l), nx::ArgumentError);
}

TEST_F(PendingCheckEmily, ThroughACompiledFunction) {
  auto f = [](const nx::Tensor& a) { return nx::add(nx::linalg::cholesky(a), 1); };
  auto jitted = nx::jit(f, {.compiler = emily::compiler()});
  auto good = jitted(nx::tensor({{4.0, 2.0}, {2.0, 5.0}}, {.backend = b()}));
  test::expect_close(good, nx::f32, {2, 2}, {3, 1, 2, 3});
  auto out = jitted(nx::tensor({{1.0, 2.0}, {2.0, 1.0}}, {.backend = b()}));
  try {
    nx::to_flat_list<float>(out);
    ADD_FAILURE() << "read without the pending check";
  } catch (const nx::ArgumentError& e) {
    EXPECT_STREQ(e.what(), kNotPd);
  }
}

}  // namespace
