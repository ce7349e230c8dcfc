// The digits MLP: 64 -> hidden (tanh) -> 10, softmax cross-entropy, SGD with
// momentum. One nx::jit call per mini-batch does forward, backward and update.
#include "digits_train.hpp"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <span>

#include "emily/emily.hpp"  // emily::eval, emily::compiler()
#include "nx/io.hpp"

namespace digits {

namespace {

constexpr std::int64_t kPixels = 64, kClasses = 10;
constexpr int kParams = 4;  // w1, b1, w2, b2

// splitmix64: a tiny generator whose output is fixed by the seed on every
// platform, unlike std::shuffle over std::mt19937 (the shuffle is
// implementation-defined).
struct Rng {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Fisher-Yates; the modulo bias is below 2^-50 for these sizes.
  void shuffle(std::vector<std::int64_t>& v) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[next() % i]);
  }
};

std::vector<std::int64_t> permutation(std::int64_t n, std::uint64_t seed) {
  std::vector<std::int64_t> p(static_cast<std::size_t>(n));
  std::iota(p.begin(), p.end(), 0);
  Rng{seed}.shuffle(p);
  return p;
}

Data take_rows(const Data& d, std::span<const std::int64_t> rows) {
  Data out;
  out.pixels.reserve(rows.size() * kPixels);
  for (std::int64_t r : rows) {
    auto first = d.pixels.begin() + r * kPixels;
    out.pixels.insert(out.pixels.end(), first, first + kPixels);
    out.labels.push_back(d.labels[static_cast<std::size_t>(r)]);
  }
  return out;
}

// Rows `rows` of `d` as device tensors: pixels {n, 64} and one-hot labels
// {n, 10}. One-hot targets keep take/gather, whose gradient rules are still
// placeholders, out of the differentiated graph.
std::pair<nx::Tensor, nx::Tensor> batch(const Data& d, std::span<const std::int64_t> rows,
                                        const nx::BackendPtr& backend) {
  const auto n = static_cast<std::int64_t>(rows.size());
  std::vector<float> x, y(static_cast<std::size_t>(n * kClasses), 0.0f);
  x.reserve(static_cast<std::size_t>(n * kPixels));
  for (std::int64_t i = 0; i < n; ++i) {
    auto first = d.pixels.begin() + rows[static_cast<std::size_t>(i)] * kPixels;
    x.insert(x.end(), first, first + kPixels);
    y[static_cast<std::size_t>(i * kClasses + d.labels[static_cast<std::size_t>(rows[i])])] = 1.0f;
  }
  auto bytes = [](const std::vector<float>& v) {
    return std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(v.data()), v.size() * sizeof(float));
  };
  return {nx::from_binary(bytes(x), nx::f32, {n, kPixels}, {.backend = backend}),
          nx::from_binary(bytes(y), nx::f32, {n, kClasses}, {.backend = backend})};
}

nx::Tensor logits(const std::vector<nx::Tensor>& p, const nx::Tensor& x) {
  nx::Tensor h = nx::tanh(nx::add(nx::dot(x, p[0]), p[1]));
  return nx::add(nx::dot(h, p[2]), p[3]);
}

// Mean softmax cross-entropy against one-hot targets.
nx::Tensor loss(const std::vector<nx::Tensor>& p, const nx::Tensor& x, const nx::Tensor& y) {
  nx::Tensor log_p = nx::log_softmax(logits(p, x), 1);
  return nx::negate(nx::mean(nx::sum(nx::multiply(y, log_p), {.axes = nx::Axes{1}})));
}

