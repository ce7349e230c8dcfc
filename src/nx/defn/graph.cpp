// Graphs of traced functions: node names, walking, printing in Nx's
// expression format, and the graph-level ops stop_grad and custom_grad.
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "../frontend/common.hpp"
#include "expr.hpp"

namespace nx::defn {

std::string_view op_name(Op op) {
  static const std::string_view names[] = {
#define NX_DEFN_NAME(name) #name,
      NX_DEFN_OPS(NX_DEFN_NAME)
#undef NX_DEFN_NAME
  };
  return names[static_cast<int>(op)];
}

const std::vector<Op>& all_ops() {
  static const std::vector<Op> ops = {
#define NX_DEFN_VALUE(name) Op::name,
      NX_DEFN_OPS(NX_DEFN_VALUE)
#undef NX_DEFN_VALUE
  };
  return ops;
}

std::string Node::name() const {
  if (op == Op::binary) return std::string(nx::op_name(binary_op));
  if (op == Op::unary) return std::string(nx::op_name(unary_op));
  if (op == Op::external) return external_name;
  return std::string(op_name(op));
}

namespace {

// Post-order walk without recursion (graphs of long training loops are deep).
std::vector<const Node*> topological(const std::vector<Tensor>& roots) {
  std::vector<const Node*> order;
  std::unordered_set<const Node*> done;
  std::vector<std::pair<const Node*, std::size_t>> stack;
  for (const auto& r : roots) {
    const Node* root = &node_of(r);
    if (done.count(root)) continue;
    stack.push_back({root, 0});
    while (!stack.empty()) {
      auto& [n, next] = stack.back();
      if (next < n->inputs.size()) {
        const Tensor& in = n->inputs[next++];
        if (!in.defined()) continue;
        const Node* child = &node_of(in);
        if (!done.count(child)) stack.push_back({child, 0});
        continue;
      }
      if (done.insert(n).second) order.push_back(n);
      stack.pop_back();
    }
  }
  return order;
}

std::string type_and_shape(const Spec& s) {
  std::string r = to_string(s.type);
  for (std::size_t i = 0; i < s.shape.size(); ++i) {
    std::string name = s.names.empty() ? "" : s.names[i];
    r += "[" + (name.empty() ? "" : name + ": ") + std::to_string(s.shape[i]) + "]";
  }
  return r;
}

// a, b, ..., z, aa, ab, ... as Nx names expression variables.
std::string var_name(std::size_t i) {
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('a' + i % 26));
    i = i / 26;
  } while (i-- > 0);
  return s;
}

std::string render(const std::vector<Tensor>& outputs, const std::vector<Spec>& header) {
  auto nodes = topological(outputs);
  std::unordered_map<const Node*, std::string> names;
  std::vector<std::pair<std::string, std::string>> lines;
  std::size_t counter = 0;
  auto ref = [&](const Tensor& t) -> std::string {
    const Node& n = node_of(t);
    if (n.op == Op::constant) return n.scalar.to_string();
    return names.at(&n);
  };
  for (const Node* n : nodes) {
    if (n->op == Op::constant) continue;
    std::string var = var_name(counter++);
    names[n] = var;
    std::string text;
    if (n->op == Op::parameter) {
      text = "parameter " + var + ":" + std::to_string(n->index);
    } else if (n->op == Op::tensor) {
      text = var + " = tensor " + type_and_shape(n->value.spec());
    } else {
      text = var + " = " + n->name();
      for (std::size_t i = 0; i < n->inputs.size(); ++i) text += (i ? ", " : " ") + ref(n->inputs[i]);
      if (n->op == Op::elem) text += ", " + std::to_string(n->index);
      if (!n->args_text.empty()) text += (n->inputs.empty() ? " " : ", ") + n->args_text;
    }
    lines.push_back({text, n->outs.size() == 1 ? type_and_shape(n->outs[0]) : "tuple" + std::to_string(n->outs.size())});
  }
  std::size_t width = 0;
  for (const auto& l : lines) width = std::max(width, l.first.size());
  std::ostringstream os;
  os << "#Nx.Tensor<\n";
  for (const auto& h : header) os << "  " << type_and_shape(h) << "\n";
  os << "  \n  Nx.Defn.Expr\n";
  for (const auto& [text, spec] : lines)
    os << "  " << text << std::string(width - text.size() + 2, ' ') << spec << "\n";
  // An output that is a bare constant has no line of its own.
  for (const auto& o : outputs)
    if (node_of(o).op == Op::constant) os << "  " << node_of(o).scalar.to_string() << "\n";
  os << ">";
  return os.str();
}

}  // namespace

