// Option structs of the callbacks and of the front-end functions, used with
// designated initializers: nx::sum(t, {.axes = {0}, .keep_axes = true}).
// Where a front-end struct takes axes by name (ReduceOptions, ...), its
// callback twin (ReduceCallbackOptions, ...) holds the positions the front
// end resolved, so no backend ever sees a name.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "nx/tensor.hpp"

namespace nx {

struct ReduceOptions {
  OptionalAxes axes;  // nullopt: every axis
  bool keep_axes = false;
};
struct ReduceCallbackOptions {
  std::optional<AxisIndices> axes;  // nullopt: every axis
  bool keep_axes = false;
};

enum class TieBreak { low, high };

struct ArgReduceOptions {
  std::optional<Axis> axis;  // nullopt: index into the row-major flattening
  TieBreak tie_break = TieBreak::low;
  bool keep_axis = false;
  std::optional<Type> type;  // default s32
};
struct ArgReduceCallbackOptions {
  std::optional<int> axis;  // nullopt: index into the row-major flattening
  TieBreak tie_break = TieBreak::low;
  bool keep_axis = false;
};

enum class Direction { asc, desc };

struct SortOptions {
  Axis axis = 0;
  Direction direction = Direction::asc;
  bool stable = false;
  std::optional<Type> type;  // argsort only; default s32
};
struct SortCallbackOptions {
  int axis = 0;
  Direction direction = Direction::asc;
  bool stable = false;
};

struct PadConfig {
  std::int64_t low = 0, high = 0, interior = 0;
};

// Static or dynamic (scalar integer tensor) start indices of slice/put_slice.
struct StartIndices {
  std::vector<std::int64_t> fixed;  // used when `dynamic` is empty
  std::vector<Tensor> dynamic;      // one scalar integer tensor per axis
  bool is_dynamic() const { return !dynamic.empty(); }
};

// Conv geometry, worked out once by the front end so that backends and
// gradient rules read it instead of re-deriving it. Canonical layouts: input
// {N, C, S...}, kernel {O, C/G, K...}, output {N/B, O, M...}. The per-dim
// lists have one entry per spatial dim.
struct ConvGeometry {
  Shape input;   // the input transposed by input_permutation
  Shape kernel;  // the kernel transposed by kernel_permutation
  Shape output;  // the result before output_permutation places its dims
  std::vector<std::int64_t> dilated_input;   // (S - 1) * input_dilation + 1
  std::vector<std::int64_t> dilated_kernel;  // (K - 1) * kernel_dilation + 1
  std::vector<std::int64_t> padded_input;    // dilated_input + low + high padding
  // Transposes from a canonical layout to the given one (the inverse
  // permutations): the canonical result transposed by output_from_canonical
  // is the requested output.
  AxisIndices input_from_canonical, kernel_from_canonical, output_from_canonical;
};

// What a backend's conv receives: every option resolved per spatial dim.
struct ConvOptions {
  std::vector<std::int64_t> strides;
  std::vector<std::pair<std::int64_t, std::int64_t>> padding;
  std::vector<std::int64_t> input_dilation;
  std::vector<std::int64_t> kernel_dilation;
  std::int64_t feature_group_size = 1;
  std::int64_t batch_group_size = 1;
  std::vector<int> input_permutation;
  std::vector<int> kernel_permutation;
  std::vector<int> output_permutation;  // canonical output dim i lands at output_permutation[i]
  ConvGeometry geometry;
};

struct WindowOptions {
  std::vector<std::pair<std::int64_t, std::int64_t>> padding;
  std::vector<std::int64_t> strides;
  std::vector<std::int64_t> window_dilations;
};

enum class Transform { none, transpose, conjugate };

struct TriangularSolveOptions {
  bool lower = true;
  bool left_side = true;
  Transform transform_a = Transform::none;
};

struct FftOptions {
  std::int64_t length = 0;
  int axis = 0;
  double eps = 1.0e-10;
};

struct Fft2Options {
  std::vector<std::int64_t> lengths;
  AxisIndices axes;
  double eps = 1.0e-10;
};

enum class Leftover { repeat, discard };

struct AllCloseOptions {
  bool equal_nan = false;
  double rtol = 1.0e-5;
  double atol = 1.0e-8;
};

struct CumulativeOptions {
  Axis axis = 0;
  bool reverse = false;
};
struct CumulativeCallbackOptions {
  int axis = 0;
  bool reverse = false;
};

enum class QrMode { reduced, complete };

struct QrOptions {
  QrMode mode = QrMode::reduced;
  double eps = 1.0e-10;
};

struct EighOptions {
  int max_iter = 1000;
  double eps = 1.0e-4;
};

struct SvdOptions {
  int max_iter = 100;
  bool full_matrices = true;
};

// A host pointer record (to_pointer/from_pointer). Only `local` memory is
// supported: the address is valid while the tensor it came from is alive.
struct Pointer {
  enum class Kind { local, ipc } kind = Kind::local;
  std::uintptr_t address = 0;
  std::int64_t data_size = 0;  // bytes
};

// A scalar function of two scalar tensors (reduce, window_reduce).
using ReduceFn = std::function<Tensor(const Tensor& element, const Tensor& acc)>;

}  // namespace nx
