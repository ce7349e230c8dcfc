// emily::quantize / dequantize / quantized_dot / quantized_take on every
// (mode, bits, group_size) MLX 0.32 accepts, checked against the error
// bound each format implies and against nx:: ops on the dequantized weight.
#include <bit>
#include <cmath>
#include <functional>
#include <random>

#include "test_util.hpp"

namespace {

nx::BackendPtr emily_cpu() { return emily::backend({.device = emily::Device::cpu}); }

// Tensor options without designated initializers (-Wmissing-field-initializers).
nx::TensorOptions on(const nx::BackendPtr& b, std::optional<nx::Type> type = std::nullopt) {
  nx::TensorOptions o;
  o.type = type;
  o.backend = b;
  return o;
}

// Seeded standard-normal tensor of `shape` on `b` (generated on the host so
// that it does not depend on any backend's random numbers).
nx::Tensor normal(const nx::Shape& shape, unsigned seed, const nx::BackendPtr& b, nx::Type type = nx::f32) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  std::vector<float> v(static_cast<std::size_t>(nx::shape_size(shape)));
  for (float& x : v) x = dist(gen);
  return nx::as_type(nx::reshape(nx::tensor(v, on(b)), shape), type);
}

std::string name(const emily::QuantizeOptions& o) {
  return emily::to_string(o.mode) + " bits=" + std::to_string(o.bits) + " group=" + std::to_string(o.group_size);
}

// FP8 E4M3 (bias 7, no infinities) as nvfp4 stores its scales.
double e4m3(std::uint8_t v) {
  const int e = (v >> 3) & 15, m = v & 7;
  const double mag = e == 0 ? std::ldexp(m / 8.0, -6) : std::ldexp(1.0 + m / 8.0, e - 7);
  return (v & 0x80) ? -mag : mag;
}

// Every element of dequantize(quantize(w)) against the bound its format
// implies, using the per-group scales quantize returned.
void expect_within_format_bound(const nx::Tensor& w, const emily::QuantizedTensor& q) {
  const std::string ctx = name(q.opts);
  auto wv = nx::to_flat_list<double>(w), dv = nx::to_flat_list<double>(emily::dequantize(q));
  const std::int64_t gs = q.opts.group_size;
  ASSERT_EQ(wv.size(), dv.size()) << ctx;
  std::vector<double> s, b;
  if (q.opts.mode == emily::QuantMode::affine) {
    s = nx::to_flat_list<double>(q.scales);
    b = nx::to_flat_list<double>(q.biases);
  } else {
    for (auto u : nx::to_flat_list<std::int64_t>(q.scales)) {
      const auto byte = static_cast<std::uint8_t>(u);
      // mx*: E8M0, a power of two 2^(byte - 127); nvfp4: E4M3.
      s.push_back(q.opts.mode == emily::QuantMode::nvfp4 ? e4m3(byte) : std::ldexp(1.0, byte - 127));
    }
  }
  const double n = std::ldexp(1.0, q.opts.bits) - 1;
  std::int64_t clipped = 0;
  for (std::size_t i = 0; i < wv.size(); ++i) {
    const std::size_t g = i / static_cast<std::size_t>(gs);
    const double err = std::abs(dv[i] - wv[i]), scale = std::abs(s[g]), slack = 1e-6 * (1 + std::abs(wv[i]));
    double bound = 0;
    switch (q.opts.mode) {
      case emily::QuantMode::affine: {
        // Inside the group's grid [bias, bias + n*scale] rounding is off by at
        // most half a step. MLX then stretches or shrinks the step so that 0
        // is a grid point, which can leave the far end of the group just
        // outside the grid: those values clip, off by less than a whole step.
        const double lo = std::min(b[g], b[g] + n * s[g]), hi = std::max(b[g], b[g] + n * s[g]);
        const bool inside = wv[i] >= lo - slack && wv[i] <= hi + slack;
        clipped += inside ? 0 : 1;
        bound = inside ? scale / 2 : scale;
        break;
      }
      // E2M1 grid {0, 0.5, 1, 1.5, 2, 3, 4, 6} * scale: the widest gap is 2 * scale.
      case emily::QuantMode::mxfp4:
      case emily::QuantMode::nvfp4: bound = scale; break;
      // E4M3 keeps 3 mantissa bits (half a step is 2^-4 relative), and its
      // subnormals are spaced 2^-9 * scale.
      case emily::QuantMode::mxfp8: bound = std::abs(wv[i]) / 16 + scale * std::ldexp(1.0, -10); break;
    }
    ASSERT_LE(err, bound * (1 + 1e-5) + slack) << ctx << " at " << i << ": w=" << wv[i] << " deq=" << dv[i];
  }
  // Clipping happens only where the step shrank; never at 1 bit, whose two
  // grid points are the group's endpoints.
  if (q.opts.mode == emily::QuantMode::affine && q.opts.bits == 1) EXPECT_EQ(clipped, 0) << ctx;
}

