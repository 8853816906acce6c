"""Tests for lrviz.optimizers: hand-computed golden steps, purity, batching,
validation, property tests and agreement with recorded PyTorch trajectories."""
import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lrviz import descend as lrviz_descend
from lrviz.engine.optimizers import OPTIMIZERS, Optimizer, optimizer

GOLDEN = Path(__file__).parent / "golden"
P0 = [1.0, -0.5]
GRADS = [[2.0, -1.0], [0.1, 3.0], [-0.5, 0.05]]  # a fixed gradient sequence, 3 steps


# ------------------------------------------------------------------ hand-computed references
# Plain-float transcriptions of the docstring formulas, one coordinate at a time.

def _weight_decay(p, g, lr, weight_decay, keras):
    """torch adds wd * p to the gradient; Keras 3 decays the parameter itself (decoupled)."""
    if not weight_decay:
        return p, g
    return (p - lr * weight_decay * p, g) if keras else (p, g + weight_decay * p)


def ref_sgd(p, gs, lr, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, keras=False):
    out, buf = [], None
    for k, g in enumerate(gs):
        p, g = _weight_decay(p, g, lr, weight_decay, keras)
        if momentum:
            buf = g if k == 0 else momentum * buf + (1 - dampening) * g
            g = g + momentum * buf if nesterov else buf
        p = p - lr * g
        out.append(p)
    return out


def ref_rmsprop(p, gs, lr, alpha, eps, weight_decay=0.0, momentum=0.0, centered=False, keras=False):
    out, sa, ga, buf = [], 0.0, 0.0, 0.0
    for g in gs:
        p, g = _weight_decay(p, g, lr, weight_decay, keras)
        sa = alpha * sa + (1 - alpha) * g * g
        v = sa
        if centered:
            ga = ga + (1 - alpha) * (g - ga)
            v = sa - ga * ga
        avg = math.sqrt(v + eps) if keras else math.sqrt(v) + eps
        if momentum:
            buf = momentum * buf + g / avg
            p = p - lr * buf
        else:
            p = p - lr * g / avg
        out.append(p)
    return out


def ref_adagrad(p, gs, lr, eps, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, keras=False):
    out, s = [], initial_accumulator_value
    for k, g in enumerate(gs, start=1):
        p, g = _weight_decay(p, g, lr, weight_decay, keras)
        clr = lr / (1 + (k - 1) * lr_decay)
        s = s + g * g
        p = p - clr * g / (math.sqrt(s + eps) if keras else math.sqrt(s) + eps)
        out.append(p)
    return out


def ref_adadelta(p, gs, lr, rho, eps, weight_decay=0.0, keras=False):
    out, sa, ad = [], 0.0, 0.0
    for g in gs:
        p, g = _weight_decay(p, g, lr, weight_decay, keras)
        sa = rho * sa + (1 - rho) * g * g
        delta = math.sqrt(ad + eps) / math.sqrt(sa + eps) * g
        ad = rho * ad + (1 - rho) * delta * delta
        p = p - lr * delta
        out.append(p)
    return out


def ref_adam(p, gs, lr, betas, eps, weight_decay=0.0, amsgrad=False, decoupled=False, keras=False):
    b1, b2 = betas
    out, m, v, vmax = [], 0.0, 0.0, 0.0
    for k, g in enumerate(gs, start=1):
        if weight_decay:
            if decoupled or keras:
                p = p * (1 - lr * weight_decay)
            else:
                g = g + weight_decay * p
        m = m + (1 - b1) * (g - m)
        v = b2 * v + (1 - b2) * g * g
        vmax = max(vmax, v)
        vv = vmax if amsgrad else v
        bc1, bc2 = 1 - b1 ** k, 1 - b2 ** k
        if keras:
            p = p - lr * math.sqrt(bc2) / bc1 * m / (math.sqrt(vv) + eps)
        else:
            p = p - lr / bc1 * m / (math.sqrt(vv) / math.sqrt(bc2) + eps)
        out.append(p)
    return out


