// libFuzzer target: the input bytes decode into a short program of nx:: front-end
// ops over small random tensors (rank 0-3, dims 1-4, every type Emily holds).
// Each step runs on the reference backend and, on copies of the same
// reference inputs, on Emily (CPU), so a divergence cannot accumulate. Checks:
//   - nothing crashes and no sanitizer fires (the build adds ASan + UBSan);
//   - every error is nx::ArgumentError, raised by both backends alike, except
//     out-of-range indices, which the reference rejects and Emily clamps or
//     drops by design;
//   - where both succeed: same types and shapes, integers bit-exact, floats
//     within the per-type tolerance of the test suite scaled by the magnitude
//     of the inputs the op combines (sums, dot products, products);
//   - Emily computed the step itself: a fallback to the reference backend
//     (seen through emily.fallback telemetry) is allowed only where it is a
//     documented one (test::documented_fallback).
// A mismatch prints the step, its inputs and both results, then aborts.
//
// Build and run: make fuzz FUZZ_SECONDS=60 (docs/reliability.md).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <sstream>

#include "compare_util.hpp"

namespace {

using Axes = nx::AxisIndices;  // positions; the ops take them as nx::Axes
using nx::Shape;
using nx::Tensor;
using Tensors = std::vector<Tensor>;

// ---- decoding -------------------------------------------------------------

// Reads the fuzzer's bytes; past the end every read is 0, so every input
// decodes to some program.
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  int pick(int n) { return n <= 1 ? 0 : byte() % n; }
  bool flag() { return byte() & 1; }
  std::uint64_t raw(int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= std::uint64_t{byte()} << (8 * i);
    return v;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_, pos_ = 0;
};

nx::Type pick_type(Bytes& in) {
  const auto& types = test::emily_types();
  return types[static_cast<std::size_t>(in.pick(static_cast<int>(types.size())))];
}

nx::Type pick_int_type(Bytes& in) {
  const auto& types = test::emily_int_types();
  return types[static_cast<std::size_t>(in.pick(static_cast<int>(types.size())))];
}

Shape pick_shape(Bytes& in) {
  Shape s(static_cast<std::size_t>(in.pick(4)));
  for (auto& d : s) d = 1 + in.pick(4);
  return s;
}

// A float: mostly a multiple of 1/8 in [-16, 16) (exact in every float
// type), sometimes a special value.
double pick_float(Bytes& in) {
  const std::uint8_t code = in.byte();
  if (code < 224) return (static_cast<int>(in.byte()) - 128) / 8.0;
  static const double specials[] = {NAN, INFINITY, -INFINITY, -0.0, 1.0e4, -3.0e4, 65504.0, 1.0e-6,
                                    1.0e30, 0.5, -1.0, 1.0, 2.0, 100.0, -100.0, 3.0e9};
  return specials[code % 16];
}

// An integer: mostly small, sometimes raw bits of the type (any value).
std::int64_t pick_int(Bytes& in, int bits) {
  if (in.pick(8) != 0) return static_cast<std::int8_t>(in.byte()) / 4;
  std::uint64_t v = in.raw(bits / 8);
  return static_cast<std::int64_t>(v);
}

// A tensor on the reference backend.
Tensor make_tensor(Bytes& in, nx::Type type, const Shape& shape) {
  const std::int64_t n = nx::shape_size(shape);
  auto ref = nx::binary_backend();
  if (nx::is_integer(type)) {
    std::vector<std::int64_t> v(static_cast<std::size_t>(n));
    for (auto& x : v) x = pick_int(in, type.bits);
    std::vector<std::uint8_t> bytes(v.size() * 8);
    std::memcpy(bytes.data(), v.data(), bytes.size());
    return nx::as_type(nx::from_binary(bytes, nx::s64, shape, {.backend = ref}), type);  // wraps
  }
  const bool cplx = nx::is_complex(type);
  std::vector<double> v(static_cast<std::size_t>(n * (cplx ? 2 : 1)));
  for (auto& x : v) x = pick_float(in);
  std::vector<std::uint8_t> bytes(v.size() * 8);
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return nx::as_type(nx::from_binary(bytes, cplx ? nx::c128 : nx::f64, shape, {.backend = ref}), type);
}

nx::Scalar pick_literal(Bytes& in) {
  switch (in.pick(8)) {
    case 0: case 1: case 2: return nx::Scalar(static_cast<int>(static_cast<std::int8_t>(in.byte())) / 8);
    case 3: return nx::Scalar(static_cast<long long>(in.raw(8)));
    case 4: case 5: case 6: return nx::Scalar(pick_float(in));
    default: return nx::Scalar(std::complex<double>(pick_float(in), pick_float(in)));
  }
}

// A shape that broadcasts with `s` most of the time.
Shape related_shape(Bytes& in, const Shape& s) {
  switch (in.pick(4)) {
    case 0: return s;
    case 1: {
      Shape r = s;
      for (auto& d : r)
        if (in.flag()) d = 1;
      return r;
    }
    case 2: return Shape(s.begin() + in.pick(static_cast<int>(s.size()) + 1), s.end());
    default: return pick_shape(in);
  }
}

// An axis, mostly valid, sometimes out of range or negative.
int pick_axis(Bytes& in, int rank) {
  const int r = std::max(rank, 1);
  switch (in.pick(8)) {
    case 0: return r + in.pick(2);
    case 1: case 2: return -1 - in.pick(r);
    default: return in.pick(r);
  }
}

std::optional<Axes> pick_axes(Bytes& in, int rank) {
  if (in.pick(4) == 0) return std::nullopt;
  Axes a;
  const int n = in.pick(rank + 1);
  for (int i = 0; i < n; ++i) a.push_back(pick_axis(in, rank));
  return a;
}

std::string describe(const Tensor& t) {
  return nx::to_string(t.type()) + nx::shape_to_string(t.shape());
}

// ---- one step -------------------------------------------------------------

// How far a float result may legitimately stray: rounding of one result
// (the per-type tolerance), of a sum of many terms, of a product chain, of a
// power (whose error grows with the exponent and the base), or of a
// difference of squares (variance: cancellation).
enum class Error { rounded, summed, multiplied, power, squared };

struct Step {
  std::string name;                               // op and options, for the report
  Tensors inputs;                                 // reference tensors
  std::function<Tensors(const Tensors&)> run;
  Error error = Error::rounded;
  std::vector<nx::Scalar> literals;               // number operands (they count as operands)
  std::vector<std::size_t> not_operands;          // inputs that are indices, predicates or starts
  bool data_errors = false;                       // the reference raises on data (indices) where Emily clamps
  bool modular = false;                           // integer results are modular arithmetic whatever the operand types
  bool always_values = false;                     // conversions: compare values even for inexact operands
  bool contraction = false;                       // dot, conv: the error scales with sum|a| * max|b|
  bool finite_only = false;                       // FFT, conv: NaN/Inf propagation is the algorithm's
};

double finite_abs(std::complex<double> c) {
  return std::isfinite(c.real()) && std::isfinite(c.imag()) ? std::abs(c) : 0.0;
}

double max_abs(const Tensor& t) {
  double m = 0;
  for (auto c : nx::to_flat_list<std::complex<double>>(t)) m = std::max(m, finite_abs(c));
  return m;
}

double sum_abs(const Tensor& t) {
  double s = 0;
  for (auto c : nx::to_flat_list<std::complex<double>>(t)) s += finite_abs(c);
  return s;
}

double type_max(nx::Type t) {
  if (t == nx::f16) return 65504.0;
  if (t == nx::f64 || t == nx::c128) return 1.7976931348623157e308;
  return 3.4028234663852886e38;
}

bool same_value(double x, double y) { return x == y || (std::isnan(x) && std::isnan(y)); }

std::vector<__int128> int_values(const Tensor& t) {
  std::vector<__int128> out;
  if (nx::is_unsigned(t.type()))
    for (auto v : nx::to_flat_list<std::uint64_t>(t)) out.push_back(v);
  else
    for (auto v : nx::to_flat_list<std::int64_t>(t)) out.push_back(v);
  return out;
}

// Whether every element of x is exactly a value of type t: same value after
// conversion (so saturation does not pass: s32 max -> f16 Inf) and the same
// bits after a round trip (so 2^60 + 1 -> f32 does not pass either).
bool exact_in(const Tensor& x, nx::Type t) {
  if (x.type() == t) return true;
  Tensor y = nx::as_type(x, t);
  if (nx::is_integer(x.type()) && nx::is_integer(t)) return int_values(x) == int_values(y);  // no wrap-around
  if (nx::to_binary(nx::as_type(y, x.type())) != nx::to_binary(x) && nx::is_integer(x.type())) return false;
  auto a = nx::to_flat_list<std::complex<double>>(x), b = nx::to_flat_list<std::complex<double>>(y);
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!same_value(a[i].real(), b[i].real()) || !same_value(a[i].imag(), b[i].imag())) return false;
  return true;
}

