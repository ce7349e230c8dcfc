// Helpers shared by the element-wise tables of Emily (elementwise.cpp,
// elementwise_unary.cpp).
#pragma once

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

}  // namespace emily::elementwise
