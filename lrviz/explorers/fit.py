"""An explorer for underfitting and overfitting: a polynomial fit you re-shape with sliders.

Left: the train points, the test points (faint), the true function and the fitted
polynomial. Right: train and test error against the degree, with the current degree marked.
Sliders: degree, noise, number of training points, seed. Every slider calls
``update(**params)``, which refits (``lrviz.generalization``) and moves the existing lines
with ``set_data`` (no re-plotting), like the other explorers.

>>> fx = fit_explorer(degree=3)          # doctest: +SKIP
>>> fx.update(degree=12, n_train=15)     # doctest: +SKIP
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..engine import validate as V
from ..training import generalization as gen
from ..pictures.fit_plots import _GRID, draw_errors, draw_fit  # noqa: F401  (draw_* re-exported)
from .base import BaseExplorer, _wide

__all__ = ["Fit", "FitExplorer", "fit_explorer", "draw_fit", "draw_errors"]


class Fit(NamedTuple):
    """What a fit explorer computed: the data, the error curve over every degree, the fit."""
    data: gen.Data
    curve: gen.ErrorCurve
    coef: np.ndarray


class FitExplorer(BaseExplorer):
    """A polynomial fit of noisy data; degree / noise / sample size / seed sliders (see :func:`fit_explorer`).

    ``params``: ``degree``, ``noise``, ``n_train``, ``seed``; ``trajectory`` is the :class:`Fit`.
    """

    _figsize = {"notebook": (11, 4.6), "classroom": (13, 5.6)}

    def __init__(self, degree=3, noise=0.2, n_train=15, seed=0, max_degree=15):
        super().__init__()
        self.max_degree = V.integer("max_degree", max_degree, lo=1, hi=gen.MAX_DEGREE)
        self._start(dict(degree=degree, noise=noise, n_train=n_train, seed=seed))

    # ---- the contract's hooks (all math in lrviz.generalization)
    def _validate(self, p):
        return dict(p, degree=V.integer("degree", p["degree"], lo=0, hi=self.max_degree))

    def _compute(self, p):
        data = gen.make_data(n_train=p["n_train"], noise=p["noise"], seed=p["seed"])
        return Fit(data, gen.error_curve(data, range(self.max_degree + 1)),
                   gen.fit(data.x_train, data.y_train, p["degree"]))

    @property
    def trajectory(self) -> Fit:
        """The data, error curve and fit on screen."""
        return self._result

    @property
    def data(self):
        return self._result.data

    @property
    def curve(self):
        return self._result.curve

    @property
    def coef(self):
        return self._result.coef

    @property
    def train_mse(self) -> float:
        return float(self.curve.train_mse[self.params["degree"]])

    @property
    def test_mse(self) -> float:
        return float(self.curve.test_mse[self.params["degree"]])

    @property
    def verdict(self) -> str:
        return gen.verdict(self.curve, self.params["degree"])

    # ---- controls and figure
    def _build_controls(self):
        w = self._w
        c = {
            "degree": w.IntSlider(min=0, max=self.max_degree, description="degree", layout=_wide()),
            "noise": w.FloatSlider(min=0.0, max=1.0, step=0.05, description="noise", layout=_wide()),
            "n_train": w.IntSlider(min=5, max=200, description="train points", layout=_wide()),
            "seed": w.IntSlider(min=0, max=20, description="seed", layout=_wide()),
        }
        return {key: self._observe(key, ctl) for key, ctl in c.items()}

    def _layout(self):
        w = self._w
        self._readout = w.HTML()
        return w.HBox([w.VBox([*self.controls.values(), self._message], layout=w.Layout(width="350px")),
                       w.VBox([self._figure_view(".figure"), self._readout])])

    def _build_figure(self):
        fig = self.figure
        fig.clear()
        gs = fig.add_gridspec(1, 2, width_ratios=(1.2, 1), wspace=0.3)
        self.ax_fit, self.ax_err = fig.add_subplot(gs[0]), fig.add_subplot(gs[1])
        self._train_pts, self._test_pts, self._fit_line = draw_fit(self.ax_fit, self.data, self.params["degree"])
        self._title = self.ax_fit.title
        self._train_err, self._test_err, self._cursor = draw_errors(self.ax_err, self.curve, self.params["degree"])
        self.live.dynamic = [self._test_pts, self._train_pts, self._fit_line, self._title, self._train_err,
                             self._test_err, self._cursor]
        self.live.relayout()

    def _render(self):
        d, c, p = self.data, self.curve, self.params
        self._train_pts.set_data(d.x_train, d.y_train)
        self._test_pts.set_data(d.x_test, d.y_test)
        self._fit_line.set_data(_GRID, np.clip(gen.predict(self.coef, _GRID), -1e3, 1e3))
        self._train_err.set_data(c.degrees, np.maximum(c.train_mse, 1e-6))
        self._test_err.set_data(c.degrees, np.maximum(c.test_mse, 1e-6))
        self._cursor.set_xdata([p["degree"], p["degree"]])
        lo = max(min(c.train_mse.min(), c.test_mse.min()), 1e-6)
        hi = max(c.train_mse.max(), c.test_mse.max(), 10 * lo)
        # Round the limits to decades so small changes keep the cached background.
        self.ax_err.set_ylim(10 ** np.floor(np.log10(lo)), 10 ** np.ceil(np.log10(hi)))
        self._title.set_text(f"degree {p['degree']}: {self.verdict}")
        self._readout.value = (f"<b>train MSE</b>: {self.train_mse:.3g} &nbsp; <b>test MSE</b>: {self.test_mse:.3g}"
                               f" &nbsp; <b>validation picks</b>: degree {c.chosen_degree}"
                               f" &nbsp; <b>best degree</b> (lowest test MSE, in hindsight): {c.best_degree}"
                               f" &nbsp; <b>verdict</b>: {self.verdict}")
        self.live.refresh()

    def save_gif(self, path, fps=2, dpi=80):
        """Write the fit growing from degree 0 to ``max_degree`` (current data) as a looping GIF; return ``path``."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from ..pictures.animation import save_gif

        fig = Figure(figsize=(5.5, 4.5))
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        _, _, line = draw_fit(ax, self.data, 0)

        def show(k):
            coef = gen.fit(self.data.x_train, self.data.y_train, int(k))
            line.set_data(_GRID, np.clip(gen.predict(coef, _GRID), -1e3, 1e3))
            ax.set_title(f"degree {int(k)}: {gen.verdict(self.curve, int(k))}")

        return save_gif(fig, show, path, fps=fps, dpi=dpi, frames=list(range(self.max_degree + 1)))


def fit_explorer(degree=3, noise=0.2, n_train=15, seed=0, max_degree=15) -> FitExplorer:
    """A polynomial-fit explorer: drag the degree from underfitting through the sweet spot to overfitting;
    change the noise or the number of training points and watch the test error curve move."""
    return FitExplorer(degree=degree, noise=noise, n_train=n_train, seed=seed, max_degree=max_degree)
