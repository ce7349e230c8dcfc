#include "io_util.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include "nx/creation.hpp"

namespace nx::io {

void fail(std::string_view op, const std::string& where, const std::string& message) {
  raise(op, where + ": " + message);
}

InputFile::InputFile(std::string_view op, std::string path)
    : op_(op), path_(std::move(path)), file_(std::fopen(path_.c_str(), "rb"), &std::fclose) {
  if (!file_) fail(op_, path_, std::string("cannot open the file: ") + std::strerror(errno));
  // fopen succeeds on directories, and pipes have no size to check against.
  struct stat st {};
  if (fstat(fileno(file_.get()), &st) != 0 || !S_ISREG(st.st_mode)) fail(op_, path_, "not a regular file");
  size_ = static_cast<std::uint64_t>(st.st_size);
}

void InputFile::read(std::uint64_t offset, std::uint8_t* dst, std::uint64_t n, std::string_view what) const {
  if (offset > size_ || n > size_ - offset)
    fail(op_, path_, "truncated file: " + std::string(what) + " needs bytes [" + std::to_string(offset) + ", " +
                         std::to_string(offset + n) + ") but the file has " + std::to_string(size_));
  if (n == 0) return;
  if (offset > static_cast<std::uint64_t>(std::numeric_limits<off_t>::max()) ||
      fseeko(file_.get(), static_cast<off_t>(offset), SEEK_SET) != 0 ||
      std::fread(dst, 1, n, file_.get()) != n)
    fail(op_, path_, "read error (" + std::string(what) + "): the file changed or is unreadable");
}

std::vector<std::uint8_t> InputFile::read(std::uint64_t offset, std::uint64_t n, std::string_view what) const {
  // Checked before allocating, so a corrupt length never becomes a huge buffer.
  if (offset > size_ || n > size_ - offset) read(offset, nullptr, n, what);
  std::vector<std::uint8_t> out(n);
  read(offset, out.data(), n, what);
  return out;
}

OutputFile::OutputFile(std::string_view op, std::string path)
    : op_(op), path_(std::move(path)), file_(std::fopen(path_.c_str(), "wb"), &std::fclose) {
  if (!file_) fail(op_, path_, std::string("cannot open the file for writing: ") + std::strerror(errno));
}

void OutputFile::write(std::span<const std::uint8_t> bytes) {
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), file_.get()) != bytes.size())
    fail(op_, path_, std::string("write error: ") + std::strerror(errno));
}

void OutputFile::write(std::string_view text) {
  write(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

void OutputFile::close() {
  std::FILE* f = file_.release();
  if (std::fclose(f) != 0) fail(op_, path_, std::string("write error: ") + std::strerror(errno));
}

std::uint64_t load_le(const std::uint8_t* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

void store_le(std::uint8_t* p, std::uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

std::uint64_t checked_nbytes(std::string_view op, const std::string& where, const std::string& what,
                             const Shape& shape, std::uint64_t item_bytes) {
  std::uint64_t n = item_bytes;
  for (auto d : shape) {
    if (d <= 0)
      fail(op, where, what + ": shape " + shape_to_string(shape) +
                          " has a zero-sized dimension; Nx tensors have none");
    if (__builtin_mul_overflow(n, static_cast<std::uint64_t>(d), &n))
      fail(op, where, what + ": shape " + shape_to_string(shape) + " is too large");
  }
  return n;
}

namespace {

std::string label(const std::string& tensor, const std::string& dtype, Type type) {
  return "tensor \"" + tensor + "\" of dtype " + dtype + " (Nx type " + to_string(type) + ")";
}

}  // namespace

void check_backend_holds(std::string_view op, const std::string& where, const std::string& tensor,
                         const std::string& dtype, Type type, const BackendPtr& backend) {
  // A one-element probe: the backend's own from_binary decides, so the
  // message is the same as for any other tensor of that type.
  std::vector<std::uint8_t> zero(static_cast<std::size_t>(element_bytes(type)), 0);
  try {
    TensorOptions o;
    o.backend = backend;
    (void)nx::from_binary(zero, type, Shape{1}, o);
  } catch (const ArgumentError& e) {
    fail(op, where, label(tensor, dtype, type) + ": the " + backend->name() +
                        " backend cannot hold it (" + e.what() + ")");
  }
}

Tensor make_tensor(std::string_view op, const std::string& where, const std::string& tensor,
                   const std::string& dtype, Type type, const Shape& shape,
                   std::span<const std::uint8_t> bytes, const BackendPtr& backend) {
  try {
    TensorOptions o;
    o.backend = backend;
    return nx::from_binary(bytes, type, shape, o);
  } catch (const ArgumentError& e) {
    fail(op, where, label(tensor, dtype, type) + ": " + e.what());
  }
}

}  // namespace nx::io
