// Default compositions of the sort and scan blocks (Nx.Block.*): all_close,
// cumulative_sum/product/min/max and top_k, built from callbacks only.
#include "common.hpp"

namespace nx {

namespace {

// Nx's associative scan, step for step, so that float sums and products
// round as Nx's do. On axis `ax` of length n >= 2: the pairs
// p_i = op(x_{2i+1}, x_{2i}) are scanned recursively into the inclusive
// results at odd positions; each even position 2i+2 is then
// op(result_{2i+1}, x_{2i+2}), and position 0 is x_0.
class Scan {
 public:
  Scan(Backend& b, BinaryOp op, int axis) : b_(b), op_(op), ax_(static_cast<std::size_t>(axis)) {}

  Tensor run(const Tensor& x) const {
    const std::int64_t n = x.dim(static_cast<int>(ax_));
    if (n < 2) return x;
    Tensor even = along(x, 0, n - 1, 2), odd = along(x, 1, n - 1, 2);
    Tensor pairs = apply(odd, even);
    if (n == 2) return cat({even, pairs});
    Tensor scanned_odd = run(pairs);
    if (n % 2 == 0) {
      const std::int64_t h = n / 2;
      Tensor scanned_even = cat({along(even, 0, 1, 1), apply(along(scanned_odd, 0, h - 1, 1), along(even, 1, h - 1, 1))});
      return interleave(scanned_even, scanned_odd);
    }
    Tensor scanned_even = apply(scanned_odd, along(x, 2, n - 2, 2));
    return cat({along(x, 0, 1, 1), interleave(scanned_odd, scanned_even)});
  }

 private:
  Shape with_dim(const Tensor& t, std::int64_t d) const {
    Shape s = t.shape();
    s[ax_] = d;
    return s;
  }
  // Nx's slice_along_axis: `len` elements from `start`, every `stride`-th kept.
  Tensor along(const Tensor& t, std::int64_t start, std::int64_t len, std::int64_t stride) const {
    std::vector<std::int64_t> starts(t.shape().size(), 0), lengths = t.shape(), strides(t.shape().size(), 1);
    starts[ax_] = start;
    lengths[ax_] = len;
    strides[ax_] = stride;
    return b_.slice(Spec{with_dim(t, (len - 1) / stride + 1), t.type(), {}}, t, StartIndices{starts, {}}, lengths,
                    strides);
  }
  Tensor apply(const Tensor& a, const Tensor& c) const { return b_.binary_op(op_, Spec{a.shape(), a.type(), {}}, a, c); }
  Tensor cat(const std::vector<Tensor>& ts) const {
    std::int64_t d = 0;
    for (const auto& t : ts) d += t.dim(static_cast<int>(ax_));
    return b_.concatenate(Spec{with_dim(ts[0], d), ts[0].type(), {}}, ts, static_cast<int>(ax_));
  }
  // l_0, r_0, l_1, r_1, ... along the axis.
  Tensor interleave(const Tensor& l, const Tensor& r) const {
    Shape stacked = l.shape();
    stacked.insert(stacked.begin() + static_cast<std::ptrdiff_t>(ax_) + 1, 2);
    Tensor s = b_.stack(Spec{stacked, l.type(), {}}, {l, r}, static_cast<int>(ax_) + 1);
    return b_.reshape(Spec{with_dim(l, 2 * l.dim(static_cast<int>(ax_))), l.type(), {}}, s);
  }

  Backend& b_;
  BinaryOp op_;
  std::size_t ax_;
};

Tensor scan(Backend& b, const Spec& out, const Tensor& t, const CumulativeCallbackOptions& opts, BinaryOp op) {
  Tensor x = t.type() == out.type ? t : b.as_type(out, t);
  if (t.dim(opts.axis) < 2) return x;
  const Spec flipped{out.shape, out.type, {}};
  if (opts.reverse) x = b.reverse(flipped, x, {opts.axis});
  x = Scan(b, op, opts.axis).run(x);
  return opts.reverse ? b.reverse(out, x, {opts.axis}) : b.reshape(out, x);
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
