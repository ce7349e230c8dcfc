// Emily: slicing, gathering and scattering on MLX, and
// the take / take_along_axis blocks.
//
// MLX checks no index: out-of-range gather/take indices crash, dynamic
// slices past the end read garbage and scatters corrupt memory. Every index
// is therefore sanitised first. Conventions (the reference backend raises
// instead, like Nx's reference):
//   slice, put_slice                 starts clamped into [0, dim - len] (as Nx)
//   gather, take, take_along_axis    each index clamped into [0, dim - 1]
//   indexed_add, indexed_put         rows with any out-of-range index are
//                                    dropped (redirected to a padding slot
//                                    that is cropped away)
//   indexed_put with repeated rows   the last row wins, deterministically on
//                                    every device (a winner table built with
//                                    scatter_max; no host round-trip)
#include <algorithm>
#include <limits>

#include "cpu/index.hpp"
#include "emily_backend.hpp"
#include "fallback.hpp"

namespace emily {

namespace {

// An integer index array as int64; u64 values beyond the int64 range are
// saturated first so they stay "too large" instead of turning negative.
mx::array as_int64(const mx::array& x, nx::Type type, mx::Device d) {
  if (type == nx::u64)
    return mx::astype(mx::minimum(x, mx::array(static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()),
                                               mx::uint64), d),
                      mx::int64, d);
  return mx::astype(x, mx::int64, d);
}

// Index values clamped into [lo, hi], as int32 (MLX's index type).
mx::array clamp_index(const mx::array& x, nx::Type type, std::int64_t lo, std::int64_t hi, mx::Device d) {
  if (type.bits <= 16 || type == nx::s32) {
    // Every value fits int32 (MLX dims are int32 too): clamp in one pass.
    mx::array i = type == nx::s32 ? x : mx::astype(x, mx::int32, d);
    return mx::clip(i, mx::array(static_cast<std::int32_t>(lo)), mx::array(static_cast<std::int32_t>(hi)), d);
  }
  mx::array c = mx::clip(as_int64(x, type, d), mx::array(lo, mx::int64), mx::array(hi, mx::int64), d);
  return mx::astype(c, mx::int32, d);
}

// EMILY_DEBUG_BOUNDS_CHECK: raise on out-of-range or negative indices instead
// of clamping/dropping. Reading the indices forces their evaluation, so this
// is a debugging aid, compiled out entirely when the option is off.
#if EMILY_DEBUG_BOUNDS_CHECK
void check_bounds(std::string_view op, const mx::array& x, nx::Type type, std::int64_t dim, int axis,
                  const Shape& shape, mx::Device d) {
  mx::array c = mx::flatten(as_int64(x, type, d), d);
  mx::array bad = mx::logical_or(mx::less(c, mx::array(0, mx::int64), d),
                                 mx::greater_equal(c, mx::array(dim, mx::int64), d), d);
  if (!mx::any(bad, false, d).item<bool>()) return;
  mx::array first = mx::take(c, mx::argmax(bad, false, d), d);
  nx::raise(op, "index " + std::to_string(first.item<std::int64_t>()) + " is out of bounds for axis " +
                    std::to_string(axis) + " in shape " + nx::shape_to_string(shape) +
                    " (EMILY_DEBUG_BOUNDS_CHECK)");
}
#define EMILY_CHECK_BOUNDS(...) check_bounds(__VA_ARGS__)
#else
#define EMILY_CHECK_BOUNDS(...) ((void)0)
#endif

// One int32 start array (shape {rank}) of tensor-valued starts, each clamped
// into [0, dim - len].
mx::array dynamic_start(const Backend& self, const std::vector<Tensor>& starts, const Shape& shape,
                        const Shape& lengths, mx::Device d) {
  std::vector<mx::array> parts;
  for (std::size_t i = 0; i < starts.size(); ++i)
    parts.push_back(clamp_index(self.array_of(starts[i]), starts[i].type(), 0, shape[i] - lengths[i], d));
  return mx::stack(parts, 0, d);
}

// Column j of an {..., k} index array.
mx::array column(const mx::array& idx, int j, mx::Device d) {
  mx::Shape start(idx.ndim(), 0), stop = idx.shape();
  start.back() = j;
  stop.back() = j + 1;
  return mx::squeeze(mx::slice(idx, start, stop, d), -1, d);
}

std::vector<int> int_axes(const AxisIndices& axes) { return std::vector<int>(axes.begin(), axes.end()); }

}  // namespace

