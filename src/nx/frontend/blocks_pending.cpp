// TEMPORARY: blocks whose default composition is not written yet. Each
// entry moves to blocks.cpp with its composition; this file then goes away.
#include "common.hpp"

namespace nx {

Tensor Backend::all_close(const Spec&, const Tensor&, const Tensor&, const AllCloseOptions&) { unsupported("all_close"); }
Tensor Backend::cumulative_sum(const Spec&, const Tensor&, const CumulativeOptions&) { unsupported("cumulative_sum"); }
Tensor Backend::cumulative_product(const Spec&, const Tensor&, const CumulativeOptions&) { unsupported("cumulative_product"); }
Tensor Backend::cumulative_min(const Spec&, const Tensor&, const CumulativeOptions&) { unsupported("cumulative_min"); }
Tensor Backend::cumulative_max(const Spec&, const Tensor&, const CumulativeOptions&) { unsupported("cumulative_max"); }
Tensor Backend::take(const Spec&, const Tensor&, const Tensor&, int) { unsupported("take"); }
Tensor Backend::take_along_axis(const Spec&, const Tensor&, const Tensor&, int) { unsupported("take_along_axis"); }
std::vector<Tensor> Backend::top_k(const std::vector<Spec>&, const Tensor&, std::int64_t) { unsupported("top_k"); }
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
