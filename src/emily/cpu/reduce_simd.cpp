// The SIMD loops of reduce.hpp, compiled once per x86 target by Highway
// (foreach_target.h re-includes this file) and chosen at run time.
//
// Folds run in f64 lanes (f32 elements are widened as they are loaded), so
// f32 sums and products round once, like the reference backend's. Each
// lane folds its own elements in order; lanes are combined at the end.
// Arg-reductions keep, per lane, the best value, its index and the last NaN
// index, in the element type and the signed integer of its width.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "emily/cpu/reduce_simd.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "emily/cpu/reduce.hpp"
#include "emily/cpu/sleef-inl.hpp"

HWY_BEFORE_NAMESPACE();
namespace emily::cpu::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

constexpr double kInf = std::numeric_limits<double>::infinity();

// The f64 lanes of a vector of doubles, loaded from T elements.
template <class D, class T>
HWY_INLINE hn::Vec<D> LoadWide(D dd, const T* p) {
  if constexpr (std::is_same_v<T, double>) {
    return hn::LoadU(dd, p);
  } else {
    const hn::Rebind<T, D> dt;
    return hn::PromoteTo(dd, hn::LoadU(dt, p));
  }
}

// Fold steps a = a op x, in vectors and in scalars. -0.0 is the identity
// of addition that keeps the sign of a sum of negative zeros. max and min
// are NaN once either side is; equal values keep x (as the reference).
struct SumOp {
  static constexpr double kInit = -0.0;
  template <class V>
  HWY_INLINE V operator()(V a, V x) const { return hn::Add(a, x); }
  static double Scalar(double a, double x) { return a + x; }
};
struct ProductOp {
  static constexpr double kInit = 1.0;
  template <class V>
  HWY_INLINE V operator()(V a, V x) const { return hn::Mul(a, x); }
  static double Scalar(double a, double x) { return a * x; }
};
struct MaxOp {
  static constexpr double kInit = -kInf;
  template <class V>
  HWY_INLINE V operator()(V a, V x) const { return hn::IfThenElse(hn::Or(hn::Gt(a, x), hn::IsNaN(a)), a, x); }
  static double Scalar(double a, double x) { return (a > x || std::isnan(a)) ? a : x; }
};
struct MinOp {
  static constexpr double kInit = kInf;
  template <class V>
  HWY_INLINE V operator()(V a, V x) const { return hn::IfThenElse(hn::Or(hn::Lt(a, x), hn::IsNaN(a)), a, x); }
  static double Scalar(double a, double x) { return (a < x || std::isnan(a)) ? a : x; }
};

template <class T, class Op>
double FoldRow(const T* x, size_t n) {
  const hn::ScalableTag<double> dd;
  const Op op;
  const size_t N = hn::Lanes(dd);
  const auto init = hn::Set(dd, Op::kInit);
  auto a0 = init, a1 = init, a2 = init, a3 = init;  // independent chains
  size_t i = 0;
  for (; i + 4 * N <= n; i += 4 * N) {
    a0 = op(a0, LoadWide(dd, x + i));
    a1 = op(a1, LoadWide(dd, x + i + N));
    a2 = op(a2, LoadWide(dd, x + i + 2 * N));
    a3 = op(a3, LoadWide(dd, x + i + 3 * N));
  }
  for (; i + N <= n; i += N) a0 = op(a0, LoadWide(dd, x + i));
  a0 = op(op(a0, a1), op(a2, a3));
  HWY_ALIGN double lanes[hn::MaxLanes(dd)];
  hn::Store(a0, dd, lanes);
  double r = Op::kInit;
  for (size_t j = 0; j < N; ++j) r = Op::Scalar(r, lanes[j]);
  for (; i < n; ++i) r = Op::Scalar(r, static_cast<double>(x[i]));
  return r;
}

// K rows into acc, each column in row order; the row-major order keeps
// acc in L1 and streams the rows.
template <int K, class T, class Op>
void FoldColsK(const T* x, size_t pitch, size_t cols, double* acc) {
  const hn::ScalableTag<double> dd;
  const Op op;
  const size_t N = hn::Lanes(dd);
  size_t c = 0;
  for (; c + N <= cols; c += N) {
    auto a = hn::LoadU(dd, acc + c);
    for (int k = 0; k < K; ++k) a = op(a, LoadWide(dd, x + k * pitch + c));
    hn::StoreU(a, dd, acc + c);
  }
  for (; c < cols; ++c)
    for (int k = 0; k < K; ++k) acc[c] = Op::Scalar(acc[c], static_cast<double>(x[k * pitch + c]));
}

