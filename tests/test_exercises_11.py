"""The exercise checks of notebook 11 accept the right answers and reject wrong ones."""
import pytest

from lrviz.exercises import n11_population_based_training as ex


@pytest.mark.parametrize("q, right, wrong", [
    (ex.q1, 0.39, 1.2),
    (ex.q2, 0.39, 1.2),
    (ex.q3, 2, 1),
    (ex.q4, "explore", "pbt"),
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
    assert ex.q4("random") is False
    assert "Pick one of" in capsys.readouterr().out
