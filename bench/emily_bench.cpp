// Emily benchmarks: the same work through nx:: on the Emily backend, directly
// on MLX's C++ API, and on the reference backend, measured side by side in one
// run with Google Benchmark. numpy runs in bench/numpy_bench.py in the same
// `make bench` invocation (bench/run_cpu.sh); bench/report.py joins both.
//
//   emily_bench [--quick] [--gpu] [Google Benchmark flags]
//
// Method: every row is repeated (5 times, 3 with --quick) with the
// repetitions of all rows randomly interleaved, so that a change in the
// machine's load during the run falls on Emily and raw MLX rows alike; each
// repetition reports the mean time per iteration of a timed batch of at least
// kMinTime seconds (the iteration count is fixed by the first repetition).
// report.py takes the median of the repetitions and their spread. Explicit
// --benchmark_repetitions / --benchmark_enable_random_interleaving flags win
// over these defaults. The JSON context records the machine, the load average
// before the run and (written into the file afterwards) after it, and the
// thread counts in force.
#include <benchmark/benchmark.h>
#include <mlx/mlx.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "bench_common.hpp"
#include "dispatch_chain.hpp"

// OpenBLAS (linked into every Emily program, see CMakeLists.txt) reports its
// thread count; weak, so a build without it still links.
extern "C" int openblas_get_num_threads() __attribute__((weak));
extern "C" char* openblas_get_config() __attribute__((weak));

namespace bench {

bool g_quick = false;
bool g_gpu = false;
nx::BackendPtr emily_cpu() { return emily::backend({.device = g_gpu ? emily::Device::gpu : emily::Device::cpu}); }
mx::Device mx_dev() { return g_gpu ? mx::Device::gpu : mx::Device::cpu; }

nx::Tensor data(const nx::Shape& shape, const nx::BackendPtr& b, float scale) {
  std::int64_t n = nx::shape_size(shape);
  std::vector<float> v(static_cast<std::size_t>(n));
  std::uint32_t s = 12345;
  for (auto& x : v) {
    s = s * 1664525u + 1013904223u;
    x = scale * (static_cast<float>(s >> 8) / 16777216.0f - 0.5f);
  }
  std::vector<std::uint8_t> bytes(v.size() * 4);
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return nx::from_binary(bytes, nx::f32, shape, {.backend = b});
}

namespace {
std::string input_key(const nx::Shape& shape, float scale, int kind) {
  std::string k = std::to_string(scale) + "/" + std::to_string(kind);
  for (auto d : shape) k += "/" + std::to_string(d);
  return k;
}
}  // namespace

nx::Tensor input(const nx::Shape& shape, const nx::BackendPtr& b, float scale) {
  static std::map<std::string, nx::Tensor> cache;
  const auto key = input_key(shape, scale, static_cast<int>(b->kind()));
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  auto t = data(shape, b, scale);
  if (b->kind() == nx::BackendKind::emily) emily::eval(t);
  return cache.emplace(key, t).first->second;
}

mx::array mx_input(const nx::Shape& shape, float scale) {
  // The same values as input(); the array is the Emily tensor's own.
  auto t = input(shape, emily_cpu(), scale);
  return emily::array_ref(t);
}

void force(const nx::Tensor& t) { emily::eval(t); }

namespace {
double min_time() { return g_quick ? 0.01 : 0.2; }
}  // namespace

benchmark::internal::Benchmark* reg(const std::string& name, Body fn) {
  return benchmark::RegisterBenchmark(name.c_str(), std::move(fn))
      ->Unit(benchmark::kMillisecond)
      ->MinTime(min_time())
      ->UseRealTime();
}

// The reference backend is the oracle, not a fast path: one run per repetition.
benchmark::internal::Benchmark* reg_reference(const std::string& name, Body fn) {
  return benchmark::RegisterBenchmark(name.c_str(), std::move(fn))
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1)
      ->UseRealTime();
}

}  // namespace bench

