// Linear algebra on every backend: triangular_solve, the decompositions
// (checked through reconstructions and exact values printed by Nx's
// doctests), the Nx.LinAlg compositions, exact integer dot products, and
// randomized comparison of Emily against the reference.
#include <numeric>

#include "compare_util.hpp"
#include "emily/int_matmul.hpp"

namespace {

using c = std::complex<double>;

nx::Tensor host(const std::vector<double>& values, const nx::Shape& shape, nx::Type type, const nx::BackendPtr& b) {
  std::vector<std::uint8_t> bytes(values.size() * sizeof(double));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  nx::Tensor t = nx::from_binary(bytes, nx::f64, shape, {.backend = nx::binary_backend()});
  return nx::backend_copy(nx::as_type(t, type), b);
}

nx::Axes leading(int n) {
  nx::Axes a(static_cast<std::size_t>(n));
  std::iota(a.begin(), a.end(), 0);
  return a;
}

// Batched a . b over the leading axes.
nx::Tensor mm(const nx::Tensor& a, const nx::Tensor& b) {
  const int r = a.rank();
  return nx::dot(a, {r - 1}, leading(r - 2), b, {r - 2}, leading(r - 2));
}
// Batched a . b^H (contracting both last axes).
nx::Tensor mm_h(const nx::Tensor& a, const nx::Tensor& b) {
  const int r = a.rank();
  nx::Tensor bc = nx::is_complex(b.type()) ? nx::conjugate(b) : b;
  return nx::dot(a, {r - 1}, leading(r - 2), bc, {r - 1}, leading(r - 2));
}
// Batched a^H . b (contracting both second-to-last axes).
nx::Tensor mh_m(const nx::Tensor& a, const nx::Tensor& b) {
  const int r = a.rank();
  nx::Tensor ac = nx::is_complex(a.type()) ? nx::conjugate(a) : a;
  return nx::dot(ac, {r - 2}, leading(r - 2), b, {r - 2}, leading(r - 2));
}

// Element-wise closeness of two tensors of the same shape (any backends).
void expect_near(const nx::Tensor& got, const nx::Tensor& want, double tol, const std::string& ctx = "") {
  ASSERT_EQ(nx::shape_to_string(got.shape()), nx::shape_to_string(want.shape())) << ctx;
  auto g = nx::to_flat_list<c>(got), w = nx::to_flat_list<c>(want);
  for (std::size_t i = 0; i < g.size(); ++i) {
    ASSERT_NEAR(g[i].real(), w[i].real(), tol * (1 + std::abs(w[i]))) << ctx << " at " << i;
    ASSERT_NEAR(g[i].imag(), w[i].imag(), tol * (1 + std::abs(w[i]))) << ctx << " at " << i;
  }
}

// An identity batch of the shape {..., n, n} on the host.
nx::Tensor identity_like(const nx::Shape& shape, const nx::BackendPtr& b) {
  return nx::eye(shape, {.type = nx::f64, .names = {}, .backend = b});
}

void expect_upper(const nx::Tensor& r, double tol) {
  const int rank = r.rank();
  const std::int64_t rows = r.dim(rank - 2), cols = r.dim(rank - 1);
  auto v = nx::to_flat_list<c>(r);
  for (std::size_t k = 0; k < v.size(); ++k) {
    const std::int64_t i = (static_cast<std::int64_t>(k) / cols) % rows, j = static_cast<std::int64_t>(k) % cols;
    if (i > j) ASSERT_NEAR(std::abs(v[k]), 0.0, tol) << "below the diagonal at " << k;
  }
}

// ---------------------------------------------------------------- hand-valued

class LinAlg : public test::BackendTest {};

TEST_P(LinAlg, TriangularSolveExamples) {
  auto a = nx::tensor({{3, 0, 0, 0}, {2, 1, 0, 0}, {1, 0, 1, 0}, {1, 1, 1, 1}}, {.backend = b()});
  test::expect_close(nx::linalg::triangular_solve(a, nx::tensor({4, 2, 4, 2}, {.backend = b()})), nx::f32, {4},
                     {1.3333334, -0.6666667, 2.6666667, -1.3333334});
  auto u = nx::tensor({{1, 1, 1, 1}, {0, 1, 0, 1}, {0, 0, 1, 2}, {0, 0, 0, 3}}, {.backend = b()});
  test::expect_close(nx::linalg::triangular_solve(u, nx::tensor({2, 4, 2, 4}, {.backend = b()}), {.lower = false}),
                     nx::f32, {4}, {-1.3333334, 2.6666667, -0.6666667, 1.3333334});
  auto l = nx::tensor({{1, 0, 0}, {1, 1, 0}, {1, 2, 1}}, {.backend = b()});
  auto rhs = nx::tensor({{0, 2, 1}, {1, 1, 0}, {3, 3, 1}}, {.backend = b()});
  test::expect_close(nx::linalg::triangular_solve(l, rhs, {.left_side = false}), nx::f32, {3, 3},
                     {-1, 0, 1, 0, 1, 0, 1, 1, 1});
  auto a64 = nx::tensor({{1, 1, 1}, {0, 1, 1}, {0, 0, 1}}, {.type = nx::f64, .backend = b()});
  test::expect_close(nx::linalg::triangular_solve(a64, nx::tensor({1, 2, 1}, {.backend = b()}),
                                                  {.lower = false, .transform_a = nx::Transform::transpose}),
                     nx::f64, {3}, {1, 1, -1});
}

TEST_P(LinAlg, TriangularSolveShapes) {
  auto l = nx::tensor({{1, 0, 0}, {1, 1, 0}, {1, 2, 1}}, {.backend = b()});
  // Right side with a 2 x 3 b; left side with a 3 x 2 b.
  test::expect_close(nx::linalg::triangular_solve(l, nx::tensor({{0, 1, 3}, {2, 1, 3}}, {.backend = b()}),
                                                  {.left_side = false}),
                     nx::f32, {2, 3}, {2, -5, 3, 4, -5, 3});
  test::expect_close(nx::linalg::triangular_solve(l, nx::tensor({{0, 2}, {3, 0}, {0, 0}}, {.backend = b()})), nx::f32,
                     {3, 2}, {0, 2, 3, -2, -6, 2});
  // A batch of matrices with a batch of vectors.
  auto ab = nx::tensor({{{1, 0}, {2, 3}}, {{4, 0}, {5, 6}}}, {.backend = b()});
  test::expect_close(nx::linalg::triangular_solve(ab, nx::tensor({{2, -1}, {3, 7}}, {.backend = b()})), nx::f32,
                     {2, 2}, {2, -1.6666666, 0.75, 0.5416667});
  // Only the selected triangle is read.
  auto dirty = nx::tensor({{2, 99}, {1, 4}}, {.backend = b()});
  test::expect_close(nx::linalg::triangular_solve(dirty, nx::tensor({2, 9}, {.backend = b()})), nx::f32, {2}, {1, 2});
  // A vector on the right side is a row: x . a = b.
  test::expect_close(nx::linalg::triangular_solve(dirty, nx::tensor({4, 8}, {.backend = b()}), {.left_side = false}),
                     nx::f32, {2}, {1, 2});
}

TEST_P(LinAlg, TriangularSolveComplex) {
  auto a = nx::tensor({{c(1, 0), c(0, 0), c(0, 0)}, {c(1, 0), c(0, 1), c(0, 0)}, {c(0, 1), c(1, 0), c(1, 0)}},
                      {.backend = b()});
  auto x = nx::linalg::triangular_solve(a, nx::tensor({c(1, 0), c(-1, 0), c(3, 3)}, {.backend = b()}));
  expect_near(x, nx::tensor({c(1, 0), c(0, 2), c(3, 0)}), 1e-6);
  // :conjugate conjugates without transposing.
  auto y = nx::linalg::triangular_solve(a, nx::tensor({c(1, 0), c(-1, 0), c(3, 3)}, {.backend = b()}),
                                        {.transform_a = nx::Transform::conjugate});
  expect_near(mm(nx::conjugate(a), nx::reshape(y, {3, 1})), nx::tensor({{c(1, 0)}, {c(-1, 0)}, {c(3, 3)}}), 1e-5);
}

TEST_P(LinAlg, TriangularSolveSingular) {
  // Raises (Emily when the result is read: pending_check_test.cpp).
  auto a = nx::tensor({{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {1, 1, 1, 1}}, {.backend = b()});
  auto rhs = nx::tensor({4, 2, 4, 2}, {.backend = b()});
  EXPECT_THROW(nx::to_flat_list<float>(nx::linalg::triangular_solve(a, rhs)), nx::ArgumentError);
}

TEST_P(LinAlg, TriangularSolveErrors) {
  auto rect = nx::tensor({{3, 0, 0, 0}, {2, 1, 0, 0}}, {.backend = b()});
  EXPECT_THROW(nx::linalg::triangular_solve(rect, nx::tensor({4, 2, 4, 2}, {.backend = b()})), nx::ArgumentError);
  auto sq = nx::eye(4, {.backend = b()});
  EXPECT_THROW(nx::linalg::triangular_solve(sq, nx::tensor({4}, {.backend = b()})), nx::ArgumentError);
  EXPECT_THROW(nx::linalg::triangular_solve(sq, nx::iota({4, 3}, {.backend = b()}), {.left_side = false}),
               nx::ArgumentError);
  EXPECT_THROW(nx::linalg::triangular_solve(nx::eye({2, 3, 3}, {.backend = b()}), nx::iota({3, 3}, {.backend = b()})),
               nx::ArgumentError);
}

TEST_P(LinAlg, Lu) {
  auto a = nx::tensor({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}, {.backend = b()});
  auto r = nx::linalg::lu(a);
  test::expect_tensor<int>(r.p, nx::s32, {3, 3}, {0, 1, 0, 0, 0, 1, 1, 0, 0});
  test::expect_close(r.l, nx::f32, {3, 3}, {1, 0, 0, 0.14285715, 1, 0, 0.5714286, 0.5, 1}, 1e-5, 1e-5);
  test::expect_close(r.u, nx::f32, {3, 3}, {7, 8, 9, 0, 0.8571428, 1.7142856, 0, 0, 0}, 1e-5, 1e-5);
  expect_near(mm(mm(r.p, r.l), r.u), a, 1e-5);
  // Batched, f64 input: P keeps f64.
  auto batch = nx::tensor({{{9, 8, 7}, {6, 5, 4}, {3, 2, 1}}, {{-1, 0, -1}, {1, 0, 1}, {1, 1, 1}}},
                          {.type = nx::f64, .backend = b()});
  auto rb = nx::linalg::lu(batch);
  EXPECT_EQ(nx::to_string(rb.p.type()), "f64");
  test::expect_close(rb.p, nx::f64, {2, 3, 3}, {1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0});
  expect_near(mm(mm(rb.p, rb.l), rb.u), batch, 1e-12);
  EXPECT_THROW(nx::linalg::lu(nx::iota({3, 4}, {.backend = b()})), nx::ArgumentError);
}

TEST_P(LinAlg, Qr) {
  auto t = nx::tensor({{3.0, 2.0, 1.0}, {0.0, 1.0, 1.0}, {0.0, 0.0, 1.0}, {0.0, 0.0, 0.0}}, {.backend = b()});
  auto [q, r] = nx::linalg::qr(t, {.mode = nx::QrMode::complete});
  test::expect_close(q, nx::f32, {4, 4}, {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1});
  test::expect_close(r, nx::f32, {4, 3}, {3, 2, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0});
  auto t2 = nx::tensor({{3.0, 2.0, 1.0}, {0.0, 1.0, 1.0}, {0.0, 0.0, 1.0}, {0.0, 0.0, 1.0}}, {.backend = b()});
  auto [q2, r2] = nx::linalg::qr(t2);
  test::expect_close(q2, nx::f32, {4, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 0.7071068, 0, 0, 0.70710677});
  test::expect_close(r2, nx::f32, {3, 3}, {3, 2, 1, 0, 1, 1, 0, 0, 1.4142135});
  // Upper triangular input with a negative diagonal: Q = I, R = A.
  auto tri = nx::tensor({{-3, 2, 1}, {0, 1, 1}, {0, 0, -1}}, {.backend = b()});
  auto [q3, r3] = nx::linalg::qr(tri);
  test::expect_close(q3, nx::f32, {3, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 1});
  test::expect_close(r3, nx::f32, {3, 3}, {-3, 2, 1, 0, 1, 1, 0, 0, -1});
  EXPECT_THROW(nx::linalg::qr(nx::tensor({1, 2, 3}, {.backend = b()})), nx::ArgumentError);
}

TEST_P(LinAlg, QrReconstructions) {
  auto tall = host({2, -1, 0, 4, 1, 3, -2, 5, 1, 0, 2, 2, 7, -3, 1}, {5, 3}, nx::f32, b());
  auto wide = host({2, -1, 0, 4, 1, 3, -2, 5, 1, 0}, {2, 5}, nx::f32, b());
  for (const auto& a : {tall, wide})
    for (auto mode : {nx::QrMode::reduced, nx::QrMode::complete}) {
      auto [q, r] = nx::linalg::qr(a, {.mode = mode});
      const std::int64_t m = a.dim(0), n = a.dim(1), k = std::min(m, n);
      const std::int64_t cols = mode == nx::QrMode::complete ? m : k;
      EXPECT_EQ(nx::shape_to_string(q.shape()), nx::shape_to_string({m, cols}));
      EXPECT_EQ(nx::shape_to_string(r.shape()), nx::shape_to_string({cols, n}));
      expect_near(mm(q, r), a, 1e-5, "Q R");
      expect_near(mh_m(q, q), identity_like({cols, cols}, b()), 1e-5, "Q^T Q");
      expect_upper(r, 1e-5);
    }
  // Complex (the reference backend's host code; Emily falls back to it).
  auto z = nx::tensor({{c(1, 1), c(2, 0)}, {c(0, -1), c(3, 2)}, {c(1, 0), c(0, 1)}}, {.backend = b()});
  auto [qz, rz] = nx::linalg::qr(z);
  expect_near(mm(qz, rz), z, 1e-5, "complex Q R");
  expect_near(mh_m(qz, qz), nx::as_type(identity_like({2, 2}, b()), nx::c64), 1e-5, "complex Q^H Q");
  expect_upper(rz, 1e-5);
}

TEST_P(LinAlg, Determinant) {
  // Values printed by Nx's doctests.
  test::expect_close(nx::linalg::determinant(nx::tensor({{1, 2}, {3, 4}}, {.backend = b()})), nx::f32, {}, {-2});
  test::expect_close(nx::linalg::determinant(nx::tensor({{1.0, 2.0, 3.0}, {1.0, -2.0, 3.0}, {7.0, 8.0, 9.0}}, {.backend = b()})),
                     nx::f32, {}, {48});
  test::expect_tensor<float>(nx::linalg::determinant(nx::tensor({{1.0, 0.0}, {3.0, 0.0}}, {.backend = b()})), nx::f32, {}, {0});
  test::expect_tensor<float>(
      nx::linalg::determinant(nx::tensor({{1.0, 2.0, 3.0}, {-1.0, -2.0, -3.0}, {4.0, 5.0, 6.0}}, {.backend = b()})), nx::f32,
      {}, {0});
  test::expect_close(nx::linalg::determinant(nx::tensor({{1, 0, 0, 0}, {0, 1, 2, 3}, {0, 1, -2, 3}, {0, 7, 8, 9}}, {.backend = b()})),
                     nx::f32, {}, {48}, 1e-5, 1e-4);
  test::expect_close(nx::linalg::determinant(nx::tensor(
                         {{0, 0, 0, 0, -1}, {0, 1, 2, 3, 0}, {0, 1, -2, 3, 0}, {0, 7, 8, 9, 0}, {1, 0, 0, 0, 0}}, {.backend = b()})),
                     nx::f32, {}, {48}, 1e-5, 1e-4);
  test::expect_close(nx::linalg::determinant(nx::tensor({{{2, 4, 6, 7}, {5, 1, 8, 8}, {1, 7, 3, 1}, {3, 9, 2, 4}},
                                                         {{2, 5, 1, 3}, {4, 1, 7, 9}, {6, 8, 3, 2}, {7, 8, 1, 4}}},
                                                        {.backend = b()})),
                     nx::f32, {2}, {630, 630}, 1e-5, 1e-3);
  auto z3 = nx::tensor({{c(1, 0), c(0, 0), c(0, 0)}, {c(0, 0), c(0, 2), c(0, 0)}, {c(0, 0), c(0, 0), c(3, 0)}}, {.backend = b()});
  expect_near(nx::linalg::determinant(z3), nx::tensor(c(0, 6)), 1e-6);
  auto z4 = nx::tensor({{c(0, 0), c(0, 0), c(0, 0), c(1, 0)},
                        {c(0, 0), c(0, 2), c(0, 0), c(0, 0)},
                        {c(0, 0), c(0, 0), c(3, 0), c(0, 0)},
                        {c(1, 0), c(0, 0), c(0, 0), c(0, 0)}},
                       {.backend = b()});
  auto d4 = nx::linalg::determinant(z4);
  EXPECT_EQ(nx::to_string(d4.type()), "c64");
  expect_near(d4, nx::tensor(c(0, -6)), 1e-6);
  test::expect_close(nx::linalg::determinant(nx::tensor({{5}}, {.backend = b()})), nx::f32, {}, {5});
  EXPECT_THROW(nx::linalg::determinant(nx::iota({2, 3}, {.backend = b()})), nx::ArgumentError);
}

TEST_P(LinAlg, Eigh) {
  // Descending magnitude.
  auto [w, v] = nx::linalg::eigh(nx::tensor({{1, 0}, {0, 2}}, {.backend = b()}));
  test::expect_close(w, nx::f32, {2}, {2, 1});
  test::expect_close(v, nx::f32, {2, 2}, {0, 1, 1, 0});
  auto a = nx::tensor({{0, 1, 2}, {1, 0, 2}, {2, 2, 3}}, {.backend = b()});
  auto [w3, v3] = nx::linalg::eigh(a);
  test::expect_close(w3, nx::f32, {3}, {5, -1, -1}, 1e-5, 1e-5);
  expect_near(mm_h(nx::multiply(v3, w3), v3), a, 1e-5, "V diag(w) V^T");
  expect_near(mh_m(v3, v3), identity_like({3, 3}, b()), 1e-5, "V^T V");
  // Batched, and complex Hermitian.
  auto batch = nx::tensor({{{2, 5}, {5, 6}}, {{1, 0}, {0, 4}}}, {.backend = b()});
  auto [wb, vb] = nx::linalg::eigh(batch);
  test::expect_close(wb, nx::f32, {2, 2}, {9.3851648, -1.3851648, 4, 1}, 1e-5, 1e-5);
  expect_near(mm_h(nx::multiply(vb, nx::reshape(wb, {2, 1, 2})), vb), batch, 1e-5, "batched");
  auto h = nx::tensor({{c(2, 0), c(1, -1)}, {c(1, 1), c(3, 0)}}, {.backend = b()});
  auto [wh, vh] = nx::linalg::eigh(h);
  EXPECT_EQ(nx::to_string(wh.type()), "c64");
  expect_near(wh, nx::tensor({c(4, 0), c(1, 0)}), 1e-5, "hermitian eigenvalues");
  expect_near(mm_h(nx::multiply(vh, wh), vh), h, 1e-5, "hermitian reconstruction");
  EXPECT_THROW(nx::linalg::eigh(nx::iota({2, 3}, {.backend = b()})), nx::ArgumentError);
}

TEST_P(LinAlg, Cholesky) {
  // Values printed by Nx's doctests.
  test::expect_close(nx::linalg::cholesky(nx::tensor({{20.0, 17.6}, {17.6, 16.0}}, {.backend = b()})), nx::f32, {2, 2},
                     {4.472136, 0.0, 3.9354796, 0.71554184});
  auto t = nx::tensor({{6.0, 3.0, 4.0, 8.0}, {3.0, 6.0, 5.0, 1.0}, {4.0, 5.0, 10.0, 7.0}, {8.0, 1.0, 7.0, 25.0}}, {.backend = b()});
  auto l = nx::linalg::cholesky(t);
  test::expect_close(l, nx::f32, {4, 4},
                     {2.4494898, 0, 0, 0, 1.2247448, 2.1213202, 0, 0, 1.6329931, 1.4142138, 2.309401, 0, 3.2659862,
                      -1.4142134, 1.5877135, 3.1324911},
                     1e-5, 1e-5);
  expect_near(mm_h(l, l), t, 1e-5);
  auto z = nx::tensor({{c(1, 0), c(0, -2)}, {c(0, 2), c(5, 0)}}, {.backend = b()});
  expect_near(nx::linalg::cholesky(z), nx::tensor({{c(1, 0), c(0, 0)}, {c(0, 2), c(1, 0)}}), 1e-6);
  auto batch = nx::tensor({{{2.0, 3.0}, {3.0, 5.0}}, {{1.0, 0.0}, {0.0, 1.0}}}, {.type = nx::f64, .backend = b()});
  test::expect_close(nx::linalg::cholesky(batch), nx::f64, {2, 2, 2},
                     {1.4142135623730951, 0, 2.1213203435596424, 0.7071067811865476, 1, 0, 0, 1}, 1e-12, 1e-12);
  EXPECT_THROW(nx::to_flat_list<float>(nx::linalg::cholesky(nx::tensor({{1.0, 2.0}, {2.0, 1.0}}, {.backend = b()}))),
               nx::ArgumentError);
  EXPECT_THROW(nx::linalg::cholesky(nx::iota({2, 3}, {.backend = b()})), nx::ArgumentError);
}

TEST_P(LinAlg, Svd) {
  // Values printed by Nx's doctests.
  auto a = nx::tensor({{2, 0, 0}, {0, 3, 0}, {0, 0, -1}, {0, 0, 0}}, {.backend = b()});
  auto r = nx::linalg::svd(a, {.max_iter = 100, .full_matrices = false});
  test::expect_close(r.u, nx::f32, {4, 3}, {0, 1, 0, 1, 0, 0, 0, 0, -1, 0, 0, 0});
  test::expect_close(r.s, nx::f32, {3}, {3, 2, 1});
  test::expect_close(r.vt, nx::f32, {3, 3}, {0, 1, 0, 1, 0, 0, 0, 0, 1});
  auto full = nx::linalg::svd(a);
  EXPECT_EQ(nx::shape_to_string(full.u.shape()), "{4, 4}");
  test::expect_close(full.s, nx::f32, {3}, {3, 2, 1});
  expect_near(mh_m(full.u, full.u), identity_like({4, 4}, b()), 1e-5, "U^T U");
  expect_near(mm(nx::multiply(r.u, r.s), r.vt), a, 1e-5, "U S Vt");
  auto id = nx::linalg::svd(nx::tensor({{1, 0, 0}, {0, 1, 0}, {0, 0, -1}}, {.backend = b()}));
  test::expect_close(id.s, nx::f32, {3}, {1, 1, 1});
  // Wide and batched.
  auto w = host({1, 2, 3, 4, 5, 6, -1, 0, 2, 3, 1, 1}, {2, 2, 3}, nx::f64, b());
  for (bool fm : {true, false}) {
    auto d = nx::linalg::svd(w, {.max_iter = 100, .full_matrices = fm});
    EXPECT_EQ(nx::shape_to_string(d.vt.shape()), fm ? "{2, 3, 3}" : "{2, 2, 3}");
    auto us = nx::multiply(fm ? nx::slice(d.u, {0, 0, 0}, {2, 2, 2}) : d.u, nx::reshape(d.s, {2, 1, 2}));
    auto vt = fm ? nx::slice(d.vt, {0, 0, 0}, {2, 2, 3}) : d.vt;
    expect_near(mm(us, vt), w, 1e-10, "wide U S Vt");
    expect_near(mm_h(d.vt, d.vt), identity_like({2, fm ? 3 : 2, fm ? 3 : 2}, b()), 1e-10, "Vt Vt^T");
  }
  EXPECT_THROW(nx::linalg::svd(nx::tensor({{c(1, 1)}}, {.backend = b()})), nx::ArgumentError);
  EXPECT_THROW(nx::linalg::svd(nx::tensor({1, 2}, {.backend = b()})), nx::ArgumentError);
}

TEST_P(LinAlg, Solve) {
  auto a = nx::tensor({{1, 3, 2, 1}, {2, 1, 0, 0}, {1, 0, 1, 0}, {1, 1, 1, 1}}, {.backend = b()});
  test::expect_close(nx::linalg::solve(a, nx::tensor({-3, 0, 4, -2}, {.backend = b()})), nx::f32, {4}, {1, -2, 3, -4},
                     1e-5, 1e-5);
  auto a3 = nx::tensor({{1, 0, 1}, {1, 1, 0}, {0, 1, 1}}, {.backend = b()});
  auto b3 = nx::tensor({{2, 2, 3}, {2, 2, 4}, {2, 0, 1}}, {.backend = b()});
  test::expect_close(nx::linalg::solve(a3, b3), nx::f32, {3, 3}, {1, 2, 3, 1, 0, 1, 1, 0, 0}, 1e-5, 1e-5);
  auto ab = nx::tensor({{{14, 10}, {9, 9}}, {{4, 11}, {2, 3}}}, {.backend = b()});
  auto bb = nx::tensor({{{2, 4}, {3, 2}}, {{1, 5}, {-3, -1}}}, {.backend = b()});
  auto x = nx::linalg::solve(ab, bb);
  expect_near(mm(ab, x), bb, 1e-5);
  auto a64 = nx::tensor({{1, 0, 1}, {1, 1, 0}, {1, 1, 1}}, {.type = nx::f64, .backend = b()});
  test::expect_close(nx::linalg::solve(a64, nx::tensor({0, 2, 1}, {.backend = b()})), nx::f64, {3}, {1, 1, -1}, 1e-12, 1e-12);
  auto z = nx::tensor({{c(2, 1), c(0, 1)}, {c(1, 0), c(3, -1)}}, {.backend = b()});
  auto bz = nx::tensor({c(1, 2), c(0, -1)}, {.backend = b()});
  expect_near(mm(z, nx::reshape(nx::linalg::solve(z, bz), {2, 1})), nx::reshape(bz, {2, 1}), 1e-5, "complex");
  auto singular = nx::tensor({{1, 2}, {2, 4}}, {.backend = b()});
  EXPECT_THROW(nx::to_flat_list<float>(nx::linalg::solve(singular, nx::tensor({1, 2}, {.backend = b()}))),
               nx::ArgumentError);
  EXPECT_THROW(nx::linalg::solve(nx::eye(2, {.backend = b()}), nx::tensor({4, 2, 4, 2}, {.backend = b()})), nx::ArgumentError);
  EXPECT_THROW(nx::linalg::solve(nx::iota({3, 4}, {.backend = b()}), nx::tensor({4}, {.backend = b()})), nx::ArgumentError);
}

TEST_P(LinAlg, MatrixPower) {
  // Values printed by Nx's doctests.
  auto a = nx::tensor({{1, 2}, {3, 4}}, {.backend = b()});
  test::expect_tensor<int>(nx::linalg::matrix_power(a, 0), nx::s32, {2, 2}, {1, 0, 0, 1});
  test::expect_tensor<int>(nx::linalg::matrix_power(a, 6), nx::s32, {2, 2}, {5743, 8370, 12555, 18298});
  test::expect_tensor<int>(nx::linalg::matrix_power(a, 1), nx::s32, {2, 2}, {1, 2, 3, 4});
  test::expect_close(nx::linalg::matrix_power(a, -1), nx::f32, {2, 2}, {-2, 1, 1.5, -0.5}, 1e-5, 1e-5);
  test::expect_tensor<int>(nx::linalg::matrix_power(nx::iota({2, 2, 2}, {.backend = b()}), 3), nx::s32, {2, 2, 2},
                           {6, 11, 22, 39, 514, 615, 738, 883});
  test::expect_close(nx::linalg::matrix_power(nx::iota({2, 2, 2}, {.backend = b()}), -3), nx::f32, {2, 2, 2},
                     {-4.875, 1.375, 2.75, -0.75, -110.37398, 76.87429, 92.24915, -64.24941}, 1e-4, 1e-4);
  EXPECT_THROW(nx::linalg::matrix_power(nx::iota({3, 2}, {.backend = b()}), 1), nx::ArgumentError);
}

TEST_P(LinAlg, Invert) {
  auto a = nx::tensor({{1, 2, 1, 1}, {0, 1, 0, 1}, {0, 0, 1, 1}, {0, 0, 0, 1}}, {.backend = b()});
  test::expect_close(nx::linalg::invert(a), nx::f32, {4, 4}, {1, -2, -1, 2, 0, 1, 0, -1, 0, 0, 1, -1, 0, 0, 0, 1}, 1e-5,
                     1e-5);
  // A singular matrix gives NaN, with no error.
  auto s = nx::linalg::invert(nx::tensor({{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {1, 1, 1, 1}}, {.backend = b()}));
  test::expect_tensor<float>(s, nx::f32, {4, 4}, std::vector<float>(16, NAN));
  // Batched with one singular member.
  auto batch = nx::tensor({{{1, 2}, {0, 1}}, {{1, 1}, {1, 1}}}, {.backend = b()});
  auto inv = nx::to_flat_list<float>(nx::linalg::invert(batch));
  EXPECT_NEAR(inv[0], 1, 1e-6);
  EXPECT_NEAR(inv[1], -2, 1e-6);
  EXPECT_NEAR(inv[3], 1, 1e-6);
  for (int i = 4; i < 8; ++i) EXPECT_TRUE(std::isnan(inv[static_cast<std::size_t>(i)]));
  EXPECT_THROW(nx::linalg::invert(nx::iota({2, 4}, {.backend = b()})), nx::ArgumentError);
}

TEST_P(LinAlg, Norm) {
  using nx::linalg::NormOrd;
  auto v = [&](std::initializer_list<nx::Literal> l) { return nx::tensor(l, {.backend = b()}); };
  test::expect_close(nx::linalg::norm(v({3, 4})), nx::f32, {}, {5});
  test::expect_close(nx::linalg::norm(v({3, 4}), {.ord = NormOrd::p, .p = 1}), nx::f32, {}, {7});
  test::expect_close(nx::linalg::norm(v({3, -4}), {.ord = NormOrd::inf}), nx::f32, {}, {4});
  test::expect_close(nx::linalg::norm(v({3, -4}), {.ord = NormOrd::neg_inf}), nx::f32, {}, {3});
  test::expect_close(nx::linalg::norm(v({3, -4, 0, 0}), {.ord = NormOrd::p, .p = 0}), nx::f32, {}, {2});
  test::expect_close(nx::linalg::norm(v({1, -2, 3}), {.ord = NormOrd::p, .p = 3}), nx::f32, {}, {std::cbrt(36.0)});
  auto m = [&](std::initializer_list<nx::Literal> l) { return nx::tensor(l, {.backend = b()}); };
  test::expect_close(nx::linalg::norm(m({{3, -1}, {2, -4}}), {.ord = NormOrd::p, .p = -1}), nx::f32, {}, {5});
  test::expect_close(nx::linalg::norm(m({{3, -2}, {2, -4}}), {.ord = NormOrd::p, .p = 1}), nx::f32, {}, {6});
  test::expect_close(nx::linalg::norm(m({{3, -2}, {2, -4}}), {.ord = NormOrd::neg_inf}), nx::f32, {}, {5});
  test::expect_close(nx::linalg::norm(m({{3, -2}, {2, -4}}), {.ord = NormOrd::inf}), nx::f32, {}, {6});
  test::expect_close(nx::linalg::norm(m({{3, 0}, {0, -4}}), {.ord = NormOrd::frobenius}), nx::f32, {}, {5});
  test::expect_close(nx::linalg::norm(m({{1, 0, 0}, {0, -4, 0}, {0, 0, 9}}), {.ord = NormOrd::nuclear}), nx::f32, {}, {14},
                     1e-5, 1e-4);
  test::expect_close(nx::linalg::norm(m({{1, 0, 0}, {0, -4, 0}, {0, 0, 9}}), {.ord = NormOrd::p, .p = -2}), nx::f32, {},
                     {1}, 1e-5, 1e-5);
  test::expect_close(nx::linalg::norm(m({{3, 0}, {0, -4}})), nx::f32, {}, {5});
  test::expect_close(nx::linalg::norm(m({{3, 4}, {0, -4}}), {.axes = nx::Axes{1}}), nx::f32, {2}, {5, 4});
  test::expect_close(nx::linalg::norm(m({{1, 4}, {2, -4}}), {.axes = nx::Axes{1}, .keep_axes = true}), nx::f32, {2, 1},
                     {std::sqrt(17.0), std::sqrt(20.0)});
  test::expect_close(nx::linalg::norm(nx::tensor({{c(0, 3), c(4, 0)}, {c(4, 0), c(0, 0)}}, {.backend = b()}),
                                      {.axes = nx::Axes{0}}),
                     nx::f32, {2}, {5, 4});
  test::expect_close(nx::linalg::norm(m({{0, 0}, {0, 0}})), nx::f32, {}, {0});
  test::expect_close(nx::linalg::norm(nx::tensor({3.0, 4.0}, {.type = nx::f64, .backend = b()})), nx::f64, {}, {5});
  EXPECT_THROW(nx::linalg::norm(v({3, 4}), {.ord = NormOrd::frobenius}), nx::ArgumentError);
  EXPECT_THROW(nx::linalg::norm(v({3, 4}), {.ord = NormOrd::nuclear}), nx::ArgumentError);
  EXPECT_THROW(nx::linalg::norm(m({{3, 4}}), {.ord = NormOrd::p, .p = 3}), nx::ArgumentError);
  EXPECT_THROW(nx::linalg::norm(nx::iota({2, 2, 2}, {.backend = b()})), nx::ArgumentError);
}

TEST_P(LinAlg, PinvAdjointOuter) {
  test::expect_close(nx::linalg::pinv(nx::tensor(2, {.backend = b()})), nx::f32, {}, {0.5});
  test::expect_close(nx::linalg::pinv(nx::tensor({0, 1, 2}, {.backend = b()})), nx::f32, {3}, {0, 0.2, 0.4});
  // All zeros: Nx's branches merge to f32.
  test::expect_tensor<float>(nx::linalg::pinv(nx::tensor({0, 0, 0}, {.backend = b()})), nx::f32, {3}, {0, 0, 0});
  test::expect_close(nx::linalg::pinv(nx::tensor({{1, 1}, {3, 4}}, {.backend = b()})), nx::f32, {2, 2}, {4, -1, -3, 1},
                     1e-4, 1e-4);
  test::expect_close(nx::linalg::pinv(nx::tensor({{0.5, 0.0}, {0.0, 1.0}, {0.5, 0.0}}, {.backend = b()})), nx::f32, {2, 3},
                     {1, 0, 1, 0, 1, 0}, 1e-5, 1e-5);
  test::expect_tensor<float>(nx::linalg::pinv(nx::tensor({{0, 0, 0}, {0, 0, 0}}, {.backend = b()})), nx::f32, {3, 2},
                           {0, 0, 0, 0, 0, 0});
  test::expect_tensor<int>(nx::linalg::adjoint(nx::tensor({{1, 2}, {3, 4}}, {.backend = b()})), nx::s32, {2, 2}, {1, 3, 2, 4});
  auto adj = nx::linalg::adjoint(nx::tensor({{c(1, 0), c(0, 2)}, {c(3, 0), c(0, -4)}}, {.backend = b()}));
  auto got = nx::to_flat_list<c>(adj);
  std::vector<c> want = {c(1, -0.0), c(3, -0.0), c(0, -2), c(0, 4)};
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(got[i], want[i]) << i;
  test::expect_tensor<int>(nx::outer(nx::tensor({1, 2, 3}, {.backend = b()}), nx::tensor({4, 5}, {.backend = b()})), nx::s32,
                           {3, 2}, {4, 5, 8, 10, 12, 15});
  auto oz = nx::outer(nx::tensor({c(1, 1)}, {.backend = b()}), nx::tensor({c(0, 1), c(2, 0)}, {.backend = b()}));
  expect_near(oz, nx::tensor({{c(1, -1), c(2, 2)}}), 1e-6);  // the right operand is conjugated
  test::expect_tensor<int>(nx::outer(nx::tensor(3, {.backend = b()}), nx::tensor({{1, 2}, {3, 4}}, {.backend = b()})),
                           nx::s32, {1, 4}, {3, 6, 9, 12});
}

TEST_P(LinAlg, IntegerDotIsExact) {
  // Wrapping integer products that overflow floats.
  auto a = nx::tensor({{2147483647, -2147483647 - 1}, {123456789, 987654321}}, {.type = nx::s64, .backend = b()});
  auto bm = nx::tensor({{3037000499LL, 1}, {-3037000499LL, 7}}, {.type = nx::s64, .backend = b()});
  std::vector<std::int64_t> want(4);
  const std::int64_t av[4] = {2147483647, -2147483648LL, 123456789, 987654321};
  const std::int64_t bv[4] = {3037000499LL, 1, -3037000499LL, 7};
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j) {
      std::uint64_t s = 0;
      for (int k = 0; k < 2; ++k) s += static_cast<std::uint64_t>(av[i * 2 + k]) * static_cast<std::uint64_t>(bv[k * 2 + j]);
      want[static_cast<std::size_t>(i * 2 + j)] = static_cast<std::int64_t>(s);
    }
  test::expect_tensor<std::int64_t>(nx::dot(a, bm), nx::s64, {2, 2}, want);
  auto u = nx::tensor({200, 100, 255}, {.type = nx::u8, .backend = b()});
  test::expect_tensor<int>(nx::dot(u, u), nx::u8, {}, {(200 * 200 + 100 * 100 + 255 * 255) % 256});
}

NX_ALL_BACKENDS(LinAlg);

// ---------------------------------------------------------------- exact integer matmul

TEST(IntMatmul, FloatLimbsAreExact) {
  // Both limb layouts on the CPU device: 8-bit limbs in f32 with contraction
  // chunks (the GPU route) and 16-bit limbs in f64.
  namespace mx = mlx::core;
  test::Rng rng(5);
  std::uniform_int_distribution<std::int64_t> dist(std::numeric_limits<std::int64_t>::min(),
                                                   std::numeric_limits<std::int64_t>::max());
  const int B = 2, M = 3, K = 600, N = 4;
  std::vector<std::int64_t> av(B * M * K), bv(B * K * N);
  for (auto& x : av) x = dist(rng);
  for (auto& x : bv) x = dist(rng);
  mx::array a(av.begin(), {B, M, K}, mx::int64), b(bv.begin(), {B, K, N}, mx::int64);
  for (bool f64_limbs : {false, true})
    for (int bits : {8, 16, 32, 64}) {
      mx::Dtype dt = bits == 8 ? mx::int8 : bits == 16 ? mx::int16 : bits == 32 ? mx::int32 : mx::int64;
      mx::array r = mx::astype(emily::detail::exact_int_matmul(mx::astype(a, dt), mx::astype(b, dt), bits, f64_limbs,
                                                               mx::Device::cpu),
                               mx::uint64);
      mx::eval(r);
      const std::uint64_t mask = bits == 64 ? ~0ull : ((1ull << bits) - 1);
      const std::uint64_t* got = r.data<std::uint64_t>();
      for (int bi = 0; bi < B; ++bi)
        for (int i = 0; i < M; ++i)
          for (int j = 0; j < N; ++j) {
            std::uint64_t s = 0;
            for (int k = 0; k < K; ++k) {
              // Operands truncated to `bits` (sign-extended), as the cast does.
              auto trunc = [&](std::int64_t x) {
                if (bits == 64) return static_cast<std::uint64_t>(x);
                std::uint64_t u = static_cast<std::uint64_t>(x) & mask;
                if (u >> (bits - 1)) u |= ~mask;
                return u;
              };
              s += trunc(av[static_cast<std::size_t>((bi * M + i) * K + k)]) *
                   trunc(bv[static_cast<std::size_t>((bi * K + k) * N + j)]);
            }
            ASSERT_EQ(got[(bi * M + i) * N + j] & mask, s & mask)
                << "bits " << bits << " f64 limbs " << f64_limbs << " at " << bi << "," << i << "," << j;
          }
    }
}

// ---------------------------------------------------------------- randomized

TEST(DotCompare, IntegerTypesWrapExactly) {
  // Full-range operands, a contraction longer than one exact-sum chunk, batches.
  test::Rng rng(44);
  for (nx::Type type : test::emily_int_types()) {
    auto a = test::random_tensor(rng, type, {2, 3, 300}, {.lo = -1e19, .hi = 1e19});
    auto b = test::random_tensor(rng, type, {2, 300, 4}, {.lo = -1e19, .hi = 1e19});
    std::string ctx = "dot " + nx::to_string(type);
    test::compare_backends([](const auto& in) { return nx::dot(in[0], {2}, {0}, in[1], {1}, {0}); }, {a, b}, ctx);
    test::compare_backends([](const auto& in) { return nx::dot(in[0], {0, 2}, in[1], {0, 1}); }, {a, b}, ctx + " 2 axes");
    auto v = test::random_tensor(rng, type, {300}, {.lo = -1e19, .hi = 1e19});
    test::compare_backends([](const auto& in) { return nx::dot(in[0], in[1]); }, {a, v}, ctx + " vector");
  }
  // Mixed integer types promote first (u8 . s8 -> s16).
  auto u = test::random_tensor(rng, nx::u8, {5, 7}, {.lo = 0, .hi = 255});
  auto s = test::random_tensor(rng, nx::s8, {7, 3}, {.lo = -128, .hi = 127});
  test::compare_backends([](const auto& in) { return nx::dot(in[0], in[1]); }, {u, s}, "dot u8 s8");
}

test::Tolerance decomposition_tolerance(nx::Type t) {
  if (t == nx::f16) return {3e-2, 3e-2};
  if (t == nx::bf16) return {1e-1, 1e-1};
  if (t == nx::f64) return {1e-9, 1e-9};
  return {2e-3, 2e-3};
}

// Matrices with entries in [-4, 4] made well conditioned by a dominant
// diagonal of the input type.
nx::Tensor well_conditioned(test::Rng& rng, nx::Type type, const nx::Shape& shape) {
  auto m = test::random_tensor(rng, nx::f64, shape, {.lo = -4, .hi = 4});
  const std::int64_t n = shape.back();
  auto diag = nx::multiply(nx::eye(shape, {.type = nx::f64, .names = {}, .backend = nx::binary_backend()}),
                           4.0 * static_cast<double>(n) + 2);
  if (nx::is_unsigned(type)) m = nx::abs(m);
  return nx::as_type(nx::add(m, diag), type);
}

TEST(LinAlgCompare, TriangularSolve) {
  test::Rng rng(41);
  for (nx::Type type : test::emily_types())
    for (bool lower : {true, false})
      for (bool left : {true, false})
        for (auto tr : {nx::Transform::none, nx::Transform::transpose, nx::Transform::conjugate}) {
          auto a = well_conditioned(rng, type, {2, 4, 4});
          auto bm = test::random_tensor(rng, type, left ? nx::Shape{2, 4, 3} : nx::Shape{2, 3, 4});
          auto bv = test::random_tensor(rng, type, {2, 4});
          nx::TriangularSolveOptions o{lower, left, tr};
          std::string ctx = "triangular_solve " + nx::to_string(type);
          auto tol = decomposition_tolerance(nx::to_floating(type));
          // MLX has no complex triangular solve: c64 runs on the reference backend.
          const test::Path path = type == nx::c64 ? test::Path::fallback : test::Path::native;
          test::compare_backends([o](const auto& in) { return nx::linalg::triangular_solve(in[0], in[1], o); }, {a, bm},
                                 ctx, tol, path);
          test::compare_backends([o](const auto& in) { return nx::linalg::triangular_solve(in[0], in[1], o); }, {a, bv},
                                 ctx + " vector", tol, path);
        }
}

TEST(LinAlgCompare, SolveCholeskyDeterminantLu) {
  test::Rng rng(42);
  for (nx::Type type : test::emily_types()) {
    auto tol = decomposition_tolerance(nx::to_floating(type));
    std::string ctx = nx::to_string(type);
    for (std::int64_t n : {1, 2, 3, 5}) {
      auto a = well_conditioned(rng, type, {2, n, n});
      auto bv = test::random_tensor(rng, type, {2, n});
      auto bm = test::random_tensor(rng, type, {2, n, 2});
      // Complex solve, lu, cholesky and determinants beyond 3x3 run the
      // reference's own code on Emily (linalg_fallback_test.cpp): comparing
      // them here would compare the reference with itself.
      const bool native = !nx::is_complex(type);
      if (native || n <= 3)
        test::compare_backends([](const auto& in) { return nx::linalg::determinant(in[0]); }, {a}, "det " + ctx,
                               test::Tolerance{tol.rtol, tol.atol * 100});
      if (!native) continue;
      test::compare_backends([](const auto& in) { return nx::linalg::solve(in[0], in[1]); }, {a, bv}, "solve " + ctx, tol);
      test::compare_backends([](const auto& in) { return nx::linalg::solve(in[0], in[1]); }, {a, bm}, "solve " + ctx, tol);
      for (int part = 0; part < 3; ++part)
        test::compare_backends(
            [part](const auto& in) {
              auto r = nx::linalg::lu(in[0]);
              return part == 0 ? r.p : part == 1 ? r.l : r.u;
            },
            {a}, "lu " + ctx, tol);
      // Hermitian positive-definite: M M^H + n I.
      auto m = test::random_tensor(rng, nx::f64, {2, n, n},
                                   {.lo = nx::is_unsigned(type) ? 0.0 : -2.0, .hi = 2});
      auto spd = nx::add(mm_h(m, m), nx::multiply(nx::eye({2, n, n}, {.type = nx::f64, .names = {}, .backend = nx::binary_backend()}),
                                                  static_cast<double>(n)));
      if (nx::is_integer(type)) spd = nx::round(spd);
      test::compare_backends([](const auto& in) { return nx::linalg::cholesky(in[0]); }, {nx::as_type(spd, type)},
                             "cholesky " + ctx, tol);
    }
  }
}

TEST(LinAlgCompare, QrEighSvd) {
  test::Rng rng(43);
  for (nx::Type type : test::emily_types()) {
    auto tol = decomposition_tolerance(nx::to_floating(type));
    std::string ctx = nx::to_string(type);
    for (nx::Shape shape : {nx::Shape{3, 3}, nx::Shape{2, 5, 3}, nx::Shape{3, 5}, nx::Shape{1, 1}}) {
      auto a = test::random_tensor(rng, type, shape, {.lo = -6, .hi = 6, .nonzero = true});
      // Complex qr runs the reference's own code on Emily (linalg_fallback_test.cpp).
      for (auto mode : {nx::QrMode::reduced, nx::QrMode::complete}) {
        if (nx::is_complex(type)) break;
        auto run = [mode](const std::vector<nx::Tensor>& in, int part) {
          auto [q, r] = nx::linalg::qr(in[0], {.mode = mode});
          return part == 0 ? q : r;
        };
        // Signs follow Nx's conventions for generic matrices; small integer
        // matrices can make a reflection vanish by coincidence, where the
        // signs are implementation-defined. The extra columns of a complete
        // Q are an arbitrary basis.
        const bool extra_columns = mode == nx::QrMode::complete && shape[shape.size() - 2] > shape.back();
        if (!nx::is_integer(type)) {
          if (!extra_columns)
            test::compare_backends([&](const auto& in) { return run(in, 0); }, {a}, "qr q " + ctx, tol);
          test::compare_backends([&](const auto& in) { return run(in, 1); }, {a}, "qr r " + ctx, tol);
        }
        test::compare_backends([&](const auto& in) { return nx::abs(run(in, 1)); }, {a}, "qr |r| " + ctx, tol);
        test::compare_backends([&](const auto& in) { return mm(run(in, 0), run(in, 1)); }, {a}, "qr qr " + ctx, tol);
        test::compare_backends([&](const auto& in) { return mh_m(run(in, 0), run(in, 0)); }, {a}, "qr q^h q " + ctx, tol);
      }
      if (!nx::is_complex(type)) {
        for (int part = 0; part < 3; ++part)
          test::compare_backends(
              [part](const auto& in) {
                auto r = nx::linalg::svd(in[0], {.max_iter = 100, .full_matrices = false});
                return part == 0 ? r.u : part == 1 ? r.s : r.vt;
              },
              {a}, "svd " + ctx, tol);
        test::compare_backends(
            [](const auto& in) {
              auto r = nx::linalg::svd(in[0]);
              return nx::linalg::determinant(mh_m(r.u, r.u));
            },
            {a}, "svd full U orthogonal " + ctx, tol);
      }
    }
    // Hermitian matrices for eigh (lower triangle read).
    auto h = test::random_tensor(rng, type, {2, 4, 4}, {.lo = -6, .hi = 6});
    for (int part = 0; part < 2; ++part)
      test::compare_backends(
          [part](const auto& in) {
            auto [w, v] = nx::linalg::eigh(in[0]);
            return part == 0 ? w : v;
          },
          {h}, "eigh " + ctx, nx::is_integer(type) || nx::is_complex(type) ? test::Tolerance{5e-3, 5e-3} : tol);
  }
}

}  // namespace
