// Emily: window reductions and window scatters on MLX.
//
// The input is padded with the operation's identity (0, 1, the type's
// minimum or maximum; negative padding crops), viewed as sliding windows
// with mx::as_strided (shape [out..., window...], element strides
// stride * row stride and dilation * row stride), made contiguous and reduced
// over the window axes. window_reduce runs a user C++ function and therefore
// runs on the reference backend.
#include <cmath>
#include <limits>

#include "../nx/element.hpp"
#include "emily_backend.hpp"
#include "fallback.hpp"

namespace emily {

namespace {

// Pads (or crops, for negative entries) the edges of `a` with `value`.
mx::array pad_edges(const mx::array& a, const nx::WindowOptions& opts, const mx::array& value, mx::Device d) {
  const int r = a.ndim();
  std::vector<std::pair<int, int>> widths;
  mx::Shape start(static_cast<std::size_t>(r), 0), stop = a.shape();
  bool grow = false, crop = false;
  for (int i = 0; i < r; ++i) {
    const auto [lo, hi] = opts.padding[static_cast<std::size_t>(i)];
    widths.emplace_back(static_cast<int>(std::max<std::int64_t>(lo, 0)), static_cast<int>(std::max<std::int64_t>(hi, 0)));
    grow = grow || lo > 0 || hi > 0;
    crop = crop || lo < 0 || hi < 0;
  }
  mx::array x = grow ? mx::pad(a, widths, value, "constant", d) : a;
  if (!crop) return x;
  stop = x.shape();
  for (int i = 0; i < r; ++i) {
    const auto [lo, hi] = opts.padding[static_cast<std::size_t>(i)];
    start[static_cast<std::size_t>(i)] = static_cast<int>(std::max<std::int64_t>(-lo, 0));
    stop[static_cast<std::size_t>(i)] -= static_cast<int>(std::max<std::int64_t>(-hi, 0));
  }
  return mx::slice(x, start, stop, d);
}

// The [out..., window...] sliding-window view of a padded array.
mx::array window_view(const mx::array& padded, const Shape& out_shape, const Shape& window,
                      const nx::WindowOptions& opts, mx::Device d) {
  const int r = padded.ndim();
  mx::array dense = mx::contiguous(padded, false, d);
  std::vector<std::int64_t> row(static_cast<std::size_t>(r), 1);
  for (int i = r - 2; i >= 0; --i)
    row[static_cast<std::size_t>(i)] = row[static_cast<std::size_t>(i) + 1] * padded.shape(i + 1);
  mx::Shape shape;
  mx::Strides strides;
  for (int i = 0; i < r; ++i) {
    shape.push_back(static_cast<int>(out_shape[static_cast<std::size_t>(i)]));
    strides.push_back(opts.strides[static_cast<std::size_t>(i)] * row[static_cast<std::size_t>(i)]);
  }
  for (int i = 0; i < r; ++i) {
    shape.push_back(static_cast<int>(window[static_cast<std::size_t>(i)]));
    const std::int64_t dil = opts.window_dilations.empty() ? 1 : opts.window_dilations[static_cast<std::size_t>(i)];
    strides.push_back(dil * row[static_cast<std::size_t>(i)]);
  }
  // Reductions over strided views are evaluated on a dense copy (safer on
  // every MLX device).
  return mx::contiguous(mx::as_strided(dense, shape, strides, 0, d), false, d);
}

// The smallest (lowest) or largest value of `t`, the identity of max (min).
mx::array type_extreme(nx::Type t, bool lowest) {
  const mx::Dtype dt = to_dtype(t, "window");
  if (nx::is_float(t)) {
    const double inf = std::numeric_limits<double>::infinity();
    return mx::array(lowest ? -inf : inf, dt);
  }
  if (t == nx::u64) return mx::array(lowest ? std::uint64_t{0} : std::numeric_limits<std::uint64_t>::max(), dt);
  const auto v = lowest ? nx::element::int_min(t) : nx::element::int_max(t);
  return mx::array(static_cast<std::int64_t>(v), dt);
}

std::vector<int> window_axes(int r) {
  std::vector<int> axes;
  for (int i = 0; i < r; ++i) axes.push_back(r + i);
  return axes;
}

enum class Fold { sum, product, max, min };

Tensor window_fold(Backend& self, const Spec& out, const Tensor& t, const Shape& window,
                   const nx::WindowOptions& opts, Fold fold) {
  auto d = self.mx_device(out.type);
  mx::array a = self.cast(t, out.type);
  const int r = t.rank();
  if (r == 0) return self.wrap(out, a);
  const mx::Dtype dt = a.dtype();
  mx::array identity = fold == Fold::sum       ? mx::array(0, dt)
                       : fold == Fold::product ? mx::array(1, dt)
                                               : type_extreme(out.type, fold == Fold::max);
  mx::array v = window_view(pad_edges(a, opts, identity, d), out.shape, window, opts, d);
  const auto axes = window_axes(r);
  switch (fold) {
    case Fold::sum: return self.wrap(out, mx::sum(v, axes, false, d));
    case Fold::product: return self.wrap(out, mx::prod(v, axes, false, d));
    case Fold::max: return self.wrap(out, mx::max(v, axes, false, d));
    case Fold::min: return self.wrap(out, mx::min(v, axes, false, d));
  }
  return Tensor();
}

}  // namespace

Tensor Backend::window_sum(const Spec& out, const Tensor& t, const Shape& w, const nx::WindowOptions& o) {
  if (!mlx_supports(out.type)) return fallback::run(*this, "window_sum", &nx::Backend::window_sum, out, t, w, o);
  return window_fold(*this, out, t, w, o, Fold::sum);
}

Tensor Backend::window_product(const Spec& out, const Tensor& t, const Shape& w, const nx::WindowOptions& o) {
  if (!mlx_supports(out.type))
    return fallback::run(*this, "window_product", &nx::Backend::window_product, out, t, w, o);
  return window_fold(*this, out, t, w, o, Fold::product);
}

Tensor Backend::window_max(const Spec& out, const Tensor& t, const Shape& w, const nx::WindowOptions& o) {
  if (!mlx_supports(out.type)) return fallback::run(*this, "window_max", &nx::Backend::window_max, out, t, w, o);
  return window_fold(*this, out, t, w, o, Fold::max);
}

Tensor Backend::window_min(const Spec& out, const Tensor& t, const Shape& w, const nx::WindowOptions& o) {
  if (!mlx_supports(out.type)) return fallback::run(*this, "window_min", &nx::Backend::window_min, out, t, w, o);
  return window_fold(*this, out, t, w, o, Fold::min);
}

// The reducer is an arbitrary C++ function of scalar tensors: it runs on the
// reference backend, as Emily's reduce does.
Tensor Backend::window_reduce(const Spec& out, const Tensor& t, const Tensor& acc, const Shape& window,
                              const nx::WindowOptions& opts, const nx::ReduceFn& fn) {
  return fallback::run(*this, "window_reduce", &nx::Backend::window_reduce, out, t, acc, window, opts, fn);
}

namespace {

// Selection then scatter-add: for each window, the position Nx's
// select-and-scatter picks (the last maximum/minimum in row-major order; the
// first element when it is NaN, since no later element compares >= NaN;
// later NaNs are never picked), mapped back to a flat index of `t` (or to a
// dump slot past the end when it lies in the padding).
Tensor window_scatter(Backend& self, const Spec& out, const Tensor& t, const Tensor& source, const Tensor& init,
                      const Shape& window, const nx::WindowOptions& opts, bool is_max) {
  const nx::Type sel = nx::merge(t.type(), init.type());
  const bool f64 = sel == nx::f64 || out.type == nx::f64;
  const bool wide_int = nx::is_integer(out.type) && out.type.bits == 64;  // no 64-bit CUDA scatter
  const mx::Device d = f64 || wide_int ? mx::Device::cpu : self.mx_device();
  const int r = t.rank();
  const Shape& grid = source.shape();
  const std::int64_t total = t.size();
  mx::array flat = mx::array(0, mx::int32);
  if (r == 0) {
    flat = mx::zeros({1}, mx::int32, d);
  } else {
    mx::array x = self.cast(t, sel);
    mx::array padded = pad_edges(x, opts, self.cast(init, sel), d);
    nx::WindowOptions plain = opts;
    plain.window_dilations.clear();
    mx::array v = window_view(padded, grid, window, plain, d);
    const int k_size = static_cast<int>(nx::shape_size(window));
    mx::Shape flat_shape = to_mx_shape(grid);
    flat_shape.push_back(k_size);
    v = mx::reshape(v, flat_shape, d);
    // Last position of the extreme among the non-NaN values.
    mx::array clean = v;
    if (nx::is_float(sel)) clean = mx::where(mx::isnan(v, d), type_extreme(sel, is_max), v, d);
    mx::array m = is_max ? mx::max(clean, -1, true, d) : mx::min(clean, -1, true, d);
    mx::array hit = mx::equal(v, m, d);
    mx::array k = mx::subtract(mx::array(k_size - 1, mx::int32),
                               mx::astype(mx::argmax(mx::flip(hit, -1, d), -1, false, d), mx::int32, d), d);
    if (nx::is_float(sel)) {
      mx::Shape first_stop = flat_shape;
      first_stop.back() = 1;
      mx::array first = mx::squeeze(mx::slice(v, mx::Shape(flat_shape.size(), 0), first_stop, d), -1, d);
      k = mx::where(mx::isnan(first, d), mx::array(0, mx::int32), k, d);
    }
    // Window offsets -> coordinates in t -> flat index (or the dump slot).
    mx::array index = mx::zeros(to_mx_shape(grid), mx::int32, d);
    mx::array valid = mx::full(to_mx_shape(grid), mx::array(true), d);
    std::int64_t row = 1, wrow = 1;
    for (int i = r - 1; i >= 0; --i) {
      const auto ui = static_cast<std::size_t>(i);
      mx::Shape along(static_cast<std::size_t>(r), 1);
      along[ui] = static_cast<int>(grid[ui]);
      mx::array o = mx::reshape(mx::arange(0, static_cast<int>(grid[ui]), 1, d), along, d);
      mx::array j = mx::remainder(mx::floor_divide(k, mx::array(static_cast<int>(wrow), mx::int32), d),
                                  mx::array(static_cast<int>(window[ui]), mx::int32), d);
      mx::array c = mx::subtract(mx::add(mx::multiply(o, mx::array(static_cast<int>(opts.strides[ui]), mx::int32), d), j, d),
                                 mx::array(static_cast<int>(opts.padding[ui].first), mx::int32), d);
      valid = mx::logical_and(valid, mx::logical_and(mx::greater_equal(c, mx::array(0, mx::int32), d),
                                                     mx::less(c, mx::array(static_cast<int>(t.shape()[ui]), mx::int32), d), d), d);
      index = mx::add(index, mx::multiply(c, mx::array(static_cast<int>(row), mx::int32), d), d);
      row *= t.shape()[ui];
      wrow *= window[ui];
    }
    flat = mx::reshape(mx::where(valid, index, mx::array(static_cast<int>(total), mx::int32), d), {-1}, d);
  }
  mx::array base = mx::full({static_cast<int>(total + 1)}, self.cast(init, out.type), d);
  mx::array updates = mx::reshape(self.cast(source, out.type), {-1}, d);
  mx::array r1 = mx::scatter_add_axis(base, flat, updates, 0, d);
  return self.wrap(out, mx::slice(r1, {0}, {static_cast<int>(total)}, d));
}

}  // namespace

Tensor Backend::window_scatter_max(const Spec& out, const Tensor& t, const Tensor& source, const Tensor& init,
                                   const Shape& w, const nx::WindowOptions& o) {
  if (!mlx_supports(nx::merge(t.type(), init.type())) || !mlx_supports(out.type))
    return fallback::run(*this, "window_scatter_max", &nx::Backend::window_scatter_max, out, t, source, init, w, o);
  return window_scatter(*this, out, t, source, init, w, o, true);
}

Tensor Backend::window_scatter_min(const Spec& out, const Tensor& t, const Tensor& source, const Tensor& init,
                                   const Shape& w, const nx::WindowOptions& o) {
  if (!mlx_supports(nx::merge(t.type(), init.type())) || !mlx_supports(out.type))
    return fallback::run(*this, "window_scatter_min", &nx::Backend::window_scatter_min, out, t, source, init, w, o);
  return window_scatter(*this, out, t, source, init, w, o, false);
}

}  // namespace emily