template <class F>
void expect_argument_error(F&& f, const std::vector<std::string>& words) {
  try {
    f();
    ADD_FAILURE() << "no nx::ArgumentError (expected one mentioning " << words.front() << ")";
  } catch (const nx::ArgumentError& e) {
    for (const auto& w : words) EXPECT_NE(std::string(e.what()).find(w), std::string::npos) << e.what();
  }
}

TEST(Quantize, SupportedListMatchesMlx) {
  auto all = emily::supported_quantizations();
  EXPECT_EQ(all.size(), 7u * 3u + 3u);
  for (const auto& o : all) EXPECT_NO_THROW(emily::quantize(normal({2, 128}, 1, emily_cpu()), o)) << name(o);
}

TEST(Quantize, RoundTripWithinFormatBound) {
  auto w = normal({8, 256}, 11, emily_cpu());
  for (const auto& o : emily::supported_quantizations()) {
    auto q = emily::quantize(w, o);
    const bool affine = o.mode == emily::QuantMode::affine;
    EXPECT_EQ(nx::shape_to_string(q.weights.shape()), nx::shape_to_string({8, 256 * o.bits / 32})) << name(o);
    EXPECT_EQ(q.weights.type(), nx::u32);
    EXPECT_EQ(nx::shape_to_string(q.scales.shape()), nx::shape_to_string({8, 256 / o.group_size})) << name(o);
    EXPECT_EQ(q.scales.type(), affine ? nx::f32 : nx::u8) << name(o);
    EXPECT_EQ(q.biases.defined(), affine) << name(o);
    EXPECT_EQ(q.shape, w.shape());
    expect_within_format_bound(w, q);
  }
}

TEST(Quantize, HalfPrecisionAndBatchedWeights) {
  for (nx::Type t : {nx::bf16, nx::f16}) {
    auto w = normal({2, 3, 64}, 5, emily_cpu(), t);
    for (auto o : {emily::QuantizeOptions{.bits = 4, .group_size = 32}, emily::quantize_options(emily::QuantMode::mxfp4),
                   emily::quantize_options(emily::QuantMode::nvfp4)}) {
      auto q = emily::quantize(w, o);
      auto d = emily::dequantize(q);
      EXPECT_EQ(d.type(), t) << name(o);
      EXPECT_EQ(d.shape(), w.shape()) << name(o);
      if (o.mode == emily::QuantMode::affine) {
        EXPECT_EQ(q.scales.type(), t);
      }
      // x f32 . w^T (batched over the leading axis) is f32.
      auto x = normal({2, 5, 64}, 6, emily_cpu());
      auto y = emily::quantized_dot(x, q);
      EXPECT_EQ(y.type(), nx::f32);
      EXPECT_EQ(nx::shape_to_string(y.shape()), nx::shape_to_string({2, 5, 3}));
      // quantized_dot computes in f32 (the merged type), with affine scales
      // and biases cast up; so does the reference.
      auto qf = q;
      qf.type = nx::f32;
      if (o.mode == emily::QuantMode::affine) {
        qf.scales = nx::as_type(q.scales, nx::f32);
        qf.biases = nx::as_type(q.biases, nx::f32);
      }
      auto want = nx::dot(x, {2}, {0}, emily::dequantize(qf), {2}, {0});
      EXPECT_TRUE(nx::to_flat_list<std::uint8_t>(nx::all_close(y, want, {.rtol = 1e-4, .atol = 1e-4}))[0]) << name(o);
    }
  }
}

