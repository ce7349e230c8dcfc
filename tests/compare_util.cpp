#include "compare_util.hpp"

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

void compare_backends(const TensorFn& fn, const std::vector<nx::Tensor>& ref_inputs, const std::string& context,
                      std::optional<Tolerance> tol) {
  nx::Tensor want = fn(ref_inputs);
  for (const auto& b : emily_backends()) {
    std::vector<nx::Tensor> in;
    for (const auto& t : ref_inputs) in.push_back(nx::backend_copy(t, b));
    nx::Tensor got = fn(in);
    ASSERT_EQ(got.backend()->kind(), nx::BackendKind::emily) << context;
    expect_equivalent(got, want, context + " on emily/" + b->device_name(), tol);
  }
}

}  // namespace test
