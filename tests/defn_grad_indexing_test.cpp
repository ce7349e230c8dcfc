// Gradients of the indexing and sorting family (gather, indexed_add/put,
// take, take_along_axis, sort, argsort, top_k) and of the cumulative scans:
// finite differences in f64 on the reference backend, Emily CPU against the
// reference, and hand-computed values on every backend.
#include "grad_check.hpp"
#include "nx/defn.hpp"
#include "test_util.hpp"

namespace {

using nx::Tensor;
using Args = std::vector<Tensor>;
using test::expect_close;

// sum(sin(x) * w) with w fixed but different per element, so every
// element's gradient (cos(x) * w) differs and misplaced gradients show.
Tensor loss(const Tensor& x) {
  Tensor pos = nx::iota(x.shape(), {.type = x.type(), .backend = x.backend()});
  Tensor w = nx::cos(nx::add(nx::multiply(pos, 0.7), 0.3));
  return nx::sum(nx::multiply(nx::sin(x), w));
}

// sum(x * [1, 2, 3, ...]) (row-major weights), for hand-valued gradients.
Tensor ramp(const Tensor& x) {
  Tensor pos = nx::iota(x.shape(), {.type = x.type(), .backend = x.backend()});
  return nx::sum(nx::multiply(x, nx::add(pos, 1)));
}

Tensor ints(const std::vector<std::int64_t>& v, const nx::Shape& shape, nx::Type type = nx::s64,
            const nx::BackendPtr& backend = nx::binary_backend()) {
  return nx::reshape(nx::tensor(v, {.type = type, .backend = backend}), shape);
}

Tensor floats(const std::vector<double>& v, const nx::BackendPtr& backend) {
  return nx::tensor(v, {.backend = backend});
}

nx::BackendPtr emily_cpu() { return emily::backend({.device = emily::Device::cpu}); }

// Finite differences, then Emily CPU against the reference.
void check(const test::VecFn& f, const Args& args) {
  test::check_grad(f, args);
  test::compare_grad_backends(f, args, emily_cpu());
}

// ---------------- finite differences and backend comparison ----------------

TEST(DefnGradIndexing, GatherLeadingAxisWithDuplicates) {
  auto f = [](const Args& a) { return loss(nx::gather(a[0], a[1])); };
  check(f, {test::random_f64({4, 3}, 1), ints({0, 2, 2, 3, 0}, {5, 1})});
}

TEST(DefnGradIndexing, GatherMultiAxisBatchedIndices) {
  // indices {2, 2, 2} over axes {0, 2} of {3, 4, 2}: output {2, 2, 4}.
  auto f = [](const Args& a) { return loss(nx::gather(a[0], a[1], {.axes = nx::Axes{0, 2}})); };
  check(f, {test::random_f64({3, 4, 2}, 2), ints({0, 1, 2, 0, 0, 1, 2, 0}, {2, 2, 2})});
}

TEST(DefnGradIndexing, GatherInnerAxisAndFullCoordinates) {
  auto inner = [](const Args& a) { return loss(nx::gather(a[0], a[1], {.axes = nx::Axes{1}})); };
  check(inner, {test::random_f64({3, 4}, 3), ints({3, 1, 3, 0, 3}, {5, 1}, nx::s32)});
  auto full = [](const Args& a) { return loss(nx::gather(a[0], a[1])); };
  check(full, {test::random_f64({3, 4}, 4), ints({2, 3, 0, 0, 2, 3}, {3, 2})});
}

TEST(DefnGradIndexing, IndexedAddWithDuplicatesAndWindow) {
  auto f = [](const Args& a) { return loss(nx::multiply(nx::indexed_add(a[0], a[1], a[2]), a[0])); };
  check(f, {test::random_f64({4, 3}, 5), ints({1, 3, 1}, {3, 1}), test::random_f64({3, 3}, 6)});
  // Updates {3, 2}: a window narrower than the non-indexed axis.
  check(f, {test::random_f64({4, 3}, 7), ints({1, 3, 1}, {3, 1}), test::random_f64({3, 2}, 8)});
  auto axes = [](const Args& a) {
    return loss(nx::indexed_add(a[0], a[1], a[2], {.axes = nx::Axes{0, 2}}));
  };
  check(axes, {test::random_f64({2, 3, 4}, 9), ints({1, 3, 0, 0, 1, 3}, {3, 2}), test::random_f64({3, 3}, 10)});
}

TEST(DefnGradIndexing, IndexedPutDistinctIndices) {
  // Finite differences hold only for distinct indices (see the hand test
  // for duplicates).
  auto f = [](const Args& a) { return loss(nx::multiply(nx::indexed_put(a[0], a[1], a[2]), a[0])); };
  check(f, {test::random_f64({4, 3}, 11), ints({3, 0}, {2, 1}), test::random_f64({2, 3}, 12)});
  check(f, {test::random_f64({4, 3}, 13), ints({3, 0}, {2, 1}), test::random_f64({2, 2}, 14)});
  auto axes = [](const Args& a) { return loss(nx::indexed_put(a[0], a[1], a[2], {.axes = nx::Axes{1}})); };
  check(axes, {test::random_f64({3, 4}, 15), ints({2, 0, 3}, {3, 1}), test::random_f64({3, 3}, 16)});
}

TEST(DefnGradIndexing, TakeIndexLayouts) {
  auto on = [](int axis) {
    return [axis](const Args& a) { return loss(nx::take(a[0], a[1], axis)); };
  };
  check(on(1), {test::random_f64({3, 4}, 17), ints({0, 2, 2, 1, 3, 3}, {3, 2})});
  check(on(0), {test::random_f64({3, 4}, 18), ints({2, 0, 2, 2}, {4})});
  check(on(1), {test::random_f64({3, 4}, 19), ints({2}, {}, nx::s32)});
  check(on(1), {test::random_f64({2, 3, 2}, 20), ints({1, 1, 0, 2}, {2, 2})});
  check(on(-1), {test::random_f64({2, 3, 2}, 21), ints({1, 1, 0}, {3})});
}

TEST(DefnGradIndexing, TakeAlongAxisWithDuplicates) {
  auto on = [](int axis) {
    return [axis](const Args& a) { return loss(nx::take_along_axis(a[0], a[1], axis)); };
  };
  check(on(1), {test::random_f64({3, 4}, 22), ints({0, 0, 3, 1, 2, 2, 2, 2, 3, 1, 0, 1, 1, 0, 3}, {3, 5})});
  check(on(0), {test::random_f64({3, 4}, 23), ints({2, 0, 1, 2, 2, 1, 1, 0}, {2, 4})});
}

TEST(DefnGradIndexing, SortDirectionsAndAxes) {
  for (auto dir : {nx::Direction::asc, nx::Direction::desc})
    for (int axis : {0, 1})
      for (bool stable : {false, true}) {
        SCOPED_TRACE(std::to_string(axis) + (dir == nx::Direction::asc ? " asc" : " desc"));
        auto f = [=](const Args& a) {
          return loss(nx::sort(a[0], {.axis = axis, .direction = dir, .stable = stable}));
        };
        check(f, {test::random_f64({3, 4}, 24 + static_cast<unsigned>(axis))});
      }
}

TEST(DefnGradIndexing, ArgsortCarriesNoGradient) {
  // Only the take's values are differentiated; the order is a constant.
  auto f = [](const Args& a) {
    Tensor order = nx::argsort(a[0], {.axis = 1, .direction = nx::Direction::desc});
    return loss(nx::add(nx::take_along_axis(a[0], order, 1), nx::as_type(order, a[0].type())));
  };
  check(f, {test::random_f64({3, 4}, 26)});
}

TEST(DefnGradIndexing, TopKValuesAndIndices) {
  auto values = [](const Args& a) { return loss(nx::top_k(a[0], 3).first); };
  check(values, {test::random_f64({2, 5}, 27)});
  check(values, {test::random_f64({5}, 28)});
  // The indices output is used too but carries no gradient.
  auto both = [](const Args& a) {
    auto [v, i] = nx::top_k(a[0], 2);
    return loss(nx::multiply(v, nx::as_type(i, a[0].type())));
  };
  check(both, {test::random_f64({3, 4}, 29)});
}

TEST(DefnGradIndexing, GradOfGradThroughGatherAndSort) {
  // The rules are traced, so they differentiate again.
  auto inner = [](const Tensor& x) {
    Tensor idx = ints({0, 2, 2}, {3, 1}, nx::s64, x.backend());
    return nx::sum(nx::exp(nx::sort(nx::gather(x, idx), {.direction = nx::Direction::desc})));
  };
  auto f = [inner](const Args& a) { return loss(nx::multiply(nx::grad(inner)(a[0]), a[0])); };
  check(f, {test::random_f64({3}, 30)});
}

TEST(DefnGradIndexing, CumulativeScans) {
  using Scan = Tensor (*)(const Tensor&, const nx::CumulativeOptions&);
  const std::vector<std::pair<std::string, Scan>> scans = {
      {"sum", [](const Tensor& t, const nx::CumulativeOptions& o) { return nx::cumulative_sum(t, o); }},
      {"product", [](const Tensor& t, const nx::CumulativeOptions& o) { return nx::cumulative_product(t, o); }},
      {"min", [](const Tensor& t, const nx::CumulativeOptions& o) { return nx::cumulative_min(t, o); }},
      {"max", [](const Tensor& t, const nx::CumulativeOptions& o) { return nx::cumulative_max(t, o); }}};
  unsigned seed = 40;
  for (const auto& [name, scan] : scans)
    for (int axis : {0, 1})
      for (bool reverse : {false, true}) {
        SCOPED_TRACE(name + " axis " + std::to_string(axis) + (reverse ? " reverse" : ""));
        auto f = [scan, axis, reverse](const Args& a) { return loss(scan(a[0], {.axis = axis, .reverse = reverse})); };
        check(f, {test::random_f64({3, 5}, seed++, 0.5, 2.0)});
      }
}

TEST(DefnGradIndexing, BadInputRaisesNamingTheOp) {
  auto x = test::random_f64({3}, 50);
  // The gradient of sum(gather) never evaluates the gather: the index is
  // rejected by the scatter-add that carries its gradient, which names itself.
  auto gather = [](const Tensor& t) { return nx::sum(nx::gather(t, ints({5}, {1, 1}, nx::s64, t.backend()))); };
  EXPECT_THROW(
      {
        try {
          nx::grad(gather)(x);
        } catch (const nx::ArgumentError& e) {
          EXPECT_EQ(std::string(e.what()), "indexed_add: index 5 is out of bounds for axis 0 in shape {3}");
          throw;
        }
      },
      nx::ArgumentError);
  auto top = [](const Tensor& t) { return nx::sum(nx::top_k(t, 4).first); };
  EXPECT_THROW(
      {
        try {
          nx::grad(top)(x);
        } catch (const nx::ArgumentError& e) {
          EXPECT_NE(std::string(e.what()).find("top_k"), std::string::npos) << e.what();
          throw;
        }
      },
      nx::ArgumentError);
}

// ---------------- hand-valued, on every backend ----------------

class DefnGradIndexingHand : public test::BackendTest {};
NX_ALL_BACKENDS(DefnGradIndexingHand);

TEST_P(DefnGradIndexingHand, Gather) {
  // Rows 1, 1, 3 with weights 1, 2, 3: x1 gets 1 + 2, x3 gets 3.
  auto idx = ints({1, 1, 3}, {3, 1}, nx::s64, b());
  auto f = [idx](const Tensor& x) { return ramp(nx::gather(x, idx)); };
  expect_close(nx::grad(f)(floats({1, 2, 3, 4}, b())), nx::f32, {4}, {0, 3, 0, 3});
  // Full coordinates into {2, 3}: (0,1) twice, (1,2) once.
  auto idx2 = ints({0, 1, 1, 2, 0, 1}, {3, 2}, nx::s64, b());
  auto g = [idx2](const Tensor& x) { return ramp(nx::gather(x, idx2)); };
  expect_close(nx::grad(g)(nx::reshape(floats({1, 2, 3, 4, 5, 6}, b()), {2, 3})), nx::f32, {2, 3}, {0, 4, 0, 0, 0, 2});
}

TEST_P(DefnGradIndexingHand, IndexedAdd) {
  auto idx = ints({0, 0, 2}, {3, 1}, nx::s64, b());
  auto f = [idx](const Tensor& t, const Tensor& u) { return ramp(nx::indexed_add(t, idx, u)); };
  auto [gt, gu] = nx::grad(f, nx::argnums<0, 1>)(floats({1, 2, 3}, b()), floats({10, 20, 30}, b()));
  expect_close(gt, nx::f32, {3}, {1, 2, 3});
  expect_close(gu, nx::f32, {3}, {1, 1, 3});
}

TEST_P(DefnGradIndexingHand, IndexedPutDuplicatesFollowNx) {
  // Position 0 is written twice: the target gets nothing there, and (Nx's
  // rule) both rows get its gradient although one of them is overwritten.
  auto idx = ints({0, 0, 2}, {3, 1}, nx::s64, b());
  auto f = [idx](const Tensor& t, const Tensor& u) { return ramp(nx::indexed_put(t, idx, u)); };
  auto [gt, gu] = nx::grad(f, nx::argnums<0, 1>)(floats({1, 2, 3}, b()), floats({10, 20, 30}, b()));
  expect_close(gt, nx::f32, {3}, {0, 2, 0});
  expect_close(gu, nx::f32, {3}, {1, 1, 3});
}

TEST_P(DefnGradIndexingHand, Take) {
  // take([[a b c], [d e f]], [2, 0, 2], axis 1) = [[c a c], [f d f]], weights 1..6.
  auto idx = ints({2, 0, 2}, {3}, nx::s64, b());
  auto f = [idx](const Tensor& x) { return ramp(nx::take(x, idx, 1)); };
  expect_close(nx::grad(f)(nx::reshape(floats({1, 2, 3, 4, 5, 6}, b()), {2, 3})), nx::f32, {2, 3},
               {2, 0, 4, 5, 0, 10});
}

TEST_P(DefnGradIndexingHand, TakeAlongAxis) {
  // Row 0 takes [1, 1], row 1 takes [0, 2]; weights 1..4.
  auto idx = ints({1, 1, 0, 2}, {2, 2}, nx::s64, b());
  auto f = [idx](const Tensor& x) { return ramp(nx::take_along_axis(x, idx, 1)); };
  expect_close(nx::grad(f)(nx::reshape(floats({1, 2, 3, 4, 5, 6}, b()), {2, 3})), nx::f32, {2, 3},
               {0, 3, 0, 3, 0, 4});
}

TEST_P(DefnGradIndexingHand, SortAndArgsort) {
  auto x = floats({3, 1, 2}, b());
  // asc: [1, 2, 3] from positions [1, 2, 0]; weights 1, 2, 3.
  auto asc = [](const Tensor& t) { return ramp(nx::sort(t)); };
  expect_close(nx::grad(asc)(x), nx::f32, {3}, {3, 1, 2});
  // desc: [3, 2, 1] from positions [0, 2, 1].
  auto desc = [](const Tensor& t) { return ramp(nx::sort(t, {.direction = nx::Direction::desc})); };
  expect_close(nx::grad(desc)(x), nx::f32, {3}, {1, 3, 2});
  auto arg = [](const Tensor& t) { return ramp(nx::multiply(t, nx::as_type(nx::argsort(t), t.type()))); };
  expect_close(nx::grad(arg)(x), nx::f32, {3}, {1, 4, 0});  // (i + 1) * argsort(x)[i], argsort = [1, 2, 0]
}

TEST_P(DefnGradIndexingHand, TopK) {
  // Top 2 of [1, 5, 3, 4]: 5 (position 1), 4 (position 3); weights 1, 2.
  auto f = [](const Tensor& t) { return ramp(nx::top_k(t, 2).first); };
  expect_close(nx::grad(f)(floats({1, 5, 3, 4}, b())), nx::f32, {4}, {0, 1, 0, 2});
}

TEST_P(DefnGradIndexingHand, CumulativeScans) {
  auto x = floats({1, 2, 3}, b());
  auto sum = [](const Tensor& t) { return ramp(nx::cumulative_sum(t)); };
  expect_close(nx::grad(sum)(x), nx::f32, {3}, {6, 5, 3});
  auto rsum = [](const Tensor& t) { return ramp(nx::cumulative_sum(t, {.reverse = true})); };
  expect_close(nx::grad(rsum)(x), nx::f32, {3}, {1, 3, 6});
  // sum of [x0, x0 x1, x0 x1 x2] at [1, 2, 3]: [1 + x1 + x1 x2, x0 + x0 x2, x0 x1].
  auto prod = [](const Tensor& t) { return nx::sum(nx::cumulative_product(t)); };
  expect_close(nx::grad(prod)(x), nx::f32, {3}, {9, 4, 2});
  // max of [1, 3, 2] is [1, 3, 3]: x1 carries weights 2 and 3.
  auto max = [](const Tensor& t) { return ramp(nx::cumulative_max(t)); };
  expect_close(nx::grad(max)(floats({1, 3, 2}, b())), nx::f32, {3}, {1, 5, 0});
  auto min = [](const Tensor& t) { return ramp(nx::cumulative_min(t, {.reverse = true})); };
  // reverse min of [1, 3, 2] is [1, 2, 2]: x2 carries weights 2 and 3.
  expect_close(nx::grad(min)(floats({1, 3, 2}, b())), nx::f32, {3}, {1, 0, 5});
}

}  // namespace
