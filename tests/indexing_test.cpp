// Slicing, gathering and scattering: slice, put_slice, gather, indexed_add,
// indexed_put, the take blocks and the front-end compositions.
#include <algorithm>
#include <limits>

#include "compare_util.hpp"

namespace {

using nx::Shape;

class Indexing : public test::BackendTest {
 protected:
  nx::Tensor s(long long v, nx::Type type = nx::s32) const { return nx::scalar(v, type, b()); }
};

TEST_P(Indexing, SliceWorkedExamples) {
  auto t = nx::iota({3, 3}, {.backend = b()});
  test::expect_tensor<int>(nx::slice(t, {2, 2}, {2, 2}), nx::s32, {2, 2}, {4, 5, 7, 8});
  test::expect_tensor<int>(nx::slice(t, {s(2), s(2)}, {2, 2}), nx::s32, {2, 2}, {4, 5, 7, 8});
  auto big = nx::iota({2, 15, 30}, {.backend = b()});
  test::expect_tensor<int>(nx::slice(big, {0, 4, 11}, {2, 3, 9}, {.strides = {2, 1, 3}}), nx::s32, {1, 3, 3},
                           {131, 134, 137, 161, 164, 167, 191, 194, 197});
  auto m = nx::tensor({{1, 2}, {3, 4}, {5, 6}}, {.backend = b()});
  test::expect_tensor<int>(nx::slice(m, {0, 0}, {3, 2}, {.strides = {2, 2}}), nx::s32, {2, 1}, {1, 5});
}

TEST_P(Indexing, SliceClampsStarts) {
  auto t = nx::iota({3, 3}, {.backend = b()});
  test::expect_tensor<int>(nx::slice(t, {-5, 7}, {1, 2}), nx::s32, {1, 2}, {1, 2});
  test::expect_tensor<int>(nx::slice(t, {s(-5), s(7)}, {1, 2}), nx::s32, {1, 2}, {1, 2});
  test::expect_tensor<int>(nx::slice(t, {s(200, nx::u8), s(-100, nx::s8)}, {2, 1}), nx::s32, {2, 1}, {3, 6});
  test::expect_tensor<int>(nx::slice(t, {s(1, nx::u64), s(1, nx::s64)}, {2, 2}, {.strides = {1, 2}}), nx::s32,
                           {2, 1}, {4, 7});
  test::expect_tensor<int>(
      nx::slice(t, {nx::scalar(~0ull, nx::u64, b()), nx::scalar(std::numeric_limits<long long>::min(), nx::s64, b())},
                {2, 2}),
      nx::s32, {2, 2}, {3, 4, 6, 7});
  test::expect_tensor<int>(nx::slice_along_axis(t, 1, 2, -1), nx::s32, {3, 2}, {1, 2, 4, 5, 7, 8});
  test::expect_tensor<int>(nx::slice_along_axis(nx::iota({7}, {.backend = b()}), 1, 6, 0, 2), nx::s32, {3}, {1, 3, 5});
  auto names = nx::slice(nx::rename(t, {"r", "c"}), {0, 0}, {1, 1});
  EXPECT_EQ(names.names(), (nx::Names{"r", "c"}));
  test::expect_tensor<int>(nx::slice(nx::scalar(4, nx::s32, b()), std::vector<std::int64_t>{}, {}), nx::s32, {}, {4});
}

TEST_P(Indexing, SliceErrors) {
  auto t = nx::iota({3, 3}, {.backend = b()});
  EXPECT_THROW(nx::slice(t, std::vector<std::int64_t>{0}, {1}), nx::ArgumentError);
  EXPECT_THROW(nx::slice(t, {0, 0}, {4, 1}), nx::ArgumentError);
  EXPECT_THROW(nx::slice(t, {0, 0}, {0, 1}), nx::ArgumentError);
  EXPECT_THROW(nx::slice(t, {0, 0}, {1, 1}, {.strides = {1, 0}}), nx::ArgumentError);
  EXPECT_THROW(nx::slice(t, {0, 0}, {1, 1}, {.strides = {1, 1, 1}}), nx::ArgumentError);
  EXPECT_THROW(nx::slice(t, {s(0), nx::scalar(1.0, nx::f32, b())}, {1, 1}), nx::ArgumentError);
  EXPECT_THROW(nx::slice(t, {s(0), nx::tensor({1}, {.backend = b()})}, {1, 1}), nx::ArgumentError);
  EXPECT_THROW(nx::slice(t, std::vector<nx::Tensor>{}, {1, 1}), nx::ArgumentError);
  EXPECT_THROW(nx::slice_along_axis(t, 0, 1, 2), nx::ArgumentError);
}

TEST_P(Indexing, PutSlice) {
  auto t = nx::tensor({{1, 2, 3}, {4, 5, 6}}, {.backend = b()});
  auto p = nx::tensor({{7, 8}, {9, 10}}, {.backend = b()});
  test::expect_tensor<int>(nx::put_slice(t, {1, 1}, p), nx::s32, {2, 3}, {1, 7, 8, 4, 9, 10});
  test::expect_tensor<int>(nx::put_slice(t, {s(1), s(1)}, p), nx::s32, {2, 3}, {1, 7, 8, 4, 9, 10});
  auto f = nx::tensor({{10.0, 11.0}}, {.backend = b()});
  test::expect_tensor<float>(nx::put_slice(t, {s(0), s(1)}, f), nx::f32, {2, 3}, {1, 10, 11, 4, 5, 6});
  test::expect_tensor<int>(nx::put_slice(t, {s(-3), s(9, nx::u8)}, p), nx::s32, {2, 3},
                           {1, 7, 8, 4, 9, 10});
  test::expect_tensor<int>(nx::put_slice(t, {-1, -1}, nx::tensor({{0}}, {.backend = b()})), nx::s32, {2, 3},
                           {0, 2, 3, 4, 5, 6});
  auto u = nx::tensor({1, 2, 3}, {.type = nx::u8, .backend = b()});
  test::expect_tensor<int>(nx::put_slice(u, std::vector<std::int64_t>{2}, nx::tensor({-1}, {.type = nx::s8, .backend = b()})), nx::s16, {3},
                           {1, 2, -1});
  test::expect_tensor<int>(nx::put_slice(nx::scalar(1, nx::u8, b()), std::vector<std::int64_t>{}, s(9)), nx::s32, {},
                           {9});
  EXPECT_THROW(nx::put_slice(t, {0, 0}, nx::tensor({1, 2}, {.backend = b()})), nx::ArgumentError);
  EXPECT_THROW(nx::put_slice(t, {0, 0}, nx::iota({3, 1}, {.backend = b()})), nx::ArgumentError);
  EXPECT_THROW(nx::put_slice(t, std::vector<std::int64_t>{0}, p), nx::ArgumentError);
  EXPECT_THROW(nx::put_slice(t, {s(0), nx::scalar(0.0, nx::f32, b())}, p), nx::ArgumentError);
}

TEST_P(Indexing, Gather) {
  auto t = nx::tensor({{1, 2}, {3, 4}}, {.backend = b()});
  test::expect_tensor<int>(nx::gather(t, nx::tensor({{1, 1}, {0, 1}, {1, 0}}, {.backend = b()})), nx::s32, {3},
                           {4, 2, 3});
  auto u = nx::tensor({{1, 2, 3}, {3, 4, 5}}, {.backend = b()});
  test::expect_tensor<int>(nx::gather(u, nx::tensor({{1}, {0}}, {.backend = b()})), nx::s32, {2, 3},
                           {3, 4, 5, 1, 2, 3});
  auto v = nx::tensor({{1, 2, 3}, {4, 5, 6}}, {.backend = b()});
  test::expect_tensor<int>(nx::gather(v, nx::tensor({{1}, {0}, {2}, {1}}, {.backend = b()}), {.axes = nx::Axes{1}}),
                           nx::s32, {4, 2}, {2, 5, 1, 4, 3, 6, 2, 5});
  auto w = nx::iota({2, 1, 3}, {.backend = b()});
  test::expect_tensor<int>(nx::gather(w, nx::tensor({{{1}, {0}, {2}}}, {.backend = b()}), {.axes = nx::Axes{-1}}),
                           nx::s32, {1, 3, 2, 1}, {1, 4, 0, 3, 2, 5});
  test::expect_tensor<int>(nx::gather(t, nx::tensor({1, 0}, {.type = nx::u8, .backend = b()})), nx::s32, {}, {3});
  auto named = nx::gather(nx::rename(v, {"r", "c"}), nx::tensor({{1}}, {.names = {"i", ""}, .backend = b()}));
  EXPECT_EQ(named.names(), (nx::Names{"i", "c"}));
  EXPECT_THROW(nx::gather(t, nx::tensor({{0.0, 1.0}}, {.backend = b()})), nx::ArgumentError);
  EXPECT_THROW(nx::gather(t, nx::tensor({{0, 1, 0}}, {.backend = b()})), nx::ArgumentError);
  EXPECT_THROW(nx::gather(t, nx::tensor({{0, 1}}, {.backend = b()}), {.axes = nx::Axes{1, 0}}), nx::ArgumentError);
  EXPECT_THROW(nx::gather(t, nx::tensor({{0, 1}}, {.backend = b()}), {.axes = nx::Axes{0}}), nx::ArgumentError);
  EXPECT_THROW(nx::gather(t, nx::scalar(0, nx::s32, b())), nx::ArgumentError);
}

TEST_P(Indexing, IndexedAddAndPut) {
  auto t = nx::iota({1, 2, 3}, {.backend = b()});
  auto idx = nx::tensor({{0, 0, 0}, {0, 1, 1}, {0, 0, 0}, {0, 0, 2}, {0, 1, 2}}, {.backend = b()});
  test::expect_tensor<int>(nx::indexed_add(t, idx, nx::tensor({1, 3, 1, -2, 5}, {.backend = b()})), nx::s32,
                           {1, 2, 3}, {2, 1, 0, 3, 7, 10});
  auto col = nx::tensor({{1}, {2}}, {.backend = b()});
  auto row = nx::tensor({1, 0}, {.backend = b()});
  test::expect_tensor<int>(nx::indexed_add(col, row, s(8)), nx::s32, {2, 1}, {1, 10});
  test::expect_tensor<int>(nx::indexed_put(col, row, s(10)), nx::s32, {2, 1}, {1, 10});
  test::expect_tensor<int>(nx::indexed_put(t, nx::tensor({{0, 0}, {0, 2}}, {.backend = b()}),
                                           nx::tensor({{0, 30}, {20, 50}}, {.backend = b()}), {.axes = nx::Axes{0, 2}}),
                           nx::s32, {1, 2, 3}, {0, 1, 20, 30, 4, 50});
  test::expect_tensor<int>(nx::indexed_put(nx::iota({1, 3, 2}, {.backend = b()}),
                                           nx::tensor({{0, 0}, {0, 2}}, {.backend = b()}),
                                           nx::tensor({{0, 10}, {40, 50}}, {.backend = b()})),
                           nx::s32, {1, 3, 2}, {0, 10, 2, 3, 40, 50});
  // Windows smaller than the axis start at 0 on the non-indexed axes.
  test::expect_tensor<int>(nx::indexed_add(nx::iota({2, 3}, {.backend = b()}), nx::tensor({{1}}, {.backend = b()}),
                                           nx::tensor({{10, 20}}, {.backend = b()})),
                           nx::s32, {2, 3}, {0, 1, 2, 13, 24, 5});
}

TEST_P(Indexing, IndexedTypesAndDuplicates) {
  auto u = nx::tensor({250, 1}, {.type = nx::u8, .backend = b()});
  auto i0 = nx::tensor({{0}, {0}}, {.backend = b()});
  test::expect_tensor<int>(nx::indexed_add(u, i0, nx::tensor({5, 6}, {.type = nx::u8, .backend = b()})), nx::u8, {2},
                           {5, 1});
  test::expect_tensor<int>(nx::indexed_add(u, i0, nx::tensor({-1, 2}, {.type = nx::s8, .backend = b()})), nx::s16, {2},
                           {251, 1});
  test::expect_tensor<float>(nx::indexed_add(u, i0, nx::tensor({0.5, 0.25}, {.backend = b()})), nx::f32, {2},
                             {250.75f, 1});
  // indexed_put keeps the last row for repeated positions.
  auto idx = nx::tensor({{1}, {0}, {1}, {1}}, {.backend = b()});
  test::expect_tensor<int>(nx::indexed_put(nx::tensor({0, 0, 0}, {.backend = b()}), idx,
                                           nx::tensor({1, 2, 3, 4}, {.backend = b()})),
                           nx::s32, {3}, {2, 4, 0});
  auto m = nx::iota({3, 2}, {.backend = b()});
  test::expect_tensor<int>(nx::indexed_put(m, nx::tensor({{2}, {2}, {0}}, {.backend = b()}),
                                           nx::tensor({{1, 2}, {3, 4}, {5, 6}}, {.backend = b()})),
                           nx::s32, {3, 2}, {5, 6, 2, 3, 3, 4});
}

TEST_P(Indexing, IndexedErrors) {
  auto t = nx::iota({2, 3}, {.backend = b()});
  auto idx = nx::tensor({{0, 1}}, {.backend = b()});
  EXPECT_THROW(nx::indexed_add(t, nx::tensor({{0.0, 1.0}}, {.backend = b()}), s(1)), nx::ArgumentError);
  EXPECT_THROW(nx::indexed_add(t, idx, nx::tensor({1, 2}, {.backend = b()})), nx::ArgumentError);
  EXPECT_THROW(nx::indexed_put(t, idx, nx::tensor({{1}}, {.backend = b()})), nx::ArgumentError);
  EXPECT_THROW(nx::indexed_put(t, nx::tensor({{0}}, {.backend = b()}), nx::tensor({{1, 2, 3, 4}}, {.backend = b()})),
               nx::ArgumentError);
  EXPECT_THROW(nx::indexed_put(t, nx::tensor({{{0}}}, {.backend = b()}), s(1)), nx::ArgumentError);
  EXPECT_THROW(nx::indexed_put(t, idx, s(1), {.axes = nx::Axes{1, 0}}), nx::ArgumentError);
  EXPECT_THROW(nx::indexed_put(t, nx::tensor({{0, 1, 0}}, {.backend = b()}), s(1)), nx::ArgumentError);
}

TEST_P(Indexing, TakeAndTakeAlongAxis) {
  auto t = nx::tensor({{1, 2}, {11, 12}}, {.backend = b()});
  auto idx = nx::tensor({{0, 0}, {1, 1}, {0, 0}}, {.backend = b()});
  test::expect_tensor<int>(nx::take(t, idx, 1), nx::s32, {2, 3, 2}, {1, 1, 2, 2, 1, 1, 11, 11, 12, 12, 11, 11});
  test::expect_tensor<int>(nx::take(t, nx::tensor({1, 0, 1}, {.backend = b()})), nx::s32, {3, 2},
                           {11, 12, 1, 2, 11, 12});
  test::expect_tensor<int>(nx::take(t, s(1), 1), nx::s32, {2}, {2, 12});
  auto c = nx::iota({2, 3, 2}, {.backend = b()});
  test::expect_tensor<int>(nx::take(c, nx::tensor({2, 0}, {.type = nx::u8, .backend = b()}), 1), nx::s32, {2, 2, 2},
                           {4, 5, 0, 1, 10, 11, 6, 7});
  auto m = nx::tensor({{1, 2, 3}, {4, 5, 6}}, {.backend = b()});
  test::expect_tensor<int>(nx::take_along_axis(m, nx::tensor({{0, 1, 1}, {1, 0, 0}, {0, 1, 0}}, {.backend = b()}), 0),
                           nx::s32, {3, 3}, {1, 5, 6, 4, 2, 3, 1, 5, 3});
  test::expect_tensor<int>(nx::take_along_axis(m, nx::tensor({{2, 0}, {1, 1}}, {.type = nx::s8, .backend = b()}), -1),
                           nx::s32, {2, 2}, {3, 1, 5, 5});
  test::expect_tensor<int>(nx::take_along_axis(nx::tensor({5, 6, 7}, {.backend = b()}),
                                               nx::tensor({2, 2, 0, 1}, {.backend = b()}), 0),
                           nx::s32, {4}, {7, 7, 5, 6});
  EXPECT_THROW(nx::take(t, nx::tensor({0.0}, {.backend = b()})), nx::ArgumentError);
  EXPECT_THROW(nx::take(t, idx, 2), nx::ArgumentError);
  EXPECT_THROW(nx::take_along_axis(m, nx::tensor({0, 1}, {.backend = b()}), 0), nx::ArgumentError);
  EXPECT_THROW(nx::take_along_axis(m, nx::tensor({{0}, {1}, {0}}, {.backend = b()}), 1), nx::ArgumentError);
}

TEST_P(Indexing, Diagonals) {
  auto m = nx::iota({3, 3}, {.backend = b()});
  test::expect_tensor<int>(nx::take_diagonal(m), nx::s32, {3}, {0, 4, 8});
  test::expect_tensor<int>(nx::take_diagonal(m, 1), nx::s32, {2}, {1, 5});
  test::expect_tensor<int>(nx::take_diagonal(m, -2), nx::s32, {1}, {6});
  test::expect_tensor<int>(nx::take_diagonal(nx::iota({2, 2, 3}, {.backend = b()})), nx::s32, {2, 2}, {0, 4, 6, 10});
  EXPECT_THROW(nx::take_diagonal(m, 3), nx::ArgumentError);
  EXPECT_THROW(nx::take_diagonal(m, -3), nx::ArgumentError);
  EXPECT_THROW(nx::take_diagonal(nx::iota({3}, {.backend = b()})), nx::ArgumentError);
  // Nx puts the values into an s32 zero matrix: u8 values give s32.
  auto v = nx::tensor({1, 2}, {.type = nx::u8, .backend = b()});
  test::expect_tensor<int>(nx::make_diagonal(v), nx::s32, {2, 2}, {1, 0, 0, 2});
  test::expect_tensor<int>(nx::make_diagonal(v, 1), nx::s32, {3, 3}, {0, 1, 0, 0, 0, 2, 0, 0, 0});
  test::expect_tensor<int>(nx::make_diagonal(v, -1), nx::s32, {3, 3}, {0, 0, 0, 1, 0, 0, 0, 2, 0});
  EXPECT_THROW(nx::make_diagonal(nx::scalar(1, nx::s32, b())), nx::ArgumentError);
  EXPECT_THROW(nx::make_diagonal(nx::iota({2, 2}, {.backend = b()})), nx::ArgumentError);
}

TEST_P(Indexing, Triangles) {
  auto m = nx::tensor({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}, {.type = nx::u16, .backend = b()});
  test::expect_tensor<int>(nx::tril(m), nx::u16, {3, 3}, {1, 0, 0, 4, 5, 0, 7, 8, 9});
  test::expect_tensor<int>(nx::tril(m, 1), nx::u16, {3, 3}, {1, 2, 0, 4, 5, 6, 7, 8, 9});
  test::expect_tensor<int>(nx::triu(m), nx::u16, {3, 3}, {1, 2, 3, 0, 5, 6, 0, 0, 9});
  test::expect_tensor<int>(nx::triu(m, -1), nx::u16, {3, 3}, {1, 2, 3, 4, 5, 6, 0, 8, 9});
  auto batch = nx::iota({2, 2, 2}, {.type = nx::f32, .backend = b()});
  test::expect_tensor<float>(nx::triu(batch), nx::f32, {2, 2, 2}, {0, 1, 0, 3, 4, 5, 0, 7});
  EXPECT_THROW(nx::tril(nx::iota({3}, {.backend = b()})), nx::ArgumentError);
}

// Out-of-range indices: the reference backend raises (Nx's reference does).
TEST(IndexingReference, RaisesOnOutOfBoundsIndices) {
  auto b = [] { return nx::binary_backend(); };
  auto s = [&](long long v) { return nx::scalar(v, nx::s32, b()); };
  auto t = nx::tensor({{1, 2}, {3, 4}}, {.backend = b()});
  try {
    (void)nx::gather(t, nx::tensor({{3, -10}}, {.backend = b()}));
    FAIL() << "expected ArgumentError";
  } catch (const nx::ArgumentError& e) {
    EXPECT_EQ(std::string(e.what()), "gather: index 3 is out of bounds for axis 0 in shape {2, 2}");
  }
  try {
    (void)nx::gather(t, nx::tensor({{0, -1}}, {.backend = b()}));
    FAIL() << "expected ArgumentError";
  } catch (const nx::ArgumentError& e) {
    EXPECT_EQ(std::string(e.what()), "gather: index -1 is out of bounds for axis 1 in shape {2, 2}");
  }
  EXPECT_THROW(nx::indexed_add(t, nx::tensor({2, 0}, {.backend = b()}), s(1)), nx::ArgumentError);
  EXPECT_THROW(nx::indexed_put(t, nx::tensor({0, -1}, {.backend = b()}), s(1)), nx::ArgumentError);
  EXPECT_THROW(nx::take(t, nx::tensor({2}, {.backend = b()})), nx::ArgumentError);
  try {
    (void)nx::take_along_axis(t, nx::tensor({{0, ~0ull}}, {.type = nx::u64, .backend = b()}), 0);
    FAIL() << "expected ArgumentError";
  } catch (const nx::ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("index 18446744073709551615 is out of bounds for axis 0"), std::string::npos)
        << e.what();
  }
}

