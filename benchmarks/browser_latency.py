"""Key presses and drags on the learning-rate slider, explorers beside a bare ipympl figure.

One run measures, side by side on the same machine, every explorer notebook (or those
named) and a generated notebook with a bare ipympl figure (one line, ``set_ydata`` +
``draw_idle`` on an lr slider like the explorers' one), in JupyterLab and in Voila:

- **key**: arrow-key presses on the lr slider; ms from ``keydown`` to the first repaint
  of the figure with new pixels (kernel round trip, matplotlib, websocket, the browser's
  paint; for the bare figure a PNG and its decode, for an explorer the overlay's markup). ``first`` is the first press after Run All (in Voila:
  after the page finished executing); then median and p90 of ``-n`` more presses.
- **round trip**: the floor under any figure. A generated notebook whose lr slider sets a
  ``Label``'s text: ms from ``keydown`` to the first animation frame after the new text
  (the kernel round trip through the server and the widget messages, no figure at all).
- **drag**: a real mouse drag of the slider handle, 30 moves over ~2 s: ``shown`` is the
  number of repaints with new pixels during the drag, out of the moves made; ``settle`` is
  ms from mouse-up to the last repaint.

Repaints are counted in page JS by wrapping the ipympl canvas's ``drawImage`` (one call
per frame received) and hashing the canvas after each call, and by watching the SVG
overlay an explorer draws its moving artists in (``lrviz.pictures.overlay``: new markup
counts at the next animation frame). Prints a table, the ratios
explorer / bare, the goals (issue 8) and the machine load.

    .venv/bin/python benchmarks/browser_latency.py                          # every explorer notebook
    .venv/bin/python benchmarks/browser_latency.py -k 00,03,08,11 -n 15     # a subset
    .venv/bin/python benchmarks/browser_latency.py -k 00 --env lab          # JupyterLab only

Needs /usr/bin/chromium (never ``playwright install``). Outputs in ``notebooks/`` are
never touched: the notebooks run from copies in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import browser as B  # noqa: E402  (tests/browser.py)

BARE = "bare_ipympl.ipynb"
ROUND_TRIP = "round_trip.ipynb"
# the references each run measures beside the explorers: no goals, no ratios of their own
REFERENCES = (Path(BARE).stem, Path(ROUND_TRIP).stem)
GOAL_KEY_MS, GOAL_FIRST_MS, GOAL_SETTLE_SLACK_MS = 60.0, 150.0, 50.0

BARE_CELLS = [
    "%matplotlib widget\nimport numpy as np\nimport matplotlib.pyplot as plt\nimport ipywidgets as w",
    # the same slider as an explorer's lr slider; one line; set_ydata + draw_idle
    "plt.ioff()\nfig, ax = plt.subplots()\nx = np.linspace(0, 4 * np.pi, 400)\n(line,) = ax.plot(x, np.sin(x))\n"
    "lr = w.FloatLogSlider(value=0.01, min=-5, max=1, step=0.05, description='lr', readout_format='.2e',\n"
    "                      layout=w.Layout(width='300px'))\n\n"
    "def on_lr(change):\n    line.set_ydata(np.sin(x * (1 + np.log10(change['new']) / 10)))\n    fig.canvas.draw_idle()\n\n"
    "lr.observe(on_lr, names='value')\nw.VBox([lr, fig.canvas])",
]

# the round trip: the same slider, and a Label whose text the kernel sets on every change
ROUND_TRIP_CELLS = [
    "import ipywidgets as w",
    "lr = w.FloatLogSlider(value=0.01, min=-5, max=1, step=0.05, description='lr', readout_format='.2e',\n"
    "                      layout=w.Layout(width='300px'))\nshown = w.Label('lr = 0.010000')\n\n"
    "def on_lr(change):\n    shown.value = 'lr = %.6f' % change['new']\n\n"
    "lr.observe(on_lr, names='value')\nw.VBox([lr, shown])",
]

_ROUND_TRIP_JS = """(box) => {
    // keydown -> the first animation frame after the Label's text changed
    const el = [...box.querySelectorAll('.widget-label')].find(e => e.textContent.startsWith('lr = '));
    const w = window.__lrvizTrip = {lat: [], t0: null};
    document.addEventListener('keydown', () => { w.t0 = performance.now(); }, true);
    new MutationObserver(() => {
        if (w.t0 === null) return;
        const t0 = w.t0;
        w.t0 = null;
        requestAnimationFrame(() => { w.lat.push(performance.now() - t0); if (w.waiter) w.waiter(); });
    }).observe(el, {childList: true, characterData: true, subtree: true});
    return el.textContent;
}"""

_WAIT_TRIP_JS = """([n, ms]) => new Promise(resolve => {
    const w = window.__lrvizTrip;
    if (w.lat.length > n) return resolve(true);
    const timer = setTimeout(() => { w.waiter = null; resolve(false); }, ms);
    w.waiter = () => { clearTimeout(timer); w.waiter = null; resolve(true); };
})"""


def measure_round_trip(page, presses: int, pause: float) -> dict:
    """On the opened, executed round-trip notebook: the first press, then ``presses`` more."""
    slider = B.find_lr_slider(page, timeout=60_000)
    if slider is None:
        return {"error": "no slider"}
    box = slider.locator("xpath=ancestor::*[contains(@class, 'widget-vbox')][1]")
    box.evaluate(_ROUND_TRIP_JS)
    handle = slider.locator(B.HANDLE_SEL).first
    handle.scroll_into_view_if_needed()
    time.sleep(0.5)
    keys = []
    for _ in range(presses + 1):
        n = len(page.evaluate("window.__lrvizTrip.lat"))
        handle.focus()
        page.keyboard.press(B.key_for_handle(handle))
        done = page.evaluate(_WAIT_TRIP_JS, [n, 10_000])
        keys.append(page.evaluate("window.__lrvizTrip.lat")[n] if done else None)
        time.sleep(pause + 0.3)  # as the figures' presses: a quiet wait, then the pause
    return {"slider": "lr", "canvas": None, "first": keys[0], "keys": keys[1:], "settled": [], "drags": [],
            "frame_kb": None, "encode_ms": None, "decode_ms": None}


# --trace: a last cell that times, inside the kernel, every widget message and the canvas'
# work it causes (one JSON line per message), to find where an update's time goes.
TRACE_CELL = r"""
import json as _json, time as _time, inspect as _inspect
from IPython import get_ipython as _gi
_trace_path, _trace_now, _profile = {path!r}, {{}}, {profile!r}
import cProfile as _cp, pstats as _ps
_prof = _cp.Profile() if _profile else None
def _timed(name, fn):
    def wrapper(*a, **kw):
        t = _time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            _trace_now[name] = _trace_now.get(name, 0.0) + 1e3 * (_time.perf_counter() - t)
    return wrapper
