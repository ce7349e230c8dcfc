// Helpers shared by the element-wise tables of Emily (elementwise.cpp,
// elementwise_unary.cpp).
#pragma once

#include <optional>

#include "emily_backend.hpp"

namespace emily::elementwise {

inline mx::array scalar_like(double v, const mx::array& like) { return mx::array(v, like.dtype()); }

inline mx::array bool_of(const mx::array& a, mx::Device d) {
  if (a.dtype() == mx::bool_) return a;
  return mx::not_equal(a, mx::array(0, a.dtype()), d);
}

inline mx::array u8(const mx::array& b, mx::Device d) { return mx::astype(b, mx::uint8, d); }

// Compositions of several ops (remainder, pow, atan2, and an input of
// another type) run f16/bf16 in f32. Single ops run in the output type
// itself: MLX's kernels already compute f16/bf16 arithmetic in f32 per
// element and round once (to nearest even); widening the whole tensors first
// would cost two extra passes over memory.
inline nx::Type precise_type(nx::Type t) { return t == nx::f16 || t == nx::bf16 ? nx::f32 : t; }

// The type a binary op's operands meet a float result of type `ot` in
// (elementwise_mixed.cpp). Nx computes on each operand's own value and
// rounds once, so `ot` itself only when it holds both operands' values (the
// same type, or a literal it represents exactly); else integers wider than
// 24 bits meet it in f64 and other operands of f16/bf16 results in f32.
// `precise`: an op composed of several steps (precise_type at least).
nx::Type compute_type(const Backend& be, const Tensor& a, const Tensor& b, nx::Type ot, bool precise);

// u64 against a signed operand (an s64 result): min, max, quotient,
// remainder, right_shift and clip on the operands' own values, wrapped once
// as in Nx. Empty for any other op or operand pair.
// The order (-1, 0, 1 as int8) of u64 values `u` against int64 values `s`.
mx::array order_u64_signed(const mx::array& u, const mx::array& s, mx::Device d);
std::optional<mx::array> mixed_clip(const Backend& be, const Tensor& t, const Tensor& lo, const Tensor& hi,
                                    nx::Type ot);
std::optional<mx::array> mixed_sign_64(const Backend& be, nx::BinaryOp op, const Tensor& a, const Tensor& b,
                                       nx::Type ot);

}  // namespace emily::elementwise
