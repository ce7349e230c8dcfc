// Training a small MLP on scikit-learn's handwritten digits with nx::jit'ed
// value_and_grad steps. Shared by `emily digits` and tests/digits_test.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nx/nx.hpp"

namespace digits {

// Pixels scaled to [0, 1], row-major, 64 per sample; labels 0..9.
struct Data {
  std::vector<float> pixels;
  std::vector<int> labels;
  std::int64_t size() const { return static_cast<std::int64_t>(labels.size()); }
};

// Where python3-sklearn ships the data; $EMILY_DIGITS_CSV overrides it.
std::string default_data_path();
// Reads the 1,797 x 65 CSV (64 pixels 0..16, then the label).
Data load(const std::string& path);

struct Split {
  Data train, test;
};
// Shuffles with a seeded host generator (identical on every platform) and
// holds out the last `test_fraction` of the samples.
Split split(const Data& all, double test_fraction, std::uint64_t seed);

// The compiler for the jitted training step on `backend`.
nx::defn::CompilerPtr step_compiler(const nx::BackendPtr& backend);

struct TrainOptions {
  nx::BackendPtr backend;  // where training runs
  int epochs = 20;
  int batch = 32;
  int hidden = 128;
  double learning_rate = 0.05;
  double momentum = 0.9;
  std::uint64_t seed = 42;
  nx::defn::CompilerPtr compiler;  // default: step_compiler(backend)
  // After every step: epoch (1-based), step within the epoch (1-based),
  // steps per epoch, and that step's loss.
  std::function<void(int, int, int, double)> on_step;
  // After every epoch: epoch, mean training loss, held-out accuracy.
  std::function<void(int, double, double)> on_epoch;
  // Data parallelism (tools/digits_dp.cpp): this process trains on share
  // `shard` of `shards` equal parts of every global batch, and `all_mean`
  // averages the gradients and the loss over the processes inside the step.
  int shard = 0, shards = 1;
  std::function<nx::Tensor(const nx::Tensor&)> all_mean;
};

struct TrainResult {
  double first_step_loss = 0;
  std::vector<double> epoch_loss;      // mean loss over the epoch's steps
  std::vector<double> epoch_accuracy;  // held-out accuracy after each epoch
  double accuracy = 0;                 // held-out accuracy at the end
  std::int64_t correct = 0;
  int steps_per_epoch = 0;
  int step_traces = 0;  // signatures traced by the jitted step (1: fixed shapes)
  double seconds = 0;   // training and evaluation, wall clock
  std::vector<nx::Tensor> parameters;  // the final w1, b1, w2, b2
};

TrainResult train(const Split& data, const TrainOptions& opts);

}  // namespace digits
