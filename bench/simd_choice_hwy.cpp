// simd_choice: Highway's contrib/math kernels. foreach_target.h compiles this
// file once per x86 target Highway knows (SSSE3 ... AVX-512) with that
// target's instructions enabled; HWY_DYNAMIC_DISPATCH picks the best one the
// CPU runs, so the build needs no -march flag.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "simd_choice_hwy.cpp"
#include <hwy/foreach_target.h>  // must come before highway.h
#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <cmath>

#include "simd_choice.hpp"

HWY_BEFORE_NAMESPACE();
namespace simd_choice {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class T, class Op>
HWY_INLINE void Apply(const T* HWY_RESTRICT in, T* HWY_RESTRICT out, std::size_t n, Op op) {
  const hn::ScalableTag<T> d;
  const std::size_t lanes = hn::Lanes(d);
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes) hn::StoreU(op(d, hn::LoadU(d, in + i)), d, out + i);
  if (i < n) {  // the tail through a zero-padded vector
    HWY_ALIGN T buf[HWY_MAX_BYTES / sizeof(T)] = {};
    for (std::size_t j = i; j < n; ++j) buf[j - i] = in[j];
    hn::Store(op(d, hn::Load(d, buf)), d, buf);
    for (std::size_t j = i; j < n; ++j) out[j] = buf[j - i];
  }
}

#define SC_HWY(NAME, EXPR)                                                        \
  void NAME##F32(const float* in, float* out, std::size_t n) {                    \
    Apply(in, out, n, [](auto d, auto v) HWY_ATTR { return EXPR; });              \
  }                                                                               \
  void NAME##F64(const double* in, double* out, std::size_t n) {                  \
    Apply(in, out, n, [](auto d, auto v) HWY_ATTR { return EXPR; });              \
  }

SC_HWY(Exp, hn::Exp(d, v))
SC_HWY(Log, hn::Log(d, v))
SC_HWY(Log1p, hn::Log1p(d, v))
SC_HWY(Expm1, hn::Expm1(d, v))
SC_HWY(Tanh, hn::Tanh(d, v))
SC_HWY(Sin, hn::Sin(d, v))
SC_HWY(Cos, hn::Cos(d, v))
SC_HWY(Sigmoid, hn::Div(hn::Set(d, 1), hn::Add(hn::Set(d, 1), hn::Exp(d, hn::Neg(v)))))
#undef SC_HWY

const char* TargetHere() { return hwy::TargetName(HWY_TARGET); }

// Softmax over each row of a rows x cols matrix (cols a multiple of the
// lane count): max, exp(x - max) with its sum, scale.
void SoftmaxRows(const float* x, float* y, std::size_t rows, std::size_t cols) {
  const hn::ScalableTag<float> d;
  const std::size_t lanes = hn::Lanes(d);
  for (std::size_t r = 0; r < rows; ++r) {
    const float* a = x + r * cols;
    float* o = y + r * cols;
    auto m = hn::Set(d, -HUGE_VALF);
    for (std::size_t i = 0; i < cols; i += lanes) m = hn::Max(m, hn::LoadU(d, a + i));
    const auto vm = hn::MaxOfLanes(d, m);
    auto s = hn::Zero(d);
    for (std::size_t i = 0; i < cols; i += lanes) {
      const auto e = hn::Exp(d, hn::Sub(hn::LoadU(d, a + i), vm));
      hn::StoreU(e, d, o + i);
      s = hn::Add(s, e);
    }
    const auto inv = hn::Div(hn::Set(d, 1.0f), hn::SumOfLanes(d, s));
    for (std::size_t i = 0; i < cols; i += lanes) hn::StoreU(hn::Mul(hn::LoadU(d, o + i), inv), d, o + i);
  }
}

