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

import numbers

import numpy as np

from ..training import generalization as gen
from ..pictures.fit_plots import _GRID, draw_errors, draw_fit  # noqa: F401  (draw_* re-exported)
from .base import BaseExplorer, _wide

__all__ = ["FitExplorer", "fit_explorer", "draw_fit", "draw_errors"]



class FitExplorer(BaseExplorer):
    """A polynomial fit of noisy data; degree / noise / sample size / seed sliders (see :func:`fit_explorer`)."""

    _figsize = {"notebook": (11, 4.6), "classroom": (13, 5.6)}

    def __init__(self, degree=3, noise=0.2, n_train=15, seed=0, max_degree=15):
        super().__init__()
        max_degree = int(max_degree)
        if not 1 <= max_degree <= gen.MAX_DEGREE:
            raise ValueError(f"Invalid max_degree: {max_degree} (must be 1..{gen.MAX_DEGREE})")
        self.params = dict(degree=degree, noise=noise, n_train=n_train, seed=seed)
        self.max_degree = max_degree
        self._compute(self._checked(self.params))  # bad initial arguments raise here
        self._build_controls()
        self._build_figure()
        self._render()

    # ---- math (all in lrviz.generalization)
    def _checked(self, p):
        d = p["degree"]
        if isinstance(d, bool) or not isinstance(d, numbers.Integral) or not 0 <= d <= self.max_degree:
            raise ValueError(f"Invalid degree: {d!r} (must be an integer 0..{self.max_degree})")
        return p

    def _compute(self, p):
        data = gen.make_data(n_train=p["n_train"], noise=p["noise"], seed=p["seed"])
        curve = gen.error_curve(data, range(self.max_degree + 1))
        coef = gen.fit(data.x_train, data.y_train, p["degree"])
        self.data, self.curve, self.coef = data, curve, coef

    def _apply(self, changes):
        p = self._merged(changes)
        old = (self.data, self.curve, self.coef)
        try:
            self._compute(self._checked(p))
        except Exception:
            self.data, self.curve, self.coef = old
            raise
        self.params = p
        for key, ctl in self.controls.items():
            self._sync(ctl, p[key])
        self._render()

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
        w, p = self._w, self.params
        self.controls = c = {
            "degree": w.IntSlider(value=p["degree"], min=0, max=self.max_degree, description="degree",
                                  layout=_wide()),
            "noise": w.FloatSlider(value=p["noise"], min=0.0, max=1.0, step=0.05, description="noise",
                                   layout=_wide()),
            "n_train": w.IntSlider(value=p["n_train"], min=5, max=200, description="train points", layout=_wide()),
            "seed": w.IntSlider(value=p["seed"], min=0, max=20, description="seed", layout=_wide()),
        }
        for key, ctl in c.items():
            ctl.observe(lambda ch, key=key: self._on_control(**{key: ch["new"]}), names="value")
        self._readout = w.HTML()
        figure_view = self.live.view if self.live.view is not None else w.HTML("(figure: see .figure)")
        self.widget = w.HBox([w.VBox([*c.values(), self._message], layout=w.Layout(width="350px")),
                              w.VBox([figure_view, self._readout])])

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
                               f" &nbsp; <b>best degree</b> (lowest test MSE): {c.best_degree}"
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
