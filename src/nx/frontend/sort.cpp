// Front end: sort, argsort and top_k.
#include "common.hpp"

namespace nx {

namespace {

// `function` is the Nx function that raises: top_k sorts with argsort.
void reject_complex(std::string_view op, const Tensor& t, std::string_view function) {
  if (is_complex(t.type())) front::raise_complex_not_supported(op, function, 2);
}

SortCallbackOptions normalized(std::string_view op, const Tensor& t, const SortOptions& opts) {
  reject_complex(op, t, op);
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
  if (k < 1) raise("top_k", "top_k k must be an integer greater than or equal to 1, got k=" + std::to_string(k));
  if (t.rank() == 0) raise("top_k", "top_k input must have at least rank 1");
  const std::int64_t last = t.shape().back();
  if (k > last)
    raise("top_k", "top_k input last axis size must be greater than or equal to k, got size=" + std::to_string(last) +
                       " and k=" + std::to_string(k));
  reject_complex("top_k", t, "argsort");
  Shape shape = t.shape();
  shape.back() = k;
  std::vector<Spec> out = {Spec{shape, t.type(), t.names()}, Spec{shape, s32, t.names()}};
  auto r = t.backend()->top_k(out, t, k);
  return {r.at(0), r.at(1)};
}

}  // namespace nx
