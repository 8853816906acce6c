"""Pictures of population-based training and of a real training run: Axes in, artists out.

Like :mod:`lrviz.plotting`, every function draws on the ``ax`` it is given and returns the
artists it made, so a widget builds a figure once and later only changes data
(:func:`set_toy_step`, :func:`update_training_curves`). No pyplot state, no math beyond
evaluating what :mod:`lrviz.pbt` and :mod:`lrviz.nets` already computed.

- :func:`toy_panel` / :func:`set_toy_step`: the two workers of the PBT toy (Jaderberg et
  al. 2017, Figure 2) over the contours of the true objective Q, with exploit jumps and
  explore events.
- :func:`toy_best_q`: Q of the better worker against the step, one line per run.
- :func:`population_lr`: the lr every member trained with in each round, the exploit
  links, and the lineage of the final best model highlighted (the discovered schedule).
- :func:`discovered_schedule`: that lineage's lr against the epoch, as a step function.
- :func:`round_scores`: the best validation score per round of PBT and of a grid.
- :func:`training_curves` / :func:`update_training_curves`: loss and accuracy of a
  ``TrainResult``, train against validation / test.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import style
from ..training.pbt import lineage, toy_q

__all__ = ["ToyArtists", "TOY_WINDOW", "WORKER_COLORS", "RUN_COLORS", "SPLIT_COLORS", "toy_panel", "set_toy_step",
           "toy_best_q", "population_lr", "discovered_schedule", "round_scores", "training_curves",
           "update_training_curves"]

#: The window of the toy's theta plane shown in every panel: (theta0 range, theta1 range).
TOY_WINDOW = ((-0.15, 1.05), (-0.15, 1.05))
#: Worker 0 starts with h = (1, 0), worker 1 with h = (0, 1).
WORKER_COLORS = (style.OKABE_ITO["blue"], style.OKABE_ITO["reddish_purple"])
#: One colour per toy variant and per method, used when no colours are given.
RUN_COLORS = {"pbt": style.OKABE_ITO["vermillion"], "PBT": style.OKABE_ITO["vermillion"],
              "exploit": style.OKABE_ITO["bluish_green"], "explore": style.OKABE_ITO["sky_blue"],
              "grid": style.OKABE_ITO["black"]}
#: Train / validation / test colours of the training curves.
SPLIT_COLORS = {"train": style.OKABE_ITO["blue"], "val": style.OKABE_ITO["orange"],
                "test": style.OKABE_ITO["bluish_green"]}
_GREY = "#66727f"


class ToyArtists(NamedTuple):
    """What :func:`toy_panel` draws; move it with :func:`set_toy_step`."""

    paths: tuple     # one Line2D per worker: theta visited up to the step
    heads: tuple     # one Line2D per worker: the current theta (big marker)
    jumps: object    # Line2D: exploit jumps (dashed, nan-separated segments)
    explores: object # Line2D: markers where a worker explored (perturbed h)
    title: object    # the panel's title Text (variant, step, Q of the best worker)
    name: str        # the variant's name, the start of the title
    compact: bool    # one-line title "name: Q = ..." (for small panels); else "name\nstep k, best Q = ..."


def _q_text(result, k):
    q = np.nan_to_num(result.q[:, k], nan=-np.inf)
    return f"best Q = {q.max():.3f}" if np.isfinite(q.max()) else "best Q = -inf"


def toy_panel(ax, result, name="", step=None, levels=12, n=121, compact=False) -> ToyArtists:
    """Draw the toy's two workers on the contours of Q(theta) = 1.2 - |theta|^2.

    Args:
        ax: the Axes. result: a ``lrviz.pbt.ToyResult``. name: the variant, for the title.
        step: show the paths up to this step (default: the whole run).
        levels, n: contour levels and grid points per axis.
        compact: a one-line title without the step (for small panels in a widget).

    Returns:
        :class:`ToyArtists`; change the step (or the run) with :func:`set_toy_step`.
    """
    (x0, x1), (y0, y1) = TOY_WINDOW
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    Q = toy_q(np.stack([X, Y], axis=-1))
    ax.contourf(X, Y, Q, levels=levels, cmap="Greys_r", alpha=0.35, zorder=0)
    ax.contour(X, Y, Q, levels=levels, colors=_GREY, linewidths=0.6 * style.scale() ** 0.5, alpha=0.7, zorder=1)
    ax.plot([0], [0], "*", color="white", mec="black", mew=1.0, ms=13 * style.scale() ** 0.6, zorder=3)
    ax.plot([0.9], [0.9], "s", color="white", mec="black", mew=1.0, ms=7 * style.scale() ** 0.6, zorder=3)
    lw = 1.6 * style.scale() ** 0.5
    start_h = ("(1, 0)", "(0, 1)")
    paths = tuple(ax.plot([], [], "-", color=c, lw=lw, zorder=4, label=f"worker {i}: h = {start_h[i]}")[0]
                  for i, c in enumerate(WORKER_COLORS))
    heads = tuple(ax.plot([], [], "o", color=c, mec="black", ms=9 * style.scale() ** 0.6, zorder=6)[0]
                  for c in WORKER_COLORS)
    jumps = ax.plot([], [], "--", color="black", lw=lw * 0.7, zorder=5, label="exploit (copy)")[0]
    explores = ax.plot([], [], "^", ls="None", color=style.OKABE_ITO["bluish_green"], mec="none", alpha=0.6,
                       ms=4.5 * style.scale() ** 0.5, zorder=5, label="explore (perturb h)")[0]
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.grid(False)
    ax.set_xlabel(r"$\theta_0$")
    ax.set_ylabel(r"$\theta_1$")
    title = ax.set_title(name)
    artists = ToyArtists(paths, heads, jumps, explores, title, name, bool(compact))
    set_toy_step(artists, result, result.q.shape[1] - 1 if step is None else step)
    return artists


def set_toy_step(artists: ToyArtists, result, step) -> ToyArtists:
    """Show ``result`` up to ``step`` on existing artists (no re-plotting, limits unchanged)."""
    k = int(min(max(int(step), 0), result.q.shape[1] - 1))
    th = np.where(np.isfinite(result.theta), result.theta, np.nan)
    for i in range(th.shape[0]):
        artists.paths[i].set_data(th[i, :k + 1, 0], th[i, :k + 1, 1])
        artists.heads[i].set_data(th[i, k:k + 1, 0], th[i, k:k + 1, 1])
    seg_x, seg_y, ex_x, ex_y = [], [], [], []
    for t, kind, w, _src in result.events:
        if t > k:
            break
        if kind == "exploit":
            seg_x += [th[w, t - 1, 0], th[w, t, 0], np.nan]
            seg_y += [th[w, t - 1, 1], th[w, t, 1], np.nan]
        else:
            ex_x.append(th[w, t, 0])
            ex_y.append(th[w, t, 1])
    artists.jumps.set_data(seg_x, seg_y)
    artists.explores.set_data(ex_x, ex_y)
    if artists.compact:
        q = np.nan_to_num(result.q[:, k], nan=-np.inf).max()
        artists.title.set_text(f"{artists.name}: Q = {q:.2f}".lstrip(": "))
    else:
        head = f"{artists.name}\n" if artists.name else ""
        artists.title.set_text(f"{head}step {k}, {_q_text(result, k)}")
    return artists


def toy_best_q(ax, results: dict, colors=None, linestyles=None) -> dict:
    """Q of the better worker against the step, one line per named ``ToyResult``.

    Returns:
        {name: Line2D}; change a line with ``line.set_ydata(result.q.max(0))``.
    """
    colors = {**RUN_COLORS, **(colors or {})}
    linestyles = {"grid": "--", **(linestyles or {})}  # grid and exploit-only coincide: see both
    lines = {}
    for i, (name, res) in enumerate(results.items()):
        q = np.nan_to_num(res.q, nan=-np.inf).max(axis=0)
        color = colors.get(name, style.color_for(name))
        lw = (2.5 if i == 0 else 1.8) * style.scale() ** 0.5
        lines[name] = ax.plot(np.arange(q.size), q, linestyles.get(name, "-"), color=color, label=name, lw=lw)[0]
    ax.axhline(1.2, color=_GREY, ls=":", lw=1)
    ax.set_ylim(-0.5, 1.3)
    ax.set_xlabel("step")
    ax.set_ylabel("Q of the best worker")
    ax.legend(loc="lower right", fontsize="small")
    return lines


def population_lr(ax, result, cmap="viridis") -> dict:
    """Every member's lr per round (coloured by its score), exploit links and the winning lineage.

    Args:
        ax: the Axes. result: a ``lrviz.pbt.PBTResult`` (from ``digits_pbt`` or ``digits_grid``).

    Returns:
        {"points": PathCollection, "links": [Line2D], "lineage": Line2D, "colorbar": Colorbar}.
    """
    lr, scores, parent = result.lr, result.scores, result.parent
    R, N = lr.shape
    rounds = np.repeat(np.arange(R), N)
    links = []
    for r in range(1, R):
        for m in range(N):
            if parent[r, m] != m:
                links += ax.plot([r - 1, r], [lr[r - 1, parent[r, m]], lr[r, m]], color=_GREY, lw=1, ls="--", zorder=2)
    points = ax.scatter(rounds, lr.ravel(), c=scores.ravel(), cmap=cmap, s=60 * style.scale() ** 0.5,
                        edgecolors="black", linewidths=0.5, zorder=3)
    path, path_lr = lineage(result)
    best = ax.plot(np.arange(R), path_lr, "-o", color=style.OKABE_ITO["vermillion"], zorder=4,
                   lw=2.5 * style.scale() ** 0.5, ms=5 * style.scale() ** 0.5, label="lineage of the best")[0]
    ax.set_yscale("log")
    ax.set_xlabel("round")
    ax.set_ylabel("learning rate")
    ax.legend(loc="best", fontsize="small")
    cbar = ax.figure.colorbar(points, ax=ax, label="validation accuracy")
    return {"points": points, "links": links, "lineage": best, "colorbar": cbar}


def discovered_schedule(ax, result, epochs_per_round, color=None, label="PBT lineage") -> object:
    """The lr the final best model was trained with, against the epoch (a step function)."""
    _, path_lr = lineage(result)
    edges = np.arange(path_lr.size + 1) * int(epochs_per_round)
    line = ax.stairs(path_lr, edges, color=color or style.OKABE_ITO["vermillion"], lw=2.5 * style.scale() ** 0.5,
                     label=label, baseline=None)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("learning rate")
    return line


def round_scores(ax, results: dict, colors=None) -> dict:
    """The best score in each round of each named ``PBTResult`` (e.g. PBT and the grid)."""
    colors = {**RUN_COLORS, **(colors or {})}
    lines = {}
    for name, res in results.items():
        best = np.nan_to_num(res.scores, nan=-np.inf).max(axis=1)
        lines[name] = ax.plot(np.arange(1, best.size + 1), best, "-o", color=colors.get(name, style.color_for(name)),
                              label=name)[0]
    ax.set_xlabel("round")
    ax.set_ylabel("best validation accuracy")
    ax.legend(loc="lower right", fontsize="small")
    return lines


def _curve_data(result, split, kind):
    return np.asarray(getattr(result, f"{split}_{kind}"), float)


def training_curves(ax_loss, ax_acc, result, splits=("train", "test"), label="", linestyle="-", log=True) -> dict:
    """Loss (left) and accuracy (right) of a ``lrviz.nets.TrainResult`` against the epoch.

    Args:
        ax_loss, ax_acc: two Axes (either may be None to skip it).
        result: a single-network TrainResult (1-D per-epoch arrays).
        splits: which of "train", "val", "test" to draw (colours: :data:`SPLIT_COLORS`).
        label: prefix of the legend labels; linestyle: to tell several runs apart.
        log: log scale for the loss.

    Returns:
        {("loss" | "acc", split): Line2D}; refresh with :func:`update_training_curves`.
    """
    lines = {}
    for kind, ax in (("loss", ax_loss), ("acc", ax_acc)):
        if ax is None:
            continue
        for split in splits:
            y = _curve_data(result, split, kind)
            name = f"{label} {split}".strip()
            lines[kind, split] = ax.plot(np.arange(y.size), y, linestyle, color=SPLIT_COLORS[split], label=name)[0]
        ax.set_xlabel("epoch")
        if kind == "loss":
            if log:
                ax.set_yscale("log")
            ax.set_ylabel("cross-entropy loss")
        else:
            ax.set_ylabel("accuracy")
            ax.set_ylim(0, 1.02)
        ax.legend(loc="best", fontsize="small")
    return lines


def update_training_curves(lines: dict, result) -> dict:
    """Put a new TrainResult on the lines of :func:`training_curves`; refit x and loss limits."""
    axes = set()
    for (kind, split), line in lines.items():
        y = _curve_data(result, split, kind)
        line.set_data(np.arange(y.size), y)
        axes.add((kind, line.axes))
    for kind, ax in axes:
        ys = [ln.get_ydata() for (k, _), ln in lines.items() if k == kind and ln.axes is ax]
        n = max(len(y) for y in ys)
        ax.set_xlim(0, max(n - 1, 1))
        if kind == "loss":
            vals = np.concatenate([np.asarray(y, float) for y in ys])
            vals = vals[np.isfinite(vals) & (vals > 0)]
            if vals.size:
                lo, hi = vals.min(), vals.max()
                ax.set_ylim(lo / 1.5, hi * 1.5)
    return lines
