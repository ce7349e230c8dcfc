// The Nx and Nx.LinAlg functions added to complete the API (docs/api.md):
// shape reflection, fill, reflect, diff, put_diagonal, mode, covariance,
// least_squares and matrix_rank, with the values of Nx's documented examples
// and Nx's error messages.
#include <complex>
#include <functional>
#include <stdexcept>
#include <thread>
#include <tuple>

#include "test_util.hpp"

namespace {

using nx::Shape;

// Runs fn and asserts nx::ArgumentError with exactly `message`.
void expect_error(const std::function<void()>& fn, const std::string& message) {
  try {
    fn();
    ADD_FAILURE() << "no error, expected: " << message;
  } catch (const nx::ArgumentError& e) {
    EXPECT_EQ(std::string(e.what()), message);
  }
}

class ApiExtras : public test::BackendTest {
 protected:
  nx::Tensor ints(const nx::Literal& l, nx::Names names = {}) const {
    return nx::tensor(l, {.type = nx::s32, .names = std::move(names), .backend = b()});
  }
  nx::Tensor iota(const Shape& s, nx::Names names = {}) const {
    return nx::iota(s, {.names = std::move(names), .backend = b()});
  }
};

TEST_P(ApiExtras, SizesOfShapeAndType) {
  auto t = ints({{1, 2, 3}, {4, 5, 6}});
  EXPECT_EQ(nx::flat_size(t), 6);
  EXPECT_EQ(nx::bit_size(t), 192);
  EXPECT_EQ(nx::byte_size(t), 24);
  auto f = nx::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, {.backend = b()});
  EXPECT_EQ(nx::byte_size(f), 24);
  auto u = nx::tensor({{1, 2, 3}, {4, 5, 6}}, {.type = nx::u8, .backend = b()});
  EXPECT_EQ(nx::bit_size(u), 48);
  EXPECT_EQ(nx::byte_size(u), 6);
  auto one = nx::scalar(1, std::nullopt, b());
  EXPECT_EQ(nx::bit_size(one), 32);
  EXPECT_EQ(nx::byte_size(one), 4);
  EXPECT_EQ(nx::flat_size(one), 1);
}

// u2 lives on the reference backend only (MLX has no 2-bit type).
TEST(ApiExtrasReference, SubByteSizesRoundDown) {
  auto t = nx::tensor({{1, 2, 3}, {3, 2, 1}}, {.type = nx::u2, .backend = nx::binary_backend()});
  EXPECT_EQ(nx::bit_size(t), 12);
  EXPECT_EQ(nx::byte_size(t), 1);
}

TEST_P(ApiExtras, AxisIndexSizeAndAxes) {
  auto t = iota({100, 10, 20});
  EXPECT_EQ(nx::axis_index(t, 0), 0);
  EXPECT_EQ(nx::axis_index(t, -1), 2);
  EXPECT_EQ(nx::axis_size(t, 0), 100);
  EXPECT_EQ(nx::axis_size(t, -2), 10);
  EXPECT_THROW(nx::axis_index(t, 3), nx::ArgumentError);
  EXPECT_THROW(nx::axis_size(t, -4), nx::ArgumentError);
  EXPECT_EQ(nx::axes(ints({{1, 2, 3}, {4, 5, 6}})), (nx::Axes{0, 1}));
  EXPECT_EQ(nx::axes(nx::scalar(1, std::nullopt, b())), nx::Axes{});
  EXPECT_EQ(nx::axes(Shape{1, 2, 3}), (nx::Axes{0, 1, 2}));
}

TEST_P(ApiExtras, Compatible) {
  EXPECT_TRUE(nx::compatible(iota({3, 2}), iota({3, 2})));
  EXPECT_TRUE(nx::compatible(iota({3, 2}), iota({3, 2}, {"rows", "columns"})));
  EXPECT_TRUE(nx::compatible(iota({3, 2}, {"rows", ""}), iota({3, 2}, {"", "columns"})));
  EXPECT_FALSE(nx::compatible(iota({3, 2}, {"foo", "bar"}), iota({3, 2}, {"rows", "columns"})));
  EXPECT_FALSE(nx::compatible(iota({3, 2}), iota({2, 3})));
  EXPECT_FALSE(nx::compatible(iota({2, 2}), nx::iota({2, 2}, {.type = nx::f32, .backend = b()})));
}

