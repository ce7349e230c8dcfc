#!/usr/bin/env python3
"""PyTorch (eager, CUDA) side of the GPU benchmarks: the same cases as
`emily_bench --gpu`, timed the same way: after a warm-up, REPS repetitions,
each the mean time per call of a batch of at least min_time seconds with the
device synchronised after every call (as each Emily iteration waits for its
result); report.py takes the median of the repetitions and their spread.
Also the device-to-device copy bandwidth. f32 matmul rows run with TF32 off
(`matmul_f32_N`, full f32 as Emily's default) and on (`matmul_f32_N_tf32`).

    torch_bench.py --json out.json [--quick] [--only 'transformer|matmul']

Transformer blocks run three ways: the composed block (as Emily's `_emily`
row), the block with F.layer_norm + F.scaled_dot_product_attention
(`_fused`), and torch.compile of that fused block (`_compile`).
"""
import argparse
import json
import math
import time

import torch

DEV = "cuda"


def data(shape, scale=1.0, dtype=torch.float32):
    g = torch.Generator(device="cpu").manual_seed(12345)
    return (scale * (torch.rand(shape, generator=g) - 0.5)).to(DEV, dtype)


REPS = 5


def timeit(fn, min_time):
    """The per-call times (ms) of REPS repetitions."""
    fn()
    torch.cuda.synchronize()
    reps = []
    for _ in range(REPS):
        n, start = 0, time.perf_counter()
        while True:
            fn()
            torch.cuda.synchronize()
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_time:
                break
        reps.append(elapsed / n * 1e3)
    return reps


def block(x, p, heads):
    b, l, w = x.shape
    hd = w // heads

    def ln(v, g, bias):
        m = v.mean(-1, keepdim=True)
        c = v - m
        var = (c * c).mean(-1, keepdim=True)
        return c * torch.rsqrt(var + 1e-5) * g + bias

    def split(t):
        return t.reshape(b, l, heads, hd).transpose(1, 2)

    h = ln(x, p["g1"], p["b1"])
    q, k, v = split(h @ p["wq"]), split(h @ p["wk"]), split(h @ p["wv"])
    att = torch.softmax((q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(hd)), dim=-1)
    o = (att @ v).transpose(1, 2).reshape(b, l, w)
    y = x + o @ p["wo"]
    h2 = ln(y, p["g2"], p["b2"])
    return y + torch.relu(h2 @ p["w1"]) @ p["w2"]


def block_fused(x, p, heads):
    """The same block with PyTorch's fused layer norm and attention (the
    counterpart of emily::fast's, which the compiled Emily rows use)."""
    import torch.nn.functional as F
    b, l, w = x.shape
    hd = w // heads

    def split(t):
        return t.reshape(b, l, heads, hd).transpose(1, 2)

    h = F.layer_norm(x, (w,), p["g1"], p["b1"], 1e-5)
    q, k, v = split(h @ p["wq"]), split(h @ p["wk"]), split(h @ p["wv"])
    o = F.scaled_dot_product_attention(q, k, v, scale=1.0 / math.sqrt(hd)).transpose(1, 2).reshape(b, l, w)
    y = x + o @ p["wo"]
    h2 = F.layer_norm(y, (w,), p["g2"], p["b2"], 1e-5)
    return y + torch.relu(h2 @ p["w1"]) @ p["w2"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="", help="run only the cases whose name contains one of these |-separated words")
    a = ap.parse_args()
    words = [w for w in a.only.split("|") if w]

    def wanted(name):
        return not words or any(w in name for w in words)
    global REPS
    REPS = 3 if a.quick else 5
    mt = 0.02 if a.quick else 0.2
    torch.backends.cuda.matmul.allow_tf32 = False  # full f32, Emily's default
    torch.backends.cudnn.allow_tf32 = False
    res = {}
    big = 64 * 1024 * 1024
    x, y = data((big,), 4.0), data((big,), 2.0)
    m = data((8192, 8192), 4.0)
    basics = {
        "copy_256MB": lambda: x.clone(),
        "exp_64M": lambda: torch.exp(x),
        "add_64M": lambda: x + y,
        "sum_axis0_8192": lambda: m.sum(0),
        "sum_axis1_8192": lambda: m.sum(1),
        "argmax_axis1_8192": lambda: m.argmax(1),
        "softmax_8192": lambda: torch.softmax(m, 1),
    }
    for k, fn in basics.items():
        if wanted(k):
            res[k] = timeit(fn, mt)
    for n in (4096, 8192):
        for name, dt in (("f32", torch.float32), ("bf16", torch.bfloat16)):
            if not wanted(f"matmul_{name}_{n}"):
                continue
            p, q = data((n, n), 4.0, dt), data((n, n), 2.0, dt)
            res[f"matmul_{name}_{n}"] = timeit(lambda: p @ q, mt)
            if dt == torch.float32:
                torch.backends.cuda.matmul.allow_tf32 = True
                res[f"matmul_{name}_{n}_tf32"] = timeit(lambda: p @ q, mt)
                torch.backends.cuda.matmul.allow_tf32 = False
    w = 1024
    params = {k: data(s, 0.05, torch.bfloat16) for k, s in {"wq": (w, w), "wk": (w, w), "wv": (w, w), "wo": (w, w),
                                                             "w1": (w, 4 * w), "w2": (4 * w, w)}.items()}
    params.update({"g1": torch.ones(w, device=DEV, dtype=torch.bfloat16), "b1": torch.zeros(w, device=DEV, dtype=torch.bfloat16),
                   "g2": torch.ones(w, device=DEV, dtype=torch.bfloat16), "b2": torch.zeros(w, device=DEV, dtype=torch.bfloat16)})
    # torch.compile of the fused block: compiled once, re-specialised per shape.
    try:
        compiled = torch.compile(block_fused)
    except Exception as e:  # no compiler toolchain on this machine
        print("torch.compile unavailable:", e)
        compiled = None
    for b in (1, 8):
        for l in (128, 1024):
            key = f"transformer_bf16_b{b}_l{l}"
            if not wanted(key):
                continue
            t = data((b, l, w), 1.0, torch.bfloat16)
            with torch.no_grad():
                res[key] = timeit(lambda: block(t, params, 16), mt)
                res[key + "_fused"] = timeit(lambda: block_fused(t, params, 16), mt)
                if compiled is not None:
                    try:
                        res[key + "_compile"] = timeit(lambda: compiled(t, params, 16), mt)
                    except Exception as e:
                        print("torch.compile failed on", key, ":", e)
    s = data((16, 16))
    if not wanted("dispatch"):
        return finish(res, a.json)

    def chain():
        v = s
        for _ in range(200):
            v = v + 1.0
            v = v * 0.5
            v = torch.exp(-v)
            v = v.sum(1, keepdim=True)
            v = v + torch.ones(16, 16, device=DEV)
        return v

    res["dispatch"] = timeit(chain, mt)
    finish(res, a.json)


def finish(res, path):
    for k, v in res.items():
        med = sorted(v)[len(v) // 2]
        print(f"torch {k:28s} {med:10.3f} ms (median of {len(v)}, {min(v):.3f}-{max(v):.3f})", flush=True)
    context = {"torch_version": torch.__version__, "cuda": torch.version.cuda,
               "device": torch.cuda.get_device_name(0), "reps": REPS}
    doc = {"context": context, "cases": {k: {"reps_ms": v} for k, v in res.items()}}
    doc.update(context)
    json.dump(doc, open(path, "w"), indent=1)


if __name__ == "__main__":
    main()
