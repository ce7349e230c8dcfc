// `emily generate`: greedy generation with a Qwen3 checkpoint directory,
// printing the new token ids, prefill and decode tokens/s and memory.
#include <cstdint>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emily/emily.hpp"
#include "emily/llm.hpp"
#include "nx/serialize.hpp"

namespace emily_tool {

namespace {

const char* kUsage =
    "usage: emily generate --model DIR --prompt-ids 1,2,3 [--max-tokens N] [--bits 4|8] [--group-size G]\n"
    "                      [--dtype f32|bf16|f16] [--device cpu|gpu] [--warmup N] [--dump-logits FILE.npy] [--json]\n";

std::vector<std::int64_t> parse_ids(const std::string& s) {
  std::vector<std::int64_t> ids;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::size_t used = 0;
    long long v = std::stoll(item, &used);  // throws std::invalid_argument on junk
    if (used != item.size()) throw std::invalid_argument("bad id " + item);
    ids.push_back(v);
  }
  return ids;
}

double gib(std::size_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0); }

}  // namespace

int generate(int argc, char** argv) {
  std::string model_dir, dump, dtype, device;
  std::vector<std::int64_t> prompt;
  int max_tokens = 16, bits = 0, group_size = 64, warmup = 1;
  bool as_json = false;
  try {
    for (int i = 2; i < argc; ++i) {
      const std::string a = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
        return argv[++i];
      };
      if (a == "--model") model_dir = value();
      else if (a == "--prompt-ids") prompt = parse_ids(value());
      else if (a == "--max-tokens") max_tokens = std::stoi(value());
      else if (a == "--bits") bits = std::stoi(value());
      else if (a == "--group-size") group_size = std::stoi(value());
      else if (a == "--dtype") dtype = value();
      else if (a == "--device") device = value();
      else if (a == "--warmup") warmup = std::stoi(value());
      else if (a == "--dump-logits") dump = value();
      else if (a == "--json") as_json = true;
      else throw std::invalid_argument("unknown option " + a);
    }
    if (model_dir.empty() || prompt.empty()) throw std::invalid_argument("--model and --prompt-ids are required");
    if (!device.empty() && device != "cpu" && device != "gpu") throw std::invalid_argument("--device is cpu or gpu");
  } catch (const std::exception& e) {
    std::cerr << "emily generate: " << e.what() << "\n" << kUsage;
    return 2;
  }

  emily::BackendOptions bopts;
  if (!device.empty()) bopts.device = device == "gpu" ? emily::Device::gpu : emily::Device::cpu;
  emily::llm::ModelOptions mopts{.backend = emily::backend(bopts), .type = std::nullopt, .bits = bits,
                                 .group_size = group_size};
  if (!dtype.empty()) mopts.type = nx::parse_type(dtype);
  auto model = emily::llm::Qwen3::load(model_dir, mopts);
  for (int w = 0; w < warmup; ++w)  // first runs compile kernels (GPU) and fill allocator caches
    emily::llm::generate(model, prompt, {.max_tokens = std::min(max_tokens, 4), .keep_prefill_logits = false});
  const std::size_t weights_bytes = emily::memory::active_bytes();
  emily::memory::reset_peak();
  auto r = emily::llm::generate(model, prompt, {.max_tokens = max_tokens, .keep_prefill_logits = !dump.empty()});
  const std::size_t peak = emily::memory::peak_bytes();
  if (!dump.empty()) nx::to_numpy(dump, r.prefill_logits);

  const double prefill_tps = r.prefill_tokens / r.prefill_seconds;
  const double decode_tps = r.decode_tokens > 0 ? r.decode_tokens / r.decode_seconds : 0.0;
  std::string ids;
  for (std::size_t i = 0; i < r.tokens.size(); ++i) ids += (i ? "," : "") + std::to_string(r.tokens[i]);
  if (as_json) {
    nlohmann::json j{{"tokens", r.tokens},
                     {"type", nx::to_string(model.type())},
                     {"bits", model.bits()},
                     {"device", emily::to_string(bopts.device.value_or(emily::default_device()))},
                     {"prefill_tokens", r.prefill_tokens},
                     {"prefill_seconds", r.prefill_seconds},
                     {"prefill_tokens_per_s", prefill_tps},
                     {"decode_tokens", r.decode_tokens},
                     {"decode_seconds", r.decode_seconds},
                     {"decode_tokens_per_s", decode_tps},
                     {"active_bytes_before_run", weights_bytes},
                     {"peak_bytes", peak}};
    std::cout << j.dump() << "\n";
    return 0;
  }
  std::cout << "ids: " << ids << "\n"
            << "prefill: " << r.prefill_tokens << " tokens in " << r.prefill_seconds << " s = " << prefill_tps
            << " tokens/s\n"
            << "decode: " << r.decode_tokens << " tokens in " << r.decode_seconds << " s = " << decode_tps
            << " tokens/s\n"
            << "memory: " << gib(weights_bytes) << " GiB active before the run (weights), peak " << gib(peak)
            << " GiB\n";
  return 0;
}

}  // namespace emily_tool
