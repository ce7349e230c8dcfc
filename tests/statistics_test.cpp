// Cumulative ops, all_close and the statistics compositions, with values
// printed by Nx's doctests.
#include <cstring>

#include "compare_util.hpp"

namespace {

using Pairs = std::vector<std::pair<std::int64_t, std::int64_t>>;

class Statistics : public test::BackendTest {};

TEST_P(Statistics, CumulativeExamples) {
  auto i = nx::iota({3, 3}, {.backend = b()});
  test::expect_tensor<int>(nx::cumulative_sum(i, {.axis = 1, .reverse = true}), nx::s32, {3, 3},
                           {3, 3, 2, 12, 9, 5, 21, 15, 8});
  test::expect_tensor<int>(nx::cumulative_sum(i), nx::s32, {3, 3}, {0, 1, 2, 3, 5, 7, 9, 12, 15});
  test::expect_tensor<int>(nx::cumulative_product(i, {.axis = 1}), nx::s32, {3, 3}, {0, 0, 0, 3, 12, 60, 6, 42, 336});
  auto t = nx::tensor({{2, 3, 1}, {1, 3, 2}, {2, 1, 3}}, {.backend = b()});
  test::expect_tensor<int>(nx::cumulative_max(t, {.axis = 0, .reverse = true}), nx::s32, {3, 3},
                           {2, 3, 3, 2, 3, 3, 2, 1, 3});
  test::expect_tensor<int>(nx::cumulative_min(t, {.axis = 1}), nx::s32, {3, 3}, {2, 2, 1, 1, 1, 1, 2, 1, 1});
  test::expect_tensor<int>(nx::cumulative_min(t, {.axis = -1, .reverse = true}), nx::s32, {3, 3},
                           {1, 1, 1, 1, 2, 2, 1, 1, 3});
}

TEST_P(Statistics, CumulativeTypesAndNaN) {
  auto u = nx::tensor({200, 100, 10}, {.type = nx::u8, .names = {"x"}, .backend = b()});
  auto s = nx::cumulative_sum(u);
  test::expect_tensor<int>(s, nx::u8, {3}, {200, 44, 54});
  EXPECT_EQ(s.names(), nx::Names{"x"});
  test::expect_tensor<int>(nx::cumulative_product(u), nx::u8, {3}, {200, 32, 64});
  auto f = nx::tensor({1.0, NAN, 3.0, -INFINITY}, {.backend = b()});
  test::expect_tensor<float>(nx::cumulative_max(f), nx::f32, {4}, {1, NAN, NAN, NAN});
  test::expect_tensor<float>(nx::cumulative_min(f, {.reverse = true}), nx::f32, {4}, {NAN, NAN, -INFINITY, -INFINITY});
  test::expect_tensor<float>(nx::cumulative_sum(f, {.reverse = true}), nx::f32, {4}, {NAN, NAN, -INFINITY, -INFINITY});
  auto m = nx::tensor({-128, 5, -3}, {.type = nx::s8, .backend = b()});
  test::expect_tensor<int>(nx::cumulative_max(m, {.reverse = true}), nx::s8, {3}, {5, 5, -3});
  test::expect_tensor<int>(nx::cumulative_min(m), nx::s8, {3}, {-128, -128, -128});
  auto c = nx::tensor({std::complex<double>(1, 1), std::complex<double>(0, 1)}, {.backend = b()});
  test::expect_tensor<std::complex<float>>(nx::cumulative_product(c), nx::c64, {2},
                                           {std::complex<float>(1, 1), std::complex<float>(-1, 1)});
  test::expect_tensor<std::complex<float>>(nx::cumulative_sum(c), nx::c64, {2},
                                           {std::complex<float>(1, 1), std::complex<float>(1, 2)});
}

TEST_P(Statistics, CumulativeErrors) {
  auto t = nx::tensor({{1, 2}, {3, 4}}, {.backend = b()});
  EXPECT_THROW(nx::cumulative_sum(t, {.axis = 2}), nx::ArgumentError);
  EXPECT_THROW(nx::cumulative_max(nx::tensor(1, {.backend = b()})), nx::ArgumentError);
  auto c = nx::tensor({std::complex<double>(1, 1)}, {.backend = b()});
  EXPECT_THROW(nx::cumulative_min(c), nx::ArgumentError);
  EXPECT_THROW(nx::cumulative_max(c), nx::ArgumentError);
}

TEST_P(Statistics, AllClose) {
  auto nan = nx::tensor(NAN, {.backend = b()});
  test::expect_tensor<int>(nx::all_close(nan, nan), nx::u8, {}, {0});
  auto v = nx::tensor({NAN, 1.0}, {.backend = b()});
  test::expect_tensor<int>(nx::all_close(v, v, {.equal_nan = true}), nx::u8, {}, {1});
  test::expect_tensor<int>(nx::all_close(v, v), nx::u8, {}, {0});
  auto inf = nx::tensor({1.0, INFINITY, -INFINITY}, {.backend = b()});
  test::expect_tensor<int>(nx::all_close(inf, inf), nx::u8, {}, {1});
  test::expect_tensor<int>(nx::all_close(inf, nx::tensor({1.0, INFINITY, INFINITY}, {.backend = b()})), nx::u8, {}, {0});
  auto one = nx::tensor({1.0, 100.0}, {.backend = b()});
  test::expect_tensor<int>(nx::all_close(one, nx::tensor({1.000001, 100.0005}, {.backend = b()})), nx::u8, {}, {1});
  test::expect_tensor<int>(nx::all_close(one, nx::tensor({1.001, 100.0}, {.backend = b()})), nx::u8, {}, {0});
  test::expect_tensor<int>(nx::all_close(one, nx::tensor({1.001, 100.0}, {.backend = b()}), {.rtol = 1e-2}), nx::u8,
                           {}, {1});
  test::expect_tensor<int>(nx::all_close(one, nx::tensor({1.5, 100.5}, {.backend = b()}), {.atol = 0.5}), nx::u8, {},
                           {1});
  // Integers, mixed types and broadcasting.
  auto ints = nx::tensor({1, 2, 3}, {.backend = b()});
  test::expect_tensor<int>(nx::all_close(ints, ints), nx::u8, {}, {1});
  test::expect_tensor<int>(nx::all_close(nx::tensor({3}, {.type = nx::u8, .backend = b()}),
                                         nx::tensor({5}, {.type = nx::u8, .backend = b()})),
                           nx::u8, {}, {0});
  test::expect_tensor<int>(nx::all_close(ints, nx::tensor({1.0, 2.0, 3.0}, {.backend = b()})), nx::u8, {}, {1});
  test::expect_tensor<int>(nx::all_close(nx::tensor({{1, 1}, {1, 1}}, {.backend = b()}), nx::tensor(1, {.backend = b()})),
                           nx::u8, {}, {1});
  auto c = nx::tensor({std::complex<double>(1, 2)}, {.backend = b()});
  test::expect_tensor<int>(nx::all_close(c, c), nx::u8, {}, {1});
  test::expect_tensor<int>(nx::all_close(c, nx::tensor({std::complex<double>(1, 2.1)}, {.backend = b()})), nx::u8, {},
                           {0});
  EXPECT_THROW(nx::all_close(ints, nx::tensor({1, 2}, {.backend = b()})), nx::ArgumentError);
}

TEST_P(Statistics, MeanVarianceDeviation) {
  test::expect_tensor<float>(nx::mean(nx::tensor({1, 2, 3}, {.type = nx::u8, .backend = b()}), {.axes = nx::Axes{0}}),
                             nx::f32, {}, {2.0f});
  auto m = nx::tensor({{1, 2}, {3, 4}}, {.backend = b()});
  test::expect_tensor<float>(nx::mean(m), nx::f32, {}, {2.5f});
  test::expect_tensor<float>(nx::mean(m, {.axes = nx::Axes{-1}, .keep_axes = true}), nx::f32, {2, 1}, {1.5f, 3.5f});
  test::expect_tensor<float>(nx::mean(nx::tensor({1.0, 2.0}, {.type = nx::f16, .backend = b()})), nx::f16, {}, {1.5f});
  test::expect_close(nx::standard_deviation(m), nx::f32, {}, {1.118034});
  test::expect_close(nx::standard_deviation(m, {.ddof = 1}), nx::f32, {}, {1.2909944});
  test::expect_tensor<float>(nx::variance(m, {.axes = nx::Axes{0}}), nx::f32, {2}, {1.0f, 1.0f});
  test::expect_tensor<float>(nx::variance(m, {.axes = nx::Axes{1}, .keep_axes = true, .ddof = 1}), nx::f32, {2, 1},
                             {0.5f, 0.5f});
  EXPECT_THROW(nx::mean(m, {.axes = nx::Axes{0, 0}}), nx::ArgumentError);
  EXPECT_THROW(nx::variance(m, {.axes = nx::Axes{2}}), nx::ArgumentError);
}

TEST_P(Statistics, LogSumExpAndSoftmax) {
  test::expect_close(nx::logsumexp(nx::tensor({1, 2, 3, 4, 5, 6}, {.backend = b()})), nx::f32, {}, {6.4561934});
  auto m = nx::tensor({{1.0, 2.0}, {3.0, 4.0}}, {.backend = b()});
  const double l12 = 2.0 + std::log1p(std::exp(-1.0));
  test::expect_close(nx::logsumexp(m, {.axes = nx::Axes{1}}), nx::f32, {2}, {l12, l12 + 2.0});
  test::expect_close(nx::logsumexp(m, {.axes = nx::Axes{1}, .keep_axes = true}), nx::f32, {2, 1}, {l12, l12 + 2.0});
  test::expect_close(nx::logsumexp(nx::tensor({-INFINITY, -INFINITY}, {.backend = b()})), nx::f32, {}, {-INFINITY});
  test::expect_close(nx::logsumexp(nx::tensor({1000.0, 1000.0}, {.backend = b()})), nx::f32, {}, {1000.0 + std::log(2.0)});
  auto v = nx::tensor({1.0, 2.0, 3.0}, {.backend = b()});
  test::expect_close(nx::softmax(v), nx::f32, {3}, {0.09003057, 0.24472847, 0.66524096});
  test::expect_close(nx::log_softmax(v), nx::f32, {3}, {-2.4076059, -1.4076059, -0.4076059});
  test::expect_close(nx::softmax(nx::tensor({{1, 1}, {0, 2}}, {.backend = b()}), 0), nx::f32, {2, 2},
                     {0.7310586, 0.2689414, 0.2689414, 0.7310586});
  EXPECT_THROW(nx::softmax(v, 1), nx::ArgumentError);
  EXPECT_THROW(nx::log_softmax(nx::tensor(1.0, {.backend = b()})), nx::ArgumentError);
}

TEST_P(Statistics, Median) {
  test::expect_tensor<float>(nx::median(nx::tensor({1, 2}, {.backend = b()})), nx::f32, {}, {1.5f});
  test::expect_tensor<int>(nx::median(nx::tensor({1, 2, 3}, {.backend = b()})), nx::s32, {}, {2});
  auto m = nx::tensor({{3, 1, 2}, {6, 5, 4}}, {.backend = b()});
  test::expect_tensor<int>(nx::median(m, {.axis = 1}), nx::s32, {2}, {2, 5});
  test::expect_tensor<int>(nx::median(m, {.axis = 1, .keep_axis = true}), nx::s32, {2, 1}, {2, 5});
  test::expect_tensor<float>(nx::median(m, {.axis = 0}), nx::f32, {3}, {4.5f, 3.0f, 3.0f});
  test::expect_tensor<float>(nx::median(m), nx::f32, {}, {3.5f});
  // Nx ignores keep_axis without an axis: a scalar.
  test::expect_tensor<float>(nx::median(m, {.keep_axis = true}), nx::f32, {}, {3.5f});
  test::expect_tensor<int>(nx::median(nx::tensor(7, {.backend = b()})), nx::s32, {}, {7});
  EXPECT_THROW(nx::median(m, {.axis = 2}), nx::ArgumentError);
}

TEST_P(Statistics, WeightedMean) {
  auto t = nx::tensor({1, 2, 3}, {.backend = b()});
  test::expect_close(nx::weighted_mean(t, nx::tensor({3, 2, 1}, {.backend = b()})), nx::f32, {}, {10.0 / 6.0});
  auto m = nx::tensor({{1, 2}, {3, 4}}, {.backend = b()});
  auto w = nx::tensor({1, 3}, {.backend = b()});
  test::expect_close(nx::weighted_mean(m, w, {.axes = nx::Axes{1}}), nx::f32, {2}, {1.75, 3.75});
  test::expect_close(nx::weighted_mean(m, w, {.axes = nx::Axes{0}, .keep_axes = true}), nx::f32, {1, 2}, {2.5, 3.5});
  // Nx's doctest: weights for axes [1, 2] of a {2, 4, 4, 1} tensor.
  auto t4 = nx::iota({2, 4, 4, 1}, {.backend = b()});
  test::expect_close(nx::weighted_mean(t4, nx::broadcast(2, nx::Shape{4, 4}), {.axes = nx::Axes{1, 2}}), nx::f32, {2, 1},
                     {7.5, 23.5});
  // Nx's placement for axes [2, 0] of a {2, 2, 2} tensor: w2 padded to
  // {1, 2, 2}, axis 2 trading places with itself, so w2[j][k] weighs
  // t[i][j][k]; the divisor is w2's own sum over axes 2 and 0 (a row sum):
  // j = 0: (0*1 + 1*2 + 4*1 + 5*2) / 3, j = 1: (2*3 + 3*4 + 6*3 + 7*4) / 7.
  auto cube = nx::iota({2, 2, 2}, {.backend = b()});
  auto w2 = nx::tensor({{1, 2}, {3, 4}}, {.backend = b()});
  test::expect_close(nx::weighted_mean(cube, w2, {.axes = nx::Axes{2, 0}}), nx::f32, {2}, {16.0 / 3.0, 64.0 / 7.0});
  EXPECT_THROW(nx::weighted_mean(m, nx::tensor({1, 2, 3}, {.backend = b()})), nx::ArgumentError);
  // Shapes that differ need axes, and weights of their rank.
  EXPECT_THROW(nx::weighted_mean(m, nx::tensor({{1, 2}}, {.backend = b()})), nx::ArgumentError);
  EXPECT_THROW(nx::weighted_mean(m, nx::tensor({{1, 2}}, {.backend = b()}), {.axes = nx::Axes{1}}), nx::ArgumentError);
}

NX_ALL_BACKENDS(Statistics);

// Random values with, for float types, NaN and +-Inf sprinkled in.
nx::Tensor with_specials(test::Rng& rng, nx::Type type, const nx::Shape& shape, double lo, double hi) {
  std::uniform_real_distribution<double> value(lo, hi);
  std::uniform_int_distribution<int> special(0, 11);
  std::vector<double> v(static_cast<std::size_t>(nx::shape_size(shape)));
  for (auto& x : v) {
    x = std::round(value(rng) * 8) / 8;
    if (nx::is_float(type)) {
      switch (special(rng)) {
        case 0: x = NAN; break;
        case 1: x = INFINITY; break;
        case 2: x = -INFINITY; break;
        default: break;
      }
    }
  }
  std::vector<std::uint8_t> bytes(v.size() * sizeof(double));
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return nx::as_type(nx::from_binary(bytes, nx::f64, shape, {.backend = nx::binary_backend()}), type);
}

TEST(StatisticsCompare, CumulativeAgainstReference) {
  test::Rng rng(21);
  const std::vector<nx::Shape> shapes = {{9}, {3, 5}, {2, 3, 4}};
  for (nx::Type type : test::emily_types()) {
    for (const auto& shape : shapes) {
      auto x = test::random_tensor(rng, type, shape, {.lo = -4, .hi = 4});
      auto small = test::random_tensor(rng, type, shape, {.lo = -2, .hi = 2});
      auto specials = with_specials(rng, type, shape, -4, 4);
      for (int axis = 0; axis < static_cast<int>(shape.size()); ++axis) {
        for (bool reverse : {false, true}) {
          const nx::CumulativeOptions o{.axis = axis, .reverse = reverse};
          const std::string ctx = nx::to_string(type) + " " + nx::shape_to_string(shape) + " axis " +
                                  std::to_string(axis) + (reverse ? " reverse" : "");
          test::compare_backends([&](const auto& in) { return nx::cumulative_sum(in[0], o); }, {x}, "cumsum " + ctx);
          test::compare_backends([&](const auto& in) { return nx::cumulative_product(in[0], o); }, {small},
                                 "cumprod " + ctx);
          if (nx::is_complex(type)) continue;
          test::compare_backends([&](const auto& in) { return nx::cumulative_min(in[0], o); }, {specials},
                                 "cummin " + ctx);
          test::compare_backends([&](const auto& in) { return nx::cumulative_max(in[0], o); }, {specials},
                                 "cummax " + ctx);
        }
      }
    }
  }
}

TEST(StatisticsCompare, AllCloseAgainstReference) {
  test::Rng rng(22);
  const nx::Shape shape{3, 4};
  const std::vector<nx::AllCloseOptions> options = {
      {}, {.atol = 0.2}, {.rtol = 0.05}, {.equal_nan = true}, {.equal_nan = true, .rtol = 0.1, .atol = 0.2}};
  for (nx::Type ta : test::emily_types()) {
    for (nx::Type tb : {ta, nx::s32, nx::f32, nx::u8, nx::f64}) {
      auto a = test::random_tensor(rng, ta, shape, {.lo = -20, .hi = 20});
      auto bump = test::random_tensor(rng, tb, shape, {.lo = 0, .hi = 0.2});
      auto b = nx::as_type(nx::add(nx::as_type(a, tb), bump), tb);
      auto sa = with_specials(rng, ta, shape, -3, 3);
      // c64 with f64 merges to c128, which MLX cannot hold: the reference backend answers.
      const test::Path mixed = ta == nx::c64 && tb == nx::f64 ? test::Path::fallback : test::Path::native;
      for (const auto& o : options) {
        const std::string ctx = nx::to_string(ta) + " vs " + nx::to_string(tb);
        test::compare_backends([&](const auto& in) { return nx::all_close(in[0], in[1], o); }, {a, b}, "all_close " + ctx,
                               std::nullopt, mixed);
        test::compare_backends([&](const auto& in) { return nx::all_close(in[0], in[1], o); }, {a, a},
                               "all_close self " + ctx);
        test::compare_backends([&](const auto& in) { return nx::all_close(in[0], in[1], o); }, {sa, sa},
                               "all_close specials " + ctx);
        test::compare_backends([&](const auto& in) { return nx::all_close(in[0], in[1], o); },
                               {sa, nx::as_type(sa, tb)}, "all_close specials cast " + ctx, std::nullopt, mixed);
      }
    }
  }
}

TEST(StatisticsCompare, CompositionsAgainstReference) {
  test::Rng rng(23);
  for (nx::Type type : test::emily_real_types()) {
    auto x = test::random_tensor(rng, type, {3, 4, 2}, {.lo = -6, .hi = 6});
    const std::string ctx = nx::to_string(type);
    // Several rounded steps in bf16.
    std::optional<test::Tolerance> tol;
    if (type == nx::bf16) tol = test::Tolerance{4e-2, 4e-2};
    // Their f64 exp runs on Emily's CPU kernel, or, with the kernels off, on
    // the reference backend (MLX's is single precision).
    const test::Path with_exp = test::unary_path(nx::UnaryOp::exp, type).cpu;
    test::compare_backends([&](const auto& in) { return nx::mean(in[0], {.axes = nx::Axes{2, 0}}); }, {x}, "mean " + ctx, tol);
    test::compare_backends([&](const auto& in) { return nx::variance(in[0], {.axes = nx::Axes{1}, .ddof = 1}); }, {x},
                           "variance " + ctx, tol);
    test::compare_backends([&](const auto& in) { return nx::logsumexp(in[0], {.axes = nx::Axes{0, 2}}); }, {x},
                           "logsumexp " + ctx, tol, with_exp);
    test::compare_backends([&](const auto& in) { return nx::softmax(in[0], 1); }, {x}, "softmax " + ctx, tol, with_exp);
    test::compare_backends([&](const auto& in) { return nx::log_softmax(in[0]); }, {x}, "log_softmax " + ctx, tol,
                           with_exp);
    test::compare_backends([&](const auto& in) { return nx::median(in[0], {.axis = 1}); }, {x}, "median " + ctx, tol);
    test::compare_backends([&](const auto& in) { return nx::median(in[0]); }, {x}, "median all " + ctx, tol);
  }
}

}  // namespace

