// nx::random on every backend, with keys and draws printed by Nx's doctests.
#include <algorithm>
#include <set>

#include "compare_util.hpp"

namespace {

using nx::Tensor;

std::vector<std::int64_t> ints(const Tensor& t) { return nx::to_flat_list<std::int64_t>(t); }

class Random : public test::BackendTest {};

TEST_P(Random, Key) {
  auto k = nx::random::key(12, b());
  EXPECT_EQ(k.type(), nx::u32);
  EXPECT_EQ(k.shape(), nx::Shape{2});
  EXPECT_EQ(ints(k), (std::vector<std::int64_t>{0, 12}));
  EXPECT_EQ(ints(nx::random::key(999999999999ULL, b())), (std::vector<std::int64_t>{232, 3567587327LL}));
  EXPECT_EQ(k.backend()->kind(), b()->kind());
}

TEST_P(Random, SplitAndFoldIn) {
  auto k = nx::random::key(1701, b());
  auto s = nx::random::split(k);
  EXPECT_EQ(s.type(), nx::u32);
  EXPECT_EQ(s.shape(), (nx::Shape{2, 2}));
  EXPECT_EQ(ints(s), (std::vector<std::int64_t>{56197195, 1801093307, 961309823, 1704866707}));
  EXPECT_EQ(ints(nx::random::split(k, 4)),
            (std::vector<std::int64_t>{4000152724LL, 2030591747, 2287976877LL, 2598630646LL, 2426625787LL, 580268518,
                                       3136765380LL, 433355682}));
  auto f = nx::random::fold_in(nx::random::key(42, b()), 99);
  EXPECT_EQ(ints(f), (std::vector<std::int64_t>{2015327502, 1351855566}));
  EXPECT_THROW(nx::random::split(nx::tensor({1, 2}, {.backend = b()})), nx::ArgumentError);
  EXPECT_THROW(nx::random::split(k, 0), nx::ArgumentError);
}

TEST_P(Random, Threefry) {
  // odd counts get one padding counter; the result keeps the shape
  auto k = nx::random::key(1701, b());
  auto t = nx::random::threefry2x32(k, {3});
  EXPECT_EQ(t.shape(), nx::Shape{3});
  auto t4 = nx::random::threefry2x32(k, {2, 2});
  EXPECT_EQ(ints(t4), ints(nx::random::split(k)));
  auto t1 = nx::random::threefry2x32(k, {});
  EXPECT_EQ(t1.shape(), nx::Shape{});
}

TEST_P(Random, UniformNormalRandint) {
  auto u = nx::random::uniform(nx::random::key(1701, b()));
  test::expect_close(u.value, nx::f32, {}, {0.9728644}, 1e-7, 0);
  EXPECT_EQ(ints(u.next_key), ints(nx::reshape(nx::slice(nx::random::split(nx::random::key(1701, b())), std::vector<std::int64_t>{0, 0},
                                                  std::vector<std::int64_t>{1, 2}),
                                        {2})));
  auto n = nx::random::normal(nx::random::key(42, b()));
  test::expect_close(n.value, nx::f32, {}, {1.3694695}, 1e-6, 0);
  auto r = nx::random::randint(nx::random::key(1701, b()), 1, 100);
  test::expect_tensor<std::int64_t>(r.value, nx::s32, {}, {91});
  EXPECT_EQ(r.next_key.shape(), nx::Shape{2});
}

TEST_P(Random, DistributionsRespectBoundsAndTypes) {
  auto k = nx::random::key(7, b());
  auto u = nx::random::uniform(k, -2.0, 3.0, {.shape = {64, 8}});
  EXPECT_EQ(u.value.shape(), (nx::Shape{64, 8}));
  auto v = nx::to_flat_list<double>(u.value);
  EXPECT_GE(*std::min_element(v.begin(), v.end()), -2.0);
  EXPECT_LT(*std::max_element(v.begin(), v.end()), 3.0);
  double mean = 0;
  for (double x : v) mean += x / static_cast<double>(v.size());
  EXPECT_NEAR(mean, 0.5, 0.15);
  for (nx::Type t : {nx::f16, nx::bf16, nx::f64}) {
    auto w = nx::random::uniform(k, 0.0, 1.0, {.shape = {100}, .type = t});
    EXPECT_EQ(w.value.type(), t);
    auto wv = nx::to_flat_list<double>(w.value);
    EXPECT_GE(*std::min_element(wv.begin(), wv.end()), 0.0);
    EXPECT_LT(*std::max_element(wv.begin(), wv.end()), 1.0);
    EXPECT_GT(std::set<double>(wv.begin(), wv.end()).size(), 20u) << nx::to_string(t);
  }
  auto n = nx::random::normal(k, 10.0, 2.0, {.shape = {2000}});
  auto nv = nx::to_flat_list<double>(n.value);
  double m = 0, s2 = 0;
  for (double x : nv) m += x / 2000.0;
  for (double x : nv) s2 += (x - m) * (x - m) / 2000.0;
  EXPECT_NEAR(m, 10.0, 0.2);
  EXPECT_NEAR(std::sqrt(s2), 2.0, 0.2);
  for (nx::Type t : {nx::s8, nx::u8, nx::s16, nx::u32, nx::s64, nx::u64}) {
    auto r = nx::random::randint(k, 3, 9, {.shape = {300}, .type = t});
    EXPECT_EQ(r.value.type(), t);
    auto rv = ints(r.value);
    std::set<std::int64_t> seen(rv.begin(), rv.end());
    EXPECT_EQ(seen, (std::set<std::int64_t>{3, 4, 5, 6, 7, 8})) << nx::to_string(t);
  }
  auto neg = nx::random::randint(k, -5, -3, {.shape = {50}});
  for (auto x : ints(neg.value)) EXPECT_TRUE(x == -5 || x == -4);
  auto empty_span = nx::random::randint(k, 4, 4, {.shape = {5}});
  for (auto x : ints(empty_span.value)) EXPECT_EQ(x, 4);
  EXPECT_THROW(nx::random::uniform(k, 0, 1, {.type = nx::s32}), nx::ArgumentError);
  EXPECT_THROW(nx::random::randint(k, 0, 1, {.type = nx::f32}), nx::ArgumentError);
}

TEST_P(Random, ShufflePermutes) {
  auto k = nx::random::key(3, b());
  auto t = nx::iota({10, 2}, {.backend = b()});
  auto s = nx::random::shuffle(k, t);
  EXPECT_EQ(s.value.shape(), (nx::Shape{10, 2}));
  auto v = ints(s.value);
  std::vector<std::int64_t> firsts;
  for (std::size_t i = 0; i < v.size(); i += 2) {
    EXPECT_EQ(v[i + 1], v[i] + 1);  // rows move as a whole
    firsts.push_back(v[i]);
  }
  auto sorted = firsts;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<std::int64_t>{0, 2, 4, 6, 8, 10, 12, 14, 16, 18}));
  EXPECT_NE(firsts, sorted);  // 10! orderings: identity would be a 1 in 3.6 million event
  auto cols = nx::random::shuffle(k, nx::iota({2, 5}, {.axis = 1, .backend = b()}), 1);
  auto cv = ints(cols.value);
  EXPECT_EQ(std::vector<std::int64_t>(cv.begin(), cv.begin() + 5), std::vector<std::int64_t>(cv.begin() + 5, cv.end()));
  EXPECT_THROW(nx::random::shuffle(k, nx::tensor(1, {.backend = b()})), nx::ArgumentError);
}

