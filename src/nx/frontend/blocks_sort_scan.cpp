// Default compositions of the sort scan blocks (Nx.Block.*).
// TEMPORARY placeholders below raise nx::UnsupportedError until each
// composition is written.
#include "common.hpp"

namespace nx {

Tensor Backend::all_close(const Spec&, const Tensor&, const Tensor&, const AllCloseOptions&) { unsupported("all_close"); }
Tensor Backend::cumulative_sum(const Spec&, const Tensor&, const CumulativeOptions&) { unsupported("cumulative_sum"); }
Tensor Backend::cumulative_product(const Spec&, const Tensor&, const CumulativeOptions&) { unsupported("cumulative_product"); }
Tensor Backend::cumulative_min(const Spec&, const Tensor&, const CumulativeOptions&) { unsupported("cumulative_min"); }
Tensor Backend::cumulative_max(const Spec&, const Tensor&, const CumulativeOptions&) { unsupported("cumulative_max"); }
std::vector<Tensor> Backend::top_k(const std::vector<Spec>&, const Tensor&, std::int64_t) { unsupported("top_k"); }

}  // namespace nx