namespace {

// Types MLX lacks live on the reference backend only: the default
// compositions and the reference callbacks must handle them.
TEST(ReferenceOnlyTypes, ScansWindowsAndSorts) {
  const nx::BackendPtr ref = nx::binary_backend();
  auto s4 = nx::tensor({7, 1, 1}, {.type = nx::s4, .backend = ref});
  test::expect_tensor<int>(nx::cumulative_sum(s4), nx::s4, {3}, {7, -8, -7});
  test::expect_tensor<int>(nx::sort(nx::tensor({-8, 7, 0}, {.type = nx::s4, .backend = ref}), {.direction = nx::Direction::desc}),
                           nx::s4, {3}, {7, 0, -8});
  auto u2 = nx::tensor({3, 3, 2}, {.type = nx::u2, .backend = ref});
  test::expect_tensor<int>(nx::cumulative_product(u2), nx::u2, {3}, {3, 1, 2});
  test::expect_tensor<int>(nx::argsort(u2, {.direction = nx::Direction::desc}), nx::s32, {3}, {0, 1, 2});
  auto e4 = nx::tensor({1.0, 3.0, 2.0}, {.type = nx::f8_e4m3fn, .backend = ref});
  test::expect_tensor<float>(nx::cumulative_max(e4), nx::f8_e4m3fn, {3}, {1, 3, 3});
  test::expect_tensor<float>(nx::cumulative_min(e4, {.reverse = true}), nx::f8_e4m3fn, {3}, {1, 2, 2});
  test::expect_tensor<float>(nx::window_max(e4, {1}, {.padding = Pairs{{1, 0}}}), nx::f8_e4m3fn, {4}, {-448, 1, 3, 2});
  auto f8 = nx::tensor({1.0, 2.0}, {.type = nx::f8, .backend = ref});
  test::expect_tensor<float>(nx::window_min(f8, {1}, {.padding = Pairs{{0, 1}}}), nx::f8, {3}, {1, 2, INFINITY});
  auto [values, indices] = nx::top_k(nx::tensor({{1, 15, 4, 15}}, {.type = nx::u4, .backend = ref}), 3);
  test::expect_tensor<int>(values, nx::u4, {1, 3}, {15, 15, 4});
  test::expect_tensor<int>(indices, nx::s32, {1, 3}, {1, 3, 2});
  auto c128 = nx::tensor({std::complex<double>(1, 1), std::complex<double>(2, -1)}, {.type = nx::c128, .backend = ref});
  test::expect_tensor<std::complex<double>>(nx::cumulative_sum(c128, {.reverse = true}), nx::c128, {2},
                                            {std::complex<double>(3, 0), std::complex<double>(2, -1)});
  test::expect_tensor<int>(nx::all_close(c128, c128), nx::u8, {}, {1});
}

}  // namespace

