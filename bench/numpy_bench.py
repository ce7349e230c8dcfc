#!/usr/bin/env python3
"""numpy side of `make bench`: the same cases as emily_bench on the same
inputs (same generator), timed with the same method, plus the facts numpy
knows about the machine (its version, its BLAS and that BLAS's threads).

Method (as emily_bench's): a warm-up call, then an iteration count that
makes one timed batch last at least MIN_TIME seconds; every case is then
repeated REPS times with the repetitions of all cases in a shuffled order
(fixed seed), each repetition recording the mean time per call of one batch.
report.py takes the median of the repetitions and their spread.

    numpy_bench.py --json out.json [--quick] [--commit HASH]

Where numpy has no operation of its own the case says how it is done
("methods" in the JSON): conv2d is an im2col (sliding_window_view, copied)
followed by one BLAS matmul; the erf of the GELU is scipy.special.erf;
scatter-add is np.bincount with weights (np.add.at is timed too, as
scatter_add_1M_64K_addat); the MLP step is a hand-written backward pass.
"""
import argparse
import json
import os
import platform
import random
import statistics
import time

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

try:
    from scipy.special import erf
except ImportError:  # the GELU row is then not run
    erf = None


_lcg_states = np.empty(0, dtype=np.uint64)


def _lcg(n):
    """The first n states of emily_bench's LCG (x <- 1664525 x + 1013904223 mod 2^32, x0 = 12345)."""
    global _lcg_states
    if n <= len(_lcg_states):
        return _lcg_states[:n]
    block = 1 << 16
    first = np.empty(block, dtype=np.uint64)
    x = 12345
    for i in range(block):
        x = (x * 1664525 + 1013904223) & 0xFFFFFFFF
        first[i] = x
    # The affine map of `block` steps, x -> A x + C (mod 2^32), applied to a whole block at once.
    A, C = 1, 0
    for _ in range(block):
        A, C = (A * 1664525) & 0xFFFFFFFF, (C * 1664525 + 1013904223) & 0xFFFFFFFF
    vals = np.empty(max(n, block), dtype=np.uint64)
    vals[:block] = first
    cur, done = first, block
    while done < n:
        cur = (cur * np.uint64(A) + np.uint64(C)) & np.uint64(0xFFFFFFFF)
        k = min(block, n - done)
        vals[done:done + k] = cur[:k]
        done += k
    _lcg_states = vals
    return vals[:n]


def data(shape, scale=1.0):
    n = int(np.prod(shape))
    vals = _lcg(n)
    out = np.float32(scale) * ((vals >> 8).astype(np.float32) / np.float32(16777216.0) - np.float32(0.5))
    return out.astype(np.float32).reshape(shape)


def indices(n, bound):
    return (_lcg(n) % bound).astype(np.int32)


def softmax(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


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


def ln_gelu(x, g, b):
    # emily_bench's ln_gelu_1024: layer norm over the last axis, then 0.5 y (1 + erf(y / sqrt 2)).
    m = x.mean(-1, keepdims=True)
    d = x - m
    var = (d * d).mean(-1, keepdims=True)
    y = d / np.sqrt(var + np.float32(1e-5)) * g + b
    return np.float32(0.5) * y * (np.float32(1) + erf(y * np.float32(np.sqrt(0.5))))


def conv2d(x, k):
    # No padding, stride 1, {N, C, H, W} x {O, C, kh, kw} -> {N, O, H', W'}: im2col, then one matmul.
    n, c, _, _ = x.shape
    o, _, kh, kw = k.shape
    win = sliding_window_view(x, (kh, kw), axis=(2, 3))  # {N, C, H', W', kh, kw}, a view
    oh, ow = win.shape[2], win.shape[3]
    cols = win.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, c * kh * kw)  # the copy
    out = cols @ k.reshape(o, c * kh * kw).T
    return np.ascontiguousarray(out.reshape(n, oh, ow, o).transpose(0, 3, 1, 2))


# ---- MLP training step: 64-512-512-10, batch 256, softmax cross-entropy, SGD ----
MLP_LR = np.float32(0.01)


def mlp_data():
    p = [data((64, 512), 0.2), data((512,), 0.02), data((512, 512), 0.1), data((512,), 0.02),
         data((512, 10), 0.1), data((10,), 0.02)]
    x = data((256, 64), 2.0)
    y = (np.arange(256)[:, None] % 10 == np.arange(10)[None, :]).astype(np.float32)
    return p, x, y


