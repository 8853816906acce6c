"""The browser benchmark's own pieces that run without a browser: the generated notebooks
and how the table and the goals treat the round trip (a floor, not an explorer)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bl():
    spec = importlib.util.spec_from_file_location("browser_latency", REPO / "benchmarks" / "browser_latency.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _run_cells(cells):
    ns = {}
    for src in cells:
        exec(compile(src, "<cell>", "exec"), ns)
    return ns


def test_the_round_trip_label_follows_the_slider(bl):
    ns = _run_cells(bl.ROUND_TRIP_CELLS)
    # the page finds the Label by its text's start, before and after a change
    assert ns["shown"].value.startswith("lr = ")
    ns["lr"].value = 0.1
    assert ns["shown"].value == "lr = 0.100000"
    ns["lr"].value = 1e-4
    assert ns["shown"].value == "lr = 0.000100"
    # the same slider as the bare figure's and the explorers'
    assert (ns["lr"].min, ns["lr"].max, ns["lr"].step) == (-5, 1, 0.05)


def test_the_round_trip_notebook_is_valid(bl, tmp_path):
    import nbformat

    path = bl.generated_notebook(tmp_path / bl.ROUND_TRIP, bl.ROUND_TRIP_CELLS)
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    assert [c.source for c in nb.cells] == bl.ROUND_TRIP_CELLS


def _result(median, first=100.0, shown=None, settle=None):
    drags = [] if shown is None else [{"shown": shown, "moves": 30, "settle_ms": settle}]
    return {"first": first, "keys": [median] * 3, "settled": [], "drags": drags,
            "frame_kb": None, "encode_ms": None, "decode_ms": None, "canvas": None}


def test_the_round_trip_is_a_floor_not_an_explorer(bl):
    res = {"lab": {"bare_ipympl": _result(90.0, shown=20, settle=40.0),
                   "round_trip": _result(25.0),
                   "03_gradient_descent_2d": _result(80.0, shown=25, settle=150.0),
                   "bare_ipympl (again)": _result(100.0, shown=22, settle=50.0)}}
    goals = bl.goals(res)
    assert len(goals) == 1 and goals[0].split()[1] == "03_gradient_descent_2d"
    assert "key median 80 > 60" in goals[0] and "settle 150 > bare 45 + 50" in goals[0]
    rows = {line.split()[1]: line for line in bl.table(res)[2:]}
    assert rows["round_trip"].rstrip().endswith("vs bare:")  # no ratio against the bare figure
    assert rows["round_trip"].split()[2:4] == ["100", "25"]  # first, median
    assert "0.84" in rows["03_gradient_descent_2d"]  # 80 / the bare figure's pooled median 95
