// Coverage probes of the linear algebra, fft and convolution callbacks and
// blocks. The matrices hold only 0 and 1, so that they stay non-singular
// (and positive definite for cholesky) in every type, 2-bit ones included.
#include "probes.hpp"

namespace emily_tool {

namespace {

using nx::BackendPtr;
using nx::Tensor;
using nx::Type;

Tensor signal(const BackendPtr& b, Type t) { return typed(b, t, {1, 2, 0, -1, 3, 0}); }
// Determinant 1 in every type.
Tensor unit3(const BackendPtr& b, Type t) { return typed(b, t, {{1, 0, 0}, {1, 1, 0}, {0, 1, 1}}); }
Tensor sym3(const BackendPtr& b, Type t) { return typed(b, t, {{1, 0, 1}, {0, 1, 0}, {1, 0, 1}}); }

}  // namespace

std::vector<Probe> linalg_probes() {
  return {
      {"conv",
       [](const BackendPtr& b, Type t) {
         Tensor x = typed(b, t, {{{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}}});
         Tensor k = typed(b, t, {{{{1, 0}, {0, -1}}}});
         touch(nx::conv(x, k, {.padding = nx::Padding::same}));
       }},
      {"triangular_solve",
       [](const BackendPtr& b, Type t) {
         touch(nx::linalg::triangular_solve(typed(b, t, {{1, 0}, {1, 1}}), typed(b, t, {1, 1})));
       }},
      {"fft", [](const BackendPtr& b, Type t) { touch(nx::fft(signal(b, t))); }},
      {"ifft", [](const BackendPtr& b, Type t) { touch(nx::ifft(signal(b, t), {.length = 8})); }},
  };
}

std::vector<Probe> linalg_block_probes() {
  return {
      {"fft2", [](const BackendPtr& b, Type t) { touch(nx::fft2(sym3(b, t))); }},
      {"ifft2", [](const BackendPtr& b, Type t) { touch(nx::ifft2(sym3(b, t))); }},
      {"rfft", [](const BackendPtr& b, Type t) { touch(nx::rfft(signal(b, t))); }},
      {"irfft", [](const BackendPtr& b, Type t) { touch(nx::irfft(signal(b, t))); }},
      {"cholesky", [](const BackendPtr& b, Type t) { touch(nx::linalg::cholesky(typed(b, t, {{1, 0}, {0, 1}}))); }},
      {"solve", [](const BackendPtr& b, Type t) { touch(nx::linalg::solve(unit3(b, t), typed(b, t, {1, 1, 1}))); }},
      {"qr",
       [](const BackendPtr& b, Type t) {
         auto [q, r] = nx::linalg::qr(unit3(b, t));
         touch({q, r});
       }},
      {"eigh",
       [](const BackendPtr& b, Type t) {
         auto [w, v] = nx::linalg::eigh(sym3(b, t));
         touch({w, v});
       }},
      {"svd",
       [](const BackendPtr& b, Type t) {
         auto r = nx::linalg::svd(m23(b, t));
         touch({r.u, r.s, r.vt});
       }},
      {"lu",
       [](const BackendPtr& b, Type t) {
         auto r = nx::linalg::lu(unit3(b, t));
         touch({r.p, r.l, r.u});
       }},
      {"determinant", [](const BackendPtr& b, Type t) { touch(nx::linalg::determinant(unit3(b, t))); }},
  };
}

}  // namespace emily_tool
