"""lrviz.pictures.canvas: the cached background, partial redraws, and the frames ipympl sends."""
import asyncio
import importlib.util
import io
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from matplotlib.backend_bases import TimerBase
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from lrviz.pictures import canvas as C


@pytest.fixture(autouse=True)
def _partial_redraw_on(monkeypatch):
    """These tests check the partial redraw itself (off by default in LiveFigure)."""
    monkeypatch.setattr(C.LiveFigure, "partial_redraw", True)


def _figure(ylim1=(-1.0, 1.0), layout=None, size=(6, 4)):
    """Three panels packed tightly (tick labels reach into the neighbours), one moving line each."""
    fig = Figure(figsize=size, dpi=80, layout=layout)
    FigureCanvasAgg(fig)
    axes = fig.subplots(3, 1, gridspec_kw=dict(hspace=0.15)) if layout is None else fig.subplots(3, 1)
    x = np.linspace(0, 6, 50)
    moving = []
    for i, ax in enumerate(axes):
        ax.plot(x, np.cos(x + i), color="0.6")
        ax.set_title(f"panel {i}", fontsize=8)
        (line,) = ax.plot(x, np.sin(x), lw=2, zorder=5)
        moving.append(line)
        ax.set_xlim(0, 6)
        ax.set_ylim(-1.0, 1.0)
    axes[1].set_ylim(*ylim1)
    return fig, axes, moving


def _pixels(fig):
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def _set_moving(moving, phase):
    x = np.linspace(0, 6, 50)
    for line in moving:
        line.set_ydata(np.sin(x + phase))


def test_blit_without_limit_change_draws_no_background():
    fig, axes, moving = _figure()
    live = C.LiveFigure(figure=fig)
    live.dynamic = moving
    live.refresh()
    _set_moving(moving, 1.0)
    live.refresh()
    assert live.stats == {"full": 1, "layout held": 0, "partial": 0, "blit": 2, "held": 0}


def test_partial_redraw_gives_the_pixels_of_a_full_draw():
    # Longer tick labels on the middle panel: its old labels must go, its new ones and the
    # neighbours' titles and labels it overlaps must be there, exactly as a full draw has them.
    fig, axes, moving = _figure()
    live = C.LiveFigure(figure=fig)
    live.dynamic = moving
    live.refresh()
    axes[1].set_ylim(-12345.5, 98765.25)
    _set_moving(moving, 0.5)
    live.refresh()
    assert live.stats["partial"] == 1 and live.stats["full"] == 1

    ref, _, ref_moving = _figure(ylim1=(-12345.5, 98765.25))
    ref_live = C.LiveFigure(figure=ref)
    ref_live.dynamic = ref_moving
    _set_moving(ref_moving, 0.5)
    ref_live.refresh()
    assert ref_live.stats["full"] == 1
    a, b = _pixels(fig), _pixels(ref)
    assert a.shape == b.shape
    assert np.array_equal(a, b), f"{int((a != b).any(-1).sum())} pixels differ from a full draw"


def test_partial_redraw_back_and_forth_leaves_no_trace():
    fig, axes, moving = _figure()
    live = C.LiveFigure(figure=fig)
    live.dynamic = moving
    live.refresh()
    before = _pixels(fig)
    for lim in [(-5e4, 5e4), (0.001, 0.002), (-1.0, 1.0)]:
        axes[1].set_ylim(*lim)
        live.refresh()
    assert live.stats["partial"] == 3 and live.stats["full"] == 1
    assert np.array_equal(_pixels(fig), before)


