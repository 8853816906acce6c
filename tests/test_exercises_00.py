"""Exercise checks of notebook 00: right answers pass, wrong ones fail, None gets a message."""
import lrviz
from lrviz.exercises import n00_start_here as ex


def test_q1(capsys):
    assert ex.q1_expected() == "global minimum"
    # the same run by hand: it ends at the global minimum, not at the local one
    traj = lrviz.descend("quartic", "sgd", x0=(2.0,), lr=0.12, steps=60)
    assert abs(float(traj.final_x[0]) + 1.3008) < 1e-3
    assert ex.q1(" Global Minimum")
    assert not ex.q1("local minimum")
    assert not ex.q1("diverges")
    assert not ex.q1("somewhere")
    assert "Pick one of" in capsys.readouterr().out
    assert not ex.q1(None)


def test_q2(capsys):
    assert ex.q2_expected() == "oscillating"
    assert ex.q2("Oscillating ")
    assert not ex.q2("converging")
    assert not ex.q2("bouncing")
    assert "Pick one of" in capsys.readouterr().out
    assert not ex.q2(None)