Tensor Backend::slice(const Spec& out, const Tensor& t, const nx::StartIndices& starts,
                      const std::vector<std::int64_t>& lengths, const std::vector<std::int64_t>& strides) {
  auto d = mx_device(out.type);
  mx::array a = array_of(t);
  const std::size_t r = static_cast<std::size_t>(t.rank());
  mx::Shape step(r), len(r);
  for (std::size_t i = 0; i < r; ++i) {
    // A stride >= the length takes one element: clamping it keeps it in int32.
    step[i] = static_cast<std::int32_t>(std::min(strides[i], lengths[i]));
    len[i] = static_cast<std::int32_t>(lengths[i]);
  }
  if (starts.is_dynamic()) {
    std::vector<int> axes(r);
    for (std::size_t i = 0; i < r; ++i) axes[i] = static_cast<int>(i);
    a = mx::slice(a, dynamic_start(*this, starts.dynamic, t.shape(), lengths, d), axes, len, d);
    return wrap(out, mx::slice(a, mx::Shape(r, 0), len, step, d));
  }
  mx::Shape start(r), stop(r);
  for (std::size_t i = 0; i < r; ++i) {
    const std::int64_t s = std::clamp<std::int64_t>(starts.fixed[i], 0, t.shape()[i] - lengths[i]);
    start[i] = static_cast<std::int32_t>(s);
    stop[i] = static_cast<std::int32_t>(s + lengths[i]);
  }
  return wrap(out, mx::slice(a, start, stop, step, d));
}

Tensor Backend::put_slice(const Spec& out, const Tensor& t, const nx::StartIndices& starts, const Tensor& s) {
  if (!mlx_supports(out.type)) return fallback::run(*this, "put_slice", &nx::Backend::put_slice, out, t, starts, s);
  auto d = mx_device(out.type);
  mx::array a = cast(t, out.type), u = cast(s, out.type);
  const std::size_t r = static_cast<std::size_t>(t.rank());
  if (r == 0) return wrap(out, u);
  if (starts.is_dynamic()) {
    std::vector<int> axes(r);
    for (std::size_t i = 0; i < r; ++i) axes[i] = static_cast<int>(i);
    return wrap(out, mx::slice_update(a, u, dynamic_start(*this, starts.dynamic, t.shape(), s.shape(), d), axes, d));
  }
  mx::Shape start(r), stop(r);
  for (std::size_t i = 0; i < r; ++i) {
    const std::int64_t st = std::clamp<std::int64_t>(starts.fixed[i], 0, t.shape()[i] - s.shape()[i]);
    start[i] = static_cast<std::int32_t>(st);
    stop[i] = static_cast<std::int32_t>(st + s.shape()[i]);
  }
  return wrap(out, mx::slice_update(a, u, start, stop, d));
}

