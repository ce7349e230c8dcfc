// nx::Tensor: a cheap, immutable value (shape, type, axis names and a shared
// handle to backend data). Copying a tensor never copies data.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nx/type.hpp"

namespace nx {

using Shape = std::vector<std::int64_t>;
// Axis positions already resolved by the front end (0 <= axis < rank): what
// backend callbacks receive.
using AxisIndices = std::vector<int>;

// An axis as the user gives it, as Nx accepts it: a position (negative counts
// from the end) or the name of an axis of a named tensor. nx::sum(t, {.axes =
// {"x", -1}}). The front end resolves it against the tensor's names.
class Axis {
 public:
  Axis() = default;  // position 0
  Axis(int index) : index_(index) {}
  Axis(const char* name) : name_(name), named_(true) {}
  Axis(std::string name) : name_(std::move(name)), named_(true) {}

  bool is_name() const { return named_; }
  int index() const { return index_; }               // when !is_name()
  const std::string& name() const { return name_; }  // when is_name()
  bool operator==(const Axis&) const = default;

 private:
  int index_ = 0;
  std::string name_;
  bool named_ = false;
};

// A list of axes given by position and/or name: {0, 1}, {"x", "y"}, {"x", 1}.
// A vector, so code that builds integer axes lists (push_back, iota, swap)
// keeps working; lists of positions convert implicitly.
class Axes : public std::vector<Axis> {
 public:
  using std::vector<Axis>::vector;
  Axes() = default;
  Axes(const AxisIndices& indices) : std::vector<Axis>(indices.begin(), indices.end()) {}
};

// An axes option that may be absent (std::nullopt, usually "every axis"). It
// behaves as std::optional<Axes> but also takes a brace list directly, which
// std::optional cannot: nx::sum(t, {.axes = {"x", 1}}), nx::transpose(t, {1, 0}).
class OptionalAxes {
 public:
  OptionalAxes() = default;
  OptionalAxes(std::nullopt_t) {}
  OptionalAxes(std::initializer_list<Axis> axes) : axes_(Axes(axes)) {}
  OptionalAxes(Axes axes) : axes_(std::move(axes)) {}
  OptionalAxes(const AxisIndices& axes) : axes_(Axes(axes)) {}
  OptionalAxes(std::optional<Axes> axes) : axes_(std::move(axes)) {}
  OptionalAxes(const std::optional<AxisIndices>& axes) {
    if (axes) axes_ = Axes(*axes);
  }

  bool has_value() const { return axes_.has_value(); }
  explicit operator bool() const { return axes_.has_value(); }
  const Axes& operator*() const { return *axes_; }
  const Axes* operator->() const { return &*axes_; }

 private:
  std::optional<Axes> axes_;
};
// One entry per axis; "" means an unnamed axis. Empty means all unnamed.
using Names = std::vector<std::string>;

// Bad user input: wrong rank, axis out of range, incompatible shapes, wrong
// type for the op, bad option values. The message starts with the op name.
class ArgumentError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A backend has no implementation for a callback (or for a type on a device).
class UnsupportedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws ArgumentError("<op>: <message>").
[[noreturn]] void raise(std::string_view op, const std::string& message);

std::int64_t shape_size(const Shape& shape);
std::string shape_to_string(const Shape& shape);  // "{2, 3}"

// The output template every callback receives: final shape, type and names.
struct Spec {
  Shape shape;
  Type type;
  Names names;

  int rank() const { return static_cast<int>(shape.size()); }
  std::int64_t size() const { return shape_size(shape); }
};

class Backend;
using BackendPtr = std::shared_ptr<Backend>;
// A backend's data for one tensor (nx/payload.hpp).
class Payload;

class Tensor {
 public:
  Tensor() = default;
  Tensor(Spec spec, BackendPtr backend, std::shared_ptr<Payload> payload);

  bool defined() const { return static_cast<bool>(backend_); }
  const Shape& shape() const { return spec_.shape; }
  Type type() const { return spec_.type; }
  const Names& names() const { return spec_.names; }
  const Spec& spec() const { return spec_; }
  int rank() const { return spec_.rank(); }
  std::int64_t size() const { return spec_.size(); }
  std::int64_t dim(int axis) const { return spec_.shape.at(static_cast<std::size_t>(axis)); }
  const BackendPtr& backend() const { return backend_; }

  // The backend's data; read it as a backend's type with nx::payload<T>.
  const std::shared_ptr<Payload>& payload() const { return payload_; }

 private:
  Spec spec_;
  BackendPtr backend_;
  std::shared_ptr<Payload> payload_;
};

}  // namespace nx
