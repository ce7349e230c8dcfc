// sort, argsort and top_k: the total order with NaN and infinities, stability,
// directions, and values printed by Nx's doctests.
#include <cstring>

#include "compare_util.hpp"

namespace {

using nx::Direction;

class Sorting : public test::BackendTest {};

TEST_P(Sorting, NonFiniteOrder) {
  auto t = nx::tensor({NAN, -INFINITY, 0.0, INFINITY}, {.backend = b()});
  test::expect_tensor<float>(nx::sort(t), nx::f32, {4}, {-INFINITY, 0.0f, INFINITY, NAN});
  test::expect_tensor<float>(nx::sort(t, {.direction = Direction::desc}), nx::f32, {4},
                             {NAN, INFINITY, 0.0f, -INFINITY});
  auto u = nx::tensor({NAN, -INFINITY, INFINITY, 0.0}, {.backend = b()});
  test::expect_tensor<int>(nx::argsort(u), nx::s32, {4}, {1, 3, 2, 0});
  test::expect_tensor<int>(nx::argsort(u, {.direction = Direction::desc}), nx::s32, {4}, {0, 2, 3, 1});
}

TEST_P(Sorting, Integers) {
  auto t = nx::tensor({16, 23, 42, 4, 8, 15}, {.backend = b()});
  test::expect_tensor<int>(nx::argsort(t), nx::s32, {6}, {3, 4, 5, 0, 1, 2});
  test::expect_tensor<int>(nx::sort(t), nx::s32, {6}, {4, 8, 15, 16, 23, 42});
  test::expect_tensor<int>(nx::sort(t, {.direction = Direction::desc}), nx::s32, {6}, {42, 23, 16, 15, 8, 4});
  auto extremes = nx::tensor({0, -128, 127, -1, -128}, {.type = nx::s8, .backend = b()});
  test::expect_tensor<int>(nx::sort(extremes, {.direction = Direction::desc}), nx::s8, {5}, {127, 0, -1, -128, -128});
  test::expect_tensor<int>(nx::argsort(extremes, {.direction = Direction::desc}), nx::s32, {5}, {2, 0, 3, 1, 4});
  auto big = nx::tensor(std::vector<std::uint64_t>{18446744073709551615ull, 0, 9223372036854775808ull},
                        {.type = nx::u64, .backend = b()});
  test::expect_tensor<std::uint64_t>(nx::sort(big), nx::u64, {3}, {0, 9223372036854775808ull, 18446744073709551615ull});
  test::expect_tensor<int>(nx::argsort(big, {.direction = Direction::desc}), nx::s32, {3}, {0, 2, 1});
}

TEST_P(Sorting, StableOnAxisOne) {
  auto t = nx::tensor({{{4, 5, 2}, {2, 5, 3}, {5, 0, 2}}, {{1, 9, 8}, {2, 1, 3}, {2, 1, 4}}}, {.backend = b()});
  test::expect_tensor<int>(nx::argsort(t, {.axis = 1, .stable = true}), nx::s32, {2, 3, 3},
                           {1, 2, 0, 0, 0, 2, 2, 1, 1, 0, 1, 1, 1, 2, 2, 2, 0, 0});
  // Without stable: true the answer is the same (always stable).
  test::expect_tensor<int>(nx::argsort(t, {.axis = 1}), nx::s32, {2, 3, 3},
                           {1, 2, 0, 0, 0, 2, 2, 1, 1, 0, 1, 1, 1, 2, 2, 2, 0, 0});
}

TEST_P(Sorting, DescendingKeepsTiesInIndexOrder) {
  auto t = nx::tensor({1, 3, 1, 3, 2}, {.backend = b()});
  test::expect_tensor<int>(nx::argsort(t, {.direction = Direction::desc}), nx::s32, {5}, {1, 3, 4, 0, 2});
  auto nans = nx::tensor({NAN, 1.0, NAN, 1.0}, {.backend = b()});
  test::expect_tensor<int>(nx::argsort(nans, {.direction = Direction::desc}), nx::s32, {4}, {0, 2, 1, 3});
  test::expect_tensor<int>(nx::argsort(nans), nx::s32, {4}, {1, 3, 0, 2});
  // -0.0 and 0.0 are equal: they keep their order in both directions.
  auto zeros = nx::tensor({0.0, -0.0, 1.0}, {.backend = b()});
  auto desc = nx::to_flat_list<float>(nx::sort(zeros, {.direction = Direction::desc}));
  EXPECT_EQ(desc[0], 1.0f);
  EXPECT_FALSE(std::signbit(desc[1]));
  EXPECT_TRUE(std::signbit(desc[2]));
  auto asc = nx::to_flat_list<float>(nx::sort(zeros));
  EXPECT_FALSE(std::signbit(asc[0]));
  EXPECT_TRUE(std::signbit(asc[1]));
}

TEST_P(Sorting, AxesNamesAndTypes) {
  auto t = nx::tensor({{3, 1, 2}, {0, 5, 4}}, {.names = {"rows", "cols"}, .backend = b()});
  auto s = nx::sort(t, {.axis = 0, .direction = Direction::desc});
  test::expect_tensor<int>(s, nx::s32, {2, 3}, {3, 5, 4, 0, 1, 2});
  EXPECT_EQ(s.names(), (nx::Names{"rows", "cols"}));
  test::expect_tensor<int>(nx::argsort(t, {.axis = -1, .type = nx::u8}), nx::u8, {2, 3}, {1, 2, 0, 0, 2, 1});
  test::expect_tensor<std::int64_t>(nx::argsort(t, {.axis = 1, .type = nx::s64}), nx::s64, {2, 3}, {1, 2, 0, 0, 2, 1});
  auto h = nx::tensor({2.5, -1.0, 0.5}, {.type = nx::f16, .backend = b()});
  test::expect_tensor<float>(nx::sort(h), nx::f16, {3}, {-1.0f, 0.5f, 2.5f});
}

TEST_P(Sorting, TopK) {
  auto t = nx::tensor({NAN, -INFINITY, INFINITY, 0.0}, {.backend = b()});
  auto [values, indices] = nx::top_k(t, 3);
  test::expect_tensor<float>(values, nx::f32, {3}, {NAN, INFINITY, 0.0f});
  test::expect_tensor<int>(indices, nx::s32, {3}, {0, 2, 3});
  auto [v2, i2] = nx::top_k(nx::tensor({1, 2, 3, 4, 5}, {.backend = b()}), 2);
  test::expect_tensor<int>(v2, nx::s32, {2}, {5, 4});
  test::expect_tensor<int>(i2, nx::s32, {2}, {4, 3});
  auto m = nx::tensor({{3, 1, 3, 2}, {0, 7, 7, 7}}, {.type = nx::u8, .backend = b()});
  auto [v3, i3] = nx::top_k(m, 2);
  test::expect_tensor<int>(v3, nx::u8, {2, 2}, {3, 3, 7, 7});
  test::expect_tensor<int>(i3, nx::s32, {2, 2}, {0, 2, 1, 2});
  auto [v4, i4] = nx::top_k(m, 4);
  test::expect_tensor<int>(v4, nx::u8, {2, 4}, {3, 3, 2, 1, 7, 7, 7, 0});
  test::expect_tensor<int>(i4, nx::s32, {2, 4}, {0, 2, 3, 1, 1, 2, 3, 0});
}

TEST_P(Sorting, Errors) {
  auto t = nx::tensor({{1, 2}, {3, 4}}, {.backend = b()});
  EXPECT_THROW(nx::sort(t, {.axis = 2}), nx::ArgumentError);
  EXPECT_THROW(nx::argsort(t, {.axis = -3}), nx::ArgumentError);
  EXPECT_THROW(nx::argsort(t, {.type = nx::f32}), nx::ArgumentError);
  EXPECT_THROW(nx::sort(nx::tensor(3, {.backend = b()})), nx::ArgumentError);
  auto c = nx::tensor({std::complex<double>(1, 1)}, {.backend = b()});
  EXPECT_THROW(nx::sort(c), nx::ArgumentError);
  EXPECT_THROW(nx::argsort(c), nx::ArgumentError);
  EXPECT_THROW(nx::top_k(c, 1), nx::ArgumentError);
  EXPECT_THROW(nx::top_k(t, 0), nx::ArgumentError);
  EXPECT_THROW(nx::top_k(t, 3), nx::ArgumentError);
  EXPECT_THROW(nx::top_k(nx::tensor(3, {.backend = b()}), 1), nx::ArgumentError);
}

NX_ALL_BACKENDS(Sorting);

// A random tensor with many ties (integers in [-3, 3]) and, for float types,
// NaN, +-Inf and -0.0 sprinkled in.
nx::Tensor tied_tensor(test::Rng& rng, nx::Type type, const nx::Shape& shape) {
  std::uniform_int_distribution<int> value(-3, 3), special(0, 9);
  std::vector<double> v(static_cast<std::size_t>(nx::shape_size(shape)));
  for (auto& x : v) {
    x = value(rng);
    if (nx::is_float(type)) {
      switch (special(rng)) {
        case 0: x = NAN; break;
        case 1: x = INFINITY; break;
        case 2: x = -INFINITY; break;
        case 3: x = -0.0; break;
        default: break;
      }
    }
  }
  std::vector<std::uint8_t> bytes(v.size() * sizeof(double));
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return nx::as_type(nx::from_binary(bytes, nx::f64, shape, {.backend = nx::binary_backend()}), type);
}

TEST(SortCompare, SortAndArgsortAgainstReference) {
  test::Rng rng(42);
  const std::vector<nx::Shape> shapes = {{7}, {3, 5}, {2, 3, 4}};
  for (nx::Type type : test::emily_real_types()) {
    for (const auto& shape : shapes) {
      auto x = tied_tensor(rng, type, shape);
      for (int axis = 0; axis < static_cast<int>(shape.size()); ++axis) {
        for (Direction dir : {Direction::asc, Direction::desc}) {
          const std::string ctx = nx::to_string(type) + " " + nx::shape_to_string(shape) + " axis " +
                                  std::to_string(axis) + (dir == Direction::asc ? " asc" : " desc");
          test::compare_backends([&](const auto& in) { return nx::sort(in[0], {.axis = axis, .direction = dir}); },
                                 {x}, "sort " + ctx);
          test::compare_backends(
              [&](const auto& in) { return nx::argsort(in[0], {.axis = axis, .direction = dir}); }, {x},
              "argsort " + ctx);
          test::compare_backends(
              [&](const auto& in) {
                return nx::argsort(in[0], {.axis = axis, .direction = dir, .stable = true, .type = nx::u16});
              },
              {x}, "argsort u16 " + ctx);
        }
      }
    }
  }
}

TEST(SortCompare, TopKAgainstReference) {
  test::Rng rng(43);
  const std::vector<nx::Shape> shapes = {{7}, {3, 5}, {2, 3, 4}};
  for (nx::Type type : test::emily_real_types()) {
    for (const auto& shape : shapes) {
      auto x = tied_tensor(rng, type, shape);
      for (std::int64_t k : {std::int64_t{1}, shape.back() / 2 + 1, shape.back()}) {
        const std::string ctx = nx::to_string(type) + " " + nx::shape_to_string(shape) + " k " + std::to_string(k);
        test::compare_backends([&](const auto& in) { return nx::top_k(in[0], k).first; }, {x}, "top_k values " + ctx);
        test::compare_backends([&](const auto& in) { return nx::top_k(in[0], k).second; }, {x}, "top_k indices " + ctx);
      }
    }
  }
}

TEST(SortCompare, SortedValuesKeepSignedZeros) {
  test::Rng rng(7);
  for (nx::Type type : test::emily_float_types()) {
    auto x = tied_tensor(rng, type, {64});
    for (Direction dir : {Direction::asc, Direction::desc}) {
      auto want = nx::to_flat_list<double>(nx::sort(x, {.direction = dir}));
      for (const auto& backend : test::emily_backends()) {
        auto got = nx::to_flat_list<double>(nx::sort(nx::backend_copy(x, backend), {.direction = dir}));
        ASSERT_EQ(got.size(), want.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
          if (std::isnan(want[i])) {
            EXPECT_TRUE(std::isnan(got[i]));
            continue;
          }
          EXPECT_EQ(got[i], want[i]) << nx::to_string(type) << " at " << i;
          EXPECT_EQ(std::signbit(got[i]), std::signbit(want[i])) << nx::to_string(type) << " at " << i;
        }
      }
    }
  }
}

}  // namespace
