// SLEEF's 1-ulp ("u10") functions as Highway vector functions, included once
// per SIMD target by the kernel files (foreach_target.h re-includes them).
// On x86 each target calls SLEEF's build for the same instruction set
// (avx512f, avx2, sse4, sse2) on whole registers; other targets call SLEEF's
// scalar functions lane by lane.
//
// sleef.h declares its x86 vector functions only where the whole file is
// compiled for that instruction set (no -m flags here: Highway enables them
// per function), so the prototypes are declared below from their names.

// ---- once: the prototypes ----
#ifndef EMILY_CPU_SLEEF_DECLS_
#define EMILY_CPU_SLEEF_DECLS_

#include <sleef.h>

#include <hwy/highway.h>

#if HWY_ARCH_X86
#include <immintrin.h>

// The groups sleef.h leaves out when the file is not compiled for them
// (sleef.h declares the SSE ones wherever SSE2 is on, i.e. on every x86-64).
#ifndef __AVX512F__
#define EMILY_SLEEF_AVX512(fn, ...)                          \
  __m512 Sleef_##fn##f16_u10avx512f(__VA_ARGS__(__m512));   \
  __m512d Sleef_##fn##d8_u10avx512f(__VA_ARGS__(__m512d));
#else
#define EMILY_SLEEF_AVX512(fn, ...)
#endif
#ifndef __AVX__
#define EMILY_SLEEF_AVX2(fn, ...)                          \
  __m256 Sleef_##fn##f8_u10avx2(__VA_ARGS__(__m256));     \
  __m256d Sleef_##fn##d4_u10avx2(__VA_ARGS__(__m256d));
#else
#define EMILY_SLEEF_AVX2(fn, ...)
#endif
#ifndef __SSE2__
#error "SLEEF's x86 functions need SSE2 (every x86-64 has it)"
#endif
#define EMILY_SLEEF_DECLARE(fn, ...) EMILY_SLEEF_AVX512(fn, __VA_ARGS__) EMILY_SLEEF_AVX2(fn, __VA_ARGS__)
#define EMILY_SLEEF_ONE(v) v
#define EMILY_SLEEF_TWO(v) v, v

extern "C" {
EMILY_SLEEF_DECLARE(exp, EMILY_SLEEF_ONE)
EMILY_SLEEF_DECLARE(expm1, EMILY_SLEEF_ONE)
EMILY_SLEEF_DECLARE(log, EMILY_SLEEF_ONE)
EMILY_SLEEF_DECLARE(log1p, EMILY_SLEEF_ONE)
EMILY_SLEEF_DECLARE(tanh, EMILY_SLEEF_ONE)
EMILY_SLEEF_DECLARE(erf, EMILY_SLEEF_ONE)
EMILY_SLEEF_DECLARE(sin, EMILY_SLEEF_ONE)
EMILY_SLEEF_DECLARE(cos, EMILY_SLEEF_ONE)
EMILY_SLEEF_DECLARE(pow, EMILY_SLEEF_TWO)
}

#undef EMILY_SLEEF_AVX512
#undef EMILY_SLEEF_AVX2
#undef EMILY_SLEEF_DECLARE
#undef EMILY_SLEEF_ONE
#undef EMILY_SLEEF_TWO
#endif  // HWY_ARCH_X86
#endif  // EMILY_CPU_SLEEF_DECLS_

// ---- per target: the vector functions ----
#if defined(EMILY_CPU_SLEEF_INL_) == defined(HWY_TARGET_TOGGLE)
#ifdef EMILY_CPU_SLEEF_INL_
#undef EMILY_CPU_SLEEF_INL_
#else
#define EMILY_CPU_SLEEF_INL_
#endif

HWY_BEFORE_NAMESPACE();
namespace emily::cpu::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

