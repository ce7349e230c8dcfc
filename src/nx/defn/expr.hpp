// The expression backend: every callback records a node (nx/defn.hpp).
#pragma once

#include <string>
#include <vector>

#include "nx/defn.hpp"

namespace nx::defn {

// Options of callbacks that have no option struct of their own, kept in
// Node::args so gradient rules can read them.
struct AxesArgs {
  AxisIndices axes;
};
struct BroadcastArgs {
  Shape shape;
  AxisIndices axes;
};
struct PadArgs {
  std::vector<PadConfig> config;
};
struct AxisArgs {
  int axis = 0;
};
struct DotArgs {
  AxisIndices contract_a, batch_a, contract_b, batch_b;
};
struct SliceArgs {
  std::vector<std::int64_t> starts;  // static starts; empty when dynamic (inputs[1..])
  std::vector<std::int64_t> lengths, strides;
};
struct PutSliceArgs {
  std::vector<std::int64_t> starts;  // static starts; empty when dynamic (inputs[2..])
};
struct WindowArgs {
  Shape window;
  WindowOptions opts;
};
struct TopKArgs {
  std::int64_t k = 0;
};
using ConvArgs = ConvOptions;

// Option text of printed nodes: "[1, 2]" for an integer list, "true"/"false".
std::string format_shape_list(const std::vector<std::int64_t>& v);
inline std::string bool_text(bool b) { return b ? "true" : "false"; }
// Inputs handed to a node's evaluate closure.
using Ins = const std::vector<Tensor>&;

class ExprBackend final : public Backend {
 public:
  BackendKind kind() const override { return BackendKind::expression; }
  std::string inspect_header() const override { return "Nx.Defn.Expr"; }

  // Records a one-output node.
  Tensor record(Op op, const Spec& out, std::vector<Tensor> inputs, std::any args, std::string text,
                std::function<Tensor(Backend&, const std::vector<Tensor>&)> eval);
  // Records a multi-output node; returns one `elem` tensor per output.
  std::vector<Tensor> record_multi(Op op, const std::vector<Spec>& outs, std::vector<Tensor> inputs,
                                   std::any args, std::string text, Evaluate eval);
  Tensor wrap(std::shared_ptr<Node> node, const Spec& spec);
  // An `elem` tensor for output `i` of the multi-output node of `whole`.
  Tensor elem(const Tensor& whole, std::size_t i);

  Tensor constant(const Spec& out, const Scalar& value) override;
  Tensor from_binary(const Spec& out, std::span<const std::uint8_t> bytes) override;
  Tensor eye(const Spec& out) override;
  Tensor iota(const Spec& out, std::optional<int> axis) override;
  bool backend_deallocate(const Tensor& t) override;
  Tensor backend_copy(const Tensor& t, const BackendPtr& target) override;
  Tensor backend_transfer(const Tensor& t, const BackendPtr& target) override;
  std::vector<Tensor> to_batched(const Spec& out, const Tensor& t, Leftover leftover) override;
  std::vector<std::uint8_t> to_binary(const Tensor& t, std::int64_t limit) override;
  Tensor from_pointer(const Spec& out, const Pointer& pointer) override;
  Pointer to_pointer(const Tensor& t) override;

  Tensor as_type(const Spec& out, const Tensor& t) override;
  Tensor bitcast(const Spec& out, const Tensor& t) override;
  Tensor reshape(const Spec& out, const Tensor& t) override;
  Tensor squeeze(const Spec& out, const Tensor& t, const AxisIndices& axes) override;
  Tensor broadcast(const Spec& out, const Tensor& t, const Shape& shape, const AxisIndices& axes) override;
  Tensor transpose(const Spec& out, const Tensor& t, const AxisIndices& axes) override;
  Tensor pad(const Spec& out, const Tensor& t, const Tensor& pad_value,
             const std::vector<PadConfig>& config) override;
  Tensor reverse(const Spec& out, const Tensor& t, const AxisIndices& axes) override;
  Tensor concatenate(const Spec& out, const std::vector<Tensor>& tensors, int axis) override;
  Tensor stack(const Spec& out, const std::vector<Tensor>& tensors, int axis) override;

  Tensor dot(const Spec& out, const Tensor& a, const AxisIndices& contract_a, const AxisIndices& batch_a,
             const Tensor& b, const AxisIndices& contract_b, const AxisIndices& batch_b) override;
  Tensor conv(const Spec& out, const Tensor& input, const Tensor& kernel, const ConvOptions& opts) override;
  Tensor clip(const Spec& out, const Tensor& t, const Tensor& min, const Tensor& max) override;
  Tensor select(const Spec& out, const Tensor& pred, const Tensor& on_true, const Tensor& on_false) override;

