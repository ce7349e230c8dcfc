// The one fallback mechanism: copy the inputs to the reference backend, run
// the same callback there, bring the result back. Every entry emits an
// emily.fallback telemetry span (op, input shapes, input types) and obeys
// the fallback policy (silent / warn / raise).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "emily/telemetry.hpp"
#include "emily_backend.hpp"
#include "nx/binary_backend.hpp"

namespace emily::fallback {

nx::Tensor to_ref(const nx::Tensor& t);
std::vector<nx::Tensor> to_ref(const std::vector<nx::Tensor>& ts);
nx::StartIndices to_ref(const nx::StartIndices& s);
template <class T>
const T& to_ref(const T& x) {
  return x;
}

nx::Tensor from_ref(Backend& self, const nx::Tensor& t);
std::vector<nx::Tensor> from_ref(Backend& self, const std::vector<nx::Tensor>& ts);

// Input description for telemetry and warnings.
struct Inputs {
  std::vector<std::string> shapes, types;
  void add(const nx::Tensor& t);
  void add(const std::vector<nx::Tensor>& ts) {
    for (const auto& t : ts) add(t);
  }
  void add(const nx::StartIndices& s) { add(s.dynamic); }
  template <class T>
  void add(const T&) {}
};

// Applies the policy (may throw) and returns the span metadata.
std::map<std::string, std::string> enter(std::string_view op, const Inputs& inputs);

template <class R, class... P, class... A>
R run(Backend& self, std::string_view op, R (nx::Backend::*method)(P...), const A&... args) {
  Inputs inputs;
  (inputs.add(args), ...);
  telemetry::Span span("emily.fallback", enter(op, inputs));
  auto ref = nx::binary_backend();
  auto result = (ref.get()->*method)(to_ref(args)...);
  if constexpr (std::is_same_v<R, nx::Tensor> || std::is_same_v<R, std::vector<nx::Tensor>>)
    return from_ref(self, result);
  else
    return result;
}

}  // namespace emily::fallback
