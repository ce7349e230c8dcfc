// Tensor files (nx/serialize.hpp): round trips of every dtype on every
// backend, files written by numpy and by an independent safetensors writer
// (tests/data/serialize, from scripts/gen_npy_fixtures.py) read back exactly,
// and corrupt files raising nx::ArgumentError with the same message on every
// backend.
#include <complex>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <tuple>

#include "nx/serialize.hpp"
#include "test_util.hpp"

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

const std::string kData = std::string(EMILY_SOURCE_DIR) + "/tests/data/serialize/";

std::string temp_path(const std::string& name) {
  return (fs::path(::testing::TempDir()) / ("emily_serialize_" + name)).string();
}

Bytes read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(f), {});
}

void write_bytes(const std::string& path, const Bytes& b) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

bool holds(const nx::BackendPtr& b, nx::Type t) {
  try {
    (void)nx::zeros({1}, {.type = t, .names = {}, .backend = b});
    return true;
  } catch (const nx::ArgumentError&) {
    return false;
  }
}

// Hand values covering each type's extremes.
nx::Tensor hand_tensor(nx::Type t, const nx::BackendPtr& b) {
  nx::TensorOptions o{.type = t, .names = {}, .backend = b};
  if (nx::is_unsigned(t)) {
    const unsigned long long max = t.bits == 64 ? ~0ull : (1ull << t.bits) - 1;
    return nx::tensor({{0, 1, 7}, {100, 101, max}}, o);
  }
  if (nx::is_signed_int(t)) {
    const long long max = t.bits == 64 ? std::numeric_limits<long long>::max() : (1ll << (t.bits - 1)) - 1;
    return nx::tensor({{0, -1, 7}, {-100, -max - 1, max}}, o);
  }
  if (nx::is_complex(t)) {
    using C = std::complex<double>;
    return nx::tensor({{C(1, 2), C(-0.5, 0)}, {C(0, -3), C(1e30, -1e-3)}}, o);
  }
  return nx::tensor({{1.5, -0.25, 0.5}, {2.0, -4.0, 8.0}}, o);
}

void expect_same(const nx::Tensor& got, const nx::Tensor& want, const std::string& what) {
  EXPECT_EQ(nx::to_string(got.type()), nx::to_string(want.type())) << what;
  EXPECT_EQ(nx::shape_to_string(got.shape()), nx::shape_to_string(want.shape())) << what;
  EXPECT_EQ(nx::to_binary(got), nx::to_binary(want)) << what;
}

// The ArgumentError message of `f`, or "" (with a failure) when it does not raise one.
std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const nx::ArgumentError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not an ArgumentError: " << e.what();
    return "<other exception>";
  }
  ADD_FAILURE() << "no error raised";
  return "";
}

// Loads `path` with `load` on both backends: both raise the same
// ArgumentError (returned), starting with `op` and naming the file.
using Loader = std::function<void(const std::string&, const nx::BackendPtr&)>;
std::string expect_error_everywhere(const Loader& load, const std::string& path, const std::string& op) {
  const std::string ref = error_of([&] { load(path, nx::binary_backend()); });
  const std::string emi = error_of([&] { load(path, emily::backend({.device = emily::Device::cpu})); });
  EXPECT_EQ(ref, emi);
  EXPECT_EQ(ref.rfind(op + ": " + path, 0), 0u) << ref;
  return ref;
}

const Loader kSafetensors = [](const std::string& p, const nx::BackendPtr& b) {
  (void)nx::load_safetensors(p, {.backend = b});
};
const Loader kNpy = [](const std::string& p, const nx::BackendPtr& b) { (void)nx::from_numpy(p, {.backend = b}); };
const Loader kNpz = [](const std::string& p, const nx::BackendPtr& b) {
  (void)nx::from_numpy_archive(p, {.backend = b});
};

