// Dot products, FFT and linear algebra (Nx and Nx.LinAlg).
#pragma once

#include "nx/options.hpp"

namespace nx {

// Nx.dot/2: vector/matrix products by rank.
Tensor dot(const Tensor& a, const Tensor& b);
Tensor dot(const Tensor& a, const Axes& contract_a, const Tensor& b, const Axes& contract_b);
Tensor dot(const Tensor& a, const Axes& contract_a, const Axes& batch_a, const Tensor& b,
           const Axes& contract_b, const Axes& batch_b);
Tensor outer(const Tensor& a, const Tensor& b);

struct FftFrontOptions {
  std::optional<std::int64_t> length;  // default: the axis size
  bool power_of_two = false;           // Nx's length: :power_of_two
  Axis axis = -1;
  double eps = 1.0e-10;
};
Tensor fft(const Tensor& t, const FftFrontOptions& opts = {});
Tensor ifft(const Tensor& t, const FftFrontOptions& opts = {});
Tensor rfft(const Tensor& t, const FftFrontOptions& opts = {});
Tensor irfft(const Tensor& t, const FftFrontOptions& opts = {});
// An fft2/ifft2 length meaning Nx's :power_of_two: the axis size rounded up
// to the next power of two (lengths: {nx::power_of_two_length, 4}).
inline constexpr std::int64_t power_of_two_length = -1;
struct Fft2FrontOptions {
  std::vector<std::int64_t> lengths;  // default: the axes' sizes
  Axes axes;                           // default: the last two
  double eps = 1.0e-10;
};
Tensor fft2(const Tensor& t, const Fft2FrontOptions& opts = {});
Tensor ifft2(const Tensor& t, const Fft2FrontOptions& opts = {});

namespace linalg {
Tensor triangular_solve(const Tensor& a, const Tensor& b, const TriangularSolveOptions& opts = {});
Tensor cholesky(const Tensor& a);
Tensor solve(const Tensor& a, const Tensor& b);
std::pair<Tensor, Tensor> qr(const Tensor& a, const QrOptions& opts = {});
std::pair<Tensor, Tensor> eigh(const Tensor& a, const EighOptions& opts = {});
struct SvdResult {
  Tensor u, s, vt;
};
SvdResult svd(const Tensor& a, const SvdOptions& opts = {});
struct LuResult {
  Tensor p, l, u;
};
LuResult lu(const Tensor& a);
Tensor determinant(const Tensor& a);
Tensor invert(const Tensor& a);
Tensor pinv(const Tensor& a, double eps = 1.0e-10);
Tensor matrix_power(const Tensor& a, std::int64_t n);
Tensor adjoint(const Tensor& a);
enum class NormOrd { default_, frobenius, nuclear, inf, neg_inf, p };
struct NormOptions {
  NormOrd ord = NormOrd::default_;
  double p = 2;  // used with NormOrd::p
  OptionalAxes axes;
  bool keep_axes = false;
};
Tensor norm(const Tensor& t, const NormOptions& opts = {});
// Nx.LinAlg.least_squares: x minimising |a x - b| for a matrix a {m, n} and a
// vector b {m}, as pinv(a, eps) . b.
struct LeastSquaresOptions {
  double eps = 1.0e-15;
};
Tensor least_squares(const Tensor& a, const Tensor& b, const LeastSquaresOptions& opts = {});
// Nx.LinAlg.matrix_rank: the number of singular values of a matrix above
// eps * max(M, N) * its largest singular value (u32, as Nx's sum of booleans).
struct MatrixRankOptions {
  double eps = 1.0e-7;
};
Tensor matrix_rank(const Tensor& a, const MatrixRankOptions& opts = {});
}  // namespace linalg

}  // namespace nx
