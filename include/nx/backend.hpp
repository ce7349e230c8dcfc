// nx::Backend: one virtual per Nx.Backend callback, given the output template
// `out` (shape, type, names) computed and validated by the front end. A
// callback a backend does not override raises nx::UnsupportedError naming it.
// Blocks (Nx.Block.*) default to Nx's composition of other callbacks; those Nx
// builds from while loops (cholesky, qr, eigh, svd, lu) raise the same way.
// The names of all of them, and the types each takes, are in nx/op_table.hpp.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nx/op_table.hpp"
#include "nx/options.hpp"
#include "nx/payload.hpp"
#include "nx/tensor.hpp"

namespace nx {

class Backend;
// The named callback of an element-wise op (&Backend::add for BinaryOp::add).
using BinaryCallback = Tensor (Backend::*)(const Spec&, const Tensor&, const Tensor&);
using UnaryCallback = Tensor (Backend::*)(const Spec&, const Tensor&);
BinaryCallback callback_of(BinaryOp op);
UnaryCallback callback_of(UnaryOp op);
const std::vector<BinaryOp>& all_binary_ops();
const std::vector<UnaryOp>& all_unary_ops();

class Backend : public std::enable_shared_from_this<Backend> {
 public:
  virtual ~Backend() = default;

  // What this backend is. Decisions about a backend ask this or the
  // predicates below; name() is for display only.
  virtual BackendKind kind() const { return BackendKind::other; }
  // The expression backend of traced functions (nx/defn.hpp): its tensors win
  // the backend choice of every op, and other tensors meeting them are
  // captured into the graph.
  bool traces() const { return kind() == BackendKind::expression; }
  // The reference backend: its tensors join the backend of the other operands.
  bool is_reference() const { return kind() == BackendKind::reference; }
  // Whether this backend's callbacks take tensors of `owner` as they are
  // (without backend_copy). By default only its own.
  virtual bool accepts_tensors_of(const Backend& owner) const { return &owner == this; }
  // For display (inspect, errors, telemetry): "binary", "emily", "expr", ...
  virtual std::string name() const { return std::string(to_string(kind())); }
  // "cpu", "gpu", ...
  virtual std::string device_name() const { return "cpu"; }
  // Extra line shown by inspect (e.g. "Emily.Backend<gpu>"); empty for none.
  virtual std::string inspect_header() const { return {}; }

  // ---- creation and conversion ----
  virtual Tensor constant(const Spec& out, const Scalar& value);
  // `bytes` in Nx's layout: row-major, little endian, sub-byte packed MSB first.
  virtual Tensor from_binary(const Spec& out, std::span<const std::uint8_t> bytes);
  virtual Tensor eye(const Spec& out);
  virtual Tensor iota(const Spec& out, std::optional<int> axis);
  // true if something was freed, false when already deallocated.
  virtual bool backend_deallocate(const Tensor& t);
  virtual Tensor backend_copy(const Tensor& t, const BackendPtr& target);
  virtual Tensor backend_transfer(const Tensor& t, const BackendPtr& target);
  virtual std::vector<Tensor> to_batched(const Spec& out, const Tensor& t, Leftover leftover);
  // The first `limit` elements in Nx's layout (bit-packed for sub-byte types).
  virtual std::vector<std::uint8_t> to_binary(const Tensor& t, std::int64_t limit);
  virtual Tensor from_pointer(const Spec& out, const Pointer& pointer);
  virtual Pointer to_pointer(const Tensor& t);

  // ---- shape and layout ----
  virtual Tensor as_type(const Spec& out, const Tensor& t);
  virtual Tensor bitcast(const Spec& out, const Tensor& t);
  virtual Tensor reshape(const Spec& out, const Tensor& t);
  virtual Tensor squeeze(const Spec& out, const Tensor& t, const AxisIndices& axes);
  virtual Tensor broadcast(const Spec& out, const Tensor& t, const Shape& shape, const AxisIndices& axes);
  virtual Tensor transpose(const Spec& out, const Tensor& t, const AxisIndices& axes);
  virtual Tensor pad(const Spec& out, const Tensor& t, const Tensor& pad_value,
                     const std::vector<PadConfig>& config);
  virtual Tensor reverse(const Spec& out, const Tensor& t, const AxisIndices& axes);
  virtual Tensor concatenate(const Spec& out, const std::vector<Tensor>& tensors, int axis);
  virtual Tensor stack(const Spec& out, const std::vector<Tensor>& tensors, int axis);

