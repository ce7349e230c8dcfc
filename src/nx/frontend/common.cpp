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
    raise(op, "cannot mix tensors of the " + chosen->name() + " and " + b->name() +
                  " backends; transfer one with nx::backend_transfer");
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

int normalize_axis(std::string_view op, const Axis& axis, int rank, const Names& names, std::string_view what) {
  if (axis.is_name()) {
    if (axis.name().empty()) raise(op, "axis name cannot be empty");
    for (int d = 0; d < rank; ++d)
      if (name_at(names, d) == axis.name()) return d;
    raise(op, "name :" + axis.name() + " not found in tensor with names " + names_to_string(names, rank));
  }
  const int a = axis.index();
  if (a < -rank || a >= rank || (rank == 0))
    raise(op, "given " + std::string(what) + " " + std::to_string(a) +
                  " is out of range for a tensor of rank " + std::to_string(rank));
  return a < 0 ? a + rank : a;
}

AxisIndices normalize_axes(std::string_view op, const Axes& axes, int rank, const Names& names,
                           std::string_view what) {
  AxisIndices out;
  std::set<int> seen;
  for (const Axis& a : axes) {
    int n = normalize_axis(op, a, rank, names, what);
    if (!seen.insert(n).second)
      raise(op, std::string(what) + " " + axes_to_string(axes) + " must be unique integers between 0 and " +
                    std::to_string(rank - 1));
    out.push_back(n);
  }
  return out;
}

Shape broadcast_shapes(std::string_view op, const Shape& a, const Shape& b) {
  const std::size_t r = std::max(a.size(), b.size());
  Shape out(r);
  for (std::size_t i = 0; i < r; ++i) {
    std::int64_t x = i < r - a.size() ? 1 : a[i - (r - a.size())];
    std::int64_t y = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (x != y && x != 1 && y != 1)
      raise(op, "cannot broadcast tensor of shape " + shape_to_string(a) + " to " +
                    shape_to_string(b));
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
    raise(op, "expected " + std::to_string(rank) + " names, got " + std::to_string(names.size()));
}

Names broadcast_names(std::string_view op, const Tensor& a, const Tensor& b, int rank) {
  if (a.names().empty() && b.names().empty()) return {};
  Names out(static_cast<std::size_t>(rank));
  for (int i = 0; i < rank; ++i) {
    int ia = i - (rank - a.rank()), ib = i - (rank - b.rank());
    std::string na = ia >= 0 ? name_at(a.names(), ia) : "";
    std::string nb = ib >= 0 ? name_at(b.names(), ib) : "";
    if (!na.empty() && !nb.empty() && na != nb)
      raise(op, "cannot merge name :" + na + " with :" + nb);
    out[static_cast<std::size_t>(i)] = na.empty() ? nb : na;
  }
  return normalized_names(out, rank);
}

void check_shape(std::string_view op, const Shape& shape, std::string_view what) {
  for (auto d : shape)
    if (d <= 0)
      raise(op, std::string(what) + " " + shape_to_string(shape) +
                    " has a dimension of size " + std::to_string(d) +
                    "; Nx tensors have no zero-sized or negative dimensions");
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