const std::vector<nx::Type> kSafetensorsTypes = {nx::u8,  nx::s8,  nx::u16,  nx::s16, nx::u32,
                                                 nx::s32, nx::u64, nx::s64,  nx::f16, nx::bf16,
                                                 nx::f32, nx::f64, nx::c64,  nx::f8,  nx::f8_e4m3fn};
const std::vector<nx::Type> kNumpyTypes = {nx::u8,  nx::s8,  nx::u16, nx::s16, nx::u32, nx::s32, nx::u64,
                                           nx::s64, nx::f16, nx::f32, nx::f64, nx::c64, nx::c128};

class SerializeTest : public test::BackendTest {};

TEST_P(SerializeTest, SafetensorsRoundTripEveryDtype) {
  std::map<std::string, nx::Tensor> in, unheld;
  for (nx::Type t : kSafetensorsTypes) {
    if (holds(b(), t)) in[nx::to_string(t)] = hand_tensor(t, b());
    else unheld[nx::to_string(t)] = hand_tensor(t, nx::binary_backend());
  }
  in["scalar"] = nx::scalar(2.5, nx::f32, b());
  in["rank3"] = nx::iota({2, 3, 4}, {.type = nx::s32, .axis = {}, .names = {}, .backend = b()});
  const std::string path = temp_path("roundtrip_" + GetParam() + ".safetensors");
  nx::save_safetensors(path, in, {{"format", "pt"}});
  auto out = nx::load_safetensors(path, {.backend = b()});
  ASSERT_EQ(out.size(), in.size());
  for (const auto& [name, t] : in) {
    expect_same(out.at(name), t, name);
    EXPECT_EQ(out.at(name).backend()->kind(), b()->kind());
  }
  // The raw layout: an 8-aligned header that starts with '{'.
  Bytes raw = read_bytes(path);
  const std::uint64_t n = raw[0] | raw[1] << 8 | raw[2] << 16 | raw[3] << 24;
  EXPECT_EQ(n % 8, 0u);
  EXPECT_EQ(raw[8], '{');
  EXPECT_NE(std::string(raw.begin() + 8, raw.begin() + 8 + n).find("\"__metadata__\":{\"format\":\"pt\"}"),
            std::string::npos);
  // Types the backend cannot hold (f8 on Emily) raise naming file, tensor and dtype.
  for (const auto& [name, t] : unheld) {
    nx::save_safetensors(path, {{"w", t}});
    std::string msg = error_of([&] { (void)nx::load_safetensors(path, {.backend = b()}); });
    EXPECT_NE(msg.find("load_safetensors: " + path), std::string::npos) << msg;
    EXPECT_NE(msg.find("tensor \"w\" of dtype F8_E"), std::string::npos) << msg;
  }
}

TEST_P(SerializeTest, NumpyRoundTripEveryDtype) {
  for (nx::Type t : kNumpyTypes) {
    const std::string path = temp_path("roundtrip_" + GetParam() + "_" + nx::to_string(t) + ".npy");
    nx::to_numpy(path, hand_tensor(t, nx::binary_backend()));
    if (!holds(b(), t)) {
      std::string msg = error_of([&] { (void)nx::from_numpy(path, {.backend = b()}); });
      EXPECT_NE(msg.find("from_numpy: " + path + ": tensor \"array\" of dtype <c16"), std::string::npos) << msg;
      continue;
    }
    nx::Tensor t0 = hand_tensor(t, b());
    nx::to_numpy(path, t0);
    expect_same(nx::from_numpy(path, {.backend = b()}), t0, nx::to_string(t));
  }
  const std::string path = temp_path("roundtrip_scalar_" + GetParam() + ".npy");
  nx::to_numpy(path, nx::scalar(-3, nx::s16, b()));
  test::expect_ints(nx::from_numpy(path, {.backend = b()}), nx::s16, {}, {-3});
}

