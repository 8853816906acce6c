"""key_press_values: the values a FloatLogSlider's page code sends one arrow key away.

The golden file holds what a real slider sent to its kernel in Chromium (every bit, in
order); each value must be among the candidates computed from the one before it.
"""
import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrviz.explorers.explorer import LR_SLIDER
from lrviz.explorers.slider_keys import key_press_values

GOLDEN = json.loads((Path(__file__).parent / "golden" / "slider_key_presses.json").read_text())


@pytest.mark.parametrize("run", sorted(GOLDEN["sent"]))
def test_every_value_a_browser_sent_was_predicted_from_the_one_before(run):
    prev, sent = GOLDEN["start"][run], GOLDEN["sent"][run]
    assert len(sent) >= 40
    for value in sent:
        assert value in key_press_values(prev, -5, 1, 0.05), (prev, value)
        prev = value


def test_the_first_showing_of_an_off_grid_value_is_predicted():
    # 1.0 sits on the grid, yet noUiSlider's percent arithmetic holds the exponent 8.9e-16
    assert GOLDEN["sent"]["from_1.0"][0] == 1.000000000000002
    assert 1.000000000000002 in key_press_values(1.0, -5, 1, 0.05)


def test_the_naive_grid_value_is_often_not_what_the_page_sends():
    # why the arithmetic is redone: 10 ** (grid exponent) misses many of the recorded values
    sent = GOLDEN["sent"]["from_0.01"]
    naive = {10.0 ** round(-5 + k * 0.05, 2) for k in range(121)}
    assert sum(v not in naive for v in sent) >= 10


def _exponents(values):
    return {round(math.log10(v), 6) for v in values}


def test_no_press_past_the_ends_of_the_range():
    assert _exponents(key_press_values(10.0, -5, 1, 0.05)) <= {0.95, 1.0}  # ArrowLeft only
    assert 0.95 in _exponents(key_press_values(10.0, -5, 1, 0.05))
    assert _exponents(key_press_values(1e-5, -5, 1, 0.05)) <= {-5.0, -4.95}  # ArrowRight only
    assert -4.95 in _exponents(key_press_values(1e-5, -5, 1, 0.05))


@pytest.mark.parametrize("value", [0.0, -1.0, math.nan, math.inf, "fast", None])
def test_values_a_slider_cannot_show_give_no_candidates(value):
    assert key_press_values(value, -5, 1, 0.05) == ()


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(k=st.integers(0, 120), nudge=st.floats(-1e-9, 1e-9))
def test_the_candidates_are_one_step_either_way_and_the_value_s_own_grid_point(k, nudge):
    lo, hi, step = LR_SLIDER["lo"], LR_SLIDER["hi"], LR_SLIDER["step"]
    value = 10.0 ** (lo + k * step + nudge)
    got = key_press_values(value, lo, hi, step)
    grid = {j: round(lo + j * step, 6) for j in (k - 1, k, k + 1) if 0 <= j <= 120}
    assert _exponents(got) <= set(grid.values())
    assert {grid[j] for j in (k - 1, k + 1) if j in grid} <= _exponents(got)
    assert value not in got and len(got) <= 9