// Out-of-range indices on Emily: gather/take/take_along_axis clamp each
// index into [0, dim - 1]; indexed_add/indexed_put drop the offending rows.
class EmilyIndexing : public ::testing::TestWithParam<nx::BackendPtr> {
 protected:
  nx::BackendPtr b() const { return GetParam(); }
  nx::Tensor t22() const { return nx::tensor({{1, 2}, {3, 4}}, {.backend = b()}); }
};

TEST_P(EmilyIndexing, GatherClampsIndices) {
  test::expect_tensor<int>(nx::gather(t22(), nx::tensor({{3, -10}, {0, -1}, {1, 7}}, {.backend = b()})), nx::s32, {3},
                           {3, 1, 4});
  auto big = nx::tensor({{std::uint64_t{1} << 63, 0}, {~std::uint64_t{0}, 5}}, {.type = nx::u64, .backend = b()});
  test::expect_tensor<int>(nx::gather(t22(), big), nx::s32, {2}, {3, 4});
  test::expect_tensor<int>(nx::gather(nx::iota({2, 3}, {.backend = b()}), nx::tensor({{-4}, {9}}, {.type = nx::s8, .backend = b()}),
                                      {.axes = nx::Axes{1}}),
                           nx::s32, {2, 2}, {0, 3, 2, 5});
}

