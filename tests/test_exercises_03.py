"""Exercise checks of notebook 03: right answers pass, wrong ones fail, None gets a message."""
import numpy as np
import pytest

import lrviz
from lrviz.exercises import n03_gradient_descent_2d as ex


def test_q1(capsys):
    # by hand: grad f(2, 1) = (4*2*(-6) + 2*(-4), 2*(-6) + 4*1*(-4)) = (-56, -28)
    np.testing.assert_allclose(lrviz.surface("himmelblau").grad(np.array([2.0, 1.0])), [-56.0, -28.0])
    assert ex.q1_expected() == pytest.approx((2.56, 1.28))
    assert ex.q1((2.56, 1.28)) and ex.q1([2.56, 1.28]) and ex.q1(np.array([2.56, 1.28]))
    capsys.readouterr()
    assert not ex.q1((1.44, 0.72))     # stepping uphill
    assert not ex.q1((2.56, 0.72))
    assert "x1 is right" in capsys.readouterr().out
    assert not ex.q1(2.56)
    assert "pair of numbers" in capsys.readouterr().out
    assert not ex.q1(None)


def test_q2(capsys):
    expected = ex.q2_expected()
    assert 2000 < expected < 3500
    assert ex.q2(expected) and ex.q2(float(expected))
    assert not ex.q2(4538)    # the lr = 1e-3 answer
    assert not ex.q2("many")
    assert "finite number" in capsys.readouterr().out
