// Front end: shape and layout operations (broadcast, pad, concatenate,
// stack, reshape, transpose, reverse and their relatives).
// No-op calls (same shape, identity permutation, nothing to squeeze or
// reverse, a single tensor to concatenate) never reach the backend.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>

#include "common.hpp"

namespace nx {

namespace {

std::string list_string(const std::vector<std::int64_t>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

// A tensor sharing t's data with new metadata (reshape without a copy is
// only used for renaming).
Tensor with_names(const Tensor& t, Names names) {
  return Tensor(Spec{t.shape(), t.type(), std::move(names)}, t.backend(), t.payload());
}

// Per-axis name merge of tensors of equal rank ("" merges with anything).
// Nx folds each later tensor's name into the names so far and reports the
// conflict on `axis` (the concatenate or stack axis, as given).
Names merge_names(std::string_view op, const std::vector<Tensor>& tensors, int rank, int axis) {
  Names out(static_cast<std::size_t>(rank));
  for (const auto& t : tensors)
    for (int d = 0; d < rank; ++d) {
      auto& o = out[static_cast<std::size_t>(d)];
      o = front::merge_name(op, front::name_at(t.names(), d), axis, o, axis);
    }
  return front::normalized_names(out, rank);
}

// The inputs of concatenate/stack on one backend, with their merged type.
std::vector<Tensor> gather_inputs(std::string_view op, const std::vector<Tensor>& tensors, Type& type) {
  if (tensors.empty()) raise(op, "no tensors were given to " + std::string(op));
  std::vector<const Tensor*> ptrs;
  for (const auto& t : tensors) {
    if (!t.defined()) raise(op, "got an undefined tensor");
    ptrs.push_back(&t);
  }
  BackendPtr backend = front::pick_backend(op, ptrs);
  std::vector<Tensor> out;
  type = tensors[0].type();
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    if (i) type = merge(type, tensors[i].type());
    out.push_back(front::on(tensors[i], backend));
  }
  return out;
}

}  // namespace

Tensor reshape(const Tensor& t, const Shape& shape, const Names& names) {
  Shape resolved = shape;
  int auto_at = -1;
  std::int64_t known = 1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (auto_at >= 0) raise("reshape", "auto (-1) can only be used once in shape " + shape_to_string(shape));
      auto_at = static_cast<int>(i);
    } else if (shape[i] <= 0) {
      front::check_shape("reshape", shape);
    } else if (__builtin_mul_overflow(known, shape[i], &known)) {
      raise("reshape", "shape " + shape_to_string(shape) + " has too many elements");
    }
  }
  if (auto_at >= 0) {
    // Nx infers the floor quotient; a zero one is reported against the shape
    // without the auto dimension, any other mismatch by the size check below.
    const std::int64_t inferred = t.size() / known;
    if (inferred == 0) {
      Shape without = shape;
      without.erase(without.begin() + auto_at);
      raise("reshape", "cannot reshape, current shape " + shape_to_string(t.shape()) +
                           " is not compatible with new shape " + shape_to_string(without));
    }
    resolved[static_cast<std::size_t>(auto_at)] = inferred;
  }
  front::check_shape("reshape", resolved);
  if (shape_size(resolved) != t.size())
    raise("reshape", "cannot reshape, current shape " + shape_to_string(t.shape()) +
                         " is not compatible with new shape " + shape_to_string(resolved));
  const int rank = static_cast<int>(resolved.size());
  front::check_names("reshape", names, rank);
  Names out_names = front::normalized_names(names, rank);
  if (resolved == t.shape()) return with_names(t, out_names);
  return t.backend()->reshape(Spec{resolved, t.type(), out_names}, t);
}

Tensor flatten(const Tensor& t, const OptionalAxes& axes) {
  if (!axes) return reshape(t, {t.size()});
  const AxisIndices ax = front::normalize_axes("flatten", *axes, t);
  if (ax.empty()) return t;
  for (std::size_t i = 1; i < ax.size(); ++i)
    if (ax[i] != ax[i - 1] + 1) raise("flatten", "flatten axes must be consecutive");
  // The flattened axes become one unnamed axis where the first of them was.
  Shape shape;
  Names names;
  for (int d = 0; d < t.rank(); ++d) {
    if (d > ax.front() && d <= ax.back()) {
      shape.back() *= t.dim(d);
      continue;
    }
    shape.push_back(t.dim(d));
    names.push_back(d == ax.front() ? "" : front::name_at(t.names(), d));
  }
  return reshape(t, shape, front::normalized_names(names, static_cast<int>(shape.size())));
}

