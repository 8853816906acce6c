"""Notebook 14: the exercise checks accept the computed answer and reject the tempting wrong one."""
import pytest

from lrviz.exercises import n14_edge_of_stability as ex
from lrviz.training import eos


def test_q1_is_two_over_lr_and_the_measured_plateau_is_within_ten_percent(capsys):
    run = eos.gd(lr=0.25, steps=2000)
    assert eos.plateau(run) == pytest.approx(8.0, rel=0.1)
    assert ex.q1(8) is True and ex.q1(eos.plateau(run)) is True
    assert ex.q1(4) is False and ex.q1(0.25) is False   # lr / 2 and the lr itself
    assert ex.q1("8") is False
    out = capsys.readouterr().out
    assert "Right" in out and "Not yet" in out


def test_q2_sharpness_rises_after_lowering_the_lr():
    assert ex.switch_outcome(0.3, 0.15) == "rises"
    # Raised past the edge the sharpness falls to the new 2/lr (10.2 -> 7.0 here). Not 0.15 -> 0.3:
    # that run sits on the verge of diverging, and with two BLAS threads it does diverge.
    assert ex.switch_outcome(0.2, 0.3) == "falls"
    assert ex.q2(" Rises") is True
    assert ex.q2("stays") is False


def test_q2_an_unknown_choice_lists_the_options(capsys):
    assert ex.q2("jumps") is False
    assert "falls" in capsys.readouterr().out


def test_q3_is_the_measured_largest_stable_lr_at_batch_size_3():
    right = eos.largest_stable_lr(3, ex.GRID)
    assert right == 0.2
    assert eos.largest_stable_lr(2, ex.GRID) <= right <= eos.largest_stable_lr(5, ex.GRID)
    assert ex.q3(right) is True
    assert ex.q3(0.3) is False


def test_unanswered_questions_are_not_wrong(capsys):
    for q in (ex.q1, ex.q2, ex.q3):
        assert q(None) is not True
    assert capsys.readouterr().out.count("answer") >= 3
