// emily::quantize: MLX's weight quantization on Emily tensors.
//
// A float matrix is quantized along its last axis in groups of `group_size`
// elements. Modes (exactly those MLX 0.32 accepts):
//   affine  bits 1, 2, 3, 4, 5, 6 or 8, group_size 32, 64 or 128;
//           w ~= code * scale + bias, one scale and bias per group.
//   mxfp4   bits 4, group_size 32: FP4 (E2M1) codes, a power-of-two (E8M0) scale per group.
//   mxfp8   bits 8, group_size 32: FP8 (E4M3) codes, a power-of-two (E8M0) scale per group.
//   nvfp4   bits 4, group_size 16: FP4 (E2M1) codes, an FP8 (E4M3) scale per group
//           (MLX's optional global scale is not used).
// Every function takes Emily tensors only: a tensor of another backend raises
// nx::ArgumentError asking for nx::backend_transfer(t, emily::backend()),
// so a large weight is never copied behind the caller's back.
#pragma once

#include <string>
#include <vector>

#include "nx/tensor.hpp"

namespace emily {

enum class QuantMode { affine, mxfp4, mxfp8, nvfp4 };

struct QuantizeOptions {
  int bits = 4;
  int group_size = 64;
  QuantMode mode = QuantMode::affine;
};

struct QuantizedTensor {
  nx::Tensor weights;  // u32, codes packed along the last axis: shape ++ [last * bits / 32]
  nx::Tensor scales;   // one per group: the input type (affine) or u8 (E8M0 for mx*, E4M3 for nvfp4)
  nx::Tensor biases;   // affine only (same shape and type as scales); undefined otherwise
  QuantizeOptions opts;
  nx::Shape shape;     // of the original tensor
  nx::Type type;       // of the original tensor; dequantize returns it
};

// MLX's name of the mode ("affine", "mxfp4", ...).
std::string to_string(QuantMode mode);
// The only bits/group_size a microscaling mode takes; affine: 4 bits, groups of 64.
QuantizeOptions quantize_options(QuantMode mode);
// Every (mode, bits, group_size) combination MLX accepts.
std::vector<QuantizeOptions> supported_quantizations();

// w: Emily tensor of f16, bf16 or f32, rank >= 2, last axis divisible by group_size.
QuantizedTensor quantize(const nx::Tensor& w, const QuantizeOptions& opts = {});
nx::Tensor dequantize(const QuantizedTensor& q);
// x . w^T with w quantized (a Linear weight [out, in]); transpose = false
// computes x . w. x's last axis must match w's contracted axis. The result
// has the merged type of x and w (x and affine scales are cast up to it).
nx::Tensor quantized_dot(const nx::Tensor& x, const QuantizedTensor& w, bool transpose = true);
// Rows `indices` of a quantized embedding table [vocab, dim], dequantized:
// shape indices.shape ++ [dim]. Only the selected rows are dequantized.
nx::Tensor quantized_take(const QuantizedTensor& table, const nx::Tensor& indices);

}  // namespace emily