Tensor squeeze(const Tensor& t, const OptionalAxes& axes) {
  AxisIndices squeezed;
  if (axes) {
    squeezed = front::normalize_axes("squeeze", *axes, t);
    std::sort(squeezed.begin(), squeezed.end());
    for (int a : squeezed)
      if (t.dim(a) != 1)
        raise("squeeze", "cannot squeeze dimensions whose sizes are not 1, got " + std::to_string(t.dim(a)) +
                             " for dimension " + std::to_string(a));
  } else {
    for (int d = 0; d < t.rank(); ++d)
      if (t.dim(d) == 1) squeezed.push_back(d);
  }
  if (squeezed.empty()) return t;
  Shape shape;
  Names names;
  for (int d = 0; d < t.rank(); ++d) {
    if (std::find(squeezed.begin(), squeezed.end(), d) != squeezed.end()) continue;
    shape.push_back(t.dim(d));
    names.push_back(front::name_at(t.names(), d));
  }
  const int rank = static_cast<int>(shape.size());
  return t.backend()->squeeze(Spec{shape, t.type(), front::normalized_names(names, rank)}, t, squeezed);
}

Tensor new_axis(const Tensor& t, int axis, const std::string& name) {
  const int rank = t.rank();
  const int norm = axis < 0 ? axis + rank + 1 : axis;
  if (norm < 0 || norm > rank)
    raise("new_axis", "new axis position for shape " + shape_to_string(t.shape()) + " must be a number between " +
                          std::to_string(-rank - 1) + " and " + std::to_string(rank) + ", got: " +
                          std::to_string(axis));
  Shape shape = t.shape();
  shape.insert(shape.begin() + norm, 1);
  Names names = t.names();
  if (!names.empty() || !name.empty()) {
    names.resize(static_cast<std::size_t>(rank));
    names.insert(names.begin() + norm, name);
  }
  return t.backend()->reshape(Spec{shape, t.type(), front::normalized_names(names, rank + 1)}, t);
}

Tensor broadcast(const Tensor& t, const Shape& shape, const OptionalAxes& axes, const Names& names) {
  front::check_shape("broadcast", shape);
  const int rank = static_cast<int>(shape.size());
  front::check_names("broadcast", names, rank);
  const Names out_names = front::normalized_names(names, rank);
  AxisIndices ax;
  if (axes) {
    // As in Nx, a name is looked up among the input's names and its position
    // there is taken as the result axis; numbers are result axes.
    Axes positions;
    for (const Axis& a : *axes)
      positions.push_back(a.is_name() ? Axis(front::normalize_axis("broadcast", a, t.rank(), t.names())) : a);
    ax = front::normalize_axes("broadcast", positions, rank, {});
  } else {
    if (t.rank() > rank)
      raise("broadcast", "cannot broadcast tensor of dimensions " + shape_to_string(t.shape()) + " to " +
                             shape_to_string(shape));
    for (int d = 0; d < t.rank(); ++d) ax.push_back(rank - t.rank() + d);
  }
  if (static_cast<int>(ax.size()) != t.rank())
    raise("broadcast", "expected length of axes (" + std::to_string(ax.size()) + ") to match rank of shape (" +
                           std::to_string(t.rank()) + ")");
  for (std::size_t i = 0; i < ax.size(); ++i) {
    if (i > 0 && ax[i] < ax[i - 1])
      raise("broadcast", "broadcast axes must be ordered, got " + std::to_string(ax[i]) + " after " +
                             std::to_string(ax[i - 1]));
    const std::int64_t in = t.shape()[i], o = shape[static_cast<std::size_t>(ax[i])];
    if (in != 1 && in != o)
      raise("broadcast", "cannot broadcast tensor of dimensions " + shape_to_string(t.shape()) + " to " +
                             shape_to_string(shape) + " with axes " + front::axes_to_string(ax));
  }
  Spec out{shape, t.type(), out_names};
  if (t.shape() == shape && !axes) return with_names(t, out_names);
  return t.backend()->broadcast(out, t, shape, ax);
}

Tensor broadcast(const Scalar& value, const Shape& shape, const Names& names) {
  return broadcast(front::scalar_tensor(value, default_backend()), shape, std::nullopt, names);
}

