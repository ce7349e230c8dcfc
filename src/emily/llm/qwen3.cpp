// Qwen3 checkpoint loading and the forward pass (see include/emily/llm.hpp).
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "emily/fast.hpp"
#include "emily/llm.hpp"
#include "llm_internal.hpp"
#include "nx/nx.hpp"
#include "nx/serialize.hpp"

namespace emily::llm {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kLoad = "emily::llm::Qwen3::load";

json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) nx::raise(kLoad, path.string() + ": cannot open (not a Hugging Face checkpoint directory?)");
  try {
    return json::parse(in);
  } catch (const json::exception& e) {
    nx::raise(kLoad, path.string() + ": not valid JSON: " + e.what());
  }
}

int positive_int(const json& j, const std::string& file, const char* key) {
  if (!j.contains(key) || !j[key].is_number_integer() || j[key].get<long long>() <= 0 ||
      j[key].get<long long>() > (1LL << 30))
    nx::raise(kLoad, file + ": \"" + key + "\" must be a positive integer");
  return j[key].get<int>();
}

// Every tensor of every file the checkpoint names, on the target backend.
std::map<std::string, nx::Tensor> read_tensors(const fs::path& dir, const nx::BackendPtr& backend) {
  const fs::path single = dir / "model.safetensors", index = dir / "model.safetensors.index.json";
  std::set<std::string> files;
  if (fs::exists(single)) {
    files.insert(single.string());
  } else if (fs::exists(index)) {
    json j = read_json(index);
    if (!j.contains("weight_map") || !j["weight_map"].is_object())
      nx::raise(kLoad, index.string() + ": no \"weight_map\" object");
    for (const auto& [name, file] : j["weight_map"].items()) {
      if (!file.is_string()) nx::raise(kLoad, index.string() + ": weight_map entry " + name + " is not a file name");
      files.insert((dir / file.get<std::string>()).string());
    }
  } else {
    nx::raise(kLoad, dir.string() + ": neither model.safetensors nor model.safetensors.index.json");
  }
  std::map<std::string, nx::Tensor> all;
  for (const auto& f : files) all.merge(nx::load_safetensors(f, {.backend = backend}));
  return all;
}

}  // namespace

Qwen3Config read_qwen3_config(const std::string& path) {
  const json j = read_json(path);
  if (!j.is_object()) nx::raise(kLoad, path + ": not a JSON object");
  Qwen3Config c;
  c.vocab_size = positive_int(j, path, "vocab_size");
  c.hidden_size = positive_int(j, path, "hidden_size");
  c.intermediate_size = positive_int(j, path, "intermediate_size");
  c.num_hidden_layers = positive_int(j, path, "num_hidden_layers");
  c.num_attention_heads = positive_int(j, path, "num_attention_heads");
  c.num_key_value_heads = j.contains("num_key_value_heads") && !j["num_key_value_heads"].is_null()
                              ? positive_int(j, path, "num_key_value_heads")
                              : c.num_attention_heads;
  c.head_dim = j.contains("head_dim") && !j["head_dim"].is_null() ? positive_int(j, path, "head_dim")
                                                                   : c.hidden_size / c.num_attention_heads;
  if (c.num_attention_heads % c.num_key_value_heads != 0)
    nx::raise(kLoad, path + ": num_attention_heads must be a multiple of num_key_value_heads");
  if (c.head_dim % 2 != 0) nx::raise(kLoad, path + ": head_dim must be even (rotary pairs)");
  auto number = [&](const char* key, double& out) {
    if (!j.contains(key)) return;
    if (!j[key].is_number() || !(j[key].get<double>() > 0)) nx::raise(kLoad, path + ": \"" + key + "\" must be > 0");
    out = j[key].get<double>();
  };
  number("rms_norm_eps", c.rms_norm_eps);
  number("rope_theta", c.rope_theta);
  if (j.contains("max_position_embeddings")) c.max_position_embeddings = positive_int(j, path, "max_position_embeddings");
  auto flag = [&](const char* key, bool& out) {
    if (!j.contains(key)) return;
    if (!j[key].is_boolean()) nx::raise(kLoad, path + ": \"" + key + "\" must be true or false");
    out = j[key].get<bool>();
  };
  flag("tie_word_embeddings", c.tie_word_embeddings);
  flag("attention_bias", c.attention_bias);
  // Plain rotary embeddings only. Newer transformers write rope_parameters
  // {rope_type, rope_theta} instead of a top-level rope_theta.
  for (const char* key : {"rope_scaling", "rope_parameters"}) {
    if (!j.contains(key) || j[key].is_null()) continue;
    const json& r = j[key];
    if (!r.is_object()) nx::raise(kLoad, path + ": \"" + key + "\" must be an object");
    const std::string kind = r.value("rope_type", r.value("type", std::string("default")));
    if (kind != "default") nx::raise(kLoad, path + ": rope type " + kind + " is not supported");
    if (r.contains("rope_theta")) {
      if (!r["rope_theta"].is_number() || !(r["rope_theta"].get<double>() > 0))
        nx::raise(kLoad, path + ": rope_theta must be > 0");
      c.rope_theta = r["rope_theta"].get<double>();
    }
  }
  return c;
}

