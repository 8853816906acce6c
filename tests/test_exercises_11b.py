"""The exercise checks of notebook 11b accept the right answers and reject wrong ones (no Ray needed)."""
import pytest

from lrviz.exercises import n11b_pbt_with_ray_tune as ex


@pytest.mark.parametrize("q, right, wrong", [
    (ex.q1, 2, 1),
    (ex.q2, 0.94, 0.6),
])
def test_right_passes_wrong_fails(q, right, wrong, capsys):
    assert q(right) is True
    assert "Right" in capsys.readouterr().out
    assert q(wrong) is False
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize("q", [ex.q1, ex.q2])
def test_no_answer_asks_for_a_number(q, capsys):
    assert q(None) is False
    assert "Answer with a finite number" in capsys.readouterr().out