TEST_P(ApiExtras, Fill) {
  auto t = iota({2, 2}, {"x", "y"});
  auto five = nx::fill(t, 5);
  test::expect_ints(five, nx::s32, {2, 2}, {5, 5, 5, 5});
  EXPECT_EQ(five.names(), (nx::Names{"x", "y"}));
  test::expect_ints(nx::fill(t, 5, {.type = nx::u8}), nx::u8, {2, 2}, {5, 5, 5, 5});
  test::expect_floats(nx::fill(t, 5.0), nx::f32, {2, 2}, {5, 5, 5, 5});
  // The weak-scalar rule: a negative number promotes an unsigned tensor.
  auto u = nx::tensor({1, 2}, {.type = nx::u8, .backend = b()});
  test::expect_ints(nx::fill(u, -1), nx::s16, {2}, {-1, -1});
}

TEST_P(ApiExtras, Reflect) {
  test::expect_ints(nx::reflect(ints({0, 1, 2}), {.padding_config = {{3, 1}}}), nx::s32, {7}, {1, 2, 1, 0, 1, 2, 1});
  auto m = nx::reflect(ints({{0, 1, 2}, {3, 4, 5}}, {"x", "y"}), {.padding_config = {{2, 0}, {2, 1}}});
  test::expect_ints(m, nx::s32, {4, 6}, {2, 1, 0, 1, 2, 1, 5, 4, 3, 4, 5, 4, 2, 1, 0, 1, 2, 1, 5, 4, 3, 4, 5, 4});
  EXPECT_EQ(m.names(), (nx::Names{"x", "y"}));
  // Padding longer than the axis keeps bouncing between the edges.
  test::expect_ints(nx::reflect(ints({0, 1, 2}), {.padding_config = {{5, 5}}}), nx::s32, {13},
                    {1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1});
  test::expect_ints(nx::reflect(ints({7}), {.padding_config = {{2, 1}}}), nx::s32, {4}, {7, 7, 7, 7});
  test::expect_ints(nx::reflect(ints({{1, 2}}), {.padding_config = {{0, 0}, {0, 0}}}), nx::s32, {1, 2}, {1, 2});
}

TEST_P(ApiExtras, ReflectErrors) {
  expect_error([&] { nx::reflect(nx::scalar(1, std::nullopt, b()), {.padding_config = {}}); },
               "reflect: expected tensor to have rank greater than 0");
  expect_error(
      [&] {
        nx::reflect(ints({1, 2}), {.padding_config = {{1, 1}, {1, 1}}});
      },
      "reflect: expected to have one padding_config entry each tensor axis");
  expect_error(
      [&] {
        nx::reflect(ints({1, 2}), {.padding_config = {{-1, 1}}});
      },
      "reflect: expected padding config for axis 0 to be of the format {left, right}, with left and right "
      "as non-negative integers, got: {-1, 1}");
}

TEST_P(ApiExtras, Diff) {
  auto t = ints({1, 2, 4, 7, 0});
  test::expect_ints(nx::diff(t), nx::s32, {4}, {1, 2, 3, -7});
  test::expect_ints(nx::diff(t, {.order = 2}), nx::s32, {3}, {1, 1, -10});
  test::expect_ints(nx::diff(t, {.order = 0}), nx::s32, {5}, {1, 2, 4, 7, 0});
  auto m = ints({{1, 3, 6, 10}, {0, 5, 6, 8}});
  test::expect_ints(nx::diff(m), nx::s32, {2, 3}, {2, 3, 4, 5, 1, 2});
  test::expect_ints(nx::diff(m, {.axis = 0}), nx::s32, {1, 4}, {-1, 2, 0, -2});
  test::expect_floats(nx::diff(nx::tensor({0.5, 2.0, 1.0}, {.backend = b()})), nx::f32, {2}, {1.5, -1.0});
  expect_error([&] { nx::diff(t, {.order = -1}); }, "diff: order must be non-negative but got: -1");
  EXPECT_THROW(nx::diff(t, {.order = 5}), nx::ArgumentError);
  EXPECT_THROW(nx::diff(m, {.axis = 2}), nx::ArgumentError);
}