TEST_P(SerializeTest, NumpyFilesReadExactly) {
  auto load = [&](const std::string& name) { return nx::from_numpy(kData + name + ".npy", {.backend = b()}); };
  test::expect_ints(load("b1"), nx::u8, {3}, {1, 0, 1});
  test::expect_ints(load("u1"), nx::u8, {3}, {0, 7, 255});
  test::expect_ints(load("u2"), nx::u16, {3}, {0, 300, 65535});
  test::expect_ints(load("u4"), nx::u32, {3}, {0, 70000, 4294967295});
  test::expect_tensor<std::uint64_t>(load("u8"), nx::u64, {3}, {0, 1ull << 40, ~0ull});
  test::expect_ints(load("i1"), nx::s8, {3}, {-128, -1, 127});
  test::expect_ints(load("i2"), nx::s16, {3}, {-32768, -2, 32767});
  test::expect_ints(load("i4"), nx::s32, {3}, {-2147483648ll, -3, 2147483647});
  test::expect_ints(load("i8"), nx::s64, {3},
                    {std::numeric_limits<std::int64_t>::min(), -4, std::numeric_limits<std::int64_t>::max()});
  test::expect_floats(load("f2"), nx::f16, {3}, {1.5, -0.25, 65504.0});
  const double inf = std::numeric_limits<double>::infinity();
  test::expect_floats(load("f4"), nx::f32, {2, 3}, {1.5, -2.0, static_cast<double>(0.1f), inf, -inf, 3.0});
  test::expect_floats(load("f8"), nx::f64, {3}, {1.0 / 3.0, -1e300, 5e-324});
  test::expect_floats(load("scalar"), nx::f64, {}, {2.5});
  nx::Tensor r3 = load("rank3");
  test::expect_ints(r3, nx::s32, {2, 3, 4}, nx::to_flat_list<std::int64_t>(nx::iota({24})));
  // Fortran order: the values in row-major order after the transpose.
  test::expect_floats(load("fortran"), nx::f32, {2, 3}, {0, 1, 2, 3, 4, 5});
  test::expect_ints(load("fortran3"), nx::s16, {2, 3, 4}, nx::to_flat_list<std::int64_t>(nx::iota({24})));
  test::expect_ints(load("big_i4"), nx::s32, {3}, {1, -2, 300000});
  test::expect_floats(load("big_f8"), nx::f64, {2}, {1.5, -2.25});
  using C = std::complex<double>;
  test::expect_tensor<C>(load("c8"), nx::c64, {2}, {C(1, 2), C(-0.5, -4)});
  test::expect_tensor<C>(load("big_c8"), nx::c64, {2}, {C(1, 2), C(-3, -4)});
  if (holds(b(), nx::c128)) test::expect_tensor<C>(load("c16"), nx::c128, {2}, {C(1.0 / 3.0, 2), C(0, -1e300)});
}

TEST_P(SerializeTest, NumpyArchivesStoredDeflatedZip64) {
  for (const char* name : {"stored.npz", "deflated.npz", "zip64.npz"}) {
    auto m = nx::from_numpy_archive(kData + name, {.backend = b()});
    const std::string z = name;
    ASSERT_EQ(m.size(), z == "deflated.npz" ? 3u : 2u) << name;
    test::expect_floats(m.at("a"), nx::f32, {2, 3}, {0, 1, 2, 3, 4, 5});
    if (z == "zip64.npz") {
      test::expect_ints(m.at("c"), nx::u16, {1}, {7});
      continue;
    }
    test::expect_ints(m.at("b"), nx::s64, {3}, {1, -2, 3});
    if (z == "deflated.npz") test::expect_floats(m.at("zeros"), nx::f64, {1000}, std::vector<double>(1000, 0.0));
  }
}