TEST_P(EmilyIndexing, TakeClampsIndices) {
  test::expect_tensor<int>(nx::take(t22(), nx::tensor({5, -1, 1}, {.backend = b()}), 1), nx::s32, {2, 3},
                           {2, 1, 2, 4, 3, 4});
  test::expect_tensor<int>(nx::take(t22(), nx::tensor({200}, {.type = nx::u8, .backend = b()})), nx::s32, {1, 2},
                           {3, 4});
  test::expect_tensor<int>(nx::take_along_axis(t22(), nx::tensor({{9, -9}}, {.type = nx::s64, .backend = b()}), 0),
                           nx::s32, {1, 2}, {3, 2});
}

TEST_P(EmilyIndexing, IndexedOpsDropOutOfRangeRows) {
  auto idx = nx::tensor({{0, 1}, {2, 0}, {1, -1}, {1, 1}, {-1, 0}}, {.backend = b()});
  auto upd = nx::tensor({10, 20, 30, 40, 50}, {.backend = b()});
  test::expect_tensor<int>(nx::indexed_add(t22(), idx, upd), nx::s32, {2, 2}, {1, 12, 3, 44});
  test::expect_tensor<int>(nx::indexed_put(t22(), idx, upd), nx::s32, {2, 2}, {1, 10, 3, 40});
  // Out of range on a later axis, with windows; u64 indices beyond int64.
  auto m = nx::iota({2, 3}, {.backend = b()});
  auto rows = nx::tensor({{std::uint64_t{1} << 63}, {1}, {2}}, {.type = nx::u64, .backend = b()});
  auto win = nx::tensor({{7, 7}, {8, 9}, {6, 6}}, {.backend = b()});
  test::expect_tensor<int>(nx::indexed_put(m, rows, win), nx::s32, {2, 3}, {0, 1, 2, 8, 9, 5});
  test::expect_tensor<int>(nx::indexed_add(m, rows, win), nx::s32, {2, 3}, {0, 1, 2, 11, 13, 5});
  auto cols = nx::tensor({{0}, {3}, {2}}, {.backend = b()});
  test::expect_tensor<int>(nx::indexed_put(m, cols, nx::tensor({{1, 1}, {2, 2}, {3, 3}}, {.backend = b()}),
                                           {.axes = nx::Axes{1}}),
                           nx::s32, {2, 3}, {1, 1, 3, 1, 4, 3});
}

