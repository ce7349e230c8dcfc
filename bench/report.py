#!/usr/bin/env python3
"""Joins emily_bench's Google Benchmark JSON and numpy_bench's JSON into the
ratio table: printed, and written to <out>/performance-<tag>.json (numbers
and machine), <out>/performance-<tag>-table.md and <out>/performance-<tag>.png.

Every time is the median of a case's repetitions; its spread is the range
(max - min) and the interquartile range of the repetitions, both also as a
percentage of the median. Ratios are ratios of medians; the range of a ratio
(e.g. Emily/MLX) is its smallest and largest value over the repetitions'
extremes (Emily's min over MLX's max, Emily's max over MLX's min).

    report.py --emily emily.json [--numpy numpy.json] [--emily-off off.json]
              [--torch torch.json] [--out docs] [--tag cpu]

--emily-off: an emily_bench run of the `_emily` rows with EMILY_CPU_KERNELS=0
(bench/run_cpu.sh with KERNELS_AB=1), shown as its own column.
"""
import argparse
import json
import math
import os
import platform
import statistics

UNIT_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}


def summary(reps):
    """Median and spread of a list of repetition times (ms)."""
    reps = sorted(reps)
    med = statistics.median(reps)
    q1, q3 = (statistics.quantiles(reps, n=4, method="inclusive")[i] for i in (0, 2)) if len(reps) > 1 else (med, med)
    return {"median_ms": med, "min_ms": reps[0], "max_ms": reps[-1], "q1_ms": q1, "q3_ms": q3,
            "range_pct": 100 * (reps[-1] - reps[0]) / med if med else 0.0,
            "iqr_pct": 100 * (q3 - q1) / med if med else 0.0, "n": len(reps), "reps_ms": reps}


def load_emily(path):
    """{row name: summary}, {row name: skip message}, context of a Google Benchmark JSON file."""
    doc = json.load(open(path))
    reps, skipped = {}, {}
    for b in doc["benchmarks"]:
        if b.get("run_type") == "aggregate":
            continue
        name = b["name"].split("/")[0]
        if b.get("error_occurred"):
            skipped[name] = b.get("error_message", "skipped")
            continue
        reps.setdefault(name, []).append(b["real_time"] * UNIT_MS[b.get("time_unit", "ns")])
    return {n: summary(r) for n, r in reps.items()}, skipped, doc.get("context", {})


def load_numpy(path):
    if not path or not os.path.exists(path):
        return {}, {}, {}
    doc = json.load(open(path))
    if "cases" in doc:
        stats = {n: summary(c["reps_ms"]) for n, c in doc["cases"].items()}
    else:  # a single time per case (older files, torch_bench.py)
        stats = {n: summary([ms]) for n, ms in doc.get("ms", {}).items()}
    return stats, doc.get("methods", {}), doc.get("context", doc)


# Bytes moved (read + written) and FLOPs per case, for GB/s and GFLOP/s.
F32 = 4
BYTES = {
    "sum_axis0_4096": 4096 * 4096 * F32, "sum_axis1_4096": 4096 * 4096 * F32,
    "argmax_axis0_4096": 4096 * 4096 * F32, "argmax_axis1_4096": 4096 * 4096 * F32,
    "softmax_1024x4096": 2 * 1024 * 4096 * F32, "cumsum_4096": 2 * 4096 * 4096 * F32,
    "gather_1M": 3 * 2**20 * F32, "ln_gelu_1024": 2 * 1024 * 1024 * F32,
}
for _label, _n in {"1K": 2**10, "32K": 2**15, "1M": 2**20, "16M": 2**24, "64M": 2**26}.items():
    BYTES[f"exp_{_label}"] = 2 * _n * F32
    BYTES[f"add_{_label}"] = 3 * _n * F32
FLOPS = {"matmul_1024": 2 * 1024**3, "matmul_2048": 2 * 2048**3,
         "conv2d_8x64x56x56_k3": 2 * 8 * 64 * 54 * 54 * 64 * 9}
# GPU cases (emily_bench --gpu)
G = 64 * 2**20
BYTES.update({"copy_256MB": 2 * G * F32, "sum_axis0_8192": 8192 * 8192 * F32, "sum_axis1_8192": 8192 * 8192 * F32,
              "argmax_axis1_8192": 8192 * 8192 * F32, "softmax_8192": 2 * 8192 * 8192 * F32})
