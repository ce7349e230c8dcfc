// numpy's .npy format: "\x93NUMPY", major and minor version, a little-endian
// header length (2 bytes in version 1, 4 in versions 2 and 3), a Python dict
// literal {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } padded
// with spaces and a newline, then the raw elements. A .npz is a zip of them.
#include <cctype>
#include <limits>
#include <optional>

#include "io_util.hpp"
#include "nx/creation.hpp"
#include "nx/serialize.hpp"
#include "nx/shape_ops.hpp"
#include "zip.hpp"

namespace nx {

namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
constexpr std::uint64_t kMaxHeader = 100'000'000;

struct Header {
  std::string descr;
  bool fortran = false;
  Shape shape;
};

// The dict literal numpy writes (keys and strings quoted either way, True and
// False, tuples of integers). Anything else is an error, never evaluated.
class DictParser {
 public:
  DictParser(std::string_view op, const std::string& where, std::string_view text)
      : op_(op), where_(where), s_(text) {}

  Header parse() {
    Header h;
    bool seen[3] = {false, false, false};
    expect('{');
    while (!peek('}')) {
      std::string key = string_literal();
      expect(':');
      if (key == "descr") {
        if (peek('[')) bad("structured dtypes (a descr list) are not supported");
        h.descr = string_literal();
        seen[0] = true;
      } else if (key == "fortran_order") {
        h.fortran = boolean();
        seen[1] = true;
      } else if (key == "shape") {
        h.shape = tuple();
        seen[2] = true;
      } else {
        bad("unexpected header key '" + key + "'");
      }
      if (!peek('}')) expect(',');
    }
    expect('}');
    skip_space();
    if (i_ != s_.size()) bad("trailing characters after the header dict");
    if (!seen[0] || !seen[1] || !seen[2]) bad("the header lacks one of 'descr', 'fortran_order', 'shape'");
    return h;
  }

 private:
  [[noreturn]] void bad(const std::string& msg) { io::fail(op_, where_, "bad .npy header: " + msg); }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  bool peek(char c) {
    skip_space();
    return i_ < s_.size() && s_[i_] == c;
  }
  void expect(char c) {
    if (!peek(c)) bad(std::string("expected '") + c + "' at character " + std::to_string(i_));
    ++i_;
  }
  std::string string_literal() {
    skip_space();
    if (i_ >= s_.size() || (s_[i_] != '\'' && s_[i_] != '"')) bad("expected a string at character " + std::to_string(i_));
    const char q = s_[i_++];
    const std::size_t end = s_.find(q, i_);
    if (end == std::string_view::npos) bad("unterminated string");
    std::string out(s_.substr(i_, end - i_));
    i_ = end + 1;
    return out;
  }
  bool boolean() {
    skip_space();
    for (auto [word, value] : {std::pair{std::string_view("True"), true}, {std::string_view("False"), false}})
      if (s_.substr(i_, word.size()) == word) {
        i_ += word.size();
        return value;
      }
    bad("fortran_order is not True or False");
  }
  Shape tuple() {
    Shape out;
    expect('(');
    while (!peek(')')) {
      skip_space();
      std::int64_t v = 0;
      const std::size_t start = i_;
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, s_[i_] - '0', &v))
          bad("shape dimension too large");
        ++i_;
      }
      if (i_ == start) bad("shape is not a tuple of non-negative integers");
      if (i_ < s_.size() && s_[i_] == 'L') ++i_;  // Python 2 long literals
      out.push_back(v);
      if (!peek(')')) expect(',');
    }
    expect(')');
    return out;
  }

  std::string_view op_;
  const std::string& where_;
  std::string_view s_;
  std::size_t i_ = 0;
};

// The Nx type of a numpy descr; `swap` is set for big-endian data.
Type npy_type(std::string_view op, const std::string& where, const std::string& descr, bool& swap) {
  const auto unsupported = [&]() -> Type {
    io::fail(op, where, "unsupported dtype '" + descr + "' (supported: b1, u1-u8, i1-i8, f2, f4, f8, c8, c16)");
  };
  if (descr.size() < 3 || std::string_view("<>|=").find(descr[0]) == std::string_view::npos) return unsupported();
  swap = descr[0] == '>';
  const std::string_view code = std::string_view(descr).substr(1);
  struct Code {
    std::string_view code;
    Type type;
  };
  static constexpr Code kCodes[] = {{"b1", u8},  {"u1", u8},  {"u2", u16}, {"u4", u32},  {"u8", u64},
                                    {"i1", s8},  {"i2", s16}, {"i4", s32}, {"i8", s64},  {"f2", f16},
                                    {"f4", f32}, {"f8", f64}, {"c8", c64}, {"c16", c128}};
  for (const auto& c : kCodes)
    if (c.code == code) return c.type;
  return unsupported();
}

