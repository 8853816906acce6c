"""Exercise checks for notebook 02 (gradient descent in 1-D).

Expected answers are computed by running lrviz's own gradient descent.
"""
from __future__ import annotations

from . import checks
from ..engine.descent import descend
from ..engine.surfaces import surface

__all__ = ["q1", "q2", "q1_expected", "q2_expected"]


def q1_expected():
    """x after ONE sgd step on the quartic from x0 = 1.5 with lr = 0.02."""
    return float(descend("quartic", "sgd", x0=(1.5,), lr=0.02, steps=1).final_x[0])


def q1(answer):
    """One step by hand: x1 = x0 - lr f'(x0) with f'(x) = 4x^3 - 6x + 1, from x0 = 1.5."""
    return checks.check_number(
        answer, q1_expected(), rtol=1e-3,
        hint="First the slope: f'(1.5) = 4·1.5³ - 6·1.5 + 1. Then x1 = 1.5 - 0.02 · f'(1.5); the step goes "
             "against the slope.",
        explain="f'(1.5) = 13.5 - 9 + 1 = 5.5, so the step is -0.02 · 5.5 = -0.11 and x1 = 1.39: downhill, "
                "towards the local minimum near 1.13.")


def q2_expected():
    """x_3 of sgd on f = 2 x^2 (scaled_parabola, a = 2) from x0 = 1.0 with lr = 0.4."""
    return float(descend(surface("scaled_parabola", a=2.0), "sgd", x0=(1.0,), lr=0.4, steps=3).final_x[0])


def q2(answer):
    """x_3 on f = 2x^2 from x0 = 1 with lr = 0.4, from the closed form x_t = (1 - 2 a lr)^t x0."""
    return checks.check_number(
        answer, q2_expected(), rtol=1e-6, atol=1e-12,
        hint="Here a = 2, so each step multiplies x by 1 - 2·2·0.4. Raise that factor to the power 3 "
             "(mind its sign).",
        explain="The factor is 1 - 1.6 = -0.6: x flips sign every step and shrinks, x_3 = (-0.6)^3 = -0.216. "
                "A factor between -1 and 0 means oscillating but converging (here 1/(2a) = 0.25 < lr < 1/a = 0.5).")