Qwen3 Qwen3::load(const std::string& dir_name, const ModelOptions& opts) {
  if (opts.bits != 0 && opts.bits != 4 && opts.bits != 8) nx::raise(kLoad, "bits must be 0, 4 or 8");
  if (opts.type && (!nx::is_float(*opts.type) || opts.type->bits < 16))
    nx::raise(kLoad, "type must be f16, bf16, f32 or f64, got " + nx::to_string(*opts.type));
  const fs::path dir(dir_name);
  if (!fs::is_directory(dir)) nx::raise(kLoad, dir_name + ": not a directory");
  auto w = std::make_shared<Weights>();
  w->cfg = read_qwen3_config((dir / "config.json").string());
  w->backend = opts.backend ? opts.backend : nx::default_backend();
  w->bits = opts.bits;
  const Qwen3Config& c = w->cfg;
  auto tensors = read_tensors(dir, w->backend);
  const std::string where = dir_name + ": ";

  std::optional<nx::Type> type = opts.type;
  auto take = [&](const std::string& name, nx::Shape shape) {
    auto it = tensors.find(name);
    if (it == tensors.end()) nx::raise(kLoad, where + "missing tensor " + name);
    nx::Tensor t = it->second;
    if (t.shape() != shape)
      nx::raise(kLoad, where + "tensor " + name + " has shape " + nx::shape_to_string(t.shape()) + ", expected " +
                           nx::shape_to_string(shape));
    if (!nx::is_float(t.type())) nx::raise(kLoad, where + "tensor " + name + " is not a float tensor");
    if (!type) type = t.type();  // the embeddings come first and set the compute type
    return t.type() == *type ? t : nx::as_type(t, *type);
  };
  const int hd = c.head_dim, qd = c.num_attention_heads * hd, kvd = c.num_key_value_heads * hd;
  auto linear = [&](const std::string& p, int out, int in, bool bias) {
    Linear l;
    l.weight = take(p + ".weight", {out, in});
    if (bias) l.bias = take(p + ".bias", {out});
    return l;
  };
  w->embed.weight = take("model.embed_tokens.weight", {c.vocab_size, c.hidden_size});
  for (int i = 0; i < c.num_hidden_layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    Layer L;
    L.input_norm = take(p + "input_layernorm.weight", {c.hidden_size});
    L.post_norm = take(p + "post_attention_layernorm.weight", {c.hidden_size});
    L.q_norm = take(p + "self_attn.q_norm.weight", {hd});
    L.k_norm = take(p + "self_attn.k_norm.weight", {hd});
    L.q = linear(p + "self_attn.q_proj", qd, c.hidden_size, c.attention_bias);
    L.k = linear(p + "self_attn.k_proj", kvd, c.hidden_size, c.attention_bias);
    L.v = linear(p + "self_attn.v_proj", kvd, c.hidden_size, c.attention_bias);
    L.o = linear(p + "self_attn.o_proj", c.hidden_size, qd, false);
    L.gate = linear(p + "mlp.gate_proj", c.intermediate_size, c.hidden_size, false);
    L.up = linear(p + "mlp.up_proj", c.intermediate_size, c.hidden_size, false);
    L.down = linear(p + "mlp.down_proj", c.hidden_size, c.intermediate_size, false);
    w->layers.push_back(std::move(L));
  }
  w->final_norm = take("model.norm.weight", {c.hidden_size});
  // A tied checkpoint may still carry lm_head.weight (a copy); the embeddings win.
  if (!c.tie_word_embeddings) w->lm_head = linear("lm_head", c.vocab_size, c.hidden_size, false);
  w->type = *type;
  tensors.clear();

  if (opts.bits) {
    auto q = [&](Linear& l) { quantize_linear(l, opts.bits, opts.group_size); };
    q(w->embed);
    for (auto& L : w->layers)
      for (Linear* l : {&L.q, &L.k, &L.v, &L.o, &L.gate, &L.up, &L.down}) q(*l);
    if (w->lm_head) q(*w->lm_head);
  }
  Qwen3 m;
  m.w_ = std::move(w);
  return m;
}

const Qwen3Config& Qwen3::config() const { return w_->cfg; }
nx::Type Qwen3::type() const { return w_->type; }
int Qwen3::bits() const { return w_->bits; }
const nx::BackendPtr& Qwen3::backend() const { return w_->backend; }

