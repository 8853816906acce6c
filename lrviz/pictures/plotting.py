"""Pictures of descent: Axes in, artists out; no pyplot state.

Every function draws on the ``ax`` it is given and returns the artists it made, so a
widget can build a figure once and later only change data (:func:`set_path`,
:func:`update_loss_curve`, :func:`update_lr_curve`, :func:`set_tangent`).

Paths that run away (divergence) never drag the view along: the axes stay on the
surface's window, a path that leaves it for good ends at the window's edge with an X, and
far-away points are pulled in along their direction (see :func:`set_path`), so the drawing
stays correct where it is visible.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from matplotlib import patheffects
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.patches import FancyArrowPatch

from ..engine import validate as V
from . import style
# Curves against the step live in curves.py; plotting stays the one place to import from.
from .curves import (internals, loss_curve, lr_curve, schedule_curve, stability_map,  # noqa: F401
                     update_internals, update_loss_curve, update_lr_curve)

__all__ = ["PathArtists", "StepArtists", "set_path", "set_tangent", "curve_1d", "path_1d",
           "tangent_1d", "step_1d", "contours_2d", "gradient_field", "path_2d", "surface_3d",
           "loss_curve", "lr_curve", "schedule_curve", "internals", "stability_map",
           "race_paths", "update_loss_curve", "update_lr_curve", "update_internals", "subplots",
           "ARROW_LIMIT", "CONTOUR_CMAP"]

# Above this many steps the arrows become clutter: only the line is drawn.
ARROW_LIMIT = 60
# Far points are pulled in to this many window sizes from the window's centre; the
# direction of a segment leaving the window then changes by < 1/FAR rad.
_FAR = 100.0
# Light, low-saturation background so the Okabe-Ito path colours stand out on it.
CONTOUR_CMAP = LinearSegmentedColormap.from_list("lrviz_contour", ["#ffffff", "#dde3ea", "#98a6b5"])
_CONTOUR_LINE = "#66727f"


def subplots(nrows=1, ncols=1, figsize=None, **kwargs):
    """A static Figure and its Axes, outside pyplot (so it shows as an image in any backend).

    Notebooks use it for the static twins of live explorers: the stored PNG is what GitHub
    and nbviewer show. Extra arguments go to ``Figure.subplots``.

    Returns:
        ``(fig, axes)`` as ``Figure.subplots`` gives them.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize or (4.2 * ncols + 1.0, 3.6 * nrows), layout="constrained")
    FigureCanvasAgg(fig)
    return fig, fig.subplots(nrows, ncols, **kwargs)


class PathArtists(NamedTuple):
    """The artists of one drawn path; update them with :func:`set_path`."""

    line: object    # Line2D through the visited points, with a white halo
    arrows: object  # Quiver joining consecutive points (hidden for > ARROW_LIMIT steps)
    head: object    # Line2D: the current (last finite) point, big marker
    dots: object    # Line2D: a marker on each visited point (hidden like the arrows)


class StepArtists(NamedTuple):
    """The artists of :func:`step_1d`."""

    arrow: object   # FancyArrowPatch from x to x - lr f'(x)
    text: object    # its label
    drop: object    # Line2D: dotted drop from the new x onto the curve


# ----------------------------------------------------------------------------- helpers

def _window(surface, bounds=None):
    """Plot window as ((xlo, xhi),) or ((xlo, xhi), (ylo, yhi))."""
    b = surface.bounds if bounds is None else bounds
    return tuple((float(lo), float(hi)) for lo, hi in b)


def _f1(surface, x):
    """f on a flat array of 1-D points."""
    x = np.asarray(x, dtype=float)
    with np.errstate(all="ignore"):
        return np.asarray(surface.f(x[..., None]), dtype=float)


def _g1(surface, x):
    with np.errstate(all="ignore"):
        return np.asarray(surface.grad(np.asarray(x, float)[..., None]), dtype=float)[..., 0]


def _ylim_1d(surface, xb, n=400):
    """y-limits that show the whole curve over the x-window, with a margin."""
    y = _f1(surface, np.linspace(xb[0], xb[1], n))
    y = y[np.isfinite(y)]
    if y.size == 0:
        return (-1.0, 1.0)
    lo, hi = float(y.min()), float(y.max())
    pad = 0.08 * (hi - lo) if hi > lo else 1.0
    return lo - pad, hi + pad


