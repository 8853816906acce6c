"""Curves against the step: loss, learning rate, schedules, the optimizer's internals,
and the stability map of a sweep. Axes in, artists out; no pyplot state.

Each ``update_*`` function refreshes what its drawing function made from a new trajectory.
Live updates keep the axes' limits while the data fit them (``sticky``), so an explorer
can blit the new lines instead of redrawing the whole figure.
"""
from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from matplotlib import patheffects

from . import style
from ..engine import validate as V
from ..engine.analysis import REGIMES, critical_lr

__all__ = ["loss_curve", "update_loss_curve", "lr_curve", "update_lr_curve", "schedule_curve",
           "internals", "update_internals", "stability_map"]


def _run(a, traj, run):
    """One run's slice of a (R?, T, ...) array."""
    return a[run] if traj.batched else a


# ----------------------------------------------------------------------------- curves vs step

def _f_min(surface):
    if surface.min_value is not None:
        return float(surface.min_value)
    if surface.minima:
        return float(np.min(surface.f(np.asarray(surface.minima, dtype=float))))
    return None


def _loss_y(traj):
    """(y array (R?, T+1), is_gap): loss - f_min where f_min is known, floored for log axes."""
    fmin = _f_min(traj.surface)
    y = traj.loss - fmin if fmin is not None else np.asarray(traj.loss, float)
    return y, fmin is not None


def _auto_log(y):
    """Log scale when the data are positive and span more than two decades."""
    y = np.asarray(y, float)
    y = y[np.isfinite(y)]
    if y.size == 0 or np.any(y < 0):
        return False
    pos = y[y > 0]
    return pos.size > 0 and pos.max() / max(pos.min(), 1e-300) > 100


def _floor(y, log):
    if not log:
        return y
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(y), np.maximum(y, 1e-16), np.nan)


#: The largest |y-limit| a loss axis takes (see _set_ylim).
Y_CAP = 1e100


#: The smallest lower y-limit a log axis takes (see _set_ylim): a run that converges to an
#: exactly-zero loss leaves subnormal values whose slack below, in decades, underflows to 0.
LOG_FLOOR = 1 / Y_CAP


#: The fewest decades a log y-axis spans (see _set_ylim).
MIN_LOG_DECADES = 2.1


def _set_ylim(ax, lo, hi, sticky=False):
    """Set y-limits; ``sticky`` keeps the current ones while [lo, hi] fits them well.

    A log axis spans at least ``MIN_LOG_DECADES``, around the geometric middle of
    [lo, hi], so that two powers of ten lie inside: with fewer, matplotlib labels the
    ticks in between too (2, 3, 4, 6 x 10^k), and they overlap in a short panel.

    Live updates pass ``sticky=True``: limits that stay put let an explorer blit the new
    lines over its cached background instead of redrawing the whole figure. The limits
    change only when the data leave them or shrink to under a third of the axis, and then
    with slack so that the next small change fits again.
    """
    # a diverged run's loss reaches 1e308, and a log locator asked for few ticks (a small
    # axis in the classroom style) may place one a whole stride, up to the axis' span in
    # decades, past the top: 10**decade overflows unless the limits stay far below 1e308
    log = ax.get_yscale() == "log"
    lo, hi = (float(v) for v in np.clip([lo, hi], -Y_CAP, Y_CAP))
    if not lo < hi and abs(hi) >= Y_CAP:  # the whole range lies past the cap
        lo, hi = (hi * 1e-3, hi) if log else (hi / 2, hi) if hi > 0 else (lo, lo / 2)
    if log:
        if not lo > 0:  # (log axes cannot show 0 or below)
            lo = hi * 1e-3 if hi > 0 else 1e-16
        lo = max(lo, LOG_FLOOR)
        if not hi > lo:  # all the data lie below the floor
            hi = lo * 10 ** MIN_LOG_DECADES
        if np.log10(hi / lo) < MIN_LOG_DECADES:
            grow = 10 ** ((MIN_LOG_DECADES - np.log10(hi / lo)) / 2)
            lo, hi = lo / grow, min(hi * grow, Y_CAP)
    t = ax.yaxis.get_transform()
    (a, b), (clo, chi) = t.transform([lo, hi]), t.transform(ax.get_ylim())
    if sticky and np.all(np.isfinite([a, b, clo, chi])) and clo <= a and b <= chi and (b - a) >= (chi - clo) / 3:
        return
    if sticky:
        slack = 0.4 * (b - a) if b > a else 0.5
        bottom = a if (lo == 0 and not log) else a - slack  # lr axes start at 0
        with np.errstate(over="ignore"):  # slack above a diverged run's 1e300 loss: cap it
            lo, hi = np.clip(t.inverted().transform([bottom, b + slack]), -Y_CAP, Y_CAP)
        if log:
            lo = max(lo, LOG_FLOOR)
    ax.set_ylim(float(lo), float(hi))


