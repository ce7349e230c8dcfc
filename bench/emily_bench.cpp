// Emily benchmarks: the same work through nx:: on the Emily backend, directly
// on MLX's C++ API, and on the reference backend, measured side by side in one
// run with Google Benchmark. numpy runs in bench/numpy_bench.py in the same
// `make bench` invocation; bench/report.py joins both into the ratio table.
//
//   emily_bench --json=<out.json> [--quick]
#include <benchmark/benchmark.h>
#include <mlx/mlx.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <thread>

#include "bench_common.hpp"
#include "dispatch_chain.hpp"
#include "emily/emily.hpp"

namespace bench {

bool g_quick = false;
bool g_gpu = false;  // --gpu: Emily and raw MLX on the GPU device
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

}  // namespace bench

namespace {
using namespace bench;

mx::array mx_data(const nx::Shape& shape, float scale = 1.0f) {
  auto t = data(shape, nx::binary_backend(), scale);
  auto bytes = nx::to_binary(t);
  std::vector<float> v(bytes.size() / 4);
  std::memcpy(v.data(), bytes.data(), bytes.size());
  mx::Shape s;
  for (auto d : shape) s.push_back(static_cast<int>(d));
  mx::array a(v.begin(), s, mx::float32);
  mx::eval(a);
  return a;
}

void force(const nx::Tensor& t) { emily::eval(t); }

// ---- 1. dispatch overhead: the chain of dispatch_chain.hpp ----
void BM_dispatch_emily(benchmark::State& st) {
  auto x = data({16, 16}, emily_cpu());
  force(x);
  for (auto _ : st) force(nx_chain(x));
  st.counters["ops"] = kChain;
}
void BM_dispatch_mlx(benchmark::State& st) {
  auto x = mx_data({16, 16});
  for (auto _ : st) mx::eval(mx_chain(x, mx_dev()));
  st.counters["ops"] = kChain;
}

// ---- 2. large element-wise ----
constexpr std::int64_t kBig = 16 * 1024 * 1024;

template <class F>
void run_emily(benchmark::State& st, F&& f) {
  for (auto _ : st) force(f());
}
template <class F>
void run_mlx(benchmark::State& st, F&& f) {
  for (auto _ : st) mx::eval(f());
}
template <class F>
void run_ref(benchmark::State& st, F&& f) {
  for (auto _ : st) benchmark::DoNotOptimize(nx::to_binary(f()));
}

// 1M pseudo-random s32 indices into a 1M vector (same sequence as numpy_bench).
nx::Tensor gather_indices(const nx::BackendPtr& b) {
  static std::vector<std::int32_t> idx = [] {
    std::vector<std::int32_t> v(1 << 20);
    std::uint32_t s = 12345;
    for (auto& i : v) {
      s = s * 1664525u + 1013904223u;
      i = static_cast<std::int32_t>(s % (1u << 20));
    }
    return v;
  }();
  static std::map<nx::Backend*, nx::Tensor> cache;
  auto it = cache.find(b.get());
  if (it == cache.end()) {
    std::vector<std::uint8_t> bytes(idx.size() * 4);
    std::memcpy(bytes.data(), idx.data(), bytes.size());
    auto t = nx::from_binary(bytes, nx::s32, {.backend = b});
    if (b->kind() == nx::BackendKind::emily) emily::eval(t);
    it = cache.emplace(b.get(), t).first;
  }
  return it->second;
}

#define NX_CASE(name, shape_expr, body)                                                            \
  void BM_##name##_emily(benchmark::State& st) {                                                  \
    auto b = emily_cpu();                                                                           \
    auto x = data(shape_expr, b, 4.0f), y = data(shape_expr, b, 2.0f);                              \
    force(x); force(y);                                                                             \
    run_emily(st, [&] { return body; });                                                            \
  }                                                                                                 \
  void BM_##name##_reference(benchmark::State& st) {                                              \
    auto b = nx::binary_backend();                                                                  \
    auto x = data(shape_expr, b, 4.0f), y = data(shape_expr, b, 2.0f);                              \
    run_ref(st, [&] { return body; });                                                              \
  }