TEST_P(EmilyIndexing, IndexedPutLastRowWinsWithManyDuplicates) {
  const int n = 200;
  std::vector<std::int64_t> pos(n), val(n);
  for (int i = 0; i < n; ++i) {
    pos[static_cast<std::size_t>(i)] = (i * 7) % 5;
    val[static_cast<std::size_t>(i)] = i;
  }
  auto idx = nx::reshape(nx::tensor(pos, {.backend = b()}), {n, 1});
  auto r = nx::indexed_put(nx::tensor({-1, -1, -1, -1, -1, -1}, {.type = nx::s64, .backend = b()}), idx,
                           nx::tensor(val, {.backend = b()}));
  // Last i with 7i mod 5 == p, for p = 0..4; position 5 untouched.
  test::expect_tensor<std::int64_t>(r, nx::s64, {6}, {195, 198, 196, 199, 197, -1});
}

TEST_P(EmilyIndexing, TakeIsNativeAndNothingFallsBack) {
  int fallbacks = 0;
  auto id = emily::telemetry::attach("emily.fallback", [&](const emily::telemetry::Event& e) {
    if (e.phase == emily::telemetry::Phase::start) ++fallbacks;
  });
  nx::detail::ComposedRecorder rec;
  for (nx::Type type : test::emily_types()) {
    auto x = nx::as_type(nx::iota({2, 3}, {.backend = b()}), type);
    auto i = nx::tensor({{1, 0}}, {.backend = b()});
    auto one = nx::reshape(nx::slice(x, {0, 0}, {1, 1}), {1});
    for (auto r : {nx::take(x, nx::tensor({2, 0}, {.backend = b()}), 1),
                   nx::take_along_axis(x, nx::tensor({{1, 0}, {2, 2}}, {.backend = b()}), 1),
                   nx::gather(x, i), nx::slice(x, {nx::scalar(1, nx::s32, b()), nx::scalar(1, nx::s32, b())}, {1, 2}),
                   nx::put_slice(x, {0, 1}, nx::slice(x, {0, 0}, {2, 2})), nx::indexed_add(x, i, one),
                   nx::indexed_put(x, i, one), nx::pad(x, 1, {{1, -1, 1}, {-1, 2, 2}}),
                   nx::concatenate({x, x}, 1), nx::stack({x, x}), nx::reverse(x), nx::transpose(x),
                   nx::broadcast(x, {2, 2, 3}), nx::squeeze(nx::new_axis(x, 0))})
      (void)nx::to_binary(r);
  }
  emily::telemetry::detach(id);
  EXPECT_EQ(fallbacks, 0);
  EXPECT_TRUE(rec.blocks().empty());
}

