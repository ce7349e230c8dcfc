// Nx.Random: Threefry-2x32 key-based random numbers built from tensor ops.
#pragma once

#include "nx/tensor.hpp"

namespace nx::random {

Tensor key(std::uint64_t seed, BackendPtr backend = nullptr);
Tensor split(const Tensor& key, std::int64_t parts = 2);
Tensor fold_in(const Tensor& key, std::uint64_t data);
Tensor threefry2x32(const Tensor& key, const Shape& shape);

struct Sample {
  Tensor value;
  Tensor next_key;
};
// Nx's :shape (for a tensor's shape, .shape = t.shape()) and :names.
struct UniformOptions {
  Shape shape;
  Type type = f32;
  Names names;
};
Sample uniform(const Tensor& key, double min = 0.0, double max = 1.0, const UniformOptions& opts = {});
Sample normal(const Tensor& key, double mean = 0.0, double std = 1.0, const UniformOptions& opts = {});
struct RandintOptions {
  Shape shape;
  Type type = s32;
  Names names;
};
Sample randint(const Tensor& key, std::int64_t min, std::int64_t max, const RandintOptions& opts = {});
// Shuffles along axis 0 (or `axis`).
Sample shuffle(const Tensor& key, const Tensor& t, const Axis& axis = 0);

}  // namespace nx::random
