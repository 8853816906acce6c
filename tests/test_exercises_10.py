"""Notebook 10's exercise checks accept the right answers and reject wrong ones."""
import numpy as np

from lrviz.exercises import n10_adadelta as ex


def test_q1(capsys):
    assert ex.q1(float(np.sqrt(1e-6 / 0.05)))
    assert not ex.q1(0.00316)
    assert not ex.q1(None)
    assert "finite number" in capsys.readouterr().out


def test_q2_and_the_answer_really_gives_the_same_path():
    assert ex.q2(2.5)
    assert not ex.q2(0.5)
    assert ex.path_gap(5.0, "sgd", 0.1, lr_scaled=ex.sgd_lr_for_scale(5.0, 0.1)) < 1e-9


def test_q3():
    assert ex.q3("no")
    assert not ex.q3("yes")
