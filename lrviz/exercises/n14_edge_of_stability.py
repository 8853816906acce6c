"""Exercises of notebook 14 · The edge of stability. Expected answers are computed with lrviz."""
from __future__ import annotations

import numbers

import numpy as np

from ..engine.schedules import schedule
from ..training import eos
from .checks import check_choice, check_number

__all__ = ["q1", "q2", "q3", "switch_outcome", "SWITCH_CHOICES", "GRID"]

# The notebook's lr grid for the largest stable lr.
GRID = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
SWITCH_CHOICES = ("falls", "stays", "rises", "diverges")


def _is_number(answer):
    return (isinstance(answer, numbers.Real) and not isinstance(answer, (bool, np.bool_))
            and bool(np.isfinite(answer)))


def q1(answer):
    """The sharpness at which full-batch GD with lr = 0.25 hovers (same network, data and init)."""
    hint = "The plateau follows the lr: which number did the three runs above settle at, in terms of their lr?"
    if not _is_number(answer):
        return check_number(answer, 0.0, hint=hint)
    return check_number(answer, 2 / 0.25, rtol=0.1, hint=hint,
                        explain="2/lr = 8. Check it: eos.plateau(eos.gd(lr=0.25)) lands within 10 % of 8. GD "
                                "sharpens the network until it reaches the stability limit of its own lr.")


def switch_outcome(lr=0.3, new_lr=0.15, at=1000, steps=2000):
    """What the sharpness does in the ``steps - at`` steps after GD switches from ``lr`` to ``new_lr``:
    'diverges', or 'rises' / 'falls' (by more than 10 %) or 'stays'."""
    run = eos.gd(lr=schedule("multistep", lr=lr, milestones=[at], gamma=new_lr / lr), steps=steps)
    if run.diverged_at is not None:
        return "diverges"
    before = run.sharpness[run.sharpness_steps == at][0]
    after = run.sharpness[-1]
    return "rises" if after > 1.1 * before else "falls" if after < before / 1.1 else "stays"


def q2(answer):
    """GD at lr 0.3 for 1000 steps, then lr 0.15 until step 2000: what does the sharpness do after the switch?"""
    if str(answer).strip().lower() not in SWITCH_CHOICES:
        return check_choice(answer, SWITCH_CHOICES[0], list(SWITCH_CHOICES))
    expected = switch_outcome(0.3, 0.15)
    return check_choice(answer, expected, list(SWITCH_CHOICES),
                        hint="At lr 0.3 the sharpness sits at 2/0.3. After the switch the limit is 2/0.15: is the "
                             "network now below it or above it, and what does GD do to a network below its edge?",
                        explain="It rises (from about 7 towards 2/0.15 = 13.3): below its new edge the network is "
                                "stable again, and progressive sharpening resumes until the sharpness meets 2/lr.")


def q3(answer):
    """The largest stable lr on ``GRID`` at batch size 3 (500 steps of SGD, the notebook's rule)."""
    hint = ("Predict from the table first, then run eos.largest_stable_lr(3, exercises.GRID) to see it. The noise "
            "of a batch of 3 lies between that of 2 and of 5.")
    if not _is_number(answer):
        return check_number(answer, 0.0, hint=hint)
    expected = eos.largest_stable_lr(3, GRID)
    return check_number(answer, expected, rtol=0.0, atol=1e-9, hint=hint,
                        explain=f"{expected:g}, the same as at batch size 2: a linear rule (lr proportional to the "
                                "batch) would say 0.3. Small batches are limited by their noise, and the limit "
                                "is not a smooth line on a grid this coarse.")
