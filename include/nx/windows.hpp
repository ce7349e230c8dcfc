// Convolution and window operations.
#pragma once

#include <string>
#include <variant>

#include "nx/options.hpp"

namespace nx {

enum class Padding { valid, same };
// Either a named padding or explicit {low, high} pairs per spatial/window axis.
using PaddingSpec = std::variant<Padding, std::vector<std::pair<std::int64_t, std::int64_t>>>;

struct ConvFrontOptions {
  std::vector<std::int64_t> strides;  // default 1 per spatial dim; one entry is repeated
  PaddingSpec padding = Padding::valid;
  std::vector<std::int64_t> input_dilation;
  std::vector<std::int64_t> kernel_dilation;
  std::int64_t feature_group_size = 1;
  std::int64_t batch_group_size = 1;
  // Positions or names; input and output permutations name the input's axes.
  Axes input_permutation;
  Axes kernel_permutation;
  Axes output_permutation;
};
Tensor conv(const Tensor& input, const Tensor& kernel, const ConvFrontOptions& opts = {});
// What a backend's conv receives for an input and a kernel of these shapes:
// the options checked and resolved per spatial dim, and the geometry
// (ConvOptions::geometry). Raises ArgumentError naming conv, as conv does.
ConvOptions conv_options(const Shape& input, const Shape& kernel, const ConvFrontOptions& opts = {},
                         const Names& input_names = {}, const Names& kernel_names = {});

struct WindowFrontOptions {
  PaddingSpec padding = Padding::valid;
  std::vector<std::int64_t> strides;  // default 1; one entry is repeated
  std::vector<std::int64_t> window_dilations;
};
Tensor window_sum(const Tensor& t, const Shape& window, const WindowFrontOptions& opts = {});
Tensor window_product(const Tensor& t, const Shape& window, const WindowFrontOptions& opts = {});
Tensor window_max(const Tensor& t, const Shape& window, const WindowFrontOptions& opts = {});
Tensor window_min(const Tensor& t, const Shape& window, const WindowFrontOptions& opts = {});
Tensor window_mean(const Tensor& t, const Shape& window, const WindowFrontOptions& opts = {});
Tensor window_reduce(const Tensor& t, const Scalar& acc, const Shape& window,
                     const ReduceFn& fn, const WindowFrontOptions& opts = {});
Tensor window_scatter_max(const Tensor& t, const Tensor& source, const Scalar& init_value,
                          const Shape& window, const WindowFrontOptions& opts = {});
Tensor window_scatter_min(const Tensor& t, const Tensor& source, const Scalar& init_value,
                          const Shape& window, const WindowFrontOptions& opts = {});

}  // namespace nx
