// Bad input: every front-end op fed the classic mistakes (axes out of range,
// duplicate axes, mismatched shapes, wrong rank, wrong type, bad sizes and
// option values, bad index tensors). Each case must raise nx::ArgumentError
// whose message starts with "<op>:", on the reference backend and on Emily,
// before any backend work. A second table holds inputs whose result is
// documented instead of an error (out-of-range indices, NaN/Inf, huge sizes).
#include <functional>
#include <iostream>
#include <limits>
#include <set>
#include <typeinfo>

#include "compare_util.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define EMILY_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EMILY_TEST_ASAN 1
#endif
#endif

namespace {

using nx::Axes;
using nx::BackendPtr;
using nx::Shape;
using nx::Tensor;

struct Case {
  std::string op;     // the message must start with "<op>:"
  std::string label;  // unique description
  std::function<void(const BackendPtr&)> run;
};

// Inputs built on the backend under test.
Tensor F(const BackendPtr& b, const Shape& s) { return nx::iota(s, {.type = nx::f32, .backend = b}); }
Tensor I(const BackendPtr& b, const Shape& s) { return nx::iota(s, {.type = nx::s32, .backend = b}); }
Tensor C(const BackendPtr& b, const Shape& s) { return nx::iota(s, {.type = nx::c64, .backend = b}); }
Tensor U(const BackendPtr& b, const Shape& s) { return nx::iota(s, {.type = nx::u8, .backend = b}); }
Tensor L(const BackendPtr& b, const nx::Literal& v, std::optional<nx::Type> type = std::nullopt) {
  return nx::tensor(v, {.type = type, .backend = b});
}
Tensor S(const BackendPtr& b, double v, nx::Type type = nx::s32) { return nx::scalar(v, type, b); }
Tensor named(const Tensor& t, nx::Names names) { return nx::rename(t, std::move(names)); }

constexpr std::int64_t kHuge = std::int64_t{1} << 32;  // 2^32: kHuge * kHuge overflows int64

nx::ReduceFn adder() {
  return [](const Tensor& x, const Tensor& acc) { return nx::add(x, acc); };
}

using Pads = std::vector<std::pair<std::int64_t, std::int64_t>>;

std::vector<Case> build_cases() {
  std::vector<Case> out;
  auto add = [&](std::string op, std::string label, std::function<void(const BackendPtr&)> fn) {
    std::string full = op + ": " + label;
    out.push_back({std::move(op), std::move(full), std::move(fn)});
  };
#define BAD(op, label, ...) add(op, label, [](const BackendPtr& b) { (void)(__VA_ARGS__); })

  // ---- element-wise binary ops: every op with shapes that do not broadcast,
  // with clashing axis names, and with a rank that cannot broadcast ----
  for (nx::BinaryOp op : nx::all_binary_ops()) {
    const std::string name(nx::op_name(op));
    add(name, "shapes {2, 3} and {3, 2}", [op](const BackendPtr& b) { (void)nx::binary(op, I(b, {2, 3}), I(b, {3, 2})); });
    add(name, "names :x and :y", [op](const BackendPtr& b) {
      (void)nx::binary(op, named(I(b, {2}), {"x"}), named(I(b, {2}), {"y"}));
    });
    add(name, "shapes {4} and {2, 3}", [op](const BackendPtr& b) { (void)nx::binary(op, I(b, {4}), I(b, {2, 3})); });
  }
  // Complex operands where the op needs an ordering or integers.
  for (auto op : {nx::BinaryOp::remainder, nx::BinaryOp::min, nx::BinaryOp::max, nx::BinaryOp::quotient,
                  nx::BinaryOp::bitwise_and, nx::BinaryOp::bitwise_or, nx::BinaryOp::bitwise_xor,
                  nx::BinaryOp::left_shift, nx::BinaryOp::right_shift}) {
    const std::string name(nx::op_name(op));
    add(name, "complex tensor", [op](const BackendPtr& b) { (void)nx::binary(op, C(b, {2}), I(b, {2})); });
    add(name, "complex literal", [op](const BackendPtr& b) {
      (void)nx::binary(op, I(b, {2}), std::complex<double>(1.0, 2.0));
    });
  }
  // Floats where the op is integer-only.
  for (auto op : {nx::BinaryOp::quotient, nx::BinaryOp::bitwise_and, nx::BinaryOp::bitwise_or,
                  nx::BinaryOp::bitwise_xor, nx::BinaryOp::left_shift, nx::BinaryOp::right_shift}) {
    const std::string name(nx::op_name(op));
    add(name, "f32 tensor", [op](const BackendPtr& b) { (void)nx::binary(op, F(b, {2}), I(b, {2})); });
    add(name, "float literal", [op](const BackendPtr& b) { (void)nx::binary(op, I(b, {2}), 1.5); });
    add(name, "two literals 10 and 1.0", [op](const BackendPtr& b) { (void)nx::binary(op, 10, 1.0); });
  }
  // ---- element-wise unary ops ----
  for (auto op : {nx::UnaryOp::bitwise_not, nx::UnaryOp::population_count, nx::UnaryOp::count_leading_zeros}) {
    const std::string name(nx::op_name(op));
    add(name, "f32 tensor", [op](const BackendPtr& b) { (void)nx::unary(op, F(b, {2})); });
    add(name, "c64 tensor", [op](const BackendPtr& b) { (void)nx::unary(op, C(b, {2})); });
  }
  for (auto op : {nx::UnaryOp::erf, nx::UnaryOp::erfc, nx::UnaryOp::erf_inv, nx::UnaryOp::ceil,
                  nx::UnaryOp::floor, nx::UnaryOp::round}) {
    const std::string name(nx::op_name(op));
    add(name, "c64 tensor", [op](const BackendPtr& b) { (void)nx::unary(op, C(b, {2, 2})); });
  }
  BAD("complex", "complex real part", nx::complex(C(b, {2}), F(b, {2})));
  BAD("complex", "complex imaginary part", nx::complex(F(b, {2}), std::complex<double>(0, 1)));
  BAD("select", "predicate {3} for branches {2}", nx::select(U(b, {3}), F(b, {2}), F(b, {2})));
  BAD("select", "branches {2} and {3}", nx::select(U(b, {}), F(b, {2}), F(b, {3})));
  BAD("select", "branches wider than the predicate", nx::select(U(b, {2}), F(b, {2, 2}), 0));
  BAD("clip", "min of shape {2}", nx::clip(F(b, {2}), F(b, {2}), 1.0));
  BAD("clip", "max of shape {1}", nx::clip(F(b, {2}), 0.0, F(b, {1})));
  BAD("clip", "complex tensor", nx::clip(C(b, {2}), 0, 1));
  BAD("clip", "complex bound", nx::clip(F(b, {2}), std::complex<double>(0, 1), 1));

  // ---- creation ----
  BAD("tensor", "empty list", L(b, nx::Literal{}));
  BAD("tensor", "ragged nested list", L(b, {{1, 2}, {3}}));
  BAD("tensor", "mixed depth", L(b, {{1, 2}, 3}));
  BAD("tensor", "names count", nx::tensor({1, 2}, {.names = {"a", "b"}, .backend = b}));
  BAD("tensor", "empty vector", nx::tensor(std::vector<float>{}, {.backend = b}));
  BAD("tensor", "vector with names count", nx::tensor(std::vector<float>{1, 2}, {.names = {"a", "b"}, .backend = b}));
  BAD("from_binary", "empty binary", nx::from_binary(std::span<const std::uint8_t>{}, nx::s8, {.backend = b}));
  BAD("from_binary", "3 bytes as s16", nx::from_binary(std::vector<std::uint8_t>{1, 2, 3}, nx::s16, {.backend = b}));
  BAD("from_binary", "bytes do not match the shape",
      nx::from_binary(std::vector<std::uint8_t>(8, 0), nx::f32, Shape{3}, {.backend = b}));
  BAD("from_binary", "zero dimension", nx::from_binary(std::vector<std::uint8_t>(4, 0), nx::f32, Shape{0}, {.backend = b}));
  BAD("from_binary", "names count",
      nx::from_binary(std::vector<std::uint8_t>(4, 0), nx::f32, Shape{1}, {.names = {"a", "b"}, .backend = b}));
  BAD("iota", "zero dimension", nx::iota({2, 0}, {.backend = b}));
  BAD("iota", "negative dimension", nx::iota({-3}, {.backend = b}));
  BAD("iota", "axis 2 of rank 2", nx::iota({2, 2}, {.axis = 2, .backend = b}));
  BAD("iota", "axis -3 of rank 2", nx::iota({2, 2}, {.axis = -3, .backend = b}));
  BAD("iota", "axis of a scalar", nx::iota({}, {.axis = 0, .backend = b}));
  BAD("iota", "names count", nx::iota({2}, {.names = {"a", "b"}, .backend = b}));
  BAD("iota", "element count overflows int64", nx::iota({kHuge, kHuge}, {.backend = b}));
  BAD("iota", "byte count overflows int64", nx::iota({std::int64_t{1} << 61, 8}, {.backend = b}));
  BAD("eye", "rank 1", nx::eye(Shape{3}, {.backend = b}));
  BAD("eye", "zero size", nx::eye(0, {.backend = b}));
  BAD("eye", "negative size", nx::eye(-2, {.backend = b}));
  BAD("eye", "names count", nx::eye(2, {.names = {"a"}, .backend = b}));
  BAD("full", "negative dimension", nx::full({2, -1}, 1.0, {.backend = b}));
  BAD("full", "names count", nx::full({2}, 1.0, {.names = {"a", "b", "c"}, .backend = b}));
  BAD("full", "element count overflows int64", nx::full({kHuge, kHuge, 2}, 0, {.backend = b}));
  BAD("full", "zeros with a zero dimension", nx::zeros({0}, {.backend = b}));
  BAD("full", "ones with a zero dimension", nx::ones({3, 0, 2}, {.backend = b}));
  BAD("to_binary", "negative limit", nx::to_binary(F(b, {2}), {.limit = -1}));
  BAD("to_number", "rank 1 tensor", nx::to_number<double>(F(b, {2})));
  BAD("to_batched", "scalar", nx::to_batched(F(b, {}), 1));
  BAD("to_batched", "batch size 0", nx::to_batched(F(b, {4}), 0));
  BAD("to_batched", "negative batch size", nx::to_batched(F(b, {4}), -2));
  BAD("to_batched", "batch larger than axis 0", nx::to_batched(F(b, {4}), 5));
  BAD("from_pointer", "null address", nx::from_pointer(nx::Pointer{}, nx::f32, {2}, {.backend = b}));
  BAD("from_pointer", "zero dimension", nx::from_pointer(nx::Pointer{.address = 8}, nx::f32, {0}, {.backend = b}));
  add("from_pointer", "names count", [](const BackendPtr& b) {
    Tensor t = F(b, {2});
    (void)nx::from_pointer(nx::to_pointer(t), nx::f32, {2}, {.names = {"a", "b"}, .backend = b});
  });
  add("from_pointer", "data_size smaller than the shape", [](const BackendPtr& b) {
    Tensor t = F(b, {2});
    nx::Pointer p = nx::to_pointer(t);
    p.data_size = 4;
    (void)nx::from_pointer(p, nx::f32, {2}, {.backend = b});
  });
  BAD("bitcast", "width mismatch", nx::bitcast(I(b, {2}), nx::s16));
  BAD("bitcast", "complex input", nx::bitcast(C(b, {2}), nx::f64));
  BAD("bitcast", "complex output", nx::bitcast(nx::iota({2}, {.type = nx::f64, .backend = b}), nx::c64));
  BAD("parse_type", "unknown name", nx::parse_type("f12"));
  BAD("parse_type", "empty name", nx::parse_type(""));

  // ---- reductions ----
  using RMember = Tensor (*)(const Tensor&, const nx::ReduceOptions&);
  const std::vector<std::pair<std::string, RMember>> reductions = {
      {"sum", &nx::sum}, {"product", &nx::product}, {"reduce_max", &nx::reduce_max}, {"reduce_min", &nx::reduce_min},
      {"all", &nx::all}, {"any", &nx::any}, {"mean", &nx::mean}};
  for (const auto& [name, fn] : reductions) {
    add(name, "axis 2 of rank 2", [fn](const BackendPtr& b) { (void)fn(F(b, {2, 3}), {.axes = Axes{2}}); });
    add(name, "axis -3 of rank 2", [fn](const BackendPtr& b) { (void)fn(F(b, {2, 3}), {.axes = Axes{-3}}); });
    add(name, "duplicate axes [0, -2]", [fn](const BackendPtr& b) { (void)fn(F(b, {2, 3}), {.axes = Axes{0, -2}}); });
    add(name, "axis of a scalar", [fn](const BackendPtr& b) { (void)fn(F(b, {}), {.axes = Axes{0}}); });
  }
  BAD("reduce_max", "complex", nx::reduce_max(C(b, {2})));
  BAD("reduce_min", "complex", nx::reduce_min(C(b, {2})));
  for (std::string name : {"argmax", "argmin"}) {
    auto fn = name == "argmax" ? &nx::argmax : &nx::argmin;
    add(name, "axis 1 of rank 1", [fn](const BackendPtr& b) { (void)fn(F(b, {3}), {.axis = 1}); });
    add(name, "axis -2 of rank 1", [fn](const BackendPtr& b) { (void)fn(F(b, {3}), {.axis = -2}); });
    add(name, "complex", [fn](const BackendPtr& b) { (void)fn(C(b, {3}), {}); });
    add(name, "float output type", [fn](const BackendPtr& b) { (void)fn(F(b, {3}), {.type = nx::f32}); });
  }
  BAD("reduce", "empty function", nx::reduce(F(b, {3}), 0.0, nx::ReduceFn{}));
  BAD("reduce", "accumulator of shape {2}", nx::reduce(F(b, {3}), F(b, {2}), adder()));
  BAD("reduce", "axis 1 of rank 1", nx::reduce(F(b, {3}), 0.0, adder(), {.axes = Axes{1}}));
  BAD("reduce", "duplicate axes", nx::reduce(F(b, {3, 2}), 0.0, adder(), {.axes = Axes{1, 1}}));
  using CMember = Tensor (*)(const Tensor&, const nx::CumulativeOptions&);
  const std::vector<std::pair<std::string, CMember>> cumulative = {{"cumulative_sum", &nx::cumulative_sum},
                                                                   {"cumulative_product", &nx::cumulative_product},
                                                                   {"cumulative_min", &nx::cumulative_min},
                                                                   {"cumulative_max", &nx::cumulative_max}};
  for (const auto& [name, fn] : cumulative) {
    add(name, "axis 2 of rank 2", [fn](const BackendPtr& b) { (void)fn(F(b, {2, 2}), {.axis = 2}); });
    add(name, "axis -3 of rank 2", [fn](const BackendPtr& b) { (void)fn(F(b, {2, 2}), {.axis = -3}); });
    add(name, "scalar", [fn](const BackendPtr& b) { (void)fn(F(b, {}), {}); });
  }
  BAD("cumulative_min", "complex", nx::cumulative_min(C(b, {3})));
  BAD("cumulative_max", "complex", nx::cumulative_max(C(b, {3})));
  BAD("weighted_mean", "weights {3} for a {2, 2} tensor", nx::weighted_mean(F(b, {2, 2}), F(b, {3})));
  BAD("weighted_mean", "weights {2} for reduced axis of size 3",
      nx::weighted_mean(F(b, {2, 3}), F(b, {2}), {.axes = Axes{1}}));
  BAD("weighted_mean", "axis out of range", nx::weighted_mean(F(b, {2}), F(b, {2}), {.axes = Axes{1}}));
  BAD("weighted_mean", "weights larger than the tensor", nx::weighted_mean(F(b, {2}), F(b, {2, 2})));
  BAD("variance", "axis out of range", nx::variance(F(b, {2, 2}), {.axes = Axes{2}}));
  BAD("variance", "duplicate axes", nx::variance(F(b, {2, 2}), {.axes = Axes{1, -1}}));
  BAD("standard_deviation", "axis out of range", nx::standard_deviation(F(b, {2}), {.axes = Axes{-2}}));
  BAD("logsumexp", "axis out of range", nx::logsumexp(F(b, {2}), {.axes = Axes{1}}));
  BAD("logsumexp", "duplicate axes", nx::logsumexp(F(b, {2, 2}), {.axes = Axes{0, 0}}));
  BAD("softmax", "axis out of range", nx::softmax(F(b, {2, 2}), 2));
  BAD("softmax", "scalar", nx::softmax(F(b, {})));
  BAD("log_softmax", "axis out of range", nx::log_softmax(F(b, {2, 2}), -3));
  BAD("median", "axis out of range", nx::median(F(b, {3}), {.axis = 1}));
  BAD("median", "complex", nx::median(C(b, {3})));
  BAD("all_close", "shapes {2} and {3}", nx::all_close(F(b, {2}), F(b, {3})));

  // ---- shape ops ----
  BAD("reshape", "size mismatch", nx::reshape(F(b, {2, 3}), {4, 2}));
  BAD("reshape", "two auto dimensions", nx::reshape(F(b, {2, 3}), {-1, -1}));
  BAD("reshape", "auto that does not divide", nx::reshape(F(b, {2, 3}), {4, -1}));
  BAD("reshape", "zero dimension", nx::reshape(F(b, {2, 3}), {0, 6}));
  BAD("reshape", "negative dimension other than -1", nx::reshape(F(b, {2, 3}), {-2, -3}));
  BAD("reshape", "names count", nx::reshape(F(b, {2, 3}), {6}, {"a", "b"}));
  BAD("reshape", "element count overflows int64", nx::reshape(F(b, {1}), {kHuge, kHuge}));
  BAD("reshape", "auto with a known part overflowing int64", nx::reshape(F(b, {2}), {kHuge, kHuge, -1}));
  BAD("squeeze", "axis of size 3", nx::squeeze(F(b, {1, 3}), Axes{1}));
  BAD("squeeze", "axis out of range", nx::squeeze(F(b, {1, 3}), Axes{2}));
  BAD("squeeze", "duplicate axes", nx::squeeze(F(b, {1, 3}), Axes{0, -2}));
  BAD("new_axis", "axis 3 of rank 1", nx::new_axis(F(b, {2}), 3));
  BAD("new_axis", "axis -3 of rank 1", nx::new_axis(F(b, {2}), -3));
  BAD("broadcast", "incompatible shape", nx::broadcast(F(b, {3}), {2, 4}));
  BAD("broadcast", "zero dimension", nx::broadcast(F(b, {1}), {0}));
  BAD("broadcast", "lower rank target", nx::broadcast(F(b, {2, 2}), {2}));
  BAD("broadcast", "axes count", nx::broadcast(F(b, {2}), {2, 2}, Axes{0, 1}));
  BAD("broadcast", "axes not increasing", nx::broadcast(F(b, {2, 2}), {2, 2}, Axes{1, 0}));
  BAD("broadcast", "axis out of range", nx::broadcast(F(b, {2}), {2, 2}, Axes{2}));
  BAD("broadcast", "scalar to a negative shape", nx::broadcast(nx::Scalar(1), {-1}));
  BAD("broadcast", "element count overflows int64", nx::broadcast(F(b, {1}), {kHuge, kHuge}));
  BAD("transpose", "short permutation", nx::transpose(F(b, {2, 3}), Axes{0}));
  BAD("transpose", "duplicate axes", nx::transpose(F(b, {2, 3}), Axes{0, 0}));
  BAD("transpose", "axis out of range", nx::transpose(F(b, {2, 3}), Axes{0, 2}));
  BAD("transpose", "long permutation", nx::transpose(F(b, {2, 3}), Axes{0, 1, 2}));
  BAD("pad", "config rank", nx::pad(F(b, {2, 2}), 0.0, {{1, 1, 0}}));
  BAD("pad", "negative interior", nx::pad(F(b, {3}), 0.0, {{0, 0, -1}}));
  BAD("pad", "negative padding removing everything", nx::pad(F(b, {3}), 0.0, {{-2, -1, 0}}));
  BAD("pad", "value of shape {1}", nx::pad(F(b, {3}), F(b, {1}), {{1, 1, 0}}));
  BAD("pad", "scalar with a config", nx::pad(F(b, {}), 0.0, {{1, 1, 0}}));
  BAD("pad", "size overflows int64", nx::pad(F(b, {3}), 0.0, {{0, 0, std::numeric_limits<std::int64_t>::max() / 2}}));
  BAD("pad", "huge negative low and high", nx::pad(F(b, {3}), 0.0, {{INT64_MIN, INT64_MIN, 0}}));
  BAD("pad", "element count overflows int64", nx::pad(F(b, {2, 2}), 0.0, {{kHuge, 0, 0}, {kHuge, 0, 0}}));
  BAD("reverse", "axis out of range", nx::reverse(F(b, {2, 3}), Axes{2}));
  BAD("reverse", "duplicate axes", nx::reverse(F(b, {2, 3}), Axes{1, -1}));
  BAD("concatenate", "empty list", nx::concatenate({}));
  BAD("concatenate", "scalars", nx::concatenate({F(b, {}), F(b, {})}));
  BAD("concatenate", "rank mismatch", nx::concatenate({F(b, {2}), F(b, {2, 1})}));
  BAD("concatenate", "shape mismatch off the axis", nx::concatenate({F(b, {2, 3}), F(b, {3, 3})}, 1));
  BAD("concatenate", "axis out of range", nx::concatenate({F(b, {2}), F(b, {3})}, 1));
  BAD("concatenate", "undefined tensor", nx::concatenate({F(b, {2}), Tensor()}));
  BAD("concatenate", "names clash", nx::concatenate({named(F(b, {2}), {"x"}), named(F(b, {2}), {"y"})}));
  BAD("stack", "empty list", nx::stack({}));
  BAD("stack", "shape mismatch", nx::stack({F(b, {2}), F(b, {3})}));
  BAD("stack", "axis out of range", nx::stack({F(b, {2}), F(b, {2})}, 2));
  BAD("stack", "negative axis out of range", nx::stack({F(b, {2}), F(b, {2})}, -3));
  BAD("tile", "zero repetitions", nx::tile(F(b, {2}), {0}));
  BAD("tile", "negative repetitions", nx::tile(F(b, {2}), {2, -1}));
  BAD("tile", "size overflows int64", nx::tile(F(b, {2}), {kHuge, kHuge}));
  BAD("split", "index zero", nx::split(F(b, {4}), 0));
  BAD("split", "index at the axis size", nx::split(F(b, {4}), 4));
  BAD("split", "negative index past the start", nx::split(F(b, {4}), -4));
  BAD("split", "fraction leaving nothing on the right", nx::split(F(b, {4}), 0.9));
  BAD("split", "fraction zero", nx::split(F(b, {4}), 0.0));
  BAD("split", "index INT64_MIN", nx::split(F(b, {4}), INT64_MIN));
  BAD("split", "negative fraction", nx::split(F(b, {4}), -0.5));
  BAD("split", "NaN fraction", nx::split(F(b, {4}), std::nan("")));
  BAD("split", "axis out of range", nx::split(F(b, {4}), 2, {.axis = 1}));
  BAD("split", "scalar", nx::split(F(b, {}), 1));
  BAD("rename", "names count", nx::rename(F(b, {2}), {"a", "b"}));

  // ---- slicing and indexing ----
  BAD("slice", "starts count", nx::slice(F(b, {3, 3}), std::vector<std::int64_t>{0}, {1, 1}));
  BAD("slice", "lengths count", nx::slice(F(b, {3, 3}), {0, 0}, {1}));
  BAD("slice", "strides count", nx::slice(F(b, {3, 3}), {0, 0}, {1, 1}, {.strides = {1, 1, 1}}));
  BAD("slice", "zero length", nx::slice(F(b, {3, 3}), {0, 0}, {0, 1}));
  BAD("slice", "negative length", nx::slice(F(b, {3, 3}), {0, 0}, {1, -1}));
  BAD("slice", "length past the axis", nx::slice(F(b, {3, 3}), {0, 0}, {4, 1}));
  BAD("slice", "zero stride", nx::slice(F(b, {3, 3}), {0, 0}, {1, 1}, {.strides = {1, 0}}));
  BAD("slice", "negative stride", nx::slice(F(b, {3, 3}), {0, 0}, {1, 1}, {.strides = {-1, 1}}));
  BAD("slice", "float dynamic start", nx::slice(F(b, {3}), {S(b, 0, nx::f32)}, {1}));
  BAD("slice", "rank-1 dynamic start", nx::slice(F(b, {3}), {I(b, {1})}, {1}));
  BAD("slice", "dynamic starts count", nx::slice(F(b, {3, 3}), {S(b, 0)}, {1, 1}));
  BAD("slice", "undefined dynamic start", nx::slice(F(b, {3}), {Tensor()}, {1}));
  BAD("slice_along_axis", "axis out of range", nx::slice_along_axis(F(b, {3}), 0, 1, 1));
  BAD("slice", "slice_along_axis with zero length", nx::slice_along_axis(F(b, {3}), 0, 0, 0));
  BAD("slice", "slice_along_axis with zero stride", nx::slice_along_axis(F(b, {3}), 0, 1, 0, 0));
  BAD("put_slice", "slice rank", nx::put_slice(F(b, {2, 3}), {0, 0}, F(b, {2})));
  BAD("put_slice", "slice larger than the tensor", nx::put_slice(F(b, {2, 3}), {0, 0}, F(b, {3, 1})));
  BAD("put_slice", "starts count", nx::put_slice(F(b, {2, 3}), std::vector<std::int64_t>{0}, F(b, {1, 1})));
  BAD("put_slice", "float dynamic start", nx::put_slice(F(b, {3}), {S(b, 0, nx::f64)}, F(b, {1})));
  BAD("put_slice", "names clash", nx::put_slice(named(F(b, {3}), {"x"}), std::vector<std::int64_t>{0}, named(F(b, {1}), {"y"})));
  BAD("gather", "float indices", nx::gather(F(b, {3}), F(b, {1, 1})));
  BAD("gather", "scalar indices", nx::gather(F(b, {3}), S(b, 0)));
  BAD("gather", "index depth larger than rank", nx::gather(F(b, {3}), I(b, {1, 2})));
  BAD("gather", "axes count", nx::gather(F(b, {3, 3}), I(b, {1, 1}), {.axes = Axes{0, 1}}));
  BAD("gather", "axes not increasing", nx::gather(F(b, {3, 3}), I(b, {1, 2}), {.axes = Axes{1, 0}}));
  BAD("gather", "axis out of range", nx::gather(F(b, {3, 3}), I(b, {1, 1}), {.axes = Axes{2}}));
  BAD("gather", "complex indices", nx::gather(F(b, {3}), C(b, {1, 1})));
  for (std::string name : {"indexed_add", "indexed_put"}) {
    auto fn = name == "indexed_add" ? &nx::indexed_add : &nx::indexed_put;
    add(name, "float indices", [fn](const BackendPtr& b) { (void)fn(F(b, {3}), F(b, {1, 1}), F(b, {1}), {}); });
    add(name, "rank-3 indices", [fn](const BackendPtr& b) { (void)fn(F(b, {3}), I(b, {1, 1, 1}), F(b, {1}), {}); });
    add(name, "scalar indices", [fn](const BackendPtr& b) { (void)fn(F(b, {3}), S(b, 0), F(b, {1}), {}); });
    add(name, "updates count", [fn](const BackendPtr& b) { (void)fn(F(b, {3}), I(b, {2, 1}), F(b, {3}), {}); });
    add(name, "updates window too large",
        [fn](const BackendPtr& b) { (void)fn(F(b, {3, 2}), I(b, {1, 1}), F(b, {1, 3}), {}); });
    add(name, "index depth larger than rank", [fn](const BackendPtr& b) { (void)fn(F(b, {3}), I(b, {1, 2}), F(b, {1}), {}); });
    add(name, "axes not increasing",
        [fn](const BackendPtr& b) { (void)fn(F(b, {3, 3}), I(b, {1, 2}), F(b, {1}), {.axes = Axes{1, 0}}); });
    add(name, "axis out of range",
        [fn](const BackendPtr& b) { (void)fn(F(b, {3, 3}), I(b, {1, 1}), F(b, {1, 3}), {.axes = Axes{-3}}); });
  }
  BAD("take", "float indices", nx::take(F(b, {3}), F(b, {2})));
  BAD("take", "axis out of range", nx::take(F(b, {3}), I(b, {2}), 1));
  BAD("take", "negative axis out of range", nx::take(F(b, {3}), I(b, {2}), -2));
  BAD("take", "scalar tensor", nx::take(F(b, {}), I(b, {1})));
  BAD("take_along_axis", "rank mismatch", nx::take_along_axis(F(b, {3, 2}), I(b, {3}), 0));
  BAD("take_along_axis", "shape mismatch off the axis", nx::take_along_axis(F(b, {3, 2}), I(b, {3, 3}), 0));
  BAD("take_along_axis", "float indices", nx::take_along_axis(F(b, {3}), F(b, {3}), 0));
  BAD("take_along_axis", "axis out of range", nx::take_along_axis(F(b, {3}), I(b, {3}), 1));
  BAD("take_diagonal", "rank 1", nx::take_diagonal(F(b, {3})));
  BAD("take_diagonal", "offset past the columns", nx::take_diagonal(F(b, {2, 3}), 3));
  BAD("take_diagonal", "offset past the rows", nx::take_diagonal(F(b, {2, 3}), -2));
  BAD("take_diagonal", "offset INT64_MIN", nx::take_diagonal(F(b, {2, 3}), INT64_MIN));
  BAD("make_diagonal", "offset INT64_MIN", nx::make_diagonal(F(b, {2}), INT64_MIN));
  BAD("make_diagonal", "offset giving too many elements", nx::make_diagonal(F(b, {2}), kHuge));
  BAD("make_diagonal", "scalar", nx::make_diagonal(F(b, {})));
  BAD("sort", "axis out of range", nx::sort(F(b, {3}), {.axis = 1}));
  BAD("sort", "negative axis out of range", nx::sort(F(b, {3}), {.axis = -2}));
  BAD("sort", "complex", nx::sort(C(b, {3})));
  BAD("sort", "type option", nx::sort(F(b, {3}), {.type = nx::s32}));
  BAD("sort", "scalar", nx::sort(F(b, {})));
  BAD("argsort", "axis out of range", nx::argsort(F(b, {3}), {.axis = 1}));
  BAD("argsort", "complex", nx::argsort(C(b, {3})));
  BAD("argsort", "float output type", nx::argsort(F(b, {3}), {.type = nx::f32}));
  BAD("top_k", "k = 0", nx::top_k(F(b, {3}), 0));
  BAD("top_k", "k larger than the last axis", nx::top_k(F(b, {2, 3}), 4));
  BAD("top_k", "negative k", nx::top_k(F(b, {3}), -1));
  BAD("top_k", "scalar", nx::top_k(F(b, {}), 1));
  BAD("top_k", "complex", nx::top_k(C(b, {3}), 1));
  BAD("tri", "zero rows", nx::tri(0, 3));
  BAD("tri", "negative columns", nx::tri(3, -1));
  BAD("tril", "rank 1", nx::tril(F(b, {3})));
  BAD("triu", "scalar", nx::triu(F(b, {})));

  // ---- dot ----
  BAD("dot", "contracted sizes differ", nx::dot(F(b, {2, 3}), F(b, {2, 3})));
  BAD("dot", "vector lengths differ", nx::dot(F(b, {3}), F(b, {4})));
  BAD("dot", "contract axis out of range", nx::dot(F(b, {2, 3}), Axes{2}, F(b, {3}), Axes{0}));
  BAD("dot", "duplicate contract axes", nx::dot(F(b, {3, 3}), Axes{0, 0}, F(b, {3, 3}), Axes{0, 1}));
  BAD("dot", "contract axes count", nx::dot(F(b, {3, 3}), Axes{0, 1}, F(b, {3, 3}), Axes{0}));
  BAD("dot", "batch axes not leading", nx::dot(F(b, {3, 2}), Axes{0}, Axes{1}, F(b, {3, 2}), Axes{0}, Axes{1}));
  BAD("dot", "batch sizes differ", nx::dot(F(b, {2, 3}), Axes{1}, Axes{0}, F(b, {4, 3}), Axes{1}, Axes{0}));
  BAD("dot", "batch axes count", nx::dot(F(b, {2, 3}), Axes{1}, Axes{0}, F(b, {2, 3}), Axes{1}, Axes{}));
  BAD("dot", "batch axis also contracted", nx::dot(F(b, {2, 3}), Axes{0}, Axes{0}, F(b, {2, 3}), Axes{0}, Axes{0}));
  BAD("dot", "batch axis out of range", nx::dot(F(b, {2, 3}), Axes{1}, Axes{3}, F(b, {2, 3}), Axes{1}, Axes{0}));

  // ---- FFT ----
  for (std::string name : {"fft", "ifft", "rfft", "irfft"}) {
    auto fn = name == "fft" ? &nx::fft : name == "ifft" ? &nx::ifft : name == "rfft" ? &nx::rfft : &nx::irfft;
    add(name, "scalar", [fn](const BackendPtr& b) { (void)fn(F(b, {}), {}); });
    add(name, "axis out of range", [fn](const BackendPtr& b) { (void)fn(F(b, {4}), {.axis = 1}); });
    add(name, "negative axis out of range", [fn](const BackendPtr& b) { (void)fn(F(b, {4}), {.axis = -2}); });
    add(name, "zero length", [fn](const BackendPtr& b) { (void)fn(F(b, {4}), {.length = 0}); });
    add(name, "negative length", [fn](const BackendPtr& b) { (void)fn(F(b, {4}), {.length = -3}); });
    add(name, "length overflowing int64 with the batch",
        [fn](const BackendPtr& b) { (void)fn(F(b, {2, 2}), {.length = INT64_MAX / 2, .axis = 0}); });
  }
  BAD("rfft", "complex input", nx::rfft(C(b, {4})));
  BAD("irfft", "default length of a size-1 axis", nx::irfft(C(b, {1})));
  for (std::string name : {"fft2", "ifft2"}) {
    auto fn = name == "fft2" ? &nx::fft2 : &nx::ifft2;
    add(name, "rank 1", [fn](const BackendPtr& b) { (void)fn(F(b, {4}), {}); });
    add(name, "three axes", [fn](const BackendPtr& b) { (void)fn(F(b, {2, 2, 2}), {.axes = {0, 1, 2}}); });
    add(name, "duplicate axes", [fn](const BackendPtr& b) { (void)fn(F(b, {2, 2}), {.axes = {1, -1}}); });
    add(name, "axis out of range", [fn](const BackendPtr& b) { (void)fn(F(b, {2, 2}), {.axes = {0, 2}}); });
    add(name, "one length", [fn](const BackendPtr& b) { (void)fn(F(b, {2, 2}), {.lengths = {2}}); });
    add(name, "zero length", [fn](const BackendPtr& b) { (void)fn(F(b, {2, 2}), {.lengths = {2, 0}}); });
    add(name, "lengths overflowing int64", [fn](const BackendPtr& b) { (void)fn(F(b, {2, 2}), {.lengths = {kHuge, kHuge}}); });
  }

  // ---- linear algebra ----
  BAD("triangular_solve", "non-square a", nx::linalg::triangular_solve(F(b, {2, 3}), F(b, {2})));
  BAD("triangular_solve", "rank-1 a", nx::linalg::triangular_solve(F(b, {3}), F(b, {3})));
  BAD("triangular_solve", "b of the wrong length", nx::linalg::triangular_solve(F(b, {3, 3}), F(b, {2})));
  BAD("triangular_solve", "b of the wrong rank", nx::linalg::triangular_solve(F(b, {3, 3}), F(b, {3, 3, 3})));
  BAD("triangular_solve", "right side with mismatched columns",
      nx::linalg::triangular_solve(F(b, {3, 3}), F(b, {3, 2}), {.left_side = false}));
  BAD("triangular_solve", "batch mismatch", nx::linalg::triangular_solve(F(b, {2, 3, 3}), F(b, {3, 3, 1})));
  BAD("cholesky", "non-square", nx::linalg::cholesky(F(b, {2, 3})));
  BAD("cholesky", "rank 1", nx::linalg::cholesky(F(b, {3})));
  BAD("solve", "non-square a", nx::linalg::solve(F(b, {2, 3}), F(b, {2})));
  BAD("solve", "b of the wrong length", nx::linalg::solve(F(b, {3, 3}), F(b, {2})));
  BAD("solve", "b of the wrong rank", nx::linalg::solve(F(b, {3, 3}), F(b, {3, 3, 3})));
  BAD("qr", "rank 1", nx::linalg::qr(F(b, {3})));
  BAD("qr", "scalar", nx::linalg::qr(F(b, {})));
  BAD("eigh", "non-square", nx::linalg::eigh(F(b, {2, 3})));
  BAD("svd", "rank 1", nx::linalg::svd(F(b, {3})));
  BAD("svd", "complex", nx::linalg::svd(C(b, {2, 2})));
  BAD("lu", "non-square", nx::linalg::lu(F(b, {3, 2})));
  BAD("determinant", "rank 1", nx::linalg::determinant(F(b, {3})));
  BAD("determinant", "non-square batch", nx::linalg::determinant(F(b, {2, 2, 3})));
  BAD("invert", "non-square", nx::linalg::invert(F(b, {2, 3})));
  BAD("matrix_power", "non-square", nx::linalg::matrix_power(F(b, {2, 3}), 2));
  BAD("matrix_power", "rank 1", nx::linalg::matrix_power(F(b, {3}), -1));
  BAD("norm", "rank 3", nx::linalg::norm(F(b, {2, 2, 2})));
  BAD("norm", "scalar", nx::linalg::norm(F(b, {})));
  BAD("norm", "frobenius of a vector", nx::linalg::norm(F(b, {3}), {.ord = nx::linalg::NormOrd::frobenius}));
  BAD("norm", "nuclear of a vector", nx::linalg::norm(F(b, {3}), {.ord = nx::linalg::NormOrd::nuclear}));
  BAD("norm", "infinite p", nx::linalg::norm(F(b, {3}), {.ord = nx::linalg::NormOrd::p, .p = INFINITY}));
  BAD("norm", "NaN p", nx::linalg::norm(F(b, {3}), {.ord = nx::linalg::NormOrd::p, .p = NAN}));
  BAD("norm", "p = 3 for a matrix", nx::linalg::norm(F(b, {2, 2}), {.ord = nx::linalg::NormOrd::p, .p = 3}));
  BAD("norm", "axis out of range", nx::linalg::norm(F(b, {3}), {.axes = Axes{1}}));

  // ---- the functions added with docs/api.md ----
  BAD("axis_index", "axis out of range", nx::axis_index(F(b, {2, 3}), 2));
  BAD("axis_size", "negative axis out of range", nx::axis_size(F(b, {2, 3}), -3));
  BAD("flatten", "axes not consecutive", nx::flatten(F(b, {2, 3, 4}), Axes{0, 2}));
  BAD("flatten", "axis out of range", nx::flatten(F(b, {2, 3}), Axes{1, 2}));
  BAD("new_axis", "named axis out of range", nx::new_axis(F(b, {2}), 3, "x"));
  BAD("stack", "named axis out of range", nx::stack({F(b, {2}), F(b, {2})}, 3, "x"));
  BAD("reflect", "scalar", nx::reflect(F(b, {}), {.padding_config = {}}));
  BAD("reflect", "config count", nx::reflect(F(b, {2, 2}), {.padding_config = {{1, 1}}}));
  BAD("reflect", "negative pad", nx::reflect(F(b, {3}), {.padding_config = {{1, -1}}}));
  BAD("pad_outer", "negative pad", nx::pad_outer(F(b, {3}), nx::PadMode::mirror, {{-1, 0}}));
  BAD("pad_outer", "config count", nx::pad_outer(F(b, {3}), 0, {}));
  BAD("pad_outer", "scalar", nx::pad_outer(F(b, {}), nx::PadMode::cyclic, {}));
  BAD("diff", "negative order", nx::diff(F(b, {3}), {.order = -1}));
  BAD("diff", "order past the axis", nx::diff(F(b, {3}), {.order = 3}));
  BAD("diff", "axis out of range", nx::diff(F(b, {3}), {.axis = 1}));
  BAD("diff", "scalar", nx::diff(F(b, {})));
  BAD("put_diagonal", "rank 3 tensor", nx::put_diagonal(F(b, {2, 2, 2}), F(b, {2})));
  BAD("put_diagonal", "rank 2 diagonal", nx::put_diagonal(F(b, {2, 2}), F(b, {2, 2})));
  BAD("put_diagonal", "diagonal length", nx::put_diagonal(F(b, {3, 3}), F(b, {2})));
  BAD("put_diagonal", "offset past the columns", nx::put_diagonal(F(b, {3, 3}), F(b, {1}), 3));
  BAD("put_diagonal", "offset past the rows", nx::put_diagonal(F(b, {3, 3}), F(b, {1}), -3));
  BAD("mode", "complex", nx::mode(C(b, {3})));
  BAD("mode", "axis out of range", nx::mode(F(b, {3}), {.axis = 1}));
  BAD("covariance", "rank 1", nx::covariance(F(b, {3})));
  BAD("covariance", "scalar mean", nx::covariance(F(b, {3, 2}), F(b, {})));
  BAD("covariance", "negative ddof", nx::covariance(F(b, {3, 2}), {.ddof = -1}));
  BAD("covariance", "mean of the wrong width", nx::covariance(F(b, {3, 2}), F(b, {3})));
  BAD("least_squares", "vector a", nx::linalg::least_squares(F(b, {3}), F(b, {3})));
  BAD("least_squares", "matrix b", nx::linalg::least_squares(F(b, {2, 2}), F(b, {2, 2})));
  BAD("least_squares", "row count", nx::linalg::least_squares(F(b, {2, 2}), F(b, {3})));
  BAD("least_squares", "complex", nx::linalg::least_squares(C(b, {2, 2}), F(b, {2})));
  BAD("matrix_rank", "rank 3", nx::linalg::matrix_rank(F(b, {2, 2, 2})));
  BAD("matrix_rank", "complex", nx::linalg::matrix_rank(C(b, {2, 2})));
  BAD("linspace", "shapes differ", nx::linspace(F(b, {2}), F(b, {3}), {.n = 3, .endpoint = true, .type = nx::f32,
                                                                        .names = {}, .backend = nullptr}));
  BAD("linspace", "tensor n zero", nx::linspace(F(b, {2}), F(b, {2}), {.n = 0, .endpoint = true, .type = nx::f32,
                                                                         .names = {}, .backend = nullptr}));
  BAD("to_flat_list", "negative limit", nx::to_flat_list<float>(F(b, {2}), {.limit = -1}));
  BAD("default_backend", "null backend", nx::default_backend(nullptr));

  // ---- conv ----
  BAD("conv", "rank-2 input", nx::conv(F(b, {2, 3}), F(b, {2, 3})));
  BAD("conv", "rank-2 kernel", nx::conv(F(b, {1, 1, 4}), F(b, {1, 1})));
  BAD("conv", "ranks differ", nx::conv(F(b, {1, 1, 4}), F(b, {1, 1, 2, 2})));
  BAD("conv", "zero stride", nx::conv(F(b, {1, 1, 4}), F(b, {1, 1, 2}), {.strides = {0}}));
  BAD("conv", "strides count", nx::conv(F(b, {1, 1, 4, 4}), F(b, {1, 1, 2, 2}), {.strides = {1, 1, 1}}));
  BAD("conv", "zero input dilation", nx::conv(F(b, {1, 1, 4}), F(b, {1, 1, 2}), {.input_dilation = {0}}));
  BAD("conv", "negative kernel dilation", nx::conv(F(b, {1, 1, 4}), F(b, {1, 1, 2}), {.kernel_dilation = {-1}}));
  BAD("conv", "kernel dilation overflowing int64",
      nx::conv(F(b, {1, 1, 4}), F(b, {1, 1, 3}), {.kernel_dilation = {INT64_MAX / 2 + 1}}));
  BAD("conv", "padding overflowing int64",
      nx::conv(F(b, {1, 1, 4}), F(b, {1, 1, 2}), {.padding = Pads{{INT64_MAX, INT64_MAX}}}));
  BAD("conv", "result too large",
      nx::conv(F(b, {1, 1, 4, 4}), F(b, {1, 1, 1, 1}), {.padding = Pads{{kHuge, 0}, {kHuge, 0}}}));
  BAD("conv", "kernel larger than the input", nx::conv(F(b, {1, 1, 2}), F(b, {1, 1, 3})));
  BAD("conv", "padding count", nx::conv(F(b, {1, 1, 4}), F(b, {1, 1, 2}), {.padding = Pads{{0, 0}, {0, 0}}}));
  BAD("conv", "zero feature groups", nx::conv(F(b, {1, 2, 4}), F(b, {2, 2, 2}), {.feature_group_size = 0}));
  BAD("conv", "negative batch groups", nx::conv(F(b, {2, 1, 4}), F(b, {2, 1, 2}), {.batch_group_size = -1}));
  BAD("conv", "feature groups not dividing the channels",
      nx::conv(F(b, {1, 3, 4}), F(b, {2, 1, 2}), {.feature_group_size = 2}));
  BAD("conv", "feature groups not dividing the output channels",
      nx::conv(F(b, {1, 4, 4}), F(b, {3, 2, 2}), {.feature_group_size = 2}));
  BAD("conv", "batch groups not dividing the batch", nx::conv(F(b, {3, 1, 4}), F(b, {2, 1, 2}), {.batch_group_size = 2}));
  BAD("conv", "both group kinds", nx::conv(F(b, {2, 2, 4}), F(b, {2, 1, 2}), {.feature_group_size = 2, .batch_group_size = 2}));
  BAD("conv", "channels mismatch", nx::conv(F(b, {1, 3, 4}), F(b, {1, 2, 2})));
  BAD("conv", "short input permutation", nx::conv(F(b, {1, 1, 4}), F(b, {1, 1, 2}), {.input_permutation = {0, 1}}));
  BAD("conv", "duplicate kernel permutation",
      nx::conv(F(b, {1, 1, 4}), F(b, {1, 1, 2}), {.kernel_permutation = {0, 0, 2}}));
  BAD("conv", "output permutation out of range",
      nx::conv(F(b, {1, 1, 4}), F(b, {1, 1, 2}), {.output_permutation = {0, 1, 3}}));

  // ---- random ----
  BAD("split", "key of the wrong type", nx::random::split(I(b, {2})));
  BAD("split", "key of the wrong shape", nx::random::split(nx::iota({3}, {.type = nx::u32, .backend = b})));
  BAD("split", "key split in zero parts", nx::random::split(nx::random::key(1, b), 0));
  BAD("fold_in", "key of the wrong shape", nx::random::fold_in(nx::iota({2, 2}, {.type = nx::u32, .backend = b}), 1));
  BAD("threefry2x32", "zero dimension", nx::random::threefry2x32(nx::random::key(1, b), {0}));
  BAD("uniform", "integer type", nx::random::uniform(nx::random::key(1, b), 0, 1, {.shape = {2}, .type = nx::s32}));
  BAD("uniform", "negative dimension", nx::random::uniform(nx::random::key(1, b), 0, 1, {.shape = {-2}}));
  BAD("uniform", "key of the wrong type", nx::random::uniform(F(b, {2})));
  BAD("normal", "complex type", nx::random::normal(nx::random::key(1, b), 0, 1, {.shape = {2}, .type = nx::c64}));
  BAD("normal", "shape overflowing int64", nx::random::normal(nx::random::key(1, b), 0, 1, {.shape = {kHuge, kHuge}}));
  BAD("randint", "float type", nx::random::randint(nx::random::key(1, b), 0, 5, {.shape = {2}, .type = nx::f32}));
  BAD("randint", "4-bit type", nx::random::randint(nx::random::key(1, b), 0, 5, {.shape = {2}, .type = nx::s4}));
  BAD("randint", "zero dimension", nx::random::randint(nx::random::key(1, b), 0, 5, {.shape = {2, 0}}));
  BAD("shuffle", "scalar", nx::random::shuffle(nx::random::key(1, b), F(b, {})));
  BAD("shuffle", "axis out of range", nx::random::shuffle(nx::random::key(1, b), F(b, {3}), 1));
  BAD("shuffle", "key of the wrong shape", nx::random::shuffle(F(b, {1}), F(b, {3})));

  // ---- windows ----
  using WMember = Tensor (*)(const Tensor&, const Shape&, const nx::WindowFrontOptions&);
  const std::vector<std::pair<std::string, WMember>> windows = {{"window_sum", &nx::window_sum},
                                                                {"window_product", &nx::window_product},
                                                                {"window_max", &nx::window_max},
                                                                {"window_min", &nx::window_min}};
  for (const auto& [name, fn] : windows) {
    add(name, "window rank", [fn](const BackendPtr& b) { (void)fn(F(b, {4, 4}), {2}, {}); });
    add(name, "zero window", [fn](const BackendPtr& b) { (void)fn(F(b, {4}), {0}, {}); });
    add(name, "window larger than the tensor", [fn](const BackendPtr& b) { (void)fn(F(b, {4}), {5}, {}); });
    add(name, "zero stride", [fn](const BackendPtr& b) { (void)fn(F(b, {4}), {2}, {.strides = {0}}); });
    add(name, "strides count", [fn](const BackendPtr& b) { (void)fn(F(b, {4, 4}), {2, 2}, {.strides = {1, 1, 1}}); });
    add(name, "zero dilation", [fn](const BackendPtr& b) { (void)fn(F(b, {4}), {2}, {.window_dilations = {0}}); });
    add(name, "padding count", [fn](const BackendPtr& b) { (void)fn(F(b, {4, 4}), {2, 2}, {.padding = Pads{{1, 1}}}); });
    add(name, "dilation overflowing int64",
        [fn](const BackendPtr& b) { (void)fn(F(b, {4}), {3}, {.window_dilations = {INT64_MAX / 2 + 1}}); });
    add(name, "padding overflowing int64",
        [fn](const BackendPtr& b) { (void)fn(F(b, {4}), {2}, {.padding = Pads{{INT64_MAX, INT64_MAX}}}); });
    add(name, "negative padding below the window",
        [fn](const BackendPtr& b) { (void)fn(F(b, {4}), {2}, {.padding = Pads{{-2, -1}}}); });
  }
  BAD("window_max", "complex", nx::window_max(C(b, {4}), {2}));
  BAD("window_min", "complex", nx::window_min(C(b, {4}), {2}));
  BAD("window_sum", "window_mean with a zero stride", nx::window_mean(F(b, {4}), {2}, {.strides = {0}}));
  BAD("window_reduce", "empty function", nx::window_reduce(F(b, {4}), 0.0, {2}, nx::ReduceFn{}));
  BAD("window_reduce", "window rank", nx::window_reduce(F(b, {4}), 0.0, {2, 2}, adder()));
  BAD("window_reduce", "dilated window too large",
      nx::window_reduce(F(b, {4}), 0.0, {2}, adder(), {.window_dilations = {4}}));
  for (std::string name : {"window_scatter_max", "window_scatter_min"}) {
    auto fn = name == "window_scatter_max" ? &nx::window_scatter_max : &nx::window_scatter_min;
    add(name, "source shape", [fn](const BackendPtr& b) { (void)fn(F(b, {4}), F(b, {3}), 0, {2}, {.strides = {2}}); });
    add(name, "complex tensor", [fn](const BackendPtr& b) { (void)fn(C(b, {4}), F(b, {2}), 0, {2}, {.strides = {2}}); });
    add(name, "complex init value",
        [fn](const BackendPtr& b) { (void)fn(F(b, {4}), F(b, {2}), std::complex<double>(0, 1), {2}, {.strides = {2}}); });
    add(name, "window dilations",
        [fn](const BackendPtr& b) { (void)fn(F(b, {4}), F(b, {2}), 0, {2}, {.strides = {2}, .window_dilations = {2}}); });
    add(name, "window rank", [fn](const BackendPtr& b) { (void)fn(F(b, {4}), F(b, {2}), 0, {2, 2}, {}); });
  }
#undef BAD
  return out;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> c = build_cases();
  return c;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

class BadInput : public test::BackendTest {};

TEST_P(BadInput, EveryCaseRaisesArgumentErrorNamingTheOp) {
  const auto& all = cases();
  std::cout << "[ bad input ] " << all.size() << " cases on " << GetParam() << "\n";
  const bool verbose = std::getenv("BAD_INPUT_VERBOSE") != nullptr;  // names each case before it runs
  for (const auto& c : all) {
    if (verbose) std::cout << "  " << c.label << std::endl;
    try {
      c.run(b());
      ADD_FAILURE() << c.label << ": no error";
    } catch (const nx::ArgumentError& e) {
      EXPECT_TRUE(starts_with(e.what(), c.op + ":")) << c.label << ": message \"" << e.what() << "\"";
    } catch (const std::exception& e) {
      ADD_FAILURE() << c.label << ": threw " << typeid(e).name() << " instead of nx::ArgumentError: " << e.what();
    }
  }
}

TEST(BadInputTable, AtLeast200DistinctCases) {
  std::set<std::string> labels;
  for (const auto& c : cases()) EXPECT_TRUE(labels.insert(c.label).second) << "duplicate case " << c.label;
  EXPECT_GE(labels.size(), 200u);
}

// ---- inputs with a documented result instead of an error ----

struct Documented {
  std::string label;
  std::function<void(const BackendPtr&, bool emily)> check;
};

template <class T>
std::vector<T> values(const Tensor& t) {
  return nx::to_flat_list<T>(t);
}

// Runs fn and asserts an nx::ArgumentError whose message starts with prefix.
void expect_argument_error(const std::function<void()>& fn, const std::string& prefix, const std::string& label) {
  try {
    fn();
    ADD_FAILURE() << label << ": no error";
  } catch (const nx::ArgumentError& e) {
    EXPECT_TRUE(starts_with(e.what(), prefix)) << label << ": message \"" << e.what() << "\"";
  } catch (const std::exception& e) {
    ADD_FAILURE() << label << ": threw " << typeid(e).name() << ": " << e.what();
  }
}

std::vector<Documented> build_documented() {
  std::vector<Documented> out;
  auto add = [&](std::string label, std::function<void(const BackendPtr&, bool)> fn) {
    out.push_back({std::move(label), std::move(fn)});
  };
  const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();

  // Start indices are clamped into [0, dim - length] (Nx), static or dynamic, whatever their type.
  add("slice clamps static starts", [](const BackendPtr& b, bool) {
    test::expect_tensor<int>(nx::slice(I(b, {5}), std::vector<std::int64_t>{INT64_MAX}, {2}), nx::s32, {2}, {3, 4});
    test::expect_tensor<int>(nx::slice(I(b, {5}), std::vector<std::int64_t>{INT64_MIN}, {2}), nx::s32, {2}, {0, 1});
  });
  add("slice clamps dynamic starts", [](const BackendPtr& b, bool) {
    auto umax = nx::scalar(std::numeric_limits<std::uint64_t>::max(), nx::u64, b);
    test::expect_tensor<int>(nx::slice(I(b, {5}), {umax}, {2}), nx::s32, {2}, {3, 4});
    test::expect_tensor<int>(nx::slice(I(b, {5}), {nx::scalar(INT64_MIN, nx::s64, b)}, {2}), nx::s32, {2}, {0, 1});
    test::expect_tensor<int>(nx::slice(I(b, {5}), {nx::scalar(-1, nx::s8, b)}, {3}), nx::s32, {3}, {0, 1, 2});
  });
  add("slice with stride INT64_MAX takes one element", [](const BackendPtr& b, bool) {
    test::expect_tensor<int>(nx::slice(I(b, {5}), std::vector<std::int64_t>{1}, {3}, {.strides = {INT64_MAX}}), nx::s32, {1}, {1});
  });
  add("put_slice clamps starts", [](const BackendPtr& b, bool) {
    auto nine = L(b, {9});
    test::expect_tensor<int>(nx::put_slice(I(b, {4}), std::vector<std::int64_t>{100}, nine), nx::s32, {4}, {0, 1, 2, 9});
    test::expect_tensor<int>(nx::put_slice(I(b, {4}), {nx::scalar(-100, nx::s8, b)}, nine), nx::s32, {4}, {9, 1, 2, 3});
  });
  // Triangle offsets far outside the matrix select everything or nothing.
  add("tril and triu with extreme offsets", [](const BackendPtr& b, bool) {
    auto t = I(b, {2, 2});
    test::expect_tensor<int>(nx::tril(t, INT64_MIN), nx::s32, {2, 2}, {0, 0, 0, 0});
    test::expect_tensor<int>(nx::tril(t, INT64_MAX), nx::s32, {2, 2}, {0, 1, 2, 3});
    test::expect_tensor<int>(nx::triu(t, INT64_MIN), nx::s32, {2, 2}, {0, 1, 2, 3});
    test::expect_tensor<int>(nx::triu(t, INT64_MAX), nx::s32, {2, 2}, {0, 0, 0, 0});
    test::expect_tensor<int>(nx::tri(2, 3, INT64_MIN), nx::u8, {2, 3}, {0, 0, 0, 0, 0, 0});
  });
  // Extreme exponents: 63 squarings, no overflow of -n.
  add("matrix_power with INT64_MIN and INT64_MAX", [](const BackendPtr& b, bool) {
    auto a = L(b, {{-1.0, 0.0}, {0.0, 1.0}});
    test::expect_tensor<float>(nx::linalg::matrix_power(a, INT64_MIN), nx::f32, {2, 2}, {1, 0, 0, 1});
    test::expect_tensor<float>(nx::linalg::matrix_power(a, INT64_MAX), nx::f32, {2, 2}, {-1, 0, 0, 1});
  });
  // Float -> integer: NaN -> 0, +Inf -> max, -Inf -> min; finite values truncate then wrap.
  add("as_type of non-finite floats to integers", [inf, nan](const BackendPtr& b, bool) {
    auto x = nx::tensor(std::vector<double>{inf, nan, -inf}, {.type = nx::f32, .backend = b});
    test::expect_tensor<int>(nx::as_type(x, nx::u8), nx::u8, {3}, {255, 0, 0});
    test::expect_tensor<int>(nx::as_type(x, nx::s32), nx::s32, {3}, {INT32_MAX, 0, INT32_MIN});
    test::expect_tensor<std::int64_t>(nx::as_type(x, nx::s64), nx::s64, {3}, {INT64_MAX, 0, INT64_MIN});
    test::expect_tensor<std::uint64_t>(nx::as_type(x, nx::u64), nx::u64, {3}, {UINT64_MAX, 0, 0});
    auto y = nx::tensor(std::vector<double>{300.7, -1.5}, {.type = nx::f32, .backend = b});
    test::expect_tensor<int>(nx::as_type(y, nx::u8), nx::u8, {2}, {44, 255});
  });
  // Integer conventions where Nx's reference raises (docs/design.md).
  add("integer quotient and remainder by zero", [](const BackendPtr& b, bool) {
    auto x = L(b, {7, -7, INT32_MIN}), y = L(b, {0, 0, -1});
    test::expect_tensor<int>(nx::quotient(x, y), nx::s32, {3}, {-1, -1, INT32_MIN});
    test::expect_tensor<int>(nx::remainder(x, y), nx::s32, {3}, {7, -7, 0});
    test::expect_tensor<int>(nx::quotient(L(b, {5}, nx::u8), L(b, {0}, nx::u8)), nx::u8, {1}, {255});
  });
  add("shift counts outside [0, bits)", [](const BackendPtr& b, bool) {
    auto counts = L(b, {32, -1, 40});
    test::expect_tensor<int>(nx::left_shift(L(b, {1, 1, 1}), counts), nx::s32, {3}, {0, 0, 0});
    test::expect_tensor<int>(nx::right_shift(L(b, {-8, -8, 8}), counts), nx::s32, {3}, {-1, -1, 0});
  });
  add("integer pow with a negative exponent", [](const BackendPtr& b, bool) {
    test::expect_tensor<int>(nx::pow(L(b, {1, -1, -1, 2, 0}), L(b, {-1, -1, -2, -1, -3})), nx::s32, {5},
                             {1, -1, 1, 0, 0});
  });
  // Floats follow IEEE where the reference Nx raises.
  add("float division by zero", [inf, nan](const BackendPtr& b, bool) {
    test::expect_tensor<float>(nx::divide(L(b, {1.0, -1.0, 0.0}), 0.0), nx::f32, {3},
                               {float(inf), float(-inf), float(nan)});
  });
  add("NaN in reductions, argmax, sort, top_k and clip", [inf, nan](const BackendPtr& b, bool) {
    auto x = nx::tensor(std::vector<double>{1.0, nan, -inf, inf}, {.type = nx::f32, .backend = b});
    test::expect_tensor<float>(nx::reduce_max(x), nx::f32, {}, {float(nan)});
    test::expect_tensor<float>(nx::reduce_min(x), nx::f32, {}, {float(nan)});
    test::expect_tensor<int>(nx::argmax(x), nx::s32, {}, {1});
    test::expect_tensor<int>(nx::all(x), nx::u8, {}, {1});
    test::expect_tensor<float>(nx::sort(x), nx::f32, {4}, {float(-inf), 1.0f, float(inf), float(nan)});
    test::expect_tensor<int>(nx::argsort(x, {.direction = nx::Direction::desc}), nx::s32, {4}, {1, 3, 0, 2});
    test::expect_tensor<int>(nx::top_k(x, 1).second, nx::s32, {1}, {1});
    test::expect_tensor<float>(nx::clip(x, -1.0, 2.0), nx::f32, {4}, {1.0f, -1.0f, -1.0f, 2.0f});
  });
  add("NaN and Inf in window_max and cumulative_max", [inf, nan](const BackendPtr& b, bool) {
    auto x = nx::tensor(std::vector<double>{nan, 1.0, -inf}, {.type = nx::f32, .backend = b});
    test::expect_tensor<float>(nx::window_max(x, {2}), nx::f32, {2}, {float(nan), 1.0f});
    test::expect_tensor<float>(nx::cumulative_sum(nx::tensor(std::vector<double>{inf, -inf, 1.0}, {.backend = b})),
                               nx::f32, {3}, {float(inf), float(nan), float(nan)});
  });
  // Out-of-range indices: the reference raises, naming the op and the index;
  // Emily clamps each index into [0, dim - 1] (gather, take, take_along_axis)
  // or drops the offending rows (indexed_add, indexed_put) unless built with
  // EMILY_DEBUG_BOUNDS_CHECK (tested in tests/debug/).
  auto indices = [](std::string op, std::string message, std::function<Tensor(const BackendPtr&)> run,
                    std::function<void(const Tensor&)> emily_result) {
    return [=](const BackendPtr& b, bool emily) {
      if (emily) return emily_result(run(b));
      expect_argument_error([&] { (void)run(b); }, op + ": " + message, op);
    };
  };
  add("gather with out-of-range indices",
      indices("gather", "index 3 is out of bounds for axis 0 in shape {2, 2}",
              [](const BackendPtr& b) { return nx::gather(I(b, {2, 2}), L(b, {{3, -10}, {0, 1}})); },
              [](const Tensor& r) { test::expect_tensor<int>(r, nx::s32, {2}, {2, 1}); }));
  add("gather with a negative index",
      indices("gather", "index -1 is out of bounds for axis 1",
              [](const BackendPtr& b) { return nx::gather(I(b, {2, 2}), L(b, {{0, -1}})); },
              [](const Tensor& r) { test::expect_tensor<int>(r, nx::s32, {1}, {0}); }));
  add("take with out-of-range indices",
      indices("take", "index 7 is out of bounds",
              [](const BackendPtr& b) { return nx::take(I(b, {3}), L(b, {7, -2, 1}, nx::s64)); },
              [](const Tensor& r) { test::expect_tensor<int>(r, nx::s32, {3}, {2, 0, 1}); }));
  add("take with a u64 index beyond int64",
      indices("take", "index 18446744073709551615 is out of bounds",
              [](const BackendPtr& b) {
                return nx::take(I(b, {3}), nx::tensor(std::vector<std::uint64_t>{UINT64_MAX}, {.type = nx::u64, .backend = b}));
              },
              [](const Tensor& r) { test::expect_tensor<int>(r, nx::s32, {1}, {2}); }));
  add("take_along_axis with out-of-range indices",
      indices("take_along_axis", "index 5 is out of bounds",
              [](const BackendPtr& b) { return nx::take_along_axis(I(b, {2, 3}), L(b, {{5}, {-1}}), 1); },
              [](const Tensor& r) { test::expect_tensor<int>(r, nx::s32, {2, 1}, {2, 3}); }));
  add("indexed_add with out-of-range rows",
      indices("indexed_add", "index 4 is out of bounds",
              [](const BackendPtr& b) { return nx::indexed_add(I(b, {3}), L(b, {{4}, {1}, {-1}}), L(b, {10, 20, 30})); },
              [](const Tensor& r) { test::expect_tensor<int>(r, nx::s32, {3}, {0, 21, 2}); }));
  add("indexed_put with out-of-range rows",
      indices("indexed_put", "index 3 is out of bounds for axis 1",
              [](const BackendPtr& b) {
                return nx::indexed_put(I(b, {2, 3}), L(b, {{0, 3}, {1, 1}}), L(b, {10, 20}));
              },
              [](const Tensor& r) { test::expect_tensor<int>(r, nx::s32, {2, 3}, {0, 1, 2, 3, 20, 5}); }));
  // Types MLX has no dtype for stay on the reference backend; Emily raises naming the op.
  add("types MLX lacks", [](const BackendPtr& b, bool emily) {
    for (nx::Type type : {nx::s4, nx::u2, nx::f8, nx::f8_e4m3fn, nx::c128}) {
      auto run = [&] { return nx::iota({3}, {.type = type, .backend = b}); };
      if (emily) expect_argument_error([&] { (void)run(); }, "iota: the Emily backend cannot hold", nx::to_string(type));
      else test::expect_tensor<int>(run(), type, {3}, {0, 1, 2});
    }
  });
  // Shapes whose size fits in 64 bits but not in memory: std::bad_alloc or
  // std::length_error from the reference backend's allocation; Emily (MLX
  // dimensions are 32-bit) raises naming itself.
  add("a shape too large to allocate", [](const BackendPtr& b, bool emily) {
    auto run = [&] { (void)nx::iota({std::int64_t{1} << 50}, {.type = nx::f32, .backend = b}); };
    if (emily) return expect_argument_error(run, "emily: dimension 1125899906842624 exceeds", "iota");
#if !EMILY_TEST_ASAN  // AddressSanitizer aborts on a 4 PiB request instead of throwing
    EXPECT_THROW(
        try { run(); } catch (const std::length_error&) { throw std::bad_alloc(); }, std::bad_alloc);
#endif
  });
  return out;
}

class DocumentedResults : public test::BackendTest {};

TEST_P(DocumentedResults, EdgeInputsGiveTheDocumentedResult) {
  const auto cases = build_documented();
  std::cout << "[ bad input ] " << cases.size() << " documented-result cases on " << GetParam() << "\n";
  const bool emily = b()->kind() == nx::BackendKind::emily;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    try {
      c.check(b(), emily);
    } catch (const std::exception& e) {
      ADD_FAILURE() << c.label << ": threw " << typeid(e).name() << ": " << e.what();
    }
  }
}

NX_ALL_BACKENDS(BadInput);
NX_ALL_BACKENDS(DocumentedResults);

}  // namespace
