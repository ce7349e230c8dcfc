// Coverage probes: one small canonical run of each callback and block, for
// one type of its tensor data (the types each callback takes come from the
// op table, nx/op_table.hpp). Each op family keeps its probes in its own
// probes_*.cpp file. A probe makes its inputs directly in the type under
// test (indices and predicates keep their own types), so that no other
// callback's fallback is counted against it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "emily/emily.hpp"

namespace emily_tool {

struct Probe {
  std::string name;
  std::function<void(const nx::BackendPtr&, nx::Type)> run;
};

// Forces evaluation of results (lazy backends compute at to_binary).
inline void touch(const nx::Tensor& t) { (void)nx::to_binary(t); }
inline void touch(const std::vector<nx::Tensor>& ts) {
  for (const auto& t : ts) touch(t);
}

// A literal as a tensor of type t; values wrap into narrow integer types.
inline nx::Tensor typed(const nx::BackendPtr& b, nx::Type t, const nx::Literal& l) {
  return nx::tensor(l, {.type = t, .backend = b});
}
inline nx::Tensor m23(const nx::BackendPtr& b, nx::Type t) { return typed(b, t, {{1, -2, 3}, {4, 5, -6}}); }
// Index tensors are s32 whatever the type under test.
inline nx::Tensor idx(const nx::BackendPtr& b, const nx::Literal& l) { return typed(b, nx::s32, l); }

std::vector<Probe> core_probes();
std::vector<Probe> core_block_probes();
std::vector<Probe> elementwise_probes();
std::vector<Probe> shape_indexing_probes();
std::vector<Probe> shape_indexing_block_probes();
std::vector<Probe> reduce_sort_window_probes();
std::vector<Probe> reduce_sort_window_block_probes();
std::vector<Probe> linalg_probes();
std::vector<Probe> linalg_block_probes();

}  // namespace emily_tool
