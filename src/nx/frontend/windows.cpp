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

std::vector<std::int64_t> expand(std::string_view op, const std::vector<std::int64_t>& v, int rank,
                                 std::string_view what) {
  std::vector<std::int64_t> out;
  if (v.empty()) out.assign(static_cast<std::size_t>(rank), 1);
  else if (v.size() == 1) out.assign(static_cast<std::size_t>(rank), v[0]);
  else if (static_cast<int>(v.size()) == rank) out = v;
  else
    raise(op, std::string(what) + " must have one entry or one entry per axis (" + std::to_string(rank) +
                  "), got " + std::to_string(v.size()));
  for (auto x : out)
    if (x < 1) raise(op, std::string(what) + " must be positive, got " + std::to_string(x));
  return out;
}

Pooling pool(std::string_view op, const Tensor& t, const Shape& window, const WindowFrontOptions& opts,
             bool allow_dilations = true) {
  const int r = t.rank();
  if (static_cast<int>(window.size()) != r)
    raise(op, "window dimensions " + shape_to_string(window) + " must have the rank of the tensor (" +
                  std::to_string(r) + ")");
  for (auto w : window)
    if (w < 1) raise(op, "window dimensions " + shape_to_string(window) + " must be positive");
  Pooling p;
  p.opts.strides = expand(op, opts.strides, r, "strides");
  if (!allow_dilations && !opts.window_dilations.empty())
    for (auto d : opts.window_dilations)
      if (d != 1) raise(op, "does not accept window dilations");
  p.opts.window_dilations = expand(op, opts.window_dilations, r, "window_dilations");
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
      raise(op, "padding must have one {low, high} pair per axis (" + std::to_string(r) + "), got " +
                    std::to_string(p.opts.padding.size()));
  }
  for (std::size_t d = 0; d < extent.size(); ++d) {
    // In 128 bits: huge paddings must not overflow.
    const __int128 padded = __int128{t.shape()[d]} + p.opts.padding[d].first + p.opts.padding[d].second;
    if (padded > INT64_MAX) raise(op, "the padded size on axis " + std::to_string(d) + " does not fit in 64 bits");
    if (padded < extent[d])
      raise(op, "the window (extent " + std::to_string(extent[d]) + " on axis " + std::to_string(d) +
                    ") does not fit in the padded tensor (size " +
                    std::to_string(static_cast<long long>(std::max<__int128>(padded, INT64_MIN))) +
                    "); Nx tensors have no zero-sized dimensions");
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

void reject_complex(std::string_view op, const Tensor& t) {
  if (is_complex(t.type())) raise(op, "expects a non-complex tensor, got: " + front::type_name(t.type()));
}

}  // namespace

Tensor window_sum(const Tensor& t, const Shape& window, const WindowFrontOptions& opts) {
  return window_op("window_sum", t, window, opts, &Backend::window_sum);
}

Tensor window_product(const Tensor& t, const Shape& window, const WindowFrontOptions& opts) {
  return window_op("window_product", t, window, opts, &Backend::window_product);
}

Tensor window_max(const Tensor& t, const Shape& window, const WindowFrontOptions& opts) {
  reject_complex("window_max", t);
  return window_op("window_max", t, window, opts, &Backend::window_max);
}

Tensor window_min(const Tensor& t, const Shape& window, const WindowFrontOptions& opts) {
  reject_complex("window_min", t);
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
  reject_complex(op, t);
  if (init_value.is_complex()) raise(op, "expects a non-complex init_value");
  Pooling p = pool(op, t, window, opts, false);
  if (source.shape() != p.out_shape)
    raise(op, "source shape " + shape_to_string(source.shape()) + " must equal the pooled shape " +
                  shape_to_string(p.out_shape));
  Tensor init = front::scalar_tensor(init_value, backend);
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
