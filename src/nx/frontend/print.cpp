// Front end: Nx's inspect format (the text Nx's doctests compare).
#include <charconv>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "../element.hpp"
#include "common.hpp"
#include "nx/defn.hpp"

namespace nx {

namespace {

// Shortest scientific digits of `v` that round-trip in `type`: returns
// digits (no dot) and the decimal exponent of the first digit.
void shortest_digits(double v, Type type, std::string& digits, int& exp10) {
  char buf[64];
  std::string sci;
  if (type == f64) {
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    sci.assign(buf, r.ptr);
  } else if (type == f32 || type == c64) {
    auto r = std::to_chars(buf, buf + sizeof buf, static_cast<float>(v), std::chars_format::scientific);
    sci.assign(buf, r.ptr);
  } else {
    // Small formats: the fewest significant digits that encode to the same bits.
    std::vector<std::uint8_t> want(4), got(4);
    element::store<double>(type, &v, 1, want.data());
    for (int p = 1; p <= 17; ++p) {
      std::snprintf(buf, sizeof buf, "%.*e", p - 1, v);
      double back = std::strtod(buf, nullptr);
      element::store<double>(type, &back, 1, got.data());
      if (got == want) break;
    }
    sci = buf;
  }
  auto e = sci.find('e');
  std::string mant = sci.substr(0, e);
  exp10 = std::stoi(sci.substr(e + 1));
  digits.clear();
  for (char c : mant)
    if (c >= '0' && c <= '9') digits += c;
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
}

}  // namespace

std::string format_float(double v, Type type) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Inf" : "-Inf";
  std::string sign = std::signbit(v) ? "-" : "";
  if (v == 0) return sign + "0.0";
  std::string digits;
  int e;
  shortest_digits(std::fabs(v), type, digits, e);
  // Scientific: d.ddd e X (at least one decimal).
  std::string sci = digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0") + "e" +
                    std::to_string(e);
  // Positional.
  std::string pos;
  const int n = static_cast<int>(digits.size());
  if (e >= 0) {
    if (e + 1 >= n) pos = digits + std::string(static_cast<std::size_t>(e + 1 - n), '0') + ".0";
    else pos = digits.substr(0, static_cast<std::size_t>(e + 1)) + "." + digits.substr(static_cast<std::size_t>(e + 1));
  } else {
    pos = "0." + std::string(static_cast<std::size_t>(-e - 1), '0') + digits;
  }
  return sign + (sci.size() < pos.size() ? sci : pos);
}

namespace {

std::string format_element(Type type, const std::vector<std::uint8_t>& bytes, std::int64_t i) {
  if (is_integer(type)) {
    __int128 v = element::load_int(type, bytes.data(), i);
    if (v >= 0) return std::to_string(static_cast<unsigned long long>(v));
    return std::to_string(static_cast<long long>(v));
  }
  if (is_complex(type)) {
    auto c = element::load_complex(type, bytes.data(), i);
    Type part = to_real(type);
    std::string im = format_float(c.imag(), part);
    if (im[0] != '-') im = "+" + im;
    return format_float(c.real(), part) + im + "i";
  }
  return format_float(element::load_double(type, bytes.data(), i), type);
}

void render(std::ostringstream& os, const Shape& shape, std::size_t depth, std::int64_t& next,
            std::int64_t shown, Type type, const std::vector<std::uint8_t>& bytes, int indent,
            bool& truncated) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  if (depth + 1 == shape.size()) {
    os << pad << "[";
    for (std::int64_t k = 0; k < shape[depth]; ++k) {
      if (next >= shown) {
        os << (k ? ", " : "") << "...";
        truncated = true;
        break;
      }
      os << (k ? ", " : "") << format_element(type, bytes, next++);
    }
    os << "]";
    return;
  }
  os << pad << "[\n";
  for (std::int64_t k = 0; k < shape[depth]; ++k) {
    if (truncated) {
      os << ",\n" << pad << "  ...";
      break;
    }
    if (k) os << ",\n";
    render(os, shape, depth + 1, next, shown, type, bytes, indent + 2, truncated);
  }
  os << "\n" << pad << "]";
}

std::string values(const Tensor& t, std::int64_t limit, int indent) {
  std::int64_t shown = limit < 0 ? t.size() : std::min(limit, t.size());
  auto packed = t.backend()->to_binary(t, shown);
  auto bytes = element::unpack(t.type(), packed, shown);
  if (t.rank() == 0) return std::string(static_cast<std::size_t>(indent), ' ') + format_element(t.type(), bytes, 0);
  std::ostringstream os;
  std::int64_t next = 0;
  bool truncated = false;
  render(os, t.shape(), 0, next, shown, t.type(), bytes, indent, truncated);
  return os.str();
}

}  // namespace

std::string format_values(const Tensor& t) { return values(t, -1, 0); }

std::string inspect(const Tensor& t, const InspectOptions& opts) {
  if (defn::is_expr(t)) return defn::inspect_expr(t);
  std::string s = "#Nx.Tensor<\n  " + front::inspect_header(t) + "\n";
  std::string extra = t.backend()->inspect_header();
  if (!extra.empty()) s += "  " + extra + "\n";
  return s + values(t, opts.limit, 2) + "\n>";
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) { return os << inspect(t); }

}  // namespace nx

namespace nx::front {

std::string inspect_header(const Tensor& t) {
  std::string h = to_string(t.type());
  for (int d = 0; d < t.rank(); ++d) {
    std::string n = name_at(t.names(), d);
    h += "[" + (n.empty() ? "" : n + ": ") + std::to_string(t.dim(d)) + "]";
  }
  return h;
}

}  // namespace nx::front
