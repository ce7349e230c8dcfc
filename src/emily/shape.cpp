// Emily: shape callbacks.
// Callbacks below still run on the reference backend through the generic
// fallback (fallback.hpp) until they get an MLX implementation.
#include "emily_backend.hpp"
#include "fallback.hpp"

namespace emily {

#define EMILY_FALLBACK(name, ...) return fallback::run(*this, #name, &nx::Backend::name, __VA_ARGS__)

// shape
Tensor Backend::reshape(const Spec& out, const Tensor& t) { EMILY_FALLBACK(reshape, out, t); }
Tensor Backend::squeeze(const Spec& out, const Tensor& t, const Axes& axes) { EMILY_FALLBACK(squeeze, out, t, axes); }
Tensor Backend::broadcast(const Spec& out, const Tensor& t, const Shape& shape, const Axes& axes) {
  EMILY_FALLBACK(broadcast, out, t, shape, axes);
}
Tensor Backend::transpose(const Spec& out, const Tensor& t, const Axes& axes) { EMILY_FALLBACK(transpose, out, t, axes); }
Tensor Backend::pad(const Spec& out, const Tensor& t, const Tensor& v, const std::vector<nx::PadConfig>& c) {
  EMILY_FALLBACK(pad, out, t, v, c);
}
Tensor Backend::reverse(const Spec& out, const Tensor& t, const Axes& axes) { EMILY_FALLBACK(reverse, out, t, axes); }
Tensor Backend::concatenate(const Spec& out, const std::vector<Tensor>& ts, int axis) {
  EMILY_FALLBACK(concatenate, out, ts, axis);
}
Tensor Backend::stack(const Spec& out, const std::vector<Tensor>& ts, int axis) { EMILY_FALLBACK(stack, out, ts, axis); }


#undef EMILY_FALLBACK

}  // namespace emily