def _set_window(ax, surface, bounds=None):
    """Set limits to the surface window (1-D: y from the curve)."""
    w = _window(surface, bounds)
    ax.set_xlim(*w[0])
    ax.set_ylim(*(w[1] if surface.dim == 2 else _ylim_1d(surface, w[0])))


def _keep_limits(ax, surface):
    """Return a function that restores the axes' limits (or sets the surface window on empty axes)."""
    had = ax.has_data()
    xl, yl = ax.get_xlim(), ax.get_ylim()

    def restore():
        if had:
            ax.set_xlim(*xl)
            ax.set_ylim(*yl)
        else:
            _set_window(ax, surface)
    return restore


def _run(a, traj, run):
    """One run's slice of a (R?, T, ...) array."""
    return a[run] if traj.batched else a


def _tame(u, v, ax):
    """Pull points farther than _FAR windows from the view centre in, along their ray.

    A segment from a visible point to 1e80 keeps its visible direction, and Agg never
    sees coordinates it cannot rasterize. Non-finite values stay NaN (drawn as gaps).
    """
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    cx, cy, hx, hy = (x0 + x1) / 2, (y0 + y1) / 2, abs(x1 - x0) / 2 or 1.0, abs(y1 - y0) / 2 or 1.0
    with np.errstate(all="ignore"):
        du, dv = (u - cx) / hx, (v - cy) / hy
        r = np.maximum(np.abs(du), np.abs(dv))
        k = np.where(r > _FAR, _FAR / r, 1.0)
        return cx + du * k * hx, cy + dv * k * hy


def _cut_at_exit(u, v, ax):
    """End a path that leaves the window for good where it crosses the window's edge.

    A run that diverges (or ends outside the picture) would otherwise draw long lines to
    the window's far side. Points after the exit become NaN (the arrays keep their length);
    a path that leaves and comes back is drawn whole. Returns ``(u, v, left)``.
    """
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    finite = np.isfinite(u) & np.isfinite(v)
    with np.errstate(invalid="ignore"):
        inside = finite & (u >= x0) & (u <= x1) & (v >= y0) & (v <= y1)
    if not inside.any() or not finite.any():
        return u, v, False
    j = int(np.flatnonzero(inside)[-1])
    after = np.flatnonzero(finite[j + 1:]) + j + 1
    if after.size == 0:
        return u, v, False
    u, v = u.copy(), v.copy()
    k = j + 1
    if finite[k]:  # clip the segment j -> k to the window (Liang-Barsky from an inside point)
        du, dv, s = u[k] - u[j], v[k] - v[j], 1.0
        for d, lo, hi, p in ((du, x0, x1, u[j]), (dv, y0, y1, v[j])):
            if d > 0:
                s = min(s, (hi - p) / d)
            elif d < 0:
                s = min(s, (lo - p) / d)
        u[k], v[k] = u[j] + s * du, v[j] + s * dv
        k += 1
    u[k:], v[k:] = np.nan, np.nan
    return u, v, True


def _stroke(lw):
    """A white halo so a path stays visible on dark contours and on other paths."""
    return [patheffects.withStroke(linewidth=lw + 2.0 * style.scale(), foreground="white")]


# ----------------------------------------------------------------------------- paths

