// Coverage probes of the linear algebra, fft and convolution callbacks and blocks.
#include "probes.hpp"

namespace emily_tool {

namespace {

using nx::BackendPtr;
using nx::Tensor;

Tensor signal(const BackendPtr& b) { return nx::tensor({1.0, 2.0, 0.5, -1.0, 3.0, 0.0}, {.backend = b}); }
Tensor square3(const BackendPtr& b) {
  return nx::tensor({{4.0, 1.0, 2.0}, {1.0, 5.0, 3.0}, {2.0, 3.0, 6.0}}, {.backend = b});
}

}  // namespace

std::vector<Probe> linalg_probes() {
  return {
      {"conv",
       [](const BackendPtr& b) {
         Tensor x = nx::tensor({{{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}, {7.0, 8.0, 9.0}}}}, {.backend = b});
         Tensor k = nx::tensor({{{{1.0, 0.0}, {0.0, -1.0}}}}, {.backend = b});
         touch(nx::conv(x, k, {.padding = nx::Padding::same}));
       }},
      {"triangular_solve",
       [](const BackendPtr& b) {
         Tensor a = nx::tensor({{2.0, 0.0}, {1.0, 4.0}}, {.backend = b});
         touch(nx::linalg::triangular_solve(a, nx::tensor({2.0, 9.0}, {.backend = b})));
       }},
      {"fft", [](const BackendPtr& b) { touch(nx::fft(signal(b))); }},
      {"ifft", [](const BackendPtr& b) { touch(nx::ifft(signal(b), {.length = 8})); }},
  };
}

std::vector<Probe> linalg_block_probes() {
  return {
      {"fft2", [](const BackendPtr& b) { touch(nx::fft2(square3(b))); }},
      {"ifft2", [](const BackendPtr& b) { touch(nx::ifft2(square3(b))); }},
      {"rfft", [](const BackendPtr& b) { touch(nx::rfft(signal(b))); }},
      {"irfft", [](const BackendPtr& b) { touch(nx::irfft(nx::fft(signal(b)))); }},
      {"cholesky", [](const BackendPtr& b) { touch(nx::linalg::cholesky(spd(b))); }},
      {"solve", [](const BackendPtr& b) { touch(nx::linalg::solve(square3(b), nx::tensor({1.0, 2.0, 3.0}, {.backend = b}))); }},
      {"qr",
       [](const BackendPtr& b) {
         auto [q, r] = nx::linalg::qr(square3(b));
         touch({q, r});
       }},
      {"eigh",
       [](const BackendPtr& b) {
         auto [w, v] = nx::linalg::eigh(square3(b));
         touch({w, v});
       }},
      {"svd",
       [](const BackendPtr& b) {
         auto r = nx::linalg::svd(m23(b));
         touch({r.u, r.s, r.vt});
       }},
      {"lu",
       [](const BackendPtr& b) {
         auto r = nx::linalg::lu(square3(b));
         touch({r.p, r.l, r.u});
       }},
      {"determinant", [](const BackendPtr& b) { touch(nx::linalg::determinant(square3(b))); }},
  };
}

}  // namespace emily_tool
