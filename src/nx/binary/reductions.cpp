// Reference backend: reductions and arg-reductions.
#include <cmath>
#include <cstring>
#include <set>

#include "binary_backend.hpp"
#include "nx/creation.hpp"

namespace nx {

using host::add_wrap;
using host::cdouble;
using host::mul_wrap;

namespace {

// For every input element (row-major), the flat index of its output element.
std::vector<std::int64_t> output_index(const Shape& shape, const std::optional<AxisIndices>& axes) {
  const int r = static_cast<int>(shape.size());
  std::set<int> reduced;
  if (axes) reduced.insert(axes->begin(), axes->end());
  else for (int d = 0; d < r; ++d) reduced.insert(d);
  Shape kept;
  for (int d = 0; d < r; ++d)
    if (!reduced.count(d)) kept.push_back(shape[static_cast<std::size_t>(d)]);
  auto kept_strides = host::strides_of(kept);
  std::vector<std::int64_t> map(static_cast<std::size_t>(shape_size(shape)));
  std::vector<std::int64_t> idx(static_cast<std::size_t>(r), 0);
  for (std::size_t i = 0; i < map.size(); ++i) {
    std::int64_t o = 0;
    for (int d = 0, k = 0; d < r; ++d)
      if (!reduced.count(d)) o += idx[static_cast<std::size_t>(d)] * kept_strides[static_cast<std::size_t>(k++)];
    map[i] = o;
    host::next_index(idx, shape);
  }
  return map;
}

template <class C, class F>
std::vector<C> fold(const Tensor& t, const Spec& out, const ReduceCallbackOptions& opts, F&& f) {
  auto v = host::read<C>(t);
  auto map = output_index(t.shape(), opts.axes);
  std::vector<C> acc(static_cast<std::size_t>(out.size()));
  std::vector<bool> seen(acc.size(), false);
  for (std::size_t i = 0; i < v.size(); ++i) {
    auto o = static_cast<std::size_t>(map[i]);
    if (!seen[o]) {
      acc[o] = v[i];
      seen[o] = true;
    } else {
      acc[o] = f(acc[o], v[i]);
    }
  }
  return acc;
}


template <class C>
bool is_nan_v(C v) {
  if constexpr (std::is_same_v<C, double>) return std::isnan(v);
  else return false;
}

}  // namespace

Tensor BinaryBackend::sum(const Spec& out, const Tensor& t, const ReduceCallbackOptions& opts) {
  return host::with_compute(out.type, [&](auto tag) {
    using C = decltype(tag);
    return host::write(out, fold<C>(t, out, opts, [](C a, C b) { return add_wrap(a, b); }));
  });
}

Tensor BinaryBackend::product(const Spec& out, const Tensor& t, const ReduceCallbackOptions& opts) {
  return host::with_compute(out.type, [&](auto tag) {
    using C = decltype(tag);
    return host::write(out, fold<C>(t, out, opts, [](C a, C b) { return mul_wrap(a, b); }));
  });
}

Tensor BinaryBackend::reduce_max(const Spec& out, const Tensor& t, const ReduceCallbackOptions& opts) {
  return host::with_compute(out.type, [&](auto tag) {
    using C = decltype(tag);
    if constexpr (std::is_same_v<C, cdouble>) {
      return Tensor();  // complex rejected by the front end
    } else {
      return host::write(out, fold<C>(t, out, opts, [](C a, C b) {
                           if (is_nan_v(a) || is_nan_v(b)) return std::is_same_v<C, double> ? C(NAN) : a;
                           return a > b ? a : b;
                         }));
    }
  });
}

Tensor BinaryBackend::reduce_min(const Spec& out, const Tensor& t, const ReduceCallbackOptions& opts) {
  return host::with_compute(out.type, [&](auto tag) {
    using C = decltype(tag);
    if constexpr (std::is_same_v<C, cdouble>) {
      return Tensor();
    } else {
      return host::write(out, fold<C>(t, out, opts, [](C a, C b) {
                           if (is_nan_v(a) || is_nan_v(b)) return std::is_same_v<C, double> ? C(NAN) : a;
                           return a < b ? a : b;
                         }));
    }
  });
}

Tensor BinaryBackend::all(const Spec& out, const Tensor& t, const ReduceCallbackOptions& opts) {
  auto v = host::read<cdouble>(t);
  auto map = output_index(t.shape(), opts.axes);
  std::vector<std::int64_t> r(static_cast<std::size_t>(out.size()), 1);
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!host::truthy(v[i])) r[static_cast<std::size_t>(map[i])] = 0;
  return host::write(out, r);
}

