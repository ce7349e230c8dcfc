// safetensors: an 8-byte little-endian header length N, N bytes of JSON
// ({"name": {"dtype", "shape", "data_offsets": [begin, end)}, "__metadata__":
// {str: str}}), then the data buffer the offsets index.
#include <algorithm>
#include <bit>
#include <limits>
#include <nlohmann/json.hpp>

#include "io_util.hpp"
#include "nx/creation.hpp"
#include "nx/serialize.hpp"

namespace nx {

static_assert(std::endian::native == std::endian::little, "file readers assume a little-endian host");

namespace {

using nlohmann::json;

constexpr std::string_view kLoad = "load_safetensors";
constexpr std::string_view kSave = "save_safetensors";
// The limit the safetensors library itself enforces.
constexpr std::uint64_t kMaxHeader = 100'000'000;

struct Dtype {
  std::string_view name;
  Type type;
};
// The first entry of a type is the one save_safetensors writes (U8, not BOOL).
constexpr Dtype kDtypes[] = {
    {"U8", u8},     {"BOOL", u8},   {"I8", s8},   {"U16", u16}, {"I16", s16},
    {"U32", u32},   {"I32", s32},   {"U64", u64}, {"I64", s64}, {"F16", f16},
    {"BF16", bf16}, {"F32", f32},   {"F64", f64}, {"C64", c64}, {"F8_E5M2", f8},
    {"F8_E4M3", f8_e4m3fn},
};

const Dtype* find_dtype(std::string_view name) {
  for (const auto& d : kDtypes)
    if (d.name == name) return &d;
  return nullptr;
}

const Dtype* find_dtype(Type t) {
  for (const auto& d : kDtypes)
    if (d.type == t) return &d;
  return nullptr;
}

struct Entry {
  std::string name;
  const Dtype* dtype;
  Shape shape;
  std::uint64_t begin, end;
};

std::uint64_t unsigned_of(const json& v, const std::string& path, const std::string& what) {
  if (!v.is_number_unsigned()) io::fail(kLoad, path, what + " must be a non-negative integer, got " + v.dump());
  return v.get<std::uint64_t>();
}

Entry parse_entry(const std::string& path, const std::string& name, const json& v, std::uint64_t data_len) {
  const std::string what = "tensor \"" + name + "\"";
  if (!v.is_object()) io::fail(kLoad, path, what + ": entry is not a JSON object");
  for (const char* key : {"dtype", "shape", "data_offsets"})
    if (!v.contains(key)) io::fail(kLoad, path, what + ": entry has no \"" + key + "\"");
  const json& dt = v["dtype"];
  if (!dt.is_string()) io::fail(kLoad, path, what + ": dtype is not a string");
  const Dtype* dtype = find_dtype(dt.get_ref<const std::string&>());
  if (!dtype) io::fail(kLoad, path, what + ": unsupported dtype " + dt.dump());
  const json& sh = v["shape"];
  if (!sh.is_array()) io::fail(kLoad, path, what + ": shape is not an array");
  Shape shape;
  for (const auto& d : sh) {
    std::uint64_t n = unsigned_of(d, path, what + ": a shape dimension");
    if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      io::fail(kLoad, path, what + ": dimension " + std::to_string(n) + " is too large");
    shape.push_back(static_cast<std::int64_t>(n));
  }
  const json& off = v["data_offsets"];
  if (!off.is_array() || off.size() != 2) io::fail(kLoad, path, what + ": data_offsets is not [begin, end]");
  std::uint64_t begin = unsigned_of(off[0], path, what + ": data_offsets"),
                end = unsigned_of(off[1], path, what + ": data_offsets");
  const std::string range = "[" + std::to_string(begin) + ", " + std::to_string(end) + ")";
  if (begin > end || end > data_len)
    io::fail(kLoad, path, what + ": data_offsets " + range + " lie outside the data buffer of " +
                              std::to_string(data_len) + " bytes");
  std::uint64_t nbytes = io::checked_nbytes(kLoad, path, what, shape, element_bytes(dtype->type));
  if (nbytes != end - begin)
    io::fail(kLoad, path, what + ": shape " + shape_to_string(shape) + " of dtype " + std::string(dtype->name) +
                              " needs " + std::to_string(nbytes) + " bytes but data_offsets " + range +
                              " hold " + std::to_string(end - begin));
  return {name, dtype, std::move(shape), begin, end};
}

}  // namespace

std::map<std::string, Tensor> load_safetensors(const std::string& path, const LoadOptions& opts) {
  io::InputFile file(kLoad, path);
  std::uint8_t len_bytes[8];
  file.read(0, len_bytes, 8, "the 8-byte header length");
  const std::uint64_t n = io::load_le(len_bytes, 8);
  if (n > kMaxHeader)
    io::fail(kLoad, path, "header length " + std::to_string(n) + " exceeds the limit of " +
                              std::to_string(kMaxHeader) + " bytes");
  if (n > file.size() - 8)
    io::fail(kLoad, path, "header length " + std::to_string(n) + " runs past the end of the file (" +
                              std::to_string(file.size()) + " bytes)");
  auto header = file.read(8, n, "the header");
  // The format requires the header to start with '{' (no leading space).
  if (n < 2 || header[0] != '{') io::fail(kLoad, path, "the header is not a JSON object");
  json j;
  try {
    j = json::parse(header.begin(), header.end());
  } catch (const json::exception& e) {
    io::fail(kLoad, path, std::string("the header is not valid JSON: ") + e.what());
  }
  if (!j.is_object()) io::fail(kLoad, path, "the header is not a JSON object");

  const std::uint64_t data_start = 8 + n, data_len = file.size() - data_start;
  std::vector<Entry> entries;
  for (const auto& [name, v] : j.items()) {
    if (name == "__metadata__") {
      if (!v.is_object()) io::fail(kLoad, path, "__metadata__ is not a JSON object");
      for (const auto& [k, s] : v.items())
        if (!s.is_string()) io::fail(kLoad, path, "__metadata__ value of \"" + k + "\" is not a string");
      continue;
    }
    entries.push_back(parse_entry(path, name, v, data_len));
  }
  std::vector<const Entry*> by_offset;
  for (const auto& e : entries) by_offset.push_back(&e);
  std::sort(by_offset.begin(), by_offset.end(), [](auto* a, auto* b) { return a->begin < b->begin; });
  for (std::size_t i = 1; i < by_offset.size(); ++i)
    if (by_offset[i]->begin < by_offset[i - 1]->end)
      io::fail(kLoad, path, "tensors \"" + by_offset[i - 1]->name + "\" and \"" + by_offset[i]->name +
                                "\" have overlapping data_offsets");

  BackendPtr backend = opts.backend ? opts.backend : default_backend();
  // Every dtype is checked before any data is read.
  for (const auto& e : entries)
    io::check_backend_holds(kLoad, path, e.name, std::string(e.dtype->name), e.dtype->type, backend);
  std::map<std::string, Tensor> out;
  for (const auto& e : entries) {
    auto bytes = file.read(data_start + e.begin, e.end - e.begin, "tensor \"" + e.name + "\"");
    out[e.name] = io::make_tensor(kLoad, path, e.name, std::string(e.dtype->name), e.dtype->type, e.shape,
                                  bytes, backend);
  }
  return out;
}

void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  // Everything is validated before the file is opened, so a bad argument
  // never leaves a half-written file behind.
  json header = json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    if (name == "__metadata__") io::fail(kSave, path, "\"__metadata__\" is reserved and cannot name a tensor");
    if (!t.defined()) io::fail(kSave, path, "tensor \"" + name + "\" is undefined");
    const Dtype* dtype = find_dtype(t.type());
    if (!dtype)
      io::fail(kSave, path, "tensor \"" + name + "\" has type " + to_string(t.type()) +
                                ", which safetensors has no dtype for");
    const auto nbytes = static_cast<std::uint64_t>(t.size()) * static_cast<std::uint64_t>(element_bytes(t.type()));
    header[name] = {{"dtype", std::string(dtype->name)}, {"shape", t.shape()}, {"data_offsets", {offset, offset + nbytes}}};
    offset += nbytes;
  }
  std::string text;
  try {
    text = header.dump();
  } catch (const json::exception& e) {
    io::fail(kSave, path, std::string("tensor names and metadata must be valid UTF-8: ") + e.what());
  }
  text.resize((text.size() + 7) / 8 * 8, ' ');  // keeps the data 8-byte aligned
  std::uint8_t len_bytes[8];
  io::store_le(len_bytes, text.size(), 8);
  io::OutputFile file(kSave, path);
  file.write(len_bytes);
  file.write(text);
  for (const auto& [name, t] : tensors) file.write(to_binary(t));
  file.close();
}

}  // namespace nx
