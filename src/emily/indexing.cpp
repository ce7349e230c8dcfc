// Emily: indexing callbacks.
// Callbacks below still run on the reference backend through the generic
// fallback (fallback.hpp) until they get an MLX implementation.
#include "emily_backend.hpp"
#include "fallback.hpp"

namespace emily {

#define EMILY_FALLBACK(name, ...) return fallback::run(*this, #name, &nx::Backend::name, __VA_ARGS__)

// indexing
Tensor Backend::slice(const Spec& out, const Tensor& t, const nx::StartIndices& starts,
                      const std::vector<std::int64_t>& lengths, const std::vector<std::int64_t>& strides) {
  EMILY_FALLBACK(slice, out, t, starts, lengths, strides);
}
Tensor Backend::put_slice(const Spec& out, const Tensor& t, const nx::StartIndices& starts, const Tensor& s) {
  EMILY_FALLBACK(put_slice, out, t, starts, s);
}
Tensor Backend::gather(const Spec& out, const Tensor& t, const Tensor& indices, const Axes& axes) {
  EMILY_FALLBACK(gather, out, t, indices, axes);
}
Tensor Backend::indexed_add(const Spec& out, const Tensor& target, const Tensor& indices, const Tensor& updates,
                            const Axes& axes) {
  EMILY_FALLBACK(indexed_add, out, target, indices, updates, axes);
}
Tensor Backend::indexed_put(const Spec& out, const Tensor& target, const Tensor& indices, const Tensor& updates,
                            const Axes& axes) {
  EMILY_FALLBACK(indexed_put, out, target, indices, updates, axes);
}


#undef EMILY_FALLBACK

}  // namespace emily