def _fit_ylim(ax, gid, log, sticky=False):
    """Cheap y-limits from the data of the axes' lines tagged ``gid``."""
    ys = [np.asarray(l.get_ydata(), float) for l in ax.get_lines() if l.get_gid() == gid]
    y = np.concatenate(ys) if ys else np.zeros(0)
    y = y[np.isfinite(y) & ((y > 0) if log else True)]
    if y.size == 0:
        return
    lo, hi = float(y.min()), float(y.max())
    if log:
        lo, hi = lo / 2, hi * 2
    else:
        pad = 0.06 * (hi - lo) if hi > lo else max(abs(hi) * 0.1, 1e-12)
        # data that are never negative (a loss gap f - f*) get no room below 0: a diverged
        # run's pad would otherwise open a whole "-1e100" half below the curve
        lo, hi = (max(lo - pad, 0.0) if lo >= 0 else lo - pad), hi + pad
    _set_ylim(ax, lo, hi, sticky)


def _fit_xlim(ax, gid):
    xs = [np.asarray(l.get_xdata(), float) for l in ax.get_lines() if l.get_gid() == gid]
    x = np.concatenate(xs) if xs else np.zeros(0)
    if x.size and np.isfinite(x).any():
        ax.set_xlim(0, max(float(np.nanmax(x)), 1))


def loss_curve(ax, traj, log=None, color=None, label=None):
    """Draw ``loss - f_min`` (or the loss, if f_min is unknown) against the step.

    Args:
        ax: the Axes. traj: a Trajectory; batched gives one line per run (coloured by run).
        log: log y-axis; ``None`` picks it when the values span > 2 decades and are >= 0.
        color, label: line colour (default: the optimizer's) and legend label.

    Returns:
        A Line2D, or a list of them for a batched trajectory; refresh with :func:`update_loss_curve`.
    """
    y, is_gap = _loss_y(traj)
    log = _auto_log(y) if log is None else bool(log)
    log = log or ax.get_yscale() == "log"  # a shared axis (a race) keeps the scale it has
    if log:
        ax.set_yscale("log")
    y = _floor(y, log)
    steps = np.arange(y.shape[-1])
    color = color or style.color_for(traj.optimizer.name)
    if traj.batched:
        import matplotlib as mpl

        cmap = mpl.colormaps["viridis"]
        R = y.shape[0]
        lines = [ax.plot(steps, y[r], color=cmap(r / max(R - 1, 1)), lw=1.2 * style.scale(),
                         gid="lrviz-loss", label=label if r == 0 else None, scaley=False)[0] for r in range(R)]
    else:  # scaley=False: _fit_ylim sets the limits (autoscaling a 1e307 loss overflows on log axes)
        lines = ax.plot(steps, y, color=color, gid="lrviz-loss", label=label, scaley=False)
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"$f(x_t) - f^*$" if is_gap else r"loss $f(x_t)$")
    _fit_xlim(ax, "lrviz-loss")
    _fit_ylim(ax, "lrviz-loss", log)
    return lines if traj.batched else lines[0]


