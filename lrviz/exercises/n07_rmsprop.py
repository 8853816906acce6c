"""Exercises of notebook 07 · RMSProp. Expected answers are computed with lrviz's optimizers."""
from __future__ import annotations

import numpy as np

from ..engine import descent
from ..engine import optimizers
from ..engine import surfaces
from .checks import check_choice, check_number, check_update_rule

__all__ = ["q1", "q2", "q3", "q4", "q5", "half_life"]


def half_life(alpha):
    """Steps after which an old squared gradient keeps half its weight in v: ln(1/2) / ln(alpha)."""
    return float(np.log(0.5) / np.log(alpha))


def q1(answer):
    """Half-life (in steps) of the moving average v for alpha = 0.95."""
    alpha = optimizers.optimizer("rmsprop", alpha=0.95).hyperparams["alpha"]
    expected = half_life(alpha)
    return check_number(answer, expected, rtol=0.03, integer=True,
                        hint="After k steps an old g^2 is weighted by alpha^k. Solve alpha^k = 1/2 for k.",
                        explain=f"ln(0.5)/ln(0.95) = {expected:.3g} steps (13 or 14 whole steps).")


def first_x(convention, lr, alpha, x0):
    """x_1 of RMSProp on f = x^2 from x0 (the parabola: gradient 2 x)."""
    opt = optimizers.optimizer("rmsprop", convention=convention, lr=lr, alpha=alpha)
    return float(descent.descend("parabola", opt, x0=(x0,), steps=1).x[1, 0])


def q2(answer):
    """x_1 of torch RMSProp (lr = 0.02, alpha = 0.96) on f = x^2 from x_0 = 3."""
    expected = first_x("torch", 0.02, 0.96, 3.0)
    return check_number(answer, expected, rtol=1e-3,
                        hint="v_1 = (1 - alpha) g_1^2 since v_0 = 0. Divide lr g_1 by sqrt(v_1): "
                             "does the size of g_1 survive?",
                        explain=f"The first step is lr / sqrt(1 - alpha) = 0.02 / 0.2 = 0.1 whatever the "
                                f"gradient, so x_1 = 3 - 0.1 = {expected:.4g}.")


def q3(answer):
    """x_1 of Keras RMSprop (lr = 0.01, rho = 0.8, eps = 1e-7 inside the root) on f = x^2 from x_0 = 0.001."""
    expected = first_x("keras", 0.01, 0.8, 1e-3)
    return check_number(answer, expected, rtol=1e-2,
                        hint="g_1 = 2 x_0 = 0.002, v_1 = (1 - rho) g_1^2. Is eps = 1e-7 small next to v_1 "
                             "here? The step is lr g_1 / sqrt(v_1 + eps).",
                        explain=f"v_1 = 0.2 * 4e-6 = 8e-7 is comparable to eps = 1e-7, so the step is "
                                f"0.01 * 0.002 / sqrt(9e-7) = 0.0211 and x_1 = {expected:.3g}: it overshoots "
                                f"the minimum by 20 times its distance.")


def q4(answer):
    """RMSProp (lr = 0.01) on valley(kappa=100) from (-1.8, 0): which coordinate has the larger effective lr after 50 steps?"""
    traj = descent.descend(surfaces.surface("valley", kappa=100.0), "rmsprop", lr=0.01, x0=(-1.8, 0.0), steps=50)
    e = traj.derived()["effective_lr"][-1]
    expected = "x" if e[0] > e[1] else "y"
    return check_choice(answer, expected, ["x", "y"],
                        hint="The effective lr is lr / (sqrt(v) + eps), and v averages the gradients the "
                             "coordinate has actually seen. What is y's gradient at y = 0?",
                        explain="y: it starts on the valley floor, its gradient is always 0, so v_y = 0 and "
                                "its effective lr is lr / eps = 1e6. The steep curvature never shows up.")


def q5(rmsprop_step):
    """The student's PyTorch RMSProp update, checked on random inputs."""
    return check_update_rule(rmsprop_step, "rmsprop", lr=0.01, alpha=0.99, eps=1e-8,
                             hint="square_avg = alpha * square_avg + (1 - alpha) * grad**2 (start it at "
                                  "zeros, keep it in state), then x - lr * grad / (sqrt(square_avg) + eps).",
                             explain="That is torch.optim.RMSprop's rule (momentum 0, not centered).")
