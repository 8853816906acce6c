"""Notebook 07's helper and update-rule exercise; its answer checks are in test_exercise_answers.py."""
import numpy as np
import pytest

from lrviz.exercises import n07_rmsprop as ex


def test_half_life():
    assert ex.half_life(0.5) == pytest.approx(1.0)
    assert ex.half_life(0.99) == pytest.approx(68.97, abs=0.01)


def test_first_steps_closed_form():
    # v_1 = (1 - alpha) g^2: the first step is lr / sqrt(1 - alpha) whatever the gradient (torch)
    assert ex.first_x("torch", 0.02, 0.96, 3.0) == pytest.approx(3.0 - 0.1, abs=1e-8)
    # keras, eps inside the root, next to a tiny v: 0.01 * 0.002 / sqrt(0.2 * 4e-6 + 1e-7)
    assert ex.first_x("keras", 0.01, 0.8, 1e-3) == pytest.approx(1e-3 - 0.01 * 2e-3 / np.sqrt(9e-7), rel=1e-9)


def _torch_rule(x, grad, state, lr, alpha, eps):
    v = state.setdefault("square_avg", np.zeros_like(x))
    v[...] = alpha * v + (1 - alpha) * grad ** 2
    return x - lr * grad / (np.sqrt(v) + eps)


def _keras_rule(x, grad, state, lr, alpha, eps):
    v = state.setdefault("square_avg", np.zeros_like(x))
    v[...] = alpha * v + (1 - alpha) * grad ** 2
    return x - lr * grad / np.sqrt(v + eps)


def _no_memory(x, grad, state, lr, alpha, eps):
    return x - lr * grad / (np.sqrt((1 - alpha) * grad ** 2) + eps)


def _stub(x, grad, state, lr, alpha, eps):
    """One PyTorch RMSProp step."""
    ...


def test_q5_update_rule(capsys):
    assert ex.q5(_torch_rule) is True
    assert ex.q5(_keras_rule) is False
    assert "eps placement" in capsys.readouterr().out
    assert ex.q5(_no_memory) is False
    assert "At step 2" in capsys.readouterr().out     # the first step agrees, the second cannot
    assert ex.q5(_stub) is False
    assert "Write" in capsys.readouterr().out