template <class T, class Op>
void FoldCols(const T* x, size_t rows, size_t pitch, size_t cols, double* acc) {
  size_t r = 0;
  for (; r + 4 <= rows; r += 4) FoldColsK<4, T, Op>(x + r * pitch, pitch, cols, acc);
  for (; r < rows; ++r) FoldColsK<1, T, Op>(x + r * pitch, pitch, cols, acc);
}

// Whether x replaces the best value b: strictly better, or equal when ties
// go to the last index. NaN never does (it is tracked apart).
template <bool kMax, bool kHigh, class V>
HWY_INLINE auto Better(V x, V b) {
  if constexpr (kMax) return kHigh ? hn::Ge(x, b) : hn::Gt(x, b);
  else return kHigh ? hn::Le(x, b) : hn::Lt(x, b);
}
template <bool kMax, bool kHigh, class T>
bool BetterScalar(T x, T b) {
  if constexpr (kMax) return kHigh ? x >= b : x > b;
  else return kHigh ? x <= b : x < b;
}

// Each lane starts at the worst value with its own first index: a lane
// whose elements are all that value (or NaN) reports its first index,
// which is right when there is no NaN (and a NaN wins otherwise).
template <class T, bool kMax, bool kHigh>
ArgBest ArgRow(const T* x, size_t n) {
  const hn::ScalableTag<T> d;
  const hn::RebindToSigned<decltype(d)> di;
  using I = hwy::MakeSigned<T>;
  const size_t N = hn::Lanes(d);
  ArgBest r{0, -1, -1};
  size_t i = 0;
  if (n >= N) {
    auto best = hn::Set(d, static_cast<T>(kMax ? -kInf : kInf));
    auto pos = hn::Iota(di, 0);
    auto idx = pos, nan = hn::Set(di, I{-1});
    const auto step = hn::Set(di, static_cast<I>(N));
    for (; i + N <= n; i += N) {
      const auto v = hn::LoadU(d, x + i);
      const auto better = Better<kMax, kHigh>(v, best);
      best = hn::IfThenElse(better, v, best);
      idx = hn::IfThenElse(hn::RebindMask(di, better), pos, idx);
      nan = hn::IfThenElse(hn::RebindMask(di, hn::IsNaN(v)), pos, nan);
      pos = hn::Add(pos, step);
    }
    HWY_ALIGN T bv[hn::MaxLanes(d)];
    HWY_ALIGN I bi[hn::MaxLanes(d)], bn[hn::MaxLanes(d)];
    hn::Store(best, d, bv);
    hn::Store(idx, di, bi);
    hn::Store(nan, di, bn);
    T v = bv[0];
    I at = bi[0], last_nan = bn[0];
    for (size_t j = 1; j < N; ++j) {
      // Across lanes the index order is not the lane order: ties compare indices.
      if (BetterScalar<kMax, false>(bv[j], v) || (bv[j] == v && (kHigh ? bi[j] > at : bi[j] < at))) {
        v = bv[j];
        at = bi[j];
      }
      if (bn[j] > last_nan) last_nan = bn[j];
    }
    r = {static_cast<double>(v), at, last_nan};
  }
  for (; i < n; ++i) {
    const T v = x[i];
    if (std::isnan(v)) {
      r.nan_index = static_cast<std::int64_t>(i);
    } else if (r.index < 0 || BetterScalar<kMax, kHigh>(v, static_cast<T>(r.value))) {
      r.value = static_cast<double>(v);
      r.index = static_cast<std::int64_t>(i);
    }
  }
  return r;
}

// Rows r0 .. r0 + K - 1 into the column states, loaded and stored once.
template <int K, class T, bool kMax, bool kHigh, class I>
void ArgColsK(const T* x, size_t r0, size_t pitch, size_t cols, T* best, I* idx, I* nan) {
  const hn::ScalableTag<T> d;
  const hn::RebindToSigned<decltype(d)> di;
  const size_t N = hn::Lanes(d);
  size_t c = 0;
  for (; c + N <= cols; c += N) {
    auto b = hn::LoadU(d, best + c);
    auto i = hn::LoadU(di, idx + c), m = hn::LoadU(di, nan + c);
    for (int k = 0; k < K; ++k) {
      const auto v = hn::LoadU(d, x + k * pitch + c);
      const auto row = hn::Set(di, static_cast<I>(r0 + static_cast<size_t>(k)));
      const auto better = Better<kMax, kHigh>(v, b);
      b = hn::IfThenElse(better, v, b);
      i = hn::IfThenElse(hn::RebindMask(di, better), row, i);
      m = hn::IfThenElse(hn::RebindMask(di, hn::IsNaN(v)), row, m);
    }
    hn::StoreU(b, d, best + c);
    hn::StoreU(i, di, idx + c);
    hn::StoreU(m, di, nan + c);
  }
  for (; c < cols; ++c)
    for (int k = 0; k < K; ++k) {
      const T v = x[k * pitch + c];
      const I row = static_cast<I>(r0 + static_cast<size_t>(k));
      if (std::isnan(v)) nan[c] = row;
      else if (BetterScalar<kMax, kHigh>(v, best[c])) best[c] = v, idx[c] = row;
    }
}

