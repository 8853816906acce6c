"""The edge-of-stability explorer: lr and batch-size sliders over a run on real digits.

Follows the contract of :class:`~lrviz.explorers.base.BaseExplorer`. Every number comes
from :mod:`lrviz.training.eos` (GD for the full batch, SGD otherwise, sharpness of the full
training loss every ``every`` steps); the figure from :mod:`lrviz.pictures.eos_plots`.
"""
from __future__ import annotations

import numpy as np

from ..engine import validate as V
from ..pictures import eos_plots
from ..training import eos
from .base import BaseExplorer, _wide

__all__ = ["EoSExplorer", "eos_explorer"]

N = 500  # training digits, as in the notebook


class EoSExplorer(BaseExplorer):
    """Sharpness against 2/lr (left) and the training loss (right) for one run on digits.

    ``params``: ``lr``, ``batch_size`` (one of ``eos.BATCH_SIZES``; 500 is full-batch GD),
    ``steps``, ``every`` (steps between sharpness measurements), ``scale`` (init scale).
    ``trajectory`` is the :class:`~lrviz.training.eos.EoSRun` on screen.
    """

    _figsize = {"notebook": (11, 4.4), "classroom": (13, 5.4)}

    def __init__(self, lr=0.2, batch_size=N, steps=1000, every=25, scale=eos.SCALE):
        super().__init__()
        self._start(dict(lr=lr, batch_size=batch_size, steps=steps, every=every, scale=scale))

    # ---- the contract's hooks (all math in lrviz.training.eos)
    def _validate(self, p):
        return dict(p, lr=V.number("lr", p["lr"], lo=0, hi=10, lo_open=True),
                    batch_size=V.choice("batch_size", p["batch_size"], eos.BATCH_SIZES),
                    steps=V.integer("steps", p["steps"], lo=1, hi=5000),
                    every=V.integer("every", p["every"], lo=1, hi=1000),
                    scale=V.number("scale", p["scale"], lo=0, hi=4, lo_open=True))

    def _compute(self, p):
        common = dict(lr=p["lr"], steps=p["steps"], every=p["every"], n=N, scale=p["scale"])
        if p["batch_size"] == N:
            return eos.gd(**common)
        return eos.sgd(batch_size=p["batch_size"], **common)

    @property
    def trajectory(self) -> eos.EoSRun:
        """The run on screen."""
        return self._result

    @property
    def verdict(self) -> str:
        """'diverged', 'at the edge of stability' (the median sharpness of the second half is at least
        90 % of 2/lr) or 'below the edge'."""
        run = self._result
        if run.diverged_at is not None:
            return "diverged"
        return "at the edge of stability" if eos.plateau(run) >= 0.9 * 2.0 / self.params["lr"] else "below the edge"

    # ---- controls and figure
    def _build_controls(self):
        w = self._w
        c = {
            "lr": w.FloatSlider(min=0.05, max=1.0, step=0.01, description="lr", layout=_wide()),
            "batch_size": w.SelectionSlider(options=list(eos.BATCH_SIZES), description="batch size",
                                            layout=_wide()),
            "steps": w.IntSlider(min=100, max=3000, step=100, description="steps", layout=_wide()),
        }
        return {key: self._observe(key, ctl) for key, ctl in c.items()}

    def _control_values(self):
        return {k: self.params[k] for k in self.controls}

    def _layout(self):
        w = self._w
        self._readout = w.HTML()
        return w.VBox([w.HBox(list(self.controls.values())), self._message, self._figure_view(".figure"),
                       self._readout])

    def _build_figure(self):
        fig = self.figure
        fig.clear()
        self.ax_s, self.ax_loss = fig.subplots(1, 2)
        run = self._result
        self._s = eos_plots.sharpness_curve(self.ax_s, run, label="sharpness")
        self._loss = eos_plots.loss_curve(self.ax_loss, run)
        self.ax_s.legend(["sharpness", "2 / lr"], loc="lower right", fontsize="small")
        self._title = self.ax_s.set_title("")
        self.live.dynamic = [self._s["sharpness"], self._s["edge"], self._loss, self._title]
        self.live.relayout()

    def _render(self):
        run, p = self._result, self.params
        eos_plots.update_run(self._s, self._loss, run)
        edge = 2.0 / p["lr"]
        top = max(edge, float(np.max(run.sharpness))) if run.sharpness.size else edge
        # limits on a coarse grid, so a small slider move keeps the cached background
        self.ax_s.set_xlim(0, p["steps"])
        self.ax_s.set_ylim(0, 5 * np.ceil(min(top, 3 * edge) * 1.1 / 5))
        self.ax_loss.set_xlim(0, p["steps"])
        finite = run.loss[np.isfinite(run.loss) & (run.loss > 0)]
        lo, hi = (finite.min(), finite.max()) if finite.size else (1e-3, 1.0)
        self.ax_loss.set_ylim(10 ** np.floor(np.log10(lo)), 10 ** np.ceil(np.log10(min(hi, 1e6))))
        kind = "GD" if p["batch_size"] == N else f"SGD, batch {p['batch_size']}"
        self._title.set_text(f"{kind}, lr {p['lr']:g}: {self.verdict}")
        tail = run.sharpness_steps >= run.sharpness_steps[-1] // 2
        plateau = f"{np.median(run.sharpness[tail]):.3g}" if run.diverged_at is None else "-"
        self._readout.value = (f"<b>2/lr</b>: {edge:.3g} &nbsp; <b>median sharpness, second half</b>: {plateau}"
                               f" &nbsp; <b>final loss</b>: {run.loss[-1]:.3g}"
                               + (f" &nbsp; <b>diverged at step</b> {run.diverged_at}"
                                  if run.diverged_at is not None else ""))
        self.live.refresh()

    def save_gif(self, path, fps=10, max_frames=60, dpi=80):
        """Write the run growing step by step (sharpness against 2/lr, and the loss) as a looping GIF."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from ..pictures.animation import save_gif

        run = self._result
        fig = Figure(figsize=(9, 3.8))
        FigureCanvasAgg(fig)
        ax_s, ax_loss = fig.subplots(1, 2, gridspec_kw=dict(wspace=0.3))
        for ax, src in ((ax_s, self.ax_s), (ax_loss, self.ax_loss)):
            ax.set_xlim(src.get_xlim())
            ax.set_ylim(src.get_ylim())
        s = eos_plots.sharpness_curve(ax_s, run)
        line = eos_plots.loss_curve(ax_loss, run)
        title = ax_s.set_title("")
        last = int(run.loss_steps[-1])

        def show(k):
            keep_s, keep_l = run.sharpness_steps <= k, run.loss_steps <= k
            s["sharpness"].set_data(run.sharpness_steps[keep_s], run.sharpness[keep_s])
            line.set_data(run.loss_steps[keep_l], run.loss[keep_l])
            title.set_text(f"step {k}")

        return save_gif(fig, show, path, fps=fps, max_frames=max_frames, dpi=dpi, steps=last)


def eos_explorer(lr=0.2, batch_size=N, steps=1000, every=25, scale=eos.SCALE) -> EoSExplorer:
    """Sharpness and loss of a run on 500 digits: drag the lr and watch the plateau follow 2/lr; lower
    the batch size and watch the largest lr that still trains fall."""
    return EoSExplorer(lr=lr, batch_size=batch_size, steps=steps, every=every, scale=scale)