TEST(Quantize, DotMatchesDotOfDequantized) {
  auto b = emily_cpu();
  auto w = normal({64, 256}, 21, b), wt = normal({256, 128}, 22, b);
  auto x = normal({3, 256}, 23, b), xb = normal({2, 3, 256}, 24, b), xv = normal({256}, 25, b);
  auto close = [](const nx::Tensor& got, const nx::Tensor& want, const std::string& ctx) {
    ASSERT_EQ(nx::shape_to_string(got.shape()), nx::shape_to_string(want.shape())) << ctx;
    auto g = nx::to_flat_list<double>(got), v = nx::to_flat_list<double>(want);
    for (std::size_t i = 0; i < g.size(); ++i) ASSERT_NEAR(g[i], v[i], 1e-4 * (1 + std::abs(v[i]))) << ctx << " at " << i;
  };
  for (const auto& o : emily::supported_quantizations()) {
    auto q = emily::quantize(w, o);
    auto d = emily::dequantize(q);
    close(emily::quantized_dot(x, q), nx::dot(x, {1}, d, {1}), name(o) + " x.w^T");
    close(emily::quantized_dot(xb, q), nx::dot(xb, {2}, d, {1}), name(o) + " batched x");
    close(emily::quantized_dot(xv, q), nx::dot(xv, {0}, d, {1}), name(o) + " vector x");
    auto qt = emily::quantize(wt, o);
    close(emily::quantized_dot(x, qt, false), nx::dot(x, emily::dequantize(qt)), name(o) + " transpose=false");
  }
}

TEST(Quantize, TakeMatchesTakeOfDequantized) {
  auto b = emily_cpu();
  auto table = normal({50, 256}, 31, b);
  auto idx = nx::tensor({{3, 0, 49}, {7, 7, 1}}, on(b, nx::s32));
  auto scalar = nx::tensor(12, on(b, nx::s64));
  for (const auto& o : emily::supported_quantizations()) {
    auto q = emily::quantize(table, o);
    auto d = emily::dequantize(q);
    auto got = emily::quantized_take(q, idx);
    EXPECT_EQ(nx::shape_to_string(got.shape()), "{2, 3, 256}") << name(o);
    EXPECT_EQ(nx::to_flat_list<float>(got), nx::to_flat_list<float>(nx::take(d, idx, 0))) << name(o);
    auto row = emily::quantized_take(q, scalar);
    EXPECT_EQ(nx::shape_to_string(row.shape()), "{256}") << name(o);
    EXPECT_EQ(nx::to_flat_list<float>(row), nx::to_flat_list<float>(nx::take(d, scalar, 0))) << name(o);
  }
}

