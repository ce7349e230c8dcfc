// Front end: slicing, gathering and scattering, and the
// compositions built on them (take_diagonal, make_diagonal, tri, tril, triu).
// sort/argsort/top_k live with the sorting family.
#include <algorithm>
#include <limits>

#include "common.hpp"

namespace nx {

namespace {

// Nx's texts differ by op: take, take_along_axis and gather say "got {:f, 32}",
// indexed_add and indexed_put "got type: {:f, 32}".
void require_integer(std::string_view op, const Tensor& t, std::string_view got = "got ") {
  if (!is_integer(t.type()))
    raise(op, "indices must be an integer tensor, " + std::string(got) + front::type_name(t.type()));
}

// Nx.Shape.slice's rank checks ("start indices", "limit indices", "strides").
void check_rank(std::string_view op, std::size_t n, int rank, std::string_view what) {
  if (static_cast<int>(n) != rank)
    raise(op, "invalid " + std::string(what) + " rank for shape of rank " + std::to_string(rank));
}

// Validated dynamic starts: scalar integer tensors, moved onto `backend`.
std::vector<Tensor> dynamic_starts(std::string_view op, const std::vector<Tensor>& starts, const BackendPtr& backend) {
  std::vector<Tensor> out;
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const Tensor& s = starts[i];
    if (!s.defined()) raise(op, "start index " + std::to_string(i) + " is an undefined tensor");
    if (s.rank() != 0)
      raise(op, "index must be scalar, got shape " + shape_to_string(s.shape()) + " for axis " + std::to_string(i));
    if (!is_integer(s.type()))
      raise(op, "index must be integer type, got " + front::type_name(s.type()) + " for axis " + std::to_string(i));
    out.push_back(front::on(s, backend));
  }
  return out;
}

Tensor do_slice(const Tensor& t0, StartIndices starts, const std::vector<std::int64_t>& lengths,
                const SliceOptions& opts) {
  const int rank = t0.rank();
  // No strides: 1; a single stride applies to every axis (Nx's integer).
  std::vector<std::int64_t> strides = opts.strides;
  if (strides.size() <= 1) strides.assign(static_cast<std::size_t>(rank), strides.empty() ? 1 : strides[0]);
  // Nx validates the index tensors before the shapes.
  std::vector<const Tensor*> ptrs{&t0};
  for (const auto& s : starts.dynamic) ptrs.push_back(&s);
  BackendPtr backend = front::pick_backend("slice", ptrs);
  starts.dynamic = dynamic_starts("slice", starts.dynamic, backend);
  check_rank("slice", strides.size(), rank, "strides");
  check_rank("slice", starts.is_dynamic() ? starts.dynamic.size() : starts.fixed.size(), rank, "start indices");
  check_rank("slice", lengths.size(), rank, "limit indices");
  Shape shape;
  for (int d = 0; d < rank; ++d) {
    const auto ud = static_cast<std::size_t>(d);
    const std::int64_t dim = t0.dim(d), len = lengths[ud], st = strides[ud];
    const std::string at = "at axis " + std::to_string(d) + " must be ";
    if (len < 1) raise("slice", "length " + at + "greater than or equal to 1, got: " + std::to_string(len));
    if (st < 1) raise("slice", "stride " + at + "greater than or equal to 1, got: " + std::to_string(st));
    if (len > dim) raise("slice", "length " + at + "less than axis size of " + std::to_string(dim) + ", got: " + std::to_string(len));
    if (!starts.is_dynamic()) starts.fixed[ud] = std::clamp<std::int64_t>(starts.fixed[ud], 0, dim - len);
    shape.push_back((len - 1) / st + 1);  // (len + st - 1) / st overflows for huge strides
  }
  if (rank == 0) return t0;
  Tensor t = front::on(t0, backend);
  return backend->slice(Spec{shape, t.type(), t.names()}, t, starts, lengths, strides);
}

Tensor do_put_slice(const Tensor& t0, StartIndices starts, const Tensor& s0) {
  const int rank = t0.rank();
  std::vector<const Tensor*> ptrs{&t0, &s0};
  for (const auto& s : starts.dynamic) ptrs.push_back(&s);
  BackendPtr backend = front::pick_backend("put_slice", ptrs);
  starts.dynamic = dynamic_starts("put_slice", starts.dynamic, backend);
  check_rank("put_slice", starts.is_dynamic() ? starts.dynamic.size() : starts.fixed.size(), rank, "start indices");
  if (s0.rank() != rank)
    raise("put_slice", "invalid slice for put_slice, rank of slice must match " + std::to_string(rank) +
                           ", got: " + std::to_string(s0.rank()));
  Names names(static_cast<std::size_t>(rank));
  for (int d = 0; d < rank; ++d) {
    const auto ud = static_cast<std::size_t>(d);
    if (s0.dim(d) > t0.dim(d))
      raise("put_slice", "slice shape " + shape_to_string(s0.shape()) + " must be less than or equal to tensor shape " +
                             shape_to_string(t0.shape()));
    if (!starts.is_dynamic()) starts.fixed[ud] = std::clamp<std::int64_t>(starts.fixed[ud], 0, t0.dim(d) - s0.dim(d));
    names[ud] = front::merge_name("put_slice", front::name_at(t0.names(), d), d, front::name_at(s0.names(), d), d);
  }
  Tensor t = front::on(t0, backend), s = front::on(s0, backend);
  Spec out{t.shape(), merge(t.type(), s.type()), front::normalized_names(names, rank)};
  return backend->put_slice(out, t, starts, s);
}

// Normalised, strictly increasing axes for k index columns (default: the
// leading k, which the callers check against the tensor's rank).
AxisIndices index_axes(std::string_view op, const Tensor& t, std::int64_t k, const IndexAxesOptions& opts) {
  AxisIndices axes;
  if (opts.axes) {
    axes = front::normalize_axes(op, *opts.axes, t);
    for (std::size_t i = 1; i < axes.size(); ++i)
      if (axes[i] <= axes[i - 1]) raise(op, ":axes must be an ordered list");
    if (static_cast<std::int64_t>(axes.size()) != k)
      raise(op, ":axes must have the same number of elements as the last dimension of indices");
  } else {
    for (std::int64_t d = 0; d < std::min<std::int64_t>(k, t.rank()); ++d) axes.push_back(static_cast<int>(d));
  }
  return axes;
}

Tensor indexed(std::string_view op, const Tensor& t0, const Tensor& idx0, const Tensor& upd0,
               const IndexAxesOptions& opts, bool add) {
  std::vector<const Tensor*> ptrs{&t0, &idx0, &upd0};
  BackendPtr backend = front::pick_backend(op, ptrs);
  Tensor t = front::on(t0, backend), idx = front::on(idx0, backend), upd = front::on(upd0, backend);
  const int r = t.rank();
  // Nx's shorthand: one full index {r} with a scalar update is {1, r} and {1}.
  if (idx.rank() == 1) {
    if (idx.dim(0) != r)
      raise(op, "expected indices to have shape {" + std::to_string(r) + "}, got: " + shape_to_string(idx.shape()));
    if (upd.rank() != 0)
      raise(op, "updates must be a scalar tensor when indices has rank 1, got: " + shape_to_string(upd.shape()));
    idx = reshape(idx, {1, idx.dim(0)});
  }
  require_integer(op, idx, "got type: ");
  if (idx.rank() == 0) raise(op, "indices must be a rank 1 or 2 tensor, got: 0");
  // A scalar update with {n, k} indices is the one value for every index
  // (Nx fails on it: its check reads the updates' leading axis).
  if (upd.rank() == 0) upd = reshape(upd, {1});
  const std::int64_t k = idx.dim(idx.rank() - 1);
  AxisIndices axes = index_axes(op, t, k, opts);
  if (idx.rank() != 2) raise(op, "indices must be a rank 1 or 2 tensor, got: " + std::to_string(idx.rank()));
  const std::int64_t n = idx.dim(0);
  const int u = upd.rank();
  if (n != upd.dim(0))
    raise(op, "expected the leading axis of indices (" + shape_to_string(idx.shape()) +
                  ") and leading axis of updates (" + shape_to_string(upd.shape()) + ") to match");
  if (u - 1 + k != r)
    raise(op, "expected the rank of the input (" + std::to_string(r) + ") to be equal to the rank of the updates (" +
                  std::to_string(u) + ") plus the trailing axis of indices (" + shape_to_string(idx.shape()) +
                  ") minus one");
  int update_axis = 1;
  for (int d = 0; d < r; ++d) {
    if (std::find(axes.begin(), axes.end(), d) != axes.end()) continue;
    if (upd.dim(update_axis) > t.dim(d))
      raise(op, "axis (" + std::to_string(update_axis) + ") of updates (" + shape_to_string(upd.shape()) +
                    ") must be less than or equal to the axis (" + std::to_string(d) + ") of " +
                    shape_to_string(t.shape()) + ")");
    ++update_axis;
  }
  Spec out{t.shape(), merge(t.type(), upd.type()), t.names()};
  return add ? backend->indexed_add(out, t, idx, upd, axes) : backend->indexed_put(out, t, idx, upd, axes);
}

// iota of s64 on `backend`.
Tensor positions(const Shape& shape, const BackendPtr& backend) {
  IotaOptions o;
  o.type = s64;
  o.backend = backend;
  return iota(shape, o);
}

// Lower-triangle mask {n, m} (u8): 1 where column <= row + k.
Tensor tri_on(std::int64_t n, std::int64_t m, std::int64_t k, const BackendPtr& backend) {
  // Nx builds iota({n, 1}) and iota({1, m}), validated in that order.
  front::check_shape("tri", {n, 1});
  front::check_shape("tri", {1, m});
  // Beyond [-n, m] the mask is all zeros or all ones; clamping keeps
  // `cols - k` from wrapping around.
  k = std::clamp<std::int64_t>(k, -n, m);
  Tensor rows = positions({n, 1}, backend);
  Tensor cols = positions({1, m}, backend);
  return greater_equal(rows, subtract(cols, Scalar(static_cast<long long>(k))));
}

Tensor triangle(std::string_view op, const Tensor& t, std::int64_t k, bool lower) {
  if (t.rank() < 2) raise(op, std::string(op) + "/2 expects a tensor with at least 2 dimensions, got: " + inspect(t));
  const int r = t.rank();
  k = std::clamp<std::int64_t>(k, -t.dim(r - 2) - 1, t.dim(r - 1) + 1);  // no overflow in k - 1
  Tensor mask = tri_on(t.dim(r - 2), t.dim(r - 1), lower ? k : k - 1, t.backend());
  mask = broadcast(mask, t.shape(), Axes{r - 2, r - 1});
  Tensor zero = front::scalar_tensor(0, t.backend(), t.type());
  Tensor out = lower ? select(mask, t, zero) : select(mask, zero, t);
  return rename(out, t.names());
}

}  // namespace

