"""Notebook 10's exercise checks accept the right answers and reject wrong ones."""
import numpy as np
import pytest

import lrviz
from lrviz.exercises import n10_adadelta as ex


def test_q1(capsys):
    assert ex.q1(float(np.sqrt(1e-6 / 0.05)))
    assert not ex.q1(0.00316)
    assert not ex.q1(None)
    assert "Write your answer" in capsys.readouterr().out


def test_q2_and_the_answer_really_gives_the_same_path():
    assert ex.q2(2.5)
    assert not ex.q2(0.5)
    assert ex.path_gap(5.0, "sgd", 0.1, lr_scaled=ex.sgd_lr_for_scale(5.0, 0.1)) < 1e-9


def test_q3_the_first_step_ignores_the_units():
    s = ex.first_step_scaled(2.0)
    gx = -3.6 / 4
    assert s == pytest.approx(np.sqrt(1e-6) * abs(gx) / np.sqrt(0.1 * gx ** 2 + 1e-6), rel=1e-9)
    assert s == pytest.approx(ex.first_step_scaled(1.0), rel=1e-4)   # the same in any units
    assert ex.q3(0.00158) and not ex.q3(0.00316) and not ex.q3(0.00632)


def test_y_rate_settles_at_the_edge_of_stability():
    t = lrviz.descend("valley", "adadelta", steps=2000)   # kappa = 10
    eff = t.derived()["effective_lr"]
    assert eff[-1, 1] == pytest.approx(2 / 10, rel=1e-3)
    assert eff[-1, 0] == pytest.approx(1.0, rel=1e-6)


def _adadelta(x, grad, state, lr, rho, eps):
    sq = state["sq"] = rho * state.get("sq", 0.0) + (1 - rho) * grad ** 2
    dx = np.sqrt(state.get("acc", 0.0) + eps) / np.sqrt(sq + eps) * grad
    state["acc"] = rho * state.get("acc", 0.0) + (1 - rho) * dx ** 2
    return x - lr * dx


def _adadelta_new_acc_first(x, grad, state, lr, rho, eps):
    sq = state["sq"] = rho * state.get("sq", 0.0) + (1 - rho) * grad ** 2
    acc = state.get("acc", 0.0)
    dx = np.sqrt(rho * acc + eps) / np.sqrt(sq + eps) * grad   # uses a decayed E[dx^2] too early
    state["acc"] = rho * acc + (1 - rho) * dx ** 2
    return x - lr * dx


def test_q4_update_rule():
    assert ex.q4(_adadelta) is True
    assert ex.q4(_adadelta_new_acc_first) is False
