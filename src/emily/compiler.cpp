// emily::compiler(): nx::defn graphs lowered onto mx::compile (compiler.hpp).
//
// compile() plans the graph (compiler_plan.cpp), builds one function over MLX
// arrays per segment, which wraps its inputs as Emily tensors and runs the
// nodes' callbacks on the Emily backend, and hands it to mx::compile. Each
// segment is traced right away on unevaluated placeholders of its input
// shapes (no data is computed): a node whose trace throws (an eval, a host
// read, a fallback the explicit list missed) is moved out of compilation and
// the plan is made again, so failures never reach a real call.
#include "emily/compiler.hpp"

#include <mlx/compile.h>

#include <memory>
#include <unordered_map>

#include "compiler_plan.hpp"
#include "emily/telemetry.hpp"

namespace emily {

namespace {

using compiler_detail::Plan;
using compiler_detail::Segment;
using nx::defn::Graph;
using nx::defn::Node;
using nx::defn::Op;
using ArrayFn = std::function<std::vector<mx::array>(const std::vector<mx::array>&)>;
using Values = std::unordered_map<const Node*, std::vector<Tensor>>;

// One node on already-computed inputs, aliases resolved as the evaluator does.
void run_node(const Node& n, Values& values, const std::vector<Tensor>& args, const nx::BackendPtr& backend) {
  if (n.op == Op::elem) {
    values[&n] = {values.at(&nx::defn::node_of(n.inputs[0])).at(static_cast<std::size_t>(n.index))};
    return;
  }
  std::vector<Tensor> inputs;
  for (const auto& in : n.inputs)
    if (in.defined()) inputs.push_back(values.at(&nx::defn::node_of(in)).at(0));
  values[&n] = nx::defn::evaluate_node(n, inputs, args, backend);
}

// The traced body of a segment. `current` names the node being traced, for
// the safety net.
ArrayFn segment_body(const Segment& seg, const nx::BackendPtr& backend, std::shared_ptr<const Node*> current) {
  return [seg, backend, current](const std::vector<mx::array>& arrays) {
    auto& b = static_cast<Backend&>(*backend);
    Values values;
    for (std::size_t i = 0; i < seg.inputs.size(); ++i) values[seg.inputs[i]] = {b.wrap(seg.inputs[i]->outs[0], arrays[i])};
    for (const Node* n : seg.nodes) {
      *current = n;
      run_node(*n, values, {}, backend);
    }
    *current = nullptr;
    std::vector<mx::array> out;
    for (const Node* o : seg.outputs) out.push_back(b.array_of(values.at(o).at(0)));
    return out;
  };
}

void emit(const std::string& name, std::map<std::string, std::string> meta) {
  if (!telemetry::has_handlers(name)) return;
  telemetry::emit({.name = name, .phase = telemetry::Phase::event, .metadata = std::move(meta), .duration_us = 0});
}

struct Compiled {
  Graph graph;
  nx::BackendPtr backend;
  Plan plan;
  std::vector<ArrayFn> fns;  // one per segment
};

// Plans, compiles and trial-traces until every segment traces.
std::shared_ptr<Compiled> build(const Graph& graph, const nx::BackendPtr& backend, const CompilerOptions& opts) {
  auto c = std::make_shared<Compiled>();
  c->graph = graph;
  c->backend = backend;
  auto& b = static_cast<Backend&>(*backend);
  std::map<const Node*, std::string> forced;
  for (;;) {
    c->plan = compiler_detail::make_plan(graph, b, forced);
    c->fns.clear();
    bool again = false;
    for (std::size_t k = 0; k < c->plan.segments.size() && !again; ++k) {
      const Segment& seg = c->plan.segments[k];
      auto current = std::make_shared<const Node*>(nullptr);
      ArrayFn body = segment_body(seg, backend, current);
      if (!opts.mlx_compile || seg.nodes.empty()) {
        c->fns.push_back(body);
        continue;
      }
      ArrayFn fn = mx::compile(body);
      std::vector<mx::array> placeholders;
      for (const Node* in : seg.inputs) {
        const Spec& s = in->outs[0];
        placeholders.push_back(mx::zeros(to_mx_shape(s.shape), to_dtype(s.type, "compile"), b.mx_device(s.type)));
      }
      try {
        fn(placeholders);  // traces and caches; the lazy results are dropped unevaluated
        c->fns.push_back(fn);
      } catch (const std::exception& e) {
        // A failed trace leaves MLX's cache entry unusable: drop the function.
        fn = nullptr;
        if (const Node* n = *current) {
          forced[n] = std::string("its trace under mx::compile failed: ") + e.what();
          again = true;
        } else {
          for (const Node* n : seg.nodes)
            emit("emily.compiler.eager", {{"op", n->name()}, {"id", std::to_string(n->id)},
                                          {"reason", std::string("mx::compile failed on its segment: ") + e.what()}});
          c->fns.push_back(body);
        }
      }
    }
    if (!again) break;
  }
  for (const auto& [n, why] : c->plan.reasons)
    emit("emily.compiler.eager", {{"op", n->name()}, {"id", std::to_string(n->id)}, {"reason", why}});
  std::size_t used = 0;
  for (const auto& seg : c->plan.segments) used += seg.nodes.empty() ? 0 : 1;
  emit("emily.compiler.plan", {{"segments", std::to_string(used)},
                               {"compiled_nodes", std::to_string(c->plan.compiled_nodes)},
                               {"eager_nodes", std::to_string(c->plan.reasons.size())},
                               {"mlx_compile", opts.mlx_compile ? "true" : "false"}});
  return c;
}

void check_args(const Graph& graph, const std::vector<Tensor>& args) {
  if (args.size() != graph.parameters.size())
    nx::raise("jit", "expected " + std::to_string(graph.parameters.size()) + " arguments, got " +
                         std::to_string(args.size()));
  for (std::size_t i = 0; i < args.size(); ++i) {
    const Spec& want = graph.parameters[i].spec();
    if (args[i].shape() != want.shape || args[i].type() != want.type)
      nx::raise("jit", "argument " + std::to_string(i) + " has type " + nx::to_string(args[i].type()) + " and shape " +
                           nx::shape_to_string(args[i].shape()) + " but the graph was traced for " +
                           nx::to_string(want.type) + " " + nx::shape_to_string(want.shape));
  }
}

std::vector<Tensor> run(const Compiled& c, const std::vector<Tensor>& args) {
  check_args(c.graph, args);
  auto& b = static_cast<Backend&>(*c.backend);
  Values values;
  for (const Node* n : c.plan.upfront) run_node(*n, values, args, c.backend);
  for (std::size_t k = 0; k < c.plan.segments.size(); ++k) {
    const Segment& seg = c.plan.segments[k];
    if (!seg.nodes.empty()) {
      std::vector<mx::array> in;
      in.reserve(seg.inputs.size());
      for (const Node* n : seg.inputs) in.push_back(b.array_of(values.at(n).at(0)));
      std::vector<mx::array> out = c.fns[k](in);
      for (std::size_t i = 0; i < seg.outputs.size(); ++i)
        values[seg.outputs[i]] = {b.wrap(seg.outputs[i]->outs[0], std::move(out[i]))};
    }
    for (const Node* n : c.plan.eager[k]) run_node(*n, values, args, c.backend);
  }
  std::vector<Tensor> out;
  for (const auto& o : c.graph.outputs) out.push_back(values.at(&nx::defn::node_of(o)).at(0));
  return out;
}

class EmilyCompiler final : public nx::defn::Compiler {
 public:
  explicit EmilyCompiler(CompilerOptions opts) : opts_(opts) {}
  std::string name() const override { return opts_.mlx_compile ? "emily" : "emily (mx::compile off)"; }
  nx::defn::Executable compile(const Graph& graph, const nx::BackendPtr& backend) override {
    if (!backend || backend->kind() != nx::BackendKind::emily) return nx::defn::evaluator()->compile(graph, backend);
    auto c = build(graph, backend, opts_);
    return [c](const std::vector<Tensor>& args) { return run(*c, args); };
  }

 private:
  CompilerOptions opts_;
};

}  // namespace

nx::defn::CompilerPtr compiler(const CompilerOptions& opts) { return std::make_shared<EmilyCompiler>(opts); }

}  // namespace emily
