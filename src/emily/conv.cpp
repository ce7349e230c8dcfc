// Emily: conv callbacks.
// Callbacks below still run on the reference backend through the generic
// fallback (fallback.hpp) until they get an MLX implementation.
#include "emily_backend.hpp"
#include "fallback.hpp"

namespace emily {

#define EMILY_FALLBACK(name, ...) return fallback::run(*this, #name, &nx::Backend::name, __VA_ARGS__)

// convolution
Tensor Backend::conv(const Spec& out, const Tensor& input, const Tensor& kernel, const nx::ConvOptions& opts) {
  EMILY_FALLBACK(conv, out, input, kernel, opts);
}


#undef EMILY_FALLBACK

}  // namespace emily
