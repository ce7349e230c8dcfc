// emily::compiler(): nx::jit graphs lowered onto mx::compile give the default
// evaluator's results (bit for bit where fusion keeps the arithmetic), keep
// eager nodes out with telemetry, and keep emily::fast's kernels as one node.
#include <cmath>
#include <cstring>

#include "grad_check.hpp"
#include "nx/defn.hpp"
#include "test_util.hpp"

namespace {

const emily::telemetry::Event* find(const std::vector<emily::telemetry::Event>& es, const std::string& key,
                                    const std::string& value) {
  for (const auto& e : es)
    if (e.metadata.count(key) && e.metadata.at(key) == value) return &e;
  return nullptr;
}

// Collects the events of one name while alive.
struct Events {
  explicit Events(const std::string& name)
      : id(emily::telemetry::attach(name, [this](const emily::telemetry::Event& e) { got.push_back(e); })) {}
  ~Events() { emily::telemetry::detach(id); }
  std::vector<emily::telemetry::Event> got;
  emily::telemetry::HandlerId id;
};

nx::Tensor data(const nx::Shape& shape, const nx::BackendPtr& b, float scale = 1.0f, std::uint32_t seed = 7) {
  std::vector<double> v(static_cast<std::size_t>(nx::shape_size(shape)));
  for (auto& x : v) {
    seed = seed * 1664525u + 1013904223u;
    x = scale * (static_cast<double>(seed >> 8) / 16777216.0 - 0.5);
  }
  return nx::reshape(nx::tensor(v, {.type = nx::f32, .backend = b}), shape);
}

void expect_bits(const nx::Tensor& got, const nx::Tensor& want) {
  EXPECT_EQ(nx::to_string(got.type()), nx::to_string(want.type()));
  EXPECT_EQ(nx::shape_to_string(got.shape()), nx::shape_to_string(want.shape()));
  EXPECT_TRUE(nx::to_binary(got) == nx::to_binary(want)) << "not bit-identical";
}

void expect_near(const nx::Tensor& got, const nx::Tensor& want, double tol) {
  EXPECT_EQ(nx::shape_to_string(got.shape()), nx::shape_to_string(want.shape()));
  auto g = nx::to_flat_list<double>(got), w = nx::to_flat_list<double>(want);
  ASSERT_EQ(g.size(), w.size());
  for (std::size_t i = 0; i < g.size(); ++i) EXPECT_NEAR(g[i], w[i], tol * (1 + std::abs(w[i]))) << "at " << i;
}

std::vector<std::string> emily_devices() {
  std::vector<std::string> d{"emily_cpu"};
  if (emily::gpu_available()) d.emplace_back("emily_gpu");
  return d;
}

class EmilyCompiler : public test::BackendTest {};
INSTANTIATE_TEST_SUITE_P(Devices, EmilyCompiler, ::testing::ValuesIn(emily_devices()),
                         [](const auto& info) { return info.param; });

TEST_P(EmilyCompiler, IssueSpelling) {
  auto f = [](const nx::Tensor& x) { return nx::sum(nx::multiply(x, x)); };
  auto x = data({4, 33}, b());
  auto got = nx::jit(f, {.compiler = emily::compiler()})(x);
  EXPECT_EQ(got.backend()->kind(), nx::BackendKind::emily);
  expect_bits(got, f(x));
}

// Exactly rounded ops: fusing them changes no arithmetic, so bit for bit.
nx::Tensor chain(const nx::Tensor& x, const nx::Tensor& y) {
  nx::Tensor t = x;
  for (int i = 0; i < 12; ++i) {
    t = nx::add(nx::multiply(t, 0.75), y);
    t = nx::max(nx::subtract(t, 0.125), nx::negate(y));
    t = nx::divide(nx::abs(t), 1.5);
    t = nx::min(t, nx::add(y, 2.0));
  }
  return nx::select(nx::greater(t, 0.5), t, nx::multiply(t, y));
}

TEST_P(EmilyCompiler, LongElementwiseChainIsOneSegmentAndMatchesEager) {
  auto x = data({64, 64}, b(), 4.0f, 1), y = data({64, 64}, b(), 2.0f, 2);
  Events plan("emily.compiler.plan");
  auto got = nx::jit(chain, {.compiler = emily::compiler()})(x, y);
  if (GetParam() == "emily_gpu") {
    // MLX's fused CUDA kernels contract a * b + c into one FMA, which
    // rounds once where the op-by-op kernels round twice.
    expect_near(got, nx::jit(chain)(x, y), 1e-6);
    expect_near(got, chain(x, y), 1e-6);
  } else {
    expect_bits(got, nx::jit(chain)(x, y));
    expect_bits(got, chain(x, y));
  }
  ASSERT_EQ(plan.got.size(), 1u);
  EXPECT_EQ(plan.got[0].metadata.at("segments"), "1");
  EXPECT_EQ(plan.got[0].metadata.at("eager_nodes"), "0");
  // The A/B switch runs the same segments op by op.
  auto op_by_op = nx::jit(chain, {.compiler = emily::compiler({.mlx_compile = false})})(x, y);
  if (GetParam() == "emily_gpu") expect_near(op_by_op, got, 1e-6);
  else expect_bits(op_by_op, got);
}

TEST_P(EmilyCompiler, TranscendentalChainWithinTightTolerance) {
  auto f = [](const nx::Tensor& x) {
    auto t = nx::tanh(nx::multiply(nx::exp(nx::negate(nx::abs(x))), 3.0));
    return nx::add(nx::log1p(nx::multiply(t, t)), nx::sigmoid(x));
  };
  auto x = data({128, 32}, b(), 6.0f);
  expect_near(nx::jit(f, {.compiler = emily::compiler()})(x), nx::jit(f)(x), 1e-6);
}

// A 2-layer MLP with softmax cross-entropy (params: w1, b1, w2, b2).
nx::Tensor mlp_loss(const std::vector<nx::Tensor>& p, const nx::Tensor& x, const nx::Tensor& onehot) {
  auto h = nx::max(nx::add(nx::dot(x, p[0]), p[1]), 0.0);
  auto logits = nx::add(nx::dot(h, p[2]), p[3]);
  auto logp = nx::log_softmax(logits, 1);
  return nx::negate(nx::mean(nx::sum(nx::multiply(onehot, logp), {.axes = {{1}}})));
}

std::vector<nx::Tensor> mlp_params(const nx::BackendPtr& b) {
  return {data({16, 32}, b, 0.5f, 3), data({32}, b, 0.1f, 4), data({32, 10}, b, 0.5f, 5), data({10}, b, 0.1f, 6)};
}

nx::Tensor onehot(const nx::BackendPtr& b, int batch) {
  auto labels = nx::remainder(nx::iota({batch, 1}, {.backend = b}), 10);
  return nx::as_type(nx::equal(labels, nx::iota({1, 10}, {.backend = b})), nx::f32);
}

TEST_P(EmilyCompiler, MlpLossAndValueAndGradMatchEager) {
  auto p = mlp_params(b());
  auto x = data({8, 16}, b(), 2.0f, 9);
  auto y = onehot(b(), 8);
  expect_near(nx::jit(mlp_loss, {.compiler = emily::compiler()})(p, x, y), mlp_loss(p, x, y), 1e-6);

  auto vg = [](const std::vector<nx::Tensor>& p, const nx::Tensor& x, const nx::Tensor& y) {
    return nx::value_and_grad(mlp_loss)(p, x, y);
  };
  Events plan("emily.compiler.plan");
  auto [v, g] = nx::jit(vg, {.compiler = emily::compiler()})(p, x, y);
  auto [v0, g0] = nx::value_and_grad(mlp_loss)(p, x, y);
  ASSERT_EQ(plan.got.size(), 1u);
  EXPECT_EQ(plan.got[0].metadata.at("eager_nodes"), "0");
  expect_near(v, v0, 1e-6);
  ASSERT_EQ(g.size(), g0.size());
  for (std::size_t i = 0; i < g.size(); ++i) expect_near(g[i], g0[i], 1e-5);
}

TEST_P(EmilyCompiler, EagerNodeGivesTheAnswerAndEmitsTelemetry) {
  auto f = [](const nx::Tensor& x) {
    auto r = nx::reduce(nx::multiply(x, 2.0), 0.0, [](const nx::Tensor& e, const nx::Tensor& acc) { return nx::add(e, acc); },
                        {.axes = {{1}}});
    return nx::exp(nx::multiply(nx::add(r, 1.0), 0.1));
  };
  auto x = data({3, 5}, b());
  Events eager("emily.compiler.eager"), fallback("emily.fallback"), plan("emily.compiler.plan");
  auto got = nx::jit(f, {.compiler = emily::compiler()})(x);
  expect_bits(got, nx::jit(f)(x));
  const auto* e = find(eager.got, "op", "reduce");
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->metadata.at("reason").find("C++ function"), std::string::npos);
  EXPECT_NE(find(fallback.got, "op", "reduce"), nullptr);  // the eager node went through Emily's fallback
  ASSERT_EQ(plan.got.size(), 1u);
  EXPECT_EQ(plan.got[0].metadata.at("segments"), "2");  // multiply before the reduce, the rest after
}