  // ---- contraction and convolution ----
  virtual Tensor dot(const Spec& out, const Tensor& a, const AxisIndices& contract_a, const AxisIndices& batch_a,
                     const Tensor& b, const AxisIndices& contract_b, const AxisIndices& batch_b);
  virtual Tensor conv(const Spec& out, const Tensor& input, const Tensor& kernel,
                      const ConvOptions& opts);

  // ---- element-wise (non-arithmetic) ----
  virtual Tensor clip(const Spec& out, const Tensor& t, const Tensor& min, const Tensor& max);
  virtual Tensor select(const Spec& out, const Tensor& pred, const Tensor& on_true,
                        const Tensor& on_false);

  // ---- indexing ----
  virtual Tensor slice(const Spec& out, const Tensor& t, const StartIndices& starts,
                       const std::vector<std::int64_t>& lengths,
                       const std::vector<std::int64_t>& strides);
  virtual Tensor put_slice(const Spec& out, const Tensor& t, const StartIndices& starts,
                           const Tensor& slice);
  virtual Tensor gather(const Spec& out, const Tensor& t, const Tensor& indices, const AxisIndices& axes);
  virtual Tensor indexed_add(const Spec& out, const Tensor& target, const Tensor& indices,
                             const Tensor& updates, const AxisIndices& axes);
  virtual Tensor indexed_put(const Spec& out, const Tensor& target, const Tensor& indices,
                             const Tensor& updates, const AxisIndices& axes);

  // ---- reductions ----
  virtual Tensor all(const Spec& out, const Tensor& t, const ReduceCallbackOptions& opts);
  virtual Tensor any(const Spec& out, const Tensor& t, const ReduceCallbackOptions& opts);
  virtual Tensor sum(const Spec& out, const Tensor& t, const ReduceCallbackOptions& opts);
  virtual Tensor product(const Spec& out, const Tensor& t, const ReduceCallbackOptions& opts);
  virtual Tensor reduce_max(const Spec& out, const Tensor& t, const ReduceCallbackOptions& opts);
  virtual Tensor reduce_min(const Spec& out, const Tensor& t, const ReduceCallbackOptions& opts);
  virtual Tensor argmax(const Spec& out, const Tensor& t, const ArgReduceCallbackOptions& opts);
  virtual Tensor argmin(const Spec& out, const Tensor& t, const ArgReduceCallbackOptions& opts);
  virtual Tensor reduce(const Spec& out, const Tensor& t, const Tensor& acc,
                        const ReduceCallbackOptions& opts, const ReduceFn& fn);

  // ---- windows ----
  virtual Tensor window_reduce(const Spec& out, const Tensor& t, const Tensor& acc,
                               const Shape& window, const WindowOptions& opts, const ReduceFn& fn);
  virtual Tensor window_sum(const Spec& out, const Tensor& t, const Shape& window,
                            const WindowOptions& opts);
  virtual Tensor window_product(const Spec& out, const Tensor& t, const Shape& window,
                                const WindowOptions& opts);
  virtual Tensor window_max(const Spec& out, const Tensor& t, const Shape& window,
                            const WindowOptions& opts);
  virtual Tensor window_min(const Spec& out, const Tensor& t, const Shape& window,
                            const WindowOptions& opts);
  virtual Tensor window_scatter_max(const Spec& out, const Tensor& t, const Tensor& source,
                                    const Tensor& init_value, const Shape& window,
                                    const WindowOptions& opts);
  virtual Tensor window_scatter_min(const Spec& out, const Tensor& t, const Tensor& source,
                                    const Tensor& init_value, const Shape& window,
                                    const WindowOptions& opts);

  // ---- sorting ----
  virtual Tensor sort(const Spec& out, const Tensor& t, const SortCallbackOptions& opts);
  virtual Tensor argsort(const Spec& out, const Tensor& t, const SortCallbackOptions& opts);

  // ---- linear algebra and fft ----
  virtual Tensor triangular_solve(const Spec& out, const Tensor& a, const Tensor& b,
                                  const TriangularSolveOptions& opts);
  virtual Tensor fft(const Spec& out, const Tensor& t, const FftOptions& opts);
  virtual Tensor ifft(const Spec& out, const Tensor& t, const FftOptions& opts);

