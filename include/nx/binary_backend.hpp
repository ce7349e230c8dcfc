// nx::BinaryBackend: the reference backend. Every callback on host memory for
// every Nx type, with Nx's exact semantics. The oracle of the test suite and
// the target of Emily's fallbacks.
#pragma once

#include "nx/tensor.hpp"

namespace nx {

BackendPtr binary_backend();

}  // namespace nx
