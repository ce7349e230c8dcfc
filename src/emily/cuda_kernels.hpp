// Emily's own CUDA kernels (cuda_kernels.cpp). Each entry answers nullopt
// where it does not apply (not the CUDA GPU, a type it does not take, sizes
// beyond one launch, or EMILY_GPU_KERNELS=0), and the caller keeps MLX's path.
#pragma once

#include <optional>

#include <mlx/mlx.h>

namespace emily::cuda {

namespace mx = mlx::core;

bool kernels_enabled();
// Kernels queued so far in this process (tests check the path was taken).
long launches();

// Nx's argmax/argmin along `axis` (int32 indices).
std::optional<mx::array> arg_reduce(const mx::array& a, int axis, bool keep, bool is_max, bool high, mx::Device d);
// Sum along `axis`, accumulated in f32, stored as `out_type`.
std::optional<mx::array> sum(const mx::array& a, int axis, bool keep, mx::Dtype out_type, mx::Device d);

}  // namespace emily::cuda