NX_CASE(exp_16M, (nx::Shape{kBig}), nx::exp(x))
NX_CASE(add_16M, (nx::Shape{kBig}), nx::add(x, y))
NX_CASE(sum_axis0_4096, (nx::Shape{4096, 4096}), nx::sum(x, {.axes = {{0}}}))
NX_CASE(sum_axis1_4096, (nx::Shape{4096, 4096}), nx::sum(x, {.axes = {{1}}}))
NX_CASE(argmax_axis0_4096, (nx::Shape{4096, 4096}), nx::argmax(x, {.axis = 0}))
NX_CASE(argmax_axis1_4096, (nx::Shape{4096, 4096}), nx::argmax(x, {.axis = 1}))
NX_CASE(matmul_1024, (nx::Shape{1024, 1024}), nx::dot(x, y))
NX_CASE(matmul_2048, (nx::Shape{2048, 2048}), nx::dot(x, y))
NX_CASE(softmax_1024x4096, (nx::Shape{1024, 4096}), nx::softmax(x, 1))
NX_CASE(sort_1M, (nx::Shape{1 << 20}), nx::sort(x))
NX_CASE(cumsum_4096, (nx::Shape{4096, 4096}), nx::cumulative_sum(x, {.axis = 1}))
NX_CASE(gather_1M, (nx::Shape{1 << 20}), nx::take(x, gather_indices(x.backend())))
#undef NX_CASE

void BM_exp_16M_mlx(benchmark::State& st) {
  auto x = mx_data({kBig}, 4.0f);
  run_mlx(st, [&] { return mx::exp(x, mx_dev()); });
}
void BM_add_16M_mlx(benchmark::State& st) {
  auto x = mx_data({kBig}, 4.0f), y = mx_data({kBig}, 2.0f);
  run_mlx(st, [&] { return mx::add(x, y, mx_dev()); });
}
void BM_sum_axis0_4096_mlx(benchmark::State& st) {
  auto x = mx_data({4096, 4096}, 4.0f);
  run_mlx(st, [&] { return mx::sum(x, 0, false, mx_dev()); });
}
void BM_sum_axis1_4096_mlx(benchmark::State& st) {
  auto x = mx_data({4096, 4096}, 4.0f);
  run_mlx(st, [&] { return mx::sum(x, 1, false, mx_dev()); });
}
void BM_argmax_axis0_4096_mlx(benchmark::State& st) {
  auto x = mx_data({4096, 4096}, 4.0f);
  run_mlx(st, [&] { return mx::argmax(x, 0, false, mx_dev()); });
}
void BM_argmax_axis1_4096_mlx(benchmark::State& st) {
  auto x = mx_data({4096, 4096}, 4.0f);
  run_mlx(st, [&] { return mx::argmax(x, 1, false, mx_dev()); });
}
void BM_matmul_1024_mlx(benchmark::State& st) {
  auto x = mx_data({1024, 1024}, 4.0f), y = mx_data({1024, 1024}, 2.0f);
  run_mlx(st, [&] { return mx::matmul(x, y, mx_dev()); });
}
void BM_matmul_2048_mlx(benchmark::State& st) {
  auto x = mx_data({2048, 2048}, 4.0f), y = mx_data({2048, 2048}, 2.0f);
  run_mlx(st, [&] { return mx::matmul(x, y, mx_dev()); });
}
void BM_softmax_1024x4096_mlx(benchmark::State& st) {
  auto x = mx_data({1024, 4096}, 4.0f);
  run_mlx(st, [&] { return mx::softmax(x, std::vector<int>{1}, false, mx_dev()); });
}
void BM_sort_1M_mlx(benchmark::State& st) {
  auto x = mx_data({1 << 20}, 4.0f);
  run_mlx(st, [&] { return mx::sort(x, 0, mx_dev()); });
}
void BM_gather_1M_mlx(benchmark::State& st) {
  auto x = mx_data({1 << 20}, 4.0f);
  auto t = gather_indices(nx::binary_backend());
  auto bytes = nx::to_binary(t);
  std::vector<std::int32_t> v(bytes.size() / 4);
  std::memcpy(v.data(), bytes.data(), bytes.size());
  mx::array idx(v.begin(), mx::Shape{1 << 20}, mx::int32);
  mx::eval(idx);
  run_mlx(st, [&] { return mx::take(x, idx, 0, mx_dev()); });
}
void BM_cumsum_4096_mlx(benchmark::State& st) {
  auto x = mx_data({4096, 4096}, 4.0f);
  run_mlx(st, [&] { return mx::cumsum(x, 1, false, true, mx_dev()); });
}

