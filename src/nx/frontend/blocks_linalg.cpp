// Default compositions of the FFT and linear algebra blocks (Nx.Block.*).
//
// fft2/ifft2/rfft/irfft compose the fft/ifft callbacks. The decompositions
// read their input once (to_binary), run a careful host algorithm in double
// (or complex double) precision per matrix, and build the results with the
// calling backend's from_binary:
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
#include <algorithm>
#include <cmath>
#include <complex>
#include <numeric>

#include "../element.hpp"
#include "common.hpp"

namespace nx {

namespace {

using cd = std::complex<double>;

template <class T>
constexpr bool is_cplx = std::is_same_v<T, cd>;

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

template <class T>
std::vector<T> host_values(const Tensor& t) {
  auto packed = t.backend()->to_binary(t, t.size());
  auto bytes = element::unpack(t.type(), packed, t.size());
  return element::load<T>(t.type(), bytes.data(), t.size());
}

template <class T>
Tensor host_tensor(Backend& backend, const Spec& spec, const std::vector<T>& values) {
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(spec.size() * element_bytes(spec.type)));
  element::store(spec.type, values.data(), spec.size(), bytes.data());
  return backend.from_binary(spec, element::pack(spec.type, bytes.data(), spec.size()));
}

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

std::size_t idx(std::int64_t i) { return static_cast<std::size_t>(i); }

// Index of the first component within 0.1% of the largest magnitude: the
// component made real and positive by the sign normalisation.
template <class T>
std::int64_t pivot_component(const std::vector<T>& v) {
  double mx = 0;
  for (const auto& x : v) mx = std::max(mx, std::abs(x));
  for (std::size_t i = 0; i < v.size(); ++i)
    if (std::abs(v[i]) >= mx * (1 - 1e-3)) return static_cast<std::int64_t>(i);
  return 0;
}

// The unit factor that makes v[pivot_component(v)] real and positive.
template <class T>
T sign_fix(const std::vector<T>& v) {
  if (v.empty()) return T(1);
  T p = v[idx(pivot_component(v))];
  if (std::abs(p) == 0) return T(1);
  if constexpr (is_cplx<T>) return std::conj(p) / std::abs(p);
  else return p < 0 ? -1.0 : 1.0;
}

// Runs `body(kind_tag)` with double for real types and cd for complex ones.
template <class F>
decltype(auto) with_field(Type t, F&& body) {
  if (is_complex(t)) return body(cd{});
  return body(double{});
}

// ---------------------------------------------------------------- Cholesky

template <class T>
std::vector<T> cholesky_one(const T* a, std::int64_t n) {
  std::vector<T> l(idx(n * n), T(0));
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j <= i; ++j) {
      T s = a[i * n + j];
      for (std::int64_t k = 0; k < j; ++k) s -= l[idx(i * n + k)] * conj_(l[idx(j * n + k)]);
      if (i == j) {
        const double d = real_(s);
        if (!(d > 0)) raise("cholesky", "the matrix is not positive-definite");
        l[idx(i * n + i)] = T(std::sqrt(d));
      } else {
        l[idx(i * n + j)] = s / l[idx(j * n + j)];
      }
    }
  snap(l, 1e-10);
  return l;
}

// ---------------------------------------------------------------- LU

template <class T>
struct LuFactors {
  std::vector<T> lu;                 // unit L below the diagonal, U on and above
  std::vector<std::int64_t> perm;    // (L U) row i = A row perm[i]
  int swaps = 0;
  bool singular = false;             // an exactly zero pivot
};

template <class T>
LuFactors<T> lu_factor(const T* a, std::int64_t n) {
  LuFactors<T> f;
  f.lu.assign(a, a + n * n);
  f.perm.resize(idx(n));
  std::iota(f.perm.begin(), f.perm.end(), 0);
  auto& m = f.lu;
  for (std::int64_t k = 0; k < n; ++k) {
    std::int64_t p = k;
    double best = std::abs(m[idx(k * n + k)]);
    for (std::int64_t i = k + 1; i < n; ++i)
      if (std::abs(m[idx(i * n + k)]) > best) {
        best = std::abs(m[idx(i * n + k)]);
        p = i;
      }
    if (p != k) {
      for (std::int64_t j = 0; j < n; ++j) std::swap(m[idx(k * n + j)], m[idx(p * n + j)]);
      std::swap(f.perm[idx(k)], f.perm[idx(p)]);
      ++f.swaps;
    }
    const T pivot = m[idx(k * n + k)];
    if (pivot == T(0)) {
      f.singular = true;
      continue;  // the whole column below is zero too: multipliers stay 0
    }
    for (std::int64_t i = k + 1; i < n; ++i) {
      const T factor = m[idx(i * n + k)] / pivot;
      m[idx(i * n + k)] = factor;
      for (std::int64_t j = k + 1; j < n; ++j) m[idx(i * n + j)] -= factor * m[idx(k * n + j)];
    }
  }
  return f;
}

