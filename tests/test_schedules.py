"""Tests for lrviz.schedules: known values, purity, torch agreement, validation."""
import json
import math
from pathlib import Path

import numpy as np
import pytest

from lrviz.engine.schedules import SCHEDULES, Schedule, schedule, warmup_cosine

GOLDEN = Path(__file__).parent / "golden"
TORCH = json.loads((GOLDEN / "torch_schedules.json").read_text())


def _kwargs(case):
    kw = dict(case["kwargs"])
    if "schedules" in kw:
        kw["schedules"] = [tuple(s) for s in kw["schedules"]]
    return kw


def test_tutorial_annealing_example():
    sched = schedule("multistep", lr=0.1, milestones=[400, 700], gamma=0.1)
    lr = sched(np.arange(1000))
    assert lr.shape == (1000,) and lr.dtype == np.float64
    np.testing.assert_allclose(lr[:400], 0.1, rtol=1e-15)
    np.testing.assert_allclose(lr[400:700], 0.01, rtol=1e-15)
    np.testing.assert_allclose(lr[700:], 0.001, rtol=1e-15)
    assert sched.name == "multistep"
    assert sched.params == dict(lr=0.1, milestones=[400, 700], gamma=0.1)
    assert repr(sched) == "schedule('multistep', lr=0.1, milestones=[400, 700], gamma=0.1)"


