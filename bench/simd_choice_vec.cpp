// simd_choice: SLEEF's and glibc libmvec's vector functions at one vector
// width. CMake compiles this file twice: SC_BITS=256 with -mavx2 -mfma
// (SLEEF's 8-lane f32 / 4-lane f64 entry points, which dispatch at run time
// among its AVX-class builds; libmvec's _ZGVd* AVX2 variants) and SC_BITS=512
// with -mavx512f (SLEEF's 16/8-lane AVX-512F entry points; libmvec's _ZGVe*).
// simd_choice.cpp calls a width's list only when the CPU has its features.
#include <immintrin.h>
#include <sleef.h>

#include <algorithm>

#include "simd_choice.hpp"

#if SC_BITS == 256
using VF = __m256;
using VD = __m256d;
#define PS(op) _mm256_##op##_ps
#define PD(op) _mm256_##op##_pd
#define SLEEF_F(f, u) Sleef_##f##f8_##u
#define SLEEF_D(f, u) Sleef_##f##d4_##u
#define MVEC_F(fn) _ZGVdN8v_##fn##f
#define MVEC_D(f) _ZGVdN4v_##f
#define SC_SLEEF_LIST sleef_avx2_impls
#define SC_MVEC_LIST libmvec_avx2_impls
#define SC_WIDTH "8 f32 / 4 f64 lanes (AVX2)"
#elif SC_BITS == 512
using VF = __m512;
using VD = __m512d;
#define PS(op) _mm512_##op##_ps
#define PD(op) _mm512_##op##_pd
#define SLEEF_F(f, u) Sleef_##f##f16_##u
#define SLEEF_D(f, u) Sleef_##f##d8_##u
#define MVEC_F(fn) _ZGVeN16v_##fn##f
#define MVEC_D(f) _ZGVeN8v_##f
#define SC_SLEEF_LIST sleef_avx512_impls
#define SC_MVEC_LIST libmvec_avx512_impls
#define SC_WIDTH "16 f32 / 8 f64 lanes (AVX-512F)"
#else
#error "SC_BITS must be 256 or 512"
#endif

// glibc's vector math (libmvec): exp, log, sin and cos since 2.22, the
// others since 2.35.
#define SC_MVEC_DECL(f)              \
  extern "C" VF MVEC_F(f)(VF x);     \
  extern "C" VD MVEC_D(f)(VD x);
SC_MVEC_DECL(exp)
SC_MVEC_DECL(log)
SC_MVEC_DECL(log1p)
SC_MVEC_DECL(expm1)
SC_MVEC_DECL(tanh)
SC_MVEC_DECL(sin)
SC_MVEC_DECL(cos)
SC_MVEC_DECL(erf)
#undef SC_MVEC_DECL

namespace simd_choice {

namespace {

inline VF ld(const float* p) { return PS(loadu)(p); }
inline VD ld(const double* p) { return PD(loadu)(p); }
inline void st(float* p, VF v) { PS(storeu)(p, v); }
inline void st(double* p, VD v) { PD(storeu)(p, v); }

template <class T, class F>
void loop(const T* in, T* out, std::size_t n, F f) {
  constexpr std::size_t w = SC_BITS / 8 / sizeof(T);
  std::size_t i = 0;
  for (; i + w <= n; i += w) st(out + i, f(ld(in + i)));
  if (i < n) {  // the tail through a zero-padded vector
    T b[w] = {};
    std::copy(in + i, in + n, b);
    st(b, f(ld(b)));
    std::copy(b, b + (n - i), out + i);
  }
}

// 1 / (1 + e^-x) around a vector exp.
#define SIG_F(EXP) PS(div)(PS(set1)(1.0f), PS(add)(PS(set1)(1.0f), EXP(PS(sub)(PS(setzero)(), v))))
#define SIG_D(EXP) PD(div)(PD(set1)(1.0), PD(add)(PD(set1)(1.0), EXP(PD(sub)(PD(setzero)(), v))))

#define K(NAME, EXPR_F, EXPR_D)                                                                          \
  void NAME##_f(const float* in, float* out, std::size_t n) { loop(in, out, n, [](VF v) { return EXPR_F; }); } \
  void NAME##_d(const double* in, double* out, std::size_t n) { loop(in, out, n, [](VD v) { return EXPR_D; }); }
#define KS(f, u) K(sleef_##f##_##u, SLEEF_F(f, u)(v), SLEEF_D(f, u)(v))
KS(exp, u10)
KS(log, u10)
KS(log, u35)
KS(log1p, u10)
KS(expm1, u10)
KS(tanh, u10)
KS(tanh, u35)
KS(sin, u10)
KS(sin, u35)
KS(cos, u10)
KS(cos, u35)
KS(erf, u10)
K(sleef_sigmoid_u10, SIG_F(SLEEF_F(exp, u10)), SIG_D(SLEEF_D(exp, u10)))
#define KM(f) K(mvec_##f, MVEC_F(f)(v), MVEC_D(f)(v))
KM(exp)
KM(log)
KM(log1p)
KM(expm1)
KM(tanh)
KM(sin)
KM(cos)
KM(erf)
K(mvec_sigmoid, SIG_F(MVEC_F(exp)), SIG_D(MVEC_D(exp)))
#undef K
#undef KS
#undef KM

}  // namespace

#define E(LIB, VAR, FN, K) {LIB, VAR, Fn::FN, K##_f, K##_d}

std::vector<Impl> SC_SLEEF_LIST() {
  const std::string lib = "sleef 3.5.1", u10 = SC_WIDTH ", u10", u35 = SC_WIDTH ", u35";
  return {E(lib, u10, exp, sleef_exp_u10),     E(lib, u10, log, sleef_log_u10),
          E(lib, u35, log, sleef_log_u35),     E(lib, u10, log1p, sleef_log1p_u10),
          E(lib, u10, expm1, sleef_expm1_u10), E(lib, u10, tanh, sleef_tanh_u10),
          E(lib, u35, tanh, sleef_tanh_u35),   E(lib, u10, sin, sleef_sin_u10),
          E(lib, u35, sin, sleef_sin_u35),     E(lib, u10, cos, sleef_cos_u10),
          E(lib, u35, cos, sleef_cos_u35),     E(lib, u10, erf, sleef_erf_u10),
          E(lib, u10, sigmoid, sleef_sigmoid_u10)};
}

std::vector<Impl> SC_MVEC_LIST() {
  const std::string lib = "glibc libmvec", w = SC_WIDTH;
  return {E(lib, w, exp, mvec_exp),   E(lib, w, log, mvec_log), E(lib, w, log1p, mvec_log1p),
          E(lib, w, expm1, mvec_expm1), E(lib, w, tanh, mvec_tanh), E(lib, w, sin, mvec_sin),
          E(lib, w, cos, mvec_cos),   E(lib, w, erf, mvec_erf), E(lib, w, sigmoid, mvec_sigmoid)};
}
#undef E

}  // namespace simd_choice
