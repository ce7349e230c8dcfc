// emily::Backend: every nx::Backend callback, either on MLX or through the
// one generic fallback to the reference backend (fallback.hpp). Callbacks are
// grouped by op family, one source file each.
#pragma once

#include <mlx/mlx.h>

#include "emily/backend.hpp"
#include "nx/backend.hpp"

namespace emily {

namespace mx = mlx::core;
using nx::AxisIndices;
using nx::Shape;
using nx::Spec;
using nx::Tensor;

// An Emily tensor's payload: its MLX array.
struct ArrayPayload final : nx::PayloadOf<nx::BackendKind::emily> {
  explicit ArrayPayload(mx::array a) : array(std::move(a)) {}
  mx::array array;
};
// The MLX array of an Emily tensor; nx::ArgumentError for any other tensor.
inline mx::array& array_ref(const nx::Tensor& t) { return nx::payload<ArrayPayload>(t).array; }
// Whether `t` is a (defined) Emily tensor.
inline bool is_emily(const nx::Tensor& t) {
  return t.defined() && t.backend()->kind() == nx::BackendKind::emily;
}

class Backend final : public nx::Backend {
 public:
  explicit Backend(Device device);
  nx::BackendKind kind() const override { return nx::BackendKind::emily; }
  // MLX arrays are not bound to a device: every Emily backend takes every Emily tensor.
  bool accepts_tensors_of(const nx::Backend& owner) const override {
    return owner.kind() == nx::BackendKind::emily;
  }
  std::string device_name() const override { return to_string(device_); }
  std::string inspect_header() const override { return "Emily.Backend<" + to_string(device_) + ">"; }
  Device device() const { return device_; }
  // The MLX device an op producing `type` runs on (f64 and complex128-free
  // linear algebra run on the CPU).
  mx::Device mx_device(nx::Type type) const;
  mx::Device mx_device() const;
  // MLX's CUDA scatter takes no 64-bit integer inputs or updates: scatters of
  // s64/u64 run on the CPU stream.
  mx::Device scatter_device(nx::Type type) const;

  // creation.cpp
  Tensor constant(const Spec& out, const nx::Scalar& value) override;
  Tensor from_binary(const Spec& out, std::span<const std::uint8_t> bytes) override;
  Tensor eye(const Spec& out) override;
  Tensor iota(const Spec& out, std::optional<int> axis) override;
  bool backend_deallocate(const Tensor& t) override;
  Tensor backend_copy(const Tensor& t, const nx::BackendPtr& target) override;
  std::vector<Tensor> to_batched(const Spec& out, const Tensor& t, nx::Leftover leftover) override;
  std::vector<std::uint8_t> to_binary(const Tensor& t, std::int64_t limit) override;
  Tensor from_pointer(const Spec& out, const nx::Pointer& pointer) override;
  nx::Pointer to_pointer(const Tensor& t) override;
  Tensor as_type(const Spec& out, const Tensor& t) override;
  Tensor bitcast(const Spec& out, const Tensor& t) override;

  // shape.cpp
  Tensor reshape(const Spec& out, const Tensor& t) override;
  Tensor squeeze(const Spec& out, const Tensor& t, const AxisIndices& axes) override;
  Tensor broadcast(const Spec& out, const Tensor& t, const Shape& shape, const AxisIndices& axes) override;
  Tensor transpose(const Spec& out, const Tensor& t, const AxisIndices& axes) override;
  Tensor pad(const Spec& out, const Tensor& t, const Tensor& pad_value,
             const std::vector<nx::PadConfig>& config) override;
  Tensor reverse(const Spec& out, const Tensor& t, const AxisIndices& axes) override;
  Tensor concatenate(const Spec& out, const std::vector<Tensor>& tensors, int axis) override;
  Tensor stack(const Spec& out, const std::vector<Tensor>& tensors, int axis) override;

