// Coverage probes of the creation, conversion, contraction, selection and
// reduction callbacks, and of the small blocks.
#include <map>

#include "probes.hpp"

namespace emily_tool {

namespace {

using nx::BackendPtr;
using nx::Tensor;
using nx::Type;

// An integer type of t's width other than t (bitcast's target).
Type same_width_int(Type t) { return nx::is_unsigned(t) ? Type{nx::TypeClass::s, t.bits} : Type{nx::TypeClass::u, t.bits}; }

// Host bytes of the canonical input in t, kept alive for tensors that alias them.
const std::vector<std::uint8_t>& host_bytes(Type t) {
  static std::map<std::string, std::vector<std::uint8_t>> kept;
  auto [it, fresh] = kept.try_emplace(nx::to_string(t));
  if (fresh) it->second = nx::to_binary(m23(nx::binary_backend(), t));
  return it->second;
}

}  // namespace

std::vector<Probe> core_probes() {
  return {
      {"init", [](const BackendPtr& b, Type) { (void)b->name(); }},
      {"constant", [](const BackendPtr& b, Type t) { touch(nx::full({2, 2}, 1, {.type = t, .backend = b})); }},
      {"from_binary", [](const BackendPtr& b, Type t) { touch(m23(b, t)); }},
      {"eye", [](const BackendPtr& b, Type t) { touch(nx::eye(3, {.type = t, .backend = b})); }},
      {"iota", [](const BackendPtr& b, Type t) { touch(nx::iota({2, 3}, {.type = t, .axis = 1, .backend = b})); }},
      {"backend_deallocate", [](const BackendPtr& b, Type t) { (void)nx::backend_deallocate(m23(b, t)); }},
      {"backend_copy", [](const BackendPtr& b, Type t) { touch(nx::backend_copy(m23(b, t), nx::binary_backend())); }},
      {"backend_transfer",
       [](const BackendPtr& b, Type t) { touch(nx::backend_transfer(m23(b, t), nx::binary_backend())); }},
      {"to_batched", [](const BackendPtr& b, Type t) { touch(nx::to_batched(m23(b, t), 1)); }},
      {"to_binary", [](const BackendPtr& b, Type t) { touch(m23(b, t)); }},
      {"inspect", [](const BackendPtr& b, Type t) { (void)nx::inspect(m23(b, t)); }},
      {"from_pointer",
       [](const BackendPtr& b, Type t) {
         const auto& bytes = host_bytes(t);
         touch(nx::from_pointer({nx::Pointer::Kind::local, reinterpret_cast<std::uintptr_t>(bytes.data()),
                                 static_cast<std::int64_t>(bytes.size())},
                                t, {2, 3}, {.backend = b}));
       }},
      {"to_pointer", [](const BackendPtr& b, Type t) { (void)nx::to_pointer(m23(b, t)); }},
      {"as_type", [](const BackendPtr& b, Type t) { touch(nx::as_type(m23(b, t), t == nx::f32 ? nx::s32 : nx::f32)); }},
      {"bitcast", [](const BackendPtr& b, Type t) { touch(nx::bitcast(m23(b, t), same_width_int(t))); }},
      {"dot", [](const BackendPtr& b, Type t) { touch(nx::dot(m23(b, t), {1}, m23(b, t), {1})); }},
      {"clip",
       [](const BackendPtr& b, Type t) { touch(nx::clip(m23(b, t), nx::scalar(0, t, b), nx::scalar(2, t, b))); }},
      {"select",
       [](const BackendPtr& b, Type t) {
         touch(nx::select(typed(b, nx::u8, {{1, 0, 1}, {0, 1, 0}}), m23(b, t), nx::scalar(0, t, b)));
       }},
      {"all", [](const BackendPtr& b, Type t) { touch(nx::all(m23(b, t), {.axes = {{1}}})); }},
      {"any", [](const BackendPtr& b, Type t) { touch(nx::any(m23(b, t), {.axes = {{0}}})); }},
      {"sum", [](const BackendPtr& b, Type t) { touch(nx::sum(m23(b, t), {.axes = {{1}}})); }},
      {"product", [](const BackendPtr& b, Type t) { touch(nx::product(m23(b, t), {.axes = {{0}}})); }},
      {"reduce_max", [](const BackendPtr& b, Type t) { touch(nx::reduce_max(m23(b, t), {.axes = {{1}}})); }},
      {"reduce_min", [](const BackendPtr& b, Type t) { touch(nx::reduce_min(m23(b, t))); }},
      {"argmax", [](const BackendPtr& b, Type t) { touch(nx::argmax(m23(b, t), {.axis = 1})); }},
      {"argmin", [](const BackendPtr& b, Type t) { touch(nx::argmin(m23(b, t))); }},
      {"reduce",
       [](const BackendPtr& b, Type t) {
         touch(nx::reduce(m23(b, t), nx::Scalar(0), [](const Tensor& e, const Tensor& a) { return nx::add(e, a); }));
       }},
  };
}

std::vector<Probe> core_block_probes() {
  return {
      {"logical_not", [](const BackendPtr& b, Type t) { touch(nx::logical_not(m23(b, t))); }},
      {"phase", [](const BackendPtr& b, Type t) { touch(nx::phase(m23(b, t))); }},
      {"softmax", [](const BackendPtr& b, Type t) { touch(nx::softmax(m23(b, t), 1)); }},
  };
}

}  // namespace emily_tool
