// Default compositions of the linalg blocks (Nx.Block.*).
// TEMPORARY placeholders below raise nx::UnsupportedError until each
// composition is written.
#include "common.hpp"

namespace nx {

Tensor Backend::fft2(const Spec&, const Tensor&, const Fft2Options&) { unsupported("fft2"); }
Tensor Backend::ifft2(const Spec&, const Tensor&, const Fft2Options&) { unsupported("ifft2"); }
Tensor Backend::rfft(const Spec&, const Tensor&, const FftOptions&) { unsupported("rfft"); }
Tensor Backend::irfft(const Spec&, const Tensor&, const FftOptions&) { unsupported("irfft"); }
Tensor Backend::cholesky(const Spec&, const Tensor&) { unsupported("cholesky"); }
Tensor Backend::solve(const Spec&, const Tensor&, const Tensor&) { unsupported("solve"); }
std::vector<Tensor> Backend::qr(const std::vector<Spec>&, const Tensor&, const QrOptions&) { unsupported("qr"); }
std::vector<Tensor> Backend::eigh(const std::vector<Spec>&, const Tensor&, const EighOptions&) { unsupported("eigh"); }
std::vector<Tensor> Backend::svd(const std::vector<Spec>&, const Tensor&, const SvdOptions&) { unsupported("svd"); }
std::vector<Tensor> Backend::lu(const std::vector<Spec>&, const Tensor&) { unsupported("lu"); }
Tensor Backend::determinant(const Spec&, const Tensor&) { unsupported("determinant"); }

}  // namespace nx
