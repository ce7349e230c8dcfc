// Front end: Nx's shape reflection (byte_size, bit_size, flat_size,
// axis_index, axis_size, axes, compatible) and the shape-level compositions
// flatten with axes, named new_axis and stack, reflect, diff and put_diagonal.
#include <algorithm>

#include "common.hpp"

namespace nx {

std::int64_t flat_size(const Tensor& t) { return t.size(); }

std::int64_t bit_size(const Tensor& t) { return flat_size(t) * t.type().bits; }

// Sub-byte types round down, as Nx documents.
std::int64_t byte_size(const Tensor& t) { return bit_size(t) / 8; }

int axis_index(const Tensor& t, int axis) { return front::normalize_axis("axis_index", axis, t.rank()); }

std::int64_t axis_size(const Tensor& t, int axis) { return t.dim(front::normalize_axis("axis_size", axis, t.rank())); }

Axes axes(const Shape& shape) {
  Axes out(shape.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<int>(i);
  return out;
}

Axes axes(const Tensor& t) { return axes(t.shape()); }

bool compatible(const Tensor& a, const Tensor& b) {
  if (a.type() != b.type() || a.shape() != b.shape()) return false;
  // An unnamed axis is compatible with any name.
  for (int i = 0; i < a.rank(); ++i) {
    const std::string na = front::name_at(a.names(), i), nb = front::name_at(b.names(), i);
    if (!na.empty() && !nb.empty() && na != nb) return false;
  }
  return true;
}

namespace {

// `t` with axis `axis` named `name`.
Tensor name_axis(const Tensor& t, int axis, const std::string& name) {
  Names names = t.names().empty() ? Names(static_cast<std::size_t>(t.rank())) : t.names();
  names[static_cast<std::size_t>(axis)] = name;
  return rename(t, names);
}

}  // namespace

Tensor flatten(const Tensor& t, const Axes& axes) {
  const Axes a = front::normalize_axes("flatten", axes, t.rank());
  if (a.empty()) return t;
  for (std::size_t i = 1; i < a.size(); ++i)
    if (a[i] != a[0] + static_cast<int>(i)) raise("flatten", "flatten axes must be consecutive");
  Shape shape;
  Names names;
  std::int64_t merged = 1;
  for (int d = 0; d < t.rank(); ++d) {
    const bool inside = d >= a.front() && d <= a.back();
    if (inside) merged *= t.dim(d);
    if (!inside || d == a.back()) {
      shape.push_back(inside ? merged : t.dim(d));
      names.push_back(inside ? "" : front::name_at(t.names(), d));
    }
  }
  return reshape(t, shape, front::normalized_names(names, static_cast<int>(shape.size())));
}

Tensor new_axis(const Tensor& t, int axis, const std::string& name) {
  Tensor out = new_axis(t, axis);
  return name_axis(out, axis < 0 ? axis + out.rank() : axis, name);
}

Tensor stack(const std::vector<Tensor>& tensors, int axis, const std::string& name) {
  Tensor out = stack(tensors, axis);
  return name_axis(out, axis < 0 ? axis + out.rank() : axis, name);
}

namespace {

// Indices of the reflected positions of an axis of size n: `count` of them,
// nearest first, walking away from the edge and bouncing off the far one
// (the edge element itself is not repeated).
std::vector<std::int32_t> reflect_indices(std::int64_t n, std::int64_t count, bool left) {
  std::vector<std::int32_t> out;
  out.reserve(static_cast<std::size_t>(count));
  if (n == 1) {
    out.assign(static_cast<std::size_t>(count), 0);
    return out;
  }
  const std::int64_t period = 2 * (n - 1);
  for (std::int64_t k = 1; k <= count; ++k) {
    const std::int64_t p = k % period;  // distance from the edge, folded into one period
    const std::int64_t d = p <= n - 1 ? p : period - p;
    out.push_back(static_cast<std::int32_t>(left ? d : n - 1 - d));
  }
  return out;
}

}  // namespace

Tensor reflect(const Tensor& t, const ReflectOptions& opts) {
  if (t.rank() == 0) raise("reflect", "expected tensor to have rank greater than 0");
  if (static_cast<int>(opts.padding_config.size()) != t.rank())
    raise("reflect", "expected to have one padding_config entry each tensor axis");
  Tensor out = t;
  for (int axis = 0; axis < t.rank(); ++axis) {
    const auto [low, high] = opts.padding_config[static_cast<std::size_t>(axis)];
    if (low < 0 || high < 0)
      raise("reflect", "expected padding config for axis " + std::to_string(axis) +
                           " to be of the format {left, right}, with left and right as non-negative integers, got: {" +
                           std::to_string(low) + ", " + std::to_string(high) + "}");
    const std::int64_t n = t.dim(axis);
    std::vector<Tensor> parts;
    if (low > 0) {
      std::vector<std::int32_t> idx = reflect_indices(n, low, true);
      std::reverse(idx.begin(), idx.end());  // farthest first
      parts.push_back(take(out, tensor(idx, {.type = s32, .names = {}, .backend = t.backend()}), axis));
    }
    parts.push_back(out);
    if (high > 0)
      parts.push_back(
          take(out, tensor(reflect_indices(n, high, false), {.type = s32, .names = {}, .backend = t.backend()}), axis));
    if (parts.size() > 1) out = concatenate(parts, axis);
  }
  return t.names().empty() ? out : rename(out, t.names());
}

Tensor diff(const Tensor& t, const DiffOptions& opts) {
  const int axis = front::normalize_axis("diff", opts.axis, t.rank());
  if (opts.order < 0) raise("diff", "order must be non-negative but got: " + std::to_string(opts.order));
  const std::int64_t size = t.dim(axis);
  if (opts.order >= size)
    raise("diff", "order (" + std::to_string(opts.order) + ") must be less than the size of axis " +
                      std::to_string(axis) + " (" + std::to_string(size) + ")");
  Tensor acc = t;
  for (int x = 0; x < opts.order; ++x) {
    const std::int64_t len = size - x - 1;
    acc = subtract(slice_along_axis(acc, 1, len, axis), slice_along_axis(acc, 0, len, axis));
  }
  return acc;
}

Tensor put_diagonal(const Tensor& t, const Tensor& diagonal, std::int64_t offset) {
  if (t.rank() != 2)
    raise("put_diagonal", "put_diagonal/3 expects tensor of rank 2, got tensor of rank: " + std::to_string(t.rank()));
  if (diagonal.rank() != 1)
    raise("put_diagonal",
          "put_diagonal/3 expects diagonal of rank 1, got tensor of rank: " + std::to_string(diagonal.rank()));
  const std::int64_t rows = t.dim(0), cols = t.dim(1);
  if (offset >= 0 && offset >= cols)
    raise("put_diagonal", "offset must be less than length of axis 1 when positive, got: " + std::to_string(offset));
  if (offset < 0 && -offset >= rows)
    raise("put_diagonal",
          "absolute value of offset must be less than length of axis 0 when negative, got: " + std::to_string(offset));
  const std::int64_t len = offset >= 0 ? std::min(rows, cols - offset) : std::min(rows + offset, cols);
  if (diagonal.dim(0) != len)
    raise("put_diagonal", "expected diagonal tensor of length: " + std::to_string(len) +
                              ", got diagonal tensor of length: " + std::to_string(diagonal.dim(0)));
  // Coordinates (i + max(-offset, 0), i + max(offset, 0)).
  Tensor i = iota({len, 1}, {.type = s32, .axis = std::nullopt, .names = {}, .backend = t.backend()});
  Tensor coords = concatenate({add(i, Scalar(static_cast<long long>(std::max<std::int64_t>(-offset, 0)))),
                               add(i, Scalar(static_cast<long long>(std::max<std::int64_t>(offset, 0))))},
                              1);
  return indexed_put(t, coords, diagonal);
}

}  // namespace nx
