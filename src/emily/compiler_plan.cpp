// emily::compiler's plan (compiler_plan.hpp).
#include "compiler_plan.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace emily::compiler_detail {

using nx::defn::Op;

namespace {

bool is_alias(Op op) { return op == Op::elem || op == Op::stop_grad || op == Op::custom_grad; }
bool is_leaf(Op op) { return op == Op::parameter || op == Op::tensor; }
// Nodes without inputs that are cheap to rebuild: each segment using one
// builds its own (MLX folds them into the fused kernels) instead of taking a
// materialised array from outside.
bool is_source(const Node& n) {
  return n.inputs.empty() && (n.op == Op::constant || n.op == Op::iota || n.op == Op::eye);
}

// The inputs whose values a node reads: an alias reads only the first
// (custom_grad's others feed its gradient rule, not its value).
std::vector<const Node*> value_inputs(const Node& n) {
  std::vector<const Node*> r;
  for (const auto& t : n.inputs) {
    if (!t.defined()) continue;
    r.push_back(&nx::defn::node_of(t));
    if (is_alias(n.op)) break;
  }
  return r;
}

bool any_type(const Node& n, bool (*pred)(nx::Type)) {
  for (const auto& s : n.outs)
    if (pred(s.type)) return true;
  for (const auto& t : n.inputs)
    if (t.defined() && pred(t.type())) return true;
  return false;
}

}  // namespace

// The explicit list. Everything not named here only builds lazy MLX ops in
// Emily; the safety net in compiler.cpp catches what the list misses (any
// node whose trace throws is moved out and the plan is made again).
std::string eager_reason(const Node& n, const Backend& b) {
  switch (n.op) {
    case Op::reduce:
    case Op::window_reduce:
      return "its reducer is a C++ function, run element by element on the reference backend";
    case Op::cholesky: case Op::solve: case Op::qr: case Op::eigh: case Op::svd: case Op::lu:
    case Op::determinant: case Op::triangular_solve:
      return "linear algebra runs on MLX's CPU stream and has nothing to fuse";
    case Op::external:
      if (n.external_name.rfind("emily.fast.", 0) != 0)
        return "external op " + n.external_name + " is not known to build lazy MLX ops only";
#if EMILY_DEBUG_DETECT_NAN_INF
      return "EMILY_DEBUG_DETECT_NAN_INF reads the result on the host";
#endif
      break;
#if EMILY_DEBUG_DETECT_NAN_INF
    case Op::dot: return "EMILY_DEBUG_DETECT_NAN_INF reads the result on the host";
#endif
#if EMILY_DEBUG_BOUNDS_CHECK
    case Op::gather: case Op::take: case Op::take_along_axis: case Op::indexed_add: case Op::indexed_put:
      return "EMILY_DEBUG_BOUNDS_CHECK reads the indices on the host";
#endif
    case Op::conv:
      // Emily's conv falls back beyond 3 spatial axes and for f64.
      if (n.inputs.at(0).rank() > 5 || n.outs[0].type == nx::f64)
        return "conv falls back to the reference backend for these inputs";
      break;
    case Op::fft: case Op::ifft:
      if (n.outs[0].type != nx::c64) return "fft falls back to the reference backend for this type";
      break;
    case Op::irfft:
      if (n.outs[0].type == nx::f64) return "irfft falls back to the reference backend for f64";
      break;
    default: break;
  }
  if (any_type(n, [](nx::Type t) { return !mlx_supports(t); }))
    return "a type MLX cannot hold: the callback falls back to the reference backend";
  if (b.device() == Device::gpu && any_type(n, [](nx::Type t) { return t == nx::f64; }))
    return "f64 runs on MLX's CPU stream, apart from the GPU graph";
  return "";
}

namespace {

enum class Kind { upfront, source, compiled, eager };
struct Place {
  Kind kind = Kind::upfront;
  int slot = 0;
};

}  // namespace

