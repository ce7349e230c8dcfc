// Reverse mode over a traced graph: seed the scalar output with 1, walk the
// nodes from users to inputs, apply each node's rule and add up the
// contributions of every use.
#include "grad.hpp"

#include <unordered_map>
#include <unordered_set>

#include "../frontend/common.hpp"

namespace nx::defn::grad {

namespace {

Rule rule_for(Op op) {
  switch (op) {
    case Op::binary: case Op::unary: case Op::select: case Op::clip: case Op::as_type: case Op::bitcast:
    case Op::logical_not: case Op::phase: case Op::all_close:
      return elementwise;
    case Op::reshape: case Op::squeeze: case Op::broadcast: case Op::transpose: case Op::pad:
    case Op::reverse: case Op::concatenate: case Op::stack: case Op::slice: case Op::put_slice:
      return shape;
    case Op::sum: case Op::product: case Op::reduce_max: case Op::reduce_min: case Op::argmax:
    case Op::argmin: case Op::all: case Op::any: case Op::reduce: case Op::cumulative_sum:
    case Op::cumulative_product: case Op::cumulative_min: case Op::cumulative_max: case Op::softmax:
      return reductions;
    case Op::dot: case Op::conv:
      return contract;
    case Op::window_reduce: case Op::window_sum: case Op::window_product: case Op::window_max:
    case Op::window_min: case Op::window_scatter_max: case Op::window_scatter_min:
      return windows;
    case Op::gather: case Op::indexed_add: case Op::indexed_put: case Op::take: case Op::take_along_axis:
    case Op::sort: case Op::argsort: case Op::top_k:
      return indexing;
    case Op::triangular_solve: case Op::cholesky: case Op::solve: case Op::qr: case Op::eigh: case Op::svd:
    case Op::lu: case Op::determinant: case Op::fft: case Op::ifft: case Op::fft2: case Op::ifft2:
    case Op::rfft: case Op::irfft:
      return linalg;
    case Op::external:
      return [](const Node& n, const std::vector<Tensor>&, const std::vector<Tensor>& g) {
        return through_composition(n, g);
      };
    default: return nullptr;  // graph-level nodes: handled by the walker
  }
}

}  // namespace

Tensor constant(const Scalar& value, Type type) { return front::scalar_tensor(value, expr_backend(), type); }

Tensor zeros(const Spec& spec) {
  Tensor z = constant(0, spec.type);
  return spec.shape.empty() ? z : nx::broadcast(z, spec.shape);
}

Tensor unbroadcast(const Tensor& g, const Spec& to) {
  if (g.shape() == to.shape) return g;
  const int extra = g.rank() - static_cast<int>(to.shape.size());
  AxisIndices axes;
  for (int i = 0; i < g.rank(); ++i)
    if (i < extra || (to.shape[static_cast<std::size_t>(i - extra)] == 1 && g.dim(i) != 1)) axes.push_back(i);
  Tensor s = axes.empty() ? g : nx::sum(g, {.axes = axes, .keep_axes = true});
  return nx::reshape(s, to.shape);
}

Tensor expand_reduced(const Tensor& g, const std::optional<AxisIndices>& axes, const Shape& to) {
  Shape kept = to;
  for (int d = 0; d < static_cast<int>(to.size()); ++d)
    if (!axes || std::find(axes->begin(), axes->end(), d) != axes->end()) kept[static_cast<std::size_t>(d)] = 1;
  Tensor r = nx::reshape(g, kept);
  return kept == to ? r : nx::broadcast(r, to);
}

std::vector<Tensor> through_composition(const Node& node, const std::vector<Tensor>& g) {
  // Trace the block's default body on the node's own inputs and
  // differentiate sum_i <g_i, out_i> through it (g held constant).
  std::vector<Tensor> outs = node.op == Op::external ? std::vector<Tensor>{node.compose(node.inputs)}
                                                    : expr().expand_block(node);
  // Contract the output gradients with the expansion: d/dx sum_i <g_i, out_i>.
  Tensor total;
  for (std::size_t i = 0; i < outs.size() && i < g.size(); ++i) {
    if (!g[i].defined() || !is_float(outs[i].type())) continue;
    Tensor term = nx::sum(nx::multiply(stop_grad(g[i]), outs[i]));
    total = total.defined() ? nx::add(total, term) : term;
  }
  if (!total.defined()) return none(node);
  return gradient(total, node.inputs);
}

void not_differentiable(const Node& node, const std::string& why) {
  raise("grad", "cannot compute the gradient of " + node.name() + ": " + why);
}

}  // namespace nx::defn::grad

