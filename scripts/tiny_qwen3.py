#!/usr/bin/env python3
"""A tiny Qwen3 checkpoint and its reference outputs, with numpy only.

Writes into --out:
  config.json              Hugging Face Qwen3 config fields
  model.safetensors        seeded random f32 weights in the Hugging Face layout
  reference_logits.npy     f32 logits [prompt_len, vocab] of the numpy forward pass
  reference.json           prompt ids, greedy continuation ids (full recomputation
                           per token) and the smallest top-1/top-2 logit gap met
                           on the way, so a test can tell real mismatches from ties

The forward pass runs in float64 from the f32 weights: it is the independent
reference Emily's loader and model are checked against (tests/llm_test.cpp).
"""
import argparse
import json
import os
import struct

import numpy as np


def make_config(tie, layers=2):
    return {
        "architectures": ["Qwen3ForCausalLM"],
        "model_type": "qwen3",
        "vocab_size": 128,
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": layers,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        # head_dim * heads != hidden, as in the real Qwen3 shapes.
        "head_dim": 32,
        "rms_norm_eps": 1e-6,
        "rope_theta": 10000.0,
        "max_position_embeddings": 256,
        "tie_word_embeddings": tie,
        "attention_bias": False,
        "hidden_act": "silu",
        "torch_dtype": "float32",
    }


def make_weights(cfg, seed):
    rng = np.random.default_rng(seed)
    hid, inter, hd = cfg["hidden_size"], cfg["intermediate_size"], cfg["head_dim"]
    nh, nkv, vocab = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["vocab_size"]

    def lin(out, inp):  # unit-variance outputs keep the logits well separated
        return (rng.standard_normal((out, inp)) / np.sqrt(inp)).astype(np.float32)

    def norm(n):  # not all ones, so a norm weight applied wrongly shows
        return (1.0 + 0.1 * rng.standard_normal(n)).astype(np.float32)

    w = {"model.embed_tokens.weight": rng.standard_normal((vocab, hid)).astype(np.float32)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w[p + "input_layernorm.weight"] = norm(hid)
        w[p + "post_attention_layernorm.weight"] = norm(hid)
        w[p + "self_attn.q_proj.weight"] = lin(nh * hd, hid)
        w[p + "self_attn.k_proj.weight"] = lin(nkv * hd, hid)
        w[p + "self_attn.v_proj.weight"] = lin(nkv * hd, hid)
        # Output projections scaled up so the residual stream is not just the
        # token's embedding (with tied embeddings greedy would repeat the token).
        w[p + "self_attn.o_proj.weight"] = lin(hid, nh * hd) * np.float32(4.0)
        w[p + "self_attn.q_norm.weight"] = norm(hd)
        w[p + "self_attn.k_norm.weight"] = norm(hd)
        w[p + "mlp.gate_proj.weight"] = lin(inter, hid)
        w[p + "mlp.up_proj.weight"] = lin(inter, hid)
        w[p + "mlp.down_proj.weight"] = lin(hid, inter) * np.float32(4.0)
    w["model.norm.weight"] = norm(hid)
    if not cfg["tie_word_embeddings"]:
        w["lm_head.weight"] = lin(vocab, hid) * np.float32(8.0)
    return w


def save_safetensors(path, tensors):
    header, offset, blobs = {"__metadata__": {"format": "pt"}}, 0, []
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name], dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def rms_norm(x, w, eps):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * w


def rope(x, theta):
    # Rotate-half convention (Hugging Face Qwen3): pairs (i, i + D/2).
    length, dim = x.shape[-2], x.shape[-1]
    inv = theta ** (-np.arange(0, dim, 2, dtype=np.float64) / dim)
    ang = np.arange(length, dtype=np.float64)[:, None] * inv[None, :]
    cos, sin = np.cos(np.concatenate([ang, ang], -1)), np.sin(np.concatenate([ang, ang], -1))
    rot = np.concatenate([-x[..., dim // 2:], x[..., : dim // 2]], -1)
    return x * cos + rot * sin


def forward(w, cfg, ids):
    w = {k: v.astype(np.float64) for k, v in w.items()}
    eps, hd = cfg["rms_norm_eps"], cfg["head_dim"]
    nh, nkv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    length = len(ids)
    x = w["model.embed_tokens.weight"][np.asarray(ids)]
    mask = np.triu(np.full((length, length), -np.inf), 1)
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = (h @ w[p + "self_attn.q_proj.weight"].T).reshape(length, nh, hd).transpose(1, 0, 2)
        k = (h @ w[p + "self_attn.k_proj.weight"].T).reshape(length, nkv, hd).transpose(1, 0, 2)
        v = (h @ w[p + "self_attn.v_proj.weight"].T).reshape(length, nkv, hd).transpose(1, 0, 2)
        q = rope(rms_norm(q, w[p + "self_attn.q_norm.weight"], eps), cfg["rope_theta"])
        k = rope(rms_norm(k, w[p + "self_attn.k_norm.weight"], eps), cfg["rope_theta"])
        # Grouped-query attention: query head j reads key/value head j // (nh / nkv).
        k, v = np.repeat(k, nh // nkv, axis=0), np.repeat(v, nh // nkv, axis=0)
        s = q @ k.transpose(0, 2, 1) / np.sqrt(hd) + mask
        s = np.exp(s - s.max(-1, keepdims=True))
        o = (s / s.sum(-1, keepdims=True)) @ v
        x = x + o.transpose(1, 0, 2).reshape(length, nh * hd) @ w[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        g = h @ w[p + "mlp.gate_proj.weight"].T
        u = h @ w[p + "mlp.up_proj.weight"].T
        x = x + (g / (1.0 + np.exp(-g)) * u) @ w[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else w["lm_head.weight"]
    return x @ head.T


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tie", type=int, choices=[0, 1], default=1)
    ap.add_argument("--prompt", default="1,5,9,77,3,120,42,8")
    ap.add_argument("--new-tokens", type=int, default=8)
    ap.add_argument("--layers", type=int, default=2)
    args = ap.parse_args()

    cfg = make_config(bool(args.tie), args.layers)
    w = make_weights(cfg, args.seed)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    save_safetensors(os.path.join(args.out, "model.safetensors"), w)

    prompt = [int(t) for t in args.prompt.split(",")]
    logits = forward(w, cfg, prompt)
    np.save(os.path.join(args.out, "reference_logits.npy"), logits.astype(np.float32))

    ids, last, min_gap = list(prompt), logits[-1], np.inf
    greedy = []
    for step in range(args.new_tokens):
        top2 = np.sort(last)[-2:]
        min_gap = min(min_gap, float(top2[1] - top2[0]))
        greedy.append(int(np.argmax(last)))
        ids.append(greedy[-1])
        if step + 1 < args.new_tokens:
            last = forward(w, cfg, ids)[-1]
    with open(os.path.join(args.out, "reference.json"), "w") as f:
        json.dump({"prompt": prompt, "greedy": greedy, "min_top2_gap": min_gap}, f)
    print(json.dumps({"greedy": greedy, "min_top2_gap": min_gap}))


if __name__ == "__main__":
    main()
