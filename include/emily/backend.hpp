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

}  // namespace emily