namespace nx::defn {

std::vector<Tensor> gradient(const Tensor& output, const std::vector<Tensor>& wrt) {
  Tensor y = check_grad_output(output);
  for (const auto& w : wrt)
    if (!is_expr(w)) raise("grad", "can only differentiate with respect to traced tensors");
  Graph g;
  g.outputs = {y};
  const auto nodes = g.nodes();

  // A tensor for every node, and which nodes lie on a path from a wrt.
  std::unordered_map<const Node*, Tensor> tensor_of;
  tensor_of[&node_of(y)] = y;
  for (const Node* n : nodes)
    for (const auto& in : n->inputs) tensor_of.emplace(&node_of(in), in);
  std::unordered_set<const Node*> targets, live;
  for (const auto& w : wrt) targets.insert(&node_of(w));
  for (const Node* n : nodes) {
    bool on_path = targets.count(n) > 0;
    if (n->op != Op::stop_grad)
      for (const auto& in : n->inputs) on_path = on_path || live.count(&node_of(in)) > 0;
    if (on_path) live.insert(n);
  }

  std::unordered_map<const Node*, std::vector<Tensor>> grads;
  auto accumulate = [&](const Node* p, std::size_t index, Tensor contribution) {
    const Spec& spec = p->outs.at(index);
    if (!is_float(spec.type)) return;  // integer values carry no gradient
    if (contribution.shape() != spec.shape)
      raise("grad", "internal error: gradient of shape " + shape_to_string(contribution.shape()) + " for a value of shape " +
                        shape_to_string(spec.shape) + " (" + p->name() + ")");
    if (contribution.type() != spec.type) contribution = nx::as_type(contribution, spec.type);
    auto& slot = grads[p];
    if (slot.size() < p->outs.size()) slot.resize(p->outs.size());
    slot[index] = slot[index].defined() ? nx::add(slot[index], contribution) : contribution;
  };
  accumulate(&node_of(y), 0, grad::constant(1.0, y.type()));

  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    const Node* n = *it;
    if (!live.count(n)) continue;
    auto found = grads.find(n);
    if (found == grads.end()) continue;
    std::vector<Tensor> gs = found->second;
    gs.resize(n->outs.size());
    switch (n->op) {
      case Op::parameter: case Op::constant: case Op::tensor: case Op::stop_grad: case Op::eye: case Op::iota:
        continue;
      case Op::elem:
        if (gs[0].defined()) accumulate(&node_of(n->inputs[0]), static_cast<std::size_t>(n->index), gs[0]);
        continue;
      case Op::custom_grad: {
        if (!gs[0].defined()) continue;
        std::vector<Tensor> r = n->custom_rule(gs[0]);
        if (r.size() != n->inputs.size() - 1)
          raise("custom_grad", "the gradient function returned " + std::to_string(r.size()) + " gradients for " +
                                   std::to_string(n->inputs.size() - 1) + " inputs");
        for (std::size_t i = 0; i < r.size(); ++i)
          if (r[i].defined() && live.count(&node_of(n->inputs[i + 1])))
            accumulate(&node_of(n->inputs[i + 1]), 0, r[i]);
        continue;
      }
      default: break;
    }
    grad::Rule rule = grad::rule_for(n->op);
    if (!rule) raise("grad", "no gradient rule for " + n->name());
    std::vector<Tensor> self;
    const Tensor& whole = tensor_of.at(n);
    if (n->outs.size() == 1) self = {whole};
    else
      for (std::size_t i = 0; i < n->outs.size(); ++i) self.push_back(expr().elem(whole, i));
    std::vector<Tensor> r = rule(*n, self, gs);
    for (std::size_t i = 0; i < r.size() && i < n->inputs.size(); ++i) {
      if (!r[i].defined()) continue;
      const Node* p = &node_of(n->inputs[i]);
      if (live.count(p)) accumulate(p, 0, r[i]);
    }
  }

  std::vector<Tensor> out;
  for (const auto& w : wrt) {
    const Node* n = &node_of(w);
    auto found = grads.find(n);
    if (!is_float(w.type())) {
      out.push_back(grad::zeros(Spec{w.shape(), f32, w.names()}));
    } else if (found != grads.end() && !found->second.empty() && found->second[0].defined()) {
      out.push_back(found->second[0]);
    } else {
      out.push_back(grad::zeros(w.spec()));
    }
  }
  return out;
}

}  // namespace nx::defn