// An op the explicit list does not know reads its input on the host: its
// trial trace fails, the safety net runs it eagerly and says why.
TEST_P(EmilyCompiler, SafetyNetMovesNodesWhoseTraceFails) {
  auto host_read = [](const std::vector<nx::Tensor>& in) {
    auto v = nx::to_flat_list<double>(in[0]);  // forces evaluation
    return nx::add(in[0], v.at(0));
  };
  auto compose = [](const std::vector<nx::Tensor>& in) { return nx::add(in[0], 1.0); };
  auto f = [&](const nx::Tensor& x) {
    auto y = nx::multiply(x, 3.0);
    auto z = nx::defn::external("emily.fast.test_host_read", y.spec(), {y}, host_read, compose);
    return nx::subtract(z, x);
  };
  auto x = data({2, 3}, b());
  Events eager("emily.compiler.eager");
  auto got = nx::jit(f, {.compiler = emily::compiler()})(x);
  expect_bits(got, nx::jit(f)(x));
  const auto* e = find(eager.got, "op", "emily.fast.test_host_read");
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->metadata.at("reason").find("trace under mx::compile failed"), std::string::npos);
}

TEST_P(EmilyCompiler, RetracesOnNewSignatureOnly) {
  auto f = [](const nx::Tensor& x) { return nx::sum(nx::exp(x)); };
  auto jf = nx::jit(f, {.compiler = emily::compiler()});
  Events plan("emily.compiler.plan");
  auto x = data({4}, b()), x2 = data({4}, b(), 2.0f), x3 = data({5}, b());
  expect_bits(jf(x), nx::jit(f)(x));
  expect_bits(jf(x2), nx::jit(f)(x2));
  EXPECT_EQ(jf.trace_count(), 1);
  EXPECT_EQ(plan.got.size(), 1u);
  expect_bits(jf(x3), nx::jit(f)(x3));
  EXPECT_EQ(jf.trace_count(), 2);
  EXPECT_EQ(plan.got.size(), 2u);
}