  // linalg.cpp
  Tensor dot(const Spec& out, const Tensor& a, const AxisIndices& contract_a, const AxisIndices& batch_a,
             const Tensor& b, const AxisIndices& contract_b, const AxisIndices& batch_b) override;
  Tensor triangular_solve(const Spec& out, const Tensor& a, const Tensor& b,
                          const nx::TriangularSolveOptions& opts) override;
  Tensor fft(const Spec& out, const Tensor& t, const nx::FftOptions& opts) override;
  Tensor ifft(const Spec& out, const Tensor& t, const nx::FftOptions& opts) override;

  // conv.cpp
  Tensor conv(const Spec& out, const Tensor& input, const Tensor& kernel,
              const nx::ConvOptions& opts) override;

  // elementwise.cpp
  Tensor binary_op(nx::BinaryOp op, const Spec& out, const Tensor& a, const Tensor& b) override;
  Tensor unary_op(nx::UnaryOp op, const Spec& out, const Tensor& t) override;
  Tensor clip(const Spec& out, const Tensor& t, const Tensor& min, const Tensor& max) override;
  Tensor select(const Spec& out, const Tensor& pred, const Tensor& on_true,
                const Tensor& on_false) override;
  Tensor logical_not(const Spec& out, const Tensor& t) override;
  Tensor phase(const Spec& out, const Tensor& t) override;

  // indexing.cpp
  Tensor slice(const Spec& out, const Tensor& t, const nx::StartIndices& starts,
               const std::vector<std::int64_t>& lengths,
               const std::vector<std::int64_t>& strides) override;
  Tensor put_slice(const Spec& out, const Tensor& t, const nx::StartIndices& starts,
                   const Tensor& slice) override;
  Tensor gather(const Spec& out, const Tensor& t, const Tensor& indices, const AxisIndices& axes) override;
  Tensor indexed_add(const Spec& out, const Tensor& target, const Tensor& indices,
                     const Tensor& updates, const AxisIndices& axes) override;
  Tensor indexed_put(const Spec& out, const Tensor& target, const Tensor& indices,
                     const Tensor& updates, const AxisIndices& axes) override;
  Tensor take(const Spec& out, const Tensor& t, const Tensor& indices, int axis) override;
  Tensor take_along_axis(const Spec& out, const Tensor& t, const Tensor& indices, int axis) override;

  // reductions.cpp
  Tensor all(const Spec& out, const Tensor& t, const nx::ReduceCallbackOptions& opts) override;
  Tensor any(const Spec& out, const Tensor& t, const nx::ReduceCallbackOptions& opts) override;
  Tensor sum(const Spec& out, const Tensor& t, const nx::ReduceCallbackOptions& opts) override;
  Tensor product(const Spec& out, const Tensor& t, const nx::ReduceCallbackOptions& opts) override;
  Tensor reduce_max(const Spec& out, const Tensor& t, const nx::ReduceCallbackOptions& opts) override;
  Tensor reduce_min(const Spec& out, const Tensor& t, const nx::ReduceCallbackOptions& opts) override;
  Tensor argmax(const Spec& out, const Tensor& t, const nx::ArgReduceCallbackOptions& opts) override;
  Tensor argmin(const Spec& out, const Tensor& t, const nx::ArgReduceCallbackOptions& opts) override;
  Tensor reduce(const Spec& out, const Tensor& t, const Tensor& acc, const nx::ReduceCallbackOptions& opts,
                const nx::ReduceFn& fn) override;
  Tensor softmax(const Spec& out, const Tensor& t, int axis) override;

  // windows.cpp
  Tensor window_reduce(const Spec& out, const Tensor& t, const Tensor& acc, const Shape& window,
                       const nx::WindowOptions& opts, const nx::ReduceFn& fn) override;
  Tensor window_sum(const Spec& out, const Tensor& t, const Shape& window,
                    const nx::WindowOptions& opts) override;
  Tensor window_product(const Spec& out, const Tensor& t, const Shape& window,
                        const nx::WindowOptions& opts) override;
  Tensor window_max(const Spec& out, const Tensor& t, const Shape& window,
                    const nx::WindowOptions& opts) override;
  Tensor window_min(const Spec& out, const Tensor& t, const Shape& window,
                    const nx::WindowOptions& opts) override;
  Tensor window_scatter_max(const Spec& out, const Tensor& t, const Tensor& source,
                            const Tensor& init_value, const Shape& window,
                            const nx::WindowOptions& opts) override;
  Tensor window_scatter_min(const Spec& out, const Tensor& t, const Tensor& source,
                            const Tensor& init_value, const Shape& window,
                            const nx::WindowOptions& opts) override;

