// emily::compiler(): an nx::defn compiler that lowers traced graphs onto
// MLX's own graph compiler (mx::compile), so chains of element-wise ops fuse
// into single kernels on CPU and CUDA.
//
//   auto f = [](const nx::Tensor& x) { return nx::sum(nx::multiply(x, x)); };
//   nx::jit(f, {.compiler = emily::compiler()})(x);
//
// The graph is split into segments of nodes whose Emily callbacks only build
// lazy MLX ops (each segment is one mx::compile'd function) and nodes that
// run eagerly through the ordinary callbacks, and so through Emily's fallback
// with its telemetry (see src/emily/compiler.cpp for the list and why). Each
// node kept out of compilation emits an `emily.compiler.eager` event, each
// compiled graph an `emily.compiler.plan` event (docs/telemetry.md).
// Arguments on a backend other than Emily are evaluated by nx::defn's default
// evaluator.
#pragma once

#include "nx/defn.hpp"

namespace emily {

struct CompilerOptions {
  // false: the same segments run op by op without mx::compile (for A/B runs).
  bool mlx_compile = true;
};

nx::defn::CompilerPtr compiler(const CompilerOptions& opts = {});

}  // namespace emily
