// nx::Tensor: a cheap, immutable value (shape, type, axis names and a shared
// handle to backend data). Copying a tensor never copies data.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "nx/type.hpp"

namespace nx {

using Shape = std::vector<std::int64_t>;
using Axes = std::vector<int>;
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
