"""How close the browser's drawing of the moving artists is to Agg's, and what the markup costs.

For the explorers of notebooks 00, 03, 07 and 10 (the classroom style): the figure's
background drawn by Agg (moving artists hidden) with the overlay's SVG markup on top,
rendered by headless Chromium, against the whole figure drawn by Agg. As in the live
canvas, the markup also carries the y-axes the page draws (``lrviz.pictures.page_axes``;
``--no-page-axes``: the moving artists alone, the y-axes in the background). Prints the
share of pixels whose largest channel difference exceeds 32 and 96 (of 255), the median
time to write the markup (``svg_markup``), of which the y-axes, and its size.

    .venv/bin/python benchmarks/overlay_pixels.py [--out DIR] [--no-page-axes]   # DIR: the PNGs

Needs /usr/bin/chromium and playwright (never ``playwright install``).
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

import lrviz  # noqa: E402
from lrviz.pictures.overlay import svg_markup  # noqa: E402
from lrviz.pictures.page_axes import PageAxis, page_drawable  # noqa: E402

CASES = {
    "00": dict(surface="quartic", optimizer="sgd", lr=0.01, steps=60),
    "03": dict(surface="himmelblau", optimizer="sgd", lr=0.01, steps=200, x0=(-1.0, -1.0)),
    "07": dict(surface="valley", optimizer="rmsprop", lr=0.01, steps=150, alpha=0.99),
    "10": dict(surface="valley", optimizer="adadelta", steps=500),
}


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return buf.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", help="folder for the PNGs (default: a temporary one)")
    ap.add_argument("--no-page-axes", action="store_true", help="leave the y-axes in the background")
    args = ap.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="lrviz_overlay_"))
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    lrviz.use_style("classroom")
    print(f"{'notebook':8s} {'page axes':>9s} {'markup ms':>9s} {'of which axes':>13s} {'KiB':>5s} "
          f"{'> 32':>7s} {'> 96':>7s}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(device_scale_factor=1)
        for name, kw in CASES.items():
            ex = lrviz.explore(**kw)
            fig, moving = ex.figure, ex.live.dynamic
            fig.canvas.draw()
            pages = [] if args.no_page_axes else [PageAxis(ax) for ax in fig.axes if page_drawable(ax, moving)]
            for pa in pages:
                pa.captured(fig.canvas.get_renderer())
            # a full draw's order, as LiveFigure._draw_dynamic has it: by axes, then by zorder
            order = {ax: (ax.get_zorder(), i) for i, ax in enumerate(fig.axes)}
            artists = sorted([a for a in moving if a.get_visible()] + pages,
                             key=lambda a: (*order.get(a.axes, (np.inf, 0)), a.get_zorder()))
            times, axes_times = [], []
            for _ in range(15):
                t = time.perf_counter()
                markup = svg_markup(fig, artists)
                t1 = time.perf_counter()
                svg_markup(fig, pages)
                times.append(1e3 * (t1 - t))
                axes_times.append(1e3 * (time.perf_counter() - t1))
            # both PNGs in the layout the markup was written in (hiding the title would move the
            # axes under a layout engine), as the live canvas holds it
            engine = fig.get_layout_engine()
            fig.set_layout_engine("none")
            shown = [a for a in moving if a.get_visible()]
            hide = shown + [pa.axis for pa in pages]  # savefig would draw an animated axis
            for a in hide:
                a.set_visible(False)
            (out / f"{name}_background.png").write_bytes(_png(fig))
            for a in hide:
                a.set_visible(True)
            (out / f"{name}_agg.png").write_bytes(_png(fig))
            fig.set_layout_engine(engine)
            w, h = fig.canvas.get_width_height(physical=True)
            html = (f'<html><body style="margin:0"><div style="display:grid">'
                    f'<img src="{name}_background.png" style="grid-area:1/1">'
                    f'<div style="grid-area:1/1">{markup}</div></div></body></html>')
            (out / f"{name}.html").write_text(html)
            page.set_viewport_size({"width": w + 20, "height": h + 20})
            page.goto((out / f"{name}.html").as_uri())
            page.wait_for_timeout(200)
            page.screenshot(path=str(out / f"{name}_overlay.png"), clip={"x": 0, "y": 0, "width": w, "height": h})
            a = np.asarray(Image.open(out / f"{name}_agg.png").convert("RGB")).astype(int)
            b = np.asarray(Image.open(out / f"{name}_overlay.png").convert("RGB")).astype(int)
            diff = np.abs(a - b).max(axis=2)
            print(f"{name:8s} {len(pages):>9d} {statistics.median(times):9.1f} {statistics.median(axes_times):13.1f} "
                  f"{len(markup) / 1024:5.1f} "
                  f"{100 * (diff > 32).mean():6.2f}% {100 * (diff > 96).mean():6.2f}%")
        browser.close()
    print(f"PNGs in {out}; load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}; "
          f"Python {sys.version.split()[0]}, matplotlib {matplotlib.__version__}")


if __name__ == "__main__":
    main()
