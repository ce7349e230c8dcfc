// emily::compiler's plan: which nodes of a traced graph run inside an
// mx::compile'd segment and which run eagerly, and in what order.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "emily_backend.hpp"
#include "nx/defn.hpp"

namespace emily::compiler_detail {

using nx::defn::Node;

// Why `n` must run eagerly on `b`, or "" when its Emily callback only builds
// lazy MLX ops and can be traced by mx::compile.
std::string eager_reason(const Node& n, const Backend& b);

struct Segment {
  std::vector<const Node*> nodes;    // run inside, topological (sources they use first)
  std::vector<const Node*> inputs;   // values computed before the segment
  std::vector<const Node*> outputs;  // values needed after it
};

struct Plan {
  std::vector<const Node*> upfront;             // parameters, captured tensors and what only aliases them
  std::vector<Segment> segments;                // segments[k], then eager[k], for k = 0, 1, ...
  std::vector<std::vector<const Node*>> eager;  // topological within a slot
  std::map<const Node*, std::string> reasons;   // every eager node and why
  int compiled_nodes = 0;
};

// Places each node as early as its inputs allow, so that an eager node splits
// only the work that depends on it. `forced` adds eager nodes (with reasons)
// found by the safety net.
Plan make_plan(const nx::defn::Graph& graph, const Backend& b, const std::map<const Node*, std::string>& forced);

}  // namespace emily::compiler_detail
