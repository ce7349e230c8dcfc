// The zip reader behind from_numpy_archive: the central directory (zip64
// included) and stored or deflated members, every record bounds-checked.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "io_util.hpp"

namespace nx::io {

struct ZipEntry {
  std::string name;
  int method = 0;  // 0 stored, 8 deflated
  std::uint32_t crc = 0;
  std::uint64_t compressed = 0, uncompressed = 0, local_offset = 0;
};

std::vector<ZipEntry> zip_entries(std::string_view op, const std::string& path, const InputFile& file);
// The member's bytes, CRC-checked.
std::vector<std::uint8_t> zip_extract(std::string_view op, const std::string& path, const InputFile& file,
                                      const ZipEntry& entry);

}  // namespace nx::io