try:
    from lrviz.pictures import canvas as _C
    for _n in ("_capture", "_redraw_axes", "_blit", "_draw_dynamic", "_page_markup"):
        setattr(_C.LiveFigure, _n, _timed(_n, getattr(_C.LiveFigure, _n)))
    from lrviz.explorers.base import BaseExplorer as _BE
    _kinds = [_BE]
    while _kinds:  # every explorer's own _compute: the layers below (descend, training)
        _cls = _kinds.pop()
        _kinds += _cls.__subclasses__()
        for _n, _label in (("_compute", "compute"), ("_prepare_next", "ahead")):
            if _n in vars(_cls):
                setattr(_cls, _n, _timed(_label, vars(_cls)[_n]))
    _C._diff_image = _timed("diff_image", _C._diff_image)
    _settle = _C.LiveFigure._settle
    def _settle_traced(self):  # the relayout timer: its own line (no widget message)
        t0 = _time.time(); t = _time.perf_counter(); _trace_now.clear()
        try:
            return _settle(self)
        finally:
            rec = {{"t": t0, "ms": 1e3 * (_time.perf_counter() - t), "method": "settle",
                   "wait_ms": self.relayout_wait_ms(), **{{k: round(v, 1) for k, v in _trace_now.items()}}}}
            with open(_trace_path, "a") as f:
                f.write(_json.dumps(rec) + "\n")
    _C.LiveFigure._settle = _settle_traced