  // sort.cpp
  Tensor sort(const Spec& out, const Tensor& t, const nx::SortCallbackOptions& opts) override;
  Tensor argsort(const Spec& out, const Tensor& t, const nx::SortCallbackOptions& opts) override;

  // blocks_scan.cpp
  Tensor cumulative_sum(const Spec& out, const Tensor& t, const nx::CumulativeCallbackOptions& opts) override;
  Tensor cumulative_product(const Spec& out, const Tensor& t, const nx::CumulativeCallbackOptions& opts) override;
  Tensor cumulative_min(const Spec& out, const Tensor& t, const nx::CumulativeCallbackOptions& opts) override;
  Tensor cumulative_max(const Spec& out, const Tensor& t, const nx::CumulativeCallbackOptions& opts) override;
  std::vector<Tensor> top_k(const std::vector<Spec>& out, const Tensor& t, std::int64_t k) override;
  Tensor all_close(const Spec& out, const Tensor& a, const Tensor& b, const nx::AllCloseOptions& opts) override;

  // blocks_linalg.cpp
  Tensor fft2(const Spec& out, const Tensor& t, const nx::Fft2Options& opts) override;
  Tensor ifft2(const Spec& out, const Tensor& t, const nx::Fft2Options& opts) override;
  Tensor rfft(const Spec& out, const Tensor& t, const nx::FftOptions& opts) override;
  Tensor irfft(const Spec& out, const Tensor& t, const nx::FftOptions& opts) override;
  Tensor cholesky(const Spec& out, const Tensor& a) override;
  Tensor solve(const Spec& out, const Tensor& a, const Tensor& b) override;
  std::vector<Tensor> qr(const std::vector<Spec>& out, const Tensor& a, const nx::QrOptions& opts) override;
  std::vector<Tensor> eigh(const std::vector<Spec>& out, const Tensor& a, const nx::EighOptions& opts) override;
  std::vector<Tensor> svd(const std::vector<Spec>& out, const Tensor& a, const nx::SvdOptions& opts) override;
  std::vector<Tensor> lu(const std::vector<Spec>& out, const Tensor& a) override;
  Tensor determinant(const Spec& out, const Tensor& a) override;

  // ---- helpers shared by the family files ----
  // The MLX array of an Emily tensor (tensors of other backends are copied in).
  mx::array array_of(const Tensor& t) const;
  // `t` as an MLX array of dtype for `type`.
  mx::array cast(const Tensor& t, nx::Type type) const;
  // `a` converted to the dtype of `type` with Nx's storage rules (float ->
  // int truncates and wraps, NaN -> 0, +-Inf saturate; bf16
  // truncates the f32 value; complex -> real drops the imaginary part).
  mx::array convert(const mx::array& a, nx::Type type) const;
  Tensor wrap(const Spec& out, mx::array a);

 private:
  Device device_;
};

namespace detail {
// EMILY_DEBUG_DETECT_NAN_INF: returns `t`, or raises NonFiniteError naming
// `op` when it holds NaN or Inf (forces evaluation).
nx::Tensor detect_nan_inf(std::string_view op, const nx::Tensor& t);
}  // namespace detail

// nx type <-> MLX dtype. Types MLX cannot hold raise nx::ArgumentError naming
// the op and the type to cast to.
mx::Dtype to_dtype(nx::Type t, std::string_view op);
bool mlx_supports(nx::Type t);
mx::Shape to_mx_shape(const nx::Shape& s);

}  // namespace emily