def test_known_values():
    assert schedule("constant", lr=0.1)(12345) == 0.1
    c = schedule("constant", lr=0.1, factor=0.5, total_iters=3)
    assert [c(t) for t in range(5)] == [0.05, 0.05, 0.05, 0.1, 0.1]
    s = schedule("step", lr=1.0, step_size=10, gamma=0.5)
    assert (s(9), s(10), s(25)) == (1.0, 0.5, 0.25)
    assert schedule("exponential", lr=2.0, gamma=0.5)(3) == 0.25
    cos = schedule("cosine", lr=0.1, T_max=10, eta_min=0.01)
    assert cos(0) == pytest.approx(0.1) and cos(5) == pytest.approx(0.055) and cos(10) == pytest.approx(0.01)
    assert cos(15) == pytest.approx(0.055) and cos(20) == pytest.approx(0.1)  # periodic like torch
    w = schedule("cosine_warm_restarts", lr=1.0, T_0=4, T_mult=2)
    assert [round(w(t), 6) for t in (0, 2, 4, 8, 12, 28)] == [1.0, 0.5, 1.0, 0.5, 1.0, 1.0]
    lin = schedule("linear", lr=1.0, start_factor=0.25, total_iters=3)
    assert [lin(t) for t in range(5)] == [0.25, 0.5, 0.75, 1.0, 1.0]
    assert schedule("linear", lr=0.3)(0) == pytest.approx(0.1)  # torch default start_factor 1/3
    poly = schedule("polynomial", lr=1.0, total_iters=4, power=2.0)
    assert [poly(t) for t in range(6)] == [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    oc = schedule("onecycle", lr=0.1, total_steps=100)
    assert oc(0) == pytest.approx(0.1 / 25) and oc(29) == pytest.approx(0.1)
    assert oc(99) == pytest.approx(0.1 / 25 / 1e4)
    assert schedule("onecycle", max_lr=0.1, total_steps=100)(29) == pytest.approx(0.1)
    wc = warmup_cosine(1.0, warmup_steps=4, total_steps=14, start_factor=0.2)
    assert [round(wc(t), 6) for t in (0, 2, 4, 9, 14)] == [0.2, 0.6, 1.0, 0.5, 0.0]
    assert schedule("warmup_cosine", lr=1.0, warmup_steps=4, total_steps=14, start_factor=0.2)(9) == wc(9)


def test_sequential_restarts_each_schedule_and_accepts_callables():
    first = schedule("exponential", lr=1.0, gamma=0.5)
    seq = schedule("sequential", schedules=[first, lambda t: 7.0 + t, "constant"], milestones=[3, 5], lr=0.2)
    assert [seq(t) for t in range(7)] == [1.0, 0.5, 0.25, 7.0, 8.0, 0.2, 0.2]
    np.testing.assert_array_equal(seq(np.arange(7)), [seq(t) for t in range(7)])
    assert seq.name == "sequential" and seq.params["milestones"] == [3, 5]


@pytest.mark.parametrize("case", TORCH["cases"], ids=lambda c: f"{c['name']}-{len(c['lrs'])}")
def test_matches_torch(case):
    sched = schedule(case["name"], **_kwargs(case))
    want = np.array(case["lrs"])
    np.testing.assert_allclose(sched(np.arange(len(want))), want, rtol=1e-9, atol=1e-15)


def test_torch_reference_file_covers_every_schedule():
    assert TORCH["torch_version"].startswith("2.")
    assert {c["name"] for c in TORCH["cases"]} == set(SCHEDULES)


@pytest.mark.parametrize("case", TORCH["cases"], ids=lambda c: f"{c['name']}-{len(c['lrs'])}")
def test_pure_and_vectorized(case):
    sched = schedule(case["name"], **_kwargs(case))
    t = np.arange(len(case["lrs"]))
    whole = sched(t)
    again = sched(t)
    np.testing.assert_array_equal(whole, again)
    one_by_one = np.array([sched(int(k)) for k in t])
    np.testing.assert_array_equal(whole, one_by_one)
    assert isinstance(sched(3), float) and isinstance(sched(np.int32(3)), float)
    assert sched(np.array(3)) == whole[3] and sched(3.0) == whole[3]
    grid = sched(t[:12].reshape(3, 4))
    assert grid.shape == (3, 4)
    np.testing.assert_array_equal(grid.ravel(), whole[:12])
    np.testing.assert_array_equal(sched(t[::-1]), whole[::-1])  # order does not matter
    assert isinstance(sched, Schedule) and sched.name == case["name"]


def test_schedule_is_immutable_and_passes_through():
    s = schedule("step", lr=0.1, step_size=5)
    with pytest.raises(AttributeError):
        s.name = "x"
    assert schedule(s) is s
    custom = schedule(lambda t: 0.1 / (1 + t))
    assert custom.name == "custom" and custom(1) == 0.05
    np.testing.assert_allclose(custom(np.arange(3)), [0.1, 0.05, 0.1 / 3])


def test_onecycle_beyond_total_steps_raises_like_torch():
    oc = schedule("onecycle", lr=0.1, total_steps=10)
    assert math.isfinite(oc(10))  # torch allows last_epoch == total_steps
    with pytest.raises(ValueError, match="total_steps=10"):
        oc(11)


BAD = [
    ("step", dict(lr=-0.1, step_size=3), ValueError, r"Invalid lr: -0.1 \(must be a finite number >= 0\)"),
    ("step", dict(lr=float("nan"), step_size=3), ValueError, "Invalid lr: nan"),
    ("step", dict(lr="0.1", step_size=3), TypeError, "Invalid lr: '0.1'"),
    ("step", dict(step_size=3), TypeError, "needs lr"),
    ("step", dict(lr=0.1, step_size=0), ValueError, r"Invalid step_size: 0 \(must be an integer >= 1\)"),
    ("step", dict(lr=0.1), TypeError, "step_size"),
    ("step", dict(lr=0.1, step_size=2, gamma=0.0), ValueError, "gamma"),
    ("multistep", dict(lr=0.1, milestones=[700, 400]), ValueError, r"Invalid milestones: \[700, 400\] \(must be a list of integers >= 0 in increasing order\)"),
    ("multistep", dict(lr=0.1, milestones=[-1, 400]), ValueError, "milestones"),
    ("multistep", dict(lr=0.1, milestones=[1.5]), TypeError, "milestones"),
    ("exponential", dict(lr=0.1, gamma=-0.5), ValueError, "gamma"),
    ("cosine", dict(lr=0.1, T_max=0), ValueError, r"Invalid T_max: 0 \(must be an integer >= 1\)"),
    ("cosine", dict(lr=0.1, T_max=10, eta_min=-1), ValueError, "eta_min"),
    ("cosine_warm_restarts", dict(lr=0.1, T_0=0), ValueError, "T_0"),
    ("cosine_warm_restarts", dict(lr=0.1, T_0=5, T_mult=1.5), TypeError, "T_mult"),
    ("linear", dict(lr=0.1, total_iters=0), ValueError, "total_iters"),
    ("linear", dict(lr=0.1, start_factor=0.0), ValueError, "start_factor"),
    ("polynomial", dict(lr=0.1, total_iters=0), ValueError, "total_iters"),
    ("constant", dict(lr=0.1, factor=2.0), ValueError, "factor"),
    ("onecycle", dict(lr=0.1, total_steps=100, pct_start=1.0), ValueError, "pct_start"),
    ("onecycle", dict(lr=0.1, total_steps=100, pct_start=0.0), ValueError, "pct_start"),
    ("onecycle", dict(lr=0.1, total_steps=100, anneal_strategy="cosine"), ValueError, "anneal_strategy"),
    ("onecycle", dict(lr=0.1), TypeError, "total_steps"),
    ("onecycle", dict(lr=0.1, max_lr=0.2, total_steps=10), ValueError, "max_lr"),
    ("sequential", dict(schedules=[lambda t: 1.0, lambda t: 2.0], milestones=[]), ValueError, "milestones"),
    ("sequential", dict(schedules=[lambda t: 1.0, 3], milestones=[2]), TypeError, r"schedules\[1\]"),
    ("warmup_cosine", dict(lr=0.1, warmup_steps=10, total_steps=10), ValueError, "total_steps"),
    ("cosine", dict(lr=0.1, T_max=10, t_max=3), TypeError, r"Invalid argument: 't_max' \(schedule 'cosine' takes lr, T_max, eta_min\)"),
]


@pytest.mark.parametrize("name, kwargs, exc, match", BAD)
def test_validation_names_the_argument(name, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        schedule(name, **kwargs)


def test_unknown_name_lists_schedules():
    with pytest.raises(ValueError, match="Invalid schedule: 'cyclic' .*'constant', 'step', 'multistep', 'exponential', 'cosine'"):
        schedule("cyclic", lr=0.1)


@pytest.mark.parametrize("t, exc", [(-1, ValueError), (2.5, ValueError), (np.array([0, -3]), ValueError),
                                    (np.array([0.5]), ValueError), ("3", TypeError), (True, TypeError),
                                    (None, TypeError), (float("nan"), ValueError)])
def test_bad_steps(t, exc):
    with pytest.raises(exc, match=r"Invalid t: .* \(must be an integer >= 0 or an array of them\)"):
        schedule("exponential", lr=0.1, gamma=0.9)(t)
