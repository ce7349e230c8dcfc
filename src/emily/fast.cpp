// emily::fast: MLX's fused kernels on Emily tensors, nx:: compositions elsewhere.
#include "emily/fast.hpp"

#include <mlx/fast.h>

#include <cmath>

#include "emily_backend.hpp"
#include "nx/defn.hpp"
#include "nx/nx.hpp"

namespace emily::fast {

namespace {

// The Emily backend owning `x` when MLX's fused kernel can take it.
Backend* fused_backend(const nx::Tensor& x, std::initializer_list<const nx::Tensor*> others = {}) {
  if (!is_emily(x)) return nullptr;
  if (x.type() != nx::f32 && x.type() != nx::f16 && x.type() != nx::bf16) return nullptr;
  for (const nx::Tensor* o : others)
    if (o && o->type() != x.type()) return nullptr;
  return static_cast<Backend*>(x.backend().get());
}

void check_last_axis(std::string_view op, const nx::Tensor& x, const std::optional<nx::Tensor>& p,
                     std::string_view what) {
  if (!p) return;
  if (p->rank() != 1 || p->dim(0) != x.dim(x.rank() - 1))
    nx::raise(op, std::string(what) + " must have shape {" + std::to_string(x.dim(x.rank() - 1)) + "}, got " +
                      nx::shape_to_string(p->shape()));
}

void check_float(std::string_view op, const nx::Tensor& x) {
  if (!nx::is_real_float(x.type())) nx::raise(op, "expects a real floating-point tensor, got " + nx::to_string(x.type()));
  if (x.rank() < 1) nx::raise(op, "expects a tensor of rank >= 1");
}

#if EMILY_DEBUG_DETECT_NAN_INF
nx::Tensor checked(std::string_view op, const nx::Tensor& t) { return detail::detect_nan_inf(op, t); }
#else
nx::Tensor checked(std::string_view, const nx::Tensor& t) { return t; }
#endif

// Inside nx::jit / nx::grad: one external node, so the graph keeps the fused
// kernel (a compiler calls it on real tensors) and differentiates
// `composed`. `call` runs the op on real tensors given the node's inputs.
bool traced(std::initializer_list<const nx::Tensor*> ts) {
  for (const nx::Tensor* t : ts)
    if (t && nx::defn::is_expr(*t)) return true;
  return false;
}

nx::Tensor record(std::string name, std::vector<nx::Tensor> inputs,
                  std::function<nx::Tensor(const std::vector<nx::Tensor>&)> call,
                  std::function<nx::Tensor(const std::vector<nx::Tensor>&)> composed) {
  const nx::Spec out = composed(inputs).spec();  // the spec the composition records
  return nx::defn::external("emily.fast." + name, out, inputs, std::move(call), std::move(composed));
}

// The optional inputs of a node, present ones in order after the first `at`.
std::optional<nx::Tensor> opt(const std::vector<nx::Tensor>& in, bool present, std::size_t& at) {
  if (!present) return std::nullopt;
  return in.at(at++);
}

nx::Tensor rms_norm_composed(const nx::Tensor& x, const std::optional<nx::Tensor>& weight, double eps) {
  auto ms = nx::mean(nx::multiply(x, x), {.axes = {{-1}}, .keep_axes = true});
  auto y = nx::multiply(x, nx::rsqrt(nx::add(ms, eps)));
  return weight ? nx::multiply(y, *weight) : y;
}

nx::Tensor layer_norm_composed(const nx::Tensor& x, const std::optional<nx::Tensor>& weight,
                               const std::optional<nx::Tensor>& bias, double eps) {
  auto m = nx::mean(x, {.axes = {{-1}}, .keep_axes = true});
  auto d = nx::subtract(x, m);
  auto var = nx::mean(nx::multiply(d, d), {.axes = {{-1}}, .keep_axes = true});
  auto y = nx::multiply(d, nx::rsqrt(nx::add(var, eps)));
  if (weight) y = nx::multiply(y, *weight);
  if (bias) y = nx::add(y, *bias);
  return y;
}

nx::Tensor rope_composed(const nx::Tensor& x, const RopeOptions& o);
nx::Tensor attention_composed(const nx::Tensor& q, const nx::Tensor& k, const nx::Tensor& v,
                              const AttentionOptions& o);

}  // namespace

nx::Tensor rms_norm(const nx::Tensor& x, const std::optional<nx::Tensor>& weight, double eps) {
  check_float("rms_norm", x);
  check_last_axis("rms_norm", x, weight, "weight");
  if (traced({&x, weight ? &*weight : nullptr})) {
    const bool w = weight.has_value();
    std::vector<nx::Tensor> in{x};
    if (w) in.push_back(*weight);
    auto with = [w](auto f) {
      return [w, f](const std::vector<nx::Tensor>& t) {
        std::size_t at = 1;
        return f(t[0], opt(t, w, at));
      };
    };
    return record("rms_norm", in, with([eps](const nx::Tensor& a, const std::optional<nx::Tensor>& b) { return rms_norm(a, b, eps); }),
                  with([eps](const nx::Tensor& a, const std::optional<nx::Tensor>& b) { return rms_norm_composed(a, b, eps); }));
  }
  if (Backend* b = fused_backend(x, {weight ? &*weight : nullptr})) {
    std::optional<mx::array> w;
    if (weight) w = b->array_of(*weight);
    return checked("rms_norm", b->wrap(x.spec(), mx::fast::rms_norm(b->array_of(x), w, static_cast<float>(eps),
                                                                     b->mx_device(x.type()))));
  }
  return checked("rms_norm", rms_norm_composed(x, weight, eps));
}

nx::Tensor layer_norm(const nx::Tensor& x, const std::optional<nx::Tensor>& weight,
                      const std::optional<nx::Tensor>& bias, double eps) {
  check_float("layer_norm", x);
  check_last_axis("layer_norm", x, weight, "weight");
  check_last_axis("layer_norm", x, bias, "bias");
  if (traced({&x, weight ? &*weight : nullptr, bias ? &*bias : nullptr})) {
    const bool w = weight.has_value(), bb = bias.has_value();
    std::vector<nx::Tensor> in{x};
    if (w) in.push_back(*weight);
    if (bb) in.push_back(*bias);
    auto with = [w, bb](auto f) {
      return [w, bb, f](const std::vector<nx::Tensor>& t) {
        std::size_t at = 1;
        auto wt = opt(t, w, at);
        return f(t[0], wt, opt(t, bb, at));
      };
    };
    using O = std::optional<nx::Tensor>;
    return record("layer_norm", in, with([eps](const nx::Tensor& a, const O& g, const O& c) { return layer_norm(a, g, c, eps); }),
                  with([eps](const nx::Tensor& a, const O& g, const O& c) { return layer_norm_composed(a, g, c, eps); }));
  }
  if (Backend* b = fused_backend(x, {weight ? &*weight : nullptr, bias ? &*bias : nullptr})) {
    std::optional<mx::array> w, bb;
    if (weight) w = b->array_of(*weight);
    if (bias) bb = b->array_of(*bias);
    return checked("layer_norm", b->wrap(x.spec(), mx::fast::layer_norm(b->array_of(x), w, bb, static_cast<float>(eps),
                                                                         b->mx_device(x.type()))));
  }
  return checked("layer_norm", layer_norm_composed(x, weight, bias, eps));
}

nx::Tensor rope(const nx::Tensor& x, const RopeOptions& o) {
  check_float("rope", x);
  if (x.rank() < 2) nx::raise("rope", "expects a tensor of rank >= 2 ([..., seq, features])");
  const std::int64_t feat = x.dim(x.rank() - 1);
  if (o.dims <= 0 || o.dims > feat || o.dims % 2 != 0)
    nx::raise("rope", "dims must be even and in [2, " + std::to_string(feat) + "], got " + std::to_string(o.dims));
  if (traced({&x}))
    return record("rope", {x}, [o](const std::vector<nx::Tensor>& t) { return rope(t[0], o); },
                  [o](const std::vector<nx::Tensor>& t) { return rope_composed(t[0], o); });
  if (Backend* b = fused_backend(x)) {
    return checked("rope", b->wrap(x.spec(), mx::fast::rope(b->array_of(x), o.dims, o.traditional,
                                                             static_cast<float>(o.base), static_cast<float>(o.scale),
                                                             o.offset, std::nullopt, b->mx_device(x.type()))));
  }
  return checked("rope", rope_composed(x, o));
}

nx::Tensor scaled_dot_product_attention(const nx::Tensor& q, const nx::Tensor& k, const nx::Tensor& v,
                                        const AttentionOptions& o) {
  const std::string_view op = "scaled_dot_product_attention";
  for (const nx::Tensor* t : {&q, &k, &v}) {
    check_float(op, *t);
    if (t->rank() != 4) nx::raise(op, "q, k and v must have rank 4 [batch, heads, seq, dim], got " +
                                          nx::shape_to_string(t->shape()));
  }
  if (k.shape() != v.shape()) nx::raise(op, "k and v must have the same shape");
  if (q.dim(0) != k.dim(0) || q.dim(3) != k.dim(3))
    nx::raise(op, "q " + nx::shape_to_string(q.shape()) + " and k " + nx::shape_to_string(k.shape()) +
                      " must agree on batch and head dim");
  if (q.dim(1) % k.dim(1) != 0) nx::raise(op, "query heads must be a multiple of key/value heads");
  if (traced({&q, &k, &v, o.mask ? &*o.mask : nullptr})) {
    std::vector<nx::Tensor> in{q, k, v};
    if (o.mask) in.push_back(*o.mask);
    auto with = [o](auto f) {
      return [o, f](const std::vector<nx::Tensor>& t) {
        AttentionOptions oo = o;
        if (o.mask) oo.mask = t.at(3);
        return f(t[0], t[1], t[2], oo);
      };
    };
    return record("scaled_dot_product_attention", in, with([](auto&... a) { return scaled_dot_product_attention(a...); }),
                  with([](auto&... a) { return attention_composed(a...); }));
  }
  Backend* b = fused_backend(q, {&k, &v});
  if (b && !(o.causal && o.mask)) {  // MLX takes one mask mode at a time
    std::optional<mx::array> mask;
    if (o.mask) mask = b->cast(*o.mask, q.type());
    std::string mode = o.causal ? "causal" : (mask ? "array" : "");
    mx::array r = mx::fast::scaled_dot_product_attention(b->array_of(q), b->array_of(k), b->array_of(v),
                                                         static_cast<float>(o.scale), mode, mask, std::nullopt,
                                                         false, b->mx_device(q.type()));
    return checked(op, b->wrap(q.spec(), r));
  }
  return checked(op, attention_composed(q, k, v, o));
}

namespace {

nx::Tensor rope_composed(const nx::Tensor& x, const RopeOptions& o) {
  const std::int64_t feat = x.dim(x.rank() - 1), seq = x.dim(x.rank() - 2);
  const int half = o.dims / 2, last = x.rank() - 1;
  const nx::BackendPtr& be = x.backend();
  // theta[p, i] = (offset + p) * scale * base^(-i / half)
  auto pos = nx::multiply(nx::add(nx::iota({seq, 1}, {.type = nx::f32, .backend = be}), o.offset), o.scale);
  auto inv = nx::exp(nx::multiply(nx::iota({1, half}, {.type = nx::f32, .backend = be}), -std::log(o.base) / half));
  auto theta = nx::multiply(pos, inv);
  auto cos = nx::as_type(nx::cos(theta), x.type()), sin = nx::as_type(nx::sin(theta), x.type());
  nx::Tensor x1, x2;
  if (o.traditional) {
    x1 = nx::slice_along_axis(x, 0, o.dims, last, 2);
    x2 = nx::slice_along_axis(x, 1, o.dims - 1, last, 2);
  } else {
    x1 = nx::slice_along_axis(x, 0, half, last);
    x2 = nx::slice_along_axis(x, half, half, last);
  }
  auto r1 = nx::subtract(nx::multiply(x1, cos), nx::multiply(x2, sin));
  auto r2 = nx::add(nx::multiply(x1, sin), nx::multiply(x2, cos));
  nx::Tensor rotated;
  if (o.traditional) {
    auto pairs = nx::stack({r1, r2}, x.rank());  // [..., seq, half, 2]
    nx::Shape shape = x.shape();
    shape.back() = o.dims;
    rotated = nx::reshape(pairs, shape);
  } else {
    rotated = nx::concatenate({r1, r2}, last);
  }
  if (o.dims < feat) rotated = nx::concatenate({rotated, nx::slice_along_axis(x, o.dims, feat - o.dims, last)}, last);
  return rotated;
}

nx::Tensor attention_composed(const nx::Tensor& q, const nx::Tensor& k, const nx::Tensor& v,
                              const AttentionOptions& o) {
  const std::int64_t groups = q.dim(1) / k.dim(1), L = q.dim(2), S = k.dim(2);
  nx::Tensor kk = k, vv = v;
  if (groups > 1) {  // repeat each key/value head for its query group
    auto rep = [&](const nx::Tensor& t) {
      auto e = nx::broadcast(nx::new_axis(t, 2), {t.dim(0), t.dim(1), groups, t.dim(2), t.dim(3)});
      return nx::reshape(e, {t.dim(0), t.dim(1) * groups, t.dim(2), t.dim(3)});
    };
    kk = rep(k);
    vv = rep(v);
  }
  auto scores = nx::multiply(nx::dot(q, {3}, {0, 1}, kk, {3}, {0, 1}), o.scale);  // [B, H, L, S]
  if (o.mask) scores = nx::add(scores, nx::as_type(*o.mask, scores.type()));
  if (o.causal) {
    // query i sees keys j <= i + (S - L)
    auto allowed = nx::less_equal(nx::iota({L, S}, {.axis = 1, .backend = q.backend()}),
                                  nx::add(nx::iota({L, S}, {.axis = 0, .backend = q.backend()}), S - L));
    scores = nx::select(nx::broadcast(allowed, scores.shape()), scores, -INFINITY);
    scores = nx::as_type(scores, q.type());
  }
  auto att = nx::softmax(scores, -1);
  return nx::dot(att, {3}, {0, 1}, vv, {2}, {0, 1});
}

}  // namespace

}  // namespace emily::fast
