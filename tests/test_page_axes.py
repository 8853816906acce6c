"""lrviz.pictures.page_axes: y-axes drawn by the page, as matplotlib's Axis.draw draws them."""
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402

import lrviz  # noqa: E402
from lrviz.pictures.page_axes import PageAxis, page_drawable  # noqa: E402
from test_canvas import _run_ipympl  # noqa: E402  (a fresh Python with ipympl as the backend)

# the explorers of notebooks 00, 03, 07 and 10 (benchmarks/overlay_pixels.py has them too)
CASES = {
    "00": dict(surface="quartic", optimizer="sgd", lr=0.01, steps=60),
    "03": dict(surface="himmelblau", optimizer="sgd", lr=0.01, steps=200, x0=(-1.0, -1.0)),
    "07": dict(surface="valley", optimizer="rmsprop", lr=0.01, steps=150, alpha=0.99),
    "10": dict(surface="valley", optimizer="adadelta", steps=500),
}


@pytest.fixture
def classroom():
    with matplotlib.rc_context():
        lrviz.use_style("classroom")
        yield


def _pixels(fig):
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(int)


def _page_drawn_pixels(fig, dynamic=()):
    """(Agg's own pixels, the pixels with every page-drawable y-axis drawn by a PageAxis),
    the moving artists hidden in both (the overlay draws them over the axes), the layout held."""
    fig.canvas.draw()
    engine = fig.get_layout_engine()
    fig.set_layout_engine("none")
    shown = [a for a in dynamic if a.get_visible()]
    try:
        for a in shown:
            a.set_visible(False)
        ref = _pixels(fig)
        axes = [ax for ax in fig.axes if page_drawable(ax, dynamic)]
        for ax in axes:
            ax.yaxis.set_animated(True)  # left out of the canvas' draw, as in the live canvas
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        for ax in axes:
            pa = PageAxis(ax)
            pa.captured(renderer)
            pa.draw(renderer)
        got = np.asarray(renderer.buffer_rgba())[..., :3].astype(int)
    finally:
        for ax in fig.axes:
            ax.yaxis.set_animated(False)
        for a in shown:
            a.set_visible(True)
        fig.set_layout_engine(engine)
    return ref, got, len(axes)


def _assert_same(ref, got):
    diff = np.abs(ref - got).max(axis=2)
    # tick marks drawn over the spine they start on (Agg draws the spine over them): a few px
    assert (diff > 32).sum() <= 16, np.argwhere(diff > 32)[:20]
    assert (diff > 96).sum() == 0, np.argwhere(diff > 96)[:20]


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_explorers_y_axes_drawn_by_the_page_give_agg_s_pixels(name, classroom):
    kw = CASES[name]
    ex = lrviz.explore(**kw)
    # the loss, lr and look-inside panels (07 and 10: and the twin's effective lr on the right);
    # not the landscape, whose contours move with the y limits
    want = {"00": 3, "03": 3, "07": 4, "10": 4}[name]
    for factor in (1.0, 3.7, 0.2):
        if "lr" in kw:
            assert ex.update(lr=kw["lr"] * factor), ex.message
        ref, got, n = _page_drawn_pixels(ex.figure, ex.live.dynamic)
        assert n == want
        _assert_same(ref, got)


@pytest.mark.parametrize("ylim, scale", [((1e6, 1e6 + 10), "linear"),   # an offset text above
                                         ((-3e-7, 2e-7), "linear"),      # "1e-7" above
                                         ((3e-4, 7e-4), "log"),          # minor labels
                                         ((1e-9, 1e3), "log")])
def test_offset_text_minor_labels_and_a_right_twin_come_out_as_agg_s(ylim, scale):
    fig, ax = plt.subplots(figsize=(5, 3.5), dpi=80, layout="constrained")
    twin = ax.twinx()
    for a in (ax, twin):
        a.set_yscale(scale)
        a.set_ylim(*ylim)
        a.grid(True)
    ax.set_ylabel("loss $f(x_t)$")
    twin.set_ylabel("effective lr")
    ax.legend(handles=[Line2D([], [], label="a run")], loc="upper left")  # grid lines stop at it
    ref, got, n = _page_drawn_pixels(fig)
    plt.close(fig)
    assert n == 2
    _assert_same(ref, got)


