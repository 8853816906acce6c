"""Exercise checks of notebook 02: right answers pass, wrong ones fail, None gets a message."""
import pytest

from lrviz.exercises import n02_gradient_descent_1d as ex


def test_q1(capsys):
    assert ex.q1_expected() == pytest.approx(1.58)
    assert ex.q1(1.58)
    assert not ex.q1(2.42)   # the sign error: stepping uphill
    assert not ex.q1(None)
    assert "finite number" in capsys.readouterr().out


def test_q2(capsys):
    assert ex.q2_expected() == pytest.approx(-0.125)
    assert ex.q2(-0.125)
    assert not ex.q2(0.125)
    assert not ex.q2(float("nan"))
    assert "finite number" in capsys.readouterr().out
