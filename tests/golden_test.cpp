// Checks every backend against golden vectors computed by NumPy
// (scripts/gen_golden.py writes tests/golden/numpy_golden.txt; the format is
// described there). A case runs on each backend that holds all its types.
#include <fstream>
#include <map>
#include <sstream>

#include "compare_util.hpp"

namespace {

using nx::Tensor;
using nx::Type;

struct GoldenTensor {
  Type type;
  nx::Shape shape;
  std::vector<std::string> values;
};

struct GoldenCase {
  std::string id, op;
  std::map<std::string, std::string> opts;
  std::vector<GoldenTensor> inputs;
  GoldenTensor output;
  int line = 0;
};

nx::Shape parse_shape(const std::string& s) {
  nx::Shape shape;
  if (s == "scalar") return shape;
  std::stringstream ss(s);
  std::string d;
  while (std::getline(ss, d, 'x')) shape.push_back(std::stoll(d));
  return shape;
}

std::vector<int> parse_ints(const std::string& s) {
  std::vector<int> out;
  std::stringstream ss(s);
  std::string d;
  while (std::getline(ss, d, ',')) out.push_back(std::stoi(d));
  return out;
}

GoldenTensor parse_tensor(std::istringstream& in) {
  std::string type, shape, v;
  in >> type >> shape;
  GoldenTensor t{nx::parse_type(type), parse_shape(shape), {}};
  while (in >> v) t.values.push_back(v);
  return t;
}

std::vector<GoldenCase> load_cases() {
  std::ifstream f(std::string(EMILY_SOURCE_DIR) + "/tests/golden/numpy_golden.txt");
  std::vector<GoldenCase> cases;
  std::string line;
  int n = 0;
  while (std::getline(f, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream in(line);
    std::string kind;
    in >> kind;
    if (kind == "case") {
      GoldenCase c;
      c.line = n;
      in >> c.id >> c.op;
      std::string kv;
      while (in >> kv) {
        auto eq = kv.find('=');
        c.opts[kv.substr(0, eq)] = kv.substr(eq + 1);
      }
      cases.push_back(std::move(c));
    } else if (kind == "in") {
      cases.back().inputs.push_back(parse_tensor(in));
    } else if (kind == "out") {
      cases.back().output = parse_tensor(in);
    }
  }
  return cases;
}

double parse_float(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

Tensor build(const GoldenTensor& g, const nx::BackendPtr& b) {
  nx::TensorOptions opts{.type = g.type, .names = {}, .backend = b};
  Tensor flat;
  if (nx::is_integer(g.type)) {
    std::vector<std::int64_t> v;
    for (const auto& s : g.values)
      v.push_back(s[0] == '-' ? std::stoll(s) : static_cast<std::int64_t>(std::stoull(s)));
    flat = nx::tensor(v, opts);
  } else if (nx::is_complex(g.type)) {
    std::vector<std::complex<double>> v;
    for (const auto& s : g.values) {
      auto comma = s.find(',');
      v.emplace_back(parse_float(s.substr(0, comma)), parse_float(s.substr(comma + 1)));
    }
    flat = nx::tensor(v, opts);
  } else {
    std::vector<double> v;
    for (const auto& s : g.values) v.push_back(parse_float(s));
    flat = nx::tensor(v, opts);
  }
  return nx::reshape(flat, g.shape);
}

std::string opt(const GoldenCase& c, const std::string& key, const std::string& fallback = "") {
  auto it = c.opts.find(key);
  return it == c.opts.end() ? fallback : it->second;
}

Tensor run(const GoldenCase& c, const nx::BackendPtr& b) {
  std::vector<Tensor> in;
  for (const auto& g : c.inputs) in.push_back(build(g, b));
  const std::string& op = c.op;
  for (nx::BinaryOp o : nx::all_binary_ops())
    if (nx::op_name(o) == op) return nx::binary(o, in.at(0), in.at(1));
  for (nx::UnaryOp o : nx::all_unary_ops())
    if (nx::op_name(o) == op) return nx::unary(o, in.at(0));
  const bool keep = opt(c, "keep", "0") == "1";
  std::optional<nx::Axes> axes;
  if (c.opts.count("axes")) axes = parse_ints(opt(c, "axes"));
  nx::ReduceOptions ro{axes, keep};
  if (op == "sum") return nx::sum(in.at(0), ro);
  if (op == "product") return nx::product(in.at(0), ro);
  if (op == "reduce_max") return nx::reduce_max(in.at(0), ro);
  if (op == "reduce_min") return nx::reduce_min(in.at(0), ro);
  if (op == "all") return nx::all(in.at(0), ro);
  if (op == "any") return nx::any(in.at(0), ro);
  std::optional<int> axis;
  if (c.opts.count("axis")) axis = std::stoi(opt(c, "axis"));
  std::optional<Type> type;
  if (c.opts.count("type")) type = nx::parse_type(opt(c, "type"));
  if (op == "argmax" || op == "argmin") {
    nx::ArgReduceOptions ao{axis, opt(c, "tie") == "high" ? nx::TieBreak::high : nx::TieBreak::low, keep, type};
    return op == "argmax" ? nx::argmax(in.at(0), ao) : nx::argmin(in.at(0), ao);
  }
  nx::CumulativeOptions co{axis.value_or(0), false};
  if (op == "cumulative_sum") return nx::cumulative_sum(in.at(0), co);
  if (op == "cumulative_product") return nx::cumulative_product(in.at(0), co);
  if (op == "cumulative_max") return nx::cumulative_max(in.at(0), co);
  if (op == "cumulative_min") return nx::cumulative_min(in.at(0), co);
  if (op == "dot") {
    auto list = [&](const std::string& k) { return c.opts.count(k) ? parse_ints(opt(c, k)) : nx::Axes{}; };
    return nx::dot(in.at(0), list("ca"), list("ba"), in.at(1), list("cb"), list("bb"));
  }
  if (op == "as_type") return nx::as_type(in.at(0), *type);
  if (op == "bitcast") return nx::bitcast(in.at(0), *type);
  if (op == "select") return nx::select(in.at(0), in.at(1), in.at(2));
  if (op == "clip") return nx::clip(in.at(0), in.at(1), in.at(2));
  if (op == "iota") return nx::iota(parse_shape(opt(c, "shape")), {.type = c.output.type, .axis = axis, .backend = b});
  if (op == "eye") return nx::eye(parse_shape(opt(c, "shape")), {.type = c.output.type, .backend = b});
  throw std::runtime_error("golden: unknown op " + op);
}

void check(const GoldenCase& c, const Tensor& got, const std::string& where) {
  const std::string ctx = c.id + " (line " + std::to_string(c.line) + ") on " + where;
  ASSERT_EQ(nx::to_string(got.type()), nx::to_string(c.output.type)) << ctx;
  ASSERT_EQ(nx::shape_to_string(got.shape()), nx::shape_to_string(c.output.shape)) << ctx;
  const double tol = c.opts.count("tol") ? std::stod(opt(c, "tol")) : 0.0;
  const auto& want = c.output.values;
  if (nx::is_integer(c.output.type)) {
    auto g = nx::to_flat_list<std::int64_t>(got);
    for (std::size_t i = 0; i < want.size(); ++i) {
      std::int64_t w = want[i][0] == '-' ? std::stoll(want[i]) : static_cast<std::int64_t>(std::stoull(want[i]));
      ASSERT_EQ(g[i], w) << ctx << " at " << i;
    }
    return;
  }
  auto g = nx::to_flat_list<std::complex<double>>(got);
  for (std::size_t i = 0; i < want.size(); ++i) {
    std::complex<double> w;
    if (nx::is_complex(c.output.type)) {
      auto comma = want[i].find(',');
      w = {parse_float(want[i].substr(0, comma)), parse_float(want[i].substr(comma + 1))};
    } else {
      w = {parse_float(want[i]), 0.0};
    }
    const double scale = std::abs(w);  // complex parts are judged relative to the modulus
    for (int part = 0; part < 2; ++part) {
      double x = part ? g[i].imag() : g[i].real(), y = part ? w.imag() : w.real();
      if (std::isnan(y)) {
        ASSERT_TRUE(std::isnan(x)) << ctx << " at " << i << ": got " << x << ", want NaN";
      } else if (std::isinf(y) || tol == 0) {
        ASSERT_EQ(x, y) << ctx << " at " << i;
      } else {
        ASSERT_NEAR(x, y, tol + tol * (nx::is_complex(c.output.type) ? scale : std::abs(y))) << ctx << " at " << i;
      }
    }
  }
}

// The path Emily documents for a case: the unary ops of test::unary_path;
// every other op of the golden file is native for the types Emily holds.
test::Path expected_path(const GoldenCase& c, const nx::BackendPtr& b) {
  for (nx::UnaryOp o : nx::all_unary_ops())
    if (nx::op_name(o) == c.op) return test::unary_path(o, c.inputs.at(0).type).on(*b);
  return test::Path::native;
}

bool holds(const nx::BackendPtr& b, Type t) {
  if (b->kind() != nx::BackendKind::emily) return true;
  return t.bits >= 8 && t != nx::c128 && t != nx::f8 && t != nx::f8_e4m3fn;
}

class Golden : public test::BackendTest {};

TEST_P(Golden, NumPyVectors) {
  static const std::vector<GoldenCase> cases = load_cases();
  ASSERT_GT(cases.size(), 1000u) << "golden file missing or truncated";
  int ran = 0, native = 0, fallback = 0;
  for (const auto& c : cases) {
    bool ok = holds(b(), c.output.type);
    for (const auto& in : c.inputs) ok = ok && holds(b(), in.type);
    if (!ok) continue;
    Tensor got;
    test::FallbackWatch watch;
    try {
      got = run(c, b());
      if (b()->name() == "emily") emily::eval(got);
    } catch (const std::exception& e) {
      ADD_FAILURE() << c.id << " (line " << c.line << "): " << e.what();
      continue;
    }
    // On Emily, a case answered through the reference backend checks the
    // reference, not Emily: only the documented fallbacks may do so.
    if (b()->name() == "emily") {
      ++(watch.path() == test::Path::native ? native : fallback);
      test::expect_path(watch, expected_path(c, b()), c.id + " (line " + std::to_string(c.line) + ") on " + GetParam());
    }
    check(c, got, GetParam());
    ++ran;
  }
  EXPECT_GT(ran, 1000);
  if (b()->name() == "emily") {
    EXPECT_GT(native, 1000);
    std::cout << "[ golden   ] " << GetParam() << ": " << native << " cases computed by Emily, " << fallback
              << " through documented fallbacks\n";
  }
}

NX_ALL_BACKENDS(Golden);

}  // namespace
