// Accuracy of Emily's CPU kernels (src/emily/cpu) against long double
// references rounded to the kernel's type: the largest distance, in units in
// the last place, from the correctly rounded result over random samples of
// each function's range. Prints the table quoted in docs/backends.md
// ("CPU kernels: accuracy") and asserts its bounds.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <limits>
#include <random>
#include <sstream>

#include "cpu_kernels_util.hpp"
#include "emily/cpu/kernels.hpp"

namespace {

namespace cpu = emily::cpu;
namespace mx = mlx::core;
using ld = long double;

using test::ulps;

// A sample range: uniform in [lo, hi], or (bits) uniform over the bit
// patterns of the magnitudes in [0, hi], which covers every binade down to
// the subnormals, negated half of the time where lo = -hi.
struct Range {
  double lo, hi;
  bool bits = false;
  std::string text() const {
    std::ostringstream s;
    s << (bits ? "every binade of [" : "[") << lo << ", " << hi << "]";
    return s.str();
  }
};

template <class T>
std::vector<T> sample(std::mt19937_64& rng, const Range& r, std::size_t n) {
  std::vector<T> v(n);
  if (!r.bits) {
    std::uniform_real_distribution<double> u(r.lo, r.hi);
    for (auto& x : v) x = static_cast<T>(u(rng));
    return v;
  }
  using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  auto bits_of = [](T x) {
    U u;
    std::memcpy(&u, &x, sizeof x);
    return u;
  };
  std::uniform_int_distribution<U> u(0, bits_of(static_cast<T>(r.hi)));
  std::bernoulli_distribution negate(r.lo < 0 ? 0.5 : 0.0);
  for (auto& x : v) {
    U b = u(rng);
    std::memcpy(&x, &b, sizeof x);
    if (negate(rng)) x = -x;
  }
  return v;
}

struct UnaryRow {
  cpu::Unary k;
  const char* library;
  ld (*ref)(ld);  // null: IEEE's correctly rounded std::sqrt of the type itself
  Range f32, f64;
  std::int64_t bound;
};

const double kF32Max = 3.4028234663852886e38, kF64Max = std::numeric_limits<double>::max();

const std::vector<UnaryRow>& unary_rows() {
  static const std::vector<UnaryRow> r = {
      {cpu::Unary::exp, "SLEEF", [](ld x) { return expl(x); }, {-104, 89}, {-746, 710}, 1},
      {cpu::Unary::exp, "SLEEF", [](ld x) { return expl(x); }, {-kF32Max, kF32Max, true}, {-kF64Max, kF64Max, true}, 1},
      {cpu::Unary::expm1, "SLEEF", [](ld x) { return expm1l(x); }, {-88, 88, true}, {-709, 709, true}, 1},
      {cpu::Unary::expm1, "SLEEF", [](ld x) { return expm1l(x); }, {-kF32Max, kF32Max, true}, {-kF64Max, kF64Max, true}, 1},
      {cpu::Unary::log, "SLEEF", [](ld x) { return logl(x); }, {0, kF32Max, true}, {0, kF64Max, true}, 1},
      {cpu::Unary::log1p, "SLEEF", [](ld x) { return log1pl(x); }, {-1, 1, true}, {-1, 1, true}, 1},
      {cpu::Unary::log1p, "SLEEF", [](ld x) { return log1pl(x); }, {0, kF32Max, true}, {0, kF64Max, true}, 1},
      {cpu::Unary::tanh, "SLEEF", [](ld x) { return tanhl(x); }, {-kF32Max, kF32Max, true}, {-kF64Max, kF64Max, true}, 1},
      {cpu::Unary::sigmoid, "SLEEF exp + Highway", [](ld x) { return 1 / (1 + expl(-x)); }, {-kF32Max, kF32Max, true}, {-kF64Max, kF64Max, true}, 2},
      {cpu::Unary::sigmoid, "SLEEF exp + Highway", [](ld x) { return 1 / (1 + expl(-x)); }, {-104, 104},
       {-746, 746}, 3},
      {cpu::Unary::erf, "SLEEF", [](ld x) { return erfl(x); }, {-kF32Max, kF32Max, true}, {-kF64Max, kF64Max, true}, 1},
      {cpu::Unary::sin, "SLEEF", [](ld x) { return sinl(x); }, {0, kF32Max, true}, {0, kF64Max, true}, 1},
      {cpu::Unary::cos, "SLEEF", [](ld x) { return cosl(x); }, {0, kF32Max, true}, {0, kF64Max, true}, 1},
      // A long double square root rounded again to double can land one ulp off.
      {cpu::Unary::sqrt, "Highway", nullptr, {0, kF32Max, true}, {0, kF64Max, true}, 0},
      {cpu::Unary::rsqrt, "Highway", [](ld x) { return 1 / sqrtl(x); }, {0, kF32Max, true}, {0, kF64Max, true}, 1},
  };
  return r;
}

constexpr std::size_t kSamples = 1 << 18;

template <class T>
std::int64_t max_ulps(const UnaryRow& row, const Range& range, std::mt19937_64& rng) {
  const mx::Dtype t = sizeof(T) == 4 ? mx::float32 : mx::float64;
  std::vector<T> x = sample<T>(rng, range, kSamples), y(kSamples);
  cpu::unary_loop(row.k, t, x.data(), y.data(), kSamples);
  std::int64_t worst = 0;
  for (std::size_t i = 0; i < kSamples; ++i) {
    const T want = row.ref ? static_cast<T>(row.ref(x[i])) : std::sqrt(x[i]);
    worst = std::max(worst, ulps(y[i], want));
  }
  return worst;
}

TEST(CpuKernelsAccuracy, UnaryMaxUlps) {
  std::mt19937_64 rng(2024);
  std::cout << "| function | library | max ulp f32 | range f32 | max ulp f64 | range f64 |\n|---|---|---|---|---|---|\n";
  for (const auto& row : unary_rows()) {
    const std::int64_t e32 = max_ulps<float>(row, row.f32, rng), e64 = max_ulps<double>(row, row.f64, rng);
    std::cout << "| `" << cpu::name(row.k) << "` | " << row.library << " | " << e32 << " | " << row.f32.text()
              << " | " << e64 << " | " << row.f64.text() << " |\n";
    EXPECT_LE(e32, row.bound) << cpu::name(row.k) << " f32";
    EXPECT_LE(e64, row.bound) << cpu::name(row.k) << " f64";
  }
}

template <class T>
std::int64_t pow_max_ulps(std::mt19937_64& rng, const Range& base, const Range& exponent) {
  const mx::Dtype t = sizeof(T) == 4 ? mx::float32 : mx::float64;
  std::vector<T> a = sample<T>(rng, base, kSamples), b = sample<T>(rng, exponent, kSamples), y(kSamples);
  cpu::binary_loop(cpu::Binary::pow, t, cpu::Operands::vector_vector, a.data(), b.data(), y.data(), kSamples);
  std::int64_t worst = 0;
  for (std::size_t i = 0; i < kSamples; ++i)
    worst = std::max(worst, ulps(y[i], static_cast<T>(powl(a[i], b[i]))));
  return worst;
}

TEST(CpuKernelsAccuracy, PowMaxUlps) {
  std::mt19937_64 rng(2025);
  const Range base{0, 1e4}, exponent{-30, 30};
  const std::int64_t e32 = pow_max_ulps<float>(rng, base, exponent), e64 = pow_max_ulps<double>(rng, base, exponent);
  std::cout << "| `pow` | SLEEF | " << e32 << " | base " << base.text() << ", exponent " << exponent.text() << " | "
            << e64 << " | same |\n";
  EXPECT_LE(e32, 1);
  EXPECT_LE(e64, 1);
}

}  // namespace