INSTANTIATE_TEST_SUITE_P(Emily, EmilyIndexing, ::testing::ValuesIn(test::emily_backends()),
                         [](const auto& info) { return info.param->device_name(); });

TEST(IndexingBlocks, ReferenceComposesTakeWithGather) {
  auto t = nx::iota({2, 3}, {.backend = nx::binary_backend()});
  nx::detail::ComposedRecorder rec;
  (void)nx::take(t, nx::tensor({1}, {.backend = nx::binary_backend()}), 1);
  (void)nx::take_along_axis(t, nx::tensor({{1}, {0}}, {.backend = nx::binary_backend()}), 1);
  EXPECT_EQ(rec.blocks(), (std::vector<std::string>{"take", "take_along_axis"}));
}

TEST(IndexingFrontEnd, Tri) {
  test::expect_tensor<int>(nx::tri(3, 3), nx::u8, {3, 3}, {1, 0, 0, 1, 1, 0, 1, 1, 1});
  test::expect_tensor<int>(nx::tri(2, 3, 1), nx::u8, {2, 3}, {1, 1, 0, 1, 1, 1});
  test::expect_tensor<int>(nx::tri(3, 2, -1), nx::u8, {3, 2}, {0, 0, 1, 0, 1, 1});
  EXPECT_THROW(nx::tri(0, 2), nx::ArgumentError);
}

