"""Exercise checks for notebook 01 (parameters and generalization).

Expected answers come from :mod:`lrviz.generalization`, the same code the notebook's
figures and explorer use.
"""
from __future__ import annotations

from . import checks
from ..training import generalization as gen

__all__ = ["q1", "q2", "q1_expected", "q2_expected", "DEGREES", "VERDICTS"]

DEGREES = range(13)
VERDICTS = ("underfitting", "sweet spot", "overfitting")


def q1_expected():
    """Degree (0..12) the validation set picks for 15 points with noise 0.05, seed 0."""
    return gen.error_curve(gen.make_data(n_train=15, noise=0.05, seed=0), DEGREES).chosen_degree


def q1(answer):
    """Degree the validation set picks when the data are almost clean (noise = 0.05)."""
    return checks.check_number(
        answer, q1_expected(), rtol=0.0, atol=0.0,
        hint="Make the data with gen.make_data(n_train=15, noise=0.05, seed=0), build its gen.error_curve and "
             "read chosen_degree (the lowest validation error), or print the validation column for it.",
        explain="With less noise there is less to be fooled by, so a more flexible model pays off before it "
                "starts fitting the noise: the choice moves to a higher degree than with noise 0.2.")


def q2_expected():
    """Verdict for degree 12 with 50 training points (noise 0.2, seed 0)."""
    return gen.verdict(gen.error_curve(gen.make_data(n_train=50, noise=0.2, seed=0), DEGREES), 12)


def q2(answer):
    """Degree 12 overfits 15 points and is fine with 200. What is it with 50?"""
    return checks.check_choice(
        answer, q2_expected(), VERDICTS,
        hint="Keep degree 12 and drag 'train points' to 50 (or build the error curve for n_train=50): is the "
             "test error at degree 12 within 1.5 times the best one?",
        explain="50 points already pin a degree-12 polynomial down on most of [-1, 1]: its test error is within "
                "1.5 times the best. Somewhere between 15 and 50 points overfitting fades.")
