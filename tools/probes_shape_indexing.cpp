// Coverage probes of the shape, layout and indexing callbacks and blocks.
#include "probes.hpp"

namespace emily_tool {

std::vector<Probe> shape_indexing_probes() { return {}; }

std::vector<Probe> shape_indexing_block_probes() { return {}; }

}  // namespace emily_tool
