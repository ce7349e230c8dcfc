// The type system: merge (two tensor types), merge_number (a tensor type and
// a host literal), the derived type functions and the types of literals.
// Pure functions, no backend.
#include <map>

#include "test_util.hpp"

namespace {

using nx::Scalar;
using nx::Type;

Type t(const std::string& name) { return nx::parse_type(name); }

TEST(Types, ParseAndPrintEveryType) {
  for (Type ty : nx::all_types()) EXPECT_EQ(nx::parse_type(nx::to_string(ty)), ty);
  EXPECT_EQ(nx::all_types().size(), 20u);
  EXPECT_EQ(nx::parse_type("pred"), nx::u8);
  EXPECT_THROW(nx::parse_type("f128"), nx::ArgumentError);
  EXPECT_THROW(nx::parse_type("u3"), nx::ArgumentError);
}

TEST(Types, Classification) {
  EXPECT_TRUE(nx::is_float(nx::c64));  // Nx's float? includes complex
  EXPECT_FALSE(nx::is_real_float(nx::c64));
  EXPECT_TRUE(nx::is_real_float(nx::f8_e4m3fn));
  EXPECT_FALSE(nx::supports_infinity(nx::f8_e4m3fn));
  EXPECT_TRUE(nx::supports_infinity(nx::f8));
  EXPECT_TRUE(nx::supports_infinity(nx::c128));
  EXPECT_FALSE(nx::supports_infinity(nx::s32));
  EXPECT_TRUE(nx::is_sub_byte(nx::s2));
  EXPECT_EQ(nx::element_bytes(nx::u4), 1);
  EXPECT_EQ(nx::element_bytes(nx::c128), 16);
}

// Nx's full merge table (row = left operand, column = right operand).
TEST(Types, MergeTable) {
  const std::vector<std::string> cols = {"u8",  "u16", "u32", "u64",       "s8",  "s16",  "s32", "s64",
                                         "f8",  "f8_e4m3fn", "f16", "bf16", "f32", "f64", "c64", "c128"};
  const std::vector<std::pair<std::string, std::vector<std::string>>> rows = {
      {"u8", {"u8", "u16", "u32", "u64", "s16", "s16", "s32", "s64", "f8", "f8_e4m3fn", "f16", "bf16", "f32", "f64", "c64", "c128"}},
      {"u16", {"u16", "u16", "u32", "u64", "s32", "s32", "s32", "s64", "f8", "f8_e4m3fn", "f16", "bf16", "f32", "f64", "c64", "c128"}},
      {"u32", {"u32", "u32", "u32", "u64", "s64", "s64", "s64", "s64", "f8", "f8_e4m3fn", "f16", "bf16", "f32", "f64", "c64", "c128"}},
      {"u64", {"u64", "u64", "u64", "u64", "s64", "s64", "s64", "s64", "f8", "f8_e4m3fn", "f16", "bf16", "f32", "f64", "c64", "c128"}},
      {"s8", {"s16", "s32", "s64", "s64", "s8", "s16", "s32", "s64", "f8", "f8_e4m3fn", "f16", "bf16", "f32", "f64", "c64", "c128"}},
      {"s16", {"s16", "s32", "s64", "s64", "s16", "s16", "s32", "s64", "f8", "f8_e4m3fn", "f16", "bf16", "f32", "f64", "c64", "c128"}},
      {"s32", {"s32", "s32", "s64", "s64", "s32", "s32", "s32", "s64", "f8", "f8_e4m3fn", "f16", "bf16", "f32", "f64", "c64", "c128"}},
      {"s64", {"s64", "s64", "s64", "s64", "s64", "s64", "s64", "s64", "f8", "f8_e4m3fn", "f16", "bf16", "f32", "f64", "c64", "c128"}},
      {"f8", {"f8", "f8", "f8", "f8", "f8", "f8", "f8", "f8", "f8", "f8", "f16", "f8", "f32", "f64", "c64", "c128"}},
      {"f8_e4m3fn", {"f8_e4m3fn", "f8_e4m3fn", "f8_e4m3fn", "f8_e4m3fn", "f8_e4m3fn", "f8_e4m3fn", "f8_e4m3fn", "f8_e4m3fn",
                     "f8_e4m3fn", "f8_e4m3fn", "f8_e4m3fn", "f8_e4m3fn", "f8_e4m3fn", "f8_e4m3fn", "c64", "c128"}},
      {"f16", {"f16", "f16", "f16", "f16", "f16", "f16", "f16", "f16", "f16", "f16", "f16", "f16", "f32", "f64", "c64", "c128"}},
      {"bf16", {"bf16", "bf16", "bf16", "bf16", "bf16", "bf16", "bf16", "bf16", "f8", "f8_e4m3fn", "f16", "bf16", "f32", "f64", "c64", "c128"}},
      {"f32", {"f32", "f32", "f32", "f32", "f32", "f32", "f32", "f32", "f32", "f32", "f32", "f32", "f32", "f64", "c64", "c128"}},
      {"f64", {"f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64", "f64", "c128", "c128"}},
      {"c64", {"c64", "c64", "c64", "c64", "c64", "c64", "c64", "c64", "c64", "c64", "c64", "c64", "c64", "c128", "c64", "c128"}},
      {"c128", {"c128", "c128", "c128", "c128", "c128", "c128", "c128", "c128", "c128", "c128", "c128", "c128", "c128", "c128", "c128", "c128"}},
  };
  ASSERT_EQ(rows.size(), 16u);
  for (const auto& [left, expected] : rows) {
    ASSERT_EQ(expected.size(), cols.size());
    for (std::size_t j = 0; j < cols.size(); ++j)
      EXPECT_EQ(nx::to_string(nx::merge(t(left), t(cols[j]))), expected[j]) << left << " + " << cols[j];
  }
}

TEST(Types, MergeSubByteAndSpecExamples) {
  EXPECT_EQ(nx::merge(nx::u2, nx::s2), nx::s4);
  EXPECT_EQ(nx::merge(nx::u4, nx::u8), nx::u8);
  EXPECT_EQ(nx::merge(nx::u4, nx::s2), nx::s8);
  EXPECT_EQ(nx::merge(nx::s2, nx::s4), nx::s4);
  EXPECT_EQ(nx::merge(nx::u2, nx::f16), nx::f16);
  EXPECT_EQ(nx::merge(nx::s4, nx::c64), nx::c64);
  // Nx.Type's documented examples
  EXPECT_EQ(nx::merge(nx::s8, nx::u8), nx::s16);
  EXPECT_EQ(nx::merge(nx::s8, nx::u32), nx::s64);
  EXPECT_EQ(nx::merge(nx::s8, nx::u64), nx::s64);
  EXPECT_EQ(nx::merge(nx::u64, nx::f32), nx::f32);
  EXPECT_EQ(nx::merge(nx::s64, nx::bf16), nx::bf16);
  EXPECT_EQ(nx::merge(nx::f32, nx::bf16), nx::f32);
  EXPECT_EQ(nx::merge(nx::f64, nx::c64), nx::c128);
  EXPECT_EQ(nx::merge(nx::f16, nx::c64), nx::c64);
  // promotion is by class, not width: a float of any width beats any integer
  EXPECT_EQ(nx::merge(nx::s64, nx::f16), nx::f16);
  EXPECT_EQ(nx::merge(nx::f16, nx::bf16), nx::f16);
  EXPECT_EQ(nx::merge(nx::bf16, nx::f16), nx::f16);
  // the f / f8_e4m3fn quirk: the left operand wins
  EXPECT_EQ(nx::merge(nx::f8_e4m3fn, nx::f32), nx::f8_e4m3fn);
  EXPECT_EQ(nx::merge(nx::f32, nx::f8_e4m3fn), nx::f32);
}

// merge_number over every tensor type and a spread of literals.
TEST(Types, MergeNumberTable) {
  const std::vector<Scalar> lits = {Scalar(1),          Scalar(2),  Scalar(200),    Scalar(300),
                                    Scalar(70000),      Scalar(1LL << 40), Scalar(-1), Scalar(-200),
                                    Scalar(-70000),     Scalar(1.5)};
  const std::vector<std::pair<std::string, std::vector<std::string>>> rows = {
      {"u2", {"u2", "u8", "u8", "u16", "u32", "u64", "s4", "s16", "s32", "f32"}},
      {"u8", {"u8", "u8", "u8", "u16", "u32", "u64", "s16", "s16", "s32", "f32"}},
      {"u16", {"u16", "u16", "u16", "u16", "u32", "u64", "s32", "s32", "s32", "f32"}},
      {"u32", {"u32", "u32", "u32", "u32", "u32", "u64", "s64", "s64", "s64", "f32"}},
      {"u64", {"u64", "u64", "u64", "u64", "u64", "u64", "s64", "s64", "s64", "f32"}},
      {"s4", {"s4", "s8", "s16", "s16", "s32", "s64", "s4", "s16", "s32", "f32"}},
      {"s8", {"s8", "s8", "s16", "s16", "s32", "s64", "s8", "s16", "s32", "f32"}},
      {"s16", {"s16", "s16", "s16", "s16", "s32", "s64", "s16", "s16", "s32", "f32"}},
      {"s32", {"s32", "s32", "s32", "s32", "s32", "s64", "s32", "s32", "s32", "f32"}},
      {"s64", {"s64", "s64", "s64", "s64", "s64", "s64", "s64", "s64", "s64", "f32"}},
  };
  for (const auto& [ty, expected] : rows)
    for (std::size_t j = 0; j < lits.size(); ++j)
      EXPECT_EQ(nx::to_string(nx::merge_number(t(ty), lits[j])), expected[j]) << ty << " with " << lits[j].to_string();
  for (Type same : {nx::f8, nx::f16, nx::bf16, nx::f32, nx::f64, nx::c64, nx::c128})
    for (const auto& l : lits) EXPECT_EQ(nx::merge_number(same, l), same) << nx::to_string(same);
  for (const auto& l : lits) EXPECT_EQ(nx::merge_number(nx::f8_e4m3fn, l), nx::f32);
}

TEST(Types, MergeNumberBoundariesAndNonPlainLiterals) {
  // Nx.Type's documented examples
  EXPECT_EQ(nx::merge_number(nx::u8, 256), nx::u16);
  EXPECT_EQ(nx::merge_number(nx::u8, -32768), nx::s16);
  EXPECT_EQ(nx::merge_number(nx::u8, -32769), nx::s32);
  EXPECT_EQ(nx::merge_number(nx::s8, 1.0), nx::f32);
  EXPECT_EQ(nx::merge_number(nx::u64, -1337), nx::s64);
  // exact size boundaries
  EXPECT_EQ(nx::merge_number(nx::u8, 255), nx::u8);
  EXPECT_EQ(nx::merge_number(nx::u8, 65535), nx::u16);
  EXPECT_EQ(nx::merge_number(nx::u8, 65536), nx::u32);
  EXPECT_EQ(nx::merge_number(nx::u8, 4294967295LL), nx::u32);
  EXPECT_EQ(nx::merge_number(nx::u8, 4294967296LL), nx::u64);
  EXPECT_EQ(nx::merge_number(nx::s8, 127), nx::s8);
  EXPECT_EQ(nx::merge_number(nx::s8, 128), nx::s16);
  EXPECT_EQ(nx::merge_number(nx::s8, -128), nx::s8);
  EXPECT_EQ(nx::merge_number(nx::s8, -129), nx::s16);
  EXPECT_EQ(nx::merge_number(nx::s8, 2147483647), nx::s32);
  EXPECT_EQ(nx::merge_number(nx::s8, 2147483648LL), nx::s64);
  EXPECT_EQ(nx::merge_number(nx::s8, -2147483648LL), nx::s32);
  EXPECT_EQ(nx::merge_number(nx::s8, -2147483649LL), nx::s64);
  EXPECT_EQ(nx::merge_number(nx::u2, 0), nx::u2);
  EXPECT_EQ(nx::merge_number(nx::s2, 1), nx::s2);
  EXPECT_EQ(nx::merge_number(nx::s2, -1), nx::s2);
  // a literal widens an integer tensor only when it does not fit; floats keep their width
  EXPECT_EQ(nx::merge_number(nx::u8, 1), nx::u8);
  EXPECT_EQ(nx::merge_number(nx::u8, 256), nx::u16);
  EXPECT_EQ(nx::merge_number(nx::u8, -1), nx::s16);
  EXPECT_EQ(nx::merge_number(nx::u8, 1.0), nx::f32);
  EXPECT_EQ(nx::merge_number(nx::f16, 1.0), nx::f16);
  EXPECT_EQ(nx::merge_number(nx::bf16, 1e10), nx::bf16);
  // complex and non-finite literals use the full merge with c64 / f32
  EXPECT_EQ(nx::merge_number(nx::s8, std::complex<double>(1, 2)), nx::c64);
  EXPECT_EQ(nx::merge_number(nx::f64, std::complex<double>(1, 2)), nx::c128);
  EXPECT_EQ(nx::merge_number(nx::f16, std::complex<double>(1, 2)), nx::c64);
  EXPECT_EQ(nx::merge_number(nx::s8, NAN), nx::f32);
  EXPECT_EQ(nx::merge_number(nx::f16, INFINITY), nx::f32);
  EXPECT_EQ(nx::merge_number(nx::f64, -INFINITY), nx::f64);
  EXPECT_EQ(nx::merge_number(nx::f8_e4m3fn, NAN), nx::f8_e4m3fn);
}

TEST(Types, LiteralTypes) {
  EXPECT_EQ(nx::literal_type(Scalar(1)), nx::s32);
  EXPECT_EQ(nx::literal_type(Scalar(1LL << 40)), nx::s32);
  EXPECT_EQ(nx::literal_type(Scalar(1.5)), nx::f32);
  EXPECT_EQ(nx::literal_type(Scalar(NAN)), nx::f32);
  EXPECT_EQ(nx::literal_type(Scalar(std::complex<double>(0, 1))), nx::c64);
  EXPECT_EQ(nx::literal_type(Scalar(true)), nx::s32);  // true becomes u8 only in nested lists (nx::tensor)
}

TEST(Types, DerivedTypeFunctions) {
  const std::map<std::string, std::string> floating = {
      {"u2", "f32"}, {"u8", "f32"},  {"u64", "f32"}, {"s4", "f32"},  {"s8", "f32"},   {"s64", "f32"},
      {"f8", "f8"},  {"f8_e4m3fn", "f8_e4m3fn"},     {"f16", "f16"}, {"bf16", "bf16"}, {"f32", "f32"},
      {"f64", "f64"}, {"c64", "c64"}, {"c128", "c128"}};
  for (const auto& [in, out] : floating) EXPECT_EQ(nx::to_string(nx::to_floating(t(in))), out) << in;
  const std::map<std::string, std::string> cplx = {
      {"u8", "c64"},  {"s64", "c64"},  {"f8", "c64"},  {"f8_e4m3fn", "c64"}, {"f16", "c64"},
      {"bf16", "c64"}, {"f32", "c64"}, {"f64", "c128"}, {"c64", "c64"},      {"c128", "c128"}};
  for (const auto& [in, out] : cplx) EXPECT_EQ(nx::to_string(nx::to_complex(t(in))), out) << in;
  const std::map<std::string, std::string> real = {
      {"s8", "f32"}, {"u64", "f32"}, {"f8", "f8"}, {"f8_e4m3fn", "f8_e4m3fn"}, {"f16", "f16"},
      {"bf16", "bf16"}, {"f64", "f64"}, {"c64", "f32"}, {"c128", "f64"}};
  for (const auto& [in, out] : real) EXPECT_EQ(nx::to_string(nx::to_real(t(in))), out) << in;
  const std::map<std::string, std::string> agg = {
      {"u2", "u32"},  {"u4", "u32"},  {"u8", "u32"},   {"u16", "u32"}, {"u32", "u32"}, {"u64", "s64"},
      {"s2", "s32"},  {"s4", "s32"},  {"s8", "s32"},   {"s16", "s32"}, {"s32", "s32"}, {"s64", "s64"},
      {"f8", "f8"},   {"f16", "f16"}, {"bf16", "bf16"}, {"f8_e4m3fn", "f8_e4m3fn"},   {"f32", "f32"},
      {"f64", "f64"}, {"c64", "c64"}, {"c128", "c128"}};
  for (const auto& [in, out] : agg) EXPECT_EQ(nx::to_string(nx::to_aggregate(t(in))), out) << in;
}

}  // namespace
