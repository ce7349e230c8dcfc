// Randomized comparison of the Emily backend against the reference backend.
//
//   test::Rng rng(seed);
//   auto x = test::random_tensor(rng, nx::f32, {3, 4});      // on the reference backend
//   test::compare_backends([](const std::vector<nx::Tensor>& in) { return nx::exp(in[0]); }, {x});
//
// compare_backends runs the function on the reference inputs and on copies of
// them on every Emily device, then checks type, shape and values with the
// per-type tolerance below.
#pragma once

#include <functional>
#include <random>

#include "test_util.hpp"

namespace test {

using Rng = std::mt19937_64;

// Types MLX can hold (the types Emily supports natively).
inline const std::vector<nx::Type>& emily_types() {
  static const std::vector<nx::Type> t = {nx::u8,  nx::u16, nx::u32, nx::u64, nx::s8,  nx::s16, nx::s32,
                                          nx::s64, nx::f16, nx::bf16, nx::f32, nx::f64, nx::c64};
  return t;
}
inline const std::vector<nx::Type>& emily_real_types() {
  static const std::vector<nx::Type> t = {nx::u8, nx::u16, nx::u32, nx::u64, nx::s8, nx::s16,
                                          nx::s32, nx::s64, nx::f16, nx::bf16, nx::f32, nx::f64};
  return t;
}
inline const std::vector<nx::Type>& emily_float_types() {
  static const std::vector<nx::Type> t = {nx::f16, nx::bf16, nx::f32, nx::f64};
  return t;
}
inline const std::vector<nx::Type>& emily_int_types() {
  static const std::vector<nx::Type> t = {nx::u8, nx::u16, nx::u32, nx::u64, nx::s8, nx::s16, nx::s32, nx::s64};
  return t;
}

struct RandomOptions {
  double lo = -10, hi = 10;  // value range (clamped to the type's range)
  bool positive = false;     // strictly positive values (logs, roots)
  bool nonzero = false;      // no zeros (divisors)
};

// A tensor of random values of `type` on the reference backend. Floats are
// drawn so that they are exactly representable in the type.
nx::Tensor random_tensor(Rng& rng, nx::Type type, const nx::Shape& shape, const RandomOptions& opts = {});

struct Tolerance {
  double rtol, atol;
};
Tolerance tolerance_for(nx::Type type);

// Asserts that `got` equals `want` in type and shape and (within the type's
// tolerance) in value. NaNs must match NaNs; infinities must match exactly.
void expect_equivalent(const nx::Tensor& got, const nx::Tensor& want, const std::string& context,
                       std::optional<Tolerance> tol = std::nullopt);

using TensorFn = std::function<nx::Tensor(const std::vector<nx::Tensor>&)>;
// Runs fn on the reference inputs and on Emily copies (every Emily device)
// and compares. Returns false (with a test failure) on a mismatch.
void compare_backends(const TensorFn& fn, const std::vector<nx::Tensor>& ref_inputs, const std::string& context,
                      std::optional<Tolerance> tol = std::nullopt);

// The Emily devices available here (cpu, and gpu where MLX sees one).
std::vector<nx::BackendPtr> emily_backends();

}  // namespace test
