"""Notebook 08's exercise checks accept the right answers and reject wrong ones."""
from lrviz.exercises import n08_adam as ex


def test_q1(capsys):
    assert ex.q1(2.0)
    assert not ex.q1(3.16)
    assert not ex.q1(None)
    assert "finite number" in capsys.readouterr().out


def test_q2():
    assert ex.q2(0.05)
    assert not ex.q2(0.4)


def test_q3():
    assert ex.q3("beta1=0")
    assert not ex.q3("beta1=0.9")
    assert not ex.q3("adam")


def test_expected_values():
    assert abs(ex.uncorrected_first_step() - 2.0) < 1e-9
    assert abs(ex.first_y_step() - 0.05) < 1e-9