def update_loss_curve(line, traj):
    """Refresh a single-run :func:`loss_curve` line from a new trajectory and refit the limits."""
    ax = line.axes
    log = ax.get_yscale() == "log"
    y, _ = _loss_y(traj)
    y = _run(y, traj, 0)
    line.set_data(np.arange(y.size), _floor(y, log))
    _fit_xlim(ax, "lrviz-loss")
    _fit_ylim(ax, "lrviz-loss", log, sticky=True)
    return line


def _lr_array(traj_or_lr):
    a = traj_or_lr.lr if hasattr(traj_or_lr, "lr") else traj_or_lr
    return np.asarray(a, dtype=float)


def lr_curve(ax, traj_or_lr_array, color=None, label=None):
    """Draw the learning rate used at each step.

    Args:
        ax: the Axes. traj_or_lr_array: a Trajectory or an array of lr per step
            (2-D: one line per row).
        color, label: line colour and legend label.

    Returns:
        A Line2D (a list for 2-D input / batched trajectories); refresh with :func:`update_lr_curve`.
    """
    lr = _lr_array(traj_or_lr_array)
    if color is None and hasattr(traj_or_lr_array, "optimizer"):
        color = style.color_for(traj_or_lr_array.optimizer.name)
    color = color or style.OKABE_ITO["blue"]
    log = _auto_log(lr) and np.all(lr[np.isfinite(lr)] > 0)
    if log:
        ax.set_yscale("log")
    rows = lr if lr.ndim == 2 else lr[None]
    lines = [ax.plot(np.arange(r.size), r, color=color, gid="lrviz-lr",
                     label=label if i == 0 else None)[0] for i, r in enumerate(rows)]
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"learning rate $\eta_t$")
    _fit_xlim(ax, "lrviz-lr")
    _fit_lr_ylim(ax, log)
    return lines if lr.ndim == 2 else lines[0]


def _fit_lr_ylim(ax, log, sticky=False):
    if log:
        _fit_ylim(ax, "lrviz-lr", True, sticky)
        return
    ys = [np.asarray(l.get_ydata(), float) for l in ax.get_lines() if l.get_gid() == "lrviz-lr"]
    y = np.concatenate(ys) if ys else np.zeros(0)
    y = y[np.isfinite(y)]
    if y.size:  # learning rates start from 0 on a linear axis: their size is the point
        top = float(y.max()) or 1.0
        _set_ylim(ax, 0, top * 1.08, sticky)


def update_lr_curve(line, traj):
    """Refresh a single-run :func:`lr_curve` line from a Trajectory (or lr array) and refit."""
    lr = _lr_array(traj)
    lr = lr[0] if lr.ndim == 2 else lr
    line.set_data(np.arange(lr.size), lr)
    _fit_xlim(line.axes, "lrviz-lr")
    _fit_lr_ylim(line.axes, line.axes.get_yscale() == "log", sticky=True)
    return line


def schedule_curve(ax, sched, steps, color=None, label=None):
    """Draw a schedule's learning rate against the step.

    Args:
        ax: the Axes. sched: a callable of integer step arrays (``.name`` used as label).
        steps: number of steps, or an array of steps.
        color, label: line colour and legend label (default ``sched.name``).

    Returns:
        The Line2D.
    """
    if not callable(sched):
        V.fail("sched", sched, "must be a schedule: a callable of the step", TypeError)
    t = np.arange(V.integer("steps", steps, lo=0)) if np.ndim(steps) == 0 else np.asarray(steps)
    lr = np.broadcast_to(np.asarray(sched(t), dtype=float), t.shape)
    label = label if label is not None else getattr(sched, "name", None)
    (line,) = ax.plot(t, lr, color=color or style.OKABE_ITO["blue"], gid="lrviz-lr", label=label)
    ax.set_xlabel("step $t$")
    ax.set_ylabel(r"learning rate $\eta_t$")
    _fit_xlim(ax, "lrviz-lr")
    _fit_lr_ylim(ax, ax.get_yscale() == "log")
    return line


# ----------------------------------------------------------------------------- look inside

