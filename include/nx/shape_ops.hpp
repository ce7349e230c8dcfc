// Shape and layout operations.
#pragma once

#include <concepts>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "nx/options.hpp"

namespace nx {

// -1 in `shape` is Nx's :auto (at most one). With a tensor for the shape,
// the names are that tensor's unless `names` are given.
Tensor reshape(const Tensor& t, const Shape& shape, const Names& names = {});
// Default: every axis into one; otherwise `axes` (consecutive) become one
// unnamed axis.
Tensor flatten(const Tensor& t, const OptionalAxes& axes = std::nullopt);
Tensor squeeze(const Tensor& t, const OptionalAxes& axes = std::nullopt);
// A size-1 axis inserted at position `axis` (-1: last), named `name` ("" for none).
Tensor new_axis(const Tensor& t, int axis, const std::string& name = "");
// Explicit broadcast; default axes right-align t's dims. `axes` are positions
// in `shape`. Names are dropped unless given (or taken from a tensor given
// for the shape, below).
Tensor broadcast(const Tensor& t, const Shape& shape, const OptionalAxes& axes = std::nullopt,
                 const Names& names = {});
Tensor broadcast(const Scalar& value, const Shape& shape, const Names& names = {});
// Default: reverse all axes.
Tensor transpose(const Tensor& t, const OptionalAxes& axes = std::nullopt);
Tensor pad(const Tensor& t, const Scalar& value, const std::vector<PadConfig>& config);
Tensor pad(const Tensor& t, const Tensor& value, const std::vector<PadConfig>& config);
Tensor reverse(const Tensor& t, const OptionalAxes& axes = std::nullopt);
Tensor concatenate(const std::vector<Tensor>& tensors, const Axis& axis = 0);
// Along a new axis at position `axis`, named `name` ("" for none).
Tensor stack(const std::vector<Tensor>& tensors, int axis = 0, const std::string& name = "");
Tensor tile(const Tensor& t, const std::vector<std::int64_t>& reps);
// Nx.split: {left, right} cut along `axis` before index `split` (negative
// counts from the back), or, for a float, before ceil(split * axis size).
// Both sides must be non-empty.
struct SplitOptions {
  Axis axis = 0;
};
std::pair<Tensor, Tensor> split(const Tensor& t, std::int64_t split, const SplitOptions& opts = {});
std::pair<Tensor, Tensor> split(const Tensor& t, double split, const SplitOptions& opts = {});
inline std::pair<Tensor, Tensor> split(const Tensor& t, int split, const SplitOptions& opts = {}) {
  return nx::split(t, static_cast<std::int64_t>(split), opts);
}
Tensor rename(const Tensor& t, const Names& names);

// ---- shape reflection (Nx.flat_size, bit_size, byte_size, axis_index, axis_size, axes, compatible?) ----
// Element count (Nx has no other size for a tensor without vectorized axes).
std::int64_t flat_size(const Tensor& t);
std::int64_t bit_size(const Tensor& t);
// bit_size / 8, rounded down for sub-byte types.
std::int64_t byte_size(const Tensor& t);
// The axis normalised (negative counts from the back); raises when out of range.
int axis_index(const Tensor& t, const Axis& axis);
std::int64_t axis_size(const Tensor& t, const Axis& axis);
// {0, 1, ..., rank - 1}.
Axes axes(const Tensor& t);
Axes axes(const Shape& shape);
// Same type and shape, and names that agree wherever both are named.
bool compatible(const Tensor& a, const Tensor& b);

// A tensor for the shape (reshape, broadcast): its shape, and its names
// unless names are given. Templates on the tensor type, so that a
// brace-enclosed shape (`{}` included) still means a Shape.
template <std::same_as<Tensor> T>
Tensor reshape(const Tensor& t, const T& shape_of, const Names& names = {}) {
  return reshape(t, shape_of.shape(), names.empty() ? shape_of.names() : names);
}
template <std::same_as<Tensor> T>
Tensor broadcast(const Tensor& t, const T& shape_of, const OptionalAxes& axes = std::nullopt,
                 const Names& names = {}) {
  return broadcast(t, shape_of.shape(), axes, names.empty() ? shape_of.names() : names);
}
template <std::same_as<Tensor> T>
Tensor broadcast(const Scalar& value, const T& shape_of, const Names& names = {}) {
  return broadcast(value, shape_of.shape(), names.empty() ? shape_of.names() : names);
}

// {low, high} padding of one axis.
using Pad2 = std::pair<std::int64_t, std::int64_t>;

// Nx.reflect: pads each axis by reflection about its edges (the edge element
// is not repeated); {low, high} per axis, both non-negative.
struct ReflectOptions {
  std::vector<Pad2> padding_config;
};
Tensor reflect(const Tensor& t, const ReflectOptions& opts);

// Nx.pad_outer: pads each axis with a constant, or with values taken from the
// tensor: cyclic (wraps around), replicate (repeats the edge), reflect
// (mirrors without repeating the edge), mirror (mirrors repeating it).
enum class PadMode { cyclic, replicate, reflect, mirror };
using PadOuterMode = std::variant<Scalar, PadMode>;
Tensor pad_outer(const Tensor& t, const PadOuterMode& mode, const std::vector<Pad2>& padding_config);

// Nx.diff: the order-th discrete difference out[i] = a[i + 1] - a[i] along `axis`.
struct DiffOptions {
  int order = 1;
  Axis axis = -1;
};
Tensor diff(const Tensor& t, const DiffOptions& opts = {});

}  // namespace nx
