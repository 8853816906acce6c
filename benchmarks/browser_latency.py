"""Key press -> new pixels on screen, for a notebook's learning-rate slider.

Starts JupyterLab (or Voila) on 127.0.0.1 on a copy of the notebook, opens it
in headless Chromium, runs all cells, focuses the first learning-rate slider
and presses an arrow key N times. For each press, page JS records the time
from the ``keydown`` event to the first animation frame whose ipympl canvas
pixels differ (so kernel round trips, matplotlib drawing, PNG transfer and the
browser's decode/paint are all included). Prints every sample and the median.

    .venv/bin/python benchmarks/browser_latency.py                       # notebooks/00_start_here.ipynb
    .venv/bin/python benchmarks/browser_latency.py notebooks/02_x.ipynb -n 30 --voila

Goal: median <= 100 ms. Needs /usr/bin/chromium (never `playwright install`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import browser as B  # noqa: E402  (tests/browser.py)

GOAL_MS = 100.0


def measure(page, presses: int, pause: float) -> tuple[str, list[float | None]]:
    slider = B.find_lr_slider(page, timeout=60_000)
    if slider is None:
        raise SystemExit("no ipywidgets slider rendered in this notebook")
    label = slider.locator(".widget-label").first.inner_text()
    figure = B.figure_near(slider)
    if figure is None:
        raise SystemExit(f"slider {label!r} has no ipympl figure next to it")
    figure.scroll_into_view_if_needed()
    B.wait_figure_rendered(figure, timeout=60_000)
    B.install_pixel_watch(figure)
    handle = slider.locator(B.HANDLE_SEL).first
    time.sleep(0.5)  # let the first render settle
    samples = []
    for _ in range(presses):
        samples.append(B.press_and_time(page, handle, B.key_for_handle(handle)))
        time.sleep(pause)  # a student steps the slider; do not queue presses
    return label, samples


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebook", nargs="?", default=str(REPO / "notebooks" / "00_start_here.ipynb"))
    ap.add_argument("-n", "--presses", type=int, default=15)
    ap.add_argument("--pause", type=float, default=0.15, help="seconds between presses")
    ap.add_argument("--voila", action="store_true", help="measure in Voila instead of JupyterLab")
    ap.add_argument("--warmup", type=int, default=2, help="presses not counted (first draw pays caches)")
    args = ap.parse_args(argv)

    nb = Path(args.notebook).resolve()
    if not nb.exists():
        raise SystemExit(f"no such notebook: {nb}")
    if B.find_chromium() is None:
        raise SystemExit("Chromium not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="lrviz_latency_"))
    root = B.copy_notebooks(tmp / "nb", [nb])
    t0 = time.monotonic()
    if args.voila:
        server = B.start_voila(root / nb.name, home=tmp / "home")
    else:
        server = B.start_jupyterlab(root, home=tmp / "home")
    try:
        with sync_playwright() as p:
            browser = B.launch_chromium(p)
            ctx = B.new_context(browser)
            page = ctx.new_page()
            log = B.PageLog(page)
            if args.voila:
                page.goto(server.url(""), wait_until="domcontentloaded", timeout=180_000)
            else:
                B.open_notebook(page, server, nb.name)
                B.run_all_cells(page, timeout=180_000)
            setup = time.monotonic() - t0
            label, samples = measure(page, args.warmup + args.presses, args.pause)
            shot = B.screenshot(page, f"latency_{'voila' if args.voila else 'lab'}_{nb.stem}")
            problems = log.bad_console() + log.kernel_errors
            browser.close()
    finally:
        server.stop()

    warm, counted = samples[: args.warmup], samples[args.warmup :]
    ok = [s for s in counted if s is not None]
    where = "Voila" if args.voila else "JupyterLab"
    print(f"{where}: {nb.name}, slider {label!r}, setup {setup:.1f} s, screenshot {shot}")
    print("warm-up (ms): " + ", ".join("timeout" if s is None else f"{s:.0f}" for s in warm))
    print("samples (ms): " + ", ".join("timeout" if s is None else f"{s:.0f}" for s in counted))
    if not ok:
        print("no press changed the figure")
        return 1
    med = statistics.median(ok)
    q = sorted(ok)
    p90 = q[min(len(q) - 1, int(round(0.9 * (len(q) - 1))))]
    print(f"key press -> new pixels: median {med:.0f} ms, min {q[0]:.0f}, p90 {p90:.0f}, max {q[-1]:.0f}  (n={len(ok)})")
    print(f"goal <= {GOAL_MS:.0f} ms median: {'met' if med <= GOAL_MS else 'NOT met'}")
    if len(ok) < len(counted):
        print(f"{len(counted) - len(ok)} presses did not change the figure within 10 s")
    if problems:
        print("errors seen while measuring:\n" + "\n---\n".join(problems))
    return 0


if __name__ == "__main__":
    sys.exit(main())
