// simd_choice: the measurement behind the choice of a SIMD math library for
// Emily's CPU kernels. Single thread; for exp, log, log1p, expm1, tanh, sin,
// cos, erf and sigmoid (1 / (1 + exp(-x))) over 16M f32 and 4M f64 inputs
// spread densely over a stated range, each candidate gets
//   - ns per element: the median of 5 timed passes over the whole input, with
//     min and max (the passes of all candidates for one function and type run
//     in a shuffled order, so drifting machine load falls on all alike);
//   - the largest error in ulps against the function computed in higher
//     precision (f32 against double libm, f64 against long double libm) over
//     every input element, and the input where it occurs.
// Candidates: scalar std:: (glibc libm), Highway contrib/math with dynamic
// dispatch (its best target, and limited to AVX2), SLEEF's AVX2-class and
// (on CPUs with AVX-512F) AVX-512 entry points in their u10 and u35
// accuracy classes, glibc libmvec at both widths, and oneDNN's eltwise
// primitives when built with it. With oneDNN it also times oneDNN's softmax,
// layer norm and erf GELU against the same computations written as loops
// around the candidates' vector exp / erf.
//
//   simd_choice --json results.json [--quick] [--commit HASH]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <sstream>
#include <string>

#include "simd_choice.hpp"

namespace simd_choice {

const char* name(Fn f) {
  static const char* names[] = {"exp", "log", "log1p", "expm1", "tanh", "sin", "cos", "erf", "sigmoid"};
  return names[static_cast<int>(f)];
}

namespace {
template <class T>
T scalar(Fn f, T x) {
  switch (f) {
    case Fn::exp: return std::exp(x);
    case Fn::log: return std::log(x);
    case Fn::log1p: return std::log1p(x);
    case Fn::expm1: return std::expm1(x);
    case Fn::tanh: return std::tanh(x);
    case Fn::sin: return std::sin(x);
    case Fn::cos: return std::cos(x);
    case Fn::erf: return std::erf(x);
    case Fn::sigmoid: return T(1) / (T(1) + std::exp(-x));
  }
  return x;
}
template <Fn F, class T>
void scalar_loop(const T* in, T* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = scalar(F, in[i]);
}
template <Fn F>
Impl libm(const std::string& lib) {
  return {lib, "scalar", F, scalar_loop<F, float>, scalar_loop<F, double>};
}
}  // namespace

std::vector<Impl> libm_impls() {
  const std::string lib = "std:: (glibc libm)";
  return {libm<Fn::exp>(lib),  libm<Fn::log>(lib), libm<Fn::log1p>(lib), libm<Fn::expm1>(lib), libm<Fn::tanh>(lib),
          libm<Fn::sin>(lib),  libm<Fn::cos>(lib), libm<Fn::erf>(lib),   libm<Fn::sigmoid>(lib)};
}

}  // namespace simd_choice

namespace {
using namespace simd_choice;
using Clock = std::chrono::steady_clock;

int g_reps = 5;

// Inputs: `n` points evenly spaced over [lo, hi], or over [2^lo, 2^hi] evenly
// in the exponent (log2), which samples every binade alike.
struct Range {
  double lo, hi;
  bool log2 = false;
};

Range range(Fn f, bool f64) {
  switch (f) {
    case Fn::exp: return f64 ? Range{-708, 709} : Range{-87, 88};
    case Fn::log: return f64 ? Range{-1022, 1023, true} : Range{-126, 127, true};
    // Highway's Log1p is valid for x >= 0 only; the range keeps to it.
    case Fn::log1p: return f64 ? Range{-60, 10, true} : Range{-30, 10, true};
    case Fn::expm1: return f64 ? Range{-40, 40} : Range{-20, 20};
    case Fn::tanh: return f64 ? Range{-20, 20} : Range{-10, 10};
    case Fn::sin:
    case Fn::cos: return {-1000, 1000};
    case Fn::erf: return f64 ? Range{-7, 7} : Range{-5, 5};
    case Fn::sigmoid: return f64 ? Range{-40, 40} : Range{-30, 30};
  }
  return {0, 1};
}

std::string describe(Range r) {
  char b[96];
  if (r.log2) std::snprintf(b, sizeof b, "[2^%g, 2^%g], evenly in the exponent", r.lo, r.hi);
  else std::snprintf(b, sizeof b, "[%g, %g], evenly spaced", r.lo, r.hi);
  return b;
}

template <class T>
std::vector<T> make_input(Range r, std::size_t n) {
  std::vector<T> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = r.lo + (r.hi - r.lo) * static_cast<double>(i) / static_cast<double>(n - 1);
    v[i] = static_cast<T>(r.log2 ? std::exp2(t) : t);
  }
  return v;
}