def test_live_canvas_holds_new_limits_until_the_updates_pause():
    fig, axes, moving = _figure()
    live = C.LiveFigure(figure=fig)
    live._defer_relayout = True  # as in an ipympl canvas inside a kernel
    live.dynamic = moving
    live.refresh()
    old = _pixels(fig)
    axes[1].set_ylim(-12345.5, 98765.25)
    live.refresh()  # a frame while the slider moves: drawn with the limits on screen
    assert live.stats["held"] == 1 and live.stats["partial"] == 0
    assert axes[1].get_ylim() == (-12345.5, 98765.25)  # the explorer's limits are untouched
    assert np.array_equal(_pixels(fig), old)
    live._settle()  # the timer: updates paused
    assert live.stats["partial"] == 1
    ref, _, ref_moving = _figure(ylim1=(-12345.5, 98765.25))
    ref_live = C.LiveFigure(figure=ref)
    ref_live.dynamic = ref_moving
    ref_live.refresh()
    assert np.array_equal(_pixels(fig), _pixels(ref))
    live._settle()  # nothing pending: no second draw
    assert live.stats["blit"] == 3


def test_new_limits_wait_longer_than_the_idle_times_of_a_drag():
    assert C.relayout_delay_ms(None) == C.RELAYOUT_DELAY_MS  # the first update
    assert C.relayout_delay_ms(2.0) == C.RELAYOUT_DELAY_MS  # a key press, long after the last frame
    assert C.relayout_delay_ms(0.08) == 120  # a drag, the kernel idle 80 ms between frames: 1.5 x 80
    assert C.relayout_delay_ms([0.02, 0.08, 0.03]) == 120  # the longest of the drag's counts
    assert C.relayout_delay_ms([0.1, 2.0]) == C.RELAYOUT_DELAY_MS  # a key press after a drag
    assert C.relayout_delay_ms([0.15, 1.0, 0.03]) == C.RELAYOUT_DELAY_MS  # a new drag; 45 ms: never shorter
    assert C.relayout_delay_ms(0.2) == C.RELAYOUT_MAX_MS  # 300 capped


def _paced(monkeypatch, times):
    fig, axes, moving = _figure()
    live = C.LiveFigure(figure=fig)
    live._defer_relayout = True
    live.dynamic = moving
    clock = iter(times)
    monkeypatch.setattr(C.time, "monotonic", lambda: next(clock))
    return live, axes


def test_the_relayout_timer_follows_the_pace_of_the_updates(monkeypatch):
    # each refresh reads the clock as it starts and as its frame is done
    live, axes = _paced(monkeypatch, [10.0, 10.03, 10.09, 10.12, 10.15, 10.18, 11.5, 11.53])
    live.refresh()
    axes[1].set_ylim(-3, 3)
    live.refresh()  # 60 ms after the last frame: a drag
    assert live._timer.interval == 90
    axes[1].set_ylim(-3.5, 3.5)
    live.refresh()  # 30 ms idle: the 60 ms before still counts
    assert live._timer.interval == 90
    axes[1].set_ylim(-4, 4)
    live.refresh()  # 1.32 s later: a key press
    assert live._timer.interval == C.RELAYOUT_DELAY_MS


def test_the_idle_time_ends_when_the_update_begins_not_when_it_draws(monkeypatch):
    # the frame done at 10.03; the next update begins at 10.10 and computes until 10.16
    live, axes = _paced(monkeypatch, [10.0, 10.03, 10.10, 10.19])
    live.refresh()
    live.begin_update()
    axes[1].set_ylim(-3, 3)
    live.refresh()
    assert live._idle == pytest.approx([0.07])
    assert live._timer.interval == 105  # not 1.5 x 130 ms: the update's own cost is no pause


class _TornadoWithoutTornado(TimerBase):
    """ipympl's TimerTornado in Pyodide: the module 'tornadofake' has no ioloop."""

    def _timer_start(self):
        raise AttributeError("module 'tornadofake' has no attribute 'ioloop'")


def _pyodide_like(monkeypatch):
    fig, axes, moving = _figure()
    live = C.LiveFigure(figure=fig)
    live._defer_relayout = True  # as in an ipympl canvas inside a kernel
    live.dynamic = moving
    monkeypatch.setattr(fig.canvas, "new_timer", lambda interval=None: _TornadoWithoutTornado(interval=interval))
    live.refresh()
    return fig, axes, live