std::vector<const Node*> Graph::nodes() const { return topological(outputs); }

std::string inspect_expr(const Tensor& t) { return render({t}, {t.spec()}); }

std::string inspect(const Graph& g) {
  std::vector<Spec> header;
  for (const auto& o : g.outputs) header.push_back(o.spec());
  return render(g.outputs, header);
}

std::ostream& operator<<(std::ostream& os, const Graph& g) { return os << inspect(g); }

void Tree<Tensor>::describe(const Tensor& t, std::string& key) {
  if (!t.defined()) raise("jit", "an argument tensor is undefined");
  const Spec& s = t.spec();
  key += "<" + t.backend()->name() + ":" + t.backend()->device_name() + ":" + to_string(s.type) + ":" +
         shape_to_string(s.shape);
  for (const auto& n : s.names) key += ":" + n;
  key += ">";
}

namespace {
thread_local int g_tracing = 0;
}

TracingScope::TracingScope() { ++g_tracing; }
TracingScope::~TracingScope() { --g_tracing; }
bool tracing() { return g_tracing > 0; }

Graph trace_flat(const std::function<std::vector<Tensor>(const std::vector<Tensor>&)>& f,
                 const std::vector<Spec>& specs) {
  Graph g;
  for (std::size_t i = 0; i < specs.size(); ++i) g.parameters.push_back(parameter(specs[i], static_cast<int>(i)));
  TracingScope scope;
  g.outputs = f(g.parameters);
  for (auto& o : g.outputs)
    if (!is_expr(o)) o = capture(o);
  return g;
}

Tensor external(std::string name, const Spec& out, const std::vector<Tensor>& inputs,
                std::function<Tensor(const std::vector<Tensor>&)> evaluate,
                std::function<Tensor(const std::vector<Tensor>&)> compose) {
  if (!any_expr(inputs)) return evaluate(inputs);
  Tensor t = expr().record(Op::external, out, inputs, {}, "",
                           [evaluate](Backend&, const std::vector<Tensor>& in) { return evaluate(in); });
  auto& node = const_cast<Node&>(node_of(t));
  node.external_name = std::move(name);
  node.compose = std::move(compose);
  return t;
}

Tensor check_grad_output(const Tensor& y) {
  if (!y.defined()) raise("grad", "the function returned an undefined tensor");
  if (y.rank() != 0)
    raise("grad", "expected the function to return a scalar tensor, got one of shape " + shape_to_string(y.shape()) +
                      "; reduce it (for example with nx::sum) before taking the gradient");
  if (!is_float(y.type()))
    raise("grad", "expected the function to return a floating-point scalar, got type " + to_string(y.type()) +
                      "; gradients are defined for floating-point outputs only");
  return is_expr(y) ? y : capture(y);
}

}  // namespace nx::defn

namespace nx {

Tensor stop_grad(const Tensor& t) {
  if (!defn::is_expr(t)) return t;
  return defn::expr().record(defn::Op::stop_grad, t.spec(), {t}, {}, "", nullptr);
}

Tensor custom_grad(const Tensor& out, const std::vector<Tensor>& inputs,
                   std::function<std::vector<Tensor>(const Tensor& g)> rule) {
  if (!defn::is_expr(out)) return out;
  if (!rule) raise("custom_grad", "the gradient function is empty");
  std::vector<Tensor> all{out};
  all.insert(all.end(), inputs.begin(), inputs.end());
  Tensor t = defn::expr().record(defn::Op::custom_grad, out.spec(), all, {}, "", nullptr);
  const_cast<defn::Node&>(defn::node_of(t)).custom_rule = std::move(rule);
  return t;
}

BackendPtr jit_backend(const std::vector<Tensor>& flat) {
  std::vector<const Tensor*> ptrs;
  for (const auto& t : flat) ptrs.push_back(&t);
  return front::pick_backend("jit", ptrs);
}

}  // namespace nx