// 4-bit affine by hand. For a group with minimum lo and maximum hi, MLX
// takes a step of (hi - lo) / 15, pointing away from the endpoint of larger
// magnitude; that endpoint is the bias (exact). When 0 is not on that grid
// the step becomes edge / round(edge / step) so that it is. Codes are
// round((w - bias) / scale) in [0, 15], packed 8 to a u32, lowest bits first.
TEST(Quantize, AffineFourBitHandValues) {
  std::vector<float> v;
  for (int i = 0; i < 32; ++i) v.push_back(static_cast<float>(i % 16));           // 0..15: bias 15, scale -1
  for (int i = 0; i < 32; ++i) v.push_back(static_cast<float>(i % 16 - 15));      // -15..0: bias -15, scale 1
  for (int i = 0; i < 32; ++i) v.push_back(-0.9f + 0.25f * static_cast<float>(i % 16));  // -0.9..2.85
  auto w = nx::reshape(nx::tensor(v, on(emily_cpu())), {3, 32});
  auto q = emily::quantize(w, {.bits = 4, .group_size = 32});
  // Row 3: |2.85| > |-0.9|, so bias 2.85 and step -3.75/15 = -0.25; 0 sits
  // 2.85/0.25 = 11.4 steps away, so the step becomes -2.85/11.
  const double s3 = -2.85 / 11;
  test::expect_close(q.scales, nx::f32, {3, 1}, {-1, 1, s3});
  test::expect_close(q.biases, nx::f32, {3, 1}, {15, -15, 2.85});
  // Row 1 codes 15 - w: 15,14,..,8 | 7,..,0 -> 0x89ABCDEF, 0x01234567.
  // Row 2 codes w + 15: 0..7 | 8..15 -> 0x76543210, 0xFEDCBA98.
  // Row 3 codes round((2.85 - w) * 11 / 2.85) = 14,14,13,..,8 | 7,..,0.
  test::expect_ints(q.weights, nx::u32, {3, 4},
                    {0x89ABCDEF, 0x01234567, 0x89ABCDEF, 0x01234567, 0x76543210, 0xFEDCBA98, 0x76543210, 0xFEDCBA98,
                     0x89ABCDEE, 0x01234567, 0x89ABCDEE, 0x01234567});
  const int row3_codes[16] = {14, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
  std::vector<double> want;
  for (int i = 0; i < 32; ++i) want.push_back(i % 16);
  for (int i = 0; i < 32; ++i) want.push_back(i % 16 - 15);
  for (int i = 0; i < 32; ++i) want.push_back(2.85 + row3_codes[i % 16] * s3);
  test::expect_close(emily::dequantize(q), nx::f32, {3, 32}, want, 1e-6, 1e-6);
}

TEST(Quantize, BadInputsRaise) {
  auto b = emily_cpu();
  auto w = normal({4, 64}, 41, b);
  auto q = emily::quantize(w, {.bits = 4, .group_size = 32});
  using emily::QuantMode;
  // quantize
  expect_argument_error([&] { emily::quantize(nx::backend_copy(w, nx::binary_backend())); },
                        {"quantize", "w", "binary", "nx::backend_transfer"});
  expect_argument_error([&] { emily::quantize(nx::as_type(w, nx::s32)); }, {"quantize", "w", "s32"});
  expect_argument_error([&] { emily::quantize(nx::as_type(w, nx::f64)); }, {"quantize", "w", "f64"});
  expect_argument_error([&] { emily::quantize(normal({64}, 1, b)); }, {"quantize", "rank"});
  expect_argument_error([&] { emily::quantize(normal({2, 48}, 1, b), {.group_size = 32}); },
                        {"quantize", "divisible", "48"});
  const std::vector<emily::QuantizeOptions> bad = {
      {.bits = 7},  {.bits = 0}, {.bits = 16}, {.bits = 4, .group_size = 16}, {.bits = 4, .group_size = 256},
      {.bits = 8, .group_size = 32, .mode = QuantMode::mxfp4}, {.bits = 4, .group_size = 64, .mode = QuantMode::mxfp4},
      {.bits = 4, .group_size = 32, .mode = QuantMode::mxfp8}, {.bits = 4, .group_size = 32, .mode = QuantMode::nvfp4},
      {.bits = 4, .group_size = 32, .mode = static_cast<QuantMode>(9)}};
  for (const auto& o : bad) expect_argument_error([&] { emily::quantize(w, o); }, {"quantize", "bits"});
  // quantized_dot
  expect_argument_error([&] { emily::quantized_dot(normal({3, 32}, 2, b), q); }, {"quantized_dot", "x", "last axis"});
  expect_argument_error([&] { emily::quantized_dot(normal({3, 64}, 2, b), q, false); },
                        {"quantized_dot", "x", "transpose=false"});
  expect_argument_error([&] { emily::quantized_dot(nx::as_type(normal({3, 64}, 2, b), nx::s32), q); },
                        {"quantized_dot", "x", "s32"});
  expect_argument_error([&] { emily::quantized_dot(normal({3, 64}, 2, nx::binary_backend()), q); },
                        {"quantized_dot", "x", "nx::backend_transfer"});
  auto batched = emily::quantize(normal({3, 4, 64}, 3, b), {.bits = 4, .group_size = 32});
  expect_argument_error([&] { emily::quantized_dot(normal({2, 5, 64}, 2, b), batched); },
                        {"quantized_dot", "broadcast"});
  // A hand-assembled QuantizedTensor that quantize would not produce.
  auto no_bias = q;
  no_bias.biases = nx::Tensor();
  expect_argument_error([&] { emily::dequantize(no_bias); }, {"dequantize", "q.biases"});
  auto wrong_bits = q;
  wrong_bits.opts.bits = 8;
  expect_argument_error([&] { emily::dequantize(wrong_bits); }, {"dequantize", "q.weights"});
  auto wrong_w = q;
  wrong_w.opts = {.bits = 4, .group_size = 32};
  wrong_w.scales = nx::as_type(q.scales, nx::s32);
  expect_argument_error([&] { emily::quantized_dot(normal({3, 64}, 2, b), wrong_w); }, {"quantized_dot", "w.scales"});
  // quantized_take
  expect_argument_error([&] { emily::quantized_take(batched, nx::tensor({0}, on(b))); },
                        {"quantized_take", "table", "[vocab, dim]"});
  expect_argument_error([&] { emily::quantized_take(q, nx::tensor({0.0}, on(b))); },
                        {"quantized_take", "indices", "integer"});
  expect_argument_error([&] { emily::quantized_take(q, nx::tensor({0}, on(nx::binary_backend()))); },
                        {"quantized_take", "indices", "nx::backend_transfer"});
}

}  // namespace