  // ---- element-wise arithmetic: 24 binary and 37 unary callbacks ----
  // Each named callback forwards to binary_op/unary_op by default, so a
  // backend may override one op or the whole family.
#define NX_DECLARE_BINARY(name, ...) \
  virtual Tensor name(const Spec& out, const Tensor& a, const Tensor& b);
  NX_BINARY_CALLBACKS(NX_DECLARE_BINARY)
#undef NX_DECLARE_BINARY
#define NX_DECLARE_UNARY(name, ...) virtual Tensor name(const Spec& out, const Tensor& t);
  NX_UNARY_CALLBACKS(NX_DECLARE_UNARY)
#undef NX_DECLARE_UNARY
  virtual Tensor binary_op(BinaryOp op, const Spec& out, const Tensor& a, const Tensor& b);
  virtual Tensor unary_op(UnaryOp op, const Spec& out, const Tensor& t);

  // ---- blocks (Nx.Block.*): default = Nx's composition (none for cholesky, qr, eigh, svd, lu) ----
  virtual Tensor logical_not(const Spec& out, const Tensor& t);
  virtual Tensor phase(const Spec& out, const Tensor& t);
  virtual Tensor all_close(const Spec& out, const Tensor& a, const Tensor& b,
                           const AllCloseOptions& opts);
  virtual Tensor cumulative_sum(const Spec& out, const Tensor& t, const CumulativeCallbackOptions& opts);
  virtual Tensor cumulative_product(const Spec& out, const Tensor& t,
                                    const CumulativeCallbackOptions& opts);
  virtual Tensor cumulative_min(const Spec& out, const Tensor& t, const CumulativeCallbackOptions& opts);
  virtual Tensor cumulative_max(const Spec& out, const Tensor& t, const CumulativeCallbackOptions& opts);
  virtual Tensor take(const Spec& out, const Tensor& t, const Tensor& indices, int axis);
  virtual Tensor take_along_axis(const Spec& out, const Tensor& t, const Tensor& indices, int axis);
  // Returns {values, indices}.
  virtual std::vector<Tensor> top_k(const std::vector<Spec>& out, const Tensor& t, std::int64_t k);
  virtual Tensor fft2(const Spec& out, const Tensor& t, const Fft2Options& opts);
  virtual Tensor ifft2(const Spec& out, const Tensor& t, const Fft2Options& opts);
  virtual Tensor rfft(const Spec& out, const Tensor& t, const FftOptions& opts);
  virtual Tensor irfft(const Spec& out, const Tensor& t, const FftOptions& opts);
  virtual Tensor cholesky(const Spec& out, const Tensor& a);
  virtual Tensor solve(const Spec& out, const Tensor& a, const Tensor& b);
  // Returns {q, r}.
  virtual std::vector<Tensor> qr(const std::vector<Spec>& out, const Tensor& a,
                                 const QrOptions& opts);
  // Returns {eigenvalues, eigenvectors}.
  virtual std::vector<Tensor> eigh(const std::vector<Spec>& out, const Tensor& a,
                                   const EighOptions& opts);
  // Returns {u, s, vt}.
  virtual std::vector<Tensor> svd(const std::vector<Spec>& out, const Tensor& a,
                                  const SvdOptions& opts);
  // Returns {p, l, u}.
  virtual std::vector<Tensor> lu(const std::vector<Spec>& out, const Tensor& a);
  virtual Tensor determinant(const Spec& out, const Tensor& a);
  // Extension block (not in Nx): softmax along `axis`, so a backend with a
  // fused kernel can take it; the default composes reduce_max/exp/sum/divide.
  virtual Tensor softmax(const Spec& out, const Tensor& t, int axis);

 protected:
  // Wraps this backend's payload into a tensor owned by this backend.
  Tensor make(const Spec& out, std::shared_ptr<Payload> payload);
  [[noreturn]] void unsupported(std::string_view callback) const;
};

// Composition telemetry: the default body of a block reports that it ran, so
// tools can tell "composed" from "native".
namespace detail {
void note_composed(std::string_view block);
// Collects the names of blocks whose default composition ran on this thread
// while alive (used by the coverage command and tests).
class ComposedRecorder {
 public:
  ComposedRecorder();
  ~ComposedRecorder();
  ComposedRecorder(const ComposedRecorder&) = delete;
  ComposedRecorder& operator=(const ComposedRecorder&) = delete;
  const std::vector<std::string>& blocks() const { return blocks_; }

 private:
  std::vector<std::string> blocks_;
  ComposedRecorder* previous_;
  friend void note_composed(std::string_view block);
};
}  // namespace detail

}  // namespace nx
