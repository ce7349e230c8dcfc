#!/usr/bin/env python3
"""Joins emily_bench's Google Benchmark JSON and numpy_bench's JSON into the
ratio table: printed, written to docs/performance-data.json (raw numbers) and
docs/performance-cpu.png (plot). docs/performance.md quotes the table.

    report.py --emily emily.json --numpy numpy.json --out docs [--tag cpu]
"""
import argparse
import json
import os
import platform
import subprocess


def machine():
    facts = {"platform": platform.platform()}
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                facts["cpu"] = line.split(":", 1)[1].strip()
                break
        facts["cores"] = os.cpu_count()
    except OSError:
        pass
    return facts


SKIPPED = {}


def load_emily(path):
    doc = json.load(open(path))
    ms = {}
    for b in doc["benchmarks"]:
        name = b["name"].split("/")[0]
        if b.get("error_occurred"):
            SKIPPED[name] = b.get("error_message", "skipped")
            continue
        unit = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b.get("time_unit", "ns")]
        ms[name] = b["real_time"] * unit
    return doc.get("context", {}), ms


# Bytes moved (read + written) and FLOPs per case, for GB/s and GFLOP/s.
F32 = 4
BYTES = {
    "exp_16M": 2 * 16 * 2**20 * F32, "add_16M": 3 * 16 * 2**20 * F32,
    "sum_axis0_4096": 4096 * 4096 * F32, "sum_axis1_4096": 4096 * 4096 * F32,
    "argmax_axis0_4096": 4096 * 4096 * F32, "argmax_axis1_4096": 4096 * 4096 * F32,
    "softmax_1024x4096": 2 * 1024 * 4096 * F32, "cumsum_4096": 2 * 4096 * 4096 * F32,
    "gather_1M": 3 * 2**20 * F32,
}
FLOPS = {"matmul_1024": 2 * 1024**3, "matmul_2048": 2 * 2048**3,
         "conv2d_8x64x56x56_k3": 2 * 8 * 64 * 54 * 54 * 64 * 9}
# GPU cases (emily_bench --gpu)
G = 64 * 2**20
BYTES.update({"copy_256MB": 2 * G * F32, "exp_64M": 2 * G * F32, "add_64M": 3 * G * F32,
              "sum_axis0_8192": 8192 * 8192 * F32, "sum_axis1_8192": 8192 * 8192 * F32,
              "argmax_axis1_8192": 8192 * 8192 * F32, "softmax_8192": 2 * 8192 * 8192 * F32})
