// Gradient checks shared by the defn tests: nx::grad against central finite
// differences in f64 on the reference backend, and Emily's gradients against
// the reference backend's on the same inputs.
#pragma once

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "nx/defn.hpp"
#include "test_util.hpp"

namespace test {

using VecFn = std::function<nx::Tensor(const std::vector<nx::Tensor>&)>;

// Random f64 values in [lo, hi) of `shape` on the reference backend.
inline nx::Tensor random_f64(const nx::Shape& shape, unsigned seed, double lo = -1.0, double hi = 1.0) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> dist(lo, hi);
  std::vector<double> v(static_cast<std::size_t>(nx::shape_size(shape)));
  for (auto& x : v) x = dist(rng);
  return nx::reshape(nx::tensor(v, {.type = nx::f64, .backend = nx::binary_backend()}), shape);
}

inline nx::Tensor with_values(const nx::Tensor& like, const std::vector<double>& v) {
  return nx::reshape(nx::tensor(v, {.type = like.type(), .backend = like.backend()}), like.shape());
}

// Central differences of f with respect to every element of args[k]
// (args of floating type; the function's value must be a scalar).
inline std::vector<double> numeric_grad(const VecFn& f, std::vector<nx::Tensor> args, std::size_t k, double eps) {
  std::vector<double> base = nx::to_flat_list<double>(args[k]);
  std::vector<double> out(base.size());
  for (std::size_t i = 0; i < base.size(); ++i) {
    std::vector<double> v = base;
    v[i] = base[i] + eps;
    args[k] = with_values(args[k], v);
    double up = nx::to_number<double>(f(args));
    v[i] = base[i] - eps;
    args[k] = with_values(args[k], v);
    double down = nx::to_number<double>(f(args));
    out[i] = (up - down) / (2 * eps);
  }
  return out;
}

// nx::grad of f (w.r.t. every float argument) on the reference backend in
// f64 against central differences; returns the analytic gradients.
inline std::vector<nx::Tensor> check_grad(const VecFn& f, const std::vector<nx::Tensor>& args, double tol = 1e-6,
                                          double eps = 1e-6) {
  auto grads = nx::grad([f](const std::vector<nx::Tensor>& a) { return f(a); })(args);
  EXPECT_EQ(grads.size(), args.size());
  for (std::size_t k = 0; k < args.size(); ++k) {
    if (!nx::is_float(args[k].type())) continue;
    auto expected = numeric_grad(f, args, k, eps);
    auto got = nx::to_flat_list<double>(grads[k]);
    EXPECT_EQ(nx::shape_to_string(grads[k].shape()), nx::shape_to_string(args[k].shape()));
    EXPECT_EQ(nx::to_string(grads[k].type()), nx::to_string(args[k].type()));
    EXPECT_EQ(got.size(), expected.size());
    for (std::size_t i = 0; i < got.size() && i < expected.size(); ++i)
      EXPECT_NEAR(got[i], expected[i], tol * (1 + std::abs(expected[i]))) << "argument " << k << " element " << i;
  }
  return grads;
}

// The same gradient computed on `backend` (args converted to `type`) and on
// the reference backend; they must agree within tol. The gradient must not
// be computed through a fallback on Emily (the fallback policy is raise).
inline void compare_grad_backends(const VecFn& f, const std::vector<nx::Tensor>& args, const nx::BackendPtr& backend,
                                  nx::Type type = nx::f32, double tol = 1e-4) {
  auto g = nx::grad([f](const std::vector<nx::Tensor>& a) { return f(a); });
  std::vector<nx::Tensor> ref_args, dev_args;
  for (const auto& a : args) {
    nx::Tensor t = nx::is_float(a.type()) ? nx::as_type(a, type) : a;
    ref_args.push_back(nx::backend_copy(t, nx::binary_backend()));
    dev_args.push_back(nx::backend_copy(t, backend));
  }
  auto ref = g(ref_args);
  auto previous = emily::fallback_policy();
  emily::set_fallback_policy(emily::FallbackPolicy::raise);
  std::vector<nx::Tensor> dev;
  try {
    dev = g(dev_args);
    for (auto& t : dev) emily::eval(t);
  } catch (...) {
    emily::set_fallback_policy(previous);
    throw;
  }
  emily::set_fallback_policy(previous);
  ASSERT_EQ(ref.size(), dev.size());
  for (std::size_t k = 0; k < ref.size(); ++k) {
    EXPECT_EQ(dev[k].backend()->kind(), backend->kind());
    auto r = nx::to_flat_list<double>(ref[k]);
    auto d = nx::to_flat_list<double>(dev[k]);
    ASSERT_EQ(r.size(), d.size());
    for (std::size_t i = 0; i < r.size(); ++i)
      EXPECT_NEAR(d[i], r[i], tol * (1 + std::abs(r[i]))) << "argument " << k << " element " << i;
  }
}

}  // namespace test
