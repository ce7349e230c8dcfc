#!/usr/bin/env python3
"""numpy side of `make bench`: the same cases as emily_bench on the same
inputs (same generator), timed with the same rule (best of repeated runs after
a warm-up), plus the machine facts numpy knows (its version and BLAS).

    numpy_bench.py --json out.json [--quick]
"""
import argparse
import json
import time

import numpy as np

BIG = 16 * 1024 * 1024


def data(shape, scale=1.0):
    # The LCG used by emily_bench, so both sides see identical numbers.
    n = int(np.prod(shape))
    s = np.empty(n, dtype=np.uint64)
    x = np.uint64(12345)
    a, c, m = np.uint64(1664525), np.uint64(1013904223), np.uint64(0xFFFFFFFF)
    # Vectorised LCG: compute in chunks with the closed form is complex; a loop
    # over 16M elements is slow in Python, so use a cached per-size table.
    out = np.empty(n, dtype=np.float32)
    vals = _lcg(n)
    out[:] = scale * ((vals >> 8).astype(np.float32) / np.float32(16777216.0) - np.float32(0.5))
    return out.reshape(shape)


_cache = {}


def _lcg(n):
    if n in _cache:
        return _cache[n]
    # x_{k+1} = a x_k + c mod 2^32, computed by doubling steps over blocks.
    vals = np.empty(n, dtype=np.uint64)
    block = 1 << 16
    first = np.empty(block, dtype=np.uint64)
    x = 12345
    for i in range(min(block, n)):
        x = (x * 1664525 + 1013904223) & 0xFFFFFFFF
        first[i] = x
    vals[: min(block, n)] = first[: min(block, n)]
    # Affine map of `block` steps: x -> A x + C (mod 2^32).
    A, C = 1, 0
    for _ in range(block):
        A, C = (A * 1664525) & 0xFFFFFFFF, (C * 1664525 + 1013904223) & 0xFFFFFFFF
    done = block
    cur = first.copy()
    while done < n:
        cur = (cur * np.uint64(A) + np.uint64(C)) & np.uint64(0xFFFFFFFF)
        k = min(block, n - done)
        vals[done:done + k] = cur[:k]
        done += k
    _cache[n] = vals
    return vals


def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def timeit(fn, min_time):
    fn()  # warm-up
    times = []
    start = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if time.perf_counter() - start > min_time and len(times) >= 3:
            break
    return min(times)


def transformer_block(x, p):
    # Same block as emily_bench: pre-norm attention + MLP, batch 1.
    def layer_norm(v, g, b):
        m = v.mean(-1, keepdims=True)
        var = ((v - m) ** 2).mean(-1, keepdims=True)
        return (v - m) / np.sqrt(var + 1e-5) * g + b

    seq, width, heads = x.shape[0], x.shape[1], 4
    hd = width // heads
    h = layer_norm(x, p["g1"], p["b1"])
    q = (h @ p["wq"]).reshape(seq, heads, hd).transpose(1, 0, 2)
    k = (h @ p["wk"]).reshape(seq, heads, hd).transpose(1, 0, 2)
    v = (h @ p["wv"]).reshape(seq, heads, hd).transpose(1, 0, 2)
    att = softmax((q @ k.transpose(0, 2, 1)).reshape(heads * seq, seq) / np.float32(np.sqrt(hd))).reshape(heads, seq, seq)
    o = (att @ v).transpose(1, 0, 2).reshape(seq, width) @ p["wo"]
    x = x + o
    h = layer_norm(x, p["g2"], p["b2"])
    return x + np.maximum(h @ p["w1"], 0) @ p["w2"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", required=True)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    mt = 0.05 if a.quick else 0.5
    big_x, big_y = data((BIG,), 4.0), data((BIG,), 2.0)
    m_x = data((4096, 4096), 4.0)
    cases = {
        "exp_16M": lambda: np.exp(big_x),
        "add_16M": lambda: big_x + big_y,
        "sum_axis0_4096": lambda: m_x.sum(axis=0),
        "sum_axis1_4096": lambda: m_x.sum(axis=1),
        "argmax_axis0_4096": lambda: m_x.argmax(axis=0),
        "argmax_axis1_4096": lambda: m_x.argmax(axis=1),
        "cumsum_4096": lambda: np.cumsum(m_x, axis=1),
    }
    a1, b1 = data((1024, 1024), 4.0), data((1024, 1024), 2.0)
    a2, b2 = data((2048, 2048), 4.0), data((2048, 2048), 2.0)
    cases["matmul_1024"] = lambda: a1 @ b1
    cases["matmul_2048"] = lambda: a2 @ b2
    sx = data((1024, 4096), 4.0)
    cases["softmax_1024x4096"] = lambda: softmax(sx)
    s1 = data((1 << 20,), 4.0)
    cases["sort_1M"] = lambda: np.sort(s1, kind="stable")
    gx = data((1 << 20,), 4.0)
    gi = (_lcg(1 << 20) % (1 << 20)).astype(np.int32)
    cases["gather_1M"] = lambda: np.take(gx, gi)
    img = data((8, 64, 56, 56), 1.0)
    ker = data((64, 64, 3, 3), 0.1)
    cases["conv2d_8x64x56x56_k3"] = None  # numpy has no convolution; left to emily/mlx
    p = {k: data(s, 0.05) for k, s in {"wq": (256, 256), "wk": (256, 256), "wv": (256, 256), "wo": (256, 256),
                                         "w1": (256, 1024), "w2": (1024, 256)}.items()}
    p.update({"g1": np.ones(256, np.float32), "b1": np.zeros(256, np.float32),
              "g2": np.ones(256, np.float32), "b2": np.zeros(256, np.float32)})
    tx = data((128, 256), 1.0)
    cases["transformer_block"] = lambda: transformer_block(tx, p)
    results = {}
    for name, fn in cases.items():
        if fn is None:
            continue
        results[name] = timeit(fn, mt) * 1e3  # ms
        print(f"numpy {name:28s} {results[name]:10.3f} ms", flush=True)
    blas = "unknown"
    try:
        cfg = np.show_config(mode="dicts")
        blas = cfg["Build Dependencies"]["blas"]["name"]
    except Exception:
        try:
            import numpy.__config__ as c
            info = getattr(c, "blas_opt_info", {}) or getattr(c, "openblas_info", {})
            blas = ",".join(info.get("libraries", [])) or "unknown"
        except Exception:
            pass
    json.dump({"numpy_version": np.__version__, "blas": blas, "ms": results}, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
