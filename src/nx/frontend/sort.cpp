// Front end: sort, argsort and top_k.
#include "common.hpp"

namespace nx {

namespace {

void reject_complex(std::string_view op, const Tensor& t) {
  if (is_complex(t.type())) raise(op, "cannot sort complex tensors, got: " + front::type_name(t.type()));
}

SortCallbackOptions normalized(std::string_view op, const Tensor& t, const SortOptions& opts) {
  reject_complex(op, t);
  return {front::normalize_axis(op, opts.axis, t), opts.direction, opts.stable};
}

}  // namespace

Tensor sort(const Tensor& t, const SortOptions& opts) {
  SortCallbackOptions norm = normalized("sort", t, opts);
  if (opts.type) raise("sort", "the type option applies to argsort only");
  return t.backend()->sort(t.spec(), t, norm);
}

Tensor argsort(const Tensor& t, const SortOptions& opts) {
  SortCallbackOptions norm = normalized("argsort", t, opts);
  Type type = opts.type.value_or(s32);
  if (!is_integer(type)) raise("argsort", "type must be an integer type, got: " + front::type_name(type));
  return t.backend()->argsort(Spec{t.shape(), type, t.names()}, t, norm);
}

std::pair<Tensor, Tensor> top_k(const Tensor& t, std::int64_t k) {
  reject_complex("top_k", t);
  if (t.rank() == 0) raise("top_k", "expects a tensor of rank at least 1, got a scalar");
  const std::int64_t last = t.shape().back();
  if (k < 1 || k > last)
    raise("top_k", "k must be between 1 and the size of the last axis (" + std::to_string(last) + "), got " +
                       std::to_string(k));
  Shape shape = t.shape();
  shape.back() = k;
  std::vector<Spec> out = {Spec{shape, t.type(), t.names()}, Spec{shape, s32, t.names()}};
  auto r = t.backend()->top_k(out, t, k);
  return {r.at(0), r.at(1)};
}

}  // namespace nx