// ---------------------------------------------------------------- QR

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

// ---------------------------------------------------------------- eigh

// Real rotation (c, s) zeroing the (p, q) entry of a symmetric 2x2 problem
// with diagonal app, aqq and off-diagonal b (also one-sided Jacobi with
// app = |col p|^2, aqq = |col q|^2, b = <col p, col q>).
std::pair<double, double> jacobi_rotation(double app, double aqq, double b) {
  const double theta = (aqq - app) / (2 * b);
  double t;
  if (std::abs(theta) > 1e150) t = 1 / (2 * theta);
  else t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
  const double c = 1 / std::sqrt(t * t + 1);
  return {c, t * c};
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

// ---------------------------------------------------------------- SVD

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

std::int64_t matrices(const Tensor& a) { return a.size() / (a.dim(a.rank() - 1) * a.dim(a.rank() - 2)); }

}  // namespace

// ---------------------------------------------------------------- FFT blocks

namespace {

// fft2/ifft2 default: the 1-D transform on axes[1], then on axes[0].
using Transform1d = Tensor (Backend::*)(const Spec&, const Tensor&, const FftOptions&);
Tensor two_transforms(Backend& b, Transform1d f, const Spec& out, const Tensor& t, const Fft2Options& opts) {
  Shape mid = t.shape();
  mid[idx(opts.axes[1])] = opts.lengths[1];
  Tensor inner = (b.*f)(Spec{mid, out.type, out.names}, t, FftOptions{opts.lengths[1], opts.axes[1], opts.eps});
  return (b.*f)(out, inner, FftOptions{opts.lengths[0], opts.axes[0], opts.eps});
}

}  // namespace

Tensor Backend::fft2(const Spec& out, const Tensor& t, const Fft2Options& opts) {
  detail::note_composed("fft2");
  return two_transforms(*this, &Backend::fft, out, t, opts);
}

Tensor Backend::ifft2(const Spec& out, const Tensor& t, const Fft2Options& opts) {
  detail::note_composed("ifft2");
  return two_transforms(*this, &Backend::ifft, out, t, opts);
}

Tensor Backend::rfft(const Spec& out, const Tensor& t, const FftOptions& opts) {
  detail::note_composed("rfft");
  Shape full = t.shape();
  full[idx(opts.axis)] = opts.length;
  Tensor spectrum = fft(Spec{full, out.type, out.names}, t, opts);
  if (full == out.shape) return spectrum;
  // Keep the first floor(n/2) + 1 bins.
  std::vector<std::int64_t> starts(full.size(), 0), strides(full.size(), 1);
  return slice(out, spectrum, StartIndices{starts, {}}, out.shape, strides);
}

