// The TF32 decision (precision.cpp).
#pragma once

#include <optional>

namespace emily::detail {
// An allow_tf32() call, else EMILY_TF32, else MLX_ENABLE_TF32, else off.
bool tf32_choice(std::optional<bool> requested_by_call);
// Fixes the choice and hands it to MLX; runs before the first backend exists.
void fix_tf32_choice();
}  // namespace emily::detail