for _n in (4096, 8192):
    for _t in ("f32", "bf16"):
        FLOPS[f"matmul_{_t}_{_n}"] = 2 * _n**3
    FLOPS[f"matmul_f32_{_n}_tf32"] = 2 * _n**3
SIZE = {"1K": 0, "32K": 1, "1M": 2, "16M": 3, "64M": 4}


def case_order(c):
    """The size sweep in size order, the rest alphabetically."""
    op, _, size = c.rpartition("_")
    return (op, SIZE[size], c) if size in SIZE else (c, -1, c)


def ratio(a, b):
    if not a or not b:
        return None, None
    return a["median_ms"] / b["median_ms"], [a["min_ms"] / b["max_ms"], a["max_ms"] / b["min_ms"]]


def fmt_ms(x):
    """Four significant digits without an exponent."""
    if x is None:
        return "—"
    digits = max(0, 3 - int(math.floor(math.log10(abs(x))))) if x else 3
    return f"{x:.{digits}f}"


def cell(s):
    return "—" if s is None else f"{fmt_ms(s['median_ms'])} ({s['range_pct']:.0f}%)"


def f(x, d=2):
    return "—" if x is None else f"{x:.{d}f}"


def machine(ctx, np_ctx):
    facts = {"platform": platform.platform(), "cpu": ctx.get("cpu_model"), "simd": ctx.get("simd"),
             "cores": ctx.get("num_cpus"), "mhz_per_cpu": ctx.get("mhz_per_cpu"),
             "hardware_concurrency": ctx.get("hardware_concurrency"), "host_name": ctx.get("host_name"),
             "device": ctx.get("device")}
    threads = {k[4:]: v for k, v in ctx.items() if k.startswith("env_")}
    threads["openblas_threads_in_emily_bench"] = ctx.get("openblas_threads")
    if np_ctx.get("blas"):
        threads["numpy_blas"] = np_ctx.get("blas")
    load = {"emily_bench": {"before": ctx.get("loadavg_before"), "after": ctx.get("loadavg_after"),
                            "wall_s": ctx.get("wall_s")}}
    if np_ctx.get("loadavg_before"):
        load["numpy_bench"] = {"before": np_ctx.get("loadavg_before"), "after": np_ctx.get("loadavg_after"),
                               "wall_s": np_ctx.get("wall_s")}
    return facts, threads, load


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emily", required=True)
    ap.add_argument("--numpy")
    ap.add_argument("--emily-off")
    ap.add_argument("--torch")
    ap.add_argument("--out", default="docs")
    ap.add_argument("--tag", default="cpu")
    a = ap.parse_args()
    st, skipped, ctx = load_emily(a.emily)
    off = load_emily(a.emily_off)[0] if a.emily_off and os.path.exists(a.emily_off) else {}
    nps, methods, np_ctx = load_numpy(a.numpy)
    tst, _, torch_doc = load_numpy(a.torch)
    cases = sorted({n[3:].rsplit("_", 1)[0] for n in st if n.startswith("BM_") and n.endswith(("_emily", "_mlx"))},
                   key=case_order)
    cases = [c for c in cases if c != "dispatch"]
    rows = []
    for c in cases:
        e, m = st.get(f"BM_{c}_emily"), st.get(f"BM_{c}_mlx")
        n, r, t = nps.get(c), st.get(f"BM_{c}_reference"), tst.get(c)
        row = {"case": c, "emily": e, "mlx": m, "numpy": n, "reference": r, "torch": t,
               "emily_kernels_off": off.get(f"BM_{c}_emily")}
        for v in ("fast", "jit", "jitfast", "jitnofuse"):
            row[v] = st.get(f"BM_{c}_{v}")
        for k, other in (("mlx", m), ("numpy", n), ("torch", t)):
            row[f"emily_over_{k}"], row[f"emily_over_{k}_range"] = ratio(e, other)
        if r is None:
            row["reference_note"] = skipped.get(f"BM_{c}_reference", "not run")
        if c in methods:
            row["numpy_method"] = methods[c]
        if e and c in BYTES:
            row["emily_GBps"] = BYTES[c] / (e["median_ms"] * 1e-3) / 1e9
        if e and c in FLOPS:
            row["emily_GFLOPs"] = FLOPS[c] / (e["median_ms"] * 1e-3) / 1e9
            if t:
                row["torch_GFLOPs"] = FLOPS[c] / (t["median_ms"] * 1e-3) / 1e9
        rows.append(row)
    limits = {}
    if "BM_stream_copy" in st:
        limits["stream_copy_GBps"] = 2 * 16 * 2**20 * F32 / (st["BM_stream_copy"]["median_ms"] * 1e-3) / 1e9
    if "BM_stream_triad" in st:
        limits["stream_triad_GBps"] = 3 * 16 * 2**20 * F32 / (st["BM_stream_triad"]["median_ms"] * 1e-3) / 1e9
    if "matmul_2048" in nps:
        limits["numpy_matmul_2048_GFLOPs"] = FLOPS["matmul_2048"] / (nps["matmul_2048"]["median_ms"] * 1e-3) / 1e9
    if "copy_256MB" in tst:
        limits["torch_d2d_copy_GBps"] = BYTES["copy_256MB"] / (tst["copy_256MB"]["median_ms"] * 1e-3) / 1e9
    facts, threads, load = machine(ctx, np_ctx)
    out = {"method": "median of the repetitions of each row (n in each entry), repetitions of all rows randomly "
                     "interleaved in one program run; spread: range and IQR of the repetitions; ratios of medians",
           "commit": ctx.get("commit"), "date": ctx.get("date"), "machine": facts, "threads": threads, "load": load,
           "torch": {k: torch_doc.get(k) for k in ("torch_version", "cuda", "device")} if tst else None,
           "mlx_version": ctx.get("mlx_version"), "numpy_version": np_ctx.get("numpy_version"),
           "scipy_version": np_ctx.get("scipy_version"), "numpy_methods": methods,
           "numpy_only": {k: nps[k] for k in nps if k not in cases}, "limits": limits, "rows": rows}
    dispatch = {}
    if "BM_dispatch_emily" in st and "BM_dispatch_mlx" in st:
        de, dm = st["BM_dispatch_emily"], st["BM_dispatch_mlx"]
        dispatch = {"emily_us_per_op": de["median_ms"], "mlx_us_per_op": dm["median_ms"],  # ms per 1000 ops
                    "emily_range_pct": de["range_pct"], "mlx_range_pct": dm["range_pct"]}
        dispatch["ratio"], dispatch["ratio_range"] = ratio(de, dm)
        if "dispatch" in tst:
            dispatch["torch_us_per_op"] = tst["dispatch"]["median_ms"]
        out["dispatch"] = dispatch
    os.makedirs(a.out, exist_ok=True)
    json.dump(out, open(os.path.join(a.out, f"performance-{a.tag}.json"), "w"), indent=1)

    gpu = bool(tst)
    med = lambda s: s["median_ms"] if s else None  # noqa: E731
    if gpu:
        lines = ["| case | Emily ms | Emily fused ms | raw MLX ms | PyTorch ms | Emily/MLX | Emily/PyTorch | Emily | PyTorch |",
                 "|---|---|---|---|---|---|---|---|---|"]
        for r in rows:
            rate = (f(r.get("emily_GBps"), 0) + " GB/s") if "emily_GBps" in r else (
                f(r["emily_GFLOPs"] / 1e3, 1) + " TFLOP/s" if "emily_GFLOPs" in r else "")
            trate = f(r["torch_GFLOPs"] / 1e3, 1) + " TFLOP/s" if "torch_GFLOPs" in r else (
                f(BYTES[r["case"]] / (med(r["torch"]) * 1e-3) / 1e9, 0) + " GB/s" if r["case"] in BYTES and r["torch"] else "")
            lines.append(f"| {r['case']} | {cell(r['emily'])} | {cell(r['fast'])} | {cell(r['mlx'])} | "
                         f"{fmt_ms(med(r['torch']))} | {f(r['emily_over_mlx'])} | {f(r['emily_over_torch'])} | {rate} | {trate} |")
    else:
        kcol = any(r["emily_kernels_off"] for r in rows)
        lines = ["| case | Emily ms | " + ("Emily, kernels off ms | " if kcol else "") +
                 "raw MLX ms | numpy ms | reference ms | Emily/MLX | Emily/numpy | Emily GB/s or GFLOP/s |",
                 "|---|---|---|---|---|---|---|---|" + ("---|" if kcol else "")]
        for r in rows:
            rate = f(r.get("emily_GBps"), 1) + " GB/s" if "emily_GBps" in r else (
                f(r.get("emily_GFLOPs"), 1) + " GFLOP/s" if "emily_GFLOPs" in r else "")
            refc = cell(r["reference"]) if r["reference"] else r["reference_note"]
            lines.append(f"| {r['case']} | {cell(r['emily'])} | " + (f"{cell(r['emily_kernels_off'])} | " if kcol else "") +
                         f"{cell(r['mlx'])} | {cell(r['numpy'])} | {refc} | {f(r['emily_over_mlx'])} | "
                         f"{f(r['emily_over_numpy'])} | {rate} |")
    jit_rows = [r for r in rows if r["jit"] or r["jitfast"]]
    if jit_rows:
        lines += ["", "| case (compiled) | Emily eager ms | Emily fused eager ms | jit ms | jit fused ms | "
                  "jit, mx::compile off ms | raw MLX ms |", "|---|---|---|---|---|---|---|"]
        for r in jit_rows:
            lines.append(f"| {r['case']} | {cell(r['emily'])} | {cell(r['fast'])} | {cell(r['jit'])} | "
                         f"{cell(r['jitfast'])} | {cell(r['jitnofuse'])} | {cell(r['mlx'])} |")
    table = "\n".join(lines)
    notes = ["", "Times: median of the repetitions, in brackets their range (max - min) as a percentage of the median; "
             "ratios of medians."]
    for c, how in methods.items():
        notes.append(f"numpy {c}: {how}" + (f" ({fmt_ms(nps[c]['median_ms'])} ms)" if c in nps and c not in cases else ""))
    print(table + "\n".join(notes))
    if dispatch:
        print(f"\ndispatch: Emily {dispatch['emily_us_per_op']:.2f} us/op, MLX {dispatch['mlx_us_per_op']:.2f} us/op, "
              f"ratio {dispatch['ratio']:.3f} (range {dispatch['ratio_range'][0]:.3f}-{dispatch['ratio_range'][1]:.3f})")
    print("limits:", json.dumps(limits))
    print("machine:", json.dumps(facts))
    print("threads:", json.dumps(threads))
    print("load:", json.dumps(load))
    open(os.path.join(a.out, f"performance-{a.tag}-table.md"), "w").write(table + "\n" + "\n".join(notes) + "\n")
    plot(rows, gpu, out, a)