NX_ALL_BACKENDS(Random);

// The same draws on Emily and on the reference backend.
TEST(CompareRandom, EmilyMatchesReference) {
  for (std::uint64_t seed : {0ULL, 1ULL, 42ULL, 0xDEADBEEFCAFEULL}) {
    auto k = nx::random::key(seed, nx::binary_backend());
    test::compare_backends([](const std::vector<Tensor>& in) { return nx::random::split(in[0], 5); }, {k}, "split");
    test::compare_backends([](const std::vector<Tensor>& in) { return nx::random::fold_in(in[0], 123456789012ULL); },
                           {k}, "fold_in");
    test::compare_backends([](const std::vector<Tensor>& in) { return nx::random::threefry2x32(in[0], {7, 3}); }, {k},
                           "threefry2x32");
    for (nx::Type t : {nx::f16, nx::bf16, nx::f32, nx::f64})
      test::compare_backends(
          [t](const std::vector<Tensor>& in) { return nx::random::uniform(in[0], -1.0, 4.0, {.shape = {33}, .type = t}).value; },
          {k}, "uniform " + nx::to_string(t));
    test::compare_backends(
        [](const std::vector<Tensor>& in) { return nx::random::normal(in[0], 0.0, 1.0, {.shape = {33}}).value; }, {k},
        "normal");
    for (nx::Type t : {nx::s8, nx::u16, nx::s32, nx::u64})
      test::compare_backends(
          [t](const std::vector<Tensor>& in) { return nx::random::randint(in[0], -3, 100, {.shape = {17}, .type = t}).value; },
          {k}, "randint " + nx::to_string(t));
    test::compare_backends(
        [](const std::vector<Tensor>& in) { return nx::random::shuffle(in[0], nx::iota({9}, {.backend = in[0].backend()})).value; },
        {k}, "shuffle");
  }
}

}  // namespace
