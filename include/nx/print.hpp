// Printing tensors in Nx's inspect format.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "nx/tensor.hpp"

namespace nx {

struct InspectOptions {
  std::int64_t limit = 50;  // elements shown; -1 for all
};
// "#Nx.Tensor<\n  f32[2]\n  [1.0, 2.0]\n>"
std::string inspect(const Tensor& t, const InspectOptions& opts = {});
// Just the data part: "[1.0, 2.0]" (the whole tensor).
std::string format_values(const Tensor& t);
// Shortest round-trip decimal of a float in a type's own precision, Nx style.
std::string format_float(double value, Type type);
std::ostream& operator<<(std::ostream& os, const Tensor& t);

// Nx.to_heatmap/2: a tensor drawn as shades of its values. Like Nx's
// %Nx.Heatmap{} struct, the result holds the tensor and the options; it is
// drawn when printed (inspect or <<).
struct HeatmapOptions {
  // Nx's :ansi_enabled. Unset: ANSI colours when standard output is a
  // terminal whose TERM is not "dumb" (Nx asks IO.ANSI.enabled?/0).
  std::optional<bool> ansi_enabled;
  // Nx's :ansi_whitespace: the text of one cell when colours are on
  // (by default U+3000, a full-width space).
  std::string ansi_whitespace = "\u3000";
};
struct Heatmap {
  Tensor tensor;
  HeatmapOptions opts;
};
// Raises for a scalar tensor (Nx's check) and for complex ones (Nx cannot
// draw them either).
Heatmap to_heatmap(const Tensor& t, const HeatmapOptions& opts = {});
// "#Nx.Heatmap<\n  s32[4]\n  0369\n>". Each matrix (the last two axes; a
// vector is one row) is scaled from its smallest to its largest finite
// value: without colours to the digits 0-9 (NaN "x", Inf "+", -Inf "-"),
// with colours to the 24 grey backgrounds 232-255 of the 256-colour
// palette. `opts.limit` is the number of matrices drawn before "..." (-1:
// all), as Nx's inspect limit.
std::string inspect(const Heatmap& h, const InspectOptions& opts = {});
std::ostream& operator<<(std::ostream& os, const Heatmap& h);

}  // namespace nx