Tensor BinaryBackend::any(const Spec& out, const Tensor& t, const ReduceCallbackOptions& opts) {
  auto v = host::read<cdouble>(t);
  auto map = output_index(t.shape(), opts.axes);
  std::vector<std::int64_t> r(static_cast<std::size_t>(out.size()), 0);
  for (std::size_t i = 0; i < v.size(); ++i)
    if (host::truthy(v[i])) r[static_cast<std::size_t>(map[i])] = 1;
  return host::write(out, r);
}

namespace {

// argmax (is_max) / argmin along `axis` (or the flattening), Nx tie rules:
// ties -> first (low) or last (high) occurrence; any NaN wins (the last NaN).
Tensor arg_reduce(const Spec& out, const Tensor& t, const ArgReduceCallbackOptions& opts, bool is_max) {
  return host::with_compute(t.type(), [&](auto tag) {
    using C = decltype(tag);
    if constexpr (std::is_same_v<C, cdouble>) {
      return Tensor();
    } else {
      auto v = host::read<C>(t);
      std::int64_t len, inner, outer;
      if (!opts.axis) {
        len = t.size(); inner = 1; outer = 1;
      } else {
        const auto a = static_cast<std::size_t>(*opts.axis);
        len = t.shape()[a];
        inner = 1;
        for (std::size_t d = a + 1; d < t.shape().size(); ++d) inner *= t.shape()[d];
        outer = t.size() / (len * inner);
      }
      std::vector<std::int64_t> r(static_cast<std::size_t>(outer * inner));
      for (std::int64_t o = 0; o < outer; ++o) {
        for (std::int64_t in = 0; in < inner; ++in) {
          std::int64_t best = -1, nan_at = -1;
          C bv{};
          for (std::int64_t k = 0; k < len; ++k) {
            C x = v[static_cast<std::size_t>((o * len + k) * inner + in)];
            if (is_nan_v(x)) {
              nan_at = k;
              continue;
            }
            if (best < 0) {
              best = k;
              bv = x;
              continue;
            }
            bool better = is_max ? x > bv : x < bv;
            if (better || (x == bv && opts.tie_break == TieBreak::high)) {
              bv = x;
              best = k;
            }
          }
          r[static_cast<std::size_t>(o * inner + in)] = nan_at >= 0 ? nan_at : best;
        }
      }
      return host::write(out, r);
    }
  });
}

}  // namespace

Tensor BinaryBackend::argmax(const Spec& out, const Tensor& t, const ArgReduceCallbackOptions& opts) {
  return arg_reduce(out, t, opts, true);
}
Tensor BinaryBackend::argmin(const Spec& out, const Tensor& t, const ArgReduceCallbackOptions& opts) {
  return arg_reduce(out, t, opts, false);
}

Tensor BinaryBackend::reduce(const Spec& out, const Tensor& t, const Tensor& acc,
                             const ReduceCallbackOptions& opts, const ReduceFn& fn) {
  // Folds fn(element, acc) over scalar tensors, like Nx's reference.
  auto self = binary_backend();
  auto map = output_index(t.shape(), opts.axes);
  std::vector<std::uint8_t> scratch;
  const auto& bytes = host::bytes_of(t, scratch);
  const int eb = element_bytes(t.type());
  Spec scalar_in{{}, t.type(), {}};
  Spec scalar_out{{}, out.type, {}};
  Tensor acc0 = self->as_type(scalar_out, acc);
  std::vector<Tensor> accs(static_cast<std::size_t>(out.size()), acc0);
  for (std::size_t i = 0; i < map.size(); ++i) {
    std::vector<std::uint8_t> one(bytes.begin() + static_cast<std::ptrdiff_t>(i) * eb,
                                  bytes.begin() + static_cast<std::ptrdiff_t>(i + 1) * eb);
    Tensor e = host::write_bytes(scalar_in, std::move(one));
    auto& a = accs[static_cast<std::size_t>(map[i])];
    Tensor r = fn(e, a);
    if (r.shape() != Shape{}) raise("reduce", "the reducer must return a scalar");
    a = r.type() == out.type && r.backend().get() == this ? r : self->as_type(scalar_out, r);
  }
  std::vector<std::uint8_t> result(static_cast<std::size_t>(out.size() * element_bytes(out.type)));
  const int ob = element_bytes(out.type);
  for (std::size_t o = 0; o < accs.size(); ++o) {
    std::vector<std::uint8_t> s2;
    const auto& b = host::bytes_of(accs[o], s2);
    std::memcpy(result.data() + o * static_cast<std::size_t>(ob), b.data(), static_cast<std::size_t>(ob));
  }
  return host::write_bytes(out, std::move(result));
}

}  // namespace nx
