// Exact integer matrix products on MLX's float matmul (used by Emily's dot).
#pragma once

#include <mlx/mlx.h>

namespace emily::detail {

// a [B, M, K], b [B, K, N] of an integer dtype `bits` wide. Returns the
// batched product modulo 2^64 as uint64 [B, M, N]; the low `bits` bits are
// the exact wrapped result. Operands are split into limbs so that every float
// product and partial sum is an exact integer: `f64_limbs` uses 16-bit limbs
// in float64 (CPU device only), otherwise 8-bit limbs in float32 with the
// contraction chunked by 256.
mlx::core::array exact_int_matmul(const mlx::core::array& a, const mlx::core::array& b, int bits,
                                  bool f64_limbs, mlx::core::Device d);

}  // namespace emily::detail