def set_path(artists: PathArtists, u, v) -> PathArtists:
    """Show the path through points ``(u[i], v[i])`` on existing artists (no re-plotting).

    1-D surfaces: ``u = x``, ``v = f(x)``; 2-D: ``u = x``, ``v = y``. Non-finite points are
    gaps; the head sits on the last finite point; a path that ends outside the view stops
    where it last crosses the view's edge, and its head becomes an X there; points far
    outside the view are pulled in along their direction; the axes limits are never changed. Arrows show for up to
    :data:`ARROW_LIMIT` steps, markers likewise.

    Args:
        artists: a :class:`PathArtists` from :func:`path_1d`, :func:`path_2d` or :func:`race_paths`.
        u, v: 1-D arrays of equal length (may be empty).

    Returns:
        ``artists``, for chaining.
    """
    u = np.asarray(u, dtype=float).ravel()
    v = np.asarray(v, dtype=float).ravel()
    if u.shape != v.shape:
        V.fail("v", v, f"must have as many points as u ({u.size}); got {v.size}")
    ax = artists.line.axes
    finite = np.isfinite(u) & np.isfinite(v)
    u = np.where(finite, u, np.nan)
    v = np.where(finite, v, np.nan)
    tu, tv = _tame(u, v, ax)
    tu, tv, left = _cut_at_exit(tu, tv, ax)
    finite = np.isfinite(tu) & np.isfinite(tv)
    artists.line.set_data(tu, tv)
    short = u.size - 1 <= ARROW_LIMIT
    artists.dots.set_data(tu, tv)
    artists.dots.set_visible(short)
    last = np.flatnonzero(finite)
    artists.head.set_marker("X" if left else "o")
    if last.size:
        artists.head.set_data(tu[last[-1:]], tv[last[-1:]])
    else:
        artists.head.set_data([], [])
    # The quiver has a fixed capacity of ARROW_LIMIT arrows; unused ones are masked.
    q = artists.arrows
    n = min(max(u.size - 1, 0), q.N)
    xy = np.zeros((q.N, 2))
    uu = np.full(q.N, np.nan)
    vv = np.full(q.N, np.nan)
    if short and n:
        xy[:n, 0], xy[:n, 1] = tu[:n], tv[:n]
        uu[:n], vv[:n] = np.diff(tu[:n + 1]), np.diff(tv[:n + 1])
        xy[~np.isfinite(xy)] = 0.0  # masked anyway; offsets must be finite
    _set_quiver(q, xy, uu, vv)
    q.set_visible(bool(short and n))
    return artists


def _set_quiver(q, xy, u, v):
    """Move a Quiver's arrows: offsets and the XY it uses for 'xy' angles."""
    q.X, q.Y = xy[:, 0], xy[:, 1]
    q.XY = xy
    q.set_offsets(xy)
    with np.errstate(invalid="ignore"):
        q.set_UVC(u, v)


def _new_path(ax, surface, u, v, color, label, zorder=5):
    restore = _keep_limits(ax, surface)
    sc = style.scale()
    lw = 1.6 * sc
    color = color or style.color_for("sgd")
    (line,) = ax.plot([], [], "-", color=color, lw=lw, label=label, zorder=zorder, scalex=False,
                      scaley=False, path_effects=_stroke(lw))
    # The markers are their own artist, without the halo: a path effect makes Agg draw
    # every marker as a separate path (16 ms a frame for 60 points, against ~1 ms).
    (dots,) = ax.plot([], [], "None", marker="o", ms=3.2 * sc, mfc=color, mec="white", mew=0.6 * sc,
                      zorder=zorder + 0.05, scalex=False, scaley=False)
    z = np.zeros(ARROW_LIMIT)
    arrows = ax.quiver(z, z, z, z, angles="xy", scale_units="xy", scale=1, color=color,
                       width=0.0045 * sc, headwidth=3.2, headlength=4.2, headaxislength=3.8,
                       minlength=0, minshaft=1, zorder=zorder + 0.1, pivot="tail")
    arrows.set_edgecolor("white")
    arrows.set_linewidth(0.5 * sc)
    (head,) = ax.plot([], [], "o", color=color, ms=9 * sc ** 0.7, mec="white", mew=1.5 * sc,
                      zorder=zorder + 0.2, scalex=False, scaley=False)
    restore()
    return set_path(PathArtists(line, arrows, head, dots), u, v)


def path_1d(ax, traj, color=None, label=None, run=0) -> PathArtists:
    """Draw a 1-D descent as points ``(x_t, f(x_t))`` on the curve joined by arrows.

    Args:
        ax: the Axes (draw :func:`curve_1d` first, or the surface window is used).
        traj: a 1-D :class:`~lrviz.descent.Trajectory` (batched: run ``run``).
        color, label: line colour (default: the optimizer's course colour) and legend label.

    Returns:
        :class:`PathArtists`; change them later with :func:`set_path`.
    """
    x = _run(traj.x, traj, run)[:, 0]
    return _new_path(ax, traj.surface, x, _run(traj.loss, traj, run),
                     color or style.color_for(traj.optimizer.name), label)


def path_2d(ax, traj, color=None, label=None, run=0) -> PathArtists:
    """Draw a 2-D descent as points joined by arrows (on top of :func:`contours_2d`).

    Args:
        ax: the Axes.
        traj: a 2-D Trajectory (batched: run ``run``).
        color, label: line colour (default: the optimizer's course colour) and legend label.

    Returns:
        :class:`PathArtists`; change them later with :func:`set_path`.
    """
    x = _run(traj.x, traj, run)
    return _new_path(ax, traj.surface, x[:, 0], x[:, 1],
                     color or style.color_for(traj.optimizer.name), label)


