// Randomized comparison of the Emily backend against the reference backend
// for the element-wise callbacks, clip, select, as_type, bitcast and the
// reductions, over every type MLX holds (test::emily_types()).
//
// Input ranges avoid territory where Nx itself leaves results undefined or
// where the two backends legitimately differ by design:
//   * integer ops use the full range of the type (wrap-around is defined);
//     divisors are non-zero (the zero-divisor convention has its own
//     hand-valued tests), shift counts cover [-3, bits + 3] (conventions of
//     both backends), integer pow uses small bases and exponents >= -2;
//   * floats are multiples of 1/8 in [-100, 100] (exact in every float type);
//     pow uses positive bases; logs and roots positive inputs; inverse
//     trigonometric functions inputs inside their domain;
//   * tolerances (compare_util.cpp): integers exact; f32 rtol 1e-5 / atol 1e-6
//     (MLX's single-precision transcendental functions are within a few ulp);
//     f64 1e-12 (Emily computes f64 at full precision or falls back); f16
//     2e-3 and bf16 1e-2 (both computed in f32 and rounded once on both
//     backends, so they normally agree exactly); c64 1e-5.
#include <limits>

#include "compare_util.hpp"

namespace {

using nx::BinaryOp;
using nx::Tensor;
using nx::Type;
using nx::UnaryOp;

std::string name(Type t) { return nx::to_string(t); }

// Every pairing (x_i, y_j) as two flat tensors of the reference backend.
template <class V>
std::pair<Tensor, Tensor> all_pairs(const std::vector<V>& x, const std::vector<V>& y, Type tx, Type ty) {
  std::vector<V> a, b;
  for (const auto& u : x)
    for (const auto& w : y) {
      a.push_back(u);
      b.push_back(w);
    }
  return {nx::tensor(a, {.type = tx, .backend = nx::binary_backend()}),
          nx::tensor(b, {.type = ty, .backend = nx::binary_backend()})};
}

// The op table's types (nx/op_table.hpp) decide what the front end accepts.
bool int_only(BinaryOp op) { return nx::traits(op).types == nx::types::integer; }
bool rejects_complex(BinaryOp op) {
  // atan2 has no complex meaning in Nx (MLX and the reference disagree on it
  // by design); it is skipped for complex.
  return !nx::traits(op).types.contains(nx::c64) || op == BinaryOp::atan2;
}
bool is_shift(BinaryOp op) { return op == BinaryOp::left_shift || op == BinaryOp::right_shift; }
bool needs_nonzero_divisor(BinaryOp op) {
  return op == BinaryOp::quotient || op == BinaryOp::remainder || op == BinaryOp::divide;
}

// Range of an integer operand: the type's full range (both backends compute
// on the integer's value where it meets a float, as Nx does).
test::RandomOptions int_range(Type) { return {-1e30, 1e30}; }  // clamped to the type's full range

// Left operand of op for type t (out = the op's merged type).
test::RandomOptions left_range(BinaryOp op, Type t, Type out) {
  if (op == BinaryOp::pow) return nx::is_integer(t) ? test::RandomOptions{-6, 6} : test::RandomOptions{0.125, 4};
  if (nx::is_integer(t)) return int_range(out);
  return {-100, 100};
}

// Right operand of op for type t.
test::RandomOptions right_range(BinaryOp op, Type t, Type out) {
  if (op == BinaryOp::pow) return nx::is_integer(t) ? test::RandomOptions{-2, 6} : test::RandomOptions{-3, 3};
  if (is_shift(op)) return {-3, out.bits + 3.0};
  test::RandomOptions o = nx::is_integer(t) ? int_range(out) : test::RandomOptions{-100, 100};
  o.nonzero = needs_nonzero_divisor(op);
  return o;
}

Type merged(Type a, Type b) { return nx::merge(a, b); }

// Results of type c128 cannot live on Emily (MLX has no such dtype).
bool emily_holds(Type t) { return t != nx::c128; }

bool applicable(BinaryOp op, Type a, Type b) {
  Type m = merged(a, b);
  if (!emily_holds(m)) return false;
  if (nx::is_complex(m) && rejects_complex(op)) return false;
  if (int_only(op) && !nx::is_integer(m)) return false;
  return true;
}

void compare_binary(test::Rng& rng, BinaryOp op, Type ta, Type tb, const nx::Shape& sa, const nx::Shape& sb) {
  Type m = merged(ta, tb);
  auto a = test::random_tensor(rng, ta, sa, left_range(op, ta, m));
  auto b = test::random_tensor(rng, tb, sb, right_range(op, tb, m));
  std::string ctx = std::string(nx::op_name(op)) + "(" + name(ta) + nx::shape_to_string(sa) + ", " + name(tb) +
                    nx::shape_to_string(sb) + ")";
  std::optional<test::Tolerance> tol;
  // pow of f16/bf16 computed in f32 vs double can differ by one unit after rounding
  if (op == BinaryOp::pow && (m == nx::f16 || m == nx::bf16)) tol = test::Tolerance{1e-2, 1e-2};
  // complex pow in single precision (exp(b log a)): components that cancel
  // lose digits relative to the modulus
  if (op == BinaryOp::pow && m == nx::c64) tol = test::Tolerance{1e-4, 1e-3};
  test::compare_backends([op](const std::vector<Tensor>& in) { return nx::binary(op, in[0], in[1]); }, {a, b}, ctx,
                         tol);
}

TEST(CompareElementwise, BinaryOpsSameTypes) {
  test::Rng rng(1);
  for (BinaryOp op : nx::all_binary_ops())
    for (Type t : test::emily_types())
      if (applicable(op, t, t)) compare_binary(rng, op, t, t, {3, 4}, {3, 4});
}

TEST(CompareElementwise, BinaryOpsMixedTypes) {
  test::Rng rng(2);
  for (BinaryOp op : nx::all_binary_ops())
    for (Type x : test::emily_types())
      for (Type y : test::emily_types())
        if (x != y && applicable(op, x, y)) compare_binary(rng, op, x, y, {6}, {6});
}

TEST(CompareElementwise, BinaryOpsBroadcastShapes) {
  test::Rng rng(3);
  const std::vector<std::pair<nx::Shape, nx::Shape>> shapes = {
      {{2, 3}, {3}}, {{4, 1}, {1, 5}}, {{}, {2, 2}}, {{2, 1, 3}, {4, 1}}, {{3, 1}, {}}, {{}, {}}};
  const std::vector<std::pair<Type, Type>> types = {{nx::s32, nx::s32}, {nx::u8, nx::s8},  {nx::f32, nx::f32},
                                                    {nx::s16, nx::f16}, {nx::f64, nx::s64}, {nx::c64, nx::f32},
                                                    {nx::bf16, nx::u16}};
  for (BinaryOp op : nx::all_binary_ops())
    for (const auto& [sa, sb] : shapes)
      for (const auto& [x, y] : types)
        if (applicable(op, x, y)) compare_binary(rng, op, x, y, sa, sb);
}

TEST(CompareElementwise, BinaryOpsWithHostLiterals) {
  test::Rng rng(4);
  const std::vector<nx::Scalar> lits = {nx::Scalar(3), nx::Scalar(-2), nx::Scalar(300), nx::Scalar(70000),
                                        nx::Scalar(1.5), nx::Scalar(std::complex<double>(0.5, -1))};
  for (BinaryOp op : nx::all_binary_ops())
    for (Type t : test::emily_types())
      for (const auto& lit : lits) {
        Type m = nx::merge_number(t, lit);
        if (!emily_holds(m)) continue;
        if (nx::is_complex(m) && rejects_complex(op)) continue;
        if (int_only(op) && !nx::is_integer(m)) continue;
        if (is_shift(op) && lit.is_integer() && lit.i < 0) continue;  // rejected by the front end
        if (op == BinaryOp::pow && lit.is_integer() && lit.i > 3) continue;
        if (!nx::is_integer(m) && !nx::is_complex(m) && std::abs(lit.as_double()) > 1000 &&
            (op == BinaryOp::multiply || op == BinaryOp::pow))
          continue;
        auto a = test::random_tensor(rng, t, {5}, left_range(op, t, m));
        std::string ctx = std::string(nx::op_name(op)) + "(" + name(t) + ", " + lit.to_string() + ")";
        std::optional<test::Tolerance> tol;
        if (op == BinaryOp::pow && (m == nx::f16 || m == nx::bf16)) tol = test::Tolerance{1e-2, 1e-2};
        if (op == BinaryOp::pow && m == nx::c64) tol = test::Tolerance{1e-4, 1e-3};
        test::compare_backends([op, lit](const std::vector<Tensor>& in) { return nx::binary(op, in[0], lit); }, {a},
                               ctx + " tensor first", tol);
        if (needs_nonzero_divisor(op) || is_shift(op) || op == BinaryOp::pow) continue;
        test::compare_backends([op, lit](const std::vector<Tensor>& in) { return nx::binary(op, lit, in[0]); }, {a},
                               ctx + " literal first", tol);
      }
}

// Every pairing of special float values, on every float type.
TEST(CompareElementwise, BinaryOpsSpecialValues) {
  const std::vector<double> v = {NAN, INFINITY, -INFINITY, 0.0, -0.0, 1.0, -1.0, 2.5, -0.5};
  for (Type t : test::emily_float_types()) {
    auto [a, b] = all_pairs(v, v, t, t);
    for (BinaryOp op : nx::all_binary_ops()) {
      if (int_only(op)) continue;
      test::compare_backends([op](const std::vector<Tensor>& in) { return nx::binary(op, in[0], in[1]); }, {a, b},
                             std::string(nx::op_name(op)) + " special values " + name(t));
    }
  }
}

// Comparisons between types that share no exact common Nx type: values
// close to each other in different precisions, large integers against floats.
TEST(CompareElementwise, ComparisonsAcrossPrecisions) {
  test::Rng rng(11);
  std::uniform_real_distribution<double> u(-1e3, 1e3);
  std::vector<double> v;
  for (int i = 0; i < 64; ++i) v.push_back(u(rng));
  auto f64 = nx::tensor(v, {.type = nx::f64, .backend = nx::binary_backend()});
  std::vector<Tensor> floats = {f64, nx::as_type(f64, nx::f32), nx::as_type(f64, nx::f16), nx::as_type(f64, nx::bf16)};
  std::vector<std::int64_t> big;
  for (int i = 0; i < 64; ++i) big.push_back(static_cast<std::int64_t>(rng() >> (rng() % 40)) * (i % 2 ? 1 : -1));
  for (Type t : {nx::s32, nx::u32, nx::s64, nx::u64}) {
    auto ints = nx::tensor(big, {.type = t, .backend = nx::binary_backend()});
    floats.push_back(ints);
    floats.push_back(nx::as_type(ints, nx::f32));
    floats.push_back(nx::as_type(ints, nx::f64));
  }
  floats.push_back(nx::tensor(big, {.type = nx::s8, .backend = nx::binary_backend()}));
  for (const auto& x : floats)
    for (const auto& y : floats)
      for (BinaryOp op : {BinaryOp::equal, BinaryOp::not_equal, BinaryOp::less, BinaryOp::greater_equal})
        test::compare_backends([op](const std::vector<Tensor>& in) { return nx::binary(op, in[0], in[1]); }, {x, y},
                               std::string(nx::op_name(op)) + " " + name(x.type()) + " vs " + name(y.type()));
}

// Integer division, remainder and shift conventions at the edges.
TEST(CompareElementwise, IntegerEdgeConventions) {
  for (Type t : test::emily_int_types()) {
    auto mn = static_cast<std::int64_t>(nx::is_unsigned(t) ? 0 : -(1LL << (t.bits - 2)) * 2);
    std::vector<std::int64_t> xs = {0, 1, 7, -7, mn, -1, 5, 100};
    std::vector<std::int64_t> ys = {0, -1, 1, 2, -2, 3, 0, -1};
    auto [a, b] = all_pairs(xs, ys, t, t);
    for (BinaryOp op : {BinaryOp::quotient, BinaryOp::remainder, BinaryOp::pow, BinaryOp::left_shift,
                        BinaryOp::right_shift, BinaryOp::multiply, BinaryOp::subtract}) {
      test::compare_backends([op](const std::vector<Tensor>& in) { return nx::binary(op, in[0], in[1]); }, {a, b},
                             std::string(nx::op_name(op)) + " edges " + name(t));
    }
  }
}

// ---------------------------------------------------------------- unary ops

bool float_function(UnaryOp op) { return nx::traits(op).result == nx::ResultRule::floating; }

bool unary_applicable(UnaryOp op, Type t) {
  if (op == UnaryOp::conjugate) return t != nx::f64;  // c128 result
  return nx::traits(op).accepts().contains(t);
}

test::RandomOptions unary_range(UnaryOp op, Type t) {
  switch (op) {
    case UnaryOp::log: case UnaryOp::sqrt: case UnaryOp::rsqrt: return {0.125, 50, true};
    case UnaryOp::log1p: return {-0.875, 50};
    case UnaryOp::acos: case UnaryOp::asin: return {-1, 1};
    case UnaryOp::atanh: case UnaryOp::erf_inv: return {-0.875, 0.875};
    case UnaryOp::acosh: return {1, 50};
    case UnaryOp::exp: case UnaryOp::expm1: case UnaryOp::sinh: case UnaryOp::cosh: return {-10, 10};
    case UnaryOp::tan: return {-1.25, 1.25};
    case UnaryOp::erfc: return {-4, 9};
    default: break;
  }
  if (nx::is_integer(t) && !float_function(op)) return {-1e30, 1e30};
  return {-100, 100};
}

TEST(CompareElementwise, UnaryOpsEveryType) {
  test::Rng rng(5);
  for (UnaryOp op : nx::all_unary_ops())
    for (Type t : test::emily_types()) {
      if (!unary_applicable(op, t)) continue;
      auto opts = unary_range(op, t);
      if (nx::is_complex(t) && (op == UnaryOp::acosh || op == UnaryOp::log || op == UnaryOp::sqrt)) opts = {-3, 3};
      if (nx::is_complex(t) && float_function(op) && op != UnaryOp::log && op != UnaryOp::sqrt) opts = {-2, 2};
      auto x = test::random_tensor(rng, t, {4, 5}, opts);
      std::string ctx = std::string(nx::op_name(op)) + "(" + name(t) + ")";
      std::optional<test::Tolerance> tol;
      // f16/bf16 of steep functions: one unit in the last place of the result
      if (t == nx::f16 || t == nx::bf16) tol = test::Tolerance{1e-2, 1e-2};
      if (t == nx::c64) tol = test::Tolerance{1e-5, 1e-5};
      test::compare_backends([op](const std::vector<Tensor>& in) { return nx::unary(op, in[0]); }, {x}, ctx, tol,
                             test::unary_path(op, t));
    }
}

TEST(CompareElementwise, UnaryOpsSpecialValues) {
  const std::vector<double> v = {NAN, INFINITY, -INFINITY, 0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 2.5, 1e-3};
  for (Type t : test::emily_float_types()) {
    auto x = nx::tensor(v, {.type = t, .backend = nx::binary_backend()});
    for (UnaryOp op : nx::all_unary_ops()) {
      if (!unary_applicable(op, t)) continue;
      test::compare_backends([op](const std::vector<Tensor>& in) { return nx::unary(op, in[0]); }, {x},
                             std::string(nx::op_name(op)) + " special values " + name(t), std::nullopt,
                             test::unary_path(op, t));
    }
  }
  // complex special values for the predicates and parts
  std::vector<std::complex<double>> z = {{NAN, 0}, {0, NAN}, {INFINITY, 1}, {1, -INFINITY}, {0, 0}, {-0.0, 1}};
  auto c = nx::tensor(z, {.backend = nx::binary_backend()});
  for (UnaryOp op : {UnaryOp::is_nan, UnaryOp::is_infinity, UnaryOp::real, UnaryOp::imag, UnaryOp::conjugate,
                     UnaryOp::negate})
    test::compare_backends([op](const std::vector<Tensor>& in) { return nx::unary(op, in[0]); }, {c},
                           std::string(nx::op_name(op)) + " complex special values");
}

// ---------------------------------------------------------------- clip, select, as_type, bitcast

TEST(CompareElementwise, ClipAndSelect) {
  test::Rng rng(6);
  for (Type t : test::emily_real_types())
    for (Type lim : {nx::s32, nx::f32, t}) {
      auto x = test::random_tensor(rng, t, {3, 4}, {-50, 50});
      auto lo = test::random_tensor(rng, lim, {}, {-20, 0});
      auto hi = test::random_tensor(rng, lim, {}, {0, 20});
      test::compare_backends([](const std::vector<Tensor>& in) { return nx::clip(in[0], in[1], in[2]); },
                             {x, lo, hi}, "clip " + name(t) + " limits " + name(lim));
      test::compare_backends([](const std::vector<Tensor>& in) { return nx::clip(in[0], in[2], in[1]); },
                             {x, lo, hi}, "clip min > max " + name(t) + " limits " + name(lim));
    }
  auto nanx = nx::tensor(std::vector<double>{NAN, -INFINITY, INFINITY, 3.0}, {.backend = nx::binary_backend()});
  test::compare_backends([](const std::vector<Tensor>& in) { return nx::clip(in[0], -1.0, 1.0); }, {nanx},
                         "clip non-finite");
  for (Type p : {nx::u8, nx::s32, nx::f32, nx::c64})
    for (Type x : test::emily_types())
      for (Type y : {nx::s8, nx::f16, nx::c64, x}) {
        if (!emily_holds(nx::merge(x, y))) continue;
        auto pred = test::random_tensor(rng, p, {3, 4}, {-1, 1});
        auto a = test::random_tensor(rng, x, {3, 4});
        auto b = test::random_tensor(rng, y, {4});
        test::compare_backends([](const std::vector<Tensor>& in) { return nx::select(in[0], in[1], in[2]); },
                               {pred, a, b}, "select pred " + name(p) + " " + name(x) + " / " + name(y));
      }
  auto scalar_pred = test::random_tensor(rng, nx::u8, {}, {0, 1});
  test::compare_backends([](const std::vector<Tensor>& in) { return nx::select(in[0], in[1], in[2]); },
                         {scalar_pred, test::random_tensor(rng, nx::s16, {2, 1}), test::random_tensor(rng, nx::f32, {3})},
                         "select scalar predicate");
}

TEST(CompareElementwise, AsTypeEveryPair) {
  test::Rng rng(7);
  const double big = 1e30;
  for (Type from : test::emily_types())
    for (Type to : test::emily_types()) {
      if (from == to) continue;
      auto x = test::random_tensor(rng, from, {20}, {-big, big});
      test::compare_backends([to](const std::vector<Tensor>& in) { return nx::as_type(in[0], to); }, {x},
                             "as_type " + name(from) + " -> " + name(to));
      auto small = test::random_tensor(rng, from, {20}, {-300, 300});
      test::compare_backends([to](const std::vector<Tensor>& in) { return nx::as_type(in[0], to); }, {small},
                             "as_type (small) " + name(from) + " -> " + name(to));
    }
  // non-finite and out-of-range floats into every type
  std::vector<double> special = {NAN, INFINITY, -INFINITY, -0.0, 0.5, -0.5, 1.5, -1.5, 255.5, 256.0, -129.0,
                                 65535.9, 1e10, -1e10, 3e9, 9.3e18, -9.3e18, 1.9e19, 1e25, -1e25, 65520.0, 1e39};
  for (Type from : test::emily_float_types()) {
    auto x = nx::tensor(special, {.type = from, .backend = nx::binary_backend()});
    for (Type to : test::emily_types())
      if (to != from)
        test::compare_backends([to](const std::vector<Tensor>& in) { return nx::as_type(in[0], to); }, {x},
                               "as_type special " + name(from) + " -> " + name(to));
  }
  std::vector<std::complex<double>> cs = {{NAN, 1}, {INFINITY, -2}, {-1.5, 7}, {3e9, 0}, {-0.5, -0.5}};
  auto cx = nx::tensor(cs, {.backend = nx::binary_backend()});
  for (Type to : test::emily_types())
    if (to != nx::c64)
      test::compare_backends([to](const std::vector<Tensor>& in) { return nx::as_type(in[0], to); }, {cx},
                             "as_type complex -> " + name(to));
}

TEST(CompareElementwise, BitcastSameWidthPairs) {
  test::Rng rng(8);
  for (Type from : test::emily_real_types())
    for (Type to : test::emily_real_types()) {
      if (from == to || from.bits != to.bits) continue;
      auto x = test::random_tensor(rng, from, {2, 5}, {-1e30, 1e30});
      test::compare_backends([to](const std::vector<Tensor>& in) { return nx::bitcast(in[0], to); }, {x},
                             "bitcast " + name(from) + " -> " + name(to));
    }
}

// ---------------------------------------------------------------- reductions

TEST(CompareReductions, AxesAndKeepAxes) {
  test::Rng rng(9);
  const std::vector<std::optional<nx::Axes>> axes = {std::nullopt, nx::Axes{0}, nx::Axes{2}, nx::Axes{2, 0},
                                                     nx::Axes{1, 2}, nx::Axes{-1, 0, 1}};
  for (Type t : test::emily_types())
    for (const auto& ax : axes)
      for (bool keep : {false, true}) {
        std::string ctx = name(t) + (ax ? " axes " + std::to_string(ax->size()) : " all") + (keep ? " keep" : "");
        auto x = test::random_tensor(rng, t, {2, 3, 4}, nx::is_integer(t) ? test::RandomOptions{-1e30, 1e30}
                                                                          : test::RandomOptions{-8, 8});
        nx::ReduceOptions o{ax, keep};
        test::compare_backends([o](const std::vector<Tensor>& in) { return nx::sum(in[0], o); }, {x}, "sum " + ctx);
        auto p = test::random_tensor(rng, t, {2, 3, 4}, {-3, 3});
        test::compare_backends([o](const std::vector<Tensor>& in) { return nx::product(in[0], o); }, {p},
                               "product " + ctx);
        test::compare_backends([o](const std::vector<Tensor>& in) { return nx::all(in[0], o); }, {p}, "all " + ctx);
        test::compare_backends([o](const std::vector<Tensor>& in) { return nx::any(in[0], o); }, {p}, "any " + ctx);
        if (nx::is_complex(t)) continue;
        test::compare_backends([o](const std::vector<Tensor>& in) { return nx::reduce_max(in[0], o); }, {x},
                               "reduce_max " + ctx);
        test::compare_backends([o](const std::vector<Tensor>& in) { return nx::reduce_min(in[0], o); }, {x},
                               "reduce_min " + ctx);
      }
}

TEST(CompareReductions, ArgMaxArgMinTiesAndNaN) {
  test::Rng rng(10);
  for (Type t : test::emily_real_types())
    for (std::optional<int> axis : {std::optional<int>{}, std::optional<int>{0}, std::optional<int>{1},
                                    std::optional<int>{-1}})
      for (auto tie : {nx::TieBreak::low, nx::TieBreak::high})
        for (bool keep : {false, true}) {
          // few distinct values: many ties
          auto x = test::random_tensor(rng, t, {3, 4, 5}, {-2, 2});
          if (nx::is_float(t) && keep) {
            // sprinkle NaN and infinities
            auto mask = test::random_tensor(rng, nx::u8, {3, 4, 5}, {0, 12});
            x = nx::select(nx::equal(mask, 0), NAN, x);
            x = nx::as_type(nx::select(nx::equal(mask, 1), INFINITY, nx::select(nx::equal(mask, 2), -INFINITY, x)), t);
          }
          nx::ArgReduceOptions o{axis, tie, keep, t == nx::s16 ? std::optional<Type>(nx::u8) : std::nullopt};
          std::string ctx = name(t) + (axis ? " axis " + std::to_string(*axis) : " flat") +
                            (tie == nx::TieBreak::high ? " high" : " low") + (keep ? " keep" : "");
          test::compare_backends([o](const std::vector<Tensor>& in) { return nx::argmax(in[0], o); }, {x},
                                 "argmax " + ctx);
          test::compare_backends([o](const std::vector<Tensor>& in) { return nx::argmin(in[0], o); }, {x},
                                 "argmin " + ctx);
          if (nx::is_float(t) && keep) {
            nx::ReduceOptions r{axis ? std::optional<nx::Axes>(nx::Axes{*axis}) : std::nullopt, false};
            test::compare_backends([r](const std::vector<Tensor>& in) { return nx::reduce_max(in[0], r); }, {x},
                                   "reduce_max with NaN " + ctx);
            test::compare_backends([r](const std::vector<Tensor>& in) { return nx::reduce_min(in[0], r); }, {x},
                                   "reduce_min with NaN " + ctx);
          }
        }
}

TEST(CompareCreation, ConstantIotaEye) {
  const std::vector<nx::Scalar> values = {nx::Scalar(300), nx::Scalar(-1), nx::Scalar(2.75), nx::Scalar(-1e10),
                                          nx::Scalar(NAN), nx::Scalar(INFINITY),
                                          nx::Scalar(std::complex<double>(1.5, -2))};
  for (Type t : test::emily_types()) {
    for (const auto& v : values)
      test::compare_creation([&](const nx::BackendPtr& b) { return nx::full({2, 3}, v, {.type = t, .backend = b}); },
                             "constant " + v.to_string() + " " + name(t));
    for (std::optional<int> axis : {std::optional<int>{}, std::optional<int>{0}, std::optional<int>{2}})
      test::compare_creation(
          [&](const nx::BackendPtr& b) { return nx::iota({3, 7, 20}, {.type = t, .axis = axis, .backend = b}); },
          "iota " + name(t));
    test::compare_creation([&](const nx::BackendPtr& b) { return nx::eye({2, 3, 4}, {.type = t, .backend = b}); },
                           "eye " + name(t));
  }
}

}  // namespace