TEST_P(ApiExtras, PutDiagonal) {
  auto z44 = nx::broadcast(nx::scalar(0, std::nullopt, b()), {4, 4});
  auto z43 = nx::broadcast(nx::scalar(0, std::nullopt, b()), {4, 3});
  test::expect_ints(nx::put_diagonal(z44, ints({1, 2, 3, 4})), nx::s32, {4, 4},
                    {1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 4});
  test::expect_ints(nx::put_diagonal(z43, ints({1, 2, 3})), nx::s32, {4, 3}, {1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0});
  test::expect_ints(nx::put_diagonal(z44, ints({1, 2, 3}), 1), nx::s32, {4, 4},
                    {0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0});
  test::expect_ints(nx::put_diagonal(z43, ints({1, 2}), 1), nx::s32, {4, 3}, {0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0});
  test::expect_ints(nx::put_diagonal(z44, ints({1, 2, 3}), -1), nx::s32, {4, 4},
                    {0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0});
  test::expect_ints(nx::put_diagonal(z43, ints({1, 2, 3}), -1), nx::s32, {4, 3}, {0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3});
  // The result type merges the tensor's and the diagonal's.
  test::expect_floats(nx::put_diagonal(nx::iota({2, 2}, {.backend = b()}), nx::tensor({0.5, 1.5}, {.backend = b()})),
                      nx::f32, {2, 2}, {0.5, 1, 2, 1.5});
}

TEST_P(ApiExtras, PutDiagonalErrors) {
  expect_error(
      [&] {
        nx::put_diagonal(iota({3, 3, 3}), iota({3}));
      },
      "put_diagonal: put_diagonal/3 expects tensor of rank 2, got tensor of rank: 3");
  expect_error(
      [&] {
        nx::put_diagonal(iota({3, 3}), iota({3, 3}));
      },
      "put_diagonal: put_diagonal/3 expects diagonal of rank 1, got tensor of rank: 2");
  expect_error(
      [&] {
        nx::put_diagonal(iota({3, 3}), iota({2}));
      },
      "put_diagonal: expected diagonal tensor of length: 3, got diagonal tensor of length: 2");
  expect_error(
      [&] {
        nx::put_diagonal(iota({3, 3}), iota({3}), 1);
      },
      "put_diagonal: expected diagonal tensor of length: 2, got diagonal tensor of length: 3");
  expect_error(
      [&] {
        nx::put_diagonal(iota({3, 3}), iota({3}), 4);
      },
      "put_diagonal: offset must be less than length of axis 1 when positive, got: 4");
  expect_error(
      [&] {
        nx::put_diagonal(iota({3, 3}), iota({3}), -3);
      },
      "put_diagonal: absolute value of offset must be less than length of axis 0 when negative, got: -3");
}

