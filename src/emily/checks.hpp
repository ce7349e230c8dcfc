// Pending checks. Where Nx's reference backend raises while computing a
// result (a Cholesky factor of a matrix that is not positive-definite, a
// system with a zero pivot), Emily stays lazy: the result passes through a
// graph node carrying a lazy boolean and the reference's message. Reading
// data (to_binary and what builds on it, to_pointer, emily::eval) first
// evaluates the checks found in the unevaluated graph of what is read, so a
// tensor derived from a checked result raises as well.
#pragma once

#include <string>
#include <vector>

#include "emily_backend.hpp"

namespace emily::checks {

// `value` with a pending check: reading it (or anything computed from it
// before it is evaluated) raises nx::ArgumentError(message) when `ok`, a
// bool scalar, is false.
mx::array guard(const mx::array& value, const mx::array& ok, std::string message);

// Evaluates the pending checks reachable from `arrays` (nothing to do, and
// no graph walk, while no check exists) and raises the first failing one.
void run(const std::vector<mx::array>& arrays);

}  // namespace emily::checks
