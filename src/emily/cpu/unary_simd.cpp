// The unary SIMD loops of kernels.hpp, compiled once per x86 target by
// Highway (foreach_target.h re-includes this file) and chosen at run time;
// also the target queries of kernels.hpp.
//
// Library per function: SLEEF's 1-ulp functions for exp, expm1, log, log1p,
// tanh, erf, sin and cos (full range, IEEE edge cases); Highway's exactly
// rounded Sqrt, Div, Neg and Abs for the rest. sigmoid is Nx's
// 1 / (1 + exp(-x)), arranged so that exp cannot overflow.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "emily/cpu/unary_simd.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "emily/cpu/sleef-inl.hpp"

HWY_BEFORE_NAMESPACE();
namespace emily::cpu::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

#define EMILY_UNARY_OP(Name, expr)                      \
  struct Name {                                         \
    template <class D, class V>                         \
    HWY_INLINE V operator()(D d, V x) const { return expr; } \
  };
EMILY_UNARY_OP(ExpOp, SleefExp(d, x))
EMILY_UNARY_OP(Expm1Op, SleefExpm1(d, x))
EMILY_UNARY_OP(LogOp, SleefLog(d, x))
// SLEEF's log1p answers +Inf above 1e38 (f32) and 1e307 (f64); from 2^64 on
// log(x) equals log1p(x) to far below an ulp.
struct Log1pOp {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V x) const {
    const auto big = hn::Ge(x, hn::Set(d, 0x1p64));
    const V r = SleefLog1p(d, x);
    return hn::AllFalse(d, big) ? r : hn::IfThenElse(big, SleefLog(d, x), r);
  }
};
EMILY_UNARY_OP(TanhOp, SleefTanh(d, x))
// 1 / (1 + e^-x) for x >= 0 and, equal to it, e^x / (1 + e^x) below: exp of
// -|x| never overflows, so results down to the subnormals keep their digits.
struct SigmoidOp {
  template <class D, class V>
  HWY_INLINE V operator()(D d, V x) const {
    const V e = SleefExp(d, hn::Neg(hn::Abs(x)));
    const V r = hn::Div(hn::Set(d, 1), hn::Add(hn::Set(d, 1), e));
    return hn::IfThenElse(hn::Lt(x, hn::Zero(d)), hn::Mul(e, r), r);
  }
};
EMILY_UNARY_OP(ErfOp, SleefErf(d, x))
EMILY_UNARY_OP(SinOp, SleefSin(d, x))
EMILY_UNARY_OP(CosOp, SleefCos(d, x))
EMILY_UNARY_OP(SqrtOp, hn::Sqrt(x))
EMILY_UNARY_OP(RsqrtOp, hn::Div(hn::Set(d, 1), hn::Sqrt(x)))
EMILY_UNARY_OP(NegOp, hn::Neg(x))
EMILY_UNARY_OP(AbsOp, hn::Abs(x))
#undef EMILY_UNARY_OP

// in and out may be the same buffer (a donated input): each vector is read
// before its result is stored.
template <class T, class Op>
void Loop(const T* in, T* out, size_t n) {
  const hn::ScalableTag<T> d;
  const Op op;
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(op(d, hn::LoadU(d, in + i)), d, out + i);
  if (i < n) {  // the tail, through a full register
    HWY_ALIGN T buf[hn::MaxLanes(d)] = {};
    for (size_t j = i; j < n; ++j) buf[j - i] = in[j];
    hn::Store(op(d, hn::Load(d, buf)), d, buf);
    for (size_t j = i; j < n; ++j) out[j] = buf[j - i];
  }
}

template <class T>
void UnaryT(int k, const T* in, T* out, size_t n) {
  switch (k) {
    case 0: return Loop<T, ExpOp>(in, out, n);
    case 1: return Loop<T, Expm1Op>(in, out, n);
    case 2: return Loop<T, LogOp>(in, out, n);
    case 3: return Loop<T, Log1pOp>(in, out, n);
    case 4: return Loop<T, TanhOp>(in, out, n);
    case 5: return Loop<T, SigmoidOp>(in, out, n);
    case 6: return Loop<T, ErfOp>(in, out, n);
    case 7: return Loop<T, SinOp>(in, out, n);
    case 8: return Loop<T, CosOp>(in, out, n);
    case 9: return Loop<T, SqrtOp>(in, out, n);
    case 10: return Loop<T, RsqrtOp>(in, out, n);
    case 11: return Loop<T, NegOp>(in, out, n);
    case 12: return Loop<T, AbsOp>(in, out, n);
    default: return;
  }
}

void UnaryF32(int k, const float* in, float* out, size_t n) { UnaryT(k, in, out, n); }
void UnaryF64(int k, const double* in, double* out, size_t n) { UnaryT(k, in, out, n); }

}  // namespace emily::cpu::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "emily/cpu/kernels.hpp"

namespace emily::cpu {

HWY_EXPORT(UnaryF32);
HWY_EXPORT(UnaryF64);

// The case numbers of UnaryT follow the order of enum Unary.
static_assert(static_cast<int>(Unary::exp) == 0 && static_cast<int>(Unary::sigmoid) == 5 &&
              static_cast<int>(Unary::abs) == 12);

void unary_loop(Unary k, mx::Dtype t, const void* in, void* out, std::size_t n) {
  if (t == mx::float64)
    HWY_DYNAMIC_DISPATCH(UnaryF64)(static_cast<int>(k), static_cast<const double*>(in), static_cast<double*>(out), n);
  else
    HWY_DYNAMIC_DISPATCH(UnaryF32)(static_cast<int>(k), static_cast<const float*>(in), static_cast<float*>(out), n);
}

std::vector<std::int64_t> simd_targets() {
  std::vector<std::int64_t> out;
  for (std::int64_t t = hwy::SupportedTargets() & HWY_TARGETS; t != 0; t &= t - 1) out.push_back(t & -t);
  return out;
}

// Highway's bits: the lowest set bit is the best target.
std::int64_t simd_target() {
  const std::int64_t t = hwy::SupportedTargets() & HWY_TARGETS;
  return t & -t;
}

void pin_simd_target(std::int64_t target) {
  hwy::SetSupportedTargetsForTest(target);
  hwy::GetChosenTarget().Update(hwy::SupportedTargets());
}

std::string simd_target_name(std::int64_t target) { return hwy::TargetName(target); }

}  // namespace emily::cpu
#endif  // HWY_ONCE