TEST_P(ApiExtras, Mode) {
  test::expect_ints(nx::mode(ints(42)), nx::s32, {}, {42});
  test::expect_ints(nx::mode(ints({{1}})), nx::s32, {}, {1});
  test::expect_ints(nx::mode(ints({1, 2, 2, 3, 5})), nx::s32, {}, {2});
  auto m = ints({{1, 2, 2, 3, 5}, {1, 1, 76, 8, 1}});
  test::expect_ints(nx::mode(m), nx::s32, {}, {1});
  test::expect_ints(nx::mode(m, {.axis = 0}), nx::s32, {5}, {1, 1, 2, 3, 1});
  test::expect_ints(nx::mode(m, {.axis = 1}), nx::s32, {2}, {2, 1});
  test::expect_ints(nx::mode(m, {.axis = 1, .keep_axis = true}), nx::s32, {2, 1}, {2, 1});
  test::expect_ints(nx::mode(m, {.keep_axis = true}), nx::s32, {1, 1}, {1});
  test::expect_ints(nx::mode(ints({{{1}}}), {.axis = 1}), nx::s32, {1, 1}, {1});
  // Ties go to the smallest value; floats and negative axes work too.
  auto f = nx::tensor({{3.5, -1.0, 3.5, -1.0, 2.0}}, {.backend = b()});
  test::expect_floats(nx::mode(f, {.axis = -1}), nx::f32, {1}, {-1.0});
  // Complex values: Nx's mode sorts them, which raises (a single element is
  // returned before any sort, as in Nx).
  auto c = nx::tensor({std::complex<double>(1, 1), std::complex<double>(2, 0)}, {.backend = b()});
  expect_error([&] { nx::mode(c); }, "mode: Nx.sort/2 does not support complex inputs");
  EXPECT_THROW(nx::mode(m, {.axis = 2}), nx::ArgumentError);
}

TEST_P(ApiExtras, Covariance) {
  auto t = ints({{1, 2}, {3, 4}, {5, 6}});
  const double c = 8.0 / 3.0;
  test::expect_close(nx::covariance(t), nx::f32, {2, 2}, {c, c, c, c});
  auto batched = ints({{{1, 2}, {3, 4}, {5, 6}}, {{7, 8}, {9, 10}, {11, 12}}});
  test::expect_close(nx::covariance(batched), nx::f32, {2, 2, 2}, {c, c, c, c, c, c, c, c});
  test::expect_close(nx::covariance(t, {.ddof = 1}), nx::f32, {2, 2}, {4, 4, 4, 4});
  test::expect_close(nx::covariance(t, ints({4, 3})), nx::f32, {2, 2}, {11.0 / 3, 5.0 / 3, 5.0 / 3, 11.0 / 3});
  expect_error([&] { nx::covariance(ints({1, 2})); }, "covariance: given axis (-2) invalid for shape with rank 1");
  expect_error([&] { nx::covariance(ints({1, 2}), ints({1})); },
               "covariance: expected input tensor of rank at least 2, got 1");
  expect_error([&] { nx::covariance(t, ints(1)); }, "covariance: expected mean of rank at least 1, got 0");
  expect_error([&] { nx::covariance(t, {.ddof = -1}); },
               "covariance: expected ddof to be a non-negative integer, got -1");
}

TEST_P(ApiExtras, LeastSquares) {
  auto f = [&](const nx::Literal& l) { return nx::tensor(l, {.type = nx::f32, .backend = b()}); };
  test::expect_close(nx::linalg::least_squares(ints({{1, 2}, {2, 3}}), ints({1, 2})), nx::f32, {2}, {1, 0}, 0, 5e-3);
  // The line through (0, -1), (1, 0.2), (2, 0.9), (3, 2.1): slope 1, intercept -0.95.
  test::expect_close(nx::linalg::least_squares(ints({{0, 1}, {1, 1}, {2, 1}, {3, 1}}), f({-1, 0.2, 0.9, 2.1})), nx::f32,
                     {2}, {1.0, -0.95}, 0, 5e-3);
  // Underdetermined: the minimum-norm solution (-3, 6, 15) / 54.
  test::expect_close(nx::linalg::least_squares(ints({{1, 2, 3}, {4, 5, 6}}), ints({1, 2})), nx::f32, {3},
                     {-3.0 / 54, 6.0 / 54, 15.0 / 54}, 0, 2e-3);
}