except ImportError:
    pass
from matplotlib.backends import backend_webagg_core as _W
_W.FigureCanvasWebAggCore.get_diff_image = _timed("diff_image", _W.FigureCanvasWebAggCore.get_diff_image)
_W.FigureCanvasWebAggCore.draw = _timed("full_draw", _W.FigureCanvasWebAggCore.draw)
_k = _gi().kernel
_orig = _k.shell_handlers["comm_msg"]
def _comm_msg(stream, ident, msg):
    t0 = _time.time(); t = _time.perf_counter(); _trace_now.clear()
    if _prof is not None and msg["content"].get("data", {{}}).get("method") == "update":
        _prof.enable()
        try:
            r = _orig(stream, ident, msg)
        finally:
            _prof.disable()
            _prof.dump_stats(_trace_path + ".prof")
    else:
        r = _orig(stream, ident, msg)
    data = msg["content"].get("data", {{}})
    rec = {{"t": t0, "ms": 1e3 * (_time.perf_counter() - t), "method": data.get("method"),
           "keys": sorted(data.get("state", {{}})) or [_json.loads(data["data"]).get("type")] if "data" in data else sorted(data.get("state", {{}})),
           **{{k: round(v, 1) for k, v in _trace_now.items()}}}}
    with open(_trace_path, "a") as f:
        f.write(_json.dumps(rec) + "\n")
    return r
_k.shell_handlers["comm_msg"] = _comm_msg
"""


def add_trace_cell(path: Path, trace: Path, profile: bool = False) -> None:
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(TRACE_CELL.format(path=str(trace), profile=profile)))
    nbformat.write(nb, str(path))


def generated_notebook(path: Path, cells: list[str]) -> Path:
    """A notebook of ``cells`` (the bare figure's, the round trip's) on the python3 kernel."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def explorer_notebooks(keys: str | None) -> list[Path]:
    paths = [p for p in B.notebook_paths() if B.notebook_expects_slider(p)]
    if keys:
        want = [k.strip() for k in keys.split(",") if k.strip()]
        paths = [p for p in B.notebook_paths() if any(p.name.startswith(k) for k in want)]
    return paths


def pct(values, q):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def measure(page, presses: int, pause: float, drags: int) -> dict:
    """On an opened, executed notebook: first press, ``presses`` presses, then drags."""
    slider = B.find_lr_slider(page, timeout=60_000)
    if slider is None:
        return {"error": "no slider"}
    label = slider.locator(".widget-label").first.inner_text()
    figure = B.figure_near(slider)
    if figure is None:
        return {"error": f"slider {label!r} has no ipympl figure"}
    figure.scroll_into_view_if_needed()
    B.wait_figure_rendered(figure, timeout=60_000)
    size = B.install_paint_recorder(figure)
    handle = slider.locator(B.HANDLE_SEL).first
    handle.scroll_into_view_if_needed()
    B.wait_quiet(page, 300)
    keys, settled = [], []
    for _ in range(presses + 1):
        keys.append(B.press_and_wait_paint(page, handle, B.key_for_handle(handle)))
        B.wait_quiet(page, 300)  # held-back limits arrive RELAYOUT_DELAY_MS after the last update
        rec = B.paints(page)
        after = [t for t in rec["paints"] if rec["keys"] and t >= rec["keys"][-1]]
        settled.append(after[-1] - rec["keys"][-1] if after else None)
        time.sleep(pause)  # a student steps the slider; do not queue presses
    runs = []
    for _ in range(drags):
        B.wait_quiet(page, 400)
        runs.append(B.drag_handle(page, handle))
    rec = B.paints(page)
    arrivals = sorted([*(t for t, _ in rec["blobs"]), *rec.get("marks", [])])  # PNGs and overlay markup
    decode = [p - max(a for a in arrivals if a <= p) for p in rec["paints"] if any(a <= p for a in arrivals)]
    return {"slider": label, "canvas": size, "first": keys[0], "keys": keys[1:], "settled": settled[1:],
            "raw": {k: rec[k] for k in ("keys", "paints", "blobs", "marks", "origin") if k in rec},
            "decode_ms": statistics.median(decode) if decode else None, "drags": runs,
            "frame_kb": statistics.median([b for _, b in rec["blobs"]]) / 1024 if rec["blobs"] else None,
            "encode_ms": statistics.median(rec["encode_ms"]) if rec["encode_ms"] else None}