// ---- transformer block: pre-norm attention + MLP ----
struct BlockShape {
  int batch, seq, width, heads;
  nx::Type type;
};
BlockShape g_block{1, 128, 256, 4, nx::f32};

nx::Tensor layer_norm(const nx::Tensor& x, const nx::Tensor& g, const nx::Tensor& b) {
  auto m = nx::mean(x, {.axes = {{-1}}, .keep_axes = true});
  auto d = nx::subtract(x, m);
  auto var = nx::mean(nx::multiply(d, d), {.axes = {{-1}}, .keep_axes = true});
  return nx::add(nx::multiply(nx::multiply(d, nx::rsqrt(nx::add(var, 1e-5))), g), b);
}

struct BlockParams {
  nx::Tensor wq, wk, wv, wo, w1, w2, g1, b1, g2, b2;
};

BlockParams block_params(const nx::BackendPtr& b, nx::Type type, int w) {
  auto p = [&](nx::Shape s) { return nx::as_type(data(s, b, 0.05f), type); };
  auto ones = nx::ones({w}, {.type = type, .backend = b}), zeros = nx::zeros({w}, {.type = type, .backend = b});
  return {p({w, w}), p({w, w}), p({w, w}), p({w, w}), p({w, 4 * w}), p({4 * w, w}), ones, zeros, ones, zeros};
}

nx::Tensor nx_block(const nx::Tensor& x, const BlockParams& p, const BlockShape& s) {
  const int hd = s.width / s.heads;
  auto heads = [&](const nx::Tensor& t) {  // [B, L, W] -> [B, H, L, D]
    return nx::transpose(nx::reshape(t, {s.batch, s.seq, s.heads, hd}), nx::Axes{0, 2, 1, 3});
  };
  auto h = layer_norm(x, p.g1, p.b1);
  auto q = heads(nx::dot(h, p.wq)), k = heads(nx::dot(h, p.wk)), v = heads(nx::dot(h, p.wv));
  auto scores = nx::multiply(nx::dot(q, {3}, {0, 1}, k, {3}, {0, 1}), 1.0 / std::sqrt(static_cast<double>(hd)));
  auto att = nx::softmax(scores, -1);
  auto o = nx::dot(att, {3}, {0, 1}, v, {2}, {0, 1});  // [B, H, L, D]
  o = nx::reshape(nx::transpose(o, nx::Axes{0, 2, 1, 3}), {s.batch, s.seq, s.width});
  auto y = nx::add(x, nx::dot(o, p.wo));
  auto h2 = layer_norm(y, p.g2, p.b2);
  return nx::add(y, nx::dot(nx::max(nx::dot(h2, p.w1), 0), p.w2));
}

// The same block with emily::fast's fused layer norm and attention.
nx::Tensor nx_block_fast(const nx::Tensor& x, const BlockParams& p, const BlockShape& s) {
  const int hd = s.width / s.heads;
  auto heads = [&](const nx::Tensor& t) {
    return nx::transpose(nx::reshape(t, {s.batch, s.seq, s.heads, hd}), nx::Axes{0, 2, 1, 3});
  };
  auto h = emily::fast::layer_norm(x, p.g1, p.b1);
  auto q = heads(nx::dot(h, p.wq)), k = heads(nx::dot(h, p.wk)), v = heads(nx::dot(h, p.wv));
  auto o = emily::fast::scaled_dot_product_attention(q, k, v, {.scale = 1.0 / std::sqrt(static_cast<double>(hd))});
  o = nx::reshape(nx::transpose(o, nx::Axes{0, 2, 1, 3}), {s.batch, s.seq, s.width});
  auto y = nx::add(x, nx::dot(o, p.wo));
  auto h2 = emily::fast::layer_norm(y, p.g2, p.b2);
  return nx::add(y, nx::dot(nx::max(nx::dot(h2, p.w1), 0), p.w2));
}