// Error of y in units in the last place of T at the exact value `ref`.
template <class T>
double ulp_error(T y, long double ref) {
  if (std::isnan(ref)) return std::isnan(y) ? 0 : INFINITY;
  if (std::isinf(ref) || !std::isfinite(y)) return static_cast<long double>(y) == ref ? 0 : INFINITY;
  constexpr int digits = std::numeric_limits<T>::digits, min_exp = std::numeric_limits<T>::min_exponent;
  int e = 0;
  std::frexp(static_cast<double>(ref), &e);
  // Below the normal range the spacing is the smallest subnormal's.
  const int exp = ref == 0 ? min_exp - digits : std::max(e - digits, min_exp - digits);
  return static_cast<double>(std::fabs(static_cast<long double>(y) - ref) / std::ldexp(1.0L, exp));
}

struct Accuracy {
  double max_ulp = 0, worst_x = 0, mean_ulp = 0;
};

template <class T>
Accuracy accuracy(const std::vector<T>& in, const std::vector<T>& out, const std::vector<long double>& ref) {
  Accuracy a;
  double sum = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const double u = ulp_error(out[i], ref[i]);
    sum += std::isfinite(u) ? u : 0;
    if (!(u <= a.max_ulp)) a.max_ulp = u, a.worst_x = static_cast<double>(in[i]);
  }
  a.mean_ulp = sum / static_cast<double>(in.size());
  return a;
}

long double reference(Fn f, long double x, bool f64) {
  if (!f64) return scalar(f, static_cast<double>(x));  // double libm for f32 results
  return scalar(f, x);                                  // long double libm for f64 results
}

struct Stats {
  double median = 0, min = 0, max = 0;
};
Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return {n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v.front(), v.back()};
}

struct Result {
  Impl impl;
  bool f64;
  Stats ns;
  Accuracy acc;
};

double seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

template <class T>
void measure(Fn f, bool f64, std::size_t n, const std::vector<Impl>& impls, std::vector<Result>& results) {
  std::vector<const Impl*> cand;
  for (const auto& i : impls)
    if (i.fn == f && (f64 ? i.f64 != nullptr : i.f32 != nullptr)) cand.push_back(&i);
  const auto in = make_input<T>(range(f, f64), n);
  std::vector<long double> ref(n);
  for (std::size_t i = 0; i < n; ++i) ref[i] = reference(f, in[i], f64);
  std::vector<T> out(n);
  auto call = [&](const Impl& c) {
    if (c.before) c.before();
    if constexpr (std::is_same_v<T, float>) c.f32(in.data(), out.data(), n);
    else c.f64(in.data(), out.data(), n);
  };
  const std::size_t first = results.size();
  for (const Impl* c : cand) {
    call(*c);  // also the warm-up
    results.push_back({*c, f64, {}, accuracy(in, out, ref)});
  }
  std::vector<std::pair<std::size_t, int>> order;
  for (std::size_t k = 0; k < cand.size(); ++k)
    for (int r = 0; r < g_reps; ++r) order.push_back({k, r});
  std::shuffle(order.begin(), order.end(), std::mt19937(12345));
  std::vector<std::vector<double>> ns(cand.size());
  for (auto [k, r] : order) {
    const auto t0 = Clock::now();
    call(*cand[k]);
    ns[k].push_back(seconds(t0, Clock::now()) * 1e9 / static_cast<double>(n));
  }
  for (std::size_t k = 0; k < cand.size(); ++k) {
    Result& res = results[first + k];
    res.ns = stats(ns[k]);
    std::printf("%-7s %-4s %-30s %-40s %8.3f ns/elem [%.3f-%.3f]  max %10.3g ulp at x=%-12.6g mean %.3f ulp\n",
                name(f), f64 ? "f64" : "f32", res.impl.library.c_str(), res.impl.variant.c_str(), res.ns.median,
                res.ns.min, res.ns.max, res.acc.max_ulp, res.acc.worst_x, res.acc.mean_ulp);
    std::fflush(stdout);
  }
}

