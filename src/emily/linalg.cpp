// Emily: dot products on MLX.
#include <algorithm>

#include "emily_backend.hpp"
#include "fallback.hpp"

namespace emily {

#define EMILY_FALLBACK(name, ...) return fallback::run(*this, #name, &nx::Backend::name, __VA_ARGS__)

// linear algebra and fft
Tensor Backend::triangular_solve(const Spec& out, const Tensor& a, const Tensor& b,
                                 const nx::TriangularSolveOptions& opts) {
  EMILY_FALLBACK(triangular_solve, out, a, b, opts);
}
Tensor Backend::fft(const Spec& out, const Tensor& t, const nx::FftOptions& opts) { EMILY_FALLBACK(fft, out, t, opts); }
Tensor Backend::ifft(const Spec& out, const Tensor& t, const nx::FftOptions& opts) { EMILY_FALLBACK(ifft, out, t, opts); }

#undef EMILY_FALLBACK


Tensor Backend::dot(const Spec& out, const Tensor& ta, const Axes& contract_a, const Axes& batch_a,
                    const Tensor& tb, const Axes& contract_b, const Axes& batch_b) {
  if (!mlx_supports(out.type) || !mlx_supports(ta.type()) || !mlx_supports(tb.type()))
    return fallback::run(*this, "dot", &nx::Backend::dot, out, ta, contract_a, batch_a, tb, contract_b, batch_b);
  auto d = mx_device(out.type);
  auto free_axes = [](int rank, const Axes& c, const Axes& bt) {
    Axes f;
    for (int i = 0; i < rank; ++i)
      if (std::find(c.begin(), c.end(), i) == c.end() && std::find(bt.begin(), bt.end(), i) == bt.end())
        f.push_back(i);
    return f;
  };
  Axes fa = free_axes(ta.rank(), contract_a, batch_a), fb = free_axes(tb.rank(), contract_b, batch_b);
  auto prod = [](const Tensor& t, const Axes& ax) {
    int n = 1;
    for (int i : ax) n *= static_cast<int>(t.dim(i));
    return n;
  };
  const int B = prod(ta, batch_a), M = prod(ta, fa), K = prod(ta, contract_a), N = prod(tb, fb);
  std::vector<int> pa(batch_a.begin(), batch_a.end()), pb(batch_b.begin(), batch_b.end());
  pa.insert(pa.end(), fa.begin(), fa.end());
  pa.insert(pa.end(), contract_a.begin(), contract_a.end());
  pb.insert(pb.end(), contract_b.begin(), contract_b.end());
  pb.insert(pb.end(), fb.begin(), fb.end());
  mx::array a = mx::reshape(mx::transpose(cast(ta, out.type), pa, d), {B, M, K}, d);
  mx::array b = mx::reshape(mx::transpose(cast(tb, out.type), pb, d), {B, K, N}, d);
  mx::array r(0);
  if (nx::is_float(out.type)) {
    r = mx::matmul(a, b, d);
  } else {
    // MLX's matmul is float-only: exact integer product through a broadcast
    // multiply and sum (wraps like Nx).
    mx::array prodt = mx::multiply(mx::expand_dims(a, 3, d), mx::expand_dims(b, 1, d), d);
    r = mx::sum(prodt, 2, false, d);
  }
  return wrap(out, r);
}

}  // namespace emily
