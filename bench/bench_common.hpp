// Helpers shared by the benchmark translation units (defined in emily_bench.cpp).
#pragma once

#include <benchmark/benchmark.h>
#include <mlx/mlx.h>

#include <functional>
#include <string>

#include "emily/emily.hpp"
#include "emily/emily_backend.hpp"  // emily::array_ref: raw MLX rows read Emily tensors

namespace bench {

namespace mx = mlx::core;

extern bool g_quick;  // --quick: shorter minimum times, no 64M inputs, few reference rows
extern bool g_gpu;    // --gpu: Emily and raw MLX on the GPU device

// The Emily backend on the benchmarked device, and MLX's device for raw MLX rows.
nx::BackendPtr emily_cpu();
mx::Device mx_dev();
// Deterministic f32 data of `shape` on a backend.
nx::Tensor data(const nx::Shape& shape, const nx::BackendPtr& b, float scale = 1.0f);
// The same data, made once per (shape, scale, backend kind) and kept: every
// repetition of a case reads the same evaluated input.
nx::Tensor input(const nx::Shape& shape, const nx::BackendPtr& b, float scale);
mx::array mx_input(const nx::Shape& shape, float scale);

// Registration with the common method: real time, a minimum time per
// repetition (the repetition count and random interleaving come from the
// command line, see main), and the reference backend's one run per repetition.
using Body = std::function<void(benchmark::State&)>;
benchmark::internal::Benchmark* reg(const std::string& name, Body fn);
benchmark::internal::Benchmark* reg_reference(const std::string& name, Body fn);

void force(const nx::Tensor& t);

// bench_ops.cpp: element-wise, reduction, matmul, sort, gather, layer rows.
void register_op_cases();
// bench_block.cpp: the transformer block rows, and the GPU-only rows.
struct BlockShape {
  int batch, seq, width, heads;
  nx::Type type;
};
void register_block_cases(const std::string& suffix, BlockShape s);
void register_block_reference();
void register_gpu_cases();
// bench_mlp.cpp: the MLP training-step rows.
void register_mlp_cases();

}  // namespace bench