def summarize(r: dict) -> dict:
    if "error" in r:
        return r
    ok = [k for k in r["keys"] if k is not None]
    d = r["drags"]
    return {
        "first": r["first"],
        "median": statistics.median(ok) if ok else None,
        "p90": pct(ok, 0.9) if ok else None,
        "lost": len(r["keys"]) - len(ok),
        "shown": statistics.median([x["shown"] for x in d]) if d else None,
        "moves": d[0]["moves"] if d else None,
        "settle": statistics.median([x["settle_ms"] for x in d]) if d else None,
        "settled": statistics.median([x for x in r.get("settled", []) if x is not None] or [float("nan")]),
        "frame_kb": r["frame_kb"],
        "encode_ms": r["encode_ms"],
        "decode_ms": r.get("decode_ms"),
        "canvas": r["canvas"],
    }


def run_env(env: str, p, nbs: list[Path], root: Path, tmp: Path, args) -> dict:
    results = {}
    if env == "lab":
        server = B.start_jupyterlab(root, home=tmp / "lab_home")
    else:
        server = B.start_voila_dir(root, home=tmp / "voila_home")
    browser = B.launch_chromium(p)
    try:
        for nb in nbs:
            name = nb.name
            ctx = B.new_context(browser)
            page = ctx.new_page()
            log = B.PageLog(page)
            t0 = time.monotonic()
            try:
                if env == "lab":
                    B.open_notebook(page, server, name)
                    B.run_all_cells(page, timeout=300_000)
                else:
                    page.goto(server.url(f"voila/render/{name}"), wait_until="domcontentloaded", timeout=300_000)
                    B.find_lr_slider(page, timeout=300_000)
                    B.wait_voila_done(page, timeout=300_000)
                setup = time.monotonic() - t0
                if name == ROUND_TRIP:
                    r = measure_round_trip(page, args.presses, args.pause)
                else:
                    r = measure(page, args.presses, args.pause, args.drags)
                r["setup_s"] = setup
                problems = log.bad_console() + log.kernel_errors
                if problems:
                    r["problems"] = problems
            except Exception as e:  # one notebook failing must not lose the others' figures
                r = {"error": f"{type(e).__name__}: {e}".splitlines()[0][:200]}
                B.screenshot(page, f"latency_{env}_{nb.stem}_FAILED")
            finally:
                ctx.close()
                if env == "lab":
                    server.shutdown_kernels()
            results[nb.stem if nb.stem not in results else nb.stem + " (again)"] = r
            s = summarize(r)
            print(f"  {env:5s} {nb.stem:32s} " + (s.get("error") or
                  f"first {fmt(s['first'])}  median {fmt(s['median'])}  p90 {fmt(s['p90'])}  "
                  f"drag {fmt(s['shown'])}/{fmt(s['moves'])}  settle {fmt(s['settle'])}"), flush=True)
    finally:
        browser.close()
        server.stop()
    return results


def bare_reference(res: dict) -> dict:
    """The bare figure's samples from its runs at the start and the end, pooled."""
    runs = [r for stem, r in res.items() if stem.startswith(Path(BARE).stem) and "error" not in r]
    if not runs:
        return {"error": "bare figure not measured"}
    firsts = [r["first"] for r in runs if r["first"] is not None]
    return {"first": statistics.median(firsts) if firsts else None, "keys": [k for r in runs for k in r["keys"]],
            "settled": [k for r in runs for k in r.get("settled", [])], "decode_ms": runs[0].get("decode_ms"),
            "drags": [d for r in runs for d in r["drags"]], "frame_kb": runs[0]["frame_kb"],
            "encode_ms": runs[0]["encode_ms"], "canvas": runs[0]["canvas"]}


