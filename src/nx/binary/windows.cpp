// Reference backend: window reductions and window scatters.
//
// Every window op walks the same table: for each output position (row-major)
// and each window offset (row-major), the flat index of the input element it
// covers, or -1 where the window lies in the padding.
#include <cmath>
#include <cstring>
#include <limits>

#include "binary_backend.hpp"

namespace nx {

using host::add_wrap;
using host::cdouble;
using host::mul_wrap;

namespace {

struct WindowTable {
  std::int64_t outputs = 0, window_size = 0;
  std::vector<std::int64_t> index;  // outputs * window_size entries
  std::int64_t at(std::int64_t o, std::int64_t j) const {
    return index[static_cast<std::size_t>(o * window_size + j)];
  }
};

WindowTable window_table(const Shape& in, const Shape& out, const Shape& window, const WindowOptions& opts) {
  const std::size_t r = in.size();
  WindowTable tab;
  tab.outputs = shape_size(out);
  tab.window_size = shape_size(window);
  tab.index.resize(static_cast<std::size_t>(tab.outputs * tab.window_size));
  auto in_strides = host::strides_of(in);
  auto param = [&](const std::vector<std::int64_t>& v, std::size_t d) { return v.empty() ? 1 : v[d]; };
  std::vector<std::int64_t> o(r, 0), j(r, 0);
  std::size_t n = 0;
  for (std::int64_t oi = 0; oi < tab.outputs; ++oi) {
    std::fill(j.begin(), j.end(), 0);
    for (std::int64_t ji = 0; ji < tab.window_size; ++ji) {
      std::int64_t flat = 0;
      bool inside = true;
      for (std::size_t d = 0; d < r; ++d) {
        const std::int64_t low = opts.padding.empty() ? 0 : opts.padding[d].first;
        const std::int64_t x = o[d] * param(opts.strides, d) + j[d] * param(opts.window_dilations, d) - low;
        if (x < 0 || x >= in[d]) {
          inside = false;
          break;
        }
        flat += x * in_strides[d];
      }
      tab.index[n++] = inside ? flat : -1;
      host::next_index(j, window);
    }
    host::next_index(o, out);
  }
  return tab;
}


// The smallest (or largest) value of `t`: the identity of max (min).
template <class C>
C type_extreme(Type t, bool lowest) {
  if constexpr (std::is_floating_point_v<C>) {
    if (supports_infinity(t)) return lowest ? -INFINITY : INFINITY;
    return lowest ? -448.0 : 448.0;  // f8_e4m3fn has no infinities
  } else {
    return static_cast<C>(lowest ? element::int_min(t) : element::int_max(t));
  }
}

template <class C>
C nan_max(C a, C b) {
  if constexpr (std::is_floating_point_v<C>) {
    if (std::isnan(a) || std::isnan(b)) return NAN;
  }
  return a > b ? a : b;
}

template <class C>
C nan_min(C a, C b) {
  if constexpr (std::is_floating_point_v<C>) {
    if (std::isnan(a) || std::isnan(b)) return NAN;
  }
  return a < b ? a : b;
}

enum class Fold { sum, product, max, min };

Tensor window_fold(const Spec& out, const Tensor& t, const Shape& window, const WindowOptions& opts, Fold fold) {
  auto tab = window_table(t.shape(), out.shape, window, opts);
  return host::with_compute(out.type, [&](auto tag) {
    using C = decltype(tag);
    auto v = host::read<C>(t);
    std::vector<C> r(static_cast<std::size_t>(tab.outputs));
    if constexpr (std::is_same_v<C, cdouble>) {
      // Only sum and product accept complex tensors (front end).
      for (std::int64_t o = 0; o < tab.outputs; ++o) {
        C acc = fold == Fold::sum ? C(0) : C(1);
        for (std::int64_t j = 0; j < tab.window_size; ++j) {
          const std::int64_t i = tab.at(o, j);
          if (i < 0) continue;  // the padding holds the identity
          acc = fold == Fold::sum ? acc + v[static_cast<std::size_t>(i)] : acc * v[static_cast<std::size_t>(i)];
        }
        r[static_cast<std::size_t>(o)] = acc;
      }
    } else {
      const C identity = fold == Fold::sum ? C(0)
                         : fold == Fold::product ? C(1)
                         : type_extreme<C>(out.type, fold == Fold::max);
      for (std::int64_t o = 0; o < tab.outputs; ++o) {
        C acc = identity;
        for (std::int64_t j = 0; j < tab.window_size; ++j) {
          const std::int64_t i = tab.at(o, j);
          const C x = i < 0 ? identity : v[static_cast<std::size_t>(i)];
          switch (fold) {
            case Fold::sum: acc = add_wrap(acc, x); break;
            case Fold::product: acc = mul_wrap(acc, x); break;
            case Fold::max: acc = nan_max(acc, x); break;
            case Fold::min: acc = nan_min(acc, x); break;
          }
        }
        r[static_cast<std::size_t>(o)] = acc;
      }
    }
    return host::write(out, r);
  });
}

}  // namespace

Tensor BinaryBackend::window_sum(const Spec& out, const Tensor& t, const Shape& window, const WindowOptions& opts) {
  return window_fold(out, t, window, opts, Fold::sum);
}

Tensor BinaryBackend::window_product(const Spec& out, const Tensor& t, const Shape& window,
                                     const WindowOptions& opts) {
  return window_fold(out, t, window, opts, Fold::product);
}

Tensor BinaryBackend::window_max(const Spec& out, const Tensor& t, const Shape& window, const WindowOptions& opts) {
  return window_fold(out, t, window, opts, Fold::max);
}

Tensor BinaryBackend::window_min(const Spec& out, const Tensor& t, const Shape& window, const WindowOptions& opts) {
  return window_fold(out, t, window, opts, Fold::min);
}

Tensor BinaryBackend::window_reduce(const Spec& out, const Tensor& t, const Tensor& acc, const Shape& window,
                                    const WindowOptions& opts, const ReduceFn& fn) {
  // Like reduce: fn(element, acc) on scalar tensors, from `acc`, over the
  // window in row-major order; padding positions hold `acc`.
  auto tab = window_table(t.shape(), out.shape, window, opts);
  std::vector<std::uint8_t> scratch;
  const auto& bytes = host::bytes_of(t, scratch);
  const int eb = element_bytes(t.type());
  const Spec scalar_in{{}, t.type(), {}};
  const Spec scalar_out{{}, out.type, {}};
  const Tensor acc0 = as_type(scalar_out, acc);
  const int ob = element_bytes(out.type);
  std::vector<std::uint8_t> result(static_cast<std::size_t>(out.size() * ob));
  for (std::int64_t o = 0; o < tab.outputs; ++o) {
    Tensor a = acc0;
    for (std::int64_t j = 0; j < tab.window_size; ++j) {
      const std::int64_t i = tab.at(o, j);
      Tensor e = acc0;
      if (i >= 0) {
        const auto begin = bytes.begin() + static_cast<std::ptrdiff_t>(i) * eb;
        e = host::write_bytes(scalar_in, std::vector<std::uint8_t>(begin, begin + eb));
      }
      Tensor r = fn(e, a);
      if (r.shape() != Shape{}) raise("window_reduce", "the reducer must return a scalar");
      a = r.type() == out.type && r.backend().get() == this ? r : as_type(scalar_out, r);
    }
    std::vector<std::uint8_t> s2;
    const auto& b = host::bytes_of(a, s2);
    std::memcpy(result.data() + o * ob, b.data(), static_cast<std::size_t>(ob));
  }
  return host::write_bytes(out, std::move(result));
}

namespace {

// For every window, the flat index in `t` of the element it selects (-1 when
// the selection falls in the padding). Scans the window in row-major order
// comparing with >= (max) or <= (min): ties select the last position; a NaN
// is selected only when it is the first element of the window.
template <class C>
std::vector<std::int64_t> select_positions(const std::vector<C>& v, C pad, const WindowTable& tab, bool is_max) {
  std::vector<std::int64_t> chosen(static_cast<std::size_t>(tab.outputs));
  for (std::int64_t o = 0; o < tab.outputs; ++o) {
    std::int64_t best_i = tab.at(o, 0);
    C best = best_i < 0 ? pad : v[static_cast<std::size_t>(best_i)];
    for (std::int64_t j = 1; j < tab.window_size; ++j) {
      const std::int64_t i = tab.at(o, j);
      const C x = i < 0 ? pad : v[static_cast<std::size_t>(i)];
      if (is_max ? x >= best : x <= best) {
        best = x;
        best_i = i;
      }
    }
    chosen[static_cast<std::size_t>(o)] = best_i;
  }
  return chosen;
}

Tensor window_scatter(BinaryBackend& self, const Spec& out, const Tensor& t, const Tensor& source,
                      const Tensor& init_value, const Shape& window, const WindowOptions& opts, bool is_max) {
  // Selection happens in merge(t, init_value), the type Nx pads `t` into.
  const Type sel = merge(t.type(), init_value.type());
  auto tab = window_table(t.shape(), source.shape(), window, opts);
  const Tensor ts = t.type() == sel ? t : self.as_type(Spec{t.shape(), sel, {}}, t);
  const Tensor pad = self.as_type(Spec{{}, sel, {}}, init_value);
  std::vector<std::int64_t> chosen = host::with_compute(sel, [&](auto tag) {
    using C = decltype(tag);
    if constexpr (std::is_same_v<C, cdouble>) {
      raise("window_scatter", "complex tensors cannot be compared");
      return std::vector<std::int64_t>();
    } else {
      return select_positions(host::read<C>(ts), host::read<C>(pad)[0], tab, is_max);
    }
  });
  return host::with_compute(out.type, [&](auto tag) {
    using C = decltype(tag);
    const C init = host::read<C>(self.as_type(Spec{{}, out.type, {}}, init_value))[0];
    const auto src = host::read<C>(self.as_type(Spec{source.shape(), out.type, {}}, source));
    std::vector<C> r(static_cast<std::size_t>(out.size()), init);
    for (std::size_t o = 0; o < chosen.size(); ++o)
      if (chosen[o] >= 0) {
        auto& cell = r[static_cast<std::size_t>(chosen[o])];
        cell = add_wrap(cell, src[o]);
      }
    return host::write(out, r);
  });
}

}  // namespace

Tensor BinaryBackend::window_scatter_max(const Spec& out, const Tensor& t, const Tensor& source,
                                         const Tensor& init_value, const Shape& window, const WindowOptions& opts) {
  return window_scatter(*this, out, t, source, init_value, window, opts, true);
}

Tensor BinaryBackend::window_scatter_min(const Spec& out, const Tensor& t, const Tensor& source,
                                         const Tensor& init_value, const Shape& window, const WindowOptions& opts) {
  return window_scatter(*this, out, t, source, init_value, window, opts, false);
}

}  // namespace nx
