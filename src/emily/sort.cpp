// Emily: sort and argsort on MLX.
//
// mx::sort/argsort are ascending, stable and put NaN last, which is Nx's
// ascending order. Descending runs the ascending sort on the input reversed
// along the axis and reverses the result: equal elements then come out in
// ascending original order (stable) and NaN first, as Nx wants; argsort maps
// the positions back with i -> n - 1 - i.
#include "emily_backend.hpp"
#include "fallback.hpp"

namespace emily {

namespace {

mx::array sorted_indices(const mx::array& a, int axis, nx::Direction direction, mx::Device d) {
  if (direction == nx::Direction::asc) return mx::astype(mx::argsort(a, axis, d), mx::int64, d);
  const int n = a.shape(axis);
  mx::array idx = mx::astype(mx::flip(mx::argsort(mx::flip(a, axis, d), axis, d), axis, d), mx::int64, d);
  return mx::subtract(mx::array(static_cast<std::int64_t>(n - 1), mx::int64), idx, d);
}

}  // namespace

Tensor Backend::sort(const Spec& out, const Tensor& t, const nx::SortCallbackOptions& opts) {
  if (!mlx_supports(t.type())) return fallback::run(*this, "sort", &nx::Backend::sort, out, t, opts);
  auto d = mx_device(t.type());
  mx::array a = array_of(t);
  if (opts.direction == nx::Direction::asc) return wrap(out, mx::sort(a, opts.axis, d));
  return wrap(out, mx::flip(mx::sort(mx::flip(a, opts.axis, d), opts.axis, d), opts.axis, d));
}

Tensor Backend::argsort(const Spec& out, const Tensor& t, const nx::SortCallbackOptions& opts) {
  if (!mlx_supports(t.type()) || !mlx_supports(out.type))
    return fallback::run(*this, "argsort", &nx::Backend::argsort, out, t, opts);
  auto d = mx_device(t.type());
  return wrap(out, sorted_indices(array_of(t), opts.axis, opts.direction, d));
}

}  // namespace emily
