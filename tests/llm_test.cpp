// emily::llm::Qwen3 against an independent numpy implementation: the
// checkpoint and its float64 reference logits and greedy ids are written by
// scripts/tiny_qwen3.py (numpy only), so loader, layout and math are checked
// against code that shares nothing with Emily.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "emily/emily.hpp"
#include "emily/llm.hpp"
#include "emily/quantize.hpp"
#include "nx/serialize.hpp"

namespace {

namespace fs = std::filesystem;

std::string python() {
  const std::string venv = std::string(EMILY_SOURCE_DIR) + "/.venv/bin/python";
  return fs::exists(venv) ? venv : "python3";
}

fs::path scratch_dir() {
  fs::path d = fs::temp_directory_path() / ("emily_llm_test_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

// Removes this process's checkpoints when the tests end.
class ScratchCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(scratch_dir(), ec);
  }
};
[[maybe_unused]] ::testing::Environment* const cleanup = ::testing::AddGlobalTestEnvironment(new ScratchCleanup);

struct Reference {
  fs::path dir;
  std::vector<std::int64_t> prompt, greedy;
  double min_gap = 0;
};

// Runs the script once per tie mode; empty dir on failure (the test then fails).
Reference make_checkpoint(bool tie) {
  Reference r;
  r.dir = scratch_dir() / (tie ? "tied" : "untied");
  const std::string cmd = python() + " " + EMILY_SOURCE_DIR + "/scripts/tiny_qwen3.py --out " + r.dir.string() +
                          " --tie " + (tie ? "1" : "0") + " --new-tokens 8 > " + (r.dir.string() + ".log") + " 2>&1";
  if (std::system(cmd.c_str()) != 0) return {};
  // reference.json: {"prompt": [...], "greedy": [...], "min_top2_gap": x}; read without a JSON library.
  std::ifstream in(r.dir / "reference.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string s = ss.str();
  auto list = [&](const std::string& key) {
    std::vector<std::int64_t> v;
    auto at = s.find("\"" + key + "\": [");
    if (at == std::string::npos) return v;
    std::stringstream items(s.substr(at + key.size() + 5, s.find(']', at) - at - key.size() - 5));
    std::string item;
    while (std::getline(items, item, ',')) v.push_back(std::stoll(item));
    return v;
  };
  r.prompt = list("prompt");
  r.greedy = list("greedy");
  auto g = s.find("\"min_top2_gap\": ");
  if (g != std::string::npos) r.min_gap = std::stod(s.substr(g + 16));
  return r;
}

const Reference& checkpoint(bool tie) {
  static const Reference tied = make_checkpoint(true), untied = make_checkpoint(false);
  return tie ? tied : untied;
}

nx::BackendPtr cpu() { return emily::backend({.device = emily::Device::cpu}); }

emily::llm::ModelOptions on(const nx::BackendPtr& b) {
  emily::llm::ModelOptions o;
  o.backend = b;
  return o;
}

nx::Tensor ids_tensor(const std::vector<std::int64_t>& ids, const nx::BackendPtr& b) {
  return nx::reshape(nx::tensor(ids, {.type = nx::s32, .names = {}, .backend = b}),
                     {1, static_cast<std::int64_t>(ids.size())});
}

// max |a - b| / max |b| over all elements.
double rel_max_error(const nx::Tensor& a, const nx::Tensor& b) {
  auto x = nx::to_flat_list<double>(a), y = nx::to_flat_list<double>(b);
  EXPECT_EQ(x.size(), y.size());
  double err = 0, scale = 0;
  for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
    err = std::max(err, std::abs(x[i] - y[i]));
    scale = std::max(scale, std::abs(y[i]));
  }
  return err / scale;
}

nx::Tensor reference_logits(const Reference& r) {
  return nx::from_numpy((r.dir / "reference_logits.npy").string(), {.backend = nx::binary_backend()});
}

class Qwen3Tie : public ::testing::TestWithParam<bool> {};

TEST_P(Qwen3Tie, LogitsMatchNumpyF32) {
  const Reference& r = checkpoint(GetParam());
  ASSERT_FALSE(r.prompt.empty()) << "scripts/tiny_qwen3.py failed; see " << r.dir << ".log";
  auto model = emily::llm::Qwen3::load(r.dir.string(), on(cpu()));
  EXPECT_EQ(model.type(), nx::f32);
  EXPECT_EQ(model.config().tie_word_embeddings, GetParam());
  nx::Tensor got = model.forward(ids_tensor(r.prompt, cpu()));
  const auto L = static_cast<std::int64_t>(r.prompt.size());
  ASSERT_EQ(got.shape(), (nx::Shape{1, L, 128}));
  // Logits reach ~40 in magnitude; f32 against float64: measured ~4e-7 of that.
  const double e = rel_max_error(nx::reshape(got, {L, 128}), reference_logits(r));
  EXPECT_LT(e, 2e-6);
  std::cout << "f32 logits vs numpy float64: " << e << " of the largest logit\n";
}

TEST_P(Qwen3Tie, GreedyIdsMatchNumpy) {
  const Reference& r = checkpoint(GetParam());
  ASSERT_FALSE(r.prompt.empty());
  // The smallest top-1/top-2 gap is far above f32 error: exact agreement is meaningful.
  EXPECT_GT(r.min_gap, 0.05);
  auto model = emily::llm::Qwen3::load(r.dir.string(), on(cpu()));
  auto out = emily::llm::generate(model, r.prompt, {.max_tokens = 8, .keep_prefill_logits = true});
  EXPECT_EQ(out.tokens, r.greedy);
  EXPECT_EQ(out.prefill_tokens, static_cast<int>(r.prompt.size()));
  EXPECT_EQ(out.decode_tokens, 7);
  EXPECT_LT(rel_max_error(out.prefill_logits, reference_logits(r)), 2e-6);
}

TEST_P(Qwen3Tie, ReferenceBackendMatchesNumpy) {
  // The same model code on nx::binary_backend() (emily::fast composed from nx:: ops).
  const Reference& r = checkpoint(GetParam());
  ASSERT_FALSE(r.prompt.empty());
  auto model = emily::llm::Qwen3::load(r.dir.string(), on(nx::binary_backend()));
  nx::Tensor got = model.forward(ids_tensor(r.prompt, nx::binary_backend()));
  const auto L = static_cast<std::int64_t>(r.prompt.size());
  const double e = rel_max_error(nx::reshape(got, {L, 128}), reference_logits(r));
  EXPECT_LT(e, 2e-6);
  std::cout << "reference backend logits vs numpy float64: " << e << "\n";
}

INSTANTIATE_TEST_SUITE_P(Llm, Qwen3Tie, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "tied" : "untied"; });

