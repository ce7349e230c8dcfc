// Reading tensors from files.
#pragma once

#include <string>

#include "nx/tensor.hpp"

namespace nx {

struct CsvOptions {
  Type type = f32;      // element type of the result
  BackendPtr backend;   // default: the global default backend
  char delimiter = ',';
  int skip_rows = 0;    // header lines to ignore
};

// A CSV file of numbers as a rank-2 tensor {rows, columns}. The file may be
// plain text or gzip-compressed (recognised by its magic bytes, whatever its
// name). Blank lines are skipped; fields may carry surrounding spaces; "nan",
// "inf" and "-inf" are accepted. A missing file, a corrupt gzip stream, a
// ragged row, an empty or non-numeric field, or no data at all raise
// ArgumentError("load_csv: <path>:<line>: ...").
Tensor load_csv(const std::string& path, const CsvOptions& opts = {});

}  // namespace nx
