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
    return checks.check_choice(answer, shared_winner("valley", lr=0.03, steps=300), RACE_OPTIMIZERS,
                               hint="Run each optimizer with lrviz.descend('valley', name, lr=0.03, steps=300) "
                                    "and compare race_tools.finish(traj).",
                               explain="RMSProp (72 steps), neither momentum's lr (0.01) nor SGD's (0.1): the "
                                       "winner of a shared-lr race changes with the lr you share.")


def finishers(surface="rosenbrock", lr=0.01, steps=1000):
    """How many of RACE_OPTIMIZERS finish (for good) at one shared lr."""
    return sum(finish(descend(surface, name, lr=lr, steps=steps)) is not None for name in RACE_OPTIMIZERS)


def q2(answer):
    return checks.check_number(answer, finishers("rosenbrock", lr=0.001, steps=5000), rtol=0.0, atol=0.5,
                               integer=True,
                               hint="Run the six with lrviz.descend('rosenbrock', name, lr=0.001, steps=5000) and "
                                    "count those for which race_tools.finish(traj) is not None.",
                               explain="One: momentum (from step 1484). A bigger budget does not rescue the others "
                                       "at this lr: the adaptive ones take steps of about lr = 0.001.")


def tuned_adam_lr(surface="rosenbrock", steps=2000):
    """analysis.tuned_lr for Adam on ``surface`` over the race's TUNING_GRID."""
    return tuned_lr(surface, "adam", lrs=TUNING_GRID, steps=steps, tol=TOL)


def longer_budget_lr():
    """Does Adam's tuned lr on Rosenbrock get larger, smaller or stay with 2000 steps instead of 1000?"""
    a, b = tuned_adam_lr(steps=1000), tuned_adam_lr(steps=2000)
    return "same" if a == b else ("larger" if b > a else "smaller")


def q3(answer):
    return checks.check_choice(answer, longer_budget_lr(), ["larger", "smaller", "same"],
                               hint="With more steps, a slower but steadier lr can still finish in time. Run "
                                    "analysis.tuned_lr('rosenbrock', 'adam', lrs=TUNING_GRID, steps=2000).",
                               explain="Smaller: 0.56 instead of 1.21. A tuned lr is tuned for one budget: with "
                                       "more steps the tuning prefers a calmer run that finishes for good.")
