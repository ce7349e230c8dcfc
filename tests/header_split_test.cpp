// The user API headers stand without the backend interface: a program that
// only calls nx:: and emily:: functions does not compile against
// nx::Backend's callback table (nx/backend.hpp is for backend implementers
// and nx/nx.hpp).
#include <gtest/gtest.h>

#include "emily/backend.hpp"
#include "emily/distributed.hpp"
#include "emily/fast.hpp"
#include "emily/llm.hpp"
#include "emily/quantize.hpp"
#include "nx/binary_backend.hpp"
#include "nx/creation.hpp"
#include "nx/elementwise.hpp"
#include "nx/indexing.hpp"
#include "nx/io.hpp"
#include "nx/linalg.hpp"
#include "nx/print.hpp"
#include "nx/random.hpp"
#include "nx/reductions.hpp"
#include "nx/serialize.hpp"
#include "nx/shape_ops.hpp"
#include "nx/windows.hpp"

namespace {

template <class T>
concept complete = requires { sizeof(T); };
static_assert(!complete<nx::Backend>, "a user API header includes nx/backend.hpp");

TEST(HeaderSplit, UserApiWorksWithoutTheBackendInterface) {
  auto t = nx::reshape(nx::iota({6}, {.backend = nx::binary_backend()}), {2, 3});
  EXPECT_EQ(nx::to_flat_list<int>(nx::transpose(t)), (std::vector<int>{0, 3, 1, 4, 2, 5}));
  EXPECT_EQ(nx::to_number<int>(nx::sum(t)), 15);
  EXPECT_EQ(nx::inspect(nx::iota({2}, {.backend = nx::binary_backend()})), "#Nx.Tensor<\n  s32[2]\n  [0, 1]\n>");
}

}  // namespace
