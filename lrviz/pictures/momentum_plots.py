"""Pictures of momentum on a quadratic: the rate map over (lr * lam, mu) and rate-vs-momentum curves.

Axes in, artists out, like :mod:`lrviz.pictures.plotting`. The numbers come from
:mod:`lrviz.engine.linear` (the spectral radius of the 2x2 iteration matrix).
"""
from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap

from ..engine import linear

__all__ = ["rate_map", "rate_vs_momentum"]

_BOUNDARY = "#000000"
_DAMPING = "#D55E00"


def rate_map(ax, h=None, momenta=None, nesterov=False, colorbar=True):
    """Heat map of the spectral radius ``rho`` over ``h = lr * lam`` (x) and momentum ``mu`` (y).

    Darker is faster (``rho`` near 0); grey where ``rho >= 1`` (diverging). The black
    line is the stability edge ``rho = 1`` (heavy ball: ``h = 2 (1 + mu)``; Nesterov:
    ``h = 2 (1 + mu) / (1 + 2 mu)``); for heavy ball the dashed orange curve is critical
    damping ``mu = (1 - sqrt(h))^2``, the best momentum for each ``h``.

    Args:
        ax: the Axes to draw on.
        h: 1-D grid of ``lr * lam`` values (default 0 .. 4.2, 421 values).
        momenta: 1-D grid of momenta (default 0 .. 0.99, 100 values).
        nesterov: PyTorch's Nesterov form instead of heavy ball.
        colorbar: add a colour bar for ``rho``.

    Returns:
        dict with ``"mesh"``, ``"edge"`` (the rho = 1 contour), ``"damping"`` (a Line2D or
        None) and ``"colorbar"`` (or None).
    """
    h = np.linspace(0.0, 4.2, 421) if h is None else np.asarray(h, dtype=float)
    mu = np.linspace(0.0, 0.99, 100) if momenta is None else np.asarray(momenta, dtype=float)
    rho = linear.spectral_radius(h[None, :], 1.0, mu[:, None], nesterov=nesterov)
    cmap = ListedColormap(_rate_colors()).with_extremes(over="#bbbbbb")
    mesh = ax.pcolormesh(h, mu, rho, cmap=cmap, vmin=0.0, vmax=1.0, shading="nearest", rasterized=True)
    edge = ax.contour(h, mu, rho, levels=[1.0], colors=_BOUNDARY, linewidths=2.5)
    damping = None
    if not nesterov:
        hh = h[(h > 0) & (h < 4)]
        mc = (1.0 - np.sqrt(hh)) ** 2
        keep = mc <= mu.max()
        (damping,) = ax.plot(hh[keep], mc[keep], color=_DAMPING, ls="--", lw=2.5,
                             label=r"critical damping $\mu = (1-\sqrt{h})^2$")
    ax.grid(False)  # grid lines would read as contours on a heat map
    ax.set_xlabel(r"$h = \eta\,\lambda$")
    ax.set_ylabel(r"momentum $\mu$")
    ax.set_title("Nesterov" if nesterov else "heavy ball")
    cbar = None
    if colorbar:
        cbar = ax.figure.colorbar(mesh, ax=ax, extend="max", label=r"spectral radius $\rho$")
    return {"mesh": mesh, "edge": edge, "damping": damping, "colorbar": cbar}


def _rate_colors(n=256):
    from matplotlib import colormaps

    return colormaps["viridis"](np.linspace(0.0, 1.0, n))


def rate_vs_momentum(ax, h_values, momenta=None, nesterov=False, colors=None):
    """``rho`` against the momentum ``mu`` for a few ``h = lr * lam``, each with its best point.

    For heavy ball the best point is critical damping ``mu = (1 - sqrt(h))^2`` with
    ``rho = |1 - sqrt(h)|``: below it ``rho`` is a real eigenvalue, above it ``rho = sqrt(mu)``.

    Returns:
        dict ``h -> (line, marker)``.
    """
    from . import style

    mu = np.linspace(0.0, 0.99, 397) if momenta is None else np.asarray(momenta, dtype=float)
    out = {}
    for i, h in enumerate(h_values):
        color = colors[i] if colors is not None else style.color_for(f"h={h:g}")
        rho = linear.spectral_radius(h, 1.0, mu, nesterov=nesterov)
        (line,) = ax.plot(mu, rho, color=color, label=rf"$h = {h:g}$")
        j = int(np.argmin(rho))
        (marker,) = ax.plot([mu[j]], [rho[j]], "o", color=color, ms=9, mec="black", zorder=5)
        out[h] = (line, marker)
    ax.set_xlabel(r"momentum $\mu$")
    ax.set_ylabel(r"spectral radius $\rho$")
    ax.set_ylim(0.0, 1.05)
    ax.axhline(1.0, color="gray", ls=":", lw=1.5)
    return out