TEST(EmilyCompilerReference, ReferenceBackendInputsUseTheEvaluator) {
  Events plan("emily.compiler.plan");
  auto x = data({3, 4}, nx::binary_backend());
  auto got = nx::jit(chain, {.compiler = emily::compiler()})(x, x);
  EXPECT_EQ(got.backend()->kind(), nx::BackendKind::reference);
  expect_bits(got, chain(x, x));
  EXPECT_TRUE(plan.got.empty());
}

// ---- emily::fast inside traces ----

nx::Tensor ln_composed(const nx::Tensor& x, const nx::Tensor& w, const nx::Tensor& bias) {
  auto m = nx::mean(x, {.axes = {{-1}}, .keep_axes = true});
  auto d = nx::subtract(x, m);
  auto var = nx::mean(nx::multiply(d, d), {.axes = {{-1}}, .keep_axes = true});
  return nx::add(nx::multiply(nx::multiply(d, nx::rsqrt(nx::add(var, 1e-5))), w), bias);
}

nx::Tensor rms_composed(const nx::Tensor& x, const nx::Tensor& w) {
  auto ms = nx::mean(nx::multiply(x, x), {.axes = {{-1}}, .keep_axes = true});
  return nx::multiply(nx::multiply(x, nx::rsqrt(nx::add(ms, 1e-5))), w);
}

