"""One regression test per explorer bug of issue 8 (controls and runs drifting apart)."""
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lrviz  # noqa: E402


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def _start_controls(ex):
    c = ex.controls
    return tuple(c[k].value for k in "xy"[:ex.params["surface"].dim])


# Bug 1: a slider clamp fired a nested update, so the run started elsewhere than shown.
@pytest.mark.parametrize("surface", ["six_hump_camel", "saddle", "bowl", "parabola", "quartic", "double_well"])
def test_bug1_a_new_surface_starts_where_the_start_sliders_say(surface):
    ex = lrviz.explore("rosenbrock")
    assert ex.update(surface=surface), ex.message
    s = lrviz.surface(surface)
    expected = tuple(float(v) for v in np.ravel(s.x0))
    assert ex.params["x0"] == expected
    assert tuple(ex.trajectory.x[0]) == expected
    assert _start_controls(ex) == expected


def test_bug1_six_hump_camel_starts_at_its_own_x0_not_at_a_clamped_y():
    ex = lrviz.explore("rosenbrock")
    assert ex.update(surface="six_hump_camel")
    assert tuple(ex.trajectory.x[0]) == tuple(lrviz.surface("six_hump_camel").x0)
    assert ex.controls["y"].value == ex.trajectory.x[0, 1]


def test_bug1_after_a_typed_expression_the_start_sliders_show_the_start():
    ex = lrviz.explore("rosenbrock")
    assert ex.update(expression="(x - 3)**2 + (y + 4)**2")
    assert _start_controls(ex) == tuple(ex.trajectory.x[0]) == ex.params["x0"]
    assert ex.controls["surface"].value is None  # not a catalog surface: the dropdown shows none


def test_bug1_no_nested_update_while_controls_are_synced():
    ex = lrviz.explore("rosenbrock")
    calls = []
    compute = ex._compute
    ex._compute = lambda p: calls.append(p) or compute(p)
    assert ex.update(surface="six_hump_camel")
    assert len(calls) == 1


# Bug 2: update(beta1=0.5, optimizer="adam") ran with the default betas.
@pytest.mark.parametrize("order", [("beta1", "optimizer"), ("optimizer", "beta1")])
def test_bug2_keyword_order_does_not_matter(order):
    ex = lrviz.explore("rosenbrock", optimizer="sgd", lr=1e-2, steps=20)
    changes = {"beta1": 0.5, "optimizer": "adam"}
    assert ex.update(**{k: changes[k] for k in order}), ex.message
    assert ex.trajectory.optimizer.hyperparams["betas"] == (0.5, 0.999)
    assert ex.controls["beta1"].value == 0.5 and ex.controls["beta2"].value == 0.999


# Bug 3: code updates left the controls showing old values.
def test_bug3_race_controls_show_a_code_update():
    rc = lrviz.race("rosenbrock", ["sgd", "adam"], lr=1e-2, steps=50)
    assert rc.update(steps=80, surface="beale")
    assert rc.controls["steps"].value == 80 and rc.controls["surface"].value == "beale"
    assert all(t.steps == 80 and t.surface.name == "beale" for t in rc.trajectories.values())


def test_bug3_schedule_explorer_controls_show_a_code_update():
    se = lrviz.schedule_explorer("valley", lr=0.1, steps=200, schedule="multistep", period=100, gamma=0.1)
    assert se.update(lr=0.05, gamma=0.3, period=50)
    c = se.controls
    assert (c["lr"].value, c["gamma"].value, c["period"].value) == (0.05, 0.3, 50)
    assert se.scheduled.lr[0] == pytest.approx(0.05) and se.scheduled.lr[50] == pytest.approx(0.015)


