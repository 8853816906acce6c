"""How long a slider move takes: Explorer.update(lr=...) against re-plotting from scratch.

    .venv/bin/python benchmarks/latency.py [--repeat 40] [--surface rosenbrock] [--style classroom]

Both run in the same process under Agg on a 2-D surface with 200 steps, the figure drawn
on return (blitting the changed artists over a cached background vs. building and drawing
the whole figure). Goal: update median <= 10 ms and >= 5x faster than re-plotting.

It also splits one update into the contract's steps (merge + validate, compute, sync the
controls, render), timed the same way, so a slow step shows where it is; compares one
descent with the batch ``explore`` computes (the lr and the lrs one key press of its slider
away) and the compute of a key press that finds its run ready; and prints the machine's
load: on a shared 2-core machine the milliseconds scale with it.
"""
import argparse
import os
import statistics
import time
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

import lrviz  # noqa: E402
from lrviz.engine.descent import descend  # noqa: E402
from lrviz.explorers.explorer import LR_SLIDER, Explorer  # noqa: E402
from lrviz.explorers.slider_keys import key_press_values  # noqa: E402


def _ms(start):
    return (time.perf_counter() - start) * 1e3


def _steps(ex, lr):
    """One update, step by step, as BaseExplorer.update runs it (ms per step)."""
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = time.perf_counter()
        p = ex._validate(ex._merge({"lr": lr}))
        out["merge + validate"] = _ms(t)
        t = time.perf_counter()
        result = ex._compute(p)
        out["compute (descend, batch)"] = _ms(t)
        ex.params, ex._result = p, result
        t = time.perf_counter()
        if ex._needs_rebuild(None, p):
            ex._rebuild()
        ex._sync_controls()
        ex._sync_frames()
        out["sync controls"] = _ms(t)
        t = time.perf_counter()
        ex._render()
        out["render (artists + blit)"] = _ms(t)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--surface", default="rosenbrock")
    parser.add_argument("--style", default="classroom",
                        help="lrviz.use_style first, as the notebooks do ('none': matplotlib's defaults)")
    parser.add_argument("--partial-redraw", action="store_true",
                        help="redraw only the axes whose limits moved (LiveFigure.partial_redraw, off by default)")
    args = parser.parse_args()
    if args.partial_redraw:
        from lrviz.pictures.canvas import LiveFigure

        LiveFigure.partial_redraw = True
    if args.style != "none":
        lrviz.use_style(args.style)
    load_before = os.getloadavg()
    ex = lrviz.explore(args.surface, optimizer="adam", lr=1e-2, steps=200)
    lrs = np.geomspace(3e-3, 3e-2, args.repeat)
    update_ms, replot_ms, parts = [], [], []
    for lr in lrs:  # interleaved, so both see the same machine load
        start = time.perf_counter()
        assert ex.update(lr=float(lr)), ex.message
        update_ms.append(_ms(start))
        start = time.perf_counter()
        fresh = Explorer(args.surface, optimizer="adam", lr=float(lr), steps=200)
        fresh.figure.canvas.draw()
        replot_ms.append(_ms(start))
        parts.append(_steps(ex, float(lr) * 1.01))
    back_to_back, blit_ms, redraw_ms = [], [], []
    for lr in lrs:  # the same updates with nothing between them (a student dragging one slider)
        redraws = ex.live.stats["full"] + ex.live.stats["partial"]
        start = time.perf_counter()
        assert ex.update(lr=float(lr) * 0.99), ex.message
        back_to_back.append(_ms(start))
        (redraw_ms if ex.live.stats["full"] + ex.live.stats["partial"] > redraws else blit_ms).append(back_to_back[-1])
    stats = dict(ex.live.stats)
    # The background a live canvas caches, drawn from scratch, with and without the artists'
    # extents (only the partial redraw needs them), alternately in this one process.
    from lrviz.pictures.canvas import LiveFigure

    capture = {"engine": [], "held": [], "extents": []}
    for i in range(24):
        kind = ("engine", "held", "extents")[i % 3]
        LiveFigure.partial_redraw = kind == "extents"
        start = time.perf_counter()
        ex.live._capture(hold_layout=kind == "held")
        capture[kind].append(_ms(start))
    LiveFigure.partial_redraw = args.partial_redraw
    # One descent against the batch explore computes in its place, alternately; then key
    # presses (the lr one arrow key away, as the page sends it) and what their compute costs.
    p = ex.params
    batch_lrs = [p["lr"], *key_press_values(p["lr"], **LR_SLIDER)]
    one_ms, batch_ms = [], []
    for _ in range(args.repeat):
        for lrs, out in ((p["lr"], one_ms), (batch_lrs, batch_ms)):
            start = time.perf_counter()
            descend(p["surface"], ex._optimizer(p), lr=lrs, x0=p["x0"], steps=p["steps"])
            out.append(_ms(start))
    press_ms, direction = [], 1
    for _ in range(args.repeat):
        lr = ex.params["lr"]
        ahead = [v for v in key_press_values(lr, **LR_SLIDER) if (v - lr) * direction > 0.05 * lr]
        if not ahead or not 3e-3 < lr < 3e-1:
            direction = -direction
            continue
        q = ex._validate(ex._merge({"lr": ahead[0]}))
        start = time.perf_counter()
        result = ex._compute(q)
        press_ms.append(_ms(start))
        ex.params, ex._result = q, result
        ex._prepare_next()
    up, re = statistics.median(update_ms), statistics.median(replot_ms)
    print(f"surface, steps, style   : {args.surface}, 200 (adam), {args.style}")
    print(f"update(lr=...) median   : {up:.1f} ms  (goal <= 10 ms)")
    print(f"  back to back          : {statistics.median(back_to_back):.1f} ms  (no re-plot in between)")
    med = lambda v: f"{statistics.median(v):.1f} ms" if v else "-"  # noqa: E731
    print(f"  of which blits        : {med(blit_ms)} ({len(blit_ms)} updates: the limits stayed)")
    kind = "partial redraws" if args.partial_redraw else "full redraws   "
    print(f"  and {kind}   : {med(redraw_ms)} ({len(redraw_ms)} updates: new axis limits, "
          f"what a live canvas draws once a drag pauses)")
    print(f"  what refresh() did    : {stats}")
    print(f"background, full draw   : {statistics.median(capture['engine']):.1f} ms with the layout engine, "
          f"{statistics.median(capture['held']):.1f} ms with the layout held "
          f"({statistics.median(capture['extents']):.1f} ms: engine and the extents the partial redraw needs)")
    print(f"re-plot from scratch    : {re:.1f} ms")
    print(f"speed-up                : {re / up:.1f}x  (goal >= 5x)")
    print("one update, by step (median ms):")
    for name in parts[0]:
        print(f"  {name:<24}: {statistics.median(p[name] for p in parts):.2f}")
    print(f"compute, one run        : {statistics.median(one_ms):.2f} ms; the batch explore computes "
          f"({len(batch_lrs)} runs: the lr and the lrs one key press away) {statistics.median(batch_ms):.2f} ms "
          f"({statistics.median(batch_ms) / statistics.median(one_ms):.2f}x)")
    print(f"compute, a key press    : {statistics.median(press_ms):.3f} ms ({len(press_ms)} presses: "
          f"the run was computed ahead)")
    load_after = os.getloadavg()
    print(f"load average (1 min)    : {load_before[0]:.2f} before, {load_after[0]:.2f} after, "
          f"on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