// ---- composite operations: softmax over rows, layer norm + erf GELU ----
struct Composite {
  std::string op, how;
  Stats ms;
};

Stats time_ms(const std::function<void()>& fn) {
  fn();
  std::vector<double> v;
  for (int r = 0; r < g_reps; ++r) {
    const auto t0 = Clock::now();
    fn();
    v.push_back(seconds(t0, Clock::now()) * 1e3);
  }
  return stats(v);
}

// The scalar baselines of the composites: softmax over each row, the exp
// of (x - row max) through `exp_kernel`.
void softmax_loops(const float* x, float* y, int rows, int cols, KernelF exp_kernel) {
  for (int r = 0; r < rows; ++r) {
    const float* a = x + static_cast<std::size_t>(r) * cols;
    float* b = y + static_cast<std::size_t>(r) * cols;
    float m = a[0];
    for (int c = 1; c < cols; ++c) m = std::max(m, a[c]);
    for (int c = 0; c < cols; ++c) b[c] = a[c] - m;
    exp_kernel(b, b, static_cast<std::size_t>(cols));
    float s = 0;
    for (int c = 0; c < cols; ++c) s += b[c];
    const float inv = 1.0f / s;
    for (int c = 0; c < cols; ++c) b[c] *= inv;
  }
}

// Layer norm over each row (scale g, shift b), then 0.5 y (1 + erf(y / sqrt 2)) through `erf_kernel`.
void ln_gelu_loops(const float* x, const float* g, const float* bt, float* y, float* tmp, int rows, int cols,
                   KernelF erf_kernel) {
  for (int r = 0; r < rows; ++r) {
    const float* a = x + static_cast<std::size_t>(r) * cols;
    float* o = y + static_cast<std::size_t>(r) * cols;
    float* t = tmp + static_cast<std::size_t>(r) * cols;
    float mean = 0, var = 0;
    for (int c = 0; c < cols; ++c) mean += a[c];
    mean /= static_cast<float>(cols);
    for (int c = 0; c < cols; ++c) var += (a[c] - mean) * (a[c] - mean);
    const float inv = 1.0f / std::sqrt(var / static_cast<float>(cols) + 1e-5f);
    for (int c = 0; c < cols; ++c) {
      o[c] = (a[c] - mean) * inv * g[c] + bt[c];
      t[c] = o[c] * static_cast<float>(M_SQRT1_2);
    }
    erf_kernel(t, t, static_cast<std::size_t>(cols));
    for (int c = 0; c < cols; ++c) o[c] = 0.5f * o[c] * (1.0f + t[c]);
  }
}

const Impl* find(const std::vector<Impl>& impls, Fn f, const std::string& library_prefix, const std::string& variant) {
  for (const auto& i : impls)
    if (i.fn == f && i.f32 && i.library.rfind(library_prefix, 0) == 0 && i.variant.find(variant) != std::string::npos)
      return &i;
  return nullptr;
}

