// Messages of the linear-algebra errors both backends raise, so that a
// check Emily runs when a result is read says exactly what the reference
// backend says when it computes it.
#pragma once

namespace nx::linalg_errors {

inline constexpr const char* kNotPositiveDefinite = "the matrix is not positive-definite";
inline constexpr const char* kSingular = "can't solve for singular matrix";

}  // namespace nx::linalg_errors