T, K = "torch", "keras"
CASES = [  # (name, convention, hyperparams, reference, its arguments incl. the defaults written out)
    ("sgd", T, {}, ref_sgd, dict(lr=1e-3)),
    ("sgd", T, dict(lr=0.1, weight_decay=0.1), ref_sgd, dict(lr=0.1, weight_decay=0.1)),
    ("sgd", T, dict(lr=0.1, momentum=0.9, dampening=0.5), ref_sgd, dict(lr=0.1, momentum=0.9, dampening=0.5)),
    ("momentum", T, dict(lr=0.1), ref_sgd, dict(lr=0.1, momentum=0.9)),
    ("nesterov", T, dict(lr=0.1, weight_decay=0.01), ref_sgd,
     dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("rmsprop", T, {}, ref_rmsprop, dict(lr=1e-2, alpha=0.99, eps=1e-8)),
    ("rmsprop", T, dict(centered=True), ref_rmsprop, dict(lr=1e-2, alpha=0.99, eps=1e-8, centered=True)),
    ("rmsprop", T, dict(momentum=0.9), ref_rmsprop, dict(lr=1e-2, alpha=0.99, eps=1e-8, momentum=0.9)),
    ("rmsprop", T, dict(lr=0.01, centered=True, momentum=0.5, weight_decay=0.1, alpha=0.9), ref_rmsprop,
     dict(lr=0.01, alpha=0.9, eps=1e-8, centered=True, momentum=0.5, weight_decay=0.1)),
    ("adagrad", T, {}, ref_adagrad, dict(lr=1e-2, eps=1e-10)),
    ("adagrad", T, dict(lr_decay=0.1, initial_accumulator_value=0.2, weight_decay=0.1), ref_adagrad,
     dict(lr=1e-2, eps=1e-10, lr_decay=0.1, initial_accumulator_value=0.2, weight_decay=0.1)),
    ("adadelta", T, {}, ref_adadelta, dict(lr=1.0, rho=0.9, eps=1e-6)),
    ("adadelta", T, dict(rho=0.5, eps=1e-3, weight_decay=0.1), ref_adadelta,
     dict(lr=1.0, rho=0.5, eps=1e-3, weight_decay=0.1)),
    ("adam", T, {}, ref_adam, dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8)),
    ("adam", T, dict(lr=0.1, betas=(0.5, 0.9), amsgrad=True), ref_adam,
     dict(lr=0.1, betas=(0.5, 0.9), eps=1e-8, amsgrad=True)),
    ("adam", T, dict(weight_decay=0.1), ref_adam, dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)),
    ("adamw", T, {}, ref_adam, dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, decoupled=True)),
    ("adamw", T, dict(lr=0.1, weight_decay=0.5, amsgrad=True, betas=(0.5, 0.9)), ref_adam,
     dict(lr=0.1, betas=(0.5, 0.9), eps=1e-8, weight_decay=0.5, amsgrad=True, decoupled=True)),
    # Keras convention: its defaults and formulas
    ("sgd", K, {}, ref_sgd, dict(lr=1e-2)),
    ("momentum", K, dict(weight_decay=0.1), ref_sgd, dict(lr=1e-2, momentum=0.9, weight_decay=0.1, keras=True)),
    ("nesterov", K, {}, ref_sgd, dict(lr=1e-2, momentum=0.9, nesterov=True)),
    ("rmsprop", K, {}, ref_rmsprop, dict(lr=1e-3, alpha=0.9, eps=1e-7, keras=True)),
    ("rmsprop", K, dict(centered=True, momentum=0.5, eps=1e-3), ref_rmsprop,
     dict(lr=1e-3, alpha=0.9, eps=1e-3, centered=True, momentum=0.5, keras=True)),
    ("adagrad", K, {}, ref_adagrad, dict(lr=1e-3, eps=1e-7, initial_accumulator_value=0.1, keras=True)),
    ("adagrad", K, dict(weight_decay=0.1, eps=0.01), ref_adagrad,
     dict(lr=1e-3, eps=0.01, initial_accumulator_value=0.1, weight_decay=0.1, keras=True)),
    ("adadelta", K, {}, ref_adadelta, dict(lr=1e-3, rho=0.95, eps=1e-7, keras=True)),
    ("adam", K, {}, ref_adam, dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-7, keras=True)),
    ("adam", K, dict(lr=0.1, eps=0.1, amsgrad=True, betas=(0.5, 0.9)), ref_adam,
     dict(lr=0.1, betas=(0.5, 0.9), eps=0.1, amsgrad=True, keras=True)),
    ("adamw", K, {}, ref_adam, dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-7, weight_decay=4e-3, keras=True)),
]


