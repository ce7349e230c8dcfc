// Emily: shape and layout callbacks on MLX.
// Inputs are cast to the Nx output type first (concatenate, stack and pad
// merge types); output types MLX cannot hold go through the fallback.
#include "emily_backend.hpp"
#include "fallback.hpp"

namespace emily {

namespace {

std::vector<int> int_axes(const AxisIndices& axes) { return std::vector<int>(axes.begin(), axes.end()); }

}  // namespace

Tensor Backend::reshape(const Spec& out, const Tensor& t) {
  return wrap(out, mx::reshape(array_of(t), to_mx_shape(out.shape), mx_device(out.type)));
}

Tensor Backend::squeeze(const Spec& out, const Tensor& t, const AxisIndices& axes) {
  return wrap(out, mx::squeeze(array_of(t), int_axes(axes), mx_device(out.type)));
}

Tensor Backend::broadcast(const Spec& out, const Tensor& t, const Shape& shape, const AxisIndices& axes) {
  auto d = mx_device(out.type);
  // Place t's dims on `axes` (size 1 elsewhere), then broadcast.
  mx::Shape placed(shape.size(), 1);
  for (std::size_t i = 0; i < axes.size(); ++i)
    placed[static_cast<std::size_t>(axes[i])] = static_cast<std::int32_t>(t.shape()[i]);
  mx::array a = mx::reshape(array_of(t), placed, d);
  return wrap(out, mx::broadcast_to(a, to_mx_shape(shape), d));
}

Tensor Backend::transpose(const Spec& out, const Tensor& t, const AxisIndices& axes) {
  return wrap(out, mx::transpose(array_of(t), int_axes(axes), mx_device(out.type)));
}

Tensor Backend::reverse(const Spec& out, const Tensor& t, const AxisIndices& axes) {
  return wrap(out, mx::flip(array_of(t), int_axes(axes), mx_device(out.type)));
}

Tensor Backend::pad(const Spec& out, const Tensor& t, const Tensor& pad_value,
                    const std::vector<nx::PadConfig>& config) {
  if (!mlx_supports(out.type)) return fallback::run(*this, "pad", &nx::Backend::pad, out, t, pad_value, config);
  auto d = mx_device(out.type);
  mx::array a = cast(t, out.type);
  mx::array value = cast(pad_value, out.type);
  const int r = t.rank();
  if (r == 0) return wrap(out, a);
  // 1. Interior padding: scatter the input with stride interior+1 into an
  //    array full of the pad value (MLX's pad has no interior padding).
  bool interior = false;
  mx::Shape dilated(static_cast<std::size_t>(r)), zero(static_cast<std::size_t>(r), 0),
      step(static_cast<std::size_t>(r));
  for (int i = 0; i < r; ++i) {
    const auto& c = config[static_cast<std::size_t>(i)];
    const std::int64_t s = t.dim(i);
    dilated[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(s + (s - 1) * c.interior);
    step[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(c.interior + 1);
    interior = interior || (c.interior > 0 && s > 1);
  }
  if (interior) a = mx::slice_update(mx::full(dilated, value, d), a, zero, dilated, step, d);
  // 2. Positive low/high with MLX's pad, then 3. negative ones as a crop
  //    (in this order, so a crop may reach into the high padding).
  std::vector<int> axes;
  mx::Shape lo, hi, start(static_cast<std::size_t>(r)), stop(static_cast<std::size_t>(r));
  bool crop = false;
  for (int i = 0; i < r; ++i) {
    const auto& c = config[static_cast<std::size_t>(i)];
    const auto ui = static_cast<std::size_t>(i);
    axes.push_back(i);
    lo.push_back(static_cast<std::int32_t>(std::max<std::int64_t>(c.low, 0)));
    hi.push_back(static_cast<std::int32_t>(std::max<std::int64_t>(c.high, 0)));
    start[ui] = static_cast<std::int32_t>(std::max<std::int64_t>(-c.low, 0));
    stop[ui] = dilated[ui] + lo[ui] + hi[ui] - static_cast<std::int32_t>(std::max<std::int64_t>(-c.high, 0));
    crop = crop || c.low < 0 || c.high < 0;
  }
  a = mx::pad(a, axes, lo, hi, value, "constant", d);
  if (crop) a = mx::slice(a, start, stop, d);
  return wrap(out, a);
}

Tensor Backend::concatenate(const Spec& out, const std::vector<Tensor>& tensors, int axis) {
  if (!mlx_supports(out.type))
    return fallback::run(*this, "concatenate", &nx::Backend::concatenate, out, tensors, axis);
  std::vector<mx::array> arrays;
  for (const auto& t : tensors) arrays.push_back(cast(t, out.type));
  return wrap(out, mx::concatenate(std::move(arrays), axis, mx_device(out.type)));
}

Tensor Backend::stack(const Spec& out, const std::vector<Tensor>& tensors, int axis) {
  if (!mlx_supports(out.type)) return fallback::run(*this, "stack", &nx::Backend::stack, out, tensors, axis);
  std::vector<mx::array> arrays;
  for (const auto& t : tensors) arrays.push_back(cast(t, out.type));
  return wrap(out, mx::stack(arrays, axis, mx_device(out.type)));
}

}  // namespace emily
