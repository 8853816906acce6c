"""Notebook 11 (optimizer race): the exercise checks.

The finish line is :func:`lrviz.analysis.steps_to_tolerance` with ``stay=True``: the step from
which the loss stays within the tolerance to the end, the same finish that
:func:`lrviz.analysis.tuned_lr` and ``lrviz.race(...).leaderboard()`` rank by.
"""
from . import checks
from ..engine.analysis import RACE_OPTIMIZERS, TUNING_GRID, steps_to_tolerance, tuned_lr
from ..engine.descent import descend

TOL = 1e-6


def finish(traj, tol=TOL):
    """Steps until ``traj`` is within ``tol`` of the minimum for good (None: never)."""
    return steps_to_tolerance(traj, tol, stay=True)


def shared_winner(surface="valley", lr=0.1, steps=300):
    """The optimizer of RACE_OPTIMIZERS that finishes first at one shared lr (None if none does)."""
    best, name_best = None, None
    for name in RACE_OPTIMIZERS:
        n = finish(descend(surface, name, lr=lr, steps=steps))
        if n is not None and (best is None or n < best):
            best, name_best = n, name
    return name_best


def q1(answer):
    return checks.check_choice(answer, shared_winner(), RACE_OPTIMIZERS,
                               hint="Run each optimizer with lrviz.descend('valley', name, lr=0.1, steps=300) "
                                    "and compare analysis.steps_to_tolerance(traj, 1e-6, stay=True).",
                               explain="Plain SGD (68 steps): at lr = 0.1 it suits the valley's curvature. "
                                       "RMSProp touches the line at step 10, but bounces away and only stays "
                                       "below it from step 235.")


def finishers(surface="rosenbrock", lr=0.01, steps=1000):
    """How many of RACE_OPTIMIZERS finish (for good) at one shared lr."""
    return sum(finish(descend(surface, name, lr=lr, steps=steps)) is not None for name in RACE_OPTIMIZERS)


def q2(answer):
    return checks.check_number(answer, finishers(), rtol=0.0, atol=0.5,
                               hint="Count the rows of the Rosenbrock leaderboard at lr = 0.01 that have a step count.",
                               explain="None of them: SGD and momentum blow up, the adaptive ones are still on the way.")


def tuned_adam_lr(surface="beale", steps=500):
    """analysis.tuned_lr for Adam on ``surface`` over the race's TUNING_GRID."""
    return tuned_lr(surface, "adam", lrs=TUNING_GRID, steps=steps, tol=TOL)


def q3(answer):
    return checks.check_number(answer, tuned_adam_lr(), rtol=0.1,
                               hint="analysis.tuned_lr('beale', 'adam', lrs=TUNING_GRID, steps=500).",
                               explain="About 0.56 (it stays below the line from step 164). A bigger lr, 1.47, "
                                       "touches the line sooner (step 117) but only stays there from step 175.")
