// Coverage probes of the shape, layout and indexing callbacks and blocks.
#include "probes.hpp"

namespace emily_tool {

namespace {

using nx::BackendPtr;
using nx::Tensor;
using nx::Type;

}  // namespace

std::vector<Probe> shape_indexing_probes() {
  return {
      {"reshape", [](const BackendPtr& b, Type t) { touch(nx::reshape(m23(b, t), {3, -1})); }},
      {"squeeze", [](const BackendPtr& b, Type t) { touch(nx::squeeze(nx::reshape(m23(b, t), {1, 2, 3}))); }},
      {"broadcast", [](const BackendPtr& b, Type t) { touch(nx::broadcast(m23(b, t), {2, 2, 3})); }},
      {"transpose", [](const BackendPtr& b, Type t) { touch(nx::transpose(m23(b, t))); }},
      {"pad", [](const BackendPtr& b, Type t) { touch(nx::pad(m23(b, t), nx::scalar(0, t, b), {{1, -1, 1}, {0, 2, 0}})); }},
      {"reverse", [](const BackendPtr& b, Type t) { touch(nx::reverse(m23(b, t), nx::Axes{1})); }},
      {"concatenate", [](const BackendPtr& b, Type t) { touch(nx::concatenate({m23(b, t), m23(b, t)}, 1)); }},
      {"stack", [](const BackendPtr& b, Type t) { touch(nx::stack({m23(b, t), m23(b, t)}, 1)); }},
      {"slice",
       [](const BackendPtr& b, Type t) {
         touch(nx::slice(m23(b, t), {0, 1}, {2, 2}));
         touch(nx::slice(m23(b, t), {nx::scalar(1, nx::s32, b), nx::scalar(5, nx::s32, b)}, {1, 2}));
       }},
      {"put_slice", [](const BackendPtr& b, Type t) { touch(nx::put_slice(m23(b, t), {1, 1}, typed(b, t, {{7, 8}}))); }},
      {"gather", [](const BackendPtr& b, Type t) { touch(nx::gather(m23(b, t), idx(b, {{1, 2}, {0, 0}}))); }},
      {"indexed_add",
       [](const BackendPtr& b, Type t) {
         touch(nx::indexed_add(m23(b, t), idx(b, {{1}, {1}}), typed(b, t, {{1, 2, 3}, {4, 5, 6}})));
       }},
      {"indexed_put",
       [](const BackendPtr& b, Type t) {
         touch(nx::indexed_put(m23(b, t), idx(b, {{0, 2}, {1, 0}}), typed(b, t, {9, 8})));
       }},
  };
}

std::vector<Probe> shape_indexing_block_probes() {
  return {
      {"take", [](const BackendPtr& b, Type t) { touch(nx::take(m23(b, t), idx(b, {2, 0}), 1)); }},
      {"take_along_axis",
       [](const BackendPtr& b, Type t) { touch(nx::take_along_axis(m23(b, t), idx(b, {{2, 0}, {1, 1}}), 1)); }},
  };
}

}  // namespace emily_tool
