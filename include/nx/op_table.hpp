// The op table: the one home of every callback and block name and of the
// types each one takes. nx::Backend's virtuals, the BinaryOp/UnaryOp enums,
// the front end's element-wise functions and type checks, callback_names(),
// block_names() and the coverage command's choice of types per callback are
// all generated from these lists.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "nx/type.hpp"

namespace nx {

// A set of Nx types.
struct TypeSet {
  std::uint32_t mask = 0;  // one bit per type
  static constexpr std::uint32_t bit(Type t) {
    int log = 0;  // 2 → 0, 4 → 1, ..., 64 → 5
    while ((2 << log) < t.bits) ++log;
    switch (t.cls) {
      case TypeClass::u: return 1u << log;
      case TypeClass::s: return 1u << (6 + log);
      case TypeClass::f: return 1u << (10 + log);  // f8 .. f64: 12 .. 15
      case TypeClass::bf: return 1u << 16;
      case TypeClass::f8e4m3fn: return 1u << 17;
      case TypeClass::c: return 1u << (13 + log);  // c64, c128: 18, 19
    }
    return 0;
  }
  constexpr bool contains(Type t) const { return (mask & bit(t)) != 0; }
  constexpr TypeSet operator|(TypeSet o) const { return {mask | o.mask}; }
  constexpr TypeSet operator-(TypeSet o) const { return {mask & ~o.mask}; }
  constexpr bool operator==(const TypeSet&) const = default;
};

// The sets the table uses. `none` marks a callback that takes no tensor.
namespace types {
constexpr TypeSet of(std::initializer_list<Type> list) {
  TypeSet s;
  for (Type t : list) s.mask |= TypeSet::bit(t);
  return s;
}
inline constexpr TypeSet none{}, unsigned_int = of({u2, u4, u8, u16, u32, u64}),
                         integer = unsigned_int | of({s2, s4, s8, s16, s32, s64}),
                         real_float = of({f8, f8_e4m3fn, f16, bf16, f32, f64}), real = integer | real_float,
                         complex_only = of({c64, c128}), any = real | complex_only,
                         not_unsigned = any - unsigned_int,
                         whole_bytes = any - of({u2, u4, s2, s4});  // sub-byte types have no pointer layout
}  // namespace types

// Output type of an element-wise op, from the merged operand type (binary)
// or the input type (unary).
enum class ResultRule : std::uint8_t {
  same,       // that type
  predicate,  // u8
  floating,   // to_floating
  complex,    // to_complex
  real_part,  // complex → its real type; real types unchanged
};

// Binary element-wise callbacks: X(name, types, result). `types` are the
// operand types the op is defined on; the front end raises for others (for
// integer-only ops, on the merged type). Every accepted type reaches the
// callback. Complex values have no order: min, max, remainder and the four
// orderings take real operands only, as in Nx.
#define NX_BINARY_CALLBACKS(X)                                                                   \
  X(add, any, same) X(subtract, any, same) X(multiply, any, same) X(pow, any, same)              \
  X(remainder, real, same) X(divide, any, floating) X(atan2, any, floating) X(min, real, same)   \
  X(max, real, same) X(quotient, integer, same) X(bitwise_and, integer, same)                    \
  X(bitwise_or, integer, same) X(bitwise_xor, integer, same) X(left_shift, integer, same)        \
  X(right_shift, integer, same) X(equal, any, predicate) X(not_equal, any, predicate)           \
  X(greater, real, predicate) X(less, real, predicate) X(greater_equal, real, predicate)         \
  X(less_equal, real, predicate) X(logical_and, any, predicate) X(logical_or, any, predicate)    \
  X(logical_xor, any, predicate)

// Unary element-wise callbacks: X(name, types, settled, result). `types`
// reach the callback; `settled` are accepted too but answered by the front
// end without calling it (ceil of an integer is the integer, abs of an
// unsigned the input, real/imag of a real tensor the input or zeros). The
// front end raises for every other type.
#define NX_UNARY_CALLBACKS(X)                                                                    \
  X(exp, any, none, floating) X(expm1, any, none, floating) X(log, any, none, floating)         \
  X(log1p, any, none, floating) X(sigmoid, any, none, floating) X(cos, any, none, floating)     \
  X(sin, any, none, floating) X(tan, any, none, floating) X(cosh, any, none, floating)          \
  X(sinh, any, none, floating) X(tanh, any, none, floating) X(acos, any, none, floating)        \
  X(asin, any, none, floating) X(atan, any, none, floating) X(acosh, any, none, floating)       \
  X(asinh, any, none, floating) X(atanh, any, none, floating) X(sqrt, any, none, floating)      \
  X(rsqrt, any, none, floating) X(cbrt, any, none, floating) X(erf, real, none, floating)       \
  X(erfc, real, none, floating) X(erf_inv, real, none, floating)                                \
  X(abs, not_unsigned, unsigned_int, real_part) X(bitwise_not, integer, none, same)             \
  X(ceil, real_float, integer, same) X(conjugate, any, none, complex)                           \
  X(floor, real_float, integer, same) X(negate, any, none, same)                                \
  X(round, real_float, integer, same) X(sign, any, none, same)                                  \
  X(count_leading_zeros, integer, none, same) X(population_count, integer, none, same)          \
  X(real, complex_only, real, real_part) X(imag, complex_only, real, real_part)                 \
  X(is_nan, any, none, predicate) X(is_infinity, any, none, predicate)

// Every Nx.Backend callback (115), in Nx's order: M(name, types, ...) for a
// virtual of nx::Backend, O(name, types) for one without a virtual of its
// own (init is the backend's construction, inspect its inspect_header, block
// the dispatch of the blocks below). `types`: the types of the tensor
// arguments the front end accepts for the op.
#define NX_CALLBACKS(M, O)                                                                       \
  O(init, none) M(constant, any) M(from_binary, any) M(eye, any) M(iota, any)                    \
  M(backend_deallocate, any) M(backend_copy, any) M(backend_transfer, any) M(to_batched, any)    \
  M(to_binary, any) O(inspect, any) M(from_pointer, whole_bytes) M(to_pointer, whole_bytes) M(as_type, any)      \
  M(bitcast, real) M(reshape, any) M(squeeze, any) M(broadcast, any) M(transpose, any)           \
  M(pad, any) M(reverse, any) M(dot, any) M(clip, real) M(slice, any) M(put_slice, any)          \
  M(gather, any) M(concatenate, any) M(stack, any) M(select, any) M(conv, any) M(all, any)       \
  M(any, any) M(sum, any) M(product, any) M(reduce_max, real) M(reduce_min, real)                \
  M(argmax, real) M(argmin, real) M(reduce, any) M(window_reduce, any) M(window_sum, any)        \
  M(window_product, any) M(window_max, real) M(window_min, real) M(sort, real)                   \
  M(argsort, real) M(window_scatter_max, real) M(window_scatter_min, real) M(indexed_add, any)   \
  M(indexed_put, any) M(triangular_solve, any) M(fft, any) M(ifft, any)                          \
  NX_BINARY_CALLBACKS(M) NX_UNARY_CALLBACKS(M) O(block, none)

// Every block (Nx.Block.*, plus the extension block softmax), each a virtual
// of nx::Backend: B(name, types).
#define NX_BLOCKS(B)                                                                             \
  B(logical_not, any) B(phase, any) B(all_close, any) B(cumulative_sum, any)                     \
  B(cumulative_product, any) B(cumulative_min, real) B(cumulative_max, real) B(take, any)        \
  B(take_along_axis, any) B(top_k, real) B(fft2, any) B(ifft2, any) B(rfft, real) B(irfft, any)  \
  B(cholesky, any) B(solve, any) B(qr, any) B(eigh, any) B(svd, real) B(lu, any)                 \
  B(determinant, any) B(softmax, real)

#define NX_ENUM_ENTRY(name, ...) name,
enum class BinaryOp { NX_BINARY_CALLBACKS(NX_ENUM_ENTRY) };
enum class UnaryOp { NX_UNARY_CALLBACKS(NX_ENUM_ENTRY) };
#undef NX_ENUM_ENTRY

struct BinaryTraits {
  TypeSet types;
  ResultRule result;
};
struct UnaryTraits {
  TypeSet types;    // reach the callback
  TypeSet settled;  // accepted, answered by the front end
  ResultRule result;
  TypeSet accepts() const { return types | settled; }
};

std::string_view op_name(BinaryOp op);
std::string_view op_name(UnaryOp op);
const BinaryTraits& traits(BinaryOp op);
const UnaryTraits& traits(UnaryOp op);
const std::vector<BinaryOp>& all_binary_ops();
const std::vector<UnaryOp>& all_unary_ops();
// The output type of an op whose merged operand (or input) type is `t`.
Type result_type(ResultRule rule, Type t);

// A callback or block and the types its tensor arguments may have.
struct OpEntry {
  std::string name;
  TypeSet types;
};
const std::vector<OpEntry>& callback_table();
const std::vector<OpEntry>& block_table();
// The names alone, as the coverage command lists them.
const std::vector<std::string>& callback_names();
const std::vector<std::string>& block_names();

}  // namespace nx
