// MLP training-step rows of emily_bench: one step of a 64-512-512-10 MLP
// (batch 256, softmax cross-entropy, value_and_grad, SGD update) eagerly,
// through nx::jit with emily::compiler() (with and without mx::compile), and
// in raw MLX (mx::value_and_grad, mx::compile'd).
#include <benchmark/benchmark.h>

#include "bench_common.hpp"

namespace bench {

namespace {

// ---- MLP training step: 64-512-512-10, batch 256, softmax cross-entropy,
// value_and_grad and an SGD update ----
constexpr int kMlpBatch = 256;
constexpr double kLr = 0.01;

nx::Tensor mlp_loss(const std::vector<nx::Tensor>& p, const nx::Tensor& x, const nx::Tensor& y) {
  auto h = nx::max(nx::add(nx::dot(x, p[0]), p[1]), 0.0);
  h = nx::max(nx::add(nx::dot(h, p[2]), p[3]), 0.0);
  auto logp = nx::log_softmax(nx::add(nx::dot(h, p[4]), p[5]), 1);
  return nx::negate(nx::mean(nx::sum(nx::multiply(y, logp), {.axes = {{1}}})));
}

// {loss, updated params}
std::pair<nx::Tensor, std::vector<nx::Tensor>> mlp_step(const std::vector<nx::Tensor>& p, const nx::Tensor& x,
                                                        const nx::Tensor& y) {
  auto [loss, g] = nx::value_and_grad(mlp_loss)(p, x, y);
  std::vector<nx::Tensor> next;
  for (std::size_t i = 0; i < p.size(); ++i) next.push_back(nx::subtract(p[i], nx::multiply(g[i], kLr)));
  return {loss, next};
}

struct MlpData {
  std::vector<nx::Tensor> p;
  nx::Tensor x, y;
};

MlpData mlp_data() {
  auto b = emily_cpu();
  MlpData d;
  d.p = {data({64, 512}, b, 0.2f), data({512}, b, 0.02f), data({512, 512}, b, 0.1f), data({512}, b, 0.02f),
         data({512, 10}, b, 0.1f), data({10}, b, 0.02f)};
  d.x = data({kMlpBatch, 64}, b, 2.0f);
  auto labels = nx::remainder(nx::iota({kMlpBatch, 1}, {.backend = b}), 10);
  d.y = nx::as_type(nx::equal(labels, nx::iota({1, 10}, {.backend = b})), nx::f32);
  std::vector<nx::Tensor> all = d.p;
  all.push_back(d.x);
  all.push_back(d.y);
  emily::eval(all);
  return d;
}

template <class Step>
void run_mlp(benchmark::State& st, Step step) {
  MlpData d = mlp_data();
  auto force_step = [&] {
    auto [loss, next] = step(d.p, d.x, d.y);
    next.push_back(loss);
    emily::eval(next);
  };
  force_step();  // warm-up (traces and compiles the jitted ones)
  for (auto _ : st) force_step();  // same parameters each time: the work of one step
}

void BM_mlp_step_emily(benchmark::State& st) { run_mlp(st, mlp_step); }
void BM_mlp_step_jit(benchmark::State& st) { run_mlp(st, nx::jit(mlp_step, {.compiler = emily::compiler()})); }
void BM_mlp_step_jitnofuse(benchmark::State& st) {
  run_mlp(st, nx::jit(mlp_step, {.compiler = emily::compiler({.mlx_compile = false})}));
}
// Raw MLX: mx::value_and_grad of the same loss, the update, mx::compile'd.
void BM_mlp_step_mlx(benchmark::State& st) {
  auto d = mx_dev();
  auto step = mx::compile([d](const std::vector<mx::array>& in) {  // w1 b1 w2 b2 w3 b3 x y
    const mx::array x = in[6], y = in[7];
    auto loss = [x, y, d](const std::vector<mx::array>& p) {
      auto relu = [d](const mx::array& a) { return mx::maximum(a, mx::array(0.0f), d); };
      auto h = relu(mx::add(mx::matmul(x, p[0], d), p[1], d));
      h = relu(mx::add(mx::matmul(h, p[2], d), p[3], d));
      auto logits = mx::add(mx::matmul(h, p[4], d), p[5], d);
      auto logp = mx::subtract(logits, mx::logsumexp(logits, 1, true, d), d);
      return std::vector<mx::array>{mx::negative(mx::mean(mx::sum(mx::multiply(y, logp, d), 1, false, d), false, d), d)};
    };
    std::vector<mx::array> p(in.begin(), in.begin() + 6);
    auto [v, g] = mx::value_and_grad(loss, std::vector<int>{0, 1, 2, 3, 4, 5})(p);
    std::vector<mx::array> out{v[0]};
    for (std::size_t i = 0; i < 6; ++i)
      out.push_back(mx::subtract(p[i], mx::multiply(g[i], mx::array(static_cast<float>(kLr)), d), d));
    return out;
  });
  MlpData m = mlp_data();
  std::vector<mx::array> in;
  for (const auto& t : m.p) in.push_back(emily::array_ref(t));
  in.push_back(emily::array_ref(m.x));
  in.push_back(emily::array_ref(m.y));
  mx::eval(step(in));
  for (auto _ : st) mx::eval(step(in));
}

}  // namespace

void register_mlp_cases() {
  for (auto [name, fn] : {std::pair{"BM_mlp_step_emily", &BM_mlp_step_emily}, {"BM_mlp_step_jit", &BM_mlp_step_jit},
                          {"BM_mlp_step_jitnofuse", &BM_mlp_step_jitnofuse}, {"BM_mlp_step_mlx", &BM_mlp_step_mlx}})
    reg(name, fn);
}

}  // namespace bench
