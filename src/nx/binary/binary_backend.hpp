// The reference backend's class; its callbacks live in one file per op family.
#pragma once

#include "host.hpp"
#include "nx/binary_backend.hpp"

namespace nx {

class BinaryBackend final : public Backend {
 public:
  BackendKind kind() const override { return BackendKind::reference; }

  // creation.cpp
  Tensor constant(const Spec& out, const Scalar& value) override;
  Tensor from_binary(const Spec& out, std::span<const std::uint8_t> bytes) override;
  Tensor eye(const Spec& out) override;
  Tensor iota(const Spec& out, std::optional<int> axis) override;
  bool backend_deallocate(const Tensor& t) override;
  Tensor backend_copy(const Tensor& t, const BackendPtr& target) override;
  std::vector<Tensor> to_batched(const Spec& out, const Tensor& t, Leftover leftover) override;
  std::vector<std::uint8_t> to_binary(const Tensor& t, std::int64_t limit) override;
  Tensor from_pointer(const Spec& out, const Pointer& pointer) override;
  Pointer to_pointer(const Tensor& t) override;
  Tensor as_type(const Spec& out, const Tensor& t) override;
  Tensor bitcast(const Spec& out, const Tensor& t) override;

  // shape.cpp
  Tensor reshape(const Spec& out, const Tensor& t) override;
  Tensor squeeze(const Spec& out, const Tensor& t, const AxisIndices& axes) override;
  Tensor broadcast(const Spec& out, const Tensor& t, const Shape& shape, const AxisIndices& axes) override;
  Tensor transpose(const Spec& out, const Tensor& t, const AxisIndices& axes) override;
  Tensor pad(const Spec& out, const Tensor& t, const Tensor& pad_value,
             const std::vector<PadConfig>& config) override;
  Tensor reverse(const Spec& out, const Tensor& t, const AxisIndices& axes) override;
  Tensor concatenate(const Spec& out, const std::vector<Tensor>& tensors, int axis) override;
  Tensor stack(const Spec& out, const std::vector<Tensor>& tensors, int axis) override;


  // linalg.cpp
  Tensor dot(const Spec& out, const Tensor& a, const AxisIndices& contract_a, const AxisIndices& batch_a,
             const Tensor& b, const AxisIndices& contract_b, const AxisIndices& batch_b) override;
  Tensor triangular_solve(const Spec& out, const Tensor& a, const Tensor& b,
                          const TriangularSolveOptions& opts) override;
  Tensor fft(const Spec& out, const Tensor& t, const FftOptions& opts) override;
  Tensor ifft(const Spec& out, const Tensor& t, const FftOptions& opts) override;

  // linalg_host_lu.cpp, linalg_host_qr_eigh.cpp, linalg_host_svd.cpp: the
  // decomposition blocks, implemented here rather than composed.
  Tensor cholesky(const Spec& out, const Tensor& a) override;
  Tensor solve(const Spec& out, const Tensor& a, const Tensor& b) override;
  std::vector<Tensor> qr(const std::vector<Spec>& out, const Tensor& a, const QrOptions& opts) override;
  std::vector<Tensor> eigh(const std::vector<Spec>& out, const Tensor& a, const EighOptions& opts) override;
  std::vector<Tensor> svd(const std::vector<Spec>& out, const Tensor& a, const SvdOptions& opts) override;
  std::vector<Tensor> lu(const std::vector<Spec>& out, const Tensor& a) override;
  Tensor determinant(const Spec& out, const Tensor& a) override;

  // conv.cpp
  Tensor conv(const Spec& out, const Tensor& input, const Tensor& kernel,
              const ConvOptions& opts) override;

  // elementwise.cpp
  Tensor binary_op(BinaryOp op, const Spec& out, const Tensor& a, const Tensor& b) override;
  Tensor unary_op(UnaryOp op, const Spec& out, const Tensor& t) override;
  Tensor clip(const Spec& out, const Tensor& t, const Tensor& min, const Tensor& max) override;
  Tensor select(const Spec& out, const Tensor& pred, const Tensor& on_true,
                const Tensor& on_false) override;

  // indexing.cpp
  Tensor slice(const Spec& out, const Tensor& t, const StartIndices& starts,
               const std::vector<std::int64_t>& lengths,
               const std::vector<std::int64_t>& strides) override;
  Tensor put_slice(const Spec& out, const Tensor& t, const StartIndices& starts,
                   const Tensor& slice) override;
  Tensor gather(const Spec& out, const Tensor& t, const Tensor& indices, const AxisIndices& axes) override;
  Tensor indexed_add(const Spec& out, const Tensor& target, const Tensor& indices,
                     const Tensor& updates, const AxisIndices& axes) override;
  Tensor indexed_put(const Spec& out, const Tensor& target, const Tensor& indices,
                     const Tensor& updates, const AxisIndices& axes) override;


  // reductions.cpp
  Tensor all(const Spec& out, const Tensor& t, const ReduceCallbackOptions& opts) override;
  Tensor any(const Spec& out, const Tensor& t, const ReduceCallbackOptions& opts) override;
  Tensor sum(const Spec& out, const Tensor& t, const ReduceCallbackOptions& opts) override;
  Tensor product(const Spec& out, const Tensor& t, const ReduceCallbackOptions& opts) override;
  Tensor reduce_max(const Spec& out, const Tensor& t, const ReduceCallbackOptions& opts) override;
  Tensor reduce_min(const Spec& out, const Tensor& t, const ReduceCallbackOptions& opts) override;
  Tensor argmax(const Spec& out, const Tensor& t, const ArgReduceCallbackOptions& opts) override;
  Tensor argmin(const Spec& out, const Tensor& t, const ArgReduceCallbackOptions& opts) override;
  Tensor reduce(const Spec& out, const Tensor& t, const Tensor& acc, const ReduceCallbackOptions& opts,
                const ReduceFn& fn) override;

  // windows.cpp
  Tensor window_reduce(const Spec& out, const Tensor& t, const Tensor& acc, const Shape& window,
                       const WindowOptions& opts, const ReduceFn& fn) override;
  Tensor window_sum(const Spec& out, const Tensor& t, const Shape& window,
                    const WindowOptions& opts) override;
  Tensor window_product(const Spec& out, const Tensor& t, const Shape& window,
                        const WindowOptions& opts) override;
  Tensor window_max(const Spec& out, const Tensor& t, const Shape& window,
                    const WindowOptions& opts) override;
  Tensor window_min(const Spec& out, const Tensor& t, const Shape& window,
                    const WindowOptions& opts) override;
  Tensor window_scatter_max(const Spec& out, const Tensor& t, const Tensor& source,
                            const Tensor& init_value, const Shape& window,
                            const WindowOptions& opts) override;
  Tensor window_scatter_min(const Spec& out, const Tensor& t, const Tensor& source,
                            const Tensor& init_value, const Shape& window,
                            const WindowOptions& opts) override;

  // sort.cpp
  Tensor sort(const Spec& out, const Tensor& t, const SortCallbackOptions& opts) override;
  Tensor argsort(const Spec& out, const Tensor& t, const SortCallbackOptions& opts) override;

};

}  // namespace nx
