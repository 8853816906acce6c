"""Notebook 13: the range-test answer (it needs a training run) and the ramp helper.

The table-driven answer checks are in test_exercise_answers.py.
"""
import numpy as np
import pytest

from lrviz import analysis, nets
from lrviz.exercises import n13_real_network as ex


def test_q3_accepts_the_computed_range_test_answer(capsys):
    r = nets.train(optimizer="adam", lr=ex.range_test_ramp(), epochs=20)
    lrs = r.lr[r.steps_per_epoch - 1::r.steps_per_epoch]
    right = 10 * analysis.range_test_from_losses(lrs, r.train_loss[1:], beta=0.5).lr_min_div10
    assert ex.q3(right) is True
    assert "Right" in capsys.readouterr().out
    assert ex.q3(1e-4) is False
    assert "Not yet" in capsys.readouterr().out


def test_ramp_is_exponential_from_lr_min_to_lr_max():
    ramp = ex.range_test_ramp(1e-5, 1.0, epochs=2)
    steps = 2 * 34
    assert ramp(0) == pytest.approx(1e-5) and ramp(steps - 1) == pytest.approx(1.0)
    assert ramp(steps // 2) / ramp(steps // 2 - 1) == pytest.approx(ramp(1) / ramp(0))
    assert np.isfinite(ramp(10))