Tensor transpose(const Tensor& t, const OptionalAxes& axes) {
  const int rank = t.rank();
  AxisIndices perm;
  if (axes) {
    perm = front::normalize_axes("transpose", *axes, t);
    if (static_cast<int>(perm.size()) != rank)
      raise("transpose", "expected length of permutation (" + std::to_string(perm.size()) +
                             ") to match rank of shape (" + std::to_string(rank) + ")");
  } else {
    for (int d = rank - 1; d >= 0; --d) perm.push_back(d);
  }
  bool identity = true;
  for (int d = 0; d < rank; ++d) identity = identity && perm[static_cast<std::size_t>(d)] == d;
  if (identity) return t;
  Shape shape;
  Names names;
  for (int a : perm) {
    shape.push_back(t.dim(a));
    names.push_back(front::name_at(t.names(), a));
  }
  return t.backend()->transpose(Spec{shape, t.type(), front::normalized_names(names, rank)}, t, perm);
}

namespace {

Tensor pad_with(const Tensor& t, const Tensor& value, Type type, const std::vector<PadConfig>& config) {
  if (value.rank() != 0) raise("pad", "padding value must be a scalar and non-vectorized");
  if (static_cast<int>(config.size()) != t.rank())
    raise("pad", "invalid padding configuration, rank of padding configuration and shape must match");
  Shape shape;
  for (int d = 0; d < t.rank(); ++d) {
    const auto& c = config[static_cast<std::size_t>(d)];
    if (c.interior < 0) raise("pad", "interior padding must be non-negative, got: " + std::to_string(c.interior));
    // In 128 bits: huge low/high/interior values must not overflow.
    const __int128 s = t.dim(d), size = s + (s - 1) * __int128{c.interior} + c.low + c.high;
    if (size > std::numeric_limits<std::int64_t>::max())
      raise("pad", "padded size on axis " + std::to_string(d) + " does not fit in 64 bits");
    shape.push_back(static_cast<std::int64_t>(std::max<__int128>(size, -1)));
  }
  front::check_shape("pad", shape, "padded shape");
  BackendPtr backend = front::pick_backend("pad", {&t, &value});
  Tensor x = front::on(t, backend);
  return backend->pad(Spec{shape, type, t.names()}, x, front::on(value, backend), config);
}

}  // namespace

Tensor pad(const Tensor& t, const Scalar& value, const std::vector<PadConfig>& config) {
  // The literal rule gives the type; the value is stored once in that type.
  const Type type = merge_number(t.type(), value);
  return pad_with(t, front::scalar_tensor(value, t.backend(), type), type, config);
}

Tensor pad(const Tensor& t, const Tensor& value, const std::vector<PadConfig>& config) {
  return pad_with(t, value, merge(t.type(), value.type()), config);
}

Tensor reverse(const Tensor& t, const OptionalAxes& axes) {
  AxisIndices ax;
  if (axes) {
    ax = front::normalize_axes("reverse", *axes, t);
    std::sort(ax.begin(), ax.end());
  } else {
    for (int d = 0; d < t.rank(); ++d) ax.push_back(d);
  }
  if (ax.empty()) return t;
  return t.backend()->reverse(t.spec(), t, ax);
}

Tensor concatenate(const std::vector<Tensor>& tensors, const Axis& axis) {
  Type type;
  auto inputs = gather_inputs("concatenate", tensors, type);
  if (inputs.size() == 1) return inputs[0];
  const Tensor& first = inputs[0];
  const int ax = front::normalize_axis("concatenate", axis, first);
  // Nx merges the names (over the axes all tensors have) before comparing shapes.
  int common_rank = first.rank();
  for (const auto& t : inputs) common_rank = std::min(common_rank, t.rank());
  Names names = merge_names("concatenate", inputs, common_rank, ax);
  const int rank = first.rank();
  Shape shape = first.shape();
  for (std::size_t i = 1; i < inputs.size(); ++i) {
    const Tensor& t = inputs[i];
    bool match = t.rank() == rank;
    for (int d = 0; match && d < rank; ++d) match = d == ax || t.dim(d) == first.dim(d);
    if (!match)
      raise("concatenate", "expected all shapes to match " + front::shape_template(first.shape(), ax) +
                               ", got unmatching shape: " + shape_to_string(t.shape()));
    shape[static_cast<std::size_t>(ax)] += t.dim(ax);
  }
  Spec out{shape, type, front::normalized_names(names, rank)};
  return first.backend()->concatenate(out, inputs, ax);
}

