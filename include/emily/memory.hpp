// MLX allocator statistics and controls.
#pragma once

#include <cstddef>

namespace emily::memory {

std::size_t active_bytes();
std::size_t peak_bytes();
std::size_t cache_bytes();
void reset_peak();
void clear_cache();

}  // namespace emily::memory
