#include "dispatch_chain.hpp"

namespace bench {

namespace mx = mlx::core;

nx::Tensor nx_chain(nx::Tensor x) {
  for (int i = 0; i < kChain / 5; ++i) {
    x = nx::add(x, 1.0);
    x = nx::multiply(x, 0.5);
    x = nx::exp(nx::negate(x));
    x = nx::sum(x, {.axes = {{1}}, .keep_axes = true});
    x = nx::add(x, nx::ones({16, 16}, {.type = nx::f32, .backend = x.backend()}));
  }
  return x;
}

mx::array mx_chain(mx::array x, mx::Device d) {
  for (int i = 0; i < kChain / 5; ++i) {
    mx::array ones = mx::ones({16, 16}, mx::float32, d);  // as nx::ones in nx_chain
    x = mx::add(x, mx::array(1.0f), d);
    x = mx::multiply(x, mx::array(0.5f), d);
    x = mx::exp(mx::negative(x, d), d);
    x = mx::sum(x, {1}, true, d);
    x = mx::add(x, ones, d);
  }
  return x;
}

}  // namespace bench
