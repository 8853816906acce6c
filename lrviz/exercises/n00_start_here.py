"""Exercise checks for notebook 00 (start here): the first explorer on the quartic.

Expected answers are computed with lrviz, so they always match what the notebook shows.
"""
from __future__ import annotations

from ..engine import analysis
from . import checks
from ..engine.descent import descend
from ..engine.surfaces import surface

__all__ = ["q1", "q2", "q1_expected", "q2_expected", "REGIMES", "ENDINGS"]

REGIMES = ("converging", "oscillating", "diverging", "too slow")
ENDINGS = ("local minimum", "global minimum", "diverges")


def q1_expected():
    """Where SGD on the quartic from x0 = 2.0 with lr = 0.12 ends after 60 steps (one of ENDINGS)."""
    traj = descend("quartic", "sgd", x0=(2.0,), lr=0.12, steps=60)
    if traj.diverged:
        return "diverges"
    glob, local = surface("quartic").minima[:2]
    x = float(traj.final_x[0])
    return "global minimum" if abs(x - glob[0]) < abs(x - local[0]) else "local minimum"


def q1(answer):
    """Predict, then run: where does lr = 0.12 (60 steps from x0 = 2) end? One of ENDINGS."""
    return checks.check_choice(
        answer, q1_expected(), ENDINGS,
        hint="0.12 lies between two of the learning rates tried above. Is its first step long enough to jump the "
             "bump near x = 0.17, and is it still small enough not to overshoot ever more? Try it: "
             "ex.update(lr=0.12), then look where the path ends.",
        explain="Its first step jumps the bump like lr = 0.1, and it is still small enough to settle there: "
                "between 'too small to leave the local valley' and 'so large it blows up' lies a range of "
                "learning rates that reach the global minimum.")


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
