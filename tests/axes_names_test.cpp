// Axes given by name, by negative position and mixed, on every family of
// ops that takes axes, on every backend; and the errors for unknown names,
// unnamed tensors and duplicate axes.
#include "test_util.hpp"

namespace {

using nx::Tensor;
using test::expect_close;
using test::expect_floats;
using test::expect_ints;
using c = std::complex<double>;

// The message of the nx::ArgumentError that f raises ("" if none).
template <class F>
std::string error_of(F f) {
  try {
    (void)f();
  } catch (const nx::ArgumentError& e) {
    return e.what();
  }
  return "";
}

class AxesNames : public test::BackendTest {
 protected:
  // [[0, 1, 2], [3, 4, 5]] with axes :x and :y.
  Tensor xy() const { return nx::iota({2, 3}, {.names = {"x", "y"}, .backend = b()}); }
  // iota {2, 2, 3} with axes :b, :r, :c.
  Tensor brc() const { return nx::iota({2, 2, 3}, {.names = {"b", "r", "c"}, .backend = b()}); }
  Tensor T(const nx::Literal& v, nx::Names names = {}, std::optional<nx::Type> type = std::nullopt) const {
    return nx::tensor(v, {.type = type, .names = std::move(names), .backend = b()});
  }
};

TEST_P(AxesNames, Reductions) {
  auto t = xy();
  auto s = nx::sum(t, {.axes = {"x"}});
  expect_ints(s, nx::s32, {3}, {3, 5, 7});
  EXPECT_EQ(s.names(), (nx::Names{"y"}));
  expect_ints(nx::sum(t, {.axes = {"y"}, .keep_axes = true}), nx::s32, {2, 1}, {3, 12});
  expect_ints(nx::product(t, {.axes = nx::Axes{"y"}}), nx::s32, {2}, {0, 60});
  expect_ints(nx::reduce_max(t, {.axes = {-1}}), nx::s32, {2}, {2, 5});
  expect_ints(nx::reduce_min(t, {.axes = {"x", -1}}), nx::s32, {}, {0});
  expect_ints(nx::all(t, {.axes = {"y"}}), nx::u8, {2}, {0, 1});
  expect_ints(nx::any(t, {.axes = {"x"}}), nx::u8, {3}, {1, 1, 1});
  // Mixed names and numbers on a rank-3 tensor: :b and -1 (= :c) leave :r.
  auto m = nx::sum(brc(), {.axes = nx::Axes{"b", -1}});
  expect_ints(m, nx::s32, {2}, {0 + 1 + 2 + 6 + 7 + 8, 3 + 4 + 5 + 9 + 10 + 11});
  EXPECT_EQ(m.names(), (nx::Names{"r"}));
  auto add = [](const Tensor& e, const Tensor& acc) { return nx::add(e, acc); };
  expect_ints(nx::reduce(t, 0, add, {.axes = {"y"}}), nx::s32, {2}, {3, 12});
}

TEST_P(AxesNames, ArgReductions) {
  auto t = T({{3, 9, 1}, {7, 2, 8}}, {"x", "y"});
  auto a = nx::argmax(t, {.axis = "y"});
  expect_ints(a, nx::s32, {2}, {1, 2});
  EXPECT_EQ(a.names(), (nx::Names{"x"}));
  expect_ints(nx::argmin(t, {.axis = "x", .keep_axis = true}), nx::s32, {1, 3}, {0, 1, 0});
  expect_ints(nx::argmax(t, {.axis = -2}), nx::s32, {3}, {1, 0, 1});
}

TEST_P(AxesNames, Aggregates) {
  auto t = xy();
  expect_floats(nx::mean(t, {.axes = {"y"}}), nx::f32, {2}, {1, 4});
  expect_floats(nx::variance(t, {.axes = {"x"}}), nx::f32, {3}, {2.25, 2.25, 2.25});
  expect_floats(nx::standard_deviation(t, {.axes = {"x"}, .keep_axes = true}), nx::f32, {1, 3}, {1.5, 1.5, 1.5});
  expect_floats(nx::median(nx::as_type(t, nx::f32), {.axis = "y"}), nx::f32, {2}, {1, 4});
  expect_floats(nx::weighted_mean(t, T({1, 0, 1}), {.axes = {"y"}}), nx::f32, {2}, {1, 4});
  // log(e^0 + e^3) and friends, by name.
  expect_close(nx::logsumexp(t, {.axes = {"x"}}), nx::f32, {3},
               {std::log(1 + std::exp(3.0)), 1 + std::log(1 + std::exp(3.0)), 2 + std::log(1 + std::exp(3.0))});
  const double lo = 1 / (1 + std::exp(3.0)), hi = 1 - lo;
  expect_close(nx::softmax(t, "x"), nx::f32, {2, 3}, {lo, lo, lo, hi, hi, hi});
  expect_close(nx::log_softmax(t, "x"), nx::f32, {2, 3},
               {std::log(lo), std::log(lo), std::log(lo), std::log(hi), std::log(hi), std::log(hi)});
}

TEST_P(AxesNames, Cumulative) {
  auto t = xy();
  expect_ints(nx::cumulative_sum(t, {.axis = "y"}), nx::s32, {2, 3}, {0, 1, 3, 3, 7, 12});
  expect_ints(nx::cumulative_product(t, {.axis = -2}), nx::s32, {2, 3}, {0, 1, 2, 0, 4, 10});
  expect_ints(nx::cumulative_max(T({{1, 5}, {4, 2}}, {"x", "y"}), {.axis = "x", .reverse = true}), nx::s32, {2, 2},
              {4, 5, 4, 2});
}

TEST_P(AxesNames, Sorting) {
  auto t = T({{3, 9, 1}, {7, 2, 8}}, {"x", "y"});
  expect_ints(nx::sort(t, {.axis = "x", .direction = nx::Direction::desc}), nx::s32, {2, 3}, {7, 9, 8, 3, 2, 1});
  expect_ints(nx::argsort(t, {.axis = "y"}), nx::s32, {2, 3}, {2, 0, 1, 1, 0, 2});
  expect_ints(nx::sort(t, {.axis = -1}), nx::s32, {2, 3}, {1, 3, 9, 2, 7, 8});
}

TEST_P(AxesNames, ShapeOps) {
  auto t = xy();
  auto tr = nx::transpose(t, nx::Axes{"y", "x"});
  expect_ints(tr, nx::s32, {3, 2}, {0, 3, 1, 4, 2, 5});
  EXPECT_EQ(tr.names(), (nx::Names{"y", "x"}));
  expect_ints(nx::transpose(t, nx::Axes{-1, "x"}), nx::s32, {3, 2}, {0, 3, 1, 4, 2, 5});
  expect_ints(nx::reverse(t, nx::Axes{"y"}), nx::s32, {2, 3}, {2, 1, 0, 5, 4, 3});
  auto sq = nx::squeeze(nx::iota({1, 3}, {.names = {"one", "y"}, .backend = b()}), nx::Axes{"one"});
  expect_ints(sq, nx::s32, {3}, {0, 1, 2});
  EXPECT_EQ(sq.names(), (nx::Names{"y"}));
  // flatten: the given consecutive axes become one unnamed axis.
  auto fl = nx::flatten(brc(), nx::Axes{"r", "c"});
  expect_ints(fl, nx::s32, {2, 6}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  EXPECT_EQ(fl.names(), (nx::Names{"b", ""}));
  expect_ints(nx::flatten(brc(), nx::Axes{0, 1}), nx::s32, {4, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  auto na = nx::new_axis(t, -1, "z");
  EXPECT_EQ(nx::shape_to_string(na.shape()), "{2, 3, 1}");
  EXPECT_EQ(na.names(), (nx::Names{"x", "y", "z"}));
  auto cat = nx::concatenate({t, t}, "y");
  expect_ints(cat, nx::s32, {2, 6}, {0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5});
  EXPECT_EQ(cat.names(), (nx::Names{"x", "y"}));
  auto st = nx::stack({t, t}, 1, "pair");
  expect_ints(st, nx::s32, {2, 2, 3}, {0, 1, 2, 0, 1, 2, 3, 4, 5, 3, 4, 5});
  EXPECT_EQ(st.names(), (nx::Names{"x", "pair", "y"}));
  auto [left, right] = nx::split(t, 2, {.axis = "y"});
  expect_ints(left, nx::s32, {2, 2}, {0, 1, 3, 4});
  expect_ints(right, nx::s32, {2, 1}, {2, 5});
}

TEST_P(AxesNames, Indexing) {
  auto t = xy();
  auto idx = T({2, 0}, {}, nx::s32);
  expect_ints(nx::take(t, idx, "y"), nx::s32, {2, 2}, {2, 0, 5, 3});
  // Rank-1 indices keep the taken axis' name (Nx merges it with theirs).
  EXPECT_EQ(nx::take(t, idx, "y").names(), (nx::Names{"x", "y"}));
  expect_ints(nx::take_along_axis(t, T({{1, 1, 0}}, {}, nx::s32), "x"), nx::s32, {1, 3}, {3, 4, 2});
  expect_ints(nx::slice_along_axis(t, 1, 2, "y"), nx::s32, {2, 2}, {1, 2, 4, 5});
  auto rows = T({{2}, {0}}, {}, nx::s32);
  expect_ints(nx::gather(t, rows, {.axes = nx::Axes{"y"}}), nx::s32, {2, 2}, {2, 5, 0, 3});
  expect_ints(nx::indexed_add(t, T({{1}}, {}, nx::s32), T({{10, 20}}), {.axes = nx::Axes{"y"}}), nx::s32, {2, 3},
              {0, 11, 2, 3, 24, 5});
  expect_ints(nx::indexed_put(t, T({{0}}, {}, nx::s32), T({{-1, -2}}), {.axes = nx::Axes{-1}}), nx::s32, {2, 3},
              {-1, 1, 2, -2, 4, 5});
}

TEST_P(AxesNames, Dot) {
  auto a = T({{1, 2}, {3, 4}}, {"i", "k"});
  auto m = T({{5, 6}, {7, 8}}, {"k", "j"});
  auto p = nx::dot(a, {"k"}, m, {"k"});
  expect_ints(p, nx::s32, {2, 2}, {19, 22, 43, 50});
  EXPECT_EQ(p.names(), (nx::Names{"i", "j"}));
  // Batched: batch axis :n by name, contraction by negative position.
  auto x = T({{{1, 2}}, {{3, 4}}}, {"n", "r", "k"});
  auto y = T({{1, 1}, {2, 0}}, {"n", "k"});
  expect_ints(nx::dot(x, {-1}, {"n"}, y, {"k"}, {0}), nx::s32, {2, 1}, {3, 6});
}

TEST_P(AxesNames, ConvPermutations) {
  // Input {n, len, ch} read as {n, ch, len}; output {n, out, len} placed as {n, len, out}.
  auto x = nx::tensor({{{1.0}, {2.0}, {3.0}}}, {.names = {"n", "len", "ch"}, .backend = b()});
  auto k = nx::tensor({{{1.0, 10.0}}}, {.backend = b()});
  auto y = nx::conv(x, k, {.input_permutation = {"n", "ch", "len"}, .output_permutation = {"n", "ch", "len"}});
  expect_floats(y, nx::f32, {1, 2, 1}, {21, 32});
}

TEST_P(AxesNames, FftAndCreation) {
  auto t = nx::tensor({{1.0, 2.0}, {3.0, 4.0}}, {.names = {"x", "y"}, .backend = b()});
  auto f = nx::to_flat_list<c>(nx::fft(t, {.axis = "x"}));
  const std::vector<c> want = {c(4, 0), c(6, 0), c(-2, 0), c(-2, 0)};
  ASSERT_EQ(f.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(std::abs(f[i] - want[i]), 0, 1e-5) << i;
  // fft2 over {:y, :x} transforms both axes: the DFT of [[1, 2], [3, 4]].
  auto f2 = nx::to_flat_list<c>(nx::fft2(t, {.axes = {"y", "x"}}));
  const std::vector<c> want2 = {c(10, 0), c(-2, 0), c(-4, 0), c(0, 0)};
  ASSERT_EQ(f2.size(), want2.size());
  for (std::size_t i = 0; i < want2.size(); ++i) EXPECT_NEAR(std::abs(f2[i] - want2[i]), 0, 1e-5) << i;
  expect_ints(nx::iota({2, 3}, {.axis = "y", .names = {"x", "y"}, .backend = b()}), nx::s32, {2, 3},
              {0, 1, 2, 0, 1, 2});
  expect_close(nx::linalg::norm(T({{3.0, 4.0}, {6.0, 8.0}}, {"x", "y"}), {.axes = nx::Axes{"y"}}), nx::f32, {2},
               {5, 10});
}

TEST_P(AxesNames, Errors) {
  auto t = xy();
  EXPECT_EQ(error_of([&] { return nx::sum(t, {.axes = {"z"}}); }),
            "sum: name :z not found in tensor with names [:x, :y]");
  EXPECT_EQ(error_of([&] { return nx::argmax(t, {.axis = "z"}); }),
            "argmax: name :z not found in tensor with names [:x, :y]");
  // Unnamed axes print as nil; an unnamed tensor rejects every name.
  auto half = nx::iota({2, 3}, {.names = {"x", ""}, .backend = b()});
  EXPECT_EQ(error_of([&] { return nx::transpose(half, nx::Axes{"y", "x"}); }),
            "transpose: name :y not found in tensor with names [:x, nil]");
  auto plain = nx::iota({2, 3}, {.backend = b()});
  EXPECT_EQ(error_of([&] { return nx::sort(plain, {.axis = "x"}); }),
            "sort: name :x not found in tensor with names [nil, nil]");
  EXPECT_EQ(error_of([&] { return nx::cumulative_sum(plain, {.axis = "x"}); }),
            "cumulative_sum: name :x not found in tensor with names [nil, nil]");
  // broadcast looks names up among the input's names (as Nx does) and takes
  // the position found there as the result axis.
  EXPECT_EQ(error_of([&] { return nx::broadcast(nx::iota({3}, {.backend = b()}), {2, 3}, nx::Axes{"y"}); }),
            "broadcast: name :y not found in tensor with names [nil]");
  auto named = nx::broadcast(nx::iota({2}, {.names = {"y"}, .backend = b()}), {2, 3}, nx::Axes{"y"});
  EXPECT_EQ(nx::to_flat_list<std::int64_t>(named), (std::vector<std::int64_t>{0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(error_of([&] { return nx::dot(t, {"y"}, plain, {"y"}); }),
            "dot: name :y not found in tensor with names [nil, nil]");
  EXPECT_EQ(error_of([&] { return nx::sum(t, {.axes = {""}}); }), "sum: axis name cannot be nil");
  // Duplicates, however spelled.
  EXPECT_EQ(error_of([&] { return nx::sum(t, {.axes = {"x", 0}}); }),
            "sum: axes [:x, 0] must be unique integers between 0 and 1");
  EXPECT_EQ(error_of([&] { return nx::reverse(t, nx::Axes{1, -1}); }),
            "reverse: axes [1, -1] must be unique integers between 0 and 1");
  EXPECT_EQ(error_of([&] { return nx::dot(t, {"y", 1}, t, {0, 1}); }),
            "dot: axes [:y, 1] must be unique integers between 0 and 1");
  EXPECT_EQ(error_of([&] { return nx::flatten(brc(), nx::Axes{"b", "c"}); }),
            "flatten: flatten axes must be consecutive");
  // Out of range stays a position error.
  EXPECT_EQ(error_of([&] { return nx::argmax(t, {.axis = -3}); }),
            "argmax: given axis (-3) invalid for shape with rank 2");
}

TEST_P(AxesNames, TracedFunctions) {
  // Names resolve when traced too: the graph holds positions.
  auto f = [](const Tensor& x) { return nx::sum(nx::multiply(x, x), {.axes = {"y"}}); };
  auto t = nx::as_type(xy(), nx::f32);
  expect_floats(nx::jit(f)(t), nx::f32, {2}, {5, 50});
  expect_floats(nx::grad([&](const Tensor& x) { return nx::sum(f(x)); })(t), nx::f32, {2, 3}, {0, 2, 4, 6, 8, 10});
}

NX_ALL_BACKENDS(AxesNames);

}  // namespace
