"""Exercises of notebook 04 · Bad learning rates. Expected answers are computed with lrviz."""
from __future__ import annotations

from ..engine import analysis
from ..engine import descent
from ..engine import surfaces
from .checks import check_choice, check_number

__all__ = ["q1", "q2", "q3", "q4"]


def q1(answer):
    """Critical learning rate of plain gradient descent on f(x) = 2.5 x^2."""
    expected = analysis.critical_lr(surfaces.surface("scaled_parabola", a=2.5), "sgd")
    return check_number(answer, expected, rtol=0.01,
                        hint="The curvature is L = f'' = 2a. Gradient descent is stable while lr < 2/L.",
                        explain=f"L = 2a = 5, so lr_crit = 2/L = {expected:g}.")


def q2(answer):
    """The factor r with x_{t+1} = r x_t for gradient descent on x^2 with lr = 0.75."""
    traj = descent.descend("parabola", "sgd", x0=(1.0,), lr=0.75, steps=1)
    expected = float(traj.x[1, 0] / traj.x[0, 0])
    return check_number(answer, expected, rtol=0.01, atol=1e-9,
                        hint="x_{t+1} = x_t - lr f'(x_t) with f'(x) = 2x, so r = 1 - 2 lr (it can be negative).",
                        explain=f"r = 1 - 2(0.75) = {expected:g}: the sign flips every step (oscillation), "
                                "and |r| < 1 so it still converges.")


def q3(answer):
    """Regime of gradient descent on f(x) = 4 x^2 with lr = 0.2 (one of the four names)."""
    traj = descent.descend(surfaces.surface("scaled_parabola", a=4.0), "sgd", x0=(1.0,), lr=0.2, steps=100)
    expected = str(analysis.regime(traj))
    return check_choice(answer, expected, analysis.REGIMES,
                        hint="Compute L = 2a and r = 1 - lr L with a = 4. Is r negative? Is |r| < 1?",
                        explain="L = 8, r = 1 - 0.2 * 8 = -0.6: it bounces across the minimum, but each bounce "
                                "is 0.6 times the last, so it converges (1/L = 0.125 < lr < 2/L = 0.25).")


def q4(answer):
    """The largest stable learning rate of plain gradient descent on valley(kappa=50)."""
    expected = analysis.critical_lr(surfaces.surface("valley", kappa=50.0), "sgd")
    return check_number(answer, expected, rtol=0.01,
                        hint="f = (x^2 + kappa y^2)/2 has curvatures 1 and kappa. The steepest one sets the limit 2/L_max.",
                        explain=f"L_max = 50, so lr < 2/50 = {expected:g}; the flat x direction then "
                                "shrinks only by 1 - lr per step.")
