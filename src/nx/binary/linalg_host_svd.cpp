// Reference backend: svd (one-sided Jacobi) on the host; algorithms and
// conventions in linalg_host.hpp.
#include <numeric>

#include "linalg_host.hpp"

namespace nx {

using namespace host::linalg;

namespace {

// Completes the orthonormal columns `cols` (each of length `len`) with
// standard basis vectors orthogonalised against them, up to `want` columns.
void complete_basis(std::vector<std::vector<double>>& cols, std::int64_t len, std::int64_t want) {
  for (std::int64_t e = 0; e < len && static_cast<std::int64_t>(cols.size()) < want; ++e) {
    std::vector<double> x(idx(len), 0.0);
    x[idx(e)] = 1;
    for (int pass = 0; pass < 2; ++pass)
      for (const auto& c : cols) {
        double d = 0;
        for (std::int64_t i = 0; i < len; ++i) d += c[idx(i)] * x[idx(i)];
        for (std::int64_t i = 0; i < len; ++i) x[idx(i)] -= d * c[idx(i)];
      }
    double nrm = 0;
    for (double xi : x) nrm += xi * xi;
    nrm = std::sqrt(nrm);
    if (nrm < 1e-6) continue;
    for (double& xi : x) xi /= nrm;
    cols.push_back(std::move(x));
  }
}

void svd_one(const double* a, std::int64_t m, std::int64_t n, bool full, int max_sweeps, double* u_out,
             double* s_out, double* vt_out) {
  // Work on the tall orientation: W = A (m >= n) or A^T, R x C with R >= C.
  const bool tall = m >= n;
  const std::int64_t R = tall ? m : n, C = tall ? n : m;
  std::vector<std::vector<double>> w(idx(C), std::vector<double>(idx(R))), v(idx(C), std::vector<double>(idx(C), 0.0));
  for (std::int64_t j = 0; j < C; ++j) {
    for (std::int64_t i = 0; i < R; ++i) w[idx(j)][idx(i)] = tall ? a[i * n + j] : a[j * n + i];
    v[idx(j)][idx(j)] = 1;
  }
  for (int sweep = 0; sweep < max_sweeps; ++sweep) {
    bool rotated = false;
    for (std::int64_t p = 0; p < C; ++p)
      for (std::int64_t q = p + 1; q < C; ++q) {
        double alpha = 0, beta = 0, gamma = 0;
        for (std::int64_t i = 0; i < R; ++i) {
          alpha += w[idx(p)][idx(i)] * w[idx(p)][idx(i)];
          beta += w[idx(q)][idx(i)] * w[idx(q)][idx(i)];
          gamma += w[idx(p)][idx(i)] * w[idx(q)][idx(i)];
        }
        if (gamma == 0 || std::abs(gamma) <= 1e-15 * std::sqrt(alpha * beta)) continue;
        rotated = true;
        auto [c, s] = jacobi_rotation(alpha, beta, gamma);
        for (auto* mat : {&w, &v}) {
          auto& cp = (*mat)[idx(p)];
          auto& cq = (*mat)[idx(q)];
          for (std::size_t i = 0; i < cp.size(); ++i) {
            const double x = cp[i], y = cq[i];
            cp[i] = c * x - s * y;
            cq[i] = s * x + c * y;
          }
        }
      }
    if (!rotated) break;
  }
  std::vector<double> sigma(idx(C));
  for (std::int64_t j = 0; j < C; ++j) {
    double s = 0;
    for (double x : w[idx(j)]) s += x * x;
    sigma[idx(j)] = std::sqrt(s);
  }
  std::vector<std::int64_t> order(idx(C));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto x, auto y) { return sigma[idx(x)] > sigma[idx(y)]; });
  // Left vectors of the work matrix (length R) and right vectors (length C), sorted.
  std::vector<std::vector<double>> left, right;
  const double tiny = (sigma.empty() ? 0.0 : sigma[idx(order[0])]) * 1e-13;
  std::vector<bool> defined;
  for (std::int64_t j = 0; j < C; ++j) {
    const std::int64_t src = order[idx(j)];
    s_out[j] = sigma[idx(src)];
    right.push_back(v[idx(src)]);
    std::vector<double> col = w[idx(src)];
    const bool ok = sigma[idx(src)] > tiny && sigma[idx(src)] > 0;
    if (ok)
      for (double& x : col) x /= sigma[idx(src)];
    left.push_back(std::move(col));
    defined.push_back(ok);
  }
  // Columns for zero singular values, and the full-matrix extension, come
  // from completing the basis.
  std::vector<std::vector<double>> basis;
  for (std::int64_t j = 0; j < C; ++j)
    if (defined[idx(j)]) basis.push_back(left[idx(j)]);
  const std::int64_t want = full ? R : C;
  std::vector<std::vector<double>> extra = basis;
  complete_basis(extra, R, want);
  std::size_t next = basis.size();
  for (std::int64_t j = 0; j < C; ++j)
    if (!defined[idx(j)]) left[idx(j)] = extra[next++];
  while (static_cast<std::int64_t>(left.size()) < want) left.push_back(extra[next++]);
  // In A's orientation: tall: U = left, V = right; wide: U = right, V = left.
  auto& U = tall ? left : right;
  auto& V = tall ? right : left;
  const std::int64_t k = C;
  // Sign convention: row i < k of Vt has its first largest component positive.
  for (std::int64_t i = 0; i < k; ++i) {
    const double f = sign_fix(V[idx(i)]);
    for (double& x : V[idx(i)]) x *= f;
    for (double& x : U[idx(i)]) x *= f;
  }
  const std::int64_t ucols = full ? m : k, vrows = full ? n : k;
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < ucols; ++j) u_out[i * ucols + j] = U[idx(j)][idx(i)];
  for (std::int64_t i = 0; i < vrows; ++i)
    for (std::int64_t j = 0; j < n; ++j) vt_out[i * n + j] = V[idx(i)][idx(j)];
}

}  // namespace

std::vector<Tensor> BinaryBackend::svd(const std::vector<Spec>& out, const Tensor& a, const SvdOptions& opts) {
  auto v = host::read<double>(a);
  const std::int64_t m = a.dim(a.rank() - 2), n = a.dim(a.rank() - 1), k = std::min(m, n);
  const std::int64_t count = matrices(a);
  const std::int64_t usize = out[0].size() / count, vsize = out[2].size() / count;
  std::vector<double> u(idx(out[0].size())), s(idx(out[1].size())), vt(idx(out[2].size()));
  for (std::int64_t b = 0; b < count; ++b)
    svd_one(v.data() + b * m * n, m, n, opts.full_matrices, std::max(opts.max_iter, 1), u.data() + b * usize,
            s.data() + b * k, vt.data() + b * vsize);
  return {host::write(out[0], u), host::write(out[1], s), host::write(out[2], vt)};
}

}  // namespace nx
