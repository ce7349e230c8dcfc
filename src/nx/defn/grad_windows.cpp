// Gradient rules of the window ops. The options arrive canonical (explicit
// padding pairs, strides and dilations per axis). Along one axis, with
// padding (lo, hi), stride s, dilation dl, window k and input size n, the
// padded input has P = n + lo + hi elements and output o reads padded
// positions o*s + j*dl for j < k.
//   window_sum      the transpose of that read: g spread onto its windows.
//   window_max/min  g routed to the position each window selects (the last
//                   maximum/minimum in row-major order, as the window
//                   scatters select): window_scatter_max/min when there is
//                   no dilation, otherwise an explicit window extraction.
//   window_product  g times the product of the window's other elements
//                   (prefix times suffix products, so zeros are exact).
//   window_scatter  d source = g at each window's selected position (0 when
//                   the selection lies in the padding), d init = sum(g)
//                   (init fills every element), none for t (the selection
//                   is piecewise constant in t).
//   window_reduce   not differentiable (user function).
#include "grad.hpp"

#include <cmath>

namespace nx::defn::grad {

namespace {

std::int64_t dilation(const WindowOptions& o, std::size_t d) {
  return o.window_dilations.empty() ? 1 : o.window_dilations[d];
}

bool any_padding(const WindowOptions& o) {
  for (const auto& [lo, hi] : o.padding)
    if (lo != 0 || hi != 0) return true;
  return false;
}

std::vector<PadConfig> edge_padding(const WindowOptions& o, bool negate) {
  std::vector<PadConfig> cfg;
  for (const auto& [lo, hi] : o.padding) cfg.push_back(negate ? PadConfig{-lo, -hi, 0} : PadConfig{lo, hi, 0});
  return cfg;
}

// The windows of `t` as one tensor [out..., W] (W = window size, offsets in
// row-major order): `t` padded with `pad_value` as the op pads it, then one
// strided slice per window offset, stacked on a new last axis.
Tensor patches(const Tensor& t, const Tensor& pad_value, const Shape& window, const WindowOptions& o,
               const Shape& out_shape) {
  const std::size_t r = window.size();
  Tensor p = any_padding(o) ? nx::pad(t, pad_value, edge_padding(o, false)) : t;
  std::vector<Tensor> parts;
  std::vector<std::int64_t> j(r, 0), starts(r), spans(r);
  // slice takes the covered length, not the element count.
  for (std::size_t d = 0; d < r; ++d) spans[d] = (out_shape[d] - 1) * o.strides[d] + 1;
  for (std::int64_t k = 0; k < shape_size(window); ++k) {
    for (std::size_t d = 0; d < r; ++d) starts[d] = j[d] * dilation(o, d);
    parts.push_back(nx::slice(p, starts, spans, {.strides = o.strides}));
    for (std::size_t d = r; d-- > 0;) {
      if (++j[d] < window[d]) break;
      j[d] = 0;
    }
  }
  return nx::stack(parts, static_cast<int>(r));
}

// The transpose of `patches`: every entry of `c` [out..., W] added back onto
// the input element it was read from (padding positions dropped).
Tensor unpatches(const Tensor& c, const Shape& in_shape, const Shape& window, const WindowOptions& o) {
  const std::size_t r = window.size();
  Shape out_shape(c.shape().begin(), c.shape().end() - 1);
  std::vector<std::int64_t> j(r, 0);
  Tensor total;
  for (std::int64_t k = 0; k < shape_size(window); ++k) {
    // Entry k of output o came from padded position o*s + j*dl: place the
    // slice there with interior padding s - 1.
    std::vector<PadConfig> place;
    for (std::size_t d = 0; d < r; ++d) {
      const std::int64_t padded = in_shape[d] + o.padding[d].first + o.padding[d].second;
      const std::int64_t start = j[d] * dilation(o, d), span = (out_shape[d] - 1) * o.strides[d] + 1;
      place.push_back({start, padded - start - span, o.strides[d] - 1});
    }
    Tensor part = nx::pad(nx::reshape(nx::slice_along_axis(c, k, 1, static_cast<int>(r)), out_shape), 0, place);
    total = total.defined() ? nx::add(total, part) : part;
    for (std::size_t d = r; d-- > 0;) {
      if (++j[d] < window[d]) break;
      j[d] = 0;
    }
  }
  return any_padding(o) ? nx::pad(total, 0, edge_padding(o, true)) : total;
}

// One-hot (in `type`) over the last axis of windows `p`: the position each
// window selects, the last maximum (minimum) in row-major order.
Tensor selection(const Tensor& p, bool is_max, Type type) {
  const int last = p.rank() - 1;
  const ArgReduceOptions arg{.axis = last, .tie_break = TieBreak::high, .keep_axis = true};
  Tensor idx = is_max ? nx::argmax(p, arg) : nx::argmin(p, arg);
  Tensor pos = nx::iota(p.shape(), {.type = idx.type(), .axis = last, .backend = expr_backend()});
  return nx::as_type(nx::equal(pos, idx), type);
}

Tensor with_last_axis(const Tensor& g) { return nx::new_axis(g, g.rank()); }

// window_sum's transpose along each axis: g dilated by the stride and
// padded by (extent - 1) below and up to P above, then summed over the same
// (symmetric) window with stride 1 gives the padded input's gradient; the
// op's padding is then cropped off (negative padding re-added as zeros).
Tensor window_sum_grad(const Tensor& g, const Shape& in_shape, const Shape& window, const WindowOptions& o) {
  const std::size_t r = window.size();
  std::vector<PadConfig> spread;
  for (std::size_t d = 0; d < r; ++d) {
    const std::int64_t extent = (window[d] - 1) * dilation(o, d) + 1;
    const std::int64_t padded = in_shape[d] + o.padding[d].first + o.padding[d].second;
    spread.push_back({extent - 1, padded - 1 - (g.dim(static_cast<int>(d)) - 1) * o.strides[d], o.strides[d] - 1});
  }
  WindowFrontOptions wo{.padding = Padding::valid, .strides = {1}, .window_dilations = o.window_dilations};
  Tensor dp = nx::window_sum(nx::pad(g, 0, spread), window, wo);
  return any_padding(o) ? nx::pad(dp, 0, edge_padding(o, true)) : dp;
}

// window_max/min: g to each window's selected element.
Tensor window_extreme_grad(const Tensor& x, const Tensor& g, const Shape& window, const WindowOptions& o,
                           bool is_max) {
  // The op pads with the identity of max (min), so padding never wins
  // against a real element.
  Tensor identity = constant(is_max ? -INFINITY : INFINITY, x.type());
  bool dilated = false;
  for (std::size_t d = 0; d < window.size(); ++d) dilated = dilated || dilation(o, d) != 1;
  if (dilated) {
    Tensor pick = selection(patches(x, identity, window, o, g.shape()), is_max, g.type());
    return unpatches(nx::multiply(pick, with_last_axis(g)), x.shape(), window, o);
  }
  // The scatters select over `t` padded with init_value (here 0, the base of
  // the result): pad with the identity explicitly and scatter unpadded.
  Tensor xp = any_padding(o) ? nx::pad(x, identity, edge_padding(o, false)) : x;
  WindowFrontOptions wo{.padding = Padding::valid, .strides = o.strides};
  Tensor s = is_max ? nx::window_scatter_max(xp, g, 0, window, wo) : nx::window_scatter_min(xp, g, 0, window, wo);
  return any_padding(o) ? nx::pad(s, 0, edge_padding(o, true)) : s;
}

// d product / d x_i within each window: the product of the window's other
// elements, as exclusive prefix times exclusive suffix products (no division).
Tensor window_product_grad(const Tensor& x, const Tensor& g, const Shape& window, const WindowOptions& o) {
  Tensor p = patches(x, constant(1, x.type()), window, o, g.shape());
  const int last = p.rank() - 1;
  std::vector<PadConfig> before(static_cast<std::size_t>(p.rank())), after(static_cast<std::size_t>(p.rank()));
  before.back() = {1, -1, 0};
  after.back() = {-1, 1, 0};
  Tensor lower = nx::cumulative_product(nx::pad(p, 1, before), {.axis = last});
  Tensor upper = nx::cumulative_product(nx::pad(p, 1, after), {.axis = last, .reverse = true});
  return unpatches(nx::multiply(with_last_axis(g), nx::multiply(lower, upper)), x.shape(), window, o);
}

}  // namespace

std::vector<Tensor> windows(const Node& n, const std::vector<Tensor>&, const std::vector<Tensor>& gs) {
  if (n.op == Op::window_reduce)
    not_differentiable(n, "window_reduce runs a user function; use window_sum, window_product, window_max or "
                          "window_min, or wrap it in stop_grad or custom_grad");
  const Tensor& g = gs[0];
  const Tensor& x = n.inputs[0];
  const auto& [window, o] = std::any_cast<const WindowArgs&>(n.args);
  if (!g.defined()) return none(n);
  switch (n.op) {
    case Op::window_sum:
    case Op::window_product:
    case Op::window_max:
    case Op::window_min: {
      if (!is_float(x.type())) return none(n);
      if (x.rank() == 0) return {g};  // a rank-0 window is the element itself
      if (n.op == Op::window_sum) return {window_sum_grad(g, x.shape(), window, o)};
      if (n.op == Op::window_product) return {window_product_grad(x, g, window, o)};
      return {window_extreme_grad(x, g, window, o, n.op == Op::window_max)};
    }
    case Op::window_scatter_max:
    case Op::window_scatter_min: {
      const Tensor &source = n.inputs[1], &init = n.inputs[2];
      std::vector<Tensor> r(3);
      r[2] = nx::sum(g);
      if (x.rank() == 0) {
        r[1] = g;
        return r;
      }
      // Selection runs in merge(t, init), over t padded with init.
      const Type sel = merge(x.type(), init.type());
      Tensor windows_of_t = patches(nx::as_type(x, sel), nx::as_type(init, sel), window, o, source.shape());
      Tensor pick = selection(windows_of_t, n.op == Op::window_scatter_max, g.type());
      Tensor g_windows = patches(g, constant(0, g.type()), window, o, source.shape());
      r[1] = nx::sum(nx::multiply(pick, g_windows), {.axes = AxisIndices{source.rank()}});
      return r;
    }
    default: return none(n);
  }
}

}  // namespace nx::defn::grad