_NICE = {
    "grad": r"gradient $g_t$",
    "momentum_buffer": r"velocity $b_t$",
    "exp_avg": r"$m_t$",
    "exp_avg_sq": r"$v_t$",
    "max_exp_avg_sq": r"$\max v_t$",
    "m_hat": r"$\hat m_t$",
    "v_hat": r"$\hat v_t$",
    "sqrt_v_hat": r"$\sqrt{\hat v_t}$",
    "square_avg": r"$E[g^2]_t$",
    "sqrt_square_avg": r"RMS $\sqrt{E[g^2]_t}$",
    "grad_avg": r"$E[g]_t$",
    "sum": r"$\sum g^2$",
    "sqrt_sum": r"$\sqrt{\sum g^2}$",
    "acc_delta": r"$E[\Delta x^2]_t$",
    "effective_lr": r"effective lr",
}

# Shorter names for the internals legend: three columns must fit a narrow panel in the
# classroom style (an axis label has room for the long ones).
_LEGEND = {**_NICE, "grad": r"$g_t$", "sqrt_square_avg": r"$\sqrt{E[g^2]_t}$"}

# Gradient-sized quantities share the left axis (m_hat vs sqrt(v_hat) is the Adam step
# ratio at a glance); learning-rate-sized ones go to a log right axis.
_DEFAULT_INTERNALS = {
    "sgd": ("grad",),
    "momentum": ("grad", "momentum_buffer"),
    "nesterov": ("grad", "momentum_buffer"),
    "rmsprop": ("grad", "sqrt_square_avg", "effective_lr"),
    "adagrad": ("grad", "sqrt_sum", "effective_lr"),
    "adadelta": ("grad", "sqrt_square_avg", "effective_lr"),
    "adam": ("m_hat", "sqrt_v_hat", "effective_lr"),
    "adamw": ("m_hat", "sqrt_v_hat", "effective_lr"),
}
_LR_UNITS = ("effective_lr",)


def _quantities(traj, run):
    """name -> (T+1 or T, dim) arrays: grad, state history, derived, and sqrt_* of squares."""
    q = {"grad": _run(traj.grad, traj, run)}
    q.update({k: _run(v, traj, run) for k, v in traj.state.items()})
    q.update({k: _run(np.asarray(v), traj, run) for k, v in traj.derived().items()})
    with np.errstate(invalid="ignore"):
        for k in ("v_hat", "square_avg", "sum", "exp_avg_sq"):
            if k in q:
                q["sqrt_" + k] = np.sqrt(np.asarray(q[k], float))
    return q


def _scale_axis(ax, values):
    """log if positive over > 1 decade; else linear."""
    v = np.concatenate(values) if values else np.zeros(0)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return
    a = np.abs(v[v != 0])
    if a.size == 0:
        return
    # Signed data stay linear: symlog's crowded tick labels are unreadable on a projector.
    if np.all(v > 0) and a.max() / a.min() > 10:
        ax.set_yscale("log")


def _headroom(ax, frac):
    """Raise the top y-limit by ``frac`` of the axis height, in whatever scale it has."""
    ax.autoscale_view()
    lo, hi = ax.get_ylim()
    t = ax.yaxis.get_transform()
    a, b = t.transform([lo, hi])
    ax.set_ylim(lo, float(t.inverted().transform([b + frac / (1 - frac) * (b - a)])[0]))


def _legend_headroom(rows) -> float:
    """Fraction of an internals panel's height kept free above the lines for its legend.

        frac = 0.15 + 0.09 rows (s / 9 pt),   s = the legend's font size ("small")

    The legend grows with the style's font while the panel's height stays about the
    same: in the classroom style (s = 15 pt) two rows cover 0.41 of the panel, which
    the notebook style's 0.30 (s = 9 pt) left to the lines.
    """
    from matplotlib.font_manager import FontProperties

    small = FontProperties(size="small").get_size_in_points()
    return min(0.15 + 0.09 * rows * small / 9.0, 0.6)


