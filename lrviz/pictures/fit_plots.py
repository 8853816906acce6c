"""Figures for underfitting and overfitting: a polynomial fit of noisy data, and error vs degree.

Axes in, artists out, like every plotting function; the fit explorer moves these artists.
"""
from __future__ import annotations

import numpy as np

from ..training import generalization as gen
from . import style

__all__ = ["draw_fit", "draw_errors"]

_GRID = np.linspace(-1.0, 1.0, 300)
_COLORS = {"train": style.OKABE_ITO["blue"], "test": style.OKABE_ITO["vermillion"],
           "fit": style.OKABE_ITO["bluish_green"], "true": "#404040"}


def draw_fit(ax, data, degree, legend=True):
    """Draw the true function, the test points (faint), the train points and the degree-``degree`` fit.

    Returns ``(train_points, test_points, fit_line)`` (Line2D, change them with ``set_data``);
    the axes title names the degree.
    """
    ax.plot(_GRID, gen.true_function(_GRID), color=_COLORS["true"], lw=1.5, ls="--", label="true function")
    (test_pts,) = ax.plot(data.x_test, data.y_test, "o", ms=3, color=_COLORS["test"], alpha=0.35,
                          label="test points")
    (train_pts,) = ax.plot(data.x_train, data.y_train, "o", ms=7, color=_COLORS["train"], mec="white",
                           label="train points")
    coef = gen.fit(data.x_train, data.y_train, degree)
    (fit_line,) = ax.plot(_GRID, np.clip(gen.predict(coef, _GRID), -1e3, 1e3), "-", color=_COLORS["fit"], lw=2.5,
                          label="fit")
    ax.set_xlim(-1.05, 1.05)
    ax.set_ylim(-2.5, 2.5)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.set_title(f"degree {degree}")
    if legend:
        ax.legend(loc="lower right", fontsize="x-small")
    return train_pts, test_pts, fit_line


def draw_errors(ax, curve, degree=None):
    """Train and test error against the degree on a log axis; a dotted line marks ``degree``.

    Returns ``(train_line, test_line, marker)``; the marker is hidden when ``degree`` is None.
    """
    from matplotlib.ticker import MaxNLocator

    (train,) = ax.plot(curve.degrees, np.maximum(curve.train_mse, 1e-6), "o-", color=_COLORS["train"], label="train")
    (test,) = ax.plot(curve.degrees, np.maximum(curve.test_mse, 1e-6), "o-", color=_COLORS["test"], label="test")
    marker = ax.axvline(0 if degree is None else degree, color="0.4", lw=1.2, ls=":", visible=degree is not None)
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("polynomial degree")
    ax.set_ylabel("mean squared error")
    ax.set_title("error vs degree")
    ax.legend(loc="upper left", fontsize="x-small")
    return train, test, marker
