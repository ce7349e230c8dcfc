// Gradient rules of shape and layout ops: each moves the gradient back
// through the inverse layout change (reshape back, inverse permutation,
// crop the padding, split the concatenation, scatter the slice).
#include "../frontend/common.hpp"
#include "grad.hpp"

namespace nx::defn::grad {

namespace {

// Dynamic start tensors of a slice/put_slice node, from input `first` on.
std::vector<Tensor> dynamic_starts(const Node& n, std::size_t first) {
  return std::vector<Tensor>(n.inputs.begin() + static_cast<std::ptrdiff_t>(first), n.inputs.end());
}

// The gradient of a padded operand: drop low/high padding (re-adding what a
// negative pad cropped) and keep every (interior + 1)-th element.
Tensor unpad(const Tensor& g, const Shape& shape, const std::vector<PadConfig>& config) {
  std::vector<PadConfig> inverse;
  bool interior = false;
  for (const auto& c : config) {
    inverse.push_back({-c.low, -c.high, 0});
    interior = interior || c.interior > 0;
  }
  Tensor t = nx::pad(g, 0, inverse);
  if (!interior) return t;
  // Slice lengths are window extents, not element counts.
  std::vector<std::int64_t> starts(shape.size(), 0), strides, extents;
  for (std::size_t i = 0; i < config.size(); ++i) {
    strides.push_back(config[i].interior + 1);
    extents.push_back((shape[i] - 1) * strides.back() + 1);
  }
  return nx::slice(t, starts, extents, {.strides = strides});
}

}  // namespace

std::vector<Tensor> shape(const Node& n, const std::vector<Tensor>& self, const std::vector<Tensor>& gs) {
  const Tensor& g = gs[0];
  const Tensor& x = n.inputs[0];
  switch (n.op) {
    case Op::reshape:
    case Op::squeeze: return {nx::reshape(g, x.shape())};
    case Op::broadcast: {
      // Sum over the new axes and over the axes x had at size 1.
      const auto& args = std::any_cast<const BroadcastArgs&>(n.args);
      AxisIndices summed;
      for (int d = 0; d < g.rank(); ++d) {
        auto it = std::find(args.axes.begin(), args.axes.end(), d);
        if (it == args.axes.end()) summed.push_back(d);
        else if (x.dim(static_cast<int>(it - args.axes.begin())) == 1 && g.dim(d) != 1) summed.push_back(d);
      }
      Tensor s = summed.empty() ? g : nx::sum(g, {.axes = summed, .keep_axes = true});
      return {nx::reshape(s, x.shape())};
    }
    case Op::transpose: {
      const auto& axes = std::any_cast<const AxesArgs&>(n.args).axes;
      return {nx::transpose(g, front::inverse_permutation(axes))};
    }
    case Op::pad: {
      const auto& config = std::any_cast<const PadArgs&>(n.args).config;
      Tensor gx = unpad(g, x.shape(), config);
      // The pad value fills every position that did not come from x.
      Tensor gv = nx::subtract(nx::sum(g), nx::sum(gx));
      return {gx, gv};
    }
    case Op::reverse: return {nx::reverse(g, std::any_cast<const AxesArgs&>(n.args).axes)};
    case Op::concatenate:
    case Op::stack: {
      const int axis = std::any_cast<const AxisArgs&>(n.args).axis;
      std::vector<Tensor> r;
      std::int64_t offset = 0;
      for (const auto& in : n.inputs) {
        const std::int64_t len = n.op == Op::stack ? 1 : in.dim(axis);
        Tensor part = nx::slice_along_axis(g, offset, len, axis);
        r.push_back(nx::reshape(part, in.shape()));
        offset += len;
      }
      return r;
    }
    case Op::slice: {
      // Scatter g into zeros of x's shape at the sliced positions.
      const auto& args = std::any_cast<const SliceArgs&>(n.args);
      bool strided = false;
      for (auto s : args.strides) strided = strided || s != 1;
      std::vector<Tensor> r(n.inputs.size());
      if (!args.starts.empty()) {
        std::vector<PadConfig> config;
        for (int d = 0; d < x.rank(); ++d) {
          const auto i = static_cast<std::size_t>(d);
          // `lengths` is the window extent; the output holds ceil(length / stride) elements.
          const std::int64_t count = (args.lengths[i] + args.strides[i] - 1) / args.strides[i];
          const std::int64_t extent = (count - 1) * args.strides[i] + 1;
          config.push_back({args.starts[i], x.dim(d) - args.starts[i] - extent, args.strides[i] - 1});
        }
        r[0] = nx::pad(g, 0, config);
        return r;
      }
      Tensor spread = g;
      if (strided) {
        std::vector<PadConfig> config;
        for (auto s : args.strides) config.push_back({0, 0, s - 1});
        spread = nx::pad(g, 0, config);
      }
      r[0] = nx::put_slice(zeros(x.spec()), dynamic_starts(n, 1), spread);
      return r;
    }
    case Op::put_slice: {
      const auto& args = std::any_cast<const PutSliceArgs&>(n.args);
      const Tensor& s = n.inputs[1];
      std::vector<Tensor> r(n.inputs.size());
      if (!args.starts.empty()) {
        r[0] = nx::put_slice(g, args.starts, zeros(s.spec()));
        r[1] = nx::slice(g, args.starts, s.shape());
      } else {
        auto starts = dynamic_starts(n, 2);
        r[0] = nx::put_slice(g, starts, zeros(s.spec()));
        r[1] = nx::slice(g, starts, s.shape());
      }
      return r;
    }
    default: return none(n);
  }
}

}  // namespace nx::defn::grad
