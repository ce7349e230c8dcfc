// The thread pool of pool.hpp: workers sleep on a condition variable until a
// job is posted; the job's parts are taken from an atomic counter by the
// workers and the caller alike.
#include "pool.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace emily::cpu {

namespace {

constexpr std::size_t kAlign = 64;  // elements

struct Job {
  const std::function<void(std::size_t, std::size_t)>* fn;
  std::size_t n, parts, per_part;
  std::atomic<std::size_t> next{0}, done{0};

  void run_parts() {
    for (std::size_t p; (p = next.fetch_add(1)) < parts;) {
      const std::size_t begin = p * per_part, end = std::min(n, begin + per_part);
      (*fn)(begin, end);
      done.fetch_add(1);
    }
  }
};

class Pool {
 public:
  explicit Pool(int threads) {
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { work(); });
  }
  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // False when the pool is busy (another caller, or a nested call).
  bool try_run(Job& job) {
    std::unique_lock owner(owner_, std::try_to_lock);
    if (!owner.owns_lock()) return false;
    {
      std::lock_guard lock(mutex_);
      job_ = &job;
      ++generation_;
    }
    wake_.notify_all();
    job.run_parts();
    std::unique_lock lock(mutex_);
    // Workers that took the job may still be inside it: wait for them, then
    // withdraw it so that a late waker does not see it.
    finished_.wait(lock, [&] { return job.done.load() == job.parts && active_ == 0; });
    job_ = nullptr;
    return true;
  }

 private:
  void work() {
    std::uint64_t seen = 0;
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return generation_ != seen; });
      seen = generation_;
      Job* job = job_;
      if (job == nullptr) continue;
      ++active_;
      lock.unlock();
      job->run_parts();
      lock.lock();
      if (--active_ == 0) finished_.notify_all();
    }
  }

  std::mutex owner_;  // held by the caller whose job runs
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  std::vector<std::thread> workers_;
  Job* job_ = nullptr;
  std::uint64_t generation_ = 0;
  int active_ = 0;
};

// Never destroyed: workers stay parked until the process exits.
Pool& pool() {
  static Pool* p = new Pool(thread_count());
  return *p;
}

thread_local bool t_inside = false;

}  // namespace

int thread_count() {
  static const int n = [] {
    if (const char* env = std::getenv("EMILY_CPU_THREADS")) {
      const int v = std::atoi(env);
      if (v >= 1) return v;
    }
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }();
  return n;
}

void parallel_for(std::size_t n, std::size_t grain, const std::function<void(std::size_t, std::size_t)>& fn) {
  grain = std::max(grain, kAlign);
  const int threads = thread_count();
  if (threads < 2 || n < 2 * grain || t_inside) {
    fn(0, n);
    return;
  }
  const std::size_t parts = std::min<std::size_t>(static_cast<std::size_t>(threads), n / grain);
  Job job;
  job.fn = &fn;
  job.n = n;
  job.per_part = (n / parts + kAlign - 1) / kAlign * kAlign;
  job.parts = (n + job.per_part - 1) / job.per_part;
  t_inside = true;
  const bool ran = pool().try_run(job);
  t_inside = false;
  if (!ran) fn(0, n);
}

}  // namespace emily::cpu