def key_breakdown(r: dict, trace: Path) -> dict | None:
    """Where a key press's time goes: page times (``--json`` raw) lined up with the kernel trace.

    Per press, ms: ``to kernel`` (keydown -> the kernel receives the slider's update), ``kernel``
    (handling it up to the frame; for the bare figure also its draw request), ``of which compute``
    (the explorer's ``_compute``: descend or training; ~0 when the run was computed ahead),
    ``of which draw`` (``_blit`` or
    the bare figure's full draw, PNG included), ``of which png`` (diff + encode), ``draw request``
    (bare figure only: the browser asks for the draw it was told of), ``to page`` (kernel done
    -> the frame arrives: a PNG for the canvas, or markup for the overlay) and ``paint`` (frame
    -> new pixels), ``total``, and ``then ahead`` (after the frame, the explorer's ``_prepare_next``:
    the runs one more key press away). Medians over the presses.
    """
    raw = r.get("raw") or {}
    if not raw.get("origin") or not trace.exists():
        return None
    recs = [json.loads(line) for line in trace.read_text().splitlines() if line.strip()]
    rows = []
    for key in raw["keys"][1:]:
        t_key = raw["origin"] + key  # epoch ms, as the kernel's trace
        ups = [x for x in recs if x["method"] == "update" and 1e3 * x["t"] >= t_key - 2]
        arrivals = sorted(t for t in [*(b for b, _ in raw["blobs"]), *raw.get("marks", [])] if t >= key)
        paints = [p for p in raw["paints"] if p >= key]
        if not ups or not arrivals or not paints or 1e3 * ups[0]["t"] - t_key > 1000:
            continue
        u = ups[0]
        ahead = u.get("ahead", 0.0)  # after the frame went out: not on the way to the page
        end, kernel, request = 1e3 * u["t"] + u["ms"] - ahead, u["ms"] - ahead, 0.0
        draw, png = u.get("_blit", 0.0), u.get("diff_image", 0.0)
        if "_blit" not in u:  # the bare figure: its update asks the page, which asks for a draw
            cs = [x for x in recs if x["method"] == "custom" and x["t"] >= u["t"] and "full_draw" in x]
            if not cs:
                continue
            c = cs[0]
            request = 1e3 * c["t"] - end
            end, kernel = 1e3 * c["t"] + c["ms"], kernel + c["ms"]
            draw, png = c["full_draw"], c.get("diff_image", 0.0)
        rows.append({"to kernel": 1e3 * u["t"] - t_key, "kernel": kernel, "of which compute": u.get("compute", 0.0),
                     "of which draw": draw,
                     "of which png": png, "draw request": request, "to page": raw["origin"] + arrivals[0] - end,
                     "paint": paints[0] - arrivals[0], "total": paints[0] - key, "then ahead": ahead})
    if not rows:
        return None
    return {k: statistics.median(x[k] for x in rows) for k in rows[0]}


def settle_breakdown(r: dict, trace: Path) -> dict | None:
    """Where the settle after a drag goes: page times lined up with the kernel trace.

    Per drag, ms from mouse-up: ``last update`` (the kernel's last slider update began;
    negative: before the release), ``relayout fires`` (the held limits' timer, if any),
    ``relayout`` (its duration, of which ``draw`` the background and ``png``), and
    ``last paint``. Medians over the drags that had a relayout; ``relayouts`` counts them.
    """
    raw = r.get("raw") or {}
    if not raw.get("origin") or not trace.exists():
        return None
    recs = [json.loads(line) for line in trace.read_text().splitlines() if line.strip()]
    rows = []
    for d in r.get("drags", []):
        if "t_up" not in d:
            continue
        up = raw["origin"] + d["t_up"]  # epoch ms
        ups = [x for x in recs if x["method"] == "update" and up - 2500 <= 1e3 * x["t"] <= up + 1500]
        settles = [x for x in recs if x["method"] == "settle" and up - 300 <= 1e3 * x["t"] <= up + 1500
                   and x.get("_blit")]
        if not ups or not settles:
            continue
        s = settles[-1]
        rows.append({"last update": 1e3 * ups[-1]["t"] - up, "relayout fires": 1e3 * s["t"] - up,
                     "relayout": s["ms"], "of which draw": s.get("_capture", 0.0),
                     "of which png": s.get("diff_image", 0.0), "last paint": d["settle_ms"]})
    if not rows:
        return None
    out = {k: statistics.median(x[k] for x in rows) for k in rows[0]}
    out["relayouts"] = len(rows)
    return out


