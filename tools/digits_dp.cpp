// `emily digits-dp [--epochs N] [--batch B] [--seed S] [--check] [--json FILE]`:
// the digits MLP trained data-parallel across the processes of
// emily::distributed::init() (start them with `emily launch -n N -- emily digits-dp`).
// Every rank takes an equal share of each global batch and the gradients are
// averaged with all_mean inside the jitted step. --check also trains in this
// process alone on the same global batches and compares the final weights.
#include <charconv>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>

#include "digits_train.hpp"
#include "emily/backend.hpp"
#include "emily/distributed.hpp"
#include "launch.hpp"

namespace emily_tool {

namespace {

int dp_usage() {
  std::cerr << "usage: emily digits-dp [--epochs N] [--batch B] [--seed S] [--check] [--json FILE]\n"
               "       (under `emily launch -n N -- emily digits-dp ...`; B must be a multiple of N)\n";
  return 2;
}

double max_abs_diff(const std::vector<nx::Tensor>& a, const std::vector<nx::Tensor>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto x = nx::to_flat_list<float>(a[i]), y = nx::to_flat_list<float>(b[i]);
    for (std::size_t k = 0; k < x.size(); ++k) m = std::max(m, std::abs(static_cast<double>(x[k]) - y[k]));
  }
  return m;
}

}  // namespace


int digits_dp(int argc, char** argv) {
  digits::TrainOptions opts;
  opts.epochs = 10;
  bool check = false;
  std::string json;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--check") {
      check = true;
      continue;
    }
    if (i + 1 >= argc) return dp_usage();
    const std::string v = argv[++i];
    auto num = [&](auto& out) {
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
      return ec == std::errc() && end == v.data() + v.size();
    };
    bool ok = true;
    if (a == "--epochs") ok = num(opts.epochs) && opts.epochs > 0;
    else if (a == "--batch") ok = num(opts.batch) && opts.batch > 0;
    else if (a == "--seed") ok = num(opts.seed);
    else if (a == "--json") json = v;
    else ok = false;
    if (!ok) return dp_usage();
  }
  auto group = emily::distributed::init();
  const std::string load_start = loadavg();
  const int rank = group.rank(), size = group.size();
  if (opts.batch % size != 0) {
    std::cerr << "emily digits-dp: the batch (" << opts.batch << ") must be a multiple of the processes (" << size
              << ")\n";
    return 2;
  }
  opts.backend = emily::backend({.device = emily::Device::cpu});
  const digits::Split split = digits::split(digits::load(digits::default_data_path()), 0.2, opts.seed);
  digits::TrainOptions single = opts;
  opts.shard = rank;
  opts.shards = size;
  if (size > 1) opts.all_mean = [group](const nx::Tensor& t) { return emily::distributed::all_mean(t, group); };

  // Step times after the first epoch (the first traces and compiles the step).
  using Clock = std::chrono::steady_clock;
  auto last = Clock::now();
  std::vector<double> step_ms;
  opts.on_step = [&](int epoch, int, int, double) {
    auto now = Clock::now();
    if (epoch > 1) step_ms.push_back(std::chrono::duration<double, std::milli>(now - last).count());
    last = now;
  };
  opts.on_epoch = [&](int epoch, double loss, double acc) {
    if (rank == 0)  // std::endl flushes: under the launcher stdout is a pipe
      std::cout << "epoch " << epoch << "/" << opts.epochs << " loss " << std::fixed << std::setprecision(4) << loss
                << "  held-out acc " << std::setprecision(2) << 100 * acc << "%" << std::endl;
    last = Clock::now();
  };
  std::cout << "rank " << rank << " of " << size << " (" << group.backend() << "): " << opts.batch / size
            << " of every " << opts.batch << " samples" << std::endl;
  const auto r = digits::train(split, opts);
  double mean_ms = 0;
  for (double t : step_ms) mean_ms += t / static_cast<double>(step_ms.size());
  std::cout << "rank " << rank << ": held-out accuracy " << std::fixed << std::setprecision(2) << 100 * r.accuracy
            << "% (" << r.correct << "/" << split.test.size() << "), final loss " << std::setprecision(6)
            << r.epoch_loss.back() << ", " << std::setprecision(3) << mean_ms << " ms/step\n";

  int status = 0;
  double diff = -1;
  double single_accuracy = -1;
  if (check && rank == 0) {
    const auto s = digits::train(split, single);
    diff = max_abs_diff(r.parameters, s.parameters);
    single_accuracy = s.accuracy;
    const bool same = diff <= 1e-4 && s.correct == r.correct;
    std::cout << "check: single process on the same global batches: accuracy " << std::setprecision(2)
              << 100 * s.accuracy << "%, max |w_dp - w_single| = " << std::scientific << std::setprecision(3) << diff
              << (same ? " (equal within f32 tolerance)" : " (MISMATCH)") << "\n";
    status = same ? 0 : 1;
  }
  if (!json.empty() && rank == 0) {
    std::ofstream f(json);
    f << std::setprecision(9) << "{\"processes\": " << size << ", \"epochs\": " << opts.epochs
      << ", \"global_batch\": " << opts.batch << ", \"steps_timed\": " << step_ms.size()
      << ", \"ms_per_step\": " << mean_ms << ", \"accuracy\": " << r.accuracy
      << ", \"final_loss\": " << r.epoch_loss.back() << ", \"loadavg_1min_start\": " << load_start
      << ", \"loadavg_1min_end\": " << loadavg();
    if (check) f << ", \"single_accuracy\": " << single_accuracy << ", \"max_abs_weight_diff\": " << diff;
    f << "}\n";
  }
  return status;
}

}  // namespace emily_tool
