"""Notebook 08's exercise checks accept the right answers and reject wrong ones."""
import numpy as np

import lrviz
from lrviz.exercises import n08_adam as ex


def test_q1(capsys):
    assert ex.q1(2.0)
    assert not ex.q1(3.16)
    assert not ex.q1(None)
    assert "Write your answer" in capsys.readouterr().out


def test_q2():
    assert ex.q2(0.05)
    assert not ex.q2(0.4)


def test_q3_a_small_turn_is_enough_for_momentum():
    assert ex.q3("beta1=0.9")
    assert not ex.q3("beta1=0")
    assert not ex.q3("adam")
    s = lrviz.surface("rotated_valley", kappa=100.0, angle=10.0)
    (n0, _), (n9, _) = ex.best_steps(s, 0.0), ex.best_steps(s, 0.9)
    assert 0 < n9 < n0
    # and on the axis-aligned valley (angle 0) it is the other way round
    flat = lrviz.surface("rotated_valley", kappa=100.0, angle=0.0)
    assert ex.best_steps(flat, 0.0)[0] < ex.best_steps(flat, 0.9)[0]


def test_expected_values():
    assert abs(ex.uncorrected_first_step() - 2.0) < 1e-9
    assert abs(ex.first_y_step() - 0.05) < 1e-9


def _adam(bias_correction=True):
    def adam_step(x, grad, state, lr, betas, eps):
        b1, b2 = betas
        state["t"] = t = state.get("t", 0) + 1
        m = state["m"] = b1 * state.get("m", 0.0) + (1 - b1) * grad
        v = state["v"] = b2 * state.get("v", 0.0) + (1 - b2) * grad ** 2
        if bias_correction:
            m, v = m / (1 - b1 ** t), v / (1 - b2 ** t)
        return x - lr * m / (np.sqrt(v) + eps)
    return adam_step


def test_q4_update_rule(capsys):
    assert ex.q4(_adam()) is True
    assert ex.q4(_adam(bias_correction=False)) is False
    assert "bias correction" in capsys.readouterr().out

    def stub(x, grad, state, lr, betas, eps):
        ...
    assert ex.q4(stub) is False
