// Coverage probes of the linear algebra, fft and convolution callbacks and blocks.
#include "probes.hpp"

namespace emily_tool {

std::vector<Probe> linalg_probes() { return {}; }

std::vector<Probe> linalg_block_probes() { return {}; }

}  // namespace emily_tool
