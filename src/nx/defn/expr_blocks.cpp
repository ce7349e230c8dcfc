// The expression backend's blocks (Nx.Block.*): each records one node that
// runs the backend's own block, and expand_block traces the base class's
// default composition for the gradient of blocks without a rule of their own.
#include "expr.hpp"

namespace nx::defn {

namespace {

std::string cumulative_text(const CumulativeCallbackOptions& o) {
  return "axis: " + std::to_string(o.axis) + ", reverse: " + bool_text(o.reverse);
}

}  // namespace

Tensor ExprBackend::logical_not(const Spec& out, const Tensor& t) {
  return record(Op::logical_not, out, {t}, {}, "", [out](Backend& b, Ins in) { return b.logical_not(out, in[0]); });
}

Tensor ExprBackend::phase(const Spec& out, const Tensor& t) {
  return record(Op::phase, out, {t}, {}, "", [out](Backend& b, Ins in) { return b.phase(out, in[0]); });
}

Tensor ExprBackend::all_close(const Spec& out, const Tensor& a, const Tensor& bt, const AllCloseOptions& opts) {
  return record(Op::all_close, out, {a, bt}, opts, "",
                [out, opts](Backend& b, Ins in) { return b.all_close(out, in[0], in[1], opts); });
}

#define NX_DEFN_CUMULATIVE(name)                                                                 \
  Tensor ExprBackend::name(const Spec& out, const Tensor& t, const CumulativeCallbackOptions& opts) {     \
    return record(Op::name, out, {t}, opts, cumulative_text(opts),                               \
                  [out, opts](Backend& b, Ins in) { return b.name(out, in[0], opts); });         \
  }
NX_DEFN_CUMULATIVE(cumulative_sum)
NX_DEFN_CUMULATIVE(cumulative_product)
NX_DEFN_CUMULATIVE(cumulative_min)
NX_DEFN_CUMULATIVE(cumulative_max)
#undef NX_DEFN_CUMULATIVE

Tensor ExprBackend::take(const Spec& out, const Tensor& t, const Tensor& indices, int axis) {
  return record(Op::take, out, {t, indices}, AxisArgs{axis}, "axis: " + std::to_string(axis),
                [out, axis](Backend& b, Ins in) { return b.take(out, in[0], in[1], axis); });
}

Tensor ExprBackend::take_along_axis(const Spec& out, const Tensor& t, const Tensor& indices, int axis) {
  return record(Op::take_along_axis, out, {t, indices}, AxisArgs{axis}, "axis: " + std::to_string(axis),
                [out, axis](Backend& b, Ins in) { return b.take_along_axis(out, in[0], in[1], axis); });
}

std::vector<Tensor> ExprBackend::top_k(const std::vector<Spec>& out, const Tensor& t, std::int64_t k) {
  return record_multi(Op::top_k, out, {t}, TopKArgs{k}, "k: " + std::to_string(k),
                      [out, k](Backend& b, Ins in) { return b.top_k(out, in[0], k); });
}

Tensor ExprBackend::cholesky(const Spec& out, const Tensor& a) {
  return record(Op::cholesky, out, {a}, {}, "", [out](Backend& b, Ins in) { return b.cholesky(out, in[0]); });
}

Tensor ExprBackend::solve(const Spec& out, const Tensor& a, const Tensor& bt) {
  return record(Op::solve, out, {a, bt}, {}, "", [out](Backend& b, Ins in) { return b.solve(out, in[0], in[1]); });
}

std::vector<Tensor> ExprBackend::qr(const std::vector<Spec>& out, const Tensor& a, const QrOptions& opts) {
  return record_multi(Op::qr, out, {a}, opts, opts.mode == QrMode::reduced ? "mode: reduced" : "mode: complete",
                      [out, opts](Backend& b, Ins in) { return b.qr(out, in[0], opts); });
}

std::vector<Tensor> ExprBackend::eigh(const std::vector<Spec>& out, const Tensor& a, const EighOptions& opts) {
  return record_multi(Op::eigh, out, {a}, opts, "",
                      [out, opts](Backend& b, Ins in) { return b.eigh(out, in[0], opts); });
}

std::vector<Tensor> ExprBackend::svd(const std::vector<Spec>& out, const Tensor& a, const SvdOptions& opts) {
  return record_multi(Op::svd, out, {a}, opts, "full_matrices: " + bool_text(opts.full_matrices),
                      [out, opts](Backend& b, Ins in) { return b.svd(out, in[0], opts); });
}

std::vector<Tensor> ExprBackend::lu(const std::vector<Spec>& out, const Tensor& a) {
  return record_multi(Op::lu, out, {a}, {}, "", [out](Backend& b, Ins in) { return b.lu(out, in[0]); });
}

Tensor ExprBackend::determinant(const Spec& out, const Tensor& a) {
  return record(Op::determinant, out, {a}, {}, "", [out](Backend& b, Ins in) { return b.determinant(out, in[0]); });
}

Tensor ExprBackend::softmax(const Spec& out, const Tensor& t, int axis) {
  return record(Op::softmax, out, {t}, AxisArgs{axis}, "axis: " + std::to_string(axis),
                [out, axis](Backend& b, Ins in) { return b.softmax(out, in[0], axis); });
}

std::vector<Tensor> ExprBackend::expand_block(const Node& n) {
  const Spec& out = n.outs[0];
  const auto& in = n.inputs;
  switch (n.op) {
    case Op::logical_not: return {Backend::logical_not(out, in[0])};
    case Op::phase: return {Backend::phase(out, in[0])};
    case Op::cumulative_sum: return {Backend::cumulative_sum(out, in[0], std::any_cast<CumulativeCallbackOptions>(n.args))};
    case Op::cumulative_product:
      return {Backend::cumulative_product(out, in[0], std::any_cast<CumulativeCallbackOptions>(n.args))};
    case Op::cumulative_min: return {Backend::cumulative_min(out, in[0], std::any_cast<CumulativeCallbackOptions>(n.args))};
    case Op::cumulative_max: return {Backend::cumulative_max(out, in[0], std::any_cast<CumulativeCallbackOptions>(n.args))};
    case Op::take: return {Backend::take(out, in[0], in[1], std::any_cast<AxisArgs>(n.args).axis)};
    case Op::take_along_axis:
      return {Backend::take_along_axis(out, in[0], in[1], std::any_cast<AxisArgs>(n.args).axis)};
    case Op::top_k: return Backend::top_k(n.outs, in[0], std::any_cast<TopKArgs>(n.args).k);
    case Op::fft2: return {Backend::fft2(out, in[0], std::any_cast<Fft2Options>(n.args))};
    case Op::ifft2: return {Backend::ifft2(out, in[0], std::any_cast<Fft2Options>(n.args))};
    case Op::rfft: return {Backend::rfft(out, in[0], std::any_cast<FftOptions>(n.args))};
    case Op::irfft: return {Backend::irfft(out, in[0], std::any_cast<FftOptions>(n.args))};
    case Op::softmax: return {Backend::softmax(out, in[0], std::any_cast<AxisArgs>(n.args).axis)};
    case Op::all_close: return {Backend::all_close(out, in[0], in[1], std::any_cast<AllCloseOptions>(n.args))};
    default: raise("grad", "no default composition to differentiate for " + n.name());
  }
}

}  // namespace nx::defn
