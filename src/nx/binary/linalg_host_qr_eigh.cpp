// Reference backend: qr (Householder) and eigh (cyclic Jacobi) on the host;
// algorithms and conventions in linalg_host.hpp.
#include <numeric>

#include "linalg_host.hpp"

namespace nx {

using namespace host::linalg;

namespace {

template <class T>
void qr_one(const T* a, std::int64_t m, std::int64_t n, bool complete, double eps, T* q_out, T* r_out) {
  // Wide matrices are padded with zero rows to n x n first.
  const std::int64_t rows = std::max(m, n);
  std::vector<T> r(idx(rows * n), T(0)), q(idx(rows * rows), T(0));
  std::copy(a, a + m * n, r.begin());
  for (std::int64_t i = 0; i < rows; ++i) q[idx(i * rows + i)] = T(1);
  const std::int64_t steps = std::min(rows - 1, n);
  std::vector<T> v(idx(rows));
  for (std::int64_t i = 0; i < steps; ++i) {
    double sub = 0;
    for (std::int64_t k = i + 1; k < rows; ++k) sub += abs2(r[idx(k * n + i)]);
    if (sub < eps) continue;  // already triangular in this column: H = I
    const T x0 = r[idx(i * n + i)];
    const double norm = std::sqrt(abs2(x0) + sub);
    double scale;
    std::fill(v.begin(), v.end(), T(0));
    for (std::int64_t k = i; k < rows; ++k) v[idx(k)] = r[idx(k * n + i)];
    if constexpr (is_cplx<T>) {
      // H x = -e^{i arg x0} |x| e_i with v = x + e^{i arg x0} |x| e_i.
      const T alpha = std::abs(x0) == 0 ? T(1) : x0 / std::abs(x0);
      v[idx(i)] += alpha * norm;
      double vv = 0;
      for (std::int64_t k = i; k < rows; ++k) vv += abs2(v[idx(k)]);
      scale = 2 / vv;
    } else {
      // H x = +|x| e_i: v = x - |x| e_i, computed without cancellation.
      const double v0 = x0 <= 0 ? x0 - norm : -sub / (x0 + norm);
      v[idx(i)] = v0;
      for (std::int64_t k = i; k < rows; ++k) v[idx(k)] /= v0;
      double vv = 0;
      for (std::int64_t k = i; k < rows; ++k) vv += abs2(v[idx(k)]);
      scale = 2 / vv;
    }
    // R <- H R, Q <- Q H with H = I - scale v v^H.
    for (std::int64_t j = 0; j < n; ++j) {
      T w(0);
      for (std::int64_t k = i; k < rows; ++k) w += conj_(v[idx(k)]) * r[idx(k * n + j)];
      for (std::int64_t k = i; k < rows; ++k) r[idx(k * n + j)] -= scale * v[idx(k)] * w;
    }
    for (std::int64_t row = 0; row < rows; ++row) {
      T z(0);
      for (std::int64_t k = i; k < rows; ++k) z += q[idx(row * rows + k)] * v[idx(k)];
      for (std::int64_t k = i; k < rows; ++k) q[idx(row * rows + k)] -= scale * z * conj_(v[idx(k)]);
    }
  }
  snap(q, eps);
  snap(r, eps);
  const std::int64_t k = std::min(m, n);
  const std::int64_t qc = complete ? m : k, rr = complete ? m : k;
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < qc; ++j) q_out[i * qc + j] = q[idx(i * rows + j)];
  for (std::int64_t i = 0; i < rr; ++i)
    for (std::int64_t j = 0; j < n; ++j) r_out[i * n + j] = r[idx(i * n + j)];
}

template <class T>
void eigh_one(const T* in, std::int64_t n, int max_sweeps, T* w_out, T* v_out) {
  // The Hermitian matrix defined by the lower triangle.
  std::vector<T> a(idx(n * n)), v(idx(n * n), T(0));
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t j = 0; j < i; ++j) {
      a[idx(i * n + j)] = in[i * n + j];
      a[idx(j * n + i)] = conj_(in[i * n + j]);
    }
    a[idx(i * n + i)] = T(real_(in[i * n + i]));
    v[idx(i * n + i)] = T(1);
  }
  for (int sweep = 0; sweep < max_sweeps; ++sweep) {
    double off = 0, total = 0;
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j < n; ++j) {
        total += abs2(a[idx(i * n + j)]);
        if (i != j) off += abs2(a[idx(i * n + j)]);
      }
    if (off <= 1e-32 * total || off == 0) break;
    for (std::int64_t p = 0; p < n; ++p)
      for (std::int64_t q = p + 1; q < n; ++q) {
        T apq = a[idx(p * n + q)];
        const double mag = std::abs(apq);
        if (mag == 0) continue;
        if constexpr (is_cplx<T>) {
          // Make a[p][q] real: column q times conj(e), row q times e.
          const T e = apq / mag;
          for (std::int64_t k = 0; k < n; ++k) {
            a[idx(k * n + q)] *= std::conj(e);
            v[idx(k * n + q)] *= std::conj(e);
          }
          for (std::int64_t k = 0; k < n; ++k) a[idx(q * n + k)] *= e;
          apq = T(mag);
        }
        auto [c, s] = jacobi_rotation(real_(a[idx(p * n + p)]), real_(a[idx(q * n + q)]), real_(apq));
        for (std::int64_t k = 0; k < n; ++k) {
          const T kp = a[idx(k * n + p)], kq = a[idx(k * n + q)];
          a[idx(k * n + p)] = c * kp - s * kq;
          a[idx(k * n + q)] = s * kp + c * kq;
          const T vp = v[idx(k * n + p)], vq = v[idx(k * n + q)];
          v[idx(k * n + p)] = c * vp - s * vq;
          v[idx(k * n + q)] = s * vp + c * vq;
        }
        for (std::int64_t k = 0; k < n; ++k) {
          const T pk = a[idx(p * n + k)], qk = a[idx(q * n + k)];
          a[idx(p * n + k)] = c * pk - s * qk;
          a[idx(q * n + k)] = s * pk + c * qk;
        }
        a[idx(p * n + q)] = a[idx(q * n + p)] = T(0);
        a[idx(p * n + p)] = T(real_(a[idx(p * n + p)]));
        a[idx(q * n + q)] = T(real_(a[idx(q * n + q)]));
      }
  }
  // Ascending eigenvalues, then a stable sort by descending magnitude.
  std::vector<std::int64_t> order(idx(n));
  std::iota(order.begin(), order.end(), 0);
  auto w = [&](std::int64_t i) { return real_(a[idx(i * n + i)]); };
  std::stable_sort(order.begin(), order.end(), [&](auto x, auto y) { return w(x) < w(y); });
  std::stable_sort(order.begin(), order.end(), [&](auto x, auto y) { return std::abs(w(x)) > std::abs(w(y)); });
  for (std::int64_t j = 0; j < n; ++j) {
    const std::int64_t src = order[idx(j)];
    w_out[j] = T(w(src));
    std::vector<T> col(idx(n));
    for (std::int64_t i = 0; i < n; ++i) col[idx(i)] = v[idx(i * n + src)];
    const T f = sign_fix(col);
    for (std::int64_t i = 0; i < n; ++i) v_out[i * n + j] = col[idx(i)] * f;
  }
}

}  // namespace

