#include "zip.hpp"

#include <zlib.h>

#include <algorithm>
#include <limits>
#include <optional>

namespace nx::io {

namespace {

constexpr std::uint32_t kEocdSig = 0x06054b50, kZip64LocatorSig = 0x07064b50, kZip64EocdSig = 0x06064b50,
                        kCentralSig = 0x02014b50, kLocalSig = 0x04034b50;
constexpr std::uint64_t kEocdSize = 22, kMaxComment = 65535;
// Deflate cannot expand data by more than about 1032:1; a larger declared
// size is a corrupt or hostile record, refused before allocating it.
constexpr std::uint64_t kMaxRatio = 1032;

std::uint64_t le(const std::vector<std::uint8_t>& b, std::size_t at, int n) { return load_le(b.data() + at, n); }

}  // namespace

std::vector<ZipEntry> zip_entries(std::string_view op, const std::string& path, const InputFile& file) {
  const std::uint64_t size = file.size();
  if (size < kEocdSize) fail(op, path, "not a zip archive (too short)");
  // The end-of-central-directory record: the last one whose comment reaches
  // exactly to the end of the file.
  const std::uint64_t tail_len = std::min(size, kEocdSize + kMaxComment);
  const auto tail = file.read(size - tail_len, tail_len, "the end of the archive");
  std::optional<std::size_t> eocd;
  for (std::size_t i = tail_len - kEocdSize + 1; i-- > 0;)
    if (le(tail, i, 4) == kEocdSig && i + kEocdSize + le(tail, i + 20, 2) == tail_len) {
      eocd = i;
      break;
    }
  if (!eocd) fail(op, path, "not a zip archive (no end of central directory record)");
  const std::uint64_t eocd_pos = size - tail_len + *eocd;
  if (le(tail, *eocd + 4, 2) != 0 || le(tail, *eocd + 6, 2) != 0)
    fail(op, path, "multi-disk zip archives are not supported");
  std::uint64_t count = le(tail, *eocd + 10, 2), cd_size = le(tail, *eocd + 12, 4),
                cd_offset = le(tail, *eocd + 16, 4);
  if (count == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF) {
    if (eocd_pos < 20) fail(op, path, "zip64 archive without its locator");
    const auto loc = file.read(eocd_pos - 20, 20, "the zip64 locator");
    if (le(loc, 0, 4) != kZip64LocatorSig) fail(op, path, "zip64 archive without its locator");
    const auto rec = file.read(le(loc, 8, 8), 56, "the zip64 end of central directory");
    if (le(rec, 0, 4) != kZip64EocdSig) fail(op, path, "bad zip64 end of central directory record");
    count = le(rec, 32, 8);
    cd_size = le(rec, 40, 8);
    cd_offset = le(rec, 48, 8);
  }
  const auto cd = file.read(cd_offset, cd_size, "the central directory");
  // Each record takes at least 46 bytes: bounds the reservation below.
  if (count > cd_size / 46) fail(op, path, "the central directory is shorter than its entry count");
  std::vector<ZipEntry> out;
  out.reserve(count);
  std::size_t p = 0;
  for (std::uint64_t k = 0; k < count; ++k) {
    if (cd.size() - p < 46 || le(cd, p, 4) != kCentralSig) fail(op, path, "corrupt central directory");
    ZipEntry e;
    const std::uint64_t flags = le(cd, p + 8, 2), name_len = le(cd, p + 28, 2), extra_len = le(cd, p + 30, 2),
                        comment_len = le(cd, p + 32, 2);
    e.method = static_cast<int>(le(cd, p + 10, 2));
    e.crc = static_cast<std::uint32_t>(le(cd, p + 16, 4));
    e.compressed = le(cd, p + 20, 4);
    e.uncompressed = le(cd, p + 24, 4);
    e.local_offset = le(cd, p + 42, 4);
    if (cd.size() - p - 46 < name_len + extra_len + comment_len) fail(op, path, "corrupt central directory");
    e.name.assign(reinterpret_cast<const char*>(cd.data() + p + 46), name_len);
    if (flags & 1) fail(op, path + ": member \"" + e.name + "\"", "encrypted zip members are not supported");
    // The zip64 extra field holds, in this order, whichever of the three
    // 32-bit fields above are saturated.
    std::size_t x = p + 46 + name_len;
    const std::size_t x_end = x + extra_len;
    while (x_end - x >= 4) {
      const std::uint64_t id = le(cd, x, 2), len = le(cd, x + 2, 2);
      x += 4;
      if (x_end - x < len) fail(op, path, "corrupt zip extra field");
      if (id == 1) {
        std::size_t q = x;
        for (std::uint64_t* field : {&e.uncompressed, &e.compressed, &e.local_offset}) {
          if (*field != 0xFFFFFFFF) continue;
          if (x + len - q < 8) fail(op, path, "corrupt zip64 extra field");
          *field = le(cd, q, 8);
          q += 8;
        }
      }
      x += len;
    }
    p += 46 + name_len + extra_len + comment_len;
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<std::uint8_t> zip_extract(std::string_view op, const std::string& path, const InputFile& file,
                                      const ZipEntry& e) {
  const std::string where = path + ": member \"" + e.name + "\"";
  if (e.method != 0 && e.method != 8)
    fail(op, where, "zip compression method " + std::to_string(e.method) + " is not supported (stored or deflate only)");
  const auto local = file.read(e.local_offset, 30, "a zip local header");
  if (le(local, 0, 4) != kLocalSig) fail(op, where, "bad zip local header");
  const std::uint64_t start = e.local_offset + 30 + le(local, 26, 2) + le(local, 28, 2);
  const auto packed = file.read(start, e.compressed, "a zip member");
  std::vector<std::uint8_t> out;
  if (e.method == 0) {
    if (e.compressed != e.uncompressed) fail(op, where, "stored member with differing sizes");
    out = packed;
  } else {
    if (e.uncompressed / kMaxRatio > e.compressed + 1)
      fail(op, where, "declared size " + std::to_string(e.uncompressed) + " is impossible for " +
                          std::to_string(e.compressed) + " deflated bytes");
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) fail(op, where, "zlib initialisation failed");
    // zlib counts in 32 bits: feed and drain in chunks. The output grows with
    // what the stream really produces, never straight to the declared size.
    constexpr std::size_t kChunk = 1u << 30;
    std::size_t in_pos = 0;
    int rc = Z_OK;
    while (rc == Z_OK) {
      if (z.avail_in == 0 && in_pos < packed.size()) {
        z.next_in = const_cast<Bytef*>(packed.data() + in_pos);
        z.avail_in = static_cast<uInt>(std::min(kChunk, packed.size() - in_pos));
        in_pos += z.avail_in;
      }
      if (z.avail_out == 0 && out.size() < e.uncompressed) {
        const std::size_t used = out.size();
        out.resize(std::min<std::uint64_t>(e.uncompressed, std::max<std::size_t>(2 * used, 1u << 16)));
        z.next_out = out.data() + used;
        z.avail_out = static_cast<uInt>(std::min(kChunk, out.size() - used));
        out.resize(used + z.avail_out);
      }
      // Z_BUF_ERROR: input or room ran out (refilled above whenever possible).
      rc = inflate(&z, Z_NO_FLUSH);
    }
    const bool complete = rc == Z_STREAM_END && z.total_out == e.uncompressed;
    const std::string msg = z.msg ? z.msg : "";
    inflateEnd(&z);
    if (!complete)
      fail(op, where, "corrupt deflate stream" + (msg.empty() ? std::string(" or wrong declared size") : ": " + msg));
  }
  if (crc32_z(0, out.data(), out.size()) != e.crc) fail(op, where, "CRC mismatch: the member is corrupt");
  return out;
}

}  // namespace nx::io
