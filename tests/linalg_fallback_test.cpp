// Where the decompositions run when no native routine exists: Emily's complex
// cholesky, solve, qr, lu and determinant (beyond 3x3) go through the one
// fallback mechanism (a span, the policy), and the block defaults of
// nx::Backend: solve and determinant compose other callbacks, the other
// decompositions have no default.
#include "test_util.hpp"

namespace {

using c = std::complex<double>;
using emily::telemetry::Event;
using emily::telemetry::Phase;

nx::BackendPtr cpu() { return emily::backend({.device = emily::Device::cpu}); }

nx::Tensor ctensor(const std::vector<c>& values, const nx::Shape& shape, const nx::BackendPtr& b) {
  return nx::reshape(nx::tensor(values, {.type = nx::c64, .names = {}, .backend = b}), shape);
}

void expect_values(const nx::Tensor& t, const std::vector<c>& want, const std::string& ctx) {
  auto got = nx::to_flat_list<c>(t);
  ASSERT_EQ(got.size(), want.size()) << ctx;
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i]) << ctx << " at " << i;
}

// The same values, bit for bit (the fallback runs the reference's code).
void expect_same(const nx::Tensor& got, const nx::Tensor& want, const std::string& ctx) {
  EXPECT_EQ(nx::to_string(got.type()), nx::to_string(want.type())) << ctx;
  EXPECT_EQ(nx::shape_to_string(got.shape()), nx::shape_to_string(want.shape())) << ctx;
  expect_values(got, nx::to_flat_list<c>(want), ctx);
}

class PolicyGuard {
 public:
  explicit PolicyGuard(emily::FallbackPolicy p) : previous_(emily::fallback_policy()) {
    emily::set_fallback_policy(p);
  }
  ~PolicyGuard() { emily::set_fallback_policy(previous_); }

 private:
  emily::FallbackPolicy previous_;
};

struct Spans {
  std::vector<Event> started;
  emily::telemetry::HandlerId id;
  Spans()
      : id(emily::telemetry::attach("emily.fallback", [this](const Event& e) {
          if (e.phase == Phase::start) started.push_back(e);
        })) {}
  ~Spans() { emily::telemetry::detach(id); }
};

// One complex case per op with no complex MLX routine: the op's name, and the
// op run on the given backend, every output flattened into one list.
struct Case {
  std::string op;
  std::vector<nx::Tensor> (*run)(const nx::BackendPtr&);
  std::vector<std::vector<c>> want;  // hand-computed, per output
};

const c i1(0, 1);

std::vector<Case> complex_cases() {
  return {
      // L L^H = [[4, 2i], [-2i, 5]] (the upper triangle is not read).
      {"cholesky",
       [](const nx::BackendPtr& b) {
         return std::vector{nx::linalg::cholesky(ctensor({4, 9, -2.0 * i1, 5}, {2, 2}, b))};
       },
       {{2, 0, -i1, 2}}},
      // [[1, i], [i, 1]] x = [2, 0]: x = [1, -i].
      {"solve",
       [](const nx::BackendPtr& b) {
         return std::vector{nx::linalg::solve(ctensor({1, i1, i1, 1}, {2, 2}, b), ctensor({2, 0}, {2}, b))};
       },
       {{1, -i1}}},
      // One reflection H = I - v v^H with v = [1, i] maps column [0, i] to
      // [-1, 0]; Q = H, R = H A.
      {"qr",
       [](const nx::BackendPtr& b) {
         auto [q, r] = nx::linalg::qr(ctensor({0, 1, i1, 0}, {2, 2}, b));
         return std::vector{q, r};
       },
       {{0, i1, -i1, 0}, {-1, 0, 0, -i1}}},
      // |2i| > |1|: rows swap; multiplier 1 / 2i = -i/2, U11 = 0 - (-i/2) * 1.
      {"lu",
       [](const nx::BackendPtr& b) {
         auto r = nx::linalg::lu(ctensor({1, 0, 2.0 * i1, 1}, {2, 2}, b));
         return std::vector{r.p, r.l, r.u};
       },
       {{0, 1, 1, 0}, {1, 0, -0.5 * i1, 1}, {2.0 * i1, 1, 0, 0.5 * i1}}},
      // Anti-diagonal [1, 2i, 3, 1] (an odd permutation): -6i.
      {"determinant",
       [](const nx::BackendPtr& b) {
         return std::vector{nx::linalg::determinant(
             ctensor({0, 0, 0, 1, 0, 2.0 * i1, 0, 0, 0, 0, 3, 0, 1, 0, 0, 0}, {4, 4}, b))};
       },
       {{-6.0 * i1}}},
  };
}

