// Helpers shared by the CPU kernel tests: the kernel switch for a scope and
// the distance in units in the last place.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "emily/emily.hpp"

namespace test {

// Sets Emily's CPU kernel switch for a scope.
class KernelsOn {
 public:
  explicit KernelsOn(bool on) : saved_(emily::cpu_kernels_enabled()) { emily::use_cpu_kernels(on); }
  ~KernelsOn() { emily::use_cpu_kernels(saved_); }
  KernelsOn(const KernelsOn&) = delete;
  KernelsOn& operator=(const KernelsOn&) = delete;

 private:
  bool saved_;
};

// Distance in units in the last place between two values of T (0 for -0
// and +0; both NaN: 0; one NaN: the largest distance).
template <class T>
std::int64_t ulps(T a, T b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : std::numeric_limits<std::int64_t>::max();
  using I = std::conditional_t<sizeof(T) == 4, std::int32_t, std::int64_t>;
  auto key = [](T v) {
    I i;
    std::memcpy(&i, &v, sizeof v);
    return i < 0 ? static_cast<__int128>(std::numeric_limits<I>::min()) - i : static_cast<__int128>(i);
  };
  __int128 d = key(a) - key(b);
  if (d < 0) d = -d;
  return static_cast<std::int64_t>(std::min<__int128>(d, std::numeric_limits<std::int64_t>::max()));
}

}  // namespace test
