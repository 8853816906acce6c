"""Exercise checks for notebook 03 (gradient descent in 2-D).

Expected answers are computed by running lrviz's own gradient descent.
"""
from __future__ import annotations

from ..engine import analysis
from . import checks
from ..engine.descent import descend

__all__ = ["q1", "q2", "q1_expected", "q2_expected"]


def q1_expected():
    """The new point (x1, y1) after ONE sgd step (lr = 0.01) from (2, 1) on Himmelblau's function."""
    return tuple(float(v) for v in descend("himmelblau", "sgd", x0=(2.0, 1.0), lr=0.01, steps=1).x[1])


def q1(answer):
    """One step by hand from (2, 1) with lr = 0.01: the new point as a pair (x1, y1)."""
    expected = q1_expected()
    hint = ("First the two partial derivatives at (2, 1) with the formulas above: x^2 + y - 11 = -6 and "
            "x + y^2 - 7 = -4. Then x1 = 2 - 0.01 * df/dx and y1 = 1 - 0.01 * df/dy; answer (x1, y1).")
    explain = ("df/dx = 4·2·(-6) + 2·(-4) = -56 and df/dy = 2·(-6) + 4·1·(-4) = -28, so the step is "
               "(+0.56, +0.28): (x1, y1) = (2.56, 1.28). Each coordinate moves against its own slope, with one lr.")
    if answer is checks.KEY or answer is None or answer is Ellipsis:
        return checks.check_number(answer, expected, rtol=1e-3, hint=hint, explain=explain)
    try:
        x1, y1 = (float(v) for v in answer)
    except (TypeError, ValueError):
        return checks.check_number(1.0, 0.0, rtol=0.0, hint=f"Answer with a pair of numbers, (x1, y1) (you gave {answer!r}). " + hint)
    ok_x = abs(x1 - expected[0]) <= 1e-3 * abs(expected[0])
    ok_y = abs(y1 - expected[1]) <= 1e-3 * abs(expected[1])
    if ok_x and not ok_y:
        hint = "x1 is right; now y1 = 1 - 0.01 * df/dy. " + hint
    elif ok_y and not ok_x:
        hint = "y1 is right; now x1 = 2 - 0.01 * df/dx. " + hint
    return checks.check_number(0.0 if ok_x and ok_y else 1.0, 0.0, rtol=0.0, hint=hint, explain=explain)


def q2_expected():
    """Steps until loss <= 1e-2 for sgd with lr = 1.5e-3 on Rosenbrock from its default start."""
    return int(analysis.steps_to_tolerance(descend("rosenbrock", "sgd", lr=1.5e-3, steps=5000), tol=1e-2))


def q2(answer):
    """Steps to tolerance 1e-2 on Rosenbrock with lr = 1.5e-3 (default start (-1.5, 2))."""
    return checks.check_number(
        answer, q2_expected(), rtol=0.01, integer=True,
        hint="Run lrviz.descend('rosenbrock', 'sgd', lr=1.5e-3, steps=5000) and pass it to "
             "analysis.steps_to_tolerance(traj, tol=1e-2). Before running: guess from the two runs in the "
             "notebook (the number of steps is roughly proportional to 1/lr).",
        explain="About 1.5 times faster than lr = 1e-3: along the flat valley floor the progress per step is "
                "proportional to lr. Going much higher does not work: above 2/lambda_max ≈ 0.002 the steep "
                "direction makes descent unstable.")
