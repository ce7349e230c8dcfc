// emily::fast: fused kernels on MLX (mlx::core::fast) with composed versions
// for every other backend (and for types MLX's kernels do not take).
//
// On an Emily tensor of f16/bf16/f32 these run MLX's fused kernels (fused
// on CUDA and Metal; MLX composes them itself on its CPU backend); anywhere
// else they run the same math through nx:: ops.
#pragma once

#include <optional>

#include "nx/tensor.hpp"

namespace emily::fast {

// x / sqrt(mean(x^2, last axis) + eps) * weight
nx::Tensor rms_norm(const nx::Tensor& x, const std::optional<nx::Tensor>& weight, double eps = 1e-5);
// (x - mean) / sqrt(var + eps) * weight + bias over the last axis
nx::Tensor layer_norm(const nx::Tensor& x, const std::optional<nx::Tensor>& weight,
                      const std::optional<nx::Tensor>& bias, double eps = 1e-5);

struct RopeOptions {
  int dims;                  // leading features of the last axis that rotate
  bool traditional = false;  // rotate interleaved pairs instead of halves
  double base = 10000.0;
  double scale = 1.0;        // multiplies positions
  int offset = 0;            // position of the first row (axis -2)
};
// Rotary position embedding over the last two axes [..., seq, features].
nx::Tensor rope(const nx::Tensor& x, const RopeOptions& opts);

struct AttentionOptions {
  double scale;          // usually 1/sqrt(head_dim)
  bool causal = false;   // mask keys after each query (aligned to the end)
  std::optional<nx::Tensor> mask;  // additive mask broadcastable to [B, Hq, L, S]
};
// softmax(q.k^T * scale + mask) . v with q [B, Hq, L, D], k and v [B, Hkv, S, D],
// Hq a multiple of Hkv (grouped-query attention).
nx::Tensor scaled_dot_product_attention(const nx::Tensor& q, const nx::Tensor& k, const nx::Tensor& v,
                                        const AttentionOptions& opts);

}  // namespace emily::fast