def _drawn_ticks(axis, which):
    ticks = axis._update_ticks()
    own = set(axis.majorTicks if which == "major" else axis.minorTicks)
    ticks = [t for t in ticks if t in own]
    return [t.get_loc() for t in ticks], [t.label1.get_text() for t in ticks]


@settings(max_examples=60, deadline=None)
@given(lo=st.floats(-1e4, 1e4), width=st.floats(1e-6, 1e5), log=st.booleans())
def test_tick_values_and_labels_are_the_ones_matplotlib_draws(lo, width, log):
    fig, ax = plt.subplots()
    if log:
        lo, width = 10 ** (lo / 2e3), 10 ** (width / 2e4)  # [1e-5, 1e5], a factor up to 1e5
        ax.set_yscale("log")
        ax.set_ylim(lo, lo * (1 + width))
    else:
        ax.set_ylim(lo, lo + width)
    pa = PageAxis(ax)
    for which in ("major", "minor"):
        locs, labels = pa._ticks(which)
        want_locs, want_labels = _drawn_ticks(ax.yaxis, which)
        assert locs.tolist() == want_locs
        assert labels == want_labels
    plt.close(fig)


def test_which_axes_the_page_can_draw():
    fig, axes = plt.subplots(2, 3)
    a, b, c, d, e, f = axes.ravel()
    (moving,) = a.plot([0, 1], [0, 1])           # drawn by the page too
    b.plot([0, 1], [0, 1])                       # a static line that moves with the y limits
    c.axvline(0.5)                               # x in data, y in the axes: it stays
    c.text(0.5, 0.5, "note", transform=c.transAxes)
    d.imshow(np.zeros((2, 2)))                   # an image
    e.sharey(f)                                  # shared y: the sibling would change too
    twin = a.twinx()
    assert page_drawable(a, [moving]) and page_drawable(twin)
    assert not page_drawable(a)                  # the same line, if it were in the background
    assert not page_drawable(b) and page_drawable(c)
    assert not page_drawable(d)
    assert not page_drawable(e) and not page_drawable(f)
    c.set_yscale("symlog")
    assert not page_drawable(c)
    g = fig.add_subplot(3, 3, 9)
    g.yaxis.tick_right()                         # ticks right, label left: not one side
    assert not page_drawable(g)
    fig.align_ylabels([a, d])                    # one column: their labels line up
    assert not page_drawable(a, [moving])
    plt.close(fig)


IPYMPL_SCRIPT = textwrap.dedent(r"""
    import io, json
    import numpy as np
    import matplotlib
    matplotlib.use("module://ipympl.backend_nbagg")
    from matplotlib.ticker import FuncFormatter
    from PIL import Image
    from lrviz.pictures.canvas import LiveFigure

    live = LiveFigure((6, 4), dpi=80)
    fig, canvas = live.figure, live.figure.canvas
    ax = fig.subplots()
    x = np.linspace(0, 6, 60)
    (moving,) = ax.plot(x, np.sin(x), color="#ff0000", lw=3)
    ax.set_ylabel("loss")
    fig.set_layout_engine("constrained")
    live.dynamic = [moving]
    live.refresh()
    canvas.syncing_data_url = False
    pngs = []
    def send(content, buffers=None):
        if buffers:
            pngs.append(np.asarray(Image.open(io.BytesIO(buffers[0])).convert("RGBA")))
    canvas.send = send
    canvas.send_json = lambda content: None
    canvas.handle_refresh({})
    canvas.handle_draw({})               # the view connects and asks for a draw
    after_view, full_after_view = len(pngs), live.stats["full"]
    left = ax.bbox.x0                    # the tick labels' side of the canvas
    dark = lambda img: int((img[:, : int(left) - 2, :3].max(axis=2) < 100).sum())
    markups = []
    for top in (1.5, 40.0, 0.6, 6.0):    # new y limits, labels no wider: markup, no background, no PNG
        canvas._lrviz_sent = -1e9
        moving.set_ydata(top * np.sin(x))
        ax.set_ylim(-top, top)
        live.refresh()
        markups.append(live._axes_layer.value)
    limit_pngs, full_after_limits = len(pngs) - after_view, live.stats["full"]
    labels = [[t.get_text() for t in ax.get_yticklabels()]]  # matplotlib's, for the last limits
    wide = FuncFormatter(lambda v, pos: f"{v:.1f} units of something")
    ax.yaxis.set_major_formatter(wide)   # labels much wider than the layout left room for
    live.refresh()
    outgrown_full, x0_after = live.stats["full"] - full_after_limits, ax.bbox.x0
    canvas.draw()                        # a draw the toolbar asks for: the y-axis stays the page's
    toolbar_dark = dark(np.asarray(canvas.get_renderer().buffer_rgba()))
    buf = io.BytesIO()
    fig.savefig(buf, format="png")       # the static figure has its y-axis
    saved = np.asarray(Image.open(buf).convert("RGBA"))
    print(json.dumps({
        "animated": ax.yaxis.get_animated(), "after_view": after_view, "full_after_view": full_after_view,
        "limit_pngs": limit_pngs, "full_after_limits": full_after_limits, "stats": live.stats,
        "markup_labels": [m.count("<text") for m in markups], "held": live.stats["held"],
        "last_labels": labels[0], "last_markup": markups[-1],
        "dark_in_first_png": dark(pngs[0]), "dark_saved": dark(saved), "toolbar_dark": toolbar_dark,
        "outgrown_full": outgrown_full, "left_before": left, "left_after": x0_after,
        "wide_in_overlay": "units of something" in live._axes_layer.value,
        "layers": [type(c).__name__ for c in live.view.children]}))
""")