std::vector<Tensor> BinaryBackend::qr(const std::vector<Spec>& out, const Tensor& a, const QrOptions& opts) {
  return with_field(out[0].type, [&](auto tag) {
    using T = decltype(tag);
    auto v = host::read<T>(a);
    const std::int64_t m = a.dim(a.rank() - 2), n = a.dim(a.rank() - 1);
    const std::int64_t count = matrices(a);
    const std::int64_t qsize = out[0].size() / count, rsize = out[1].size() / count;
    std::vector<T> q(idx(out[0].size())), r(idx(out[1].size()));
    for (std::int64_t b = 0; b < count; ++b)
      qr_one(v.data() + b * m * n, m, n, opts.mode == QrMode::complete, opts.eps, q.data() + b * qsize,
             r.data() + b * rsize);
    return std::vector<Tensor>{host::write(out[0], q), host::write(out[1], r)};
  });
}

std::vector<Tensor> BinaryBackend::eigh(const std::vector<Spec>& out, const Tensor& a, const EighOptions& opts) {
  return with_field(out[0].type, [&](auto tag) {
    using T = decltype(tag);
    auto v = host::read<T>(a);
    const std::int64_t n = a.dim(a.rank() - 1);
    std::vector<T> w(idx(out[0].size())), vec(idx(out[1].size()));
    for (std::int64_t b = 0; b < matrices(a); ++b)
      eigh_one(v.data() + b * n * n, n, std::max(opts.max_iter, 1), w.data() + b * n, vec.data() + b * n * n);
    return std::vector<Tensor>{host::write(out[0], w), host::write(out[1], vec)};
  });
}

}  // namespace nx
