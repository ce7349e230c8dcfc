#include "nx/backend.hpp"

#include <atomic>
#include <mutex>
#include <ostream>

namespace nx {

Tensor Backend::make(const Spec& out, std::shared_ptr<Payload> payload) {
  return Tensor(out, shared_from_this(), std::move(payload));
}

std::string_view to_string(BackendKind kind) {
  switch (kind) {
    case BackendKind::reference: return "binary";
    case BackendKind::emily: return "emily";
    case BackendKind::expression: return "expr";
    case BackendKind::other: break;
  }
  return "other";
}

std::ostream& operator<<(std::ostream& os, BackendKind kind) { return os << to_string(kind); }

void detail::payload_mismatch(const Tensor& t, BackendKind wanted) {
  const std::string got = t.defined() ? t.backend()->name() : std::string("no");
  raise("payload", "expected a tensor of the " + std::string(to_string(wanted)) + " backend, got one of the " +
                       got + " backend (transfer it with nx::backend_transfer)");
}

void Backend::unsupported(std::string_view callback) const {
  throw UnsupportedError(name() + " backend: callback " + std::string(callback) +
                         " is not supported");
}

Tensor Backend::constant(const Spec&, const Scalar&) { unsupported("constant"); }
Tensor Backend::from_binary(const Spec&, std::span<const std::uint8_t>) { unsupported("from_binary"); }
Tensor Backend::eye(const Spec&) { unsupported("eye"); }
Tensor Backend::iota(const Spec&, std::optional<int>) { unsupported("iota"); }
bool Backend::backend_deallocate(const Tensor&) { unsupported("backend_deallocate"); }

Tensor Backend::backend_copy(const Tensor& t, const BackendPtr& target) {
  // Generic route through Nx's binary layout.
  auto bytes = to_binary(t, t.size());
  return target->from_binary(t.spec(), bytes);
}

Tensor Backend::backend_transfer(const Tensor& t, const BackendPtr& target) {
  if (target.get() == this) return t;
  Tensor copy = backend_copy(t, target);
  backend_deallocate(t);
  return copy;
}

std::vector<Tensor> Backend::to_batched(const Spec&, const Tensor&, Leftover) { unsupported("to_batched"); }
std::vector<std::uint8_t> Backend::to_binary(const Tensor&, std::int64_t) { unsupported("to_binary"); }
Tensor Backend::from_pointer(const Spec&, const Pointer&) { unsupported("from_pointer"); }
Pointer Backend::to_pointer(const Tensor&) { unsupported("to_pointer"); }
Tensor Backend::as_type(const Spec&, const Tensor&) { unsupported("as_type"); }
Tensor Backend::bitcast(const Spec&, const Tensor&) { unsupported("bitcast"); }
Tensor Backend::reshape(const Spec&, const Tensor&) { unsupported("reshape"); }
Tensor Backend::squeeze(const Spec&, const Tensor&, const AxisIndices&) { unsupported("squeeze"); }
Tensor Backend::broadcast(const Spec&, const Tensor&, const Shape&, const AxisIndices&) { unsupported("broadcast"); }
Tensor Backend::transpose(const Spec&, const Tensor&, const AxisIndices&) { unsupported("transpose"); }
Tensor Backend::pad(const Spec&, const Tensor&, const Tensor&, const std::vector<PadConfig>&) { unsupported("pad"); }
Tensor Backend::reverse(const Spec&, const Tensor&, const AxisIndices&) { unsupported("reverse"); }
Tensor Backend::concatenate(const Spec&, const std::vector<Tensor>&, int) { unsupported("concatenate"); }
Tensor Backend::stack(const Spec&, const std::vector<Tensor>&, int) { unsupported("stack"); }
Tensor Backend::dot(const Spec&, const Tensor&, const AxisIndices&, const AxisIndices&, const Tensor&, const AxisIndices&, const AxisIndices&) { unsupported("dot"); }
Tensor Backend::conv(const Spec&, const Tensor&, const Tensor&, const ConvOptions&) { unsupported("conv"); }
Tensor Backend::clip(const Spec&, const Tensor&, const Tensor&, const Tensor&) { unsupported("clip"); }
Tensor Backend::select(const Spec&, const Tensor&, const Tensor&, const Tensor&) { unsupported("select"); }
Tensor Backend::slice(const Spec&, const Tensor&, const StartIndices&, const std::vector<std::int64_t>&, const std::vector<std::int64_t>&) { unsupported("slice"); }
Tensor Backend::put_slice(const Spec&, const Tensor&, const StartIndices&, const Tensor&) { unsupported("put_slice"); }
Tensor Backend::gather(const Spec&, const Tensor&, const Tensor&, const AxisIndices&) { unsupported("gather"); }
Tensor Backend::indexed_add(const Spec&, const Tensor&, const Tensor&, const Tensor&, const AxisIndices&) { unsupported("indexed_add"); }
Tensor Backend::indexed_put(const Spec&, const Tensor&, const Tensor&, const Tensor&, const AxisIndices&) { unsupported("indexed_put"); }
Tensor Backend::all(const Spec&, const Tensor&, const ReduceCallbackOptions&) { unsupported("all"); }
Tensor Backend::any(const Spec&, const Tensor&, const ReduceCallbackOptions&) { unsupported("any"); }
Tensor Backend::sum(const Spec&, const Tensor&, const ReduceCallbackOptions&) { unsupported("sum"); }
Tensor Backend::product(const Spec&, const Tensor&, const ReduceCallbackOptions&) { unsupported("product"); }
Tensor Backend::reduce_max(const Spec&, const Tensor&, const ReduceCallbackOptions&) { unsupported("reduce_max"); }
Tensor Backend::reduce_min(const Spec&, const Tensor&, const ReduceCallbackOptions&) { unsupported("reduce_min"); }
Tensor Backend::argmax(const Spec&, const Tensor&, const ArgReduceCallbackOptions&) { unsupported("argmax"); }
Tensor Backend::argmin(const Spec&, const Tensor&, const ArgReduceCallbackOptions&) { unsupported("argmin"); }
Tensor Backend::reduce(const Spec&, const Tensor&, const Tensor&, const ReduceCallbackOptions&, const ReduceFn&) { unsupported("reduce"); }
Tensor Backend::window_reduce(const Spec&, const Tensor&, const Tensor&, const Shape&, const WindowOptions&, const ReduceFn&) { unsupported("window_reduce"); }
Tensor Backend::window_sum(const Spec&, const Tensor&, const Shape&, const WindowOptions&) { unsupported("window_sum"); }
Tensor Backend::window_product(const Spec&, const Tensor&, const Shape&, const WindowOptions&) { unsupported("window_product"); }
Tensor Backend::window_max(const Spec&, const Tensor&, const Shape&, const WindowOptions&) { unsupported("window_max"); }
Tensor Backend::window_min(const Spec&, const Tensor&, const Shape&, const WindowOptions&) { unsupported("window_min"); }
Tensor Backend::window_scatter_max(const Spec&, const Tensor&, const Tensor&, const Tensor&, const Shape&, const WindowOptions&) { unsupported("window_scatter_max"); }
Tensor Backend::window_scatter_min(const Spec&, const Tensor&, const Tensor&, const Tensor&, const Shape&, const WindowOptions&) { unsupported("window_scatter_min"); }
Tensor Backend::sort(const Spec&, const Tensor&, const SortCallbackOptions&) { unsupported("sort"); }
Tensor Backend::argsort(const Spec&, const Tensor&, const SortCallbackOptions&) { unsupported("argsort"); }
Tensor Backend::triangular_solve(const Spec&, const Tensor&, const Tensor&, const TriangularSolveOptions&) { unsupported("triangular_solve"); }
Tensor Backend::fft(const Spec&, const Tensor&, const FftOptions&) { unsupported("fft"); }
Tensor Backend::ifft(const Spec&, const Tensor&, const FftOptions&) { unsupported("ifft"); }

#define NX_DEFINE_BINARY(name, ...)                                         \
  Tensor Backend::name(const Spec& out, const Tensor& a, const Tensor& b) { \
    return binary_op(BinaryOp::name, out, a, b);                           \
  }
NX_BINARY_CALLBACKS(NX_DEFINE_BINARY)
#undef NX_DEFINE_BINARY
#define NX_DEFINE_UNARY(name, ...)                       \
  Tensor Backend::name(const Spec& out, const Tensor& t) { \
    return unary_op(UnaryOp::name, out, t);                \
  }
NX_UNARY_CALLBACKS(NX_DEFINE_UNARY)
#undef NX_DEFINE_UNARY

Tensor Backend::binary_op(BinaryOp op, const Spec&, const Tensor&, const Tensor&) { unsupported(op_name(op)); }
Tensor Backend::unary_op(UnaryOp op, const Spec&, const Tensor&) { unsupported(op_name(op)); }

namespace detail {
// Defined with the block compositions (blocks.cpp); declared here so that the
// composed-telemetry hook has one home.
}

}  // namespace nx