// The block written directly against MLX's C++ API (same math as nx_block).
mx::array mx_block(const mx::array& x, const std::vector<mx::array>& w, const BlockShape& s) {
  auto d = mx_dev();
  const int hd = s.width / s.heads;
  auto ln = [&](const mx::array& v, const mx::array& g, const mx::array& b) {
    auto m = mx::mean(v, -1, true, d);
    auto c = mx::subtract(v, m, d);
    auto var = mx::mean(mx::multiply(c, c, d), -1, true, d);
    return mx::add(mx::multiply(mx::multiply(c, mx::rsqrt(mx::add(var, mx::array(1e-5f, v.dtype()), d), d), d), g, d), b, d);
  };
  auto heads = [&](const mx::array& t) {
    return mx::transpose(mx::reshape(t, {s.batch, s.seq, s.heads, hd}, d), {0, 2, 1, 3}, d);
  };
  auto h = ln(x, w[6], w[7]);
  auto q = heads(mx::matmul(h, w[0], d)), k = heads(mx::matmul(h, w[1], d)), v = heads(mx::matmul(h, w[2], d));
  auto sc = mx::multiply(mx::matmul(q, mx::swapaxes(k, -1, -2, d), d),
                         mx::array(static_cast<float>(1.0 / std::sqrt(static_cast<double>(hd))), x.dtype()), d);
  auto att = mx::softmax(sc, std::vector<int>{-1}, false, d);
  auto o = mx::reshape(mx::transpose(mx::matmul(att, v, d), {0, 2, 1, 3}, d), {s.batch, s.seq, s.width}, d);
  auto y = mx::add(x, mx::matmul(o, w[3], d), d);
  auto h2 = ln(y, w[8], w[9]);
  return mx::add(y, mx::matmul(mx::maximum(mx::matmul(h2, w[4], d), mx::array(0.0f, x.dtype()), d), w[5], d), d);
}

std::vector<mx::array> mx_params(const BlockParams& p) {
  std::vector<mx::array> out;
  for (const nx::Tensor* t : {&p.wq, &p.wk, &p.wv, &p.wo, &p.w1, &p.w2, &p.g1, &p.b1, &p.g2, &p.b2}) {
    auto e = nx::backend_copy(*t, emily_cpu());
    emily::eval(e);
    out.push_back(emily::array_ref(e));
  }
  return out;
}

void register_block_cases(const std::string& suffix, BlockShape s) {
  benchmark::RegisterBenchmark(("BM_transformer_" + suffix + "_emily").c_str(), [s](benchmark::State& st) {
    auto b = emily_cpu();
    auto p = block_params(b, s.type, s.width);
    auto x = nx::as_type(data({s.batch, s.seq, s.width}, b, 1.0f), s.type);
    force(x);
    force(nx_block(x, p, s));
    for (auto _ : st) force(nx_block(x, p, s));
  })->Unit(benchmark::kMillisecond)->MinTime(g_quick ? 0.05 : 0.5)->UseRealTime();
  benchmark::RegisterBenchmark(("BM_transformer_" + suffix + "_fast").c_str(), [s](benchmark::State& st) {
    auto b = emily_cpu();
    auto p = block_params(b, s.type, s.width);
    auto x = nx::as_type(data({s.batch, s.seq, s.width}, b, 1.0f), s.type);
    force(x);
    force(nx_block_fast(x, p, s));
    for (auto _ : st) force(nx_block_fast(x, p, s));
  })->Unit(benchmark::kMillisecond)->MinTime(g_quick ? 0.05 : 0.5)->UseRealTime();
  // The same two blocks through nx::jit with emily::compiler(): traced once,
  // each call runs the mx::compile'd graph (fused kernels kept as one node).
  auto jitted = [s](bool fast) {
    return [s, fast](benchmark::State& st) {
      auto b = emily_cpu();
      auto p = block_params(b, s.type, s.width);
      std::vector<nx::Tensor> w{p.wq, p.wk, p.wv, p.wo, p.w1, p.w2, p.g1, p.b1, p.g2, p.b2};
      auto x = nx::as_type(data({s.batch, s.seq, s.width}, b, 1.0f), s.type);
      auto f = nx::jit([s, fast](const nx::Tensor& x, const std::vector<nx::Tensor>& w) {
        BlockParams q{w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8], w[9]};
        return fast ? nx_block_fast(x, q, s) : nx_block(x, q, s);
      }, {.compiler = emily::compiler()});
      force(f(x, w));  // trace, compile, and on CUDA JIT the kernels
      for (auto _ : st) force(f(x, w));
    };
  };
  for (bool fast : {false, true})
    benchmark::RegisterBenchmark(("BM_transformer_" + suffix + (fast ? "_jitfast" : "_jit")).c_str(), jitted(fast))
        ->Unit(benchmark::kMillisecond)->MinTime(g_quick ? 0.05 : 0.5)->UseRealTime();
  benchmark::RegisterBenchmark(("BM_transformer_" + suffix + "_mlx").c_str(), [s](benchmark::State& st) {
    auto b = emily_cpu();
    auto w = mx_params(block_params(b, s.type, s.width));
    auto xt = nx::as_type(data({s.batch, s.seq, s.width}, b, 1.0f), s.type);
    force(xt);
    mx::array x = emily::array_ref(xt);
    mx::eval(mx_block(x, w, s));
    for (auto _ : st) mx::eval(mx_block(x, w, s));
  })->Unit(benchmark::kMillisecond)->MinTime(g_quick ? 0.05 : 0.5)->UseRealTime();
}