TEST(SoftmaxBlock, EmilyMatchesReferenceIncludingNonFinite) {
  test::Rng rng(21);
  for (nx::Type t : {nx::f32, nx::f16, nx::bf16, nx::f64, nx::s32}) {
    auto x = test::random_tensor(rng, t, {3, 5});
    for (int axis : {0, 1, -1})
      test::compare_backends([axis](const auto& in) { return nx::softmax(in[0], axis); }, {x},
                             "softmax " + nx::to_string(t) + " axis " + std::to_string(axis),
                             t == nx::bf16 ? std::optional<test::Tolerance>(test::Tolerance{2e-2, 2e-2}) : std::nullopt,
                             // f64: the block's exp runs on Emily's CPU kernel, or, with the kernels
                             // off, on the reference backend (MLX's is single precision)
                             test::unary_path(nx::UnaryOp::exp, t));
  }
  auto special = nx::tensor({{1.0, INFINITY, 0.0}, {-INFINITY, -INFINITY, -INFINITY}, {NAN, 1.0, 2.0}},
                            {.backend = nx::binary_backend()});
  test::compare_backends([](const auto& in) { return nx::softmax(in[0], 1); }, {special}, "softmax non-finite");
}

TEST(SoftmaxBlock, HandValues) {
  for (const auto& name : test::backends()) {
    auto x = nx::tensor({{0.0, std::log(3.0)}}, {.backend = test::backend_named(name)});
    test::expect_close(nx::softmax(x), nx::f32, {1, 2}, {0.25, 0.75});
  }
}

TEST(SoftmaxBlock, IntegerInputsDoNotWrap) {
  for (const auto& name : test::backends()) {
    auto x = nx::tensor({-128, 127}, {.type = nx::s8, .backend = test::backend_named(name)});
    const double p = 1 / (1 + std::exp(255.0));
    test::expect_close(nx::softmax(x), nx::f32, {2}, {p, 1 - p});
    test::expect_close(nx::log_softmax(x), nx::f32, {2}, {-255.0, -std::log1p(std::exp(-255.0))}, 1e-5, 1e-4);
    test::expect_close(nx::logsumexp(x), nx::f32, {}, {127.0});
  }
}
