// Front end: Nx.to_heatmap and the drawing of Nx.Heatmap (its inspect).
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "common.hpp"

namespace nx {

namespace {

// The grey ramp of the 256-colour palette: 232 (dark) to 255 (light).
constexpr int kMinGrey = 232;
constexpr int kMaxGrey = 255;

std::string background(int colour) { return "\x1b[48;5;" + std::to_string(colour) + "m"; }

// Nx's stand-in for IO.ANSI.enabled?/0.
bool terminal_has_ansi() {
  const char* term = std::getenv("TERM");
  return isatty(STDOUT_FILENO) && term && std::strcmp(term, "dumb") != 0;
}

class Drawer {
 public:
  Drawer(const Tensor& t, const HeatmapOptions& opts, std::int64_t limit)
      : values_(to_flat_list<double>(t)),
        ansi_(opts.ansi_enabled.value_or(terminal_has_ansi())),
        space_(opts.ansi_whitespace),
        limit_(limit) {}

  // One row of `count` values from `at`, scaled by the finite [lo, hi].
  std::string row(std::size_t at, std::int64_t count, double lo, double hi) const {
    const double base = hi == lo ? 1 : hi - lo;
    std::string out;
    for (std::int64_t i = 0; i < count; ++i) {
      const double v = values_[at + static_cast<std::size_t>(i)];
      if (std::isnan(v)) {
        out += ansi_ ? "\x1b[41m" + space_ : "x";
      } else if (std::isinf(v)) {
        if (ansi_) out += background(v > 0 ? kMaxGrey : kMinGrey) + "\u221e";
        else out += v > 0 ? "+" : "-";
      } else if (ansi_) {
        out += background(kMinGrey + static_cast<int>(std::round((v - lo) / base * (kMaxGrey - kMinGrey)))) + space_;
      } else {
        out += std::to_string(static_cast<int>(std::round((v - lo) / base * 9)));
      }
    }
    return ansi_ ? out + "\x1b[0m" : out;
  }

  // The finite range of `count` values from `at` (empty range: {+max, -max}).
  std::pair<double, double> range(std::size_t at, std::int64_t count) const {
    double lo = std::numeric_limits<double>::max(), hi = -lo;
    for (std::int64_t i = 0; i < count; ++i) {
      const double v = values_[at + static_cast<std::size_t>(i)];
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
    return {lo, hi};
  }

  // The matrices from axis `depth` on, one nested list per leading axis
  // (Nx's chunk), at indentation `indent`; the text continues the line the
  // caller has started.
  std::string chunk(const Shape& shape, std::size_t depth, std::size_t& at, int indent) {
    const std::int64_t rows = shape[shape.size() - 2], cols = shape.back();
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    if (depth + 2 == shape.size()) {
      const auto [lo, hi] = range(at, rows * cols);
      std::string out;
      for (std::int64_t r = 0; r < rows; ++r, at += static_cast<std::size_t>(cols))
        out += "\n" + pad + row(at, cols, lo, hi);
      if (limit_ > 0) --limit_;
      return out;
    }
    const std::string inner(static_cast<std::size_t>(indent + 2), ' ');
    std::string out = depth + 3 == shape.size() ? "[" : "[\n" + inner;
    for (std::int64_t i = 0; i < shape[depth]; ++i) {
      if (i) out += ",\n" + inner;
      if (limit_ == 0) {
        out += "...";
        break;
      }
      out += chunk(shape, depth + 1, at, indent + 2);
    }
    return out + "\n" + pad + "]";
  }

  std::string draw(const Shape& shape) {
    if (shape.size() == 1) {
      const auto [lo, hi] = range(0, shape[0]);
      return "  " + row(0, shape[0], lo, hi);
    }
    std::size_t at = 0;
    // A matrix's rows start with their own line break: Nx leaves a line
    // holding only the indentation after the header.
    return "  " + chunk(shape, 0, at, 2);
  }

 private:
  std::vector<double> values_;
  bool ansi_;
  std::string space_;
  std::int64_t limit_;  // matrices left to draw; negative: no limit
};

}  // namespace

Heatmap to_heatmap(const Tensor& t, const HeatmapOptions& opts) {
  if (t.rank() == 0) raise("to_heatmap", "cannot show heatmap for scalar tensors, got: " + inspect(t));
  if (is_complex(t.type())) front::raise_complex_not_supported("to_heatmap", "to_heatmap", 2);
  return Heatmap{t, opts};
}

std::string inspect(const Heatmap& h, const InspectOptions& opts) {
  Drawer drawer(h.tensor, h.opts, opts.limit);
  return "#Nx.Heatmap<\n  " + front::inspect_header(h.tensor) + "\n" + drawer.draw(h.tensor.shape()) + "\n>";
}

std::ostream& operator<<(std::ostream& os, const Heatmap& h) { return os << inspect(h); }

}  // namespace nx