def fmt(v, unit=""):
    return "-" if v is None or v != v else f"{v:.0f}{unit}"


def table(all_results: dict) -> list[str]:
    lines = []
    head = (f"{'env':6s} {'notebook':24s} {'first':>6s} {'median':>6s} {'p90':>5s} {'final':>5s}  {'drag shown':>10s} "
            f"{'settle':>6s}  {'frame':>5s} {'decode':>6s} {'toDataURL':>9s}  | vs bare: {'key':>5s} {'first':>5s} {'shown':>5s} {'settle':>6s}")
    lines.append(head)
    lines.append("-" * len(head))
    for env, res in all_results.items():
        bare = summarize(bare_reference(res))
        for stem, r in res.items():
            s = summarize(r)
            if "error" in s:
                lines.append(f"{env:6s} {stem:24s} ERROR {s['error']}")
                continue
            drag = "-" if s["shown"] is None else f"{s['shown']:.0f}/{s['moves']}"
            ratio = ""
            if not stem.startswith(REFERENCES) and "error" not in bare:
                q = lambda a, b: "-" if a is None or not b else f"{a / b:.2f}"  # noqa: E731
                ds = "-" if s["settle"] is None or bare["settle"] is None else f"{s['settle'] - bare['settle']:+.0f}"
                ratio = f"{q(s['median'], bare['median']):>5s} {q(s['first'], bare['first']):>5s} " \
                        f"{q(s['shown'], bare['shown']):>5s} {ds:>6s}"
            lines.append(
                f"{env:6s} {stem[:24]:24s} {fmt(s['first']):>6s} {fmt(s['median']):>6s} {fmt(s['p90']):>5s} "
                f"{fmt(s['settled']):>5s}  {drag:>10s} {fmt(s['settle']):>6s}  {fmt(s['frame_kb'], 'k'):>5s} "
                f"{fmt(s['decode_ms']):>6s} {fmt(s['encode_ms']):>9s}  | vs bare: {ratio}"
            )
    return lines


