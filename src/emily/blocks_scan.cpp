// Emily: native cumulative ops, top_k and all_close (blocks). Types MLX cannot compute run the default composition on the
// reference backend through the fallback.
#include <cmath>

#include "cpu/reduce.hpp"
#include "emily_backend.hpp"
#include "fallback.hpp"

namespace emily {

namespace {

enum class Scan { sum, product, min, max };

// mx::isnan / mx::isinf that follow Nx for every type: integers are never
// NaN or infinite; a complex value is when either part is.
template <class F>
mx::array per_part(const mx::array& a, F f, mx::Device d) {
  if (mx::issubdtype(a.dtype(), mx::integer)) return mx::zeros(a.shape(), mx::bool_, d);
  if (a.dtype() == mx::complex64) return mx::logical_or(f(mx::real(a, d)), f(mx::imag(a, d)), d);
  return f(a);
}

mx::array nan_mask(const mx::array& a, mx::Device d) {
  return per_part(a, [&](const mx::array& x) { return mx::isnan(x, d); }, d);
}

mx::array inf_mask(const mx::array& a, mx::Device d) {
  return per_part(a, [&](const mx::array& x) { return mx::isinf(x, d); }, d);
}

Tensor scan(Backend& self, const Spec& out, const Tensor& t, const nx::CumulativeCallbackOptions& opts, Scan op) {
  auto d = self.mx_device(out.type);
  mx::array a = self.cast(t, out.type);
  const int axis = opts.axis;
  // f32 and f64 on the CPU: Emily's kernel (NaN-propagating max and min too).
  static constexpr cpu::Reduce kKernel[] = {cpu::Reduce::sum, cpu::Reduce::product, cpu::Reduce::min,
                                            cpu::Reduce::max};
  if (auto r = cpu::scan(kKernel[static_cast<int>(op)], a, axis, opts.reverse, d)) return self.wrap(out, *std::move(r));
  switch (op) {
    case Scan::sum: return self.wrap(out, mx::cumsum(a, axis, opts.reverse, true, d));
    case Scan::product: return self.wrap(out, mx::cumprod(a, axis, opts.reverse, true, d));
    default: break;
  }
  mx::array r = op == Scan::max ? mx::cummax(a, axis, opts.reverse, true, d) : mx::cummin(a, axis, opts.reverse, true, d);
  if (nx::is_float(out.type)) {
    // Nx's min/max propagate NaN: from the first NaN on, the scan is NaN.
    mx::array seen = mx::cummax(mx::astype(mx::isnan(a, d), mx::uint8, d), axis, opts.reverse, true, d);
    r = mx::where(mx::astype(seen, mx::bool_, d), mx::array(NAN, a.dtype()), r, d);
  }
  return self.wrap(out, r);
}

}  // namespace

Tensor Backend::cumulative_sum(const Spec& out, const Tensor& t, const nx::CumulativeCallbackOptions& opts) {
  if (!mlx_supports(out.type))
    return fallback::run(*this, "cumulative_sum", &nx::Backend::cumulative_sum, out, t, opts);
  return scan(*this, out, t, opts, Scan::sum);
}

Tensor Backend::cumulative_product(const Spec& out, const Tensor& t, const nx::CumulativeCallbackOptions& opts) {
  if (!mlx_supports(out.type))
    return fallback::run(*this, "cumulative_product", &nx::Backend::cumulative_product, out, t, opts);
  return scan(*this, out, t, opts, Scan::product);
}

Tensor Backend::cumulative_min(const Spec& out, const Tensor& t, const nx::CumulativeCallbackOptions& opts) {
  if (!mlx_supports(out.type))
    return fallback::run(*this, "cumulative_min", &nx::Backend::cumulative_min, out, t, opts);
  return scan(*this, out, t, opts, Scan::min);
}

Tensor Backend::cumulative_max(const Spec& out, const Tensor& t, const nx::CumulativeCallbackOptions& opts) {
  if (!mlx_supports(out.type))
    return fallback::run(*this, "cumulative_max", &nx::Backend::cumulative_max, out, t, opts);
  return scan(*this, out, t, opts, Scan::max);
}

std::vector<Tensor> Backend::top_k(const std::vector<Spec>& out, const Tensor& t, std::int64_t k) {
  if (!mlx_supports(t.type())) return fallback::run(*this, "top_k", &nx::Backend::top_k, out, t, k);
  // Stable descending argsort on the last axis (NaN first), first k columns.
  const int axis = t.rank() - 1;
  auto d = mx_device(t.type());
  Tensor order = argsort(Spec{t.shape(), nx::s32, {}}, t,
                         nx::SortCallbackOptions{.axis = axis, .direction = nx::Direction::desc, .stable = true});
  mx::array idx = array_of(order);
  mx::Shape start(static_cast<std::size_t>(t.rank()), 0), stop = idx.shape();
  stop.back() = static_cast<int>(k);
  idx = mx::slice(idx, start, stop, d);
  mx::array values = mx::take_along_axis(array_of(t), idx, axis, d);
  return {wrap(out.at(0), values), wrap(out.at(1), idx)};
}

Tensor Backend::all_close(const Spec& out, const Tensor& ta, const Tensor& tb, const nx::AllCloseOptions& opts) {
  // Same typing as the default composition: |a - b| in merge(a, b), the
  // tolerance side atol + rtol * |b| in f64 for two integer inputs, else in
  // b's real type (f32 for an integer b).
  const nx::Type m = nx::merge(ta.type(), tb.type());
  if (!mlx_supports(m)) return fallback::run(*this, "all_close", &nx::Backend::all_close, out, ta, tb, opts);
  const bool integers = nx::is_integer(ta.type()) && nx::is_integer(tb.type());
  const nx::Type rt = integers ? nx::f64 : nx::is_integer(tb.type()) ? nx::f32 : nx::to_real(tb.type());
  const nx::Type ct = integers ? nx::f64 : nx::merge(nx::to_real(m), rt);
  const bool cpu = m == nx::f64 || rt == nx::f64 || ct == nx::f64;
  const mx::Device d = cpu ? mx::Device::cpu : mx_device();
  const mx::Dtype rdt = to_dtype(rt, "all_close"), cdt = to_dtype(ct, "all_close");
  mx::array b = integers ? mx::astype(array_of(tb), mx::float64, d) : array_of(tb);
  mx::array abs_b = nx::is_unsigned(tb.type()) && !integers ? b : mx::abs(b, d);
  mx::array rhs = mx::add(mx::array(opts.atol, rdt),
                          mx::multiply(mx::array(opts.rtol, rdt), mx::astype(abs_b, rdt, d), d), d);
  mx::array am = cast(ta, m), bm = cast(tb, m);
  mx::array diff = mx::subtract(am, bm, d);
  mx::array abs_diff = nx::is_unsigned(m) ? diff : mx::abs(diff, d);
  mx::array close = mx::less_equal(mx::astype(abs_diff, cdt, d), mx::astype(rhs, cdt, d), d);
  if (!integers) {
    mx::array a0 = array_of(ta), b0 = array_of(tb);
    mx::array inf = mx::logical_or(inf_mask(a0, d), inf_mask(b0, d), d);
    close = mx::where(inf, mx::equal(am, bm, d), close, d);
    if (opts.equal_nan) close = mx::logical_or(close, mx::logical_and(nan_mask(a0, d), nan_mask(b0, d), d), d);
  }
  return wrap(out, mx::astype(mx::all(close, false, d), mx::uint8, d));
}

}  // namespace emily
