// Gradient rules of dot and conv.
#include "grad.hpp"

namespace nx::defn::grad {

namespace {

AxisIndices free_axes(int rank, const AxisIndices& contract, const AxisIndices& batch) {
  AxisIndices f;
  for (int d = 0; d < rank; ++d)
    if (std::find(contract.begin(), contract.end(), d) == contract.end() &&
        std::find(batch.begin(), batch.end(), d) == batch.end())
      f.push_back(d);
  return f;
}

int position(const AxisIndices& axes, int value) {
  return static_cast<int>(std::find(axes.begin(), axes.end(), value) - axes.begin());
}

// The gradient of one dot operand x (axes: contract_x, batch_x, free_x) given
// the other operand y: contract g's free-y axes with y's free axes, batched
// on the batch axes, then permute the result into x's axis order. The result
// axes are [batch..., free_x..., y's contracted axes in y's order].
Tensor dot_operand_grad(const Tensor& g, const Tensor& x, const AxisIndices& cx, const AxisIndices& bx, const Tensor& y,
                        const AxisIndices& cy, const AxisIndices& by, bool x_first) {
  const AxisIndices fx = free_axes(x.rank(), cx, bx), fy = free_axes(y.rank(), cy, by);
  const int nb = static_cast<int>(bx.size());
  // g's axes: [batch (nb), free_a, free_b].
  AxisIndices g_batch, g_contract;
  for (int i = 0; i < nb; ++i) g_batch.push_back(i);
  const int g_free_y_first = x_first ? nb + static_cast<int>(fx.size()) : nb;
  for (std::size_t i = 0; i < fy.size(); ++i) g_contract.push_back(g_free_y_first + static_cast<int>(i));
  Tensor r = nx::dot(g, g_contract, g_batch, y, fy, by);
  // r's axes in x's terms.
  AxisIndices r_to_x;
  for (int i = 0; i < nb; ++i) r_to_x.push_back(bx[static_cast<std::size_t>(i)]);
  for (int d : fx) r_to_x.push_back(d);
  AxisIndices y_contracted = cy;
  std::sort(y_contracted.begin(), y_contracted.end());
  for (int d : y_contracted) r_to_x.push_back(cx[static_cast<std::size_t>(position(cy, d))]);
  AxisIndices perm(static_cast<std::size_t>(x.rank()));
  for (std::size_t i = 0; i < r_to_x.size(); ++i) perm[static_cast<std::size_t>(r_to_x[i])] = static_cast<int>(i);
  bool identity = true;
  for (std::size_t i = 0; i < perm.size(); ++i) identity = identity && perm[i] == static_cast<int>(i);
  Tensor out = identity ? r : nx::transpose(r, perm);
  return out.type() == x.type() ? out : nx::as_type(out, x.type());
}

}  // namespace

std::vector<Tensor> contract(const Node& n, const std::vector<Tensor>& self, const std::vector<Tensor>& gs) {
  const Tensor& g = gs[0];
  switch (n.op) {
    case Op::dot: {
      const auto& d = std::any_cast<const DotArgs&>(n.args);
      const Tensor &a = n.inputs[0], &b = n.inputs[1];
      std::vector<Tensor> r(2);
      if (is_float(a.type())) r[0] = dot_operand_grad(g, a, d.contract_a, d.batch_a, b, d.contract_b, d.batch_b, true);
      if (is_float(b.type())) r[1] = dot_operand_grad(g, b, d.contract_b, d.batch_b, a, d.contract_a, d.batch_a, false);
      return r;
    }
    case Op::conv: return conv_grad(n, self, gs);
    default: return none(n);
  }
}

}  // namespace nx::defn::grad