TEST(Llm, KvCacheDecodingEqualsFullRecomputation) {
  const Reference& r = checkpoint(false);
  ASSERT_FALSE(r.prompt.empty());
  auto model = emily::llm::Qwen3::load(r.dir.string(), on(cpu()));
  std::vector<std::int64_t> seq = r.prompt;
  seq.insert(seq.end(), r.greedy.begin(), r.greedy.end());  // 16 tokens
  const auto N = static_cast<std::int64_t>(seq.size());
  nx::Tensor full = nx::reshape(model.forward(ids_tensor(seq, cpu())), {N, 128});

  // Prefill 5, then chunks of 1, 3, 1, ... through one cache.
  auto cache = model.make_cache(1, static_cast<int>(N));
  std::vector<nx::Tensor> parts;
  std::int64_t at = 0;
  for (std::int64_t len : {5, 1, 3, 1, 1, 2, 1, 1, 1}) {
    std::vector<std::int64_t> chunk(seq.begin() + at, seq.begin() + at + len);
    parts.push_back(nx::reshape(model.forward(ids_tensor(chunk, cpu()), cache), {len, 128}));
    at += len;
  }
  ASSERT_EQ(at, N);
  EXPECT_EQ(cache.length(), N);
  const double e = rel_max_error(nx::concatenate(parts, 0), full);
  EXPECT_LT(e, 5e-6);
  std::cout << "cached chunks vs full recomputation: " << e << "\n";

  // last_only gives the final row; a full cache raises.
  auto c2 = model.make_cache(1, 4);
  nx::Tensor last = model.forward(ids_tensor({seq[0], seq[1], seq[2], seq[3]}, cpu()), c2, true);
  EXPECT_EQ(last.shape(), (nx::Shape{1, 1, 128}));
  EXPECT_LT(rel_max_error(nx::reshape(last, {128}), nx::slice(full, {3, 0}, {1, 128})), 1e-5);
  EXPECT_THROW(model.forward(ids_tensor({seq[4]}, cpu()), c2), nx::ArgumentError);
}

