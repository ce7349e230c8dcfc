#include "common.hpp"

#include "nx/defn.hpp"

#include <algorithm>
#include <limits>
#include <set>

namespace nx {

void raise(std::string_view op, const std::string& message) {
  throw ArgumentError(std::string(op) + ": " + message);
}

std::int64_t shape_size(const Shape& shape) {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::string shape_to_string(const Shape& shape) {
  std::string s = "{";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "}";
}

Tensor::Tensor(Spec spec, BackendPtr backend, std::shared_ptr<Payload> payload)
    : spec_(std::move(spec)), backend_(std::move(backend)), payload_(std::move(payload)) {}

}  // namespace nx

namespace nx::front {

BackendPtr or_default(const BackendPtr& b) { return b ? b : default_backend(); }

BackendPtr pick_backend(std::string_view op, const Tensor* const* tensors, std::size_t count) {
  BackendPtr chosen;
  for (std::size_t i = 0; i < count; ++i) {
    const Tensor* t = tensors[i];
    if (!t || !t->defined()) continue;
    const BackendPtr& b = t->backend();
    if (!chosen) {
      chosen = b;
      continue;
    }
    if (b == chosen) continue;
    if (chosen->traces()) continue;
    if (b->traces()) {
      chosen = b;
      continue;
    }
    if (b->is_reference()) continue;
    if (chosen->is_reference()) {
      chosen = b;
      continue;
    }
    if (chosen->accepts_tensors_of(*b)) continue;  // e.g. two Emily devices: first operand decides
    raise(op, "cannot invoke Nx function because it relies on two incompatible tensor implementations: " +
                  chosen->name() + " and " + b->name() +
                  ". You may need to call nx::backend_transfer (or nx::backend_copy) on one or both of them "
                  "to transfer them to a common implementation");
  }
  return chosen ? chosen : default_backend();
}

bool usable_on(const Tensor& t, const BackendPtr& backend) {
  if (t.backend() == backend) return true;
  if (backend->traces() || t.backend()->traces()) return false;
  return backend->accepts_tensors_of(*t.backend());
}

Tensor on(const Tensor& t, const BackendPtr& backend) {
  if (usable_on(t, backend)) return t;
  if (backend->traces()) return defn::capture(t);
  if (t.backend()->traces())
    raise("backend_copy", "a traced tensor (inside nx::jit or nx::grad) cannot move to another backend");
  return t.backend()->backend_copy(t, backend);
}

int normalize_axis(std::string_view op, const Axis& axis, int rank, const Names& names) {
  if (axis.is_name()) {
    // An empty name is C++'s spelling of Nx's nil.
    if (axis.name().empty()) raise(op, "axis name cannot be nil");
    for (int d = 0; d < rank; ++d)
      if (name_at(names, d) == axis.name()) return d;
    raise(op, "name :" + axis.name() + " not found in tensor with names " + names_to_string(names, rank));
  }
  const int a = axis.index();
  if (a < -rank || a >= rank)
    raise(op, "given axis (" + std::to_string(a) + ") invalid for shape with rank " + std::to_string(rank));
  return a < 0 ? a + rank : a;
}

AxisIndices inverse_permutation(const AxisIndices& p) {
  AxisIndices inv(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) inv[static_cast<std::size_t>(p[i])] = static_cast<int>(i);
  return inv;
}

AxisIndices normalize_axes(std::string_view op, const Axes& axes, int rank, const Names& names) {
  AxisIndices out;
  std::set<int> seen;
  for (const Axis& a : axes) out.push_back(normalize_axis(op, a, rank, names));
  // Nx normalizes every axis before it looks for duplicates.
  for (int n : out)
    if (!seen.insert(n).second)
      raise(op, "axes " + axes_to_string(axes) + " must be unique integers between 0 and " + std::to_string(rank - 1));
  return out;
}

Shape broadcast_shapes(std::string_view op, const Shape& a, const Shape& b) {
  const std::size_t r = std::max(a.size(), b.size());
  Shape out(r);
  for (std::size_t i = 0; i < r; ++i) {
    std::int64_t x = i < r - a.size() ? 1 : a[i - (r - a.size())];
    std::int64_t y = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (x != y && x != 1 && y != 1)
      raise(op, "cannot broadcast tensor of dimensions " + shape_to_string(a) + " to " + shape_to_string(b));
    out[i] = x == 1 ? y : x;
  }
  return out;
}

std::string name_at(const Names& names, int axis) {
  if (names.empty()) return {};
  return names[static_cast<std::size_t>(axis)];
}

Names normalized_names(const Names& names, int rank) {
  bool any = false;
  for (const auto& n : names) any = any || !n.empty();
  if (!any) return {};
  Names out = names;
  out.resize(static_cast<std::size_t>(rank));
  return out;
}

void check_names(std::string_view op, const Names& names, int rank) {
  if (!names.empty() && static_cast<int>(names.size()) != rank)
    raise(op, "invalid names for tensor of rank " + std::to_string(rank) +
                  ", when specifying names every dimension must have a name or be nil");
}

std::string merge_name(std::string_view op, const std::string& a, int axis_a, const std::string& b, int axis_b) {
  if (a.empty() || a == b) return b;
  if (b.empty()) return a;
  raise(op, "cannot merge name :" + a + " on axis " + std::to_string(axis_a) + " with name :" + b + " on axis " +
                std::to_string(axis_b));
}

Names broadcast_names(std::string_view op, const Tensor& a, const Tensor& b, int rank) {
  if (a.names().empty() && b.names().empty()) return {};
  Names out(static_cast<std::size_t>(rank));
  for (int i = 0; i < rank; ++i) {
    int ia = i - (rank - a.rank()), ib = i - (rank - b.rank());
    std::string na = ia >= 0 ? name_at(a.names(), ia) : "";
    std::string nb = ib >= 0 ? name_at(b.names(), ib) : "";
    out[static_cast<std::size_t>(i)] = merge_name(op, na, i, nb, i);
  }
  return normalized_names(out, rank);
}

void check_shape(std::string_view op, const Shape& shape, std::string_view what) {
  // Nx.Shape.validate! looks at the axes from the last one.
  for (std::size_t i = shape.size(); i-- > 0;)
    if (shape[i] <= 0)
      raise(op, "invalid dimension in axis " + std::to_string(i) + " found in " + std::string(what) +
                    ". Each dimension must be a positive integer, got " + std::to_string(shape[i]) + " in shape " +
                    shape_to_string(shape));
  // The element count, and its byte size at the widest type (16 bytes), must
  // fit in 64 bits: sizes are computed in std::int64_t everywhere.
  std::int64_t n = 1;
  for (auto d : shape)
    if (__builtin_mul_overflow(n, d, &n) || n > std::numeric_limits<std::int64_t>::max() / 16)
      raise(op, std::string(what) + " " + shape_to_string(shape) + " has too many elements");
}

Tensor scalar_tensor(const Scalar& s, const BackendPtr& backend, std::optional<Type> type) {
  Spec spec{{}, type ? *type : literal_type(s), {}};
  return backend->constant(spec, s);
}

Type operand_type(const Operand& o) {
  return o.is_tensor() ? o.tensor().type() : literal_type(o.scalar());
}

Tensor operand_tensor(const Operand& o, const BackendPtr& backend) {
  if (o.is_tensor()) return on(o.tensor(), backend);
  return scalar_tensor(o.scalar(), backend);
}

const Tensor& operand_ref(const Operand& o, const BackendPtr& backend, Tensor& storage) {
  if (o.is_tensor()) {
    const Tensor& t = o.tensor();
    if (usable_on(t, backend)) return t;
  }
  storage = operand_tensor(o, backend);
  return storage;
}

std::string type_name(Type t) {
  switch (t.cls) {
    case TypeClass::u: return "{:u, " + std::to_string(t.bits) + "}";
    case TypeClass::s: return "{:s, " + std::to_string(t.bits) + "}";
    case TypeClass::f: return "{:f, " + std::to_string(t.bits) + "}";
    case TypeClass::bf: return "{:bf, 16}";
    case TypeClass::f8e4m3fn: return "{:f8_e4m3fn, 8}";
    case TypeClass::c: return "{:c, " + std::to_string(t.bits) + "}";
  }
  return "?";
}

void raise_complex_not_supported(std::string_view op, std::string_view function, int arity) {
  raise(op, "Nx." + std::string(function) + "/" + std::to_string(arity) + " does not support complex inputs");
}

std::string shape_template(const Shape& shape, int axis) {
  std::string s = "{";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += static_cast<int>(i) == axis ? "*" : std::to_string(shape[i]);
  }
  return s + "}";
}

std::string axes_to_string(const AxisIndices& axes) {
  std::string s = "[";
  for (std::size_t i = 0; i < axes.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(axes[i]);
  }
  return s + "]";
}

std::string axes_to_string(const Axes& axes) {
  std::string s = "[";
  for (std::size_t i = 0; i < axes.size(); ++i) {
    if (i) s += ", ";
    s += axes[i].is_name() ? ":" + axes[i].name() : std::to_string(axes[i].index());
  }
  return s + "]";
}

std::string names_to_string(const Names& names, int rank) {
  std::string s = "[";
  for (int d = 0; d < rank; ++d) {
    if (d) s += ", ";
    const std::string n = name_at(names, d);
    s += n.empty() ? "nil" : ":" + n;
  }
  return s + "]";
}

Shape reduced_shape(const Shape& shape, const std::optional<AxisIndices>& axes, bool keep_axes) {
  Shape out;
  for (int d = 0; d < static_cast<int>(shape.size()); ++d) {
    bool reduced = !axes || std::find(axes->begin(), axes->end(), d) != axes->end();
    if (!reduced) out.push_back(shape[static_cast<std::size_t>(d)]);
    else if (keep_axes) out.push_back(1);
  }
  return out;
}

Names reduced_names(const Names& names, int rank, const std::optional<AxisIndices>& axes, bool keep_axes) {
  if (names.empty()) return {};
  Names out;
  for (int d = 0; d < rank; ++d) {
    bool reduced = !axes || std::find(axes->begin(), axes->end(), d) != axes->end();
    if (!reduced || keep_axes) out.push_back(names[static_cast<std::size_t>(d)]);
  }
  return normalized_names(out, static_cast<int>(out.size()));
}

}  // namespace nx::front
