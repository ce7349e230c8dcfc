// The thread pool of Emily's CPU kernels (src/emily/cpu/pool.hpp): every
// element visited once, whatever the split, and concurrent callers.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "emily/cpu/pool.hpp"

namespace {

namespace cpu = emily::cpu;

TEST(CpuPool, ParallelForCoversEachElementOnce) {
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{100}, std::size_t{1} << 20, (std::size_t{1} << 20) + 3}) {
    std::vector<std::atomic<int>> seen(n);
    cpu::parallel_for(n, 1024, [&](std::size_t b, std::size_t e) {
      for (std::size_t i = b; i < e; ++i) seen[i].fetch_add(1);
    });
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(seen[i].load(), 1) << "n=" << n << " i=" << i;
  }
}

TEST(CpuPool, ParallelForFromManyThreads) {
  std::vector<std::thread> threads;
  std::atomic<std::size_t> total{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int r = 0; r < 20; ++r)
        cpu::parallel_for(100000, 1024, [&](std::size_t b, std::size_t e) { total.fetch_add(e - b); });
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(total.load(), std::size_t{4 * 20 * 100000});
}

}  // namespace
