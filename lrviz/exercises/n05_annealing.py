"""Exercises of notebook 05 · Annealing. Expected answers are computed with lrviz's schedules."""
from __future__ import annotations

import numpy as np

from ..engine import schedules
from .checks import check_number

__all__ = ["q1", "q2", "q3", "q4", "q5"]


def q1(answer):
    """lr of multistep(lr=0.2, milestones=[300, 600], gamma=0.5) at step 650."""
    expected = float(schedules.schedule("multistep", lr=0.2, milestones=[300, 600], gamma=0.5)(650))
    return check_number(answer, expected, rtol=0.01,
                        hint="Count the milestones already passed at step 650; each one multiplies the lr by gamma.",
                        explain=f"Two milestones passed: 0.2 x 0.5 x 0.5 = {expected:g}.")


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
    """Starting lr (step 0) of onecycle(lr=0.3, total_steps=2000) with torch's default div_factor."""
    expected = float(schedules.schedule("onecycle", lr=0.3, total_steps=2000)(0))
    return check_number(answer, expected, rtol=0.01,
                        hint="OneCycleLR starts at max_lr / div_factor, and torch's div_factor is 25; the number "
                             "of steps does not matter for the start.",
                        explain=f"0.3 / 25 = {expected:g}; it warms up to 0.3 over the first 30 % of the steps.")


EPOCHS, STEPS_PER_EPOCH, MILESTONES = 90, 500, (30, 60)


def q5(answer):
    """The optimizer step of the first lr drop when a per-epoch MultiStepLR(milestones=[30, 60]) runs
    on 500 batches per epoch, written as lrviz's per-step schedule."""
    per_step = schedules.schedule("multistep", lr=0.1, milestones=[m * STEPS_PER_EPOCH for m in MILESTONES])
    lrs = per_step(np.arange(EPOCHS * STEPS_PER_EPOCH))
    t = int(np.argmax(lrs < lrs[0]))  # the first step that uses the lower lr
    return check_number(answer, t, rtol=0.0, integer=True,
                        hint="The scheduler steps once per epoch, lrviz once per batch: how many batches come "
                             "before epoch 30 starts? (Epochs and steps are both counted from 0.)",
                        explain=f"30 epochs x 500 steps = {t}: lrviz's milestones are [15000, 30000]. Left at "
                                "[30, 60], the lr would drop after 30 batches, not 30 epochs.")