TEST_P(ApiExtras, LeastSquaresErrors) {
  expect_error(
      [&] {
        nx::linalg::least_squares(ints({1, 2, 3}), ints({1, 2}));
      },
      "least_squares: tensor of 1st argument must have rank 2, got rank 1 with shape {3}");
  expect_error(
      [&] {
        nx::linalg::least_squares(ints({{1, 2}, {2, 3}}), ints({{1, 2}, {3, 4}}));
      },
      "least_squares: tensor of 2nd argument must have rank 1, got rank 2 with shape {2, 2}");
  auto c = nx::tensor({{std::complex<double>(1, 0), std::complex<double>(0, 2)},
                       {std::complex<double>(3, 0), std::complex<double>(0, -4)}},
                      {.backend = b()});
  expect_error(
      [&] {
        nx::linalg::least_squares(c, ints({1, 2}));
      },
      "least_squares: Nx.LinAlg.least_squares/2 is not yet implemented for complex inputs");
  expect_error(
      [&] {
        nx::linalg::least_squares(ints({{1, 2}, {2, 3}}), ints({1, 2, 3}));
      },
      "least_squares: the number of rows of the matrix as the 1st argument and the number of columns of "
      "the vector as the 2nd argument must be the same, got 1st argument shape {2, 2} and 2nd argument "
      "shape {3}");
}

TEST_P(ApiExtras, MatrixRank) {
  test::expect_ints(nx::linalg::matrix_rank(ints({{1, 2}, {3, 4}})), nx::u32, {}, {2});
  test::expect_ints(nx::linalg::matrix_rank(ints({{1, 1, 1, 1}, {1, 1, 1, 1}, {1, 2, 3, 4}})), nx::u32, {}, {2});
  test::expect_ints(nx::linalg::matrix_rank(ints({{1, 1, 1}, {2, 2, 2}, {8, 9, 10}, {-2, 1, 5}})), nx::u32, {}, {3});
  test::expect_ints(nx::linalg::matrix_rank(nx::zeros({2, 3}, {.type = nx::f32, .names = {}, .backend = b()})), nx::u32,
                    {}, {0});
  expect_error(
      [&] {
        nx::linalg::matrix_rank(ints({1, 2, 3}));
      },
      "matrix_rank: tensor must have rank 2, got rank 1 with shape {3}");
  auto c = nx::tensor({{std::complex<double>(1, 0), std::complex<double>(0, 2)}}, {.backend = b()});
  expect_error([&] { nx::linalg::matrix_rank(c); },
               "matrix_rank: Nx.LinAlg.matrix_rank/2 is not yet implemented for complex inputs");
}

TEST_P(ApiExtras, FlattenAxesNewAxisAndStackNames) {
  auto t = iota({1, 2, 3}, {"a", "b", "c"});
  auto f = nx::flatten(t, {1, 2});
  test::expect_ints(f, nx::s32, {1, 6}, {0, 1, 2, 3, 4, 5});
  EXPECT_EQ(f.names(), (nx::Names{"a", ""}));
  test::expect_ints(nx::flatten(iota({2, 3, 2}), {0, 1}), nx::s32, {6, 2}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  EXPECT_EQ(nx::flatten(t, {-1}).shape(), (Shape{1, 2, 3}));
  expect_error([&] { nx::flatten(t, {0, 2}); }, "flatten: flatten axes must be consecutive");
  auto m = ints({{1, 2, 3}, {4, 5, 6}});
  auto n0 = nx::new_axis(m, 0, "new");
  EXPECT_EQ(n0.shape(), (Shape{1, 2, 3}));
  EXPECT_EQ(n0.names(), (nx::Names{"new", "", ""}));
  EXPECT_EQ(nx::new_axis(m, -1, "new").names(), (nx::Names{"", "", "new"}));
  test::expect_ints(nx::new_axis(m, 1, "new"), nx::s32, {2, 1, 3}, {1, 2, 3, 4, 5, 6});
  auto st = nx::stack({ints(1), ints(2)}, 0, "x");
  test::expect_ints(st, nx::s32, {2}, {1, 2});
  EXPECT_EQ(st.names(), nx::Names{"x"});
}

TEST_P(ApiExtras, LogSumExpScalingAndFlatListLimit) {
  auto t = ints({1, 2, 3, 4, 5, 6});
  auto half = nx::scalar(0.5, std::nullopt, b());
  test::expect_close(nx::logsumexp(t, {.axes = std::nullopt, .keep_axes = false, .exp_scaling_factor = half}), nx::f32,
                     {}, {5.7630463});
  auto a = ints({-1, -1, -1, 1, 1, 1});
  test::expect_close(nx::logsumexp(t, {.axes = std::nullopt, .keep_axes = false, .exp_scaling_factor = a}), nx::f32, {},
                     {6.356537});
  EXPECT_EQ(nx::to_flat_list<int>(t, {.limit = 2}), (std::vector<int>{1, 2}));
  EXPECT_EQ(nx::to_flat_list<int>(t, {.limit = 10}).size(), 6u);
  EXPECT_THROW(nx::to_flat_list<int>(t, {.limit = -1}), nx::ArgumentError);
  auto [values, indices] = nx::top_k(nx::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, {.backend = b()}));
  test::expect_floats(values, nx::f32, {2, 1}, {3, 6});
  test::expect_ints(indices, nx::s32, {2, 1}, {2, 2});
}

