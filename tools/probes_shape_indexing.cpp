// Coverage probes of the shape, layout and indexing callbacks and blocks.
#include "probes.hpp"

namespace emily_tool {

namespace {

using nx::BackendPtr;
using nx::Tensor;

Tensor idx(const BackendPtr& b, nx::Literal l) { return nx::tensor(l, {.type = nx::s32, .backend = b}); }

}  // namespace

std::vector<Probe> shape_indexing_probes() {
  return {
      {"reshape", [](const BackendPtr& b) { touch(nx::reshape(m23(b), {3, -1})); }},
      {"squeeze", [](const BackendPtr& b) { touch(nx::squeeze(nx::reshape(m23(b), {1, 2, 3}))); }},
      {"broadcast", [](const BackendPtr& b) { touch(nx::broadcast(m23(b), {2, 2, 3})); }},
      {"transpose", [](const BackendPtr& b) { touch(nx::transpose(m23(b))); }},
      {"pad", [](const BackendPtr& b) { touch(nx::pad(m23(b), 0.5, {{1, -1, 1}, {0, 2, 0}})); }},
      {"reverse", [](const BackendPtr& b) { touch(nx::reverse(m23(b), nx::Axes{1})); }},
      {"concatenate", [](const BackendPtr& b) { touch(nx::concatenate({m23(b), ints(b)}, 1)); }},
      {"stack", [](const BackendPtr& b) { touch(nx::stack({m23(b), ints(b)}, 1)); }},
      {"slice", [](const BackendPtr& b) {
         touch(nx::slice(m23(b), {0, 1}, {2, 2}));
         touch(nx::slice(m23(b), {nx::scalar(1, nx::s32, b), nx::scalar(5, nx::s32, b)}, {1, 2}));
       }},
      {"put_slice", [](const BackendPtr& b) { touch(nx::put_slice(m23(b), {1, 1}, idx(b, {{7, 8}}))); }},
      {"gather", [](const BackendPtr& b) { touch(nx::gather(m23(b), idx(b, {{1, 2}, {0, 0}}))); }},
      {"indexed_add", [](const BackendPtr& b) {
         touch(nx::indexed_add(m23(b), idx(b, {{1}, {1}}), nx::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, {.backend = b})));
       }},
      {"indexed_put", [](const BackendPtr& b) {
         touch(nx::indexed_put(m23(b), idx(b, {{0, 2}, {1, 0}}), nx::tensor({9.0, 8.0}, {.backend = b})));
       }},
  };
}

std::vector<Probe> shape_indexing_block_probes() {
  return {
      {"take", [](const BackendPtr& b) { touch(nx::take(m23(b), idx(b, {2, 0}), 1)); }},
      {"take_along_axis", [](const BackendPtr& b) {
         touch(nx::take_along_axis(m23(b), idx(b, {{2, 0}, {1, 1}}), 1));
       }},
  };
}

}  // namespace emily_tool
