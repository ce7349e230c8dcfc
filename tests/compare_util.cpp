#include "compare_util.hpp"

#include <mutex>
#include <set>
#include <sstream>

namespace test {

std::vector<nx::BackendPtr> emily_backends() {
  std::vector<nx::BackendPtr> out = {emily::backend({.device = emily::Device::cpu})};
  if (emily::gpu_available()) out.push_back(emily::backend({.device = emily::Device::gpu}));
  return out;
}

nx::Tensor random_tensor(Rng& rng, nx::Type type, const nx::Shape& shape, const RandomOptions& opts) {
  const std::int64_t n = nx::shape_size(shape);
  double lo = opts.lo, hi = opts.hi;
  if (nx::is_unsigned(type)) lo = std::max(lo, 0.0);
  if (nx::is_integer(type)) {
    double tmax = std::pow(2.0, type.bits - (nx::is_unsigned(type) ? 0 : 1)) - 1;
    double tmin = nx::is_unsigned(type) ? 0 : -tmax - 1;
    lo = std::max(lo, tmin);
    hi = std::min(hi, tmax);
  }
  if (opts.positive) lo = std::max(lo, nx::is_integer(type) ? 1.0 : 0.125);
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<double> re(static_cast<std::size_t>(n)), im(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    for (double* v : {&re[static_cast<std::size_t>(i)], &im[static_cast<std::size_t>(i)]}) {
      double x;
      do {
        x = u(rng);
        if (nx::is_integer(type)) x = std::round(x);
        else x = std::round(x * 8) / 8;  // exactly representable in every float type
      } while (opts.nonzero && x == 0);
      *v = x;
    }
  }
  // Exact f64 (or c128) values with the final shape, then one conversion.
  const bool cplx = nx::is_complex(type);
  std::vector<double> flat;
  for (std::int64_t i = 0; i < n; ++i) {
    flat.push_back(re[static_cast<std::size_t>(i)]);
    if (cplx) flat.push_back(im[static_cast<std::size_t>(i)]);
  }
  std::vector<std::uint8_t> bytes(flat.size() * sizeof(double));
  std::memcpy(bytes.data(), flat.data(), bytes.size());
  nx::Tensor r = nx::from_binary(bytes, cplx ? nx::c128 : nx::f64, shape, {.backend = nx::binary_backend()});
  return nx::as_type(r, type);
}

Tolerance tolerance_for(nx::Type type) {
  if (nx::is_integer(type)) return {0, 0};
  switch (type.bits) {
    case 16: return type.cls == nx::TypeClass::bf ? Tolerance{1e-2, 1e-2} : Tolerance{2e-3, 2e-3};
    case 64:
      return type == nx::c64 ? Tolerance{1e-5, 1e-5} : Tolerance{1e-12, 1e-12};
    default: return {1e-5, 1e-6};
  }
}

void expect_equivalent(const nx::Tensor& got, const nx::Tensor& want, const std::string& context,
                       std::optional<Tolerance> tol) {
  ASSERT_EQ(nx::to_string(got.type()), nx::to_string(want.type())) << context;
  ASSERT_EQ(nx::shape_to_string(got.shape()), nx::shape_to_string(want.shape())) << context;
  Tolerance t = tol.value_or(tolerance_for(want.type()));
  if (nx::is_integer(want.type())) {
    auto g = nx::to_flat_list<std::int64_t>(got), w = nx::to_flat_list<std::int64_t>(want);
    for (std::size_t i = 0; i < g.size(); ++i) {
      ASSERT_EQ(g[i], w[i]) << context << " at flat index " << i;
    }
    return;
  }
  auto g = nx::to_flat_list<std::complex<double>>(got), w = nx::to_flat_list<std::complex<double>>(want);
  for (std::size_t i = 0; i < g.size(); ++i) {
    for (int part = 0; part < 2; ++part) {
      double x = part ? g[i].imag() : g[i].real(), y = part ? w[i].imag() : w[i].real();
      if (std::isnan(y)) {
        ASSERT_TRUE(std::isnan(x)) << context << " at " << i << ": got " << x << ", want NaN";
      } else if (std::isinf(y)) {
        ASSERT_EQ(x, y) << context << " at " << i;
      } else {
        ASSERT_NEAR(x, y, t.atol + t.rtol * std::abs(y)) << context << " at flat index " << i;
      }
    }
  }
}

struct FallbackWatch::State {
  std::mutex mutex;
  std::vector<Fallback> fallbacks;
};

FallbackWatch::FallbackWatch() : state_(std::make_shared<State>()) {
  id_ = emily::telemetry::attach("emily.fallback", [state = state_](const emily::telemetry::Event& e) {
    if (e.phase != emily::telemetry::Phase::start) return;
    std::lock_guard lock(state->mutex);
    state->fallbacks.push_back({e.metadata.at("op"), e.metadata.at("input_types")});
  });
}

FallbackWatch::~FallbackWatch() { emily::telemetry::detach(id_); }

std::vector<Fallback> FallbackWatch::fallbacks() const {
  std::lock_guard lock(state_->mutex);
  return state_->fallbacks;
}

void expect_path(const FallbackWatch& watch, Path want, const std::string& context) {
  const auto seen = watch.fallbacks();
  if (want == Path::native) {
    std::string list;
    for (const auto& f : seen) list += " " + f.to_string();
    EXPECT_TRUE(seen.empty()) << context << ": Emily answered through the reference backend (fallback:" << list
                              << "), so comparing it with the reference proves nothing";
  } else {
    EXPECT_FALSE(seen.empty()) << context << ": declared as a fallback, but Emily computed it natively";
  }
}

bool documented_fallback(const Fallback& f, const std::string& device) {
  auto has = [&](const std::string& type) {
    return (" " + f.input_types + " ").find(" " + type + " ") != std::string::npos;
  };
  static const std::set<std::string> f64_only = {"erfc", "erf_inv", "conv", "irfft"};
  // f64 ops that Emily's CPU kernels serve while they are on (MLX's own are
  // single-precision accurate, so they fall back when the kernels are off).
  static const std::set<std::string> f64_without_kernels = {"exp", "sigmoid", "sin", "cos", "erf"};
  if (f64_without_kernels.count(f.op) && has("f64")) return !emily::cpu_kernels_enabled();
  static const std::set<std::string> complex_only = {"cbrt", "atan2", "triangular_solve"};
  static const std::set<std::string> complex_on_gpu = {"acosh", "asinh", "atanh"};
  // sin and cos of integers wider than 24 bits are computed in f64, as Nx does.
  if ((f.op == "sin" || f.op == "cos") && (has("s32") || has("u32") || has("s64") || has("u64")))
    return !emily::cpu_kernels_enabled();
  if (f64_only.count(f.op)) return has("f64");  // an f64 result
  if (complex_only.count(f.op)) return has("c64");
  if (complex_on_gpu.count(f.op)) return device == "gpu" && has("c64");
  if (f.op == "all_close") return has("c64") && has("f64");  // merged to c128
  return false;
}

Paths unary_path(nx::UnaryOp op, nx::Type t) {
  const Fallback f{std::string(nx::op_name(op)), nx::to_string(t)};
  return {documented_fallback(f, "cpu") ? Path::fallback : Path::native,
          documented_fallback(f, "gpu") ? Path::fallback : Path::native};
}

namespace {

// Runs `make` on one Emily device, checks the path it took, then the values.
void compare_on(const nx::BackendPtr& b, const CreateFn& make, const nx::Tensor& want, const std::string& context,
                std::optional<Tolerance> tol, Paths paths) {
  const std::string where = context + " on emily/" + b->device_name();
  nx::Tensor got;
  {
    FallbackWatch watch;
    got = make(b);
    emily::eval(got);  // a fallback decided at evaluation time counts too
    expect_path(watch, paths.on(*b), where);
  }
  ASSERT_EQ(got.backend()->kind(), nx::BackendKind::emily) << where;
  expect_equivalent(got, want, where, tol);
}

}  // namespace

void compare_backends(const TensorFn& fn, const std::vector<nx::Tensor>& ref_inputs, const std::string& context,
                      std::optional<Tolerance> tol, Paths paths) {
  nx::Tensor want = fn(ref_inputs);
  for (const auto& b : emily_backends()) {
    auto on_b = [&](const nx::BackendPtr& be) {
      std::vector<nx::Tensor> in;
      for (const auto& t : ref_inputs) in.push_back(nx::backend_copy(t, be));
      return fn(in);
    };
    compare_on(b, on_b, want, context, tol, paths);
  }
}

void compare_creation(const CreateFn& make, const std::string& context, Paths paths) {
  nx::Tensor want = make(nx::binary_backend());
  for (const auto& b : emily_backends()) compare_on(b, make, want, context, std::nullopt, paths);
}

}  // namespace test