namespace {
using namespace bench;

// ---- dispatch overhead: the chain of dispatch_chain.hpp ----
void BM_dispatch_emily(benchmark::State& st) {
  auto x = data({16, 16}, emily_cpu());
  force(x);
  for (auto _ : st) force(nx_chain(x));
  st.counters["ops"] = kChain;
}
void BM_dispatch_mlx(benchmark::State& st) {
  auto x = mx_input({16, 16}, 1.0f);
  for (auto _ : st) mx::eval(mx_chain(x, mx_dev()));
  st.counters["ops"] = kChain;
}

// ---- machine limits: STREAM-like copy and triad, one thread ----
constexpr std::int64_t kBig = 16 * 1024 * 1024;
void BM_stream_copy(benchmark::State& st) {
  std::vector<float> a(static_cast<std::size_t>(kBig), 1.0f), c(static_cast<std::size_t>(kBig));
  for (auto _ : st) {
    std::memcpy(c.data(), a.data(), a.size() * 4);
    benchmark::ClobberMemory();
  }
}
void BM_stream_triad(benchmark::State& st) {
  std::vector<float> a(static_cast<std::size_t>(kBig)), b(static_cast<std::size_t>(kBig), 1.0f),
      c(static_cast<std::size_t>(kBig), 2.0f);
  for (auto _ : st) {
    float* pa = a.data();
    const float *pb = b.data(), *pc = c.data();
    for (std::int64_t i = 0; i < kBig; ++i) pa[i] = pb[i] + 3.0f * pc[i];
    benchmark::ClobberMemory();
  }
}

std::string loadavg() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

std::string env_or_unset(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "unset";
}

void add_context() {
  benchmark::AddCustomContext("mlx_version", emily::mlx_version());
  benchmark::AddCustomContext("device", g_gpu ? emily::devices().back() : "cpu");
  benchmark::AddCustomContext("cpu_model", cpu_model());
  std::string simd;
  auto flag = [&](bool has, const char* name) {
    if (has) simd += std::string(simd.empty() ? "" : " ") + name;
  };
  flag(__builtin_cpu_supports("avx2"), "avx2");
  flag(__builtin_cpu_supports("fma"), "fma");
  flag(__builtin_cpu_supports("avx512f"), "avx512f");
  flag(__builtin_cpu_supports("avx512bw"), "avx512bw");
  flag(__builtin_cpu_supports("avx512vl"), "avx512vl");
  benchmark::AddCustomContext("simd", simd);
  benchmark::AddCustomContext("hardware_concurrency", std::to_string(std::thread::hardware_concurrency()));
  for (const char* v : {"OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "EMILY_CPU_THREADS", "EMILY_CPU_KERNELS"})
    benchmark::AddCustomContext(std::string("env_") + v, env_or_unset(v));
  if (openblas_get_num_threads)
    benchmark::AddCustomContext("openblas_threads", std::to_string(openblas_get_num_threads()));
  if (openblas_get_config) benchmark::AddCustomContext("openblas_config", openblas_get_config());
  benchmark::AddCustomContext("min_time_per_repetition_s", std::to_string(min_time()));
  benchmark::AddCustomContext("loadavg_before", loadavg());
}

// Google Benchmark writes the context before the rows; the load average
// after the run and the wall time are added to the file's context here.
void add_after_context(const std::string& path, double wall_s) {
  if (path.empty()) return;
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string doc = ss.str();
  const std::string anchor = "\"context\": {";
  const auto at = doc.find(anchor);
  if (at == std::string::npos) return;
  doc.insert(at + anchor.size(), "\n    \"loadavg_after\": \"" + loadavg() + "\",\n    \"wall_s\": \"" +
                                     std::to_string(wall_s) + "\",");
  std::ofstream(path) << doc;
}

}  // namespace

int main(int argc, char** argv) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> extra;
  std::vector<char*> args;
  std::string out_path;
  bool reps = false, interleave = false;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") g_quick = true;
    else if (a == "--gpu") g_gpu = true;
    else args.push_back(argv[i]);
    if (a.rfind("--benchmark_out=", 0) == 0) out_path = a.substr(16);
    reps = reps || a.rfind("--benchmark_repetitions", 0) == 0;
    interleave = interleave || a.rfind("--benchmark_enable_random_interleaving", 0) == 0;
  }
  if (!reps) extra.push_back(g_quick ? "--benchmark_repetitions=3" : "--benchmark_repetitions=5");
  if (!interleave) extra.push_back("--benchmark_enable_random_interleaving=true");
  extra.push_back("--benchmark_display_aggregates_only=true");  // the file keeps every repetition
  for (auto& e : extra) args.push_back(e.data());
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  add_context();
  reg("BM_dispatch_emily", BM_dispatch_emily)->Unit(benchmark::kMicrosecond);
  reg("BM_dispatch_mlx", BM_dispatch_mlx)->Unit(benchmark::kMicrosecond);
  if (g_gpu) {
    register_gpu_cases();
  } else {
    reg("BM_stream_copy", BM_stream_copy);
    reg("BM_stream_triad", BM_stream_triad);
    register_block_cases("f32_b1_l128", {1, 128, 256, 4, nx::f32});
    if (!g_quick) register_block_reference();
    register_mlp_cases();
    register_op_cases();
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  add_after_context(out_path, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return 0;
}
