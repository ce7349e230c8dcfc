// Greedy batch-1 generation with timings (see include/emily/llm.hpp).
#include <chrono>

#include "emily/backend.hpp"
#include "emily/llm.hpp"
#include "nx/nx.hpp"

namespace emily::llm {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

GenerateResult generate(const Qwen3& model, const std::vector<std::int64_t>& prompt, const GenerateOptions& opts) {
  constexpr const char* op = "emily::llm::generate";
  if (prompt.empty()) nx::raise(op, "the prompt is empty");
  if (opts.max_tokens <= 0) nx::raise(op, "max_tokens must be positive");
  const std::int64_t vocab = model.config().vocab_size;
  for (std::int64_t id : prompt)
    if (id < 0 || id >= vocab)
      nx::raise(op, "prompt id " + std::to_string(id) + " is outside the vocabulary [0, " + std::to_string(vocab) + ")");
  const int L = static_cast<int>(prompt.size());
  KVCache cache = model.make_cache(1, L + opts.max_tokens);
  const nx::TensorOptions ids_opts{.type = nx::s32, .names = {}, .backend = model.backend()};
  GenerateResult r;
  r.prefill_tokens = L;

  // Prefill. The next token is picked on the device; only its id comes back.
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::int32_t> p32(prompt.begin(), prompt.end());
  nx::Tensor ids = nx::reshape(nx::tensor(p32, ids_opts), {1, L});
  nx::Tensor logits = model.forward(ids, cache, !opts.keep_prefill_logits);
  nx::Tensor last = opts.keep_prefill_logits ? nx::slice(logits, {0, L - 1, 0}, {1, 1, vocab}) : logits;
  nx::Tensor next = nx::argmax(last, {.axis = 2, .tie_break = nx::TieBreak::low, .keep_axis = false, .type = nx::s32});
  if (opts.keep_prefill_logits) {
    r.prefill_logits = nx::reshape(logits, {L, vocab});
    emily::eval(std::vector<nx::Tensor>{next, r.prefill_logits});
  }
  r.tokens.push_back(nx::to_number<std::int64_t>(nx::reshape(next, {})));
  r.prefill_seconds = seconds_since(t0);

  // Decode: one cached forward per further token; `next` [1, 1] feeds the
  // following step directly, and reading it is the per-token synchronisation.
  t0 = std::chrono::steady_clock::now();
  for (int step = 1; step < opts.max_tokens; ++step) {
    logits = model.forward(next, cache, true);
    next = nx::argmax(logits, {.axis = 2, .tie_break = nx::TieBreak::low, .keep_axis = false, .type = nx::s32});
    r.tokens.push_back(nx::to_number<std::int64_t>(nx::reshape(next, {})));
  }
  r.decode_seconds = seconds_since(t0);
  r.decode_tokens = opts.max_tokens - 1;
  return r;
}

}  // namespace emily::llm