def _reference(ylim1):
    ref, _, ref_moving = _figure(ylim1=ylim1)
    ref_live = C.LiveFigure(figure=ref)
    ref_live.dynamic = ref_moving
    ref_live.refresh()
    return _pixels(ref)


def test_a_canvas_timer_that_cannot_start_falls_back_to_an_asyncio_timer(monkeypatch):
    fig, axes, live = _pyodide_like(monkeypatch)

    async def drag():
        axes[1].set_ylim(-30, 30)
        live.refresh()  # held: must not raise, and a timer must still come
        assert live.stats["held"] == 1 and live._timer_kinds == ("asyncio",)
        for _ in range(250):  # the wait is at most RELAYOUT_MAX_MS; a loaded machine may take longer
            if not live._relayout_pending:
                break
            await asyncio.sleep(0.02)

    asyncio.run(drag())
    assert live.stats["partial"] == 1 and not live._relayout_pending
    assert np.array_equal(_pixels(fig), _reference((-30, 30)))


def test_with_no_timer_at_all_new_limits_are_drawn_at_once(monkeypatch):
    fig, axes, live = _pyodide_like(monkeypatch)
    axes[1].set_ylim(-30, 30)
    live.refresh()  # no running event loop either: nothing would ever call _settle
    assert live._timer_kinds == () and not live._relayout_pending
    assert not live._defer_relayout  # later frames are drawn exact, not held and redrawn
    assert np.array_equal(_pixels(fig), _reference((-30, 30)))
    axes[1].set_ylim(-40, 40)
    live.refresh()
    assert np.array_equal(_pixels(fig), _reference((-40, 40)))


def test_new_size_new_axes_or_relayout_draw_in_full():
    fig, axes, moving = _figure()
    live = C.LiveFigure(figure=fig)
    live.dynamic = moving
    live.refresh()
    fig.set_size_inches(5, 4)
    live.refresh()
    assert live.stats["full"] == 2
    fig.add_axes([0.8, 0.8, 0.1, 0.1])
    live.refresh()
    assert live.stats["full"] == 3
    live.relayout()
    live.refresh()
    assert live.stats["full"] == 4 and live.stats["partial"] == 0


def test_labels_that_outgrow_a_layout_engine_draw_in_full():
    # A "1e148" offset above the top panel needs room that only the layout engine gives.
    fig = Figure(figsize=(6, 4), dpi=80, layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 1)
    moving = [ax.plot([0, 1], [0, 1])[0] for ax in axes]
    live = C.LiveFigure(figure=fig)
    live.dynamic = moving
    live.refresh()
    top = axes[0].get_position().y1
    axes[0].set_ylim(0, 1e148)
    live.refresh()
    assert live.stats["full"] == 2 and live.stats["partial"] == 0
    assert axes[0].get_position().y1 < top  # the layout made room for the offset
    axes[0].set_ylim(0, 2e148)  # labels of the same shape: they fit the new layout
    live.refresh()
    assert live.stats["full"] == 2 and live.stats["partial"] == 1


def test_blits_draw_the_moving_artists_in_a_full_draws_order():
    # A dot on top of the line through it (zorder), though listed first in ``dynamic``.
    fig = Figure(figsize=(3, 2), dpi=80)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    (dot,) = ax.plot([0.5], [0.5], "o", ms=20, color="k", zorder=4)
    (line,) = ax.plot([0, 1], [0, 1], lw=8, color="tab:orange", zorder=3)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    live = C.LiveFigure(figure=fig)
    live.dynamic = [dot, line]
    live.refresh()
    dot.set_data([0.4], [0.4])
    live.refresh()
    blitted = _pixels(fig)
    fig.canvas.draw()
    assert np.array_equal(blitted, _pixels(fig))


def _live(fig, moving):
    """A LiveFigure on ``fig`` with ``moving`` as its dynamic artists, drawn once."""
    live = C.LiveFigure(figure=fig)
    live.dynamic = moving
    live.refresh()
    return live


