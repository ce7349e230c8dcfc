// Front-end internals: backend choice, axis normalisation, broadcasting and
// name rules shared by every front-end function.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "nx/nx.hpp"

namespace nx::front {

// The backend an op on these tensors runs on: reference-backend tensors join
// the other backend; two different non-reference backends are an error.
BackendPtr pick_backend(std::string_view op, const Tensor* const* tensors, std::size_t count);
inline BackendPtr pick_backend(std::string_view op, std::initializer_list<const Tensor*> tensors) {
  return pick_backend(op, tensors.begin(), tensors.size());
}
inline BackendPtr pick_backend(std::string_view op, const std::vector<const Tensor*>& tensors) {
  return pick_backend(op, tensors.data(), tensors.size());
}
// Whether `t` can be handed to `backend`'s callbacks as it is.
bool usable_on(const Tensor& t, const BackendPtr& backend);
// `t` moved onto `backend` if it lives elsewhere (captured into the graph
// when `backend` is the expression backend).
Tensor on(const Tensor& t, const BackendPtr& backend);
BackendPtr or_default(const BackendPtr& b);

// A user axis (position, negative from the end, or name) resolved against the
// axes of a tensor of `rank` named `names` ({} when unnamed), as Nx's
// Nx.Shape.normalize_axis/normalize_axes do, with their error messages.
int normalize_axis(std::string_view op, const Axis& axis, int rank, const Names& names);
AxisIndices normalize_axes(std::string_view op, const Axes& axes, int rank, const Names& names);
inline int normalize_axis(std::string_view op, const Axis& axis, const Tensor& t) {
  return normalize_axis(op, axis, t.rank(), t.names());
}
inline AxisIndices normalize_axes(std::string_view op, const Axes& axes, const Tensor& t) {
  return normalize_axes(op, axes, t.rank(), t.names());
}
Shape broadcast_shapes(std::string_view op, const Shape& a, const Shape& b);
// Right-aligned name merge of two broadcast operands.
Names broadcast_names(std::string_view op, const Tensor& a, const Tensor& b, int rank);
// Nx's merge of two axis names: equal, or one of them empty; otherwise
// "cannot merge name :a on axis i with name :b on axis j".
std::string merge_name(std::string_view op, const std::string& a, int axis_a, const std::string& b, int axis_b);
std::string name_at(const Names& names, int axis);
Names normalized_names(const Names& names, int rank);
void check_names(std::string_view op, const Names& names, int rank);
// Nx rejects zero-sized (and negative) dimensions; `what` is the argument's
// name in Nx's message ("shape", "window_dimensions").
void check_shape(std::string_view op, const Shape& shape, std::string_view what = "shape");
// Nx's "expected all shapes to match {*, 2, 3}" template: `shape` with `*` on `axis`.
std::string shape_template(const Shape& shape, int axis);

// A scalar tensor of the literal's type (s32, f32 or c64) or of `type`.
Tensor scalar_tensor(const Scalar& s, const BackendPtr& backend, std::optional<Type> type = std::nullopt);
// Type of an operand: the tensor's type, or the literal's type.
Type operand_type(const Operand& o);
// The operand as a tensor on `backend`.
Tensor operand_tensor(const Operand& o, const BackendPtr& backend);
// The same without copying a tensor that is already usable on `backend`;
// `storage` keeps a converted or created tensor alive.
const Tensor& operand_ref(const Operand& o, const BackendPtr& backend, Tensor& storage);

std::string type_name(Type t);  // "{:f, 32}" as Nx prints it in errors
std::string inspect_header(const Tensor& t);  // "f32[x: 2][3]", the type and shape line of Nx's inspect
// Nx.Shared's "Nx.<function>/<arity> does not support complex inputs".
[[noreturn]] void raise_complex_not_supported(std::string_view op, std::string_view function, int arity);
std::string axes_to_string(const AxisIndices& axes);  // "[0, 1]"
std::string axes_to_string(const Axes& axes);         // "[:x, 1]"
std::string names_to_string(const Names& names, int rank);  // "[:x, nil]"

// Shape of a reduction result.
Shape reduced_shape(const Shape& shape, const std::optional<AxisIndices>& axes, bool keep_axes);
Names reduced_names(const Names& names, int rank, const std::optional<AxisIndices>& axes, bool keep_axes);

// The permutation that undoes `p` (inv[p[i]] = i).
AxisIndices inverse_permutation(const AxisIndices& p);

}  // namespace nx::front
