"""The exercise checks of notebook 06 accept the right answers and reject wrong ones."""
import pytest

from lrviz.exercises import n06_rmsprop as ex


def test_half_life():
    assert ex.half_life(0.5) == pytest.approx(1.0)
    assert ex.half_life(0.99) == pytest.approx(68.97, abs=0.01)


@pytest.mark.parametrize("q, right, wrong", [
    (ex.q1, 13.51, 20.0),
    (ex.q2, 0.9, 0.99),
    (ex.q3, 0.9684, 0.9),
    (ex.q4, "x", "y"),
])
def test_right_passes_wrong_fails(q, right, wrong, capsys):
    assert q(right) is True
    assert "Right" in capsys.readouterr().out
    assert q(wrong) is False
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize("q", [ex.q1, ex.q2, ex.q3])
def test_no_answer_asks_for_a_number(q, capsys):
    assert q(None) is False
    assert "Answer with a finite number" in capsys.readouterr().out


def test_unknown_choice_lists_the_options(capsys):
    assert ex.q4("z") is False
    assert "Pick one of" in capsys.readouterr().out
