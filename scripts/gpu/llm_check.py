#!/usr/bin/env python3
"""Emily's Qwen3 decoder against Hugging Face transformers, on the GPU machine.

  python3 scripts/gpu/llm_check.py --emily build-gpu/emily --out $OUT

(after scripts/gpu/run.sh built build-gpu/). Steps:
  1. A Qwen3 config of the 0.6B shape (hidden 1024, 28 layers, 16 heads, 8 kv
     heads, head_dim 128, intermediate 3072, vocab 151936, tied embeddings,
     rope_theta 1e6, rms_norm_eps 1e-6), seeded random init (norm weights
     perturbed so they matter), save_pretrained as f32 safetensors.
  2. Correctness on a fixed 32-token prompt: transformers eager logits in f32
     and bf16; `emily generate --dump-logits` in f32 (MLX_ENABLE_TF32=0, torch
     TF32 off) and bf16; max |diff| / max |f32 logits|; greedy ids in f32.
  3. Speed, batch 1: prefill of a 512-token prompt and 256 new tokens (255
     decode steps after the prefill's token), transformers eager bf16 against
     Emily bf16 and 4-bit, with peak device memory. Each side runs one untimed
     warm-up first.
Writes llm_check.json and llm_check.md into --out.

--local-smoke runs the same Emily plumbing on the CPU with the numpy-made tiny
checkpoint of scripts/tiny_qwen3.py standing in for transformers (no torch).
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

QWEN3_06B = dict(vocab_size=151936, hidden_size=1024, intermediate_size=3072, num_hidden_layers=28,
                 num_attention_heads=16, num_key_value_heads=8, head_dim=128, tie_word_embeddings=True,
                 rope_theta=1e6, rms_norm_eps=1e-6, max_position_embeddings=40960, attention_bias=False,
                 hidden_act="silu")
# Pass bounds, relative to the largest f32 logit magnitude. f32 differs only by
# summation order; bf16 is judged against transformers' own bf16 error.
F32_BOUND = 1e-3
BF16_FACTOR = 3.0


def rel_err(a, b):
    import numpy as np
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.abs(a - b).max() / np.abs(b).max())


def top1_agreement(a, b):
    import numpy as np
    return float((np.argmax(a, -1) == np.argmax(b, -1)).mean())


def run_emily(emily, model_dir, prompt, max_tokens, dtype, device, bits=0, dump=None, warmup=1, tf32=True):
    cmd = [emily, "generate", "--model", model_dir, "--prompt-ids", ",".join(map(str, prompt)),
           "--max-tokens", str(max_tokens), "--dtype", dtype, "--device", device, "--warmup", str(warmup), "--json"]
    if bits:
        cmd += ["--bits", str(bits)]
    if dump:
        cmd += ["--dump-logits", dump]
    env = dict(os.environ)
    if not tf32:
        env["MLX_ENABLE_TF32"] = "0"
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} ... failed ({p.returncode}):\n{p.stderr[-4000:]}")
    res = json.loads(p.stdout.strip().splitlines()[-1])
    res["wall_seconds"] = time.time() - t0
    return res


def build_checkpoint(model_dir, layers, seed):
    import torch
    from transformers import Qwen3Config, Qwen3ForCausalLM
    cfg = Qwen3Config(**dict(QWEN3_06B, num_hidden_layers=layers), torch_dtype="float32")
    cfg._attn_implementation = "eager"
    torch.manual_seed(seed)
    model = Qwen3ForCausalLM(cfg).eval()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight"):
                p.copy_(1.0 + 0.1 * torch.randn_like(p))
    model.save_pretrained(model_dir, safe_serialization=True)
    return model


def torch_greedy(model, prompt, n):
    """Prefill, then n - 1 cached decode steps; tokens stay on the device."""
    import torch
    ids = torch.tensor([prompt], device="cuda")
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    with torch.no_grad():
        out = model(ids, use_cache=True)
        nxt = out.logits[:, -1].argmax(-1, keepdim=True)
        torch.cuda.synchronize()
        t1 = time.perf_counter()
        past, toks = out.past_key_values, [nxt]
        for _ in range(n - 1):
            out = model(nxt, past_key_values=past, use_cache=True)
            past = out.past_key_values
            nxt = out.logits[:, -1].argmax(-1, keepdim=True)
            toks.append(nxt)
        torch.cuda.synchronize()
    t2 = time.perf_counter()
    return [int(t) for t in torch.cat(toks, 1)[0].tolist()], t1 - t0, t2 - t1


def torch_logits(model, prompt):
    import torch
    with torch.no_grad():
        return model(torch.tensor([prompt], device="cuda")).logits[0].float().cpu().numpy()


def check_logits(report, ref32, emily32, emily16, torch16=None):
    e32, e16 = rel_err(emily32, ref32), rel_err(emily16, ref32)
    report["f32_rel_max_err"] = e32
    report["bf16_rel_max_err"] = e16
    report["f32_top1_agreement"] = top1_agreement(emily32, ref32)
    report["bf16_top1_agreement"] = top1_agreement(emily16, ref32)
    ok = e32 < F32_BOUND
    if torch16 is not None:
        t16 = rel_err(torch16, ref32)
        report["torch_bf16_rel_max_err"] = t16
        report["emily_bf16_vs_torch_bf16"] = rel_err(emily16, torch16)
        ok = ok and e16 <= BF16_FACTOR * max(t16, 1e-3)
    report["logits_ok"] = bool(ok)


def markdown(report):
    rows = ["| run | prefill tok/s | decode tok/s | peak memory GiB |", "|---|---:|---:|---:|"]
    for r in report["speed"]:
        rows.append(f"| {r['name']} | {r['prefill_tokens_per_s']:.1f} | {r['decode_tokens_per_s']:.1f} | "
                    f"{r['peak_bytes'] / 2**30:.2f} |")
    lines = [f"Qwen3 {report['shape']}: prefill {report['prefill_len']} tokens, decode "
             f"{report['decode_len']} tokens, batch 1, {report['device']}", ""] + rows + [""]
    for k in ("f32_rel_max_err", "bf16_rel_max_err", "torch_bf16_rel_max_err", "f32_top1_agreement",
              "greedy_f32_equal", "logits_ok", "decode_vs_torch_bf16", "decode_4bit_vs_bf16"):
        if k in report:
            lines.append(f"- {k}: {report[k]}")
    return "\n".join(lines) + "\n"


def local_smoke(args, report):
    """The Emily side of every step on the CPU, numpy reference in place of transformers."""
    import numpy as np
    d = os.path.join(args.work, "tiny")
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "tiny_qwen3.py"), "--out", d, "--tie", "1",
                    "--new-tokens", "8"], check=True, capture_output=True)
    ref = json.load(open(os.path.join(d, "reference.json")))
    ref32 = np.load(os.path.join(d, "reference_logits.npy"))
    dumps = {t: os.path.join(args.work, f"tiny_{t}.npy") for t in ("f32", "bf16")}
    r32 = run_emily(args.emily, d, ref["prompt"], 8, "f32", "cpu", dump=dumps["f32"], tf32=False)
    run_emily(args.emily, d, ref["prompt"], 8, "bf16", "cpu", dump=dumps["bf16"])
    check_logits(report, ref32, np.load(dumps["f32"]), np.load(dumps["bf16"]))
    report["greedy_f32_equal"] = r32["tokens"] == ref["greedy"]
    report.update(shape="tiny (scripts/tiny_qwen3.py)", device="cpu", prefill_len=64, decode_len=32)
    prompt = [int(x) for x in np.random.default_rng(1).integers(0, 128, 64)]
    for name, dtype, bits in (("emily bf16", "bf16", 0), ("emily 4-bit", "bf16", 4)):
        r = run_emily(args.emily, d, prompt, 32, dtype, "cpu", bits=bits)
        report["speed"].append(dict(r, name=name))


def gpu_check(args, report):
    import numpy as np
    import torch
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    model_dir = os.path.join(args.work, "qwen3-0.6b-shape")
    model = build_checkpoint(model_dir, args.layers, args.seed).to("cuda")
    report.update(shape=f"0.6B shape, {args.layers} layers, random weights (seed {args.seed})",
                  device=torch.cuda.get_device_name(), prefill_len=args.prefill, decode_len=args.decode,
                  torch=torch.__version__)
    import transformers
    report["transformers"] = transformers.__version__
    rng = np.random.default_rng(args.seed)
    prompt = [int(x) for x in rng.integers(0, QWEN3_06B["vocab_size"], 32)]

    # Correctness.
    ref32 = torch_logits(model, prompt)
    greedy32, _, _ = torch_greedy(model, prompt, args.greedy)
    dumps = {t: os.path.join(args.work, f"emily_{t}.npy") for t in ("f32", "bf16")}
    r32 = run_emily(args.emily, model_dir, prompt, args.greedy, "f32", "gpu", dump=dumps["f32"], tf32=False)
    run_emily(args.emily, model_dir, prompt, args.greedy, "bf16", "gpu", dump=dumps["bf16"])
    model = model.to(torch.bfloat16)
    torch16 = torch_logits(model, prompt)
    check_logits(report, ref32, np.load(dumps["f32"]), np.load(dumps["bf16"]), torch16)
    report["greedy_f32_torch"], report["greedy_f32_emily"] = greedy32, r32["tokens"]
    report["greedy_f32_equal"] = greedy32 == r32["tokens"]

    # Speed: transformers eager bf16 (model already bf16), then Emily bf16 and 4-bit.
    long_prompt = [int(x) for x in rng.integers(0, QWEN3_06B["vocab_size"], args.prefill)]
    torch_greedy(model, long_prompt, 4)  # warm-up
    torch.cuda.synchronize()
    weights = torch.cuda.memory_allocated()
    torch.cuda.reset_peak_memory_stats()
    _, tp, td = torch_greedy(model, long_prompt, args.decode)
    report["speed"].append(dict(name="transformers eager bf16", prefill_tokens_per_s=args.prefill / tp,
                                decode_tokens_per_s=(args.decode - 1) / td, prefill_seconds=tp, decode_seconds=td,
                                active_bytes_before_run=weights, peak_bytes=torch.cuda.max_memory_allocated()))
    del model
    torch.cuda.empty_cache()
    for name, bits in (("emily bf16", 0), ("emily 4-bit", 4)):
        r = run_emily(args.emily, model_dir, long_prompt, args.decode, "bf16", "gpu", bits=bits)
        report["speed"].append(dict(r, name=name))
    t, e16, e4 = (report["speed"][i]["decode_tokens_per_s"] for i in range(3))
    report["decode_vs_torch_bf16"] = e16 / t
    report["decode_4bit_vs_bf16"] = e4 / e16


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--emily", default="build-gpu/emily", help="the emily executable")
    ap.add_argument("--out", default=os.environ.get("OUT", "/tmp/emily-llm-out"))
    ap.add_argument("--work", default="/tmp/emily-llm-check", help="checkpoint and logits scratch directory")
    ap.add_argument("--layers", type=int, default=28, help="fewer for a quick run")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--greedy", type=int, default=16, help="greedy tokens compared in f32")
    ap.add_argument("--prefill", type=int, default=512)
    ap.add_argument("--decode", type=int, default=256)
    ap.add_argument("--local-smoke", action="store_true", help="CPU, tiny numpy checkpoint, no torch")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    os.makedirs(args.work, exist_ok=True)
    report = {"speed": []}
    try:
        (local_smoke if args.local_smoke else gpu_check)(args, report)
    finally:
        with open(os.path.join(args.out, "llm_check.json"), "w") as f:
            json.dump(report, f, indent=2)
    md = markdown(report)
    with open(os.path.join(args.out, "llm_check.md"), "w") as f:
        f.write(md)
    print(md)
    return 0 if report.get("logits_ok") and report.get("greedy_f32_equal") else 1


if __name__ == "__main__":
    sys.exit(main())
