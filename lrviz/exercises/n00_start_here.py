"""Exercise checks for notebook 00 (start here): the first explorer on the quartic.

Expected answers are computed with lrviz, so they always match what the notebook shows.
"""
from __future__ import annotations

from ..engine import analysis
from . import checks
from ..engine.descent import descend

__all__ = ["q1", "q2", "q1_expected", "q2_expected", "REGIMES"]

REGIMES = ("converging", "oscillating", "diverging", "too slow")


def q1_expected():
    """Final x of SGD on the quartic from x0 = 2.0 with lr = 0.05 after 60 steps."""
    return float(descend("quartic", "sgd", x0=(2.0,), lr=0.05, steps=60).final_x[0])


def q1(answer):
    """Where does SGD (lr = 0.05, 60 steps, x0 = 2.0) end on the quartic? Two decimals are enough."""
    return checks.check_number(
        answer, q1_expected(), atol=0.01, rtol=0.0,
        hint="Run ex.update(lr=0.05) (or move the lr slider) and read the last x; the title shows the step "
             "and loss, ex.trajectory.final_x the point.",
        explain="lr = 0.05 is still too small to climb over the bump at x ≈ 0.17: it settles in the local "
                "minimum near 1.13, just like lr = 0.01, only faster.")


def q2_expected():
    """lrviz's name for what SGD with lr = 0.15 does on the quartic from x0 = 2.0 in 200 steps."""
    return str(analysis.regime(descend("quartic", "sgd", x0=(2.0,), lr=0.15, steps=200)))


def q2(answer):
    """What does lr = 0.15 do (200 steps from x0 = 2.0)? One of REGIMES."""
    return checks.check_choice(
        answer, q2_expected(), REGIMES,
        hint="Look at the path near the global minimum at the end of the run: does it settle, bounce between "
             "two points, or fly off? (analysis.regime(traj) names it.)",
        explain="lr = 0.15 hops over the bump but is above 2/f''(-1.30) ≈ 0.14, the largest stable lr at the "
                "global minimum, so it keeps bouncing around it without settling.")
