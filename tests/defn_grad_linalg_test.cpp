// Gradients of Nx.LinAlg's blocks and the FFT family: nx::grad against
// central differences (f64, reference backend), Emily's CPU gradients
// against the reference backend's (f32), and hand-computed values.
//
// eigh and cholesky read one triangle of their input and their rules give
// the gradient for a symmetric input (as Nx's do), so their losses take
// sym(X) = (X + X^T) / 2 of the differentiated argument. Eigenvector and
// singular-vector losses are even in every vector (sign-invariant).
#include "emily/emily.hpp"
#include "grad_check.hpp"
#include "nx/nx.hpp"

namespace {

using nx::Tensor;
using test::check_grad;
using test::random_f64;
using V = std::vector<Tensor>;

nx::BackendPtr emily_cpu() { return emily::backend({.device = emily::Device::cpu}); }

Tensor mT(const Tensor& t) {
  nx::Axes p;
  for (int i = 0; i < t.rank(); ++i) p.push_back(i);
  std::swap(p[p.size() - 1], p[p.size() - 2]);
  return nx::transpose(t, p);
}
Tensor sym(const Tensor& t) { return nx::multiply(nx::add(t, mT(t)), 0.5); }
Tensor sq(const Tensor& t) { return nx::multiply(t, t); }
Tensor sum_sq(const Tensor& t) { return nx::sum(sq(t)); }
Tensor sum_p4(const Tensor& t) { return nx::sum(sq(sq(t))); }
// A loss with no symmetry that would hide a transposed or mis-signed gradient.
Tensor mix(const Tensor& t) { return nx::add(nx::sum(nx::sin(t)), sum_sq(t)); }

// A random matrix (batch) with `shift` added on the diagonal: well conditioned.
Tensor conditioned(const nx::Shape& shape, unsigned seed, double shift) {
  nx::Shape mat(shape.end() - 2, shape.end());
  Tensor eye = nx::eye(mat, {.type = nx::f64, .names = {}, .backend = nx::binary_backend()});
  return nx::add(random_f64(shape, seed), nx::multiply(eye, shift));
}
// Symmetric positive definite: B B^T + n I.
Tensor spd(const nx::Shape& shape, unsigned seed) {
  Tensor b = random_f64(shape, seed);
  const int r = b.rank();
  nx::Axes batch;
  for (int i = 0; i < r - 2; ++i) batch.push_back(i);
  Tensor bbt = nx::dot(b, {r - 1}, batch, b, {r - 1}, batch);
  Tensor eye = nx::eye(shape.back(), {.type = nx::f64, .names = {}, .backend = nx::binary_backend()});
  return nx::add(bbt, nx::multiply(eye, static_cast<double>(shape.back())));
}

Tensor f64(std::vector<double> v, const nx::Shape& shape) {
  return nx::reshape(nx::tensor(v, {.type = nx::f64, .backend = nx::binary_backend()}), shape);
}

void expect_values(const Tensor& t, const std::vector<double>& want, double tol = 1e-9) {
  auto got = nx::to_flat_list<double>(t);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "element " << i;
}

// ---------------------------------------------------------------- triangular_solve

TEST(DefnGradLinalg, TriangularSolveEveryOption) {
  using nx::Transform;
  for (bool lower : {true, false})
    for (bool left : {true, false})
      for (Transform tr : {Transform::none, Transform::transpose, Transform::conjugate}) {
        SCOPED_TRACE(std::to_string(lower) + std::to_string(left) + std::to_string(static_cast<int>(tr)));
        nx::TriangularSolveOptions o{lower, left, tr};
        Tensor a = conditioned({3, 3}, 1, 3.0);
        Tensor b = random_f64(left ? nx::Shape{3, 2} : nx::Shape{2, 3}, 2);
        auto grads = check_grad([o](const V& x) { return mix(nx::linalg::triangular_solve(x[0], x[1], o)); }, {a, b});
        // Only A's triangle is read: the other takes no gradient.
        auto ga = nx::to_flat_list<double>(grads[0]);
        for (int i = 0; i < 3; ++i)
          for (int j = 0; j < 3; ++j)
            if (lower ? j > i : j < i) EXPECT_EQ(ga[static_cast<std::size_t>(i * 3 + j)], 0.0);
      }
}

TEST(DefnGradLinalg, TriangularSolveVectorAndBatched) {
  for (bool left : {true, false}) {
    nx::TriangularSolveOptions o{.lower = true, .left_side = left};
    check_grad([o](const V& x) { return mix(nx::linalg::triangular_solve(x[0], x[1], o)); },
               {conditioned({3, 3}, 3, 3.0), random_f64({3}, 4)});
    check_grad([o](const V& x) { return mix(nx::linalg::triangular_solve(x[0], x[1], o)); },
               {conditioned({2, 3, 3}, 5, 3.0), random_f64({2, 3, 3}, 6)});
  }
}

TEST(DefnGradLinalg, TriangularSolveEmilyMatchesReference) {
  nx::TriangularSolveOptions o{.lower = false, .left_side = true, .transform_a = nx::Transform::transpose};
  test::compare_grad_backends([o](const V& x) { return mix(nx::linalg::triangular_solve(x[0], x[1], o)); },
                              {conditioned({2, 3, 3}, 7, 3.0), random_f64({2, 3, 2}, 8)}, emily_cpu());
}

// ---------------------------------------------------------------- solve

TEST(DefnGradLinalg, Solve) {
  auto f = [](const V& x) { return mix(nx::linalg::solve(x[0], x[1])); };
  check_grad(f, {conditioned({3, 3}, 9, 3.0), random_f64({3, 2}, 10)});
  check_grad(f, {conditioned({3, 3}, 11, 3.0), random_f64({3}, 12)});
  check_grad(f, {conditioned({2, 3, 3}, 13, 3.0), random_f64({2, 3, 1}, 14)});
  test::compare_grad_backends(f, {conditioned({2, 3, 3}, 15, 3.0), random_f64({2, 3, 2}, 16)}, emily_cpu());
}

TEST(DefnGradLinalg, SolveByHand) {
  // x = A^-1 b with A = diag(2, 4): d sum(x) / db = A^-T 1 = [0.5, 0.25],
  // d sum(x) / dA = -A^-T 1 x^T with x = [0.5, 0.25] (b = 1).
  auto g = nx::grad([](const V& x) { return nx::sum(nx::linalg::solve(x[0], x[1])); })(
      V{f64({2, 0, 0, 4}, {2, 2}), f64({1, 1}, {2})});
  expect_values(g[1], {0.5, 0.25});
  expect_values(g[0], {-0.25, -0.125, -0.125, -0.0625});
}

// ---------------------------------------------------------------- cholesky

TEST(DefnGradLinalg, Cholesky) {
  auto f = [](const V& x) { return mix(nx::linalg::cholesky(sym(x[0]))); };
  check_grad(f, {spd({3, 3}, 17)});
  check_grad(f, {spd({2, 4, 4}, 18)});
  test::compare_grad_backends(f, {spd({2, 3, 3}, 19)}, emily_cpu());
}

TEST(DefnGradLinalg, CholeskyMatchesNxByHand) {
  // Nx's rule on A = [[1, 2], [2, 5]] (L = [[1, 0], [2, 1]]) and sum(L):
  // L^-T Phi(L^T tril(1)) L^-1 = [[1.5, -1], [0, 0.5]].
  auto g = nx::grad([](const Tensor& a) { return nx::sum(nx::linalg::cholesky(a)); })(f64({1, 2, 2, 5}, {2, 2}));
  expect_values(g, {1.5, -1.0, 0.0, 0.5});
}

// ---------------------------------------------------------------- qr

TEST(DefnGradLinalg, QrReducedEveryShape) {
  auto both = [](const V& x) {
    auto [q, r] = nx::linalg::qr(x[0]);
    return nx::add(mix(q), mix(r));
  };
  auto q_only = [](const V& x) { return mix(nx::linalg::qr(x[0]).first); };
  auto r_only = [](const V& x) { return mix(nx::linalg::qr(x[0]).second); };
  for (const nx::Shape& s : {nx::Shape{3, 3}, nx::Shape{4, 3}, nx::Shape{2, 4}, nx::Shape{2, 3, 3}}) {
    SCOPED_TRACE(nx::shape_to_string(s));
    Tensor a = conditioned(s, 20, 2.0);
    check_grad(both, {a});
    check_grad(q_only, {a});
    check_grad(r_only, {a});
  }
  test::compare_grad_backends(both, {conditioned({4, 3}, 21, 2.0)}, emily_cpu(), nx::f32, 1e-3);
}

TEST(DefnGradLinalg, QrCompleteTall) {
  // Q's last m - n columns are an arbitrary basis: the loss reads Q's first n columns and R.
  auto f = [](const V& x) {
    auto [q, r] = nx::linalg::qr(x[0], {.mode = nx::QrMode::complete});
    return nx::add(mix(nx::slice_along_axis(q, 0, 2, 1)), mix(r));
  };
  check_grad(f, {conditioned({4, 2}, 22, 2.0)});
}

TEST(DefnGradLinalg, QrMatchesNxByHand) {
  // Nx's test value for sum(Q + R) at [[1, 2], [1, -1]].
  auto g = nx::grad([](const Tensor& a) {
    auto [q, r] = nx::linalg::qr(a);
    return nx::sum(nx::add(q, r));
  })(f64({1, 2, 1, -1}, {2, 2}));
  expect_values(g, {0.70709, 1.4142, 0.70709, 0.0}, 1e-4);
}

// ---------------------------------------------------------------- eigh

TEST(DefnGradLinalg, Eigh) {
  // Eigenvalues 1..n plus a small symmetric perturbation: distinct, with distinct magnitudes.
  auto input = [](const nx::Shape& s, unsigned seed) {
    std::vector<double> d;
    for (std::int64_t i = 0; i < s.back(); ++i) d.push_back(static_cast<double>(i + 1) * 1.5);
    Tensor diag = nx::multiply(nx::eye(s.back(), {.type = nx::f64, .names = {}, .backend = nx::binary_backend()}),
                               f64(d, {s.back()}));
    return nx::add(sym(random_f64(s, seed, -0.3, 0.3)), diag);
  };
  auto both = [](const V& x) {
    auto [w, v] = nx::linalg::eigh(sym(x[0]));
    return nx::add(mix(w), sum_p4(v));
  };
  auto values = [](const V& x) { return mix(nx::linalg::eigh(sym(x[0])).first); };
  auto vectors = [](const V& x) { return sum_p4(nx::linalg::eigh(sym(x[0])).second); };
  for (const nx::Shape& s : {nx::Shape{3, 3}, nx::Shape{2, 4, 4}}) {
    check_grad(both, {input(s, 23)});
    check_grad(values, {input(s, 24)});
    check_grad(vectors, {input(s, 25)});
  }
  test::compare_grad_backends(both, {input({3, 3}, 26)}, emily_cpu(), nx::f32, 1e-3);
}

TEST(DefnGradLinalg, EighByHand) {
  // [[2, 1], [1, 2]]: eigenvalues 3 and 1, v0 = [1, 1] / sqrt 2; d w0 / dA = v0 v0^T.
  auto g = nx::grad([](const Tensor& a) {
    return nx::sum(nx::slice_along_axis(nx::linalg::eigh(a).first, 0, 1, 0));
  })(f64({2, 1, 1, 2}, {2, 2}));
  expect_values(g, {0.5, 0.5, 0.5, 0.5});
}

// ---------------------------------------------------------------- svd

TEST(DefnGradLinalg, SvdThin) {
  nx::SvdOptions thin{.full_matrices = false};
  auto all = [thin](const V& x) {
    auto d = nx::linalg::svd(x[0], thin);
    return nx::add(nx::add(mix(d.s), sum_p4(d.u)), sum_p4(d.vt));
  };
  auto s_only = [thin](const V& x) { return mix(nx::linalg::svd(x[0], thin).s); };
  auto u_only = [thin](const V& x) { return sum_p4(nx::linalg::svd(x[0], thin).u); };
  auto vt_only = [thin](const V& x) { return sum_p4(nx::linalg::svd(x[0], thin).vt); };
  for (const nx::Shape& s : {nx::Shape{3, 3}, nx::Shape{4, 3}, nx::Shape{3, 5}, nx::Shape{2, 3, 3}}) {
    SCOPED_TRACE(nx::shape_to_string(s));
    Tensor a = random_f64(s, 27);
    check_grad(all, {a});
    check_grad(s_only, {a});
    check_grad(u_only, {a});
    check_grad(vt_only, {a});
  }
  test::compare_grad_backends(all, {random_f64({4, 3}, 28)}, emily_cpu(), nx::f32, 1e-3);
}

TEST(DefnGradLinalg, SvdFullMatricesIgnoresTheExtraBasis) {
  // Default full_matrices: U is 4 x 4 for a 4 x 3 input; the loss reads its first 3 columns.
  auto f = [](const V& x) {
    auto d = nx::linalg::svd(x[0]);
    return nx::add(mix(d.s), sum_p4(nx::slice_along_axis(d.u, 0, 3, 1)));
  };
  check_grad(f, {random_f64({4, 3}, 29)});
  auto wide = [](const V& x) {
    auto d = nx::linalg::svd(x[0]);
    return nx::add(mix(d.s), sum_p4(nx::slice_along_axis(d.vt, 0, 2, 0)));
  };
  check_grad(wide, {random_f64({2, 4}, 30)});
}

TEST(DefnGradLinalg, SvdByHand) {
  // A = diag(3, -1): s = [3, 1], U Vt = diag(1, -1) = d sum(s) / dA.
  auto g = nx::grad([](const Tensor& a) { return nx::sum(nx::linalg::svd(a).s); })(f64({3, 0, 0, -1}, {2, 2}));
  expect_values(g, {1, 0, 0, -1});
}

TEST(DefnGradLinalg, SvdMatchesNxByHand) {
  // Nx's test value for sum(s) + sum(U) + sum(Vt) at [[3, 0], [1, 2]].
  auto g = nx::grad([](const Tensor& a) {
    auto d = nx::linalg::svd(a);
    return nx::add(nx::add(nx::sum(d.s), nx::sum(d.u)), nx::sum(d.vt));
  })(f64({3, 0, 1, 2}, {2, 2}));
  expect_values(g, {1.368404507637024, -0.5419228672981262, -0.2197188436985016, 0.6067624092102051}, 1e-5);
}

// ---------------------------------------------------------------- lu

TEST(DefnGradLinalg, Lu) {
  auto both = [](const V& x) {
    auto d = nx::linalg::lu(x[0]);
    return nx::add(mix(d.l), mix(d.u));
  };
  auto l_only = [](const V& x) { return mix(nx::linalg::lu(x[0]).l); };
  auto u_only = [](const V& x) { return mix(nx::linalg::lu(x[0]).u); };
  // Row 2 has the largest first entry: pivoting is exercised.
  Tensor a = f64({0.5, 1.0, -0.3, 0.2, 0.8, 0.9, 2.0, -0.4, 0.7}, {3, 3});
  for (const test::VecFn& f : {test::VecFn(both), test::VecFn(l_only), test::VecFn(u_only)}) check_grad(f, {a});
  check_grad(both, {conditioned({2, 4, 4}, 31, 2.0)});
  test::compare_grad_backends(both, {a}, emily_cpu(), nx::f32, 1e-3);
}

TEST(DefnGradLinalg, LuMatchesNxByHand) {
  // Nx's test value for sum(L + U) at [[1, 2], [1, -1]].
  auto g = nx::grad([](const Tensor& a) {
    auto d = nx::linalg::lu(a);
    return nx::sum(nx::add(d.l, d.u));
  })(f64({1, 2, 1, -1}, {2, 2}));
  expect_values(g, {2, 0, -1, 1});
}

// ---------------------------------------------------------------- determinant

TEST(DefnGradLinalg, Determinant) {
  auto f = [](const V& x) { return nx::sum(nx::linalg::determinant(x[0])); };
  check_grad(f, {conditioned({3, 3}, 32, 1.0)});
  check_grad(f, {conditioned({2, 4, 4}, 33, 1.0)});
  test::compare_grad_backends(f, {conditioned({2, 3, 3}, 34, 1.0)}, emily_cpu());
}

TEST(DefnGradLinalg, DeterminantByHand) {
  // det [[a, b], [c, d]] = ad - bc: gradient [[d, -c], [-b, a]].
  auto g = nx::grad([](const Tensor& a) { return nx::linalg::determinant(a); })(f64({1, 2, 3, 4}, {2, 2}));
  expect_values(g, {4, -3, -2, 1});
}

// ---------------------------------------------------------------- FFT family

// Real losses of complex spectra: linear in the real part, and the power.
Tensor real_loss(const Tensor& z) { return nx::sum(nx::multiply(nx::real(z), nx::cos(nx::real(z)))); }
// |z|^2 as z conj(z): every step is holomorphic or conjugation, which Nx's
// convention differentiates exactly. (sum(abs(z)^2) is not used: the complex
// abs rule in grad_elementwise.cpp returns g z / |z| where Nx has
// real(g) conj(z) / |z|, which reverses the frequency index here.)
Tensor power(const Tensor& z) { return nx::sum(nx::real(nx::multiply(z, nx::conjugate(z)))); }

TEST(DefnGradLinalg, FftAndIfftLengths) {
  for (std::int64_t len : {6, 4, 9}) {  // equal to, shorter and longer than the axis
    SCOPED_TRACE(len);
    nx::FftFrontOptions o{.length = len};
    check_grad([o](const V& x) { return real_loss(nx::fft(x[0], o)); }, {random_f64({2, 6}, 35)});
    check_grad([o](const V& x) { return real_loss(nx::ifft(x[0], o)); }, {random_f64({2, 6}, 36)});
    nx::FftFrontOptions axis0{.length = len, .axis = 0};
    check_grad([axis0](const V& x) { return real_loss(nx::fft(x[0], axis0)); }, {random_f64({6, 3}, 37)});
  }
  check_grad([](const V& x) { return power(nx::fft(x[0])); }, {random_f64({2, 8}, 38)});
  // A complex input built from two real arguments.
  check_grad([](const V& x) { return real_loss(nx::fft(nx::complex(x[0], x[1]), {.length = 5})); },
             {random_f64({7}, 39), random_f64({7}, 40)});
}

TEST(DefnGradLinalg, FftPowerByHand) {
  // Parseval: sum |fft(x)|^2 = n sum x^2, gradient 2 n x.
  auto g = nx::grad([](const Tensor& x) { return power(nx::fft(x)); })(f64({1, 2, 3, 4}, {4}));
  expect_values(g, {8, 16, 24, 32});
}

TEST(DefnGradLinalg, RfftIrfftFft2Ifft2) {
  for (std::int64_t len : {8, 5, 11}) {
    SCOPED_TRACE(len);
    nx::FftFrontOptions o{.length = len};
    check_grad([o](const V& x) { return real_loss(nx::rfft(x[0], o)); }, {random_f64({2, 8}, 41)});
    check_grad([o](const V& x) { return mix(nx::irfft(nx::complex(x[0], x[1]), o)); },
               {random_f64({2, 5}, 42), random_f64({2, 5}, 43)});
  }
  nx::Fft2FrontOptions o2{.lengths = {3, 5}};
  check_grad([o2](const V& x) { return real_loss(nx::fft2(x[0], o2)); }, {random_f64({2, 4, 4}, 44)});
  check_grad([o2](const V& x) { return real_loss(nx::ifft2(x[0], o2)); }, {random_f64({4, 4}, 45)});
}

TEST(DefnGradLinalg, FftEmilyMatchesReference) {
  test::compare_grad_backends([](const V& x) { return real_loss(nx::fft(x[0], {.length = 5})); },
                              {random_f64({2, 6}, 46)}, emily_cpu());
  test::compare_grad_backends([](const V& x) { return real_loss(nx::rfft(x[0])); }, {random_f64({2, 8}, 47)},
                              emily_cpu());
  test::compare_grad_backends([](const V& x) { return real_loss(nx::fft2(x[0])); }, {random_f64({4, 4}, 48)},
                              emily_cpu());
  test::compare_grad_backends([](const V& x) { return mix(nx::irfft(nx::complex(x[0], x[1]), {.length = 6})); },
                              {random_f64({2, 4}, 52), random_f64({2, 4}, 53)}, emily_cpu());
}

// ---------------------------------------------------------------- second order

TEST(DefnGradLinalg, SecondOrder) {
  // The rules are traced nx:: code: their gradients differentiate again.
  auto det_grad = [](const V& x) {
    return nx::sum(nx::sin(nx::grad([](const Tensor& a) { return nx::linalg::determinant(a); })(x[0])));
  };
  check_grad(det_grad, {conditioned({3, 3}, 49, 1.0)}, 1e-5);
  auto chol_grad = [](const V& x) {
    return nx::sum(nx::sin(nx::grad([](const Tensor& a) { return mix(nx::linalg::cholesky(sym(a))); })(x[0])));
  };
  check_grad(chol_grad, {spd({3, 3}, 50)}, 1e-5);
  auto fft_grad = [](const V& x) {
    return nx::sum(nx::sin(nx::grad([](const Tensor& t) { return real_loss(nx::fft(t, {.length = 4})); })(x[0])));
  };
  check_grad(fft_grad, {random_f64({6}, 51)}, 1e-5);
}

}  // namespace
