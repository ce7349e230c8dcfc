// Gradient rules (Nx.Defn.Grad's counterpart), one file per op family:
//   grad_elementwise.cpp  binary, unary, select, clip, as_type, bitcast, logical_not, phase, all_close
//   grad_shape.cpp        reshape, squeeze, broadcast, transpose, pad, reverse, concatenate, stack,
//                         slice, put_slice
//   grad_reductions.cpp   sum, product, reduce_max/min, argmax/argmin, all/any, reduce,
//                         cumulative_*, softmax
//   grad_contract.cpp     dot (grad_conv.cpp: conv)
//   grad_windows.cpp      window_*
//   grad_indexing.cpp     gather, indexed_add/put, take, take_along_axis, sort, argsort, top_k
//   grad_linalg.cpp       triangular_solve, cholesky, solve, qr, eigh, svd, lu, determinant, fft family
// Each rule is written with the public nx:: API, so the gradient is itself a
// traced graph (and can be differentiated again).
#pragma once

#include <string>
#include <vector>

#include "expr.hpp"
#include "nx/nx.hpp"

namespace nx::defn::grad {

// The gradients of a node's inputs (one entry per input; an undefined tensor
// means "no gradient flows there"), given the node, its outputs as tensors
// (`self`, one per output) and the gradient of each output (`g`, undefined
// where the output received none).
using Rule = std::vector<Tensor> (*)(const Node& node, const std::vector<Tensor>& self,
                                     const std::vector<Tensor>& g);

std::vector<Tensor> elementwise(const Node& node, const std::vector<Tensor>& self, const std::vector<Tensor>& g);
std::vector<Tensor> shape(const Node& node, const std::vector<Tensor>& self, const std::vector<Tensor>& g);
std::vector<Tensor> reductions(const Node& node, const std::vector<Tensor>& self, const std::vector<Tensor>& g);
std::vector<Tensor> contract(const Node& node, const std::vector<Tensor>& self, const std::vector<Tensor>& g);
// conv, in grad_conv.cpp.
std::vector<Tensor> conv_grad(const Node& node, const std::vector<Tensor>& self, const std::vector<Tensor>& g);
std::vector<Tensor> windows(const Node& node, const std::vector<Tensor>& self, const std::vector<Tensor>& g);
std::vector<Tensor> indexing(const Node& node, const std::vector<Tensor>& self, const std::vector<Tensor>& g);
std::vector<Tensor> linalg(const Node& node, const std::vector<Tensor>& self, const std::vector<Tensor>& g);

// ---- helpers shared by the rule files ----

// A scalar constant of `type` inside the graph.
Tensor constant(const Scalar& value, Type type);
// Zeros of `spec`'s shape and type.
Tensor zeros(const Spec& spec);
// `g` (of a broadcast result) summed back to the operand's shape `to`.
Tensor unbroadcast(const Tensor& g, const Spec& to);
// `g` reshaped to `shape` with size-1 axes at `axes` re-inserted, then
// broadcast to `to` (undoes a reduction over `axes`; nullopt = every axis).
Tensor expand_reduced(const Tensor& g, const std::optional<AxisIndices>& axes, const Shape& to);
// The gradient of a block through its default composition (Nx's route for
// optional callbacks without a rule of their own).
std::vector<Tensor> through_composition(const Node& node, const std::vector<Tensor>& g);
// "no gradient for any input".
inline std::vector<Tensor> none(const Node& node) { return std::vector<Tensor>(node.inputs.size()); }
// Raises: Nx has no gradient for this op.
[[noreturn]] void not_differentiable(const Node& node, const std::string& why);

}  // namespace nx::defn::grad
