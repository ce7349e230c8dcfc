// Reference backend: the LU family of decompositions (cholesky, lu, solve,
// determinant) on the host; algorithms and conventions in linalg_host.hpp.
#include <numeric>

#include "../linalg_errors.hpp"
#include "linalg_host.hpp"

namespace nx {

using namespace host::linalg;

namespace {

template <class T>
std::vector<T> cholesky_one(const T* a, std::int64_t n) {
  std::vector<T> l(idx(n * n), T(0));
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j <= i; ++j) {
      T s = a[i * n + j];
      for (std::int64_t k = 0; k < j; ++k) s -= l[idx(i * n + k)] * conj_(l[idx(j * n + k)]);
      if (i == j) {
        const double d = real_(s);
        if (!(d > 0)) raise("cholesky", linalg_errors::kNotPositiveDefinite);
        l[idx(i * n + i)] = T(std::sqrt(d));
      } else {
        l[idx(i * n + j)] = s / l[idx(j * n + j)];
      }
    }
  snap(l, 1e-10);
  return l;
}

template <class T>
struct LuFactors {
  std::vector<T> lu;               // unit L below the diagonal, U on and above
  std::vector<std::int64_t> perm;  // (L U) row i = A row perm[i]
  int swaps = 0;
  bool singular = false;  // an exactly zero pivot
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

}  // namespace

Tensor BinaryBackend::cholesky(const Spec& out, const Tensor& a) {
  return with_field(out.type, [&](auto tag) {
    using T = decltype(tag);
    auto v = host::read<T>(a);
    const std::int64_t n = a.dim(a.rank() - 1);
    std::vector<T> r(v.size());
    for (std::int64_t b = 0; b < matrices(a); ++b) {
      auto l = cholesky_one(v.data() + b * n * n, n);
      std::copy(l.begin(), l.end(), r.begin() + b * n * n);
    }
    return host::write(out, r);
  });
}

Tensor BinaryBackend::solve(const Spec& out, const Tensor& a, const Tensor& b) {
  return with_field(out.type, [&](auto tag) {
    using T = decltype(tag);
    auto va = host::read<T>(a);
    auto vb = host::read<T>(b);
    const std::int64_t n = a.dim(a.rank() - 1);
    const std::int64_t cols = b.rank() == a.rank() ? b.dim(b.rank() - 1) : 1;
    std::vector<T> x(vb.size());
    for (std::int64_t m = 0; m < matrices(a); ++m) {
      auto f = lu_factor(va.data() + m * n * n, n);
      if (f.singular) raise("solve", linalg_errors::kSingular);
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
    return host::write(out, x);
  });
}

std::vector<Tensor> BinaryBackend::lu(const std::vector<Spec>& out, const Tensor& a) {
  return with_field(out[1].type, [&](auto tag) {
    using T = decltype(tag);
    auto v = host::read<T>(a);
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
    // P keeps the input type (integers included); 0 and 1 store exactly.
    return std::vector<Tensor>{host::write(out[0], p), host::write(out[1], l), host::write(out[2], u)};
  });
}

Tensor BinaryBackend::determinant(const Spec& out, const Tensor& a) {
  return with_field(out.type, [&](auto tag) {
    using T = decltype(tag);
    auto v = host::read<T>(a);
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
    return host::write(out, d);
  });
}

}  // namespace nx
