// Element-wise callbacks and their operators. Binary ops accept tensors or
// host numbers on either side; numbers follow Nx's weak-scalar rule.
#pragma once

#include <complex>
#include <type_traits>

#include "nx/op_table.hpp"
#include "nx/tensor.hpp"

namespace nx {

// A tensor or a host number: the argument type of the element-wise functions.
// It refers to the tensor it was made from (no copy), so it is meant to be
// passed, not stored.
class Operand {
 public:
  Operand(const Tensor& t) : tensor_(&t), is_tensor_(true) {}
  Operand(const Scalar& s) : scalar_(s) {}
  template <class T>
    requires std::is_arithmetic_v<T>
  Operand(T v) : scalar_(v) {}
  Operand(std::complex<double> v) : scalar_(v) {}
  Operand(std::complex<float> v) : scalar_(v) {}

  bool is_tensor() const { return is_tensor_; }
  const Tensor& tensor() const { return *tensor_; }
  const Scalar& scalar() const { return scalar_; }

 private:
  const Tensor* tensor_ = nullptr;
  Scalar scalar_;
  bool is_tensor_ = false;
};

#define NX_DECLARE_BINARY_FN(name, ...) Tensor name(const Operand& a, const Operand& b);
NX_BINARY_CALLBACKS(NX_DECLARE_BINARY_FN)
#undef NX_DECLARE_BINARY_FN
#define NX_DECLARE_UNARY_FN(name, ...) Tensor name(const Operand& t);
NX_UNARY_CALLBACKS(NX_DECLARE_UNARY_FN)
#undef NX_DECLARE_UNARY_FN

Tensor binary(BinaryOp op, const Operand& a, const Operand& b);
Tensor unary(UnaryOp op, const Operand& t);

Tensor logical_not(const Operand& t);
Tensor phase(const Operand& t);
Tensor complex(const Operand& re, const Operand& im);
Tensor log2(const Operand& t);
Tensor log10(const Operand& t);
Tensor log(const Operand& t, const Operand& base);
Tensor square(const Operand& t);

Tensor select(const Operand& pred, const Operand& on_true, const Operand& on_false);
Tensor clip(const Operand& t, const Operand& min, const Operand& max);

#define NX_DECLARE_OPERATOR(op, fn)                         \
  inline Tensor operator op(const Tensor& a, const Tensor& b) { return fn(a, b); } \
  inline Tensor operator op(const Tensor& a, const Scalar& b) { return fn(a, b); } \
  inline Tensor operator op(const Scalar& a, const Tensor& b) { return fn(a, b); }
NX_DECLARE_OPERATOR(+, add)
NX_DECLARE_OPERATOR(-, subtract)
NX_DECLARE_OPERATOR(*, multiply)
NX_DECLARE_OPERATOR(/, divide)
NX_DECLARE_OPERATOR(%, remainder)
NX_DECLARE_OPERATOR(&, bitwise_and)
NX_DECLARE_OPERATOR(|, bitwise_or)
NX_DECLARE_OPERATOR(^, bitwise_xor)
NX_DECLARE_OPERATOR(<<, left_shift)
NX_DECLARE_OPERATOR(>>, right_shift)
NX_DECLARE_OPERATOR(==, equal)
NX_DECLARE_OPERATOR(!=, not_equal)
NX_DECLARE_OPERATOR(<, less)
NX_DECLARE_OPERATOR(>, greater)
NX_DECLARE_OPERATOR(<=, less_equal)
NX_DECLARE_OPERATOR(>=, greater_equal)
NX_DECLARE_OPERATOR(&&, logical_and)
NX_DECLARE_OPERATOR(||, logical_or)
#undef NX_DECLARE_OPERATOR
inline Tensor operator-(const Tensor& t) { return negate(t); }
inline Tensor operator~(const Tensor& t) { return bitwise_not(t); }
inline Tensor operator!(const Tensor& t) { return logical_not(t); }

}  // namespace nx
