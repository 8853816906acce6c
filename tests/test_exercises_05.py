"""The exercise checks of notebook 05 accept the right answers and reject wrong ones."""
import pytest

from lrviz.exercises import n05_annealing as ex


@pytest.mark.parametrize("q, right, wrong", [
    (ex.q1, 0.001, 0.01),
    (ex.q2, 0.0366, 0.09),
    (ex.q3, 0.01464, 0.025),
    (ex.q4, 0.004, 0.1),
])
def test_right_passes_wrong_fails(q, right, wrong, capsys):
    assert q(right) is True
    assert "Right" in capsys.readouterr().out
    assert q(wrong) is False
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize("q", [ex.q1, ex.q2, ex.q3, ex.q4])
def test_no_answer_asks_for_a_number(q, capsys):
    assert q(None) is False
    assert "Answer with a finite number" in capsys.readouterr().out
