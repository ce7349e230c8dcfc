// The `emily` command: example, doctor, coverage, digits.
// The `emily` command: example, doctor, coverage, generate, quant-error.
#include <cstring>
#include <iostream>
#include <string>

#include "coverage.hpp"
#include "digits.hpp"
#include "emily/emily.hpp"
#include "launch.hpp"

namespace emily_tool {
int generate(int argc, char** argv);     // tools/generate.cpp
int quant_error(int argc, char** argv);  // quant_error.cpp
}

namespace {

int usage() {
  std::cerr << "usage: emily example\n"
               "       emily doctor\n"
               "       emily coverage [--backend binary|emily] [--device cpu|gpu] [--type T]\n"
               "       emily digits [--backend emily|binary] [--device cpu|gpu] [--epochs N] [--seed S] [--out FILE.csv]\n"
               "       emily quant-error [--size N] [--rows M] [--reps R] [--json PATH]\n"
               "       emily launch -n N [--hostfile F] -- PROGRAM ARGS...\n"
               "       emily digits-dp [--epochs N] [--batch B] [--check] [--json FILE]   (under emily launch)\n"
               "       emily allsum-bench [--min BYTES] [--max BYTES] [--json FILE]       (under emily launch)\n"
               "       emily generate --model DIR --prompt-ids 1,2,3 [--max-tokens N] [--bits 4|8] ...\n";
  return 2;
}

std::string flat_list(const std::vector<float>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + nx::format_float(v[i], nx::f32);
  return s + "]";
}

int example() {
  nx::global_default_backend(emily::backend());
  auto t = nx::tensor({{1.0, 2.0}, {3.0, 4.0}});
  auto s = nx::sum(t);
  std::cout << "nx::to_flat_list(nx::sum(nx::tensor({{1.0, 2.0}, {3.0, 4.0}})))  =>  "
            << flat_list(nx::to_flat_list<float>(s)) << "\n"
            << s << "\n";
  return 0;
}

// Smoke test: a handful of ops on the Emily backend compared with the
// reference backend; any fallback is a failure here.
int doctor() {
  std::cout << "emily doctor\n";
  std::cout << "  MLX version:    " << emily::mlx_version() << "\n";
  std::cout << "  devices:       ";
  for (const auto& d : emily::devices()) std::cout << " [" << d << "]";
  std::cout << "\n  default device: " << emily::to_string(emily::default_device()) << "\n";
  int fallbacks = 0;
  std::string fallback_ops;
  auto id = emily::telemetry::attach("emily.fallback", [&](const emily::telemetry::Event& e) {
    if (e.phase == emily::telemetry::Phase::start) {
      ++fallbacks;
      fallback_ops += " " + e.metadata.at("op");
    }
  });
  int failures = 0;
  auto check = [&](const std::string& name, const nx::Tensor& got, const nx::Tensor& want) {
    auto g = nx::to_flat_list<double>(got), w = nx::to_flat_list<double>(want);
    bool ok = g.size() == w.size() && got.type() == want.type() && got.shape() == want.shape();
    for (std::size_t i = 0; ok && i < g.size(); ++i) ok = std::abs(g[i] - w[i]) <= 1e-4 * (1 + std::abs(w[i]));
    std::cout << "  smoke " << name << ": " << (ok ? "ok" : "MISMATCH") << "\n";
    failures += ok ? 0 : 1;
  };
  for (emily::Device dev : {emily::Device::cpu, emily::Device::gpu}) {
    if (dev == emily::Device::gpu && !emily::gpu_available()) {
      std::cout << "  smoke on gpu: skipped (MLX sees no GPU)\n";
      continue;
    }
    std::cout << "  smoke on " << emily::to_string(dev) << ":\n";
    auto e = emily::backend({.device = dev});
    auto ref = nx::binary_backend();
    auto make = [&](const nx::BackendPtr& b) {
      auto a = nx::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, {.backend = b});
      auto i = nx::iota({3, 2}, {.type = nx::f32, .backend = b});
      return std::vector<nx::Tensor>{nx::add(a, 1.5), nx::multiply(a, a), nx::sum(a, {.axes = {{1}}}),
                                     nx::dot(a, i), nx::exp(a), nx::argmax(a, {.axis = 1}),
                                     nx::as_type(nx::divide(a, 2), nx::s32)};
    };
    auto got = make(e), want = make(ref);
    const char* names[] = {"add", "multiply", "sum", "dot", "exp", "argmax", "divide+as_type"};
    for (std::size_t k = 0; k < got.size(); ++k) check(names[k], got[k], want[k]);
  }
  emily::telemetry::detach(id);
  if (fallbacks) {
    std::cout << "  FAILED: " << fallbacks << " op(s) fell back to the reference backend:" << fallback_ops << "\n";
    return 1;
  }
  if (failures) {
    std::cout << "  FAILED: " << failures << " smoke result(s) differ from the reference backend\n";
    return 1;
  }
  std::cout << "  doctor: all checks passed (no fallbacks)\n";
  return 0;
}

int coverage(int argc, char** argv) {
  std::string backend = "binary", device = "cpu";
  std::optional<nx::Type> type;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--backend" && i + 1 < argc) backend = argv[++i];
    else if (a == "--device" && i + 1 < argc) device = argv[++i];
    else if (a == "--type" && i + 1 < argc) type = nx::parse_type(argv[++i]);
    else return usage();
  }
  nx::BackendPtr b;
  if (backend == "binary") {
    if (device != "cpu") {
      std::cerr << "emily coverage: the binary backend runs on the cpu only\n";
      return 2;
    }
    b = nx::binary_backend();
  } else if (backend == "emily") {
    if (device != "cpu" && device != "gpu") return usage();
    b = emily::backend({.device = device == "gpu" ? emily::Device::gpu : emily::Device::cpu});
  } else {
    return usage();
  }
  emily_tool::run_coverage(b, backend, device, type, std::cout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  std::string cmd = argv[1];
  try {
    if (cmd == "example") return example();
    if (cmd == "doctor") return doctor();
    if (cmd == "coverage") return coverage(argc, argv);
    if (cmd == "digits") return emily_tool::digits(argc, argv);
    if (cmd == "generate") return emily_tool::generate(argc, argv);
    if (cmd == "quant-error") return emily_tool::quant_error(argc, argv);
    if (cmd == "launch") return emily_tool::launch(argc, argv);
    if (cmd == "digits-dp") return emily_tool::digits_dp(argc, argv);
    if (cmd == "allsum-bench") return emily_tool::allsum_bench(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "emily " << cmd << ": " << e.what() << "\n";
    return 1;
  }
  return usage();
}
