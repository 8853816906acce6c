"""checks: the verdicts every exercise prints."""
import math

import numpy as np
import pytest

from lrviz.exercises.checks import check_choice, check_number


@pytest.mark.parametrize("answer, ok", [(0.2, True), (0.2099, True), (0.191, True), (0.22, False), (-0.2, False)])
def test_check_number_uses_a_relative_tolerance(answer, ok, capsys):
    assert check_number(answer, 0.2, rtol=0.05) is ok
    out = capsys.readouterr().out
    assert out.startswith("✅ Right." if ok else "❌ Not yet.")


def test_check_number_absolute_tolerance_for_answers_near_zero(capsys):
    assert check_number(1e-9, 0.0, atol=1e-6) is True
    assert check_number(1e-3, 0.0, atol=1e-6, hint="Think of the limit.") is False
    assert "Think of the limit." in capsys.readouterr().out


@pytest.mark.parametrize("answer", [None, "0.2", True, math.nan, math.inf, [0.2]])
def test_check_number_asks_for_a_finite_number_instead_of_raising(answer, capsys):
    assert check_number(answer, 0.2) is False
    assert "Answer with a finite number" in capsys.readouterr().out


def test_check_number_accepts_numpy_scalars(capsys):
    assert check_number(np.float32(0.2), 0.2) is True
    assert check_number(np.int64(3), 3) is True


def test_check_choice_ignores_case_and_spaces_and_lists_unknown_options(capsys):
    assert check_choice("  ADAM ", "adam", ["sgd", "adam"]) is True
    assert check_choice("sgd", "adam", ["sgd", "adam"], hint="Which one rescales?") is False
    assert "Which one rescales?" in capsys.readouterr().out
    assert check_choice("lion", "adam", ["sgd", "adam"]) is False
    assert "Pick one of: sgd, adam" in capsys.readouterr().out
