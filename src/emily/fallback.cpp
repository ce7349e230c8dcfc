#include "fallback.hpp"

#include <cstdlib>
#include <iostream>
#include <mutex>
#include <set>

#include "nx/creation.hpp"

namespace emily {

namespace {

FallbackPolicy initial_policy() {
  const char* env = std::getenv("EMILY_FALLBACK");
  if (!env) return FallbackPolicy::silent;
  std::string v(env);
  if (v == "warn") return FallbackPolicy::warn;
  if (v == "raise") return FallbackPolicy::raise;
  return FallbackPolicy::silent;
}

std::atomic<FallbackPolicy>& policy_slot() {
  static std::atomic<FallbackPolicy> p{initial_policy()};
  return p;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? " " : "") + v[i];
  return s;
}

}  // namespace

void set_fallback_policy(FallbackPolicy policy) { policy_slot() = policy; }
FallbackPolicy fallback_policy() { return policy_slot(); }

namespace fallback {

nx::Tensor to_ref(const nx::Tensor& t) {
  if (!t.defined() || t.backend()->is_reference()) return t;
  return t.backend()->backend_copy(t, nx::binary_backend());
}

std::vector<nx::Tensor> to_ref(const std::vector<nx::Tensor>& ts) {
  std::vector<nx::Tensor> out;
  for (const auto& t : ts) out.push_back(to_ref(t));
  return out;
}

nx::StartIndices to_ref(const nx::StartIndices& s) {
  return nx::StartIndices{s.fixed, to_ref(s.dynamic)};
}

nx::Tensor from_ref(Backend& self, const nx::Tensor& t) {
  if (!t.defined()) return t;
  auto bytes = t.backend()->to_binary(t, t.size());
  return self.from_binary(t.spec(), bytes);
}

std::vector<nx::Tensor> from_ref(Backend& self, const std::vector<nx::Tensor>& ts) {
  std::vector<nx::Tensor> out;
  for (const auto& t : ts) out.push_back(from_ref(self, t));
  return out;
}

void Inputs::add(const nx::Tensor& t) {
  if (!t.defined()) return;
  shapes.push_back(nx::shape_to_string(t.shape()));
  types.push_back(nx::to_string(t.type()));
}

std::map<std::string, std::string> enter(std::string_view op, const Inputs& inputs) {
  std::map<std::string, std::string> meta{
      {"op", std::string(op)}, {"input_shapes", join(inputs.shapes)}, {"input_types", join(inputs.types)}};
  switch (fallback_policy()) {
    case FallbackPolicy::silent: break;
    case FallbackPolicy::warn: {
      static std::mutex m;
      static std::set<std::string> warned;
      std::string key = std::string(op) + " " + meta["input_shapes"];
      std::lock_guard lock(m);
      if (warned.insert(key).second)
        std::cerr << "[emily] " << op << " fell back to the reference backend (inputs "
                  << meta["input_shapes"] << " of " << meta["input_types"] << ")\n";
      break;
    }
    case FallbackPolicy::raise:
      throw nx::UnsupportedError("emily: " + std::string(op) +
                                 " has no MLX implementation for inputs " + meta["input_shapes"] +
                                 " of " + meta["input_types"] + " and the fallback policy is raise");
  }
  return meta;
}

}  // namespace fallback
}  // namespace emily
