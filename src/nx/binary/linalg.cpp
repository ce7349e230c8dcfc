// Reference backend: dot, triangular_solve and fft.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "../linalg_errors.hpp"
#include "binary_backend.hpp"

namespace nx {

using host::cdouble;

Tensor BinaryBackend::dot(const Spec& out, const Tensor& a, const AxisIndices& contract_a,
                          const AxisIndices& batch_a, const Tensor& b, const AxisIndices& contract_b,
                          const AxisIndices& batch_b) {
  auto free_axes = [](int rank, const AxisIndices& c, const AxisIndices& bt) {
    AxisIndices f;
    for (int d = 0; d < rank; ++d)
      if (std::find(c.begin(), c.end(), d) == c.end() && std::find(bt.begin(), bt.end(), d) == bt.end())
        f.push_back(d);
    return f;
  };
  AxisIndices fa = free_axes(a.rank(), contract_a, batch_a);
  AxisIndices fb = free_axes(b.rank(), contract_b, batch_b);
  auto dims = [](const Tensor& t, const AxisIndices& ax) {
    std::int64_t n = 1;
    for (int d : ax) n *= t.dim(d);
    return n;
  };
  const std::int64_t B = dims(a, batch_a), M = dims(a, fa), K = dims(a, contract_a), N = dims(b, fb);
  // a -> [batch, free, contract]; b -> [batch, contract, free]
  AxisIndices pa = batch_a, pb = batch_b;
  pa.insert(pa.end(), fa.begin(), fa.end());
  pa.insert(pa.end(), contract_a.begin(), contract_a.end());
  pb.insert(pb.end(), contract_b.begin(), contract_b.end());
  pb.insert(pb.end(), fb.begin(), fb.end());
  return host::with_compute(out.type, [&](auto tag) {
    using C = decltype(tag);
    auto va = host::permute(host::read<C>(a), a.shape(), pa);
    auto vb = host::permute(host::read<C>(b), b.shape(), pb);
    std::vector<C> r(static_cast<std::size_t>(B * M * N), C{});
    for (std::int64_t bi = 0; bi < B; ++bi)
      for (std::int64_t i = 0; i < M; ++i) {
        C* row = r.data() + (bi * M + i) * N;
        for (std::int64_t k = 0; k < K; ++k) {
          C x = va[static_cast<std::size_t>((bi * M + i) * K + k)];
          const C* brow = vb.data() + (bi * K + k) * N;
          for (std::int64_t j = 0; j < N; ++j) {
            if constexpr (std::is_integral_v<C>)
              row[j] = static_cast<C>(static_cast<std::uint64_t>(row[j]) +
                                      static_cast<std::uint64_t>(x) * static_cast<std::uint64_t>(brow[j]));
            else
              row[j] += x * brow[j];
          }
        }
      }
    return host::write(out, r);
  });
}

namespace {

// Moves `axis` last: returns the permutation and the permuted shape.
std::pair<AxisIndices, Shape> axis_last(const Shape& shape, int axis) {
  AxisIndices perm;
  Shape s;
  for (int i = 0; i < static_cast<int>(shape.size()); ++i)
    if (i != axis) perm.push_back(i);
  perm.push_back(axis);
  for (int p : perm) s.push_back(shape[static_cast<std::size_t>(p)]);
  return {perm, s};
}

AxisIndices inverse(const AxisIndices& perm) {
  AxisIndices inv(perm.size());
  for (std::size_t i = 0; i < perm.size(); ++i) inv[static_cast<std::size_t>(perm[i])] = static_cast<int>(i);
  return inv;
}

// exp(sign * 2*pi*i * k / n) with k reduced modulo n (accurate for large k).
cdouble twiddle(std::int64_t k, std::int64_t n, int sign) {
  k %= n;
  if (k < 0) k += n;
  const double a = sign * 2.0 * std::numbers::pi * static_cast<double>(k) / static_cast<double>(n);
  return {std::cos(a), std::sin(a)};
}

// In-place iterative radix-2 transform (n a power of two), unnormalised.
void fft_pow2(std::vector<cdouble>& v, int sign) {
  const std::size_t n = v.size();
  for (std::size_t i = 1, j = 0; i < n; ++i) {
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(v[i], v[j]);
  }
  for (std::size_t len = 2; len <= n; len <<= 1) {
    std::vector<cdouble> w(len / 2);
    for (std::size_t k = 0; k < len / 2; ++k)
      w[k] = twiddle(static_cast<std::int64_t>(k), static_cast<std::int64_t>(len), sign);
    for (std::size_t i = 0; i < n; i += len)
      for (std::size_t k = 0; k < len / 2; ++k) {
        cdouble a = v[i + k], b = v[i + k + len / 2] * w[k];
        v[i + k] = a + b;
        v[i + k + len / 2] = a - b;
      }
  }
}

// Unnormalised DFT of any length: radix-2 when n is a power of two, a direct
// sum for short lengths, Bluestein's chirp transform otherwise.
std::vector<cdouble> dft(std::vector<cdouble> v, int sign) {
  const std::int64_t n = static_cast<std::int64_t>(v.size());
  if ((n & (n - 1)) == 0) {
    fft_pow2(v, sign);
    return v;
  }
  if (n <= 64) {
    std::vector<cdouble> out(v.size());
    for (std::int64_t k = 0; k < n; ++k) {
      cdouble acc{};
      for (std::int64_t j = 0; j < n; ++j) acc += v[static_cast<std::size_t>(j)] * twiddle(j * k, n, sign);
      out[static_cast<std::size_t>(k)] = acc;
    }
    return out;
  }
  // Bluestein: jk = (j^2 + k^2 - (k-j)^2) / 2; chirp c_j = exp(sign*pi*i*j^2/n).
  std::int64_t m = 1;
  while (m < 2 * n - 1) m <<= 1;
  std::vector<cdouble> chirp(static_cast<std::size_t>(n));
  for (std::int64_t j = 0; j < n; ++j) chirp[static_cast<std::size_t>(j)] = twiddle(j * j, 2 * n, sign);
  std::vector<cdouble> a(static_cast<std::size_t>(m)), b(static_cast<std::size_t>(m));
  for (std::int64_t j = 0; j < n; ++j) a[static_cast<std::size_t>(j)] = v[static_cast<std::size_t>(j)] * chirp[static_cast<std::size_t>(j)];
  b[0] = std::conj(chirp[0]);
  for (std::int64_t j = 1; j < n; ++j)
    b[static_cast<std::size_t>(j)] = b[static_cast<std::size_t>(m - j)] = std::conj(chirp[static_cast<std::size_t>(j)]);
  fft_pow2(a, -1);
  fft_pow2(b, -1);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] *= b[i];
  fft_pow2(a, 1);
  std::vector<cdouble> out(static_cast<std::size_t>(n));
  for (std::int64_t k = 0; k < n; ++k)
    out[static_cast<std::size_t>(k)] = a[static_cast<std::size_t>(k)] / static_cast<double>(m) * chirp[static_cast<std::size_t>(k)];
  return out;
}

Tensor fft_impl(const Spec& out, const Tensor& t, const FftOptions& opts, bool inverse_transform) {
  auto [perm, ps] = axis_last(t.shape(), opts.axis);
  std::vector<cdouble> v = host::permute(host::read<cdouble>(t), t.shape(), perm);
  const std::int64_t len = ps.back(), n = opts.length;
  const std::int64_t rows = len ? static_cast<std::int64_t>(v.size()) / len : 0;
  std::vector<cdouble> r(static_cast<std::size_t>(rows * n));
  const int sign = inverse_transform ? 1 : -1;
  for (std::int64_t row = 0; row < rows; ++row) {
    std::vector<cdouble> x(static_cast<std::size_t>(n));
    for (std::int64_t j = 0; j < std::min(n, len); ++j) x[static_cast<std::size_t>(j)] = v[static_cast<std::size_t>(row * len + j)];
    x = dft(std::move(x), sign);
    for (std::int64_t k = 0; k < n; ++k) {
      cdouble y = x[static_cast<std::size_t>(k)];
      if (inverse_transform) y /= static_cast<double>(n);
      // Nx's clean-up: components within eps of zero become exactly zero.
      double re = std::abs(y.real()) <= opts.eps ? 0.0 : y.real();
      double im = std::abs(y.imag()) <= opts.eps ? 0.0 : y.imag();
      r[static_cast<std::size_t>(row * n + k)] = {re, im};
    }
  }
  ps.back() = n;
  return host::write(out, host::permute(r, ps, inverse(perm)));
}

}  // namespace

