// More of Nx's API, on Nx's documented examples: a tensor where Nx takes a
// shape, Nx.tensor of a tensor, the options (broadcast and random names, a
// number for logsumexp's exp_scaling_factor, fft2's :power_of_two, one
// stride for every axis of slice), and the types and names Nx gives (dot,
// outer, pinv, make_diagonal, take_diagonal).
#include <cmath>

#include "test_util.hpp"

namespace {

using nx::Names;
using nx::Shape;
using cd = std::complex<double>;

class NxApi : public test::BackendTest {};

void expect_complex(const nx::Tensor& t, const Shape& shape, const std::vector<cd>& want) {
  EXPECT_EQ(nx::to_string(t.type()), "c64");
  EXPECT_EQ(nx::shape_to_string(t.shape()), nx::shape_to_string(shape));
  auto got = nx::to_flat_list<cd>(t);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i].real(), want[i].real(), 1e-5) << "at " << i;
    EXPECT_NEAR(got[i].imag(), want[i].imag(), 1e-5) << "at " << i;
  }
}

TEST_P(NxApi, TensorOfATensor) {
  auto column = nx::tensor({1, 2, 3}, {.names = {"column"}, .backend = b()});
  // The tensor itself, its names dropped.
  auto same = nx::tensor(column);
  test::expect_tensor<int>(same, nx::s32, {3}, {1, 2, 3});
  EXPECT_TRUE(same.names().empty());
  EXPECT_EQ(same.payload(), column.payload());
  EXPECT_EQ(nx::tensor(nx::tensor({1, 2, 3}, {.backend = b()}), {.names = {"row"}}).names(), (Names{"row"}));
  EXPECT_EQ(nx::tensor(column, {.names = {"column"}}).names(), (Names{"column"}));
  EXPECT_THROW(nx::tensor(column, {.names = {"row"}}), nx::ArgumentError);
  // Type and backend are checked, never converted.
  EXPECT_EQ(nx::tensor(column, {.type = nx::s32}).payload(), column.payload());
  EXPECT_THROW(nx::tensor(column, {.type = nx::f32}), nx::ArgumentError);
  EXPECT_EQ(nx::tensor(column, {.backend = b()}).payload(), column.payload());
  auto other = GetParam() == "binary" ? emily::backend({.device = emily::Device::cpu}) : nx::binary_backend();
  EXPECT_THROW(nx::tensor(column, {.backend = other}), nx::ArgumentError);
}

TEST_P(NxApi, ATensorForAShape) {
  auto shape = nx::tensor({{0}, {0}, {0}, {0}}, {.names = {"x", "y"}, .backend = b()});
  auto r = nx::reshape(nx::tensor({1, 2, 3, 4}, {.backend = b()}), shape);
  test::expect_tensor<int>(r, nx::s32, {4, 1}, {1, 2, 3, 4});
  EXPECT_EQ(r.names(), (Names{"x", "y"}));
  EXPECT_EQ(nx::reshape(r, shape, {"i", "j"}).names(), (Names{"i", "j"}));
  auto to = nx::tensor({{10, 20}, {30, 40}}, {.names = {"i", "j"}, .backend = b()});
  auto bc = nx::broadcast(nx::tensor({{1}, {2}}, {.names = {"x", "y"}, .backend = b()}), to);
  test::expect_tensor<int>(bc, nx::s32, {2, 2}, {1, 1, 2, 2});
  EXPECT_EQ(bc.names(), (Names{"i", "j"}));
  auto ones = nx::broadcast(1, to);
  test::expect_tensor<int>(ones, nx::s32, {2, 2}, {1, 1, 1, 1});
  EXPECT_EQ(ones.names(), (Names{"i", "j"}));
  // iota takes the names too (and not the type); eye only the shape.
  auto io = nx::iota(nx::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, {.names = {"r", "c"}, .backend = b()}),
                     {.axis = 1, .backend = b()});
  test::expect_tensor<int>(io, nx::s32, {2, 3}, {0, 1, 2, 0, 1, 2});
  EXPECT_EQ(io.names(), (Names{"r", "c"}));
  auto e = nx::eye(nx::iota({2, 3}, {.type = nx::f32, .names = {"a", "b"}, .backend = b()}), {.backend = b()});
  test::expect_tensor<int>(e, nx::s32, {2, 3}, {1, 0, 0, 0, 1, 0});
  EXPECT_TRUE(e.names().empty());
  auto z = nx::zeros(to, {.type = nx::f32, .backend = b()});
  test::expect_tensor<float>(z, nx::f32, {2, 2}, {0, 0, 0, 0});
  EXPECT_EQ(z.names(), (Names{"i", "j"}));
  EXPECT_THROW(nx::eye(nx::iota({3}, {.backend = b()})), nx::ArgumentError);
}