// Glorot-uniform weights and zero biases, drawn on the reference backend and
// copied, so that every backend starts from bit-identical parameters.
std::vector<nx::Tensor> init(int hidden, std::uint64_t seed, const nx::BackendPtr& backend) {
  auto ref = nx::binary_backend();
  auto keys = nx::random::split(nx::random::key(seed, ref));
  auto glorot = [&](const nx::Tensor& key, std::int64_t in, std::int64_t out) {
    const double a = std::sqrt(6.0 / static_cast<double>(in + out));
    return nx::random::uniform(key, -a, a, {.shape = {in, out}}).value;
  };
  const std::int64_t h = hidden;
  auto key = [&](std::int64_t i) { return nx::reshape(nx::slice(keys, {i, 0}, {1, 2}), {2}); };
  std::vector<nx::Tensor> p{glorot(key(0), kPixels, h),
                            nx::zeros({h}, {.type = nx::f32, .backend = ref}),
                            glorot(key(1), h, kClasses),
                            nx::zeros({kClasses}, {.type = nx::f32, .backend = ref})};
  for (auto& t : p) t = nx::backend_copy(t, backend);
  return p;
}

}  // namespace

std::string default_data_path() {
  if (const char* env = std::getenv("EMILY_DIGITS_CSV"); env && *env) return env;
  return "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";
}

Data load(const std::string& path) {
  nx::Tensor t = nx::load_csv(path, {.type = nx::f32, .backend = nx::binary_backend()});
  if (t.dim(1) != kPixels + 1)
    nx::raise("digits", path + ": expected 65 columns (64 pixels and the label), got " + std::to_string(t.dim(1)));
  const std::int64_t n = t.dim(0);
  Data d;
  d.pixels = nx::to_flat_list<float>(nx::divide(nx::slice(t, {0, 0}, {n, kPixels}), 16.0));
  d.labels = nx::to_flat_list<int>(nx::as_type(nx::slice(t, {0, kPixels}, {n, 1}), nx::s32));
  for (int l : d.labels)
    if (l < 0 || l >= kClasses) nx::raise("digits", path + ": label out of range 0..9: " + std::to_string(l));
  for (float v : d.pixels)
    if (!(v >= 0.0f && v <= 1.0f)) nx::raise("digits", path + ": pixel value outside 0..16");
  return d;
}

Split split(const Data& all, double test_fraction, std::uint64_t seed) {
  if (!(test_fraction > 0 && test_fraction < 1)) nx::raise("digits", "test_fraction must be in (0, 1)");
  auto p = permutation(all.size(), seed);
  const auto n_test = static_cast<std::size_t>(static_cast<double>(all.size()) * test_fraction + 0.5);
  const std::size_t n_train = p.size() - n_test;
  return {take_rows(all, std::span(p).first(n_train)), take_rows(all, std::span(p).subspan(n_train))};
}

// The reference backend always keeps the evaluator: it is the oracle the
// Emily run is compared with (tests/digits_test.cpp).
nx::defn::CompilerPtr step_compiler(const nx::BackendPtr& backend) {
  // Emily lowers the step onto MLX's graph compiler; the reference backend,
  // the oracle of the tests, keeps the node-by-node evaluator.
  if (backend && backend->kind() == nx::BackendKind::emily) return emily::compiler();
  return nx::defn::evaluator();
}

