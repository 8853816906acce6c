"""explore computes the runs one lr key press away: the next frame is ready when the key comes.

What a student sees must not change: a run found ready is, field for field, the run
``descend`` computes for that lr alone; anything else than a key press of the lr slider
computes afresh; and a look-ahead that fails or warns is dropped without a trace.
"""
import json
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

import lrviz  # noqa: E402
import lrviz.explorers.explorer as explorer_module  # noqa: E402
try:  # tests/ as a package or as a plain rootdir folder
    from .records import assert_same_run  # noqa: E402
except ImportError:
    from records import assert_same_run  # noqa: E402

GOLDEN = json.loads((Path(__file__).parent / "golden" / "slider_key_presses.json").read_text())


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.fixture
def events(monkeypatch):
    """Every descent the explorer module runs (its lr) and every frame sent, in order."""
    log, descend = [], explorer_module.descend

    def logged(*args, **kwargs):
        lr = kwargs.get("lr")
        log.append(("descend", "batch" if isinstance(lr, list) else "one"))
        return descend(*args, **kwargs)

    monkeypatch.setattr(explorer_module, "descend", logged)
    return log


def _watched(ex, log):
    ex.live.refresh = lambda: log.append(("frame", None))
    return ex


def test_notebook_10_key_presses_find_their_runs_ready(events):
    # notebook 10's explorer, fed the lrs a browser sent for 40 ArrowLeft presses from lr 1.0
    ex = _watched(lrviz.explore("valley", optimizer="adadelta", steps=120), events)
    sent = GOLDEN["sent"]["from_1.0"]
    for lr in sent:
        events.clear()
        assert ex.update(lr=lr), ex.message
        assert events[0] == ("frame", None), (lr, events)  # nothing computed before the frame
        assert events[1:] == [("descend", "batch")], (lr, events)  # the next presses, after it
        fresh = lrviz.descend("valley", lrviz.optimizer("adadelta", lr=lr), x0=ex.params["x0"], steps=120)
        assert_same_run(ex.trajectory, fresh)
        assert ex.controls["lr"].value == lr


def test_a_run_found_ready_is_the_run_computed_alone_for_every_optimizer():
    for name in lrviz.OPTIMIZERS:
        ex = lrviz.explore("rosenbrock", optimizer=name, lr=0.01, steps=30, noise=0.3, seed=2)
        ex.live.refresh = lambda: None
        for lr in GOLDEN["sent"]["from_0.01"][:6]:
            assert ex.update(lr=lr), ex.message
            ex2 = lrviz.explore("rosenbrock", optimizer=name, lr=lr, steps=30, noise=0.3, seed=2)
            assert_same_run(ex.trajectory, ex2.trajectory)


@pytest.mark.parametrize("change", [dict(steps=25), dict(noise=0.2), dict(seed=3), dict(x=0.5), dict(rho=0.8),
                                    dict(surface="bowl"), dict(lr=0.0123), dict(convention="keras")])
def test_anything_but_a_key_press_computes_afresh(events, change):
    ex = _watched(lrviz.explore("valley", optimizer="adadelta", steps=40), events)
    events.clear()
    assert ex.update(**change), ex.message
    assert events[0] == ("descend", "batch") and ("frame", None) in events, events
    assert events.index(("frame", None)) == 1, events  # computed before its frame
    p = ex.params
    fresh = lrviz.descend(p["surface"], ex._optimizer(p, p["lr"]), x0=p["x0"], steps=p["steps"], noise=p["noise"],
                          seed=p["seed"])
    assert_same_run(ex.trajectory, fresh)


def test_a_schedule_is_not_looked_ahead(events):
    ex = _watched(lrviz.explore("valley", optimizer="sgd", lr=0.01, steps=40, schedule="cosine"), events)
    for lr in GOLDEN["sent"]["from_0.01"][:3]:
        events.clear()
        assert ex.update(lr=lr), ex.message
        assert events == [("descend", "one"), ("frame", None)], events
        assert ex.trajectory.lr[0] == lr


def test_a_look_ahead_that_warns_is_dropped_and_the_update_stands(monkeypatch):
    # the neighbours' batch warns (as an overflow one step away would): the lr asked for is
    # computed alone, shown, and the next update computes as usual
    descend = explorer_module.descend

    def warns_on_a_batch(*args, **kwargs):
        if isinstance(kwargs.get("lr"), list):
            warnings.warn("overflow encountered in a neighbour's run", RuntimeWarning)
        return descend(*args, **kwargs)

    monkeypatch.setattr(explorer_module, "descend", warns_on_a_batch)
    ex = lrviz.explore("quartic", optimizer="sgd", lr=0.01, steps=20)
    for lr in GOLDEN["sent"]["from_0.01"][:3]:
        assert ex.update(lr=lr), ex.message
        assert ex.message == "" and ex._ahead is None
        assert_same_run(ex.trajectory, descend("quartic", lrviz.optimizer("sgd", lr=lr), x0=ex.params["x0"], steps=20))


def test_an_overflowing_neighbour_does_not_touch_the_run_on_screen():
    # sweep the lr up by key presses until the next press's run overflows within 300 steps:
    # the run on screen, one press below, is the finite one descend gives alone
    ex = lrviz.explore("scaled_parabola", optimizer="sgd", lr=0.01, steps=300)
    ex.live.refresh = lambda: None
    lr = 0.01
    for _ in range(200):
        up = [v for v in explorer_module.key_press_values(lr, **explorer_module.LR_SLIDER) if v > 1.05 * lr]
        if not up:
            break
        fresh = lrviz.descend("scaled_parabola", lrviz.optimizer("sgd", lr=up[0]), x0=ex.params["x0"], steps=300)
        if fresh.diverged_at is not None:
            break
        lr = up[0]
        assert ex.update(lr=lr), ex.message
        assert_same_run(ex.trajectory, fresh)
    assert fresh.diverged_at is not None, "the sweep never reached an overflow"
    assert ex.update(lr=up[0]), ex.message  # the press that overflows: shown as computed alone
    assert ex.trajectory.diverged_at == fresh.diverged_at
