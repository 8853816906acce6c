"""Exercises of notebook 12 · Population-based training. Expected answers are computed with lrviz."""
from __future__ import annotations

import numbers

import numpy as np

from ..training import pbt
from .checks import check_choice, check_number

__all__ = ["q1", "q2", "q3", "q4"]


def _is_number(answer):
    return (isinstance(answer, numbers.Real) and not isinstance(answer, (bool, np.bool_))
            and bool(np.isfinite(answer)))


def _best_final_q(variant, **kw):
    return float(np.nan_to_num(pbt.toy(variant, **kw).q, nan=-np.inf).max(axis=0)[-1])


def q1(answer):
    """Final Q of the better worker in the "grid" variant (no exploit, no explore), 200 steps."""
    expected = _best_final_q("grid")
    return check_number(answer, expected, rtol=0.01, atol=1e-3,
                        hint="With h = (1, 0) only theta0 shrinks; theta1 stays at 0.9 forever. Put that into Q.",
                        explain=f"Q -> 1.2 - 0.9^2 = {expected:.2f}: each worker can fix only one coordinate.")


def q2(answer):
    """Final Q of the better worker of "pbt" with sigma = 0 (exploit, but explore adds nothing)."""
    expected = _best_final_q("pbt", sigma=0.0)
    return check_number(answer, expected, rtol=0.01, atol=1e-3,
                        hint="With sigma = 0 the copy gets exactly the h of the better worker: which h values exist?",
                        explain=f"Q = {expected:.2f}, the same as the grid: exploit alone only copies, and both "
                                "workers end up with one of the two initial h. New hyperparameters come from explore.")


def q3(answer):
    """How many members are replaced after each round of digits_pbt(members=8) (truncation 0.25)."""
    if not _is_number(answer):
        return check_number(answer, 0.0, hint="Count the bottom 25% of 8 members.")
    res = pbt.digits_pbt(members=8, rounds=2, epochs_per_round=1)
    expected = float(np.sum(res.parent[1] != np.arange(8)))
    return check_number(answer, expected, rtol=0.0, atol=0.01,
                        hint="run() replaces n = max(1, floor(truncation * N)) members: the bottom ones.",
                        explain=f"floor(0.25 * 8) = {expected:.0f}: the two worst copy one of the two best.")


def q4(answer):
    """Which variant of the toy lets a worker's Q fall far below its start (choose a variant name)?"""
    worst = {v: float(np.nan_to_num(pbt.toy(v, seed=1).q, nan=-np.inf).min()) for v in pbt.TOY_VARIANTS}
    expected = min(worst, key=worst.get)
    return check_choice(answer, expected, pbt.TOY_VARIANTS,
                        hint="Which variant perturbs h but never replaces a worker that got worse?",
                        explain="explore only: a random h_i < 0 makes theta_i grow, and nothing removes that "
                                "worker. In pbt, exploit copies the better worker over it at the next ready step.")
