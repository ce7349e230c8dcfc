// Shape and layout operations.
#pragma once

#include "nx/backend.hpp"

namespace nx {

// -1 in `shape` is Nx's :auto (at most one).
Tensor reshape(const Tensor& t, const Shape& shape, const Names& names = {});
// Default: every axis into one; otherwise `axes` (consecutive) become one
// unnamed axis.
Tensor flatten(const Tensor& t, const OptionalAxes& axes = std::nullopt);
Tensor squeeze(const Tensor& t, const OptionalAxes& axes = std::nullopt);
// A size-1 axis inserted at position `axis` (-1: last), named `name` ("" for none).
Tensor new_axis(const Tensor& t, int axis, const std::string& name = "");
// Explicit broadcast; default axes right-align t's dims. `axes` are positions
// in `shape` (the result is unnamed, so names cannot resolve there).
Tensor broadcast(const Tensor& t, const Shape& shape, const OptionalAxes& axes = std::nullopt);
Tensor broadcast(const Scalar& value, const Shape& shape);
// Default: reverse all axes.
Tensor transpose(const Tensor& t, const OptionalAxes& axes = std::nullopt);
Tensor pad(const Tensor& t, const Scalar& value, const std::vector<PadConfig>& config);
Tensor pad(const Tensor& t, const Tensor& value, const std::vector<PadConfig>& config);
Tensor reverse(const Tensor& t, const OptionalAxes& axes = std::nullopt);
Tensor concatenate(const std::vector<Tensor>& tensors, const Axis& axis = 0);
// Along a new axis at position `axis`, named `name` ("" for none).
Tensor stack(const std::vector<Tensor>& tensors, int axis = 0, const std::string& name = "");
Tensor tile(const Tensor& t, const std::vector<std::int64_t>& reps);
std::vector<Tensor> split(const Tensor& t, std::int64_t parts, const Axis& axis = 0);
Tensor rename(const Tensor& t, const Names& names);

}  // namespace nx