def race_paths(ax, trajs: dict, legend=True) -> dict:
    """Several optimizers' paths on one picture, each in its course colour, with a legend.

    The current points are rings of decreasing size drawn above all paths, so none hides
    another; with more than three runners the legend goes under the axes.

    On empty axes the surface is drawn first (:func:`curve_1d` or :func:`contours_2d`).

    Args:
        ax: the Axes.
        trajs: name -> Trajectory, all on the same surface.
        legend: draw the legend (False when another panel of the figure already has one).

    Returns:
        name -> :class:`PathArtists`.
    """
    if not trajs:
        return {}
    first = next(iter(trajs.values()))
    if not ax.has_data():
        (curve_1d if first.surface.dim == 1 else contours_2d)(ax, first.surface)
    draw = path_1d if first.surface.dim == 1 else path_2d
    out = {}
    n = len(trajs)
    sc = style.scale()
    for i, (name, traj) in enumerate(trajs.items()):
        out[name] = draw(ax, traj, color=style.color_for(name), label=str(name))
        for a in out[name]:
            a.set_zorder(a.get_zorder() + 0.5 * i)
        # Heads are rings above every line, each smaller than the one before, so runners
        # that end on the same spot (or barely leave the start) all stay visible.
        head = out[name].head
        head.set_zorder(20 + i)
        head.set_markerfacecolor("none")
        head.set_markeredgecolor(style.color_for(name))
        head.set_markeredgewidth(2.2 * sc ** 0.7)
        head.set_markersize((15 - 9 * i / max(n - 1, 1)) * sc ** 0.7)
    if legend and n <= 3:
        ax.legend(loc="best")
    elif legend:  # many entries would hide the landscape: put the legend under the axes
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3, borderaxespad=0.0,
                  fontsize="small", columnspacing=1.0, handlelength=1.5)
    return out


# ----------------------------------------------------------------------------- 1-D

def curve_1d(ax, surface, bounds=None, n=400, **kw):
    """Draw the loss curve ``f(x)`` over the window and mark its known minima.

    Args:
        ax: the Axes. surface: a 1-D Surface. bounds: ``((lo, hi),)`` (default: the surface's).
        n: number of sample points. kw: passed to ``ax.plot``.

    Returns:
        The Line2D of the curve.
    """
    (xb,) = _window(surface, bounds)
    x = np.linspace(xb[0], xb[1], n)
    kw.setdefault("color", "#404040")
    kw.setdefault("zorder", 2)
    (line,) = ax.plot(x, _f1(surface, x), **kw)
    ax.set_xlim(*xb)
    ax.set_ylim(*_ylim_1d(surface, xb, n))
    if not ax.get_xlabel():
        ax.set_xlabel("$x$")
    if not ax.get_ylabel():
        ax.set_ylabel("loss $f(x)$")
    return line


def _tangent_data(surface, x, half_width, ax):
    x = float(x)
    y, s = float(_f1(surface, x)), float(_g1(surface, x))
    if half_width is None:
        # Same on-screen length whatever the slope: 15% of the window's diagonal.
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        wx, wy = abs(x1 - x0) or 1.0, abs(y1 - y0) or 1.0
        half_width = 0.12 / np.hypot(1 / wx, s / wy) if np.isfinite(s) else 0.0
    t = np.array([x - half_width, x + half_width])
    return t, y + s * (t - x), s


def tangent_1d(ax, surface, x, half_width=None, color=None):
    """Draw the slope ``f'(x)`` at ``x`` as a short tangent segment (legend shows its value).

    Args:
        ax: the Axes. surface: a 1-D Surface. x: the point.
        half_width: half the segment's x-extent (default: a fixed on-screen length).
        color: segment colour (default vermillion).

    Returns:
        The Line2D of the segment; move it with :func:`set_tangent`.
    """
    restore = _keep_limits(ax, surface)
    if not ax.has_data():
        _set_window(ax, surface)
    t, y, s = _tangent_data(surface, x, half_width, ax)
    (line,) = ax.plot(t, y, "-", color=color or style.OKABE_ITO["vermillion"], lw=2.2 * style.scale(),
                      solid_capstyle="round", zorder=4, label=f"slope $f'(x)$ = {s:.3g}",
                      scalex=False, scaley=False)
    restore()
    return line


