// simd_choice: the candidate vector-math implementations, each an array
// kernel `out[i] = fn(in[i])` over contiguous f32 or f64 data. Every library
// lives in its own translation unit (compiled with only the flags it needs)
// and lists what it offers; simd_choice.cpp times and checks them all.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace simd_choice {

enum class Fn { exp, log, log1p, expm1, tanh, sin, cos, erf, sigmoid };
inline constexpr Fn kFns[] = {Fn::exp, Fn::log,  Fn::log1p, Fn::expm1,  Fn::tanh,
                              Fn::sin, Fn::cos, Fn::erf,   Fn::sigmoid};
const char* name(Fn f);

using KernelF = void (*)(const float* in, float* out, std::size_t n);
using KernelD = void (*)(const double* in, double* out, std::size_t n);

struct Impl {
  std::string library;  // e.g. "sleef 3.5.1"
  std::string variant;  // e.g. "avx2 u10", "dispatch: AVX3"
  Fn fn;
  KernelF f32 = nullptr;  // null: not offered
  KernelD f64 = nullptr;
  void (*before)() = nullptr;  // run before each call (Highway's target limit)
};

// std:: scalar functions (glibc's libm), one element at a time.
std::vector<Impl> libm_impls();
// Highway's contrib/math, dynamically dispatched to the best target the CPU
// has; `best` names the target chosen.
std::vector<Impl> hwy_impls(std::string& best);
// Softmax over rows, and layer norm (scale, shift) + erf GELU over rows with
// the erf of `erf_kernel`, written with Highway (cols a multiple of 16).
void hwy_softmax(const float* x, float* y, int rows, int cols);
void hwy_ln_gelu(const float* x, const float* g, const float* b, float* y, float* tmp, int rows, int cols,
                 KernelF erf_kernel);
// Restricts Highway's dispatch to targets up to AVX2 (true) or lifts it.
void hwy_limit_to_avx2(bool on);
// SLEEF's dispatching 8-/4-wide (AVX2 class) entry points, and the 16-/8-wide
// AVX-512 ones when the CPU has AVX-512F; glibc's libmvec vector functions
// (the same two widths).
std::vector<Impl> sleef_avx2_impls();
std::vector<Impl> sleef_avx512_impls();
std::vector<Impl> libmvec_avx2_impls();
std::vector<Impl> libmvec_avx512_impls();

// oneDNN (built when found): its eltwise primitives as kernels (f32 only),
// and the softmax (over rows), layer norm (over rows, scale and shift) and
// erf GELU primitives. `about` names the version and the ISA it runs.
std::vector<Impl> dnnl_impls(std::string& about);
void dnnl_gelu_erf(const float* in, float* out, std::size_t n);
void dnnl_softmax(const float* in, float* out, int rows, int cols);
void dnnl_layer_norm(const float* in, const float* gamma, const float* beta, float* out, int rows, int cols);

}  // namespace simd_choice
