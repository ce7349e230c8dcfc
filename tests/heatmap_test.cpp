// nx::to_heatmap (Nx.to_heatmap/2): the drawing Nx's Nx.Heatmap inspect
// prints, with and without ANSI colours. The digits are hand-computed:
// round((v - min) / (max - min) * 9) per matrix (a vector is one row), and
// the colours 232 + round((v - min) / (max - min) * 23).
#include <complex>
#include <limits>
#include <sstream>

#include "test_util.hpp"

namespace {

using nx::Shape;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

class Heatmap : public test::BackendTest {
 protected:
  nx::Tensor ints(const nx::Literal& l) const { return nx::tensor(l, {.type = nx::s32, .names = {}, .backend = b()}); }
  nx::Tensor floats(const nx::Literal& l) const {
    return nx::tensor(l, {.type = nx::f32, .names = {}, .backend = b()});
  }
  static std::string text(const nx::Tensor& t, nx::InspectOptions o = {}) {
    return nx::inspect(nx::to_heatmap(t, {.ansi_enabled = false}), o);
  }
};

TEST_P(Heatmap, VectorsScaleToDigits) {
  EXPECT_EQ(text(ints({1, 1, 1})), "#Nx.Heatmap<\n  s32[3]\n  000\n>");
  // (v - 1) / 4 * 9 = 0, 2.25, 4.5, 6.75, 9 (halves round away from zero).
  EXPECT_EQ(text(ints({1, 2, 3, 4, 5})), "#Nx.Heatmap<\n  s32[5]\n  02579\n>");
  // Non-finite values have their own signs and do not take part in the range.
  EXPECT_EQ(text(floats({-kInf, -1.0, kNaN, 1.0, kInf})), "#Nx.Heatmap<\n  f32[5]\n  -0x9+\n>");
}

TEST_P(Heatmap, MatricesStartOnTheirOwnLine) {
  // (v - 1) / 11 * 9 over all twelve values.
  EXPECT_EQ(text(ints({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, {10, 11, 12}})),
            "#Nx.Heatmap<\n  s32[4][3]\n  \n  012\n  234\n  567\n  789\n>");
  auto named = nx::iota({2, 2}, {.names = {"x", "y"}, .backend = b()});
  EXPECT_EQ(text(named), "#Nx.Heatmap<\n  s32[x: 2][y: 2]\n  \n  03\n  69\n>");
}

TEST_P(Heatmap, EachMatrixHasItsOwnScale) {
  // Both matrices span 5 values: (v - min) / 5 * 9 = 0, 2, 4 / 5, 7, 9.
  EXPECT_EQ(text(ints({{{1, 2, 3}, {4, 5, 6}}, {{7, 8, 9}, {10, 11, 12}}})),
            "#Nx.Heatmap<\n  s32[2][2][3]\n  [\n    024\n    579,\n    \n    024\n    579\n  ]\n>");
  EXPECT_EQ(text(nx::iota({2, 2, 1, 2}, {.backend = b()})),
            "#Nx.Heatmap<\n  s32[2][2][1][2]\n  [\n    [\n      09,\n      \n      09\n    ],\n    [\n      09,\n"
            "      \n      09\n    ]\n  ]\n>");
}

TEST_P(Heatmap, LimitCountsMatrices) {
  auto t = nx::iota({3, 1, 2}, {.backend = b()});
  EXPECT_EQ(text(t, {.limit = 2}), "#Nx.Heatmap<\n  s32[3][1][2]\n  [\n    09,\n    \n    09,\n    ...\n  ]\n>");
  EXPECT_EQ(text(t, {.limit = -1}),
            "#Nx.Heatmap<\n  s32[3][1][2]\n  [\n    09,\n    \n    09,\n    \n    09\n  ]\n>");
}

TEST_P(Heatmap, AnsiColours) {
  // (v - 1) / 2 * 23 = 0, 11.5, 23: greys 232, 244, 255; the row ends with a reset.
  auto h = nx::to_heatmap(ints({1, 2, 3}), {.ansi_enabled = true, .ansi_whitespace = " "});
  EXPECT_EQ(nx::inspect(h), "#Nx.Heatmap<\n  s32[3]\n  \x1b[48;5;232m \x1b[48;5;244m \x1b[48;5;255m \x1b[0m\n>");
  // NaN is red, infinities the ends of the ramp drawn as the infinity sign; a
  // single finite value is the darkest grey. The default cell is U+3000.
  auto nf = nx::to_heatmap(floats({kNaN, -kInf, kInf, 0.0}), {.ansi_enabled = true});
  EXPECT_EQ(nx::inspect(nf),
            "#Nx.Heatmap<\n  f32[4]\n  \x1b[41m\u3000\x1b[48;5;232m\u221e\x1b[48;5;255m\u221e\x1b[48;5;232m\u3000"
            "\x1b[0m\n>");
  std::ostringstream os;
  os << nx::to_heatmap(ints({0, 9}), {.ansi_enabled = false});
  EXPECT_EQ(os.str(), "#Nx.Heatmap<\n  s32[2]\n  09\n>");
}

TEST_P(Heatmap, ScalarsAndComplexRaise) {
  auto s = ints(7);
  try {
    nx::to_heatmap(s);
    ADD_FAILURE() << "no error";
  } catch (const nx::ArgumentError& e) {
    EXPECT_EQ(std::string(e.what()), "to_heatmap: cannot show heatmap for scalar tensors, got: " + nx::inspect(s));
  }
  auto z = nx::tensor({std::complex<double>(1, 1)}, {.backend = b()});
  EXPECT_THROW(nx::to_heatmap(z), nx::ArgumentError);
}

NX_ALL_BACKENDS(Heatmap);

}  // namespace