KVCache Qwen3::make_cache(int batch, int capacity) const {
  if (batch <= 0 || capacity <= 0) nx::raise("emily::llm::Qwen3::make_cache", "batch and capacity must be positive");
  const Qwen3Config& c = w_->cfg;
  KVCache cache;
  cache.batch_ = batch;
  cache.capacity_ = capacity;
  const nx::Shape shape{batch, c.num_key_value_heads, capacity, c.head_dim};
  for (int i = 0; i < c.num_hidden_layers; ++i) {
    cache.keys.push_back(nx::zeros(shape, {.type = w_->type, .names = {}, .backend = w_->backend}));
    cache.values.push_back(nx::zeros(shape, {.type = w_->type, .names = {}, .backend = w_->backend}));
  }
  return cache;
}

nx::Tensor Qwen3::forward(const nx::Tensor& ids, KVCache& cache, bool last_only) const {
  constexpr const char* op = "emily::llm::Qwen3::forward";
  const Qwen3Config& c = w_->cfg;
  if (ids.rank() != 2 || !nx::is_integer(ids.type())) nx::raise(op, "ids must be an integer tensor [batch, length]");
  const std::int64_t B = ids.dim(0), L = ids.dim(1), pos = cache.length_;
  if (B != cache.batch_) nx::raise(op, "ids batch differs from the cache's");
  if (pos + L > cache.capacity_)
    nx::raise(op, "cache full: " + std::to_string(pos) + " + " + std::to_string(L) + " positions exceed its capacity " +
                      std::to_string(cache.capacity_));
  const int H = c.num_attention_heads, KV = c.num_key_value_heads, D = c.head_dim;
  const emily::fast::RopeOptions rope{.dims = D, .traditional = false, .base = c.rope_theta, .scale = 1.0,
                                      .offset = static_cast<int>(pos)};
  const emily::fast::AttentionOptions attn{.scale = 1.0 / std::sqrt(static_cast<double>(D)), .causal = L > 1,
                                           .mask = std::nullopt};
  // [B, L, heads * D] -> [B, heads, L, D], normed per head (Qwen3's q/k norms).
  auto heads = [&](const nx::Tensor& t, int n, const std::optional<nx::Tensor>& norm) {
    nx::Tensor r = nx::reshape(t, {B, L, n, D});
    if (norm) r = emily::fast::rms_norm(r, *norm, c.rms_norm_eps);
    return nx::transpose(r, nx::Axes{0, 2, 1, 3});
  };

  nx::Tensor x = embed_rows(w_->embed, ids);
  for (std::size_t i = 0; i < w_->layers.size(); ++i) {
    const Layer& ly = w_->layers[i];
    nx::Tensor h = emily::fast::rms_norm(x, ly.input_norm, c.rms_norm_eps);
    nx::Tensor q = emily::fast::rope(heads(apply(ly.q, h), H, ly.q_norm), rope);
    nx::Tensor k = emily::fast::rope(heads(apply(ly.k, h), KV, ly.k_norm), rope);
    nx::Tensor v = heads(apply(ly.v, h), KV, std::nullopt);
    // Replacing the cache entry drops the old buffer's last reference, so
    // MLX's slice update can write into it in place.
    cache.keys[i] = nx::put_slice(cache.keys[i], {0, 0, pos, 0}, k);
    cache.values[i] = nx::put_slice(cache.values[i], {0, 0, pos, 0}, v);
    nx::Tensor keys = nx::slice(cache.keys[i], {0, 0, 0, 0}, {B, KV, pos + L, D});
    nx::Tensor values = nx::slice(cache.values[i], {0, 0, 0, 0}, {B, KV, pos + L, D});
    nx::Tensor o = emily::fast::scaled_dot_product_attention(q, keys, values, attn);
    o = nx::reshape(nx::transpose(o, nx::Axes{0, 2, 1, 3}), {B, L, H * D});
    x = nx::add(x, apply(ly.o, o));
    h = emily::fast::rms_norm(x, ly.post_norm, c.rms_norm_eps);
    nx::Tensor g = apply(ly.gate, h);
    x = nx::add(x, apply(ly.down, nx::multiply(nx::multiply(g, nx::sigmoid(g)), apply(ly.up, h))));
  }
  cache.length_ = static_cast<int>(pos + L);
  if (last_only && L > 1) x = nx::slice(x, {0, L - 1, 0}, {B, 1, c.hidden_size});
  x = emily::fast::rms_norm(x, w_->final_norm, c.rms_norm_eps);
  nx::Tensor logits = apply(w_->lm_head ? *w_->lm_head : w_->embed, x);
  return logits.type() == nx::f32 ? logits : nx::as_type(logits, nx::f32);
}

nx::Tensor Qwen3::forward(const nx::Tensor& ids) const {
  if (ids.rank() != 2) nx::raise("emily::llm::Qwen3::forward", "ids must be an integer tensor [batch, length]");
  KVCache cache = make_cache(static_cast<int>(ids.dim(0)), static_cast<int>(ids.dim(1)));
  return forward(ids, cache, false);
}

}  // namespace emily::llm
