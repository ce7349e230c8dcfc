// Shape and layout operations.
#pragma once

#include "nx/options.hpp"

namespace nx {

// -1 in `shape` is Nx's :auto (at most one).
Tensor reshape(const Tensor& t, const Shape& shape, const Names& names = {});
Tensor flatten(const Tensor& t);
Tensor squeeze(const Tensor& t, const std::optional<Axes>& axes = std::nullopt);
Tensor new_axis(const Tensor& t, int axis);
// Explicit broadcast; default axes right-align t's dims.
Tensor broadcast(const Tensor& t, const Shape& shape, const std::optional<Axes>& axes = std::nullopt);
Tensor broadcast(const Scalar& value, const Shape& shape);
// Default: reverse all axes.
Tensor transpose(const Tensor& t, const std::optional<Axes>& axes = std::nullopt);
Tensor pad(const Tensor& t, const Scalar& value, const std::vector<PadConfig>& config);
Tensor pad(const Tensor& t, const Tensor& value, const std::vector<PadConfig>& config);
Tensor reverse(const Tensor& t, const std::optional<Axes>& axes = std::nullopt);
Tensor concatenate(const std::vector<Tensor>& tensors, int axis = 0);
Tensor stack(const std::vector<Tensor>& tensors, int axis = 0);
Tensor tile(const Tensor& t, const std::vector<std::int64_t>& reps);
std::vector<Tensor> split(const Tensor& t, std::int64_t parts, int axis = 0);
Tensor rename(const Tensor& t, const Names& names);

}  // namespace nx