#if HWY_ARCH_X86 && (HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL)
#define EMILY_SLEEF_F(fn) Sleef_##fn##f16_u10avx512f
#define EMILY_SLEEF_D(fn) Sleef_##fn##d8_u10avx512f
#elif HWY_ARCH_X86 && HWY_TARGET == HWY_AVX2
#define EMILY_SLEEF_F(fn) Sleef_##fn##f8_u10avx2
#define EMILY_SLEEF_D(fn) Sleef_##fn##d4_u10avx2
#elif HWY_ARCH_X86 && HWY_TARGET == HWY_SSE4
#define EMILY_SLEEF_F(fn) Sleef_##fn##f4_u10sse4
#define EMILY_SLEEF_D(fn) Sleef_##fn##d2_u10sse4
#elif HWY_ARCH_X86 && HWY_TARGET == HWY_SSSE3
#define EMILY_SLEEF_F(fn) Sleef_##fn##f4_u10sse2
#define EMILY_SLEEF_D(fn) Sleef_##fn##d2_u10sse2
#endif

#ifdef EMILY_SLEEF_F
// Whole registers: the vector's raw type is SLEEF's argument type.
#define EMILY_SLEEF_1(Name, fn)                                                   \
  template <class D, class V>                                                     \
  HWY_INLINE V Name(D, V x) {                                                     \
    if constexpr (sizeof(hn::TFromD<D>) == 4) return V{EMILY_SLEEF_F(fn)(x.raw)}; \
    else return V{EMILY_SLEEF_D(fn)(x.raw)};                                      \
  }
#define EMILY_SLEEF_2(Name, fn)                                                            \
  template <class D, class V>                                                              \
  HWY_INLINE V Name(D, V x, V y) {                                                         \
    if constexpr (sizeof(hn::TFromD<D>) == 4) return V{EMILY_SLEEF_F(fn)(x.raw, y.raw)};   \
    else return V{EMILY_SLEEF_D(fn)(x.raw, y.raw)};                                        \
  }
#else
// Lane by lane through SLEEF's scalar functions.
#define EMILY_SLEEF_1(Name, fn)                                                     \
  template <class D, class V>                                                       \
  HWY_INLINE V Name(D d, V x) {                                                     \
    using T = hn::TFromD<D>;                                                        \
    HWY_ALIGN T a[hn::MaxLanes(d)];                                                 \
    hn::Store(x, d, a);                                                             \
    for (size_t i = 0; i < hn::Lanes(d); ++i) {                                     \
      if constexpr (sizeof(T) == 4) a[i] = Sleef_##fn##f_u10(a[i]);                 \
      else a[i] = Sleef_##fn##_u10(a[i]);                                           \
    }                                                                               \
    return hn::Load(d, a);                                                          \
  }
#define EMILY_SLEEF_2(Name, fn)                                                     \
  template <class D, class V>                                                       \
  HWY_INLINE V Name(D d, V x, V y) {                                                \
    using T = hn::TFromD<D>;                                                        \
    HWY_ALIGN T a[hn::MaxLanes(d)];                                                 \
    HWY_ALIGN T b[hn::MaxLanes(d)];                                                 \
    hn::Store(x, d, a);                                                             \
    hn::Store(y, d, b);                                                             \
    for (size_t i = 0; i < hn::Lanes(d); ++i) {                                     \
      if constexpr (sizeof(T) == 4) a[i] = Sleef_##fn##f_u10(a[i], b[i]);           \
      else a[i] = Sleef_##fn##_u10(a[i], b[i]);                                    \
    }                                                                               \
    return hn::Load(d, a);                                                          \
  }
#endif

EMILY_SLEEF_1(SleefExp, exp)
EMILY_SLEEF_1(SleefExpm1, expm1)
EMILY_SLEEF_1(SleefLog, log)
EMILY_SLEEF_1(SleefLog1p, log1p)
EMILY_SLEEF_1(SleefTanh, tanh)
EMILY_SLEEF_1(SleefErf, erf)
EMILY_SLEEF_1(SleefSin, sin)
EMILY_SLEEF_1(SleefCos, cos)
EMILY_SLEEF_2(SleefPow, pow)

#undef EMILY_SLEEF_1
#undef EMILY_SLEEF_2
#undef EMILY_SLEEF_F
#undef EMILY_SLEEF_D

}  // namespace emily::cpu::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // per-target guard
