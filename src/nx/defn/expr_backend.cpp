// The expression backend's callbacks: each records a node whose `evaluate`
// runs the same callback, with the same output template and options, on a
// real backend.
#include <atomic>

#include "../frontend/common.hpp"
#include "expr.hpp"
#include "nx/binary_backend.hpp"
#include "nx/print.hpp"

namespace nx::defn {

namespace {

std::atomic<std::uint64_t> g_next_id{1};

std::string reduce_text(const ReduceCallbackOptions& o) {
  return "axes: " + (o.axes ? front::axes_to_string(*o.axes) : std::string("nil")) + ", keep_axes: " + bool_text(o.keep_axes);
}

std::string window_text(const Shape& window, const WindowOptions& o) {
  return format_shape_list(window) + ", strides: " + format_shape_list(o.strides);
}

[[noreturn]] void no_data(std::string_view what) {
  raise(what, "cannot read or move the data of a traced tensor: inside nx::jit and nx::grad "
              "tensors are expressions; return the value from the function instead");
}

}  // namespace

std::string format_shape_list(const std::vector<std::int64_t>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
  return s + "]";
}

ExprBackend& expr() {
  static std::shared_ptr<ExprBackend> backend = std::make_shared<ExprBackend>();
  return *backend;
}

BackendPtr expr_backend() { return expr().shared_from_this(); }

Tensor ExprBackend::wrap(std::shared_ptr<Node> node, const Spec& spec) { return make(spec, std::move(node)); }

Tensor ExprBackend::record(Op op, const Spec& out, std::vector<Tensor> inputs, std::any args, std::string text,
                           std::function<Tensor(Backend&, const std::vector<Tensor>&)> eval) {
  auto node = std::make_shared<Node>();
  node->id = g_next_id++;
  node->op = op;
  node->outs = {out};
  for (auto& t : inputs)
    if (t.defined() && !is_expr(t)) t = capture(t);
  node->inputs = std::move(inputs);
  node->args = std::move(args);
  node->args_text = std::move(text);
  if (eval) node->evaluate = [eval = std::move(eval)](Backend& b, Ins in) { return std::vector<Tensor>{eval(b, in)}; };
  return wrap(std::move(node), out);
}

std::vector<Tensor> ExprBackend::record_multi(Op op, const std::vector<Spec>& outs, std::vector<Tensor> inputs,
                                              std::any args, std::string text, Evaluate eval) {
  Tensor whole = record(op, outs.at(0), std::move(inputs), std::move(args), std::move(text), nullptr);
  auto& node = const_cast<Node&>(node_of(whole));
  node.outs = outs;
  node.evaluate = std::move(eval);
  std::vector<Tensor> elems;
  for (std::size_t i = 0; i < outs.size(); ++i) elems.push_back(elem(whole, i));
  return elems;
}

Tensor ExprBackend::elem(const Tensor& whole, std::size_t i) {
  const Node& n = node_of(whole);
  auto e = std::make_shared<Node>();
  e->id = g_next_id++;
  e->op = Op::elem;
  e->outs = {n.outs.at(i)};
  e->inputs = {whole};
  e->index = static_cast<int>(i);
  return wrap(std::move(e), n.outs[i]);
}

bool is_expr(const Tensor& t) { return t.defined() && t.backend()->traces(); }

const Node& node_of(const Tensor& t) { return payload<Node>(t); }

Tensor parameter(const Spec& spec, int index) {
  auto node = std::make_shared<Node>();
  node->id = g_next_id++;
  node->op = Op::parameter;
  node->outs = {spec};
  node->index = index;
  return expr().wrap(std::move(node), spec);
}

Tensor capture(const Tensor& t) {
  if (is_expr(t)) return t;
  auto node = std::make_shared<Node>();
  node->id = g_next_id++;
  node->op = Op::tensor;
  node->outs = {t.spec()};
  node->value = t;
  return expr().wrap(std::move(node), t.spec());
}

bool any_expr(const std::vector<Tensor>& ts) {
  for (const auto& t : ts)
    if (is_expr(t)) return true;
  return false;
}

bool all_expr(const std::vector<Tensor>& ts) {
  for (const auto& t : ts)
    if (!is_expr(t)) return false;
  return true;
}

// ---- creation and conversion ----

Tensor ExprBackend::constant(const Spec& out, const Scalar& value) {
  auto node = std::make_shared<Node>();
  node->id = g_next_id++;
  node->op = Op::constant;
  node->outs = {out};
  node->scalar = value;
  return wrap(std::move(node), out);
}

Tensor ExprBackend::from_binary(const Spec& out, std::span<const std::uint8_t> bytes) {
  return capture(binary_backend()->from_binary(out, bytes));
}

Tensor ExprBackend::eye(const Spec& out) {
  return record(Op::eye, out, {}, {}, "", [out](Backend& b, Ins) { return b.eye(out); });
}

Tensor ExprBackend::iota(const Spec& out, std::optional<int> axis) {
  return record(Op::iota, out, {}, axis, "axis: " + (axis ? std::to_string(*axis) : std::string("nil")),
                [out, axis](Backend& b, Ins) { return b.iota(out, axis); });
}

bool ExprBackend::backend_deallocate(const Tensor&) { return false; }
Tensor ExprBackend::backend_copy(const Tensor&, const BackendPtr&) { no_data("backend_copy"); }
Tensor ExprBackend::backend_transfer(const Tensor&, const BackendPtr&) { no_data("backend_transfer"); }
std::vector<Tensor> ExprBackend::to_batched(const Spec&, const Tensor&, Leftover) { no_data("to_batched"); }
std::vector<std::uint8_t> ExprBackend::to_binary(const Tensor&, std::int64_t) { no_data("to_binary"); }
Tensor ExprBackend::from_pointer(const Spec&, const Pointer&) { no_data("from_pointer"); }
Pointer ExprBackend::to_pointer(const Tensor&) { no_data("to_pointer"); }

Tensor ExprBackend::as_type(const Spec& out, const Tensor& t) {
  return record(Op::as_type, out, {t}, {}, "", [out](Backend& b, Ins in) { return b.as_type(out, in[0]); });
}

Tensor ExprBackend::bitcast(const Spec& out, const Tensor& t) {
  return record(Op::bitcast, out, {t}, {}, "", [out](Backend& b, Ins in) { return b.bitcast(out, in[0]); });
}

// ---- shape and layout ----

Tensor ExprBackend::reshape(const Spec& out, const Tensor& t) {
  return record(Op::reshape, out, {t}, {}, "", [out](Backend& b, Ins in) { return b.reshape(out, in[0]); });
}

Tensor ExprBackend::squeeze(const Spec& out, const Tensor& t, const AxisIndices& axes) {
  return record(Op::squeeze, out, {t}, AxesArgs{axes}, "axes: " + front::axes_to_string(axes),
                [out, axes](Backend& b, Ins in) { return b.squeeze(out, in[0], axes); });
}

Tensor ExprBackend::broadcast(const Spec& out, const Tensor& t, const Shape& shape, const AxisIndices& axes) {
  return record(Op::broadcast, out, {t}, BroadcastArgs{shape, axes},
                shape_to_string(shape) + ", axes: " + front::axes_to_string(axes),
                [out, shape, axes](Backend& b, Ins in) { return b.broadcast(out, in[0], shape, axes); });
}

Tensor ExprBackend::transpose(const Spec& out, const Tensor& t, const AxisIndices& axes) {
  return record(Op::transpose, out, {t}, AxesArgs{axes}, "axes: " + front::axes_to_string(axes),
                [out, axes](Backend& b, Ins in) { return b.transpose(out, in[0], axes); });
}

Tensor ExprBackend::pad(const Spec& out, const Tensor& t, const Tensor& pad_value,
                        const std::vector<PadConfig>& config) {
  std::string text = "[";
  for (std::size_t i = 0; i < config.size(); ++i)
    text += (i ? ", {" : "{") + std::to_string(config[i].low) + ", " + std::to_string(config[i].high) + ", " +
            std::to_string(config[i].interior) + "}";
  return record(Op::pad, out, {t, pad_value}, PadArgs{config}, text + "]",
                [out, config](Backend& b, Ins in) { return b.pad(out, in[0], in[1], config); });
}

Tensor ExprBackend::reverse(const Spec& out, const Tensor& t, const AxisIndices& axes) {
  return record(Op::reverse, out, {t}, AxesArgs{axes}, "axes: " + front::axes_to_string(axes),
                [out, axes](Backend& b, Ins in) { return b.reverse(out, in[0], axes); });
}

Tensor ExprBackend::concatenate(const Spec& out, const std::vector<Tensor>& tensors, int axis) {
  return record(Op::concatenate, out, tensors, AxisArgs{axis}, "axis: " + std::to_string(axis),
                [out, axis](Backend& b, Ins in) { return b.concatenate(out, in, axis); });
}

Tensor ExprBackend::stack(const Spec& out, const std::vector<Tensor>& tensors, int axis) {
  return record(Op::stack, out, tensors, AxisArgs{axis}, "axis: " + std::to_string(axis),
                [out, axis](Backend& b, Ins in) { return b.stack(out, in, axis); });
}

// ---- contraction, convolution, selection ----

Tensor ExprBackend::dot(const Spec& out, const Tensor& a, const AxisIndices& ca, const AxisIndices& ba, const Tensor& bt,
                        const AxisIndices& cb, const AxisIndices& bb) {
  return record(Op::dot, out, {a, bt}, DotArgs{ca, ba, cb, bb},
                front::axes_to_string(ca) + ", " + front::axes_to_string(ba) + ", " + front::axes_to_string(cb) + ", " + front::axes_to_string(bb),
                [out, ca, ba, cb, bb](Backend& b, Ins in) { return b.dot(out, in[0], ca, ba, in[1], cb, bb); });
}

Tensor ExprBackend::conv(const Spec& out, const Tensor& input, const Tensor& kernel, const ConvOptions& opts) {
  return record(Op::conv, out, {input, kernel}, opts, "strides: " + format_shape_list(opts.strides),
                [out, opts](Backend& b, Ins in) { return b.conv(out, in[0], in[1], opts); });
}

Tensor ExprBackend::clip(const Spec& out, const Tensor& t, const Tensor& min, const Tensor& max) {
  return record(Op::clip, out, {t, min, max}, {}, "",
                [out](Backend& b, Ins in) { return b.clip(out, in[0], in[1], in[2]); });
}

Tensor ExprBackend::select(const Spec& out, const Tensor& pred, const Tensor& on_true, const Tensor& on_false) {
  return record(Op::select, out, {pred, on_true, on_false}, {}, "",
                [out](Backend& b, Ins in) { return b.select(out, in[0], in[1], in[2]); });
}

// ---- indexing ----

namespace {

StartIndices starts_from(const std::vector<std::int64_t>& fixed, Ins in, std::size_t first) {
  StartIndices s;
  if (first < in.size()) s.dynamic.assign(in.begin() + static_cast<std::ptrdiff_t>(first), in.end());
  else s.fixed = fixed;
  return s;
}

}  // namespace

Tensor ExprBackend::slice(const Spec& out, const Tensor& t, const StartIndices& starts,
                          const std::vector<std::int64_t>& lengths, const std::vector<std::int64_t>& strides) {
  std::vector<Tensor> inputs{t};
  inputs.insert(inputs.end(), starts.dynamic.begin(), starts.dynamic.end());
  auto fixed = starts.is_dynamic() ? std::vector<std::int64_t>{} : starts.fixed;
  return record(Op::slice, out, inputs, SliceArgs{fixed, lengths, strides},
                format_shape_list(fixed) + ", " + format_shape_list(lengths) + ", strides: " + format_shape_list(strides),
                [out, fixed, lengths, strides](Backend& b, Ins in) {
                  return b.slice(out, in[0], starts_from(fixed, in, 1), lengths, strides);
                });
}

Tensor ExprBackend::put_slice(const Spec& out, const Tensor& t, const StartIndices& starts, const Tensor& slice) {
  std::vector<Tensor> inputs{t, slice};
  inputs.insert(inputs.end(), starts.dynamic.begin(), starts.dynamic.end());
  auto fixed = starts.is_dynamic() ? std::vector<std::int64_t>{} : starts.fixed;
  return record(Op::put_slice, out, inputs, PutSliceArgs{fixed}, format_shape_list(fixed),
                [out, fixed](Backend& b, Ins in) { return b.put_slice(out, in[0], starts_from(fixed, in, 2), in[1]); });
}

Tensor ExprBackend::gather(const Spec& out, const Tensor& t, const Tensor& indices, const AxisIndices& axes) {
  return record(Op::gather, out, {t, indices}, AxesArgs{axes}, "axes: " + front::axes_to_string(axes),
                [out, axes](Backend& b, Ins in) { return b.gather(out, in[0], in[1], axes); });
}

Tensor ExprBackend::indexed_add(const Spec& out, const Tensor& target, const Tensor& indices,
                                const Tensor& updates, const AxisIndices& axes) {
  return record(Op::indexed_add, out, {target, indices, updates}, AxesArgs{axes}, "axes: " + front::axes_to_string(axes),
                [out, axes](Backend& b, Ins in) { return b.indexed_add(out, in[0], in[1], in[2], axes); });
}

Tensor ExprBackend::indexed_put(const Spec& out, const Tensor& target, const Tensor& indices,
                                const Tensor& updates, const AxisIndices& axes) {
  return record(Op::indexed_put, out, {target, indices, updates}, AxesArgs{axes}, "axes: " + front::axes_to_string(axes),
                [out, axes](Backend& b, Ins in) { return b.indexed_put(out, in[0], in[1], in[2], axes); });
}

// ---- reductions ----

#define NX_DEFN_REDUCE(name)                                                                     \
  Tensor ExprBackend::name(const Spec& out, const Tensor& t, const ReduceCallbackOptions& opts) {        \
    return record(Op::name, out, {t}, opts, reduce_text(opts),                                   \
                  [out, opts](Backend& b, Ins in) { return b.name(out, in[0], opts); });         \
  }
NX_DEFN_REDUCE(all)
NX_DEFN_REDUCE(any)
NX_DEFN_REDUCE(sum)
NX_DEFN_REDUCE(product)
NX_DEFN_REDUCE(reduce_max)
NX_DEFN_REDUCE(reduce_min)
#undef NX_DEFN_REDUCE

#define NX_DEFN_ARG_REDUCE(name)                                                                 \
  Tensor ExprBackend::name(const Spec& out, const Tensor& t, const ArgReduceCallbackOptions& opts) {     \
    return record(Op::name, out, {t}, opts,                                                      \
                  "axis: " + (opts.axis ? std::to_string(*opts.axis) : std::string("nil")) +     \
                      ", tie_break: " + (opts.tie_break == TieBreak::low ? "low" : "high"),      \
                  [out, opts](Backend& b, Ins in) { return b.name(out, in[0], opts); });         \
  }
NX_DEFN_ARG_REDUCE(argmax)
NX_DEFN_ARG_REDUCE(argmin)
#undef NX_DEFN_ARG_REDUCE

Tensor ExprBackend::reduce(const Spec& out, const Tensor& t, const Tensor& acc, const ReduceCallbackOptions& opts,
                           const ReduceFn& fn) {
  return record(Op::reduce, out, {t, acc}, opts, reduce_text(opts),
                [out, opts, fn](Backend& b, Ins in) { return b.reduce(out, in[0], in[1], opts, fn); });
}

// ---- windows ----

Tensor ExprBackend::window_reduce(const Spec& out, const Tensor& t, const Tensor& acc, const Shape& window,
                                  const WindowOptions& opts, const ReduceFn& fn) {
  return record(Op::window_reduce, out, {t, acc}, WindowArgs{window, opts}, window_text(window, opts),
                [out, window, opts, fn](Backend& b, Ins in) {
                  return b.window_reduce(out, in[0], in[1], window, opts, fn);
                });
}

#define NX_DEFN_WINDOW(name)                                                                            \
  Tensor ExprBackend::name(const Spec& out, const Tensor& t, const Shape& window, const WindowOptions& opts) { \
    return record(Op::name, out, {t}, WindowArgs{window, opts}, window_text(window, opts),               \
                  [out, window, opts](Backend& b, Ins in) { return b.name(out, in[0], window, opts); }); \
  }
NX_DEFN_WINDOW(window_sum)
NX_DEFN_WINDOW(window_product)
NX_DEFN_WINDOW(window_max)
NX_DEFN_WINDOW(window_min)
#undef NX_DEFN_WINDOW

#define NX_DEFN_WINDOW_SCATTER(name)                                                              \
  Tensor ExprBackend::name(const Spec& out, const Tensor& t, const Tensor& source, const Tensor& init, \
                           const Shape& window, const WindowOptions& opts) {                      \
    return record(Op::name, out, {t, source, init}, WindowArgs{window, opts}, window_text(window, opts), \
                  [out, window, opts](Backend& b, Ins in) {                                       \
                    return b.name(out, in[0], in[1], in[2], window, opts);                        \
                  });                                                                             \
  }
NX_DEFN_WINDOW_SCATTER(window_scatter_max)
NX_DEFN_WINDOW_SCATTER(window_scatter_min)
#undef NX_DEFN_WINDOW_SCATTER

// ---- sorting, linear algebra, fft ----

Tensor ExprBackend::sort(const Spec& out, const Tensor& t, const SortCallbackOptions& opts) {
  return record(Op::sort, out, {t}, opts, "axis: " + std::to_string(opts.axis),
                [out, opts](Backend& b, Ins in) { return b.sort(out, in[0], opts); });
}

Tensor ExprBackend::argsort(const Spec& out, const Tensor& t, const SortCallbackOptions& opts) {
  return record(Op::argsort, out, {t}, opts, "axis: " + std::to_string(opts.axis),
                [out, opts](Backend& b, Ins in) { return b.argsort(out, in[0], opts); });
}

Tensor ExprBackend::triangular_solve(const Spec& out, const Tensor& a, const Tensor& bt,
                                     const TriangularSolveOptions& opts) {
  return record(Op::triangular_solve, out, {a, bt}, opts, "lower: " + bool_text(opts.lower),
                [out, opts](Backend& b, Ins in) { return b.triangular_solve(out, in[0], in[1], opts); });
}

#define NX_DEFN_FFT(name)                                                                       \
  Tensor ExprBackend::name(const Spec& out, const Tensor& t, const FftOptions& opts) {          \
    return record(Op::name, out, {t}, opts,                                                     \
                  "length: " + std::to_string(opts.length) + ", axis: " + std::to_string(opts.axis), \
                  [out, opts](Backend& b, Ins in) { return b.name(out, in[0], opts); });        \
  }
NX_DEFN_FFT(fft)
NX_DEFN_FFT(ifft)
NX_DEFN_FFT(rfft)
NX_DEFN_FFT(irfft)
#undef NX_DEFN_FFT

Tensor ExprBackend::fft2(const Spec& out, const Tensor& t, const Fft2Options& opts) {
  return record(Op::fft2, out, {t}, opts, "lengths: " + format_shape_list(opts.lengths),
                [out, opts](Backend& b, Ins in) { return b.fft2(out, in[0], opts); });
}

Tensor ExprBackend::ifft2(const Spec& out, const Tensor& t, const Fft2Options& opts) {
  return record(Op::ifft2, out, {t}, opts, "lengths: " + format_shape_list(opts.lengths),
                [out, opts](Backend& b, Ins in) { return b.ifft2(out, in[0], opts); });
}

// ---- element-wise ----

Tensor ExprBackend::binary_op(BinaryOp op, const Spec& out, const Tensor& a, const Tensor& b) {
  Tensor t = record(Op::binary, out, {a, b}, {}, "", [out, op](Backend& be, Ins in) {
    return (be.*callback_of(op))(out, in[0], in[1]);
  });
  const_cast<Node&>(node_of(t)).binary_op = op;
  return t;
}

Tensor ExprBackend::unary_op(UnaryOp op, const Spec& out, const Tensor& x) {
  Tensor t = record(Op::unary, out, {x}, {}, "", [out, op](Backend& be, Ins in) {
    return (be.*callback_of(op))(out, in[0]);
  });
  const_cast<Node&>(node_of(t)).unary_op = op;
  return t;
}

}  // namespace nx::defn
