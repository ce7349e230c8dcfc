// The binary SIMD loops of kernels.hpp, compiled once per x86 target by
// Highway (foreach_target.h re-includes this file) and chosen at run time.
//
// max and min follow Nx: NaN when either operand is NaN, otherwise
// a < b ? b : a (a > b ? b : a), so equal operands (0 and -0) give a. pow is
// SLEEF's 1-ulp pow (C99 edge cases: pow(x, 0) = 1, pow(-8, 1/3) = NaN).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "emily/cpu/binary_simd.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "emily/cpu/sleef-inl.hpp"

HWY_BEFORE_NAMESPACE();
namespace emily::cpu::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

#define EMILY_BINARY_OP(Name, expr)                                \
  struct Name {                                                    \
    template <class D, class V>                                    \
    HWY_INLINE V operator()(D d, V a, V b) const { return expr; } \
  };
EMILY_BINARY_OP(AddOp, hn::Add(a, b))
EMILY_BINARY_OP(SubOp, hn::Sub(a, b))
EMILY_BINARY_OP(MulOp, hn::Mul(a, b))
// Nx: a finite value over +-Inf is +0.0; adding +0.0 there (and -0.0
// elsewhere, which changes nothing) turns -0.0 into +0.0.
EMILY_BINARY_OP(DivOp, hn::Add(hn::Div(a, b), hn::IfThenElse(hn::IsInf(b), hn::Zero(d), hn::Set(d, -0.0))))
EMILY_BINARY_OP(MaxOp, hn::IfThenElse(hn::Or(hn::Lt(a, b), hn::IsNaN(b)), b, a))
EMILY_BINARY_OP(MinOp, hn::IfThenElse(hn::Or(hn::Gt(a, b), hn::IsNaN(b)), b, a))
EMILY_BINARY_OP(PowOp, SleefPow(d, a, b))
#undef EMILY_BINARY_OP

// kScalarA / kScalarB: that operand is one element, repeated. out may be
// the same buffer as a vector operand (a donated input).
template <class T, class Op, bool kScalarA, bool kScalarB>
void Loop(const T* a, const T* b, T* out, size_t n) {
  const hn::ScalableTag<T> d;
  const Op op;
  const size_t N = hn::Lanes(d);
  auto load = [&](const T* p, size_t i, bool scalar) { return scalar ? hn::Set(d, p[0]) : hn::LoadU(d, p + i); };
  size_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(op(d, load(a, i, kScalarA), load(b, i, kScalarB)), d, out + i);
  if (i < n) {  // the tail, through full registers
    HWY_ALIGN T ba[hn::MaxLanes(d)] = {};
    HWY_ALIGN T bb[hn::MaxLanes(d)] = {};
    for (size_t j = i; j < n; ++j) {
      ba[j - i] = kScalarA ? a[0] : a[j];
      bb[j - i] = kScalarB ? b[0] : b[j];
    }
    hn::Store(op(d, hn::Load(d, ba), hn::Load(d, bb)), d, ba);
    for (size_t j = i; j < n; ++j) out[j] = ba[j - i];
  }
}

template <class T, class Op>
void ByMode(int mode, const T* a, const T* b, T* out, size_t n) {
  switch (mode) {
    case 1: return Loop<T, Op, true, false>(a, b, out, n);
    case 2: return Loop<T, Op, false, true>(a, b, out, n);
    default: return Loop<T, Op, false, false>(a, b, out, n);
  }
}

template <class T>
void BinaryT(int k, int mode, const T* a, const T* b, T* out, size_t n) {
  switch (k) {
    case 0: return ByMode<T, AddOp>(mode, a, b, out, n);
    case 1: return ByMode<T, SubOp>(mode, a, b, out, n);
    case 2: return ByMode<T, MulOp>(mode, a, b, out, n);
    case 3: return ByMode<T, DivOp>(mode, a, b, out, n);
    case 4: return ByMode<T, MaxOp>(mode, a, b, out, n);
    case 5: return ByMode<T, MinOp>(mode, a, b, out, n);
    case 6: return ByMode<T, PowOp>(mode, a, b, out, n);
    default: return;
  }
}

void BinaryF32(int k, int mode, const float* a, const float* b, float* out, size_t n) {
  BinaryT(k, mode, a, b, out, n);
}
void BinaryF64(int k, int mode, const double* a, const double* b, double* out, size_t n) {
  BinaryT(k, mode, a, b, out, n);
}

}  // namespace emily::cpu::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "emily/cpu/kernels.hpp"

namespace emily::cpu {

HWY_EXPORT(BinaryF32);
HWY_EXPORT(BinaryF64);

// The case numbers of BinaryT and ByMode follow enums Binary and Operands.
static_assert(static_cast<int>(Binary::add) == 0 && static_cast<int>(Binary::pow) == 6);
static_assert(static_cast<int>(Operands::scalar_vector) == 1 && static_cast<int>(Operands::vector_scalar) == 2);

void binary_loop(Binary k, mx::Dtype t, Operands mode, const void* a, const void* b, void* out, std::size_t n) {
  const int ki = static_cast<int>(k), m = static_cast<int>(mode);
  if (t == mx::float64)
    HWY_DYNAMIC_DISPATCH(BinaryF64)(ki, m, static_cast<const double*>(a), static_cast<const double*>(b),
                                    static_cast<double*>(out), n);
  else
    HWY_DYNAMIC_DISPATCH(BinaryF32)(ki, m, static_cast<const float*>(a), static_cast<const float*>(b),
                                    static_cast<float*>(out), n);
}

}  // namespace emily::cpu
#endif  // HWY_ONCE
