// Gradient rules of reductions and scans. max/min reductions split the
// gradient equally among tied maxima (Nx's rule); arg-reductions and
// boolean reductions pass none; a user-function reduce has no gradient.
#include <numeric>

#include "../frontend/common.hpp"
#include "grad.hpp"

namespace nx::defn::grad {

namespace {

// d product / d x_i = product of every other element, computed without
// dividing (so zeros are handled): exclusive prefix times exclusive suffix
// products along the reduced elements.
Tensor product_grad(const Tensor& x, const Tensor& g, const ReduceCallbackOptions& opts) {
  const int rank = x.rank();
  AxisIndices reduced = opts.axes ? *opts.axes : AxisIndices{};
  if (!opts.axes) {
    reduced.resize(static_cast<std::size_t>(rank));
    std::iota(reduced.begin(), reduced.end(), 0);
  }
  AxisIndices perm, kept;
  for (int d = 0; d < rank; ++d)
    if (std::find(reduced.begin(), reduced.end(), d) == reduced.end()) kept.push_back(d);
  perm = kept;
  perm.insert(perm.end(), reduced.begin(), reduced.end());
  Tensor moved = nx::transpose(x, perm);
  Shape flat_shape;
  std::int64_t n = 1;
  for (int d : kept) flat_shape.push_back(x.dim(d));
  for (int d : reduced) n *= x.dim(d);
  flat_shape.push_back(n);
  Tensor flat = nx::reshape(moved, flat_shape);
  const int last = static_cast<int>(flat_shape.size()) - 1;
  std::vector<PadConfig> left(flat_shape.size()), right(flat_shape.size());
  left[static_cast<std::size_t>(last)] = {1, -1, 0};
  right[static_cast<std::size_t>(last)] = {-1, 1, 0};
  Tensor before = nx::cumulative_product(nx::pad(flat, 1, left), {.axis = last});
  Tensor after = nx::cumulative_product(nx::pad(flat, 1, right), {.axis = last, .reverse = true});
  Tensor others = nx::reshape(nx::multiply(before, after), moved.shape());
  Tensor back = nx::transpose(others, front::inverse_permutation(perm));
  return nx::multiply(expand_reduced(g, opts.axes, x.shape()), back);
}

}  // namespace

std::vector<Tensor> reductions(const Node& n, const std::vector<Tensor>& self, const std::vector<Tensor>& gs) {
  const Tensor& g = gs[0];
  const Tensor& x = n.inputs[0];
  switch (n.op) {
    case Op::sum: {
      const auto& opts = std::any_cast<const ReduceCallbackOptions&>(n.args);
      return {expand_reduced(g, opts.axes, x.shape())};
    }
    case Op::product: return {product_grad(x, g, std::any_cast<const ReduceCallbackOptions&>(n.args))};
    case Op::reduce_max:
    case Op::reduce_min: {
      const auto& opts = std::any_cast<const ReduceCallbackOptions&>(n.args);
      Tensor best = expand_reduced(self[0], opts.axes, x.shape());
      Tensor mask = nx::as_type(nx::equal(x, best), x.type());
      Tensor count = expand_reduced(nx::sum(mask, {.axes = opts.axes, .keep_axes = opts.keep_axes}), opts.axes, x.shape());
      return {nx::divide(nx::multiply(mask, expand_reduced(g, opts.axes, x.shape())), count)};
    }
    case Op::reduce: not_differentiable(n, "reduce runs a user function; use sum, product, reduce_max or reduce_min");
    case Op::cumulative_sum: {
      const auto& opts = std::any_cast<const CumulativeCallbackOptions&>(n.args);
      return {nx::cumulative_sum(g, {.axis = opts.axis, .reverse = !opts.reverse})};
    }
    case Op::cumulative_product:
    case Op::cumulative_min:
    case Op::cumulative_max: return through_composition(n, gs);
    case Op::softmax: {
      // d softmax: s * (g - sum(g * s)) along the axis.
      const int axis = std::any_cast<const AxisArgs&>(n.args).axis;
      Tensor s = self[0];
      Tensor dot = nx::sum(nx::multiply(g, s), {.axes = AxisIndices{axis}, .keep_axes = true});
      return {nx::multiply(s, nx::subtract(g, dot))};
    }
    default: return none(n);  // argmax, argmin, all, any
  }
}

}  // namespace nx::defn::grad
