// Default compositions of the sort and scan blocks (Nx.Block.*): all_close,
// cumulative_sum/product/min/max and top_k, built from callbacks only.
#include "../element.hpp"
#include "common.hpp"

namespace nx {

namespace {

Scalar integer_scalar(__int128 v) {
  Scalar s;
  s.kind = Scalar::Kind::integer;
  s.i = v;
  return s;
}

// The identity of a scan's operation in `type`.
Scalar scan_identity(BinaryOp op, Type type) {
  switch (op) {
    case BinaryOp::add: return Scalar(0);
    case BinaryOp::multiply: return Scalar(1);
    default: break;
  }
  const bool lowest = op == BinaryOp::max;
  if (is_integer(type)) return integer_scalar(lowest ? element::int_min(type) : element::int_max(type));
  if (supports_infinity(type)) return Scalar(lowest ? -INFINITY : INFINITY);
  return Scalar(lowest ? -448.0 : 448.0);  // f8_e4m3fn has no infinities
}

// Inclusive scan along `axis` by recursive doubling (Hillis-Steele): after
// the step with offset k every element holds op over the 2k elements ending
// at it. The shifted operand is a pad with the identity on one side and a
// negative pad (crop) on the other; `reverse` shifts the other way.
Tensor scan(Backend& b, const Spec& out, const Tensor& t, const CumulativeCallbackOptions& opts, BinaryOp op) {
  const std::int64_t n = t.dim(opts.axis);
  Tensor x = t.type() == out.type ? t : b.as_type(out, t);
  Tensor identity = b.constant(Spec{{}, out.type, {}}, scan_identity(op, out.type));
  for (std::int64_t k = 1; k < n; k *= 2) {
    std::vector<PadConfig> config(static_cast<std::size_t>(t.rank()));
    config[static_cast<std::size_t>(opts.axis)] = opts.reverse ? PadConfig{-k, k, 0} : PadConfig{k, -k, 0};
    Tensor shifted = b.pad(out, x, identity, config);
    x = b.binary_op(op, out, x, shifted);
  }
  return x;
}

}  // namespace

Tensor Backend::cumulative_sum(const Spec& out, const Tensor& t, const CumulativeCallbackOptions& opts) {
  detail::note_composed("cumulative_sum");
  return scan(*this, out, t, opts, BinaryOp::add);
}

Tensor Backend::cumulative_product(const Spec& out, const Tensor& t, const CumulativeCallbackOptions& opts) {
  detail::note_composed("cumulative_product");
  return scan(*this, out, t, opts, BinaryOp::multiply);
}

Tensor Backend::cumulative_min(const Spec& out, const Tensor& t, const CumulativeCallbackOptions& opts) {
  detail::note_composed("cumulative_min");
  return scan(*this, out, t, opts, BinaryOp::min);
}

Tensor Backend::cumulative_max(const Spec& out, const Tensor& t, const CumulativeCallbackOptions& opts) {
  detail::note_composed("cumulative_max");
  return scan(*this, out, t, opts, BinaryOp::max);
}

Tensor Backend::all_close(const Spec& out, const Tensor& a, const Tensor& b, const AllCloseOptions& opts) {
  detail::note_composed("all_close");
  // close iff |a - b| <= atol + rtol * |b|; literals take the type of the
  // tensor side (Nx's literal rule).
  const Shape shape = front::broadcast_shapes("all_close", a.shape(), b.shape());
  const Type m = merge(a.type(), b.type());
  const bool integers = is_integer(a.type()) && is_integer(b.type());
  // Type of atol + rtol * |b|: |b| in f64 for two integer inputs, else the
  // real type of b (f32 for an integer b).
  const Type rt = integers || is_integer(b.type()) ? (integers ? f64 : f32) : to_real(b.type());
  Tensor bb = integers ? as_type(Spec{b.shape(), f64, {}}, b) : b;
  Tensor abs_b = is_unsigned(bb.type()) ? bb : abs(Spec{b.shape(), is_integer(bb.type()) ? bb.type() : to_real(bb.type()), {}}, bb);
  Tensor rhs = multiply(Spec{b.shape(), rt, {}}, constant(Spec{{}, rt, {}}, opts.rtol), abs_b);
  rhs = add(Spec{b.shape(), rt, {}}, constant(Spec{{}, rt, {}}, opts.atol), rhs);
  Tensor diff = subtract(Spec{shape, m, {}}, a, b);
  Tensor abs_diff = is_unsigned(m) ? diff : abs(Spec{shape, is_integer(m) ? m : to_real(m), {}}, diff);
  const Spec mask{shape, u8, {}};
  Tensor close = less_equal(mask, abs_diff, rhs);
  if (!integers) {
    // Inf - Inf is NaN: where either side is infinite, close iff equal.
    Tensor inf = logical_or(mask, is_infinity(Spec{a.shape(), u8, {}}, a), is_infinity(Spec{b.shape(), u8, {}}, b));
    close = select(mask, inf, equal(mask, a, b), close);
    if (opts.equal_nan)
      close = logical_or(mask, close,
                         logical_and(mask, is_nan(Spec{a.shape(), u8, {}}, a), is_nan(Spec{b.shape(), u8, {}}, b)));
  }
  return all(out, close, ReduceCallbackOptions{});
}

std::vector<Tensor> Backend::top_k(const std::vector<Spec>& out, const Tensor& t, std::int64_t k) {
  detail::note_composed("top_k");
  // Stable descending argsort on the last axis, the first k indices, then
  // the values at those indices.
  const int axis = t.rank() - 1;
  Tensor order = argsort(Spec{t.shape(), s32, t.names()}, t,
                         SortCallbackOptions{.axis = axis, .direction = Direction::desc, .stable = true});
  Tensor indices = order;
  if (k != t.shape().back()) {
    std::vector<std::int64_t> starts(static_cast<std::size_t>(t.rank()), 0);
    indices = slice(out.at(1), order, StartIndices{starts, {}}, out.at(1).shape,
                    std::vector<std::int64_t>(static_cast<std::size_t>(t.rank()), 1));
  }
  Tensor values = take_along_axis(out.at(0), t, indices, axis);
  return {values, indices};
}

}  // namespace nx