def _constrained(nrows=2, twin=False):
    fig = Figure(figsize=(6, 4), dpi=80, layout="constrained")
    FigureCanvasAgg(fig)
    axes = list(fig.subplots(nrows, 1))
    if twin:
        axes.append(axes[-1].twinx())
    moving = [ax.plot([0, 1], [0, 10])[0] for ax in axes]
    for ax in axes:
        ax.set_title("a title", fontsize=8)
        ax.set_ylim(0, 10)
    return fig, axes, moving


def test_new_limits_whose_labels_fit_keep_the_layout(monkeypatch):
    # Without the partial redraw (the default), new limits draw everything; when the new
    # labels fit the layout on screen, the layout engine is skipped, and the pixels are a
    # full draw's: 0.5..10.5 has ticks 2..10, labels no wider than 0..10's, so the engine
    # would not move a thing (0..20's "20", kerned unlike "10" in matplotlib 3.8, moves the
    # layout by a fraction of a pixel).
    monkeypatch.setattr(C.LiveFigure, "partial_redraw", False)
    fig, axes, moving = _constrained()
    live = _live(fig, moving)
    where = [ax.get_position().bounds for ax in axes]
    axes[1].set_ylim(0.5, 10.5)
    live.refresh()
    assert live.stats["full"] == 2 and live.stats["layout held"] == 1
    assert [ax.get_position().bounds for ax in axes] == where
    assert fig.get_layout_engine() is not None  # the engine is back for the next full layout

    ref, ref_axes, ref_moving = _constrained()
    ref_axes[1].set_ylim(0.5, 10.5)
    _live(ref, ref_moving)
    assert [ax.get_position().bounds for ax in ref_axes] == where
    assert np.array_equal(_pixels(fig), _pixels(ref))


def test_labels_that_outgrow_the_layout_run_the_engine_without_partial_redraw(monkeypatch):
    monkeypatch.setattr(C.LiveFigure, "partial_redraw", False)
    fig, axes, moving = _constrained()
    live = _live(fig, moving)
    left = [ax.get_position().x0 for ax in axes]
    axes[0].set_ylim(0, 1e148)  # "0.0" .. "1.0" (and a "1e148" offset): wider than "0" .. "10"
    live.refresh()  # they would reach past the figure's left edge
    assert live.stats["full"] == 2 and live.stats["layout held"] == 0
    assert axes[0].get_position().x0 > left[0]  # the engine made room for them
    axes[0].set_ylim(0, 2e148)  # "0.0" .. "2.0": labels of the same shape, they fit
    live.refresh()
    assert live.stats["full"] == 3 and live.stats["layout held"] == 1
    axes[1].set_ylim(0, 12345.678)  # "0" .. "12000": again past the edge
    live.refresh()
    assert live.stats["full"] == 4 and live.stats["layout held"] == 1
    assert axes[1].get_position().x0 > left[1]


def test_a_twin_axes_reaching_over_its_host_keeps_the_layout(monkeypatch):
    monkeypatch.setattr(C.LiveFigure, "partial_redraw", False)
    fig, axes, moving = _constrained(twin=True)
    live = _live(fig, moving)
    axes[2].set_ylim(0, 20)  # the twin: its box is its host's, which it always overlaps
    live.refresh()
    assert live.stats["full"] == 2 and live.stats["layout held"] == 1


def test_a_held_layout_that_freetype_refuses_falls_back_to_the_engine(monkeypatch):
    monkeypatch.setattr(C.LiveFigure, "partial_redraw", False)
    fig, axes, moving = _constrained()
    live = _live(fig, moving)
    agg_draw = FigureCanvasAgg.draw

    def draw(canvas):
        if type(canvas.figure.get_layout_engine()).__name__ == "PlaceHolderLayoutEngine":
            raise RuntimeError("In draw_glyphs_to_bitmap: Could not render glyph (raster overflow)")
        agg_draw(canvas)

    monkeypatch.setattr(FigureCanvasAgg, "draw", draw)
    axes[1].set_ylim(0, 20)
    live.refresh()
    assert live.stats["full"] == 2 and live.stats["layout held"] == 0  # the held draw failed: the engine drew
    assert type(fig.get_layout_engine()).__name__ == "ConstrainedLayoutEngine"