TEST_P(SerializeTest, SafetensorsFileReadExactly) {
  const bool f8 = holds(b(), nx::f8);
  auto m = nx::load_safetensors(kData + (f8 ? "all_dtypes" : "emily_dtypes") + ".safetensors", {.backend = b()});
  EXPECT_EQ(m.size(), f8 ? 16u : 14u);
  test::expect_ints(m.at("bool"), nx::u8, {3}, {1, 0, 1});
  test::expect_ints(m.at("u8"), nx::u8, {3}, {0, 7, 255});
  test::expect_ints(m.at("i8"), nx::s8, {3}, {-128, -1, 127});
  test::expect_ints(m.at("u16"), nx::u16, {3}, {0, 300, 65535});
  test::expect_ints(m.at("i16"), nx::s16, {3}, {-32768, -2, 32767});
  test::expect_ints(m.at("u32"), nx::u32, {3}, {0, 70000, 4294967295});
  test::expect_ints(m.at("i32"), nx::s32, {2, 2}, {-2147483648ll, -3, 5, 2147483647});
  test::expect_tensor<std::uint64_t>(m.at("u64"), nx::u64, {2}, {1ull << 40, ~0ull});
  test::expect_ints(m.at("i64"), nx::s64, {2},
                    {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()});
  test::expect_floats(m.at("f16"), nx::f16, {3}, {1.5, -0.25, 65504.0});
  test::expect_floats(m.at("bf16"), nx::bf16, {3}, {1.0, -2.5, 0.15625});
  const double inf = std::numeric_limits<double>::infinity();
  test::expect_floats(m.at("f32"), nx::f32, {2, 3}, {1.5, -2.0, static_cast<double>(0.1f), inf, -inf, 3.0});
  test::expect_floats(m.at("f64"), nx::f64, {}, {1.0 / 3.0});
  using C = std::complex<double>;
  test::expect_tensor<C>(m.at("c64"), nx::c64, {2}, {C(1, 2), C(-0.5, -4)});
  if (f8) {
    test::expect_floats(m.at("f8_e5m2"), nx::f8, {3}, {1.0, -2.0, 0.5});
    test::expect_floats(m.at("f8_e4m3"), nx::f8_e4m3fn, {3}, {1.0, -2.0, 448.0});
  } else {
    std::string msg = error_of([&] { (void)nx::load_safetensors(kData + "all_dtypes.safetensors", {.backend = b()}); });
    EXPECT_NE(msg.find("all_dtypes.safetensors: tensor \"f8_e4m3\" of dtype F8_E4M3 (Nx type f8_e4m3fn)"),
              std::string::npos)
        << msg;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, SerializeTest, ::testing::ValuesIn(test::backends()),
                         [](const auto& info) { return info.param; });

// Every prefix of a valid file is a truncated file.
TEST(SerializeCorrupt, TruncatedFilesRaiseEverywhere) {
  const std::vector<std::tuple<std::string, Loader, std::string>> files = {
      {"emily_dtypes.safetensors", kSafetensors, "load_safetensors"},
      {"f4.npy", kNpy, "from_numpy"},
      {"deflated.npz", kNpz, "from_numpy_archive"},
      {"stored.npz", kNpz, "from_numpy_archive"},
      {"zip64.npz", kNpz, "from_numpy_archive"}};
  for (const auto& [name, load, op] : files) {
    const Bytes full = read_bytes(kData + name);
    const std::string path = temp_path("truncated_" + name);
    for (std::size_t n = 0; n < full.size(); n += (n < 64 ? 1 : 7)) {
      write_bytes(path, Bytes(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n)));
      expect_error_everywhere(load, path, op);
    }
  }
}

// Every single-byte corruption either loads or raises ArgumentError, and the
// backends agree on which.
TEST(SerializeCorrupt, ByteFlipsNeverCrash) {
  for (const auto& [name, load] : std::vector<std::pair<std::string, Loader>>{
           {"emily_dtypes.safetensors", kSafetensors}, {"i8.npy", kNpy}, {"deflated.npz", kNpz}, {"zip64.npz", kNpz}}) {
    const Bytes full = read_bytes(kData + name);
    const std::string path = temp_path("flipped_" + name);
    for (std::size_t i = 0; i < full.size(); ++i)
      for (std::uint8_t x : {0x01, 0x80, 0xFF}) {
        Bytes b = full;
        b[i] ^= x;
        write_bytes(path, b);
        std::string ref, emi;
        try {
          load(path, nx::binary_backend());
        } catch (const nx::ArgumentError& e) {
          ref = e.what();
        }
        if (i % 5 != 0 || x != 0xFF) continue;  // Emily on a sample: it is slower per load
        try {
          load(path, emily::backend({.device = emily::Device::cpu}));
        } catch (const nx::ArgumentError& e) {
          emi = e.what();
        }
        ASSERT_EQ(ref, emi) << name << " byte " << i << " ^ " << int(x);
      }
  }
}