def plot(rows, gpu, out, a):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not available: no plot")
        return
    shown = [r for r in rows if r["emily_over_mlx"]]
    other = "torch" if gpu else "numpy"

    def bars(key):
        vals = [r[key] or 0 for r in shown]
        err = [[v - (r[key + "_range"] or [v, v])[0] for v, r in zip(vals, shown)],
               [(r[key + "_range"] or [v, v])[1] - v for v, r in zip(vals, shown)]]
        return vals, err

    fig, ax = plt.subplots(figsize=(12, 5))
    xs = range(len(shown))
    v, e = bars("emily_over_mlx")
    ax.bar([x - 0.2 for x in xs], v, 0.4, yerr=e, capsize=2, label="Emily / raw MLX")
    v, e = bars(f"emily_over_{other}")
    ax.bar([x + 0.2 for x in xs], v, 0.4, yerr=e, capsize=2, label=f"Emily / {'PyTorch' if gpu else 'numpy'}")
    ax.axhline(1.0, color="k", lw=0.8)
    ax.axhline(1.1, color="r", lw=0.8, ls="--", label="1.10")
    ax.set_xticks(list(xs))
    ax.set_xticklabels([r["case"] for r in shown], rotation=55, ha="right")
    ax.set_ylabel("time ratio of medians (lower is faster)")
    ax.set_yscale("log")
    ax.set_title(f"Emily ({a.tag}) time ratios, MLX {out['mlx_version']}; bars: range over the repetitions")
    ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(a.out, f"performance-{a.tag}.png"), dpi=110)


if __name__ == "__main__":
    main()
