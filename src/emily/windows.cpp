// Emily: windows callbacks.
// Callbacks below still run on the reference backend through the generic
// fallback (fallback.hpp) until they get an MLX implementation.
#include "emily_backend.hpp"
#include "fallback.hpp"

namespace emily {

#define EMILY_FALLBACK(name, ...) return fallback::run(*this, #name, &nx::Backend::name, __VA_ARGS__)

// windows
Tensor Backend::window_reduce(const Spec& out, const Tensor& t, const Tensor& acc, const Shape& window,
                              const nx::WindowOptions& opts, const nx::ReduceFn& fn) {
  EMILY_FALLBACK(window_reduce, out, t, acc, window, opts, fn);
}
Tensor Backend::window_sum(const Spec& out, const Tensor& t, const Shape& w, const nx::WindowOptions& o) {
  EMILY_FALLBACK(window_sum, out, t, w, o);
}
Tensor Backend::window_product(const Spec& out, const Tensor& t, const Shape& w, const nx::WindowOptions& o) {
  EMILY_FALLBACK(window_product, out, t, w, o);
}
Tensor Backend::window_max(const Spec& out, const Tensor& t, const Shape& w, const nx::WindowOptions& o) {
  EMILY_FALLBACK(window_max, out, t, w, o);
}
Tensor Backend::window_min(const Spec& out, const Tensor& t, const Shape& w, const nx::WindowOptions& o) {
  EMILY_FALLBACK(window_min, out, t, w, o);
}
Tensor Backend::window_scatter_max(const Spec& out, const Tensor& t, const Tensor& source, const Tensor& init,
                                   const Shape& w, const nx::WindowOptions& o) {
  EMILY_FALLBACK(window_scatter_max, out, t, source, init, w, o);
}
Tensor Backend::window_scatter_min(const Spec& out, const Tensor& t, const Tensor& source, const Tensor& init,
                                   const Shape& w, const nx::WindowOptions& o) {
  EMILY_FALLBACK(window_scatter_min, out, t, source, init, w, o);
}


#undef EMILY_FALLBACK

}  // namespace emily
