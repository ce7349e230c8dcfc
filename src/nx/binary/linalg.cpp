// Reference backend: dot (contract section 2.4), triangular_solve and fft.
#include <cmath>

#include "binary_backend.hpp"

namespace nx {

using host::cdouble;

Tensor BinaryBackend::dot(const Spec& out, const Tensor& a, const Axes& contract_a,
                          const Axes& batch_a, const Tensor& b, const Axes& contract_b,
                          const Axes& batch_b) {
  auto free_axes = [](int rank, const Axes& c, const Axes& bt) {
    Axes f;
    for (int d = 0; d < rank; ++d)
      if (std::find(c.begin(), c.end(), d) == c.end() && std::find(bt.begin(), bt.end(), d) == bt.end())
        f.push_back(d);
    return f;
  };
  Axes fa = free_axes(a.rank(), contract_a, batch_a);
  Axes fb = free_axes(b.rank(), contract_b, batch_b);
  auto dims = [](const Tensor& t, const Axes& ax) {
    std::int64_t n = 1;
    for (int d : ax) n *= t.dim(d);
    return n;
  };
  const std::int64_t B = dims(a, batch_a), M = dims(a, fa), K = dims(a, contract_a), N = dims(b, fb);
  // a -> [batch, free, contract]; b -> [batch, contract, free]
  Axes pa = batch_a, pb = batch_b;
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

}  // namespace nx