Plan make_plan(const nx::defn::Graph& graph, const Backend& b, const std::map<const Node*, std::string>& forced) {
  Plan plan;
  const auto nodes = graph.nodes();
  std::unordered_map<const Node*, Place> place;
  int slots = 1;
  // Segment k runs before eager slot k: an eager node goes into the slot of
  // its latest input, a compiled node into the segment after its latest
  // eager input.
  for (const Node* n : nodes) {
    Place p;
    if (is_leaf(n->op)) {
      p = {Kind::upfront, 0};
    } else if (is_alias(n->op)) {
      p = place.at(value_inputs(*n).at(0));
      if (p.kind == Kind::source) p = {Kind::upfront, 0};
    } else {
      auto f = forced.find(n);
      std::string why = f != forced.end() ? f->second : eager_reason(*n, b);
      int k = 0;
      for (const Node* in : value_inputs(*n)) {
        const Place& q = place.at(in);
        if (q.kind == Kind::compiled) k = std::max(k, q.slot);
        if (q.kind == Kind::eager) k = std::max(k, why.empty() ? q.slot + 1 : q.slot);
      }
      if (!why.empty()) {
        p = {Kind::eager, k};
        plan.reasons[n] = why;
      } else {
        p = is_source(*n) ? Place{Kind::source, 0} : Place{Kind::compiled, k};
      }
    }
    slots = std::max(slots, p.slot + 1);
    place[n] = p;
  }

  plan.segments.resize(static_cast<std::size_t>(slots));
  plan.eager.resize(static_cast<std::size_t>(slots));
  // Membership first, lists after in topological order.
  std::unordered_set<const Node*> upfront_sources, outputs;
  std::unordered_map<const Node*, std::vector<std::size_t>> input_to, source_of;
  auto add_once = [](std::vector<std::size_t>& v, std::size_t k) {
    if (std::find(v.begin(), v.end(), k) == v.end()) v.push_back(k);
  };
  auto needed_by = [&](const Node* p, const Place* consumer) {
    const Place& q = place.at(p);
    const bool same = consumer && consumer->kind == Kind::compiled;
    if (q.kind == Kind::source) {
      if (same) add_once(source_of[p], static_cast<std::size_t>(consumer->slot));
      else upfront_sources.insert(p);
    } else if (q.kind == Kind::compiled) {
      if (same && consumer->slot == q.slot) return;
      outputs.insert(p);
      if (same) add_once(input_to[p], static_cast<std::size_t>(consumer->slot));
    } else if (same) {
      add_once(input_to[p], static_cast<std::size_t>(consumer->slot));
    }
  };
  for (const Node* n : nodes)
    for (const Node* in : value_inputs(*n)) needed_by(in, &place.at(n));
  for (const auto& o : graph.outputs) needed_by(&nx::defn::node_of(o), nullptr);

  for (const Node* n : nodes) {
    const Place& p = place.at(n);
    auto k = static_cast<std::size_t>(p.slot);
    switch (p.kind) {
      case Kind::upfront: plan.upfront.push_back(n); break;
      case Kind::source:
        if (upfront_sources.count(n)) plan.upfront.push_back(n);
        if (auto it = source_of.find(n); it != source_of.end())
          for (std::size_t s : it->second) plan.segments[s].nodes.push_back(n);
        break;
      case Kind::eager: plan.eager[k].push_back(n); break;
      case Kind::compiled:
        plan.segments[k].nodes.push_back(n);
        if (outputs.count(n)) plan.segments[k].outputs.push_back(n);
        ++plan.compiled_nodes;
        break;
    }
    if (auto it = input_to.find(n); it != input_to.end())
      for (std::size_t s : it->second) plan.segments[s].inputs.push_back(n);
  }
  // Sources first: they have no inputs, and the rest keeps its order.
  for (auto& seg : plan.segments)
    std::stable_partition(seg.nodes.begin(), seg.nodes.end(), [](const Node* n) { return is_source(*n); });
  return plan;
}

}  // namespace emily::compiler_detail