NX_ALL_BACKENDS(Indexing);

// ---- randomized comparison of Emily against the reference ----

std::string ctx(const std::string& op, nx::Type t, int i) { return op + " " + nx::to_string(t) + " #" + std::to_string(i); }

// An index tensor of `shape` (last dim = axes.size()) with column j drawn in
// [lo, dims[axes[j]] - 1 + hi_extra], of the given integer type.
nx::Tensor random_indices(test::Rng& rng, nx::Type type, Shape shape, const Shape& dims, const nx::AxisIndices& axes) {
  const std::size_t k = axes.size();
  const std::int64_t n = nx::shape_size(shape);
  std::vector<std::int64_t> v(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    auto dim = dims[static_cast<std::size_t>(axes[static_cast<std::size_t>(i) % k])];
    v[static_cast<std::size_t>(i)] = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(dim));
  }
  auto t = nx::tensor(v, {.backend = nx::binary_backend()});
  return nx::as_type(nx::reshape(t, shape), type);
}

nx::AxisIndices random_axes(test::Rng& rng, int rank) {
  nx::AxisIndices axes;
  while (axes.empty())
    for (int d = 0; d < rank; ++d)
      if (rng() % 2) axes.push_back(d);
  return axes;
}

const std::vector<nx::Type>& index_types() { return test::emily_int_types(); }

