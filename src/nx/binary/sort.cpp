// Reference backend: sort and argsort.
//
// Total order: -Inf < finite < +Inf < NaN ascending, the exact mirror
// descending; -0.0 and 0.0 compare equal. Always stable in both directions:
// equal elements keep their original relative order (argsort :desc lists
// the lower index first among ties).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "binary_backend.hpp"

namespace nx {

namespace {

template <class C>
bool is_nan_value(C v) {
  if constexpr (std::is_floating_point_v<C>) return std::isnan(v);
  else return false;
}

// Strict "a before b" in ascending order, NaN greatest.
template <class C>
bool ascending_less(C a, C b) {
  if (is_nan_value(a)) return false;
  if (is_nan_value(b)) return true;
  return a < b;
}

// For every lane along `axis`, the original indices in sorted order
// (flattened lane by lane, in the layout of the input).
template <class C>
std::vector<std::int64_t> sorted_positions(const std::vector<C>& v, const Shape& shape, int axis,
                                           Direction direction) {
  const auto a = static_cast<std::size_t>(axis);
  const std::int64_t len = shape[a];
  std::int64_t inner = 1;
  for (std::size_t d = a + 1; d < shape.size(); ++d) inner *= shape[d];
  const std::int64_t outer = shape_size(shape) / (len * inner);
  std::vector<std::int64_t> result(v.size());
  std::vector<std::int64_t> lane(static_cast<std::size_t>(len));
  std::vector<C> keys(static_cast<std::size_t>(len));
  for (std::int64_t o = 0; o < outer; ++o) {
    for (std::int64_t in = 0; in < inner; ++in) {
      for (std::int64_t k = 0; k < len; ++k)
        keys[static_cast<std::size_t>(k)] = v[static_cast<std::size_t>((o * len + k) * inner + in)];
      std::iota(lane.begin(), lane.end(), std::int64_t{0});
      if (direction == Direction::asc) {
        std::stable_sort(lane.begin(), lane.end(), [&](std::int64_t x, std::int64_t y) {
          return ascending_less(keys[static_cast<std::size_t>(x)], keys[static_cast<std::size_t>(y)]);
        });
      } else {
        std::stable_sort(lane.begin(), lane.end(), [&](std::int64_t x, std::int64_t y) {
          return ascending_less(keys[static_cast<std::size_t>(y)], keys[static_cast<std::size_t>(x)]);
        });
      }
      for (std::int64_t k = 0; k < len; ++k)
        result[static_cast<std::size_t>((o * len + k) * inner + in)] = lane[static_cast<std::size_t>(k)];
    }
  }
  return result;
}

// Flat input index of the element that lands at flat output position i.
std::int64_t source_index(std::int64_t i, std::int64_t lane_pos, const Shape& shape, int axis) {
  const auto a = static_cast<std::size_t>(axis);
  std::int64_t inner = 1;
  for (std::size_t d = a + 1; d < shape.size(); ++d) inner *= shape[d];
  const std::int64_t k = (i / inner) % shape[a];
  return i + (lane_pos - k) * inner;
}

}  // namespace

Tensor BinaryBackend::sort(const Spec& out, const Tensor& t, const SortCallbackOptions& opts) {
  return host::with_compute(t.type(), [&](auto tag) {
    using C = decltype(tag);
    if constexpr (std::is_same_v<C, host::cdouble>) {
      raise("sort", "complex tensors cannot be sorted");
      return Tensor();
    } else {
      auto v = host::read<C>(t);
      auto pos = sorted_positions(v, t.shape(), opts.axis, opts.direction);
      std::vector<C> r(v.size());
      for (std::size_t i = 0; i < r.size(); ++i)
        r[i] = v[static_cast<std::size_t>(
            source_index(static_cast<std::int64_t>(i), pos[i], t.shape(), opts.axis))];
      return host::write(out, r);
    }
  });
}

Tensor BinaryBackend::argsort(const Spec& out, const Tensor& t, const SortCallbackOptions& opts) {
  return host::with_compute(t.type(), [&](auto tag) {
    using C = decltype(tag);
    if constexpr (std::is_same_v<C, host::cdouble>) {
      raise("argsort", "complex tensors cannot be sorted");
      return Tensor();
    } else {
      auto v = host::read<C>(t);
      return host::write(out, sorted_positions(v, t.shape(), opts.axis, opts.direction));
    }
  });
}

}  // namespace nx
