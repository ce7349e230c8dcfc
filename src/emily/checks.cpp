// Pending checks (checks.hpp): a pass-through primitive holding the message,
// found at read time by walking the unevaluated part of the MLX graph.
#include "checks.hpp"

#include <atomic>
#include <unordered_set>

#include <mlx/primitives.h>

namespace emily::checks {

namespace {

// Guards alive anywhere: reads skip the graph walk while there are none.
std::atomic<long> g_live{0};

// Inputs {value, ok}; the output shares value's buffer. `ok` is an input so
// that it lives as long as the node.
class Guard final : public mx::UnaryPrimitive {
 public:
  Guard(mx::Stream s, std::string message) : mx::UnaryPrimitive(s), message_(std::move(message)) { ++g_live; }
  ~Guard() override { --g_live; }
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;

  void eval_cpu(const std::vector<mx::array>& inputs, mx::array& out) override { out.copy_shared_buffer(inputs[0]); }
  void eval_gpu(const std::vector<mx::array>& inputs, mx::array& out) override { out.copy_shared_buffer(inputs[0]); }
  std::vector<mx::Shape> output_shapes(const std::vector<mx::array>& inputs) override { return {inputs[0].shape()}; }
  const char* name() const override { return "EmilyPendingCheck"; }
  const std::string& message() const { return message_; }

 private:
  std::string message_;
};

}  // namespace

mx::array guard(const mx::array& value, const mx::array& ok, std::string message) {
  const mx::Stream s = mx::default_stream(mx::Device::cpu);
  mx::array flag = mx::reshape(mx::astype(ok, mx::bool_, s), {}, s);
  return mx::array(value.shape(), value.dtype(), std::make_shared<Guard>(s, std::move(message)), {value, flag});
}

void run(const std::vector<mx::array>& arrays) {
  if (g_live.load(std::memory_order_relaxed) == 0) return;
  // Evaluated nodes are detached from their inputs and a guard's output is
  // only evaluated after its check has passed, so the walk stops there.
  std::vector<mx::array> stack(arrays.begin(), arrays.end()), flags;
  std::vector<const Guard*> guards;
  std::unordered_set<std::uintptr_t> seen;
  while (!stack.empty()) {
    mx::array a = std::move(stack.back());
    stack.pop_back();
    if (!seen.insert(a.id()).second || a.status() != mx::array::unscheduled || !a.has_primitive()) continue;
    if (const auto* g = dynamic_cast<const Guard*>(&a.primitive())) {
      guards.push_back(g);
      flags.push_back(a.inputs()[1]);
    }
    for (const auto& in : a.inputs()) stack.push_back(in);
  }
  if (flags.empty()) return;
  // The flags alone: a failing check leaves the guarded results unevaluated,
  // so reading them again raises again.
  mx::eval(flags);
  for (std::size_t i = 0; i < flags.size(); ++i)
    if (!flags[i].item<bool>()) throw nx::ArgumentError(guards[i]->message());
}

}  // namespace emily::checks
