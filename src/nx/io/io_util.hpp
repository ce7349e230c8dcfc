// Shared pieces of the tensor-file readers and writers (nx/serialize.hpp):
// bounds-checked file reads, checked size arithmetic, and the one place a
// tensor is handed to its backend.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nx/backend.hpp"

namespace nx::io {

// Raises ArgumentError("<op>: <where>: <message>"); `where` is the file, or
// the file and the archive member.
[[noreturn]] void fail(std::string_view op, const std::string& where, const std::string& message);

// A regular file opened for reading; every read is checked against its size.
class InputFile {
 public:
  InputFile(std::string_view op, std::string path);
  std::uint64_t size() const { return size_; }
  // Bytes [offset, offset + n); raises (naming `what`) when they lie beyond the end.
  void read(std::uint64_t offset, std::uint8_t* dst, std::uint64_t n, std::string_view what) const;
  std::vector<std::uint8_t> read(std::uint64_t offset, std::uint64_t n, std::string_view what) const;

 private:
  std::string op_, path_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
  std::uint64_t size_ = 0;
};

// A file opened (truncated) for writing; errors raise naming the file.
class OutputFile {
 public:
  OutputFile(std::string_view op, std::string path);
  void write(std::span<const std::uint8_t> bytes);
  void write(std::string_view text);
  void close();  // flushes; raises on failure

 private:
  std::string op_, path_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_;
};

std::uint64_t load_le(const std::uint8_t* p, int bytes);
void store_le(std::uint8_t* p, std::uint64_t v, int bytes);

// Byte size of `shape` at `item_bytes` per element. Raises on a zero-sized
// dimension (Nx has none) and when the size overflows 64 bits.
std::uint64_t checked_nbytes(std::string_view op, const std::string& where, const std::string& what,
                             const Shape& shape, std::uint64_t item_bytes);

// Raises unless `backend` holds tensors of `type`, naming the tensor and the
// file's own dtype name. Called before any data is read.
void check_backend_holds(std::string_view op, const std::string& where, const std::string& tensor,
                         const std::string& dtype, Type type, const BackendPtr& backend);
// The tensor of `bytes` (Nx's layout) on `backend`; errors name the tensor.
Tensor make_tensor(std::string_view op, const std::string& where, const std::string& tensor,
                   const std::string& dtype, Type type, const Shape& shape,
                   std::span<const std::uint8_t> bytes, const BackendPtr& backend);

}  // namespace nx::io