template <class T, bool kMax, bool kHigh>
void ArgCols(const T* x, size_t rows, size_t pitch, size_t cols, ArgBest* out) {
  using I = hwy::MakeSigned<T>;
  std::vector<T> best(cols, static_cast<T>(kMax ? -kInf : kInf));
  std::vector<I> idx(cols, 0), nan(cols, -1);
  size_t r = 0;
  for (; r + 4 <= rows; r += 4)
    ArgColsK<4, T, kMax, kHigh>(x + r * pitch, r, pitch, cols, best.data(), idx.data(), nan.data());
  for (; r < rows; ++r)
    ArgColsK<1, T, kMax, kHigh>(x + r * pitch, r, pitch, cols, best.data(), idx.data(), nan.data());
  for (size_t c = 0; c < cols; ++c) out[c] = {static_cast<double>(best[c]), idx[c], nan[c]};
}

// exp(x - m) of n elements into out, through a full register at the tail.
template <class T>
void ExpShifted(const T* x, T m, T* out, size_t n) {
  const hn::ScalableTag<T> d;
  const size_t N = hn::Lanes(d);
  const auto vm = hn::Set(d, m);
  size_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(SleefExp(d, hn::Sub(hn::LoadU(d, x + i), vm)), d, out + i);
  if (i < n) {
    HWY_ALIGN T buf[hn::MaxLanes(d)];
    for (size_t j = 0; j < N; ++j) buf[j] = i + j < n ? x[i + j] : m;
    hn::Store(SleefExp(d, hn::Sub(hn::Load(d, buf), vm)), d, buf);
    for (size_t j = i; j < n; ++j) out[j] = buf[j - i];
  }
}

template <class T>
void Scale(T* out, const T* by, size_t n) {
  const hn::ScalableTag<T> d;
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(hn::Mul(hn::LoadU(d, out + i), hn::LoadU(d, by + i)), d, out + i);
  for (; i < n; ++i) out[i] *= by[i];
}

// The max, the exponentials (written to out), their sum in f64 (re-read
// from out while it is still in cache), and out scaled by 1 / sum.
template <class T>
void SoftmaxRow(const T* x, T* out, size_t n) {
  const T m = static_cast<T>(FoldRow<T, MaxOp>(x, n));
  ExpShifted(x, m, out, n);
  const T inv = static_cast<T>(1.0 / FoldRow<T, SumOp>(out, n));
  const hn::ScalableTag<T> d;
  const size_t N = hn::Lanes(d);
  const auto vi = hn::Set(d, inv);
  size_t i = 0;
  for (; i + N <= n; i += N) hn::StoreU(hn::Mul(hn::LoadU(d, out + i), vi), d, out + i);
  for (; i < n; ++i) out[i] *= inv;
}

template <class T>
void SoftmaxCols(const T* x, T* out, size_t rows, size_t pitch, size_t cols) {
  std::vector<double> acc(cols, MaxOp::kInit);
  std::vector<T> per_col(cols);
  FoldCols<T, MaxOp>(x, rows, pitch, cols, acc.data());
  for (size_t c = 0; c < cols; ++c) per_col[c] = static_cast<T>(acc[c]);
  std::fill(acc.begin(), acc.end(), SumOp::kInit);
  for (size_t r = 0; r < rows; ++r) {
    const hn::ScalableTag<T> d;
    const size_t N = hn::Lanes(d);
    const T* p = x + r * pitch;
    T* q = out + r * pitch;
    size_t c = 0;
    for (; c + N <= cols; c += N)
      hn::StoreU(SleefExp(d, hn::Sub(hn::LoadU(d, p + c), hn::LoadU(d, per_col.data() + c))), d, q + c);
    for (; c < cols; ++c) ExpShifted(p + c, per_col[c], q + c, 1);
    FoldColsK<1, T, SumOp>(q, pitch, cols, acc.data());
  }
  for (size_t c = 0; c < cols; ++c) per_col[c] = static_cast<T>(1.0 / acc[c]);
  for (size_t r = 0; r < rows; ++r) Scale(out + r * pitch, per_col.data(), cols);
}