TEST(Llm, BatchRowsEqualSingleRuns) {
  const Reference& r = checkpoint(true);
  ASSERT_FALSE(r.prompt.empty());
  auto model = emily::llm::Qwen3::load(r.dir.string(), on(cpu()));
  std::vector<std::int64_t> a = r.prompt, b(r.prompt.rbegin(), r.prompt.rend());
  const auto L = static_cast<std::int64_t>(a.size());
  std::vector<std::int64_t> both = a;
  both.insert(both.end(), b.begin(), b.end());
  nx::Tensor batch = model.forward(nx::reshape(ids_tensor(both, cpu()), {2, L}));
  nx::Tensor single = nx::concatenate({model.forward(ids_tensor(a, cpu())), model.forward(ids_tensor(b, cpu()))}, 0);
  EXPECT_LT(rel_max_error(batch, single), 5e-6);
}

TEST(Llm, QuantizedAndHalfPrecisionStayClose) {
  const Reference& r = checkpoint(true);
  ASSERT_FALSE(r.prompt.empty());
  const auto L = static_cast<std::int64_t>(r.prompt.size());
  nx::Tensor ref = reference_logits(r);
  auto err = [&](const emily::llm::ModelOptions& o) {
    auto model = emily::llm::Qwen3::load(r.dir.string(), o);
    return rel_max_error(nx::reshape(model.forward(ids_tensor(r.prompt, cpu())), {L, 128}), ref);
  };
  // Affine groups of 64. The tiny model's scaled-up output projections
  // amplify weight error: measured 0.33 (4-bit), 0.022 (8-bit), 0.014 (bf16)
  // of the largest logit; QuantizedEqualsDequantizedCheckpoint checks the
  // quantized path itself tightly.
  const double e4 = err({.backend = cpu(), .type = std::nullopt, .bits = 4, .group_size = 64});
  const double e8 = err({.backend = cpu(), .type = std::nullopt, .bits = 8, .group_size = 64});
  const double ebf16 = err({.backend = cpu(), .type = nx::bf16, .bits = 0, .group_size = 64});
  EXPECT_LT(e4, 0.5);
  EXPECT_LT(e8, 0.05);
  EXPECT_LT(e8, e4 / 4);
  EXPECT_LT(ebf16, 0.03);  // bf16 keeps 8 bits of mantissa
  RecordProperty("rel_err_4bit", std::to_string(e4));
  RecordProperty("rel_err_8bit", std::to_string(e8));
  RecordProperty("rel_err_bf16", std::to_string(ebf16));
  std::cout << "relative max logit error: 4-bit " << e4 << ", 8-bit " << e8 << ", bf16 " << ebf16 << "\n";
}

TEST(Llm, QuantizedEqualsDequantizedCheckpoint) {
  // A float checkpoint holding dequantize(quantize(w)) for every projection and
  // the embeddings must give the quantized model's logits: the quantized
  // matmuls and embedding lookup compute what the 4-bit weights say.
  const Reference& r = checkpoint(true);
  ASSERT_FALSE(r.prompt.empty());
  auto weights = nx::load_safetensors((r.dir / "model.safetensors").string(), {.backend = cpu()});
  for (auto& [name, w] : weights)
    if (w.rank() == 2) w = emily::dequantize(emily::quantize(w, {.bits = 4, .group_size = 64,
                                                                  .mode = emily::QuantMode::affine}));
  const fs::path dq = scratch_dir() / "dequantized";
  fs::create_directories(dq);
  fs::copy_file(r.dir / "config.json", dq / "config.json", fs::copy_options::overwrite_existing);
  nx::save_safetensors((dq / "model.safetensors").string(), weights);
  const auto L = static_cast<std::int64_t>(r.prompt.size());
  auto q4 = emily::llm::Qwen3::load(r.dir.string(), {.backend = cpu(), .type = std::nullopt, .bits = 4,
                                                     .group_size = 64});
  EXPECT_EQ(q4.bits(), 4);
  auto fl = emily::llm::Qwen3::load(dq.string(), on(cpu()));
  nx::Tensor a = q4.forward(ids_tensor(r.prompt, cpu())), b = fl.forward(ids_tensor(r.prompt, cpu()));
  const double e = rel_max_error(nx::reshape(a, {L, 128}), nx::reshape(b, {L, 128}));
  EXPECT_LT(e, 5e-6);
  std::cout << "4-bit model vs dequantized float checkpoint: " << e << "\n";
  fs::remove_all(dq);
}

