// Default compositions of the indexing blocks (Nx.Block.*).
// TEMPORARY placeholders below raise nx::UnsupportedError until each
// composition is written.
#include "common.hpp"

namespace nx {

Tensor Backend::take(const Spec&, const Tensor&, const Tensor&, int) { unsupported("take"); }
Tensor Backend::take_along_axis(const Spec&, const Tensor&, const Tensor&, int) { unsupported("take_along_axis"); }

}  // namespace nx
