// Coverage probes of the element-wise callbacks: both operands in the type
// under test, values inside each op's domain.
#include "probes.hpp"

namespace emily_tool {

std::vector<Probe> elementwise_probes() {
  using nx::BackendPtr;
  using nx::Type;
  std::vector<Probe> p;
  for (nx::BinaryOp op : nx::all_binary_ops()) {
    p.push_back({std::string(nx::op_name(op)), [op](const BackendPtr& b, Type t) {
                   // No zero divisor, shift counts inside every width.
                   touch(nx::binary(op, m23(b, t), typed(b, t, {{2, 1, 3}, {1, 2, 1}})));
                 }});
  }
  for (nx::UnaryOp op : nx::all_unary_ops()) {
    const bool unit = op == nx::UnaryOp::acos || op == nx::UnaryOp::asin || op == nx::UnaryOp::atanh ||
                      op == nx::UnaryOp::erf_inv;
    p.push_back({std::string(nx::op_name(op)), [op, unit](const BackendPtr& b, Type t) {
                   touch(nx::unary(op, unit ? typed(b, t, {-0.5, 0.25, 0.75}) : typed(b, t, {0.5, 1.5, 2.5})));
                 }});
  }
  return p;
}

}  // namespace emily_tool