TrainResult train(const Split& data, const TrainOptions& opts) {
  if (!opts.backend) nx::raise("digits", "TrainOptions.backend is required");
  if (opts.epochs < 1 || opts.batch < 1 || opts.hidden < 1) nx::raise("digits", "epochs, batch and hidden must be positive");
  const std::int64_t n_train = data.train.size();
  const int steps = static_cast<int>(n_train / opts.batch);
  if (steps < 1) nx::raise("digits", "fewer training samples than one batch");
  if (opts.shards < 1 || opts.shard < 0 || opts.shard >= opts.shards || opts.batch % opts.shards != 0)
    nx::raise("digits", "the batch must split into `shards` equal shares and 0 <= shard < shards");
  const int local = opts.batch / opts.shards;
  const auto start = std::chrono::steady_clock::now();

  // The state is {w1, b1, w2, b2, and their momenta}; a flat vector so that
  // the jitted step maps it to a flat vector of the same signature.
  std::vector<nx::Tensor> state = init(opts.hidden, opts.seed, opts.backend);
  for (int i = 0; i < kParams; ++i)
    state.push_back(nx::zeros(state[static_cast<std::size_t>(i)].shape(), {.type = nx::f32, .backend = opts.backend}));

  const double lr = opts.learning_rate, mu = opts.momentum;
  auto step = [lr, mu, mean = opts.all_mean](const std::vector<nx::Tensor>& s, const nx::Tensor& x,
                                             const nx::Tensor& y) {
    std::vector<nx::Tensor> params(s.begin(), s.begin() + kParams);
    auto [value, grads] = nx::value_and_grad(loss)(params, x, y);
    if (mean) {
      value = mean(value);
      for (auto& g : grads) g = mean(g);
    }
    std::vector<nx::Tensor> next(s.size());
    for (std::size_t i = 0; i < kParams; ++i) {
      next[kParams + i] = nx::add(nx::multiply(s[kParams + i], mu), grads[i]);
      next[i] = nx::subtract(s[i], nx::multiply(next[kParams + i], lr));
    }
    return std::make_pair(value, next);
  };
  auto compiler = opts.compiler ? opts.compiler : step_compiler(opts.backend);
  auto jitted_step = nx::jit(step, {.compiler = compiler});
  auto predict = nx::jit(
      [](const std::vector<nx::Tensor>& s, const nx::Tensor& x) {
        std::vector<nx::Tensor> params(s.begin(), s.begin() + kParams);
        return nx::argmax(logits(params, x), {.axis = 1});
      },
      {.compiler = compiler});

  std::vector<std::int64_t> all_test(static_cast<std::size_t>(data.test.size()));
  std::iota(all_test.begin(), all_test.end(), 0);
  const nx::Tensor x_test = batch(data.test, all_test, opts.backend).first;
  auto evaluate = [&](TrainResult& r) {
    auto predicted = nx::to_flat_list<int>(predict(state, x_test));
    r.correct = 0;
    for (std::size_t i = 0; i < predicted.size(); ++i) r.correct += predicted[i] == data.test.labels[i];
    r.accuracy = data.test.size() ? static_cast<double>(r.correct) / static_cast<double>(data.test.size()) : 0;
  };

  TrainResult r;
  r.steps_per_epoch = steps;
  for (int epoch = 1; epoch <= opts.epochs; ++epoch) {
    // A fresh order every epoch; the n_train % batch samples left over are
    // dropped (different ones each epoch) so every batch has the same shape.
    auto order = permutation(n_train, opts.seed * 1000003u + static_cast<std::uint64_t>(epoch));
    double total = 0;
    for (int k = 0; k < steps; ++k) {
      const auto first = static_cast<std::size_t>(k * opts.batch + opts.shard * local);
      auto [x, y] = batch(data.train, std::span(order).subspan(first, local), opts.backend);
      auto [value, next] = jitted_step(state, x, y);
      state = std::move(next);
      // Emily is lazy: evaluate the step's outputs together so the graph
      // does not grow across steps (a no-op on other backends).
      std::vector<nx::Tensor> outs = state;
      outs.push_back(value);
      emily::eval(outs);
      const double v = nx::to_number<double>(value);
      if (epoch == 1 && k == 0) r.first_step_loss = v;
      total += v;
      if (opts.on_step) opts.on_step(epoch, k + 1, steps, v);
    }
    r.epoch_loss.push_back(total / steps);
    evaluate(r);
    r.epoch_accuracy.push_back(r.accuracy);
    if (opts.on_epoch) opts.on_epoch(epoch, r.epoch_loss.back(), r.accuracy);
  }
  r.step_traces = jitted_step.trace_count();
  r.parameters.assign(state.begin(), state.begin() + kParams);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace digits
