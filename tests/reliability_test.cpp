// Memory soak and multi-threaded use of the Emily backend.
#include <thread>

#include "emily/memory.hpp"
#include "test_util.hpp"

namespace {

// A small inference step: tanh(x . w + b), row sums, argmax.
std::vector<nx::Tensor> step(const nx::Tensor& x, const nx::Tensor& w, const nx::Tensor& b) {
  auto h = nx::tanh(nx::add(nx::dot(x, w), b));
  return {h, nx::sum(h, {.axes = {{1}}}), nx::argmax(h, {.axis = 1})};
}

std::vector<nx::Tensor> inputs(const nx::BackendPtr& backend) {
  auto x = nx::divide(nx::iota({32, 64}, {.type = nx::f32, .backend = backend}), 2048.0);
  auto w = nx::divide(nx::subtract(nx::iota({64, 64}, {.type = nx::f32, .backend = backend}), 2000.0), 4096.0);
  auto b = nx::multiply(nx::iota({64}, {.type = nx::f32, .backend = backend}), 0.01);
  emily::eval({x, w, b});
  return {x, w, b};
}

TEST(MemorySoak, ActiveMemoryReturnsToBaseline) {
  auto backend = emily::backend({.device = emily::Device::cpu});
  std::size_t baseline;
  {
    auto in = inputs(backend);
    // Warm up MLX's caches and the allocator.
    for (int i = 0; i < 10; ++i) (void)nx::to_binary(step(in[0], in[1], in[2])[1]);
    baseline = emily::memory::active_bytes();
    std::size_t peak_during = 0;
    for (int i = 0; i < 10000; ++i) {
      auto r = step(in[0], in[1], in[2]);
      emily::eval(r);
      peak_during = std::max(peak_during, emily::memory::active_bytes());
    }
    const std::size_t after = emily::memory::active_bytes();
    RecordProperty("baseline_bytes", std::to_string(baseline));
    RecordProperty("after_bytes", std::to_string(after));
    std::cout << "[ soak     ] 10000 iterations: active bytes baseline " << baseline << ", max during "
              << peak_during << ", after " << after << "\n";
    EXPECT_EQ(after, baseline);
  }
  // Tensors freed by scope release their MLX buffers.
  EXPECT_LT(emily::memory::active_bytes(), baseline);
}

TEST(MemorySoak, ScopeReleasesBuffers) {
  auto backend = emily::backend({.device = emily::Device::cpu});
  const std::size_t before = emily::memory::active_bytes();
  {
    auto big = nx::iota({1024, 1024}, {.type = nx::f32, .backend = backend});
    emily::eval(big);
    EXPECT_GE(emily::memory::active_bytes(), before + 4u * 1024 * 1024);
  }
  EXPECT_EQ(emily::memory::active_bytes(), before);
}

TEST(Threads, EightThreadsMatchTheSerialRun) {
  auto backend = emily::backend({.device = emily::Device::cpu});
  auto in = inputs(backend);  // evaluated: safe to share between threads
  auto serial = step(in[0], in[1], in[2]);
  std::vector<std::vector<std::uint8_t>> want;
  for (const auto& t : serial) want.push_back(nx::to_binary(t));
  constexpr int kThreads = 8, kRounds = 25;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::string> errors(kThreads);
  std::vector<std::thread> pool;
  for (int k = 0; k < kThreads; ++k) {
    pool.emplace_back([&, k] {
      try {
        for (int r = 0; r < kRounds; ++r) {
          auto got = step(in[0], in[1], in[2]);
          for (std::size_t i = 0; i < got.size(); ++i)
            if (nx::to_binary(got[i]) != want[i]) ++mismatches[static_cast<std::size_t>(k)];
        }
      } catch (const std::exception& e) {
        errors[static_cast<std::size_t>(k)] = e.what();
      }
    });
  }
  for (auto& t : pool) t.join();
  for (int k = 0; k < kThreads; ++k) {
    EXPECT_EQ(errors[static_cast<std::size_t>(k)], "") << "thread " << k;
    EXPECT_EQ(mismatches[static_cast<std::size_t>(k)], 0) << "thread " << k;
  }
}

TEST(Threads, ReferenceBackendIsThreadSafe) {
  auto in = inputs(nx::binary_backend());
  auto want = nx::to_binary(step(in[0], in[1], in[2])[1]);
  std::vector<std::thread> pool;
  std::vector<int> ok(8, 0);
  for (int k = 0; k < 8; ++k)
    pool.emplace_back([&, k] { ok[static_cast<std::size_t>(k)] = nx::to_binary(step(in[0], in[1], in[2])[1]) == want; });
  for (auto& t : pool) t.join();
  for (int k = 0; k < 8; ++k) EXPECT_EQ(ok[static_cast<std::size_t>(k)], 1);
}

}  // namespace