// GPU-only cases: larger element-wise/reduction inputs, f32 and bf16 matmul,
// and the device-to-device copy that bounds the memory-bound ones.
void register_gpu_cases() {
  const double mt = g_quick ? 0.05 : 0.5;
  auto both = [&](const std::string& name, std::function<nx::Tensor(const nx::Tensor&, const nx::Tensor&)> f,
                  std::function<mx::array(const mx::array&, const mx::array&)> g, nx::Shape shape, nx::Type type) {
    benchmark::RegisterBenchmark(("BM_" + name + "_emily").c_str(), [=](benchmark::State& st) {
      auto b = emily_cpu();
      auto x = nx::as_type(data(shape, b, 4.0f), type), y = nx::as_type(data(shape, b, 2.0f), type);
      emily::eval({x, y});
      force(f(x, y));  // warm-up: first calls JIT-compile kernels on CUDA
      for (auto _ : st) force(f(x, y));
    })->Unit(benchmark::kMillisecond)->MinTime(mt)->UseRealTime();
    benchmark::RegisterBenchmark(("BM_" + name + "_mlx").c_str(), [=](benchmark::State& st) {
      auto b = emily_cpu();
      auto xt = nx::as_type(data(shape, b, 4.0f), type), yt = nx::as_type(data(shape, b, 2.0f), type);
      emily::eval({xt, yt});
      mx::array x = emily::array_ref(xt), y = emily::array_ref(yt);
      mx::eval(g(x, y));
      for (auto _ : st) mx::eval(g(x, y));
    })->Unit(benchmark::kMillisecond)->MinTime(mt)->UseRealTime();
  };
  const std::int64_t big = 64 * 1024 * 1024;
  auto dv = mx_dev();
  both("exp_64M", [](auto& x, auto&) { return nx::exp(x); }, [dv](auto& x, auto&) { return mx::exp(x, dv); }, {big},
       nx::f32);
  both("add_64M", [](auto& x, auto& y) { return nx::add(x, y); }, [dv](auto& x, auto& y) { return mx::add(x, y, dv); },
       {big}, nx::f32);
  both("sum_axis0_8192", [](auto& x, auto&) { return nx::sum(x, {.axes = {{0}}}); },
       [dv](auto& x, auto&) { return mx::sum(x, 0, false, dv); }, {8192, 8192}, nx::f32);
  both("sum_axis1_8192", [](auto& x, auto&) { return nx::sum(x, {.axes = {{1}}}); },
       [dv](auto& x, auto&) { return mx::sum(x, 1, false, dv); }, {8192, 8192}, nx::f32);
  both("argmax_axis1_8192", [](auto& x, auto&) { return nx::argmax(x, {.axis = 1}); },
       [dv](auto& x, auto&) { return mx::argmax(x, 1, false, dv); }, {8192, 8192}, nx::f32);
  both("softmax_8192", [](auto& x, auto&) { return nx::softmax(x, 1); },
       [dv](auto& x, auto&) { return mx::softmax(x, std::vector<int>{1}, false, dv); }, {8192, 8192}, nx::f32);
  for (int n : {4096, 8192})
    for (nx::Type t : {nx::f32, nx::bf16})
      both("matmul_" + nx::to_string(t) + "_" + std::to_string(n), [](auto& x, auto& y) { return nx::dot(x, y); },
           [dv](auto& x, auto& y) { return mx::matmul(x, y, dv); }, {n, n}, t);
  register_mlp_cases();
  for (int batch : {1, 8})
    for (int seq : {128, 1024})
      register_block_cases("bf16_b" + std::to_string(batch) + "_l" + std::to_string(seq),
                           {batch, seq, 1024, 16, nx::bf16});
}