# Bug 4: a new surface dropped the x0 given with it.
@pytest.mark.parametrize("order", [("x0", "surface"), ("surface", "x0")])
def test_bug4_race_keeps_the_x0_given_with_a_new_surface(order):
    rc = lrviz.race("rosenbrock", ["sgd", "adam"], lr=1e-2, steps=30)
    changes = {"x0": (1, 1), "surface": "himmelblau"}
    assert rc.update(**{k: changes[k] for k in order})
    assert rc.params["x0"] == (1.0, 1.0)
    assert all(tuple(t.x[0]) == (1.0, 1.0) for t in rc.trajectories.values())


# Bug 5 (the engine's): the trajectory's optimizer must report the lr it ran with.
def test_bug5_every_explorer_run_reports_the_lr_it_used():
    ex = lrviz.explore("rosenbrock", optimizer="adam", lr=0.01, steps=20)
    assert ex.trajectory.optimizer.hyperparams["lr"] == 0.01
    assert ex.update(lr=0.02) and ex.trajectory.optimizer.hyperparams["lr"] == 0.02
    rc = lrviz.race("rosenbrock", ["sgd", "adam"], lr=0.01, steps=20)
    assert all(t.optimizer.hyperparams["lr"] == 0.01 for t in rc.trajectories.values())
    se = lrviz.schedule_explorer("valley", lr=0.1, steps=50, period=20)
    assert se.constant.optimizer.hyperparams["lr"] == 0.1
    assert callable(se.scheduled.optimizer.hyperparams["lr"])  # the schedule it ran with


def test_bug5_descend_itself_reports_the_lr_it_used():
    traj = lrviz.descend("rosenbrock", "adam", lr=0.01, steps=5)
    assert traj.optimizer.hyperparams["lr"] == 0.01


# Bug 6: an overflow warning left the explorer half-applied and broke every later update.
def _artists(fig):
    return [(type(a).__name__, np.asarray(a.get_xydata()).tolist()) for ax in fig.axes for a in ax.lines]


def test_bug6_a_warning_from_below_is_a_clean_rejection():
    ex = lrviz.explore("scaled_parabola", optimizer="nesterov", lr=0.1, steps=50)
    before = (dict(ex.params), ex.trajectory, _artists(ex.figure), {k: c.value for k, c in ex.controls.items()})

    def overflow(p):
        warnings.warn("overflow encountered in multiply", RuntimeWarning)

    compute, ex._compute = ex._compute, overflow  # what a layer below did at lr 0.8, 120 steps
    assert ex.update(lr=0.8, steps=120) is False
    assert "RuntimeWarning" in ex.message and "overflow" in ex.message
    after = (ex.params, ex.trajectory, _artists(ex.figure), {k: c.value for k, c in ex.controls.items()})
    assert after[0] == before[0] and after[1] is before[1] and after[2] == before[2] and after[3] == before[3]
    ex._compute = compute
    assert ex.update(lr=0.2), ex.message
    assert ex.message == "" and ex.trajectory.optimizer.hyperparams["lr"] == 0.2


@pytest.mark.parametrize("category", [DeprecationWarning, FutureWarning, PendingDeprecationWarning])
def test_a_library_deprecation_warning_does_not_reject_the_update(category):
    """With another matplotlib or pyparsing version a library may warn about its own API on
    every draw: that says nothing about the run, so the update goes through (a numeric
    RuntimeWarning still rejects it, above)."""
    ex = lrviz.explore("scaled_parabola", optimizer="nesterov", lr=0.1, steps=50)
    compute = ex._compute

    def deprecated(p):
        warnings.warn("this API is deprecated", category)
        return compute(p)

    ex._compute = deprecated
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category)
        assert ex.update(lr=0.2), ex.message
    assert ex.message == "" and ex.trajectory.optimizer.hyperparams["lr"] == 0.2


def test_bug6_nesterov_at_lr_08_for_120_steps_then_the_next_update_works():
    ex = lrviz.explore("scaled_parabola", optimizer="nesterov", lr=0.1, steps=50)
    ok = ex.update(lr=0.8, steps=120)
    if ok:  # the layers below drew it: the run on screen is the one asked for
        assert ex.trajectory.steps == 120 and ex.params["lr"] == 0.8
    else:   # or they warned: nothing changed
        assert ex.params["lr"] == 0.1 and ex.trajectory.steps == 50
    assert ex.update(lr=0.05, steps=60), ex.message
    assert ex.trajectory.steps == 60 and ex.controls["lr"].value == 0.05


