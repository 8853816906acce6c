"""Smoke and behaviour tests for lrviz.plotting (Agg, Figure objects, no pyplot)."""
import inspect
import os

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import lrviz
from lrviz import plotting as P
from lrviz.engine.analysis import sweep

LOOK = "/tmp/lrviz_look"


def _fig(**kw):
    fig = Figure(**kw)
    FigureCanvasAgg(fig)
    return fig


def _ax():
    return _fig().add_subplot()


def _artists(obj):
    """Flatten whatever a plot function returned into a list of Artists."""
    if isinstance(obj, Artist):
        return [obj]
    if isinstance(obj, dict):
        return [a for v in obj.values() for a in _artists(v)]
    if isinstance(obj, (list, tuple)):
        return [a for v in obj for a in _artists(v)]
    return []


def _attached(artist, ax):
    return artist.axes is ax or artist.figure is ax.figure


@pytest.fixture(scope="module")
def runs():
    return {
        "t1": lrviz.descend("scaled_parabola", "sgd", x0=(1.5,), steps=12, lr=0.15),
        "t2": lrviz.descend("rosenbrock", "adam", x0=(-1.5, 2.0), steps=150, lr=0.05),
        "tb": lrviz.descend("rosenbrock", "sgd", x0=(-1.5, 2.0), steps=50, lr=np.array([1e-4, 1e-3])),
        "mom": lrviz.descend("bowl", "momentum", steps=30, lr=0.1),
        "sweep": sweep("scaled_parabola", "sgd", lrs=np.logspace(-3, 0, 30), steps=60, x0=(1.0,)),
    }


def _calls(r):
    """One call per public plot function: name -> (axes factory, function of ax)."""
    s1, s2 = r["t1"].surface, r["t2"].surface
    sched = lrviz.schedule("cosine", lr=0.1, T_max=100)

    def ax3d():
        return _fig().add_subplot(projection="3d")

    return {
        "curve_1d": (_ax, lambda ax: P.curve_1d(ax, s1)),
        "path_1d": (_ax, lambda ax: P.path_1d(ax, r["t1"])),
        "tangent_1d": (_ax, lambda ax: P.tangent_1d(ax, s1, 1.0)),
        "step_1d": (_ax, lambda ax: P.step_1d(ax, s1, 1.0, 0.15)),
        "contours_2d": (_ax, lambda ax: P.contours_2d(ax, s2)),
        "gradient_field": (_ax, lambda ax: P.gradient_field(ax, s2)),
        "path_2d": (_ax, lambda ax: P.path_2d(ax, r["t2"])),
        "surface_3d": (ax3d, lambda ax: P.surface_3d(ax, s2, n=20)),
        "loss_curve": (_ax, lambda ax: P.loss_curve(ax, r["tb"])),
        "lr_curve": (_ax, lambda ax: P.lr_curve(ax, r["t2"])),
        "schedule_curve": (_ax, lambda ax: P.schedule_curve(ax, sched, 100)),
        "internals": (_ax, lambda ax: P.internals(ax, r["t2"])),
        "stability_map": (_ax, lambda ax: P.stability_map(ax, r["sweep"])),
        "race_paths": (_ax, lambda ax: P.race_paths(ax, {"adam": r["t2"], "sgd": r["tb"]})),
    }


def _public_plot_functions():
    # updaters take artists, not Axes, and subplots makes the Axes: each has its own test below
    skip = {"set_path", "set_tangent", "update_loss_curve", "update_lr_curve", "update_internals", "subplots"}
    return sorted(n for n, f in vars(P).items()
                  if inspect.isfunction(f) and not n.startswith("_")
                  and f.__module__ in (P.__name__, "lrviz.pictures.curves")  # curves are re-exported by plotting
                  and n not in skip)


def test_smoke_every_public_plot_function(runs):
    calls = _calls(runs)
    missing = set(_public_plot_functions()) - set(calls)
    assert not missing, f"plot functions without a smoke test: {sorted(missing)}"
    for name, (make_ax, call) in calls.items():
        ax = make_ax()
        out = call(ax)
        arts = _artists(out)
        assert arts, f"{name} returned no artists"
        for a in arts:
            assert _attached(a, ax), f"{name}: {a!r} is not attached to the axes"
        ax.figure.canvas.draw()  # renders without error


def test_batched_loss_curve_one_line_per_run(runs):
    ax = _ax()
    lines = P.loss_curve(ax, runs["tb"])
    assert len(lines) == runs["tb"].runs
    assert all(l in ax.lines for l in lines)


