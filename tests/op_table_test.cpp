// The op table (nx/op_table.hpp): its names are nx::Backend's members, its
// type rules give the front end's errors, and the coverage command probes
// the types it lists.
#include <set>

#include "coverage.hpp"
#include "test_util.hpp"

namespace {

using nx::BinaryOp;
using nx::Type;
using nx::UnaryOp;
using test::expect_close;
using test::expect_floats;
using test::expect_ints;

// The ArgumentError text of `fn`, or "" when it does not raise.
template <class F>
std::string error_of(F fn) {
  try {
    (void)fn();
  } catch (const nx::ArgumentError& e) {
    return e.what();
  }
  return "";
}

nx::Tensor on_ref(const nx::Literal& l, Type t) { return nx::tensor(l, {.type = t, .backend = nx::binary_backend()}); }

// Every listed callback and block is a member of nx::Backend: a missing or
// misspelt virtual makes `&nx::Backend::name` fail to compile.
TEST(OpTable, NamesAreBackendMembers) {
  std::vector<std::string> members;
#define NX_MEMBER(name, ...)                                   \
  EXPECT_NE(&nx::Backend::name, nullptr);                      \
  members.push_back(#name);
#define NX_NOT_MEMBER(name, types) members.push_back("(" #name ")");
  NX_CALLBACKS(NX_MEMBER, NX_NOT_MEMBER)
  NX_BLOCKS(NX_MEMBER)
#undef NX_MEMBER
#undef NX_NOT_MEMBER
  // 115 callbacks, of which init, inspect and block have no virtual; 21 Nx blocks and softmax.
  ASSERT_EQ(members.size(), 115u + 22u);
  EXPECT_EQ(nx::callback_names().size(), 115u);
  EXPECT_EQ(nx::block_names().size(), 22u);
  EXPECT_EQ(members[0], "(init)");
  EXPECT_EQ(members[10], "(inspect)");
  EXPECT_EQ(members[114], "(block)");
  EXPECT_EQ(nx::callback_names()[0], "init");
  EXPECT_EQ(nx::callback_names()[53], "add");  // the 24 binary, then the 37 unary callbacks
  EXPECT_EQ(nx::callback_names()[77], "exp");
  EXPECT_EQ(nx::callback_names()[114], "block");
  EXPECT_EQ(nx::block_names().back(), "softmax");
  std::set<std::string> unique(nx::callback_names().begin(), nx::callback_names().end());
  unique.insert(nx::block_names().begin(), nx::block_names().end());
  EXPECT_EQ(unique.size(), 115u + 22u);
  EXPECT_EQ(nx::all_binary_ops().size(), 24u);
  EXPECT_EQ(nx::all_unary_ops().size(), 37u);
}

// A backend overriding nothing: each element-wise member raises naming its op,
// so the enum, the names and the members line up.
class Bare : public nx::Backend {
 public:
  std::string name() const override { return "bare"; }
};

TEST(OpTable, ElementwiseMembersMatchTheirNames) {
  auto bare = std::make_shared<Bare>();
  nx::Tensor x;
  nx::Spec out{{}, nx::f32, {}};
  for (BinaryOp op : nx::all_binary_ops()) {
    try {
      (void)(bare.get()->*nx::callback_of(op))(out, x, x);
      ADD_FAILURE() << nx::op_name(op);
    } catch (const nx::UnsupportedError& e) {
      EXPECT_EQ(std::string(e.what()), "bare backend: callback " + std::string(nx::op_name(op)) + " is not supported");
    }
  }
  for (UnaryOp op : nx::all_unary_ops()) {
    try {
      (void)(bare.get()->*nx::callback_of(op))(out, x);
      ADD_FAILURE() << nx::op_name(op);
    } catch (const nx::UnsupportedError& e) {
      EXPECT_EQ(std::string(e.what()), "bare backend: callback " + std::string(nx::op_name(op)) + " is not supported");
    }
  }
}

TEST(OpTable, TypeSets) {
  EXPECT_TRUE(nx::types::integer.contains(nx::u2));
  EXPECT_TRUE(nx::types::integer.contains(nx::s64));
  EXPECT_FALSE(nx::types::integer.contains(nx::f8));
  EXPECT_FALSE(nx::types::real.contains(nx::c64));
  EXPECT_TRUE(nx::types::real.contains(nx::bf16));
  EXPECT_TRUE(nx::types::real_float.contains(nx::f8_e4m3fn));
  EXPECT_FALSE(nx::types::real_float.contains(nx::u8));
  EXPECT_FALSE(nx::types::whole_bytes.contains(nx::s4));
  EXPECT_TRUE(nx::types::whole_bytes.contains(nx::f8));
  EXPECT_TRUE(nx::types::complex_only.contains(nx::c128));
  EXPECT_FALSE(nx::types::not_unsigned.contains(nx::u64));
  int in_any = 0;
  for (Type t : nx::all_types()) in_any += nx::types::any.contains(t) && !nx::types::none.contains(t);
  EXPECT_EQ(in_any, 20);
}

TEST(OpTable, BinaryTypeRules) {
  EXPECT_EQ(nx::traits(BinaryOp::bitwise_and).types, nx::types::integer);
  EXPECT_EQ(nx::traits(BinaryOp::max).types, nx::types::real);
  EXPECT_EQ(nx::traits(BinaryOp::less).types, nx::types::real);  // complex values have no order in Nx
  EXPECT_EQ(nx::traits(BinaryOp::equal).types, nx::types::any);
  EXPECT_EQ(nx::traits(BinaryOp::less).result, nx::ResultRule::predicate);
  EXPECT_EQ(nx::traits(BinaryOp::atan2).result, nx::ResultRule::floating);
  auto f = on_ref({1.5, 2.0}, nx::f32), i = on_ref({1, 2}, nx::s32), z = on_ref({1, 2}, nx::c64);
  EXPECT_EQ(error_of([&] { return nx::bitwise_and(f, i); }),
            "bitwise_and: expects integer tensors as inputs and outputs an integer tensor, got: {:f, 32}");
  EXPECT_EQ(error_of([&] { return nx::bitwise_and(i, 1.5); }),
            "bitwise_and: expects integer tensors as inputs and outputs an integer tensor, got: {:f, 32}");
  EXPECT_EQ(error_of([&] { return nx::quotient(z, i); }), "quotient: expects non-complex tensors, got: {:c, 64}");
  EXPECT_EQ(error_of([&] { return nx::max(i, std::complex<double>(0, 1)); }),
            "max: expects non-complex tensors, got: {:c, 64}");
  EXPECT_EQ(error_of([&] { return nx::remainder(z, z); }), "remainder: expects non-complex tensors, got: {:c, 64}");
  EXPECT_EQ(error_of([&] { return nx::less(z, on_ref({2, 2}, nx::c64)); }),
            "less: expects non-complex tensors, got: {:c, 64}");
  expect_ints(nx::equal(z, on_ref({1, 3}, nx::c64)), nx::u8, {2}, {1, 0});
  expect_ints(nx::bitwise_and(on_ref({6, 12}, nx::u8), on_ref({3, 10}, nx::s8)), nx::s16, {2}, {2, 8});
  expect_close(nx::atan2(on_ref({0, 1}, nx::s32), on_ref({1, 0}, nx::s32)), nx::f32, {2}, {0.0, M_PI / 2});
}

TEST(OpTable, UnaryTypeRules) {
  EXPECT_EQ(nx::traits(UnaryOp::ceil).types, nx::types::real_float);
  EXPECT_EQ(nx::traits(UnaryOp::ceil).accepts(), nx::types::real);
  EXPECT_EQ(nx::traits(UnaryOp::real).types, nx::types::complex_only);
  EXPECT_EQ(nx::traits(UnaryOp::abs).accepts(), nx::types::any);
  auto f = on_ref({1.5, -2.0}, nx::f32), z = on_ref({1, 2}, nx::c64);
  EXPECT_EQ(error_of([&] { return nx::population_count(f); }), "population_count: expects integer tensors, got: {:f, 32}");
  EXPECT_EQ(error_of([&] { return nx::bitwise_not(z); }), "bitwise_not: expects integer tensors, got: {:c, 64}");
  EXPECT_EQ(error_of([&] { return nx::erf(z); }), "erf: expects a non-complex tensor, got: {:c, 64}");
  EXPECT_EQ(error_of([&] { return nx::round(z); }), "round: expects a non-complex tensor, got: {:c, 64}");
  // Settled in the front end: the integer itself, abs of unsigned, real of an integer.
  auto i = on_ref({3, -4}, nx::s8);
  expect_ints(nx::ceil(i), nx::s8, {2}, {3, -4});
  expect_ints(nx::abs(on_ref({200, 7}, nx::u8)), nx::u8, {2}, {200, 7});
  expect_floats(nx::real(i), nx::f32, {2}, {3.0, -4.0});
  expect_floats(nx::imag(i), nx::f32, {2}, {0.0, 0.0});
  // Result rules.
  EXPECT_EQ(nx::exp(i).type(), nx::f32);
  EXPECT_EQ(nx::abs(on_ref({1, 2}, nx::c128)).type(), nx::f64);
  EXPECT_EQ(nx::conjugate(on_ref({1, 2}, nx::f64)).type(), nx::c128);
  EXPECT_EQ(nx::is_nan(f).type(), nx::u8);
  EXPECT_EQ(nx::result_type(nx::ResultRule::real_part, nx::s16), nx::s16);
  EXPECT_EQ(nx::result_type(nx::ResultRule::floating, nx::bf16), nx::bf16);
}

const emily_tool::CoverageRow& row(const emily_tool::CoverageReport& r, const std::string& name) {
  for (const auto& x : r.rows)
    if (x.name == name) return x;
  throw std::runtime_error("no row " + name);
}

std::string status_for(const emily_tool::CoverageRow& r, Type t) {
  for (const auto& [type, status] : r.per_type)
    if (type == t) return status;
  return "not probed";
}

// The reference backend holds every type and runs every callback natively
// for every type the table lists; its blocks run their default composition,
// except the seven decompositions it implements on the host.
TEST(OpTable, ReferenceCoverageIsNativeForEveryType) {
  auto report = emily_tool::measure_coverage(nx::binary_backend());
  EXPECT_EQ(report.types, nx::all_types());
  ASSERT_EQ(report.rows.size(), 115u + 22u);
  for (const auto& r : report.rows) {
    static const std::set<std::string> host = {"block:cholesky", "block:solve", "block:qr",  "block:eigh",
                                               "block:svd",      "block:lu",    "block:determinant"};
    const bool composed = r.name.rfind("block:", 0) == 0 && !host.count(r.name);
    EXPECT_EQ(r.status, composed ? "composed" : "native") << r.name << " " << r.detail;
  }
  // Per type: exp on all 20 types, bitwise_and on the 12 integer types, ceil on the 6 real floats.
  EXPECT_EQ(row(report, "exp").per_type.size(), 20u);
  EXPECT_EQ(row(report, "bitwise_and").per_type.size(), 12u);
  EXPECT_EQ(row(report, "ceil").per_type.size(), 6u);
  EXPECT_EQ(status_for(row(report, "ceil"), nx::s32), "not probed");
  EXPECT_EQ(row(report, "from_pointer").per_type.size(), 16u);
  EXPECT_TRUE(row(report, "init").per_type.empty());
  EXPECT_EQ(report.counts.native, 122);
  EXPECT_EQ(report.counts.composed, 15);
}

// The table against the front end: for every type a row does not accept,
// its probe raises nx::ArgumentError on the reference backend (and the
// reference test above runs every listed type).
TEST(OpTable, FrontEndRejectsTypesOutsideTheTable) {
  const auto probes = emily_tool::coverage_probes();
  auto check = [&](const std::string& row, nx::TypeSet types) {
    if (types == nx::types::none) return;
    ASSERT_EQ(probes.count(row), 1u) << row;
    for (Type t : nx::all_types()) {
      if (types.contains(t)) continue;
      EXPECT_THROW(probes.at(row).run(nx::binary_backend(), t), nx::ArgumentError) << row << " " << nx::to_string(t);
    }
  };
  for (const auto& [name, types] : nx::callback_table()) {
    nx::TypeSet accepted = types;  // a unary op also accepts the types its front end settles
    for (UnaryOp op : nx::all_unary_ops())
      if (nx::op_name(op) == name) accepted = nx::traits(op).accepts();
    check(name, accepted);
  }
  for (const auto& [name, types] : nx::block_table()) check("block:" + name, types);
  // A few by hand.
  auto z = on_ref({1, 2}, nx::c64);
  EXPECT_EQ(error_of([&] { return nx::sort(z); }), "sort: Nx.sort/2 does not support complex inputs");
  EXPECT_EQ(error_of([&] { return nx::reduce_max(z); }), "reduce_max: Nx.reduce_max/2 does not support complex inputs");
  EXPECT_NE(error_of([&] { return nx::bitcast(z, nx::s64); }), "");
  EXPECT_NE(error_of([&] { return nx::to_pointer(on_ref({1, 2}, nx::u4)); }), "");
}

// Emily on the CPU: MLX's f64 erfc is single-precision accurate, so f64
// erfc goes through the fallback while f32 erfc is native.
TEST(OpTable, EmilyCpuCoverageIsPerType) {
  auto emily_cpu = emily::backend({.device = emily::Device::cpu});
  auto held = emily_tool::held_types(emily_cpu);
  std::vector<Type> expected = {nx::u8, nx::u16, nx::u32, nx::u64, nx::s8,  nx::s16, nx::s32,
                                nx::s64, nx::f16, nx::bf16, nx::f32, nx::f64, nx::c64};
  EXPECT_EQ(held, expected);
  auto report = emily_tool::measure_coverage(emily_cpu);
  const auto& erfc = row(report, "erfc");
  EXPECT_EQ(erfc.status, "partial");
  EXPECT_EQ(status_for(erfc, nx::f32), "native");
  EXPECT_EQ(status_for(erfc, nx::f64), "fallback");
  EXPECT_NE(erfc.detail.find("fallback for f64"), std::string::npos) << erfc.detail;
  EXPECT_EQ(row(report, "add").status, "native");
  EXPECT_EQ(row(report, "reduce").status, "fallback");
  auto only_f64 = emily_tool::measure_coverage(emily_cpu, nx::f64);
  EXPECT_EQ(row(only_f64, "erfc").status, "fallback");
  EXPECT_EQ(row(only_f64, "add").status, "native");
  EXPECT_THROW(emily_tool::measure_coverage(emily_cpu, nx::c128), nx::ArgumentError);
}

}  // namespace
