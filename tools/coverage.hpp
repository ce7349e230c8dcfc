// `emily coverage`: runs every callback and block on a small canonical input,
// once for each type it takes (op table, nx/op_table.hpp) that the backend
// holds, and reports native / composed / fallback / unsupported per type
// from what happened.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "nx/backend.hpp"
#include "probes.hpp"

namespace emily_tool {

struct CoverageCounts {
  int native = 0, composed = 0, fallback = 0, partial = 0, unsupported = 0;
};

// One callback or block ("block:" prefix): its status over the types probed
// ("partial" when they differ) and the status of each type.
struct CoverageRow {
  std::string name;
  std::string status;
  std::vector<std::pair<nx::Type, std::string>> per_type;  // empty for callbacks without tensors
  std::string detail;  // "native for f32, f16; fallback for f64" when partial
  std::vector<std::string> errors;  // "name (type): what it raised", for the unsupported runs
};

struct CoverageReport {
  std::vector<nx::Type> types;  // the types probed
  std::vector<CoverageRow> rows;
  CoverageCounts counts;
};

// Every probe by row name (blocks as "block:name").
std::map<std::string, Probe> coverage_probes();

// The Nx types `backend` can hold, in nx::all_types() order.
std::vector<nx::Type> held_types(const nx::BackendPtr& backend);

// Probes every held type, or only `only` (which must be held).
CoverageReport measure_coverage(const nx::BackendPtr& backend, std::optional<nx::Type> only = std::nullopt);

// Prints one line per row, "name<TAB>backend<TAB>device<TAB>status" plus a
// fifth column for partial rows, then the types probed and the summary line.
CoverageCounts run_coverage(const nx::BackendPtr& backend, const std::string& backend_name,
                            const std::string& device, std::optional<nx::Type> only, std::ostream& os);

}  // namespace emily_tool