Tensor slice(const Tensor& t, const std::vector<std::int64_t>& starts, const std::vector<std::int64_t>& lengths,
             const SliceOptions& opts) {
  return do_slice(t, StartIndices{starts, {}}, lengths, opts);
}

Tensor slice(const Tensor& t, const std::vector<Tensor>& starts, const std::vector<std::int64_t>& lengths,
             const SliceOptions& opts) {
  return do_slice(t, StartIndices{{}, starts}, lengths, opts);
}

Tensor slice_along_axis(const Tensor& t, std::int64_t start, std::int64_t length, const Axis& axis,
                        std::int64_t stride) {
  const int ax = front::normalize_axis("slice_along_axis", axis, t);
  std::vector<std::int64_t> starts(static_cast<std::size_t>(t.rank()), 0), lengths = t.shape(),
      strides(static_cast<std::size_t>(t.rank()), 1);
  starts[static_cast<std::size_t>(ax)] = start;
  lengths[static_cast<std::size_t>(ax)] = length;
  strides[static_cast<std::size_t>(ax)] = stride;
  return slice(t, starts, lengths, {.strides = strides});
}

Tensor put_slice(const Tensor& t, const std::vector<std::int64_t>& starts, const Tensor& slice) {
  return do_put_slice(t, StartIndices{starts, {}}, slice);
}

