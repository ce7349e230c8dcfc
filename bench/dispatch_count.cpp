// Host work of the dispatch chain without its kernels: builds the chain of
// dispatch_chain.hpp `chains` times and releases it unevaluated, on the CPU.
// bench/dispatch_count.sh counts the instructions of count_region() with
// callgrind (--toggle-collect), so start-up and input creation are excluded.
//
//   emily_dispatch_count emily|mlx [chains=20]
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "dispatch_chain.hpp"

namespace mx = mlx::core;

namespace bench {

__attribute__((noinline)) void count_region(bool emily_side, const nx::Tensor& x, const mx::array& y, int chains) {
  for (int i = 0; i < chains; ++i) {
    if (emily_side) (void)nx_chain(x);
    else (void)mx_chain(y, mx::Device::cpu);
  }
}

}  // namespace bench

int main(int argc, char** argv) {
  if (argc < 2 || (std::strcmp(argv[1], "emily") != 0 && std::strcmp(argv[1], "mlx") != 0)) {
    std::fprintf(stderr, "usage: %s emily|mlx [chains]\n", argv[0]);
    return 2;
  }
  const bool emily_side = std::strcmp(argv[1], "emily") == 0;
  const int chains = argc > 2 ? std::atoi(argv[2]) : 20;
  auto x = nx::iota({16, 16}, {.type = nx::f32, .backend = emily::backend({.device = emily::Device::cpu})});
  emily::eval(x);
  mx::array y = mx::reshape(mx::arange(256, mx::float32, mx::Device::cpu), {16, 16}, mx::Device::cpu);
  mx::eval(y);
  bench::count_region(emily_side, x, y, chains);
  std::printf("%s: %d chains of %d ops built and released\n", argv[1], chains, bench::kChain);
  return 0;
}