  Tensor slice(const Spec& out, const Tensor& t, const StartIndices& starts,
               const std::vector<std::int64_t>& lengths, const std::vector<std::int64_t>& strides) override;
  Tensor put_slice(const Spec& out, const Tensor& t, const StartIndices& starts, const Tensor& slice) override;
  Tensor gather(const Spec& out, const Tensor& t, const Tensor& indices, const AxisIndices& axes) override;
  Tensor indexed_add(const Spec& out, const Tensor& target, const Tensor& indices, const Tensor& updates,
                     const AxisIndices& axes) override;
  Tensor indexed_put(const Spec& out, const Tensor& target, const Tensor& indices, const Tensor& updates,
                     const AxisIndices& axes) override;

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

  Tensor window_reduce(const Spec& out, const Tensor& t, const Tensor& acc, const Shape& window,
                       const WindowOptions& opts, const ReduceFn& fn) override;
  Tensor window_sum(const Spec& out, const Tensor& t, const Shape& window, const WindowOptions& opts) override;
  Tensor window_product(const Spec& out, const Tensor& t, const Shape& window, const WindowOptions& opts) override;
  Tensor window_max(const Spec& out, const Tensor& t, const Shape& window, const WindowOptions& opts) override;
  Tensor window_min(const Spec& out, const Tensor& t, const Shape& window, const WindowOptions& opts) override;
  Tensor window_scatter_max(const Spec& out, const Tensor& t, const Tensor& source, const Tensor& init_value,
                            const Shape& window, const WindowOptions& opts) override;
  Tensor window_scatter_min(const Spec& out, const Tensor& t, const Tensor& source, const Tensor& init_value,
                            const Shape& window, const WindowOptions& opts) override;

  Tensor sort(const Spec& out, const Tensor& t, const SortCallbackOptions& opts) override;
  Tensor argsort(const Spec& out, const Tensor& t, const SortCallbackOptions& opts) override;
  Tensor triangular_solve(const Spec& out, const Tensor& a, const Tensor& b,
                          const TriangularSolveOptions& opts) override;
  Tensor fft(const Spec& out, const Tensor& t, const FftOptions& opts) override;
  Tensor ifft(const Spec& out, const Tensor& t, const FftOptions& opts) override;

  Tensor binary_op(BinaryOp op, const Spec& out, const Tensor& a, const Tensor& b) override;
  Tensor unary_op(UnaryOp op, const Spec& out, const Tensor& t) override;

  Tensor logical_not(const Spec& out, const Tensor& t) override;
  Tensor phase(const Spec& out, const Tensor& t) override;
  Tensor all_close(const Spec& out, const Tensor& a, const Tensor& b, const AllCloseOptions& opts) override;
  Tensor cumulative_sum(const Spec& out, const Tensor& t, const CumulativeCallbackOptions& opts) override;
  Tensor cumulative_product(const Spec& out, const Tensor& t, const CumulativeCallbackOptions& opts) override;
  Tensor cumulative_min(const Spec& out, const Tensor& t, const CumulativeCallbackOptions& opts) override;
  Tensor cumulative_max(const Spec& out, const Tensor& t, const CumulativeCallbackOptions& opts) override;
  Tensor take(const Spec& out, const Tensor& t, const Tensor& indices, int axis) override;
  Tensor take_along_axis(const Spec& out, const Tensor& t, const Tensor& indices, int axis) override;
  std::vector<Tensor> top_k(const std::vector<Spec>& out, const Tensor& t, std::int64_t k) override;
  Tensor fft2(const Spec& out, const Tensor& t, const Fft2Options& opts) override;
  Tensor ifft2(const Spec& out, const Tensor& t, const Fft2Options& opts) override;
  Tensor rfft(const Spec& out, const Tensor& t, const FftOptions& opts) override;
  Tensor irfft(const Spec& out, const Tensor& t, const FftOptions& opts) override;
  Tensor cholesky(const Spec& out, const Tensor& a) override;
  Tensor solve(const Spec& out, const Tensor& a, const Tensor& b) override;
  std::vector<Tensor> qr(const std::vector<Spec>& out, const Tensor& a, const QrOptions& opts) override;
  std::vector<Tensor> eigh(const std::vector<Spec>& out, const Tensor& a, const EighOptions& opts) override;
  std::vector<Tensor> svd(const std::vector<Spec>& out, const Tensor& a, const SvdOptions& opts) override;
  std::vector<Tensor> lu(const std::vector<Spec>& out, const Tensor& a) override;
  Tensor determinant(const Spec& out, const Tensor& a) override;
  Tensor softmax(const Spec& out, const Tensor& t, int axis) override;

  // The base class's default composition of a block, traced (used by the
  // gradient of blocks that have no rule of their own).
  std::vector<Tensor> expand_block(const Node& node);
};

ExprBackend& expr();

}  // namespace nx::defn