TEST(LinAlgFallback, ComplexDecompositionsRaiseUnderRaisePolicy) {
  PolicyGuard raise(emily::FallbackPolicy::raise);
  for (const auto& k : complex_cases()) {
    try {
      (void)k.run(cpu());
      ADD_FAILURE() << k.op << ": expected UnsupportedError";
    } catch (const nx::UnsupportedError& e) {
      EXPECT_NE(std::string(e.what()).find("emily: " + k.op + " has no MLX implementation"), std::string::npos)
          << e.what();
    }
  }
}

TEST(LinAlgFallback, ComplexDecompositionsEmitASpanAndGiveTheReferenceValues) {
  PolicyGuard silent(emily::FallbackPolicy::silent);
  for (const auto& k : complex_cases()) {
    Spans spans;
    auto got = k.run(cpu());
    ASSERT_EQ(spans.started.size(), 1u) << k.op;
    EXPECT_EQ(spans.started[0].metadata.at("op"), k.op);
    EXPECT_EQ(spans.started[0].metadata.at("input_types").substr(0, 3), "c64") << k.op;
    auto want = k.run(nx::binary_backend());
    ASSERT_EQ(got.size(), k.want.size()) << k.op;
    for (std::size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].backend()->name(), "emily") << k.op;
      expect_values(got[i], k.want[i], k.op + " output " + std::to_string(i));
      expect_same(got[i], want[i], k.op + " output " + std::to_string(i) + " against the reference");
    }
  }
}

TEST(LinAlgFallback, NativeComplexCasesDoNotFallBack) {
  PolicyGuard raise(emily::FallbackPolicy::raise);
  // Complex determinants up to 3x3 use Nx's closed forms on MLX.
  auto d = nx::linalg::determinant(ctensor({1, i1, 2.0 * i1, 3}, {2, 2}, cpu()));
  expect_values(d, {c(5, 0)}, "2x2 determinant");  // 3 - i * 2i
  // MLX has a complex eigh: [[2, -i], [i, 2]] has eigenvalues 3 and 1.
  auto [w, v] = nx::linalg::eigh(ctensor({2, -i1, i1, 2}, {2, 2}, cpu()));
  auto wl = nx::to_flat_list<c>(w);
  ASSERT_EQ(wl.size(), 2u);
  EXPECT_NEAR(wl[0].real(), 3.0, 1e-5);
  EXPECT_NEAR(wl[1].real(), 1.0, 1e-5);
  // Complex svd is rejected before any backend runs.
  EXPECT_THROW((void)nx::linalg::svd(ctensor({1, 0, 0, 1}, {2, 2}, cpu())), nx::ArgumentError);
}

// A backend that implements only the callbacks the solve and determinant
// compositions use (forwarded to the reference backend), plus lu.
class Composing : public nx::Backend {
 public:
  std::string name() const override { return "composing"; }
  nx::Tensor constant(const nx::Spec& out, const nx::Scalar& v) override { return ref()->constant(out, v); }
  nx::Tensor eye(const nx::Spec& out) override { return ref()->eye(out); }
  nx::Tensor iota(const nx::Spec& out, std::optional<int> axis) override { return ref()->iota(out, axis); }
  nx::Tensor as_type(const nx::Spec& out, const nx::Tensor& t) override { return ref()->as_type(out, t); }
  nx::Tensor reshape(const nx::Spec& out, const nx::Tensor& t) override { return ref()->reshape(out, t); }
  nx::Tensor broadcast(const nx::Spec& out, const nx::Tensor& t, const nx::Shape& s, const nx::AxisIndices& a) override {
    return ref()->broadcast(out, t, s, a);
  }
  nx::Tensor dot(const nx::Spec& out, const nx::Tensor& a, const nx::AxisIndices& ca, const nx::AxisIndices& ba,
                 const nx::Tensor& b, const nx::AxisIndices& cb, const nx::AxisIndices& bb) override {
    return ref()->dot(out, a, ca, ba, b, cb, bb);
  }
  nx::Tensor select(const nx::Spec& out, const nx::Tensor& p, const nx::Tensor& t, const nx::Tensor& f) override {
    return ref()->select(out, p, t, f);
  }
  nx::Tensor slice(const nx::Spec& out, const nx::Tensor& t, const nx::StartIndices& s,
                   const std::vector<std::int64_t>& l, const std::vector<std::int64_t>& st) override {
    return ref()->slice(out, t, s, l, st);
  }
  nx::Tensor sum(const nx::Spec& out, const nx::Tensor& t, const nx::ReduceCallbackOptions& o) override {
    return ref()->sum(out, t, o);
  }
  nx::Tensor product(const nx::Spec& out, const nx::Tensor& t, const nx::ReduceCallbackOptions& o) override {
    return ref()->product(out, t, o);
  }
  nx::Tensor triangular_solve(const nx::Spec& out, const nx::Tensor& a, const nx::Tensor& b,
                              const nx::TriangularSolveOptions& o) override {
    return ref()->triangular_solve(out, a, b, o);
  }
  nx::Tensor binary_op(nx::BinaryOp op, const nx::Spec& out, const nx::Tensor& a, const nx::Tensor& b) override {
    return ref()->binary_op(op, out, a, b);
  }
  nx::Tensor unary_op(nx::UnaryOp op, const nx::Spec& out, const nx::Tensor& t) override {
    return ref()->unary_op(op, out, t);
  }
  std::vector<nx::Tensor> lu(const std::vector<nx::Spec>& out, const nx::Tensor& a) override {
    return ref()->lu(out, a);
  }

