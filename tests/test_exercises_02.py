"""Exercise checks of notebook 02: right answers pass, wrong ones fail, None gets a message."""
import pytest

from lrviz.exercises import n02_gradient_descent_1d as ex


def test_q1(capsys):
    assert ex.q1_expected() == pytest.approx(1.5 - 0.02 * (4 * 1.5 ** 3 - 6 * 1.5 + 1))  # 1.39
    assert ex.q1(1.39)
    assert not ex.q1(1.61)   # the sign error: stepping uphill
    assert not ex.q1(1.58)   # the worked example's answer (from x0 = 2) is not this one's
    assert not ex.q1("1.39")
    assert "finite number" in capsys.readouterr().out


def test_q2(capsys):
    assert ex.q2_expected() == pytest.approx((-0.6) ** 3)
    assert ex.q2(-0.216)
    assert not ex.q2(0.216)
    assert not ex.q2(float("nan"))
    assert "finite number" in capsys.readouterr().out
