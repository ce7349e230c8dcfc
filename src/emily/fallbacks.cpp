// Emily callbacks that currently run on the reference backend through the
// generic fallback (fallback.hpp). A callback leaves this file when it gets
// an MLX implementation in its family file.
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

// linear algebra and fft
Tensor Backend::triangular_solve(const Spec& out, const Tensor& a, const Tensor& b,
                                 const nx::TriangularSolveOptions& opts) {
  EMILY_FALLBACK(triangular_solve, out, a, b, opts);
}
Tensor Backend::fft(const Spec& out, const Tensor& t, const nx::FftOptions& opts) { EMILY_FALLBACK(fft, out, t, opts); }
Tensor Backend::ifft(const Spec& out, const Tensor& t, const nx::FftOptions& opts) { EMILY_FALLBACK(ifft, out, t, opts); }

// convolution
Tensor Backend::conv(const Spec& out, const Tensor& input, const Tensor& kernel, const nx::ConvOptions& opts) {
  EMILY_FALLBACK(conv, out, input, kernel, opts);
}

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

// sorting
Tensor Backend::sort(const Spec& out, const Tensor& t, const nx::SortOptions& opts) { EMILY_FALLBACK(sort, out, t, opts); }
Tensor Backend::argsort(const Spec& out, const Tensor& t, const nx::SortOptions& opts) {
  EMILY_FALLBACK(argsort, out, t, opts);
}

#undef EMILY_FALLBACK

}  // namespace emily
