// Front end: cumulative ops (blocks), all_close (block) and the statistics
// composed from reductions: mean, weighted_mean,
// variance, standard_deviation, logsumexp, softmax, log_softmax, median.
#include <algorithm>

#include "common.hpp"

namespace nx {

namespace {

using CumulativeMember = Tensor (Backend::*)(const Spec&, const Tensor&, const CumulativeCallbackOptions&);

Tensor cumulative(std::string_view op, const Tensor& t, const CumulativeOptions& opts, CumulativeMember member,
                  bool ordered) {
  CumulativeCallbackOptions norm{front::normalize_axis(op, opts.axis, t), opts.reverse};
  // Nx scans with Nx.min/Nx.max, which raise for complex inputs.
  if (ordered && is_complex(t.type()))
    front::raise_complex_not_supported(op, op == "cumulative_min" ? "min" : "max", 2);
  return (t.backend().get()->*member)(t.spec(), t, norm);
}

// Number of elements a reduction over `axes` folds together.
std::int64_t reduced_count(const Shape& shape, const std::optional<AxisIndices>& axes) {
  if (!axes) return shape_size(shape);
  std::int64_t n = 1;
  for (int a : *axes) n *= shape[static_cast<std::size_t>(a)];
  return n;
}

std::optional<AxisIndices> normalized_axes(std::string_view op, const OptionalAxes& axes, const Tensor& t) {
  if (!axes) return std::nullopt;
  return front::normalize_axes(op, *axes, t);
}

Scalar count_literal(std::int64_t n) { return Scalar(static_cast<long long>(n)); }

}  // namespace

Tensor cumulative_sum(const Tensor& t, const CumulativeOptions& opts) {
  return cumulative("cumulative_sum", t, opts, &Backend::cumulative_sum, false);
}
Tensor cumulative_product(const Tensor& t, const CumulativeOptions& opts) {
  return cumulative("cumulative_product", t, opts, &Backend::cumulative_product, false);
}
Tensor cumulative_min(const Tensor& t, const CumulativeOptions& opts) {
  return cumulative("cumulative_min", t, opts, &Backend::cumulative_min, true);
}
Tensor cumulative_max(const Tensor& t, const CumulativeOptions& opts) {
  return cumulative("cumulative_max", t, opts, &Backend::cumulative_max, true);
}

Tensor mean(const Tensor& t, const ReduceOptions& opts) {
  const std::optional<AxisIndices> axes = normalized_axes("mean", opts.axes, t);
  return divide(sum(t, {axes, opts.keep_axes}), count_literal(reduced_count(t.shape(), axes)));
}

Tensor weighted_mean(const Tensor& t, const Tensor& weights, const ReduceOptions& opts) {
  const std::optional<AxisIndices> axes = normalized_axes("weighted_mean", opts.axes, t);
  const ReduceOptions norm{axes, opts.keep_axes};
  Tensor w = front::on(weights, t.backend());
  if (w.shape() != t.shape()) {
    if (!axes) raise("weighted_mean", "axes must be specified when shapes of input and weights differ");
    if (w.rank() != static_cast<int>(axes->size()) || w.rank() > t.rank())
      raise("weighted_mean", "weights tensor must have rank equal to the number of aggregation axes when input "
                             "shapes differ");
    // Nx's placement: w's axes become the trailing axes of t's rank, then
    // the first aggregation axis trades places with the last axis.
    const int r = t.rank(), first = axes->front();
    Shape padded(static_cast<std::size_t>(r - w.rank()), 1);
    padded.insert(padded.end(), w.shape().begin(), w.shape().end());
    AxisIndices perm(static_cast<std::size_t>(r));
    for (int d = 0; d < r; ++d) perm[static_cast<std::size_t>(d)] = d;
    std::swap(perm[static_cast<std::size_t>(first)], perm[static_cast<std::size_t>(r - 1)]);
    w = transpose(reshape(w, padded), perm);
    if (front::broadcast_shapes("weighted_mean", t.shape(), w.shape()) != t.shape())
      raise("weighted_mean", "weights of shape " + shape_to_string(weights.shape()) +
                                 " placed as " + shape_to_string(w.shape()) + " do not broadcast to the tensor shape " +
                                 shape_to_string(t.shape()));
  }
  // The weights' sum is taken before any broadcasting, as in Nx.
  return divide(sum(multiply(t, w), norm), sum(w, norm));
}

Tensor variance(const Tensor& t, const VarianceOptions& opts) {
  const std::optional<AxisIndices> axes = normalized_axes("variance", opts.axes, t);
  const std::int64_t n = reduced_count(t.shape(), axes);
  Tensor m = mean(t, {.axes = axes, .keep_axes = true});
  Tensor centered = subtract(t, m);
  Tensor squares = multiply(centered, centered);
  return divide(sum(squares, {.axes = axes, .keep_axes = opts.keep_axes}), Scalar(static_cast<double>(n) - opts.ddof));
}

Tensor standard_deviation(const Tensor& t, const VarianceOptions& opts) {
  return sqrt(variance(t, {normalized_axes("standard_deviation", opts.axes, t), opts.keep_axes, opts.ddof}));
}

Tensor logsumexp(const Tensor& t0, const LogSumExpOptions& opts) {
  const std::optional<AxisIndices> axes = normalized_axes("logsumexp", opts.axes, t0);
  const Tensor t = as_type(t0, to_floating(t0.type()));  // no integer wrap-around in t - max
  // The shift: the maximum, or 0 where it is infinite (all -Inf or an Inf).
  auto shift = [&](bool keep) {
    Tensor m = reduce_max(t, {.axes = axes, .keep_axes = keep});
    return select(is_infinity(m), 0, m);
  };
  Tensor e = exp(subtract(t, shift(true)));
  // exp_scaling_factor * exponentials, by the rules of multiply.
  if (const auto* f = std::get_if<Tensor>(&opts.exp_scaling_factor)) {
    if (front::broadcast_shapes("logsumexp", f->shape(), t.shape()) != t.shape())
      raise("logsumexp", "exp_scaling_factor of shape " + shape_to_string(f->shape()) +
                             " does not broadcast to the input shape " + shape_to_string(t.shape()));
    e = multiply(*f, e);
  } else if (const auto* n = std::get_if<Scalar>(&opts.exp_scaling_factor)) {
    e = multiply(*n, e);
  }
  Tensor sums = sum(e, {.axes = axes, .keep_axes = opts.keep_axes});
  return add(log(sums), shift(opts.keep_axes));
}

Tensor softmax(const Tensor& t, const Axis& axis) {
  const int a = front::normalize_axis("softmax", axis, t);
  if (is_complex(t.type())) raise("softmax", "expects a non-complex tensor, got: " + front::type_name(t.type()));
  return t.backend()->softmax(Spec{t.shape(), to_floating(t.type()), t.names()}, t, a);
}

Tensor Backend::softmax(const Spec& out, const Tensor& t, int axis) {
  detail::note_composed("softmax");
  Tensor x = nx::as_type(t, out.type);  // integers: subtract in float, not with wrap-around
  Tensor e = nx::exp(nx::subtract(x, nx::reduce_max(x, {.axes = Axes{axis}, .keep_axes = true})));
  return nx::divide(e, nx::sum(e, {.axes = Axes{axis}, .keep_axes = true}));
}

Tensor log_softmax(const Tensor& t, const Axis& axis) {
  const int a = front::normalize_axis("log_softmax", axis, t);
  const Tensor x = as_type(t, to_floating(t.type()));  // no integer wrap-around in x - max
  Tensor shifted = subtract(x, reduce_max(x, {.axes = Axes{a}, .keep_axes = true}));
  return subtract(shifted, log(sum(exp(shifted), {.axes = Axes{a}, .keep_axes = true})));
}

Tensor median(const Tensor& t, const MedianOptions& opts) {
  Tensor x = t;
  int axis = 0;
  if (opts.axis) axis = front::normalize_axis("median", *opts.axis, t);
  else x = flatten(t);
  // Nx's median sorts, and sort raises for complex inputs.
  if (is_complex(t.type())) front::raise_complex_not_supported("median", "sort", 2);
  Tensor sorted = sort(x, {.axis = axis});
  const std::int64_t n = x.dim(axis);
  Tensor r;
  if (n % 2 == 1) {
    r = slice_along_axis(sorted, n / 2, 1, axis);
    r = opts.keep_axis && opts.axis ? r : squeeze(r, Axes{axis});
  } else {
    r = mean(slice_along_axis(sorted, n / 2 - 1, 2, axis), {.axes = Axes{axis}, .keep_axes = opts.keep_axis && opts.axis});
  }
  // Without an axis Nx returns a scalar, keep_axis or not.
  return r;
}

Tensor all_close(const Tensor& a0, const Tensor& b0, const AllCloseOptions& opts) {
  BackendPtr backend = front::pick_backend("all_close", {&a0, &b0});
  Tensor a = front::on(a0, backend), b = front::on(b0, backend);
  front::broadcast_shapes("all_close", a.shape(), b.shape());
  return backend->all_close(Spec{{}, u8, {}}, a, b, opts);
}

}  // namespace nx