def test_set_path_changes_data_and_keeps_limits(runs):
    t = runs["t2"]
    ax = _ax()
    P.contours_2d(ax, t.surface)
    pa = P.path_2d(ax, t)
    lims = ax.get_xlim(), ax.get_ylim()
    before = pa.line.get_xydata().copy()
    P.set_path(pa, t.x[:5, 0], t.x[:5, 1])
    after = pa.line.get_xydata()
    assert after.shape == (5, 2) and before.shape != after.shape
    np.testing.assert_allclose(pa.head.get_xydata(), t.x[4:5])
    assert pa.arrows.get_visible()
    # far away and non-finite points: no exception, limits unchanged, head on last finite point
    u = np.array([0.0, 1.0, 1e80, np.inf, np.nan, -3.0])
    v = np.array([0.0, 1.0, 1e80, 2.0, 1.0, -1e300])
    P.set_path(pa, u, v)
    ax.figure.canvas.draw()
    assert (ax.get_xlim(), ax.get_ylim()) == lims
    xy = pa.line.get_xydata()
    assert np.all(np.abs(xy[np.isfinite(xy)]) < 1e6), "far points must be pulled in"
    assert np.isnan(xy[3]).all() and np.isnan(xy[4]).all()
    # long paths: arrows hidden
    P.set_path(pa, np.linspace(-1, 1, 200), np.linspace(-1, 1, 200))
    assert not pa.arrows.get_visible()
    P.set_path(pa, [], [])
    ax.figure.canvas.draw()
    assert pa.line.get_xydata().size == 0


def test_diverging_run_keeps_window():
    t = lrviz.descend("valley", "sgd", steps=60, lr=0.5)  # far beyond 2/L: it blows up
    assert np.abs(t.x).max() > 1e6
    ax = _ax()
    P.contours_2d(ax, t.surface)
    P.path_2d(ax, t)
    ax.figure.canvas.draw()
    assert ax.get_xlim() == t.surface.bounds[0] and ax.get_ylim() == t.surface.bounds[1]
    ax1 = _ax()
    t1 = lrviz.descend("parabola", "sgd", x0=(1.0,), steps=80, lr=5.0)
    P.curve_1d(ax1, t1.surface)
    lims = ax1.get_xlim(), ax1.get_ylim()
    P.path_1d(ax1, t1)
    P.step_1d(ax1, t1.surface, 1.0, 5.0)
    ax1.figure.canvas.draw()
    assert (ax1.get_xlim(), ax1.get_ylim()) == lims


def test_path_on_empty_axes_uses_surface_window(runs):
    ax = _ax()
    P.path_2d(ax, runs["t2"])
    assert ax.get_xlim() == runs["t2"].surface.bounds[0]


def test_update_helpers(runs):
    t, t_other = runs["t2"], lrviz.descend("rosenbrock", "adam", x0=(-1.5, 2.0), steps=40, lr=0.01)
    ax = _ax()
    line = P.loss_curve(ax, t)
    P.update_loss_curve(line, t_other)
    assert line.get_xdata().size == 41
    assert ax.get_xlim()[1] == 40
    ax2 = _ax()
    lline = P.lr_curve(ax2, t)
    P.update_lr_curve(lline, t_other)
    assert lline.get_xdata().size == 40
    np.testing.assert_allclose(lline.get_ydata(), 0.01)
    ax3 = _ax()
    s = runs["t1"].surface
    P.curve_1d(ax3, s)
    tan = P.tangent_1d(ax3, s, 1.0)
    y0 = tan.get_ydata().copy()
    P.set_tangent(tan, s, -1.0)
    assert not np.allclose(tan.get_ydata(), y0)


def test_tangent_has_the_right_slope(runs):
    s = runs["t1"].surface  # 5 x^2: slope 10 x
    ax = _ax()
    P.curve_1d(ax, s)
    line = P.tangent_1d(ax, s, 0.7, half_width=0.1)
    x, y = line.get_data()
    np.testing.assert_allclose((y[1] - y[0]) / (x[1] - x[0]), 7.0)
    np.testing.assert_allclose(x, [0.6, 0.8])


def test_step_1d_points_downhill(runs):
    s = runs["t1"].surface
    ax = _ax()
    P.curve_1d(ax, s)
    st = P.step_1d(ax, s, 1.0, 0.05)
    (x0, y0), (x1, y1) = st.arrow._posA_posB
    assert x0 == 1.0 and x1 == pytest.approx(1.0 - 0.05 * 10.0) and y0 == y1


