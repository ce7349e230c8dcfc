// emily::fast: MLX's fused kernels on Emily tensors against the nx::
// compositions on the reference backend.
#include "compare_util.hpp"

namespace {

using test::Rng;

nx::Tensor rnd(Rng& rng, nx::Type t, const nx::Shape& s) { return test::random_tensor(rng, t, s, {.lo = -2, .hi = 2}); }

std::optional<test::Tolerance> tol(nx::Type t) {
  if (t == nx::f32) return test::Tolerance{2e-5, 2e-5};
  if (t == nx::f16) return test::Tolerance{5e-3, 5e-3};
  return test::Tolerance{3e-2, 3e-2};
}

TEST(Fast, RmsNormHandValues) {
  for (const auto& name : test::backends()) {
    auto x = nx::tensor({{3.0, 4.0}}, {.backend = test::backend_named(name)});
    // mean of squares = 12.5
    test::expect_close(emily::fast::rms_norm(x, std::nullopt, 0.0), nx::f32, {1, 2},
                       {3 / std::sqrt(12.5), 4 / std::sqrt(12.5)});
  }
}

TEST(Fast, LayerNormHandValues) {
  for (const auto& name : test::backends()) {
    auto b = test::backend_named(name);
    auto x = nx::tensor({{1.0, 3.0}}, {.backend = b});
    auto w = nx::tensor({2.0, 2.0}, {.backend = b}), bias = nx::tensor({0.5, 0.5}, {.backend = b});
    test::expect_close(emily::fast::layer_norm(x, w, bias, 0.0), nx::f32, {1, 2}, {-1.5, 2.5});
  }
}

TEST(Fast, MatchesCompositionAcrossTypes) {
  Rng rng(7);
  for (nx::Type t : {nx::f32, nx::f16, nx::bf16}) {
    auto x = rnd(rng, t, {2, 3, 8}), w = rnd(rng, t, {8}), b = rnd(rng, t, {8});
    std::string ctx = nx::to_string(t);
    test::compare_backends([](const auto& in) { return emily::fast::rms_norm(in[0], in[1]); }, {x, w},
                           "rms_norm " + ctx, tol(t));
    test::compare_backends([](const auto& in) { return emily::fast::layer_norm(in[0], in[1], in[2]); }, {x, w, b},
                           "layer_norm " + ctx, tol(t));
    for (bool traditional : {false, true})
      for (int dims : {8, 4})
        test::compare_backends(
            [&](const auto& in) {
              return emily::fast::rope(in[0], {.dims = dims, .traditional = traditional, .base = 10000, .scale = 0.5,
                                               .offset = 3});
            },
            {x}, "rope " + ctx, tol(t));
    auto q = rnd(rng, t, {1, 4, 5, 8}), k = rnd(rng, t, {1, 2, 7, 8}), v = rnd(rng, t, {1, 2, 7, 8});
    for (bool causal : {false, true})
      test::compare_backends(
          [&](const auto& in) {
            return emily::fast::scaled_dot_product_attention(in[0], in[1], in[2],
                                                             {.scale = 1 / std::sqrt(8.0), .causal = causal});
          },
          {q, k, v}, "sdpa " + ctx, tol(t));
  }
}

TEST(Fast, AttentionWithMaskMatchesComposition) {
  Rng rng(9);
  auto q = rnd(rng, nx::f32, {2, 2, 3, 4}), k = rnd(rng, nx::f32, {2, 2, 6, 4}), v = rnd(rng, nx::f32, {2, 2, 6, 4});
  auto mask = rnd(rng, nx::f32, {3, 6});
  test::compare_backends(
      [](const auto& in) { return emily::fast::scaled_dot_product_attention(in[0], in[1], in[2], {.scale = 0.5, .mask = in[3]}); },
      {q, k, v, mask}, "sdpa mask", tol(nx::f32));
}

TEST(Fast, BadInputRaises) {
  auto x = nx::tensor({{1.0, 2.0}});
  EXPECT_THROW(emily::fast::rms_norm(x, nx::tensor({1.0, 2.0, 3.0})), nx::ArgumentError);
  EXPECT_THROW(emily::fast::rope(x, {.dims = 3}), nx::ArgumentError);
  EXPECT_THROW(emily::fast::layer_norm(nx::tensor({1, 2}), std::nullopt, std::nullopt), nx::ArgumentError);
  EXPECT_THROW(emily::fast::scaled_dot_product_attention(x, x, x, {.scale = 1}), nx::ArgumentError);
}

}  // namespace