Tensor Backend::irfft(const Spec& out, const Tensor& t, const FftOptions& opts) {
  detail::note_composed("irfft");
  // With m' = floor(n/2) + 1 kept bins, Nx extends the spectrum with the
  // conjugated mirror of bins 1 .. n - m'. The real part of the inverse
  // transform of that Hermitian spectrum equals the real part of the inverse
  // transform of the kept bins with the mirrored ones counted twice: weights
  // 1 (bin 0), 2 (bins 1 .. n - m'), 1 (bin n/2 for even n), 0 (bins >= m').
  const std::int64_t n = opts.length, m = t.dim(opts.axis), kept = n / 2 + 1;
  std::vector<double> weights(idx(m), 0.0);
  for (std::int64_t k = 0; k < std::min(m, kept); ++k) weights[idx(k)] = (k == 0 || k > n - kept) ? 1.0 : 2.0;
  Shape wshape(t.shape().size(), 1);
  wshape[idx(opts.axis)] = m;
  const Type wtype = to_real(t.type());
  Tensor w = host_tensor(*this, Spec{wshape, wtype, {}}, weights);
  Spec weighted{t.shape(), merge(t.type(), wtype), t.names()};
  Tensor y = multiply(weighted, t, w);
  if (m > kept) {
    // Bins past the kept ones are dropped, not multiplied by 0 (Inf * 0 = NaN).
    std::vector<double> keep(idx(m), 0.0);
    for (std::int64_t k = 0; k < kept; ++k) keep[idx(k)] = 1.0;
    AxisIndices all;
    for (int d = 0; d < t.rank(); ++d) all.push_back(d);
    Tensor mask = broadcast(Spec{t.shape(), u8, {}}, host_tensor(*this, Spec{wshape, u8, {}}, keep), t.shape(), all);
    y = select(weighted, mask, y, constant(Spec{{}, weighted.type, {}}, 0));
  }
  Shape shape = t.shape();
  shape[idx(opts.axis)] = n;
  const Type ctype = to_complex(weighted.type);
  Tensor z = ifft(Spec{shape, ctype, out.names}, y, FftOptions{n, opts.axis, opts.eps});
  if (to_real(ctype) == out.type) return real(out, z);
  Tensor r = real(Spec{shape, to_real(ctype), out.names}, z);
  return as_type(out, r);
}

// ---------------------------------------------------------------- decompositions

Tensor Backend::cholesky(const Spec& out, const Tensor& a) {
  detail::note_composed("cholesky");
  return with_field(out.type, [&](auto tag) {
    using T = decltype(tag);
    auto v = host_values<T>(a);
    const std::int64_t n = a.dim(a.rank() - 1);
    std::vector<T> r(v.size());
    for (std::int64_t b = 0; b < matrices(a); ++b) {
      auto l = cholesky_one(v.data() + b * n * n, n);
      std::copy(l.begin(), l.end(), r.begin() + b * n * n);
    }
    return host_tensor(*this, out, r);
  });
}

Tensor Backend::solve(const Spec& out, const Tensor& a, const Tensor& b) {
  detail::note_composed("solve");
  return with_field(out.type, [&](auto tag) {
    using T = decltype(tag);
    auto va = host_values<T>(a);
    auto vb = host_values<T>(b);
    const std::int64_t n = a.dim(a.rank() - 1);
    const std::int64_t cols = b.rank() == a.rank() ? b.dim(b.rank() - 1) : 1;
    std::vector<T> x(vb.size());
    for (std::int64_t m = 0; m < matrices(a); ++m) {
      auto f = lu_factor(va.data() + m * n * n, n);
      if (f.singular) raise("solve", "can't solve for singular matrix");
      const T* rhs = vb.data() + m * n * cols;
      T* res = x.data() + m * n * cols;
      for (std::int64_t c = 0; c < cols; ++c) {
        std::vector<T> y(idx(n));
        for (std::int64_t i = 0; i < n; ++i) {  // L y = P^T b
          T s = rhs[f.perm[idx(i)] * cols + c];
          for (std::int64_t j = 0; j < i; ++j) s -= f.lu[idx(i * n + j)] * y[idx(j)];
          y[idx(i)] = s;
        }
        for (std::int64_t i = n - 1; i >= 0; --i) {  // U x = y
          T s = y[idx(i)];
          for (std::int64_t j = i + 1; j < n; ++j) s -= f.lu[idx(i * n + j)] * res[j * cols + c];
          res[i * cols + c] = s / f.lu[idx(i * n + i)];
        }
      }
    }
    return host_tensor(*this, out, x);
  });
}

std::vector<Tensor> Backend::qr(const std::vector<Spec>& out, const Tensor& a, const QrOptions& opts) {
  detail::note_composed("qr");
  return with_field(out[0].type, [&](auto tag) {
    using T = decltype(tag);
    auto v = host_values<T>(a);
    const std::int64_t m = a.dim(a.rank() - 2), n = a.dim(a.rank() - 1);
    const std::int64_t count = matrices(a);
    const std::int64_t qsize = out[0].size() / count, rsize = out[1].size() / count;
    std::vector<T> q(idx(out[0].size())), r(idx(out[1].size()));
    for (std::int64_t b = 0; b < count; ++b)
      qr_one(v.data() + b * m * n, m, n, opts.mode == QrMode::complete, opts.eps, q.data() + b * qsize,
             r.data() + b * rsize);
    return std::vector<Tensor>{host_tensor(*this, out[0], q), host_tensor(*this, out[1], r)};
  });
}

