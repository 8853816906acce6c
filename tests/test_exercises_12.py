"""Notebook 12's exercises: closed forms of the toy, and answers that the notebook does not print."""
import numpy as np
import pytest

from lrviz.exercises import checks
from lrviz.exercises import n12_population_based_training as ex


def test_q1_grid_closed_form():
    # theta0 <- theta0 (1 - 2 lr) for 200 steps, theta1 stays at 0.9
    want = 1.2 - 0.81 - (0.9 * (1 - 2 * 0.002) ** 200) ** 2
    assert ex._best_final_q("grid", lr=0.002) == pytest.approx(want, abs=1e-12)
    assert ex.q1(round(want, 3)) and not ex.q1(0.39)


def test_q2_pbt_without_explore_is_exploit_only():
    want = 1.2 - 0.81 - (0.9 * 0.99 ** 200) ** 2
    assert ex._best_final_q("pbt", sigma=0.0, lr=0.005) == pytest.approx(want, abs=1e-12)
    assert ex._best_final_q("exploit", lr=0.005) == pytest.approx(want, abs=1e-12)
    assert ex.q2(0.375) and not ex.q2(0.39) and not ex.q2(1.2)


def test_q3_floor_of_a_quarter_of_ten():
    assert ex.replaced() == 2.0
    assert ex.q3(2) and not ex.q3(2.5) and not ex.q3(3)
    assert ex.q3(None) is False


def test_answer_key_records_without_training_on_a_non_number(capsys):
    assert ex.q3(checks.KEY) is None
    assert capsys.readouterr().out == ""