def set_tangent(line, surface, x, half_width=None):
    """Move a :func:`tangent_1d` segment to ``x`` (updates its data and label)."""
    t, y, s = _tangent_data(surface, x, half_width, line.axes)
    line.set_data(t, y)
    line.set_label(f"slope $f'(x)$ = {s:.3g}")
    return line


def step_1d(ax, surface, x, lr, color=None) -> StepArtists:
    """Draw one gradient step: a horizontal arrow from ``x`` to ``x - lr f'(x)``, labelled.

    A dotted line drops from the new x onto the curve: where the step lands.

    Args:
        ax: the Axes. surface: a 1-D Surface. x: the current point. lr: the learning rate.
        color: arrow colour (default blue).

    Returns:
        :class:`StepArtists` (arrow, text, drop).
    """
    restore = _keep_limits(ax, surface)
    if not ax.has_data():
        _set_window(ax, surface)
    color = color or style.OKABE_ITO["blue"]
    x = float(x)
    y, g = float(_f1(surface, x)), float(_g1(surface, x))
    step = -lr * g
    x_new = x + step
    x0, x1 = ax.get_xlim()
    # A step that leaves the window is drawn to its edge; the label gives the true size.
    span = x1 - x0
    x_draw = float(np.clip(x_new, x0 - 0.02 * span, x1 + 0.02 * span)) if np.isfinite(x_new) else x1
    arrow = FancyArrowPatch((x, y), (x_draw, y), arrowstyle="-|>", mutation_scale=14 * style.scale() ** 0.7,
                            lw=1.8 * style.scale(), color=color, zorder=6, shrinkA=0, shrinkB=0)
    ax.add_patch(arrow)
    text = ax.annotate(rf"$-\eta f'(x)$ = {step:.3g}", xy=((x + x_draw) / 2, y), xytext=(0, 6),
                       textcoords="offset points", ha="center", va="bottom", color=color, zorder=6,
                       fontsize="small", annotation_clip=False,
                       path_effects=[patheffects.withStroke(linewidth=3, foreground="white")])
    y_new = float(_f1(surface, x_new)) if np.isfinite(x_new) else np.nan
    (drop,) = ax.plot([x_draw, x_draw], [y, y_new if np.isfinite(y_new) else y], ":", color=color,
                      lw=1.4 * style.scale(), zorder=5, scalex=False, scaley=False)
    restore()
    return StepArtists(arrow, text, drop)


# ----------------------------------------------------------------------------- 2-D

def _grid(surface, bounds, n):
    (xb, yb) = _window(surface, bounds)
    n = V.integer("n", n, lo=2)
    xs, ys = np.linspace(*xb, n), np.linspace(*yb, n)
    X, Y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        Z = np.asarray(surface.f(np.stack([X, Y], axis=-1)), dtype=float)
    return X, Y, Z


def _levels(Z, levels, log, min_value):
    """Contour levels and the array to contour (shifted by f_min when log-spaced)."""
    finite = Z[np.isfinite(Z)]
    if finite.size == 0:
        return None, Z
    if not log:
        if np.ndim(levels):
            return np.asarray(levels, float), Z
        lo, hi = finite.min(), finite.max()
        return (np.linspace(lo, hi, int(levels)) if hi > lo else None), Z
    base = min_value if min_value is not None and min_value <= finite.min() else finite.min()
    Zs = Z - base
    pos = Zs[np.isfinite(Zs) & (Zs > 0)]
    if pos.size == 0 or np.ndim(levels):
        return (np.asarray(levels, float) - base if np.ndim(levels) else None), Zs
    top = pos.max()
    lo = max(pos.min(), top * 1e-6)
    return np.geomspace(lo, top, int(levels)), Zs


