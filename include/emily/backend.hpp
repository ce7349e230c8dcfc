// emily::Backend: the nx::Backend on Apple's MLX (Linux CPU, NVIDIA CUDA, Metal).
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "nx/tensor.hpp"

namespace emily {

enum class Device { cpu, gpu };

// Raised by builds with EMILY_DEBUG_DETECT_NAN_INF when a scanned result
// (matmul, fused norms, attention) holds NaN or Inf.
class NonFiniteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct BackendOptions {
  // Default: gpu where MLX sees one, cpu otherwise. Asking for gpu where
  // there is none raises nx::ArgumentError.
  std::optional<Device> device;
};

// An Emily backend bound to a device; tensors created through it live there.
nx::BackendPtr backend(const BackendOptions& opts = {});

bool gpu_available();
Device default_device();
std::string to_string(Device d);
std::string mlx_version();
// Names of the devices MLX sees, e.g. {"cpu"} or {"cpu", "gpu: NVIDIA H100 80GB HBM3"}.
std::vector<std::string> devices();

// Forces evaluation of lazy Emily tensors (no-op for other backends).
void eval(const nx::Tensor& t);
void eval(const std::vector<nx::Tensor>& ts);
// Whether an Emily tensor's value has been computed (always true for other backends).
bool is_evaluated(const nx::Tensor& t);

// What happens when an op has no MLX implementation and runs on the
// reference backend: silent (default), warn (once per op and input shapes
// on stderr), or raise (nx::UnsupportedError). The environment variable
// EMILY_FALLBACK=silent|warn|raise sets the initial policy.
enum class FallbackPolicy { silent, warn, raise };
void set_fallback_policy(FallbackPolicy policy);
FallbackPolicy fallback_policy();

// f32 matmul and convolution on NVIDIA GPUs run in full f32 by default, as
// Nx's f32 type promises. allow_tf32(true) opts into TF32 tensor cores
// (faster; about 1e-3 relative error per product). The environment sets the
// initial choice: EMILY_TF32=1|0, else MLX_ENABLE_TF32 where the user set it.
// MLX reads the setting once for the whole process, so it is fixed when the
// first Emily backend is created: changing it afterwards raises
// nx::ArgumentError.
void allow_tf32(bool on);
bool tf32_allowed();

// Emily's own CPU kernels (SIMD chosen at run time, split across threads)
// serve the common element-wise ops on f32 and f64 on the CPU device, as
// nodes of the same lazy MLX graph; other types and devices use MLX's
// kernels. On by default; the environment variable EMILY_CPU_KERNELS=0 sets
// the initial choice to off, EMILY_CPU_THREADS the number of threads. The
// switch applies to ops built after it is changed.
void use_cpu_kernels(bool on);
bool cpu_kernels_enabled();

}  // namespace emily
