// `emily digits [--backend emily|binary] [--device cpu|gpu] [--epochs N] [--seed S]
//               [--batch B] [--lr X] [--data FILE] [--out FILE.csv]`
#include "digits.hpp"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>

#include "digits_train.hpp"
#include "emily/backend.hpp"

namespace emily_tool {

namespace {

int usage() {
  std::cerr << "usage: emily digits [--backend emily|binary] [--device cpu|gpu] [--epochs N] [--seed S]\n"
               "                    [--batch B] [--lr X] [--data FILE] [--out FILE.csv]\n";
  return 2;
}

template <class T>
bool parse(const std::string& s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::string fixed(double v, int digits) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(digits) << v;
  return os.str();
}

std::string bar(int done, int total, int width = 30) {
  const int filled = total ? done * width / total : width;
  return "[" + std::string(static_cast<std::size_t>(filled), '#') + std::string(static_cast<std::size_t>(width - filled), '.') + "]";
}

}  // namespace

int digits(int argc, char** argv) {
  std::string backend_name = "emily", device, out = "docs/digits-loss.csv", data = digits::default_data_path();
  digits::TrainOptions opts;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return usage();
    const std::string v = argv[++i];
    bool ok = true;
    if (a == "--backend") backend_name = v;
    else if (a == "--device") device = v;
    else if (a == "--epochs") ok = parse(v, opts.epochs) && opts.epochs > 0;
    else if (a == "--seed") ok = parse(v, opts.seed);
    else if (a == "--batch") ok = parse(v, opts.batch) && opts.batch > 0;
    else if (a == "--lr") ok = parse(v, opts.learning_rate) && opts.learning_rate > 0;
    else if (a == "--data") data = v;
    else if (a == "--out") out = v;
    else ok = false;
    if (!ok) return usage();
  }
  if (backend_name == "emily") {
    if (!device.empty() && device != "cpu" && device != "gpu") return usage();
    emily::BackendOptions bo;
    if (!device.empty()) bo.device = device == "gpu" ? emily::Device::gpu : emily::Device::cpu;
    opts.backend = emily::backend(bo);
  } else if (backend_name == "binary") {
    if (!device.empty() && device != "cpu") {
      std::cerr << "emily digits: the binary backend runs on the cpu only\n";
      return 2;
    }
    opts.backend = nx::binary_backend();
  } else {
    return usage();
  }

  const auto start = std::chrono::steady_clock::now();
  const digits::Data all = digits::load(data);
  const digits::Split split = digits::split(all, 0.2, opts.seed);
  const int steps = static_cast<int>(split.train.size() / opts.batch);
  opts.compiler = digits::step_compiler(opts.backend);
  std::cout << "digits: " << all.size() << " samples from " << data << "\n"
            << "  split (seed " << opts.seed << "): " << split.train.size() << " train, " << split.test.size()
            << " held out\n"
            << "  model: 64-" << opts.hidden << "-10 MLP (tanh), softmax cross-entropy, SGD lr " << opts.learning_rate
            << " momentum " << opts.momentum << ", batch " << opts.batch << " (" << steps << " steps/epoch, "
            << split.train.size() % opts.batch << " left over per epoch)\n"
            << "  backend: " << opts.backend->name() << " (" << opts.backend->device_name() << "), jit compiler: "
            << opts.compiler->name() << "\n";

  // In a terminal the bar fills in place; in a log only each epoch's final line appears.
  const bool tty = isatty(fileno(stdout));
  const int width = static_cast<int>(std::to_string(opts.epochs).size());
  auto prefix = [&](int epoch) {
    std::ostringstream os;
    os << "epoch " << std::setw(width) << epoch << "/" << opts.epochs << " ";
    return os.str();
  };
  double running = 0;
  opts.on_step = [&](int epoch, int k, int total, double loss) {
    running = k == 1 ? loss : running + loss;
    if (tty) std::cout << "\r" << prefix(epoch) << bar(k, total) << " loss " << fixed(running / k, 4) << std::flush;
  };
  opts.on_epoch = [&](int epoch, double loss, double acc) {
    std::cout << (tty ? "\r" : "") << prefix(epoch) << bar(1, 1) << " loss " << fixed(loss, 4) << "  held-out acc "
              << fixed(100 * acc, 2) << "%\n";
  };
  const digits::TrainResult r = digits::train(split, opts);
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::cout << "held-out accuracy: " << fixed(100 * r.accuracy, 2) << "% (" << r.correct << "/" << split.test.size()
            << ")\n"
            << "first step loss: " << fixed(r.first_step_loss, 6) << "\n"
            << "jit: the step was traced " << r.step_traces << " time(s) for " << r.steps_per_epoch * opts.epochs
            << " steps\n"
            << "time: " << fixed(total, 2) << " s total, " << fixed(r.seconds, 2) << " s training ("
            << fixed(1000 * r.seconds / (r.steps_per_epoch * opts.epochs), 2) << " ms/step)\n";

  if (!out.empty()) {
    const std::filesystem::path p(out);
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
    std::ofstream f(p);
    f << "epoch,train_loss,test_accuracy\n";
    for (std::size_t e = 0; e < r.epoch_loss.size(); ++e)
      f << e + 1 << "," << fixed(r.epoch_loss[e], 6) << "," << fixed(r.epoch_accuracy[e], 6) << "\n";
    if (!f) {
      std::cerr << "emily digits: cannot write " << out << "\n";
      return 1;
    }
    std::cout << "loss per epoch: " << out << "\n";
  }
  return 0;
}

}  // namespace emily_tool