def mlp_grads(p, x, y):
    """emily_bench's mlp_loss and its gradient by hand: (loss, [d loss / d p_i])."""
    w1, b1, w2, b2, w3, b3 = p
    z1 = x @ w1 + b1
    h1 = np.maximum(z1, 0)
    z2 = h1 @ w2 + b2
    h2 = np.maximum(z2, 0)
    logits = h2 @ w3 + b3
    top = logits.max(axis=1, keepdims=True)
    logp = logits - (top + np.log(np.exp(logits - top).sum(axis=1, keepdims=True)))
    loss = -(y * logp).sum(axis=1).mean()
    # d loss / d logp = -y / B; through log_softmax: g - softmax * sum(g).
    g = -y / x.dtype.type(x.shape[0])
    dlogits = g - np.exp(logp) * g.sum(axis=1, keepdims=True)
    dw3, db3 = h2.T @ dlogits, dlogits.sum(axis=0)
    dz2 = (dlogits @ w3.T) * (z2 > 0)
    dw2, db2 = h1.T @ dz2, dz2.sum(axis=0)
    dz1 = (dz2 @ w2.T) * (z1 > 0)
    dw1, db1 = x.T @ dz1, dz1.sum(axis=0)
    return loss, [dw1, db1, dw2, db2, dw3, db3]


def mlp_step(p, x, y):
    """One training step as emily_bench's mlp_step: (loss, SGD-updated params)."""
    loss, grads = mlp_grads(p, x, y)
    return loss, [w - MLP_LR * gw for w, gw in zip(p, grads)]


def check_mlp_backward():
    """The hand-written gradient against central differences of the loss in f64, a few entries per parameter."""
    p, x, y = mlp_data()
    p, x, y = [a.astype(np.float64) for a in p], x.astype(np.float64), y.astype(np.float64)
    _, grads = mlp_grads(p, x, y)
    rng = np.random.default_rng(0)
    for i, w in enumerate(p):
        for _ in range(3):
            j = tuple(int(rng.integers(0, s)) for s in w.shape)
            eps = 1e-6
            plus, minus = [a.copy() for a in p], [a.copy() for a in p]
            plus[i][j] += eps
            minus[i][j] -= eps
            fd = (mlp_grads(plus, x, y)[0] - mlp_grads(minus, x, y)[0]) / (2 * eps)
            if abs(fd - grads[i][j]) > 1e-7 + 1e-4 * abs(fd):
                raise SystemExit(f"mlp_step backward: parameter {i} {j}: {grads[i][j]} vs finite difference {fd}")


def build_cases(quick):
    cases, methods = {}, {}
    sizes = {"1K": 1 << 10, "32K": 1 << 15, "1M": 1 << 20, "16M": 1 << 24, "64M": 1 << 26}
    for label, n in sizes.items():
        if quick and n > (1 << 24):
            continue
        x, y = data((n,), 4.0), data((n,), 2.0)
        cases[f"exp_{label}"] = lambda x=x: np.exp(x)
        cases[f"add_{label}"] = lambda x=x, y=y: x + y
    m = data((4096, 4096), 4.0)
    cases["sum_axis0_4096"] = lambda: m.sum(axis=0)
    cases["sum_axis1_4096"] = lambda: m.sum(axis=1)
    cases["argmax_axis0_4096"] = lambda: m.argmax(axis=0)
    cases["argmax_axis1_4096"] = lambda: m.argmax(axis=1)
    cases["cumsum_4096"] = lambda: np.cumsum(m, axis=1)
    a1, b1 = data((1024, 1024), 4.0), data((1024, 1024), 2.0)
    a2, b2 = data((2048, 2048), 4.0), data((2048, 2048), 2.0)
    cases["matmul_1024"] = lambda: a1 @ b1
    cases["matmul_2048"] = lambda: a2 @ b2
    sx = data((1024, 4096), 4.0)
    cases["softmax_1024x4096"] = lambda: softmax(sx)
    s1 = data((1 << 20,), 4.0)
    cases["sort_1M"] = lambda: np.sort(s1, kind="stable")
    gi = indices(1 << 20, 1 << 20)
    cases["gather_1M"] = lambda: np.take(s1, gi)
    if erf is not None:
        lx, lg, lb = data((1024, 1024), 4.0), data((1024,), 2.0), data((1024,), 1.0)
        cases["ln_gelu_1024"] = lambda: ln_gelu(lx, lg, lb)
        methods["ln_gelu_1024"] = "erf from scipy.special"
    cx, ck = data((8, 64, 56, 56), 1.0), data((64, 64, 3, 3), 0.1)
    cases["conv2d_8x64x56x56_k3"] = lambda: conv2d(cx, ck)
    methods["conv2d_8x64x56x56_k3"] = "im2col (sliding_window_view, copied) + one BLAS matmul"
    st, si, su = data((1 << 16,), 1.0), indices(1 << 20, 1 << 16), data((1 << 20,), 2.0)
    cases["scatter_add_1M_64K"] = lambda: st + np.bincount(si, weights=su, minlength=1 << 16).astype(np.float32)
    methods["scatter_add_1M_64K"] = "np.bincount with weights (sums in f64), added to the target"

    def add_at():
        r = st.copy()
        np.add.at(r, si, su)
        return r
    cases["scatter_add_1M_64K_addat"] = add_at
    methods["scatter_add_1M_64K_addat"] = "np.add.at on a copy of the target"
    mp, mx_, my = mlp_data()
    cases["mlp_step"] = lambda: mlp_step(mp, mx_, my)
    methods["mlp_step"] = "hand-written forward, loss, backward and SGD update (checked against finite differences)"
    p = {k: data(s, 0.05) for k, s in {"wq": (256, 256), "wk": (256, 256), "wv": (256, 256), "wo": (256, 256),
                                         "w1": (256, 1024), "w2": (1024, 256)}.items()}
    p.update({"g1": np.ones(256, np.float32), "b1": np.zeros(256, np.float32),
              "g2": np.ones(256, np.float32), "b2": np.zeros(256, np.float32)})
    tx = data((128, 256), 1.0)
    cases["transformer_f32_b1_l128"] = lambda: transformer_block(tx, p)
    return cases, methods


