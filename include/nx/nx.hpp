// The nx:: front end: the tensor contract of Elixir's Nx in C++.
#pragma once

#include "nx/backend.hpp"
#include "nx/binary_backend.hpp"
#include "nx/creation.hpp"
#include "nx/defn.hpp"
#include "nx/elementwise.hpp"
#include "nx/indexing.hpp"
#include "nx/linalg.hpp"
#include "nx/options.hpp"
#include "nx/print.hpp"
#include "nx/random.hpp"
#include "nx/reductions.hpp"
#include "nx/shape_ops.hpp"
#include "nx/tensor.hpp"
#include "nx/type.hpp"
#include "nx/windows.hpp"
