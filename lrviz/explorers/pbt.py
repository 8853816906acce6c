"""Explorers for population-based training and for a real training run. No math here.

``toy_explorer()`` shows the four variants of the PBT toy (Jaderberg et al. 2017, Figure 2)
side by side: sliders for ``ready_every``, ``sigma`` and ``seed`` re-run ``lrviz.pbt.toy``
and move the drawn paths with ``set_data``; Play animates the step. ``training_explorer()``
re-trains the digits network (``lrviz.nets.train``) when you move the lr slider and
updates its loss and accuracy curves. Both follow the contract of
:class:`~lrviz.explorers.base.BaseExplorer`: ``update(**params)`` is the one path that
controls and code take, and a bad value shows a message beside the controls instead of raising.
"""
from __future__ import annotations

import numpy as np

from ..training import pbt
from ..pictures import pbt_plots
from ..training.nets import train
from ..engine import validate as V
from ..engine.optimizers import OPTIMIZERS, optimizer as make_optimizer
from .base import BaseExplorer, _wide

__all__ = ["ToyExplorer", "TrainingExplorer", "toy_explorer", "training_explorer"]


def _set_aspect(fig, aspect):
    """Keep the width BaseExplorer chose for the style; set the height for this layout."""
    width = fig.get_size_inches()[0]
    fig.set_size_inches(width, width * aspect)


