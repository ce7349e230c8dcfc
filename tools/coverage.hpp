// `emily coverage`: runs every callback and block on a small canonical input
// and reports native / composed / fallback / unsupported from what happened.
#pragma once

#include <ostream>
#include <string>

#include "nx/backend.hpp"

namespace emily_tool {

struct CoverageCounts {
  int native = 0, composed = 0, fallback = 0, unsupported = 0;
};

CoverageCounts run_coverage(const nx::BackendPtr& backend, const std::string& backend_name,
                            const std::string& device, std::ostream& os);

}  // namespace emily_tool
