// Emily's element-wise CPU kernels on f32 and f64: the graph builders used by
// the unary/binary tables of src/emily (elementwise*.cpp) and the SIMD loops
// behind them (unary_simd.cpp, binary_simd.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "primitive.hpp"

namespace emily::cpu {

enum class Unary : std::uint8_t { exp, expm1, log, log1p, tanh, sigmoid, erf, sin, cos, sqrt, rsqrt, negate, abs };
enum class Binary : std::uint8_t { add, subtract, multiply, divide, max, min, pow };

std::string_view name(Unary k);
std::string_view name(Binary k);

// A lazy array computing k(x) with Emily's kernel, or nullopt where the
// kernel does not apply (see applies(); empty arrays also keep MLX's path).
std::optional<mx::array> unary(Unary k, const mx::array& x, mx::Device d);
// The same for k(a, b): operands of the result's shape, or one of them of
// one element (a scalar, or any shape of size 1). Other broadcasts keep
// MLX's path.
std::optional<mx::array> binary(Binary k, const mx::array& a, const mx::array& b, mx::Device d);

// The flat SIMD loops, on the best target this CPU supports. `t` is
// mx::float32 or mx::float64; pointers to n elements of it.
void unary_loop(Unary k, mx::Dtype t, const void* in, void* out, std::size_t n);
// Which operand is a single element, repeated.
enum class Operands : std::uint8_t { vector_vector, scalar_vector, vector_scalar };
void binary_loop(Binary k, mx::Dtype t, Operands mode, const void* a, const void* b, void* out, std::size_t n);

// SIMD targets (Highway's bit masks): the one the loops run on, the ones this
// CPU can run, and, for tests, pinning the loops to one of them (0: the best).
std::int64_t simd_target();
std::vector<std::int64_t> simd_targets();
void pin_simd_target(std::int64_t target);
std::string simd_target_name(std::int64_t target);

}  // namespace emily::cpu