Tensor put_slice(const Tensor& t, const std::vector<Tensor>& starts, const Tensor& slice) {
  return do_put_slice(t, StartIndices{{}, starts}, slice);
}

Tensor gather(const Tensor& t0, const Tensor& idx0, const IndexAxesOptions& opts) {
  if (idx0.rank() < 1) raise("gather", "expected indices rank to be at least 1, got: 0");
  BackendPtr backend = front::pick_backend("gather", {&t0, &idx0});
  Tensor t = front::on(t0, backend), idx = front::on(idx0, backend);
  const std::int64_t k = idx.dim(idx.rank() - 1);
  AxisIndices axes = index_axes("gather", t, k, opts);
  require_integer("gather", idx);
  if (k > t.rank())
    raise("gather", "expected the last indices dimension size (" + std::to_string(k) +
                        ") to be less than or equal to the tensor rank (" + std::to_string(t.rank()) + ")");
  Shape shape(idx.shape().begin(), idx.shape().end() - 1);
  Names names;
  for (int d = 0; d + 1 < idx.rank(); ++d) names.push_back(front::name_at(idx.names(), d));
  for (int d = 0; d < t.rank(); ++d)
    if (std::find(axes.begin(), axes.end(), d) == axes.end()) {
      shape.push_back(t.dim(d));
      names.push_back(front::name_at(t.names(), d));
    }
  const int rank = static_cast<int>(shape.size());
  return backend->gather(Spec{shape, t.type(), front::normalized_names(names, rank)}, t, idx, axes);
}