Tensor parse_npy(std::string_view op, const std::string& where, std::span<const std::uint8_t> bytes,
                 const BackendPtr& backend) {
  if (bytes.size() < 10 || std::string_view(reinterpret_cast<const char*>(bytes.data()), 6) != kMagic)
    io::fail(op, where, "not a .npy file (no \\x93NUMPY magic)");
  const int major = bytes[6], minor = bytes[7];
  if (major < 1 || major > 3 || minor != 0)
    io::fail(op, where, "unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor));
  const int len_bytes = major == 1 ? 2 : 4;
  if (bytes.size() < 8u + static_cast<std::size_t>(len_bytes)) io::fail(op, where, "truncated .npy header");
  const std::uint64_t header_len = io::load_le(bytes.data() + 8, len_bytes);
  const std::uint64_t prefix = 8 + static_cast<std::uint64_t>(len_bytes);
  if (header_len > kMaxHeader)
    io::fail(op, where, "header length " + std::to_string(header_len) + " exceeds the limit of " +
                            std::to_string(kMaxHeader) + " bytes");
  if (header_len > bytes.size() - prefix)
    io::fail(op, where, "header length " + std::to_string(header_len) + " runs past the end of the data (" +
                            std::to_string(bytes.size()) + " bytes)");
  std::string_view text(reinterpret_cast<const char*>(bytes.data() + prefix), header_len);
  Header h = DictParser(op, where, text).parse();
  bool swap = false;
  const Type type = npy_type(op, where, h.descr, swap);
  const std::uint64_t item = static_cast<std::uint64_t>(element_bytes(type));
  const std::uint64_t need = io::checked_nbytes(op, where, "array", h.shape, item);
  const std::uint64_t have = bytes.size() - prefix - header_len;
  if (have != need)
    io::fail(op, where, (have < need ? "truncated data: shape " : "trailing data: shape ") +
                            shape_to_string(h.shape) + " of dtype '" + h.descr + "' needs " +
                            std::to_string(need) + " bytes, the file holds " + std::to_string(have));
  io::check_backend_holds(op, where, "array", h.descr, type, backend);
  std::span<const std::uint8_t> data = bytes.subspan(prefix + header_len);
  std::vector<std::uint8_t> swapped;
  if (swap && item > 1) {
    // Big-endian: reverse each real component (complex numbers have two).
    const std::size_t w = is_complex(type) ? item / 2 : item;
    swapped.assign(data.begin(), data.end());
    for (std::size_t i = 0; i < swapped.size(); i += w) std::reverse(swapped.begin() + i, swapped.begin() + i + w);
    data = swapped;
  }
  // Fortran order is the row-major layout of the reversed shape, transposed.
  const bool fortran = h.fortran && h.shape.size() > 1;
  Shape stored = h.shape;
  if (fortran) std::reverse(stored.begin(), stored.end());
  Tensor t = io::make_tensor(op, where, "array", h.descr, type, stored, data, backend);
  return fortran ? transpose(t) : t;
}

struct NpyDescr {
  Type type;
  std::string_view descr;
};
constexpr NpyDescr kWrite[] = {{u8, "|u1"},  {u16, "<u2"}, {u32, "<u4"}, {u64, "<u8"}, {s8, "|i1"},
                               {s16, "<i2"}, {s32, "<i4"}, {s64, "<i8"}, {f16, "<f2"}, {f32, "<f4"},
                               {f64, "<f8"}, {c64, "<c8"}, {c128, "<c16"}};

}  // namespace

Tensor from_numpy(const std::string& path, const LoadOptions& opts) {
  constexpr std::string_view op = "from_numpy";
  io::InputFile file(op, path);
  auto bytes = file.read(0, file.size(), "the file");
  return parse_npy(op, path, bytes, opts.backend ? opts.backend : default_backend());
}

std::map<std::string, Tensor> from_numpy_archive(const std::string& path, const LoadOptions& opts) {
  constexpr std::string_view op = "from_numpy_archive";
  const BackendPtr backend = opts.backend ? opts.backend : default_backend();
  io::InputFile file(op, path);
  std::map<std::string, Tensor> out;
  for (const auto& entry : io::zip_entries(op, path, file)) {
    if (!entry.name.empty() && entry.name.back() == '/') continue;  // a directory
    const std::string where = path + ": member \"" + entry.name + "\"";
    std::string key = entry.name;
    if (key.size() > 4 && key.ends_with(".npy")) key.resize(key.size() - 4);
    if (out.count(key)) io::fail(op, where, "duplicate array name \"" + key + "\"");
    out[key] = parse_npy(op, where, io::zip_extract(op, path, file, entry), backend);
  }
  return out;
}

void to_numpy(const std::string& path, const Tensor& t) {
  constexpr std::string_view op = "to_numpy";
  if (!t.defined()) io::fail(op, path, "the tensor is undefined");
  std::optional<std::string_view> descr;
  for (const auto& w : kWrite)
    if (w.type == t.type()) descr = w.descr;
  if (!descr) io::fail(op, path, "numpy has no dtype for Nx type " + to_string(t.type()));
  std::string shape = "(";
  for (auto d : t.shape()) shape += std::to_string(d) + ", ";
  if (t.rank() > 0) shape.resize(shape.size() - (t.rank() == 1 ? 1 : 2));  // "(3,)" and "(2, 3)"
  shape += ")";
  std::string header = "{'descr': '" + std::string(*descr) + "', 'fortran_order': False, 'shape': " + shape + ", }";
  // numpy pads so that the data starts on a 64-byte boundary; version 2.0
  // only when the header outgrows version 1.0's 16-bit length.
  const bool v2 = header.size() + 11 > 65535;
  const std::size_t prefix = v2 ? 12 : 10;
  header.resize((prefix + header.size() + 1 + 63) / 64 * 64 - prefix - 1, ' ');
  header += '\n';
  std::vector<std::uint8_t> head(kMagic.begin(), kMagic.end());
  head.push_back(v2 ? 2 : 1);
  head.push_back(0);
  head.resize(prefix);
  io::store_le(head.data() + 8, header.size(), v2 ? 4 : 2);
  auto data = to_binary(t);
  io::OutputFile file(op, path);
  file.write(head);
  file.write(header);
  file.write(data);
  file.close();
}

}  // namespace nx
