// Greedy batch-1 generation with timings (see include/emily/llm.hpp).
#include <chrono>

#include <mlx/transforms.h>

#include "../emily_backend.hpp"
#include "emily/backend.hpp"
#include "emily/llm.hpp"
#include "nx/nx.hpp"

namespace emily::llm {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Starts computing an Emily tensor without waiting (other backends: nothing
// to start), so the next step's graph is built while this one runs.
void start(const nx::Tensor& t) {
  if (is_emily(t)) mlx::core::async_eval({array_ref(t)});
}

std::int64_t read_id(const nx::Tensor& t) { return nx::to_number<std::int64_t>(nx::reshape(t, {})); }

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
  r.tokens.push_back(read_id(next));
  r.prefill_seconds = seconds_since(t0);

  // Decode: one cached forward per further token, its argmax fed straight
  // into the next step. Step n + 1 is queued (async) before step n's id is
  // read, so graph building overlaps the device's work.
  t0 = std::chrono::steady_clock::now();
  auto step = [&](const nx::Tensor& prev) {
    nx::Tensor n = nx::argmax(model.forward(prev, cache, true),
                              {.axis = 2, .tie_break = nx::TieBreak::low, .keep_axis = false, .type = nx::s32});
    start(n);
    return n;
  };
  if (opts.max_tokens > 1) next = step(next);
  for (int i = 1; i < opts.max_tokens; ++i) {
    nx::Tensor after = i + 1 < opts.max_tokens ? step(next) : nx::Tensor();
    r.tokens.push_back(read_id(next));
    next = after;
  }
  r.decode_seconds = seconds_since(t0);
  r.decode_tokens = opts.max_tokens - 1;
  return r;
}

}  // namespace emily::llm