Tensor indexed_add(const Tensor& t, const Tensor& indices, const Tensor& updates, const IndexAxesOptions& opts) {
  return indexed("indexed_add", t, indices, updates, opts, true);
}

Tensor indexed_put(const Tensor& t, const Tensor& indices, const Tensor& updates, const IndexAxesOptions& opts) {
  return indexed("indexed_put", t, indices, updates, opts, false);
}

Tensor take(const Tensor& t0, const Tensor& idx0, const Axis& axis) {
  require_integer("take", idx0);
  const int ax = front::normalize_axis("take", axis, t0);
  BackendPtr backend = front::pick_backend("take", {&t0, &idx0});
  Tensor t = front::on(t0, backend), idx = front::on(idx0, backend);
  Shape shape;
  Names names;
  for (int d = 0; d < t.rank(); ++d) {
    if (d == ax) {
      for (int j = 0; j < idx.rank(); ++j) {
        shape.push_back(idx.dim(j));
        // Rank-1 indices keep the taken axis' name (merged with theirs).
        names.push_back(idx.rank() == 1 ? front::merge_name("take", front::name_at(t.names(), d), d,
                                                             front::name_at(idx.names(), 0), 0)
                                        : front::name_at(idx.names(), j));
      }
    } else {
      shape.push_back(t.dim(d));
      names.push_back(front::name_at(t.names(), d));
    }
  }
  const int rank = static_cast<int>(shape.size());
  return backend->take(Spec{shape, t.type(), front::normalized_names(names, rank)}, t, idx, ax);
}

