// Shape and layout operations: reshape, squeeze, broadcast, transpose, pad,
// reverse, concatenate, stack and their front-end relatives.
#include <algorithm>
#include <numeric>

#include "compare_util.hpp"

namespace {

using nx::Shape;

class Shapes : public test::BackendTest {};

TEST_P(Shapes, ReshapeWithAuto) {
  auto t = nx::tensor({{1, 2, 3}, {4, 5, 6}}, {.backend = b()});
  test::expect_tensor<int>(nx::reshape(t, {-1, 2}), nx::s32, {3, 2}, {1, 2, 3, 4, 5, 6});
  test::expect_tensor<int>(nx::reshape(t, {6}), nx::s32, {6}, {1, 2, 3, 4, 5, 6});
  test::expect_tensor<int>(nx::reshape(t, {1, 3, -1}), nx::s32, {1, 3, 2}, {1, 2, 3, 4, 5, 6});
  auto s = nx::reshape(nx::tensor({7}, {.backend = b()}), {});
  test::expect_tensor<int>(s, nx::s32, {}, {7});
  test::expect_tensor<int>(nx::reshape(s, {1, 1}), nx::s32, {1, 1}, {7});
  auto named = nx::reshape(t, {3, 2}, {"rows", "cols"});
  EXPECT_EQ(named.names(), (nx::Names{"rows", "cols"}));
  EXPECT_TRUE(nx::reshape(nx::rename(t, {"a", "b"}), {2, 3}).names().empty());
  EXPECT_THROW(nx::reshape(t, {4, -1}), nx::ArgumentError);
  EXPECT_THROW(nx::reshape(t, {-1, -1}), nx::ArgumentError);
  EXPECT_THROW(nx::reshape(t, {4}), nx::ArgumentError);
  EXPECT_THROW(nx::reshape(t, {6, 0}), nx::ArgumentError);
  EXPECT_THROW(nx::reshape(t, {3, 2}, {"a"}), nx::ArgumentError);
}

TEST_P(Shapes, FlattenSqueezeNewAxis) {
  auto t = nx::iota({2, 1, 3, 1}, {.names = {"a", "", "c", "d"}, .backend = b()});
  test::expect_tensor<int>(nx::flatten(t), nx::s32, {6}, {0, 1, 2, 3, 4, 5});
  test::expect_tensor<int>(nx::flatten(nx::scalar(3, nx::s32, b())), nx::s32, {1}, {3});
  auto sq = nx::squeeze(t);
  test::expect_tensor<int>(sq, nx::s32, {2, 3}, {0, 1, 2, 3, 4, 5});
  EXPECT_EQ(sq.names(), (nx::Names{"a", "c"}));
  auto sq1 = nx::squeeze(t, nx::Axes{-1});
  test::expect_tensor<int>(sq1, nx::s32, {2, 1, 3}, {0, 1, 2, 3, 4, 5});
  EXPECT_EQ(sq1.names(), (nx::Names{"a", "", "c"}));
  EXPECT_THROW(nx::squeeze(t, nx::Axes{0}), nx::ArgumentError);
  EXPECT_THROW(nx::squeeze(t, nx::Axes{4}), nx::ArgumentError);
  auto plain = nx::iota({2, 3}, {.backend = b()});
  EXPECT_EQ(nx::squeeze(plain).shape(), (Shape{2, 3}));
  test::expect_tensor<int>(nx::squeeze(nx::tensor({{{5}}}, {.backend = b()})), nx::s32, {}, {5});
  auto na = nx::new_axis(plain, -1);
  test::expect_tensor<int>(na, nx::s32, {2, 3, 1}, {0, 1, 2, 3, 4, 5});
  EXPECT_EQ(nx::new_axis(plain, 0).shape(), (Shape{1, 2, 3}));
  EXPECT_EQ(nx::new_axis(plain, 1).shape(), (Shape{2, 1, 3}));
  EXPECT_EQ(nx::new_axis(nx::rename(plain, {"x", "y"}), 1).names(), (nx::Names{"x", "", "y"}));
  EXPECT_THROW(nx::new_axis(plain, 3), nx::ArgumentError);
  EXPECT_THROW(nx::new_axis(plain, -4), nx::ArgumentError);
}

TEST_P(Shapes, Broadcast) {
  auto v = nx::tensor({1, 2, 3}, {.backend = b()});
  test::expect_tensor<int>(nx::broadcast(v, {2, 3, 2}, nx::Axes{1}), nx::s32, {2, 3, 2},
                           {1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3});
  test::expect_tensor<int>(nx::broadcast(v, {3, 2}, nx::Axes{0}), nx::s32, {3, 2}, {1, 1, 2, 2, 3, 3});
  test::expect_tensor<int>(nx::broadcast(v, {2, 3}), nx::s32, {2, 3}, {1, 2, 3, 1, 2, 3});
  auto col = nx::tensor({{1}, {2}}, {.type = nx::u8, .backend = b()});
  test::expect_tensor<int>(nx::broadcast(col, {2, 2}), nx::u8, {2, 2}, {1, 1, 2, 2});
  test::expect_tensor<int>(nx::broadcast(nx::scalar(4, nx::s8, b()), {2, 2}), nx::s8, {2, 2}, {4, 4, 4, 4});
  test::expect_tensor<double>(nx::broadcast(nx::Scalar(1.5), {2}), nx::f32, {2}, {1.5, 1.5});
  test::expect_tensor<int>(nx::broadcast(nx::Scalar(7), {1, 2}), nx::s32, {1, 2}, {7, 7});
  EXPECT_EQ(nx::broadcast(v, {3}).shape(), (Shape{3}));
  EXPECT_THROW(nx::broadcast(v, {2, 4}), nx::ArgumentError);
  EXPECT_THROW(nx::broadcast(v, {3, 3}, nx::Axes{0, 1}), nx::ArgumentError);
  EXPECT_THROW(nx::broadcast(nx::iota({2, 1}, {.backend = b()}), {2, 3, 4}, nx::Axes{1, 0}), nx::ArgumentError);
  EXPECT_THROW(nx::broadcast(nx::iota({2, 3}, {.backend = b()}), {3}), nx::ArgumentError);
  EXPECT_THROW(nx::broadcast(v, {3, 0}), nx::ArgumentError);
}

TEST_P(Shapes, Transpose) {
  auto t = nx::iota({2, 3, 4}, {.names = {"x", "y", "z"}, .backend = b()});
  auto tt = nx::transpose(t);
  EXPECT_EQ(tt.shape(), (Shape{4, 3, 2}));
  EXPECT_EQ(tt.names(), (nx::Names{"z", "y", "x"}));
  auto flat = nx::to_flat_list<int>(tt);
  EXPECT_EQ(std::vector<int>(flat.begin(), flat.begin() + 6), (std::vector<int>{0, 12, 4, 16, 8, 20}));
  auto m = nx::tensor({{1, 2, 3}, {4, 5, 6}}, {.backend = b()});
  test::expect_tensor<int>(nx::transpose(m), nx::s32, {3, 2}, {1, 4, 2, 5, 3, 6});
  auto p = nx::transpose(t, nx::Axes{1, 2, 0});
  EXPECT_EQ(p.shape(), (Shape{3, 4, 2}));
  EXPECT_EQ(nx::to_flat_list<int>(p)[1], 12);
  EXPECT_EQ(nx::to_flat_list<int>(p)[2], 1);
  test::expect_tensor<int>(nx::transpose(nx::scalar(3, nx::s32, b())), nx::s32, {}, {3});
  EXPECT_THROW(nx::transpose(t, nx::Axes{0, 1}), nx::ArgumentError);
  EXPECT_THROW(nx::transpose(t, nx::Axes{0, 1, 1}), nx::ArgumentError);
  EXPECT_THROW(nx::transpose(t, nx::Axes{0, 1, 3}), nx::ArgumentError);
}

TEST_P(Shapes, PadWorkedExamples) {
  test::expect_tensor<int>(nx::pad(nx::tensor({0, 1, 2, 3, 0}, {.backend = b()}), 0, {{-1, -1, 0}}), nx::s32, {3},
                           {1, 2, 3});
  auto f = nx::tensor({{0.0, 1.0, 2.0}, {3.0, 4.0, 5.0}}, {.backend = b()});
  test::expect_tensor<float>(nx::pad(f, 0, {{-1, 2, 0}, {1, -1, 0}}), nx::f32, {3, 3}, {0, 3, 4, 0, 0, 0, 0, 0, 0});
  auto g = nx::tensor({{0, 1, 2, 3}, {0, 4, 5, 6}}, {.backend = b()});
  test::expect_tensor<int>(nx::pad(g, 0, {{0, 0, 0}, {-1, 1, 0}}), nx::s32, {2, 4}, {1, 2, 3, 0, 4, 5, 6, 0});
  auto h = nx::tensor({{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}, {.backend = b()});
  std::vector<int> want(48, 0);
  for (auto [pos, v] : std::vector<std::pair<int, int>>{{4, 1}, {5, 2}, {7, 3}, {8, 4}, {16, 5}, {17, 6}, {19, 7}, {20, 8}})
    want[static_cast<std::size_t>(pos)] = v;
  test::expect_tensor<int>(nx::pad(h, 0, {{0, 2, 0}, {1, 1, 0}, {1, 0, 0}}), nx::s32, {4, 4, 3}, want);
}

TEST_P(Shapes, PadInteriorAndNegative) {
  auto m = nx::tensor({{1, 2, 3}, {4, 5, 6}}, {.backend = b()});
  test::expect_tensor<int>(nx::pad(m, 0, {{0, 0, 1}, {0, 0, 1}}), nx::s32, {3, 5},
                           {1, 0, 2, 0, 3, 0, 0, 0, 0, 0, 4, 0, 5, 0, 6});
  auto f = nx::tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, {.backend = b()});
  auto p = nx::pad(f, 2.0, {{-2, 1, 4}, {1, 3, 2}});
  std::vector<float> want(55, 2.0f);
  for (auto [c, v] : std::vector<std::pair<int, float>>{{1, 4}, {4, 5}, {7, 6}}) want[static_cast<std::size_t>(33 + c)] = v;
  test::expect_tensor<float>(p, nx::f32, {5, 11}, want);
  // Negative padding that crops into interior padding.
  test::expect_tensor<int>(nx::pad(nx::tensor({1, 2, 3}, {.backend = b()}), 9, {{-1, -2, 2}}), nx::s32, {4},
                           {9, 9, 2, 9});
  test::expect_tensor<int>(nx::pad(nx::tensor({1, 2, 3}, {.backend = b()}), 0, {{-4, 0, 1}}), nx::s32, {1}, {3});
  test::expect_tensor<int>(nx::pad(nx::scalar(5, nx::s32, b()), 0, {}), nx::s32, {}, {5});
}

TEST_P(Shapes, PadTypes) {
  auto u = nx::tensor({1, 2}, {.type = nx::u8, .backend = b()});
  test::expect_tensor<int>(nx::pad(u, 7, {{1, 0, 0}}), nx::u8, {3}, {7, 1, 2});
  test::expect_tensor<int>(nx::pad(u, -1, {{1, 0, 0}}), nx::s16, {3}, {-1, 1, 2});
  test::expect_tensor<int>(nx::pad(u, 300, {{0, 1, 0}}), nx::u16, {3}, {1, 2, 300});
  auto w = nx::tensor({1}, {.type = nx::u64, .backend = b()});
  test::expect_tensor<std::uint64_t>(nx::pad(w, 1ll << 40, {{0, 1, 0}}), nx::u64, {2}, {1, 1ull << 40});
  test::expect_tensor<float>(nx::pad(u, 1.5, {{0, 1, 0}}), nx::f32, {3}, {1, 2, 1.5f});
  auto h = nx::tensor({1.0, 2.0}, {.type = nx::f16, .backend = b()});
  test::expect_tensor<float>(nx::pad(h, 3, {{0, 1, 0}}), nx::f16, {3}, {1, 2, 3});
  // Tensor pad values use the full merge.
  test::expect_tensor<int>(nx::pad(u, nx::scalar(4, nx::s8, b()), {{0, 1, 0}}), nx::s16, {3}, {1, 2, 4});
  test::expect_tensor<float>(nx::pad(u, nx::scalar(0.5, nx::f64, b()), {{1, 0, 0}}), nx::f64, {3}, {0.5f, 1, 2});
  EXPECT_THROW(nx::pad(u, nx::tensor({1, 2}, {.backend = b()}), {{1, 0, 0}}), nx::ArgumentError);
  EXPECT_THROW(nx::pad(u, 0, {{1, 0, 0}, {0, 0, 0}}), nx::ArgumentError);
  EXPECT_THROW(nx::pad(u, 0, {{0, 0, -1}}), nx::ArgumentError);
  EXPECT_THROW(nx::pad(u, 0, {{-1, -1, 0}}), nx::ArgumentError);
}

TEST_P(Shapes, Reverse) {
  auto t = nx::iota({2, 2, 2}, {.type = nx::f32, .backend = b()});
  test::expect_tensor<float>(nx::reverse(t, nx::Axes{0, 2}), nx::f32, {2, 2, 2}, {5, 4, 7, 6, 1, 0, 3, 2});
  test::expect_tensor<float>(nx::reverse(t, nx::Axes{2, 0}), nx::f32, {2, 2, 2}, {5, 4, 7, 6, 1, 0, 3, 2});
  test::expect_tensor<int>(nx::reverse(nx::tensor({1, 2, 3}, {.backend = b()})), nx::s32, {3}, {3, 2, 1});
  test::expect_tensor<int>(nx::reverse(nx::iota({2, 3}, {.backend = b()})), nx::s32, {2, 3}, {5, 4, 3, 2, 1, 0});
  test::expect_tensor<int>(nx::reverse(nx::scalar(1, nx::s32, b())), nx::s32, {}, {1});
  EXPECT_THROW(nx::reverse(t, nx::Axes{3}), nx::ArgumentError);
}

TEST_P(Shapes, Concatenate) {
  auto a = nx::tensor({{1, 2}, {3, 4}}, {.type = nx::u8, .backend = b()});
  auto c = nx::tensor({{5, 6}}, {.type = nx::s8, .backend = b()});
  test::expect_tensor<int>(nx::concatenate({a, c}), nx::s16, {3, 2}, {1, 2, 3, 4, 5, 6});
  auto d = nx::tensor({{7.5}, {8.5}}, {.backend = b()});
  test::expect_tensor<float>(nx::concatenate({a, d}, 1), nx::f32, {2, 3}, {1, 2, 7.5f, 3, 4, 8.5f});
  test::expect_tensor<float>(nx::concatenate({a, d, a}, -1), nx::f32, {2, 5}, {1, 2, 7.5f, 1, 2, 3, 4, 8.5f, 3, 4});
  EXPECT_EQ(nx::concatenate({a}).type(), nx::u8);
  auto x = nx::iota({2, 1}, {.names = {"r", ""}, .backend = b()});
  auto y = nx::iota({2, 2}, {.names = {"", "c"}, .backend = b()});
  EXPECT_EQ(nx::concatenate({x, y}, 1).names(), (nx::Names{"r", "c"}));
  EXPECT_THROW(nx::concatenate({}), nx::ArgumentError);
  EXPECT_THROW(nx::concatenate({a, c}, 1), nx::ArgumentError);
  EXPECT_THROW(nx::concatenate({a, nx::tensor({1, 2}, {.backend = b()})}), nx::ArgumentError);
  EXPECT_THROW(nx::concatenate({a, a}, 2), nx::ArgumentError);
  EXPECT_THROW(nx::concatenate({nx::scalar(1, nx::s32, b()), nx::scalar(2, nx::s32, b())}), nx::ArgumentError);
}

TEST_P(Shapes, Stack) {
  auto a = nx::tensor({1, 2, 3}, {.backend = b()});
  auto c = nx::tensor({4, 5, 6}, {.type = nx::s64, .backend = b()});
  test::expect_tensor<std::int64_t>(nx::stack({a, c}), nx::s64, {2, 3}, {1, 2, 3, 4, 5, 6});
  test::expect_tensor<std::int64_t>(nx::stack({a, c}, 1), nx::s64, {3, 2}, {1, 4, 2, 5, 3, 6});
  test::expect_tensor<std::int64_t>(nx::stack({a, c}, -1), nx::s64, {3, 2}, {1, 4, 2, 5, 3, 6});
  test::expect_tensor<int>(nx::stack({a}), nx::s32, {1, 3}, {1, 2, 3});
  test::expect_tensor<int>(nx::stack({a}, 1), nx::s32, {3, 1}, {1, 2, 3});
  test::expect_tensor<double>(nx::stack({nx::scalar(1, nx::s32, b()), nx::scalar(2.5, nx::f32, b())}), nx::f32, {2},
                              {1, 2.5});
  EXPECT_THROW(nx::stack({a, nx::tensor({1, 2}, {.backend = b()})}), nx::ArgumentError);
  EXPECT_THROW(nx::stack({a, a}, 2), nx::ArgumentError);
  EXPECT_THROW(nx::stack({}), nx::ArgumentError);
}

TEST_P(Shapes, TileSplitRename) {
  auto a = nx::tensor({{1, 2}, {3, 4}}, {.backend = b()});
  test::expect_tensor<int>(nx::tile(a, {1, 2}), nx::s32, {2, 4}, {1, 2, 1, 2, 3, 4, 3, 4});
  test::expect_tensor<int>(nx::tile(a, {2, 1, 1}), nx::s32, {2, 2, 2}, {1, 2, 3, 4, 1, 2, 3, 4});
  test::expect_tensor<int>(nx::tile(nx::tensor({1, 2}, {.backend = b()}), {2}), nx::s32, {4}, {1, 2, 1, 2});
  test::expect_tensor<int>(nx::tile(a, {2}), nx::s32, {2, 4}, {1, 2, 1, 2, 3, 4, 3, 4});
  EXPECT_THROW(nx::tile(a, {0}), nx::ArgumentError);
  // Nx.split: the two sides of a cut, at an index or a fraction of the axis.
  auto t = nx::tensor({{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9, 10, 11}}, {.backend = b()});
  auto [top, bottom] = nx::split(t, 2);
  test::expect_tensor<int>(top, nx::s32, {2, 4}, {0, 1, 2, 3, 4, 5, 6, 7});
  test::expect_tensor<int>(bottom, nx::s32, {1, 4}, {8, 9, 10, 11});
  auto [left, right] = nx::split(t, 2, {.axis = 1});
  test::expect_tensor<int>(left, nx::s32, {3, 2}, {0, 1, 4, 5, 8, 9});
  test::expect_tensor<int>(right, nx::s32, {3, 2}, {2, 3, 6, 7, 10, 11});
  test::expect_tensor<int>(nx::split(t, 0.5).first, nx::s32, {2, 4}, {0, 1, 2, 3, 4, 5, 6, 7});
  auto [l3, r1] = nx::split(t, 0.75, {.axis = 1});
  test::expect_tensor<int>(l3, nx::s32, {3, 3}, {0, 1, 2, 4, 5, 6, 8, 9, 10});
  test::expect_tensor<int>(r1, nx::s32, {3, 1}, {3, 7, 11});
  auto [head, last] = nx::split(nx::tensor({1, 2, 3, 4}, {.backend = b()}), -1);
  test::expect_tensor<int>(head, nx::s32, {3}, {1, 2, 3});
  test::expect_tensor<int>(last, nx::s32, {1}, {4});
  EXPECT_THROW(nx::split(a, 2), nx::ArgumentError);
  EXPECT_THROW(nx::split(a, 0.9), nx::ArgumentError);
  auto r = nx::rename(a, {"x", "y"});
  EXPECT_EQ(r.names(), (nx::Names{"x", "y"}));
  test::expect_tensor<int>(r, nx::s32, {2, 2}, {1, 2, 3, 4});
  EXPECT_TRUE(nx::rename(r, {}).names().empty());
  EXPECT_THROW(nx::rename(a, {"x"}), nx::ArgumentError);
}

NX_ALL_BACKENDS(Shapes);

// ---- randomized comparison of Emily against the reference ----

std::string ctx(const std::string& op, nx::Type t, int i) { return op + " " + nx::to_string(t) + " #" + std::to_string(i); }

Shape random_shape(test::Rng& rng, int min_rank, int max_rank, int max_dim = 4) {
  std::uniform_int_distribution<int> rank(min_rank, max_rank), dim(1, max_dim);
  Shape s(static_cast<std::size_t>(rank(rng)));
  for (auto& d : s) d = dim(rng);
  return s;
}

TEST(ShapeCompare, ReshapeSqueezeTransposeReverse) {
  test::Rng rng(11);
  for (nx::Type type : test::emily_types()) {
    for (int i = 0; i < 4; ++i) {
      Shape s = random_shape(rng, 0, 4);
      auto x = test::random_tensor(rng, type, s);
      test::compare_backends([](const auto& in) { return nx::reshape(nx::transpose(in[0]), {-1}); }, {x},
                             ctx("transpose+reshape", type, i));
      nx::Axes perm(s.size());
      std::iota(perm.begin(), perm.end(), 0);
      std::shuffle(perm.begin(), perm.end(), rng);
      test::compare_backends([perm](const auto& in) { return nx::transpose(in[0], perm); }, {x},
                             ctx("transpose", type, i));
      nx::Axes rev;
      for (int d = 0; d < static_cast<int>(s.size()); ++d)
        if (rng() % 2) rev.push_back(d);
      test::compare_backends([rev](const auto& in) { return nx::reverse(in[0], rev); }, {x}, ctx("reverse", type, i));
      Shape with_ones = s;
      with_ones.insert(with_ones.begin() + static_cast<long>(rng() % (s.size() + 1)), 1);
      test::compare_backends(
          [with_ones](const auto& in) { return nx::squeeze(nx::reshape(in[0], with_ones)); }, {x},
          ctx("reshape+squeeze", type, i));
    }
  }
}

TEST(ShapeCompare, Broadcast) {
  test::Rng rng(12);
  for (nx::Type type : test::emily_types()) {
    auto v = test::random_tensor(rng, type, {3});
    test::compare_backends([](const auto& in) { return nx::broadcast(in[0], {2, 3, 2}, nx::Axes{1}); }, {v},
                           ctx("broadcast axes", type, 0));
    auto m = test::random_tensor(rng, type, {2, 1, 3});
    test::compare_backends([](const auto& in) { return nx::broadcast(in[0], {4, 2, 5, 3}); }, {m},
                           ctx("broadcast default", type, 1));
    test::compare_backends([](const auto& in) { return nx::broadcast(in[0], {2, 3, 4, 3}, nx::Axes{0, 2, 3}); }, {m},
                           ctx("broadcast mid", type, 2));
    auto s = test::random_tensor(rng, type, {});
    test::compare_backends([](const auto& in) { return nx::broadcast(in[0], {2, 2}); }, {s}, ctx("broadcast scalar", type, 3));
  }
}

TEST(ShapeCompare, Pad) {
  test::Rng rng(13);
  std::uniform_int_distribution<int> lohi(-2, 2), inner(0, 2);
  for (nx::Type type : test::emily_types()) {
    for (int i = 0; i < 5; ++i) {
      Shape s = random_shape(rng, 1, 3, 4);
      std::vector<nx::PadConfig> cfg;
      for (auto d : s) {
        nx::PadConfig c;
        do {
          c = {lohi(rng), lohi(rng), inner(rng)};
        } while (d + (d - 1) * c.interior + c.low + c.high < 1);
        cfg.push_back(c);
      }
      auto x = test::random_tensor(rng, type, s);
      test::compare_backends([cfg](const auto& in) { return nx::pad(in[0], 3, cfg); }, {x}, ctx("pad lit", type, i));
      auto v = test::random_tensor(rng, type, {});
      test::compare_backends([cfg](const auto& in) { return nx::pad(in[0], in[1], cfg); }, {x, v},
                             ctx("pad tensor", type, i));
    }
    auto x = test::random_tensor(rng, type, {2, 3});
    auto v = test::random_tensor(rng, nx::f32, {});
    test::compare_backends([](const auto& in) { return nx::pad(in[0], in[1], {{1, -1, 1}, {0, 2, 0}}); }, {x, v},
                           ctx("pad merged type", type, 9));
    test::compare_backends([](const auto& in) { return nx::pad(in[0], 1.5, {{0, 0, 2}, {-1, 0, 0}}); }, {x},
                           ctx("pad float literal", type, 10));
  }
}

TEST(ShapeCompare, ConcatenateStack) {
  test::Rng rng(14);
  const auto& types = test::emily_types();
  for (std::size_t k = 0; k < types.size(); ++k) {
    nx::Type ta = types[k], tb = types[(k + 5) % types.size()];
    for (int axis = 0; axis < 3; ++axis) {
      Shape sa{2, 3, 2}, sb{2, 3, 2};
      sb[static_cast<std::size_t>(axis)] = 1 + static_cast<std::int64_t>(rng() % 3);
      auto a = test::random_tensor(rng, ta, sa, {.lo = 0, .hi = 100});
      auto c = test::random_tensor(rng, tb, sb, {.lo = 0, .hi = 100});
      test::compare_backends([axis](const auto& in) { return nx::concatenate({in[0], in[1], in[0]}, axis); }, {a, c},
                             ctx("concatenate", ta, axis));
      auto d = test::random_tensor(rng, tb, sa, {.lo = 0, .hi = 100});
      test::compare_backends([axis](const auto& in) { return nx::stack({in[0], in[1]}, axis); }, {a, d},
                             ctx("stack", ta, axis));
    }
    auto s1 = test::random_tensor(rng, ta, {}), s2 = test::random_tensor(rng, ta, {});
    test::compare_backends([](const auto& in) { return nx::stack({in[0], in[1], in[0]}); }, {s1, s2},
                           ctx("stack scalars", ta, 0));
  }
}

TEST(ShapeCompare, Scalars) {
  test::Rng rng(16);
  for (nx::Type type : test::emily_types()) {
    auto x = test::random_tensor(rng, type, {});
    auto v = test::random_tensor(rng, nx::s8, {});
    test::compare_backends([](const auto& in) { return nx::pad(in[0], in[1], {}); }, {x, v}, ctx("pad scalar", type, 0));
    test::compare_backends([](const auto& in) { return nx::reshape(in[0], {1, 1, 1}); }, {x}, ctx("reshape scalar", type, 0));
    test::compare_backends([](const auto& in) { return nx::new_axis(in[0], 0); }, {x}, ctx("new_axis scalar", type, 0));
    test::compare_backends([](const auto& in) { return nx::concatenate({nx::new_axis(in[0], 0), nx::new_axis(in[1], 0)}); },
                           {x, v}, ctx("concatenate scalars", type, 0));
  }
}

TEST(ShapeCompare, TileAndSplit) {
  test::Rng rng(15);
  for (nx::Type type : test::emily_types()) {
    auto x = test::random_tensor(rng, type, {2, 3});
    test::compare_backends([](const auto& in) { return nx::tile(in[0], {2, 1, 2}); }, {x}, ctx("tile", type, 0));
    test::compare_backends([](const auto& in) { return nx::split(in[0], 2, {.axis = 1}).second; }, {x},
                           ctx("split", type, 0));
  }
}

}  // namespace

TEST(SliceOverloads, SingleElementBraceListsAreStaticStarts) {
  auto t = nx::iota({4});
  test::expect_tensor<int>(nx::slice(t, {1}, {2}), nx::s32, {2}, {1, 2});
  test::expect_tensor<int>(nx::put_slice(t, {2}, nx::tensor({9})), nx::s32, {4}, {0, 1, 9, 3});
}
