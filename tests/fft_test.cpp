// The FFT family on every backend: values printed by Nx's doctests,
// lengths, axes, types, errors, and randomized comparison against the
// reference.
#include "compare_util.hpp"

namespace {

using c = std::complex<double>;

void expect_complex(const nx::Tensor& t, nx::Type type, const nx::Shape& shape, const std::vector<c>& want,
                    double tol = 1e-5) {
  EXPECT_EQ(nx::to_string(t.type()), nx::to_string(type));
  EXPECT_EQ(nx::shape_to_string(t.shape()), nx::shape_to_string(shape));
  auto got = nx::to_flat_list<c>(t);
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_NEAR(got[i].real(), want[i].real(), tol) << "at " << i;
    EXPECT_NEAR(got[i].imag(), want[i].imag(), tol) << "at " << i;
  }
}

class Fft : public test::BackendTest {};

TEST_P(Fft, Examples) {
  expect_complex(nx::fft(nx::tensor({1, 1, 0, 0}, {.backend = b()})), nx::c64, {4}, {c(2, 0), c(1, -1), c(0, 0), c(1, 1)});
  expect_complex(nx::fft(nx::tensor({1, 1, 1, 0, 1, 1}, {.backend = b()})), nx::c64, {6}, {5, 1, -1, 1, -1, 1});
  expect_complex(nx::fft(nx::tensor({1, 1}, {.backend = b()}), {.length = 4}), nx::c64, {4},
                 {c(2, 0), c(1, -1), c(0, 0), c(1, 1)});
  expect_complex(nx::fft(nx::tensor({1, 1, 0, 0, 2, 3}, {.backend = b()}), {.length = 4}), nx::c64, {4},
                 {c(2, 0), c(1, -1), c(0, 0), c(1, 1)});
  expect_complex(nx::ifft(nx::tensor({1, 1}, {.backend = b()}), {.length = 4}), nx::c64, {4},
                 {c(0.5, 0), c(0.25, 0.25), c(0, 0), c(0.25, -0.25)});
}

TEST_P(Fft, ExactZerosAfterCleanup) {
  // Residues within eps of zero are exactly zero (Nx prints 0.0+0.0i).
  auto y = nx::to_flat_list<c>(nx::fft(nx::tensor({1.0, 1.0, 0.0, 0.0}, {.backend = b()})));
  EXPECT_EQ(y[2], c(0, 0));
  EXPECT_EQ(y[0].imag(), 0.0);
}

TEST_P(Fft, TwoDimensional) {
  auto t = nx::tensor({{1, 0, 1, 0}, {1, 1, 1, 1}}, {.backend = b()});
  expect_complex(nx::fft2(t), nx::c64, {2, 4}, {6, 0, 2, 0, -2, 0, 2, 0});
  expect_complex(nx::ifft2(nx::fft2(t)), nx::c64, {2, 4}, {1, 0, 1, 0, 1, 1, 1, 1});
  // Lengths pad/truncate each axis; explicit axes.
  expect_complex(nx::fft2(t, {.lengths = {1, 2}}), nx::c64, {1, 2}, {1, 1});
  expect_complex(nx::fft2(t, {.lengths = {2, 2}, .axes = {1, 0}}), nx::c64, {2, 2}, {3, 1, -1, 1});
}

TEST_P(Fft, RealTransforms) {
  expect_complex(nx::rfft(nx::tensor({1.0, 1.0, 1.0, 0.0, 1.0, 1.0}, {.backend = b()})), nx::c64, {4}, {5, 1, -1, 1});
  auto spectrum = nx::tensor({c(2, 0), c(1, -1), c(0, 0)}, {.backend = b()});
  test::expect_close(nx::irfft(spectrum), nx::f32, {4}, {1, 1, 0, 0});
  // Odd output length, padding and truncation of the input bins.
  auto x = nx::tensor({0.5, -1.0, 2.0, 3.0, 0.25}, {.backend = b()});
  test::expect_close(nx::irfft(nx::rfft(x), {.length = 5}), nx::f32, {5}, {0.5, -1.0, 2.0, 3.0, 0.25});
  test::expect_close(nx::irfft(spectrum, {.length = 2}), nx::f32, {2}, {1.5, 0.5});
  test::expect_close(nx::irfft(spectrum, {.length = 7}), nx::f32, {7},
                     {0.5714286, 0.6872347, 0.5006877, 0.1522614, -0.0956722, -0.0564140, 0.2404738});
  expect_complex(nx::rfft(nx::tensor({1, 2, 3}, {.backend = b()}), {.length = 4}), nx::c64, {3},
                 {c(6, 0), c(-2, -2), c(2, 0)});
}

