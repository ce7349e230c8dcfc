// Emily's CPU kernels (src/emily/cpu): hand values with the IEEE edges of
// each element-wise kernel, randomized comparisons with the reference
// backend over sizes on both sides of the threading threshold and with odd
// SIMD tails, strided and broadcast inputs, every SIMD target this CPU runs,
// the kernels under mx::compile, and the switch. Every
// comparison also asserts that the kernel ran (its run counter moved), so a
// result from MLX's own kernel cannot pass for the kernel's.
#include <atomic>
#include <iostream>
#include <cstring>
#include <limits>

#include "cpu_kernels_util.hpp"
#include "compare_util.hpp"
#include "emily/compiler.hpp"
#include "emily/cpu/kernels.hpp"

namespace {

using nx::BinaryOp;
using nx::Tensor;
using nx::Type;
using nx::UnaryOp;
namespace cpu = emily::cpu;
namespace mx = mlx::core;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kTiny = 0x1p-33;  // exact in f32 and f64

nx::BackendPtr emily_cpu() { return emily::backend({.device = emily::Device::cpu}); }

using test::KernelsOn;

using test::ulps;

template <class T>
void expect_value(T got, double want_d, std::int64_t max_ulps, const std::string& ctx) {
  const T want = static_cast<T>(want_d);
  if (std::isnan(want)) {
    EXPECT_TRUE(std::isnan(got)) << ctx << ": got " << got;
    return;
  }
  if (want == 0 || std::isinf(want)) {  // exact, sign included
    EXPECT_EQ(got, want) << ctx;
    EXPECT_EQ(std::signbit(got), std::signbit(want)) << ctx << ": got " << got;
    return;
  }
  EXPECT_LE(ulps(got, want), max_ulps) << ctx << ": got " << got << ", want " << want;
}

struct UnaryCase {
  UnaryOp op;
  cpu::Unary kernel;
  std::int64_t max_ulps;
  std::vector<std::pair<double, double>> values;  // x, op(x) (to double precision)
};

const std::vector<UnaryCase>& unary_cases() {
  static const std::vector<UnaryCase> c = {
      {UnaryOp::exp, cpu::Unary::exp, 1,
       {{0.0, 1.0}, {-0.0, 1.0}, {1.0, 2.718281828459045}, {-1.0, 0.36787944117144233}, {88.0, 1.6516362549940018e38},
        {-100.0, 3.720075976020836e-44}, {1000.0, kInf}, {kInf, kInf}, {-kInf, 0.0}, {kNaN, kNaN}}},
      {UnaryOp::expm1, cpu::Unary::expm1, 1,
       {{0.0, 0.0}, {-0.0, -0.0}, {kTiny, 1.1641532183371108e-10}, {1.0, 1.718281828459045}, {-kInf, -1.0},
        {kInf, kInf}, {kNaN, kNaN}}},
      {UnaryOp::log, cpu::Unary::log, 1,
       {{1.0, 0.0}, {0.0, -kInf}, {-0.0, -kInf}, {-1.0, kNaN}, {2.0, 0.6931471805599453}, {0.5, -0.6931471805599453},
        {0x1p-100, -69.31471805599453}, {kInf, kInf}, {kNaN, kNaN}}},
      {UnaryOp::log1p, cpu::Unary::log1p, 1,
       {{0.0, 0.0}, {-0.0, -0.0}, {-1.0, -kInf}, {-2.0, kNaN}, {kTiny, 1.1641532182015855e-10},
        {1.0, 0.6931471805599453}, {0x1p100, 69.31471805599453}, {kInf, kInf}, {kNaN, kNaN}}},
      {UnaryOp::tanh, cpu::Unary::tanh, 1,
       {{0.0, 0.0}, {-0.0, -0.0}, {kTiny, kTiny}, {1.0, 0.7615941559557649}, {-1.0, -0.7615941559557649},
        {40.0, 1.0}, {kInf, 1.0}, {-kInf, -1.0}, {kNaN, kNaN}}},
      {UnaryOp::sigmoid, cpu::Unary::sigmoid, 2,
       {{0.0, 0.5}, {1.0, 0.7310585786300049}, {-1.0, 0.2689414213699951}, {-80.0, 1.8048513878454153e-35},
        {-100.0, 3.720075976020836e-44}, {100.0, 1.0}, {kInf, 1.0}, {-kInf, 0.0}, {kNaN, kNaN}}},
      {UnaryOp::erf, cpu::Unary::erf, 1,
       {{0.0, 0.0}, {-0.0, -0.0}, {kTiny, 1.3136062388023275e-10}, {0.5, 0.5204998778130465},
        {1.0, 0.8427007929497149}, {-1.0, -0.8427007929497149}, {6.0, 1.0}, {kInf, 1.0}, {-kInf, -1.0},
        {kNaN, kNaN}}},
      {UnaryOp::sin, cpu::Unary::sin, 1,
       {{0.0, 0.0}, {-0.0, -0.0}, {kTiny, kTiny}, {0.5, 0.479425538604203}, {1.0, 0.8414709848078965},
        {2.0, 0.9092974268256817}, {1e6, -0.34999350217129294}, {kInf, kNaN}, {-kInf, kNaN}, {kNaN, kNaN}}},
      {UnaryOp::cos, cpu::Unary::cos, 1,
       {{0.0, 1.0}, {-0.0, 1.0}, {1.0, 0.5403023058681398}, {2.0, -0.4161468365471424}, {1e6, 0.9367521275331447},
        {kInf, kNaN}, {kNaN, kNaN}}},
      {UnaryOp::sqrt, cpu::Unary::sqrt, 0,
       {{0.0, 0.0}, {-0.0, -0.0}, {4.0, 2.0}, {2.0, 1.4142135623730951}, {-1.0, kNaN}, {kInf, kInf}, {kNaN, kNaN}}},
      {UnaryOp::rsqrt, cpu::Unary::rsqrt, 1,
       {{4.0, 0.5}, {2.0, 0.7071067811865476}, {0.0, kInf}, {-0.0, -kInf}, {kInf, 0.0}, {-1.0, kNaN},
        {kNaN, kNaN}}},
      {UnaryOp::negate, cpu::Unary::negate, 0,
       {{0.0, -0.0}, {-0.0, 0.0}, {1.5, -1.5}, {kInf, -kInf}, {-kInf, kInf}, {kNaN, kNaN}}},
      {UnaryOp::abs, cpu::Unary::abs, 0,
       {{-0.0, 0.0}, {0.0, 0.0}, {-1.5, 1.5}, {-kInf, kInf}, {kNaN, kNaN}}},
  };
  return c;
}

template <class T>
void check_unary_hand_values(Type type) {
  KernelsOn on(true);
  for (const auto& c : unary_cases()) {
    std::vector<double> xs;
    for (const auto& [x, y] : c.values) xs.push_back(x);
    const std::string kname(cpu::name(c.kernel));
    const std::uint64_t before = cpu::runs(kname);
    Tensor t = nx::tensor(xs, {.type = type, .backend = emily_cpu()});
    auto got = nx::to_flat_list<T>(nx::unary(c.op, t));
    EXPECT_EQ(cpu::runs(kname), before + 1) << kname << " " << nx::to_string(type) << ": the kernel did not run";
    ASSERT_EQ(got.size(), xs.size());
    for (std::size_t i = 0; i < xs.size(); ++i)
      expect_value<T>(got[i], c.values[i].second, c.max_ulps,
                      kname + "(" + std::to_string(xs[i]) + ") " + nx::to_string(type));
  }
}

TEST(CpuKernels, UnaryHandValuesF32) { check_unary_hand_values<float>(nx::f32); }
TEST(CpuKernels, UnaryHandValuesF64) { check_unary_hand_values<double>(nx::f64); }

struct BinaryCase {
  BinaryOp op;
  cpu::Binary kernel;
  std::int64_t max_ulps;
  std::vector<std::array<double, 3>> values;  // a, b, op(a, b)
};

const std::vector<BinaryCase>& binary_cases() {
  static const std::vector<BinaryCase> c = {
      {BinaryOp::add, cpu::Binary::add, 0,
       {{1, 2, 3}, {-0.0, -0.0, -0.0}, {0.0, -0.0, 0.0}, {kInf, -kInf, kNaN}, {kNaN, 1, kNaN}, {0.1, 0.2, 0.1 + 0.2}}},
      {BinaryOp::subtract, cpu::Binary::subtract, 0,
       {{1, 2, -1}, {0.0, 0.0, 0.0}, {-0.0, 0.0, -0.0}, {kInf, kInf, kNaN}, {1, kNaN, kNaN}}},
      {BinaryOp::multiply, cpu::Binary::multiply, 0,
       {{3, 4, 12}, {-0.0, 5, -0.0}, {0.0, kInf, kNaN}, {-2, kInf, -kInf}, {kNaN, 0, kNaN}}},
      {BinaryOp::divide, cpu::Binary::divide, 0,
       {{1, 4, 0.25}, {1, 0.0, kInf}, {-1, 0.0, -kInf}, {1, -0.0, -kInf}, {0.0, 0.0, kNaN}, {kInf, kInf, kNaN},
        {1, kInf, 0.0}, {-1, kInf, 0.0}, {-1, -kInf, 0.0}}},
      {BinaryOp::max, cpu::Binary::max, 0,
       {{1, 2, 2}, {2, 1, 2}, {kNaN, 1, kNaN}, {1, kNaN, kNaN}, {-0.0, 0.0, -0.0}, {0.0, -0.0, 0.0},
        {-kInf, 3, 3}, {kInf, 3, kInf}}},
      {BinaryOp::min, cpu::Binary::min, 0,
       {{1, 2, 1}, {2, 1, 1}, {kNaN, 1, kNaN}, {1, kNaN, kNaN}, {-0.0, 0.0, -0.0}, {0.0, -0.0, 0.0},
        {-kInf, 3, -kInf}}},
      {BinaryOp::pow, cpu::Binary::pow, 1,
       {{2, 10, 1024}, {2, 0.5, 1.4142135623730951}, {4, -0.5, 0.5}, {-2, 3, -8}, {-2, 0.5, kNaN},
        {0.0, -1, kInf}, {-0.0, -1, -kInf}, {-0.0, 2, 0.0}, {kNaN, 0, 1}, {1, kNaN, 1}, {kInf, -1, 0.0},
        {0.5, kInf, 0.0}, {3, 0.0, 1}}},
  };
  return c;
}

template <class T>
void check_binary_hand_values(Type type) {
  KernelsOn on(true);
  for (const auto& c : binary_cases()) {
    std::vector<double> as, bs;
    for (const auto& v : c.values) {
      as.push_back(v[0]);
      bs.push_back(v[1]);
    }
    const std::string kname(cpu::name(c.kernel));
    const std::uint64_t before = cpu::runs(kname);
    Tensor a = nx::tensor(as, {.type = type, .backend = emily_cpu()});
    Tensor b = nx::tensor(bs, {.type = type, .backend = emily_cpu()});
    auto got = nx::to_flat_list<T>(nx::binary(c.op, a, b));
    EXPECT_EQ(cpu::runs(kname), before + 1) << kname << " " << nx::to_string(type) << ": the kernel did not run";
    ASSERT_EQ(got.size(), as.size());
    for (std::size_t i = 0; i < as.size(); ++i)
      expect_value<T>(got[i], c.values[i][2], c.max_ulps,
                      kname + "(" + std::to_string(as[i]) + ", " + std::to_string(bs[i]) + ") " +
                          nx::to_string(type));
  }
}

TEST(CpuKernels, BinaryHandValuesF32) { check_binary_hand_values<float>(nx::f32); }
TEST(CpuKernels, BinaryHandValuesF64) { check_binary_hand_values<double>(nx::f64); }

// Scalar operands: a host literal (rank 0), a one-element tensor of another
// rank, on either side; constant tensors (a broadcast element), alone or
// against each other.
TEST(CpuKernels, ScalarOperands) {
  KernelsOn on(true);
  auto be = emily_cpu();
  Tensor x = nx::tensor(std::vector<double>{1, 2, 3, 4, 5, 6}, {.type = nx::f32, .backend = be});
  Tensor m = nx::reshape(x, {2, 3});
  Tensor one = nx::tensor(std::vector<double>{10}, {.type = nx::f32, .backend = be});
  const std::uint64_t before = cpu::runs("subtract") + cpu::runs("divide") + cpu::runs("max");
  test::expect_floats(nx::subtract(m, 1.5), nx::f32, {2, 3}, {-0.5, 0.5, 1.5, 2.5, 3.5, 4.5});
  test::expect_floats(nx::subtract(1.5, m), nx::f32, {2, 3}, {0.5, -0.5, -1.5, -2.5, -3.5, -4.5});
  test::expect_floats(nx::divide(one, m), nx::f32, {2, 3},
                      {10, 5, static_cast<float>(10.0 / 3), 2.5, 2, static_cast<float>(10.0 / 6)});
  test::expect_floats(nx::max(nx::reshape(one, {1, 1}), m), nx::f32, {2, 3}, {10, 10, 10, 10, 10, 10});
  Tensor filled = nx::broadcast(nx::tensor(3.5, {.type = nx::f32, .backend = be}), {2, 3});
  test::expect_floats(nx::max(m, filled), nx::f32, {2, 3}, {3.5, 3.5, 3.5, 4, 5, 6});
  Tensor seven = nx::broadcast(nx::tensor(7.0, {.type = nx::f32, .backend = be}), {2, 3});
  test::expect_floats(nx::subtract(filled, seven), nx::f32, {2, 3}, {-3.5, -3.5, -3.5, -3.5, -3.5, -3.5});
  test::expect_floats(nx::divide(seven, one), nx::f32, {2, 3}, {0.7f, 0.7f, 0.7f, 0.7f, 0.7f, 0.7f});
  EXPECT_EQ(cpu::runs("subtract") + cpu::runs("divide") + cpu::runs("max"), before + 7);
}

// Broadcasts other than one element keep MLX's path (no kernel run), with
// the same values.
TEST(CpuKernels, OtherBroadcastsKeepMlx) {
  KernelsOn on(true);
  auto be = emily_cpu();
  Tensor row = nx::tensor(std::vector<double>{1, 2, 3}, {.type = nx::f32, .backend = be});
  Tensor col = nx::reshape(nx::tensor(std::vector<double>{10, 20}, {.type = nx::f32, .backend = be}), {2, 1});
  const std::uint64_t before = cpu::runs("add");
  test::expect_floats(nx::add(row, col), nx::f32, {2, 3}, {11, 12, 13, 21, 22, 23});
  EXPECT_EQ(cpu::runs("add"), before);
}

// f16, bf16, integers and c64 keep MLX's path.
TEST(CpuKernels, OtherTypesKeepMlx) {
  KernelsOn on(true);
  auto be = emily_cpu();
  const std::uint64_t before = cpu::total_runs();
  test::expect_floats(nx::exp(nx::tensor(std::vector<double>{0, -0.0}, {.type = nx::f16, .backend = be})), nx::f16,
                      {2}, {1, 1});
  test::expect_floats(nx::add(nx::tensor(std::vector<double>{1, 2}, {.type = nx::bf16, .backend = be}), 0.5), nx::bf16,
                      {2}, {1.5, 2.5});
  test::expect_ints(nx::add(nx::tensor(std::vector<std::int64_t>{1, 2}, {.type = nx::s32, .backend = be}), 3), nx::s32,
                    {2}, {4, 5});
  EXPECT_EQ(cpu::total_runs(), before);
}

// Ranges where the reference and Emily compare at the suite's tolerances.
test::RandomOptions unary_range(UnaryOp op) {
  switch (op) {
    case UnaryOp::log: case UnaryOp::sqrt: case UnaryOp::rsqrt: return {0.125, 100, true};
    case UnaryOp::log1p: return {-0.875, 100};
    case UnaryOp::erf: return {-5, 5};
    default: return {-100, 100};
  }
}

// Sizes: one element, odd lengths that leave a SIMD tail, and lengths past
// the threading thresholds (2 * 8192 elements for transcendental kernels,
// 2 * 65536 for the cheap ones).
const std::vector<std::int64_t> kSizes = {1, 7, 1023, 40001, 300007};

TEST(CpuKernels, UnaryAgainstReference) {
  KernelsOn on(true);
  test::Rng rng(11);
  auto be = emily_cpu();
  for (const auto& c : unary_cases())
    for (Type type : {nx::f32, nx::f64})
      for (std::int64_t n : kSizes) {
        const std::string ctx = std::string(cpu::name(c.kernel)) + " " + nx::to_string(type) + " n=" + std::to_string(n);
        Tensor x = test::random_tensor(rng, type, {n}, unary_range(c.op));
        Tensor want = nx::unary(c.op, x);
        const std::uint64_t before = cpu::runs(cpu::name(c.kernel));
        Tensor got = nx::unary(c.op, nx::backend_copy(x, be));
        test::expect_equivalent(nx::backend_copy(got, nx::binary_backend()), want, ctx);
        EXPECT_EQ(cpu::runs(cpu::name(c.kernel)), before + 1) << ctx;
      }
}

test::RandomOptions right_range(BinaryOp op) {
  if (op == BinaryOp::pow) return {-3, 3};
  return {-100, 100, false, op == BinaryOp::divide};
}

TEST(CpuKernels, BinaryAgainstReference) {
  KernelsOn on(true);
  test::Rng rng(12);
  auto be = emily_cpu();
  for (const auto& c : binary_cases())
    for (Type type : {nx::f32, nx::f64})
      for (std::int64_t n : kSizes) {
        const std::string ctx = std::string(cpu::name(c.kernel)) + " " + nx::to_string(type) + " n=" + std::to_string(n);
        const test::RandomOptions left = c.op == BinaryOp::pow ? test::RandomOptions{0.125, 4} : test::RandomOptions{};
        Tensor a = test::random_tensor(rng, type, {n}, left), b = test::random_tensor(rng, type, {n}, right_range(c.op));
        Tensor s = test::random_tensor(rng, type, {}, right_range(c.op));
        Tensor ea = nx::backend_copy(a, be), eb = nx::backend_copy(b, be), es = nx::backend_copy(s, be);
        const std::uint64_t before = cpu::runs(cpu::name(c.kernel));
        auto back = [](const Tensor& t) { return nx::backend_copy(t, nx::binary_backend()); };
        test::expect_equivalent(back(nx::binary(c.op, ea, eb)), nx::binary(c.op, a, b), ctx);
        test::expect_equivalent(back(nx::binary(c.op, ea, es)), nx::binary(c.op, a, s), ctx + " (vector, scalar)");
        if (c.op != BinaryOp::pow)
          test::expect_equivalent(back(nx::binary(c.op, es, eb)), nx::binary(c.op, s, b), ctx + " (scalar, vector)");
        EXPECT_EQ(cpu::runs(cpu::name(c.kernel)), before + (c.op == BinaryOp::pow ? 2 : 3)) << ctx;
      }
}

// Strided inputs (a transpose, a strided slice, a broadcast element) are
// gathered inside the kernel's task.
TEST(CpuKernels, StridedInputs) {
  KernelsOn on(true);
  test::Rng rng(13);
  auto be = emily_cpu();
  auto back = [](const Tensor& t) { return nx::backend_copy(t, nx::binary_backend()); };
  for (Type type : {nx::f32, nx::f64}) {
    Tensor a = test::random_tensor(rng, type, {37, 301}), b = test::random_tensor(rng, type, {301, 37});
    Tensor ea = nx::backend_copy(a, be), eb = nx::backend_copy(b, be);
    const std::uint64_t before = cpu::total_runs();
    test::expect_equivalent(back(nx::sin(nx::transpose(ea))), nx::sin(nx::transpose(a)), "sin of a transpose");
    test::expect_equivalent(back(nx::add(nx::transpose(ea), eb)), nx::add(nx::transpose(a), b),
                            "transposed + contiguous");
    test::expect_equivalent(back(nx::multiply(nx::transpose(ea), nx::transpose(ea))),
                            nx::multiply(nx::transpose(a), nx::transpose(a)), "both transposed");
    Tensor c = test::random_tensor(rng, type, {5, 40, 33}), d = test::random_tensor(rng, type, {33, 5, 40});
    test::expect_equivalent(back(nx::subtract(nx::transpose(nx::backend_copy(c, be), nx::Axes{2, 0, 1}),
                                              nx::backend_copy(d, be))),
                            nx::subtract(nx::transpose(c, nx::Axes{2, 0, 1}), d), "rank-3 permutation - contiguous");
    Tensor sa = nx::slice(ea, {1, 3}, {20, 100}, {.strides = {2, 3}});
    test::expect_equivalent(back(nx::exp(sa)), nx::exp(nx::slice(a, {1, 3}, {20, 100}, {.strides = {2, 3}})),
                            "exp of a strided slice");
    Tensor bc = nx::broadcast(nx::tensor(0.5, {.type = type, .backend = be}), {4, 5});
    test::expect_close(nx::exp(bc), type, {4, 5}, std::vector<double>(20, 1.6487212707001282),  // e^0.5
                       type == nx::f32 ? 1.2e-7 : 3e-16, 0);
    EXPECT_EQ(cpu::total_runs(), before + 6) << nx::to_string(type);
  }
}

// The kernel is a node of the lazy graph: nothing runs until the value is
// read, and it composes with MLX's ops around it.
TEST(CpuKernels, LazyAndComposed) {
  KernelsOn on(true);
  auto be = emily_cpu();
  Tensor x = nx::tensor(std::vector<double>{0, 1, 2}, {.type = nx::f32, .backend = be});
  const std::uint64_t before = cpu::runs("exp");
  Tensor y = nx::sum(nx::exp(x));
  EXPECT_FALSE(emily::is_evaluated(y));
  EXPECT_EQ(cpu::runs("exp"), before);
  test::expect_close(y, nx::f32, {}, {1 + 2.718281828459045 + 7.38905609893065});
  EXPECT_EQ(cpu::runs("exp"), before + 1);
}

// Under emily::compiler() (mx::compile) the kernels are traced as ordinary
// graph nodes.
TEST(CpuKernels, UnderMlxCompile) {
  KernelsOn on(true);
  test::Rng rng(14);
  auto be = emily_cpu();
  Tensor x = test::random_tensor(rng, nx::f32, {5000}), y = test::random_tensor(rng, nx::f32, {5000});
  auto f = [](const Tensor& a, const Tensor& b) { return nx::add(nx::tanh(a), nx::multiply(b, 2.0)); };
  Tensor want = f(x, y);
  const std::uint64_t before = cpu::runs("tanh");
  Tensor got = nx::jit(f, {.compiler = emily::compiler()})(nx::backend_copy(x, be), nx::backend_copy(y, be));
  test::expect_equivalent(nx::backend_copy(got, nx::binary_backend()), want, "compiled tanh + 2b");
  EXPECT_GE(cpu::runs("tanh"), before + 1);
}

// Switched off, the same ops take MLX's kernels (no run) and agree with the
// kernels' results at the suite's tolerance.
TEST(CpuKernels, OffAndOnAgree) {
  test::Rng rng(15);
  auto be = emily_cpu();
  for (const auto& c : unary_cases()) {
    if (c.op == UnaryOp::exp || c.op == UnaryOp::sigmoid || c.op == UnaryOp::sin || c.op == UnaryOp::cos ||
        c.op == UnaryOp::erf) {
      continue;  // f32 below; their f64 versions fall back when the kernels are off
    }
    Tensor x = nx::backend_copy(test::random_tensor(rng, nx::f64, {2001}, unary_range(c.op)), be);
    Tensor on, off;
    {
      KernelsOn k(false);
      const std::uint64_t before = cpu::total_runs();
      off = nx::unary(c.op, x);
      emily::eval(off);
      EXPECT_EQ(cpu::total_runs(), before) << cpu::name(c.kernel);
    }
    {
      KernelsOn k(true);
      on = nx::unary(c.op, x);
    }
    test::expect_equivalent(on, off, std::string(cpu::name(c.kernel)) + " f64 on vs off");
  }
  for (const auto& c : unary_cases()) {
    // MLX's own f32 exp overflows above 88.0 (docs/backends.md)
    const test::RandomOptions range = c.op == UnaryOp::exp ? test::RandomOptions{-87, 88} : unary_range(c.op);
    Tensor x = nx::backend_copy(test::random_tensor(rng, nx::f32, {2001}, range), be);
    Tensor off, on;
    {
      KernelsOn k(false);
      off = nx::unary(c.op, x);
      emily::eval(off);
    }
    {
      KernelsOn k(true);
      const std::uint64_t before = cpu::runs(cpu::name(c.kernel));
      on = nx::unary(c.op, x);
      emily::eval(on);
      EXPECT_EQ(cpu::runs(cpu::name(c.kernel)), before + 1);
    }
    test::expect_equivalent(on, off, std::string(cpu::name(c.kernel)) + " f32 on vs off");
  }
  for (const auto& c : binary_cases()) {
    const test::RandomOptions left = c.op == BinaryOp::pow ? test::RandomOptions{0.125, 4} : test::RandomOptions{};
    Tensor a = nx::backend_copy(test::random_tensor(rng, nx::f32, {2001}, left), be);
    Tensor b = nx::backend_copy(test::random_tensor(rng, nx::f32, {2001}, right_range(c.op)), be);
    Tensor off, on;
    {
      KernelsOn k(false);
      off = nx::binary(c.op, a, b);
      emily::eval(off);
    }
    {
      KernelsOn k(true);
      on = nx::binary(c.op, a, b);
    }
    test::expect_equivalent(on, off, std::string(cpu::name(c.kernel)) + " f32 on vs off");
  }
}

// Every SIMD target this CPU can run (down to the portable one), pinned in
// turn: the SLEEF build matched to each instruction set, and the tails.
TEST(CpuKernels, EverySimdTarget) {
  KernelsOn on(true);
  test::Rng rng(16);
  auto be = emily_cpu();
  auto back = [](const Tensor& t) { return nx::backend_copy(t, nx::binary_backend()); };
  const auto targets = cpu::simd_targets();
  ASSERT_FALSE(targets.empty());
  std::string names;
  for (std::int64_t target : targets) names += " " + cpu::simd_target_name(target);
  std::cout << "SIMD targets:" << names << "\n";
  for (std::int64_t target : targets) {
    cpu::pin_simd_target(target);
    const std::string name = cpu::simd_target_name(target);
    EXPECT_EQ(cpu::simd_target(), target) << name;
    for (Type type : {nx::f32, nx::f64}) {
      Tensor x = test::random_tensor(rng, type, {1031}, {-5, 5});
      Tensor p = test::random_tensor(rng, type, {1031}, {0.125, 4});
      Tensor ex = nx::backend_copy(x, be), ep = nx::backend_copy(p, be);
      const std::uint64_t before = cpu::total_runs();
      for (UnaryOp op : {UnaryOp::exp, UnaryOp::log1p, UnaryOp::tanh, UnaryOp::erf, UnaryOp::sin, UnaryOp::cos,
                         UnaryOp::sigmoid})
        test::expect_equivalent(back(nx::unary(op, ex)), nx::unary(op, x),
                                name + " " + std::string(nx::op_name(op)) + " " + nx::to_string(type));
      test::expect_equivalent(back(nx::log(ep)), nx::log(p), name + " log");
      test::expect_equivalent(back(nx::pow(ep, ex)), nx::pow(p, x), name + " pow");
      test::expect_equivalent(back(nx::max(ex, ep)), nx::max(x, p), name + " max");
      EXPECT_EQ(cpu::total_runs(), before + 10) << name;
    }
  }
  cpu::pin_simd_target(0);
  EXPECT_EQ(cpu::simd_target(), targets.front());
}

TEST(CpuKernels, NoGpuVersion) {
  KernelsOn on(true);
  mx::array x = mx::array({1.0f, 2.0f});
  auto y = cpu::unary(cpu::Unary::exp, x, mx::Device::cpu);
  ASSERT_TRUE(y.has_value());
  std::vector<mx::array> outs = {*y};
  EXPECT_THROW(y->primitive().eval_gpu({x}, outs), std::runtime_error);
  EXPECT_STREQ(y->primitive().name(), "EmilyCpuUnary");
  EXPECT_FALSE(cpu::unary(cpu::Unary::exp, x, mx::Device::gpu).has_value());
  EXPECT_FALSE(cpu::unary(cpu::Unary::exp, mx::astype(x, mx::float16), mx::Device::cpu).has_value());
}

}  // namespace