nx::Tensor sdpa_composed(const nx::Tensor& q, const nx::Tensor& k, const nx::Tensor& v, double scale) {
  auto s = nx::multiply(nx::dot(q, {3}, {0, 1}, k, {3}, {0, 1}), scale);
  return nx::dot(nx::softmax(s, -1), {3}, {0, 1}, v, {2}, {0, 1});
}

TEST_P(EmilyCompiler, FastOpsAreOneExternalNode) {
  auto x = data({2, 4, 8}, b()), w = data({8}, b(), 1.0f, 3), bias = data({8}, b(), 1.0f, 4);
  auto g = nx::trace([](const nx::Tensor& x, const nx::Tensor& w, const nx::Tensor& bias) {
    return emily::fast::layer_norm(x, w, bias);
  }, x, w, bias);
  int externals = 0;
  for (const auto* n : g.nodes()) externals += n->op == nx::defn::Op::external;
  EXPECT_EQ(externals, 1);
  EXPECT_EQ(nx::defn::node_of(g.outputs[0]).name(), "emily.fast.layer_norm");
}

TEST_P(EmilyCompiler, GradThroughFastOpsEqualsGradThroughComposition) {
  auto x = data({2, 4, 8}, b()), w = data({8}, b(), 1.0f, 3), bias = data({8}, b(), 1.0f, 4);
  auto c = data({2, 4, 8}, b(), 1.0f, 5);
  auto weigh = [c](const nx::Tensor& y) { return nx::sum(nx::multiply(y, c)); };
  auto fast_ln = [&](const std::vector<nx::Tensor>& a) { return weigh(emily::fast::layer_norm(a[0], a[1], a[2])); };
  auto comp_ln = [&](const std::vector<nx::Tensor>& a) { return weigh(ln_composed(a[0], a[1], a[2])); };
  auto fast_rms = [&](const std::vector<nx::Tensor>& a) { return weigh(emily::fast::rms_norm(a[0], a[1])); };
  auto comp_rms = [&](const std::vector<nx::Tensor>& a) { return weigh(rms_composed(a[0], a[1])); };
  for (bool compiled : {false, true}) {
    nx::JitOptions o{compiled ? emily::compiler() : nx::defn::evaluator()};
    auto g1 = nx::jit([&](const std::vector<nx::Tensor>& a) { return nx::grad(fast_ln)(a); }, o)(std::vector<nx::Tensor>{x, w, bias});
    auto g2 = nx::grad(comp_ln)(std::vector<nx::Tensor>{x, w, bias});
    for (std::size_t i = 0; i < 3; ++i) expect_near(g1[i], g2[i], 1e-5);
    auto r1 = nx::jit([&](const std::vector<nx::Tensor>& a) { return nx::grad(fast_rms)(a); }, o)(std::vector<nx::Tensor>{x, w});
    auto r2 = nx::grad(comp_rms)(std::vector<nx::Tensor>{x, w});
    for (std::size_t i = 0; i < 2; ++i) expect_near(r1[i], r2[i], 1e-5);
  }
  auto q = data({1, 2, 6, 8}, b(), 1.0f, 6), k = data({1, 2, 6, 8}, b(), 1.0f, 7), v = data({1, 2, 6, 8}, b(), 1.0f, 8);
  auto c4 = data({1, 2, 6, 8}, b(), 1.0f, 9);
  auto fast_att = [c4](const std::vector<nx::Tensor>& a) {
    return nx::sum(nx::multiply(emily::fast::scaled_dot_product_attention(a[0], a[1], a[2], {.scale = 0.35}), c4));
  };
  auto comp_att = [c4](const std::vector<nx::Tensor>& a) {
    return nx::sum(nx::multiply(sdpa_composed(a[0], a[1], a[2], 0.35), c4));
  };
  auto a1 = nx::jit([&](const std::vector<nx::Tensor>& a) { return nx::grad(fast_att)(a); },
                    {.compiler = emily::compiler()})(std::vector<nx::Tensor>{q, k, v});
  auto a2 = nx::grad(comp_att)(std::vector<nx::Tensor>{q, k, v});
  for (std::size_t i = 0; i < 3; ++i) expect_near(a1[i], a2[i], 1e-5);
}

