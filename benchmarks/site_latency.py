"""Latency in the JupyterLite site: key press -> new pixels, and frames shown while dragging.

    .venv/bin/python benchmarks/site_latency.py [--site DIR] [--notebook 00_start_here.ipynb]
                                                [--presses 15] [--pyodide DIR]

Builds the site (``python3 run.py site`` with ``--pyodide`` or ``LRVIZ_PYODIDE``) unless
``--site`` names one already built, serves it on 127.0.0.1, opens the notebook in headless
Chromium, runs it, and on its learning-rate slider measures (as ``benchmarks/browser_latency.py``
does in JupyterLab):

- key press -> new pixels: keydown on the focused handle until the first animation frame whose
  figure canvas differs (the explorer runs in Pyodide, in a Web Worker; ipympl sends the image);
- drag: a real mouse drag of the handle (30 moves over 2 s): changed frames shown during the
  drag, per second, and how long the figure keeps changing after release;
- that the slider keeps each new value (an update the kernel rejects redraws too, then puts the
  slider back) and that the explorer shows no message.

Prints medians and the machine load (``uptime``): on a loaded machine the figures are slower.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import browser as B  # noqa: E402
import site_browser as S  # noqa: E402


async def measure(base: str, notebook: str, presses: int) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=B.find_chromium(), args=B.CHROMIUM_ARGS, headless=True)
        run = S.SiteRun(notebook)
        ctx = await S.new_context(browser, run)
        page = await ctx.new_page()
        t0 = time.monotonic()
        await S.open_notebook(page, base, notebook)
        await S.run_all(page, timeout=600)
        t_run = time.monotonic() - t0
        found = await S.lr_slider_and_figure(page)
        if found is None or found[2] is None:
            raise SystemExit(f"{notebook}: no lr slider with a figure")
        slider, label, figure = found
        await S.install_pixel_watch(figure)
        handle = slider.locator(B.HANDLE_SEL).first
        await S.press_and_time(page, handle, await S.key_for(handle))  # warm-up, not counted
        latencies, kept = [], []
        for _ in range(presses):
            before = await slider.evaluate(B.SLIDER_VALUE_JS)
            latencies.append(await S.press_and_time(page, handle, await S.key_for(handle)))
            await asyncio.sleep(0.3)
            kept.append(await slider.evaluate(B.SLIDER_VALUE_JS) != before)  # a rejected value jumps back
        readout = await slider.evaluate(B.SLIDER_VALUE_JS)
        drag = await drag_frames(page, handle)
        drag["readout"] = (readout, await slider.evaluate(B.SLIDER_VALUE_JS))
        warnings = await slider.evaluate(S.WARNINGS_JS)
        await browser.close()
    return {"run_s": t_run, "slider": label, "latencies": latencies, "kept": kept, "drag": drag,
            "warnings": warnings, "external": run.external}  # fmt: skip


async def drag_frames(page, handle, moves: int = 30, seconds: float = 2.0, px: float = 3.0) -> dict:
    box = await handle.bounding_box()
    track = await handle.evaluate(
        "h => { const r = (h.closest('.noUi-target') || h.parentElement).getBoundingClientRect(); return [r.left, r.right]; }"
    )
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    direction = 1 if track[1] - x >= x - track[0] else -1
    await page.mouse.move(x, y)
    await page.mouse.down()
    await page.evaluate("() => { window.__lrviz.frames = []; window.__lrviz.watching = true; }")
    t_start = await page.evaluate("performance.now()")
    for i in range(1, moves + 1):
        await page.mouse.move(x + direction * px * i, y)
        await asyncio.sleep(seconds / moves)
    t_up = await page.evaluate("performance.now()")
    await page.mouse.up()
    await asyncio.sleep(5)
    frames = await page.evaluate("() => { window.__lrviz.watching = false; return window.__lrviz.frames; }")
    during = [t for t in frames if t <= t_up]
    after = [t for t in frames if t > t_up]
    return {"during": len(during), "drag_s": (t_up - t_start) / 1000, "after": len(after),
            "settle_ms": (after[-1] - t_up) if after else 0.0}  # fmt: skip


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--site", type=Path, help="a site already built (default: build one in a temp folder)")
    ap.add_argument("--pyodide", default=os.environ.get("LRVIZ_PYODIDE"), help="Pyodide folder (default: $LRVIZ_PYODIDE)")
    ap.add_argument("--notebook", default="00_start_here.ipynb")
    ap.add_argument("--presses", type=int, default=15)
    args = ap.parse_args(argv)
    if B.find_chromium() is None:
        raise SystemExit("Chromium not installed: apt-get install chromium")
    with tempfile.TemporaryDirectory(prefix="lrviz_site_bench_") as tmp:
        site = args.site
        if site is None:
            if not args.pyodide:
                raise SystemExit("give --site DIR, or --pyodide DIR / LRVIZ_PYODIDE to build one")
            site = Path(tmp) / "_site"
            os.environ["LRVIZ_PYODIDE"] = str(args.pyodide)
            print(f"built the site in {S.build_site(site, S.find_pyodide() or Path(args.pyodide)):.0f} s")
        server = S.serve_site(site)
        try:
            r = asyncio.run(measure(server.base, args.notebook, args.presses))
        finally:
            server.stop()
    lat = [x for x in r["latencies"] if x is not None]
    d = r["drag"]
    print(f"{args.notebook}: kernel start + Run All {r['run_s']:.0f} s; slider {r['slider']!r}")
    if lat:
        print(f"key press -> new pixels: median {statistics.median(lat):.0f} ms, "
              f"min {min(lat):.0f}, max {max(lat):.0f} ({len(lat)}/{len(r['latencies'])} presses redrew)")  # fmt: skip
    else:
        print("key press -> new pixels: no press redrew the figure")
    print(f"the slider kept its new value after {sum(r['kept'])} of {len(r['kept'])} presses")
    print(f"drag ({d['drag_s']:.1f} s, 30 moves): {d['during']} changed frames shown during it "
          f"({d['during'] / d['drag_s']:.1f}/s), {d['after']} after release, last {d['settle_ms']:.0f} ms after; "
          f"lr {d['readout'][0]} -> {d['readout'][1]}")  # fmt: skip
    print(f"explorer messages: {r['warnings'] or 'none'}")
    print(f"requests outside 127.0.0.1: {len(r['external'])}")
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