// Layer norm over each row (scale g, shift b, epsilon 1e-5), then
// 0.5 y (1 + erf(y / sqrt 2)) with the erf of `erf_kernel`; tmp holds a row.
void LnGeluRows(const float* x, const float* g, const float* b, float* y, float* tmp, std::size_t rows,
                std::size_t cols, KernelF erf_kernel) {
  const hn::ScalableTag<float> d;
  const std::size_t lanes = hn::Lanes(d);
  const auto inv_n = hn::Set(d, 1.0f / static_cast<float>(cols));
  for (std::size_t r = 0; r < rows; ++r) {
    const float* a = x + r * cols;
    float* o = y + r * cols;
    auto s = hn::Zero(d);
    for (std::size_t i = 0; i < cols; i += lanes) s = hn::Add(s, hn::LoadU(d, a + i));
    const auto mean = hn::Mul(hn::SumOfLanes(d, s), inv_n);
    auto q = hn::Zero(d);
    for (std::size_t i = 0; i < cols; i += lanes) {
      const auto c = hn::Sub(hn::LoadU(d, a + i), mean);
      q = hn::MulAdd(c, c, q);
    }
    const auto inv = hn::Div(hn::Set(d, 1.0f), hn::Sqrt(hn::MulAdd(hn::SumOfLanes(d, q), inv_n, hn::Set(d, 1e-5f))));
    const auto half_sqrt2 = hn::Set(d, static_cast<float>(M_SQRT1_2));
    for (std::size_t i = 0; i < cols; i += lanes) {
      const auto v = hn::MulAdd(hn::Mul(hn::Sub(hn::LoadU(d, a + i), mean), inv), hn::LoadU(d, g + i),
                                hn::LoadU(d, b + i));
      hn::StoreU(v, d, o + i);
      hn::StoreU(hn::Mul(v, half_sqrt2), d, tmp + i);
    }
    erf_kernel(tmp, tmp, cols);
    const auto half = hn::Set(d, 0.5f), one = hn::Set(d, 1.0f);
    for (std::size_t i = 0; i < cols; i += lanes) {
      const auto v = hn::LoadU(d, o + i);
      hn::StoreU(hn::Mul(hn::Mul(half, v), hn::Add(one, hn::LoadU(d, tmp + i))), d, o + i);
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace simd_choice
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace simd_choice {

HWY_EXPORT(TargetHere);
HWY_EXPORT(SoftmaxRows);
HWY_EXPORT(LnGeluRows);

void hwy_softmax(const float* x, float* y, int rows, int cols) {
  HWY_DYNAMIC_DISPATCH(SoftmaxRows)(x, y, static_cast<std::size_t>(rows), static_cast<std::size_t>(cols));
}
void hwy_ln_gelu(const float* x, const float* g, const float* b, float* y, float* tmp, int rows, int cols,
                 KernelF erf_kernel) {
  HWY_DYNAMIC_DISPATCH(LnGeluRows)(x, g, b, y, tmp, static_cast<std::size_t>(rows), static_cast<std::size_t>(cols),
                                   erf_kernel);
}
#define SC_EXPORT(NAME)                                                                                   \
  HWY_EXPORT(NAME##F32);                                                                                  \
  HWY_EXPORT(NAME##F64);                                                                                  \
  void NAME##F32Dispatch(const float* in, float* out, std::size_t n) { HWY_DYNAMIC_DISPATCH(NAME##F32)(in, out, n); } \
  void NAME##F64Dispatch(const double* in, double* out, std::size_t n) { HWY_DYNAMIC_DISPATCH(NAME##F64)(in, out, n); }
SC_EXPORT(Exp)
SC_EXPORT(Log)
SC_EXPORT(Log1p)
SC_EXPORT(Expm1)
SC_EXPORT(Tanh)
SC_EXPORT(Sin)
SC_EXPORT(Cos)
SC_EXPORT(Sigmoid)
#undef SC_EXPORT

void hwy_limit_to_avx2(bool on) { hwy::DisableTargets(on ? (HWY_AVX3 | HWY_AVX3_DL) : 0); }

std::vector<Impl> hwy_impls(std::string& best) {
  best = HWY_DYNAMIC_DISPATCH(TargetHere)();
  const std::string lib = "highway 1.0.3 contrib/math", v = "dispatch: " + best;
  // Highway 1.0.3 has no erf.
  return {{lib, v, Fn::exp, ExpF32Dispatch, ExpF64Dispatch},
          {lib, v, Fn::log, LogF32Dispatch, LogF64Dispatch},
          {lib, v, Fn::log1p, Log1pF32Dispatch, Log1pF64Dispatch},
          {lib, v, Fn::expm1, Expm1F32Dispatch, Expm1F64Dispatch},
          {lib, v, Fn::tanh, TanhF32Dispatch, TanhF64Dispatch},
          {lib, v, Fn::sin, SinF32Dispatch, SinF64Dispatch},
          {lib, v, Fn::cos, CosF32Dispatch, CosF64Dispatch},
          {lib, v, Fn::sigmoid, SigmoidF32Dispatch, SigmoidF64Dispatch}};
}

}  // namespace simd_choice
#endif  // HWY_ONCE
