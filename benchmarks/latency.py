"""How long a slider move takes: Explorer.update(lr=...) against re-plotting from scratch.

    .venv/bin/python benchmarks/latency.py [--repeat 40]

Both run in the same process under Agg on a 2-D surface with 200 steps, the figure drawn
on return (blitting the changed artists over a cached background vs. building and drawing
the whole figure). Goal: update median <= 10 ms and >= 5x faster than re-plotting.
"""
import argparse
import statistics
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

import lrviz  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--surface", default="rosenbrock")
    args = parser.parse_args()
    ex = lrviz.explore(args.surface, optimizer="adam", lr=1e-2, steps=200)
    lrs = np.geomspace(3e-3, 3e-2, args.repeat)
    update_ms, replot_ms = [], []
    for lr in lrs:  # interleaved, so both see the same machine load
        start = time.perf_counter()
        assert ex.update(lr=float(lr)), ex.message
        update_ms.append((time.perf_counter() - start) * 1e3)
        start = time.perf_counter()
        fresh = lrviz.widgets.Explorer(args.surface, optimizer="adam", lr=float(lr), steps=200)
        fresh.figure.canvas.draw()
        replot_ms.append((time.perf_counter() - start) * 1e3)
    up, re = statistics.median(update_ms), statistics.median(replot_ms)
    print(f"surface, steps          : {args.surface}, 200 (adam)")
    print(f"update(lr=...) median   : {up:.1f} ms  (goal <= 10 ms)")
    print(f"re-plot from scratch    : {re:.1f} ms")
    print(f"speed-up                : {re / up:.1f}x  (goal >= 5x)")


if __name__ == "__main__":
    main()
