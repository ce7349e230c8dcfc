// The dispatch-overhead chain: 1,000 small ops on a 16x16 f32 tensor (add,
// multiply, exp(negate), sum with keep_axes, add of a fresh `ones`), through
// nx:: and the same ops on MLX's C++ API. emily_bench times it evaluated;
// emily_dispatch_count builds it for callgrind's instruction count.
#pragma once

#include <mlx/mlx.h>

#include "emily/emily.hpp"

namespace bench {

constexpr int kChain = 1000;

nx::Tensor nx_chain(nx::Tensor x);
mlx::core::array mx_chain(mlx::core::array x, mlx::core::Device d);

}  // namespace bench
