// nx::conv on every backend: values printed by Nx's doctests, layouts
// through permutations, groups, dilations, negative padding, errors, and a
// randomized comparison of Emily against the reference.
#include <numeric>

#include "compare_util.hpp"

namespace {

// A tensor of `type` and `shape` from row-major host values, on backend b.
nx::Tensor host(const std::vector<double>& values, const nx::Shape& shape, nx::Type type, const nx::BackendPtr& b) {
  std::vector<std::uint8_t> bytes(values.size() * sizeof(double));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  nx::Tensor t = nx::from_binary(bytes, nx::f64, shape, {.backend = nx::binary_backend()});
  return nx::backend_copy(nx::as_type(t, type), b);
}

std::vector<double> iota_values(std::int64_t n, double scale = 1) {
  std::vector<double> v(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(i) * scale;
  return v;
}

// Row-major transpose on the host: result dim i = shape[perm[i]].
std::vector<double> host_transpose(const std::vector<double>& v, const nx::Shape& shape, const std::vector<int>& perm) {
  const std::size_t r = shape.size();
  std::vector<std::int64_t> strides(r, 1);
  for (int i = static_cast<int>(r) - 2; i >= 0; --i) strides[static_cast<std::size_t>(i)] = strides[static_cast<std::size_t>(i) + 1] * shape[static_cast<std::size_t>(i) + 1];
  nx::Shape out(r);
  for (std::size_t i = 0; i < r; ++i) out[i] = shape[static_cast<std::size_t>(perm[i])];
  std::vector<double> res(v.size());
  std::vector<std::int64_t> idx(r, 0);
  for (std::size_t k = 0; k < v.size(); ++k) {
    std::int64_t off = 0;
    for (std::size_t i = 0; i < r; ++i) off += idx[i] * strides[static_cast<std::size_t>(perm[i])];
    res[k] = v[static_cast<std::size_t>(off)];
    for (int d = static_cast<int>(r) - 1; d >= 0; --d) {
      if (++idx[static_cast<std::size_t>(d)] < out[static_cast<std::size_t>(d)]) break;
      idx[static_cast<std::size_t>(d)] = 0;
    }
  }
  return res;
}

class Conv : public test::BackendTest {};

TEST_P(Conv, ChannelScaling) {
  // Kernel iota {4,1,1,1} scales the input by the channel index.
  auto x = nx::iota({1, 1, 3, 3}, {.backend = b()});
  auto k = nx::iota({4, 1, 1, 1}, {.backend = b()});
  auto y = nx::conv(x, k, {.strides = {1, 1}});
  std::vector<double> want;
  for (int c = 0; c < 4; ++c)
    for (int i = 0; i < 9; ++i) want.push_back(c * i);
  test::expect_close(y, nx::f32, {1, 4, 3, 3}, want);
}

TEST_P(Conv, SamePaddingWithKernelDilationAndStrides) {
  auto x = nx::iota({1, 1, 3, 3}, {.backend = b()});
  auto k = nx::iota({4, 1, 2, 1}, {.backend = b()});
  auto y = nx::conv(x, k, {.strides = {2}, .padding = nx::Padding::same, .kernel_dilation = {2, 1}});
  test::expect_close(y, nx::f32, {1, 4, 2, 2}, {3, 5, 0, 0, 9, 15, 6, 10, 15, 25, 12, 20, 21, 35, 18, 30});
}

TEST_P(Conv, ComplexIsNotFlippedOrConjugated) {
  using c = std::complex<double>;
  auto x = nx::tensor({{{c(1, 1), c(2, 0), c(3, -3)}}}, {.backend = b()});
  auto k = nx::tensor({{{c(1, 0), c(0, 2), c(0, 3)}}}, {.backend = b()});
  auto y = nx::conv(x, k, {.padding = std::vector<std::pair<std::int64_t, std::int64_t>>{{2, 2}}});
  EXPECT_EQ(nx::to_string(y.type()), "c64");
  EXPECT_EQ(nx::shape_to_string(y.shape()), "{1, 1, 5}");
  auto got = nx::to_flat_list<std::complex<double>>(y);
  std::vector<c> want = {c(-3, 3), c(-2, 8), c(10, 14), c(8, 6), c(3, -3)};
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_NEAR(got[i].real(), want[i].real(), 1e-5) << i;
    EXPECT_NEAR(got[i].imag(), want[i].imag(), 1e-5) << i;
  }
}

TEST_P(Conv, OneDimensionalAndInputDilationOne) {
  auto y = nx::conv(nx::iota({2, 2, 2}, {.backend = b()}), nx::ones({1, 2, 1}, {.backend = b()}),
                    {.input_dilation = {1}});
  test::expect_close(y, nx::f32, {2, 1, 2}, {2, 4, 10, 12});
}

TEST_P(Conv, BatchGroups) {
  // Output channel o reads input batch o (N/B = 1).
  auto y = nx::conv(nx::iota({3, 10, 1, 1}, {.backend = b()}), nx::iota({3, 10, 1, 1}, {.backend = b()}),
                    {.batch_group_size = 3});
  test::expect_close(y, nx::f32, {1, 3, 1, 1}, {285, 2185, 6085});
}

TEST_P(Conv, TwoChannelValid) {
  auto t2 = nx::iota({2, 2, 4, 4}, {.type = nx::f32, .backend = b()});
  auto k = nx::iota({1, 2, 2, 2}, {.type = nx::f32, .backend = b()});
  auto y = nx::conv(t2, k, {.strides = {1, 1}, .padding = nx::Padding::valid});
  test::expect_close(y, nx::f32, {2, 1, 3, 3},
                     {440, 468, 496, 552, 580, 608, 664, 692, 720, 1336, 1364, 1392, 1448, 1476, 1504, 1560, 1588, 1616});
}

TEST_P(Conv, ChannelsLastThroughPermutations) {
  // TwoChannelValid with NHWC input and output: same values, transposed.
  auto x_nchw = iota_values(2 * 2 * 4 * 4);
  auto x = host(host_transpose(x_nchw, {2, 2, 4, 4}, {0, 2, 3, 1}), {2, 4, 4, 2}, nx::f32, b());
  auto k = nx::iota({1, 2, 2, 2}, {.type = nx::f32, .backend = b()});
  auto y = nx::conv(x, k, {.input_permutation = {0, 3, 1, 2}, .output_permutation = {0, 3, 1, 2}});
  std::vector<double> nchw = {440,  468,  496,  552,  580,  608,  664,  692,  720,
                              1336, 1364, 1392, 1448, 1476, 1504, 1560, 1588, 1616};
  test::expect_close(y, nx::f32, {2, 3, 3, 1}, host_transpose(nchw, {2, 1, 3, 3}, {0, 2, 3, 1}));
  // Kernel given as {H, W, I, O}.
  auto k_hwio = host(host_transpose(iota_values(8), {1, 2, 2, 2}, {2, 3, 1, 0}), {2, 2, 2, 1}, nx::f32, b());
  auto y2 = nx::conv(x, k_hwio, {.input_permutation = {0, 3, 1, 2}, .kernel_permutation = {3, 2, 0, 1},
                                 .output_permutation = {0, 3, 1, 2}});
  test::expect_close(y2, nx::f32, {2, 3, 3, 1}, host_transpose(nchw, {2, 1, 3, 3}, {0, 2, 3, 1}));
}

TEST_P(Conv, FeatureGroups) {
  // Input channels {0,1} feed output channel 0, {2,3} feed output channel 1.
  auto x = host({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {1, 4, 3}, nx::f32, b());
  auto k = host({1, 0, 0, 1, 1, 1, -1, -1}, {2, 2, 2}, nx::f32, b());
  auto y = nx::conv(x, k, {.feature_group_size = 2});
  // ch0: x0[t] + x1[t+1]; ch1: (x2[t] + x2[t+1]) - (x3[t] + x3[t+1])
  test::expect_close(y, nx::f32, {1, 2, 2}, {1 + 5, 2 + 6, (7 + 8) - (10 + 11), (8 + 9) - (11 + 12)});
}

TEST_P(Conv, ThreeSpatialDimsWithFeatureGroups) {
  auto x = nx::iota({1, 2, 2, 2, 2}, {.type = nx::f32, .backend = b()});
  auto k = nx::ones({2, 1, 2, 2, 2}, {.type = nx::f32, .backend = b()});
  auto y = nx::conv(x, k, {.feature_group_size = 2});
  test::expect_close(y, nx::f32, {1, 2, 1, 1, 1}, {28, 92});
}

TEST_P(Conv, NegativePaddingWithInputDilation) {
  // Dilated [0 _ 1 _ 2 _ 3 _ 4], first position cropped, windows of 2.
  auto x = host({0, 1, 2, 3, 4}, {1, 1, 5}, nx::f32, b());
  auto k = host({1, 1}, {1, 1, 2}, nx::f32, b());
  using P = std::vector<std::pair<std::int64_t, std::int64_t>>;
  auto y = nx::conv(x, k, {.padding = P{{-1, 0}}, .input_dilation = {2}});
  test::expect_close(y, nx::f32, {1, 1, 7}, {1, 1, 2, 2, 3, 3, 4});
  auto z = nx::conv(x, k, {.strides = {2}, .padding = P{{-3, -2}}, .input_dilation = {2}});
  // Dilated positions 3..6: [_ 2 _ 3] -> windows at 0, 2: 2, 3
  test::expect_close(z, nx::f32, {1, 1, 2}, {2, 3});
  // Cropping leaves only dilation holes: zeros.
  auto holes = nx::conv(host({1, 2}, {1, 1, 2}, nx::f32, b()), host({1}, {1, 1, 1}, nx::f32, b()),
                        {.padding = P{{-1, -1}}, .input_dilation = {3}});
  test::expect_close(holes, nx::f32, {1, 1, 2}, {0, 0});
}

TEST_P(Conv, FourSpatialDims) {
  auto x = nx::iota({1, 1, 2, 2, 2, 2}, {.backend = b()});
  auto k = nx::ones({2, 1, 2, 2, 2, 1}, {.backend = b()});
  // Each output sums one half of the 16 values along the last spatial dim.
  test::expect_close(nx::conv(x, k), nx::f32, {1, 2, 1, 1, 1, 2}, {56, 64, 56, 64});
}

TEST_P(Conv, OutputTypes) {
  auto xi = nx::tensor({{{1, 2, 3}}}, {.type = nx::s8, .backend = b()});
  auto ki = nx::tensor({{{1, -1}}}, {.type = nx::s8, .backend = b()});
  test::expect_tensor<float>(nx::conv(xi, ki), nx::f32, {1, 1, 2}, {-1, -1});
  auto xh = nx::as_type(xi, nx::f16);
  test::expect_tensor<float>(nx::conv(xh, ki), nx::f16, {1, 1, 2}, {-1, -1});
}

TEST_P(Conv, NamesFollowTheInputLayout) {
  auto x = nx::iota({1, 3, 4, 2}, {.type = nx::s32, .axis = std::nullopt, .names = {"batch", "h", "w", "channels"},
                                   .backend = b()});
  auto k = nx::ones({5, 2, 2, 2}, {.backend = b()});
  auto y = nx::conv(x, k, {.input_permutation = {0, 3, 1, 2}, .output_permutation = {0, 3, 1, 2}});
  EXPECT_EQ(nx::shape_to_string(y.shape()), "{1, 2, 3, 5}");
  EXPECT_EQ(y.names(), (nx::Names{"batch", "h", "w", "channels"}));
}

TEST_P(Conv, Errors) {
  auto x = nx::iota({1, 2, 4}, {.type = nx::f32, .backend = b()});
  auto k = nx::iota({3, 2, 2}, {.type = nx::f32, .backend = b()});
  EXPECT_THROW(nx::conv(nx::iota({2, 4}, {.backend = b()}), k), nx::ArgumentError);
  EXPECT_THROW(nx::conv(x, nx::iota({3, 2, 2, 1}, {.backend = b()})), nx::ArgumentError);
  EXPECT_THROW(nx::conv(x, nx::iota({3, 1, 2}, {.backend = b()})), nx::ArgumentError);  // channels
  EXPECT_THROW(nx::conv(x, k, {.feature_group_size = 2}), nx::ArgumentError);           // 3 % 2
  EXPECT_THROW(nx::conv(x, k, {.feature_group_size = 2, .batch_group_size = 2}), nx::ArgumentError);
  EXPECT_THROW(nx::conv(x, k, {.batch_group_size = 2}), nx::ArgumentError);              // 1 % 2
  EXPECT_THROW(nx::conv(x, nx::iota({3, 2, 5}, {.backend = b()})), nx::ArgumentError);   // empty output
  EXPECT_THROW(nx::conv(x, k, {.strides = {1, 1}}), nx::ArgumentError);
  EXPECT_THROW(nx::conv(x, k, {.strides = {0}}), nx::ArgumentError);
  EXPECT_THROW(nx::conv(x, k, {.kernel_dilation = {0}}), nx::ArgumentError);
  EXPECT_THROW(nx::conv(x, k, {.input_permutation = {0, 1}}), nx::ArgumentError);
  EXPECT_THROW(nx::conv(x, k, {.input_permutation = {0, 1, 1}}), nx::ArgumentError);
  using P = std::vector<std::pair<std::int64_t, std::int64_t>>;
  EXPECT_THROW(nx::conv(x, k, {.padding = P{{0, 0}, {0, 0}}}), nx::ArgumentError);
}

NX_ALL_BACKENDS(Conv);

// ---------------------------------------------------------------- randomized

struct ConvCase {
  nx::Shape input, kernel;
  nx::ConvFrontOptions opts;
};

ConvCase random_case(test::Rng& rng, int d) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  ConvCase c;
  const int G = pick(0, 2) == 0 ? pick(2, 3) : 1;
  const int B = G == 1 && pick(0, 2) == 0 ? 2 : 1;
  const int Cg = pick(1, 2), N = B * pick(1, 2), O = G * B * pick(1, 2);
  nx::Shape xin{N, G * Cg}, ker{O, Cg};
  for (int j = 0; j < d; ++j) {
    xin.push_back(pick(3, 6));
    ker.push_back(pick(1, 3));
  }
  c.opts.feature_group_size = G;
  c.opts.batch_group_size = B;
  std::vector<std::pair<std::int64_t, std::int64_t>> pad;
  for (int j = 0; j < d; ++j) {
    c.opts.strides.push_back(pick(1, 2));
    c.opts.input_dilation.push_back(pick(1, 2));
    c.opts.kernel_dilation.push_back(pick(1, 2));
    pad.emplace_back(pick(-2, 2), pick(-2, 2));
  }
  c.opts.padding = pad;
  const int rank = d + 2;
  auto perm = [&] {
    std::vector<int> p(static_cast<std::size_t>(rank));
    std::iota(p.begin(), p.end(), 0);
    if (pick(0, 1)) std::shuffle(p.begin(), p.end(), rng);
    return p;
  };
  const std::vector<int> ip = perm(), kp = perm();
  c.opts.input_permutation = ip;
  c.opts.kernel_permutation = kp;
  c.opts.output_permutation = perm();
  // Given layouts: canonical dim i lives at axis perm[i].
  c.input.assign(static_cast<std::size_t>(rank), 0);
  c.kernel.assign(static_cast<std::size_t>(rank), 0);
  for (int i = 0; i < rank; ++i) {
    c.input[static_cast<std::size_t>(ip[static_cast<std::size_t>(i)])] = xin[static_cast<std::size_t>(i)];
    c.kernel[static_cast<std::size_t>(kp[static_cast<std::size_t>(i)])] = ker[static_cast<std::size_t>(i)];
  }
  return c;
}

std::string describe(const ConvCase& c) {
  auto list = [](const auto& v) {
    std::string s = "[";
    for (const auto& x : v) {
      if constexpr (std::is_same_v<std::decay_t<decltype(x)>, nx::Axis>) s += std::to_string(x.index()) + " ";
      else s += std::to_string(x) + " ";
    }
    return s + "]";
  };
  std::string pads;
  for (auto [lo, hi] : std::get<std::vector<std::pair<std::int64_t, std::int64_t>>>(c.opts.padding))
    pads += "{" + std::to_string(lo) + "," + std::to_string(hi) + "}";
  return "input " + nx::shape_to_string(c.input) + " kernel " + nx::shape_to_string(c.kernel) + " strides " +
         list(c.opts.strides) + " padding " + pads + " input_dilation " + list(c.opts.input_dilation) +
         " kernel_dilation " + list(c.opts.kernel_dilation) + " groups " + std::to_string(c.opts.feature_group_size) +
         "/" + std::to_string(c.opts.batch_group_size) + " perms " + list(c.opts.input_permutation) +
         list(c.opts.kernel_permutation) + list(c.opts.output_permutation);
}

test::Tolerance conv_tolerance(nx::Type t) {
  if (t == nx::f16) return {4e-3, 0.1};
  if (t == nx::bf16) return {2e-2, 0.5};
  if (t == nx::f64) return {1e-10, 1e-10};
  return {1e-5, 1e-3};
}

TEST(ConvCompare, RandomAgainstReference) {
  test::Rng rng(20240611);
  int compared = 0;
  for (nx::Type type : test::emily_types()) {
    for (int d = 1; d <= 3; ++d)
      for (int trial = 0; trial < 4; ++trial) {
        ConvCase c = random_case(rng, d);
        auto x = test::random_tensor(rng, type, c.input, {.lo = -4, .hi = 4});
        auto k = test::random_tensor(rng, type, c.kernel, {.lo = -4, .hi = 4});
        nx::Tensor want;
        try {
          want = nx::conv(x, k, c.opts);
        } catch (const nx::ArgumentError&) {
          continue;  // this configuration has an empty output
        }
        (void)want;
        const std::string ctx = "conv " + nx::to_string(type) + " " + describe(c);
        try {
          // MLX's CPU convolution computes f64 in single precision: Emily runs it on the reference.
          test::compare_backends([&](const std::vector<nx::Tensor>& in) { return nx::conv(in[0], in[1], c.opts); },
                                 {x, k}, ctx, conv_tolerance(nx::to_floating(type)),
                                 type == nx::f64 ? test::Path::fallback : test::Path::native);
        } catch (const std::exception& e) {
          ADD_FAILURE() << ctx << ": " << e.what();
        }
        ++compared;
      }
  }
  EXPECT_GT(compared, 80);
}

TEST(ConvCompare, MixedInputTypes) {
  test::Rng rng(7);
  auto x = test::random_tensor(rng, nx::u8, {2, 3, 5});
  auto k = test::random_tensor(rng, nx::f16, {2, 3, 2});
  test::compare_backends([](const std::vector<nx::Tensor>& in) { return nx::conv(in[0], in[1]); }, {x, k},
                         "conv u8 x f16", conv_tolerance(nx::f16));
  auto xc = test::random_tensor(rng, nx::c64, {1, 2, 4, 4});
  auto kf = test::random_tensor(rng, nx::f32, {3, 2, 2, 2});
  test::compare_backends(
      [](const std::vector<nx::Tensor>& in) { return nx::conv(in[0], in[1], {.padding = nx::Padding::same}); },
      {xc, kf}, "conv c64 x f32", conv_tolerance(nx::c64));
}

}  // namespace
