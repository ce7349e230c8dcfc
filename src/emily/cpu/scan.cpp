// The cumulative primitive of reduce.hpp (EmilyCpuScan): the input seen as
// [outer, len, inner] and scanned along len, rows (inner == 1) or blocks of
// columns split across the thread pool. The running value is an f64, so
// f32 sums and products round once per output, as a fold does.
#include <algorithm>
#include <cmath>
#include <memory>

#include "items.hpp"
#include "reduce.hpp"

namespace emily::cpu {

namespace {

// Columns per item, and elements per thread below which splitting does
// not pay.
constexpr std::size_t kBlock = 256;
constexpr std::size_t kGrain = 1 << 15;

// Fold steps a = a op x (a: earlier); max and min are NaN from the first NaN on.
struct Sum { static double f(double a, double x) { return a + x; } };
struct Product { static double f(double a, double x) { return a * x; } };
struct Max { static double f(double a, double x) { return (a > x || std::isnan(a)) ? a : x; } };
struct Min { static double f(double a, double x) { return (a < x || std::isnan(a)) ? a : x; } };

// Scans `rows` rows of `cols` columns (row pitch `pitch`), in row order or
// from the last row. Four rows' chains interleave where rows are single
// columns (inner == 1 scans each row of x on its own instead: see below).
template <class Op, class T>
void scan_block(const T* x, T* out, std::size_t rows, std::size_t pitch, std::size_t cols, bool reverse) {
  double acc[kBlock];
  for (std::size_t c = 0; c < cols; ++c) acc[c] = static_cast<double>(x[(reverse ? rows - 1 : 0) * pitch + c]);
  for (std::size_t c = 0; c < cols; ++c) out[(reverse ? rows - 1 : 0) * pitch + c] = static_cast<T>(acc[c]);
  for (std::size_t k = 1; k < rows; ++k) {
    const std::size_t r = reverse ? rows - 1 - k : k;
    for (std::size_t c = 0; c < cols; ++c) out[r * pitch + c] = static_cast<T>(acc[c] = Op::f(acc[c], static_cast<double>(x[r * pitch + c])));
  }
}

// One row of n elements; four independent rows at a time hide the latency
// of each running value's chain.
template <class Op, class T>
void scan_rows(const T* x, T* out, std::size_t rows, std::size_t n, bool reverse) {
  std::size_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const T* p = x + r * n;
    T* q = out + r * n;
    const std::size_t first = reverse ? n - 1 : 0;
    double a0 = p[first], a1 = p[n + first], a2 = p[2 * n + first], a3 = p[3 * n + first];
    q[first] = static_cast<T>(a0), q[n + first] = static_cast<T>(a1);
    q[2 * n + first] = static_cast<T>(a2), q[3 * n + first] = static_cast<T>(a3);
    for (std::size_t k = 1; k < n; ++k) {
      const std::size_t i = reverse ? n - 1 - k : k;
      q[i] = static_cast<T>(a0 = Op::f(a0, p[i]));
      q[n + i] = static_cast<T>(a1 = Op::f(a1, p[n + i]));
      q[2 * n + i] = static_cast<T>(a2 = Op::f(a2, p[2 * n + i]));
      q[3 * n + i] = static_cast<T>(a3 = Op::f(a3, p[3 * n + i]));
    }
  }
  for (; r < rows; ++r) scan_block<Op>(x + r * n, out + r * n, n, 1, 1, reverse);
}

template <class Op, class T>
void scan_all(const T* x, T* out, std::size_t outer, std::size_t len, std::size_t inner, bool reverse) {
  if (inner == 1) {
    // Items of four rows (scan_rows' groups stay whole).
    const std::size_t items = (outer + 3) / 4;
    parallel_items(items, item_grain(4 * len, kGrain), [&](std::size_t b, std::size_t e) {
      scan_rows<Op>(x + 4 * b * len, out + 4 * b * len, std::min(outer, 4 * e) - 4 * b, len, reverse);
    });
    return;
  }
  const std::size_t blocks = (inner + kBlock - 1) / kBlock;
  parallel_items(outer * blocks, item_grain(len * std::min(inner, kBlock), kGrain), [&](std::size_t b, std::size_t e) {
    for (std::size_t it = b; it < e; ++it) {
      const std::size_t o = it / blocks, c = (it % blocks) * kBlock;
      const std::size_t at = o * len * inner + c;
      scan_block<Op>(x + at, out + at, len, inner, std::min(kBlock, inner - c), reverse);
    }
  });
}

template <class T>
void scan_typed(Reduce k, const T* x, T* out, std::size_t outer, std::size_t len, std::size_t inner, bool reverse) {
  switch (k) {
    case Reduce::sum: return scan_all<Sum>(x, out, outer, len, inner, reverse);
    case Reduce::product: return scan_all<Product>(x, out, outer, len, inner, reverse);
    case Reduce::max: return scan_all<Max>(x, out, outer, len, inner, reverse);
    case Reduce::min: return scan_all<Min>(x, out, outer, len, inner, reverse);
  }
}

std::string_view scan_name(Reduce k) {
  static constexpr std::string_view names[] = {"cumulative_sum", "cumulative_product", "cumulative_max",
                                               "cumulative_min"};
  return names[static_cast<int>(k)];
}

class CpuScan final : public CpuPrimitive {
 public:
  CpuScan(mx::Stream s, Reduce k, int axis, bool reverse) : CpuPrimitive(s), k_(k), axis_(axis), reverse_(reverse) {}