Tensor Backend::gather(const Spec& out, const Tensor& t, const Tensor& indices, const AxisIndices& axes) {
  auto d = mx_device(out.type);
  mx::array a = array_of(t), idx = array_of(indices);
  if (axes.size() == 1 && axes[0] == 0) {
    // Rows of axis 0: Emily's CPU kernel (index column as a take; its
    // result is already in the output's order).
    mx::Shape batch(idx.shape().begin(), idx.shape().end() - 1);
    if (auto r = cpu::take(a, mx::reshape(idx, batch, d), 0, d)) {
      EMILY_CHECK_BOUNDS("gather", idx, indices.type(), t.dim(0), 0, t.shape(), d);
      return wrap(out, *std::move(r));
    }
  }
  std::vector<mx::array> cols;
  mx::Shape sizes = a.shape();
  for (std::size_t j = 0; j < axes.size(); ++j) {
    const int axis = axes[j];
    EMILY_CHECK_BOUNDS("gather", column(idx, static_cast<int>(j), d), indices.type(), t.dim(axis), axis, t.shape(), d);
    cols.push_back(clamp_index(column(idx, static_cast<int>(j), d), indices.type(), 0, t.dim(axis) - 1, d));
    sizes[static_cast<std::size_t>(axis)] = 1;
  }
  // MLX: index batch dims ++ one (size-1 on gathered axes) slice per row.
  return wrap(out, mx::reshape(mx::gather(a, cols, int_axes(axes), sizes, d), to_mx_shape(out.shape), d));
}

namespace {

// Scatter plan of indexed_add/put: per-axis int32 coordinates with
// out-of-range rows redirected to a padding slot on axes[0] (index dim), and
// updates reshaped to MLX's layout {n, 1 on indexed axes, window dims}.
struct ScatterPlan {
  std::vector<mx::array> coords;
  mx::array valid{false};  // per row
  mx::array updates{0};
};

ScatterPlan plan_scatter(std::string_view op, const Backend& self, const Spec& out, const Tensor& target, const Tensor& indices,
                         const Tensor& updates, const AxisIndices& axes, mx::Device d) {
  ScatterPlan p;
  mx::array idx = self.array_of(indices);
  std::vector<mx::array> raw;
  for (std::size_t j = 0; j < axes.size(); ++j) {
    EMILY_CHECK_BOUNDS(op, column(idx, static_cast<int>(j), d), indices.type(), target.dim(axes[j]), axes[j],
                       target.shape(), d);
    mx::array c = as_int64(column(idx, static_cast<int>(j), d), indices.type(), d);
    mx::array ok = mx::logical_and(mx::greater_equal(c, mx::array(0, mx::int64), d),
                                   mx::less(c, mx::array(target.dim(axes[j]), mx::int64), d), d);
    p.valid = j == 0 ? ok : mx::logical_and(p.valid, ok, d);
    raw.push_back(c);
  }
  for (std::size_t j = 0; j < axes.size(); ++j) {
    const std::int64_t drop = j == 0 ? target.dim(axes[0]) : 0;
    mx::array c = mx::where(p.valid, raw[j], mx::array(drop, mx::int64), d);
    p.coords.push_back(mx::astype(c, mx::int32, d));
  }
  mx::Shape layout{static_cast<std::int32_t>(indices.dim(0))};
  for (int a = 0, w = 1; a < target.rank(); ++a) {
    const bool indexed = std::find(axes.begin(), axes.end(), a) != axes.end();
    layout.push_back(indexed ? 1 : static_cast<std::int32_t>(updates.dim(w++)));
  }
  p.updates = mx::reshape(self.cast(updates, out.type), layout, d);
  return p;
}

// `a` with one extra slot at the end of `axis` (the drop slot), and back.
mx::array with_drop_slot(const mx::array& a, int axis, mx::Device d) {
  return mx::pad(a, std::vector<int>{axis}, mx::Shape{0}, mx::Shape{1}, mx::array(0, a.dtype()), "constant", d);
}
mx::array without_drop_slot(const mx::array& a, int axis, mx::Device d) {
  mx::Shape start(a.ndim(), 0), stop = a.shape();
  stop[static_cast<std::size_t>(axis)] -= 1;
  return mx::slice(a, start, stop, d);
}

}  // namespace