def run(opt, p0=P0, grads=GRADS, lr=None):
    p = np.array(p0, dtype=float)
    state, out = opt.init(p), []
    for g in grads:
        p, state = opt.update(np.array(g, dtype=float), state, p, lr)
        out.append(p)
    return np.array(out), state


@pytest.mark.parametrize("name, conv, hp, ref, args", CASES,
                         ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_first_three_steps_match_hand_computation(name, conv, hp, ref, args):
    got, state = run(optimizer(name, conv, **hp))
    want = np.array([ref(P0[i], [g[i] for g in GRADS], **args) for i in range(2)]).T
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
    assert state.step == 3


def test_literal_first_steps():
    one = np.array([1.0])
    two = np.array([2.0])
    first = {name: float(optimizer(name).update(two, optimizer(name).init(one), one)[0][0])
             for name in OPTIMIZERS}
    assert first["sgd"] == pytest.approx(1 - 2e-3)                 # p - lr g
    assert first["adam"] == pytest.approx(0.999, abs=1e-10)        # p - lr g / |g|
    assert first["adamw"] == pytest.approx(1 * (1 - 1e-5) - 1e-3, abs=1e-10)
    assert first["rmsprop"] == pytest.approx(0.9, abs=1e-8)        # sa = .04, p - .01 * 2 / .2
    assert first["adagrad"] == pytest.approx(0.99, abs=1e-9)       # p - .01 * 2 / 2
    assert first["adadelta"] == pytest.approx(1 - 1e-3 * 2 / math.sqrt(0.4 + 1e-6), rel=1e-12)
    assert optimizer("adam", "keras").hyperparams["eps"] == 1e-7


def test_defaults_and_names():
    assert OPTIMIZERS == ("sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adadelta", "adam", "adamw")
    assert optimizer("ADAM").hyperparams == dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0,
                                                 amsgrad=False)
    assert optimizer("rmsprop", "keras").hyperparams["alpha"] == 0.9
    assert optimizer("adadelta", "keras").hyperparams == dict(lr=1e-3, rho=0.95, eps=1e-7, weight_decay=0.0)
    assert optimizer("adagrad", "keras").hyperparams["initial_accumulator_value"] == 0.1
    assert optimizer("sgd", "keras").hyperparams["lr"] == 0.01
    assert optimizer("momentum").hyperparams["momentum"] == 0.9
    assert optimizer("nesterov").hyperparams["nesterov"] is True
    assert optimizer("adamw").hyperparams["weight_decay"] == 1e-2
    expected = {"sgd": (), "momentum": ("momentum_buffer",), "nesterov": ("momentum_buffer",),
                "rmsprop": ("square_avg",), "adagrad": ("sum",), "adadelta": ("square_avg", "acc_delta"),
                "adam": ("exp_avg", "exp_avg_sq"), "adamw": ("exp_avg", "exp_avg_sq")}
    for name, names in expected.items():
        opt = optimizer(name)
        assert isinstance(opt, Optimizer) and opt.state_names == names
        state = opt.init(np.zeros((4, 2)))
        assert state.step == 0
        for field in names:
            assert getattr(state, field).shape == (4, 2)
    assert optimizer("rmsprop", centered=True, momentum=0.1).state_names == (
        "square_avg", "grad_avg", "momentum_buffer")
    assert optimizer("adam", amsgrad=True).state_names == ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    assert "adam" in repr(optimizer("adam"))


def test_optimizer_passes_through_and_overrides():
    opt = optimizer("adam", "keras", lr=0.1)
    assert optimizer(opt) is opt
    new = optimizer(opt, betas=(0.5, 0.6))
    assert new.convention == "keras" and new.hyperparams["lr"] == 0.1 and new.hyperparams["betas"] == (0.5, 0.6)


