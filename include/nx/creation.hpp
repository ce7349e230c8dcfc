// Creating tensors, reading them back, and moving them between backends.
#pragma once

#include <complex>
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "nx/options.hpp"

namespace nx {

// The process-wide default backend (nx::BinaryBackend until set). Returns the
// previous one.
BackendPtr global_default_backend(BackendPtr backend);
// The calling thread's default backend if one is set, else the global one.
BackendPtr default_backend();
// Nx.default_backend/1 (Nx's per-process default is per-thread here): sets
// the calling thread's default and returns the previous default_backend().
BackendPtr default_backend(BackendPtr backend);

namespace detail {
// Swaps the calling thread's default (null: none) and returns the old one.
BackendPtr exchange_thread_default(BackendPtr backend);
}  // namespace detail

// Nx.with_default_backend: runs fn() with `backend` as the calling thread's
// default, restoring the previous setting afterwards (also on exceptions).
template <class F>
decltype(auto) with_default_backend(BackendPtr backend, F&& fn) {
  if (!backend) raise("with_default_backend", "backend must not be null");
  struct Restore {
    BackendPtr previous;
    ~Restore() { detail::exchange_thread_default(std::move(previous)); }
  } restore{detail::exchange_thread_default(std::move(backend))};
  return fn();
}

// A nested list literal: nx::tensor({{1.0, 2.0}, {3.0, 4.0}}).
class Literal {
 public:
  template <class T>
    requires std::is_arithmetic_v<T>
  Literal(T v) : scalar_(v), is_bool_(std::is_same_v<T, bool>) {}
  Literal(std::complex<double> v) : scalar_(v) {}
  Literal(std::complex<float> v) : scalar_(v) {}
  Literal(std::initializer_list<Literal> items) : items_(items), is_list_(true) {}

  bool is_list() const { return is_list_; }
  bool is_bool() const { return is_bool_; }
  const Scalar& scalar() const { return scalar_; }
  const std::vector<Literal>& items() const { return items_; }

