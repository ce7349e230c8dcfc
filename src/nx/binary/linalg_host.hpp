// Reference backend: shared pieces of the host decompositions (cholesky, lu,
// solve, determinant in linalg_host_lu.cpp; qr, eigh in
// linalg_host_qr_eigh.cpp; svd in linalg_host_svd.cpp).
//
// Each decomposition reads its input once, runs a careful algorithm in double
// (or complex double) precision per matrix and stores the result once:
//   cholesky     Cholesky-Banachiewicz on the lower triangle
//   qr           Householder reflections with Nx's conventions (a column whose
//                part below the diagonal is already ~0 is left alone, so an
//                upper-triangular input gives Q = I and R = A; otherwise the
//                reflection maps the column to +norm)
//   eigh         cyclic Jacobi on the Hermitian matrix given by the lower
//                triangle, eigenvalues by descending absolute value
//   svd          one-sided Jacobi, singular values descending
//   lu           Doolittle with partial pivoting (first maximum on ties)
//   determinant  closed forms up to 3x3, LU beyond
//   solve        LU with partial pivoting and two substitutions
// Sign conventions shared with the Emily backend: every eigenvector (column)
// and every row of Vt has its first largest-magnitude component real and
// positive. Where the reference Nx raises on data, these raise
// nx::ArgumentError: cholesky of a matrix that is not positive-definite,
// solve of a singular matrix.
#pragma once

#include <algorithm>
#include <cmath>
#include <utility>

#include "binary_backend.hpp"

namespace nx::host::linalg {

template <class T>
constexpr bool is_cplx = std::is_same_v<T, cdouble>;

template <class T>
T conj_(T v) {
  if constexpr (is_cplx<T>) return std::conj(v);
  else return v;
}
template <class T>
double real_(T v) {
  if constexpr (is_cplx<T>) return v.real();
  else return v;
}
template <class T>
double abs2(T v) {
  if constexpr (is_cplx<T>) return std::norm(v);
  else return v * v;
}

inline std::size_t idx(std::int64_t i) { return static_cast<std::size_t>(i); }

// Components within eps of zero become exactly zero (each part separately).
template <class T>
void snap(std::vector<T>& v, double eps) {
  for (auto& x : v) {
    if constexpr (is_cplx<T>) {
      x = {std::abs(x.real()) <= eps ? 0.0 : x.real(), std::abs(x.imag()) <= eps ? 0.0 : x.imag()};
    } else {
      if (std::abs(x) <= eps) x = 0.0;
    }
  }
}

// The unit factor that makes the first component within 0.1% of the largest
// magnitude real and positive (the shared sign convention).
template <class T>
T sign_fix(const std::vector<T>& v) {
  double mx = 0;
  for (const auto& x : v) mx = std::max(mx, std::abs(x));
  for (const auto& x : v)
    if (std::abs(x) >= mx * (1 - 1e-3)) {
      if (std::abs(x) == 0) return T(1);
      if constexpr (is_cplx<T>) return std::conj(x) / std::abs(x);
      else return x < 0 ? -1.0 : 1.0;
    }
  return T(1);
}

// Real rotation (c, s) zeroing the (p, q) entry of a symmetric 2x2 problem
// with diagonal app, aqq and off-diagonal b (also one-sided Jacobi with
// app = |col p|^2, aqq = |col q|^2, b = <col p, col q>).
inline std::pair<double, double> jacobi_rotation(double app, double aqq, double b) {
  const double theta = (aqq - app) / (2 * b);
  double t;
  if (std::abs(theta) > 1e150) t = 1 / (2 * theta);
  else t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
  const double c = 1 / std::sqrt(t * t + 1);
  return {c, t * c};
}

// Runs `body(tag)` with double for real output types and complex double for
// complex ones (decomposition outputs are always floating).
template <class F>
decltype(auto) with_field(Type t, F&& body) {
  if (is_complex(t)) return body(cdouble{});
  return body(double{});
}

// Number of matrices in a batch of matrices.
inline std::int64_t matrices(const Tensor& a) { return a.size() / (a.dim(a.rank() - 1) * a.dim(a.rank() - 2)); }

}  // namespace nx::host::linalg