def test_someone_elses_draw_drops_the_cache():
    fig, axes, moving = _figure()
    live = C.LiveFigure(figure=fig)
    live.dynamic = moving
    live.refresh()
    fig.canvas.draw()
    live.refresh()
    assert live.stats["full"] == 2


class _FakeWebCanvas:
    """What _diff_image reads from ipympl's canvas."""

    def __init__(self, fig):
        self.fig, self._png_is_old, self._force_full, self._last_buff = fig, True, True, np.empty((0, 0))
        self.modes = []

    def get_renderer(self):
        return self.fig.canvas.get_renderer()

    def set_image_mode(self, mode):
        self.modes.append(mode)


def _decode(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def test_diff_frames_are_cropped_and_compose_to_the_new_pixels():
    fig, axes, moving = _figure()
    fig.canvas.draw()
    web = _FakeWebCanvas(fig)
    first = C._diff_image(web)
    assert web.modes == ["full"]
    shown = _decode(first).copy()
    assert np.array_equal(shown, _pixels(fig))
    assert C._diff_image(web) is None  # nothing new since

    moving[0].set_ydata(np.zeros(50))  # the top panel only
    fig.canvas.draw()
    web._png_is_old, web._lrviz_sent = True, -np.inf  # a pause since the last frame
    frame = _decode(C._diff_image(web))
    assert web.modes[-1] == "diff"
    h, w = shown.shape[:2]
    assert frame.shape[0] < h / 2 and frame.shape[1] <= w  # stops at the last changed row
    region = shown[: frame.shape[0], : frame.shape[1]]
    opaque = frame[..., 3] > 0
    region[opaque] = frame[opaque]  # what the browser does with a diff frame
    assert np.array_equal(shown, _pixels(fig))

    web._png_is_old, web._lrviz_sent = True, -np.inf  # a draw that changed nothing: one clear pixel
    empty = _decode(C._diff_image(web))
    assert empty.shape == (1, 1, 4) and empty[0, 0, 3] == 0


def test_diff_image_sends_full_frames_when_forced_transparent_or_quick():
    fig, axes, moving = _figure()
    fig.canvas.draw()
    web = _FakeWebCanvas(fig)
    C._diff_image(web)
    web._png_is_old, web._force_full, web._lrviz_sent = True, True, -np.inf
    C._diff_image(web)
    moving[0].set_ydata(np.zeros(50))
    fig.canvas.draw()
    web._png_is_old = True  # right after the previous frame: the browser may drop that one
    shown = _decode(C._diff_image(web))
    assert shown.shape == _pixels(fig).shape and np.array_equal(shown, _pixels(fig))
    fig.patch.set_alpha(0.5)
    fig.canvas.draw()
    web._png_is_old, web._lrviz_sent = True, -np.inf
    C._diff_image(web)
    assert web.modes == ["full", "full", "full", "full"]


IPYMPL_SCRIPT = textwrap.dedent(r"""
    import io, json
    import numpy as np
    import matplotlib
    matplotlib.use("module://ipympl.backend_nbagg")
    from PIL import Image
    from lrviz.pictures import canvas as C
    from lrviz.pictures.canvas import LiveFigure

    LiveFigure.partial_redraw = True
    live = LiveFigure((6, 4), dpi=80, overlay=False)  # every frame a PNG
    fig, canvas = live.figure, live.figure.canvas
    axes = fig.subplots(2, 1)
    x = np.linspace(0, 6, 60)
    lines = [ax.plot(x, np.sin(x))[0] for ax in axes]
    live.dynamic = lines
    live.refresh()                       # in the notebook, before the view exists
    canvas.syncing_data_url = False      # the view says "initialized"
    screen, modes = None, ["full"]
    def send(content, buffers=None):
        global screen
        msg = json.loads(content["data"])
        if msg["type"] == "image_mode":
            modes.append(msg["mode"])
        if buffers:
            img = np.asarray(Image.open(io.BytesIO(buffers[0])).convert("RGBA"))
            if modes[-1] == "full":
                screen = img.copy()
            else:
                part = screen[: img.shape[0], : img.shape[1]]
                part[img[..., 3] > 0] = img[img[..., 3] > 0]
    canvas.send = send
    canvas.send_json = lambda content: send({"data": json.dumps(content)})
    canvas.handle_refresh({})            # the view connects: it asks for a full frame ...
    canvas.handle_draw({})               # ... by a draw request, served from the cache
    full_after_view = live.stats["full"]
    for k in range(6):
        canvas._lrviz_sent = -1e9  # a pause before each frame: diff frames
        lines[0].set_ydata(np.sin(x + k))
        axes[1].set_ylim(-1 - 10 ** k, 1 + 10 ** k)
        lines[1].set_ydata(np.cos(x + k) * 10 ** k)
        live.refresh()
    for k in range(3):  # frames back to back: whole
        lines[0].set_ydata(np.cos(x + k))
        live.refresh()
        assert modes[-1] == "full", modes
    same = np.array_equal(screen, np.asarray(canvas.get_renderer().buffer_rgba()))
    print(json.dumps({"same": bool(same), "full_after_view": full_after_view, "stats": live.stats,
                      "modes": modes}))
""")


def _run_ipympl(script) -> dict:
    """Run ``script`` in a fresh Python with ipympl as the backend; the JSON it prints last."""
    # Not importorskip: importing ipympl here would make it this process's backend, and every
    # later test on this worker would build ipympl canvases (whose Toolbar warns).
    if importlib.util.find_spec("ipympl") is None:
        pytest.skip("ipympl is not installed")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    import json

    return json.loads(out.stdout.strip().splitlines()[-1])


def test_ipympl_frames_rebuild_the_canvas_in_the_browser():
    res = _run_ipympl(IPYMPL_SCRIPT)
    assert res["same"], res
    assert res["full_after_view"] == 1, res  # the view's draw request did not redraw everything
    assert res["stats"]["partial"] >= 1 and res["modes"][0] == "full" and "diff" in res["modes"], res


IPYMPL_OVERLAY_SCRIPT = textwrap.dedent(r"""
    import io, json, re
    import numpy as np
    import matplotlib
    matplotlib.use("module://ipympl.backend_nbagg")
    from PIL import Image
    from lrviz.pictures.canvas import LiveFigure

    live = LiveFigure((6, 4), dpi=80)
    fig, canvas = live.figure, live.figure.canvas
    box = live.view
    ax = fig.subplots()
    x = np.linspace(0, 6, 60)
    (static,) = ax.plot(x, np.zeros_like(x), color="#0000ff", lw=3)
    (moving,) = ax.plot(x, np.sin(x), color="#ff0000", lw=3)
    title = ax.set_title("step 0", loc="left")
    suptitle = fig.suptitle("run 0")
    fig.set_layout_engine("constrained")
    live.dynamic = [moving, title, suptitle]
    live.refresh()
    renderer = canvas.get_renderer()
    title_top, fig_top = title.get_window_extent(renderer).y1, fig.bbox.y1
    canvas.syncing_data_url = False
    pngs = []
    def send(content, buffers=None):
        if buffers:
            pngs.append(np.asarray(Image.open(io.BytesIO(buffers[0])).convert("RGBA")))
    canvas.send = send
    canvas.send_json = lambda content: None
    canvas.handle_refresh({})
    canvas.handle_draw({})               # the view connects and asks for a draw
    after_view = len(pngs)
    red = lambda img: int(((img[..., 0] > 200) & (img[..., 1] < 60) & (img[..., 2] < 60)).sum())
    blue = lambda img: int(((img[..., 2] > 200) & (img[..., 0] < 60) & (img[..., 1] < 60)).sum())
    values = [live._overlay.value]
    for k in range(1, 5):                # new data in the same limits: markup, no PNG
        canvas._lrviz_sent = -1e9
        moving.set_ydata(np.sin(x + k))
        title.set_text(f"step {k}")
        live.refresh()
        values.append(live._overlay.value)
    data_pngs = len(pngs) - after_view
    ax.set_ylim(-3, 3)                   # new limits: one new background
    live.refresh()
    limit_pngs = len(pngs) - after_view - data_pngs
    canvas.draw()                        # a draw the toolbar asks for: no moving artist in it
    after_toolbar = red(np.asarray(canvas.get_renderer().buffer_rgba()))
    buf = io.BytesIO()
    fig.savefig(buf, format="png")        # the static figure keeps the moving artists
    saved = np.asarray(Image.open(buf).convert("RGBA"))
    odd = LiveFigure((6, 4.1353), dpi=100)   # 413.53 px tall: ipympl's canvas element too
    (line2,) = odd.figure.subplots().plot([0, 1], [0, 1])
    odd.dynamic = [line2]
    odd.refresh()
    size = re.search(r'width="([^"]+)px" height="([^"]+)px"', odd._overlay.value).groups()
    box_px = re.search(r'viewBox="([^"]+)"', odd._overlay.value).group(1)
    print(json.dumps({
        "odd_css": [float(v) for v in size], "odd_viewbox": box_px,
        "children": [type(c).__name__ for c in box.children], "classes": list(box._dom_classes),
        "animated": moving.get_animated(), "static_animated": static.get_animated(),
        "title_animated": title.get_animated(), "suptitle_animated": suptitle.get_animated(),
        "title_top": title_top, "fig_top": fig_top, "markup_has_titles": "step 4" in values[-1] and "run 0" in values[-1],
        "after_view": after_view, "data_pngs": data_pngs, "limit_pngs": limit_pngs,
        "distinct": len(set(values)), "svg": all(v.count("<svg") == 1 for v in values),
        "red_in_pngs": [red(p) for p in pngs], "blue_in_first": blue(pngs[0]),
        "red_on_canvas_after_toolbar_draw": after_toolbar,
        "red_saved": red(saved), "stats": live.stats}))
""")


def test_ipympl_overlay_carries_the_moving_artists_and_the_canvas_only_the_rest():
    res = _run_ipympl(IPYMPL_OVERLAY_SCRIPT)
    assert res["children"] == ["Canvas", "HTML", "HTML"] and "lrviz-figure" in res["classes"], res
    assert res["animated"] and not res["static_animated"], res
    # an axes title is the page's too, and the layout keeps room for it inside the canvas;
    # a figure's own text is not animated (savefig would leave it out), only hidden meanwhile
    assert res["title_animated"] and not res["suptitle_animated"] and res["markup_has_titles"], res
    assert res["title_top"] <= res["fig_top"], res
    assert res["after_view"] == 1, res            # the connecting view gets the background
    assert res["data_pngs"] == 0, res             # new data alone costs no PNG ...
    assert res["distinct"] == 5 and res["svg"], res  # ... but new markup each time
    assert res["limit_pngs"] == 1, res            # new limits: one background
    assert res["blue_in_first"] > 100, res        # the static line is in the canvas ...
    assert not any(res["red_in_pngs"]), res       # ... the moving one never
    assert res["red_on_canvas_after_toolbar_draw"] == 0, res
    assert res["red_saved"] > 100, res            # savefig: the whole figure
    # the overlay takes the canvas element's fractional CSS size over the image's whole pixels
    assert res["odd_css"] == pytest.approx([600, 413.53], abs=1e-3) and res["odd_viewbox"] == "0 0 600 413", res


def test_encode_frame_round_trips_and_rejects_other_shapes():
    rng = np.random.default_rng(0)
    px = rng.integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    assert np.array_equal(_decode(C.encode_frame(px)), px)
    assert np.array_equal(_decode(C.encode_frame(px.view(np.uint32)[..., 0], level=6)), px)
    with pytest.raises(ValueError, match="Invalid pixels"):
        C.encode_frame(np.zeros((4, 4, 3), np.uint8))
