// PLACEHOLDER while the rules are written: raises for every op of the family.
#include "grad.hpp"

namespace nx::defn::grad {

std::vector<Tensor> indexing(const Node& n, const std::vector<Tensor>&, const std::vector<Tensor>&) {
  not_differentiable(n, "rule not written yet");
}

}  // namespace nx::defn::grad