// rope has no short composition to write here: its gradient (through the
// recorded composition) against central differences in f64.
TEST(EmilyCompilerFast, RopeGradAgainstFiniteDifferences) {
  auto c = test::random_f64({1, 5, 8}, 11);
  test::check_grad([c](const std::vector<nx::Tensor>& a) {
    return nx::sum(nx::multiply(emily::fast::rope(a[0], {.dims = 8, .offset = 2}), c));
  }, {test::random_f64({1, 5, 8}, 12)});
}

TEST_P(EmilyCompiler, CompiledTransformerBlockWithFusedKernels) {
  const int B = 2, L = 8, W = 32, H = 4, D = W / H;
  auto x = data({B, L, W}, b());
  std::vector<nx::Tensor> p{data({W, W}, b(), 0.3f, 1), data({W, W}, b(), 0.3f, 2), data({W, W}, b(), 0.3f, 3),
                            data({W, 4 * W}, b(), 0.3f, 4), data({4 * W, W}, b(), 0.3f, 5),
                            nx::ones({W}, {.backend = b()}), nx::zeros({W}, {.backend = b()})};
  auto block = [&](const nx::Tensor& x, const std::vector<nx::Tensor>& p) {
    auto heads = [&](const nx::Tensor& t) { return nx::transpose(nx::reshape(t, {B, L, H, D}), nx::Axes{0, 2, 1, 3}); };
    auto h = emily::fast::layer_norm(x, p[5], p[6]);
    auto o = emily::fast::scaled_dot_product_attention(heads(nx::dot(h, p[0])), heads(nx::dot(h, p[1])),
                                                       heads(nx::dot(h, p[2])), {.scale = 1 / std::sqrt(8.0), .causal = true});
    auto y = nx::add(x, nx::reshape(nx::transpose(o, nx::Axes{0, 2, 1, 3}), {B, L, W}));
    return nx::add(y, nx::dot(nx::max(nx::dot(emily::fast::rms_norm(y, p[5]), p[3]), 0.0), p[4]));
  };
  Events plan("emily.compiler.plan");
  auto got = nx::jit(block, {.compiler = emily::compiler()})(x, p);
  expect_near(got, block(x, p), 1e-5);
  ASSERT_EQ(plan.got.size(), 1u);
  EXPECT_EQ(plan.got[0].metadata.at("segments"), "1");
  EXPECT_EQ(plan.got[0].metadata.at("eager_nodes"), "0");
}

TEST_P(EmilyCompiler, ExecutableRejectsArgumentsOfAnotherSignature) {
  auto x = data({3}, b());
  auto g = nx::trace([](const nx::Tensor& t) { return nx::exp(t); }, x);
  auto run = emily::compiler()->compile(g, b());
  expect_bits(run({x})[0], nx::exp(x));
  try {
    run({data({4}, b())});
    FAIL() << "expected nx::ArgumentError";
  } catch (const nx::ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("jit"), std::string::npos);
  }
  EXPECT_THROW(run({}), nx::ArgumentError);
}

}  // namespace