void copy_checkpoint(const fs::path& from, const fs::path& to) {
  fs::remove_all(to);
  fs::create_directories(to);
  for (const char* f : {"config.json", "model.safetensors"}) fs::copy_file(from / f, to / f);
}

TEST(Llm, BadCheckpointsRaiseArgumentError) {
  const Reference& r = checkpoint(true);
  ASSERT_FALSE(r.prompt.empty());
  const fs::path bad = scratch_dir() / "bad";
  auto load_error = [&]() -> std::string {
    try {
      emily::llm::Qwen3::load(bad.string(), on(cpu()));
    } catch (const nx::ArgumentError& e) {
      return e.what();
    }
    return "no error";
  };
  auto weights = nx::load_safetensors((r.dir / "model.safetensors").string(), {.backend = nx::binary_backend()});

  fs::remove_all(bad);
  EXPECT_NE(load_error().find("not a directory"), std::string::npos);

  copy_checkpoint(r.dir, bad);
  fs::remove(bad / "config.json");
  EXPECT_NE(load_error().find("config.json"), std::string::npos);

  copy_checkpoint(r.dir, bad);
  std::ofstream(bad / "config.json") << "{\"vocab_size\": 128, \"hidden_size\": 64}";
  EXPECT_NE(load_error().find("intermediate_size"), std::string::npos);

  copy_checkpoint(r.dir, bad);
  {
    std::ifstream in(r.dir / "config.json");
    std::string cfg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    cfg.insert(cfg.find('{') + 1, "\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4.0},");
    std::ofstream(bad / "config.json") << cfg;
  }
  EXPECT_NE(load_error().find("rope type yarn is not supported"), std::string::npos);

  copy_checkpoint(r.dir, bad);
  std::ofstream(bad / "config.json") << "{not json";
  EXPECT_NE(load_error().find("not valid JSON"), std::string::npos);

  copy_checkpoint(r.dir, bad);
  fs::remove(bad / "model.safetensors");
  EXPECT_NE(load_error().find("model.safetensors"), std::string::npos);

  const std::string victim = "model.layers.1.self_attn.k_norm.weight";
  auto missing = weights;
  missing.erase(victim);
  copy_checkpoint(r.dir, bad);
  nx::save_safetensors((bad / "model.safetensors").string(), missing);
  EXPECT_NE(load_error().find("missing tensor " + victim), std::string::npos);

  auto reshaped = weights;
  reshaped["model.layers.0.mlp.up_proj.weight"] =
      nx::reshape(weights.at("model.layers.0.mlp.up_proj.weight"), {64, 128});
  nx::save_safetensors((bad / "model.safetensors").string(), reshaped);
  const std::string e = load_error();
  EXPECT_NE(e.find("model.layers.0.mlp.up_proj.weight has shape {64, 128}, expected {128, 64}"), std::string::npos)
      << e;

  // Bad generation arguments.
  auto model = emily::llm::Qwen3::load(r.dir.string(), on(cpu()));
  EXPECT_THROW(emily::llm::generate(model, {}, {}), nx::ArgumentError);
  EXPECT_THROW(emily::llm::generate(model, {1, 128}, {}), nx::ArgumentError);
  EXPECT_THROW(emily::llm::Qwen3::load(r.dir.string(), {.backend = cpu(), .type = std::nullopt, .bits = 3}),
               nx::ArgumentError);
  EXPECT_THROW(emily::llm::Qwen3::load(r.dir.string(), {.backend = cpu(), .type = nx::s32, .bits = 0}),
               nx::ArgumentError);
  fs::remove_all(bad);
}

}  // namespace