Tensor BinaryBackend::fft(const Spec& out, const Tensor& t, const FftOptions& opts) {
  return fft_impl(out, t, opts, false);
}

Tensor BinaryBackend::ifft(const Spec& out, const Tensor& t, const FftOptions& opts) {
  return fft_impl(out, t, opts, true);
}

namespace {

// Solves op(A) X = B (or X op(A) = B) for one matrix: A n x n, B n x m
// (left side) or m x n (right side), row-major.
template <class C>
std::vector<C> tri_solve_one(const C* a, const C* b, std::int64_t n, std::int64_t m,
                             const TriangularSolveOptions& opts) {
  // T = op(triangle of A) as an explicit matrix.
  std::vector<C> t(static_cast<std::size_t>(n * n), C{});
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      bool in_triangle = opts.lower ? j <= i : j >= i;
      if (!in_triangle) continue;
      C v = a[i * n + j];
      if constexpr (std::is_same_v<C, cdouble>)
        if (opts.transform_a == Transform::conjugate) v = std::conj(v);
      if (opts.transform_a == Transform::transpose) t[static_cast<std::size_t>(j * n + i)] = v;
      else t[static_cast<std::size_t>(i * n + j)] = v;
    }
  bool lower = opts.lower != (opts.transform_a == Transform::transpose);
  // Right side: X T = B  <=>  T^T X^T = B^T.
  std::vector<C> rhs(static_cast<std::size_t>(n * m));
  if (opts.left_side) {
    std::copy(b, b + n * m, rhs.begin());
  } else {
    std::vector<C> tt(t.size());
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j < n; ++j) tt[static_cast<std::size_t>(j * n + i)] = t[static_cast<std::size_t>(i * n + j)];
    t.swap(tt);
    lower = !lower;
    for (std::int64_t i = 0; i < m; ++i)
      for (std::int64_t j = 0; j < n; ++j) rhs[static_cast<std::size_t>(j * m + i)] = b[i * n + j];
  }
  for (std::int64_t i = 0; i < n; ++i)
    if (t[static_cast<std::size_t>(i * n + i)] == C{}) raise("triangular_solve", linalg_errors::kSingular);
  std::vector<C> x(rhs.size());
  for (std::int64_t col = 0; col < m; ++col)
    for (std::int64_t s = 0; s < n; ++s) {
      const std::int64_t i = lower ? s : n - 1 - s;
      C acc = rhs[static_cast<std::size_t>(i * m + col)];
      for (std::int64_t s2 = 0; s2 < s; ++s2) {
        const std::int64_t j = lower ? s2 : n - 1 - s2;
        acc -= t[static_cast<std::size_t>(i * n + j)] * x[static_cast<std::size_t>(j * m + col)];
      }
      x[static_cast<std::size_t>(i * m + col)] = acc / t[static_cast<std::size_t>(i * n + i)];
    }
  if (opts.left_side) return x;
  std::vector<C> xt(x.size());
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < n; ++j) xt[static_cast<std::size_t>(i * n + j)] = x[static_cast<std::size_t>(j * m + i)];
  return xt;
}