def batch_time(fn, iters):
    t0 = time.perf_counter()
    for _ in range(iters):
        fn()
    return (time.perf_counter() - t0) / iters


def calibrate(fn, min_time):
    """Warm-up, then the iteration count whose batch lasts at least min_time (Google Benchmark's rule)."""
    fn()
    iters = 1
    while True:
        t = batch_time(fn, iters) * iters
        if t >= min_time:
            return iters
        mult = min_time * 1.4 / max(t, 1e-9)
        mult = mult if t / min_time > 0.1 else min(10.0, mult)
        iters = max(iters + 1, int(mult * iters + 0.5))


def loadavg():
    try:
        return " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        return "unknown"


def blas_info():
    try:
        from threadpoolctl import threadpool_info
        return [{k: i.get(k) for k in ("internal_api", "version", "filepath", "num_threads", "architecture")}
                for i in threadpool_info() if i.get("user_api") == "blas"]
    except ImportError:
        return "threadpoolctl not installed: unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--commit", default="unknown")
    a = ap.parse_args()
    t_start = time.perf_counter()
    context = {"loadavg_before": loadavg(), "commit": a.commit, "numpy_version": np.__version__,
               "python": platform.python_version(), "hardware_concurrency": os.cpu_count(),
               **{f"env_{v}": os.environ.get(v, "unset")
                  for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "EMILY_CPU_THREADS", "EMILY_CPU_KERNELS")}}
    try:
        import scipy
        context["scipy_version"] = scipy.__version__
    except ImportError:
        context["scipy_version"] = "not installed"
    check_mlp_backward()
    min_time, reps = (0.01, 3) if a.quick else (0.2, 5)
    context.update({"min_time_per_repetition_s": min_time, "repetitions": reps})
    cases, methods = build_cases(a.quick)
    iters = {name: calibrate(fn, min_time) for name, fn in cases.items()}
    order = [(name, r) for name in cases for r in range(reps)]
    random.Random(12345).shuffle(order)
    times = {name: [] for name in cases}
    for name, _ in order:
        times[name].append(batch_time(cases[name], iters[name]) * 1e3)
    results = {}
    for name, ts in times.items():
        results[name] = {"reps_ms": ts, "iterations": iters[name]}
        med = statistics.median(ts)
        print(f"numpy {name:28s} median {med:10.4f} ms  (min {min(ts):.4f}, max {max(ts):.4f}, {iters[name]} calls)",
              flush=True)
    context["blas"] = blas_info()
    context["loadavg_after"] = loadavg()
    context["wall_s"] = time.perf_counter() - t_start
    json.dump({"context": context, "methods": methods, "cases": results,
               "ms": {n: statistics.median(r["reps_ms"]) for n, r in results.items()},
               "numpy_version": np.__version__}, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