// A safetensors file with `header` (padded) and `data` bytes of data.
std::string safetensors_file(const std::string& name, const std::string& header, std::size_t data = 16,
                             std::optional<std::uint64_t> len = std::nullopt) {
  Bytes b(8);
  const std::uint64_t n = len.value_or(header.size());
  for (int i = 0; i < 8; ++i) b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(n >> (8 * i));
  b.insert(b.end(), header.begin(), header.end());
  b.resize(b.size() + data, 0);
  const std::string path = temp_path(name + ".safetensors");
  write_bytes(path, b);
  return path;
}

TEST(SerializeCorrupt, SafetensorsHeaders) {
  const std::string ok = R"({"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})";
  EXPECT_EQ(nx::load_safetensors(safetensors_file("ok", ok)).size(), 1u);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"a\":", "not valid JSON"},
      {"[1, 2]", "not a JSON object"},
      {" {}", "not a JSON object"},
      {R"({"a":3})", "entry is not a JSON object"},
      {R"({"a":{"dtype":"F32","shape":[2,2]}})", "has no \"data_offsets\""},
      {R"({"a":{"dtype":"F4","shape":[2,2],"data_offsets":[0,16]}})", "unsupported dtype \"F4\""},
      {R"({"a":{"dtype":7,"shape":[2,2],"data_offsets":[0,16]}})", "dtype is not a string"},
      {R"({"a":{"dtype":"F32","shape":[2,-2],"data_offsets":[0,16]}})", "non-negative integer"},
      {R"({"a":{"dtype":"F32","shape":[2,1.5],"data_offsets":[0,16]}})", "non-negative integer"},
      {R"({"a":{"dtype":"F32","shape":[4,0],"data_offsets":[0,0]}})", "zero-sized dimension"},
      {R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,16]}})", "too large"},
      {R"({"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,17]}})", "outside the data buffer of 16 bytes"},
      {R"({"a":{"dtype":"F32","shape":[2,2],"data_offsets":[8,4]}})", "outside the data buffer"},
      {R"({"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0]}})", "not [begin, end]"},
      {R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})", "needs 12 bytes but data_offsets [0, 16) hold 16"},
      {R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"b":{"dtype":"U8","shape":[4],"data_offsets":[8,12]}})",
       "tensors \"a\" and \"b\" have overlapping data_offsets"},
      {R"({"__metadata__":{"k":1}})", "__metadata__ value of \"k\" is not a string"},
      {R"({"__metadata__":[]})", "__metadata__ is not a JSON object"},
  };
  for (const auto& [header, want] : cases) {
    std::string msg = expect_error_everywhere(kSafetensors, safetensors_file("bad", header), "load_safetensors");
    EXPECT_NE(msg.find(want), std::string::npos) << header << " -> " << msg;
  }
  // Header lengths: over the 100 MB limit, past the end, zero.
  std::string msg = expect_error_everywhere(kSafetensors, safetensors_file("huge", ok, 16, 100'000'001), "load_safetensors");
  EXPECT_NE(msg.find("exceeds the limit of 100000000 bytes"), std::string::npos) << msg;
  msg = expect_error_everywhere(kSafetensors, safetensors_file("long", ok, 16, ok.size() + 17), "load_safetensors");
  EXPECT_NE(msg.find("runs past the end of the file"), std::string::npos) << msg;
  expect_error_everywhere(kSafetensors, safetensors_file("maxlen", ok, 16, ~0ull), "load_safetensors");
  expect_error_everywhere(kSafetensors, safetensors_file("zero", ok, 16, 0), "load_safetensors");
  // Not a file at all.
  expect_error_everywhere(kSafetensors, temp_path("does_not_exist"), "load_safetensors");
  msg = expect_error_everywhere(kSafetensors, ::testing::TempDir(), "load_safetensors");
  EXPECT_NE(msg.find("not a regular file"), std::string::npos) << msg;
}