def test_contours_log_levels_and_minima(runs):
    ax = _ax()
    cs = P.contours_2d(ax, lrviz.surface("rosenbrock"), levels=12)
    lv = np.asarray(cs.levels)
    assert np.all(lv > 0) and lv[-1] / lv[0] > 1e3
    ratios = lv[1:] / lv[:-1]
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-6)  # geometric
    stars = [l for l in ax.lines if l.get_marker() == "*"]
    assert len(stars) == 1
    cs2 = P.contours_2d(_ax(), lrviz.surface("bowl"), levels=10)
    assert np.allclose(np.diff(cs2.levels), np.diff(cs2.levels)[0])  # linear


def test_gradient_field_points_downhill():
    s = lrviz.surface("bowl")
    q = P.gradient_field(_ax(), s, n=5)
    xy, uv = q.get_offsets(), np.column_stack([q.U, q.V])
    g = s.grad(np.asarray(xy))
    assert np.all(np.sum(uv * g, axis=1)[np.linalg.norm(xy, axis=1) > 0] < 0)


def test_internals_defaults_and_names(runs):
    lines = P.internals(_ax(), runs["t2"])
    labels = " ".join(l.get_label() for l in lines)
    assert "hat m" in labels and "effective lr" in labels
    assert len(lines) == 6  # 3 quantities x 2 coordinates
    lines = P.internals(_ax(), runs["mom"], names=["momentum_buffer"])
    assert len(lines) == 2
    with pytest.raises(ValueError, match="names"):
        P.internals(_ax(), runs["t2"], names=["nope"])


@pytest.mark.parametrize("optimizer", ["rmsprop", "adagrad", "adadelta", "adam"])
def test_internals_legend_fits_its_panel_on_a_projector(optimizer):
    # The explorers' "inside" panel is a third of the figure's width; in the classroom
    # style a three-column legend with the long axis-label names stuck out on both sides.
    with lrviz.style.style_context("classroom"):
        ex = lrviz.explore("rosenbrock", optimizer=optimizer, lr=1e-2, steps=50)
        ex.figure.canvas.draw()
        renderer = ex.figure.canvas.get_renderer()
        (ax,) = [a for a in ex.figure.axes if a.get_legend() is not None]
        legend = ax.get_legend().get_window_extent(renderer)
        assert ax.bbox.x0 <= legend.x0 and legend.x1 <= ax.bbox.x1, (legend, ax.bbox)
        # and it covers no line, on either y-axis: it is drawn, and updated, with room above them
        for _ in range(2):
            for a in ex.figure.axes:
                for line in a.get_lines():
                    if str(line.get_gid()).startswith("lrviz-internal"):
                        xy = a.transData.transform(np.column_stack(line.get_data()))
                        top = np.nanmax(xy[np.isfinite(xy).all(axis=1), 1])
                        assert top < legend.y0, (line.get_label(), top, legend)
            assert ex.update(lr=0.02), ex.message
            ex.figure.canvas.draw()
            legend = ax.get_legend().get_window_extent(renderer)


def test_stability_map_regimes_and_critical(runs):
    ax = _ax()
    out = P.stability_map(ax, runs["sweep"])
    assert set(out["points"]) <= set(lrviz.analysis.REGIMES)
    assert "diverging" in out["points"] and "converging" in out["points"]
    assert ax.get_xscale() == "log"
    (crit,) = out["critical"]
    assert crit.get_xdata()[0] == pytest.approx(0.2)
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "2/L" in texts
    labels = [t.get_text() for t in out["legend"].get_texts()]
    assert "diverging" in labels


def test_race_colours_are_course_colours(runs):
    ax = _ax()
    out = P.race_paths(ax, {"adam": runs["t2"], "sgd": runs["tb"]})
    assert matplotlib.colors.same_color(out["adam"].line.get_color(), lrviz.style.color_for("adam"))
    assert matplotlib.colors.same_color(out["sgd"].line.get_color(), lrviz.style.color_for("sgd"))
    assert ax.get_legend() is not None