  void eval_cpu(const std::vector<mx::array>& inputs, mx::array& out) override {
    const mx::array& in = inputs[0];
    // Each output is written after its input element is read: a row-major
    // input is scanned where it lies, a strided one gathered into out first.
    const bool gather_first = !in.flags().row_contiguous;
    if (gather_first) out.set_data(allocate(out.nbytes()));
    else output_like(in, out);
    std::size_t outer = 1, inner = 1;
    for (int a = 0; a < axis_; ++a) outer *= static_cast<std::size_t>(in.shape(a));
    for (int a = axis_ + 1; a < static_cast<int>(in.ndim()); ++a) inner *= static_cast<std::size_t>(in.shape(a));
    const std::size_t len = static_cast<std::size_t>(in.shape(axis_));
    auto& enc = mx::cpu::get_command_encoder(stream());
    enc.set_input_array(in);
    enc.set_output_array(out);
    auto weak = [](const mx::array& a) { return mx::array::unsafe_weak_copy(a); };
    enc.dispatch([in = weak(in), out = weak(out), k = k_, reverse = reverse_, gather_first, outer, len, inner]() mutable {
      note_run(scan_name(k));
      if (gather_first) gather(in, out);
      const mx::array& src = gather_first ? out : in;
      if (out.dtype() == mx::float64)
        scan_typed(k, src.data<double>(), out.data<double>(), outer, len, inner, reverse);
      else
        scan_typed(k, src.data<float>(), out.data<float>(), outer, len, inner, reverse);
    });
  }
  std::vector<mx::Shape> output_shapes(const std::vector<mx::array>& inputs) override { return {inputs[0].shape()}; }
  const char* name() const override { return "EmilyCpuScan"; }
  bool is_equivalent(const mx::Primitive& other) const override {
    const auto* o = dynamic_cast<const CpuScan*>(&other);
    return o && o->k_ == k_ && o->axis_ == axis_ && o->reverse_ == reverse_;
  }

 private:
  Reduce k_;
  int axis_;
  bool reverse_;
};

}  // namespace

std::optional<mx::array> scan(Reduce k, const mx::array& x, int axis, bool reverse, mx::Device d) {
  if (!applies(x.dtype(), d) || x.size() == 0 || x.ndim() == 0) return std::nullopt;
  if (axis < 0) axis += static_cast<int>(x.ndim());
  return mx::array(x.shape(), x.dtype(), std::make_shared<CpuScan>(stream(), k, axis, reverse), {x});
}

}  // namespace emily::cpu