def internals(ax, traj, names=None, run=0) -> list:
    """Draw the optimizer's internal variables against the step, one line per coordinate.

    Quantities: ``grad``, the state history (``exp_avg``, ``square_avg``, ``sum`` ...),
    ``traj.derived()`` (``m_hat``, ``v_hat``, ``effective_lr``) and square roots of the
    squared averages (``sqrt_v_hat``, ``sqrt_square_avg``, ``sqrt_sum``: gradient units).
    Colour = quantity, line style = coordinate (solid x, dashed y). ``effective_lr`` goes
    on a log right-hand axis (``ax.twinx()``); the left axis is log / symlog when the
    values span decades.

    Args:
        ax: the Axes. traj: a Trajectory (batched: run ``run``).
        names: quantities to draw; ``None`` picks the informative ones for the optimizer
            (adam: ``m_hat``, ``sqrt_v_hat``, ``effective_lr``).

    Returns:
        The list of Line2D (those on the twin axis included).
    """
    q = _quantities(traj, run)
    if names is None:
        names = [n for n in _DEFAULT_INTERNALS.get(traj.optimizer.name, ("grad",)) if n in q]
    allowed = f"must be quantities recorded for {traj.optimizer.name}: {', '.join(map(repr, sorted(q)))}"
    if not isinstance(names, (str, list, tuple)):
        V.fail("names", names, allowed, TypeError)
    names = [names] if isinstance(names, str) else list(names)
    unknown = [n for n in names if n not in q]
    if unknown:
        V.fail("names", unknown[0] if len(unknown) == 1 else unknown, allowed)
    palette = [style.OKABE_ITO[k] for k in ("blue", "vermillion", "bluish_green", "reddish_purple",
                                            "orange", "sky_blue")]
    left = [n for n in names if n not in _LR_UNITS]
    right = [n for n in names if n in _LR_UNITS]
    axr = ax.twinx() if (right and left) else None
    lines, values = [], {ax: [], axr: []}
    dim = traj.surface.dim
    for i, name in enumerate(names):
        target = axr if (name in _LR_UNITS and axr is not None) else ax
        a = np.asarray(q[name], float)
        values[target].append(a.ravel())
        for d in range(dim):
            coord = "" if dim == 1 else f" [{'xy'[d]}]"
            (ln,) = target.plot(np.arange(a.shape[0]), a[:, d], ("-", "--", ":")[d % 3],
                                color=palette[i % len(palette)], label=_NICE.get(name, name) + coord,
                                gid=f"lrviz-internal:{name}:{d}", alpha=0.9 if target is ax else 0.75)
            lines.append(ln)
    _scale_axis(ax, values[ax])
    ax.set_xlabel("step $t$")
    # With several quantities on an axis the legend names them; a long label would collide.
    label = left if len(left) == 1 else (right if not left and len(right) == 1 else [])
    ax.set_ylabel(_NICE.get(label[0], label[0]) if label else "")
    if axr is not None:
        _scale_axis(axr, values[axr])
        axr.set_ylabel(_NICE.get(right[0], right[0]) if len(right) == 1 else "")
        axr.grid(False)
        axr.spines["right"].set_visible(True)
    ax.set_title(f"inside {traj.optimizer.name}")
    # One legend entry per quantity (colour), plus two grey ones saying which line style is
    # which coordinate: the legend must say it, since callers often retitle the panel.
    # Headroom on both y-axes so the legend (top, across) never covers a line: "best"
    # cannot see the twin axis' lines, and a legend outside the axes can be clipped.
    handles = lines[::dim]
    labels = [_LEGEND.get(n, n) for n in names]
    if dim == 2:
        handles += [Line2D([], [], color="0.35", ls=ls) for ls in ("-", "--")]
        labels += ["x", "y"]
    rows = -(-len(handles) // 3)
    for a in (ax, axr):
        if a is not None:
            _headroom(a, _legend_headroom(rows))
    ax.legend(handles, labels, loc="upper center", fontsize="small", ncols=min(3, len(handles)),
              handlelength=1.2, handletextpad=0.4, columnspacing=0.8, borderaxespad=0.3)
    if axr is not None:  # the legend lives on ax; keep it above the twin's lines
        ax.set_zorder(axr.get_zorder() + 1)
        ax.patch.set_visible(False)
    return lines


def update_internals(lines, traj, run=0) -> list:
    """Refresh :func:`internals` lines from a new trajectory of the same optimizer.

    Each line knows its quantity and coordinate (its gid); the y-limits are refit and
    keep the headroom for the legend.
    """
    q = _quantities(traj, run)
    axes = []
    for ln in lines:
        _, name, d = ln.get_gid().split(":")
        a = np.asarray(q[name], float)[:, int(d)]
        ln.set_data(np.arange(a.shape[0]), a)
        if ln.axes not in axes:
            axes.append(ln.axes)
    n_entries = len({ln.get_gid().split(":")[1] for ln in lines})
    n_entries += 2 if any(ln.get_gid().endswith(":1") for ln in lines) else 0  # the x / y entries
    rows = -(-n_entries // 3)  # legend rows, as internals() made them
    for a in axes:
        ys = [np.asarray(ln.get_ydata(), float) for ln in lines if ln.axes is a]
        y = np.concatenate(ys)
        log = a.get_yscale() == "log"
        y = y[np.isfinite(y) & ((y > 0) if log else True)]
        if y.size == 0:
            continue
        t = a.yaxis.get_transform()
        lo, hi = t.transform([y.min(), y.max()])
        if hi <= lo:
            hi = lo + 1.0
        frac = _legend_headroom(rows)  # above the lines for the legend, as internals() leaves
        pad = 0.05 * (hi - lo)
        # Limits that stay put must still keep the legend's share of the axis free: the
        # lines may have risen into it while their range still fits the limits.
        clo, chi = t.transform(a.get_ylim())
        below_legend = bool(np.all(np.isfinite([clo, chi])) and hi + pad <= chi - frac * (chi - clo))
        lo, hi = lo - pad, hi + pad + frac / (1 - frac) * (hi - lo + 2 * pad)
        if not below_legend:  # new limits, with the slack sticky ones get, so they stay a while
            slack = 0.1 * (hi - lo)  # more above: the legend's share stays free (frac < 0.75)
            lo, hi = lo - slack, hi + 3 * slack
        _set_ylim(a, *t.inverted().transform([lo, hi]), sticky=below_legend)
    return lines


# ----------------------------------------------------------------------------- sweeps

_CRIT_LABEL = {"sgd": "2/L", "momentum": r"2(1+$\beta$)/L", "nesterov": r"2(1+$\beta$)/((1+2$\beta$)L)"}


def stability_map(ax, sweep_result, critical=None, measure="gap", floor=1e-16) -> dict:
    """Final loss gap (or steps to tolerance) against the learning rate, points coloured by regime.

    Runs that blew up are drawn as triangles on the top edge ("off the chart"). A dashed
    line marks the tolerance, a vertical line the critical learning rate.

    A log axis cannot show a gap of exactly 0 (a run that lands on the minimum), and gaps
    far below 1e-16 are below what a double resolves next to a loss of order 1. So gaps at
    or below ``floor`` are drawn *on* a labelled dotted floor line, as downward triangles:
    there the map says "at least this good", not how good.

    Args:
        ax: the Axes. sweep_result: a :class:`~lrviz.analysis.SweepResult`.
        critical: ``None``: computed with :func:`~lrviz.analysis.critical_lr` (drawn if it
            exists, labelled "2/L" etc.); a number; a dict label -> lr; or ``False``: none.
        measure: ``"gap"``, the final ``f(x_T) - f*``; or ``"steps"``, the steps until the
            gap stays within the sweep's tolerance (runs that never get there: top edge).
        floor: the lowest gap drawn as a number (``measure="gap"`` only).

    Returns:
        dict with ``points`` (regime -> PathCollection), ``line`` (Line2D through all runs),
        ``critical`` (list of Line2D), ``tol`` (Line2D or None), ``floor`` (Line2D or None),
        ``legend``.
    """
    measure = V.choice("measure", measure, ("gap", "steps"))
    floor = V.number("floor", floor, lo=0.0, lo_open=True)
    r = sweep_result
    lr = np.asarray(r.lr, float)
    regimes = np.asarray(r.regime).astype(str)
    sc = style.scale()
    if measure == "gap":
        gap = np.asarray(r.gap, float)
        ok = np.isfinite(gap) & (regimes != "diverging")
        vals = np.maximum(gap[ok], floor) if ok.any() else np.array([1.0])
        top = max(float(vals.max()) * 30, 1.0)
        y = np.where(ok, np.maximum(np.where(np.isfinite(gap), gap, top), floor), top)
        low = ok & (gap <= floor)
    else:
        n = np.asarray(r.steps_to_tol, float)
        ok = n >= 0
        top = float(r.trajectory.steps) * 3
        y = np.where(ok, np.maximum(n, 0.5), top)  # 0 steps (a start within tolerance) sits at 0.5
        low = np.zeros(lr.shape, bool)
    order = np.argsort(lr)
    (line,) = ax.plot(lr[order], y[order], "-", color="#9a9a9a", lw=1.0 * sc, zorder=2)
    points = {}
    for name in REGIMES:
        for at_floor in (False, True):
            m = (regimes == name) & (low == at_floor)
            if not m.any():
                continue
            marker = "^" if name == "diverging" else ("v" if at_floor else "o")
            if measure == "steps":
                m &= ok
            art = ax.scatter(lr[m], y[m], s=(28 if marker == "o" else 40) * sc,
                             c=style.REGIME_COLORS[name], marker=marker, edgecolors="white",
                             linewidths=0.5 * sc, zorder=3, label=name if name not in points else None)
            points.setdefault(name, art)
        if measure == "steps" and ((regimes == name) & ~ok).any():
            m = (regimes == name) & ~ok
            art = ax.scatter(lr[m], y[m], s=40 * sc, c=style.REGIME_COLORS[name], marker="^", edgecolors="white",
                             linewidths=0.5 * sc, zorder=3, label=name if name not in points else None)
            points.setdefault(name, art)
    ax.set_xscale("log")
    ax.set_yscale("log")
    floor_line, tol = None, None
    if measure == "gap":
        ax.set_ylim(max(float(vals.min()) / 5, floor / 30), top * 3)
        tol = ax.axhline(r.tol, color="#606060", ls="--", lw=1.0 * sc, zorder=1, label=f"tolerance {r.tol:g}")
        if low.any():
            floor_line = ax.axhline(floor, color="#606060", ls=":", lw=1.5 * sc, zorder=1,
                                    label=f"floor: gap $\\leq$ {floor:g} (or exactly 0)")
    else:
        ax.set_ylim(0.3, top * 3)
    crit_lines = []
    if critical is None:
        t = r.trajectory
        c = critical_lr(t.surface, t.optimizer)
        critical = {_CRIT_LABEL.get(t.optimizer.name, "critical lr"): c} if c else {}
    elif critical is False:
        critical = {}
    elif not isinstance(critical, dict):
        critical = {"critical lr": float(critical)}
    for i, (lab, c) in enumerate(critical.items()):
        cl = ax.axvline(c, color="black", lw=1.5 * sc, ls="-.", zorder=4)
        # At the bottom: the top edge is where diverged runs sit.
        ax.annotate(f"{lab} = {c:.3g}", xy=(c, 0), xycoords=("data", "axes fraction"), xytext=(5, 5 + 18 * i),
                    textcoords="offset points", ha="left", va="bottom", fontsize="small",
                    path_effects=[patheffects.withStroke(linewidth=3, foreground="white")])
        crit_lines.append(cl)
    ax.set_xlabel(r"learning rate $\eta$")
    if measure == "gap":
        ax.set_ylabel(r"final $f(x_T) - f^*$")
    else:
        ax.set_ylabel(f"steps until gap stays $\\leq$ {r.tol:g}")
    ax.set_title(f"{r.trajectory.optimizer.name} on {r.trajectory.surface.name}, {r.trajectory.steps} steps")
    legend = ax.legend(loc="best")
    return {"points": points, "line": line, "critical": crit_lines, "tol": tol, "floor": floor_line,
            "legend": legend}
