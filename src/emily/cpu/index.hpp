// Emily's indexing CPU kernel: take along an axis of an f32 or f64 tensor
// with s32 or s64 indices (the graph builder used by src/emily/indexing.cpp).
#pragma once

#include <optional>

#include "primitive.hpp"

namespace emily::cpu {

// x's slices at `idx` along `axis`, each index clamped into [0, dim - 1]
// as Emily's take and gather do: shape x.shape[:axis] ++ idx.shape ++
// x.shape[axis + 1:]. nullopt where the kernel does not apply (applies(),
// other index types, empty operands).
std::optional<mx::array> take(const mx::array& x, const mx::array& idx, int axis, mx::Device d);

}  // namespace emily::cpu
