#!/usr/bin/env python3
"""Plots the CSV written by `emily digits` (epoch,train_loss,test_accuracy).

    scripts/plot_loss.py [docs/digits-loss.csv] [docs/digits-loss.png]
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402


def main(argv):
    src = argv[1] if len(argv) > 1 else "docs/digits-loss.csv"
    dst = argv[2] if len(argv) > 2 else "docs/digits-loss.png"
    with open(src, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit(f"plot_loss: {src} has no rows")
    epochs = [int(r["epoch"]) for r in rows]
    loss = [float(r["train_loss"]) for r in rows]
    acc = [100 * float(r["test_accuracy"]) for r in rows]

    fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=120)
    ax.plot(epochs, loss, "o-", color="tab:blue", label="training loss")
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("mean softmax cross-entropy", color="tab:blue")
    ax.set_yscale("log")
    ax.grid(True, which="both", alpha=0.3)
    ax2 = ax.twinx()
    ax2.plot(epochs, acc, "s--", color="tab:orange", label="held-out accuracy")
    ax2.set_ylabel("held-out accuracy (%)", color="tab:orange")
    ax2.set_ylim(min(80.0, min(acc)), 100)
    ax.set_title(f"Digits MLP 64-128-10: {acc[-1]:.2f}% held out after {epochs[-1]} epochs")
    lines = ax.get_lines() + ax2.get_lines()
    ax.legend(lines, [line.get_label() for line in lines], loc="center right")
    fig.tight_layout()
    fig.savefig(dst)
    print(f"plot_loss: wrote {dst}")


if __name__ == "__main__":
    main(sys.argv)
