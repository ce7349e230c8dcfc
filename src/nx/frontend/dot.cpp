// Front end: dot and outer.
#include <algorithm>

#include "common.hpp"

namespace nx {

Tensor dot(const Tensor& a, const Axes& contract_a, const Axes& batch_a, const Tensor& b,
           const Axes& contract_b, const Axes& batch_b) {
  BackendPtr backend = front::pick_backend("dot", {&a, &b});
  Tensor x = front::on(a, backend), y = front::on(b, backend);
  const AxisIndices ca = front::normalize_axes("dot", contract_a, x, "contract axes");
  const AxisIndices cb = front::normalize_axes("dot", contract_b, y, "contract axes");
  const AxisIndices ba = front::normalize_axes("dot", batch_a, x, "batch axes");
  const AxisIndices bb = front::normalize_axes("dot", batch_b, y, "batch axes");
  if (ca.size() != cb.size())
    raise("dot", "contract axes must have the same length, got " + front::axes_to_string(ca) +
                     " and " + front::axes_to_string(cb));
  for (std::size_t i = 0; i < ca.size(); ++i)
    if (x.dim(ca[i]) != y.dim(cb[i]))
      raise("dot", "dimensions of contracted axes do not match: axis " + std::to_string(ca[i]) +
                       " of shape " + shape_to_string(x.shape()) + " and axis " + std::to_string(cb[i]) +
                       " of shape " + shape_to_string(y.shape()));
  if (ba.size() != bb.size())
    raise("dot", "batch axes must have the same length, got " + front::axes_to_string(ba) +
                     " and " + front::axes_to_string(bb));
  for (std::size_t i = 0; i < ba.size(); ++i) {
    if (ba[i] != static_cast<int>(i) || bb[i] != static_cast<int>(i))
      raise("dot", "batch axes must be the leading axes [0, ..., k-1], got " +
                       front::axes_to_string(ba) + " and " + front::axes_to_string(bb));
    if (x.dim(ba[i]) != y.dim(bb[i]))
      raise("dot", "batch dimensions do not match: " + shape_to_string(x.shape()) + " and " +
                       shape_to_string(y.shape()));
    if (std::find(ca.begin(), ca.end(), ba[i]) != ca.end() ||
        std::find(cb.begin(), cb.end(), bb[i]) != cb.end())
      raise("dot", "batch axes cannot also be contracted");
  }
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
  for (std::size_t i = ba.size(); i < names.size(); ++i)
    for (std::size_t j = i + 1; j < names.size(); ++j)
      if (!names[i].empty() && names[i] == names[j])
        raise("dot", "operation would result in duplicate names :" + names[i] + ", please rename your tensors");
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
