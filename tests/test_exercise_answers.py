"""Exercise checks accept the right answer and reject a wrong one, for every table-driven notebook.

The verdict messages themselves are tested in test_checks.py; notebook-specific checks
(answers that need a computation, helpers) stay in tests/test_exercises_NN.py.
"""
import pytest

from lrviz.exercises import n04_bad_learning_rates as n04
from lrviz.exercises import n05_annealing as n05
from lrviz.exercises import n07_rmsprop as n06
from lrviz.exercises import n12_population_based_training as n11
from lrviz.exercises import n12b_pbt_with_ray_tune as n11b
from lrviz.exercises import n13_real_network as n12

RIGHT_AND_WRONG = {
    "04-q1": (n04.q1, 0.4, 0.2), "04-q2": (n04.q2, -0.5, 0.5),
    "04-q3": (n04.q3, "oscillating", "converging"), "04-q4": (n04.q4, 0.04, 2.0),
    "05-q1": (n05.q1, 0.05, 0.1), "05-q2": (n05.q2, 0.0366, 0.09),
    "05-q3": (n05.q3, 0.01464, 0.025), "05-q4": (n05.q4, 0.012, 0.3),
    "05-q5": (n05.q5, 15000, 30),
    "07-q1": (n06.q1, 13.51, 20.0), "07-q1-whole": (n06.q1, 14, 15),
    "07-q2": (n06.q2, 2.9, 2.99), "07-q3": (n06.q3, -0.02008, 0.9684), "07-q4": (n06.q4, "y", "x"),
    "12-pbt-q1": (n11.q1, 0.227, 0.39), "12-pbt-q2": (n11.q2, 0.3755, 1.2),
    "12-pbt-q3": (n11.q3, 2, 2.5), "12-pbt-q4": (n11.q4, "explore", "pbt"),
    "11b-q1": (n11b.q1, 2, 1), "11b-q2": (n11b.q2, 0.94, 0.6),
    "12-q1": (n12.q1, 0.967, 0.975), "12-q2": (n12.q2, "adadelta", "sgd"),
}
NUMBER_QUESTIONS = {
    "04-q1": n04.q1, "04-q2": n04.q2, "04-q4": n04.q4,
    "05-q1": n05.q1, "05-q2": n05.q2, "05-q3": n05.q3, "05-q4": n05.q4, "05-q5": n05.q5,
    "07-q1": n06.q1, "07-q2": n06.q2, "07-q3": n06.q3,
    "12-pbt-q1": n11.q1, "12-pbt-q2": n11.q2, "12-pbt-q3": n11.q3,
    "11b-q1": n11b.q1, "11b-q2": n11b.q2,
    "12-q1": n12.q1, "12-q3": n12.q3,
}
UNKNOWN_CHOICES = {
    "04-q3": (n04.q3, "bouncing"), "07-q4": (n06.q4, "z"),
    "12-pbt-q4": (n11.q4, "random"), "12-q2": (n12.q2, "lion"),
}


@pytest.mark.parametrize("q, right, wrong", RIGHT_AND_WRONG.values(), ids=RIGHT_AND_WRONG)
def test_right_passes_wrong_fails(q, right, wrong, capsys):
    assert q(right) is True
    assert "Right" in capsys.readouterr().out
    assert q(wrong) is False
    assert "Not yet" in capsys.readouterr().out


@pytest.mark.parametrize("q", NUMBER_QUESTIONS.values(), ids=NUMBER_QUESTIONS)
def test_no_answer_asks_for_a_number(q, capsys):
    assert q(None) is False  # None is unanswered: a prompt, not a verdict
    assert "✏️ Write your answer" in capsys.readouterr().out


@pytest.mark.parametrize("q, choice", UNKNOWN_CHOICES.values(), ids=UNKNOWN_CHOICES)
def test_unknown_choice_lists_the_options(q, choice, capsys):
    assert q(choice) is False
    assert "Pick one of" in capsys.readouterr().out