TEST_P(NxApi, BroadcastNames) {
  // Names are dropped even when nothing is broadcast, unless given.
  auto xy = nx::iota({2, 2}, {.names = {"x", "y"}, .backend = b()});
  EXPECT_TRUE(nx::broadcast(xy, Shape{2, 2}).names().empty());
  auto ij = nx::broadcast(xy, Shape{2, 2}, std::nullopt, {"i", "j"});
  test::expect_tensor<int>(ij, nx::s32, {2, 2}, {0, 1, 2, 3});
  EXPECT_EQ(ij.names(), (Names{"i", "j"}));
  auto cols = nx::broadcast(nx::tensor({1, 2, 3}, {.backend = b()}), Shape{3, 2}, {0}, {"x", "y"});
  test::expect_tensor<int>(cols, nx::s32, {3, 2}, {1, 1, 2, 2, 3, 3});
  EXPECT_EQ(cols.names(), (Names{"x", "y"}));
  EXPECT_THROW(nx::broadcast(xy, Shape{2, 2}, std::nullopt, {"i"}), nx::ArgumentError);
}

TEST_P(NxApi, LogSumExpScalingFactorNumber) {
  auto t = nx::tensor({1, 2, 3, 4, 5, 6}, {.backend = b()});
  test::expect_close(nx::logsumexp(t, {.exp_scaling_factor = 0.5}), nx::f32, {}, {5.7630463});
  // A number keeps a half-precision input's type (weak), like multiply.
  auto h = nx::as_type(t, nx::f16);
  test::expect_close(nx::logsumexp(h, {.exp_scaling_factor = 0.5}), nx::f16, {}, {5.7630463}, 2e-3, 0);
  // Per row: log(0.5 e^1 + 2 e^2) and log(0.5 e^3 + 2 e^4).
  auto m = nx::tensor({{1.0, 2.0}, {3.0, 4.0}}, {.backend = b()});
  auto f = nx::tensor({0.5, 2.0}, {.backend = b()});
  test::expect_close(nx::logsumexp(m, {.axes = nx::Axes{1}, .exp_scaling_factor = f}), nx::f32, {2},
                     {std::log(0.5 * std::exp(1.0) + 2 * std::exp(2.0)), std::log(0.5 * std::exp(3.0) + 2 * std::exp(4.0))});
  EXPECT_THROW(nx::logsumexp(m, {.exp_scaling_factor = nx::tensor({1.0, 2.0, 3.0}, {.backend = b()})}), nx::ArgumentError);
}

TEST_P(NxApi, Fft2PowerOfTwo) {
  const auto p2 = nx::power_of_two_length;
  auto x = nx::tensor({{1, 1, 0}, {1, 1, 0}, {1, 1, -1}}, {.backend = b()});
  expect_complex(nx::fft2(x, {.lengths = {p2, p2}}), {4, 4},
                 {{5, 0}, {4, -3}, {-1, 0}, {4, 3}, {1, -2}, {-2, -1}, {1, 0}, {0, -1},
                  {1, 0}, {2, -1}, {-1, 0}, {2, 1}, {1, 2}, {0, 1}, {1, 0}, {-2, 1}});
  auto y = nx::tensor({{16, 16, 0}, {16, 16, 0}, {16, 16, -16}}, {.backend = b()});
  expect_complex(nx::ifft2(y, {.lengths = {p2, p2}}), {4, 4},
                 {{5, 0}, {4, 3}, {-1, 0}, {4, -3}, {1, 2}, {-2, 1}, {1, 0}, {0, 1},
                  {1, 0}, {2, 1}, {-1, 0}, {2, -1}, {1, -2}, {0, -1}, {1, 0}, {-2, -1}});
  // Mixed with a number: 3 rows padded to 4, the 2 columns kept; a unit
  // impulse transforms to all ones.
  expect_complex(nx::fft2(nx::tensor({{1, 0}, {0, 0}, {0, 0}}, {.backend = b()}), {.lengths = {p2, 2}}), {4, 2},
                 {{1, 0}, {1, 0}, {1, 0}, {1, 0}, {1, 0}, {1, 0}, {1, 0}, {1, 0}});
  EXPECT_THROW(nx::fft2(x, {.lengths = {-2, 2}}), nx::ArgumentError);
}

TEST_P(NxApi, OneStrideForEveryAxisOfSlice) {
  auto m = nx::tensor({{1, 2}, {3, 4}, {5, 6}}, {.backend = b()});
  test::expect_tensor<int>(nx::slice(m, {0, 0}, {3, 2}, {.strides = {2}}), nx::s32, {2, 1}, {1, 5});
  test::expect_tensor<int>(nx::slice(m, std::vector<nx::Tensor>{nx::scalar(0, nx::s32, b()), nx::scalar(0, nx::s32, b())},
                                     {3, 2}, {.strides = {2}}),
                           nx::s32, {2, 1}, {1, 5});
}

