"""Notebook 07's helper; its answer checks are in test_exercise_answers.py."""
import pytest

from lrviz.exercises import n07_rmsprop as ex


def test_half_life():
    assert ex.half_life(0.5) == pytest.approx(1.0)
    assert ex.half_life(0.99) == pytest.approx(68.97, abs=0.01)
