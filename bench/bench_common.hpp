// Helpers shared by the benchmark translation units (defined in emily_bench.cpp).
#pragma once

#include <mlx/mlx.h>

#include "emily/emily.hpp"
#include "emily/emily_backend.hpp"  // emily::array_ref: raw MLX rows read Emily tensors

namespace bench {

namespace mx = mlx::core;

extern bool g_quick;  // --quick: shorter minimum times
extern bool g_gpu;    // --gpu: Emily and raw MLX on the GPU device

// The Emily backend on the benchmarked device, and MLX's device for raw MLX rows.
nx::BackendPtr emily_cpu();
mx::Device mx_dev();
// Deterministic f32 data of `shape` on a backend.
nx::Tensor data(const nx::Shape& shape, const nx::BackendPtr& b, float scale = 1.0f);

// bench_mlp.cpp: the MLP training-step rows.
void register_mlp_cases();

}  // namespace bench
