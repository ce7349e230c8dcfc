// Randomized comparison of the Emily backend against the reference backend.
//
//   test::Rng rng(seed);
//   auto x = test::random_tensor(rng, nx::f32, {3, 4});      // on the reference backend
//   test::compare_backends([](const std::vector<nx::Tensor>& in) { return nx::exp(in[0]); }, {x});
//
// compare_backends runs the function on the reference inputs and on copies of
// them on every Emily device, then checks type, shape and values with the
// per-type tolerance below, and the path Emily took: an answer that came from
// the reference backend through emily::fallback compares the reference with
// itself, so it fails the comparison unless the caller declares the fallback
// (and then it fails if Emily did not fall back).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
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

// How Emily answers: with its own MLX computation, or through emily::fallback
// (the reference backend), which emits an emily.fallback telemetry span.
enum class Path { native, fallback };

// The path expected on each Emily device (most ops take the same on both).
struct Paths {
  Path cpu = Path::native, gpu = Path::native;
  Paths(Path both = Path::native) : cpu(both), gpu(both) {}  // NOLINT: implicit from one Path
  Paths(Path on_cpu, Path on_gpu) : cpu(on_cpu), gpu(on_gpu) {}
  Path on(const nx::Backend& b) const { return b.device_name() == "gpu" ? gpu : cpu; }
};

// One entry of emily::fallback: the op and its input types ("f64 f64").
struct Fallback {
  std::string op, input_types;
  std::string to_string() const { return op + "(" + input_types + ")"; }
};

// Records the emily.fallback spans that start while it lives.
class FallbackWatch {
 public:
  FallbackWatch();
  ~FallbackWatch();
  FallbackWatch(const FallbackWatch&) = delete;
  FallbackWatch& operator=(const FallbackWatch&) = delete;
  std::vector<Fallback> fallbacks() const;
  Path path() const { return fallbacks().empty() ? Path::native : Path::fallback; }

 private:
  struct State;
  std::shared_ptr<State> state_;
  std::uint64_t id_;
};

// A test failure unless the watched computation took `want`.
void expect_path(const FallbackWatch& watch, Path want, const std::string& context);

// Whether `f` is one of the input-dependent fallbacks docs/backends.md lists
// (those the comparisons and the fuzzer reach) on Emily's `device` ("cpu" or
// "gpu"): f64 erfc, erf_inv, conv and irfft; f64 exp, sigmoid, sin, cos
// and erf, and sin and cos of s32, u32, s64, u64 (computed in f64), while
// Emily's CPU kernels are off; complex cbrt, atan2 and triangular_solve;
// all_close merging to c128; complex acosh, asinh and atanh on the GPU.
bool documented_fallback(const Fallback& f, const std::string& device);
// The documented path of a unary op on an input of type `t`.
Paths unary_path(nx::UnaryOp op, nx::Type t);

using TensorFn = std::function<nx::Tensor(const std::vector<nx::Tensor>&)>;
// Runs fn on the reference inputs and on Emily copies (every Emily device),
// compares the values and checks that Emily took the expected path.
void compare_backends(const TensorFn& fn, const std::vector<nx::Tensor>& ref_inputs, const std::string& context,
                      std::optional<Tolerance> tol = std::nullopt, Paths paths = Path::native);

using CreateFn = std::function<nx::Tensor(const nx::BackendPtr&)>;
// The same for a tensor created on a backend (constant, iota, eye): made on
// the reference backend and on every Emily device.
void compare_creation(const CreateFn& make, const std::string& context, Paths paths = Path::native);

// The Emily devices available here (cpu, and gpu where MLX sees one).
std::vector<nx::BackendPtr> emily_backends();

}  // namespace test