def test_in_an_ipympl_canvas_new_y_limits_cost_no_background_and_are_exact_at_once():
    res = _run_ipympl(IPYMPL_SCRIPT)
    assert res["animated"], res
    assert res["layers"] == ["Canvas", "HTML", "HTML"], res  # the y-axes' layer, then the moving artists'
    assert res["after_view"] == 1 and res["dark_in_first_png"] == 0, res   # the canvas: no y labels
    assert res["limit_pngs"] == 0 and res["full_after_limits"] == res["full_after_view"], res
    assert res["held"] == 0, res                                         # nothing waits for a pause
    assert all(n >= 3 for n in res["markup_labels"]), res                # tick labels + axis label
    for label in res["last_labels"]:                                     # matplotlib's own labels
        assert f">{label}<" in res["last_markup"], (label, res["last_labels"])
    # labels that outgrow the layout: the layout engine runs (no kernel here: at once)
    assert res["outgrown_full"] == 1 and res["left_after"] > res["left_before"] + 50, res
    assert res["wide_in_overlay"] and res["toolbar_dark"] == 0, res
    assert res["dark_saved"] > 100, res


EXPLORER_SCRIPT = textwrap.dedent(r"""
    import json
    import matplotlib
    matplotlib.use("module://ipympl.backend_nbagg")
    import lrviz
    lrviz.use_style("classroom")
    ex = lrviz.explore(surface="valley", optimizer="rmsprop", lr=0.01, steps=150, alpha=0.99)
    live, canvas = ex.live, ex.figure.canvas
    canvas.syncing_data_url = False
    pngs = []
    canvas.send = lambda content, buffers=None: pngs.append(1) if buffers else None
    canvas.send_json = lambda content: None
    live.refresh()
    full, n = live.stats["full"], len(pngs)
    lrs = [0.01 * 1.3 ** k for k in (-2, 1, -1, 2, 0, 3)]
    ok = [ex.update(lr=lr) for lr in lrs]
    print(json.dumps({"ok": ok, "page": sorted(ax.get_ylabel() for ax in live._page),
                      "full": live.stats["full"] - full, "held": live.stats["held"], "pngs": len(pngs) - n,
                      "pending": live._relayout_pending}))
""")


def test_an_explorer_s_lr_changes_redraw_no_background():
    res = _run_ipympl(EXPLORER_SCRIPT)
    assert all(res["ok"]), res
    assert res["page"] == ["", "$f(x_t) - f^*$", "effective lr", "learning rate $\\eta_t$"], res
    assert res["full"] == 0 and res["held"] == 0 and res["pngs"] == 0 and not res["pending"], res