def goals(all_results: dict) -> list[str]:
    out = []
    for env, res in all_results.items():
        bare = summarize(bare_reference(res))
        for stem, r in res.items():
            s = summarize(r)
            if stem.startswith(REFERENCES) or "error" in s or "error" in bare:
                continue
            miss = []
            if s["median"] is None or s["median"] > GOAL_KEY_MS:
                miss.append(f"key median {fmt(s['median'])} > {GOAL_KEY_MS:.0f}")
            if s["first"] is None or s["first"] > GOAL_FIRST_MS:
                miss.append(f"first {fmt(s['first'])} > {GOAL_FIRST_MS:.0f}")
            if s["shown"] is not None and bare["shown"] is not None and s["shown"] < bare["shown"]:
                miss.append(f"drag {s['shown']:.0f} < bare {bare['shown']:.0f}")
            if s["settle"] is not None and bare["settle"] is not None and s["settle"] > bare["settle"] + GOAL_SETTLE_SLACK_MS:
                miss.append(f"settle {s['settle']:.0f} > bare {bare['settle']:.0f} + {GOAL_SETTLE_SLACK_MS:.0f}")
            out.append(f"{env:6s} {stem:32s} " + ("all goals met" if not miss else "NOT met: " + "; ".join(miss)))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-k", "--notebooks", help="comma-separated notebook prefixes (default: every explorer notebook)")
    ap.add_argument("-n", "--presses", type=int, default=15, help="key presses after the first one")
    ap.add_argument("--drags", type=int, default=3, help="drags per notebook (the median is reported)")
    ap.add_argument("--pause", type=float, default=0.15, help="seconds between presses")
    ap.add_argument("--env", default="lab,voila", help="lab, voila or both")
    ap.add_argument("--json", help="also write every sample to this file")
    ap.add_argument("--trace", help="folder for kernel-side traces: one JSON line per widget message, per notebook")
    ap.add_argument("--profile", action="store_true", help="with --trace: cProfile the slider updates (<notebook>.jsonl.prof)")
    args = ap.parse_args(argv)

    if B.find_chromium() is None:
        raise SystemExit("Chromium not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    nbs = explorer_notebooks(args.notebooks)
    if not nbs:
        raise SystemExit(f"no notebook matches {args.notebooks!r}")
    tmp = Path(tempfile.mkdtemp(prefix="lrviz_latency_"))
    root = B.copy_notebooks(tmp / "nb", nbs)
    bare = generated_notebook(root / BARE, BARE_CELLS)
    # the bare figure first and last: the machine's load drifts during a run; the round trip
    # (no figure) beside it, as the floor under every figure
    order = [bare, generated_notebook(root / ROUND_TRIP, ROUND_TRIP_CELLS), *[root / p.name for p in nbs]]
    if args.trace:
        Path(args.trace).mkdir(parents=True, exist_ok=True)
        for nb in order:
            add_trace_cell(nb, Path(args.trace).resolve() / f"{nb.stem}.jsonl", args.profile)
    envs = [e.strip() for e in args.env.split(",") if e.strip()]
    load0 = os.getloadavg()
    t0 = time.monotonic()
    all_results = {}
    with sync_playwright() as p:
        for env in envs:
            print(f"{env}: {', '.join(x.stem for x in order)}", flush=True)
            res = run_env(env, p, order + [bare], root, tmp, args)
            all_results[env] = res
    load1 = os.getloadavg()
    print()
    print(f"lrviz browser latency: key presses and drags on the lr slider ({args.presses} presses + the first, "
          f"{args.drags} drags of 30 moves / 2 s each), {time.monotonic() - t0:.0f} s")
    print("times in ms. first/median/p90: key press -> first new pixels; final: key press -> last repaint (held-back "
          "limits included); drag shown: repaints with new pixels during the drag / mouse moves made; settle: mouse-up "
          "-> last repaint; frame: median PNG received (KiB); decode: frame arrival (PNG, or markup for the overlay) -> repaint; toDataURL: ipympl's page "
          "code re-encoding the canvas after every frame; round_trip: no figure, the slider sets a Label's text "
          "(keydown -> the frame after the new text), the floor under every figure")
    for line in table(all_results):
        print(line)
    print()
    print(f"goals (issue 8): key median <= {GOAL_KEY_MS:.0f}, first <= {GOAL_FIRST_MS:.0f}, "
          f"drag shown >= bare, settle <= bare + {GOAL_SETTLE_SLACK_MS:.0f}")
    for line in goals(all_results):
        print(line)
    print(f"load average (1, 5, 15 min): start {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}, "
          f"end {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}; {os.cpu_count()} CPUs")
    if args.trace:
        print()
        for title, breakdown in (
                ("where a key press goes (ms, medians; --trace lined up with the page's times):", key_breakdown),
                ("where the settle after a drag goes (ms from mouse-up, medians over the drags with a relayout):",
                 settle_breakdown)):
            print(title)
            for env, res in all_results.items():
                for stem, r in res.items():
                    b = breakdown(r, Path(args.trace).resolve() / f"{stem.replace(' (again)', '')}.jsonl")
                    if b:
                        print(f"  {env:5s} {stem[:28]:28s} " + "  ".join(f"{k} {v:.0f}" for k, v in b.items()))
    problems = [f"{env} {stem}: {m}" for env, res in all_results.items() for stem, r in res.items()
                for m in r.get("problems", [])]
    if problems:
        print("errors seen while measuring:\n" + "\n---\n".join(problems))
    if args.json:
        Path(args.json).write_text(json.dumps(all_results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
