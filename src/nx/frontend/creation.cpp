// Front end: creation, reading back, transfers and type conversion.
#include <algorithm>
#include <complex>
#include <cstring>
#include <mutex>
#include <utility>

#include "../element.hpp"
#include "common.hpp"
#include "nx/defn.hpp"

namespace nx {

namespace {
std::mutex g_default_mutex;
BackendPtr& default_slot() {
  static BackendPtr slot;
  return slot;
}
thread_local BackendPtr t_thread_default;
}  // namespace

BackendPtr detail::exchange_thread_default(BackendPtr backend) {
  return std::exchange(t_thread_default, std::move(backend));
}

BackendPtr default_backend(BackendPtr backend) {
  if (!backend) raise("default_backend", "backend must not be null");
  BackendPtr previous = default_backend();
  t_thread_default = std::move(backend);
  return previous;
}

BackendPtr global_default_backend(BackendPtr backend) {
  if (!backend) raise("global_default_backend", "backend must not be null");
  std::lock_guard lock(g_default_mutex);
  BackendPtr previous = default_slot() ? default_slot() : binary_backend();
  default_slot() = std::move(backend);
  return previous;
}

BackendPtr default_backend() {
  if (defn::tracing()) return defn::expr_backend();
  if (t_thread_default) return t_thread_default;
  std::lock_guard lock(g_default_mutex);
  return default_slot() ? default_slot() : binary_backend();
}

namespace {

// The dimensions of a nested list, innermost first, as Nx's flatten_list
// computes them: each sibling list must have the first one's dimensions.
std::vector<std::int64_t> list_dims(const Literal& l) {
  const auto& items = l.items();
  if (items.empty()) return {0};
  if (!items[0].is_list()) {
    for (const auto& i : items)
      if (i.is_list()) raise("tensor", "nested lists must have a regular shape");
    return {static_cast<std::int64_t>(items.size())};
  }
  const std::vector<std::int64_t> child = list_dims(items[0]);
  for (std::size_t i = 1; i < items.size(); ++i) {
    if (!items[i].is_list()) raise("tensor", "nested lists must have a regular shape");
    const std::vector<std::int64_t> other = list_dims(items[i]);
    // Nx prints the innermost-first dimensions and counts positions from 1
    // after the first list (position 0).
    if (other != child)
      raise("tensor", "cannot build tensor because lists have different shapes, got " + shape_to_string(child) +
                          " at position 0 and " + shape_to_string(other) + " at position " + std::to_string(i + 1));
  }
  std::vector<std::int64_t> dims = child;
  dims.push_back(static_cast<std::int64_t>(items.size()));
  return dims;
}

void literal_leaves(const Literal& lit, std::vector<const Literal*>& out) {
  if (!lit.is_list()) {
    out.push_back(&lit);
    return;
  }
  for (const auto& item : lit.items()) literal_leaves(item, out);
}

}  // namespace

Tensor tensor(const Literal& value, const TensorOptions& opts) {
  Shape shape;
  if (value.is_list()) {
    const std::vector<std::int64_t> dims = list_dims(value);
    shape.assign(dims.rbegin(), dims.rend());
    for (auto d : shape)
      if (d == 0) raise("tensor", "cannot build empty tensor");
  }
  std::vector<const Literal*> leaves;
  literal_leaves(value, leaves);
  Type type;
  if (opts.type) {
    type = *opts.type;
  } else {
    type = leaves[0]->is_bool() ? u8 : literal_type(leaves[0]->scalar());
    for (const auto* l : leaves) type = merge(type, l->is_bool() ? u8 : literal_type(l->scalar()));
  }
  front::check_names("tensor", opts.names, static_cast<int>(shape.size()));
  const int eb = element_bytes(type);
  std::vector<std::uint8_t> unpacked(leaves.size() * static_cast<std::size_t>(eb));
  for (std::size_t i = 0; i < leaves.size(); ++i)
    element::store_scalar(type, leaves[i]->scalar(), unpacked.data() + i * static_cast<std::size_t>(eb));
  auto packed = element::pack(type, unpacked.data(), static_cast<std::int64_t>(leaves.size()));
  Spec spec{shape, type, front::normalized_names(opts.names, static_cast<int>(shape.size()))};
  return front::or_default(opts.backend)->from_binary(spec, packed);
}

Tensor detail::tensor_of(const Tensor& t, const TensorOptions& opts) {
  if (!t.defined()) raise("tensor", "got an undefined tensor");
  // Nx compares the backend module only, not its options (an Emily cpu and
  // gpu backend are the same backend).
  const auto same_backend = [&](const Backend& b) {
    return b.kind() == t.backend()->kind() && (b.kind() != BackendKind::other || &b == t.backend().get());
  };
  if (opts.backend && !same_backend(*opts.backend))
    raise("tensor", "Nx.tensor/2 wants to allocate on backend " + opts.backend->name() +
                        " but it was given a tensor allocated on " + t.backend()->name());
  if (opts.type && *opts.type != t.type())
    raise("tensor", "Nx.tensor/2 expects a tensor with type " + front::type_name(*opts.type) +
                        " but it was given a tensor of type " + front::type_name(t.type()));
  front::check_names("tensor", opts.names, t.rank());
  // The given names replace the tensor's, which they must not contradict.
  for (int d = 0; d < t.rank() && !opts.names.empty(); ++d)
    front::merge_name("tensor", front::name_at(t.names(), d), d, opts.names[static_cast<std::size_t>(d)], d);
  return Tensor(Spec{t.shape(), t.type(), front::normalized_names(opts.names, t.rank())}, t.backend(), t.payload());
}

template <class T>
Tensor tensor(const std::vector<T>& values, const TensorOptions& opts) {
  if (values.empty()) raise("tensor", "cannot build empty tensor");
  Type type;
  if constexpr (std::is_same_v<T, bool>) type = u8;
  else if constexpr (std::is_integral_v<T>) type = s32;
  else if constexpr (std::is_floating_point_v<T>) type = f32;
  else type = c64;
  if (opts.type) type = *opts.type;
  const int eb = element_bytes(type);
  std::vector<std::uint8_t> unpacked(values.size() * static_cast<std::size_t>(eb));
  for (std::size_t i = 0; i < values.size(); ++i)
    element::store_scalar(type, Scalar(values[i]), unpacked.data() + i * static_cast<std::size_t>(eb));
  auto packed = element::pack(type, unpacked.data(), static_cast<std::int64_t>(values.size()));
  front::check_names("tensor", opts.names, 1);
  Spec spec{{static_cast<std::int64_t>(values.size())}, type, front::normalized_names(opts.names, 1)};
  return front::or_default(opts.backend)->from_binary(spec, packed);
}

template Tensor tensor<std::int32_t>(const std::vector<std::int32_t>&, const TensorOptions&);
template Tensor tensor<std::int64_t>(const std::vector<std::int64_t>&, const TensorOptions&);
template Tensor tensor<std::uint8_t>(const std::vector<std::uint8_t>&, const TensorOptions&);
template Tensor tensor<std::uint32_t>(const std::vector<std::uint32_t>&, const TensorOptions&);
template Tensor tensor<std::uint64_t>(const std::vector<std::uint64_t>&, const TensorOptions&);
template Tensor tensor<float>(const std::vector<float>&, const TensorOptions&);
template Tensor tensor<double>(const std::vector<double>&, const TensorOptions&);
template Tensor tensor<std::complex<float>>(const std::vector<std::complex<float>>&, const TensorOptions&);
template Tensor tensor<std::complex<double>>(const std::vector<std::complex<double>>&, const TensorOptions&);

Tensor from_binary(std::span<const std::uint8_t> bytes, Type type, const TensorOptions& opts) {
  if (bytes.empty()) raise("from_binary", "cannot build an empty tensor");
  const std::int64_t bits = static_cast<std::int64_t>(bytes.size()) * 8;
  if (bits % type.bits != 0) raise("from_binary", "binary does not match the given size");
  return from_binary(bytes, type, Shape{bits / type.bits}, opts);
}

Tensor from_binary(std::span<const std::uint8_t> bytes, Type type, const Shape& shape,
                   const TensorOptions& opts) {
  front::check_shape("from_binary", shape);
  front::check_names("from_binary", opts.names, static_cast<int>(shape.size()));
  const std::int64_t n = shape_size(shape);
  if (static_cast<std::int64_t>(bytes.size()) != element::packed_bytes(type, n))
    raise("from_binary", "binary does not match the given size: expected " +
                             std::to_string(element::packed_bytes(type, n)) + " bytes for shape " +
                             shape_to_string(shape) + " of type " + to_string(type) + ", got " +
                             std::to_string(bytes.size()));
  Spec spec{shape, type, front::normalized_names(opts.names, static_cast<int>(shape.size()))};
  return front::or_default(opts.backend)->from_binary(spec, bytes);
}

Tensor iota(const Shape& shape, const IotaOptions& opts) {
  front::check_shape("iota", shape);
  front::check_names("iota", opts.names, static_cast<int>(shape.size()));
  std::optional<int> axis;
  if (opts.axis) axis = front::normalize_axis("iota", *opts.axis, static_cast<int>(shape.size()), opts.names);
  Spec spec{shape, opts.type, front::normalized_names(opts.names, static_cast<int>(shape.size()))};
  return front::or_default(opts.backend)->iota(spec, axis);
}

Tensor eye(const Shape& shape, const CreationOptions& opts) {
  if (shape.size() < 2)
    raise("eye", "eye/2 expects a shape with at least 2 dimensions or an integer, got: " + shape_to_string(shape));
  front::check_shape("eye", shape);
  front::check_names("eye", opts.names, static_cast<int>(shape.size()));
  Spec spec{shape, opts.type, front::normalized_names(opts.names, static_cast<int>(shape.size()))};
  return front::or_default(opts.backend)->eye(spec);
}

Tensor eye(std::int64_t n, const CreationOptions& opts) {
  // Nx takes a non-positive integer for a tensor and its empty shape.
  if (n < 1) raise("eye", "eye/2 expects a shape with at least 2 dimensions or an integer, got: {}");
  return eye(Shape{n, n}, opts);
}

namespace detail {

// Nx takes only the shape of a tensor given to eye, and its names too for
// iota and broadcast (full/zeros/ones).
Tensor iota_like(const Tensor& shape_of, const IotaOptions& opts) {
  IotaOptions o = opts;
  if (o.names.empty()) o.names = shape_of.names();
  return iota(shape_of.shape(), o);
}

Tensor eye_like(const Tensor& shape_of, const CreationOptions& opts) { return eye(shape_of.shape(), opts); }

Tensor full_like(const Tensor& shape_of, const Scalar& value, const CreationOptions& opts) {
  CreationOptions o = opts;
  if (o.names.empty()) o.names = shape_of.names();
  return full(shape_of.shape(), value, o);
}

}  // namespace detail

Tensor full(const Shape& shape, const Scalar& value, const CreationOptions& opts) {
  front::check_shape("full", shape);
  front::check_names("full", opts.names, static_cast<int>(shape.size()));
  Spec spec{shape, opts.type, front::normalized_names(opts.names, static_cast<int>(shape.size()))};
  return front::or_default(opts.backend)->constant(spec, value);
}

Tensor zeros(const Shape& shape, const CreationOptions& opts) { return full(shape, 0, opts); }
Tensor ones(const Shape& shape, const CreationOptions& opts) { return full(shape, 1, opts); }

Tensor scalar(const Scalar& value, std::optional<Type> type, BackendPtr backend) {
  return front::scalar_tensor(value, front::or_default(backend), type);
}

std::vector<std::uint8_t> to_binary(const Tensor& t, const ToBinaryOptions& opts) {
  std::int64_t limit = t.size();
  if (opts.limit) {
    if (*opts.limit < 0) raise("to_binary", "limit must be non-negative, got " + std::to_string(*opts.limit));
    limit = std::min(limit, *opts.limit);
  }
  return t.backend()->to_binary(t, limit);
}

template <class T>
std::vector<T> to_flat_list(const Tensor& t, const ToBinaryOptions& opts) {
  if (opts.limit && *opts.limit < 0)
    raise("to_flat_list", "limit must be non-negative, got " + std::to_string(*opts.limit));
  const std::int64_t n = opts.limit ? std::min(*opts.limit, t.size()) : t.size();
  auto packed = t.backend()->to_binary(t, n);
  auto bytes = element::unpack(t.type(), packed, n);
  std::vector<T> out(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    auto& o = out[static_cast<std::size_t>(i)];
    if constexpr (std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>) {
      auto c = element::load_complex(t.type(), bytes.data(), i);
      o = T(static_cast<typename T::value_type>(c.real()), static_cast<typename T::value_type>(c.imag()));
    } else if constexpr (std::is_floating_point_v<T>) {
      o = static_cast<T>(element::load_double(t.type(), bytes.data(), i));
    } else {
      o = static_cast<T>(element::load_int(t.type(), bytes.data(), i));
    }
  }
  return out;
}

template <class T>
T to_number(const Tensor& t) {
  if (t.rank() != 0) raise("to_number", "cannot convert tensor of shape " + shape_to_string(t.shape()) + " to number");
  return to_flat_list<T>(t)[0];
}

#define NX_INSTANTIATE(T)                                                           \
  template std::vector<T> to_flat_list<T>(const Tensor&, const ToBinaryOptions&); \
  template T to_number<T>(const Tensor&);
NX_INSTANTIATE(std::int8_t)
NX_INSTANTIATE(std::int16_t)
NX_INSTANTIATE(std::int32_t)
NX_INSTANTIATE(std::int64_t)
NX_INSTANTIATE(std::uint8_t)
NX_INSTANTIATE(std::uint16_t)
NX_INSTANTIATE(std::uint32_t)
NX_INSTANTIATE(std::uint64_t)
NX_INSTANTIATE(float)
NX_INSTANTIATE(double)
NX_INSTANTIATE(std::complex<float>)
NX_INSTANTIATE(std::complex<double>)
#undef NX_INSTANTIATE

Tensor backend_copy(const Tensor& t, BackendPtr target) {
  return t.backend()->backend_copy(t, target ? target : binary_backend());
}

Tensor backend_transfer(const Tensor& t, BackendPtr target) {
  return t.backend()->backend_transfer(t, target ? target : binary_backend());
}

bool backend_deallocate(const Tensor& t) { return t.backend()->backend_deallocate(t); }

std::vector<Tensor> to_batched(const Tensor& t, std::int64_t batch_size, Leftover leftover) {
  if (batch_size < 1) raise("to_batched", "batch_size must be positive, got " + std::to_string(batch_size));
  if (t.rank() == 0) raise("to_batched", "cannot batch non-vectorized scalar tensor " + inspect(t));
  if (batch_size > t.dim(0)) raise("to_batched", "cannot batch beyond original tensor");
  Spec spec = t.spec();
  spec.shape[0] = batch_size;
  return t.backend()->to_batched(spec, t, leftover);
}

Pointer to_pointer(const Tensor& t) { return t.backend()->to_pointer(t); }

Tensor from_pointer(const Pointer& pointer, Type type, const Shape& shape, const TensorOptions& opts) {
  front::check_shape("from_pointer", shape);
  if (pointer.address == 0) raise("from_pointer", "null address");
  front::check_names("from_pointer", opts.names, static_cast<int>(shape.size()));
  Spec spec{shape, type, front::normalized_names(opts.names, static_cast<int>(shape.size()))};
  return front::or_default(opts.backend)->from_pointer(spec, pointer);
}

Tensor as_type(const Tensor& t, Type type) {
  if (t.type() == type) return t;
  Spec spec = t.spec();
  spec.type = type;
  return t.backend()->as_type(spec, t);
}

Tensor bitcast(const Tensor& t, Type type) {
  if (is_complex(t.type()) || is_complex(type)) front::raise_complex_not_supported("bitcast", "bitcast", 2);
  if (t.type().bits != type.bits)
    raise("bitcast", "input type width must match new type width, got input type " + front::type_name(t.type()) +
                         " and output type " + front::type_name(type));
  if (t.type() == type) return t;
  Spec spec = t.spec();
  spec.type = type;
  return t.backend()->bitcast(spec, t);
}

}  // namespace nx

namespace nx {

// Numbers become scalar tensors of their literal type and take the tensor
// path, Nx's composition (linspace(0, 24, n: 8, type: u8) is [0, 3, 6, 10,
// 13, 17, 20, 24]).
Tensor linspace(const Scalar& start, const Scalar& stop, const LinspaceOptions& opts) {
  const BackendPtr b = front::or_default(opts.backend);
  return linspace(front::scalar_tensor(start, b), front::scalar_tensor(stop, b), opts);
}

}  // namespace nx
