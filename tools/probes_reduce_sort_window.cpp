// Coverage probes of the sorting, cumulative, window and statistics callbacks and blocks.
#include "probes.hpp"

namespace emily_tool {

namespace {

using nx::BackendPtr;
using nx::Tensor;

Tensor grid(const BackendPtr& b) {
  return nx::tensor({{1.0, 2.0, 3.0, 4.0}, {5.0, 6.0, 7.0, 8.0}, {9.0, 10.0, 11.0, 12.0}}, {.backend = b});
}

const nx::WindowFrontOptions kPooling{.padding = nx::Padding::same, .strides = {1, 2}};

}  // namespace

std::vector<Probe> reduce_sort_window_probes() {
  return {
      {"window_reduce", [](const BackendPtr& b) {
         touch(nx::window_reduce(ints(b), nx::Scalar(0), {1, 2},
                                 [](const Tensor& e, const Tensor& a) { return nx::add(e, a); }));
       }},
      {"window_sum", [](const BackendPtr& b) { touch(nx::window_sum(grid(b), {2, 2}, kPooling)); }},
      {"window_product", [](const BackendPtr& b) { touch(nx::window_product(grid(b), {2, 2}, kPooling)); }},
      {"window_max", [](const BackendPtr& b) { touch(nx::window_max(grid(b), {2, 2}, kPooling)); }},
      {"window_min", [](const BackendPtr& b) { touch(nx::window_min(grid(b), {2, 2}, kPooling)); }},
      {"sort", [](const BackendPtr& b) { touch(nx::sort(m23(b), {.axis = 1, .direction = nx::Direction::desc})); }},
      {"argsort", [](const BackendPtr& b) { touch(nx::argsort(m23(b), {.axis = 1})); }},
      {"window_scatter_max", [](const BackendPtr& b) {
         Tensor source = nx::tensor({{1.0, 2.0}}, {.backend = b});
         touch(nx::window_scatter_max(grid(b), source, 0.0, {3, 2}, {.strides = {1, 2}}));
       }},
      {"window_scatter_min", [](const BackendPtr& b) {
         Tensor source = nx::tensor({{1.0, 2.0}}, {.backend = b});
         touch(nx::window_scatter_min(grid(b), source, 0.0, {3, 2}, {.strides = {1, 2}}));
       }},
  };
}

std::vector<Probe> reduce_sort_window_block_probes() {
  return {
      {"all_close", [](const BackendPtr& b) { touch(nx::all_close(m23(b), m23(b))); }},
      {"cumulative_sum", [](const BackendPtr& b) { touch(nx::cumulative_sum(m23(b), {.axis = 1})); }},
      {"cumulative_product", [](const BackendPtr& b) { touch(nx::cumulative_product(m23(b), {.axis = 1})); }},
      {"cumulative_min", [](const BackendPtr& b) { touch(nx::cumulative_min(m23(b), {.axis = 0})); }},
      {"cumulative_max", [](const BackendPtr& b) {
         touch(nx::cumulative_max(m23(b), {.axis = 1, .reverse = true}));
       }},
      {"top_k", [](const BackendPtr& b) {
         auto [values, indices] = nx::top_k(m23(b), 2);
         touch(values);
         touch(indices);
       }},
  };
}

}  // namespace emily_tool