TEST(IndexingCompare, SliceStatic) {
  test::Rng rng(21);
  for (nx::Type type : test::emily_types()) {
    for (int i = 0; i < 4; ++i) {
      Shape s{1 + static_cast<std::int64_t>(rng() % 5), 1 + static_cast<std::int64_t>(rng() % 5), 2};
      std::vector<std::int64_t> starts, lengths, strides;
      for (auto d : s) {
        starts.push_back(static_cast<std::int64_t>(rng() % 9) - 3);  // some out of range
        lengths.push_back(1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(d)));
        strides.push_back(1 + static_cast<std::int64_t>(rng() % 3));
      }
      auto x = test::random_tensor(rng, type, s);
      test::compare_backends(
          [=](const auto& in) { return nx::slice(in[0], starts, lengths, {.strides = strides}); }, {x},
          ctx("slice", type, i));
    }
  }
}

TEST(IndexingCompare, SliceDynamic) {
  test::Rng rng(22);
  for (nx::Type type : test::emily_types()) {
    for (int i = 0; i < 4; ++i) {
      nx::Type it = index_types()[static_cast<std::size_t>(rng() % index_types().size())];
      Shape s{4, 3, 5};
      std::vector<std::int64_t> lengths{2, 3, 1 + static_cast<std::int64_t>(rng() % 5)}, strides{2, 1, 1 + static_cast<std::int64_t>(rng() % 2)};
      auto x = test::random_tensor(rng, type, s);
      std::vector<nx::Tensor> in{x};
      for (int d = 0; d < 3; ++d)
        in.push_back(test::random_tensor(rng, it, {}, {.lo = -20, .hi = 200}));
      test::compare_backends(
          [=](const auto& v) { return nx::slice(v[0], {v[1], v[2], v[3]}, lengths, {.strides = strides}); }, in,
          ctx("slice dynamic starts " + nx::to_string(it), type, i));
    }
  }
}

TEST(IndexingCompare, PutSlice) {
  test::Rng rng(23);
  const auto& types = test::emily_types();
  for (std::size_t k = 0; k < types.size(); ++k) {
    nx::Type ta = types[k], tb = types[(k + 3) % types.size()];
    for (int i = 0; i < 3; ++i) {
      Shape s{3, 4}, u{1 + static_cast<std::int64_t>(rng() % 3), 1 + static_cast<std::int64_t>(rng() % 4)};
      auto x = test::random_tensor(rng, ta, s, {.lo = 0, .hi = 100});
      auto y = test::random_tensor(rng, tb, u, {.lo = 0, .hi = 100});
      std::vector<std::int64_t> starts{static_cast<std::int64_t>(rng() % 7) - 2, static_cast<std::int64_t>(rng() % 7) - 2};
      test::compare_backends([=](const auto& in) { return nx::put_slice(in[0], starts, in[1]); }, {x, y},
                             ctx("put_slice", ta, i));
      nx::Type it = index_types()[static_cast<std::size_t>(rng() % index_types().size())];
      auto s0 = test::random_tensor(rng, it, {}, {.lo = -5, .hi = 9});
      auto s1 = test::random_tensor(rng, it, {}, {.lo = -5, .hi = 9});
      test::compare_backends([=](const auto& in) { return nx::put_slice(in[0], {in[2], in[3]}, in[1]); },
                             {x, y, s0, s1}, ctx("put_slice dynamic", ta, i));
    }
  }
}

TEST(IndexingCompare, Gather) {
  test::Rng rng(24);
  for (nx::Type type : test::emily_types()) {
    for (int i = 0; i < 4; ++i) {
      Shape s{2 + static_cast<std::int64_t>(rng() % 3), 1 + static_cast<std::int64_t>(rng() % 3), 3};
      if (i == 3) s = {5};
      auto axes = random_axes(rng, static_cast<int>(s.size()));
      Shape ishape;
      for (int d = 0, r = static_cast<int>(rng() % 3); d < r; ++d) ishape.push_back(1 + static_cast<std::int64_t>(rng() % 3));
      ishape.push_back(static_cast<std::int64_t>(axes.size()));
      nx::Type it = index_types()[static_cast<std::size_t>(rng() % index_types().size())];
      auto x = test::random_tensor(rng, type, s);
      auto idx = random_indices(rng, it, ishape, s, axes);
      test::compare_backends([=](const auto& in) { return nx::gather(in[0], in[1], {.axes = axes}); }, {x, idx},
                             ctx("gather", type, i));
    }
  }
}

