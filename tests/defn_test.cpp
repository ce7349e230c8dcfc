// nx::defn: tracing, printing, jit caching, grad / value_and_grad spellings.
#include "nx/defn.hpp"
#include "test_util.hpp"

namespace {

using test::expect_close;

class Defn : public test::BackendTest {};
NX_ALL_BACKENDS(Defn);

auto square_sum = [](const nx::Tensor& x) { return nx::sum(nx::multiply(x, x)); };

TEST_P(Defn, GradOfSquareSumIsTwoX) {
  auto x = nx::tensor({1.0, 2.0, 3.0}, {.backend = b()});
  expect_close(nx::grad(square_sum)(x), nx::f32, {3}, {2, 4, 6});
}

TEST_P(Defn, ValueAndGrad) {
  auto x = nx::tensor({{1.0, -2.0}, {0.5, 3.0}}, {.backend = b()});
  auto [v, g] = nx::value_and_grad(square_sum)(x);
  expect_close(v, nx::f32, {}, {1 + 4 + 0.25 + 9});
  expect_close(g, nx::f32, {2, 2}, {2, -4, 1, 6});
  EXPECT_EQ(g.backend()->kind(), b()->kind());
}

TEST_P(Defn, JitMatchesEagerAndCachesPerSignature) {
  auto f = [](const nx::Tensor& x, const nx::Tensor& y) { return nx::add(nx::exp(x), nx::multiply(y, 2)); };
  auto jf = nx::jit(f);
  auto x = nx::tensor({0.0, 1.0}, {.backend = b()});
  auto y = nx::tensor({3.0, 4.0}, {.backend = b()});
  expect_close(jf(x, y), nx::f32, {2}, nx::to_flat_list<double>(f(x, y)));
  EXPECT_EQ(jf.trace_count(), 1);
  jf(y, x);
  EXPECT_EQ(jf.trace_count(), 1);  // same signature: no new trace
  auto x3 = nx::tensor({0.0, 1.0, 2.0}, {.backend = b()});
  expect_close(jf(x3, x3), nx::f32, {3}, nx::to_flat_list<double>(f(x3, x3)));
  EXPECT_EQ(jf.trace_count(), 2);  // new shape: traced again
  jf(nx::as_type(x, nx::f64), y);
  EXPECT_EQ(jf.trace_count(), 3);  // new type
}

TEST(DefnTrace, PrintsLikeNxExpr) {
  auto g = nx::trace([](const nx::Tensor& a) { return nx::add(a, 1); }, nx::iota({2, 3}));
  EXPECT_EQ(nx::defn::inspect(g),
            "#Nx.Tensor<\n  s32[2][3]\n  \n  Nx.Defn.Expr\n  parameter a:0  s32[2][3]\n  b = add a, 1   s32[2][3]\n>");
}

TEST(DefnGrad, RejectsNonScalarAndIntegerOutputs) {
  auto x = nx::tensor({1.0, 2.0});
  EXPECT_THROW(nx::grad([](const nx::Tensor& t) { return nx::multiply(t, t); })(x), nx::ArgumentError);
  EXPECT_THROW(nx::grad([](const nx::Tensor& t) { return nx::sum(nx::as_type(t, nx::s32)); })(x), nx::ArgumentError);
}

TEST(DefnGrad, GradOfGrad) {
  auto f = [](const nx::Tensor& x) { return nx::sum(nx::multiply(nx::multiply(x, x), x)); };  // x^3
  auto df = [f](const nx::Tensor& x) { return nx::sum(nx::grad(f)(x)); };                  // sum 3x^2
  auto x = nx::tensor({1.0, 2.0});
  expect_close(nx::grad(df)(x), nx::f32, {2}, {6, 12});
}

TEST(DefnGrad, StopGradAndCustomGrad) {
  auto x = nx::tensor({1.0, 2.0});
  auto f = [](const nx::Tensor& t) { return nx::sum(nx::multiply(nx::stop_grad(t), t)); };
  expect_close(nx::grad(f)(x), nx::f32, {2}, {1, 2});
  auto h = [](const nx::Tensor& t) {
    auto y = nx::custom_grad(nx::exp(t), {t}, [](const nx::Tensor& g) { return std::vector<nx::Tensor>{nx::multiply(g, 3)}; });
    return nx::sum(y);
  };
  expect_close(nx::grad(h)(x), nx::f32, {2}, {3, 3});
}

TEST(DefnGrad, ArgnumsAndVectors) {
  auto f = [](const std::vector<nx::Tensor>& p, const nx::Tensor& x) {
    return nx::sum(nx::add(nx::multiply(p[0], x), p[1]));
  };
  std::vector<nx::Tensor> p{nx::tensor({2.0, 3.0}), nx::tensor({1.0, 1.0})};
  auto x = nx::tensor({5.0, 7.0});
  auto g = nx::grad(f)(p, x);
  ASSERT_EQ(g.size(), 2u);
  expect_close(g[0], nx::f32, {2}, {5, 7});
  expect_close(g[1], nx::f32, {2}, {1, 1});
  auto [gp, gx] = nx::grad(f, nx::argnums<0, 1>)(p, x);
  expect_close(gx, nx::f32, {2}, {2, 3});
  auto xi = nx::tensor({5, 7});
  auto gi = nx::grad(f, nx::argnums<1>)(p, nx::as_type(xi, nx::s32));
  test::expect_floats(gi, nx::f32, {2}, {0, 0});  // integer inputs get zero gradients
}

}  // namespace
