"""Exercise checks of notebook 00: right answers pass, wrong ones fail, None gets a message."""
from lrviz.exercises import n00_start_here as ex


def test_q1(capsys):
    expected = ex.q1_expected()
    assert 1.12 < expected < 1.14
    assert ex.q1(round(expected, 2))
    assert not ex.q1(-1.30)
    assert not ex.q1(None)
    assert "finite number" in capsys.readouterr().out


def test_q2(capsys):
    assert ex.q2_expected() == "oscillating"
    assert ex.q2("Oscillating ")
    assert not ex.q2("converging")
    assert not ex.q2(None)
    assert "Pick one of" in capsys.readouterr().out
