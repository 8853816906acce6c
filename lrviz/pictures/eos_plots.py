"""Pictures of the edge of stability: sharpness against 2/lr, the training loss, stable lr vs batch size.

Axes in, artists out, like :mod:`lrviz.pictures.plotting`. The runs are
:class:`lrviz.training.eos.EoSRun` records (numbers from the training layer only).
"""
from __future__ import annotations

import numpy as np

from . import style

__all__ = ["sharpness_curve", "loss_curve", "update_run", "sharpness_panel", "loss_panel", "stable_lr_curve",
           "RUN_COLORS"]

RUN_COLORS = [style.OKABE_ITO[k] for k in ("blue", "vermillion", "bluish_green", "orange", "reddish_purple")]


def _edge_xy(run):
    """2/lr(t) as a step line over the whole run (the threshold each update faced)."""
    steps = np.arange(len(run.lr))
    return steps, 2.0 / run.lr


def sharpness_curve(ax, run, color=None, label=None, edge=True):
    """The sharpness S(w_t) (solid, with dots) and, dashed in the same colour, 2/lr(t).

    Returns:
        dict with ``"sharpness"`` and ``"edge"`` (Line2D; ``"edge"`` is None without ``edge``).
    """
    color = color or RUN_COLORS[0]
    (s_line,) = ax.plot(run.sharpness_steps, run.sharpness, color=color, marker="o", ms=3, label=label)
    e_line = None
    if edge:
        (e_line,) = ax.plot(*_edge_xy(run), color=color, ls="--", lw=1.5, alpha=0.9,
                            label=None if label is None else f"2/lr ({label})")
    ax.set_xlabel("step")
    ax.set_ylabel("sharpness  $\\lambda_{max}$")
    return {"sharpness": s_line, "edge": e_line}


def loss_curve(ax, run, color=None, label=None, log=True):
    """The full training loss at the steps where it was recorded. Returns the Line2D."""
    color = color or RUN_COLORS[0]
    (line,) = ax.plot(run.loss_steps, run.loss, color=color, lw=1.5, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("training loss")
    return line


def update_run(artists, loss_line, run):
    """Move the artists of :func:`sharpness_curve` and :func:`loss_curve` to another run (set_data)."""
    artists["sharpness"].set_data(run.sharpness_steps, run.sharpness)
    if artists.get("edge") is not None:
        artists["edge"].set_data(*_edge_xy(run))
    if loss_line is not None:
        loss_line.set_data(run.loss_steps, run.loss)


def sharpness_panel(ax, runs, colors=None, ylim=None, legend_loc="best"):
    """Several runs' sharpness with their 2/lr lines; ``runs`` is label -> EoSRun.

    The legend names each run once, plus one grey dashed entry for the 2/lr lines (each
    drawn dashed in its run's colour).

    Returns label -> the artists of :func:`sharpness_curve`.
    """
    from matplotlib.lines import Line2D

    colors = colors or {k: RUN_COLORS[i % len(RUN_COLORS)] for i, k in enumerate(runs)}
    out = {k: sharpness_curve(ax, r, color=colors[k], label=k) for k, r in runs.items()}
    if ylim is not None:
        ax.set_ylim(*ylim)
    handles = [a["sharpness"] for a in out.values()] + [Line2D([], [], color="0.4", ls="--", lw=1.5)]
    ax.legend(handles, [*out, "2/lr (dashed, same colour)"], loc=legend_loc, fontsize="small")
    return out


def loss_panel(ax, runs, colors=None, log=True):
    """Several runs' training loss; returns label -> Line2D."""
    colors = colors or {k: RUN_COLORS[i % len(RUN_COLORS)] for i, k in enumerate(runs)}
    out = {k: loss_curve(ax, r, color=colors[k], label=k, log=log) for k, r in runs.items()}
    ax.legend(loc="best", fontsize="small")
    return out


def stable_lr_curve(ax, batch_sizes, lrs, color=None):
    """The largest stable lr against the batch size (log x), one dot per measured size.

    ``lrs`` entries that are None (no lr on the grid was stable) are drawn at 0.
    Returns the Line2D.
    """
    y = [0.0 if v is None else v for v in lrs]
    (line,) = ax.plot(batch_sizes, y, color=color or RUN_COLORS[0], marker="o", ms=7)
    ax.set_xscale("log")
    ax.set_xticks(list(batch_sizes), [str(b) for b in batch_sizes])
    ax.minorticks_off()
    ax.set_xlabel("batch size")
    ax.set_ylabel("largest stable lr")
    ax.set_ylim(0, max(y) * 1.15 if max(y) > 0 else 1)
    return line
