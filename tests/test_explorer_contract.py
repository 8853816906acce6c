"""The explorer contract (BaseExplorer's docstring), checked on every explorer with random
sequences of updates, good and bad, with warnings as errors.

After each update:
- every visible control shows the params (and a hyperparameter slider shows for exactly
  the optimizer's own hyperparameters);
- the result was computed from those params: it equals a fresh computation written here
  from the params alone (start point, steps, lr, optimizer and its hyperparameters);
- a rejected update changed nothing: params, the result's arrays, every control's value,
  range and visibility, and the data of every artist in the figure; its message shows.
- a valid value is rejected only because a layer below warned; an invalid one always is.

Hypothesis runs derandomized (the same examples every run), so the file's time is stable.
Building an explorer takes ~1 s on a busy machine, so each kind is built once and every
example starts from its saved first state; the pixels are not drawn here (see _explorer).
"""
import math
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import lrviz  # noqa: E402
from lrviz import generalization as gen, nets, pbt  # noqa: E402
from lrviz.engine.analysis import TUNING_GRID  # noqa: E402
from lrviz.engine.optimizers import controls as hyper_controls  # noqa: E402  (the engine's slider specs)
from lrviz.explorers.explorer import LR_SLIDER  # noqa: E402
from lrviz.explorers.slider_keys import key_press_values  # noqa: E402
try:  # tests/ as a package or as a plain rootdir folder
    from .records import assert_same_run  # noqa: E402
except ImportError:
    from records import assert_same_run  # noqa: E402

# No shrinking: an explorer update costs milliseconds, and shrinking a long sequence can take
# minutes; a failure still prints the sequence that broke the contract.
SETTINGS = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))

GOOD, BAD, MAYBE = "good", "bad", "maybe"


# ---------------------------------------------------------------- snapshots
def _arrays(obj, depth=0):
    """Every numpy array inside a result (NamedTuples, dicts, tuples), in a stable order."""
    if isinstance(obj, np.ndarray):
        return [obj.copy()]
    if depth > 3:
        return []
    if isinstance(obj, dict):
        return [a for k in sorted(obj, key=str) for a in _arrays(obj[k], depth + 1)]
    if isinstance(obj, (tuple, list)):
        return [a for v in obj for a in _arrays(v, depth + 1)]
    fields = getattr(obj, "_fields", None) or getattr(obj, "__dataclass_fields__", None)
    if fields:
        return [a for f in fields for a in _arrays(getattr(obj, f), depth + 1)]
    return []


def _figure(fig):
    out = []
    for ax in fig.axes:
        out.append(("limits", ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(), ax.get_title(),
                    ax.get_title(loc="left")))
        out += [("line", line.get_visible(), np.asarray(line.get_xydata(), float).copy()) for line in ax.lines]
        out += [("coll", c.get_visible(), np.asarray(c.get_offsets(), float).copy()) for c in ax.collections]
        out += [("text", t.get_text()) for t in ax.texts]
    out += [("fig-text", t.get_text()) for t in fig.texts]
    return out


def _controls(ex):
    return {name: (repr(c.value), getattr(c, "min", None), getattr(c, "max", None), c.layout.display)
            for name, c in ex.controls.items()}


def _snapshot(ex):
    return dict(params=repr(ex.params), result=ex._result, arrays=_arrays(ex._result), controls=_controls(ex),
                figure=_figure(ex.figure))