def contours_2d(ax, surface, bounds=None, levels=20, log=None, n=200, filled=True):
    """Draw the loss landscape's contours (filled, light) and star its known minima.

    Args:
        ax: the Axes. surface: a 2-D Surface. bounds: window (default: the surface's).
        levels: number of levels or explicit level values.
        log: log-spaced levels (of ``f - f_min``); ``None`` uses ``surface.log_levels``.
        n: grid size per axis (the grid is one vectorized ``surface.f`` call).
        filled: fill between levels (thin level lines are drawn too).

    Returns:
        The filled ContourSet (``filled=False``: the line ContourSet).
    """
    if surface.dim != 2:
        V.fail("surface", surface.name, f"contours_2d needs a 2-D surface; this one is {surface.dim}-D")
    log = surface.log_levels if log is None else bool(log)
    X, Y, Z = _grid(surface, bounds, n)
    lv, C = _levels(Z, levels, log, surface.min_value)
    C = np.ma.masked_invalid(C)
    out = None
    if filled:
        out = ax.contourf(X, Y, C, levels=lv, cmap=CONTOUR_CMAP, extend="max", zorder=0,
                          locator=None)
    lines = ax.contour(X, Y, C, levels=lv, colors=_CONTOUR_LINE, linewidths=0.6 * style.scale() ** 0.5,
                       alpha=0.7, zorder=1)
    out = out or lines
    for m in surface.minima:
        ax.plot([m[0]], [m[1]], "*", color="white", mec="black", mew=1.0, ms=13 * style.scale() ** 0.6,
                zorder=3, scalex=False, scaley=False)
    w = _window(surface, bounds)
    ax.set_xlim(*w[0])
    ax.set_ylim(*w[1])
    ax.grid(False)
    if not ax.get_xlabel():
        ax.set_xlabel("$x$")
    if not ax.get_ylabel():
        ax.set_ylabel("$y$")
    return out


def gradient_field(ax, surface, bounds=None, n=15, normalize=True):
    """Draw arrows of ``-grad f`` (the descent direction) on an ``n`` x ``n`` grid.

    Args:
        ax: the Axes. surface: a 2-D Surface. bounds: window (default: the surface's).
        n: arrows per axis.
        normalize: all arrows the same length (direction only); else length ~ |grad|,
            the longest filling a grid cell.

    Returns:
        The Quiver.
    """
    (xb, yb) = _window(surface, bounds)
    pad = 0.5 / n
    xs = np.linspace(xb[0] + pad * (xb[1] - xb[0]), xb[1] - pad * (xb[1] - xb[0]), n)
    ys = np.linspace(yb[0] + pad * (yb[1] - yb[0]), yb[1] - pad * (yb[1] - yb[0]), n)
    X, Y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        G = np.asarray(surface.grad(np.stack([X, Y], axis=-1)), dtype=float)
        cx, cy = (xb[1] - xb[0]) / n, (yb[1] - yb[0]) / n
        # Length measured in grid cells keeps the data-space direction exact.
        L = np.hypot(G[..., 0] / cx, G[..., 1] / cy)
        norm = L if normalize else np.nanmax(np.where(np.isfinite(L), L, np.nan))
        U = np.where((L > 0) & np.isfinite(L), -G[..., 0] / norm * 0.55, np.nan)
        V = np.where((L > 0) & np.isfinite(L), -G[..., 1] / norm * 0.55, np.nan)
    restore = _keep_limits(ax, surface)
    q = ax.quiver(X, Y, U, V, angles="xy", scale_units="xy", scale=1, color="#5a6670", alpha=0.4,
                  width=0.0022 * style.scale() ** 0.6, headwidth=4, headlength=4.5, zorder=2,
                  pivot="middle")
    restore()
    return q


def surface_3d(ax3d, surface, bounds=None, n=60):
    """Draw a 2-D surface as a 3-D mesh (``ax3d`` from ``fig.add_subplot(projection="3d")``).

    Log-level surfaces are drawn as ``log10(1 + f - f_min)`` so the valley is visible.

    Returns:
        The Poly3DCollection.
    """
    if surface.dim != 2:
        V.fail("surface", surface.name, f"surface_3d needs a 2-D surface; this one is {surface.dim}-D")
    X, Y, Z = _grid(surface, bounds, n)
    label = "$f$"
    if surface.log_levels:
        base = surface.min_value if surface.min_value is not None else np.nanmin(Z)
        Z = np.log10(1 + np.maximum(Z - base, 0))
        label = r"$\log_{10}(1 + f - f^*)$"
    art = ax3d.plot_surface(X, Y, np.ma.masked_invalid(Z), cmap="viridis", linewidth=0,
                            antialiased=True, alpha=0.9, rcount=n, ccount=n)
    ax3d.set_xlabel("$x$")
    ax3d.set_ylabel("$y$")
    ax3d.set_zlabel(label)
    return art