std::vector<Composite> composites(const std::vector<Impl>& impls, bool avx512) {
  std::vector<Composite> out;
  const int sr = 1024, sc = 4096, lr = 1024, lc = 1024;
  auto sx = make_input<float>({-2, 2}, static_cast<std::size_t>(sr) * sc);
  std::shuffle(sx.begin(), sx.end(), std::mt19937(1));
  std::vector<float> sy(sx.size());
  const std::string sm = "softmax 1024x4096 f32 (rows)", lg = "layer norm + erf GELU 1024x1024 f32";
  if (const Impl* e = find(impls, Fn::exp, "std::", ""))
    out.push_back({sm, "scalar loops (-O3, no -march) around std::exp",
                   time_ms([&] { softmax_loops(sx.data(), sy.data(), sr, sc, e->f32); })});
  for (bool limit : {false, true}) {
    if (limit && !avx512) continue;
    out.push_back({sm, std::string("Highway loops and Exp, dispatched") + (limit ? ", limited to AVX2" : ""),
                   time_ms([&] {
                     hwy_limit_to_avx2(limit);
                     hwy_softmax(sx.data(), sy.data(), sr, sc);
                   })});
  }
  hwy_limit_to_avx2(false);
  auto lx = make_input<float>({-2, 2}, static_cast<std::size_t>(lr) * lc);
  std::shuffle(lx.begin(), lx.end(), std::mt19937(2));
  std::vector<float> g(lc, 1.5f), b(lc, 0.25f), ly(lx.size()), tmp(lx.size());
  if (const Impl* e = find(impls, Fn::erf, "std::", ""))
    out.push_back({lg, "scalar loops (-O3, no -march) around std::erf", time_ms([&] {
                     ln_gelu_loops(lx.data(), g.data(), b.data(), ly.data(), tmp.data(), lr, lc, e->f32);
                   })});
  for (const Impl* e : {find(impls, Fn::erf, "sleef", "AVX-512F), u10"), find(impls, Fn::erf, "sleef", "AVX2), u10"),
                        find(impls, Fn::erf, "glibc", "AVX-512F"), find(impls, Fn::erf, "glibc", "AVX2")}) {
    if (!e) continue;
    out.push_back({lg, "Highway loops, erf of " + e->library + " " + e->variant, time_ms([&] {
                     hwy_ln_gelu(lx.data(), g.data(), b.data(), ly.data(), tmp.data(), lr, lc, e->f32);
                   })});
  }
#ifdef SC_HAVE_DNNL
  out.push_back({sm, "oneDNN softmax primitive", time_ms([&] { dnnl_softmax(sx.data(), sy.data(), sr, sc); })});
  out.push_back({lg, "oneDNN layer_normalization + eltwise_gelu_erf primitives", time_ms([&] {
                   dnnl_layer_norm(lx.data(), g.data(), b.data(), ly.data(), lr, lc);
                   dnnl_gelu_erf(ly.data(), ly.data(), ly.size());
                 })});
#endif
  for (const auto& c : out)
    std::printf("%-40s %-70s %8.3f ms [%.3f-%.3f]\n", c.op.c_str(), c.how.c_str(), c.ms.median, c.ms.min, c.ms.max);
  return out;
}

// ---- output ----
std::string loadavg() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

std::string q(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\';
    o += c;
  }
  return o + "\"";
}
std::string num(double v) {
  if (!std::isfinite(v)) return "null";
  char b[32];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  std::string json_path, commit = "unknown";
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") quick = true;
    else if (a.rfind("--json=", 0) == 0) json_path = a.substr(7);
    else if (a == "--json" && i + 1 < argc) json_path = argv[++i];
    else if (a.rfind("--commit=", 0) == 0) commit = a.substr(9);
    else if (a == "--commit" && i + 1 < argc) commit = argv[++i];
    else {
      std::cerr << "usage: simd_choice --json results.json [--quick] [--commit HASH]\n";
      return 2;
    }
  }
  if (quick) g_reps = 3;
  const std::size_t n32 = quick ? (1u << 20) : (16u << 20), n64 = quick ? (1u << 18) : (4u << 20);
  const std::string load_before = loadavg();
  const auto t_start = Clock::now();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool avx512 = __builtin_cpu_supports("avx512f");

  std::vector<Impl> impls = libm_impls();
  std::string best, limited, dnnl_about = "not built (oneDNN not found at configure time)";
  for (auto i : hwy_impls(best)) impls.push_back(i);
  if (avx512) {  // the same kernels with dispatch limited to AVX2, for a like-for-like width
    hwy_limit_to_avx2(true);
    for (auto i : hwy_impls(limited)) {
      i.before = [] { hwy_limit_to_avx2(true); };
      impls.push_back(i);
    }
    hwy_limit_to_avx2(false);
    for (auto& i : impls)
      if (i.library.rfind("highway", 0) == 0 && !i.before) i.before = [] { hwy_limit_to_avx2(false); };
  }
  if (avx2) {
    for (auto& i : sleef_avx2_impls()) impls.push_back(i);
    for (auto& i : libmvec_avx2_impls()) impls.push_back(i);
  }
  if (avx512) {
    for (auto& i : sleef_avx512_impls()) impls.push_back(i);
    for (auto& i : libmvec_avx512_impls()) impls.push_back(i);
  }
