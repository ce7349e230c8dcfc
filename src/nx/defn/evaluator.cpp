// The default compiler (Nx.Defn.Evaluator's counterpart): walks the graph
// once per call and runs each node's callback on the arguments' backend,
// dropping an intermediate as soon as its last user has run.
#include <unordered_map>

#include "../frontend/common.hpp"
#include "expr.hpp"

namespace nx::defn {

std::vector<Tensor> evaluate_node(const Node& node, const std::vector<Tensor>& inputs,
                                  const std::vector<Tensor>& args, const BackendPtr& backend) {
  switch (node.op) {
    case Op::parameter:
      if (node.index < 0 || static_cast<std::size_t>(node.index) >= args.size())
        raise("jit", "the graph has parameter " + std::to_string(node.index) + " but only " +
                         std::to_string(args.size()) + " arguments were given");
      return {front::on(args[static_cast<std::size_t>(node.index)], backend)};
    case Op::constant: return {backend->constant(node.outs[0], node.scalar)};
    case Op::tensor: return {front::on(node.value, backend)};
    case Op::stop_grad:
    case Op::custom_grad: return {inputs.at(0)};
    case Op::elem: raise("jit", "elem nodes are resolved by the walker");
    default: break;
  }
  if (!node.evaluate) raise("jit", "node " + node.name() + " cannot be evaluated");
  return node.evaluate(*backend, inputs);
}

std::vector<Tensor> evaluate(const Graph& graph, const std::vector<Tensor>& args, const BackendPtr& backend) {
  if (args.size() != graph.parameters.size())
    raise("jit", "expected " + std::to_string(graph.parameters.size()) + " arguments, got " +
                     std::to_string(args.size()));
  for (std::size_t i = 0; i < args.size(); ++i) {
    const Spec& want = graph.parameters[i].spec();
    if (args[i].shape() != want.shape || args[i].type() != want.type)
      raise("jit", "argument " + std::to_string(i) + " has type " + to_string(args[i].type()) + " and shape " +
                       shape_to_string(args[i].shape()) + " but the graph was traced for " + to_string(want.type) +
                       " " + shape_to_string(want.shape));
  }
  const auto nodes = graph.nodes();
  std::unordered_map<const Node*, int> uses;
  for (const Node* n : nodes)
    for (const auto& in : n->inputs) ++uses[&node_of(in)];
  for (const auto& o : graph.outputs) ++uses[&node_of(o)];

  std::unordered_map<const Node*, std::vector<Tensor>> values;
  std::vector<Tensor> inputs;
  for (const Node* n : nodes) {
    inputs.clear();
    for (const auto& in : n->inputs) inputs.push_back(values.at(&node_of(in)).at(0));
    if (n->op == Op::elem) {
      values[n] = {values.at(&node_of(n->inputs[0])).at(static_cast<std::size_t>(n->index))};
    } else {
      values[n] = evaluate_node(*n, inputs, args, backend);
    }
    for (const auto& in : n->inputs) {
      const Node* p = &node_of(in);
      if (--uses[p] == 0) values.erase(p);
    }
  }
  std::vector<Tensor> out;
  for (const auto& o : graph.outputs) out.push_back(values.at(&node_of(o)).at(0));
  return out;
}

namespace {

class Evaluator final : public Compiler {
 public:
  std::string name() const override { return "evaluator"; }
  Executable compile(const Graph& graph, const BackendPtr& backend) override {
    return [graph, backend](const std::vector<Tensor>& args) { return evaluate(graph, args, backend); };
  }
};

}  // namespace

CompilerPtr evaluator() {
  static CompilerPtr c = std::make_shared<Evaluator>();
  return c;
}

}  // namespace nx::defn
