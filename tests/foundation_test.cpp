// The first vertical slice on every backend: creation, reading back,
// transfers, add, multiply, sum, dot, iota and printing.
#include "test_util.hpp"

namespace {

class Foundation : public test::BackendTest {};

TEST_P(Foundation, SeedExample) {
  auto t = nx::tensor({{1.0, 2.0}, {3.0, 4.0}}, {.backend = b()});
  test::expect_tensor<float>(nx::sum(t), nx::f32, {}, {10.0f});
}

TEST_P(Foundation, TensorFromNestedLists) {
  auto t = nx::tensor({{1, 2, 3}, {4, 5, 6}}, {.backend = b()});
  test::expect_tensor<int>(t, nx::s32, {2, 3}, {1, 2, 3, 4, 5, 6});
  test::expect_tensor<float>(nx::tensor({1, 2, 3.0}, {.backend = b()}), nx::f32, {3}, {1, 2, 3});
  test::expect_tensor<int>(nx::tensor({300, 301, 302}, {.type = nx::s8, .backend = b()}), nx::s8, {3}, {44, 45, 46});
  test::expect_tensor<int>(nx::tensor({true, false}, {.backend = b()}), nx::u8, {2}, {1, 0});
  test::expect_tensor<double>(nx::tensor(2.5, {.backend = b()}), nx::f32, {}, {2.5});
}

TEST_P(Foundation, FromBinaryAndToBinary) {
  std::vector<std::uint8_t> bytes = {1, 2, 3, 4};
  auto t = nx::from_binary(bytes, nx::s8, {.backend = b()});
  test::expect_tensor<int>(t, nx::s8, {4}, {1, 2, 3, 4});
  EXPECT_EQ(nx::to_binary(t), bytes);
  EXPECT_THROW(nx::from_binary(bytes, nx::f64, {.backend = b()}), nx::ArgumentError);
  auto f = nx::tensor({1.0, 2.0, 3.0}, {.backend = b()});
  auto two = nx::to_binary(f, {.limit = 2});
  ASSERT_EQ(two.size(), 8u);
  float x[2];
  std::memcpy(x, two.data(), 8);
  EXPECT_EQ(x[0], 1.0f);
  EXPECT_EQ(x[1], 2.0f);
}

TEST_P(Foundation, Transfers) {
  auto t = nx::tensor({{1, 2}, {3, 4}}, {.backend = b()});
  auto c = nx::backend_copy(t);
  EXPECT_EQ(c.backend()->kind(), nx::BackendKind::reference);
  test::expect_tensor<int>(c, nx::s32, {2, 2}, {1, 2, 3, 4});
  test::expect_tensor<int>(t, nx::s32, {2, 2}, {1, 2, 3, 4});  // source still valid
  auto back = nx::backend_transfer(c, b());
  EXPECT_EQ(back.backend()->kind(), b()->kind());
  test::expect_tensor<int>(back, nx::s32, {2, 2}, {1, 2, 3, 4});
}

TEST_P(Foundation, AddMultiplyWithPromotion) {
  auto a = nx::tensor({0, 1, 2}, {.type = nx::u8, .backend = b()});
  test::expect_tensor<int>(nx::add(a, -1), nx::s16, {3}, {-1, 0, 1});
  test::expect_tensor<int>(nx::add(a, 1), nx::u8, {3}, {1, 2, 3});
  test::expect_tensor<int>(nx::add(nx::tensor({200}, {.type = nx::u8, .backend = b()}), 100), nx::u8, {1}, {44});
  auto s = nx::tensor({1, 2, 3}, {.backend = b()});
  test::expect_tensor<float>(nx::add(s, 1.0), nx::f32, {3}, {2, 3, 4});
  test::expect_tensor<int>(s * s, nx::s32, {3}, {1, 4, 9});
  auto col = nx::tensor({{1}, {2}}, {.backend = b()});
  test::expect_tensor<int>(col * s, nx::s32, {2, 3}, {1, 2, 3, 2, 4, 6});
  EXPECT_THROW(nx::add(nx::tensor({1, 2}, {.backend = b()}), nx::tensor({1, 2, 3}, {.backend = b()})),
               nx::ArgumentError);
}

TEST_P(Foundation, SumAxesAndAggregateTypes) {
  auto t = nx::tensor({{101, 102}, {103, 104}}, {.type = nx::s8, .backend = b()});
  test::expect_tensor<int>(nx::sum(t), nx::s32, {}, {410});
  auto i = nx::iota({2, 2, 3}, {.backend = b()});
  test::expect_tensor<int>(nx::sum(i, {.axes = {{0, 2}}}), nx::s32, {2}, {24, 42});
  test::expect_tensor<int>(nx::sum(i, {.axes = {{1}}, .keep_axes = true}), nx::s32, {2, 1, 3},
                           {3, 5, 7, 15, 17, 19});
  EXPECT_THROW(nx::sum(i, {.axes = {{3}}}), nx::ArgumentError);
}

TEST_P(Foundation, Dot) {
  auto a = nx::tensor({1, 2, 3}, {.backend = b()});
  auto v = nx::tensor({4, 5, 6}, {.backend = b()});
  test::expect_tensor<int>(nx::dot(a, v), nx::s32, {}, {32});
  auto m = nx::tensor({{1, 2, 3}, {4, 5, 6}}, {.backend = b()});
  auto n = nx::tensor({{7, 8}, {9, 10}, {11, 12}}, {.backend = b()});
  test::expect_tensor<int>(nx::dot(m, n), nx::s32, {2, 2}, {58, 64, 139, 154});
  auto f = nx::tensor({{0.0, 1.0, 2.0}, {3.0, 4.0, 5.0}}, {.backend = b()});
  auto g = nx::tensor({{0.0, 1.0}, {2.0, 3.0}, {4.0, 5.0}}, {.backend = b()});
  test::expect_tensor<float>(nx::dot(f, {0, 1}, g, {1, 0}), nx::f32, {}, {50});
  auto u = nx::tensor({{{1, 1}}, {{2, 2}}}, {.backend = b()});
  auto w = nx::tensor({{{3}, {3}}, {{4}, {4}}}, {.backend = b()});
  test::expect_tensor<int>(nx::dot(u, {2}, {0}, w, {1}, {0}), nx::s32, {2, 1, 1}, {6, 16});
  EXPECT_THROW(nx::dot(m, m), nx::ArgumentError);
}

TEST_P(Foundation, Iota) {
  test::expect_tensor<int>(nx::iota({2, 3}, {.backend = b()}), nx::s32, {2, 3}, {0, 1, 2, 3, 4, 5});
  test::expect_tensor<int>(nx::iota({3, 3}, {.axis = -1, .backend = b()}), nx::s32, {3, 3},
                           {0, 1, 2, 0, 1, 2, 0, 1, 2});
  test::expect_tensor<int>(nx::iota({1, 3, 2}, {.axis = 2, .backend = b()}), nx::s32, {1, 3, 2},
                           {0, 1, 0, 1, 0, 1});
  test::expect_tensor<float>(nx::iota({3}, {.type = nx::f32, .backend = b()}), nx::f32, {3}, {0, 1, 2});
  EXPECT_THROW(nx::iota({2, 0}, {.backend = b()}), nx::ArgumentError);
}

TEST_P(Foundation, Inspect) {
  auto t = nx::tensor({{1, 2, 3}, {4, 5, 6}}, {.names = {"x", ""}, .backend = b()});
  std::string s = nx::inspect(t);
  EXPECT_NE(s.find("s32[x: 2][3]"), std::string::npos) << s;
  EXPECT_NE(s.find("[\n    [1, 2, 3],\n    [4, 5, 6]\n  ]"), std::string::npos) << s;
  EXPECT_EQ(nx::format_values(nx::tensor(10.0, {.backend = b()})), "10.0");
}

NX_ALL_BACKENDS(Foundation);

TEST(Printing, FloatFormatting) {
  EXPECT_EQ(nx::format_float(1.0 / 3.0, nx::f32), "0.33333334");
  EXPECT_EQ(nx::format_float(1.0e-7, nx::f32), "1.0e-7");
  EXPECT_EQ(nx::format_float(491400.0, nx::f32), "4.914e5");
  EXPECT_EQ(nx::format_float(100.0, nx::f32), "100.0");
  EXPECT_EQ(nx::format_float(-0.0, nx::f32), "-0.0");
  EXPECT_EQ(nx::format_float(0.754, nx::f16), "0.754");
  EXPECT_EQ(nx::format_float(1.0, nx::bf16), "1.0");
  EXPECT_EQ(nx::format_float(1.4902272e9, nx::f32), "1.4902272e9");
}

TEST(Devices, GpuRequestWithoutGpuRaises) {
  if (emily::gpu_available()) GTEST_SKIP() << "MLX sees a GPU here";
  EXPECT_THROW(emily::backend({.device = emily::Device::gpu}), nx::ArgumentError);
  EXPECT_EQ(emily::default_device(), emily::Device::cpu);
}

TEST(Backends, UnimplementedCallbackNamesItself) {
  class Empty : public nx::Backend {
   public:
    std::string name() const override { return "empty"; }
  };
  auto e = std::make_shared<Empty>();
  try {
    (void)nx::iota({2}, {.backend = e});
    FAIL() << "expected UnsupportedError";
  } catch (const nx::UnsupportedError& err) {
    EXPECT_NE(std::string(err.what()).find("iota"), std::string::npos);
  }
}

}  // namespace

namespace {
class Linspace : public test::BackendTest {};
TEST_P(Linspace, NxExamples) {
  test::expect_tensor<int>(nx::linspace(0, 24, {.n = 8, .type = nx::u8, .backend = b()}), nx::u8, {8},
                           {0, 3, 6, 10, 13, 17, 20, 24});
  test::expect_close(nx::linspace(0, 1, {.n = 5, .backend = b()}), nx::f32, {5}, {0, 0.25, 0.5, 0.75, 1});
  test::expect_close(nx::linspace(0, 1, {.n = 4, .endpoint = false, .backend = b()}), nx::f32, {4},
                     {0, 0.25, 0.5, 0.75});
  test::expect_close(nx::linspace(2.5, 7, {.n = 1, .backend = b()}), nx::f32, {1}, {2.5});
  EXPECT_THROW(nx::linspace(0, 1, {.n = 0, .backend = b()}), nx::ArgumentError);
}
NX_ALL_BACKENDS(Linspace);
}  // namespace
