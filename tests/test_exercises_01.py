"""Exercise checks of notebook 01: right answers pass, wrong ones fail, None gets a message."""
from lrviz.exercises import n01_parameters_and_generalization as ex


def test_q1(capsys):
    expected = ex.q1_expected()
    assert expected == 5
    assert ex.q1(expected)
    assert not ex.q1(3)
    assert not ex.q1(None)
    assert "finite number" in capsys.readouterr().out


def test_q2(capsys):
    assert ex.q2_expected() == "sweet spot"
    assert ex.q2("Sweet spot")
    assert not ex.q2("overfitting")
    assert not ex.q2(None)
    assert "Pick one of" in capsys.readouterr().out
