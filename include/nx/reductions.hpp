// Reductions, arg-reductions, cumulative ops and the statistics composed from them.
#pragma once

#include <variant>

#include "nx/options.hpp"

namespace nx {

Tensor sum(const Tensor& t, const ReduceOptions& opts = {});
Tensor product(const Tensor& t, const ReduceOptions& opts = {});
Tensor reduce_max(const Tensor& t, const ReduceOptions& opts = {});
Tensor reduce_min(const Tensor& t, const ReduceOptions& opts = {});
Tensor all(const Tensor& t, const ReduceOptions& opts = {});
Tensor any(const Tensor& t, const ReduceOptions& opts = {});
Tensor argmax(const Tensor& t, const ArgReduceOptions& opts = {});
Tensor argmin(const Tensor& t, const ArgReduceOptions& opts = {});

struct CustomReduceOptions {
  OptionalAxes axes;
  bool keep_axes = false;
  std::optional<Type> type;
};
// Folds fn(element, acc) from `acc` in row-major order of the reduced elements.
Tensor reduce(const Tensor& t, const Scalar& acc, const ReduceFn& fn,
              const CustomReduceOptions& opts = {});
Tensor reduce(const Tensor& t, const Tensor& acc, const ReduceFn& fn,
              const CustomReduceOptions& opts = {});

Tensor cumulative_sum(const Tensor& t, const CumulativeOptions& opts = {});
Tensor cumulative_product(const Tensor& t, const CumulativeOptions& opts = {});
Tensor cumulative_min(const Tensor& t, const CumulativeOptions& opts = {});
Tensor cumulative_max(const Tensor& t, const CumulativeOptions& opts = {});

Tensor mean(const Tensor& t, const ReduceOptions& opts = {});
Tensor weighted_mean(const Tensor& t, const Tensor& weights, const ReduceOptions& opts = {});
struct VarianceOptions {
  OptionalAxes axes;
  bool keep_axes = false;
  double ddof = 0;
};
Tensor variance(const Tensor& t, const VarianceOptions& opts = {});
Tensor standard_deviation(const Tensor& t, const VarianceOptions& opts = {});
// Nx's :exp_scaling_factor: a number (weak, like every host number) or a
// tensor broadcastable to the input, multiplying the exponentials.
using ScalingFactor = std::variant<std::monostate, Scalar, Tensor>;
struct LogSumExpOptions {
  OptionalAxes axes;
  bool keep_axes = false;
  ScalingFactor exp_scaling_factor;
};
Tensor logsumexp(const Tensor& t, const LogSumExpOptions& opts = {});
// Softmax along `axis` (default last): exp(t - max) / sum(exp(t - max)).
Tensor softmax(const Tensor& t, const Axis& axis = -1);
Tensor log_softmax(const Tensor& t, const Axis& axis = -1);
struct MedianOptions {
  std::optional<Axis> axis;
  bool keep_axis = false;
};
Tensor median(const Tensor& t, const MedianOptions& opts = {});
Tensor all_close(const Tensor& a, const Tensor& b, const AllCloseOptions& opts = {});

// Nx.mode: the most frequent value (the smallest on ties), over all elements
// or along `axis`.
struct ModeOptions {
  std::optional<Axis> axis;
  bool keep_axis = false;
};
Tensor mode(const Tensor& t, const ModeOptions& opts = {});

// Nx.covariance: covariance matrices {..., d, d} of rows {..., n, d} (leading
// axes are batch axes), divided by n - ddof; the column mean is computed
// unless given ({..., d}, broadcastable against the batch axes).
struct CovarianceOptions {
  int ddof = 0;
};
Tensor covariance(const Tensor& t, const CovarianceOptions& opts = {});
Tensor covariance(const Tensor& t, const Tensor& mean, const CovarianceOptions& opts = {});

}  // namespace nx
