// The TF32 choice: MLX enables TF32 for f32 matmul/conv on CUDA unless
// MLX_ENABLE_TF32=0, and reads that variable once, at its first f32 matmul.
// Emily makes full f32 the default by writing the variable before the first
// backend exists, so no Emily op can reach a matmul before it is set.
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>

#include "emily/backend.hpp"
#include "precision.hpp"
#include "emily_backend.hpp"
#include "nx/type.hpp"

namespace emily {
namespace {

std::mutex mutex;
std::optional<bool> requested;  // allow_tf32() before the first backend
std::optional<bool> fixed;      // the choice once a backend exists

bool env_flag(const char* name, bool& out) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return false;
  out = std::string(v) != "0";
  return true;
}

}  // namespace

namespace detail {

bool tf32_choice(std::optional<bool> requested_by_call) {
  if (requested_by_call) return *requested_by_call;
  bool on = false;
  if (env_flag("EMILY_TF32", on)) return on;
  if (env_flag("MLX_ENABLE_TF32", on)) return on;
  return false;
}

void fix_tf32_choice() {
  std::lock_guard lock(mutex);
  if (fixed) return;
  fixed = tf32_choice(requested);
  setenv("MLX_ENABLE_TF32", *fixed ? "1" : "0", 1);
}

}  // namespace detail

void allow_tf32(bool on) {
  std::lock_guard lock(mutex);
  if (fixed) {
    if (*fixed == on) return;
    nx::raise("emily::allow_tf32",
              std::string("the TF32 choice is fixed when the first Emily backend is created (it is ") +
                  (*fixed ? "on" : "off") + "); call allow_tf32 before emily::backend() or set EMILY_TF32");
  }
  requested = on;
}

bool tf32_allowed() {
  std::lock_guard lock(mutex);
  return fixed ? *fixed : detail::tf32_choice(requested);
}

}  // namespace emily