template <class T, class Op>
void FoldRows(const T* x, size_t rows, size_t n, double* out) {
  for (size_t r = 0; r < rows; ++r) out[r] = FoldRow<T, Op>(x + r * n, n);
}

template <class T>
void FoldRowsT(int k, const T* x, size_t rows, size_t n, double* out) {
  switch (static_cast<Reduce>(k)) {
    case Reduce::sum: return FoldRows<T, SumOp>(x, rows, n, out);
    case Reduce::product: return FoldRows<T, ProductOp>(x, rows, n, out);
    case Reduce::max: return FoldRows<T, MaxOp>(x, rows, n, out);
    case Reduce::min: return FoldRows<T, MinOp>(x, rows, n, out);
  }
}

template <class T>
void FoldColsT(int k, const T* x, size_t rows, size_t pitch, size_t cols, double* acc) {
  switch (static_cast<Reduce>(k)) {
    case Reduce::sum: return FoldCols<T, SumOp>(x, rows, pitch, cols, acc);
    case Reduce::product: return FoldCols<T, ProductOp>(x, rows, pitch, cols, acc);
    case Reduce::max: return FoldCols<T, MaxOp>(x, rows, pitch, cols, acc);
    case Reduce::min: return FoldCols<T, MinOp>(x, rows, pitch, cols, acc);
  }
}

template <class T, bool kMax, bool kHigh>
void ArgRows(const T* x, size_t rows, size_t n, ArgBest* out) {
  for (size_t r = 0; r < rows; ++r) out[r] = ArgRow<T, kMax, kHigh>(x + r * n, n);
}

// mode: 2 * is_max + high.
template <class T>
void ArgRowsT(int mode, const T* x, size_t rows, size_t n, ArgBest* out) {
  switch (mode) {
    case 0: return ArgRows<T, false, false>(x, rows, n, out);
    case 1: return ArgRows<T, false, true>(x, rows, n, out);
    case 2: return ArgRows<T, true, false>(x, rows, n, out);
    default: return ArgRows<T, true, true>(x, rows, n, out);
  }
}

template <class T>
void ArgColsT(int mode, const T* x, size_t rows, size_t pitch, size_t cols, ArgBest* out) {
  switch (mode) {
    case 0: return ArgCols<T, false, false>(x, rows, pitch, cols, out);
    case 1: return ArgCols<T, false, true>(x, rows, pitch, cols, out);
    case 2: return ArgCols<T, true, false>(x, rows, pitch, cols, out);
    default: return ArgCols<T, true, true>(x, rows, pitch, cols, out);
  }
}

void FoldRowsF32(int k, const float* x, size_t rows, size_t n, double* out) { FoldRowsT(k, x, rows, n, out); }
void FoldRowsF64(int k, const double* x, size_t rows, size_t n, double* out) { FoldRowsT(k, x, rows, n, out); }
void FoldColsF32(int k, const float* x, size_t rows, size_t pitch, size_t cols, double* acc) {
  FoldColsT(k, x, rows, pitch, cols, acc);
}
void FoldColsF64(int k, const double* x, size_t rows, size_t pitch, size_t cols, double* acc) {
  FoldColsT(k, x, rows, pitch, cols, acc);
}
void ArgRowsF32(int mode, const float* x, size_t rows, size_t n, ArgBest* out) { ArgRowsT(mode, x, rows, n, out); }
void ArgRowsF64(int mode, const double* x, size_t rows, size_t n, ArgBest* out) { ArgRowsT(mode, x, rows, n, out); }
void ArgColsF32(int mode, const float* x, size_t rows, size_t pitch, size_t cols, ArgBest* out) {
  ArgColsT(mode, x, rows, pitch, cols, out);
}
void ArgColsF64(int mode, const double* x, size_t rows, size_t pitch, size_t cols, ArgBest* out) {
  ArgColsT(mode, x, rows, pitch, cols, out);
}
template <class T>
void SoftmaxRows(const T* x, T* out, size_t rows, size_t n) {
  for (size_t r = 0; r < rows; ++r) SoftmaxRow(x + r * n, out + r * n, n);
}
void SoftmaxRowsF32(const float* x, float* out, size_t rows, size_t n) { SoftmaxRows(x, out, rows, n); }
void SoftmaxRowsF64(const double* x, double* out, size_t rows, size_t n) { SoftmaxRows(x, out, rows, n); }
void SoftmaxColsF32(const float* x, float* out, size_t rows, size_t pitch, size_t cols) {
  SoftmaxCols(x, out, rows, pitch, cols);
}
void SoftmaxColsF64(const double* x, double* out, size_t rows, size_t pitch, size_t cols) {
  SoftmaxCols(x, out, rows, pitch, cols);
}

}  // namespace emily::cpu::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace emily::cpu {

