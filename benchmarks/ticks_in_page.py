"""What the settle after a drag costs, and what it would cost if the page drew the ticks too.

After a drag the explorers draw the held-back axis limits: Agg redraws the figure's
background with the layout held (``LiveFigure._capture(hold_layout=True)``) and the canvas
gets one PNG. The moving artists are already drawn by the page (SVG markup, see
``lrviz/pictures/overlay.py``). Could the page draw the ticks as well, so that new limits
cost no Agg frame? This prints, side by side in one run, for the explorers of notebooks
00, 03, 07 and 10 in the classroom style (medians over ``-n`` lr changes):

- ``background``: the Agg background with the layout held (what the settle redraws);
- ``ticks as SVG``: the axes whose limits an lr change moves, their ticks, tick labels,
  grid and axis labels (``Axis.draw``) drawn by matplotlib's SVG renderer into markup for
  the page, with one renderer kept across frames so matplotlib's text-size cache holds;
- ``moving artists``: the markup a frame sends now (``svg_markup`` of ``dynamic``).

    .venv/bin/python benchmarks/ticks_in_page.py [-n 15]

Both paths lay out the ticks in Python (locators, formatters, ``Tick`` objects, text
extents); the Agg raster is a small part of the background (see the ``Axis.draw`` share
printed last, from cProfile).
"""
from __future__ import annotations

import argparse
import cProfile
import inspect
import io
import pstats
import statistics
import time

import matplotlib

matplotlib.use("Agg")
import lrviz  # noqa: E402
from matplotlib.axis import Axis  # noqa: E402
from lrviz.pictures import overlay  # noqa: E402
from overlay_pixels import CASES  # noqa: E402  (the same four explorers, in this folder)


# cProfile's key of matplotlib's Axis.draw (file, first line, name): Tick.draw is "draw" too
_CODE = inspect.unwrap(Axis.draw).__code__
_AXIS_DRAW = (_CODE.co_filename, _CODE.co_firstlineno, _CODE.co_name)


def _moved_axes(ex, lr):
    """The axes whose limits an update to ``lr`` moves."""
    before = {ax: (ax.get_xlim(), ax.get_ylim()) for ax in ex.figure.axes}
    ex.update(lr=lr)
    return [ax for ax in ex.figure.axes if (ax.get_xlim(), ax.get_ylim()) != before[ax]]


class _Ticks:
    """The axes' decorations as SVG, with one renderer for every frame (a new one per frame
    would miss matplotlib's text-size cache, which is keyed by the renderer)."""

    def __init__(self, figure):
        self.figure = figure
        w, h = figure.canvas.get_width_height(physical=True)
        self.size = (w, h)
        self.renderer = overlay._PixelSVG(w, h, figure.dpi, io.StringIO())

    def markup(self, axes) -> str:
        out = io.StringIO()
        overlay._PixelSVG.__init__(self.renderer, *self.size, self.figure.dpi, out)
        for ax in axes:
            ax.xaxis.draw(self.renderer)
            ax.yaxis.draw(self.renderer)
        self.renderer.finalize()
        return out.getvalue()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=15, help="lr changes per explorer (default 15)")
    args = ap.parse_args()
    lrviz.use_style("classroom")
    print(f"{'notebook':8s} {'moved axes':>10s} {'background ms':>13s} {'ticks as SVG ms':>15s} "
          f"{'moving artists ms':>17s} {'Axis.draw share':>15s}")
    for name, kw in CASES.items():
        ex = lrviz.explore(**kw)
        live, lr0 = ex.live, ex.params["lr"]
        live.refresh()
        moved = _moved_axes(ex, lr0 * 1.5)
        ticks = _Ticks(ex.figure)
        times = {"background": [], "ticks": [], "artists": []}
        for i in range(args.n + 3):
            ex.update(lr=lr0 * 1.25 ** (i % 5))
            t0 = time.perf_counter()
            live._capture(hold_layout=True)
            t1 = time.perf_counter()
            ticks.markup(moved)
            t2 = time.perf_counter()
            overlay.svg_markup(ex.figure, live.dynamic)
            t3 = time.perf_counter()
            if i >= 3:  # the first ones fill the caches
                times["background"].append(t1 - t0)
                times["ticks"].append(t2 - t1)
                times["artists"].append(t3 - t2)
        prof = cProfile.Profile()
        prof.runcall(live._capture, hold_layout=True)
        st = pstats.Stats(prof)
        total = max(v[3] for k, v in st.stats.items() if k[2] == "_capture")
        axis = sum(v[3] for k, v in st.stats.items() if k == _AXIS_DRAW)  # Tick.draw is called from it
        med = {k: 1e3 * statistics.median(v) for k, v in times.items()}
        print(f"{name:8s} {len(moved):>6d} of {len(ex.figure.axes)} {med['background']:13.0f} "
              f"{med['ticks']:15.0f} {med['artists']:17.1f} {100 * axis / total:14.0f} %")


if __name__ == "__main__":
    main()
