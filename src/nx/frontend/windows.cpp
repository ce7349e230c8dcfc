// Front end: window reductions, window_mean, window_reduce and the window
// scatters. Resolves :valid/:same padding, expands strides and
// dilations, and computes the pooled output shape.
#include <algorithm>
#include <cstdint>

#include "common.hpp"

namespace nx {

namespace {

struct Pooling {
  Shape out_shape;
  WindowOptions opts;  // explicit padding, strides and dilations, one per axis
};

std::string list_string(const std::vector<std::int64_t>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

// Empty -> all 1; one entry -> repeated (Nx's integer option); otherwise as given.
std::vector<std::int64_t> expand(const std::vector<std::int64_t>& v, int rank) {
  if (v.empty()) return std::vector<std::int64_t>(static_cast<std::size_t>(rank), 1);
  if (v.size() == 1) return std::vector<std::int64_t>(static_cast<std::size_t>(rank), v[0]);
  return v;
}

// Nx.Shape.pool's checks and geometry, in its order.
Pooling pool(std::string_view op, const Tensor& t, const Shape& window, const WindowFrontOptions& opts,
             bool allow_dilations = true) {
  const int r = t.rank();
  front::check_shape(op, window, "window_dimensions");
  Pooling p;
  p.opts.strides = expand(opts.strides, r);
  if (!allow_dilations && !opts.window_dilations.empty())
    for (auto d : opts.window_dilations)
      if (d != 1) raise(op, "does not accept window dilations");
  p.opts.window_dilations = expand(opts.window_dilations, r);
  if (static_cast<int>(window.size()) != r)
    raise(op, "invalid window dimensions, rank of shape (" + std::to_string(r) + ") does not match rank of window (" +
                  std::to_string(window.size()) + ")");
  if (static_cast<int>(p.opts.strides.size()) != r)
    raise(op, "invalid stride dimensions, rank of shape (" + std::to_string(r) + ") does not match rank of stride (" +
                  std::to_string(p.opts.strides.size()) + ")");
  for (auto x : p.opts.window_dilations)
    if (x < 1)
      raise(op, "dilation rates must be greater than or equal to 1 got " + list_string(p.opts.window_dilations));
  if (static_cast<int>(p.opts.window_dilations.size()) != r)
    raise(op, "invalid padding configuration, rank of padding configuration and shape must match");
  for (auto x : p.opts.strides)
    if (x < 1) raise(op, "strides must be positive, got " + list_string(p.opts.strides));
  std::vector<std::int64_t> extent(static_cast<std::size_t>(r));
  for (std::size_t d = 0; d < extent.size(); ++d)
    if (__builtin_mul_overflow(window[d] - 1, p.opts.window_dilations[d], &extent[d]) || extent[d] == INT64_MAX)
      raise(op, "the dilated window on axis " + std::to_string(d) + " does not fit in 64 bits");
    else
      extent[d] += 1;
  if (const auto* named = std::get_if<Padding>(&opts.padding)) {
    for (std::size_t d = 0; d < extent.size(); ++d) {
      if (*named == Padding::valid) {
        p.opts.padding.emplace_back(0, 0);
      } else {
        const std::int64_t total = extent[d] - 1;
        p.opts.padding.emplace_back(total / 2, total - total / 2);
      }
    }
  } else {
    p.opts.padding = std::get<std::vector<std::pair<std::int64_t, std::int64_t>>>(opts.padding);
    if (static_cast<int>(p.opts.padding.size()) != r)
      raise(op, "invalid padding configuration, rank of padding configuration and shape must match");
  }
  for (std::size_t d = 0; d < extent.size(); ++d) {
    // In 128 bits: huge paddings must not overflow.
    const __int128 padded = __int128{t.shape()[d]} + p.opts.padding[d].first + p.opts.padding[d].second;
    if (padded > INT64_MAX) raise(op, "the padded size on axis " + std::to_string(d) + " does not fit in 64 bits");
    if (padded < extent[d])
      raise(op, "window dimensions would result in empty tensor which is not currently supported in Nx, please "
                "open an issue if you'd like this behavior to change");
    p.out_shape.push_back(static_cast<std::int64_t>((padded - extent[d]) / p.opts.strides[d] + 1));
  }
  return p;
}

using WindowMember = Tensor (Backend::*)(const Spec&, const Tensor&, const Shape&, const WindowOptions&);

Tensor window_op(std::string_view op, const Tensor& t, const Shape& window, const WindowFrontOptions& opts,
                 WindowMember member) {
  Pooling p = pool(op, t, window, opts);
  return (t.backend().get()->*member)(Spec{p.out_shape, t.type(), t.names()}, t, window, p.opts);
}

void reject_complex(std::string_view op, Type type, int arity) {
  if (is_complex(type)) front::raise_complex_not_supported(op, op, arity);
}

}  // namespace

Tensor window_sum(const Tensor& t, const Shape& window, const WindowFrontOptions& opts) {
  return window_op("window_sum", t, window, opts, &Backend::window_sum);
}

Tensor window_product(const Tensor& t, const Shape& window, const WindowFrontOptions& opts) {
  return window_op("window_product", t, window, opts, &Backend::window_product);
}

Tensor window_max(const Tensor& t, const Shape& window, const WindowFrontOptions& opts) {
  reject_complex("window_max", t.type(), 3);
  return window_op("window_max", t, window, opts, &Backend::window_max);
}

Tensor window_min(const Tensor& t, const Shape& window, const WindowFrontOptions& opts) {
  reject_complex("window_min", t.type(), 3);
  return window_op("window_min", t, window, opts, &Backend::window_min);
}

Tensor window_mean(const Tensor& t, const Shape& window, const WindowFrontOptions& opts) {
  // Padding counts in the denominator (Nx divides by the window size).
  return divide(window_sum(t, window, opts), Scalar(static_cast<long long>(shape_size(window))));
}

Tensor window_reduce(const Tensor& t, const Scalar& acc, const Shape& window, const ReduceFn& fn,
                     const WindowFrontOptions& opts) {
  if (!fn) raise("window_reduce", "the reducer function is empty");
  Pooling p = pool("window_reduce", t, window, opts);
  Tensor acc_t = front::scalar_tensor(acc, t.backend());
  return t.backend()->window_reduce(Spec{p.out_shape, t.type(), t.names()}, t, acc_t, window, p.opts, fn);
}

namespace {

Tensor window_scatter(std::string_view op, const Tensor& t0, const Tensor& source0, const Scalar& init_value,
                      const Shape& window, const WindowFrontOptions& opts, bool is_max) {
  BackendPtr backend = front::pick_backend(op, {&t0, &source0});
  Tensor t = front::on(t0, backend), source = front::on(source0, backend);
  Pooling p = pool(op, t, window, opts, false);
  if (source.shape() != p.out_shape) raise(op, "source shape must match valid windows in input tensor");
  Tensor init = front::scalar_tensor(init_value, backend);
  // Nx checks the result type (source and init value); the tensor compared
  // must be real too.
  reject_complex(op, merge(source.type(), init.type()), 5);
  reject_complex(op, t.type(), 5);
  Spec out{t.shape(), merge(source.type(), init.type()), t.names()};
  return is_max ? backend->window_scatter_max(out, t, source, init, window, p.opts)
                : backend->window_scatter_min(out, t, source, init, window, p.opts);
}

}  // namespace

Tensor window_scatter_max(const Tensor& t, const Tensor& source, const Scalar& init_value, const Shape& window,
                          const WindowFrontOptions& opts) {
  return window_scatter("window_scatter_max", t, source, init_value, window, opts, true);
}

Tensor window_scatter_min(const Tensor& t, const Tensor& source, const Scalar& init_value, const Shape& window,
                          const WindowFrontOptions& opts) {
  return window_scatter("window_scatter_min", t, source, init_value, window, opts, false);
}

}  // namespace nx
