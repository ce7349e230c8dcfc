// Transformer-block rows of emily_bench (pre-norm attention + MLP: through
// nx::, with emily::fast's fused kernels, through nx::jit, in raw MLX and on
// the reference backend) and the GPU-only rows of `emily_bench --gpu`.
#include <cmath>

#include "bench_common.hpp"

namespace bench {

namespace {

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

}  // namespace

void register_block_cases(const std::string& suffix, BlockShape s) {
  reg("BM_transformer_" + suffix + "_emily", [s](benchmark::State& st) {
    auto b = emily_cpu();
    auto p = block_params(b, s.type, s.width);
    auto x = nx::as_type(data({s.batch, s.seq, s.width}, b, 1.0f), s.type);
    force(x);
    force(nx_block(x, p, s));
    for (auto _ : st) force(nx_block(x, p, s));
  });
  reg("BM_transformer_" + suffix + "_fast", [s](benchmark::State& st) {
    auto b = emily_cpu();
    auto p = block_params(b, s.type, s.width);
    auto x = nx::as_type(data({s.batch, s.seq, s.width}, b, 1.0f), s.type);
    force(x);
    force(nx_block_fast(x, p, s));
    for (auto _ : st) force(nx_block_fast(x, p, s));
  });
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
    reg("BM_transformer_" + suffix + (fast ? "_jitfast" : "_jit"), jitted(fast));
  reg("BM_transformer_" + suffix + "_mlx", [s](benchmark::State& st) {
    auto b = emily_cpu();
    auto w = mx_params(block_params(b, s.type, s.width));
    auto xt = nx::as_type(data({s.batch, s.seq, s.width}, b, 1.0f), s.type);
    force(xt);
    mx::array x = emily::array_ref(xt);
    mx::eval(mx_block(x, w, s));
    for (auto _ : st) mx::eval(mx_block(x, w, s));
  });
}

// GPU-only cases: larger element-wise/reduction inputs, f32 and bf16 matmul,
// and the device-to-device copy that bounds the memory-bound ones.
void register_gpu_cases() {
  auto both = [&](const std::string& name, std::function<nx::Tensor(const nx::Tensor&, const nx::Tensor&)> f,
                  std::function<mx::array(const mx::array&, const mx::array&)> g, nx::Shape shape, nx::Type type) {
    reg("BM_" + name + "_emily", [=](benchmark::State& st) {
      auto b = emily_cpu();
      auto x = nx::as_type(data(shape, b, 4.0f), type), y = nx::as_type(data(shape, b, 2.0f), type);
      emily::eval({x, y});
      force(f(x, y));  // warm-up: first calls JIT-compile kernels on CUDA
      for (auto _ : st) force(f(x, y));
    });
    reg("BM_" + name + "_mlx", [=](benchmark::State& st) {
      auto b = emily_cpu();
      auto xt = nx::as_type(data(shape, b, 4.0f), type), yt = nx::as_type(data(shape, b, 2.0f), type);
      emily::eval({xt, yt});
      mx::array x = emily::array_ref(xt), y = emily::array_ref(yt);
      mx::eval(g(x, y));
      for (auto _ : st) mx::eval(g(x, y));
    });
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
      // A process started with EMILY_TF32=1 measures f32 with TF32 (MLX
      // reads the choice once per process); its rows carry the suffix.
      both("matmul_" + nx::to_string(t) + "_" + std::to_string(n) + (t == nx::f32 && emily::tf32_allowed() ? "_tf32" : ""),
           [](auto& x, auto& y) { return nx::dot(x, y); },
           [dv](auto& x, auto& y) { return mx::matmul(x, y, dv); }, {n, n}, t);
  register_mlp_cases();
  for (int batch : {1, 8})
    for (int seq : {128, 1024})
      register_block_cases("bf16_b" + std::to_string(batch) + "_l" + std::to_string(seq),
                           {batch, seq, 1024, 16, nx::bf16});
}

void register_block_reference() {
  reg_reference("BM_transformer_f32_b1_l128_reference", [](benchmark::State& st) {
    auto b = nx::binary_backend();
    BlockShape s{1, 128, 256, 4, nx::f32};
    auto p = block_params(b, s.type, s.width);
    auto x = data({s.batch, s.seq, s.width}, b, 1.0f);
    for (auto _ : st) benchmark::DoNotOptimize(nx::to_binary(nx_block(x, p, s)));
  });
}

}  // namespace bench