TEST(IndexingCompare, IndexedAddAndPut) {
  test::Rng rng(25);
  const auto& types = test::emily_types();
  for (std::size_t k = 0; k < types.size(); ++k) {
    for (int i = 0; i < 4; ++i) {
      nx::Type ta = types[k], tb = i % 2 ? types[(k + 7) % types.size()] : ta;
      Shape s{2 + static_cast<std::int64_t>(rng() % 3), 1 + static_cast<std::int64_t>(rng() % 3), 3};
      auto axes = random_axes(rng, 3);
      const std::int64_t n = 1 + static_cast<std::int64_t>(rng() % 6);
      Shape ushape{n};
      for (int d = 0; d < 3; ++d)
        if (std::find(axes.begin(), axes.end(), d) == axes.end())
          ushape.push_back(1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(s[static_cast<std::size_t>(d)])));
      nx::Type it = index_types()[static_cast<std::size_t>(rng() % index_types().size())];
      auto x = test::random_tensor(rng, ta, s, {.lo = 0, .hi = 50});
      auto u = test::random_tensor(rng, tb, ushape, {.lo = 0, .hi = 50});
      auto idx = random_indices(rng, it, {n, static_cast<std::int64_t>(axes.size())}, s, axes);
      test::compare_backends([=](const auto& in) { return nx::indexed_add(in[0], in[1], in[2], {.axes = axes}); },
                             {x, idx, u}, ctx("indexed_add", ta, i));
      test::compare_backends([=](const auto& in) { return nx::indexed_put(in[0], in[1], in[2], {.axes = axes}); },
                             {x, idx, u}, ctx("indexed_put", ta, i));
    }
  }
}

TEST(IndexingCompare, TakeFamily) {
  test::Rng rng(26);
  for (nx::Type type : test::emily_types()) {
    for (int axis = 0; axis < 3; ++axis) {
      Shape s{2, 3, 4};
      auto x = test::random_tensor(rng, type, s);
      nx::Type it = index_types()[static_cast<std::size_t>(rng() % index_types().size())];
      Shape ishape;
      for (int d = 0, r = static_cast<int>(rng() % 3); d < r; ++d) ishape.push_back(1 + static_cast<std::int64_t>(rng() % 3));
      ishape.push_back(1);
      auto idx = random_indices(rng, it, ishape, s, {axis});
      auto flat_idx = nx::reshape(idx, Shape(ishape.begin(), ishape.end() - 1));
      test::compare_backends([=](const auto& in) { return nx::take(in[0], in[1], axis); }, {x, flat_idx},
                             ctx("take", type, axis));
      Shape along = s;
      along[static_cast<std::size_t>(axis)] = 1 + static_cast<std::int64_t>(rng() % 5);
      along.push_back(1);
      auto aidx = nx::reshape(random_indices(rng, it, along, s, {axis}), Shape(along.begin(), along.end() - 1));
      test::compare_backends([=](const auto& in) { return nx::take_along_axis(in[0], in[1], axis); }, {x, aidx},
                             ctx("take_along_axis", type, axis));
    }
  }
}

TEST(IndexingCompare, ScalarsAndRankOneIndices) {
  test::Rng rng(28);
  for (nx::Type type : test::emily_types()) {
    auto x = test::random_tensor(rng, type, {});
    auto y = test::random_tensor(rng, nx::s16, {});
    test::compare_backends([](const auto& in) { return nx::put_slice(in[0], std::vector<std::int64_t>{}, in[1]); },
                           {x, y}, ctx("put_slice scalar", type, 0));
    auto m = test::random_tensor(rng, type, {3, 4});
    auto row = nx::tensor({2, 1}, {.type = nx::u16, .backend = nx::binary_backend()});
    auto one = nx::tensor({0}, {.type = nx::s8, .backend = nx::binary_backend()});
    test::compare_backends([](const auto& in) { return nx::gather(in[0], in[1]); }, {m, row}, ctx("gather point", type, 0));
    test::compare_backends([](const auto& in) { return nx::gather(in[0], in[1]); }, {m, one}, ctx("gather row", type, 0));
    test::compare_backends([](const auto& in) { return nx::indexed_add(in[0], in[1], in[2]); }, {m, row, y},
                           ctx("indexed_add scalar update", type, 0));
    test::compare_backends([](const auto& in) { return nx::indexed_put(in[0], in[1], in[2]); }, {m, row, y},
                           ctx("indexed_put scalar update", type, 0));
    auto i = nx::scalar(3, nx::u8, nx::binary_backend());
    test::compare_backends([](const auto& in) { return nx::take(in[0], in[1], 1); }, {m, i}, ctx("take scalar index", type, 0));
  }
}

TEST(IndexingCompare, Compositions) {
  test::Rng rng(27);
  for (nx::Type type : test::emily_types()) {
    auto m = test::random_tensor(rng, type, {2, 3, 4});
    test::compare_backends([](const auto& in) { return nx::take_diagonal(in[0], 1); }, {m}, ctx("take_diagonal", type, 0));
    test::compare_backends([](const auto& in) { return nx::tril(in[0], -1); }, {m}, ctx("tril", type, 0));
    test::compare_backends([](const auto& in) { return nx::triu(in[0], 1); }, {m}, ctx("triu", type, 0));
    auto v = test::random_tensor(rng, type, {3});
    test::compare_backends([](const auto& in) { return nx::make_diagonal(in[0], -1); }, {v}, ctx("make_diagonal", type, 0));
  }
}

}  // namespace
