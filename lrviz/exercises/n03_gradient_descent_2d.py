"""Exercise checks for notebook 03 (gradient descent in 2-D).

Expected answers are computed by running lrviz's own gradient descent.
"""
from __future__ import annotations

from ..engine import analysis
from . import checks
from ..engine.descent import descend

__all__ = ["q1", "q2", "q1_expected", "q2_expected"]


def q1_expected():
    """x coordinate where sgd (lr = 0.01, 200 steps) from (4, 0) ends on Himmelblau's function."""
    return float(descend("himmelblau", "sgd", x0=(4.0, 0.0), lr=0.01, steps=200).final_x[0])


def q1(answer):
    """Which of Himmelblau's minima does the start (4, 0) reach? Answer with its x coordinate."""
    return checks.check_number(
        answer, q1_expected(), atol=0.05, rtol=0.0,
        hint="Click at (4, 0) in the explorer (or ex.update(x0=(4, 0), lr=0.01, steps=200)) and read "
             "ex.trajectory.final_x; the stars mark the four minima.",
        explain="From (4, 0) the negative gradient points down and slightly left, into the basin of the "
                "minimum at (3.584, -1.848), not the nearer-looking one at (3, 2).")


def q2_expected():
    """Steps until loss <= 1e-2 for sgd with lr = 1.5e-3 on Rosenbrock from its default start."""
    return int(analysis.steps_to_tolerance(descend("rosenbrock", "sgd", lr=1.5e-3, steps=5000), tol=1e-2))


def q2(answer):
    """Steps to tolerance 1e-2 on Rosenbrock with lr = 1.5e-3 (default start (-1.5, 2))."""
    return checks.check_number(
        answer, q2_expected(), rtol=0.01,
        hint="Run lrviz.descend('rosenbrock', 'sgd', lr=1.5e-3, steps=5000) and pass it to "
             "analysis.steps_to_tolerance(traj, tol=1e-2). Before running: guess from the two runs in the "
             "notebook (the number of steps is roughly proportional to 1/lr).",
        explain="About 1.5 times faster than lr = 1e-3: along the flat valley floor the progress per step is "
                "proportional to lr. Going much higher does not work: above 2/lambda_max ≈ 0.002 the steep "
                "direction makes descent unstable.")
