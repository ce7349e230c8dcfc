// `emily allsum-bench [--min BYTES] [--max BYTES] [--json FILE] [--backend B]
// [--device cpu|gpu]`: all_sum throughput over the group of
// emily::distributed::init(), f32 payloads from --min to --max bytes (x4 each
// step). Start it with `emily launch -n N` (ring), or with MLX's NCCL
// variables for `--backend nccl --device gpu`.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <string>

#include "emily/backend.hpp"
#include "emily/distributed.hpp"
#include "launch.hpp"
#include "nx/nx.hpp"

namespace emily_tool {


int allsum_bench(int argc, char** argv) {
  long long lo = 4 << 10, hi = 256ll << 20;
  std::string json, backend = "any";
  emily::Device device = emily::Device::cpu;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) {
      std::cerr << "usage: emily allsum-bench [--min BYTES] [--max BYTES] [--json FILE] [--backend B] [--device cpu|gpu]\n";
      return 2;
    }
    const std::string v = argv[++i];
    if (a == "--min") lo = std::atoll(v.c_str());
    else if (a == "--max") hi = std::atoll(v.c_str());
    else if (a == "--json") json = v;
    else if (a == "--backend") backend = v;
    else if (a == "--device") device = v == "gpu" ? emily::Device::gpu : emily::Device::cpu;
    else return 2;
  }
  auto g = emily::distributed::init({.backend = backend, .strict = backend != "any"});
  auto b = emily::backend({.device = device});
  if (g.rank() == 0) std::cout << "group: " << g.backend() << ", " << g.size() << " process(es)" << std::endl;
  const int n = g.size();
  std::ofstream f;
  if (g.rank() == 0 && !json.empty()) {
    f.open(json);
    f << "{\"processes\": " << n << ", \"backend\": \"" << g.backend() << "\", \"loadavg_1min_start\": " << loadavg() << ", \"results\": [\n";
  }
  bool first = true;
  for (long long bytes = lo; bytes <= hi; bytes *= 4) {
    const std::int64_t elems = bytes / 4;
    auto x = nx::broadcast(nx::tensor(1.0f, {.type = nx::f32, .names = {}, .backend = b}), {elems});
    emily::eval(x);
    // Enough repetitions for about 64 MB moved per size, at least 3.
    const int reps = static_cast<int>(std::clamp<long long>((64ll << 20) / bytes, 3, 200));
    emily::eval(emily::distributed::all_sum(x, g));  // warm-up: buffers, first connection use
    std::vector<double> secs;
    for (int r = 0; r < reps; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      auto y = emily::distributed::all_sum(x, g);
      emily::eval(y);
      secs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      if (r == 0 && nx::to_number<double>(nx::reshape(nx::slice(y, {elems - 1}, {1}), {})) != n) {
        std::cerr << "allsum-bench: wrong sum\n";
        return 1;
      }
    }
    std::sort(secs.begin(), secs.end());
    const double median = secs[secs.size() / 2];
    // Algorithm bandwidth (payload / time) and bus bandwidth (what each link
    // carries in a ring all-reduce: 2 (n-1)/n of the payload).
    const double algbw = static_cast<double>(bytes) / median / 1e9;
    const double busbw = algbw * 2.0 * (n - 1) / n;
    if (g.rank() == 0) {
      std::cout << std::setw(12) << bytes << " B  " << std::fixed << std::setprecision(3) << std::setw(10)
                << median * 1e3 << " ms  algbw " << std::setprecision(3) << algbw << " GB/s  busbw " << busbw
                << " GB/s  (" << reps << " reps)" << std::endl;  // flushed: stdout is a pipe
      if (f.is_open())
        f << (first ? "" : ",\n") << std::setprecision(9) << "  {\"bytes\": " << bytes << ", \"reps\": " << reps
          << ", \"median_s\": " << median << ", \"min_s\": " << secs.front() << ", \"algbw_GBps\": " << algbw
          << ", \"busbw_GBps\": " << busbw << ", \"loadavg_1min\": " << loadavg() << "}";
      first = false;
    }
  }
  if (f.is_open()) f << "\n], \"loadavg_1min_end\": " << loadavg() << "}\n";
  return 0;
}

}  // namespace emily_tool