std::vector<Tensor> Backend::eigh(const std::vector<Spec>& out, const Tensor& a, const EighOptions& opts) {
  detail::note_composed("eigh");
  return with_field(out[0].type, [&](auto tag) {
    using T = decltype(tag);
    auto v = host_values<T>(a);
    const std::int64_t n = a.dim(a.rank() - 1);
    std::vector<T> w(idx(out[0].size())), vec(idx(out[1].size()));
    for (std::int64_t b = 0; b < matrices(a); ++b)
      eigh_one(v.data() + b * n * n, n, std::max(opts.max_iter, 1), w.data() + b * n, vec.data() + b * n * n);
    return std::vector<Tensor>{host_tensor(*this, out[0], w), host_tensor(*this, out[1], vec)};
  });
}

std::vector<Tensor> Backend::svd(const std::vector<Spec>& out, const Tensor& a, const SvdOptions& opts) {
  detail::note_composed("svd");
  auto v = host_values<double>(a);
  const std::int64_t m = a.dim(a.rank() - 2), n = a.dim(a.rank() - 1), k = std::min(m, n);
  const std::int64_t count = matrices(a);
  const std::int64_t usize = out[0].size() / count, vsize = out[2].size() / count;
  std::vector<double> u(idx(out[0].size())), s(idx(out[1].size())), vt(idx(out[2].size()));
  for (std::int64_t b = 0; b < count; ++b)
    svd_one(v.data() + b * m * n, m, n, opts.full_matrices, std::max(opts.max_iter, 1), u.data() + b * usize,
            s.data() + b * k, vt.data() + b * vsize);
  return {host_tensor(*this, out[0], u), host_tensor(*this, out[1], s), host_tensor(*this, out[2], vt)};
}

std::vector<Tensor> Backend::lu(const std::vector<Spec>& out, const Tensor& a) {
  detail::note_composed("lu");
  return with_field(out[1].type, [&](auto tag) {
    using T = decltype(tag);
    auto v = host_values<T>(a);
    const std::int64_t n = a.dim(a.rank() - 1);
    std::vector<double> p(v.size(), 0.0);
    std::vector<T> l(v.size(), T(0)), u(v.size(), T(0));
    for (std::int64_t b = 0; b < matrices(a); ++b) {
      auto f = lu_factor(v.data() + b * n * n, n);
      const std::int64_t off = b * n * n;
      for (std::int64_t i = 0; i < n; ++i) {
        p[idx(off + f.perm[idx(i)] * n + i)] = 1;
        for (std::int64_t j = 0; j < n; ++j) {
          if (j < i) l[idx(off + i * n + j)] = f.lu[idx(i * n + j)];
          else u[idx(off + i * n + j)] = f.lu[idx(i * n + j)];
        }
        l[idx(off + i * n + i)] = T(1);
      }
    }
    snap(l, 1e-10);
    snap(u, 1e-10);
    return std::vector<Tensor>{host_tensor(*this, out[0], p), host_tensor(*this, out[1], l),
                               host_tensor(*this, out[2], u)};
  });
}

Tensor Backend::determinant(const Spec& out, const Tensor& a) {
  detail::note_composed("determinant");
  return with_field(out.type, [&](auto tag) {
    using T = decltype(tag);
    auto v = host_values<T>(a);
    const std::int64_t n = a.dim(a.rank() - 1);
    std::vector<T> d(idx(matrices(a)));
    for (std::int64_t b = 0; b < matrices(a); ++b) {
      const T* x = v.data() + b * n * n;
      if (n == 1) {
        d[idx(b)] = x[0];
      } else if (n == 2) {
        d[idx(b)] = x[0] * x[3] - x[1] * x[2];
      } else if (n == 3) {
        // The diagonals of [A A] minus those of its column reversal.
        d[idx(b)] = x[0] * x[4] * x[8] + x[1] * x[5] * x[6] + x[2] * x[3] * x[7] - x[2] * x[4] * x[6] -
                    x[1] * x[3] * x[8] - x[0] * x[5] * x[7];
      } else {
        auto f = lu_factor(x, n);
        T prod(1);
        for (std::int64_t i = 0; i < n; ++i) prod *= f.lu[idx(i * n + i)];
        d[idx(b)] = f.singular ? T(0) : (f.swaps % 2 ? -prod : prod);
      }
    }
    return host_tensor(*this, out, d);
  });
}

}  // namespace nx