#ifdef SC_HAVE_DNNL
  for (auto& i : dnnl_impls(dnnl_about)) impls.push_back(i);
#endif
  std::printf("# highway dispatches to %s; dnnl: %s\n", best.c_str(), dnnl_about.c_str());

  std::vector<Result> results;
  for (Fn f : kFns) {
    measure<float>(f, false, n32, impls, results);
    measure<double>(f, true, n64, impls, results);
  }
  const auto comp = composites(impls, avx512);

  std::ostringstream js;
  js << "{\n \"machine\": {\"cpu\": " << q(cpu_model()) << ", \"avx2_fma\": " << (avx2 ? "true" : "false")
     << ", \"avx512f\": " << (avx512 ? "true" : "false") << ", \"highway_target\": " << q(best)
     << ", \"onednn\": " << q(dnnl_about) << ", \"compiler\": " << q(__VERSION__)
     << ", \"omp_num_threads\": " << q(std::getenv("OMP_NUM_THREADS") ? std::getenv("OMP_NUM_THREADS") : "unset")
     << ", \"loadavg_before\": " << q(load_before) << ", \"loadavg_after\": " << q(loadavg()) << "},\n";
  js << " \"commit\": " << q(commit) << ", \"threads\": 1, \"repetitions\": " << g_reps
     << ", \"n_f32\": " << n32 << ", \"n_f64\": " << n64 << ", \"wall_s\": " << num(seconds(t_start, Clock::now()))
     << ",\n \"reference\": \"f32 results against double libm, f64 results against long double libm, every input\",\n";
  js << " \"ranges\": {";
  for (Fn f : kFns)
    js << (f == Fn::exp ? "" : ", ") << q(name(f)) << ": {\"f32\": " << q(describe(range(f, false)))
       << ", \"f64\": " << q(describe(range(f, true))) << "}";
  js << "},\n \"results\": [\n";
  for (std::size_t k = 0; k < results.size(); ++k) {
    const auto& r = results[k];
    js << "  {\"fn\": " << q(name(r.impl.fn)) << ", \"type\": " << q(r.f64 ? "f64" : "f32")
       << ", \"library\": " << q(r.impl.library) << ", \"variant\": " << q(r.impl.variant)
       << ", \"ns_per_element\": {\"median\": " << num(r.ns.median) << ", \"min\": " << num(r.ns.min)
       << ", \"max\": " << num(r.ns.max) << "}, \"max_ulp\": " << num(r.acc.max_ulp)
       << ", \"worst_x\": " << num(r.acc.worst_x) << ", \"mean_ulp\": " << num(r.acc.mean_ulp) << "}"
       << (k + 1 < results.size() ? ",\n" : "\n");
  }
  js << " ],\n \"composites\": [\n";
  for (std::size_t k = 0; k < comp.size(); ++k)
    js << "  {\"op\": " << q(comp[k].op) << ", \"how\": " << q(comp[k].how) << ", \"ms\": {\"median\": "
       << num(comp[k].ms.median) << ", \"min\": " << num(comp[k].ms.min) << ", \"max\": " << num(comp[k].ms.max)
       << "}}" << (k + 1 < comp.size() ? ",\n" : "\n");
  js << " ]\n}\n";
  if (!json_path.empty()) std::ofstream(json_path) << js.str();
  return 0;
}