def test_plot_layer_never_loads_pyplot():
    """pyplot's global state must stay out: importing and using the layer does not import it."""
    import subprocess
    import sys

    code = ("import matplotlib; matplotlib.use('Agg'); import sys, numpy as np, lrviz\n"
            "from matplotlib.figure import Figure\n"
            "from lrviz import plotting as P, animation as A\n"
            "t = lrviz.descend('bowl', 'sgd', steps=5, lr=0.1)\n"
            "ax = Figure().add_subplot(); P.contours_2d(ax, t.surface); P.path_2d(ax, t)\n"
            "print('matplotlib.pyplot' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_render_look_figures(runs):
    """Figures a human looks at (written to /tmp/lrviz_look/)."""
    os.makedirs(LOOK, exist_ok=True)
    for mode in ("notebook", "classroom"):
        with lrviz.style.style_context(mode):
            fig = _fig()
            ax = fig.add_subplot()
            s = runs["t1"].surface
            P.curve_1d(ax, s)
            P.path_1d(ax, runs["t1"], label="sgd")
            P.tangent_1d(ax, s, 1.5)
            P.step_1d(ax, s, 1.5, 0.15)
            ax.legend()
            fig.savefig(f"{LOOK}/test_{mode}_1d.png")
            fig = _fig()
            ax = fig.add_subplot()
            P.contours_2d(ax, runs["t2"].surface)
            P.gradient_field(ax, runs["t2"].surface)
            P.path_2d(ax, runs["t2"], label="adam")
            fig.savefig(f"{LOOK}/test_{mode}_rosenbrock.png")
            assert os.path.getsize(f"{LOOK}/test_{mode}_rosenbrock.png") > 10_000


def test_update_internals_follows_a_new_trajectory():
    a = lrviz.descend("valley", "adam", lr=0.05, steps=30)
    b = lrviz.descend("valley", "adam", lr=0.2, steps=30)
    ax = _ax()
    lines = P.internals(ax, a)
    P.update_internals(lines, b)
    fresh = P.internals(_ax(), b)
    for old, new in zip(lines, fresh):
        np.testing.assert_array_equal(old.get_ydata(), new.get_ydata())
    ax.figure.canvas.draw()


def test_subplots_is_a_static_figure_outside_pyplot():
    fig, axes = P.subplots(1, 2)
    assert len(axes) == 2 and fig.canvas.__class__.__name__ == "FigureCanvasAgg"
    fig.canvas.draw()
    assert fig.get_layout_engine() is not None  # constrained layout keeps projector fonts inside


def test_repeated_internals_updates_keep_the_limits_steady():
    a = lrviz.descend("rosenbrock", "adam", lr=1e-2, steps=200)
    ax = _ax()
    lines = P.internals(ax, a)
    P.update_internals(lines, a)
    first = [x.get_ylim() for x in ax.figure.axes]
    for _ in range(30):
        P.update_internals(lines, a)
    assert [x.get_ylim() for x in ax.figure.axes] == first
    ax.figure.canvas.draw()


def test_a_path_that_leaves_for_good_stops_at_the_window_edge():
    ax = _ax()
    s = lrviz.surface("valley")
    P.contours_2d(ax, s)  # window (-2, 2) x (-2, 2)
    t = lrviz.descend(s, "sgd", steps=60, lr=0.5)  # diverges
    pa = P.path_2d(ax, t)
    xy = pa.line.get_xydata()
    shown = xy[np.isfinite(xy).all(axis=1)]
    assert np.all(np.abs(shown) <= 2.0 + 1e-12), "nothing is drawn outside the window"
    assert np.abs(shown[-1]).max() == pytest.approx(2.0), "the last point is on the edge"
    assert pa.head.get_marker() == "X"
    np.testing.assert_allclose(pa.head.get_xydata()[0], shown[-1])
    # the exit lies on the segment from the last inside point towards the next one
    j = int(np.flatnonzero((np.abs(t.x) <= 2).all(axis=1))[-1])
    a, b = t.x[j], t.x[j + 1]
    cross = (b - a)[0] * (shown[-1] - a)[1] - (b - a)[1] * (shown[-1] - a)[0]
    assert abs(cross) < 1e-9 * np.linalg.norm(b - a) ** 2
    # a path that leaves and comes back is drawn whole, with a round head
    u = np.array([0.0, 3.0, 1.0, 0.5])
    P.set_path(pa, u, u)
    assert np.isfinite(pa.line.get_xydata()).all() and pa.head.get_marker() == "o"


def test_race_heads_are_rings_above_every_line(runs):
    ax = _ax()
    trajs = {name: runs["t2"] for name in ("sgd", "momentum", "rmsprop", "adam")}
    out = P.race_paths(ax, trajs)
    heads = [out[n].head for n in trajs]
    lines_top = max(a.get_zorder() for n in trajs for a in (out[n].line, out[n].arrows))
    assert all(h.get_zorder() > lines_top for h in heads)
    assert all(h.get_markerfacecolor() == "none" for h in heads)
    sizes = [h.get_markersize() for h in heads]
    assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) == len(sizes)
    legend = ax.get_legend()
    ax.figure.canvas.draw()
    assert legend.get_window_extent().y1 < ax.get_window_extent().y0, "legend sits under the axes"


def test_race_paths_can_leave_the_legend_to_another_panel(runs):
    ax = _ax()
    P.race_paths(ax, {"adam": runs["t2"], "sgd": runs["tb"]}, legend=False)
    assert ax.get_legend() is None