@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("conv", ["torch", "keras"])
def test_update_is_pure(name, conv):
    hp = dict(weight_decay=0.1)
    if name in ("rmsprop",):
        hp.update(centered=True, momentum=0.5)
    if name in ("adam", "adamw"):
        hp.update(amsgrad=True)
    opt = optimizer(name, conv, **hp)
    p = np.array([[1.0, -2.0], [0.5, 3.0]])
    g = np.array([[0.3, -1.0], [2.0, 0.1]])
    state = opt.update(g, opt.init(p), p)[1]
    copies = [np.copy(x) if isinstance(x, np.ndarray) else x for x in (p, g, *state)]
    new_p, new_state = opt.update(g, state, p, 0.1)
    for before, after in zip(copies, (p, g, *state)):
        np.testing.assert_array_equal(before, after)
    assert new_state.step == state.step + 1
    for field in opt.state_names:  # fresh arrays, never aliases of the inputs
        assert not np.shares_memory(getattr(new_state, field), getattr(state, field))
        assert not np.shares_memory(getattr(new_state, field), g)
    assert not np.shares_memory(new_p, p)


@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("conv", ["torch", "keras"])
def test_batched_equals_one_by_one(name, conv):
    opt = optimizer(name, conv, weight_decay=0.01)
    rng = np.random.default_rng(0)
    lrs = np.array([1e-3, 1e-2, 0.1])
    p0 = rng.normal(size=(3, 2))
    grads = rng.normal(size=(5, 3, 2))
    batched, _ = run(opt, p0, grads, lrs[:, None])
    for i in range(3):
        single, _ = run(opt, p0[i], grads[:, i], float(lrs[i]))
        np.testing.assert_allclose(batched[:, i], single, rtol=1e-14, atol=1e-300)


def test_weight_matrices_and_schedule_lr():
    opt = optimizer("adam", lr=lambda t: 0.1 / (t + 1))
    w = np.ones((3, 4, 5))
    w1, s1 = opt.update(np.ones_like(w), opt.init(w), w)
    assert w1.shape == w.shape and np.allclose(w1, 0.9)
    w2, _ = opt.update(np.ones_like(w), s1, w1)
    assert np.allclose(w2, 0.9 - 0.05)


@pytest.mark.parametrize("name", ["rmsprop", "adagrad", "adadelta", "adam", "adamw"])
@pytest.mark.parametrize("conv", ["torch", "keras"])
def test_derived_effective_lr_reproduces_the_step(name, conv):
    opt = optimizer(name, conv, lr=0.05, weight_decay=0.0)  # the decay is not part of effective_lr
    rng = np.random.default_rng(1)
    p = rng.normal(size=(4, 2))
    history = {k: [] for k in opt.state_names}
    ps, gs = [p], []
    state = opt.init(p)
    for _ in range(6):
        g = rng.normal(size=(4, 2))
        p, state = opt.update(g, state, p)
        ps.append(p)
        gs.append(g)
        for k in opt.state_names:
            history[k].append(getattr(state, k))
    hist = {k: np.stack(v, axis=-2) for k, v in history.items()}  # (runs, T, dim)
    t = np.arange(1, 7)[:, None]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = opt.derived(hist, t, np.full((4, 6, 1), 0.05))
    step = np.diff(np.stack(ps, axis=-2), axis=-2)
    direction = d["m_hat"] if "m_hat" in d else np.stack(gs, axis=-2)
    np.testing.assert_allclose(step, -d["effective_lr"] * direction, rtol=1e-10, atol=1e-14)
    for v in d.values():
        assert v.shape == (4, 6, 2)


