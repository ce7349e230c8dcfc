// The weights of emily::llm::Qwen3 and the two ops that read them, shared by
// qwen3.cpp (load, forward) and layers.cpp (linear, embedding, quantization).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "emily/llm.hpp"

namespace emily::llm {

struct QuantizedWeight;  // emily::QuantizedTensor where the build has emily/quantize.hpp

// A Linear layer's [out, in] weight (or the embedding table [vocab, hidden]),
// float, or quantized once at load (the float copy is then dropped).
struct Linear {
  nx::Tensor weight;
  std::optional<nx::Tensor> bias;
  std::shared_ptr<const QuantizedWeight> quantized;
};

struct Layer {
  nx::Tensor input_norm, post_norm, q_norm, k_norm;
  Linear q, k, v, o, gate, up, down;
};

struct Qwen3::Weights {
  Qwen3Config cfg;
  nx::BackendPtr backend;
  nx::Type type = nx::f32;
  int bits = 0;
  Linear embed;
  std::vector<Layer> layers;
  nx::Tensor final_norm;
  std::optional<Linear> lm_head;  // absent when tied to the embeddings
};

// x . weight^T (+ bias), x [..., in].
nx::Tensor apply(const Linear& l, const nx::Tensor& x);
// Rows of the table for integer ids: ids.shape ++ [hidden].
nx::Tensor embed_rows(const Linear& table, const nx::Tensor& ids);
// Quantizes l.weight in place; raises nx::ArgumentError where the build has no
// emily/quantize.hpp or the backend is not Emily.
void quantize_linear(Linear& l, int bits, int group_size);

}  // namespace emily::llm