Tensor Backend::indexed_add(const Spec& out, const Tensor& target, const Tensor& indices, const Tensor& updates,
                            const AxisIndices& axes) {
  if (!mlx_supports(out.type))
    return fallback::run(*this, "indexed_add", &nx::Backend::indexed_add, out, target, indices, updates, axes);
  auto d = scatter_device(out.type);
  ScatterPlan p = plan_scatter("indexed_add", *this, out, target, indices, updates, axes, d);
  mx::array a = with_drop_slot(cast(target, out.type), axes[0], d);
  a = mx::scatter_add(a, p.coords, p.updates, int_axes(axes), d);
  return wrap(out, without_drop_slot(a, axes[0], d));
}

Tensor Backend::indexed_put(const Spec& out, const Tensor& target, const Tensor& indices, const Tensor& updates,
                            const AxisIndices& axes) {
  if (!mlx_supports(out.type))
    return fallback::run(*this, "indexed_put", &nx::Backend::indexed_put, out, target, indices, updates, axes);
  // Rows writing the same position write the same whole window, so the last
  // row of each distinct index tuple wins: key = row-major position over the
  // indexed axes (drop slot included), winner[key] = max row id.
  std::vector<std::int64_t> stride(axes.size());
  std::int64_t table = 1;
  for (std::size_t j = axes.size(); j-- > 0;) {
    stride[j] = table;
    table *= target.dim(axes[j]) + (j == 0 ? 1 : 0);
  }
  if (table > std::numeric_limits<std::int32_t>::max())
    return fallback::run(*this, "indexed_put", &nx::Backend::indexed_put, out, target, indices, updates, axes);
  auto d = scatter_device(out.type);
  ScatterPlan p = plan_scatter("indexed_put", *this, out, target, indices, updates, axes, d);
  const std::int32_t n = static_cast<std::int32_t>(indices.dim(0));
  mx::array key = mx::zeros({n}, mx::int32, d);
  for (std::size_t j = 0; j < axes.size(); ++j)
    key = mx::add(key, mx::multiply(p.coords[j], mx::array(static_cast<std::int32_t>(stride[j]), mx::int32), d), d);
  mx::array rows = mx::arange(0, n, d);
  mx::array winner = mx::scatter_max(mx::full({static_cast<std::int32_t>(table)}, mx::array(-1, mx::int32), d), key,
                                     mx::reshape(rows, {n, 1}, d), 0, d);
  mx::array wins = mx::equal(mx::take(winner, key, 0, d), rows, d);
  const std::int64_t drop = target.dim(axes[0]);
  p.coords[0] = mx::where(wins, p.coords[0], mx::array(static_cast<std::int32_t>(drop), mx::int32), d);
  mx::array a = with_drop_slot(cast(target, out.type), axes[0], d);
  a = mx::scatter(a, p.coords, p.updates, int_axes(axes), d);
  return wrap(out, without_drop_slot(a, axes[0], d));
}

Tensor Backend::take(const Spec& out, const Tensor& t, const Tensor& indices, int axis) {
  auto d = mx_device(out.type);
  EMILY_CHECK_BOUNDS("take", array_of(indices), indices.type(), t.dim(axis), axis, t.shape(), d);
  // Emily's CPU kernel clamps the same way.
  if (auto r = cpu::take(array_of(t), array_of(indices), axis, d)) return wrap(out, *std::move(r));
  mx::array idx = clamp_index(array_of(indices), indices.type(), 0, t.dim(axis) - 1, d);
  return wrap(out, mx::take(array_of(t), idx, axis, d));
}

Tensor Backend::take_along_axis(const Spec& out, const Tensor& t, const Tensor& indices, int axis) {
  auto d = mx_device(out.type);
  EMILY_CHECK_BOUNDS("take_along_axis", array_of(indices), indices.type(), t.dim(axis), axis, t.shape(), d);
  mx::array idx = clamp_index(array_of(indices), indices.type(), 0, t.dim(axis) - 1, d);
  return wrap(out, mx::take_along_axis(array_of(t), idx, axis, d));
}

}  // namespace emily