def test_derived_sgd_and_zero_steps():
    assert optimizer("sgd").derived({}, np.ones((3, 1)), 0.1) == {}
    d = optimizer("momentum").derived({"momentum_buffer": np.ones((3, 2))}, np.arange(1, 4)[:, None], 0.1)
    np.testing.assert_array_equal(d["effective_lr"], np.full((3, 2), 0.1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        d = optimizer("adam").derived({"exp_avg": np.zeros((2, 2)), "exp_avg_sq": np.zeros((2, 2))},
                                      np.arange(2)[:, None], 0.1)
    assert np.isnan(d["m_hat"][0]).all() and np.isfinite(d["m_hat"][1]).all()


# ------------------------------------------------------------------ validation

BAD = [
    ("sgd", dict(lr=-0.1), ValueError, r"Invalid lr: -0.1 \(must be a finite number >= 0\)"),
    ("adam", dict(lr=float("nan")), ValueError, r"Invalid lr: nan \(must be a finite number >= 0\)"),
    ("adam", dict(lr=float("inf")), ValueError, "Invalid lr: inf"),
    ("adam", dict(lr=True), TypeError, "Invalid lr: True .*schedule"),
    ("adam", dict(lr="0.1"), TypeError, "Invalid lr: '0.1'"),
    ("adam", dict(betas=(0.9, 1.0)), ValueError, r"Invalid betas: \(0.9, 1.0\) \(must be a pair \(beta1, beta2\), each a finite number in \[0, 1\)\)"),
    ("adam", dict(betas=(-0.1, 0.9)), ValueError, r"Invalid betas: \(-0.1, 0.9\)"),
    ("adam", dict(betas=0.9), TypeError, "Invalid betas: 0.9 .*must be a pair"),
    ("adam", dict(betas=(0.9, 0.99, 0.9)), ValueError, "betas"),
    ("adam", dict(eps=-1e-8), ValueError, r"Invalid eps: -1e-08 \(must be a finite number >= 0\)"),
    ("adam", dict(amsgrad=1), TypeError, "amsgrad"),
    ("adamw", dict(weight_decay=-1), ValueError, "weight_decay"),
    ("rmsprop", dict(alpha=1.5), ValueError, r"alpha.*\[0, 1\]"),
    ("rmsprop", dict(momentum=-0.1), ValueError, "momentum"),
    ("rmsprop", dict(centered="yes"), TypeError, "centered"),
    ("adadelta", dict(rho=-0.1), ValueError, "rho"),
    ("adagrad", dict(lr_decay=-1), ValueError, "lr_decay"),
    ("adagrad", dict(initial_accumulator_value=-1), ValueError, "initial_accumulator_value"),
    ("sgd", dict(dampening=2.0), ValueError, "dampening"),
    ("sgd", dict(nesterov=True), ValueError, r"Invalid nesterov: True \(needs momentum > 0 and dampening 0; got momentum=0, dampening=0\)"),
    ("nesterov", dict(dampening=0.1), ValueError, "nesterov.*dampening=0.1"),
    ("sgd", dict(momentum=float("nan")), ValueError, "Invalid momentum: nan"),
    ("sgd", dict(momentum=None), TypeError, "momentum"),
    ("adam", dict(beta1=0.9), TypeError, r"Invalid hyperparameter: 'beta1' \(adam takes lr, betas, eps, weight_decay, amsgrad\)"),
    ("sgd", dict(alpha=0.9), TypeError, "alpha"),
]


@pytest.mark.parametrize("name, hp, exc, match", BAD)
def test_validation_names_the_argument(name, hp, exc, match):
    with pytest.raises(exc, match=match):
        optimizer(name, **hp)


def test_unknown_names():
    with pytest.raises(ValueError, match="Invalid optimizer: 'lion' .*'sgd', 'momentum', 'nesterov', 'rmsprop', 'adagrad', 'adadelta', 'adam'"):
        optimizer("lion")
    with pytest.raises(ValueError, match="Invalid convention: 'jax'"):
        optimizer("adam", convention="jax")
    with pytest.raises(TypeError):
        optimizer(3)


def test_lr_accepts_arrays_and_callables():
    assert callable(optimizer("adam", lr=lambda t: 0.1).hyperparams["lr"])
    assert optimizer("adam", lr=np.array([0.1, 0.2])).hyperparams["lr"].dtype == np.float64
    with pytest.raises(ValueError, match=r"Invalid lr: \[0.1, -0.2\] \(must be finite numbers >= 0, one per run\)"):
        optimizer("adam", lr=np.array([0.1, -0.2]))


# ------------------------------------------------------------------ properties

_unit = st.floats(0.0, 0.999)
_HP = {
    "sgd": st.fixed_dictionaries({"lr": st.floats(0, 1), "momentum": _unit, "weight_decay": st.floats(0, 1),
                                  "dampening": st.floats(0, 1)}),
    "momentum": st.fixed_dictionaries({"lr": st.floats(0, 1), "momentum": _unit}),
    "nesterov": st.fixed_dictionaries({"lr": st.floats(0, 1), "momentum": st.floats(0.01, 0.999)}),
    "rmsprop": st.fixed_dictionaries({"lr": st.floats(0, 1), "alpha": st.floats(0, 1), "eps": st.floats(1e-10, 1),
                                      "momentum": _unit, "centered": st.booleans(),
                                      "weight_decay": st.floats(0, 1)}),
    "adagrad": st.fixed_dictionaries({"lr": st.floats(0, 1), "lr_decay": st.floats(0, 10),
                                      "initial_accumulator_value": st.floats(0, 10), "eps": st.floats(1e-10, 1)}),
    "adadelta": st.fixed_dictionaries({"lr": st.floats(0, 10), "rho": st.floats(0, 1), "eps": st.floats(1e-10, 1),
                                       "weight_decay": st.floats(0, 1)}),
    "adam": st.fixed_dictionaries({"lr": st.floats(0, 1), "betas": st.tuples(_unit, _unit),
                                   "eps": st.floats(1e-10, 1), "amsgrad": st.booleans(),
                                   "weight_decay": st.floats(0, 1)}),
}
_HP["adamw"] = _HP["adam"]
_grads = st.lists(st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)), min_size=1, max_size=5)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), name=st.sampled_from(OPTIMIZERS), conv=st.sampled_from(["torch", "keras"]),
       grads=_grads, p0=st.tuples(st.floats(-10, 10), st.floats(-10, 10)))
