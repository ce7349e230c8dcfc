// Printing tensors in Nx's inspect format.
#pragma once

#include <ostream>
#include <string>

#include "nx/tensor.hpp"

namespace nx {

struct InspectOptions {
  std::int64_t limit = 50;  // elements shown; -1 for all
};
// "#Nx.Tensor<\n  f32[2]\n  [1.0, 2.0]\n>"
std::string inspect(const Tensor& t, const InspectOptions& opts = {});
// Just the data part: "[1.0, 2.0]" (the whole tensor).
std::string format_values(const Tensor& t);
// Shortest round-trip decimal of a float in a type's own precision, Nx style.
std::string format_float(double value, Type type);
std::ostream& operator<<(std::ostream& os, const Tensor& t);

}  // namespace nx