Tensor take_along_axis(const Tensor& t0, const Tensor& idx0, const Axis& axis) {
  require_integer("take_along_axis", idx0);
  const int ax = front::normalize_axis("take_along_axis", axis, t0);
  const std::string expected = "Expected " + front::shape_template(t0.shape(), ax) + ", got: " + shape_to_string(idx0.shape());
  if (idx0.rank() != t0.rank()) raise("take_along_axis", "shapes must have the same number of dimensions. " + expected);
  for (int d = 0; d < t0.rank(); ++d)
    if (d != ax && idx0.dim(d) != t0.dim(d)) raise("take_along_axis", "non-indexing dimensions must match. " + expected);
  BackendPtr backend = front::pick_backend("take_along_axis", {&t0, &idx0});
  Tensor t = front::on(t0, backend), idx = front::on(idx0, backend);
  return backend->take_along_axis(Spec{idx.shape(), t.type(), t.names()}, t, idx, ax);
}

Tensor take_diagonal(const Tensor& t, std::int64_t offset) {
  if (t.rank() < 2)
    raise("take_diagonal",
          "take_diagonal/2 expects tensor of rank 2 or higher, got tensor of rank: " + std::to_string(t.rank()));
  const int r = t.rank();
  const std::int64_t rows = t.dim(r - 2), cols = t.dim(r - 1);
  // Nx names the axes of the last two (the matrix): 0 and 1.
  if (offset >= 0 && offset >= cols)
    raise("take_diagonal", "offset must be less than length of axis 1 when positive, got: " + std::to_string(offset));
  if (offset < 0 && offset <= -rows)
    raise("take_diagonal",
          "absolute value of offset must be less than length of axis 0 when negative, got: " + std::to_string(offset));
  const std::int64_t len = offset >= 0 ? std::min(rows, cols - offset) : std::min(rows + offset, cols);
  // Coordinates (i + max(-offset, 0), i + max(offset, 0)) on the last two axes.
  Tensor i = positions({len, 1}, t.backend());
  Tensor coords = concatenate({add(i, Scalar(static_cast<long long>(std::max<std::int64_t>(-offset, 0)))),
                               add(i, Scalar(static_cast<long long>(std::max<std::int64_t>(offset, 0))))},
                              1);
  Tensor g = gather(rename(t, {}), coords, {.axes = Axes{r - 2, r - 1}});  // {len, batch...}
  AxisIndices perm;
  for (int d = 1; d < r - 1; ++d) perm.push_back(d);
  perm.push_back(0);
  return transpose(g, perm);  // unnamed, as Nx's full-coordinate gather
}

Tensor make_diagonal(const Tensor& v, std::int64_t offset) {
  if (v.rank() != 1)
    raise("make_diagonal", "make_diagonal/2 expects tensor of rank 1, got tensor of rank: " + std::to_string(v.rank()));
  const std::int64_t len = v.dim(0);
  const __int128 n128 = len + (offset >= 0 ? __int128{offset} : -__int128{offset});
  if (n128 > std::numeric_limits<std::int64_t>::max())
    raise("make_diagonal", "offset " + std::to_string(offset) + " gives a matrix too large to build");
  const std::int64_t n = static_cast<std::int64_t>(n128);
  const Shape shape{n, n};
  front::check_shape("make_diagonal", shape);
  // Nx puts the values into a broadcast integer 0 (s32): the result type is
  // the merge of s32 and the input's (u8 input gives s32).
  Tensor zeros = broadcast(front::scalar_tensor(0, v.backend(), s32), shape);
  Tensor i = positions({len, 1}, v.backend());
  Tensor coords = concatenate({add(i, Scalar(static_cast<long long>(std::max<std::int64_t>(-offset, 0)))),
                               add(i, Scalar(static_cast<long long>(std::max<std::int64_t>(offset, 0))))},
                              1);
  return indexed_put(zeros, coords, rename(v, {}));
}

Tensor tri(std::int64_t n, std::int64_t m, std::int64_t k) { return tri_on(n, m, k, default_backend()); }

Tensor tril(const Tensor& t, std::int64_t k) { return triangle("tril", t, k, true); }

Tensor triu(const Tensor& t, std::int64_t k) { return triangle("triu", t, k, false); }

}  // namespace nx
