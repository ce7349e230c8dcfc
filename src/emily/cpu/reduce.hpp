// Emily's reduction-family CPU kernels on f32 and f64: the graph builders
// used by src/emily (reductions.cpp, blocks_scan.cpp) and the SIMD loops
// behind them (reduce_simd.cpp, and scan.cpp for the cumulative ops). Each
// builder answers nullopt where its kernel does not apply (see applies();
// arrays without elements keep MLX's path too), and the caller keeps its
// MLX graph.
//
// A reduction over a run of adjacent axes sees its input as [outer, len,
// inner] (row-major): inner == 1 reduces contiguous rows, inner > 1 whole
// rows of `inner` columns at a time. sum and product of f32 accumulate in
// f64, as the reference backend does, and are rounded once.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "primitive.hpp"

namespace emily::cpu {

enum class Reduce : std::uint8_t { sum, product, max, min };
std::string_view name(Reduce k);

// k over the non-empty list `axes` of x (any order, negative ones count from
// the end), keeping the reduced axes as size 1 when `keep`. Applies where
// the axes are adjacent once size-1 axes are ignored.
// max and min follow Nx: NaN as soon as one element is NaN.
std::optional<mx::array> reduce(Reduce k, const mx::array& x, std::vector<int> axes, bool keep, mx::Device d);

// argmax (is_max) / argmin of x along `axis`, or of its flattening when
// axis is empty, as int32. Nx's rules: ties go to the first index (or the
// last, when `high`); any NaN wins, and the last NaN's index is reported.
std::optional<mx::array> arg_reduce(bool is_max, bool high, const mx::array& x, std::optional<int> axis, bool keep,
                                    mx::Device d);

// Softmax along `axis`: exp(x - max) / sum(exp(x - max)), the max and sum
// taken along the axis (NaN anywhere in a slice makes the slice NaN).
std::optional<mx::array> softmax(const mx::array& x, int axis, mx::Device d);

// Cumulative sum, product, max or min along `axis` (from the end when
// `reverse`). Sums and products of f32 accumulate in f64; max and min are
// NaN from the first NaN on.
std::optional<mx::array> scan(Reduce k, const mx::array& x, int axis, bool reverse, mx::Device d);

// The SIMD loops (reduce_simd.cpp), on the best target this CPU supports.
// `t` is mx::float32 or mx::float64; pointers are to elements of that type.
//
// out[r] = k over row r (n >= 1 contiguous elements) of `rows` rows, in
// f64 (exact for max and min).
void fold_rows(Reduce k, mx::Dtype t, const void* x, std::size_t rows, std::size_t n, double* out);
// acc[c] = k over rows r of x[r * pitch + c], for c < cols, in f64;
// the caller has set acc to k's identity (or a partial result).
void fold_cols(Reduce k, mx::Dtype t, const void* x, std::size_t rows, std::size_t pitch, std::size_t cols,
               double* acc);

// An arg-reduction's state over a range: the best value and its index (as
// Nx ties it), and the last NaN's index (-1: none). Where the range holds a
// NaN, `index` is meaningless (the NaN wins).
struct ArgBest {
  double value;
  std::int64_t index, nan_index;
};
// Of each of `rows` rows of n >= 1 contiguous elements (indices from 0).
void arg_rows(bool is_max, bool high, mx::Dtype t, const void* x, std::size_t rows, std::size_t n, ArgBest* out);
// Over rows r < rows of each column c < cols (indices are row numbers).
void arg_cols(bool is_max, bool high, mx::Dtype t, const void* x, std::size_t rows, std::size_t pitch,
              std::size_t cols, ArgBest* out);

// Softmax of each of `rows` rows of n >= 1 contiguous elements into out
// (which may be x).
void softmax_rows(mx::Dtype t, const void* x, void* out, std::size_t rows, std::size_t n);
// Softmax down each column c < cols of rows r < rows (x and out share the
// pitch). Both may be the same buffer.
void softmax_cols(mx::Dtype t, const void* x, void* out, std::size_t rows, std::size_t pitch, std::size_t cols);

}  // namespace emily::cpu
