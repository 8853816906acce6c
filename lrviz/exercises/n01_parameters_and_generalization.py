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
    """Degree (0..12) with the lowest test error for 15 points with noise 0.05, seed 0."""
    return gen.error_curve(gen.make_data(n_train=15, noise=0.05, seed=0), DEGREES).best_degree


def q1(answer):
    """Best degree when the data are almost clean (noise = 0.05)."""
    return checks.check_number(
        answer, q1_expected(), rtol=0.0, atol=0.0,
        hint="Move the noise slider to 0.05 (or ex.update(noise=0.05)) and look for the lowest point of the "
             "red test curve; the readout prints the best degree.",
        explain="With less noise there is less to be fooled by, so a more flexible model pays off before it "
                "starts fitting the noise: the sweet spot moves to a higher degree than with noise 0.2.")


def q2_expected():
    """Verdict for degree 12 with 200 training points (noise 0.2, seed 0)."""
    return gen.verdict(gen.error_curve(gen.make_data(n_train=200, noise=0.2, seed=0), DEGREES), 12)


def q2(answer):
    """Degree 12 overfits 15 points. What is it with 200 points?"""
    return checks.check_choice(
        answer, q2_expected(), VERDICTS,
        hint="Keep degree 12 and drag 'train points' to 200: does the test error at degree 12 stay far above "
             "the best one?",
        explain="200 points pin the polynomial down everywhere on [-1, 1]: degree 12 can no longer wiggle "
                "through the noise, and its test error is within a hair of the best. More data tames overfitting.")
