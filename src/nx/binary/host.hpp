// Internal toolkit of the reference backend: host buffers, compute-type
// dispatch, broadcasting and index arithmetic.
//
// Every computation loads its inputs into one of four compute types
// (int64 for integers other than u64, uint64 for u64, double for real
// floats, complex<double> for complex), computes there, and stores into the
// output type once with Nx's conversion rules (element.hpp). Kernels are
// therefore instantiated for 4 compute types, not 20 storage types.
#pragma once

#include <complex>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "../element.hpp"
#include "nx/backend.hpp"

namespace nx::host {

using cdouble = std::complex<double>;

// A reference-backend tensor's payload.
struct HostData final : PayloadOf<BackendKind::reference> {
  std::vector<std::uint8_t> bytes;  // unpacked layout (element.hpp)
  bool deallocated = false;
};
// The host buffer of a reference-backend tensor; ArgumentError for any other.
inline HostData& data_of(const Tensor& t) { return payload<HostData>(t); }

// The host bytes of `t`; tensors of other backends are copied through to_binary.
const std::vector<std::uint8_t>& bytes_of(const Tensor& t, std::vector<std::uint8_t>& scratch);

template <class C>
std::vector<C> read(const Tensor& t) {
  std::vector<std::uint8_t> scratch;
  const auto& b = bytes_of(t, scratch);
  return element::load<C>(t.type(), b.data(), t.size());
}

// Reads `t` broadcast (right-aligned) to `shape`.
template <class C>
std::vector<C> read_broadcast(const Tensor& t, const Shape& shape);

// Builds a tensor of the reference backend from compute values.
template <class C>
Tensor write(const Spec& out, const std::vector<C>& values);
Tensor write_bytes(const Spec& out, std::vector<std::uint8_t> bytes);

enum class Kind { i64, u64, f64, c128 };
constexpr Kind kind_of(Type t) {
  if (is_complex(t)) return Kind::c128;
  if (is_real_float(t)) return Kind::f64;
  if (t == u64) return Kind::u64;
  return Kind::i64;
}

// True for the integer compute types.
template <class C>
constexpr bool is_int_v = std::is_same_v<C, std::int64_t> || std::is_same_v<C, std::uint64_t>;

// Calls f(C{}) with the compute type of `t`.
template <class F>
decltype(auto) with_compute(Type t, F&& f) {
  switch (kind_of(t)) {
    case Kind::i64: return f(std::int64_t{});
    case Kind::u64: return f(std::uint64_t{});
    case Kind::f64: return f(double{});
    case Kind::c128: return f(cdouble{});
  }
  return f(double{});
}

std::vector<std::int64_t> strides_of(const Shape& shape);
// Row-major multi-index iteration helper: advances `idx` within `shape`.
inline bool next_index(std::vector<std::int64_t>& idx, const Shape& shape) {
  for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
    if (++idx[static_cast<std::size_t>(d)] < shape[static_cast<std::size_t>(d)]) return true;
    idx[static_cast<std::size_t>(d)] = 0;
  }
  return false;
}

// Integer addition/subtraction/multiplication wrapping modulo 2^64 (no
// signed-overflow UB); plain arithmetic for floats.
template <class C>
C add_wrap(C a, C b) {
  if constexpr (std::is_integral_v<C>) return static_cast<C>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
  else return a + b;
}
template <class C>
C sub_wrap(C a, C b) {
  if constexpr (std::is_integral_v<C>) return static_cast<C>(static_cast<std::uint64_t>(a) - static_cast<std::uint64_t>(b));
  else return a - b;
}
template <class C>
C mul_wrap(C a, C b) {
  if constexpr (std::is_integral_v<C>) return static_cast<C>(static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b));
  else return a * b;
}

// The unpacked bytes of `t` stored as `type` (converted when it differs).
std::vector<std::uint8_t> bytes_as(const Tensor& t, Type type);

// Truthiness of a value (non-zero; NaN is true; complex if either part).
template <class C>
bool truthy(C v) {
  if constexpr (std::is_same_v<C, cdouble>) return v.real() != 0 || v.imag() != 0;
  else return v != 0;
}

}  // namespace nx::host

namespace nx::host {

// Row-major transpose: result dim i = shape[perm[i]].
template <class C>
std::vector<C> permute(const std::vector<C>& v, const Shape& shape, const AxisIndices& perm) {
  const int r = static_cast<int>(shape.size());
  bool identity = true;
  for (int i = 0; i < r; ++i) identity = identity && perm[static_cast<std::size_t>(i)] == i;
  if (identity) return v;
  auto in_strides = strides_of(shape);
  Shape out_shape(static_cast<std::size_t>(r));
  std::vector<std::int64_t> st(static_cast<std::size_t>(r));
  for (int i = 0; i < r; ++i) {
    out_shape[static_cast<std::size_t>(i)] = shape[static_cast<std::size_t>(perm[static_cast<std::size_t>(i)])];
    st[static_cast<std::size_t>(i)] = in_strides[static_cast<std::size_t>(perm[static_cast<std::size_t>(i)])];
  }
  std::vector<C> out(v.size());
  std::vector<std::int64_t> idx(static_cast<std::size_t>(r), 0);
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::int64_t off = 0;
    for (int d = 0; d < r; ++d) off += idx[static_cast<std::size_t>(d)] * st[static_cast<std::size_t>(d)];
    out[i] = v[static_cast<std::size_t>(off)];
    next_index(idx, out_shape);
  }
  return out;
}

}  // namespace nx::host