// Emily converts the operands to the op's computation type before MLX
// computes (as XLA does) while the reference computes exactly
// and rounds once. Where an operand is not exact in that type (an s64 beyond
// 2^24 in an f32 op, an f64 in an f16 one, a wrapped literal...) both answers
// are legitimate and only types and shapes are compared.
bool operands_exact(const Step& step, const Tensors& want) {
  Tensors operands;
  for (std::size_t i = 0; i < step.inputs.size(); ++i)
    if (std::find(step.not_operands.begin(), step.not_operands.end(), i) == step.not_operands.end())
      operands.push_back(step.inputs[i]);
  if (operands.empty()) return true;
  nx::Type t = operands[0].type();
  for (const auto& x : operands) t = nx::merge(t, x.type());
  for (const auto& r : want)
    if (nx::is_float(r.type())) t = nx::merge(t, r.type());
  // A number operand follows the literal rule (it does not widen the type)
  // but must itself be exact in it.
  for (const auto& lit : step.literals) operands.push_back(nx::scalar(lit, std::nullopt, nx::binary_backend()));
  if (nx::is_integer(t) && step.modular) return true;
  for (const auto& x : operands)
    if (!exact_in(x, t)) return false;
  return true;
}

// FUZZ_KEEP_GOING=1 (triage): report and go on with the next input instead of aborting.
struct KeepGoing {};
bool keep_going() {
  static const bool on = std::getenv("FUZZ_KEEP_GOING") != nullptr;
  return on;
}

[[noreturn]] void report_mismatch(const Step& step, const Tensors& want, const Tensors* got, const std::string& what) {
  std::ostringstream os;
  os << "\n==== Emily disagrees with the reference backend ====\n"
     << "op: " << step.name << "\n" << what << "\n";
  for (std::size_t i = 0; i < step.inputs.size(); ++i)
    os << "input " << i << ": " << nx::inspect(step.inputs[i], {.limit = -1}) << "\n";
  for (std::size_t i = 0; i < want.size(); ++i) os << "reference " << i << ": " << nx::inspect(want[i], {.limit = -1}) << "\n";
  if (got)
    for (std::size_t i = 0; i < got->size(); ++i) os << "emily " << i << ": " << nx::inspect((*got)[i], {.limit = -1}) << "\n";
  std::cerr << os.str() << std::flush;
  if (keep_going()) throw KeepGoing{};
  std::abort();
}

