"""Notebook 09's exercise checks accept the right answers and reject wrong ones."""
import numpy as np
import pytest

from lrviz.engine import sparse
from lrviz.exercises import n09_adagrad as ex


def test_q1_closed_form():
    assert ex.effective_lr_on_slope() == pytest.approx(0.01 / np.sqrt(100 * 9), rel=1e-6)
    assert ex.q1(3.33e-4) and not ex.q1(1e-3)


def test_q2_a_weight_that_never_had_a_gradient():
    assert ex.unseen_effective_lr() == pytest.approx(0.01 / 1e-10)
    assert ex.q2(1e8) and not ex.q2(0.01) and not ex.q2(0)


def test_q3_rarer_feature_has_a_larger_rate_but_below_the_rule_of_thumb():
    r = ex.rare_over_frequent()
    t = sparse.sparse_descend("adagrad", p=0.01, lr=0.3, steps=5000, noise=0.5, seed=0)
    n = (t.grad != 0).sum(axis=0)
    assert 1 < r < np.sqrt(n[0] / n[1])
    assert ex.q3(round(r, 1)) and not ex.q3(np.sqrt(n[0] / n[1]))


def _adagrad(x, grad, state, lr, eps):
    s = state["sum"] = state.get("sum", 0.0) + grad ** 2
    return x - lr * grad / (np.sqrt(s) + eps)


def _adagrad_keras_eps(x, grad, state, lr, eps):
    s = state["sum"] = state.get("sum", 0.0) + grad ** 2
    return x - lr * grad / np.sqrt(s + eps)


def _rmsprop_like(x, grad, state, lr, eps):
    s = state["sum"] = 0.9 * state.get("sum", 0.0) + 0.1 * grad ** 2
    return x - lr * grad / (np.sqrt(s) + eps)


def test_q4_update_rule():
    assert ex.q4(_adagrad) is True
    assert ex.q4(_adagrad_keras_eps) is False
    assert ex.q4(_rmsprop_like) is False