 private:
  static nx::BackendPtr ref() { return nx::binary_backend(); }
};

nx::Tensor host(const std::vector<double>& values, const nx::Shape& shape, nx::Type type) {
  return nx::reshape(nx::tensor(values, {.type = type, .names = {}, .backend = nx::binary_backend()}), shape);
}

TEST(BlockDefaults, SolveComposesLuAndTwoTriangularSolves) {
  auto b = std::make_shared<Composing>();
  nx::detail::ComposedRecorder composed;
  // LU with a row swap: [[4, 3], [2, 1]] = [[1, 0], [0.5, 1]] [[4, 3], [0, -0.5]].
  auto a = host({2, 1, 4, 3}, {2, 2}, nx::f64);
  test::expect_floats(b->solve(nx::Spec{{2}, nx::f64, {}}, a, host({3, 7}, {2}, nx::f64)), nx::f64, {2}, {1, 1});
  test::expect_floats(b->solve(nx::Spec{{2, 2}, nx::f64, {}}, a, host({3, 1, 7, 2}, {2, 2}, nx::f64)), nx::f64,
                      {2, 2}, {1, 0.5, 1, 0});
  // Integer a, complex b: both cast to the output type first.
  auto z = b->solve(nx::Spec{{2}, nx::c64, {}}, host({1, 0, 0, 2}, {2, 2}, nx::s32),
                    ctensor({2, 4.0 * i1}, {2}, nx::binary_backend()));
  expect_values(z, {2, 2.0 * i1}, "complex right-hand side");
  EXPECT_EQ(composed.blocks(), (std::vector<std::string>{"solve", "solve", "solve"}));
}

TEST(BlockDefaults, DeterminantComposesClosedFormsAndLu) {
  auto b = std::make_shared<Composing>();
  auto det = [&](const nx::Tensor& a, const nx::Shape& batch, nx::Type t) {
    return b->determinant(nx::Spec{batch, t, {}}, a);
  };
  test::expect_floats(det(host({7}, {1, 1}, nx::f64), {}, nx::f64), nx::f64, {}, {7});
  test::expect_floats(det(host({1, 2, 3, 4, 2, 0, 0, 3}, {2, 2, 2}, nx::f64), {2}, nx::f64), nx::f64, {2}, {-2, 6});
  test::expect_floats(det(host({4, 1, 2, 1, 5, 3, 2, 3, 6}, {3, 3}, nx::s32), {}, nx::f32), nx::f32, {}, {70});
  // 4x4 through lu: two row swaps (even), U's diagonal 2, 1, 4, 3.
  auto a4 = host({1, 2, 0, 0, 2, 2, 0, 0, 0, 0, 1, 4, 0, 0, 4, 4}, {4, 4}, nx::s32);
  test::expect_floats(det(a4, {}, nx::f32), nx::f32, {}, {24});
  // One row swap (odd): the anti-diagonal example, -6i.
  auto anti = ctensor({0, 0, 0, 1, 0, 2.0 * i1, 0, 0, 0, 0, 3, 0, 1, 0, 0, 0}, {4, 4}, nx::binary_backend());
  expect_values(det(anti, {}, nx::c64), {-6.0 * i1}, "complex 4x4");
}

TEST(BlockDefaults, DecompositionsWithoutACompositionAreUnsupported) {
  auto b = std::make_shared<Composing>();
  auto a = host({4, 0, 0, 9}, {2, 2}, nx::f64);
  const nx::Spec sq{{2, 2}, nx::f64, {}}, vec{{2}, nx::f64, {}};
  auto expect_unsupported = [](const std::string& op, auto&& call) {
    try {
      call();
      ADD_FAILURE() << op << ": expected UnsupportedError";
    } catch (const nx::UnsupportedError& e) {
      EXPECT_NE(std::string(e.what()).find("callback " + op + " is not supported"), std::string::npos) << e.what();
    }
  };
  expect_unsupported("cholesky", [&] { (void)b->cholesky(sq, a); });
  expect_unsupported("qr", [&] { (void)b->qr({sq, sq}, a, {}); });
  expect_unsupported("eigh", [&] { (void)b->eigh({vec, sq}, a, {}); });
  expect_unsupported("svd", [&] { (void)b->svd({sq, vec, sq}, a, {}); });
  // lu is what Composing implements itself.
  auto f = b->lu({sq, sq, sq}, a);
  test::expect_floats(f[2], nx::f64, {2, 2}, {4, 0, 0, 9});
}

}  // namespace