TEST_P(ApiExtras, LinspaceBetweenTensors) {
  auto start = ints({{{0, 10}}}), stop = ints({{{10, 100}}});
  auto l = nx::linspace(start, stop, {.n = 10, .endpoint = true, .type = nx::u8, .names = {}, .backend = nullptr});
  test::expect_ints(l, nx::u8, {1, 1, 2, 10}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100});
  auto f = nx::linspace(ints({0, 1}), ints({10, 10}),
                        {.n = 5, .endpoint = true, .type = nx::f32, .names = {}, .backend = nullptr});
  test::expect_floats(f, nx::f32, {2, 5}, {0, 2.5, 5, 7.5, 10, 1, 3.25, 5.5, 7.75, 10});
  auto e =
      nx::linspace(ints(0), ints(10), {.n = 5, .endpoint = false, .type = nx::f32, .names = {"x"}, .backend = nullptr});
  test::expect_floats(e, nx::f32, {5}, {0, 2, 4, 6, 8});
  EXPECT_EQ(e.names(), nx::Names{"x"});
  test::expect_floats(
      nx::linspace(ints({3}), ints({9}), {.n = 1, .endpoint = true, .type = nx::f32, .names = {}, .backend = nullptr}),
      nx::f32, {1, 1}, {3});
  expect_error(
      [&] {
        nx::linspace(ints({{0, 1}}), ints({1, 2, 3}),
                     {.n = 2, .endpoint = true, .type = nx::f32, .names = {}, .backend = nullptr});
      },
      "linspace: expected start and stop to have the same shape. Got shapes {1, 2} and {3}");
}

// The compositions trace: under nx::jit they give the eager values.
TEST_P(ApiExtras, CompositionsRunUnderJit) {
  auto m = ints({{1, 2, 2, 3, 5}, {1, 1, 76, 8, 1}});
  auto jf = nx::jit([](const nx::Tensor& t) {
    return std::make_tuple(nx::diff(t, {.order = 2, .axis = -1}), nx::mode(t, {.axis = 1, .keep_axis = false}),
                           nx::reflect(t, {.padding_config = {{1, 0}, {0, 2}}}),
                           nx::put_diagonal(t, nx::tensor({7, 8}, {.type = nx::s32}), 1), nx::covariance(t),
                           nx::fill(t, 2.5));
  });
  auto [d, mo, r, p, c, f] = jf(m);
  test::expect_ints(d, nx::s32, {2, 3}, {-1, 1, 1, 75, -143, 61});
  test::expect_ints(mo, nx::s32, {2}, {2, 1});
  test::expect_ints(r, nx::s32, {3, 7}, {1, 1, 76, 8, 1, 8, 76, 1, 2, 2, 3, 5, 3, 2, 1, 1, 76, 8, 1, 8, 76});
  test::expect_ints(p, nx::s32, {2, 5}, {1, 7, 2, 3, 5, 1, 1, 8, 8, 1});
  EXPECT_EQ(c.shape(), (Shape{5, 5}));
  test::expect_close(nx::slice(c, {1, 2}, {1, 2}), nx::f32, {1, 2}, {-18.5, -1.25});
  test::expect_floats(f, nx::f32, {2, 5}, {2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5});
}

