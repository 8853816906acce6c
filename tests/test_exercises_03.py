"""Exercise checks of notebook 03: right answers pass, wrong ones fail, None gets a message."""
import pytest

from lrviz.exercises import n03_gradient_descent_2d as ex


def test_q1(capsys):
    assert ex.q1_expected() == pytest.approx(3.584, abs=0.01)
    assert ex.q1(3.58)
    assert not ex.q1(3.0)
    assert not ex.q1(None)
    assert "finite number" in capsys.readouterr().out


def test_q2(capsys):
    expected = ex.q2_expected()
    assert 2000 < expected < 3500
    assert ex.q2(expected)
    assert not ex.q2(4538)    # the lr = 1e-3 answer
    assert not ex.q2("many")
    assert "finite number" in capsys.readouterr().out
