// The TF32 choice: full f32 by default, TF32 only when asked for.
#include <cstdlib>
#include <optional>
#include <random>
#include <string>

#include "emily/precision.hpp"
#include "test_util.hpp"

namespace {

// Sets (or unsets, for nullptr) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) setenv(name, value, 1);
    else unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(Precision, Tf32ChoiceOrder) {
  ScopedEnv emily_env("EMILY_TF32", nullptr), mlx_env("MLX_ENABLE_TF32", nullptr);
  EXPECT_FALSE(emily::detail::tf32_choice(std::nullopt));  // default: full f32
  EXPECT_TRUE(emily::detail::tf32_choice(true));
  {
    ScopedEnv m("MLX_ENABLE_TF32", "1");
    EXPECT_TRUE(emily::detail::tf32_choice(std::nullopt));
    ScopedEnv e("EMILY_TF32", "0");  // Emily's variable wins over MLX's
    EXPECT_FALSE(emily::detail::tf32_choice(std::nullopt));
    EXPECT_TRUE(emily::detail::tf32_choice(true));  // and a call wins over both
  }
  ScopedEnv e("EMILY_TF32", "1");
  EXPECT_TRUE(emily::detail::tf32_choice(std::nullopt));
  EXPECT_FALSE(emily::detail::tf32_choice(false));
}

TEST(Precision, ChoiceIsFixedOnceABackendExists) {
  emily::backend({.device = emily::Device::cpu});
  const bool on = emily::tf32_allowed();
  // The choice reached MLX's variable.
  ASSERT_NE(std::getenv("MLX_ENABLE_TF32"), nullptr);
  EXPECT_EQ(std::string(std::getenv("MLX_ENABLE_TF32")), on ? "1" : "0");
  EXPECT_NO_THROW(emily::allow_tf32(on));
  EXPECT_THROW(emily::allow_tf32(!on), nx::ArgumentError);
}

// An f32 matmul on every Emily device agrees with the f64 reference to f32
// accuracy. On a GPU this holds only with TF32 off (the default): TF32 rounds
// the inputs to a 10-bit mantissa and misses by about 1e-3 here.
TEST(Precision, F32MatmulIsFullPrecisionByDefault) {
  ASSERT_FALSE(emily::tf32_allowed()) << "run the suite without EMILY_TF32/MLX_ENABLE_TF32 set to 1";
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  const int n = 256;
  std::vector<float> a(n * n), b(n * n);
  for (auto& v : a) v = u(rng);
  for (auto& v : b) v = u(rng);
  auto ra = nx::as_type(nx::reshape(nx::tensor(a), {n, n}), nx::f64);
  auto rb = nx::as_type(nx::reshape(nx::tensor(b), {n, n}), nx::f64);
  auto want = nx::to_flat_list<double>(nx::dot(ra, rb));
  std::vector<emily::Device> devices = {emily::Device::cpu};
  if (emily::gpu_available()) devices.push_back(emily::Device::gpu);
  for (auto d : devices) {
    auto be = emily::backend({.device = d});
    auto ta = nx::reshape(nx::tensor(a, {.backend = be}), {n, n});
    auto tb = nx::reshape(nx::tensor(b, {.backend = be}), {n, n});
    auto got = nx::to_flat_list<double>(nx::dot(ta, tb));
    double worst = 0;
    for (std::size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::abs(got[i] - want[i]));
    EXPECT_LT(worst, 1e-4) << "largest error of an f32 matmul on " << emily::to_string(d);
  }
}

}  // namespace
