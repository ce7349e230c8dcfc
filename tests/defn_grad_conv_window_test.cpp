// Gradients of conv and the window ops: nx::grad against central finite
// differences (reference backend, f64) over the option space, Emily CPU
// against the reference, and hand-worked values (ties, zeros, padding).
#include <functional>

#include "grad_check.hpp"

namespace {

using Args = std::vector<nx::Tensor>;
using Op = std::function<nx::Tensor(const Args&)>;

nx::BackendPtr emily_cpu() { return emily::backend({.device = emily::Device::cpu}); }

// f(inputs..., r) = sum(op(inputs) * r) with r random of op's output shape,
// so every output position gets its own weight (and r's gradient is op's
// value); checked against finite differences and on Emily.
void check_weighted(const Op& op, Args inputs, unsigned seed) {
  nx::Tensor y = op(inputs);
  inputs.push_back(test::random_f64(y.shape(), seed));
  test::VecFn f = [op](const Args& a) {
    return nx::sum(nx::multiply(op(Args(a.begin(), a.end() - 1)), a.back()));
  };
  test::check_grad(f, inputs);
  test::compare_grad_backends(f, inputs, emily_cpu());
}

std::vector<double> grad_values(const test::VecFn& f, const Args& args, std::size_t k) {
  return nx::to_flat_list<double>(nx::grad([f](const Args& a) { return f(a); })(args)[k]);
}

nx::Tensor f64(const std::vector<double>& v, const nx::Shape& shape) {
  return nx::reshape(nx::tensor(v, {.type = nx::f64, .backend = nx::binary_backend()}), shape);
}

using Pads = std::vector<std::pair<std::int64_t, std::int64_t>>;

// ---------------------------------------------------------------- conv

struct ConvCase {
  const char* name;
  nx::Shape input, kernel;
  nx::ConvFrontOptions opts;
};

void check_conv(const ConvCase& c, unsigned seed) {
  SCOPED_TRACE(c.name);
  auto opts = c.opts;
  check_weighted([opts](const Args& a) { return nx::conv(a[0], a[1], opts); },
                 {test::random_f64(c.input, seed), test::random_f64(c.kernel, seed + 1)}, seed + 2);
}

TEST(DefnGradConvWindow, ConvPlainStridesPadding) {
  const std::vector<ConvCase> cases = {
      {"valid", {2, 3, 5, 5}, {4, 3, 3, 3}, {}},
      {"same, stride 2", {2, 3, 6, 5}, {2, 3, 3, 2}, {.strides = {2}, .padding = nx::Padding::same}},
      {"explicit padding, strides 2x1", {1, 2, 5, 6}, {3, 2, 2, 3},
       {.strides = {2, 1}, .padding = Pads{{1, 2}, {0, 1}}}},
      {"negative padding", {1, 2, 6, 6}, {2, 2, 2, 2}, {.padding = Pads{{-1, 1}, {2, -2}}}},
      {"stride larger than kernel", {1, 1, 7, 8}, {2, 1, 2, 2}, {.strides = {3}, .padding = Pads{{0, 1}, {1, 0}}}},
      {"1-d", {2, 2, 7}, {3, 2, 3}, {.strides = {2}, .padding = Pads{{1, 1}}}},
      {"3-d", {1, 2, 4, 3, 4}, {2, 2, 2, 2, 2}, {.strides = {1, 2, 1}, .padding = nx::Padding::same}},
  };
  unsigned seed = 10;
  for (const auto& c : cases) check_conv(c, seed += 10);
}

TEST(DefnGradConvWindow, ConvDilations) {
  const std::vector<ConvCase> cases = {
      {"kernel dilation", {1, 2, 7, 6}, {2, 2, 2, 2}, {.kernel_dilation = {2, 3}}},
      {"input dilation", {1, 2, 4, 3}, {2, 2, 2, 2}, {.input_dilation = {2, 3}}},
      {"both with strides and padding", {2, 2, 4, 5}, {3, 2, 2, 3},
       {.strides = {2, 3}, .padding = Pads{{1, 0}, {2, 1}}, .input_dilation = {2, 1}, .kernel_dilation = {1, 2}}},
      {"input dilation, negative padding", {1, 1, 5, 5}, {1, 1, 2, 2},
       {.strides = {2}, .padding = Pads{{-1, -2}, {-3, 1}}, .input_dilation = {3, 2}}},
  };
  unsigned seed = 100;
  for (const auto& c : cases) check_conv(c, seed += 10);
}

TEST(DefnGradConvWindow, ConvGroups) {
  const std::vector<ConvCase> cases = {
      {"feature groups 2", {2, 4, 5, 5}, {6, 2, 3, 3}, {.feature_group_size = 2}},
      {"depthwise", {1, 3, 5, 4}, {3, 1, 2, 2}, {.strides = {2, 1}, .feature_group_size = 3}},
      {"feature groups with everything", {2, 4, 5, 6}, {4, 2, 2, 3},
       {.strides = {2, 1}, .padding = Pads{{1, 1}, {0, 2}}, .input_dilation = {1, 2}, .kernel_dilation = {2, 1},
        .feature_group_size = 2}},
      {"batch groups 2", {4, 3, 5, 5}, {6, 3, 2, 2}, {.batch_group_size = 2}},
      {"batch groups 3, 1-d", {3, 2, 6}, {3, 2, 2}, {.strides = {2}, .batch_group_size = 3}},
      {"batch groups with everything", {4, 2, 5, 4}, {4, 2, 3, 2},
       {.strides = {1, 2}, .padding = Pads{{2, 0}, {1, 1}}, .input_dilation = {2, 1}, .kernel_dilation = {1, 2},
        .batch_group_size = 2}},
  };
  unsigned seed = 200;
  for (const auto& c : cases) check_conv(c, seed += 10);
}

TEST(DefnGradConvWindow, ConvPermutations) {
  const std::vector<ConvCase> cases = {
      // NHWC input, HWIO kernel, NHWC output.
      {"nhwc", {2, 5, 4, 3}, {2, 3, 3, 4},
       {.padding = nx::Padding::same,
        .input_permutation = {0, 3, 1, 2},
        .kernel_permutation = {3, 2, 0, 1},
        .output_permutation = {0, 3, 1, 2}}},
      {"permutations with groups, strides and dilations", {5, 2, 4, 6}, {2, 4, 2, 2},
       {.strides = {2, 1}, .padding = Pads{{1, 0}, {0, 1}}, .kernel_dilation = {1, 2}, .feature_group_size = 2,
        .input_permutation = {3, 2, 0, 1},
        .kernel_permutation = {1, 3, 0, 2},
        .output_permutation = {2, 0, 3, 1}}},
      {"permutations with batch groups", {3, 4, 2, 5}, {3, 2, 4, 2},
       {.input_dilation = {1, 2}, .batch_group_size = 2,
        .input_permutation = {1, 0, 3, 2},
        .kernel_permutation = {2, 0, 3, 1},
        .output_permutation = {3, 1, 0, 2}}},
  };
  unsigned seed = 300;
  for (const auto& c : cases) check_conv(c, seed += 10);
}

TEST(DefnGradConvWindow, ConvHandValued) {
  // 1-d, one channel: y[p] = x[p] w[0] + x[p+1] w[1]; d sum(y) / dx = the
  // kernel taps each x touches, d sum(y) / dw[t] = sum of the x it reads.
  auto x = f64({1, 2, 3, 4}, {1, 1, 4});
  auto w = f64({10, 100}, {1, 1, 2});
  test::VecFn f = [](const Args& a) { return nx::sum(nx::conv(a[0], a[1])); };
  EXPECT_EQ(grad_values(f, {x, w}, 0), (std::vector<double>{10, 110, 110, 100}));
  EXPECT_EQ(grad_values(f, {x, w}, 1), (std::vector<double>{6, 9}));
  // Stride 2 over x: windows [1,2] and [3,4].
  test::VecFn fs = [](const Args& a) { return nx::sum(nx::conv(a[0], a[1], {.strides = {2}})); };
  EXPECT_EQ(grad_values(fs, {x, w}, 0), (std::vector<double>{10, 100, 10, 100}));
  EXPECT_EQ(grad_values(fs, {x, w}, 1), (std::vector<double>{4, 6}));
}

TEST(DefnGradConvWindow, ConvIntegerInputGivesKernelGradient) {
  auto x = nx::reshape(nx::tensor(std::vector<std::int32_t>{1, 2, 3, 4}, {.backend = nx::binary_backend()}), {1, 1, 4});
  auto w = f64({10, 100}, {1, 1, 2});
  test::VecFn f = [](const Args& a) { return nx::sum(nx::conv(a[0], a[1])); };
  EXPECT_EQ(grad_values(f, {x, w}, 0), (std::vector<double>{0, 0, 0, 0}));  // integers carry no gradient
  EXPECT_EQ(grad_values(f, {x, w}, 1), (std::vector<double>{6, 9}));
}

TEST(DefnGradConvWindow, ConvGradOfGrad) {
  // sum(conv(x, w)^2): the second derivative goes through the gradient convs.
  auto x = test::random_f64({1, 2, 5}, 7), w = test::random_f64({2, 2, 2}, 8);
  test::VecFn inner = [](const Args& a) {
    auto y = nx::conv(a[0], a[1], {.strides = {2}, .padding = Pads{{1, 0}}});
    return nx::sum(nx::multiply(y, y));
  };
  test::VecFn outer = [inner](const Args& a) {
    auto gx = nx::grad([inner](const Args& b) { return inner(b); })(a)[0];
    return nx::sum(nx::multiply(gx, gx));
  };
  test::check_grad(outer, {x, w}, 1e-5);
}

// ---------------------------------------------------------------- windows

struct WindowCase {
  const char* name;
  nx::Shape shape, window;
  nx::WindowFrontOptions opts;
};

const std::vector<WindowCase>& window_cases() {
  static const std::vector<WindowCase> cases = {
      {"valid", {4, 5}, {2, 3}, {}},
      {"same, strides 2x1", {5, 4}, {3, 2}, {.padding = nx::Padding::same, .strides = {2, 1}}},
      {"explicit and negative padding", {5, 6}, {2, 2}, {.padding = Pads{{1, 0}, {-1, 2}}, .strides = {1, 2}}},
      {"stride larger than window", {7, 3}, {2, 1}, {.padding = Pads{{0, 1}, {0, 1}}, .strides = {3, 2}}},
      {"dilations", {6, 7}, {2, 3}, {.strides = {1, 2}, .window_dilations = {2, 2}}},
      {"dilations and padding", {5, 5}, {2, 2}, {.padding = Pads{{2, 1}, {0, -1}}, .window_dilations = {3, 1}}},
      {"3-d", {2, 4, 3}, {1, 2, 2}, {.padding = nx::Padding::same, .strides = {1, 2, 1}}},
  };
  return cases;
}

using WindowFn = nx::Tensor (*)(const nx::Tensor&, const nx::Shape&, const nx::WindowFrontOptions&);

void check_window(WindowFn fn, double lo, double hi, unsigned seed) {
  for (const auto& c : window_cases()) {
    SCOPED_TRACE(c.name);
    auto window = c.window;
    auto opts = c.opts;
    check_weighted([fn, window, opts](const Args& a) { return fn(a[0], window, opts); },
                   {test::random_f64(c.shape, seed += 10, lo, hi)}, seed + 1);
  }
}

TEST(DefnGradConvWindow, WindowSum) { check_window(nx::window_sum, -1, 1, 400); }

TEST(DefnGradConvWindow, WindowSumHandValued) {
  auto x = f64({1, 1, 1, 1, 1}, {5});
  auto grad_of = [&](nx::WindowFrontOptions opts) {
    return grad_values([opts](const Args& a) { return nx::sum(nx::window_sum(a[0], {3}, opts)); }, {x}, 0);
  };
  // Each element counts once per window that covers it.
  EXPECT_EQ(grad_of({}), (std::vector<double>{1, 2, 3, 2, 1}));
  EXPECT_EQ(grad_of({.strides = {2}}), (std::vector<double>{1, 1, 2, 1, 1}));
  EXPECT_EQ(grad_of({.padding = nx::Padding::same}), (std::vector<double>{2, 3, 3, 3, 2}));
  EXPECT_EQ(grad_of({.window_dilations = {2}}), (std::vector<double>{1, 0, 1, 0, 1}));
  EXPECT_EQ(grad_of({.padding = Pads{{-1, 0}}}), (std::vector<double>{0, 1, 2, 2, 1}));
  // window_mean divides by the window size.
  auto mean = grad_values([](const Args& a) { return nx::sum(nx::window_mean(a[0], {2})); }, {x}, 0);
  EXPECT_EQ(mean, (std::vector<double>{0.5, 1, 1, 1, 0.5}));
}

// Random values are distinct, so finite differences see no ties; all-negative
// values check that padding never takes the maximum.
TEST(DefnGradConvWindow, WindowMax) {
  check_window(nx::window_max, -1, 1, 500);
  check_window(nx::window_max, -2, -1, 550);
}

TEST(DefnGradConvWindow, WindowMin) {
  check_window(nx::window_min, -1, 1, 600);
  check_window(nx::window_min, 1, 2, 650);
}

TEST(DefnGradConvWindow, WindowMaxMinTiesGoToTheLastPosition) {
  auto x = f64({1, 3, 3, 2}, {4});
  auto grad_of = [&](WindowFn fn, const nx::Tensor& t, nx::Shape window, nx::WindowFrontOptions opts) {
    return grad_values([fn, window, opts](const Args& a) { return nx::sum(fn(a[0], window, opts)); }, {t}, 0);
  };
  // Windows (x0,x1) = [1,3], (x1,x2) = [3,3], (x2,x3) = [3,2]: the tied
  // window routes its gradient to the later 3 (x2), as window_scatter_max
  // selects (first-tie routing would give {0, 2, 1, 0}).
  EXPECT_EQ(grad_of(nx::window_max, x, {2}, {}), (std::vector<double>{0, 1, 2, 0}));
  EXPECT_EQ(grad_of(nx::window_min, nx::negate(x), {2}, {}), (std::vector<double>{0, 1, 2, 0}));
  // With a dilation (the explicit-window route), the same rule:
  // windows (0,2) = [3,3], (1,3) = [0,0], (2,4) = [3,1].
  auto y = f64({3, 0, 3, 0, 1}, {5});
  EXPECT_EQ(grad_of(nx::window_max, y, {2}, {.window_dilations = {2}}), (std::vector<double>{0, 0, 2, 1, 0}));
  EXPECT_EQ(grad_of(nx::window_min, nx::negate(y), {2}, {.window_dilations = {2}}),
            (std::vector<double>{0, 0, 2, 1, 0}));
  // A window of equal values: everything to its last element, and padding
  // (-inf for max) never selected even against negative values.
  auto z = f64({-5, -5, -5}, {3});
  EXPECT_EQ(grad_of(nx::window_max, z, {3}, {.padding = nx::Padding::same}), (std::vector<double>{0, 1, 2}));
  // 2-d: row-major order decides; the last of the four equal values wins.
  auto m = f64({7, 7, 7, 7}, {2, 2});
  EXPECT_EQ(grad_of(nx::window_max, m, {2, 2}, {}), (std::vector<double>{0, 0, 0, 1}));
  // Emily CPU agrees on the ties.
  test::compare_grad_backends([](const Args& a) { return nx::sum(nx::window_max(a[0], {2})); }, {x}, emily_cpu());
  test::compare_grad_backends([](const Args& a) { return nx::sum(nx::window_max(a[0], {2}, {.window_dilations = {2}})); },
                              {y}, emily_cpu());
}

TEST(DefnGradConvWindow, WindowMaxGradOfGrad) {
  // The second derivative runs through the window_scatter rule (no
  // dilation) and through the explicit-window route (dilation).
  for (const auto& opts : {nx::WindowFrontOptions{.padding = nx::Padding::same, .strides = {2, 1}},
                           nx::WindowFrontOptions{.padding = Pads{{1, 0}, {0, 1}}, .window_dilations = {2, 1}}}) {
    test::VecFn inner = [opts](const Args& a) {
      auto y = nx::window_max(a[0], {2, 2}, opts);
      return nx::sum(nx::multiply(y, nx::multiply(y, y)));
    };
    test::VecFn outer = [inner](const Args& a) {
      auto gx = nx::grad([inner](const Args& b) { return inner(b); })(a)[0];
      return nx::sum(nx::multiply(gx, gx));
    };
    test::check_grad(outer, {test::random_f64({5, 4}, 31)}, 1e-5);
  }
}

TEST(DefnGradConvWindow, WindowProduct) {
  check_window(nx::window_product, -1.5, 1.5, 700);
  // Exact zeros in the input: still differentiable (no division).
  auto x = test::random_f64({4, 5}, 777);
  auto v = nx::to_flat_list<double>(x);
  v[3] = 0;
  v[7] = 0;
  v[8] = 0;
  check_weighted([](const Args& a) { return nx::window_product(a[0], {2, 2}, {.padding = nx::Padding::same}); },
                 {f64(v, {4, 5})}, 778);
}

TEST(DefnGradConvWindow, WindowProductHandValued) {
  // Windows [2,0] and [0,3]: d/dx of sum = [0, 2 + 3, 0].
  auto x = f64({2, 0, 3}, {3});
  auto g = grad_values([](const Args& a) { return nx::sum(nx::window_product(a[0], {2})); }, {x}, 0);
  EXPECT_EQ(g, (std::vector<double>{0, 5, 0}));
  auto y = f64({2, 4, 3}, {3});
  // Padding holds 1: windows [1,2,4] [2,4,3] [4,3,1] (same padding).
  auto h = grad_values([](const Args& a) { return nx::sum(nx::window_product(a[0], {3}, {.padding = nx::Padding::same})); },
                       {y}, 0);
  EXPECT_EQ(h, (std::vector<double>{4 + 12, 2 + 6 + 3, 8 + 4}));
}

// ------------------------------------------------------- window scatters

struct ScatterCase {
  const char* name;
  nx::Shape shape, window;
  nx::WindowFrontOptions opts;
};

void check_scatter(bool is_max, unsigned seed) {
  const std::vector<ScatterCase> cases = {
      {"valid, strides = window", {4, 6}, {2, 3}, {.strides = {2, 3}}},
      {"overlapping windows", {4, 5}, {2, 2}, {}},
      {"same, strides 2", {5, 5}, {3, 2}, {.padding = nx::Padding::same, .strides = {2}}},
      {"explicit and negative padding", {5, 6}, {2, 2}, {.padding = Pads{{1, -1}, {-1, 2}}, .strides = {1, 2}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto window = c.window;
    auto opts = c.opts;
    // Pooled shape of the source.
    nx::Shape pooled = nx::window_sum(nx::iota(c.shape), window, opts).shape();
    check_weighted(
        [is_max, window, opts](const Args& a) {
          return is_max ? nx::window_scatter_max(a[0], a[1], 0.25, window, opts)
                        : nx::window_scatter_min(a[0], a[1], 0.25, window, opts);
        },
        {test::random_f64(c.shape, seed += 10), test::random_f64(pooled, seed + 1)}, seed + 2);
  }
}

TEST(DefnGradConvWindow, WindowScatterMax) { check_scatter(true, 800); }
TEST(DefnGradConvWindow, WindowScatterMin) { check_scatter(false, 900); }

TEST(DefnGradConvWindow, WindowScatterHandValued) {
  auto r = f64({10, 20, 30, 40}, {4});
  auto source = f64({1, 2}, {2});
  auto grads = [&](const nx::Tensor& t, nx::WindowFrontOptions opts, bool is_max) {
    test::VecFn f = [opts, is_max](const Args& a) {
      auto s = is_max ? nx::window_scatter_max(a[0], a[1], 0, {2}, opts)
                      : nx::window_scatter_min(a[0], a[1], 0, {2}, opts);
      return nx::sum(nx::multiply(s, a[2]));
    };
    return nx::grad([f](const Args& a) { return f(a); })(Args{t, source, r});
  };
  // Windows [1,5] and [2,4] select positions 1 and 3: d source = r there;
  // nothing flows to t.
  auto g = grads(f64({1, 5, 2, 4}, {4}), {.strides = {2}}, true);
  EXPECT_EQ(nx::to_flat_list<double>(g[1]), (std::vector<double>{20, 40}));
  EXPECT_EQ(nx::to_flat_list<double>(g[0]), (std::vector<double>{0, 0, 0, 0}));
  g = grads(f64({1, 5, 2, 4}, {4}), {.strides = {2}}, false);
  EXPECT_EQ(nx::to_flat_list<double>(g[1]), (std::vector<double>{10, 30}));
  // Ties select the last position: windows [3,3] [3,3].
  g = grads(f64({3, 3, 3, 3}, {4}), {.strides = {2}}, true);
  EXPECT_EQ(nx::to_flat_list<double>(g[1]), (std::vector<double>{20, 40}));
  // Selection over t padded with init_value (0): the first window [pad, -1]
  // selects the padding, so its source element scatters nowhere.
  g = grads(f64({-1, -2, -3, -4}, {4}), {.padding = Pads{{1, 1}}, .strides = {3}}, true);
  EXPECT_EQ(nx::to_flat_list<double>(g[1]), (std::vector<double>{0, 30}));
}

TEST(DefnGradConvWindow, WindowScatterInitValueGradient) {
  // The front end takes init_value as a number; the callback takes a tensor,
  // so call it directly to differentiate with respect to init_value (it
  // fills every element: d init = sum(g)).
  auto f = [](const Args& a) {
    const nx::WindowOptions o{.padding = {{1, 0}, {0, 1}}, .strides = {2, 1}, .window_dilations = {1, 1}};
    auto s = a[0].backend()->window_scatter_max(nx::Spec{a[0].shape(), nx::f64, {}}, a[0], a[1], a[2], {2, 2}, o);
    return nx::sum(nx::multiply(s, a[3]));
  };
  Args args{test::random_f64({4, 3}, 41), test::random_f64({2, 3}, 42), f64({0.5}, {}), test::random_f64({4, 3}, 43)};
  auto grads = test::check_grad(f, args);
  EXPECT_NEAR(nx::to_number<double>(grads[2]), nx::to_number<double>(nx::sum(args[3])), 1e-12);
}

TEST(DefnGradConvWindow, WindowReduceIsNotDifferentiable) {
  auto x = test::random_f64({4}, 1);
  auto f = [](const nx::Tensor& t) {
    return nx::sum(nx::window_reduce(t, 0, {2}, [](const nx::Tensor& a, const nx::Tensor& b) { return nx::add(a, b); }));
  };
  try {
    nx::grad(f)(x);
    ADD_FAILURE() << "window_reduce's gradient did not raise";
  } catch (const nx::ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("window_reduce"), std::string::npos) << e.what();
  }
}

}  // namespace
