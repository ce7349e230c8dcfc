// Front end: reductions and arg-reductions.
#include "common.hpp"

namespace nx {

namespace {

using ReduceMember = Tensor (Backend::*)(const Spec&, const Tensor&, const ReduceCallbackOptions&);

Tensor reduction(std::string_view op, const Tensor& t, const ReduceOptions& opts, Type out_type,
                 ReduceMember member) {
  ReduceCallbackOptions norm{.keep_axes = opts.keep_axes};
  if (opts.axes) {
    norm.axes = front::normalize_axes(op, *opts.axes, t);
    if (norm.axes->empty()) return as_type(t, out_type);
  }
  Spec out{front::reduced_shape(t.shape(), norm.axes, norm.keep_axes), out_type,
           front::reduced_names(t.names(), t.rank(), norm.axes, norm.keep_axes)};
  return (t.backend().get()->*member)(out, t, norm);
}

void reject_complex(std::string_view op, const Tensor& t) {
  if (is_complex(t.type())) front::raise_complex_not_supported(op, op, 2);
}

}  // namespace

Tensor sum(const Tensor& t, const ReduceOptions& opts) {
  return reduction("sum", t, opts, to_aggregate(t.type()), &Backend::sum);
}
Tensor product(const Tensor& t, const ReduceOptions& opts) {
  return reduction("product", t, opts, to_aggregate(t.type()), &Backend::product);
}
Tensor reduce_max(const Tensor& t, const ReduceOptions& opts) {
  reject_complex("reduce_max", t);
  return reduction("reduce_max", t, opts, t.type(), &Backend::reduce_max);
}
Tensor reduce_min(const Tensor& t, const ReduceOptions& opts) {
  reject_complex("reduce_min", t);
  return reduction("reduce_min", t, opts, t.type(), &Backend::reduce_min);
}
Tensor all(const Tensor& t, const ReduceOptions& opts) {
  return reduction("all", t, opts, u8, &Backend::all);
}
Tensor any(const Tensor& t, const ReduceOptions& opts) {
  return reduction("any", t, opts, u8, &Backend::any);
}

namespace {

Tensor arg_reduction(std::string_view op, const Tensor& t, const ArgReduceOptions& opts, bool is_max) {
  reject_complex(op, t);
  Type type = opts.type.value_or(s32);
  if (!is_integer(type)) raise(op, "type must be an integer type, got: " + front::type_name(type));
  ArgReduceCallbackOptions norm{.tie_break = opts.tie_break, .keep_axis = opts.keep_axis};
  Spec out;
  out.type = type;
  if (opts.axis) {
    norm.axis = front::normalize_axis(op, *opts.axis, t);
    AxisIndices ax{*norm.axis};
    out.shape = front::reduced_shape(t.shape(), ax, opts.keep_axis);
    out.names = front::reduced_names(t.names(), t.rank(), ax, opts.keep_axis);
  }
  return is_max ? t.backend()->argmax(out, t, norm) : t.backend()->argmin(out, t, norm);
}

}  // namespace

Tensor argmax(const Tensor& t, const ArgReduceOptions& opts) { return arg_reduction("argmax", t, opts, true); }
Tensor argmin(const Tensor& t, const ArgReduceOptions& opts) { return arg_reduction("argmin", t, opts, false); }

Tensor reduce(const Tensor& t, const Tensor& acc, const ReduceFn& fn, const CustomReduceOptions& opts) {
  if (!fn) raise("reduce", "the reducer function is empty");
  if (acc.rank() != 0) raise("reduce", "the accumulator must be a non-vectorized scalar, got: " + inspect(acc));
  ReduceCallbackOptions norm{.keep_axes = opts.keep_axes};
  if (opts.axes) norm.axes = front::normalize_axes("reduce", *opts.axes, t);
  Type type = opts.type.value_or(merge(t.type(), acc.type()));
  Spec out{front::reduced_shape(t.shape(), norm.axes, norm.keep_axes), type,
           front::reduced_names(t.names(), t.rank(), norm.axes, norm.keep_axes)};
  return t.backend()->reduce(out, t, front::on(acc, t.backend()), norm, fn);
}

Tensor reduce(const Tensor& t, const Scalar& acc, const ReduceFn& fn, const CustomReduceOptions& opts) {
  CustomReduceOptions o = opts;
  if (!o.type) o.type = merge_number(t.type(), acc);
  return reduce(t, front::scalar_tensor(acc, t.backend()), fn, o);
}

}  // namespace nx
