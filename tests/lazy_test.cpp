// Lazy evaluation on the Emily backend: nothing is computed until a read, and
// reads are correct after long op chains.
#include "emily/memory.hpp"
#include "emily/telemetry.hpp"
#include "test_util.hpp"

namespace {

nx::BackendPtr cpu() { return emily::backend({.device = emily::Device::cpu}); }

TEST(Lazy, NothingComputedUntilRead) {
  auto x = nx::iota({512, 512}, {.type = nx::f32, .backend = cpu()});
  emily::eval(x);
  const std::size_t before = emily::memory::active_bytes();
  auto y = nx::exp(nx::multiply(nx::add(x, 1.0), 0.001));
  auto z = nx::sum(y, {.axes = {{1}}});
  EXPECT_FALSE(emily::is_evaluated(y));
  EXPECT_FALSE(emily::is_evaluated(z));
  // No buffer for the 1 MiB intermediates has been allocated yet.
  EXPECT_LT(emily::memory::active_bytes(), before + 512 * 512 * 4);
  auto values = nx::to_flat_list<float>(z);
  EXPECT_TRUE(emily::is_evaluated(z));
  ASSERT_EQ(values.size(), 512u);
  double want = 0;
  for (int j = 0; j < 512; ++j) want += std::exp((j + 1.0) * 0.001);
  EXPECT_NEAR(values[0], want, want * 1e-5);
}

TEST(Lazy, EvalComputesWithoutReading) {
  auto x = nx::add(nx::iota({4}, {.type = nx::f32, .backend = cpu()}), 1.0);
  EXPECT_FALSE(emily::is_evaluated(x));
  emily::eval(x);
  EXPECT_TRUE(emily::is_evaluated(x));
  test::expect_tensor<float>(x, nx::f32, {4}, {1, 2, 3, 4});
}

TEST(Lazy, LongChainMatchesReference) {
  // 2000 ops built lazily, read once; the same chain on the reference backend.
  auto run = [](const nx::BackendPtr& b) {
    auto x = nx::divide(nx::iota({8, 8}, {.type = nx::f32, .backend = b}), 64.0);
    auto acc = nx::iota({8, 8}, {.type = nx::s32, .backend = b});
    for (int i = 0; i < 500; ++i) {
      x = nx::tanh(nx::add(nx::multiply(x, 1.01), 0.001));
      acc = nx::remainder(nx::add(nx::multiply(acc, 3), i), 1009);
    }
    return std::make_pair(x, acc);
  };
  auto [ex, ea] = run(cpu());
  auto [rx, ra] = run(nx::binary_backend());
  EXPECT_FALSE(emily::is_evaluated(ex));
  auto got = nx::to_flat_list<double>(ex), want = nx::to_flat_list<double>(rx);
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-4) << i;
  EXPECT_EQ(nx::to_flat_list<int>(ea), nx::to_flat_list<int>(ra));
}

// A fallback ends laziness: the lazy Emily input is computed to be copied to
// the reference backend, and the result comes back already computed.
TEST(Lazy, FallbackEvaluatesItsInputAndReturnsAComputedResult) {
  auto x = nx::add(nx::iota({3}, {.type = nx::f64, .backend = cpu()}), 1.0);
  EXPECT_FALSE(emily::is_evaluated(x));
  int fallbacks = 0;
  auto id = emily::telemetry::attach("emily.fallback", [&](const emily::telemetry::Event& e) {
    if (e.phase == emily::telemetry::Phase::start) ++fallbacks;
  });
  auto y = nx::erfc(x);  // f64 erfc runs on the reference backend
  emily::telemetry::detach(id);
  EXPECT_EQ(fallbacks, 1);
  EXPECT_TRUE(emily::is_evaluated(x));
  EXPECT_TRUE(emily::is_evaluated(y));
  EXPECT_EQ(y.backend()->name(), "emily");
  test::expect_close(y, nx::f64, {3}, {0.15729920705028513, 0.004677734981047265, 2.2090496998585438e-05}, 1e-15, 0);
}

}  // namespace