void compare(const Step& step, const Tensors& want, const Tensors& got) {
  if (want.size() != got.size()) report_mismatch(step, want, &got, "different number of results");
  const bool values = step.always_values || operands_exact(step, want);
  // The magnitude the op's rounding error scales with.
  double bound = 0;
  for (const auto& t : step.inputs) {
    if (step.error == Error::summed) bound += sum_abs(t);
    if (step.error == Error::multiplied || step.error == Error::power) bound = std::max(bound, max_abs(t));
    if (step.error == Error::squared) bound = std::max(bound, max_abs(t) * max_abs(t) * static_cast<double>(t.size()));
  }
  for (const auto& lit : step.literals)
    if (step.error == Error::power) bound = std::max(bound, std::abs(lit.as_complex()));
  // pow with an infinite or NaN operand: the reference follows Nx's crude
  // rules (pow(NaN, 0) = NaN, pow(0.5, +Inf) = +Inf), MLX follows C's, so
  // these values are not compared.
  bool nonfinite_power = step.error == Error::power && !std::isfinite(bound);
  for (const auto& t : step.inputs)
    if (step.error == Error::power)
      for (auto c : nx::to_flat_list<std::complex<double>>(t))
        nonfinite_power = nonfinite_power || !std::isfinite(c.real()) || !std::isfinite(c.imag());
  if (step.contraction) bound = sum_abs(step.inputs[0]) * std::max(1.0, max_abs(step.inputs[1]));
  // MLX may accumulate f16/bf16 sums in the type itself: n terms, n/2 roundings.
  std::int64_t terms = 1;
  for (const auto& t : step.inputs) terms = std::max(terms, t.size());
  if (step.error == Error::summed) bound *= 1 + static_cast<double>(terms) / 2;
  // A product chain may overflow or underflow midway, in whatever order the
  // backend associates it (0 * Inf = NaN, or Inf, on one side only).
  bool nonfinite_factor = false;
  double largest_log = 0;
  if (step.error == Error::multiplied)
    for (const auto& t : step.inputs)
      for (auto c : nx::to_flat_list<std::complex<double>>(t)) {
        const double a = std::abs(c);
        if (!std::isfinite(a)) nonfinite_factor = true;
        else if (a != 0) largest_log = std::max(largest_log, std::abs(std::log(a)));
      }
  for (std::size_t r = 0; r < want.size(); ++r) {
    const Tensor &w = want[r], &g = got[r];
    if (g.backend()->kind() != nx::BackendKind::emily) report_mismatch(step, want, &got, "result " + std::to_string(r) + " is not on Emily");
    if (w.type() != g.type() || w.shape() != g.shape())
      report_mismatch(step, want, &got, "result " + std::to_string(r) + ": type/shape " + describe(g) + ", want " + describe(w));
    if (!values) continue;
    if (nx::is_integer(w.type())) {
      if (nx::to_binary(w) != nx::to_binary(g)) report_mismatch(step, want, &got, "integer values differ");
      continue;
    }
    if (nonfinite_power) continue;
    // FFTs skip multiplications by exact zeros (pocketfft's c2r, say) and
    // GEMM-based convolutions multiply padding zeros: which outputs an Inf or
    // NaN input reaches is the algorithm's choice. Values with non-finite
    // inputs are not compared for these ops.
    bool nonfinite_input = false;
    if (step.finite_only)
      for (const auto& t : step.inputs)
        for (auto c : nx::to_flat_list<std::complex<double>>(t))
          nonfinite_input = nonfinite_input || !std::isfinite(c.real()) || !std::isfinite(c.imag());
    if (nonfinite_input) continue;
    const test::Tolerance tol = test::tolerance_for(w.type());
    // Intermediate overflow (a partial sum or product beyond the type's
    // range) may give Inf or NaN on one side only.
    const double limit = type_max(w.type());
    // Complex products and quotients square the magnitudes on the way.
    double largest = 0;
    for (const auto& t : step.inputs) largest = std::max(largest, max_abs(t));
    const bool product_range = nonfinite_factor || largest_log * static_cast<double>(terms) >= std::log(limit) - 1;
    const bool may_overflow =
        ((step.error == Error::summed || step.error == Error::squared) && bound >= limit) ||
        (step.error == Error::multiplied && product_range) || (nx::is_complex(w.type()) && largest * largest >= limit);
    auto wv = nx::to_flat_list<std::complex<double>>(w), gv = nx::to_flat_list<std::complex<double>>(g);
    for (std::size_t i = 0; i < wv.size(); ++i) {
      const bool w_finite = std::isfinite(wv[i].real()) && std::isfinite(wv[i].imag());
      const bool g_finite = std::isfinite(gv[i].real()) && std::isfinite(gv[i].imag());
      if (may_overflow && (!w_finite || !g_finite)) continue;
      // Complex values with an infinite or NaN part: C++'s std::complex and
      // MLX's formulas legitimately differ in which part ends up NaN.
      if (nx::is_complex(w.type()) && (!w_finite || !g_finite)) {
        if (w_finite == g_finite) continue;
        report_mismatch(step, want, &got, "result " + std::to_string(r) + " at flat index " + std::to_string(i) +
                                              ": non-finite on one side only");
      }
      for (int part = 0; part < 2; ++part) {
        const double y = part ? wv[i].imag() : wv[i].real(), x = part ? gv[i].imag() : gv[i].real();
        bool ok;
        if (std::isnan(y)) ok = std::isnan(x);
        else if (std::isinf(y)) ok = x == y;
        // MLX's exp (and what builds on it) overflows a little early: within
        // a factor 2 of the largest finite value Emily may give Inf.
        else if (std::isinf(x) && std::abs(y) > limit / 2 && (x > 0) == (y > 0)) ok = true;
        else {
          // Complex parts are compared relative to the complex magnitude.
          double scale = nx::is_complex(w.type()) ? std::abs(wv[i]) : std::abs(y);
          if (step.error == Error::power) scale *= std::max(1.0, bound);
          if (step.error == Error::summed || step.error == Error::squared) scale = std::max(scale, bound);
          if (step.error == Error::multiplied) scale *= std::max(1.0, static_cast<double>(step.inputs[0].size()));
          ok = std::abs(x - y) <= tol.atol + tol.rtol * scale;
        }
        if (!ok) {
          std::ostringstream os;
          os.precision(17);
          os << "result " << r << " at flat index " << i << (part ? " (imaginary part)" : "") << ": emily " << x
             << ", reference " << y;
          report_mismatch(step, want, &got, os.str());
        }
      }
    }
  }
}

