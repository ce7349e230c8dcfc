// Emily: reductions and arg-reductions on MLX; f32 and f64 on the CPU take
// Emily's kernels (src/emily/cpu/reduce.hpp), and the CUDA GPU its own
// kernels (cuda_kernels.hpp), where they apply.
#include "cpu/reduce.hpp"
#include "cuda_kernels.hpp"
#include "emily_backend.hpp"
#include "fallback.hpp"

namespace emily {

namespace {

std::vector<int> mx_axes(const std::optional<nx::AxisIndices>& axes, int rank) {
  std::vector<int> out;
  if (axes) out.assign(axes->begin(), axes->end());
  else for (int d = 0; d < rank; ++d) out.push_back(d);
  return out;
}

// f16 and bf16 accumulate in f32 and are stored once (like the reference,
// which accumulates in double).
nx::Type accumulator(nx::Type t) { return t == nx::f16 || t == nx::bf16 ? nx::f32 : t; }

// Emily's CPU kernel for k, where it applies (same input and output type).
std::optional<mx::array> reduce_kernel(cpu::Reduce k, const Backend& self, const Spec& out, const Tensor& t,
                                       const nx::ReduceCallbackOptions& opts) {
  if (t.type() != out.type) return std::nullopt;
  return cpu::reduce(k, self.array_of(t), mx_axes(opts.axes, t.rank()), opts.keep_axes, self.mx_device(out.type));
}

}  // namespace

Tensor Backend::sum(const Spec& out, const Tensor& t, const nx::ReduceCallbackOptions& opts) {
  if (!mlx_supports(t.type()) || !mlx_supports(out.type))
    return fallback::run(*this, "sum", &nx::Backend::sum, out, t, opts);
  if (auto r = reduce_kernel(cpu::Reduce::sum, *this, out, t, opts)) return wrap(out, *std::move(r));
  auto d = mx_device(out.type);
  // One axis on the CUDA GPU: f32 accumulation without an f32 copy of a half input.
  if (opts.axes && opts.axes->size() == 1 && t.type() == out.type) {
    if (auto r = cuda::sum(array_of(t), (*opts.axes)[0], opts.keep_axes, to_dtype(out.type, "sum"), d))
      return wrap(out, *r);
  }
  return wrap(out, mx::sum(cast(t, accumulator(out.type)), mx_axes(opts.axes, t.rank()), opts.keep_axes, d));
}

Tensor Backend::product(const Spec& out, const Tensor& t, const nx::ReduceCallbackOptions& opts) {
  if (!mlx_supports(t.type()) || !mlx_supports(out.type))
    return fallback::run(*this, "product", &nx::Backend::product, out, t, opts);
  if (auto r = reduce_kernel(cpu::Reduce::product, *this, out, t, opts)) return wrap(out, *std::move(r));
  auto d = mx_device(out.type);
  return wrap(out, mx::prod(cast(t, accumulator(out.type)), mx_axes(opts.axes, t.rank()), opts.keep_axes, d));
}

Tensor Backend::reduce_max(const Spec& out, const Tensor& t, const nx::ReduceCallbackOptions& opts) {
  if (!mlx_supports(t.type()))
    return fallback::run(*this, "reduce_max", &nx::Backend::reduce_max, out, t, opts);
  if (auto r = reduce_kernel(cpu::Reduce::max, *this, out, t, opts)) return wrap(out, *std::move(r));
  auto d = mx_device(out.type);
  return wrap(out, mx::max(array_of(t), mx_axes(opts.axes, t.rank()), opts.keep_axes, d));
}

Tensor Backend::reduce_min(const Spec& out, const Tensor& t, const nx::ReduceCallbackOptions& opts) {
  if (!mlx_supports(t.type()))
    return fallback::run(*this, "reduce_min", &nx::Backend::reduce_min, out, t, opts);
  if (auto r = reduce_kernel(cpu::Reduce::min, *this, out, t, opts)) return wrap(out, *std::move(r));
  auto d = mx_device(out.type);
  return wrap(out, mx::min(array_of(t), mx_axes(opts.axes, t.rank()), opts.keep_axes, d));
}

Tensor Backend::all(const Spec& out, const Tensor& t, const nx::ReduceCallbackOptions& opts) {
  if (!mlx_supports(t.type())) return fallback::run(*this, "all", &nx::Backend::all, out, t, opts);
  auto d = mx_device(t.type());
  mx::array a = array_of(t);
  mx::array b = mx::not_equal(a, mx::array(0, a.dtype()), d);
  return wrap(out, mx::astype(mx::all(b, mx_axes(opts.axes, t.rank()), opts.keep_axes, d), mx::uint8, d));
}

Tensor Backend::any(const Spec& out, const Tensor& t, const nx::ReduceCallbackOptions& opts) {
  if (!mlx_supports(t.type())) return fallback::run(*this, "any", &nx::Backend::any, out, t, opts);
  auto d = mx_device(t.type());
  mx::array a = array_of(t);
  mx::array b = mx::not_equal(a, mx::array(0, a.dtype()), d);
  return wrap(out, mx::astype(mx::any(b, mx_axes(opts.axes, t.rank()), opts.keep_axes, d), mx::uint8, d));
}

namespace {

// Nx's arg-reduction: ties -> first (low) or last (high); any NaN wins and
// the last NaN is reported (MLX ignores NaN, so it is handled separately).
mx::array arg_reduce(const mx::array& a0, const nx::ArgReduceCallbackOptions& opts, bool is_max, bool is_float,
                     mx::Device d) {
  // Emily's CPU kernel follows the same rules in one pass.
  if (auto r = cpu::arg_reduce(is_max, opts.tie_break == nx::TieBreak::high, a0, opts.axis,
                               opts.keep_axis && opts.axis.has_value(), d))
    return *std::move(r);
  mx::array a = opts.axis ? a0 : mx::reshape(a0, {-1}, d);
  const int axis = opts.axis ? *opts.axis : 0;
  if (is_float) {
    const bool keep = opts.keep_axis && opts.axis.has_value();
    if (auto r = cuda::arg_reduce(a, axis, keep, is_max, opts.tie_break == nx::TieBreak::high, d)) return *r;
  }
  const int n = a.shape(axis);
  auto reduce = [&](const mx::array& x) {
    return is_max ? mx::argmax(x, axis, opts.keep_axis && opts.axis.has_value(), d)
                  : mx::argmin(x, axis, opts.keep_axis && opts.axis.has_value(), d);
  };
  auto from_end = [&](const mx::array& idx) {
    return mx::subtract(mx::array(n - 1, mx::int32), mx::astype(idx, mx::int32, d), d);
  };
  mx::array idx = opts.tie_break == nx::TieBreak::high ? from_end(reduce(mx::flip(a, axis, d)))
                                                       : mx::astype(reduce(a), mx::int32, d);
  if (!is_float) return idx;
  mx::array nan = mx::isnan(a, d);
  mx::array has_nan = mx::any(nan, axis, opts.keep_axis && opts.axis.has_value(), d);
  mx::array last_nan = from_end(mx::argmax(mx::flip(nan, axis, d), axis, opts.keep_axis && opts.axis.has_value(), d));
  return mx::where(has_nan, last_nan, idx, d);
}

}  // namespace

Tensor Backend::argmax(const Spec& out, const Tensor& t, const nx::ArgReduceCallbackOptions& opts) {
  if (!mlx_supports(t.type())) return fallback::run(*this, "argmax", &nx::Backend::argmax, out, t, opts);
  return wrap(out, arg_reduce(array_of(t), opts, true, nx::is_float(t.type()), mx_device(t.type())));
}

Tensor Backend::argmin(const Spec& out, const Tensor& t, const nx::ArgReduceCallbackOptions& opts) {
  if (!mlx_supports(t.type())) return fallback::run(*this, "argmin", &nx::Backend::argmin, out, t, opts);
  return wrap(out, arg_reduce(array_of(t), opts, false, nx::is_float(t.type()), mx_device(t.type())));
}

// Softmax on Emily's CPU kernel (f32, f64), else MLX's kernel (f16/bf16
// accumulate in f32); the composition for types MLX cannot hold.
Tensor Backend::softmax(const Spec& out, const Tensor& t, int axis) {
  if (mlx_supports(out.type) && mlx_supports(t.type()))
    if (auto r = cpu::softmax(cast(t, out.type), axis, mx_device(out.type))) return wrap(out, *std::move(r));
  // f64 composes: MLX's f64 exp is only accurate to about 1e-7 relative.
  if (!mlx_supports(out.type) || !mlx_supports(t.type()) || out.type == nx::f64)
    return nx::Backend::softmax(out, t, axis);
  auto d = mx_device(out.type);
  return wrap(out, mx::softmax(cast(t, out.type), std::vector<int>{axis}, out.type.bits == 16, d));
}

// The reducer is an arbitrary C++ function of scalar tensors: it runs on the
// reference backend, element by element, as in Nx.
Tensor Backend::reduce(const Spec& out, const Tensor& t, const Tensor& acc, const nx::ReduceCallbackOptions& opts,
                       const nx::ReduceFn& fn) {
  return fallback::run(*this, "reduce", &nx::Backend::reduce, out, t, acc, opts, fn);
}

}  // namespace emily