def _same(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


def _assert_unchanged(ex, before):
    after = _snapshot(ex)
    assert after["params"] == before["params"]
    assert after["result"] is before["result"]
    assert _same(after["arrays"], before["arrays"])
    assert after["controls"] == before["controls"]
    assert _same(after["figure"], before["figure"])


def _shows(ex, expected):
    for name, value in expected.items():
        ctl = ex.controls[name]
        assert ctl.layout.display != "none", name
        if isinstance(value, float) and not isinstance(ctl.value, str):
            assert math.isclose(ctl.value, value, rel_tol=1e-12, abs_tol=1e-300), (name, ctl.value, value)
        else:
            assert ctl.value == value, (name, ctl.value, value)


# ---------------------------------------------------------------- the runs, written from the params
def _schedule(p):
    """The schedule the explorer's dropdown and period / gamma sliders mean (as notebook 05 teaches)."""
    n, per, g = p["schedule"], p["period"], p["gamma"]
    kw = {"constant": None, "step": dict(step_size=per, gamma=g),
          "multistep": dict(milestones=[per, per + max(round(0.75 * per), 1)], gamma=g),
          "exponential": dict(gamma=g), "cosine": dict(T_max=per), "linear": dict(total_iters=per),
          "onecycle": dict(total_steps=p["steps"])}[n]
    return p["lr"] if kw is None else lrviz.schedule(n, lr=p["lr"], **kw)


def _torch_args(hyper):
    hp = dict(hyper)
    b1, b2 = hp.pop("beta1", None), hp.pop("beta2", None)
    if b1 is not None or b2 is not None:
        old = hp.get("betas", (0.9, 0.999))
        hp["betas"] = (old[0] if b1 is None else b1, old[1] if b2 is None else b2)
    return hp


def _catalog_name(s):
    return s.name if lrviz.SURFACES.get(s.name) is s else None


def _hyper_shown(opt):
    hp = dict(opt.hyperparams)
    if "betas" in hp:
        hp["beta1"], hp["beta2"] = hp.pop("betas")
    names = [k for k, spec in hyper_controls(opt.name, opt.convention).items() if spec.get("kind") != "bool"]
    return {k: float(hp[k]) for k in names}


def check_explorer(ex):
    p, t = ex.params, ex.trajectory
    opt = lrviz.optimizer(p["optimizer"], p["convention"], **_torch_args(p["hyper"]), lr=_schedule(p))
    assert_same_run(t, lrviz.descend(p["surface"], opt, x0=p["x0"], steps=p["steps"], noise=p["noise"], seed=p["seed"]))
    assert tuple(t.x[0]) == p["x0"] and t.steps == p["steps"] and t.surface is p["surface"]
    for k, v in _torch_args(p["hyper"]).items():
        assert t.optimizer.hyperparams[k] == (tuple(v) if k == "betas" else v)
    expected = dict(surface=_catalog_name(p["surface"]), optimizer=p["optimizer"], lr=p["lr"], steps=p["steps"],
                    schedule=p["schedule"], noise=p["noise"], x=p["x0"][0], **_hyper_shown(t.optimizer))
    if p["surface"].dim == 2:
        expected["y"] = p["x0"][1]
    if p["schedule"] != "constant":
        expected.update(period=p["period"], gamma=p["gamma"])
    _shows(ex, expected)
    hyper_visible = {k for k in ex._hyper_names if ex.controls[k].layout.display != "none"}
    assert hyper_visible == set(_hyper_shown(t.optimizer))
    # the figure shows this run, up to where it leaves the window (the drawing clips it there)
    drawn = ex._path.line.get_xydata()[:, 0]
    lo, hi = ex.ax_path.get_xlim()
    ok = (t.x[:, 0] >= min(lo, hi)) & (t.x[:, 0] <= max(lo, hi))
    if t.surface.dim == 2:
        lo, hi = ex.ax_path.get_ylim()
        ok &= (t.x[:, 1] >= min(lo, hi)) & (t.x[:, 1] <= max(lo, hi))
    inside = np.cumprod(ok).astype(bool)
    assert drawn.shape == t.x[:, 0].shape
    np.testing.assert_allclose(drawn[inside], t.x[inside, 0], rtol=1e-12)


def check_race(ex):
    p = ex.params
    assert set(ex.trajectories) == set(p["optimizers"])
    for name, t in ex.trajectories.items():
        lr = (lrviz.analysis.tuned_lr(p["surface"], name, lrs=TUNING_GRID, steps=p["steps"], x0=p["x0"],
                                      tol=p["tol"]) if p["tuned"] else p["lr"])
        assert ex.lrs[name] == lr
        assert_same_run(t, lrviz.descend(p["surface"], name, x0=p["x0"], steps=p["steps"], lr=lr))
        assert tuple(t.x[0]) == p["x0"] and t.optimizer.hyperparams["lr"] == lr
    _shows(ex, dict(surface=_catalog_name(p["surface"]), lr=p["lr"], tuned=p["tuned"], steps=p["steps"]))


def check_schedule(ex):
    p = ex.params
    common = dict(x0=p["x0"], steps=p["steps"], noise=p["noise"], seed=p["seed"])
    assert_same_run(ex.scheduled, lrviz.descend(p["surface"], p["optimizer"], lr=_schedule(p), **common))
    assert_same_run(ex.constant, lrviz.descend(p["surface"], p["optimizer"], lr=p["lr"], **common))
    _shows(ex, {k: p[k] for k in ("schedule", "lr", "period", "gamma", "noise", "seed")})


def check_fit(ex):
    p = ex.params
    data = gen.make_data(n_train=p["n_train"], noise=p["noise"], seed=p["seed"])
    np.testing.assert_array_equal(ex.data.x_train, data.x_train)
    np.testing.assert_array_equal(ex.data.y_train, data.y_train)
    np.testing.assert_array_equal(ex.coef, gen.fit(data.x_train, data.y_train, p["degree"]))
    np.testing.assert_array_equal(ex._train_pts.get_xdata(), data.x_train)
    _shows(ex, {k: p[k] for k in ("degree", "noise", "n_train", "seed")})


def check_toy(ex):
    p = ex.params
    for v in pbt.TOY_VARIANTS:
        fresh = pbt.toy(v, steps=p["steps"], ready_every=p["ready_every"], sigma=p["sigma"], lr=p["lr"],
                        seed=p["seed"])
        np.testing.assert_array_equal(ex.results[v].theta, fresh.theta)
    _shows(ex, {k: p[k] for k in ("ready_every", "sigma", "seed")})


def check_training(ex):
    p = ex.params
    fresh = nets.train(optimizer=p["optimizer"], lr=p["lr"], epochs=p["epochs"], seed=p["seed"], hidden=p["hidden"])
    np.testing.assert_array_equal(ex.result.train_loss, fresh.train_loss)
    np.testing.assert_array_equal(ex._lines["loss", "train"].get_ydata(), fresh.train_loss)
    _shows(ex, {k: p[k] for k in ("lr", "optimizer", "epochs", "hidden")})


def _applied(ex, changes, old):
    """A successful update shows what it was asked for (not just something consistent)."""
    p = ex.params
    for key, value in changes.items():
        if key == "surface":
            assert p["surface"] is lrviz.surface(value)
        elif key == "expression":
            assert p["expression"] == value and p["surface"].dim in (1, 2)
        elif key in ("x", "y"):
            assert p["x0"]["xy".index(key)] == value
        elif key == "x0":
            assert p["x0"] == tuple(float(v) for v in value)
        elif key in ("optimizer", "optimizers"):
            assert p[key] == value
        elif key in p:
            assert p[key] == value, (key, p[key], value)
        else:  # a hyperparameter of the explorer's optimizer
            assert p["hyper"][key] == value, (key, p["hyper"], value)
    if "hyper" in p and p["optimizer"] != old["optimizer"]:  # a new optimizer keeps only what came with it
        assert set(p["hyper"]) <= set(changes)


_EOS_RUNS = {}


def check_eos(ex):
    from lrviz.training import eos

    p = ex.params
    key = tuple(p[k] for k in ("lr", "batch_size", "steps", "every", "scale"))
    if key not in _EOS_RUNS:  # a run costs ~1 s: each set of params is computed here once
        common = dict(lr=p["lr"], steps=p["steps"], every=p["every"], n=500, scale=p["scale"])
        _EOS_RUNS[key] = eos.gd(**common) if p["batch_size"] == 500 else eos.sgd(batch_size=p["batch_size"], **common)
    fresh = _EOS_RUNS[key]
    np.testing.assert_array_equal(ex.trajectory.loss, fresh.loss)
    np.testing.assert_array_equal(ex.trajectory.sharpness, fresh.sharpness)
    _shows(ex, {k: p[k] for k in ("lr", "batch_size", "steps")})


# ---------------------------------------------------------------- what updates may contain
# Per explorer: valid values by name, invalid values by name, values whose validity depends
# on the state (a beta1 is fine for adam, not for sgd), and combinations that must work in
# any keyword order. An update is mostly valid values (so the state moves on), sometimes
# with one invalid value mixed in, sometimes state-dependent ones.
_nan = st.just(float("nan"))
_nonnumber = st.sampled_from(["fast", None, True])
SURFACES_2D = ["rosenbrock", "himmelblau", "six_hump_camel", "saddle", "bowl", "valley"]
SURFACES_1D = ["quartic", "parabola", "double_well", "scaled_parabola"]
SCHEDULES = ["constant", "step", "multistep", "exponential", "cosine", "linear", "onecycle"]


def _in_order(items):
    """A dict of ``items`` in a drawn keyword order (update() must not depend on it)."""
    return st.permutations(list(items)).map(dict)


@st.composite
def _surface_and_start(draw, names=SURFACES_1D + SURFACES_2D):
    s = lrviz.surface(draw(st.sampled_from(names)))
    x0 = tuple(draw(st.floats(lo, hi)) for lo, hi in s.bounds[:s.dim])
    return draw(_in_order({"surface": s.name, "x0": x0}.items()))


@st.composite
def _optimizer_and_hyper(draw):
    name = draw(st.sampled_from(lrviz.OPTIMIZERS))
    specs = {k: v for k, v in hyper_controls(name).items() if v.get("kind") != "bool"}
    items = {"optimizer": name}
    for key in draw(st.lists(st.sampled_from(sorted(specs)), unique=True, min_size=1, max_size=2)) if specs else []:
        spec = specs[key]
        lo, hi = spec["min"], spec["max"]
        if key == "momentum":
            lo = max(lo, 0.01)  # nesterov needs a momentum
        value = draw(st.floats(lo, hi))
        items[key] = 10.0 ** value if spec.get("kind") == "log" else value
    return draw(_in_order(items.items()))


EXPLORER = dict(
    good=dict(lr=st.floats(1e-4, 0.3), steps=st.integers(1, 40), optimizer=st.sampled_from(lrviz.OPTIMIZERS),
              surface=st.sampled_from(SURFACES_1D + SURFACES_2D), x=st.floats(-2, 2), noise=st.floats(0, 1),
              seed=st.integers(0, 5), schedule=st.sampled_from(SCHEDULES), period=st.integers(1, 60)),
    bad=dict(lr=st.one_of(st.floats(-5, -1e-6), _nan, st.just(0.0), _nonnumber),
             steps=st.one_of(st.integers(-5, 0), st.just(2.5), _nonnumber),
             optimizer=st.sampled_from(["adamm", "", 3]), surface=st.sampled_from(["nowhere", 7]),
             expression=st.sampled_from(["__import__('os')", "x +", ""]), x=st.one_of(_nan, _nonnumber),
             x0=st.sampled_from([(np.nan, 0.0), (1.0, 2.0, 3.0), "here"]), noise=st.floats(-3, -0.01),
             seed=st.integers(-3, -1), schedule=st.just("sometimes"), period=st.integers(-3, 0), gamma=_nan,
             beta1=st.floats(1.0, 3.0), beta2=st.floats(-1.0, -0.01), momentum=st.floats(-2.0, -0.01),
             alpha=st.floats(1.01, 2.0), eps=st.floats(-1.0, -1e-9), banana=st.just(1)),
    maybe=dict(y=st.floats(-2, 2), x0=st.sampled_from([(0.5,), (-1.0, 1.5), (3.0, -3.0)]),
               gamma=st.floats(0.05, 0.95), beta1=st.floats(0.0, 0.99), momentum=st.floats(0.0, 0.99),
               rho=st.floats(0.5, 0.999), eps=st.sampled_from([1e-8, 1e-6, 1e-3]),
               expression=st.sampled_from(["x**4 - 3*x**2 + x", "(x - 1)**2 + 3*(y + 2)**2"])),
    combos=[_surface_and_start(), _optimizer_and_hyper(),
            st.builds(lambda e, y: {"expression": e, "y": y}, st.just("(x - 1)**2 + 3*(y + 2)**2"),
                      st.floats(-2, 2))],
    # one arrow key on the lr slider, alone (as a student presses it): the lr the page sends,
    # which explore has usually computed ahead
    presses=st.sampled_from([1, -1]).map(lambda d: {"press": d}),
)
RACE = dict(
    good=dict(lr=st.floats(1e-4, 0.1), steps=st.integers(1, 30), surface=st.sampled_from(SURFACES_2D),
              tuned=st.booleans(),
              optimizers=st.sampled_from([("sgd", "adam"), ("momentum",), ("rmsprop", "adagrad", "adadelta")])),
    bad=dict(lr=st.one_of(st.floats(-5, -1e-6), _nan, _nonnumber), steps=st.integers(-5, 0),
             surface=st.just("nowhere"), x0=st.sampled_from([(np.nan, 0.0), (1.0,), "here"]), tuned=st.just("yes"),
             optimizers=st.sampled_from([(), ("sgd", "sgd"), ("nope",), "adam"]), banana=st.just(1)),
    maybe=dict(x0=st.sampled_from([(1.0, 1.0), (-0.5, 0.5)])),
    combos=[_surface_and_start(SURFACES_2D)],
)
SCHEDULE = dict(
    good=dict(lr=st.floats(1e-4, 0.2), steps=st.integers(1, 40), schedule=st.sampled_from(SCHEDULES),
              period=st.integers(1, 60), noise=st.floats(0, 2), seed=st.integers(0, 5),
              surface=st.sampled_from(["valley", "scaled_parabola", "bowl"])),
    bad=dict(lr=st.one_of(st.floats(-5, -1e-6), _nan), steps=st.integers(-5, 0), schedule=st.just("nope"),
             period=st.integers(-3, 0), gamma=_nan, noise=st.floats(-3, -0.01), seed=st.integers(-3, -1),
             surface=st.just("nowhere"), banana=st.just(1)),
    maybe=dict(gamma=st.floats(0.05, 0.95)),  # exponential needs gamma <= 1, step-like ones too
    combos=[_surface_and_start(["valley", "scaled_parabola", "bowl"])],
)
FIT = dict(
    good=dict(degree=st.integers(0, 8), noise=st.floats(0, 1.5), n_train=st.integers(5, 60), seed=st.integers(0, 5)),
    bad=dict(degree=st.one_of(st.integers(9, 40), st.just(2.5), st.integers(-3, -1)), noise=st.floats(-2, -0.01),
             n_train=st.integers(-3, 1), seed=st.integers(-3, -1), colour=st.just("red")),
    maybe={}, combos=[],
)
TOY = dict(
    good=dict(ready_every=st.integers(1, 20), sigma=st.floats(0, 0.5), seed=st.integers(0, 5),
              steps=st.integers(5, 30)),
    bad=dict(ready_every=st.integers(-3, 0), sigma=st.floats(-1, -0.01), seed=st.integers(-3, -1),
             steps=st.integers(-3, -1), banana=st.just(1)),
    maybe={}, combos=[],
)
TRAINING = dict(
    good=dict(lr=st.floats(1e-4, 0.05), optimizer=st.sampled_from(["sgd", "adam", "rmsprop"]),
              epochs=st.integers(1, 2), hidden=st.integers(4, 16)),
    bad=dict(lr=st.one_of(st.floats(-5, -1e-6), _nan, st.just(0.0)), optimizer=st.just("nope"),
             epochs=st.integers(-2, 0), hidden=st.integers(-2, 0), batch=st.just(3)),
    maybe={}, combos=[],
)

EOS = dict(  # a run on digits costs ~1 s: few, short runs
    good=dict(lr=st.sampled_from([0.1, 0.5]), batch_size=st.sampled_from([50, 500]), steps=st.sampled_from([40, 80])),
    bad=dict(lr=st.one_of(st.just(-0.1), _nan), batch_size=st.just(7), steps=st.just(0), banana=st.just(1)),
    maybe={}, combos=[],
)


def _tag(kind, strategy):
    return strategy.map(lambda d: {k: (kind, v) for k, v in d.items()})


def _some(pools, min_size=1, max_size=3):
    keys = st.lists(st.sampled_from(sorted(pools)), unique=True, min_size=min_size, max_size=max_size)
    return keys.flatmap(lambda ks: st.fixed_dictionaries({k: pools[k] for k in ks}))


def _updates(spec):
    good = _tag(GOOD, _some(spec["good"]))
    bad = st.tuples(_tag(GOOD, _some(spec["good"], 0, 2)), _tag(BAD, _some(spec["bad"], 1, 1))).map(
        lambda gb: {**{k: v for k, v in gb[0].items() if k not in gb[1]}, **gb[1]})
    kinds = [good, good, good, bad, bad] + [_tag(GOOD, c) for c in spec["combos"]] * 2
    if "presses" in spec:
        kinds += [_tag(GOOD, spec["presses"])] * 3
    if spec["maybe"]:
        kinds.append(_tag(MAYBE, _some(spec["maybe"], 1, 2)))
    return st.lists(st.one_of(*kinds), min_size=1, max_size=6 if "presses" in spec else 5)


# ---------------------------------------------------------------- the property
_EXPLORERS = {}


def _reset(ex, first):
    """Put ``ex`` back in its first state (params, result, figure, controls), outside update()."""
    ex.params, ex._result = first
    ex._drawn_surface = None  # a full rebuild: nothing kept from the last example's figure
    ex._rebuild()
    ex._sync_controls()
    ex._sync_frames()
    ex._render()
    ex._show_message("")


def _explorer(kind):
    """One explorer per kind for the whole file; each call gives it back in its first state."""
    if kind in _EXPLORERS:
        _reset(*_EXPLORERS[kind])
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ex = {
                "explore": lambda: lrviz.explore("quartic", optimizer="sgd", lr=0.01, steps=20),
                "race": lambda: lrviz.race("rosenbrock", ["sgd", "adam"], lr=1e-2, steps=20),
                "schedule": lambda: lrviz.schedule_explorer("valley", lr=0.1, steps=30, period=10),
                "fit": lambda: lrviz.fit_explorer(max_degree=8),
                "toy": lambda: lrviz.toy_explorer(steps=20),
                "training": lambda: lrviz.training_explorer(lr=1e-3, epochs=1, hidden=8),
                "eos": lambda: lrviz.explorers.eos_explorer(lr=0.2, steps=40, every=20),
            }[kind]()
            # Drawing pixels is most of an update's time (a full Agg draw is ~0.3-1 s here on a
            # busy machine); the artists' data are what the contract is about, so this file
            # skips the pixels. test_explorer_regressions and test_widgets draw them.
            ex.live.refresh = lambda: None
            _EXPLORERS[kind] = (ex, (ex.params, ex._result))
    return _EXPLORERS[kind][0]


def _pressed(ex, changes):
    """``press=+1 / -1`` as the lr the slider sends after that arrow key (explore computes it ahead)."""
    changes = dict(changes)
    direction, lr = changes.pop("press"), ex.params["lr"]
    ahead = [v for v in key_press_values(lr, **LR_SLIDER) if (v - lr) * direction > 0.05 * lr]
    if ahead:
        changes["lr"] = ahead[0]
    return changes


def _run(kind, check, sequence):
    ex = _explorer(kind)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(ex)
        for tagged in sequence:
            kinds = {k for k, _ in tagged.values()}
            changes = {name: value for name, (_, value) in tagged.items()}
            if "press" in changes:
                changes = _pressed(ex, changes)
            before, old = _snapshot(ex), ex.params
            ok = ex.update(**changes)
            if ok:
                assert BAD not in kinds, (changes, "a bad value was applied")
                assert ex.message == "" and ex._message.value == ""
                _applied(ex, changes, old)
            else:
                assert ex.message and "⚠" in ex._message.value
                if kinds == {GOOD}:  # valid values are rejected only for a warning from below
                    assert "Warning" in ex.message, (changes, ex.message)
                _assert_unchanged(ex, before)
            check(ex)


@settings(SETTINGS, max_examples=20)  # the explorer with the most parameters gets the most examples
@given(_updates(EXPLORER))
def test_explore_keeps_the_contract(sequence):
    _run("explore", check_explorer, sequence)


@SETTINGS
@given(_updates(RACE))
def test_race_keeps_the_contract(sequence):
    _run("race", check_race, sequence)


@SETTINGS
@given(_updates(SCHEDULE))
def test_schedule_explorer_keeps_the_contract(sequence):
    _run("schedule", check_schedule, sequence)


@SETTINGS
@given(_updates(FIT))
def test_fit_explorer_keeps_the_contract(sequence):
    _run("fit", check_fit, sequence)


@settings(SETTINGS, max_examples=8)  # four PBT runs an update
@given(_updates(TOY))
def test_toy_explorer_keeps_the_contract(sequence):
    _run("toy", check_toy, sequence)


@settings(SETTINGS, max_examples=6)
@given(_updates(TRAINING))
def test_training_explorer_keeps_the_contract(sequence):
    _run("training", check_training, sequence)


@settings(SETTINGS, max_examples=3)
@given(_updates(EOS).map(lambda seq: seq[:2]))
def test_eos_explorer_keeps_the_contract(sequence):
    _run("eos", check_eos, sequence)


@pytest.mark.parametrize("kind", ["explore", "race", "schedule", "fit", "toy", "training", "eos"])
def test_every_explorer_has_the_contract_attributes(kind):
    ex = _explorer(kind)
    for attr in ("controls", "params", "trajectory", "figure", "widget", "message", "save_gif", "update"):
        assert hasattr(ex, attr), attr
    assert ex.controls and all(hasattr(c, "value") for c in ex.controls.values())
    assert ex.update(no_such_parameter=1) is False and "no_such_parameter" in ex.message


def test_a_moved_control_that_is_rejected_snaps_back():
    ex = lrviz.explore("quartic", optimizer="sgd", lr=0.01, steps=20)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        before = _snapshot(ex)
        compute = ex._compute

        def warns(p):
            warnings.warn("overflow encountered in square", RuntimeWarning)

        ex._compute = warns
        ex.controls["lr"].value = 0.2  # the student drags; a layer below warns
        assert "RuntimeWarning" in ex.message
        _assert_unchanged(ex, before)  # the slider is back at 0.01
        ex._compute = compute
        ex.controls["lr"].value = 0.2
        assert ex.message == "" and ex.params["lr"] == 0.2 and ex.trajectory.lr[0] == 0.2