struct Outcome {
  Tensors results;
  std::string error;  // ArgumentError message, empty on success
};

Outcome attempt(const Step& step, const Tensors& inputs, const char* backend) {
  try {
    Tensors r = step.run(inputs);
    for (const auto& t : r) (void)nx::to_binary(t);  // force evaluation inside the try
    return {r, {}};
  } catch (const nx::ArgumentError& e) {
    return {{}, e.what()};
  } catch (const std::exception& e) {
    std::cerr << "\n==== " << backend << " threw " << typeid(e).name() << " (not nx::ArgumentError) ====\nop: "
              << step.name << "\n" << e.what() << "\n";
    for (std::size_t i = 0; i < step.inputs.size(); ++i)
      std::cerr << "input " << i << ": " << nx::inspect(step.inputs[i], {.limit = -1}) << "\n";
    if (keep_going()) throw KeepGoing{};
    std::abort();
  }
}

bool emily_type(nx::Type t) {
  const auto& types = test::emily_types();
  return std::find(types.begin(), types.end(), t) != types.end();
}

const nx::BackendPtr& emily_cpu() {
  static const nx::BackendPtr b = emily::backend({.device = emily::Device::cpu});
  return b;
}

// Runs the step on both backends; returns the reference results (empty on error).
Tensors execute(const Step& step) {
  Outcome want = attempt(step, step.inputs, "the reference backend");
  Tensors copies;
  for (const auto& t : step.inputs) copies.push_back(nx::backend_copy(t, emily_cpu()));
  std::vector<test::Fallback> fallbacks;
  Outcome got;
  {
    test::FallbackWatch watch;
    got = attempt(step, copies, "Emily");
    fallbacks = watch.fallbacks();
  }
  if (!want.error.empty() || !got.error.empty()) {
    bool unsupported = false;  // Emily holds no c128 (MLX has no such dtype): documented
    for (const auto& r : want.results) unsupported = unsupported || !emily_type(r.type());
    if (want.error.empty() && !got.error.empty() && !unsupported)
      report_mismatch(step, want.results, nullptr, "Emily raised where the reference did not: " + got.error);
    if (!want.error.empty() && got.error.empty() && !step.data_errors)
      report_mismatch(step, {}, &got.results, "the reference raised where Emily did not: " + want.error);
    return {};
  }
  for (const auto& f : fallbacks)
    if (!test::documented_fallback(f, "cpu"))
      report_mismatch(step, want.results, &got.results,
                      "Emily answered through an undocumented fallback, " + f.to_string() +
                          ": comparing it with the reference proves nothing");
  compare(step, want.results, got.results);
  return want.results;
}

// ---- the op catalogue ------------------------------------------------------

using Pool = std::vector<Tensor>;

const Tensor& from_pool(Bytes& in, const Pool& pool) {
  return pool[static_cast<std::size_t>(in.pick(static_cast<int>(pool.size())))];
}

// An index tensor of a random integer type with values mostly in [0, bound).
Tensor index_tensor(Bytes& in, const Shape& shape, std::int64_t bound) {
  const nx::Type type = pick_int_type(in);
  const std::int64_t n = nx::shape_size(shape);
  std::vector<std::int64_t> v(static_cast<std::size_t>(n));
  for (auto& x : v) x = in.pick(16) == 0 ? pick_int(in, 64) : in.pick(static_cast<int>(std::max<std::int64_t>(bound, 1)));
  std::vector<std::uint8_t> bytes(v.size() * 8);
  std::memcpy(bytes.data(), v.data(), bytes.size());
  return nx::as_type(nx::from_binary(bytes, nx::s64, shape, {.backend = nx::binary_backend()}), type);
}

std::string axes_string(const std::optional<Axes>& a) {
  if (!a) return "nil";
  std::string s = "[";
  for (std::size_t i = 0; i < a->size(); ++i) s += (i ? ", " : "") + std::to_string((*a)[i]);
  return s + "]";
}

// Integer ops that are exact modular arithmetic whatever the operand types.
bool modular(nx::BinaryOp op) {
  switch (op) {
    case nx::BinaryOp::add: case nx::BinaryOp::subtract: case nx::BinaryOp::multiply:
    case nx::BinaryOp::bitwise_and: case nx::BinaryOp::bitwise_or: case nx::BinaryOp::bitwise_xor:
    case nx::BinaryOp::left_shift: return true;
    default: return false;
  }
}

