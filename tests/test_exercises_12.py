"""The exercise checks of notebook 12 accept the right answers and reject wrong ones."""
import numpy as np
import pytest

from lrviz import analysis, nets
from lrviz.exercises import n12_real_network as ex


def _q3_answer():
    r = nets.train(optimizer="adam", lr=ex.range_test_ramp(), epochs=20)
    lrs = r.lr[r.steps_per_epoch - 1::r.steps_per_epoch]
    return 10 * analysis.range_test_from_losses(lrs, r.train_loss[1:], beta=0.5).lr_min_div10


@pytest.mark.parametrize("q, right, wrong", [
    (ex.q1, 1e-2, 1e-3),
    (ex.q2, "adadelta", "sgd"),
    (ex.q3, "computed", 1e-4),
])
def test_right_passes_wrong_fails(q, right, wrong, capsys):
    if right == "computed":
        right = _q3_answer()
    assert q(right) is True
    assert "Right" in capsys.readouterr().out
    assert q(wrong) is False
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize("q", [ex.q1, ex.q3])
def test_no_answer_asks_for_a_number(q, capsys):
    assert q(None) is False
    assert "Answer with a finite number" in capsys.readouterr().out


def test_unknown_choice_lists_the_options(capsys):
    assert ex.q2("lion") is False
    assert "Pick one of" in capsys.readouterr().out


def test_ramp_is_exponential_from_lr_min_to_lr_max():
    ramp = ex.range_test_ramp(1e-5, 1.0, epochs=2)
    steps = 2 * 34
    assert ramp(0) == pytest.approx(1e-5) and ramp(steps - 1) == pytest.approx(1.0)
    assert ramp(steps // 2) / ramp(steps // 2 - 1) == pytest.approx(ramp(1) / ramp(0))
    assert np.isfinite(ramp(10))
