// Built against the library compiled with EMILY_DEBUG_BOUNDS_CHECK and
// EMILY_DEBUG_DETECT_NAN_INF: out-of-range indices raise instead of being
// clamped or dropped.
#include "test_util.hpp"

namespace {

nx::BackendPtr cpu() { return emily::backend({.device = emily::Device::cpu}); }

void expect_raises(const std::function<nx::Tensor()>& f, const std::string& op, const std::string& index) {
  try {
    (void)nx::to_binary(f());
    ADD_FAILURE() << op << ": expected nx::ArgumentError";
  } catch (const nx::ArgumentError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find(op), std::string::npos) << m;
    EXPECT_NE(m.find("index " + index), std::string::npos) << m;
  }
}

TEST(DebugBoundsCheck, GatherRaisesOnOutOfRange) {
  auto t = nx::tensor({{1, 2}, {3, 4}}, {.backend = cpu()});
  expect_raises([&] { return nx::gather(t, nx::tensor({{3, 0}}, {.backend = cpu()})); }, "gather", "3");
  expect_raises([&] { return nx::gather(t, nx::tensor({{0, -1}}, {.backend = cpu()})); }, "gather", "-1");
}

TEST(DebugBoundsCheck, TakeAndTakeAlongAxisRaise) {
  auto t = nx::tensor({1, 2, 3}, {.backend = cpu()});
  expect_raises([&] { return nx::take(t, nx::tensor({0, 5}, {.backend = cpu()})); }, "take", "5");
  expect_raises([&] { return nx::take_along_axis(t, nx::tensor({-2}, {.backend = cpu()}), 0); }, "take_along_axis",
                "-2");
}

TEST(DebugBoundsCheck, IndexedOpsRaise) {
  auto t = nx::tensor({{1, 2}, {3, 4}}, {.backend = cpu()});
  auto idx = nx::tensor({{0, 0}, {2, 1}}, {.backend = cpu()});
  auto upd = nx::tensor({10, 20}, {.backend = cpu()});
  expect_raises([&] { return nx::indexed_add(t, idx, upd); }, "indexed_add", "2");
  expect_raises([&] { return nx::indexed_put(t, idx, upd); }, "indexed_put", "2");
}

TEST(DebugBoundsCheck, InRangeIndicesStillWork) {
  auto t = nx::tensor({{1, 2}, {3, 4}}, {.backend = cpu()});
  test::expect_tensor<int>(nx::gather(t, nx::tensor({{1, 1}, {0, 1}}, {.backend = cpu()})), nx::s32, {2}, {4, 2});
  test::expect_tensor<int>(nx::indexed_add(t, nx::tensor({{1, 0}}, {.backend = cpu()}),
                                           nx::tensor({5}, {.backend = cpu()})),
                           nx::s32, {2, 2}, {1, 2, 8, 4});
}

}  // namespace

namespace {

TEST(DebugDetectNanInf, FusedNormRaisesOnNaN) {
  auto x = nx::tensor({{1.0, NAN}}, {.backend = cpu()});
  EXPECT_THROW((void)nx::to_binary(emily::fast::rms_norm(x, std::nullopt)), emily::NonFiniteError);
  EXPECT_THROW((void)nx::to_binary(emily::fast::layer_norm(nx::tensor({{1.0, INFINITY}}, {.backend = cpu()}),
                                                           std::nullopt, std::nullopt)),
               emily::NonFiniteError);
}

TEST(DebugDetectNanInf, FiniteResultsPass) {
  auto x = nx::tensor({{3.0, 4.0}}, {.backend = cpu()});
  test::expect_close(emily::fast::rms_norm(x, std::nullopt, 0.0), nx::f32, {1, 2},
                     {3 / std::sqrt(12.5), 4 / std::sqrt(12.5)});
}

}  // namespace
