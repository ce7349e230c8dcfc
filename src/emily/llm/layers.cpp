// Linear layers and embeddings of emily::llm, float or quantized.
#include "emily/backend.hpp"
#include "llm_internal.hpp"
#include "nx/nx.hpp"

#if __has_include("emily/quantize.hpp")
#include "emily/quantize.hpp"
#define EMILY_LLM_QUANTIZE 1
#endif

namespace emily::llm {

#ifdef EMILY_LLM_QUANTIZE
struct QuantizedWeight {
  emily::QuantizedTensor q;
};
#else
struct QuantizedWeight {};
#endif

nx::Tensor apply(const Linear& l, const nx::Tensor& x) {
  nx::Tensor y;
#ifdef EMILY_LLM_QUANTIZE
  if (l.quantized) y = emily::quantized_dot(x, l.quantized->q, true);
#endif
  if (!y.defined()) y = nx::dot(x, {x.rank() - 1}, l.weight, {1});
  return l.bias ? nx::add(y, *l.bias) : y;
}

nx::Tensor embed_rows(const Linear& table, const nx::Tensor& ids) {
#ifdef EMILY_LLM_QUANTIZE
  if (table.quantized) return emily::quantized_take(table.quantized->q, ids);
#endif
  return nx::take(table.weight, ids, 0);
}

void quantize_linear(Linear& l, int bits, int group_size) {
#ifdef EMILY_LLM_QUANTIZE
  auto q = std::make_shared<QuantizedWeight>();
  q->q = emily::quantize(l.weight, {.bits = bits, .group_size = group_size, .mode = emily::QuantMode::affine});
  l.quantized = std::move(q);
  l.weight = nx::Tensor();  // the quantized copy replaces it
#else
  nx::raise("emily::llm::Qwen3::load", "this build has no emily/quantize.hpp: bits must be 0");
#endif
}

}  // namespace emily::llm