Tensor stack(const std::vector<Tensor>& tensors, int axis, const std::string& name) {
  Type type;
  auto inputs = gather_inputs("stack", tensors, type);
  const Tensor& first = inputs[0];
  const int rank = first.rank();
  const int ax = axis < 0 ? axis + rank + 1 : axis;
  const auto check_axis = [&] {
    if (ax < 0 || ax > rank)
      raise("stack", "new axis position for shape " + shape_to_string(first.shape()) + " must be a number between " +
                         std::to_string(-rank - 1) + " and " + std::to_string(rank) + ", got: " + std::to_string(axis));
  };
  if (inputs.size() == 1) {
    check_axis();
    return new_axis(first, ax, name);
  }
  // Nx merges the names (reporting the axis as given), then compares shapes,
  // then places the new axis.
  int common_rank = rank;
  for (const auto& t : inputs) common_rank = std::min(common_rank, t.rank());
  Names names = merge_names("stack", inputs, common_rank, axis);
  std::vector<Shape> distinct;
  for (const auto& t : inputs)
    if (std::find(distinct.begin(), distinct.end(), t.shape()) == distinct.end()) distinct.push_back(t.shape());
  if (distinct.size() > 1) {
    std::string list = "[";
    for (std::size_t i = 0; i < distinct.size(); ++i) list += (i ? ", " : "") + shape_to_string(distinct[i]);
    raise("stack", "can only stack tensors of the same shape, got distinct shapes: " + list + "]");
  }
  check_axis();
  Shape shape = first.shape();
  shape.insert(shape.begin() + ax, static_cast<std::int64_t>(inputs.size()));
  if (!names.empty() || !name.empty()) {
    names.resize(static_cast<std::size_t>(rank));
    names.insert(names.begin() + ax, name);
  }
  Spec out{shape, type, front::normalized_names(names, rank + 1)};
  return first.backend()->stack(out, inputs, ax);
}

Tensor tile(const Tensor& t, const std::vector<std::int64_t>& reps) {
  for (auto r : reps)
    if (r < 1) raise("tile", "repetitions must be a list of integers, got: " + list_string(reps));
  const std::size_t n = std::max(reps.size(), static_cast<std::size_t>(t.rank()));
  Shape dims(n - static_cast<std::size_t>(t.rank()), 1);
  dims.insert(dims.end(), t.shape().begin(), t.shape().end());
  std::vector<std::int64_t> r(n - reps.size(), 1);
  r.insert(r.end(), reps.begin(), reps.end());
  // {1, d0, 1, d1, ...} broadcast to {r0, d0, r1, d1, ...}, then merged.
  Shape interleaved, target, result;
  for (std::size_t i = 0; i < n; ++i) {
    interleaved.insert(interleaved.end(), {1, dims[i]});
    target.insert(target.end(), {r[i], dims[i]});
    std::int64_t size;
    if (__builtin_mul_overflow(r[i], dims[i], &size))
      raise("tile", "repetitions " + list_string(reps) + " give a dimension that does not fit in 64 bits");
    result.push_back(size);
  }
  front::check_shape("tile", result);
  return reshape(broadcast(reshape(t, interleaved), target), result);
}

namespace {

std::pair<Tensor, Tensor> split_at(const Tensor& t, std::int64_t index, int axis) {
  const std::int64_t size = t.dim(axis);
  return {slice_along_axis(t, 0, index, axis), slice_along_axis(t, index, size - index, axis)};
}

}  // namespace

std::pair<Tensor, Tensor> split(const Tensor& t, std::int64_t split, const SplitOptions& opts) {
  const int axis = front::normalize_axis("split", opts.axis, t);
  const std::int64_t size = t.dim(axis);
  if (split > 0 && split < size) return split_at(t, split, axis);
  if (split < 0 && split > -size) return split_at(t, size + split, axis);
  raise("split", "split must be an integer greater than zero and less than the length of the given axis");
}

std::pair<Tensor, Tensor> split(const Tensor& t, double split, const SplitOptions& opts) {
  const int axis = front::normalize_axis("split", opts.axis, t);
  const std::int64_t size = t.dim(axis);
  const double index = std::ceil(split * static_cast<double>(size));
  if (!(index > 0 && index < static_cast<double>(size)))
    raise("split", "split must be a float such that 0 < split and ceil(split * axis_size) < 1");
  return split_at(t, static_cast<std::int64_t>(index), axis);
}

Tensor rename(const Tensor& t, const Names& names) {
  front::check_names("rename", names, t.rank());
  return with_names(t, front::normalized_names(names, t.rank()));
}

}  // namespace nx
