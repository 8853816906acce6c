"""Exercises of notebook 12 · Population-based training. Expected answers are computed with lrviz."""
from __future__ import annotations

import numbers

import numpy as np

from ..training import pbt
from .checks import KEY, check_choice, check_number

__all__ = ["q1", "q2", "q3", "q4"]


def _is_number(answer):
    return (isinstance(answer, numbers.Real) and not isinstance(answer, (bool, np.bool_))
            and bool(np.isfinite(answer)))


def _best_final_q(variant, **kw):
    return float(np.nan_to_num(pbt.toy(variant, **kw).q, nan=-np.inf).max(axis=0)[-1])


def q1(answer):
    """Final Q of the better worker in the "grid" variant (no exploit, no explore) with lr = 0.002."""
    expected = _best_final_q("grid", lr=0.002)
    return check_number(answer, expected, rtol=0.01, atol=1e-3,
                        hint="Each step multiplies theta_i by (1 - 2 lr h_i). With h = (1, 0) only theta0 "
                             "shrinks, by (1 - 2 * 0.002) per step for 200 steps; theta1 stays at 0.9. Put "
                             "both into Q = 1.2 - (theta0^2 + theta1^2).",
                        explain=f"theta0 = 0.9 * 0.996^200 = 0.40, theta1 = 0.9: Q = 1.2 - 0.16 - 0.81 = "
                                f"{expected:.3f}. Each worker can fix only one coordinate.")


def q2(answer):
    """Final Q of the better worker of "pbt" with sigma = 0 and lr = 0.005."""
    expected = _best_final_q("pbt", sigma=0.0, lr=0.005)
    return check_number(answer, expected, rtol=0.01, atol=1e-3,
                        hint="With sigma = 0, explore adds nothing: what is left of PBT? Which values of h "
                             "can the workers ever have? Then work out Q as for a worker that can shrink "
                             "only one coordinate, at lr = 0.005.",
                        explain=f"Q = {expected:.3f}: with sigma = 0 PBT is exploit-only. Copying never creates "
                                "a new h, so both workers keep h = (1, 0) and theta1 stays at 0.9: "
                                "1.2 - 0.81 - (0.9 * 0.99^200)^2. New hyperparameters come from explore.")


def replaced(members=10, truncation=0.25):
    """How many members digits_pbt replaces by copies at each ready point."""
    res = pbt.digits_pbt(members=members, rounds=2, epochs_per_round=1, truncation=truncation)
    return float(np.sum(res.parent[1] != np.arange(members)))


def q3(answer):
    """How many members are replaced after each round of digits_pbt(members=10) (truncation 0.25)."""
    if answer is not KEY and not _is_number(answer):
        return check_number(answer, 0.0, hint="The bottom 25 % of 10 members: can that be 2.5 members?")
    expected = replaced()
    return check_number(answer, expected, rtol=0.0, atol=0.01,
                        hint="run() replaces n = max(1, floor(truncation * N)) members: the bottom ones.",
                        explain=f"floor(0.25 * 10) = {expected:.0f}: the two worst copy one of the two best.")


def q4(answer):
    """Which variant of the toy lets a worker's Q fall far below its start (choose a variant name)?"""
    worst = {v: float(np.nan_to_num(pbt.toy(v, seed=1).q, nan=-np.inf).min()) for v in pbt.TOY_VARIANTS}
    expected = min(worst, key=worst.get)
    return check_choice(answer, expected, pbt.TOY_VARIANTS,
                        hint="Which variant perturbs h but never replaces a worker that got worse?",
                        explain="explore only: a random h_i < 0 makes theta_i grow, and nothing removes that "
                                "worker. In pbt, exploit copies the better worker over it at the next ready step.")
