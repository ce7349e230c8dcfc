// emily::llm: a Qwen3-architecture decoder (RMSNorm, rotary embeddings,
// grouped-query attention with a KV cache, SwiGLU MLP, tied or untied
// embeddings) written with nx:: ops and emily::fast kernels, loaded from a
// Hugging Face checkpoint directory (config.json + model.safetensors, or a
// model.safetensors.index.json with shards).
//
// Bad checkpoints (no config.json, a missing field or tensor, a tensor of the
// wrong shape) raise nx::ArgumentError naming the file and the tensor.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nx/tensor.hpp"

namespace emily::llm {

struct Qwen3Config {
  int vocab_size = 0;
  int hidden_size = 0;
  int intermediate_size = 0;
  int num_hidden_layers = 0;
  int num_attention_heads = 0;
  int num_key_value_heads = 0;
  int head_dim = 0;  // hidden_size / num_attention_heads when absent
  double rms_norm_eps = 1e-6;
  double rope_theta = 1e6;
  int max_position_embeddings = 32768;
  bool tie_word_embeddings = false;
  bool attention_bias = false;
};

// Reads and checks a Hugging Face config.json.
Qwen3Config read_qwen3_config(const std::string& path);

struct ModelOptions {
  nx::BackendPtr backend;        // default: the global default backend
  std::optional<nx::Type> type;  // float weights converted to it; default: as stored
  int bits = 0;                  // 0: none; 4 or 8: projections and embeddings quantized
  int group_size = 64;
};

// Keys and values of every layer, preallocated to `capacity` positions and
// written in place (put_slice), so a decode step copies nothing but one row.
class KVCache {
 public:
  int length() const { return length_; }
  int capacity() const { return capacity_; }
  int batch() const { return batch_; }

 private:
  friend class Qwen3;
  std::vector<nx::Tensor> keys, values;  // per layer [B, kv_heads, capacity, head_dim]
  int length_ = 0, capacity_ = 0, batch_ = 0;
};

class Qwen3 {
 public:
  static Qwen3 load(const std::string& dir, const ModelOptions& opts = {});

  const Qwen3Config& config() const;
  nx::Type type() const;  // the compute type (that of the embeddings)
  int bits() const;
  const nx::BackendPtr& backend() const;

  KVCache make_cache(int batch, int capacity) const;
  // ids: integer [B, L] at positions cache.length() ... + L - 1; appends to the
  // cache. Returns f32 logits [B, L, vocab], or [B, 1, vocab] for the last
  // position only (what generation needs; skips L - 1 vocabulary products).
  nx::Tensor forward(const nx::Tensor& ids, KVCache& cache, bool last_only = false) const;
  // The whole sequence at once, no cache kept: logits [B, L, vocab].
  nx::Tensor forward(const nx::Tensor& ids) const;

  struct Weights;

 private:
  std::shared_ptr<const Weights> w_;
};

struct GenerateOptions {
  int max_tokens = 16;             // new tokens, greedy (argmax)
  bool keep_prefill_logits = false;  // the prompt's f32 logits [L, vocab] in the result
};

struct GenerateResult {
  std::vector<std::int64_t> tokens;  // the new tokens only
  nx::Tensor prefill_logits;         // when asked for
  int prefill_tokens = 0;            // prompt length
  int decode_tokens = 0;             // forward steps after the prefill (max_tokens - 1)
  double prefill_seconds = 0, decode_seconds = 0;
};

// Batch-1 greedy generation: one prefill forward over the prompt (its last
// logits give the first new token), then one cached forward per further token.
GenerateResult generate(const Qwen3& model, const std::vector<std::int64_t>& prompt,
                        const GenerateOptions& opts = {});

}  // namespace emily::llm
