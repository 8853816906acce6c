"""Notebook 09's exercise checks accept the right answers and reject wrong ones."""
from lrviz.exercises import n09_adagrad as ex


def test_q1(capsys):
    assert ex.q1(0.01 / 30)
    assert not ex.q1(0.01 / 10)
    assert not ex.q1(None)
    assert "finite number" in capsys.readouterr().out


def test_q2():
    assert ex.q2(100)
    assert not ex.q2(10)


def test_q3():
    assert ex.q3(ex.sgd_steps())
    assert ex.sgd_steps() == 113
    assert not ex.q3(20)
