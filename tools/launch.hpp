// `emily launch` (tools/launch.cpp), `emily digits-dp` (tools/digits_dp.cpp)
// and `emily allsum-bench` (tools/distributed_bench.cpp).
#pragma once

#include <fstream>
#include <string>

namespace emily_tool {

// The 1-minute load average, recorded beside distributed figures (the
// machine is shared: they are noisy).
inline std::string loadavg() {
  std::ifstream f("/proc/loadavg");
  std::string one;
  f >> one;
  return one.empty() ? "null" : one;
}

int launch(int argc, char** argv);
int digits_dp(int argc, char** argv);
int allsum_bench(int argc, char** argv);

}  // namespace emily_tool