def test_random_valid_hyperparameters_never_warn(data, name, conv, grads, p0):
    hp = data.draw(_HP[name])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt = optimizer(name, conv, **hp)
        out, state = run(opt, list(p0), grads)
    assert np.all(np.isfinite(out))
    assert state.step == len(grads)
    for field in opt.state_names:
        assert np.all(np.isfinite(getattr(state, field)))


# ------------------------------------------------------------------ PyTorch agreement

def quadratic_grad(x):
    return x * np.array([1.0, 10.0])


def rosenbrock_grad(x):
    a, b = x[..., 0], x[..., 1]
    r = b - a * a
    return np.stack([-2.0 * (1.0 - a) - 400.0 * a * r, 200.0 * r], axis=-1)


TORCH = json.loads((GOLDEN / "torch_optimizers.json").read_text())


def test_torch_reference_file_is_complete():
    assert TORCH["torch_version"].startswith("2.") and TORCH["dtype"] == "float64"
    assert {c["name"] for c in TORCH["cases"]} == set(OPTIMIZERS)


@pytest.mark.parametrize("case", TORCH["cases"], ids=lambda c: f"{c['name']}-{c['problem']}-"
                         + "-".join(f"{k}{v}" for k, v in c["hyperparams"].items()))
def test_matches_torch_trajectory(case):
    hp = {k: tuple(v) if isinstance(v, list) else v for k, v in case["hyperparams"].items()}
    opt = optimizer(case["name"], **hp)
    grad = {"quadratic": quadratic_grad, "rosenbrock": rosenbrock_grad}[case["problem"]]
    p = np.array(case["x0"])
    state, traj = opt.init(p), [p]
    for _ in range(case["steps"]):
        p, state = opt.update(grad(p), state, p)
        traj.append(p)
    np.testing.assert_allclose(np.array(traj), np.array(case["trajectory"]), rtol=1e-9, atol=1e-12)


# ------------------------------------------------------------------ metadata: one home per optimizer

from lrviz.engine import optimizers as O  # noqa: E402


