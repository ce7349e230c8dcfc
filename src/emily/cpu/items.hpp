// parallel_for (pool.hpp) over work items rather than elements.
#pragma once

#include <cstddef>
#include <functional>

#include "pool.hpp"

namespace emily::cpu {

// Calls fn(begin, end) over [0, items) in parts of at least `grain` items.
// parallel_for starts its parts at multiples of 64 of its elements: one
// item counts as 64 of them, so every part is a whole number of items.
inline void parallel_items(std::size_t items, std::size_t grain, const std::function<void(std::size_t, std::size_t)>& fn) {
  parallel_for(items * 64, grain * 64, [&](std::size_t b, std::size_t e) { fn(b / 64, e / 64); });
}

// Items whose work is `item_elements` elements each, in parts of at least
// `grain_elements` elements.
inline std::size_t item_grain(std::size_t item_elements, std::size_t grain_elements) {
  return item_elements >= grain_elements ? 1 : grain_elements / (item_elements ? item_elements : 1);
}

}  // namespace emily::cpu
