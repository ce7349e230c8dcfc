// Slicing, gathering and scattering.
#pragma once

#include <initializer_list>

#include "nx/options.hpp"

namespace nx {

struct SliceOptions {
  std::vector<std::int64_t> strides;  // default all 1
};
Tensor slice(const Tensor& t, const std::vector<std::int64_t>& starts,
             const std::vector<std::int64_t>& lengths, const SliceOptions& opts = {});
// Dynamic starts: one scalar integer tensor per axis.
Tensor slice(const Tensor& t, const std::vector<Tensor>& starts,
             const std::vector<std::int64_t>& lengths, const SliceOptions& opts = {});
// Brace lists of integers select the static overloads: nx::slice(t, {0}, {1}).
inline Tensor slice(const Tensor& t, std::initializer_list<std::int64_t> starts,
                    std::initializer_list<std::int64_t> lengths, const SliceOptions& opts = {}) {
  return slice(t, std::vector<std::int64_t>(starts), std::vector<std::int64_t>(lengths), opts);
}
Tensor slice_along_axis(const Tensor& t, std::int64_t start, std::int64_t length, const Axis& axis,
                        std::int64_t stride = 1);
Tensor put_slice(const Tensor& t, const std::vector<std::int64_t>& starts, const Tensor& slice);
Tensor put_slice(const Tensor& t, const std::vector<Tensor>& starts, const Tensor& slice);
inline Tensor put_slice(const Tensor& t, std::initializer_list<std::int64_t> starts, const Tensor& slice) {
  return put_slice(t, std::vector<std::int64_t>(starts), slice);
}

struct IndexAxesOptions {
  OptionalAxes axes;  // default: the leading axes (names resolve against the tensor's)
};
Tensor gather(const Tensor& t, const Tensor& indices, const IndexAxesOptions& opts = {});
Tensor indexed_add(const Tensor& t, const Tensor& indices, const Tensor& updates,
                   const IndexAxesOptions& opts = {});
Tensor indexed_put(const Tensor& t, const Tensor& indices, const Tensor& updates,
                   const IndexAxesOptions& opts = {});
Tensor take(const Tensor& t, const Tensor& indices, const Axis& axis = 0);
Tensor take_along_axis(const Tensor& t, const Tensor& indices, const Axis& axis);
Tensor take_diagonal(const Tensor& t, std::int64_t offset = 0);
Tensor make_diagonal(const Tensor& t, std::int64_t offset = 0);
// Nx.put_diagonal: `diagonal` (rank 1) written on the offset diagonal of a matrix.
Tensor put_diagonal(const Tensor& t, const Tensor& diagonal, std::int64_t offset = 0);

Tensor sort(const Tensor& t, const SortOptions& opts = {});
Tensor argsort(const Tensor& t, const SortOptions& opts = {});
// Returns {values, indices} along the last axis.
std::pair<Tensor, Tensor> top_k(const Tensor& t, std::int64_t k = 1);

Tensor tri(std::int64_t n, std::int64_t m, std::int64_t k = 0);
Tensor tril(const Tensor& t, std::int64_t k = 0);
Tensor triu(const Tensor& t, std::int64_t k = 0);

}  // namespace nx