@pytest.mark.parametrize("convention", ["torch", "keras"])
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_controls_are_derived_from_the_optimizer_itself(name, convention):
    c = O.controls(name, convention)
    values = O.control_values(optimizer(name, convention))
    assert list(c) == list(values)  # one slider per hyperparameter shown, same order
    for key, spec in c.items():
        assert spec["default"] == values[key]
        assert spec["kind"] in ("float", "log", "bool") and spec["description"]
        v = math.log10(spec["default"]) if spec["kind"] == "log" else spec["default"]
        assert spec["min"] <= v <= spec["max"], (key, spec)
        # the slider's readout shows the default itself, not a rounded neighbour (beta2 read "1.00")
        shown = float(format(spec["default"], spec["readout_format"]))
        assert shown == pytest.approx(spec["default"], rel=1e-12), (key, spec)


def test_which_optimizer_gets_which_slider():
    assert {n: tuple(O.controls(n)) for n in OPTIMIZERS} == {
        "sgd": (), "momentum": ("momentum",), "nesterov": ("momentum",),
        "rmsprop": ("alpha", "eps", "momentum"), "adagrad": ("eps",), "adadelta": ("rho", "eps"),
        "adam": ("beta1", "beta2", "eps"), "adamw": ("beta1", "beta2", "eps")}
    assert O.controls("adadelta", "keras")["rho"]["default"] == 0.95
    assert O.controls("adam")["beta2"]["readout_format"] == ".4f"
    assert format(0.999, O.controls("adam")["beta2"]["readout_format"]) == "0.9990"


def test_from_controls_merges_betas_in_any_order():
    """Bug 2 of issue 8: update(beta1=0.5, optimizer="adam") ran with betas (0.9, 0.999)."""
    for values in ({"beta1": 0.5}, {"beta1": 0.5, "eps": 1e-6}, {"eps": 1e-6, "beta1": 0.5}):
        opt = O.from_controls("adam", values, lr=0.01)
        assert opt.hyperparams["betas"] == (0.5, 0.999) and opt.hyperparams["lr"] == 0.01
    assert O.from_controls("adam", {"beta2": 0.9}).hyperparams["betas"] == (0.9, 0.9)
    assert O.from_controls("adamw", {"beta2": 0.99, "beta1": 0.8}).hyperparams["betas"] == (0.8, 0.99)
    assert O.from_controls("adam", {"betas": (0.8, 0.95), "beta2": 0.9}).hyperparams["betas"] == (0.8, 0.9)
    assert O.from_controls("rmsprop", {"alpha": 0.9}, convention="keras").hyperparams["eps"] == 1e-7
    # round trip: the controls an optimizer shows rebuild the same optimizer
    for name in OPTIMIZERS:
        opt = optimizer(name, lr=0.02)
        assert O.from_controls(name, O.control_values(opt), lr=0.02).hyperparams == opt.hyperparams
    with pytest.raises(TypeError, match=r"Invalid hyperparameter: 'beta1' \(sgd takes lr, momentum"):
        O.from_controls("sgd", {"beta1": 0.5})
    with pytest.raises(ValueError, match=r"Invalid betas: \(1.5, 0.999\)"):
        O.from_controls("adam", {"beta1": 1.5})


def test_inside_names_what_the_trajectory_has():
    for name in OPTIMIZERS:
        info = O.inside(name)
        traj = lrviz_descend("rosenbrock", name, steps=3)
        assert info["state"] == tuple(traj.state)
        assert set(info["derived"]) == set(traj.derived())
        have = {"grad", *traj.state, *traj.derived(), *("sqrt_" + k for k in info["sqrt"])}
        assert info["panel"] and set(info["panel"]) <= have
    assert O.inside("adam", amsgrad=True)["state"] == ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    assert O.inside(optimizer("rmsprop", momentum=0.9, centered=True))["state"] == (
        "square_avg", "grad_avg", "momentum_buffer")
    assert O.inside("sgd")["panel"] == ("grad",)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_every_constructor_states_its_rule_and_matches_the_registry(name):
    fn = getattr(O, name)
    doc = fn.__doc__
    assert "p <- p" in doc and ("lr" in doc)
    a, b = fn(lr=0.05), optimizer(name, lr=0.05)
    assert a.hyperparams == b.hyperparams and a.name == name
    g, p = np.array([0.3, -2.0]), np.array([1.0, 1.0])
    np.testing.assert_array_equal(a.update(g, a.init(p), p)[0], b.update(g, b.init(p), p)[0])
