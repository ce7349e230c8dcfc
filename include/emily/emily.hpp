// Umbrella header: the nx:: front end plus the Emily backend and its extras.
#pragma once

#include "emily/backend.hpp"
#include "emily/fast.hpp"
#include "emily/memory.hpp"
#include "emily/quantize.hpp"
#include "emily/telemetry.hpp"
#include "nx/nx.hpp"
