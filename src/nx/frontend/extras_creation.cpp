// Front end: Nx.fill and Nx.linspace between tensors.
#include "common.hpp"

namespace nx {

Tensor fill(const Tensor& t, const Scalar& value, const FillOptions& opts) {
  const Type type = opts.type ? *opts.type : merge_number(t.type(), value);
  Tensor out = broadcast(front::scalar_tensor(value, t.backend(), type), t.shape());
  return t.names().empty() ? out : rename(out, t.names());
}

// Nx.linspace with tensors: start + iota * step along a new last axis,
// computed after casting start and stop to the result type, converted once.
Tensor linspace(const Tensor& start0, const Tensor& stop0, const LinspaceOptions& opts) {
  if (opts.n < 1) raise("linspace", "expected n to be a non-negative integer, got: " + std::to_string(opts.n));
  if (is_complex(start0.type()) || is_complex(stop0.type())) raise("linspace", "start and stop must be real numbers");
  if (start0.shape() != stop0.shape())
    raise("linspace", "expected start and stop to have the same shape. Got shapes " + shape_to_string(start0.shape()) +
                          " and " + shape_to_string(stop0.shape()));
  front::check_names("linspace", opts.names, start0.rank() + 1);
  const BackendPtr backend = front::pick_backend("linspace", {&start0, &stop0});
  const Tensor start = new_axis(as_type(front::on(start0, backend), opts.type), -1);
  const Tensor stop = new_axis(as_type(front::on(stop0, backend), opts.type), -1);
  Tensor out = start;
  if (opts.n > 1) {
    Shape shape = start0.shape();
    shape.push_back(opts.n);
    const Tensor steps = iota(shape, {.type = opts.type, .axis = start.rank() - 1, .names = {}, .backend = backend});
    const std::int64_t divisor = opts.endpoint ? opts.n - 1 : opts.n;
    const Tensor step = divide(subtract(stop, start), Scalar(static_cast<long long>(divisor)));
    out = as_type(add(multiply(steps, step), start), opts.type);
  }
  return opts.names.empty() ? out : rename(out, opts.names);
}

}  // namespace nx