class ToyExplorer(BaseExplorer):
    """The four toy variants (pbt, exploit, explore, grid) on one figure, one set of knobs."""

    _aspect = 0.6  # height / width of the figure; the width is BaseExplorer's

    def __init__(self, ready_every=4, sigma=0.1, seed=0, steps=200, lr=0.01):
        super().__init__()
        _set_aspect(self.figure, self._aspect)
        self._start(dict(ready_every=ready_every, sigma=sigma, seed=seed, steps=steps, lr=lr))

    @property
    def results(self):
        """variant -> its ``lrviz.pbt.ToyResult``."""
        return self._result

    @property
    def trajectory(self):
        """The "pbt" run (a ``lrviz.pbt.ToyResult``)."""
        return self.results["pbt"]

    def _compute(self, p):  # pbt.toy checks every argument
        return {v: pbt.toy(v, steps=p["steps"], ready_every=p["ready_every"], sigma=p["sigma"], lr=p["lr"],
                           seed=p["seed"]) for v in pbt.TOY_VARIANTS}

    def _needs_rebuild(self, old, new):
        return old["steps"] != new["steps"]

    def _build_controls(self):
        w = self._w
        c = {
            "ready_every": w.IntSlider(min=1, max=50, description="ready every", layout=_wide()),
            "sigma": w.FloatSlider(min=0.0, max=0.5, step=0.01, description="sigma", layout=_wide()),
            "seed": w.IntSlider(min=0, max=20, description="seed", layout=_wide()),
        }
        return {key: self._observe(key, ctl) for key, ctl in c.items()}

    def _layout(self):
        w = self._w
        frames = self._frame_controls(interval=50, step=2)
        self._readout = w.HTML()
        return w.VBox([w.HBox([*self.controls.values()]), self._message, self._figure_view(), frames,
                       self._readout])

    def _build_figure(self):
        fig = self.figure
        fig.clear()
        gs = fig.add_gridspec(2, 4, height_ratios=(1.25, 1))
        self.ax_toy = [fig.add_subplot(gs[0, i]) for i in range(4)]
        self.ax_q = fig.add_subplot(gs[1, :])
        self._toys = {v: pbt_plots.toy_panel(ax, self.results[v], name=v, compact=True)
                      for ax, v in zip(self.ax_toy, pbt.TOY_VARIANTS)}
        for ax in self.ax_toy:
            ax.title.set_fontsize("medium")
        for ax in self.ax_toy[1:]:
            ax.set_ylabel("")
            ax.tick_params(labelleft=False)
        self._qlines = pbt_plots.toy_best_q(self.ax_q, self.results)
        self._cursor = self.ax_q.axvline(0, color="0.4", lw=1, ls=":")
        self._step_title = self.ax_q.set_title("", fontsize="medium")
        self.live.dynamic = ([a for t in self._toys.values() for a in (*t.paths, *t.heads, t.jumps, t.explores,
                                                                         t.title)]
                             + [*self._qlines.values(), self._cursor, self._step_title])
        self.live.relayout()

    def _render(self):
        for v, line in self._qlines.items():
            q = np.nan_to_num(self.results[v].q, nan=-np.inf).max(axis=0)
            line.set_data(np.arange(q.size), q)
        self.ax_q.set_xlim(0, max(int(self.params["steps"]), 1))
        steps = int(self.params["steps"])
        self._readout.value = self._readout_html()
        self._show_frame(steps, refresh=True)

    def _readout_html(self):
        final = {v: float(np.nan_to_num(r.q, nan=-np.inf).max(axis=0)[-1]) for v, r in self.results.items()}
        return "<b>final Q of the best worker</b>: " + ", ".join(f"{v} {q:.3f}" for v, q in final.items())

    def _frames_max(self):
        return int(self.params["steps"])

    def _show_frame(self, k, refresh=False):
        k = int(min(max(k, 0), self.params["steps"]))
        for v, arts in self._toys.items():
            pbt_plots.set_toy_step(arts, self.results[v], k)
        self._cursor.set_xdata([k, k])
        self._step_title.set_text(f"step {k}")
        if refresh:
            self.live.refresh()

    def save_gif(self, path, fps=10, max_frames=60, dpi=60):
        """Write the four toy panels, stepping through the run, as a looping GIF; returns ``path``."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from ..pictures.animation import save_gif

        fig = Figure(figsize=(12, 3.6), layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(1, 4)
        toys = {v: pbt_plots.toy_panel(ax, self.results[v], name=v, step=0) for ax, v in zip(axes, pbt.TOY_VARIANTS)}

        def show(k):
            for v, arts in toys.items():
                pbt_plots.set_toy_step(arts, self.results[v], k)

        save_gif(fig, show, path, fps=fps, max_frames=max_frames, dpi=dpi, steps=self._frames_max())
        return path


class TrainingExplorer(BaseExplorer):
    """Train the digits MLP at the lr of a slider; loss and accuracy, train vs val/test."""

    _aspect = 0.45

    def __init__(self, lr=1e-3, optimizer="adam", epochs=30, seed=0, hidden=64):
        super().__init__()
        _set_aspect(self.figure, self._aspect)
        self._start(dict(lr=lr, optimizer=optimizer, epochs=epochs, seed=seed, hidden=hidden))

    @property
    def result(self):
        """The current ``lrviz.nets.TrainResult``."""
        return self._result

    @property
    def trajectory(self):
        """The current ``lrviz.nets.TrainResult``."""
        return self._result

    def _validate(self, p):
        lr = V.learning_rate(p["lr"])
        if lr <= 0:
            V.fail("lr", p["lr"], "must be > 0: the lr slider is logarithmic")
        return dict(p, lr=lr, optimizer=make_optimizer(p["optimizer"]).name,
                    epochs=V.integer("epochs", p["epochs"], lo=1, hi=300),
                    hidden=V.integer("hidden", p["hidden"], lo=1))

    def _compute(self, p):  # nets.train checks seed and hidden
        return train(optimizer=p["optimizer"], lr=p["lr"], epochs=p["epochs"], seed=p["seed"], hidden=p["hidden"])

    def _build_controls(self):
        w = self._w
        c = {
            "lr": w.FloatLogSlider(min=-5, max=0, step=0.1, description="lr", readout_format=".2e",
                                   continuous_update=False, layout=_wide()),
            "optimizer": w.Dropdown(options=list(OPTIMIZERS), description="optimizer", layout=_wide()),
            "epochs": w.IntSlider(min=1, max=300, description="epochs", continuous_update=False, layout=_wide()),
            "hidden": w.IntSlider(min=1, max=256, description="hidden units", continuous_update=False,
                                  layout=_wide()),
        }
        return {key: self._observe(key, ctl) for key, ctl in c.items()}

    def _layout(self):
        w = self._w
        self._readout = w.HTML()
        return w.HBox([w.VBox([*self.controls.values(), self._message, self._readout],
                              layout=w.Layout(width="350px")), self._figure_view()])

    def _build_figure(self):
        fig = self.figure
        fig.clear()
        self.ax_loss, self.ax_acc = fig.subplots(1, 2)
        self._lines = pbt_plots.training_curves(self.ax_loss, self.ax_acc, self.result,
                                                splits=("train", "val", "test"))
        self._title = fig.suptitle("")
        self.live.dynamic = [*self._lines.values(), self._title]
        self.live.relayout()

    def _render(self):
        pbt_plots.update_training_curves(self._lines, self.result)
        p, r = self.params, self.result
        self._title.set_text(f"{p['optimizer']}, lr = {p['lr']:.3g}, {p['epochs']} epochs")
        self._readout.value = (f"<b>after {p['epochs']} epochs</b><br>"
                               + "<br>".join(f"{s}: loss {getattr(r, s + '_loss')[-1]:.3g}, "
                                             f"accuracy {getattr(r, s + '_acc')[-1]:.3f}"
                                             for s in ("train", "val", "test")))
        self.live.refresh()

    def _frames_max(self):
        return int(self.params["epochs"])

    def save_gif(self, path, fps=6, max_frames=60, dpi=60):
        """Write the loss and accuracy curves growing epoch by epoch as a looping GIF; returns ``path``."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from ..pictures.animation import save_gif

        fig = Figure(figsize=(9, 3.6), layout="constrained")
        FigureCanvasAgg(fig)
        ax_loss, ax_acc = fig.subplots(1, 2)
        lines = pbt_plots.training_curves(ax_loss, ax_acc, self.result, splits=("train", "val", "test"))
        full = {key: line.get_data() for key, line in lines.items()}  # limits stay those of the whole run
        title = fig.suptitle("")

        def show(k):
            for key, line in lines.items():
                x, y = full[key]
                line.set_data(x[:k + 1], y[:k + 1])
            title.set_text(f"{self.params['optimizer']}, lr = {self.params['lr']:.3g}, epoch {k}")

        save_gif(fig, show, path, fps=fps, max_frames=max_frames, dpi=dpi, steps=self._frames_max())
        return path


def toy_explorer(ready_every=4, sigma=0.1, seed=0, steps=200, lr=0.01) -> ToyExplorer:
    """The PBT toy's four variants with sliders for ready_every, sigma and seed; Play steps through.

    >>> ex = toy_explorer()               # doctest: +SKIP
    >>> ex.update(sigma=0.3, seed=2)      # doctest: +SKIP
    """
    return ToyExplorer(ready_every=ready_every, sigma=sigma, seed=seed, steps=steps, lr=lr)


def training_explorer(lr=1e-3, optimizer="adam", epochs=30, seed=0, hidden=64) -> TrainingExplorer:
    """The digits MLP trained at the lr of a slider (~0.1 s per 30 epochs); curves update.

    >>> ex = training_explorer(lr=1e-2)   # doctest: +SKIP
    >>> ex.update(lr=0.3)                 # doctest: +SKIP
    """
    return TrainingExplorer(lr=lr, optimizer=optimizer, epochs=epochs, seed=seed, hidden=hidden)
