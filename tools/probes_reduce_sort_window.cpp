// Coverage probes of the sorting, cumulative, window and statistics callbacks and blocks.
#include "probes.hpp"

namespace emily_tool {

namespace {

using nx::BackendPtr;
using nx::Tensor;
using nx::Type;

Tensor grid(const BackendPtr& b, Type t) { return typed(b, t, {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}}); }

const nx::WindowFrontOptions kPooling{.padding = nx::Padding::same, .strides = {1, 2}};

}  // namespace

std::vector<Probe> reduce_sort_window_probes() {
  return {
      {"window_reduce",
       [](const BackendPtr& b, Type t) {
         touch(nx::window_reduce(m23(b, t), nx::Scalar(0), {1, 2},
                                 [](const Tensor& e, const Tensor& a) { return nx::add(e, a); }));
       }},
      {"window_sum", [](const BackendPtr& b, Type t) { touch(nx::window_sum(grid(b, t), {2, 2}, kPooling)); }},
      {"window_product", [](const BackendPtr& b, Type t) { touch(nx::window_product(grid(b, t), {2, 2}, kPooling)); }},
      {"window_max", [](const BackendPtr& b, Type t) { touch(nx::window_max(grid(b, t), {2, 2}, kPooling)); }},
      {"window_min", [](const BackendPtr& b, Type t) { touch(nx::window_min(grid(b, t), {2, 2}, kPooling)); }},
      {"sort",
       [](const BackendPtr& b, Type t) { touch(nx::sort(m23(b, t), {.axis = 1, .direction = nx::Direction::desc})); }},
      {"argsort", [](const BackendPtr& b, Type t) { touch(nx::argsort(m23(b, t), {.axis = 1})); }},
      {"window_scatter_max",
       [](const BackendPtr& b, Type t) {
         touch(nx::window_scatter_max(grid(b, t), typed(b, t, {{1, 2}}), 0, {3, 2},
                                      {.strides = {1, 2}}));
       }},
      {"window_scatter_min",
       [](const BackendPtr& b, Type t) {
         touch(nx::window_scatter_min(grid(b, t), typed(b, t, {{1, 2}}), 0, {3, 2},
                                      {.strides = {1, 2}}));
       }},
  };
}

std::vector<Probe> reduce_sort_window_block_probes() {
  return {
      {"all_close", [](const BackendPtr& b, Type t) { touch(nx::all_close(m23(b, t), m23(b, t))); }},
      {"cumulative_sum", [](const BackendPtr& b, Type t) { touch(nx::cumulative_sum(m23(b, t), {.axis = 1})); }},
      {"cumulative_product",
       [](const BackendPtr& b, Type t) { touch(nx::cumulative_product(m23(b, t), {.axis = 1})); }},
      {"cumulative_min", [](const BackendPtr& b, Type t) { touch(nx::cumulative_min(m23(b, t), {.axis = 0})); }},
      {"cumulative_max",
       [](const BackendPtr& b, Type t) { touch(nx::cumulative_max(m23(b, t), {.axis = 1, .reverse = true})); }},
      {"top_k",
       [](const BackendPtr& b, Type t) {
         auto [values, indices] = nx::top_k(m23(b, t), 2);
         touch({values, indices});
       }},
  };
}

}  // namespace emily_tool
