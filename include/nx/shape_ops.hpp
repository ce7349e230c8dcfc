// Shape and layout operations.
#pragma once

#include <concepts>
#include <string>
#include <type_traits>
#include <utility>

#include "nx/backend.hpp"

namespace nx {

// -1 in `shape` is Nx's :auto (at most one). With a tensor for the shape,
// the names are that tensor's unless `names` are given.
Tensor reshape(const Tensor& t, const Shape& shape, const Names& names = {});
// Default: every axis into one. `axes` (consecutive) merges only those.
Tensor flatten(const Tensor& t, const std::optional<Axes>& axes = std::nullopt);
Tensor squeeze(const Tensor& t, const std::optional<Axes>& axes = std::nullopt);
Tensor new_axis(const Tensor& t, int axis, const std::string& name = "");
// Explicit broadcast; default axes right-align t's dims. Names are dropped
// unless given (or taken from a tensor given for the shape).
Tensor broadcast(const Tensor& t, const Shape& shape, const std::optional<Axes>& axes = std::nullopt,
                 const Names& names = {});
Tensor broadcast(const Scalar& value, const Shape& shape, const Names& names = {});
// Default: reverse all axes.
Tensor transpose(const Tensor& t, const std::optional<Axes>& axes = std::nullopt);
Tensor pad(const Tensor& t, const Scalar& value, const std::vector<PadConfig>& config);
Tensor pad(const Tensor& t, const Tensor& value, const std::vector<PadConfig>& config);
Tensor reverse(const Tensor& t, const std::optional<Axes>& axes = std::nullopt);
Tensor concatenate(const std::vector<Tensor>& tensors, int axis = 0);
// `name` names the new axis.
Tensor stack(const std::vector<Tensor>& tensors, int axis = 0, const std::string& name = "");
Tensor tile(const Tensor& t, const std::vector<std::int64_t>& reps);
// Nx.split: {left, right} along `axis`. An integer is the size of the left
// part (negative: the size of the right part, counted from the end); a
// float in (0, 1) is the fraction, ceil(fraction * size), that goes left.
// Both parts must be non-empty.
namespace detail {
std::pair<Tensor, Tensor> split_index(const Tensor& t, std::int64_t index, int axis);
}
std::pair<Tensor, Tensor> split(const Tensor& t, double fraction, int axis = 0);
template <class I>
  requires std::is_integral_v<I>
std::pair<Tensor, Tensor> split(const Tensor& t, I index, int axis = 0) {
  return detail::split_index(t, static_cast<std::int64_t>(index), axis);
}
Tensor rename(const Tensor& t, const Names& names);

// A tensor for the shape (reshape, broadcast): its shape, and its names
// unless names are given. Templates on the tensor type, so that a
// brace-enclosed shape (`{}` included) still means a Shape.
template <std::same_as<Tensor> T>
Tensor reshape(const Tensor& t, const T& shape_of, const Names& names = {}) {
  return reshape(t, shape_of.shape(), names.empty() ? shape_of.names() : names);
}
template <std::same_as<Tensor> T>
Tensor broadcast(const Tensor& t, const T& shape_of, const std::optional<Axes>& axes = std::nullopt,
                 const Names& names = {}) {
  return broadcast(t, shape_of.shape(), axes, names.empty() ? shape_of.names() : names);
}
template <std::same_as<Tensor> T>
Tensor broadcast(const Scalar& value, const T& shape_of, const Names& names = {}) {
  return broadcast(value, shape_of.shape(), names.empty() ? shape_of.names() : names);
}

}  // namespace nx