template <class C>
Tensor tri_solve(const Spec& out, const Tensor& a, const Tensor& b, const TriangularSolveOptions& opts) {
  auto va = host::read<C>(a);
  auto vb = host::read<C>(b);
  const std::int64_t n = a.dim(a.rank() - 1);
  const std::int64_t batch = a.size() / (n * n);
  const bool vector = b.rank() == a.rank() - 1;
  // A vector is a column (left side) or a row (right side): n x 1 or 1 x n.
  const std::int64_t m = vector ? 1 : (opts.left_side ? b.dim(b.rank() - 1) : b.dim(b.rank() - 2));
  std::vector<C> r(vb.size());
  for (std::int64_t i = 0; i < batch; ++i) {
    auto x = tri_solve_one(va.data() + i * n * n, vb.data() + i * n * m, n, m, opts);
    std::copy(x.begin(), x.end(), r.begin() + i * n * m);
  }
  return host::write(out, r);
}

}  // namespace

Tensor BinaryBackend::triangular_solve(const Spec& out, const Tensor& a, const Tensor& b,
                                       const TriangularSolveOptions& opts) {
  if (is_complex(out.type)) return tri_solve<cdouble>(out, a, b, opts);
  return tri_solve<double>(out, a, b, opts);
}

}  // namespace nx
