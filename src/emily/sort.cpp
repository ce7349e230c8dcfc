// Emily: sort callbacks.
// Callbacks below still run on the reference backend through the generic
// fallback (fallback.hpp) until they get an MLX implementation.
#include "emily_backend.hpp"
#include "fallback.hpp"

namespace emily {

#define EMILY_FALLBACK(name, ...) return fallback::run(*this, #name, &nx::Backend::name, __VA_ARGS__)

// sorting
Tensor Backend::sort(const Spec& out, const Tensor& t, const nx::SortOptions& opts) { EMILY_FALLBACK(sort, out, t, opts); }
Tensor Backend::argsort(const Spec& out, const Tensor& t, const nx::SortOptions& opts) {
  EMILY_FALLBACK(argsort, out, t, opts);
}


#undef EMILY_FALLBACK

}  // namespace emily