TEST_P(NxApi, TypesAndNamesAsNxGivesThem) {
  // outer: a's first name, b's last name; rank-2 input flattened.
  auto o = nx::outer(nx::tensor({{1, 2}, {3, 4}}, {.names = {"x", "y"}, .backend = b()}),
                     nx::tensor({10, 20, 30}, {.names = {"z"}, .backend = b()}));
  test::expect_tensor<int>(o, nx::s32, {4, 3}, {10, 20, 30, 20, 40, 60, 30, 60, 90, 40, 80, 120});
  EXPECT_EQ(o.names(), (Names{"x", "z"}));
  auto o2 = nx::outer(nx::tensor({1, 2, 3}, {.names = {"x"}, .backend = b()}), nx::scalar(100, nx::s32, b()));
  test::expect_tensor<int>(o2, nx::s32, {3, 1}, {100, 200, 300});
  EXPECT_EQ(o2.names(), (Names{"x", ""}));
  // dot refuses two free axes of one name.
  auto xy = nx::iota({2, 2}, {.names = {"x", "y"}, .backend = b()});
  auto yx = nx::iota({2, 2}, {.names = {"y", "x"}, .backend = b()});
  EXPECT_THROW(nx::dot(xy, {1}, yx, {0}), nx::ArgumentError);
  EXPECT_EQ(nx::dot(xy, {1}, xy, {0}).names(), (Names{"x", "y"}));
  // pinv of integers is f32, also when everything is zero.
  test::expect_close(nx::linalg::pinv(nx::scalar(2, nx::s32, b())), nx::f32, {}, {0.5});
  test::expect_close(nx::linalg::pinv(nx::scalar(0, nx::s32, b())), nx::f32, {}, {0});
  test::expect_close(nx::linalg::pinv(nx::tensor({0, 1, 2}, {.backend = b()})), nx::f32, {3}, {0, 0.2, 0.4});
  test::expect_close(nx::linalg::pinv(nx::tensor({0, 0, 0}, {.backend = b()})), nx::f32, {3}, {0, 0, 0});
  test::expect_close(nx::linalg::pinv(nx::tensor({{0, 0, 0}, {0, 0, 0}}, {.backend = b()})), nx::f32, {3, 2},
                     {0, 0, 0, 0, 0, 0});
  test::expect_close(nx::linalg::pinv(nx::tensor({{1, 1}, {3, 4}}, {.backend = b()})), nx::f32, {2, 2}, {4, -1, -3, 1},
                     1e-4, 1e-4);
  // make_diagonal: rank 1 only; the values go into an s32 zero matrix.
  test::expect_tensor<float>(nx::make_diagonal(nx::tensor({1.0, 2.0}, {.backend = b()})), nx::f32, {2, 2}, {1, 0, 0, 2});
  test::expect_tensor<std::int64_t>(nx::make_diagonal(nx::tensor({7}, {.type = nx::u32, .backend = b()})), nx::s64,
                                    {1, 1}, {7});
  EXPECT_THROW(nx::make_diagonal(nx::tensor({{0, 0}, {0, 1}}, {.backend = b()})), nx::ArgumentError);
  // take_diagonal gathers whole coordinates: no names survive.
  auto d = nx::take_diagonal(nx::iota({2, 2, 2}, {.names = {"a", "b", "c"}, .backend = b()}));
  test::expect_tensor<int>(d, nx::s32, {2, 2}, {0, 3, 4, 7});
  EXPECT_TRUE(d.names().empty());
}

TEST_P(NxApi, RandomNames) {
  auto key = nx::random::key(42, b());
  auto u = nx::random::uniform(key, 0.0, 1.0, {.shape = {2, 3}, .names = {"r", "c"}}).value;
  EXPECT_EQ(u.names(), (Names{"r", "c"}));
  EXPECT_EQ(nx::random::normal(key, 0.0, 1.0, {.shape = {2}, .names = {"n"}}).value.names(), (Names{"n"}));
  auto i = nx::random::randint(key, 0, 10, {.shape = {3}, .names = {"k"}}).value;
  EXPECT_EQ(i.names(), (Names{"k"}));
  for (auto v : nx::to_flat_list<int>(i)) EXPECT_TRUE(v >= 0 && v < 10);
  EXPECT_THROW(nx::random::uniform(key, 0.0, 1.0, {.shape = {2}, .names = {"a", "b"}}), nx::ArgumentError);
}

NX_ALL_BACKENDS(NxApi);

}  // namespace