 private:
  Scalar scalar_;
  std::vector<Literal> items_;
  bool is_list_ = false;
  bool is_bool_ = false;
};

struct TensorOptions {
  std::optional<Type> type;  // default: inferred from the literal
  Names names;
  BackendPtr backend;        // default: the global default backend
};

Tensor tensor(const Literal& value, const TensorOptions& opts = {});
// Nx.tensor of a tensor: the tensor itself, nothing copied or converted. A
// `type` or `backend` that differs from the tensor's raises; the tensor's
// names are dropped for `names` (which must not conflict with them).
namespace detail {
Tensor tensor_of(const Tensor& t, const TensorOptions& opts);
}
template <std::same_as<Tensor> T>
Tensor tensor(const T& t, const TensorOptions& opts = {}) {
  return detail::tensor_of(t, opts);
}
// Rank-1 tensor from a host vector.
template <class T>
Tensor tensor(const std::vector<T>& values, const TensorOptions& opts = {});
// Builds a tensor of `shape` from raw element bytes in Nx's binary layout.
Tensor from_binary(std::span<const std::uint8_t> bytes, Type type, const TensorOptions& opts = {});
Tensor from_binary(std::span<const std::uint8_t> bytes, Type type, const Shape& shape,
                   const TensorOptions& opts = {});

struct CreationOptions {
  Type type = s32;
  Names names;
  BackendPtr backend;
};
struct IotaOptions {
  Type type = s32;
  std::optional<Axis> axis;  // a position or one of `names`
  Names names;
  BackendPtr backend;
};
Tensor iota(const Shape& shape, const IotaOptions& opts = {});
Tensor eye(const Shape& shape, const CreationOptions& opts = {});
Tensor eye(std::int64_t n, const CreationOptions& opts = {});
// A tensor of `shape` with every element `value` (Nx.broadcast of a number).
Tensor full(const Shape& shape, const Scalar& value, const CreationOptions& opts = {});
Tensor zeros(const Shape& shape, const CreationOptions& opts = {});
Tensor ones(const Shape& shape, const CreationOptions& opts = {});

// Where Nx takes a tensor for a shape: its shape and, as Nx does for iota
// and for full/zeros/ones (Nx.broadcast), its names unless names are given
// (eye takes the shape only). Templates on the tensor type, so that a
// brace-enclosed shape (`{}` included) still means a Shape.
namespace detail {
Tensor iota_like(const Tensor& shape_of, const IotaOptions& opts);
Tensor eye_like(const Tensor& shape_of, const CreationOptions& opts);
Tensor full_like(const Tensor& shape_of, const Scalar& value, const CreationOptions& opts);
}  // namespace detail
template <std::same_as<Tensor> T>
Tensor iota(const T& shape_of, const IotaOptions& opts = {}) {
  return detail::iota_like(shape_of, opts);
}
template <std::same_as<Tensor> T>
Tensor eye(const T& shape_of, const CreationOptions& opts = {}) {
  return detail::eye_like(shape_of, opts);
}
template <std::same_as<Tensor> T>
Tensor full(const T& shape_of, const Scalar& value, const CreationOptions& opts = {}) {
  return detail::full_like(shape_of, value, opts);
}
template <std::same_as<Tensor> T>
Tensor zeros(const T& shape_of, const CreationOptions& opts = {}) {
  return detail::full_like(shape_of, 0, opts);
}
template <std::same_as<Tensor> T>
Tensor ones(const T& shape_of, const CreationOptions& opts = {}) {
  return detail::full_like(shape_of, 1, opts);
}
// A scalar tensor holding `value` with the literal's type unless given.
Tensor scalar(const Scalar& value, std::optional<Type> type = std::nullopt,
              BackendPtr backend = nullptr);

struct LinspaceOptions {
  std::int64_t n = 50;
  bool endpoint = true;
  Type type = f32;
  Names names;
  BackendPtr backend;
};
// Nx.linspace: the end points cast to `type`, start + iota * step along a
// new last axis, cast to `type` once at the end, as Nx computes it.
Tensor linspace(const Scalar& start, const Scalar& stop, const LinspaceOptions& opts);
// Between tensors of equal shape {...}: the result is {..., n}.
Tensor linspace(const Tensor& start, const Tensor& stop, const LinspaceOptions& opts);

// ---- reading back ----
struct ToBinaryOptions {
  std::optional<std::int64_t> limit;  // elements
};
std::vector<std::uint8_t> to_binary(const Tensor& t, const ToBinaryOptions& opts = {});
// Elements converted to T with C++ conversion rules (complex -> real part);
// `limit` keeps the first elements only.
template <class T>
std::vector<T> to_flat_list(const Tensor& t, const ToBinaryOptions& opts = {});
template <class T>
T to_number(const Tensor& t);

// ---- backends ----
Tensor backend_copy(const Tensor& t, BackendPtr target = nullptr);
Tensor backend_transfer(const Tensor& t, BackendPtr target = nullptr);
bool backend_deallocate(const Tensor& t);
std::vector<Tensor> to_batched(const Tensor& t, std::int64_t batch_size,
                               Leftover leftover = Leftover::repeat);
Pointer to_pointer(const Tensor& t);
Tensor from_pointer(const Pointer& pointer, Type type, const Shape& shape,
                    const TensorOptions& opts = {});

// ---- types ----
Tensor as_type(const Tensor& t, Type type);
Tensor bitcast(const Tensor& t, Type type);

// Nx.fill: a tensor of t's shape and names with every element `value`; the
// type merges t's type with the number (Nx's weak-scalar rule) unless given.
struct FillOptions {
  std::optional<Type> type;
};
Tensor fill(const Tensor& t, const Scalar& value, const FillOptions& opts = {});

}  // namespace nx
