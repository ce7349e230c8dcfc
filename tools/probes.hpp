// Coverage probes: one small canonical run of each callback and block.
// Each op family keeps its probes in its own probes_*.cpp file.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "emily/emily.hpp"

namespace emily_tool {

struct Probe {
  std::string name;
  std::function<void(const nx::BackendPtr&)> run;
};

// Forces evaluation of results (lazy backends compute at to_binary).
inline void touch(const nx::Tensor& t) { (void)nx::to_binary(t); }
inline void touch(const std::vector<nx::Tensor>& ts) {
  for (const auto& t : ts) touch(t);
}

inline nx::Tensor m23(const nx::BackendPtr& b) { return nx::tensor({{1.0, -2.0, 3.0}, {4.0, 5.0, -6.0}}, {.backend = b}); }
inline nx::Tensor ints(const nx::BackendPtr& b) { return nx::tensor({{1, -2, 3}, {4, 5, -6}}, {.backend = b}); }
inline nx::Tensor spd(const nx::BackendPtr& b) { return nx::tensor({{4.0, 1.0}, {1.0, 3.0}}, {.backend = b}); }


std::vector<Probe> core_probes();
std::vector<Probe> core_block_probes();
std::vector<Probe> shape_indexing_probes();
std::vector<Probe> shape_indexing_block_probes();
std::vector<Probe> reduce_sort_window_probes();
std::vector<Probe> reduce_sort_window_block_probes();
std::vector<Probe> linalg_probes();
std::vector<Probe> linalg_block_probes();

}  // namespace emily_tool
