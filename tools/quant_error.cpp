// `emily quant-error`: round-trip error of every quantization MLX offers on a
// seeded random normal matrix, and quantized_dot against the f32 dot.
// Prints a table and writes the raw numbers as JSON (docs/quantization.md
// copies its table from that file).
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <random>
#include <sstream>
#include <string>

#include "emily/emily.hpp"

namespace emily_tool {

namespace {

std::string load_average() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

double scalar(const nx::Tensor& t) { return nx::to_flat_list<double>(t).at(0); }

// Median wall time (ms) of `reps` evaluated runs after one warm-up.
template <class F>
double median_ms(int reps, F&& f) {
  emily::eval(f());
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    emily::eval(f());
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

std::string num(double v, int precision = 6) {
  std::ostringstream s;
  s << std::setprecision(precision) << v;
  return s.str();
}

}  // namespace

int quant_error(int argc, char** argv) {
  std::int64_t n = 4096, m = 1;
  int reps = 5;
  std::string json = "docs/quantization-error.json";
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--size" && i + 1 < argc) n = std::stoll(argv[++i]);
    else if (a == "--rows" && i + 1 < argc) m = std::stoll(argv[++i]);
    else if (a == "--reps" && i + 1 < argc) reps = std::stoi(argv[++i]);
    else if (a == "--json" && i + 1 < argc) json = argv[++i];
    else {
      std::cerr << "usage: emily quant-error [--size N] [--rows M] [--reps R] [--json PATH]\n";
      return 2;
    }
  }
  auto b = emily::backend({.device = emily::Device::cpu});
  const std::string load_start = load_average();
  const unsigned seed = 0;
  auto host_normal = [](std::int64_t count, unsigned s) {
    std::mt19937 gen(s);
    std::normal_distribution<float> dist(0.0f, 1.0f);
    std::vector<float> v(static_cast<std::size_t>(count));
    for (float& x : v) x = dist(gen);
    return v;
  };
  nx::TensorOptions on_emily;
  on_emily.backend = b;
  auto w = nx::reshape(nx::tensor(host_normal(n * n, seed), on_emily), {n, n});
  auto x = nx::reshape(nx::tensor(host_normal(m * n, seed + 1), on_emily), {m, n});
  emily::eval({w, x});
  auto row_norm = nx::sqrt(nx::sum(nx::multiply(w, w), {.axes = {{1}}}));
  const double w_norm = std::sqrt(scalar(nx::sum(nx::multiply(w, w))));
  const double dense_ms = median_ms(reps, [&] { return nx::dot(x, {1}, w, {1}); });

  std::cout << "emily quant-error: " << n << "x" << n << " N(0,1) f32 (seed " << seed << "), MLX "
            << emily::mlx_version() << " cpu; quantized_dot timed with x [" << m << ", " << n << "], median of "
            << reps << "\n";
  std::cout << "mode    bits group  bits/weight  rel.err(matrix)  row rel.err mean  row rel.err max  "
               "max|err|   qdot ms  (f32 dot " << num(dense_ms, 4) << " ms)\n";
  std::ostringstream rows;
  bool first = true;
  for (const auto& o : emily::supported_quantizations()) {
    auto t0 = std::chrono::steady_clock::now();
    auto q = emily::quantize(w, o);
    emily::eval({q.weights, q.scales});
    const double quant_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    auto diff = nx::subtract(emily::dequantize(q), w);
    auto sq = nx::multiply(diff, diff);
    const double rel = std::sqrt(scalar(nx::sum(sq))) / w_norm;
    auto row_rel = nx::divide(nx::sqrt(nx::sum(sq, {.axes = {{1}}})), row_norm);
    const double row_mean = scalar(nx::mean(row_rel)), row_max = scalar(nx::reduce_max(row_rel));
    const double max_abs = scalar(nx::reduce_max(nx::abs(diff)));
    std::int64_t bytes = q.weights.size() * 4 + q.scales.size() * nx::element_bytes(q.scales.type());
    if (q.biases.defined()) bytes += q.biases.size() * nx::element_bytes(q.biases.type());
    const double bpw = 8.0 * static_cast<double>(bytes) / static_cast<double>(n * n);
    const double qdot_ms = median_ms(reps, [&] { return emily::quantized_dot(x, q); });
    std::cout << std::left << std::setw(8) << emily::to_string(o.mode) << std::setw(5) << o.bits << std::setw(7)
              << o.group_size << std::setw(13) << num(bpw, 4) << std::setw(17) << num(rel, 4) << std::setw(18)
              << num(row_mean, 4) << std::setw(17) << num(row_max, 4) << std::setw(11) << num(max_abs, 4)
              << num(qdot_ms, 4) << std::right << "\n";
    rows << (first ? "" : ",\n") << "    {\"mode\": \"" << emily::to_string(o.mode) << "\", \"bits\": " << o.bits
         << ", \"group_size\": " << o.group_size << ", \"bits_per_weight\": " << num(bpw, 8)
         << ", \"rel_frobenius_error\": " << num(rel, 8) << ", \"row_rel_frobenius_error_mean\": " << num(row_mean, 8)
         << ", \"row_rel_frobenius_error_max\": " << num(row_max, 8) << ", \"max_abs_error\": " << num(max_abs, 8)
         << ", \"quantize_ms\": " << num(quant_ms, 6) << ", \"quantized_dot_ms\": " << num(qdot_ms, 6) << "}";
    first = false;
  }
  const std::string load_end = load_average();
  std::cout << "load average (1/5/15 min) at start: " << load_start << ", at end: " << load_end << "\n";
  std::ofstream out(json);
  if (!out) {
    std::cerr << "emily quant-error: cannot write " << json << "\n";
    return 1;
  }
  out << "{\n  \"matrix\": {\"shape\": [" << n << ", " << n << "], \"type\": \"f32\", \"distribution\": \"normal(0, 1)\", "
      << "\"generator\": \"std::mt19937 + std::normal_distribution<float>\", \"seed\": " << seed << "},\n"
      << "  \"mlx_version\": \"" << emily::mlx_version() << "\",\n  \"device\": \"cpu\",\n"
      << "  \"timing\": {\"x_shape\": [" << m << ", " << n << "], \"reps\": " << reps
      << ", \"statistic\": \"median ms, evaluated, after one warm-up\", \"f32_dot_ms\": " << num(dense_ms, 6)
      << ", \"load_average_start\": \"" << load_start << "\", \"load_average_end\": \"" << load_end << "\"},\n"
      << "  \"results\": [\n" << rows.str() << "\n  ]\n}\n";
  std::cout << "wrote " << json << "\n";
  return 0;
}

}  // namespace emily_tool