def test_the_page_s_grid_and_tick_marks_are_one_path_each_where_agg_puts_them():
    import io
    import re

    from lrviz.pictures.overlay import _PixelSVG

    fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
    ax.set_ylim(0, 4)
    ax.set_yticks([0, 1, 2, 3, 4])
    ax.grid(True, color="#ff0000", alpha=0.5, linestyle="--")
    ax.tick_params(axis="y", length=6, width=2)
    fig.canvas.draw()
    pa = PageAxis(ax)
    renderer = _PixelSVG(*fig.canvas.get_width_height(physical=True), fig.dpi, io.StringIO())
    pa.draw(renderer)
    paths = re.findall(r'<path d="([^"]*)" style="([^"]*)"/>', renderer.raw.getvalue())
    height = fig.bbox.height
    ys = ax.transData.transform([(0, v) for v in range(5)])[:, 1]
    grid = [(d, st) for d, st in paths if "#ff0000" in st]
    marks = [(d, st) for d, st in paths if "#ff0000" not in st]
    assert len(grid) == 1 and len(marks) == 1, paths
    d, style = grid[0]
    assert "stroke-opacity:0.5" in style and "stroke-dasharray" in style
    starts = [tuple(map(float, m)) for m in re.findall(r"M([\d.]+) ([\d.]+)", d)]
    # the spines over the lines at 0 and 4: left out; the others at Agg's heights (y down)
    assert [y for _, y in starts] == pytest.approx(height - ys[1:4], abs=0.01)
    # they start past the left spine's half width (0.8 pt), which Agg draws over them
    assert [x for x, _ in starts] == pytest.approx([ax.bbox.x0 + 0.8 * 100 / 72 / 2] * 3, abs=0.01)
    d, style = marks[0]
    assert "stroke-width:2.78" in style  # 2 pt at 100 dpi
    ends = [tuple(map(float, m)) for m in re.findall(r"[ML]([\d.]+) ([\d.]+)", d)]
    x0 = ax.bbox.x0
    assert len(ends) == 10 and all(abs(x - x0) < 0.01 or abs(x - (x0 - 6 * 100 / 72)) < 0.01 for x, _ in ends)
    plt.close(fig)


HOLD_SCRIPT = textwrap.dedent(r"""
    import json, time
    import numpy as np
    import matplotlib
    matplotlib.use("module://ipympl.backend_nbagg")
    from lrviz.pictures.canvas import LiveFigure

    live = LiveFigure((6, 4), dpi=80)
    fig, canvas = live.figure, live.figure.canvas
    ax = fig.subplots()
    x = np.linspace(0, 6, 60)
    (moving,) = ax.plot(x, np.sin(x))
    live.dynamic = [moving]
    canvas.syncing_data_url = False
    canvas.send = lambda content, buffers=None: None
    canvas.send_json = lambda content: None
    live._defer_relayout = True                   # as in an ipympl canvas inside a kernel
    timers = []
    live._restart_relayout_timer = lambda: timers.append(live.relayout_wait_ms())
    live.refresh()
    def frame(top, idle_s):
        live._last_done = time.monotonic() - idle_s  # the idle time before this update
        moving.set_ydata(top * np.sin(x))
        ax.set_ylim(-top, top)
        live.refresh()
        return live._axes_layer.value, live._overlay.value
    first_axes, first_art = live._axes_layer.value, live._overlay.value
    key_axes, key_art = frame(4.0, 1.0)           # a key press: the axes wait for the pause
    key_timers = len(timers)
    live._settle()                                # the pause
    settled_axes = live._axes_layer.value
    drag = [frame(top, 0.03) for top in (5.0, 6.0, 7.0)]   # a drag: every frame exact
    print(json.dumps({
        "key_axes_same": key_axes == first_axes, "key_art_new": key_art != first_art,
        "key_timers": key_timers, "settled_new": settled_axes != first_axes and ">4<" in settled_axes,
        "drag_axes_distinct": len({a for a, _ in drag}), "drag_last_has_6": ">6<" in drag[-1][0],
        "limits_kept": list(ax.get_ylim()), "stats": live.stats}))
""")


def test_a_key_press_holds_the_page_drawn_axes_until_the_pause_a_drag_does_not():
    res = _run_ipympl(HOLD_SCRIPT)
    assert res["key_axes_same"] and res["key_art_new"] and res["key_timers"] == 1, res
    assert res["settled_new"], res
    assert res["drag_axes_distinct"] == 3 and res["drag_last_has_6"], res
    assert res["limits_kept"] == [-7.0, 7.0], res        # the explorer's limits, untouched
    assert res["stats"]["full"] == 1, res                 # and never a new background
