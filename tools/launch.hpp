// `emily launch` (tools/launch.cpp), `emily digits-dp` (tools/digits_dp.cpp)
// and `emily allsum-bench` (tools/distributed_bench.cpp).
#pragma once

namespace emily_tool {

int launch(int argc, char** argv);
int digits_dp(int argc, char** argv);
int allsum_bench(int argc, char** argv);

}  // namespace emily_tool