HWY_EXPORT(FoldRowsF32);
HWY_EXPORT(FoldRowsF64);
HWY_EXPORT(FoldColsF32);
HWY_EXPORT(FoldColsF64);
HWY_EXPORT(ArgRowsF32);
HWY_EXPORT(ArgRowsF64);
HWY_EXPORT(ArgColsF32);
HWY_EXPORT(ArgColsF64);
HWY_EXPORT(SoftmaxRowsF32);
HWY_EXPORT(SoftmaxRowsF64);
HWY_EXPORT(SoftmaxColsF32);
HWY_EXPORT(SoftmaxColsF64);

namespace {
template <class T>
const T* as(const void* p) { return static_cast<const T*>(p); }
template <class T>
T* as(void* p) { return static_cast<T*>(p); }
int arg_mode(bool is_max, bool high) { return (is_max ? 2 : 0) + (high ? 1 : 0); }
}  // namespace

void fold_rows(Reduce k, mx::Dtype t, const void* x, std::size_t rows, std::size_t n, double* out) {
  const int ki = static_cast<int>(k);
  if (t == mx::float64) HWY_DYNAMIC_DISPATCH(FoldRowsF64)(ki, as<double>(x), rows, n, out);
  else HWY_DYNAMIC_DISPATCH(FoldRowsF32)(ki, as<float>(x), rows, n, out);
}

void fold_cols(Reduce k, mx::Dtype t, const void* x, std::size_t rows, std::size_t pitch, std::size_t cols,
               double* acc) {
  const int ki = static_cast<int>(k);
  if (t == mx::float64) HWY_DYNAMIC_DISPATCH(FoldColsF64)(ki, as<double>(x), rows, pitch, cols, acc);
  else HWY_DYNAMIC_DISPATCH(FoldColsF32)(ki, as<float>(x), rows, pitch, cols, acc);
}

void arg_rows(bool is_max, bool high, mx::Dtype t, const void* x, std::size_t rows, std::size_t n, ArgBest* out) {
  const int m = arg_mode(is_max, high);
  if (t == mx::float64) HWY_DYNAMIC_DISPATCH(ArgRowsF64)(m, as<double>(x), rows, n, out);
  else HWY_DYNAMIC_DISPATCH(ArgRowsF32)(m, as<float>(x), rows, n, out);
}

void arg_cols(bool is_max, bool high, mx::Dtype t, const void* x, std::size_t rows, std::size_t pitch,
              std::size_t cols, ArgBest* out) {
  const int m = arg_mode(is_max, high);
  if (t == mx::float64) HWY_DYNAMIC_DISPATCH(ArgColsF64)(m, as<double>(x), rows, pitch, cols, out);
  else HWY_DYNAMIC_DISPATCH(ArgColsF32)(m, as<float>(x), rows, pitch, cols, out);
}

void softmax_rows(mx::Dtype t, const void* x, void* out, std::size_t rows, std::size_t n) {
  if (t == mx::float64) HWY_DYNAMIC_DISPATCH(SoftmaxRowsF64)(as<double>(x), as<double>(out), rows, n);
  else HWY_DYNAMIC_DISPATCH(SoftmaxRowsF32)(as<float>(x), as<float>(out), rows, n);
}

void softmax_cols(mx::Dtype t, const void* x, void* out, std::size_t rows, std::size_t pitch, std::size_t cols) {
  if (t == mx::float64) HWY_DYNAMIC_DISPATCH(SoftmaxColsF64)(as<double>(x), as<double>(out), rows, pitch, cols);
  else HWY_DYNAMIC_DISPATCH(SoftmaxColsF32)(as<float>(x), as<float>(out), rows, pitch, cols);
}

}  // namespace emily::cpu
#endif  // HWY_ONCE