// The reference backend runs each case once (it is the oracle, not a fast
// path). Cases estimated to take over 10 s are skipped and say so: the
// 2048 matmul is estimated from the 1024 one measured just before (x8).
double g_reference_matmul_1024_s = 0;

void register_reference_cases() {
  auto reg = [](const char* name, void (*fn)(benchmark::State&)) {
    benchmark::RegisterBenchmark(name, fn)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
  };
#define REF(case_name) reg("BM_" #case_name "_reference", BM_##case_name##_reference);
  REF(exp_16M) REF(add_16M) REF(sum_axis0_4096) REF(sum_axis1_4096) REF(argmax_axis0_4096) REF(argmax_axis1_4096)
  REF(softmax_1024x4096) REF(sort_1M) REF(cumsum_4096) REF(gather_1M)
#undef REF
  benchmark::RegisterBenchmark("BM_matmul_1024_reference", [](benchmark::State& st) {
    auto b = nx::binary_backend();
    auto x = data({1024, 1024}, b, 4.0f), y = data({1024, 1024}, b, 2.0f);
    auto t0 = std::chrono::steady_clock::now();
    for (auto _ : st) benchmark::DoNotOptimize(nx::to_binary(nx::dot(x, y)));
    g_reference_matmul_1024_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  })->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
  benchmark::RegisterBenchmark("BM_matmul_2048_reference", [](benchmark::State& st) {
    const double estimate = 8 * g_reference_matmul_1024_s;
    if (estimate > 10) {
      st.SkipWithError(("skipped: estimated " + std::to_string(estimate) + " s (> 10 s)").c_str());
      for (auto _ : st) {
      }
      return;
    }
    auto b = nx::binary_backend();
    auto x = data({2048, 2048}, b, 4.0f), y = data({2048, 2048}, b, 2.0f);
    for (auto _ : st) benchmark::DoNotOptimize(nx::to_binary(nx::dot(x, y)));
  })->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
  benchmark::RegisterBenchmark("BM_transformer_f32_b1_l128_reference", [](benchmark::State& st) {
    auto b = nx::binary_backend();
    BlockShape s{1, 128, 256, 4, nx::f32};
    auto p = block_params(b, s.type, s.width);
    auto x = data({s.batch, s.seq, s.width}, b, 1.0f);
    for (auto _ : st) benchmark::DoNotOptimize(nx::to_binary(nx_block(x, p, s)));
  })->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
}

// ---- machine limits: STREAM-like copy and triad ----
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

}  // namespace

#define REG(fn) \
  benchmark::RegisterBenchmark(#fn, fn)->Unit(benchmark::kMillisecond)->MinTime(g_quick ? 0.05 : 0.5)->UseRealTime()

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--quick") == 0) g_quick = true;
    else if (std::strcmp(argv[i], "--gpu") == 0) g_gpu = true;
    else args.push_back(argv[i]);
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  benchmark::AddCustomContext("mlx_version", emily::mlx_version());
  benchmark::AddCustomContext("device", g_gpu ? emily::devices().back() : "cpu");
  REG(BM_dispatch_emily)->Unit(benchmark::kMicrosecond);
  REG(BM_dispatch_mlx)->Unit(benchmark::kMicrosecond);
  if (g_gpu) {
    register_gpu_cases();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
  }
  REG(BM_stream_copy);
  REG(BM_stream_triad);
  register_block_cases("f32_b1_l128", {1, 128, 256, 4, nx::f32});
  register_mlp_cases();
  register_reference_cases();
#define CASE(name) REG(BM_##name##_emily); REG(BM_##name##_mlx);
  CASE(exp_16M) CASE(add_16M) CASE(sum_axis0_4096) CASE(sum_axis1_4096) CASE(argmax_axis0_4096)
  CASE(argmax_axis1_4096) CASE(matmul_1024) CASE(matmul_2048) CASE(softmax_1024x4096) CASE(sort_1M)
  CASE(cumsum_4096) CASE(gather_1M)
#undef CASE
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
