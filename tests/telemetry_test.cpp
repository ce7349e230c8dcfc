// Telemetry events, the fallback mechanism and its policies.
#include <cstdlib>

#include "test_util.hpp"

namespace {

using emily::telemetry::Event;
using emily::telemetry::Phase;

struct Recorder {
  std::vector<Event> events;
  emily::telemetry::HandlerId id;
  explicit Recorder(const std::string& name)
      : id(emily::telemetry::attach(name, [this](const Event& e) { events.push_back(e); })) {}
  ~Recorder() { emily::telemetry::detach(id); }
};

// A tensor reduce on Emily always runs the user's function on the reference
// backend: a dependable fallback to observe.
nx::Tensor run_fallback(const nx::BackendPtr& b) {
  auto t = nx::tensor({{1, 2, 3}, {4, 5, 6}}, {.backend = b});
  return nx::reduce(t, nx::Scalar(0), [](const nx::Tensor& e, const nx::Tensor& a) { return nx::add(e, a); },
                    {.axes = {{1}}});
}

TEST(Telemetry, FallbackSpanCarriesOpShapesAndTypes) {
  Recorder rec("emily.fallback");
  auto r = run_fallback(emily::backend({.device = emily::Device::cpu}));
  test::expect_tensor<int>(r, nx::s32, {2}, {6, 15});
  EXPECT_EQ(r.backend()->kind(), nx::BackendKind::emily);
  ASSERT_EQ(rec.events.size(), 2u);
  EXPECT_EQ(rec.events[0].phase, Phase::start);
  EXPECT_EQ(rec.events[1].phase, Phase::stop);
  EXPECT_EQ(rec.events[0].metadata.at("op"), "reduce");
  EXPECT_EQ(rec.events[0].metadata.at("input_shapes"), "{2, 3} {}");
  EXPECT_EQ(rec.events[0].metadata.at("input_types"), "s32 s32");
  EXPECT_GE(rec.events[1].duration_us, 0.0);
}

TEST(Telemetry, NativeOpsEmitNoFallback) {
  Recorder rec("emily.fallback");
  auto b = emily::backend({.device = emily::Device::cpu});
  auto t = nx::tensor({1.0, 2.0}, {.backend = b});
  (void)nx::to_binary(nx::sum(nx::multiply(t, t)));
  EXPECT_TRUE(rec.events.empty());
}

TEST(Telemetry, ToBinarySpanMetadata) {
  Recorder rec("emily.to_binary");
  auto t = nx::tensor({{1.0, 2.0}, {3.0, 4.0}}, {.backend = emily::backend({.device = emily::Device::cpu})});
  (void)nx::to_binary(t);
  ASSERT_EQ(rec.events.size(), 2u);
  EXPECT_EQ(rec.events[0].metadata.at("shape"), "{2, 2}");
  EXPECT_EQ(rec.events[0].metadata.at("type"), "f32");
  EXPECT_EQ(rec.events[0].metadata.at("byte_size"), "16");
}

TEST(Telemetry, EvalSpanAndMemoryEvent) {
  Recorder evals("emily.eval"), mem("emily.memory");
  auto t = nx::tensor({1.0, 2.0}, {.backend = emily::backend({.device = emily::Device::cpu})});
  emily::eval(nx::add(t, 1.0));
  EXPECT_EQ(evals.events.size(), 2u);
  emily::telemetry::emit_memory_stats();
  ASSERT_EQ(mem.events.size(), 1u);
  EXPECT_TRUE(mem.events[0].metadata.count("active_bytes"));
  EXPECT_TRUE(mem.events[0].metadata.count("peak_bytes"));
  EXPECT_TRUE(mem.events[0].metadata.count("cache_bytes"));
}

TEST(Telemetry, DetachedHandlersStopReceiving) {
  int calls = 0;
  auto id = emily::telemetry::attach("emily.fallback", [&](const Event&) { ++calls; });
  emily::telemetry::detach(id);
  (void)nx::to_binary(run_fallback(emily::backend({.device = emily::Device::cpu})));
  EXPECT_EQ(calls, 0);
}

TEST(FallbackPolicy, RaiseStopsBeforeRunning) {
  auto previous = emily::fallback_policy();
  emily::set_fallback_policy(emily::FallbackPolicy::raise);
  try {
    (void)run_fallback(emily::backend({.device = emily::Device::cpu}));
    ADD_FAILURE() << "expected UnsupportedError";
  } catch (const nx::UnsupportedError& e) {
    EXPECT_NE(std::string(e.what()).find("reduce"), std::string::npos);
  }
  emily::set_fallback_policy(previous);
}

TEST(FallbackPolicy, WarnOncePerOpAndShapes) {
  auto previous = emily::fallback_policy();
  emily::set_fallback_policy(emily::FallbackPolicy::warn);
  testing::internal::CaptureStderr();
  auto b = emily::backend({.device = emily::Device::cpu});
  (void)run_fallback(b);
  (void)run_fallback(b);
  std::string err = testing::internal::GetCapturedStderr();
  emily::set_fallback_policy(previous);
  std::size_t first = err.find("reduce fell back");
  EXPECT_NE(first, std::string::npos) << err;
  EXPECT_EQ(err.find("reduce fell back", first + 1), std::string::npos) << err;
}

}  // namespace

namespace {
TEST(NativeBlocks, LogicalNotAndPhaseMatchReference) {
  auto x = nx::tensor({-1.0, 0.0, NAN, 2.0}, {.backend = nx::binary_backend()});
  auto z = nx::tensor({std::complex<double>(1, 1), std::complex<double>(-1, 0), std::complex<double>(0, -2)},
                      {.backend = nx::binary_backend()});
  auto e = emily::backend({.device = emily::Device::cpu});
  test::expect_tensor<int>(nx::logical_not(nx::backend_copy(x, e)), nx::u8, {4}, {0, 1, 0, 0});
  test::expect_close(nx::phase(nx::backend_copy(z, e)), nx::f32, {3}, {M_PI / 4, M_PI, -M_PI / 2});
  test::expect_close(nx::phase(nx::backend_copy(x, e)), nx::f32, {4}, {M_PI, 0, NAN, 0});
  test::expect_close(nx::phase(x), nx::f32, {4}, {M_PI, 0, NAN, 0});
  nx::detail::ComposedRecorder rec;
  (void)nx::to_binary(nx::logical_not(nx::backend_copy(x, e)));
  (void)nx::to_binary(nx::phase(nx::backend_copy(z, e)));
  EXPECT_TRUE(rec.blocks().empty());
}
}  // namespace
