// Gradient rules of the element-wise, shape, reduction and dot families:
// each rule against central finite differences in f64 on the reference
// backend, and Emily's gradient against the reference's in f32.
#include "grad_check.hpp"

namespace {

using nx::Tensor;
using Args = std::vector<Tensor>;

// A scalar loss that weighs every output element differently, so each
// element of the upstream gradient is distinct.
Tensor weigh(const Tensor& out) {
  Tensor w = nx::add(nx::sin(nx::as_type(nx::iota(out.shape()), out.type())), 1.5);
  return nx::sum(nx::multiply(out, w));
}

struct Case {
  std::string name;
  test::VecFn f;
  Args args;
  double tol = 1e-6;
};

Tensor r(const nx::Shape& s, unsigned seed, double lo = -1, double hi = 1) { return test::random_f64(s, seed, lo, hi); }

std::vector<Case> unary_cases() {
  struct U {
    nx::UnaryOp op;
    double lo, hi;
  };
  const U ops[] = {{nx::UnaryOp::exp, -1, 1},      {nx::UnaryOp::expm1, -1, 1},  {nx::UnaryOp::log, 0.5, 2},
                   {nx::UnaryOp::log1p, -0.5, 1},  {nx::UnaryOp::sigmoid, -2, 2}, {nx::UnaryOp::cos, -2, 2},
                   {nx::UnaryOp::sin, -2, 2},      {nx::UnaryOp::tan, -1, 1},    {nx::UnaryOp::cosh, -1, 1},
                   {nx::UnaryOp::sinh, -1, 1},     {nx::UnaryOp::tanh, -2, 2},   {nx::UnaryOp::acos, -0.9, 0.9},
                   {nx::UnaryOp::asin, -0.9, 0.9}, {nx::UnaryOp::atan, -2, 2},   {nx::UnaryOp::acosh, 1.2, 3},
                   {nx::UnaryOp::asinh, -2, 2},    {nx::UnaryOp::atanh, -0.9, 0.9}, {nx::UnaryOp::sqrt, 0.5, 2},
                   {nx::UnaryOp::rsqrt, 0.5, 2},   {nx::UnaryOp::cbrt, 0.5, 2},  {nx::UnaryOp::erf, -1, 1},
                   {nx::UnaryOp::erfc, -1, 1},     {nx::UnaryOp::erf_inv, -0.8, 0.8}, {nx::UnaryOp::abs, 0.2, 1},
                   {nx::UnaryOp::negate, -1, 1}};
  std::vector<Case> cases;
  unsigned seed = 1;
  for (const auto& u : ops)
    cases.push_back({std::string(nx::op_name(u.op)),
                     [op = u.op](const Args& a) { return weigh(nx::unary(op, a[0])); },
                     {r({2, 3}, seed++, u.lo, u.hi)}});
  // abs on negative values takes the other branch.
  cases.push_back({"abs_negative", [](const Args& a) { return weigh(nx::abs(a[0])); }, {r({4}, 90, -1, -0.2)}});
  return cases;
}

std::vector<Case> binary_cases() {
  struct B {
    nx::BinaryOp op;
    double lo_a, hi_a, lo_b, hi_b;
  };
  const B ops[] = {{nx::BinaryOp::add, -1, 1, -1, 1},      {nx::BinaryOp::subtract, -1, 1, -1, 1},
                   {nx::BinaryOp::multiply, -1, 1, -1, 1}, {nx::BinaryOp::divide, -1, 1, 0.5, 2},
                   {nx::BinaryOp::pow, 0.5, 2, -1, 2},     {nx::BinaryOp::atan2, -1, 1, 0.3, 1},
                   {nx::BinaryOp::min, -1, 1, -1, 1},      {nx::BinaryOp::max, -1, 1, -1, 1},
                   {nx::BinaryOp::remainder, 3.1, 3.9, 1.1, 1.4}};
  std::vector<Case> cases;
  unsigned seed = 100;
  for (const auto& b : ops) {
    auto f = [op = b.op](const Args& a) { return weigh(nx::binary(op, a[0], a[1])); };
    std::string n(nx::op_name(b.op));
    cases.push_back({n, f, {r({2, 3}, seed, b.lo_a, b.hi_a), r({2, 3}, seed + 1, b.lo_b, b.hi_b)}});
    // Broadcasting both ways: the gradient is summed back to each shape.
    cases.push_back({n + "_broadcast_row", f, {r({2, 3}, seed + 2, b.lo_a, b.hi_a), r({3}, seed + 3, b.lo_b, b.hi_b)}});
    cases.push_back({n + "_broadcast_col", f, {r({2, 1}, seed + 4, b.lo_a, b.hi_a), r({2, 3}, seed + 5, b.lo_b, b.hi_b)}});
    seed += 10;
  }
  cases.push_back({"scalar_literal", [](const Args& a) { return weigh(nx::add(nx::multiply(a[0], 3.0), 1)); }, {r({3}, 7)}});
  cases.push_back({"select", [](const Args& a) { return weigh(nx::select(nx::greater(a[0], 0), a[0], nx::multiply(a[1], a[1]))); },
                   {r({2, 3}, 8), r({3}, 9)}});
  cases.push_back({"clip", [](const Args& a) { return weigh(nx::clip(a[0], a[1], a[2])); },
                   {r({2, 3}, 10, -2, 2), r({}, 11, -1.5, -0.5), r({}, 12, 0.5, 1.5)}});
  // Through complex values: the loss is real, the rules of real/imag/conjugate
  // and complex multiplication carry it back to the real inputs.
  cases.push_back({"complex_real", [](const Args& a) {
                     return weigh(nx::real(nx::multiply(nx::complex(a[0], a[1]), nx::complex(a[1], 0.5))));
                   }, {r({3}, 15), r({3}, 16)}});
  cases.push_back({"complex_imag", [](const Args& a) {
                     return weigh(nx::imag(nx::multiply(nx::complex(a[0], a[1]), nx::complex(a[0], -0.25))));
                   }, {r({3}, 17), r({3}, 18)}});
  cases.push_back({"complex_conjugate_abs", [](const Args& a) {
                     Tensor z = nx::complex(a[0], a[1]);
                     return weigh(nx::add(nx::real(nx::multiply(nx::conjugate(z), z)), nx::abs(z)));
                   }, {r({3}, 19, 0.2, 1), r({3}, 20, 0.2, 1)}});
  cases.push_back({"phase", [](const Args& a) { return weigh(nx::add(nx::phase(a[0]), a[0])); }, {r({4}, 14, 0.2, 1)}});
  cases.push_back({"square_and_log2", [](const Args& a) { return weigh(nx::log2(nx::square(a[0]))); }, {r({3}, 13, 0.5, 2)}});
  return cases;
}

std::vector<Case> shape_cases() {
  return {
      {"reshape", [](const Args& a) { return weigh(nx::multiply(nx::reshape(a[0], {3, 2}), nx::tensor({{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}}))); }, {r({2, 3}, 20)}},
      {"squeeze_new_axis", [](const Args& a) { return weigh(nx::new_axis(nx::squeeze(a[0]), 1)); }, {r({1, 3, 1}, 21)}},
      {"broadcast", [](const Args& a) { return weigh(nx::broadcast(a[0], {2, 3, 4}, nx::Axes{1, 2})); }, {r({3, 1}, 22)}},
      {"broadcast_implicit", [](const Args& a) { return weigh(nx::broadcast(a[0], {2, 3})); }, {r({3}, 23)}},
      {"transpose", [](const Args& a) { return weigh(nx::transpose(a[0], nx::Axes{2, 0, 1})); }, {r({2, 3, 4}, 24)}},
      {"pad", [](const Args& a) { return weigh(nx::pad(a[0], a[1], {{1, 2, 1}, {-1, 1, 0}})); }, {r({3, 3}, 25), r({}, 26)}},
      {"reverse", [](const Args& a) { return weigh(nx::reverse(a[0], nx::Axes{1})); }, {r({2, 3}, 27)}},
      {"concatenate", [](const Args& a) { return weigh(nx::concatenate({a[0], a[1], a[0]}, 1)); }, {r({2, 3}, 28), r({2, 1}, 29)}},
      {"stack", [](const Args& a) { return weigh(nx::stack({a[0], a[1]}, 1)); }, {r({2, 3}, 30), r({2, 3}, 31)}},
      {"slice_strided", [](const Args& a) { return weigh(nx::slice(a[0], {1, 0}, {2, 2}, {.strides = {2, 3}})); }, {r({5, 6}, 32)}},
      {"slice_dynamic", [](const Args& a) {
         return weigh(nx::slice(a[0], std::vector<Tensor>{nx::scalar(1), nx::scalar(2)}, {2, 3}));
       }, {r({4, 5}, 33)}},
      {"put_slice", [](const Args& a) { return weigh(nx::put_slice(a[0], {1, 1}, a[1])); }, {r({3, 4}, 34), r({2, 2}, 35)}},
      {"put_slice_dynamic", [](const Args& a) {
         return weigh(nx::put_slice(a[0], std::vector<Tensor>{nx::scalar(0), nx::scalar(2)}, a[1]));
       }, {r({3, 4}, 36), r({2, 2}, 37)}},
      {"tile", [](const Args& a) { return weigh(nx::tile(a[0], {2, 1})); }, {r({2, 3}, 38)}},
  };
}

std::vector<Case> reduction_cases() {
  return {
      {"sum_all", [](const Args& a) { return nx::sum(nx::multiply(a[0], a[0])); }, {r({2, 3}, 40)}},
      {"sum_axes", [](const Args& a) { return weigh(nx::sum(a[0], {.axes = nx::Axes{0, 2}})); }, {r({2, 3, 4}, 41)}},
      {"sum_keep", [](const Args& a) { return weigh(nx::sum(a[0], {.axes = nx::Axes{1}, .keep_axes = true})); }, {r({2, 3}, 42)}},
      {"product", [](const Args& a) { return weigh(nx::product(a[0], {.axes = nx::Axes{1}})); }, {r({2, 4}, 43, 0.5, 1.5)}},
      {"product_all", [](const Args& a) { return nx::product(a[0]); }, {r({2, 3}, 44, 0.5, 1.5)}},
      {"reduce_max", [](const Args& a) { return weigh(nx::reduce_max(a[0], {.axes = nx::Axes{0}})); }, {r({3, 4}, 45)}},
      {"reduce_min_keep", [](const Args& a) { return weigh(nx::reduce_min(a[0], {.axes = nx::Axes{1}, .keep_axes = true})); }, {r({3, 4}, 46)}},
      {"mean_variance", [](const Args& a) { return nx::add(nx::sum(nx::mean(a[0], {.axes = nx::Axes{1}})), nx::variance(a[0])); }, {r({3, 4}, 47)}},
      {"softmax", [](const Args& a) { return weigh(nx::softmax(a[0])); }, {r({2, 5}, 48, -2, 2)}},
      {"log_softmax", [](const Args& a) { return weigh(nx::log_softmax(a[0], 0)); }, {r({3, 2}, 49, -2, 2)}},
      {"logsumexp", [](const Args& a) { return weigh(nx::logsumexp(a[0], {.axes = nx::Axes{1}})); }, {r({3, 4}, 50, -2, 2)}},
      {"cumulative_sum", [](const Args& a) { return weigh(nx::cumulative_sum(a[0], {.axis = 1, .reverse = true})); }, {r({2, 4}, 51)}},
  };
}

std::vector<Case> dot_cases() {
  return {
      {"matmul", [](const Args& a) { return weigh(nx::dot(a[0], a[1])); }, {r({2, 3}, 60), r({3, 4}, 61)}},
      {"vector_matrix", [](const Args& a) { return weigh(nx::dot(a[0], a[1])); }, {r({3}, 62), r({3, 2}, 63)}},
      {"inner", [](const Args& a) { return nx::dot(a[0], a[1]); }, {r({4}, 64), r({4}, 65)}},
      {"outer", [](const Args& a) { return weigh(nx::outer(a[0], a[1])); }, {r({3}, 66), r({2}, 67)}},
      {"contract_two_axes", [](const Args& a) { return weigh(nx::dot(a[0], {2, 0}, a[1], {0, 1})); }, {r({2, 3, 4}, 68), r({4, 2, 3}, 69)}},
      {"batched", [](const Args& a) { return weigh(nx::dot(a[0], {2}, {0}, a[1], {1}, {0})); }, {r({2, 3, 4}, 70), r({2, 4, 5}, 71)}},
      {"batched_two_contractions", [](const Args& a) { return weigh(nx::dot(a[0], {3, 1}, {0}, a[1], {1, 2}, {0})); }, {r({2, 3, 2, 4}, 72), r({2, 4, 3, 2}, 73)}},
  };
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class GradRule : public ::testing::TestWithParam<Case> {};

TEST_P(GradRule, MatchesFiniteDifferences) {
  const Case& c = GetParam();
  test::check_grad(c.f, c.args, c.tol);
}

TEST_P(GradRule, EmilyMatchesReference) {
  const Case& c = GetParam();
  test::compare_grad_backends(c.f, c.args, emily::backend({.device = emily::Device::cpu}), nx::f32, 2e-4);
}

std::vector<Case> all_cases() {
  std::vector<Case> all;
  for (auto family : {unary_cases(), binary_cases(), shape_cases(), reduction_cases(), dot_cases()})
    all.insert(all.end(), family.begin(), family.end());
  return all;
}

INSTANTIATE_TEST_SUITE_P(Rules, GradRule, ::testing::ValuesIn(all_cases()),
                         [](const auto& info) { return info.param.name; });

// ---- hand-valued gradients ----

TEST(GradHand, MaxTiesSplitEqually) {
  auto x = nx::tensor({1.0, 3.0, 3.0, 2.0});
  test::expect_close(nx::grad([](const Tensor& t) { return nx::reduce_max(t); })(x), nx::f32, {4}, {0, 0.5, 0.5, 0});
  auto y = nx::tensor({3.0, 1.0, 3.0, 0.0});
  auto [gx, gy] = nx::grad([](const Tensor& a, const Tensor& b) { return nx::sum(nx::max(a, b)); }, nx::argnums<0, 1>)(x, y);
  test::expect_close(gx, nx::f32, {4}, {0, 1, 0.5, 1});
  test::expect_close(gy, nx::f32, {4}, {1, 0, 0.5, 0});
}

TEST(GradHand, ProductWithZeros) {
  // d/dx_i of x0*x1*x2 with one zero: only the zero's slot is non-zero.
  auto x = nx::tensor({2.0, 0.0, 5.0});
  test::expect_close(nx::grad([](const Tensor& t) { return nx::product(t); })(x), nx::f32, {3}, {0, 10, 0});
  auto z = nx::tensor({0.0, 0.0, 5.0});
  test::expect_close(nx::grad([](const Tensor& t) { return nx::product(t); })(z), nx::f32, {3}, {0, 0, 0});
}

TEST(GradHand, AbsAtZeroAndNonDifferentiableOps) {
  auto x = nx::tensor({0.0, -1.0, 2.5});
  test::expect_close(nx::grad([](const Tensor& t) { return nx::sum(nx::abs(t)); })(x), nx::f32, {3}, {1, -1, 1});
  // floor, sign, round, comparisons and argmax pass no gradient.
  auto f = [](const Tensor& t) {
    return nx::sum(nx::add(nx::add(nx::floor(t), nx::sign(t)), nx::as_type(nx::argmax(t), nx::f32)));
  };
  test::expect_close(nx::grad(f)(x), nx::f32, {3}, {0, 0, 0});
}

TEST(GradHand, PowAndDivide) {
  auto a = nx::tensor({2.0, 3.0});
  auto b = nx::tensor({3.0, 2.0});
  auto [ga, gb] = nx::grad([](const Tensor& x, const Tensor& y) { return nx::sum(nx::pow(x, y)); }, nx::argnums<0, 1>)(a, b);
  test::expect_close(ga, nx::f32, {2}, {12, 6});  // y x^(y-1)
  test::expect_close(gb, nx::f32, {2}, {8 * std::log(2.0), 9 * std::log(3.0)}, 1e-5);  // log(x) x^y
  auto gd = nx::grad([](const Tensor& x) { return nx::sum(nx::divide(1, x)); })(a);
  test::expect_close(gd, nx::f32, {2}, {-0.25, -1.0 / 9});
}

TEST(GradHand, ReferenceAndEmilyGradientsStayOnTheirBackend) {
  auto f = [](const Tensor& t) { return nx::sum(nx::exp(t)); };
  auto e = emily::backend({.device = emily::Device::cpu});
  auto g = nx::grad(f)(nx::tensor({0.0, 1.0}, {.backend = e}));
  EXPECT_EQ(g.backend()->kind(), nx::BackendKind::emily);
  test::expect_close(g, nx::f32, {2}, {1, std::exp(1.0)}, 1e-6);
}

TEST(GradHand, CapturedTensorsConstantsAndCreationCarryNone) {
  auto w = nx::tensor({2.0, 3.0});  // captured by the function: a constant of the graph
  auto f = [w](const Tensor& t) {
    return nx::sum(nx::multiply(nx::add(t, nx::as_type(nx::iota({2}), nx::f32)), nx::add(w, nx::eye(2))));
  };
  auto x = nx::tensor({1.0, 1.0});
  test::expect_close(nx::grad(f)(x), nx::f32, {2}, {5, 7});  // column sums of w + eye
  auto g = nx::trace(f, x);
  std::string text = nx::defn::inspect(g);
  EXPECT_NE(text.find("tensor f32[2]"), std::string::npos) << text;
  EXPECT_NE(text.find("eye"), std::string::npos) << text;
  EXPECT_NE(text.find("iota"), std::string::npos) << text;
}

TEST(GradHand, AsTypeAndBitcast) {
  auto x = nx::tensor({1.0, 2.0});
  // f32 -> f64 -> f32: the gradient is cast back at each step.
  auto g = nx::grad([](const Tensor& t) { return nx::sum(nx::multiply(nx::as_type(t, nx::f64), 3.0)); })(x);
  test::expect_close(g, nx::f32, {2}, {3, 3});
  // Through an integer cast or a bitcast nothing flows.
  auto h = nx::grad([](const Tensor& t) {
    return nx::add(nx::sum(nx::as_type(nx::as_type(t, nx::s32), nx::f32)), nx::sum(nx::bitcast(nx::bitcast(t, nx::s32), nx::f32)));
  })(x);
  test::expect_close(h, nx::f32, {2}, {0, 0});
}

TEST(GradHand, IntegerValuesAndPredicatesCarryNone) {
  auto x = nx::tensor({1.5, -2.5, 3.0});
  auto f = [](const Tensor& t) {
    Tensor i = nx::as_type(t, nx::s32);
    Tensor q = nx::as_type(nx::quotient(i, 2), nx::f32);
    Tensor p = nx::as_type(nx::logical_not(nx::greater(t, 0)), nx::f32);
    Tensor c = nx::as_type(nx::all_close(t, nx::tensor({1.5, -2.5, 3.0})), nx::f32);
    return nx::sum(nx::add(nx::add(q, p), c));
  };
  test::expect_close(nx::grad(f)(x), nx::f32, {3}, {0, 0, 0});
}

TEST(GradHand, ReduceWithAUserFunctionHasNoGradient) {
  auto x = nx::tensor({1.0, 2.0});
  auto f = [](const Tensor& t) {
    return nx::reduce(t, 0.0, [](const Tensor& e, const Tensor& acc) { return nx::add(e, acc); });
  };
  EXPECT_THROW(nx::grad(f)(x), nx::ArgumentError);
  auto w = [](const Tensor& t) {
    return nx::sum(nx::window_reduce(t, 0.0, {2}, [](const Tensor& e, const Tensor& acc) { return nx::add(e, acc); }));
  };
  EXPECT_THROW(nx::grad(w)(x), nx::ArgumentError);
}

}  // namespace
