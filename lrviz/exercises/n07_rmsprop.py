"""Exercises of notebook 07 · RMSProp. Expected answers are computed with lrviz's optimizers."""
from __future__ import annotations

import numpy as np

from ..engine import descent
from ..engine import optimizers
from ..engine import surfaces
from .checks import check_choice, check_number

__all__ = ["q1", "q2", "q3", "q4", "half_life"]


def half_life(alpha):
    """Steps after which an old squared gradient keeps half its weight in v: ln(1/2) / ln(alpha)."""
    return float(np.log(0.5) / np.log(alpha))


def q1(answer):
    """Half-life (in steps) of the moving average v for alpha = 0.95."""
    alpha = optimizers.optimizer("rmsprop", alpha=0.95).hyperparams["alpha"]
    expected = half_life(alpha)
    return check_number(answer, expected, rtol=0.03,
                        hint="After k steps an old g^2 is weighted by alpha^k. Solve alpha^k = 1/2 for k.",
                        explain=f"ln(0.5)/ln(0.95) = {expected:.3g} steps.")


def _first_x(convention):
    opt = optimizers.optimizer("rmsprop", convention=convention, lr=0.01)
    return float(descent.descend("parabola", opt, x0=(1.0,), steps=1).x[1, 0])


def q2(answer):
    """x_1 of torch RMSProp (lr = 0.01, alpha = 0.99) on f = x^2 from x_0 = 1."""
    expected = _first_x("torch")
    return check_number(answer, expected, rtol=1e-3,
                        hint="v_1 = (1 - alpha) g^2, so the first step is lr g / sqrt((1 - alpha) g^2) = lr / sqrt(1 - alpha) (eps is negligible).",
                        explain=f"The first step is 0.01 / sqrt(0.01) = 0.1, whatever the gradient: x_1 = {expected:.4g}.")


def q3(answer):
    """x_1 of Keras RMSprop (lr = 0.01, rho = 0.9, eps = 1e-7 inside the root) on f = x^2 from x_0 = 1."""
    expected = _first_x("keras")
    return check_number(answer, expected, rtol=1e-3,
                        hint="With rho = 0.9 the first step is lr / sqrt(1 - rho) (times sign(g)); eps = 1e-7 next to v = 0.4 changes nothing visible.",
                        explain=f"0.01 / sqrt(0.1) = 0.0316, so x_1 = {expected:.4g}.")


def q4(answer):
    """On valley(kappa=100), which coordinate gets the larger effective lr from RMSProp after 50 steps: x or y?"""
    traj = descent.descend(surfaces.surface("valley", kappa=100.0), "rmsprop", lr=0.01, steps=50)
    e = traj.derived()["effective_lr"][-1]
    expected = "x" if e[0] > e[1] else "y"
    return check_choice(answer, expected, ["x", "y"],
                        hint="The effective lr is lr / (sqrt(v) + eps). Which coordinate has the larger gradients, and so the larger v?",
                        explain="x, the flat direction: its gradients are small, so v is small and lr/sqrt(v) is large.")
