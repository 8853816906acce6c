"""Exercises of notebook 05 · Annealing. Expected answers are computed with lrviz's schedules."""
from __future__ import annotations

from ..engine import schedules
from .checks import check_number

__all__ = ["q1", "q2", "q3", "q4"]


def q1(answer):
    """lr of the tutorial's schedule multistep(lr=0.1, milestones=[400, 700], gamma=0.1) at step 750."""
    expected = float(schedules.schedule("multistep", lr=0.1, milestones=[400, 700], gamma=0.1)(750))
    return check_number(answer, expected, rtol=0.01,
                        hint="Count the milestones already passed at step 750; each one multiplies the lr by gamma.",
                        explain=f"Two milestones passed: 0.1 x 0.1 x 0.1 = {expected:g}.")


def q2(answer):
    """lr of exponential(lr=0.1, gamma=0.99) at step 100."""
    expected = float(schedules.schedule("exponential", lr=0.1, gamma=0.99)(100))
    return check_number(answer, expected, rtol=0.01,
                        hint="ExponentialLR multiplies by gamma every step: lr_t = lr * gamma**t.",
                        explain=f"0.1 x 0.99^100 = {expected:.4g}: about 37 % of the start (0.99^100 ~ 1/e).")


def q3(answer):
    """lr of cosine(lr=0.1, T_max=1000) at step 750."""
    expected = float(schedules.schedule("cosine", lr=0.1, T_max=1000)(750))
    return check_number(answer, expected, rtol=0.01,
                        hint="lr_t = eta_min + (lr - eta_min) (1 + cos(pi t / T_max)) / 2 with eta_min = 0.",
                        explain=f"0.1 (1 + cos(3 pi / 4)) / 2 = {expected:.4g}.")


def q4(answer):
    """Starting lr (step 0) of onecycle(lr=0.1, total_steps=1000) with torch's default div_factor."""
    expected = float(schedules.schedule("onecycle", lr=0.1, total_steps=1000)(0))
    return check_number(answer, expected, rtol=0.01,
                        hint="OneCycleLR starts at max_lr / div_factor, and torch's div_factor is 25.",
                        explain=f"0.1 / 25 = {expected:g}; it warms up to 0.1 over the first 30 % of the steps.")