// Position i of the padded axis (from -low) takes the element at these
// source indices: cyclic i mod n, replicate clamp(i), reflect -i / 2n-2-i
// (edge not repeated), mirror -i-1 / 2n-1-i (edge repeated).
TEST_P(ApiExtras, PadOuterModes) {
  auto v = ints({0, 1, 2, 3});
  test::expect_ints(nx::pad_outer(v, nx::PadMode::cyclic, {{2, 3}}), nx::s32, {9}, {2, 3, 0, 1, 2, 3, 0, 1, 2});
  test::expect_ints(nx::pad_outer(v, nx::PadMode::replicate, {{2, 3}}), nx::s32, {9}, {0, 0, 0, 1, 2, 3, 3, 3, 3});
  test::expect_ints(nx::pad_outer(v, nx::PadMode::reflect, {{2, 3}}), nx::s32, {9}, {2, 1, 0, 1, 2, 3, 2, 1, 0});
  test::expect_ints(nx::pad_outer(v, nx::PadMode::mirror, {{2, 3}}), nx::s32, {9}, {1, 0, 0, 1, 2, 3, 3, 2, 1});
  test::expect_ints(nx::pad_outer(v, 9, {{1, 2}}), nx::s32, {7}, {9, 0, 1, 2, 3, 9, 9});
  test::expect_floats(nx::pad_outer(v, 0.5, {{1, 0}}), nx::f32, {5}, {0.5, 0, 1, 2, 3});
  // Each axis independently; names survive.
  auto m = nx::pad_outer(iota({2, 3}, {"r", "c"}), nx::PadMode::mirror, {{1, 1}, {0, 2}});
  test::expect_ints(m, nx::s32, {4, 5}, {0, 1, 2, 2, 1, 0, 1, 2, 2, 1, 3, 4, 5, 5, 4, 3, 4, 5, 5, 4});
  EXPECT_EQ(m.names(), (nx::Names{"r", "c"}));
  // The :reflect mode is Nx.reflect.
  test::expect_ints(nx::pad_outer(v, nx::PadMode::reflect, {{5, 5}}), nx::s32, {14},
                    nx::to_flat_list<std::int64_t>(nx::reflect(v, {.padding_config = {{5, 5}}})));
  expect_error(
      [&] {
        nx::pad_outer(iota({2, 3}), nx::PadMode::cyclic, {{1, 1}});
      },
      "pad_outer: expected to have one padding_config entry each tensor axis");
  expect_error(
      [&] {
        nx::pad_outer(v, 0, {{0, -1}});
      },
      "pad_outer: expected padding config for axis 0 to be of the format {left, right}, with left and right "
      "as non-negative integers, got: {0, -1}");
}

NX_ALL_BACKENDS(ApiExtras);

// Nx.default_backend/1 and with_default_backend: per-thread defaults.
TEST(ApiExtrasBackend, ThreadDefaultAndWithDefaultBackend) {
  auto emily = test::backend_named("emily_cpu");
  const nx::BackendPtr before = nx::default_backend();
  auto t = nx::with_default_backend(emily, [] { return nx::iota({3}); });
  EXPECT_EQ(t.backend()->name(), "emily");
  test::expect_ints(t, nx::s32, {3}, {0, 1, 2});
  EXPECT_EQ(nx::default_backend(), before);
  EXPECT_THROW(nx::with_default_backend(emily, []() -> int { throw std::runtime_error("boom"); }), std::runtime_error);
  EXPECT_EQ(nx::default_backend(), before);
  std::thread other([&] {
    EXPECT_EQ(nx::default_backend(emily), before);
    EXPECT_EQ(nx::iota({2}).backend()->name(), "emily");
  });
  other.join();
  EXPECT_EQ(nx::default_backend(), before);  // the other thread's setting stays there
  EXPECT_THROW(nx::default_backend(nullptr), nx::ArgumentError);
}

}  // namespace
