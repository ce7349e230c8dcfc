// Front end: dot and outer.
#include <algorithm>
#include <tuple>
#include <utility>

#include "common.hpp"

namespace nx {

Tensor dot(const Tensor& a, const Axes& contract_a, const Axes& batch_a, const Tensor& b,
           const Axes& contract_b, const Axes& batch_b) {
  BackendPtr backend = front::pick_backend("dot", {&a, &b});
  Tensor x = front::on(a, backend), y = front::on(b, backend);
  const AxisIndices ca = front::normalize_axes("dot", contract_a, x);
  const AxisIndices cb = front::normalize_axes("dot", contract_b, y);
  const AxisIndices ba = front::normalize_axes("dot", batch_a, x);
  const AxisIndices bb = front::normalize_axes("dot", batch_b, y);
  // Nx.Shape.dot's checks, in its order.
  const std::size_t nb = ba.size();
  if (ba.empty() && !bb.empty()) raise("dot", "left tensor must be batched if right tensor is batched");
  if (!ba.empty() && bb.empty()) raise("dot", "right tensor must be batched if left tensor is batched");
  // Both lists must be [0, ..., nb - 1], nb counted on the left.
  const auto successive = [nb](const AxisIndices& b) {
    if (b.size() != nb) return false;
    for (std::size_t i = 0; i < nb; ++i)
      if (b[i] != static_cast<int>(i)) return false;
    return true;
  };
  for (const auto& [b, side] : {std::pair{&ba, "left"}, std::pair{&bb, "right"}})
    if (!b->empty() && !successive(*b))
      raise("dot", std::string("invalid dot batch axis for the ") + side +
                       " tensor, batch axes must be successive dimensions starting from 0, got " +
                       front::axes_to_string(*b));
  std::vector<std::int64_t> size_a, size_b;
  for (std::size_t i = 0; i < nb; ++i) {
    size_a.push_back(x.dim(ba[i]));
    size_b.push_back(y.dim(bb[i]));
  }
  if (size_a != size_b) {
    const auto list = [](const std::vector<std::int64_t>& v) {
      std::string s = "[";
      for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
      return s + "]";
    };
    // Nx's text has no space before "and".
    raise("dot", "dot batch dimension sizes must match, but the left batch dimension of axes " +
                     front::axes_to_string(ba) + " has dimension sizes " + list(size_a) +
                     "and the right batch dimension of axes " + front::axes_to_string(bb) + " has sizes " +
                     list(size_b));
  }
  for (const auto& [b, c, side] : {std::tuple{&ba, &ca, "left"}, std::tuple{&bb, &cb, "right"}})
    for (int axis : *b)
      if (std::find(c->begin(), c->end(), axis) != c->end())
        raise("dot", std::string("dot batch axes for ") + side + " tensor (" + front::axes_to_string(*b) +
                         ") cannot be in contract axes (" + front::axes_to_string(*c) + ")");
  if (ca.size() != cb.size())
    raise("dot", "contract axes must have the same length, got " + front::axes_to_string(ca) + " and " +
                     front::axes_to_string(cb));
  // Nx compares the contracted dimensions with the batch axes removed, so it
  // numbers them from the first non-batch axis.
  for (std::size_t i = 0; i < ca.size(); ++i)
    if (x.dim(ca[i]) != y.dim(cb[i]))
      raise("dot", "dot/zip expects shapes to be compatible, dimension " + std::to_string(ca[i] - static_cast<int>(nb)) +
                       " of left-side (" + std::to_string(x.dim(ca[i])) + ") does not equal dimension " +
                       std::to_string(cb[i] - static_cast<int>(nb)) + " of right-side (" +
                       std::to_string(y.dim(cb[i])) + ")");
  Shape shape;
  Names names;
  bool named = !x.names().empty() || !y.names().empty();
  for (int d : ba) {
    shape.push_back(x.dim(d));
    names.push_back(front::name_at(x.names(), d));
  }
  auto add_free = [&](const Tensor& t, const AxisIndices& c, const AxisIndices& bt) {
    for (int d = 0; d < t.rank(); ++d)
      if (std::find(c.begin(), c.end(), d) == c.end() && std::find(bt.begin(), bt.end(), d) == bt.end()) {
        shape.push_back(t.dim(d));
        names.push_back(front::name_at(t.names(), d));
      }
  };
  add_free(x, ca, ba);
  add_free(y, cb, bb);
  // Nx refuses a result with two free axes of one name.
  for (std::size_t i = nb; i < names.size(); ++i)
    for (std::size_t j = i + 1; j < names.size(); ++j)
      if (!names[i].empty() && names[i] == names[j]) {
        const Names free_names(names.begin() + static_cast<std::ptrdiff_t>(nb), names.end());
        raise("dot", "operation would result in duplicate names " +
                         front::names_to_string(free_names, static_cast<int>(free_names.size())) +
                         ", please rename your tensors to avoid duplicates");
      }
  Spec out{shape, merge(x.type(), y.type()),
           named ? front::normalized_names(names, static_cast<int>(shape.size())) : Names{}};
  return backend->dot(out, x, ca, ba, y, cb, bb);
}

Tensor dot(const Tensor& a, const Axes& contract_a, const Tensor& b, const Axes& contract_b) {
  return dot(a, contract_a, {}, b, contract_b, {});
}

Tensor dot(const Tensor& a, const Tensor& b) {
  if (a.rank() == 0 || b.rank() == 0) return multiply(a, b);
  if (b.rank() == 1) return dot(a, {a.rank() - 1}, b, {0});
  if (a.rank() == 1) return dot(a, {0}, b, {b.rank() - 2});
  return dot(a, {a.rank() - 1}, b, {b.rank() - 2});
}

}  // namespace nx
