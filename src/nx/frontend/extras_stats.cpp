// Front end: Nx.covariance and Nx.mode, composed from reductions, sorting and
// indexed ops.
#include "common.hpp"

namespace nx {

Tensor covariance(const Tensor& t, const CovarianceOptions& opts) {
  // Nx first takes the mean over axis -2, which fails on a lower rank.
  if (t.rank() < 2)
    raise("covariance", "given axis (-2) invalid for shape with rank " + std::to_string(t.rank()));
  return covariance(t, mean(t, {.axes = Axes{t.rank() - 2}}), opts);
}

Tensor covariance(const Tensor& t0, const Tensor& mean0, const CovarianceOptions& opts) {
  if (t0.rank() < 2) raise("covariance", "expected input tensor of rank at least 2, got " + std::to_string(t0.rank()));
  if (mean0.rank() == 0) raise("covariance", "expected mean of rank at least 1, got 0");
  if (opts.ddof < 0)
    raise("covariance", "expected ddof to be a non-negative integer, got " + std::to_string(opts.ddof));
  BackendPtr backend = front::pick_backend("covariance", {&t0, &mean0});
  const Tensor t = front::on(t0, backend), m = front::on(mean0, backend);
  // Rows {..., n, d} centred by the column means {..., d}.
  const Tensor column_means = new_axis(m, m.rank() - 1);
  front::broadcast_shapes("covariance", t.shape(), column_means.shape());
  Tensor centred = rename(subtract(t, column_means), {});
  const Tensor conj = is_complex(centred.type()) ? conjugate(centred) : centred;
  const int r = centred.rank();
  Axes batch;
  for (int i = 0; i < r - 2; ++i) batch.push_back(i);
  const std::int64_t n = centred.dim(r - 2);
  return divide(dot(conj, {r - 2}, batch, centred, {r - 2}, batch), Scalar(static_cast<long long>(n - opts.ddof)));
}

namespace {

// Nx's mode along `axis` of a tensor whose axis has at least two elements:
// sort, number the runs of equal values, count each run with indexed_add,
// then take the first element of the most frequent run (the lowest value on
// ties, since the runs are in ascending order).
Tensor mode_along(const Tensor& t, int axis, bool keep_axis) {
  // Nx's mode sorts here, and sort raises for complex inputs.
  if (is_complex(t.type())) front::raise_complex_not_supported("mode", "sort", 2);
  const Tensor sorted = sort(t, {.axis = axis, .direction = Direction::asc, .stable = false, .type = std::nullopt});
  const std::int64_t n = t.dim(axis);
  Shape first_shape = t.shape();
  first_shape[static_cast<std::size_t>(axis)] = 1;
  const BackendPtr& backend = t.backend();
  Tensor starts = not_equal(slice_along_axis(sorted, 1, n - 1, axis), slice_along_axis(sorted, 0, n - 1, axis));
  Tensor runs = cumulative_sum(
      concatenate({zeros(first_shape, {.type = s32, .names = {}, .backend = backend}), as_type(starts, s32)}, axis),
      {.axis = axis});
  const std::int64_t count = t.size();
  std::vector<Tensor> columns;
  for (int a = 0; a < t.rank(); ++a)
    columns.push_back(
        a == axis ? reshape(runs, {count, 1})
                  : reshape(iota(t.shape(), {.type = s32, .axis = a, .names = {}, .backend = backend}), {count, 1}));
  Tensor counts = indexed_add(zeros(t.shape(), {.type = s32, .names = {}, .backend = backend}), concatenate(columns, 1),
                              ones({count}, {.type = s32, .names = {}, .backend = backend}));
  Tensor largest = argmax(counts, {.axis = axis, .tie_break = TieBreak::low, .keep_axis = true, .type = std::nullopt});
  Tensor first = argmax(equal(broadcast(largest, t.shape()), runs),
                        {.axis = axis, .tie_break = TieBreak::low, .keep_axis = true, .type = std::nullopt});
  Tensor res = take_along_axis(sorted, first, axis);
  res = keep_axis ? res : squeeze(res, Axes{axis});
  return t.names().empty() ? res : rename(res, front::reduced_names(t.names(), t.rank(), AxisIndices{axis}, keep_axis));
}

}  // namespace

Tensor mode(const Tensor& t, const ModeOptions& opts) {
  std::optional<int> axis;
  if (opts.axis) axis = front::normalize_axis("mode", *opts.axis, t);
  const int rank = t.rank();
  if (rank == 0) return opts.keep_axis ? new_axis(t, -1) : t;
  if (!axis) {
    if (t.size() == 1) return opts.keep_axis ? t : squeeze(t);
    Tensor res = mode_along(flatten(t), 0, false);
    return opts.keep_axis ? reshape(res, Shape(static_cast<std::size_t>(rank), 1)) : res;
  }
  if (t.dim(*axis) == 1) return opts.keep_axis ? t : squeeze(t, Axes{*axis});
  return mode_along(t, *axis, opts.keep_axis);
}

}  // namespace nx
