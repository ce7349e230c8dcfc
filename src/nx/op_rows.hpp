// Element-wise op tables of the backends: one row per BinaryOp or UnaryOp,
// row i holding op i, so dispatch is an index. The op counts come from the
// lists that generate the enums.
#pragma once

#include <cstddef>

#include "nx/backend.hpp"

namespace nx::op_table {

#define NX_OP_TABLE_COUNT(...) +1
template <class Op>
inline constexpr std::size_t op_count = 0;
template <>
inline constexpr std::size_t op_count<BinaryOp> = 0 NX_BINARY_CALLBACKS(NX_OP_TABLE_COUNT);
template <>
inline constexpr std::size_t op_count<UnaryOp> = 0 NX_UNARY_CALLBACKS(NX_OP_TABLE_COUNT);
#undef NX_OP_TABLE_COUNT

// True when `rows` (each with a member `op`) has one row per op, in enum order.
template <class Row, std::size_t N>
constexpr bool in_op_order(const Row (&rows)[N]) {
  if (N != op_count<decltype(Row::op)>) return false;
  for (std::size_t i = 0; i < N; ++i)
    if (static_cast<std::size_t>(rows[i].op) != i) return false;
  return true;
}

template <class Op>
constexpr std::size_t index(Op op) {
  return static_cast<std::size_t>(op);
}

}  // namespace nx::op_table
