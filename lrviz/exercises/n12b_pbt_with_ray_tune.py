"""Exercises of notebook 12b · PBT with Ray Tune. Expected answers are computed with lrviz (no Ray needed)."""
from __future__ import annotations

from ..training import pbt
from ..training import ray_pbt
from .checks import check_number

__all__ = ["q1", "q2"]


def q1(answer):
    """How many of 6 members does Ray's PBT replace per round (quantile_fraction 0.25)?"""
    expected = float(ray_pbt.replaced_per_round(6, 0.25))
    inhouse = max(1, int(0.25 * 6))
    return check_number(answer, expected, rtol=0.0, atol=0.01,
                        hint="Ray rounds the bottom quantile UP: ceil(0.25 * N), at most N // 2.",
                        explain=f"ceil(0.25 * 6) = {expected:.0f}; lrviz.pbt.run rounds down and replaces "
                                f"max(1, floor(0.25 * 6)) = {inhouse}. Same idea, different rounding: "
                                "check such details before you compare two PBT implementations.")


def q2(answer):
    """Best validation accuracy after round 0 of run_ray_pbt(members=4, epochs_per_round=2, seed=0), 2 decimals."""
    res = pbt.digits_pbt(members=4, rounds=1, epochs_per_round=2, seed=0)
    expected = round(float(res.scores[0].max()), 2)
    return check_number(answer, expected, rtol=0.0, atol=0.006,
                        hint="Before the first exploit Ray's members are exactly lrviz.pbt's: same inits, same lrs. "
                             "Run pbt.digits_pbt(members=4, rounds=1, epochs_per_round=2) and look at .scores[0].",
                        explain=f"{expected:.2f}: round 0 involves no random choice of Ray's, so it is reproducible "
                                "and equal to the in-house run; only the exploit/explore decisions after it may vary.")
