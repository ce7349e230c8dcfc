// Host-side element encoding shared by the front end and the reference
// backend: Nx's storage rules (how a computed value is stored into each
// type), the small-float formats, and the bit-packing of sub-byte types.
//
// Unpacked host layout: one element per `element_bytes(type)` bytes; u2/u4
// hold their value in a byte, s2/s4 hold it sign-extended in an int8, f8
// types hold their bit pattern, f16/bf16 their 16-bit pattern.
#pragma once

#include <complex>
#include <cstdint>
#include <span>
#include <vector>

#include "nx/type.hpp"

namespace nx::element {

using cdouble = std::complex<double>;

std::uint16_t f16_from_double(double x);
double f16_to_double(std::uint16_t bits);
std::uint16_t bf16_from_double(double x);
double bf16_to_double(std::uint16_t bits);
std::uint8_t f8_from_double(double x);  // E5M2
double f8_to_double(std::uint8_t bits);
std::uint8_t f8e4m3fn_from_double(double x);
double f8e4m3fn_to_double(std::uint8_t bits);

// Wraps an exact integer into `t` (an integer type), two's complement.
std::int64_t wrap_int(__int128 v, Type t);
// Float -> integer store: truncate, wrap; NaN -> 0, +Inf -> max, -Inf -> min.
__int128 float_to_int(double x, Type t);
__int128 int_min(Type t);
__int128 int_max(Type t);

// Bulk conversion between an unpacked buffer of type `t` and a compute vector.
// Compute types: std::int64_t (integers other than u64), std::uint64_t (u64),
// double (real floats), cdouble (complex).
template <class C>
std::vector<C> load(Type t, const std::uint8_t* data, std::int64_t n);
template <class C>
void store(Type t, const C* values, std::int64_t n, std::uint8_t* out);

// One element (slow path, used for scalars and printing).
cdouble load_complex(Type t, const std::uint8_t* data, std::int64_t i);
double load_double(Type t, const std::uint8_t* data, std::int64_t i);
__int128 load_int(Type t, const std::uint8_t* data, std::int64_t i);
// Stores a host literal with the conversion rules of `t`.
void store_scalar(Type t, const Scalar& s, std::uint8_t* out);

// Nx binary layout <-> unpacked layout (identity except for sub-byte types).
std::vector<std::uint8_t> pack(Type t, const std::uint8_t* unpacked, std::int64_t n);
std::vector<std::uint8_t> unpack(Type t, std::span<const std::uint8_t> packed, std::int64_t n);
// Bytes of the Nx binary for n elements (sub-byte: rounded up to whole bytes).
std::int64_t packed_bytes(Type t, std::int64_t n);

}  // namespace nx::element