for _n in (4096, 8192):
    for _t in ("f32", "bf16"):
        FLOPS[f"matmul_{_t}_{_n}"] = 2 * _n**3


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--emily", required=True)
    ap.add_argument("--numpy")
    ap.add_argument("--torch")
    ap.add_argument("--out", default="docs")
    ap.add_argument("--tag", default="cpu")
    a = ap.parse_args()
    ctx, ms = load_emily(a.emily)
    np_doc = json.load(open(a.numpy)) if a.numpy and os.path.exists(a.numpy) else {"ms": {}}
    torch_doc = json.load(open(a.torch)) if a.torch and os.path.exists(a.torch) else {"ms": {}}
    cases = sorted({n[3:].rsplit("_", 1)[0] for n in ms if n.startswith("BM_") and n.endswith(("_emily", "_mlx"))})
    cases = [c for c in cases if c != "dispatch"]
    rows = []
    for c in cases:
        e, m = ms.get(f"BM_{c}_emily"), ms.get(f"BM_{c}_mlx")
        r, n = ms.get(f"BM_{c}_reference"), np_doc["ms"].get(c)
        tt = torch_doc["ms"].get(c)
        row = {"case": c, "emily_ms": e, "mlx_ms": m, "numpy_ms": n, "reference_ms": r, "torch_ms": tt,
               "fast_ms": ms.get(f"BM_{c}_fast"), "jit_ms": ms.get(f"BM_{c}_jit"),
               "jitfast_ms": ms.get(f"BM_{c}_jitfast"), "jitnofuse_ms": ms.get(f"BM_{c}_jitnofuse"),
               "torch_fused_ms": torch_doc["ms"].get(f"{c}_fused"), "torch_compile_ms": torch_doc["ms"].get(f"{c}_compile"),
               "emily_over_torch": e / tt if e and tt else None,
               "emily_over_mlx": e / m if e and m else None,
               "emily_over_numpy": e / n if e and n else None}
        if c in BYTES and e:
            row["emily_GBps"] = BYTES[c] / (e * 1e-3) / 1e9
        if c in FLOPS and e:
            row["emily_GFLOPs"] = FLOPS[c] / (e * 1e-3) / 1e9
            if tt:
                row["torch_GFLOPs"] = FLOPS[c] / (tt * 1e-3) / 1e9
        rows.append(row)
    limits = {}
    if "BM_stream_copy" in ms:
        limits["stream_copy_GBps"] = 2 * 16 * 2**20 * F32 / (ms["BM_stream_copy"] * 1e-3) / 1e9
    if "BM_stream_triad" in ms:
        limits["stream_triad_GBps"] = 3 * 16 * 2**20 * F32 / (ms["BM_stream_triad"] * 1e-3) / 1e9
    if "matmul_2048" in np_doc["ms"]:
        limits["numpy_matmul_2048_GFLOPs"] = FLOPS["matmul_2048"] / (np_doc["ms"]["matmul_2048"] * 1e-3) / 1e9
    if "copy_256MB" in torch_doc["ms"]:
        limits["torch_d2d_copy_GBps"] = BYTES["copy_256MB"] / (torch_doc["ms"]["copy_256MB"] * 1e-3) / 1e9
    out = {"machine": {**machine(), **{k: ctx.get(k) for k in ("host_name", "num_cpus", "mhz_per_cpu", "device")}},
           "torch": {k: torch_doc.get(k) for k in ("torch_version", "cuda", "device")},
           "mlx_version": ctx.get("mlx_version"), "numpy_version": np_doc.get("numpy_version"),
           "numpy_blas": np_doc.get("blas"), "limits": limits, "rows": rows}
    dispatch = {}
    if "BM_dispatch_emily" in ms and "BM_dispatch_mlx" in ms:
        dispatch = {"emily_us_per_op": ms["BM_dispatch_emily"] * 1e3 / 1000,
                    "mlx_us_per_op": ms["BM_dispatch_mlx"] * 1e3 / 1000}
        dispatch["ratio"] = dispatch["emily_us_per_op"] / dispatch["mlx_us_per_op"]
        if "dispatch" in torch_doc["ms"]:
            dispatch["torch_us_per_op"] = torch_doc["ms"]["dispatch"] * 1e3 / 1000
        out["dispatch"] = dispatch
    if "BM_transformer_f32_b1_l128_emily" in ms:
        out["transformer_block"] = {"emily_ms": ms["BM_transformer_f32_b1_l128_emily"],
                                    "mlx_ms": ms.get("BM_transformer_f32_b1_l128_mlx"),
                                    "numpy_ms": np_doc["ms"].get("transformer_block")}
    os.makedirs(a.out, exist_ok=True)
    json.dump(out, open(os.path.join(a.out, f"performance-{a.tag}.json"), "w"), indent=1)

    def f(x, d=2):
        return "—" if x is None else f"{x:.{d}f}"

    gpu = bool(torch_doc["ms"])
    if gpu:
        lines = ["| case | Emily ms | Emily fused ms | raw MLX ms | PyTorch ms | Emily/MLX | Emily/PyTorch | Emily | PyTorch |",
                 "|---|---|---|---|---|---|---|---|---|"]
        for r in rows:
            rate = (f(r.get("emily_GBps"), 0) + " GB/s") if "emily_GBps" in r else (
                f(r["emily_GFLOPs"] / 1e3, 1) + " TFLOP/s" if "emily_GFLOPs" in r else "")
            trate = f(r["torch_GFLOPs"] / 1e3, 1) + " TFLOP/s" if "torch_GFLOPs" in r else (
                f(BYTES[r["case"]] / (r["torch_ms"] * 1e-3) / 1e9, 0) + " GB/s" if r["case"] in BYTES and r["torch_ms"] else "")
            lines.append(f"| {r['case']} | {f(r['emily_ms'], 3)} | {f(r['fast_ms'], 3)} | {f(r['mlx_ms'], 3)} | "
                         f"{f(r['torch_ms'], 3)} | {f(r['emily_over_mlx'])} | {f(r['emily_over_torch'])} | {rate} | {trate} |")
        rows_done = True
    else:
        rows_done = False
        lines = ["| case | Emily ms | raw MLX ms | numpy ms | reference ms | Emily/MLX | Emily/numpy | Emily GB/s or GFLOP/s |",
                 "|---|---|---|---|---|---|---|---|"]
    for r in ([] if rows_done else rows):
        rate = f(r.get("emily_GBps"), 1) + " GB/s" if "emily_GBps" in r else (
            f(r.get("emily_GFLOPs"), 1) + " GFLOP/s" if "emily_GFLOPs" in r else "")
        lines.append(f"| {r['case']} | {f(r['emily_ms'], 3)} | {f(r['mlx_ms'], 3)} | {f(r['numpy_ms'], 3)} | "
                     f"{f(r['reference_ms'], 1) if r['reference_ms'] else SKIPPED.get('BM_' + r['case'] + '_reference', 'not run')} | {f(r['emily_over_mlx'])} | "
                     f"{f(r['emily_over_numpy'])} | {rate} |")
    # nx::jit with emily::compiler() next to the eager rows (transformer blocks, MLP step).
    jit_rows = [r for r in rows if r["jit_ms"] or r["jitfast_ms"]]
    if jit_rows:
        lines += ["", "| case (compiled) | Emily eager ms | Emily fused eager ms | jit ms | jit fused ms | jit, mx::compile off ms | "
                  "raw MLX ms | PyTorch ms | PyTorch fused ms | torch.compile ms |", "|---|---|---|---|---|---|---|---|---|---|"]
        for r in jit_rows:
            lines.append(f"| {r['case']} | {f(r['emily_ms'], 3)} | {f(r['fast_ms'], 3)} | {f(r['jit_ms'], 3)} | "
                         f"{f(r['jitfast_ms'], 3)} | {f(r['jitnofuse_ms'], 3)} | {f(r['mlx_ms'], 3)} | {f(r['torch_ms'], 3)} | "
                         f"{f(r['torch_fused_ms'], 3)} | {f(r['torch_compile_ms'], 3)} |")
    table = "\n".join(lines)
    print(table)
    if dispatch:
        print(f"\ndispatch: Emily {dispatch['emily_us_per_op']:.2f} us/op, MLX {dispatch['mlx_us_per_op']:.2f} us/op, "
              f"ratio {dispatch['ratio']:.3f}" + (f", PyTorch {dispatch['torch_us_per_op']:.2f} us/op" if "torch_us_per_op" in dispatch else ""))
    print("limits:", json.dumps(limits))
    open(os.path.join(a.out, f"performance-{a.tag}-table.md"), "w").write(table + "\n")
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        names = [r["case"] for r in rows if r["emily_over_mlx"]]
        vals = [r["emily_over_mlx"] for r in rows if r["emily_over_mlx"]]
        other = "emily_over_torch" if gpu else "emily_over_numpy"
        nvals = [r[other] or 0 for r in rows if r["emily_over_mlx"]]
        fig, ax = plt.subplots(figsize=(10, 5))
        xs = range(len(names))
        ax.bar([x - 0.2 for x in xs], vals, 0.4, label="Emily / raw MLX")
        ax.bar([x + 0.2 for x in xs], nvals, 0.4, label="Emily / PyTorch" if gpu else "Emily / numpy")
        ax.axhline(1.0, color="k", lw=0.8)
        ax.axhline(1.1, color="r", lw=0.8, ls="--", label="1.10")
        ax.set_xticks(list(xs))
        ax.set_xticklabels(names, rotation=45, ha="right")
        ax.set_ylabel("time ratio (lower is faster)")
        ax.set_yscale("log")
        ax.set_title(f"Emily ({a.tag}) time ratios, MLX {out['mlx_version']}")
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(a.out, f"performance-{a.tag}.png"), dpi=110)
    except ImportError:
        print("matplotlib not available: no plot")


if __name__ == "__main__":
    main()
