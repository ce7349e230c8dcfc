// Coverage probes of the sorting, cumulative, window and statistics callbacks and blocks.
#include "probes.hpp"

namespace emily_tool {

std::vector<Probe> reduce_sort_window_probes() { return {}; }

std::vector<Probe> reduce_sort_window_block_probes() { return {}; }

}  // namespace emily_tool
