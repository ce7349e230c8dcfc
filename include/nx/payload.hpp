// Backend identity and tensor payloads: what a backend is (nx::BackendKind,
// asked through Backend::kind() and its predicates, never through the display
// name), and the typed data a tensor carries for its backend.
#pragma once

#include <iosfwd>
#include <string_view>
#include <type_traits>

#include "nx/tensor.hpp"

namespace nx {

enum class BackendKind {
  reference,   // nx::binary_backend(): host memory, eager, the oracle of the tests
  emily,       // emily::backend(): MLX arrays, lazy
  expression,  // nx::defn::expr_backend(): records the callbacks of traced functions
  other,       // a backend written outside this library
};

// "binary", "emily", "expr", "other": the display names of the built-in backends.
std::string_view to_string(BackendKind kind);
std::ostream& operator<<(std::ostream& os, BackendKind kind);

// A tensor's backend data. Each backend derives its payload type from
// PayloadOf<its kind> and reads it back only through nx::payload, so a tensor
// of one backend reaching another backend's code raises instead of being
// misread.
class Payload {
 public:
  virtual ~Payload() = default;
  BackendKind kind() const { return kind_; }

 protected:
  explicit Payload(BackendKind kind) : kind_(kind) {}
  Payload(const Payload&) = default;
  Payload& operator=(const Payload&) = default;

 private:
  BackendKind kind_;
};

template <BackendKind K>
class PayloadOf : public Payload {
 public:
  static constexpr BackendKind kind_tag = K;

 protected:
  PayloadOf() : Payload(K) {}
};

namespace detail {
// ArgumentError("payload: expected a tensor of the <wanted> backend, got one of the <t's> backend").
[[noreturn]] void payload_mismatch(const Tensor& t, BackendKind wanted);
}  // namespace detail

// The payload of `t` as type T (a PayloadOf<kind>). A tag compare for the
// built-in kinds; payloads of other backends share one kind and are told apart
// by their dynamic type.
template <class T>
T& payload(const Tensor& t) {
  static_assert(std::is_base_of_v<Payload, T>, "nx::payload<T>: T must derive from nx::PayloadOf");
  Payload* p = t.payload().get();
  if (p == nullptr || p->kind() != T::kind_tag) [[unlikely]]
    detail::payload_mismatch(t, T::kind_tag);
  if constexpr (T::kind_tag == BackendKind::other) {
    auto* typed = dynamic_cast<T*>(p);
    if (typed == nullptr) detail::payload_mismatch(t, T::kind_tag);
    return *typed;
  } else {
    return static_cast<T&>(*p);
  }
}

}  // namespace nx