// A .npy file with `header` as its dict and `data` bytes.
std::string npy_file(const std::string& name, const std::string& header, std::size_t data,
                     std::optional<std::uint16_t> len = std::nullopt, std::uint8_t major = 1) {
  Bytes b = {0x93, 'N', 'U', 'M', 'P', 'Y', major, 0};
  const std::uint16_t n = len.value_or(static_cast<std::uint16_t>(header.size()));
  b.push_back(static_cast<std::uint8_t>(n));
  b.push_back(static_cast<std::uint8_t>(n >> 8));
  b.insert(b.end(), header.begin(), header.end());
  b.resize(b.size() + data, 0);
  const std::string path = temp_path(name + ".npy");
  write_bytes(path, b);
  return path;
}

TEST(SerializeCorrupt, NumpyHeaders) {
  EXPECT_EQ(nx::from_numpy(npy_file("ok", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", 8))
                .shape(), (nx::Shape{2}));
  const std::vector<std::tuple<std::string, std::size_t, std::string>> cases = {
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 7, "truncated data"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 9, "trailing data"},
      {"{'descr': '<V2', 'fortran_order': False, 'shape': (2,), }", 4, "unsupported dtype '<V2'"},
      {"{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", 16, "unsupported dtype '|O'"},
      {"{'descr': '<U4', 'fortran_order': False, 'shape': (2,), }", 32, "unsupported dtype"},
      {"{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", 8, "structured dtypes"},
      {"{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }", 8, "not True or False"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 0), }", 0, "zero-sized dimension"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", 8, "not a tuple of non-negative integers"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", 8, "too large"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", 8, "too large"},
      {"{'descr': '<f4', 'fortran_order': False}", 8, "lacks one of"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", 8, "unexpected header key 'x'"},
      {"{'descr': '<f4, 'fortran_order': False, 'shape': (2,), }", 8, "bad .npy header"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } junk", 8, "trailing characters"},
      {"", 8, "bad .npy header"},
  };
  for (const auto& [header, data, want] : cases) {
    std::string msg = expect_error_everywhere(kNpy, npy_file("bad", header, data), "from_numpy");
    EXPECT_NE(msg.find(want), std::string::npos) << header << " -> " << msg;
  }
  const std::string h = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  std::string msg = expect_error_everywhere(kNpy, npy_file("long", h, 8, 65535), "from_numpy");
  EXPECT_NE(msg.find("runs past the end"), std::string::npos) << msg;
  msg = expect_error_everywhere(kNpy, npy_file("v9", h, 8, std::nullopt, 9), "from_numpy");
  EXPECT_NE(msg.find("unsupported .npy format version 9.0"), std::string::npos) << msg;
  write_bytes(temp_path("magic.npy"), Bytes{'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0});
  msg = expect_error_everywhere(kNpy, temp_path("magic.npy"), "from_numpy");
  EXPECT_NE(msg.find("not a .npy file"), std::string::npos) << msg;
  // Version 2 carries a 4-byte header length: over 100 MB is refused before reading.
  Bytes v2 = {0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 0x01, 0xE1, 0xF5, 0x05};
  write_bytes(temp_path("v2huge.npy"), v2);
  msg = expect_error_everywhere(kNpy, temp_path("v2huge.npy"), "from_numpy");
  EXPECT_NE(msg.find("exceeds the limit"), std::string::npos) << msg;
}

TEST(SerializeCorrupt, NumpyArchives) {
  const Bytes good = read_bytes(kData + "deflated.npz");
  // Flips inside the first member's deflate stream: bad stream or CRC mismatch.
  for (std::size_t at : {60u, 70u, 100u}) {
    Bytes b = good;
    b[at] ^= 0x55;
    write_bytes(temp_path("crc.npz"), b);
    std::string msg = expect_error_everywhere(kNpz, temp_path("crc.npz"), "from_numpy_archive");
    EXPECT_NE(msg.find("member \"a.npy\""), std::string::npos) << msg;
  }
  // Unsupported compression method (in the central directory of stored.npz).
  Bytes s = read_bytes(kData + "stored.npz");
  const std::size_t cd = [&] {
    for (std::size_t i = 0; i + 4 <= s.size(); ++i)
      if (s[i] == 'P' && s[i + 1] == 'K' && s[i + 2] == 1 && s[i + 3] == 2) return i;
    return std::size_t{0};
  }();
  ASSERT_GT(cd, 0u);
  Bytes m = s;
  m[cd + 10] = 12;  // bzip2
  write_bytes(temp_path("method.npz"), m);
  std::string msg = expect_error_everywhere(kNpz, temp_path("method.npz"), "from_numpy_archive");
  EXPECT_NE(msg.find("compression method 12 is not supported"), std::string::npos) << msg;
  m = s;
  m[cd + 8] |= 1;  // encrypted
  write_bytes(temp_path("encrypted.npz"), m);
  msg = expect_error_everywhere(kNpz, temp_path("encrypted.npz"), "from_numpy_archive");
  EXPECT_NE(msg.find("encrypted"), std::string::npos) << msg;
  m = s;
  m[cd + 42] = 0xF0;  // local header offset into the middle of the data
  write_bytes(temp_path("offset.npz"), m);
  expect_error_everywhere(kNpz, temp_path("offset.npz"), "from_numpy_archive");
  write_bytes(temp_path("notzip.npz"), Bytes(100, 'x'));
  msg = expect_error_everywhere(kNpz, temp_path("notzip.npz"), "from_numpy_archive");
  EXPECT_NE(msg.find("not a zip archive"), std::string::npos) << msg;
}

TEST(SerializeCorrupt, WritersRejectWhatTheFormatCannotHold) {
  auto b = nx::binary_backend();
  const std::string st = temp_path("w.safetensors"), np = temp_path("w.npy");
  for (nx::Type t : {nx::c128, nx::u4, nx::s2}) {
    std::string msg = error_of([&] { nx::save_safetensors(st, {{"x", nx::zeros({2}, {.type = t, .names = {}, .backend = b})}}); });
    EXPECT_NE(msg.find("save_safetensors: " + st + ": tensor \"x\" has type " + nx::to_string(t)), std::string::npos) << msg;
  }
  for (nx::Type t : {nx::bf16, nx::f8, nx::f8_e4m3fn, nx::u2}) {
    std::string msg = error_of([&] { nx::to_numpy(np, nx::zeros({2}, {.type = t, .names = {}, .backend = b})); });
    EXPECT_NE(msg.find("to_numpy: " + np + ": numpy has no dtype for Nx type " + nx::to_string(t)), std::string::npos) << msg;
  }
  std::string msg = error_of([&] { nx::save_safetensors(st, {{"__metadata__", nx::zeros({2})}}); });
  EXPECT_NE(msg.find("reserved"), std::string::npos) << msg;
  msg = error_of([&] { nx::save_safetensors(st, {{"\xff", nx::zeros({2})}}); });
  EXPECT_NE(msg.find("UTF-8"), std::string::npos) << msg;
  msg = error_of([&] { nx::to_numpy(temp_path("no_such_dir/x.npy"), nx::zeros({2})); });
  EXPECT_NE(msg.find("cannot open the file for writing"), std::string::npos) << msg;
}

}  // namespace
