// Window reductions, window_mean, window_reduce and the window scatters
// (values printed by Nx's doctests, padding, strides, dilations).
#include <cstring>

#include "compare_util.hpp"

namespace {

using Pairs = std::vector<std::pair<std::int64_t, std::int64_t>>;

class Windows : public test::BackendTest {
 protected:
  nx::Tensor w3() const { return nx::tensor({{{1, 2, 3}, {4, 5, 6}}, {{1, 2, 3}, {4, 5, 6}}}, {.backend = b()}); }
  nx::WindowFrontOptions w3_opts() const {
    return {.padding = Pairs{{0, 1}, {2, 0}, {1, 1}}, .strides = {1, 2, 3}, .window_dilations = {}};
  }
};

TEST_P(Windows, SumProductMaxWithPadding) {
  test::expect_tensor<int>(nx::window_sum(w3(), {2, 2, 1}, w3_opts()), nx::s32, {2, 2, 2}, {0, 0, 0, 18, 0, 0, 0, 9});
  test::expect_tensor<int>(nx::window_product(w3(), {2, 2, 1}, w3_opts()), nx::s32, {2, 2, 2},
                           {1, 1, 1, 324, 1, 1, 1, 18});
  const int m = std::numeric_limits<std::int32_t>::min();
  test::expect_tensor<int>(nx::window_max(w3(), {2, 2, 1}, w3_opts()), nx::s32, {2, 2, 2}, {m, m, m, 6, m, m, m, 6});
  const int big = std::numeric_limits<std::int32_t>::max();
  test::expect_tensor<int>(nx::window_min(w3(), {2, 2, 1}, w3_opts()), nx::s32, {2, 2, 2},
                           {big, big, big, 3, big, big, big, 3});
}

TEST_P(Windows, FloatMaxPadsWithNegativeInfinity) {
  auto t = nx::tensor({{{4.0, 2.0, 3.0}, {2.0, 5.0, 6.5}}, {{1.2, 2.2, 3.2}, {4.0, 5.0, 6.2}}}, {.backend = b()});
  auto r = nx::window_max(t, {2, 1, 1}, {.padding = Pairs{{1, 1}, {0, 0}, {1, 1}}, .strides = {2, 1, 1}});
  const double inf = INFINITY;
  test::expect_close(r, nx::f32, {2, 2, 5},
                     {-inf, 4, 2, 3, -inf, -inf, 2, 5, 6.5, -inf, -inf, 1.2, 2.2, 3.2, -inf, -inf, 4, 5, 6.2, -inf});
  auto lo = nx::window_min(t, {2, 1, 1}, {.padding = Pairs{{1, 1}, {0, 0}, {1, 1}}, .strides = {2, 1, 1}});
  test::expect_close(lo, nx::f32, {2, 2, 5},
                     {inf, 4, 2, 3, inf, inf, 2, 5, 6.5, inf, inf, 1.2, 2.2, 3.2, inf, inf, 4, 5, 6.2, inf});
}

TEST_P(Windows, Dilations) {
  auto t = nx::tensor({{{4, 2, 1, 3}, {4, 2, 1, 7}}, {{1, 2, 5, 7}, {1, 8, 9, 2}}}, {.backend = b()});
  test::expect_tensor<int>(nx::window_sum(t, {1, 1, 2}, {.strides = {2, 1, 1}, .window_dilations = {1, 2, 1}}),
                           nx::s32, {1, 2, 3}, {6, 3, 4, 6, 3, 8});
  auto v = nx::tensor({1, 2, 3, 4, 5, 6, 7}, {.backend = b()});
  test::expect_tensor<int>(nx::window_max(v, {2}, {.window_dilations = {4}}), nx::s32, {3}, {5, 6, 7});
}

TEST_P(Windows, SamePaddingAndStrides) {
  test::expect_tensor<int>(nx::window_max(nx::tensor({1, 2, 3}, {.backend = b()}), {2}, {.padding = nx::Padding::same}),
                           nx::s32, {3}, {2, 3, 3});
  auto t = nx::iota({1, 4, 4, 1}, {.type = nx::f32, .backend = b()});
  test::expect_tensor<float>(nx::window_max(t, {1, 3, 3, 1}, {.padding = nx::Padding::same, .strides = {1, 2, 2, 1}}),
                             nx::f32, {1, 2, 2, 1}, {5, 7, 13, 15});
  // One stride entry is repeated on every axis.
  auto m = nx::iota({4, 4}, {.backend = b()});
  test::expect_tensor<int>(nx::window_sum(m, {2, 2}, {.strides = {2}}), nx::s32, {2, 2}, {10, 18, 42, 50});
}

TEST_P(Windows, NoWideningAndNaN) {
  auto u = nx::tensor({200, 100, 7}, {.type = nx::u8, .backend = b()});
  test::expect_tensor<int>(nx::window_sum(u, {2}), nx::u8, {2}, {44, 107});
  test::expect_tensor<float>(nx::window_mean(u, {2}), nx::f32, {2}, {22.0f, 53.5f});
  auto f = nx::tensor({1.0, NAN, 3.0, 4.0}, {.backend = b()});
  test::expect_tensor<float>(nx::window_max(f, {2}), nx::f32, {3}, {NAN, NAN, 4.0f});
  test::expect_tensor<float>(nx::window_min(f, {2}), nx::f32, {3}, {NAN, NAN, 3.0f});
  test::expect_tensor<float>(nx::window_mean(nx::tensor({1, 2, 3, 4}, {.backend = b()}), {2},
                                             {.padding = nx::Padding::same}),
                             nx::f32, {4}, {1.5f, 2.5f, 3.5f, 2.0f});
  auto c = nx::tensor({std::complex<double>(1, 1), std::complex<double>(0, 1), std::complex<double>(2, 0)},
                      {.backend = b()});
  test::expect_tensor<std::complex<float>>(nx::window_product(c, {2}), nx::c64, {2},
                                           {std::complex<float>(-1, 1), std::complex<float>(0, 2)});
  test::expect_tensor<int>(nx::window_sum(nx::tensor(5, {.backend = b()}), {}), nx::s32, {}, {5});
}

TEST_P(Windows, NegativePaddingCrops) {
  auto v = nx::tensor({1, 2, 3, 4, 5}, {.backend = b()});
  test::expect_tensor<int>(nx::window_sum(v, {2}, {.padding = Pairs{{-1, 1}}}), nx::s32, {4}, {5, 7, 9, 5});
  test::expect_tensor<int>(nx::window_max(v, {2}, {.padding = Pairs{{1, -2}}}), nx::s32, {3}, {1, 2, 3});
}

TEST_P(Windows, WindowReduce) {
  auto t = nx::tensor({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}, {.backend = b()});
  auto r = nx::window_reduce(t, nx::Scalar(std::numeric_limits<std::int32_t>::min()), {2, 2},
                             [](const nx::Tensor& e, const nx::Tensor& a) { return nx::max(e, a); },
                             {.padding = nx::Padding::same, .strides = {1, 1}});
  test::expect_tensor<int>(r, nx::s32, {3, 3}, {5, 6, 6, 8, 9, 9, 8, 9, 9});
  // The padding holds the accumulator, and fn sees it: count the elements.
  auto count = nx::window_reduce(t, nx::Scalar(10), {2, 2},
                                 [](const nx::Tensor& e, const nx::Tensor& a) { return nx::add(a, 1); },
                                 {.padding = Pairs{{0, 1}, {0, 0}}});
  test::expect_tensor<int>(count, nx::s32, {3, 2}, {14, 14, 14, 14, 14, 14});
  // Row-major fold order: acc * 10 + element.
  auto digits = nx::window_reduce(nx::tensor({1, 2, 3, 4}, {.backend = b()}), nx::Scalar(0), {3},
                                  [](const nx::Tensor& e, const nx::Tensor& a) { return nx::add(nx::multiply(a, 10), e); });
  test::expect_tensor<int>(digits, nx::s32, {2}, {123, 234});
}

TEST_P(Windows, ScatterMinAndMax) {
  auto t = nx::tensor({{7, 2, 5, 3, 10, 2}, {3, 8, 9, 3, 4, 2}, {1, 5, 7, 5, 6, 1}, {0, 6, 2, 7, 2, 8}}, {.backend = b()});
  auto source = nx::tensor({{2, 6}, {3, 1}}, {.backend = b()});
  test::expect_tensor<int>(nx::window_scatter_min(t, source, 0, {2, 3}, {.strides = {2, 3}}), nx::s32, {4, 6},
                           {0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 1, 3, 0, 0, 0, 0, 0});
  auto u = nx::tensor({{7, 2, 5, 3, 8}, {3, 8, 9, 3, 4}, {1, 5, 7, 5, 6}, {0, 6, 2, 10, 2}}, {.backend = b()});
  test::expect_tensor<int>(nx::window_scatter_max(u, source, 0, {2, 3}, {.strides = {2, 2}}), nx::s32, {4, 5},
                           {0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 1, 0});
}

TEST_P(Windows, ScatterWithPaddingAndTypes) {
  auto t = nx::tensor({1, 5, 2}, {.backend = b()});
  auto src = nx::tensor({10, 20, 30}, {.backend = b()});
  const nx::WindowFrontOptions same{.padding = nx::Padding::same};
  test::expect_tensor<int>(nx::window_scatter_max(t, src, 0, {2}, same), nx::s32, {3}, {0, 30, 30});
  // The padding (init 0) wins the last window and its source is dropped.
  test::expect_tensor<int>(nx::window_scatter_min(t, src, 0, {2}, same), nx::s32, {3}, {10, 0, 20});
  test::expect_tensor<int>(nx::window_scatter_min(t, src, 3, {2}, same), nx::s32, {3}, {13, 3, 53});
  // Output type merges source and init; ties pick the last position.
  auto ties = nx::tensor({4, 4, 4, 4}, {.type = nx::u8, .backend = b()});
  auto s8 = nx::tensor({1, 2}, {.type = nx::u8, .backend = b()});
  test::expect_tensor<float>(nx::window_scatter_max(ties, s8, 0.5, {2}, {.strides = {2}}), nx::f32, {4},
                             {0.5f, 1.5f, 0.5f, 2.5f});
  test::expect_tensor<int>(nx::window_scatter_min(ties, s8, 1, {3}, {.strides = {1}}), nx::s32, {4}, {1, 1, 2, 3});
  // A leading NaN is selected; later NaNs never are.
  auto f = nx::tensor({NAN, 1.0, 2.0, NAN}, {.backend = b()});
  auto fs = nx::tensor({1.0, 10.0}, {.backend = b()});
  test::expect_tensor<float>(nx::window_scatter_max(f, fs, 0.0, {2}, {.strides = {2}}), nx::f32, {4},
                             {1.0f, 0.0f, 10.0f, 0.0f});
}

TEST_P(Windows, Errors) {
  auto t = nx::tensor({{1, 2, 3}, {4, 5, 6}}, {.backend = b()});
  EXPECT_THROW(nx::window_sum(t, {2}), nx::ArgumentError);
  EXPECT_THROW(nx::window_sum(t, {2, 0}), nx::ArgumentError);
  EXPECT_THROW(nx::window_sum(t, {3, 1}), nx::ArgumentError);
  EXPECT_THROW(nx::window_sum(t, {1, 1}, {.strides = {0}}), nx::ArgumentError);
  EXPECT_THROW(nx::window_sum(t, {1, 1}, {.strides = {1, 1, 1}}), nx::ArgumentError);
  EXPECT_THROW(nx::window_sum(t, {1, 1}, {.window_dilations = {0, 1}}), nx::ArgumentError);
  EXPECT_THROW(nx::window_sum(t, {1, 1}, {.padding = Pairs{{0, 0}}}), nx::ArgumentError);
  EXPECT_THROW(nx::window_sum(t, {2, 2}, {.padding = Pairs{{-1, 0}, {0, 0}}}), nx::ArgumentError);
  EXPECT_THROW(nx::window_max(t, {2, 2}, {.window_dilations = {2, 1}}), nx::ArgumentError);
  auto c = nx::tensor({std::complex<double>(1, 1), std::complex<double>(2, 0)}, {.backend = b()});
  EXPECT_THROW(nx::window_max(c, {1}), nx::ArgumentError);
  EXPECT_THROW(nx::window_min(c, {1}), nx::ArgumentError);
  EXPECT_THROW(nx::window_reduce(t, nx::Scalar(0), {1, 1}, nx::ReduceFn{}), nx::ArgumentError);
  auto src = nx::tensor({{1, 2}}, {.backend = b()});
  EXPECT_THROW(nx::window_scatter_max(t, src, 0, {2, 1}), nx::ArgumentError);
  EXPECT_THROW(nx::window_scatter_max(t, nx::tensor({{1, 2, 3}}, {.backend = b()}), 0, {2, 1},
                                      {.window_dilations = {2, 1}}),
               nx::ArgumentError);
  EXPECT_THROW(nx::window_scatter_min(c, nx::tensor({1, 2}, {.backend = b()}), 0, {1}), nx::ArgumentError);
}

NX_ALL_BACKENDS(Windows);

// Integers in [-3, 3] (many ties) and, for float types, NaN, +-Inf, -0.0.
nx::Tensor tied_tensor(test::Rng& rng, nx::Type type, const nx::Shape& shape, bool specials) {
  std::uniform_int_distribution<int> value(-3, 3), special(0, 11);
  std::vector<double> v(static_cast<std::size_t>(nx::shape_size(shape)));
  for (auto& x : v) {
    x = value(rng);
    if (specials && nx::is_float(type)) {
      switch (special(rng)) {
        case 0: x = NAN; break;
        case 1: x = INFINITY; break;
        case 2: x = -INFINITY; break;
        case 3: x = -0.0; break;
        default: break;
      }
    }
  }
  std::vector<std::uint8_t> bytes(v.size() * sizeof(double));
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return nx::as_type(nx::from_binary(bytes, nx::f64, shape, {.backend = nx::binary_backend()}), type);
}

struct Config {
  nx::Shape shape, window;
  nx::WindowFrontOptions opts;
};

std::vector<Config> configs() {
  return {
      {{6}, {1}, {}},
      {{6}, {3}, {.strides = {2}}},
      {{6}, {2}, {.padding = nx::Padding::same, .window_dilations = {2}}},
      {{7}, {3}, {.padding = Pairs{{1, 2}}, .strides = {2}, .window_dilations = {2}}},
      {{5}, {2}, {.padding = Pairs{{-1, 1}}}},
      {{4, 5}, {2, 3}, {.padding = nx::Padding::same, .strides = {1, 2}}},
      {{4, 5}, {2, 2}, {.padding = Pairs{{0, 1}, {2, 0}}, .strides = {2, 1}, .window_dilations = {1, 2}}},
      {{2, 3, 4}, {1, 2, 2}, {.padding = Pairs{{0, 1}, {1, 0}, {-1, 2}}, .strides = {1, 1, 2}}},
      {{3, 4, 2}, {3, 2, 1}, {.padding = nx::Padding::same, .strides = {2}, .window_dilations = {1, 2, 1}}},
      {{}, {}, {}},
  };
}

std::string describe(const Config& c) {
  return nx::shape_to_string(c.shape) + " window " + nx::shape_to_string(c.window);
}

TEST(WindowCompare, ReductionsAgainstReference) {
  test::Rng rng(11);
  for (const auto& c : configs()) {
    for (nx::Type type : test::emily_types()) {
      const std::string ctx = nx::to_string(type) + " " + describe(c);
      auto x = test::random_tensor(rng, type, c.shape, {.lo = -2, .hi = 2});
      test::compare_backends([&](const auto& in) { return nx::window_sum(in[0], c.window, c.opts); }, {x},
                             "window_sum " + ctx);
      test::compare_backends([&](const auto& in) { return nx::window_product(in[0], c.window, c.opts); }, {x},
                             "window_product " + ctx);
      test::compare_backends([&](const auto& in) { return nx::window_mean(in[0], c.window, c.opts); }, {x},
                             "window_mean " + ctx);
      if (nx::is_complex(type)) continue;
      auto y = tied_tensor(rng, type, c.shape, true);
      test::compare_backends([&](const auto& in) { return nx::window_max(in[0], c.window, c.opts); }, {y},
                             "window_max " + ctx);
      test::compare_backends([&](const auto& in) { return nx::window_min(in[0], c.window, c.opts); }, {y},
                             "window_min " + ctx);
    }
  }
}

TEST(WindowCompare, WindowReduceFallsBackExactly) {
  test::Rng rng(12);
  for (const auto& c : configs()) {
    for (nx::Type type : {nx::s32, nx::f32, nx::u8}) {
      auto x = test::random_tensor(rng, type, c.shape, {.lo = -5, .hi = 5});
      test::compare_backends(
          [&](const auto& in) {
            return nx::window_reduce(in[0], nx::Scalar(1), c.window,
                                     [](const nx::Tensor& e, const nx::Tensor& a) { return nx::add(nx::multiply(a, 2), e); },
                                     c.opts);
          },
          {x}, "window_reduce " + nx::to_string(type) + " " + describe(c), std::nullopt,
          test::Path::fallback);  // a user function per window: always on the reference backend
    }
  }
}

TEST(WindowCompare, ScattersAgainstReference) {
  test::Rng rng(13);
  for (const auto& c : configs()) {
    if (!c.opts.window_dilations.empty()) continue;  // scatters take no dilations
    for (nx::Type type : test::emily_real_types()) {
      auto x = tied_tensor(rng, type, c.shape, true);
      const nx::Shape grid = nx::window_max(x, c.window, c.opts).shape();
      auto source = test::random_tensor(rng, type, grid, {.lo = 0, .hi = 9});
      for (nx::Scalar init : {nx::Scalar(0), nx::Scalar(1.5), nx::Scalar(-2)}) {
        const std::string ctx = nx::to_string(type) + " " + describe(c) + " init " + init.to_string();
        test::compare_backends(
            [&](const auto& in) { return nx::window_scatter_max(in[0], in[1], init, c.window, c.opts); },
            {x, source}, "window_scatter_max " + ctx);
        test::compare_backends(
            [&](const auto& in) { return nx::window_scatter_min(in[0], in[1], init, c.window, c.opts); },
            {x, source}, "window_scatter_min " + ctx);
      }
    }
  }
}

}  // namespace
