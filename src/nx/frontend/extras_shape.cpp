// Front end: Nx's shape reflection (byte_size, bit_size, flat_size,
// axis_index, axis_size, axes, compatible) and the shape-level compositions
// reflect, pad_outer, diff and put_diagonal.
#include <algorithm>

#include "common.hpp"

namespace nx {

std::int64_t flat_size(const Tensor& t) { return t.size(); }

std::int64_t bit_size(const Tensor& t) { return flat_size(t) * t.type().bits; }

// Sub-byte types round down, as Nx documents.
std::int64_t byte_size(const Tensor& t) { return bit_size(t) / 8; }

int axis_index(const Tensor& t, const Axis& axis) { return front::normalize_axis("axis_index", axis, t); }

std::int64_t axis_size(const Tensor& t, const Axis& axis) { return t.dim(front::normalize_axis("axis_size", axis, t)); }

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

// The source index of padded position i (from -low to n + high - 1) of an
// axis of size n. Reflect does not repeat the edge element, mirror does;
// pads longer than the axis continue the pattern periodically.
std::int64_t source_index(PadMode mode, std::int64_t i, std::int64_t n) {
  auto wrap = [](std::int64_t x, std::int64_t period) { return ((x % period) + period) % period; };
  switch (mode) {
    case PadMode::cyclic:
      return wrap(i, n);
    case PadMode::replicate:
      return std::clamp<std::int64_t>(i, 0, n - 1);
    case PadMode::reflect: {
      if (n == 1) return 0;
      const std::int64_t j = wrap(i, 2 * (n - 1));
      return j <= n - 1 ? j : 2 * (n - 1) - j;
    }
    case PadMode::mirror: {
      const std::int64_t j = wrap(i, 2 * n);
      return j < n ? j : 2 * n - 1 - j;
    }
  }
  return i;
}

// Pads every axis by gathering its source indices (one take per padded axis).
Tensor pad_by_index(const Tensor& t, PadMode mode, const std::vector<Pad2>& config) {
  Tensor out = t;
  for (int axis = 0; axis < t.rank(); ++axis) {
    const auto [low, high] = config[static_cast<std::size_t>(axis)];
    if (low == 0 && high == 0) continue;
    const std::int64_t n = t.dim(axis);
    std::vector<std::int64_t> idx;
    for (std::int64_t i = -low; i < n + high; ++i) idx.push_back(source_index(mode, i, n));
    out = take(out, tensor(idx, {.type = s64, .names = {}, .backend = t.backend()}), axis);
  }
  return t.names().empty() ? out : rename(out, t.names());
}

void check_config(std::string_view op, const Tensor& t, const std::vector<Pad2>& config) {
  if (t.rank() == 0) raise(op, "expected tensor to have rank greater than 0");
  if (static_cast<int>(config.size()) != t.rank())
    raise(op, "expected to have one padding_config entry each tensor axis");
  for (std::size_t axis = 0; axis < config.size(); ++axis) {
    const auto [low, high] = config[axis];
    if (low < 0 || high < 0)
      raise(op, "expected padding config for axis " + std::to_string(axis) +
                    " to be of the format {left, right}, with left and right as non-negative integers, got: {" +
                    std::to_string(low) + ", " + std::to_string(high) + "}");
  }
}

}  // namespace

Tensor reflect(const Tensor& t, const ReflectOptions& opts) {
  check_config("reflect", t, opts.padding_config);
  return pad_by_index(t, PadMode::reflect, opts.padding_config);
}

Tensor pad_outer(const Tensor& t, const PadOuterMode& mode, const std::vector<Pad2>& config) {
  check_config("pad_outer", t, config);
  if (const auto* value = std::get_if<Scalar>(&mode)) {
    std::vector<PadConfig> pads;
    for (const auto& [low, high] : config) pads.push_back({low, high, 0});
    return pad(t, *value, pads);
  }
  return pad_by_index(t, std::get<PadMode>(mode), config);
}

Tensor diff(const Tensor& t, const DiffOptions& opts) {
  const int axis = front::normalize_axis("diff", opts.axis, t);
  if (opts.order < 0) raise("diff", "order must be non-negative but got: " + std::to_string(opts.order));
  const std::int64_t size = t.dim(axis);
  // Nx's order-th difference slices a length of zero and raises slice's error.
  if (opts.order >= size)
    raise("diff", "length at axis " + std::to_string(axis) + " must be greater than or equal to 1, got: 0");
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