def test_bug6_a_failure_while_drawing_restores_the_old_figure():
    ex = lrviz.explore("quartic", optimizer="sgd", lr=0.01, steps=30)
    before_params, before_art = dict(ex.params), _artists(ex.figure)
    render = ex._render
    calls = []

    def broken():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("drawing failed")
        render()

    ex._render = broken
    assert ex.update(lr=0.05, steps=40) is False and "RuntimeError" in ex.message
    assert ex.params == before_params and _artists(ex.figure) == before_art
    assert ex.controls["lr"].value == 0.01 and ex.controls["steps"].value == 30
    ex._render = render
    assert ex.update(lr=0.05) and ex.trajectory.optimizer.hyperparams["lr"] == 0.05


# Bug 7: lowering steps below period ran the whole computation twice (a nested _apply).
@pytest.mark.parametrize("make", [
    lambda: lrviz.explore("valley", lr=0.1, steps=300, schedule="step", period=200),
    lambda: lrviz.schedule_explorer("valley", lr=0.1, steps=300, schedule="step", period=200),
])
def test_bug7_lowering_steps_below_period_computes_once(make):
    ex = make()
    calls = []
    compute = ex._compute
    ex._compute = lambda p: calls.append(p) or compute(p)
    assert ex.update(steps=100), ex.message
    assert len(calls) == 1
    assert ex.params["period"] == 200 and ex.controls["period"].value == 200  # the control shows what ran
    assert ex.trajectory.steps == 100 and ex.controls["period"].max >= 200
    if "steps" in ex.controls:
        assert ex.controls["steps"].value == 100


def _figure_state(fig):
    return [(ax.get_xlim(), ax.get_ylim(), [np.asarray(line.get_xydata()).tolist() for line in ax.lines])
            for ax in fig.axes]


def test_bug6_a_failure_while_rebuilding_restores_the_figure_limits_included():
    ex = lrviz.explore("quartic", optimizer="sgd", lr=0.01, steps=30)
    assert ex.update(x0=(3.0,)) and ex.update(x0=(1.0,))  # limits may keep what the far start needed
    before = _figure_state(ex.figure)
    build, calls = ex._build_internals, []

    def fails_once():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("drawing failed")
        build()

    ex._build_internals = fails_once
    assert ex.update(surface="bowl") is False and "RuntimeError" in ex.message
    assert ex.params["surface"].name == "quartic" and _figure_state(ex.figure) == before
    ex._build_internals = build
    assert ex.update(surface="bowl") and ex.trajectory.surface.dim == 2


def test_a_failure_the_rollback_meets_again_is_still_reported_beside_the_controls():
    # In the browser-only site every redraw raised (ipympl's tornado timer, no tornado in
    # Pyodide): the rollback's redraw raised too, the message never showed, and the slider
    # jumped back with no word why.
    ex = lrviz.explore("quartic", optimizer="sgd", lr=0.01, steps=30)
    render = ex._render

    def broken():
        raise RuntimeError("no timer here")

    ex._render = broken
    assert ex.update(lr=0.05) is False
    assert "RuntimeError: no timer here" in ex.message and "redrawing the last good run failed" in ex.message
    assert ex.params["lr"] == 0.01 and ex.controls["lr"].value == 0.01
    ex.controls["lr"].value = 0.02  # the slider, as a student moves it: the same path, no exception
    assert ex.params["lr"] == 0.01 and ex.controls["lr"].value == 0.01 and "no timer here" in ex.message
    ex._render = render
    assert ex.update(lr=0.05), ex.message
    assert ex.message == "" and ex.trajectory.optimizer.hyperparams["lr"] == 0.05