Step next_step(Bytes& in, const Pool& pool) {
  const Tensor& t = from_pool(in, pool);
  const int rank = t.rank();
  Step s;
  s.inputs = {t};
  switch (in.pick(23)) {
    case 0: {  // a fresh tensor related to t, through a binary op
      const auto& ops = nx::all_binary_ops();
      const nx::BinaryOp op = ops[static_cast<std::size_t>(in.pick(static_cast<int>(ops.size())))];
      s.inputs.push_back(make_tensor(in, in.pick(3) == 0 ? t.type() : pick_type(in), related_shape(in, t.shape())));
      s.name = std::string(nx::op_name(op)) + "(tensor, tensor)";
      if (in.flag()) std::swap(s.inputs[0], s.inputs[1]);
      s.run = [op](const Tensors& x) { return Tensors{nx::binary(op, x[0], x[1])}; };
      s.modular = modular(op);
      if (op == nx::BinaryOp::pow) s.error = Error::power;
      return s;
    }
    case 1: {  // binary op of two pool tensors
      const auto& ops = nx::all_binary_ops();
      const nx::BinaryOp op = ops[static_cast<std::size_t>(in.pick(static_cast<int>(ops.size())))];
      s.inputs.push_back(from_pool(in, pool));
      s.name = std::string(nx::op_name(op)) + "(tensor, tensor)";
      s.run = [op](const Tensors& x) { return Tensors{nx::binary(op, x[0], x[1])}; };
      s.modular = modular(op);
      if (op == nx::BinaryOp::pow) s.error = Error::power;
      return s;
    }
    case 2: case 3: {  // binary op with a literal on either side
      const auto& ops = nx::all_binary_ops();
      const nx::BinaryOp op = ops[static_cast<std::size_t>(in.pick(static_cast<int>(ops.size())))];
      const nx::Scalar lit = pick_literal(in);
      const bool left = in.flag();
      s.name = std::string(nx::op_name(op)) + (left ? "(literal " + lit.to_string() + ", tensor)"
                                                    : "(tensor, literal " + lit.to_string() + ")");
      s.run = [op, lit, left](const Tensors& x) {
        return Tensors{left ? nx::binary(op, lit, x[0]) : nx::binary(op, x[0], lit)};
      };
      s.literals = {lit};
      s.modular = modular(op);
      if (op == nx::BinaryOp::pow) s.error = Error::power;
      return s;
    }
    case 4: case 5: {  // unary op
      const auto& ops = nx::all_unary_ops();
      const nx::UnaryOp op = ops[static_cast<std::size_t>(in.pick(static_cast<int>(ops.size())))];
      s.name = std::string(nx::op_name(op));
      s.run = [op](const Tensors& x) { return Tensors{nx::unary(op, x[0])}; };
      s.modular = op == nx::UnaryOp::negate || op == nx::UnaryOp::bitwise_not || op == nx::UnaryOp::abs;
      return s;
    }
    case 6: {  // reductions
      using R = Tensor (*)(const Tensor&, const nx::ReduceOptions&);
      static const std::pair<const char*, R> fns[] = {{"sum", nx::sum},           {"product", nx::product},
                                                      {"reduce_max", nx::reduce_max}, {"reduce_min", nx::reduce_min},
                                                      {"all", nx::all},           {"any", nx::any},
                                                      {"mean", nx::mean}};
      const auto& [name, fn] = fns[in.pick(7)];
      const auto axes = pick_axes(in, rank);
      nx::ReduceOptions o{axes, in.flag()};
      s.name = std::string(name) + "(axes " + axes_string(axes) + (o.keep_axes ? ", keep_axes)" : ")");
      s.run = [fn = fn, o](const Tensors& x) { return Tensors{fn(x[0], o)}; };
      s.error = std::string(name) == "product" ? Error::multiplied : Error::summed;
      s.modular = true;
      return s;
    }
    case 7: {  // argmax / argmin
      nx::ArgReduceOptions o;
      if (in.flag()) o.axis = pick_axis(in, rank);
      o.tie_break = in.flag() ? nx::TieBreak::high : nx::TieBreak::low;
      o.keep_axis = in.flag();
      if (in.pick(4) == 0) o.type = pick_type(in);
      const bool is_max = in.flag();
      s.name = std::string(is_max ? "argmax" : "argmin") + "(axis " + (o.axis ? std::to_string(o.axis->index()) : "nil") +
               (o.tie_break == nx::TieBreak::high ? ", high" : ", low") + (o.keep_axis ? ", keep)" : ")");
      s.run = [o, is_max](const Tensors& x) { return Tensors{is_max ? nx::argmax(x[0], o) : nx::argmin(x[0], o)}; };
      return s;
    }
    case 8: {  // reshape, squeeze, new_axis, transpose, reverse, broadcast
      const int which = in.pick(6);
      if (which == 0) {
        Shape shape;
        const std::int64_t n = t.size();
        std::int64_t left = n;
        for (std::int64_t f = 2; f <= left; ++f)
          while (left % f == 0 && in.flag()) shape.push_back(f), left /= f;
        if (left > 1 || shape.empty()) shape.push_back(in.pick(5) == 0 ? -1 : left);
        if (in.pick(8) == 0) shape.push_back(1 + in.pick(3));  // sometimes incompatible
        s.name = "reshape(" + nx::shape_to_string(shape) + ")";
        s.run = [shape](const Tensors& x) { return Tensors{nx::reshape(x[0], shape)}; };
      } else if (which == 1) {
        auto axes = pick_axes(in, rank);
        s.name = "squeeze(" + axes_string(axes) + ")";
        s.run = [axes](const Tensors& x) { return Tensors{nx::squeeze(x[0], axes)}; };
      } else if (which == 2) {
        const int axis = pick_axis(in, rank + 1);
        s.name = "new_axis(" + std::to_string(axis) + ")";
        s.run = [axis](const Tensors& x) { return Tensors{nx::new_axis(x[0], axis)}; };
      } else if (which == 3) {
        std::optional<Axes> perm;
        if (in.flag()) {
          Axes p;
          for (int d = 0; d < rank; ++d) p.push_back(d);
          for (int d = rank - 1; d > 0; --d) std::swap(p[static_cast<std::size_t>(d)], p[static_cast<std::size_t>(in.pick(d + 1))]);
          if (in.pick(8) == 0) p.push_back(0);  // sometimes invalid
          perm = p;
        }
        s.name = "transpose(" + axes_string(perm) + ")";
        s.run = [perm](const Tensors& x) { return Tensors{nx::transpose(x[0], perm)}; };
      } else if (which == 4) {
        auto axes = pick_axes(in, rank);
        s.name = "reverse(" + axes_string(axes) + ")";
        s.run = [axes](const Tensors& x) { return Tensors{nx::reverse(x[0], axes)}; };
      } else {
        Shape shape = t.shape();
        for (int i = in.pick(2); i > 0; --i) shape.insert(shape.begin(), 1 + in.pick(3));
        for (auto& d : shape)
          if (d == 1 && in.flag()) d = 1 + in.pick(3);
        s.name = "broadcast(" + nx::shape_to_string(shape) + ")";
        s.run = [shape](const Tensors& x) { return Tensors{nx::broadcast(x[0], shape)}; };
      }
      return s;
    }
    case 9: {  // slice with static or dynamic starts
      std::vector<std::int64_t> starts, lengths, strides;
      for (int d = 0; d < rank; ++d) {
        const std::int64_t dim = t.dim(d);
        starts.push_back(in.pick(8) == 0 ? pick_int(in, 64) : in.pick(static_cast<int>(dim) + 1) - 1);
        lengths.push_back(1 + in.pick(static_cast<int>(dim) + (in.pick(8) == 0)));
        strides.push_back(1 + in.pick(3));
      }
      if (in.flag()) {
        s.name = "slice(dynamic starts, lengths " + nx::shape_to_string(lengths) + ")";
        for (auto st : starts) {
          const nx::Type type = pick_int_type(in);
          s.inputs.push_back(nx::as_type(nx::scalar(static_cast<long long>(st), nx::s64, nx::binary_backend()), type));
        }
        s.run = [lengths, strides](const Tensors& x) {
          return Tensors{nx::slice(x[0], Tensors(x.begin() + 1, x.end()), lengths, {.strides = strides})};
        };
        for (std::size_t i = 1; i < s.inputs.size(); ++i) s.not_operands.push_back(i);
      } else {
        s.name = "slice(starts " + nx::shape_to_string(starts) + ", lengths " + nx::shape_to_string(lengths) +
                 ", strides " + nx::shape_to_string(strides) + ")";
        s.run = [starts, lengths, strides](const Tensors& x) {
          return Tensors{nx::slice(x[0], starts, lengths, {.strides = strides})};
        };
      }
      return s;
    }
    case 10: {  // put_slice
      Shape shape;
      std::vector<std::int64_t> starts;
      for (int d = 0; d < rank; ++d) {
        shape.push_back(1 + in.pick(static_cast<int>(t.dim(d))));
        starts.push_back(in.pick(static_cast<int>(t.dim(d)) + 2) - 1);
      }
      s.inputs.push_back(make_tensor(in, pick_type(in), shape));
      s.name = "put_slice(starts " + nx::shape_to_string(starts) + ")";
      s.run = [starts](const Tensors& x) { return Tensors{nx::put_slice(x[0], starts, x[1])}; };
      return s;
    }
    case 11: {  // pad
      std::vector<nx::PadConfig> config;
      for (int d = 0; d < rank; ++d)
        config.push_back({in.pick(5) - 2, in.pick(5) - 2, in.pick(3)});
      const nx::Scalar value = pick_literal(in);
      s.name = "pad(value " + value.to_string() + ")";
      s.run = [config, value](const Tensors& x) { return Tensors{nx::pad(x[0], value, config)}; };
      s.literals = {value};
      return s;
    }
    case 12: {  // concatenate / stack
      const int axis = pick_axis(in, rank);
      Shape other = t.shape();
      if (rank > 0 && in.flag()) other[static_cast<std::size_t>(std::clamp(axis, 0, rank - 1))] = 1 + in.pick(3);
      s.inputs.push_back(make_tensor(in, in.flag() ? t.type() : pick_type(in), other));
      if (in.flag()) s.inputs.push_back(from_pool(in, pool));
      const bool stack = in.flag();
      s.name = std::string(stack ? "stack" : "concatenate") + "(axis " + std::to_string(axis) + ")";
      s.run = [axis, stack](const Tensors& x) { return Tensors{stack ? nx::stack(x, axis) : nx::concatenate(x, axis)}; };
      return s;
    }
    case 13: {  // dot
      Shape other;
      if (rank > 0) other.push_back(t.shape().back());
      for (int i = in.pick(3); i > 0; --i) other.push_back(1 + in.pick(4));
      if (in.pick(8) == 0) other = pick_shape(in);
      s.inputs.push_back(make_tensor(in, in.flag() ? t.type() : pick_type(in), other));
      if (other.size() >= 2 && in.flag()) {  // contract the last axis of t with axis 0 of b
        s.name = "dot(contract [-1], [0])";
        s.run = [](const Tensors& x) {
          return Tensors{nx::dot(x[0], {std::max(x[0].rank() - 1, 0)}, x[1], {0})};
        };
      } else {
        s.name = "dot";
        s.run = [](const Tensors& x) { return Tensors{nx::dot(x[0], x[1])}; };
      }
      s.error = Error::summed;
      s.contraction = true;
      s.modular = true;
      return s;
    }
    case 14: {  // sort / argsort / top_k
      nx::SortOptions o;
      o.axis = pick_axis(in, rank);
      o.direction = in.flag() ? nx::Direction::desc : nx::Direction::asc;
      o.stable = in.flag();
      const int which = in.pick(3);
      if (which == 2) {
        const std::int64_t k = rank > 0 ? 1 + in.pick(static_cast<int>(t.shape().back())) : 1;
        s.name = "top_k(" + std::to_string(k) + ")";
        s.run = [k](const Tensors& x) {
          auto [v, i] = nx::top_k(x[0], k);
          return Tensors{v, i};
        };
      } else {
        s.name = std::string(which ? "argsort" : "sort") + "(axis " + std::to_string(o.axis.index()) +
                 (o.direction == nx::Direction::desc ? ", desc)" : ", asc)");
        s.run = [o, which](const Tensors& x) { return Tensors{which ? nx::argsort(x[0], o) : nx::sort(x[0], o)}; };
      }
      return s;
    }
    case 15: {  // cumulative ops
      using C = Tensor (*)(const Tensor&, const nx::CumulativeOptions&);
      static const std::pair<const char*, C> fns[] = {{"cumulative_sum", nx::cumulative_sum},
                                                      {"cumulative_product", nx::cumulative_product},
                                                      {"cumulative_min", nx::cumulative_min},
                                                      {"cumulative_max", nx::cumulative_max}};
      const auto& [name, fn] = fns[in.pick(4)];
      nx::CumulativeOptions o{pick_axis(in, rank), in.flag()};
      s.name = std::string(name) + "(axis " + std::to_string(o.axis.index()) + (o.reverse ? ", reverse)" : ")");
      s.run = [fn = fn, o](const Tensors& x) { return Tensors{fn(x[0], o)}; };
      s.error = std::string(name) == "cumulative_product" ? Error::multiplied : Error::summed;
      s.modular = std::string(name) == "cumulative_sum" || std::string(name) == "cumulative_product";
      return s;
    }
    case 16: {  // gather / take / take_along_axis / indexed_add / indexed_put
      s.data_errors = true;
      s.not_operands = {1};
      const int which = in.pick(5);
      const int axis = pick_axis(in, rank);
      const std::int64_t dim = rank > 0 ? t.dim(std::clamp(axis < 0 ? axis + rank : axis, 0, rank - 1)) : 1;
      if (which == 0) {
        const std::int64_t k = 1 + in.pick(std::max(rank, 1));
        Shape ishape = pick_shape(in);
        ishape.push_back(k);
        s.inputs.push_back(index_tensor(in, ishape, rank > 0 ? t.shape().front() : 1));
        s.name = "gather";
        s.run = [](const Tensors& x) { return Tensors{nx::gather(x[0], x[1])}; };
      } else if (which == 1) {
        s.inputs.push_back(index_tensor(in, pick_shape(in), dim));
        s.name = "take(axis " + std::to_string(axis) + ")";
        s.run = [axis](const Tensors& x) { return Tensors{nx::take(x[0], x[1], axis)}; };
      } else if (which == 2) {
        Shape ishape = t.shape();
        if (rank > 0) ishape[static_cast<std::size_t>(std::clamp(axis < 0 ? axis + rank : axis, 0, rank - 1))] = 1 + in.pick(4);
        s.inputs.push_back(index_tensor(in, ishape, dim));
        s.name = "take_along_axis(axis " + std::to_string(axis) + ")";
        s.run = [axis](const Tensors& x) { return Tensors{nx::take_along_axis(x[0], x[1], axis)}; };
      } else {
        // Rows of leading-axis coordinates; updates {n, rest of t's dims}.
        const std::int64_t n = 1 + in.pick(4), k = 1 + in.pick(std::max(rank, 1));
        s.inputs.push_back(index_tensor(in, {n, k}, rank > 0 ? t.shape().front() : 1));
        Shape ushape{n};
        for (int d = static_cast<int>(k); d < rank; ++d) ushape.push_back(t.dim(d));
        s.inputs.push_back(make_tensor(in, in.flag() ? t.type() : pick_type(in), ushape));
        const bool add = which == 3;
        s.name = add ? "indexed_add" : "indexed_put";
        s.run = [add](const Tensors& x) {
          return Tensors{add ? nx::indexed_add(x[0], x[1], x[2]) : nx::indexed_put(x[0], x[1], x[2])};
        };
        if (add) s.error = Error::summed;
        s.modular = add;
      }
      return s;
    }
    case 17: {  // select / clip
      if (in.flag()) {
        s.inputs.insert(s.inputs.begin(), make_tensor(in, pick_type(in), in.flag() ? t.shape() : Shape{}));
        s.inputs.push_back(make_tensor(in, pick_type(in), related_shape(in, t.shape())));
        s.name = "select";
        s.not_operands = {0};
        s.run = [](const Tensors& x) { return Tensors{nx::select(x[0], x[1], x[2])}; };
      } else {
        const nx::Scalar lo = pick_literal(in), hi = pick_literal(in);
        s.name = "clip(" + lo.to_string() + ", " + hi.to_string() + ")";
        s.run = [lo, hi](const Tensors& x) { return Tensors{nx::clip(x[0], lo, hi)}; };
        s.literals = {lo, hi};
      }
      return s;
    }
    case 18: {  // as_type / bitcast
      const nx::Type type = pick_type(in);
      const bool bit = in.pick(4) == 0;
      s.name = std::string(bit ? "bitcast(" : "as_type(") + nx::to_string(type) + ")";
      s.run = [type, bit](const Tensors& x) { return Tensors{bit ? nx::bitcast(x[0], type) : nx::as_type(x[0], type)}; };
      s.always_values = true;
      return s;
    }
    case 19: {  // window reductions
      using W = Tensor (*)(const Tensor&, const Shape&, const nx::WindowFrontOptions&);
      static const std::pair<const char*, W> fns[] = {{"window_sum", nx::window_sum},
                                                      {"window_product", nx::window_product},
                                                      {"window_max", nx::window_max},
                                                      {"window_min", nx::window_min},
                                                      {"window_mean", nx::window_mean}};
      const auto& [name, fn] = fns[in.pick(5)];
      Shape window;
      for (int d = 0; d < rank; ++d) window.push_back(1 + in.pick(static_cast<int>(t.dim(d))));
      nx::WindowFrontOptions o;
      if (in.flag()) o.strides = {1 + in.pick(2)};
      if (in.flag()) o.padding = nx::Padding::same;
      if (in.pick(4) == 0) o.window_dilations = {1 + in.pick(2)};
      s.name = std::string(name) + "(window " + nx::shape_to_string(window) + ")";
      s.run = [fn = fn, window, o](const Tensors& x) { return Tensors{fn(x[0], window, o)}; };
      s.error = std::string(name) == "window_product" ? Error::multiplied : Error::summed;
      s.modular = std::string(name) == "window_sum" || std::string(name) == "window_product";
      return s;
    }
    case 20: {  // statistics composed of reductions
      const int which = in.pick(5);
      const auto axes = pick_axes(in, rank);
      const int axis = pick_axis(in, rank);
      s.error = Error::summed;
      if (which == 0) {
        s.name = "logsumexp(axes " + axes_string(axes) + ")";
        s.run = [axes](const Tensors& x) { return Tensors{nx::logsumexp(x[0], {.axes = axes})}; };
      } else if (which == 1) {
        s.name = "softmax(" + std::to_string(axis) + ")";
        s.run = [axis](const Tensors& x) { return Tensors{nx::softmax(x[0], axis)}; };
      } else if (which == 2) {
        s.name = "variance(axes " + axes_string(axes) + ")";
        s.run = [axes](const Tensors& x) { return Tensors{nx::variance(x[0], {.axes = axes})}; };
        s.error = Error::squared;  // cancellation: the error scales with the squares of the inputs
      } else if (which == 3) {
        s.name = "median(axis " + std::to_string(axis) + ")";
        s.run = [axis](const Tensors& x) { return Tensors{nx::median(x[0], {.axis = axis})}; };
      } else {
        s.inputs.push_back(make_tensor(in, pick_type(in), related_shape(in, t.shape())));
        s.name = "all_close";
        s.run = [](const Tensors& x) { return Tensors{nx::all_close(x[0], x[1])}; };
      }
      return s;
    }
    case 21: {  // FFT family and conv
      const int which = in.pick(3);
      s.error = Error::summed;
      s.finite_only = true;
      if (which < 2) {
        nx::FftFrontOptions o;
        o.axis = pick_axis(in, rank);
        if (in.flag()) o.length = 1 + in.pick(6);
        const int kind = in.pick(4);
        static const char* names[] = {"fft", "ifft", "rfft", "irfft"};
        s.name = std::string(names[kind]) + "(axis " + std::to_string(o.axis.index()) +
                 (o.length ? ", length " + std::to_string(*o.length) + ")" : ")");
        s.run = [o, kind](const Tensors& x) {
          switch (kind) {
            case 0: return Tensors{nx::fft(x[0], o)};
            case 1: return Tensors{nx::ifft(x[0], o)};
            case 2: return Tensors{nx::rfft(x[0], o)};
            default: return Tensors{nx::irfft(x[0], o)};
          }
        };
        return s;
      }
      // conv over fresh {N, C, W...} inputs and {O, C/G, K...} kernels.
      const std::int64_t groups = 1 + in.pick(2), spatial = 1 + in.pick(2);
      Shape xs{1 + in.pick(2), groups * (1 + in.pick(2))}, ks{groups * (1 + in.pick(2)), xs[1] / groups};
      for (std::int64_t d = 0; d < spatial; ++d) {
        xs.push_back(1 + in.pick(4));
        ks.push_back(1 + in.pick(static_cast<int>(xs.back())));
      }
      const nx::Type type = in.flag() ? t.type() : pick_type(in);
      s.inputs = {make_tensor(in, type, xs), make_tensor(in, in.flag() ? type : pick_type(in), ks)};
      nx::ConvFrontOptions o;
      o.feature_group_size = groups;
      if (in.flag()) o.strides = {1 + in.pick(2)};
      if (in.flag()) o.padding = nx::Padding::same;
      if (in.pick(4) == 0) o.kernel_dilation = {1 + in.pick(2)};
      if (in.pick(4) == 0) o.input_dilation = {1 + in.pick(2)};
      s.name = "conv(groups " + std::to_string(groups) + ")";
      s.run = [o](const Tensors& x) { return Tensors{nx::conv(x[0], x[1], o)}; };
      s.contraction = true;
      return s;
    }
    default: {  // a fresh tensor
      const nx::Type type = pick_type(in);
      const Shape shape = pick_shape(in);
      s.inputs = {make_tensor(in, type, shape)};
      s.name = "fresh " + nx::to_string(type) + nx::shape_to_string(shape);
      s.run = [](const Tensors& x) { return x; };
      s.always_values = true;
      return s;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  Pool pool{make_tensor(in, pick_type(in), pick_shape(in))};
  try {
    for (int step = 0; step < 12 && !in.done(); ++step) {
      Step s = next_step(in, pool);
      for (const auto& r : execute(s)) {
        if (r.size() > 256) continue;  // keep the tensors small
        if (pool.size() < 4) pool.push_back(r);
        else pool[static_cast<std::size_t>(in.pick(4))] = r;
      }
    }
  } catch (const KeepGoing&) {
  }
  // MLX keeps freed buffers of every size for reuse; over hours of fuzzing
  // that cache would crowd libFuzzer's RSS limit.
  if (emily::memory::cache_bytes() > (std::size_t{64} << 20)) emily::memory::clear_cache();
  return 0;
}
