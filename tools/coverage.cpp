// `emily coverage`: every callback and block run on a small canonical input.
// The status comes from what happened: an emily.fallback telemetry span means
// fallback, a block's default composition reporting itself means composed,
// nx::UnsupportedError (or any other failure) means unsupported.
#include "coverage.hpp"

#include <functional>
#include <iostream>
#include <map>

#include "emily/emily.hpp"
#include "probes.hpp"

namespace emily_tool {

namespace {

using nx::BackendPtr;
using nx::Tensor;

}  // namespace

std::vector<Probe> core_probes() {
  std::vector<Probe> p = {
      {"init", [](const BackendPtr& b) { (void)b->name(); }},
      {"constant", [](const BackendPtr& b) { touch(nx::full({2, 2}, 3.5, {.type = nx::f32, .backend = b})); }},
      {"from_binary", [](const BackendPtr& b) { touch(m23(b)); }},
      {"eye", [](const BackendPtr& b) { touch(nx::eye(3, {.backend = b})); }},
      {"iota", [](const BackendPtr& b) { touch(nx::iota({2, 3}, {.axis = 1, .backend = b})); }},
      {"backend_deallocate", [](const BackendPtr& b) { (void)nx::backend_deallocate(m23(b)); }},
      {"backend_copy", [](const BackendPtr& b) { touch(nx::backend_copy(m23(b), nx::binary_backend())); }},
      {"backend_transfer", [](const BackendPtr& b) { touch(nx::backend_transfer(m23(b), nx::binary_backend())); }},
      {"to_batched", [](const BackendPtr& b) { touch(nx::to_batched(m23(b), 1)); }},
      {"to_binary", [](const BackendPtr& b) { touch(m23(b)); }},
      {"inspect", [](const BackendPtr& b) { (void)nx::inspect(m23(b)); }},
      {"from_pointer", [](const BackendPtr& b) {
         static const float data[4] = {1, 2, 3, 4};
         touch(nx::from_pointer({nx::Pointer::Kind::local, reinterpret_cast<std::uintptr_t>(data), 16}, nx::f32,
                                {2, 2}, {.backend = b}));
       }},
      {"to_pointer", [](const BackendPtr& b) { (void)nx::to_pointer(m23(b)); }},
      {"as_type", [](const BackendPtr& b) { touch(nx::as_type(m23(b), nx::s32)); }},
      {"bitcast", [](const BackendPtr& b) { touch(nx::bitcast(m23(b), nx::s32)); }},
      {"dot", [](const BackendPtr& b) { touch(nx::dot(m23(b), {1}, m23(b), {1})); }},
      {"clip", [](const BackendPtr& b) { touch(nx::clip(m23(b), -1.0, 2.0)); }},
      {"select", [](const BackendPtr& b) { touch(nx::select(nx::greater(m23(b), 0), m23(b), 0.0)); }},
      {"all", [](const BackendPtr& b) { touch(nx::all(m23(b), {.axes = {{1}}})); }},
      {"any", [](const BackendPtr& b) { touch(nx::any(m23(b), {.axes = {{0}}})); }},
      {"sum", [](const BackendPtr& b) { touch(nx::sum(m23(b), {.axes = {{1}}})); }},
      {"product", [](const BackendPtr& b) { touch(nx::product(m23(b), {.axes = {{0}}})); }},
      {"reduce_max", [](const BackendPtr& b) { touch(nx::reduce_max(m23(b), {.axes = {{1}}})); }},
      {"reduce_min", [](const BackendPtr& b) { touch(nx::reduce_min(m23(b))); }},
      {"argmax", [](const BackendPtr& b) { touch(nx::argmax(m23(b), {.axis = 1})); }},
      {"argmin", [](const BackendPtr& b) { touch(nx::argmin(m23(b))); }},
      {"reduce", [](const BackendPtr& b) {
         touch(nx::reduce(ints(b), nx::Scalar(0), [](const Tensor& e, const Tensor& a) { return nx::add(e, a); }));
       }},
  };
  for (nx::BinaryOp op : nx::all_binary_ops()) {
    p.push_back({std::string(nx::op_name(op)), [op](const BackendPtr& b) {
                   bool int_op = op == nx::BinaryOp::quotient || op == nx::BinaryOp::bitwise_and ||
                                 op == nx::BinaryOp::bitwise_or || op == nx::BinaryOp::bitwise_xor ||
                                 op == nx::BinaryOp::left_shift || op == nx::BinaryOp::right_shift;
                   Tensor x = int_op ? ints(b) : m23(b);
                   touch(nx::binary(op, x, int_op ? nx::Operand(2) : nx::Operand(2.0)));
                 }});
  }
  for (nx::UnaryOp op : nx::all_unary_ops()) {
    p.push_back({std::string(nx::op_name(op)), [op](const BackendPtr& b) {
                   bool int_op = op == nx::UnaryOp::bitwise_not || op == nx::UnaryOp::population_count ||
                                 op == nx::UnaryOp::count_leading_zeros;
                   bool complex_op = op == nx::UnaryOp::real || op == nx::UnaryOp::imag;
                   bool unit = op == nx::UnaryOp::acos || op == nx::UnaryOp::asin || op == nx::UnaryOp::atanh ||
                               op == nx::UnaryOp::erf_inv;
                   Tensor x = int_op ? ints(b)
                              : complex_op ? nx::tensor({std::complex<double>(1, 2), std::complex<double>(-3, 0.5)},
                                                        {.backend = b})
                              : unit ? nx::tensor({-0.5, 0.25, 0.75}, {.backend = b})
                                     : nx::tensor({0.5, 1.5, 2.5}, {.backend = b});
                   touch(nx::unary(op, x));
                 }});
  }
  return p;
}

std::vector<Probe> core_block_probes() {
  return {
      {"logical_not", [](const BackendPtr& b) { touch(nx::logical_not(m23(b))); }},
      {"phase", [](const BackendPtr& b) { touch(nx::phase(nx::tensor({std::complex<double>(1, 1)}, {.backend = b}))); }},
      {"softmax", [](const BackendPtr& b) { touch(nx::softmax(m23(b), 1)); }},
  };
}

namespace {

std::vector<Probe> all_probes() {
  std::vector<Probe> all;
  for (auto family : {core_probes(), shape_indexing_probes(), reduce_sort_window_probes(), linalg_probes()})
    all.insert(all.end(), family.begin(), family.end());
  return all;
}

std::vector<Probe> all_block_probes() {
  std::vector<Probe> all;
  for (auto family : {core_block_probes(), shape_indexing_block_probes(), reduce_sort_window_block_probes(),
                      linalg_block_probes()})
    all.insert(all.end(), family.begin(), family.end());
  return all;
}

std::string classify(const Probe& probe, const BackendPtr& backend, std::string& detail) {
  int fallbacks = 0;
  auto id = emily::telemetry::attach("emily.fallback", [&](const emily::telemetry::Event& e) {
    if (e.phase == emily::telemetry::Phase::start) ++fallbacks;
  });
  std::string status;
  {
    nx::detail::ComposedRecorder composed;
    try {
      probe.run(backend);
      status = fallbacks ? "fallback" : !composed.blocks().empty() ? "composed" : "native";
    } catch (const nx::UnsupportedError& e) {
      status = fallbacks ? "fallback" : "unsupported";
      detail = e.what();
    } catch (const std::exception& e) {
      status = "unsupported";
      detail = e.what();
    }
  }
  emily::telemetry::detach(id);
  return status;
}

}  // namespace

CoverageCounts run_coverage(const BackendPtr& backend, const std::string& backend_name, const std::string& device,
                            std::ostream& os) {
  CoverageCounts counts;
  std::map<std::string, Probe> by_name;
  for (auto& p : all_probes()) by_name.emplace(p.name, p);
  auto count = [&](const std::string& status) {
    if (status == "native") ++counts.native;
    else if (status == "composed") ++counts.composed;
    else if (status == "fallback") ++counts.fallback;
    else ++counts.unsupported;
  };
  std::vector<std::pair<std::string, std::string>> block_results;
  bool any_native_block = false;
  for (const auto& bp : all_block_probes()) {
    std::string detail;
    std::string status = classify(bp, backend, detail);
    any_native_block = any_native_block || status == "native";
    block_results.emplace_back("block:" + bp.name, status);
    if (!detail.empty()) std::cerr << bp.name << ": " << detail << "\n";
  }
  for (const auto& name : nx::callback_names()) {
    std::string status, detail;
    if (name == "block") {
      status = any_native_block ? "native" : "composed";
    } else {
      auto it = by_name.find(name);
      if (it == by_name.end()) {
        status = "unsupported";
        detail = "no coverage probe";
      } else {
        status = classify(it->second, backend, detail);
      }
    }
    count(status);
    os << name << "\t" << backend_name << "\t" << device << "\t" << status << "\n";
    if (!detail.empty()) std::cerr << name << ": " << detail << "\n";
  }
  for (const auto& name : nx::block_names()) {
    std::string status = "unsupported";
    for (const auto& [n, s] : block_results)
      if (n == "block:" + name) status = s;
    count(status);
    os << "block:" << name << "\t" << backend_name << "\t" << device << "\t" << status << "\n";
  }
  os << counts.native << " native, " << counts.composed << " composed, " << counts.fallback << " fallback, "
     << counts.unsupported << " unsupported\n";
  return counts;
}

}  // namespace emily_tool