TEST_P(Fft, LengthsAxesAndTypes) {
  auto t = nx::tensor({{1, 2, 3}, {4, 5, 6}}, {.type = nx::s16, .backend = b()});
  auto y = nx::fft(t, {.power_of_two = true});
  EXPECT_EQ(nx::shape_to_string(y.shape()), "{2, 4}");
  expect_complex(nx::fft(t, {.axis = 0}), nx::c64, {2, 3}, {5, 7, 9, -3, -3, -3});
  auto r = nx::ifft(nx::fft(t, {.length = 3, .axis = 1}), {.axis = -1});
  expect_complex(r, nx::c64, {2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(nx::to_string(nx::irfft(nx::tensor({1.0, 2.0}, {.type = nx::f16, .backend = b()})).type()), "f16");
}

TEST_P(Fft, F64GivesC128) {
  auto t = nx::tensor({1.0, 2.0, 3.0}, {.type = nx::f64, .backend = b()});
  if (b()->is_reference()) {
    expect_complex(nx::fft(t), nx::c128, {3}, {c(6, 0), c(-1.5, 0.8660254037844386), c(-1.5, -0.8660254037844386)}, 1e-12);
  } else {
    // MLX cannot hold complex128.
    EXPECT_THROW(nx::fft(t), nx::ArgumentError);
  }
}

TEST_P(Fft, Errors) {
  auto s = nx::tensor(1.0, {.backend = b()});
  EXPECT_THROW(nx::fft(s), nx::ArgumentError);
  auto v = nx::tensor({1.0, 2.0}, {.backend = b()});
  EXPECT_THROW(nx::fft(v, {.length = 0}), nx::ArgumentError);
  EXPECT_THROW(nx::fft(v, {.axis = 1}), nx::ArgumentError);
  EXPECT_THROW(nx::rfft(nx::tensor({c(1, 1)}, {.backend = b()})), nx::ArgumentError);
  EXPECT_THROW(nx::irfft(nx::tensor({1.0}, {.backend = b()})), nx::ArgumentError);
  EXPECT_THROW(nx::fft2(v), nx::ArgumentError);
  auto m = nx::tensor({{1.0, 2.0}, {3.0, 4.0}}, {.backend = b()});
  EXPECT_THROW(nx::fft2(m, {.axes = {0, 0}}), nx::ArgumentError);
  EXPECT_THROW(nx::fft2(m, {.lengths = {2}}), nx::ArgumentError);
}

NX_ALL_BACKENDS(Fft);

// ---------------------------------------------------------------- randomized

// f32-precision transforms against the double-precision reference.
const test::Tolerance kFftTol{1e-4, 2e-4};

std::vector<nx::Type> fft_types() {
  std::vector<nx::Type> out;
  for (nx::Type t : test::emily_types())
    if (t != nx::f64) out.push_back(t);  // f64 -> c128, which MLX cannot hold
  return out;
}

TEST(FftCompare, OneDimensional) {
  test::Rng rng(31);
  for (nx::Type type : fft_types())
    for (std::int64_t len : {1, 5, 8, 12, 67}) {
      auto x = test::random_tensor(rng, type, {3, len});
      for (std::int64_t n : {len, len + 3, std::max<std::int64_t>(1, len - 2)}) {
        std::string ctx = nx::to_string(type) + " len " + std::to_string(len) + " n " + std::to_string(n);
        test::compare_backends([n](const auto& in) { return nx::fft(in[0], {.length = n}); }, {x}, "fft " + ctx, kFftTol);
        test::compare_backends([n](const auto& in) { return nx::ifft(in[0], {.length = n, .axis = 0}); }, {x},
                               "ifft " + ctx, kFftTol);
      }
    }
}

TEST(FftCompare, RealAndTwoDimensional) {
  test::Rng rng(32);
  for (nx::Type type : fft_types()) {
    auto x = test::random_tensor(rng, type, {2, 6, 5});
    std::string ctx = nx::to_string(type);
    test::compare_backends([](const auto& in) { return nx::fft2(in[0]); }, {x}, "fft2 " + ctx, kFftTol);
    test::compare_backends([](const auto& in) { return nx::ifft2(in[0], {.lengths = {4, 7}, .axes = {0, 2}}); }, {x},
                           "ifft2 " + ctx, kFftTol);
    if (!nx::is_complex(type)) {
      for (std::int64_t n : {5, 6, 9})
        test::compare_backends([n](const auto& in) { return nx::rfft(in[0], {.length = n, .axis = 1}); }, {x},
                               "rfft " + ctx, kFftTol);
    }
    auto tol = nx::to_real(type) == nx::f16 || nx::to_real(type) == nx::bf16 ? test::tolerance_for(nx::to_real(type))
                                                                            : kFftTol;
    for (std::int64_t n : {3, 8, 11})
      test::compare_backends([n](const auto& in) { return nx::irfft(in[0], {.length = n}); }, {x}, "irfft " + ctx, tol);
    test::compare_backends([](const auto& in) { return nx::irfft(in[0], {.axis = 0}); }, {x}, "irfft axis 0 " + ctx, tol);
  }
}

}  // namespace
