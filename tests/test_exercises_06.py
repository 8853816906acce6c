"""Notebook 06 (momentum): right answers pass, wrong ones fail, the update-rule exercise catches mistakes."""
import numpy as np
import pytest

from lrviz.exercises import n06_momentum as ex

RIGHT_AND_WRONG = {
    "q1": (ex.q1, 0.4, 0.2),        # lr g / (1 - mu); 0.2 forgets the gradient 2
    "q2": (ex.q2, 0.02909, 0.064),  # Nesterov 2(1+mu)/((1+2mu) L) = 3.2/110; 0.064 is heavy ball's
    "q3": (ex.q3, 0.8186, 0.905),   # ((sqrt k - 1)/(sqrt k + 1))^2; 0.905 forgets the square
}


@pytest.mark.parametrize("q, right, wrong", RIGHT_AND_WRONG.values(), ids=RIGHT_AND_WRONG)
def test_right_passes_wrong_fails(q, right, wrong, capsys):
    assert q(right) is True
    assert "Right" in capsys.readouterr().out
    assert q(wrong) is False
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize("q", [ex.q1, ex.q2, ex.q3, ex.q4], ids=["q1", "q2", "q3", "q4"])
def test_none_is_unanswered(q, capsys):
    assert not q(None)
    assert "Write" in capsys.readouterr().out


def test_expected_values_by_hand():
    assert ex.terminal_step(0.01, 0.9) == pytest.approx(0.1, rel=1e-9)
    assert ex.terminal_step(0.05, 0.75, grad=2.0) == pytest.approx(0.4, rel=1e-9)
    from lrviz.exercises import checks
    key = {e["question"]: e for e in checks.answer_key(ex)}
    assert key["q1"]["expected"] == pytest.approx(ex.terminal_step(0.05, 0.75, grad=2.0), rel=1e-9)
    assert key["q4"]["kind"] == "update_rule" and key["q4"]["optimizer"] == "momentum"


def _torch_form(x, grad, state, lr, momentum):
    buf = state.get("buf")
    buf = grad.copy() if buf is None else momentum * buf + grad
    state["buf"] = buf
    return x - lr * buf


def _zero_start(x, grad, state, lr, momentum):
    state["b"] = momentum * state.get("b", np.zeros_like(x)) + grad
    return x - lr * state["b"]


def _keras_form(x, grad, state, lr, momentum):
    state["v"] = momentum * state.get("v", np.zeros_like(x)) - lr * grad
    return x + state["v"]


def _no_memory(x, grad, state, lr, momentum):
    return x - lr * grad


def _ema_form(x, grad, state, lr, momentum):  # Adam's m, not PyTorch's buffer
    state["m"] = momentum * state.get("m", np.zeros_like(x)) + (1 - momentum) * grad
    return x - lr * state["m"]


def _stub(x, grad, state, lr, momentum):
    ...


@pytest.mark.parametrize("fn", [_torch_form, _zero_start])
def test_update_rule_right(fn, capsys):
    assert ex.q4(fn) is True
    assert "Right" in capsys.readouterr().out


@pytest.mark.parametrize("fn, says", [(_keras_form, "changing lr"), (_no_memory, "At step 2"),
                                      (_ema_form, "At step 1")])
def test_update_rule_wrong(fn, says, capsys):
    assert ex.q4(fn) is False
    out = capsys.readouterr().out
    assert "Not yet" in out and says in out and "coordinate" in out


def test_update_rule_stub_is_unanswered(capsys):
    assert not ex.q4(_stub)
    assert "Write" in capsys.readouterr().out
