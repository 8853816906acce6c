"""convention="keras" gives Keras 3's numbers, under a learning-rate schedule too.

tests/golden/keras_optimizers.json holds trajectories recorded with real Keras (torch
backend, float64) by tests/golden/make_keras_reference.py; Keras is not a dependency.
Keras folds the lr into its momentum buffers (SGD's velocity, RMSprop's momentum), so
with a changing lr its path parts from torch's; these tests pin both facts.
"""
import json
from pathlib import Path

import numpy as np
import pytest

from lrviz import descend, optimizer, schedule

GOLDEN = json.loads((Path(__file__).parent / "golden" / "keras_optimizers.json").read_text())


def quadratic_grad(x):
    return x * np.array([1.0, 10.0])


def rosenbrock_grad(x):
    a, b = x[0], x[1]
    r = b - a * a
    return np.array([-2.0 * (1.0 - a) - 400.0 * a * r, 200.0 * r])


def test_reference_file_was_made_by_keras_in_float64():
    assert GOLDEN["keras_version"].startswith("3.") and GOLDEN["dtype"] == "float64"
    assert GOLDEN["backend"] == "torch"
    names = {c["name"] for c in GOLDEN["cases"]}
    assert names == {"sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw", "adagrad", "adadelta"}
    assert sum(isinstance(c["lr_spec"], dict) for c in GOLDEN["cases"]) >= 10  # most run under a schedule


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=lambda c: f"{c['name']}-{c['problem']}-"
                         + "-".join(f"{k}{v}" for k, v in c["hyperparams"].items())
                         + ("-decay" if isinstance(c["lr_spec"], dict) else "-constant"))
def test_matches_keras_trajectory(case):
    hp = {k: tuple(v) if isinstance(v, list) else v for k, v in case["hyperparams"].items()}
    lrs = np.array(case["lr"])
    spec = case["lr_spec"]
    if isinstance(spec, dict):  # ExponentialDecay(lr0, steps, rate) is torch's ExponentialLR(gamma=rate**(1/steps))
        sched = schedule("exponential", lr=spec["initial_learning_rate"],
                         gamma=spec["decay_rate"] ** (1 / spec["decay_steps"]))
        np.testing.assert_allclose(sched(np.arange(case["steps"])), lrs, rtol=1e-12)
    opt = optimizer(case["name"], convention="keras", lr=lambda t: lrs[t], **hp)
    grad = {"quadratic": quadratic_grad, "rosenbrock": rosenbrock_grad}[case["problem"]]
    p = np.array(case["x0"])
    state, traj = opt.init(p), [p]
    for _ in range(case["steps"]):
        p, state = opt.update(grad(p), state, p)
        traj.append(p)
    np.testing.assert_allclose(np.array(traj), np.array(case["trajectory"]), rtol=1e-9, atol=1e-12)


# ------------------------------------------------------------------ why the Keras form matters

def _both(name, lr, steps=60, **hp):
    kw = dict(x0=(1.5, 0.8), steps=steps, lr=lr)
    return (descend("valley", optimizer(name, convention="torch", **hp), **kw).x,
            descend("valley", optimizer(name, convention="keras", **hp), **kw).x)


@pytest.mark.parametrize("name, hp", [("momentum", {}), ("nesterov", {}), ("rmsprop", dict(momentum=0.5))])
def test_keras_and_torch_agree_for_a_constant_lr(name, hp):
    hp = {**hp, **({"alpha": 0.99, "eps": 0.0} if name == "rmsprop" else {})}  # same eps placement
    torch_x, keras_x = _both(name, 0.01, **hp)
    np.testing.assert_allclose(keras_x, torch_x, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("name, hp", [("momentum", {}), ("nesterov", {}), ("rmsprop", dict(momentum=0.5))])
def test_keras_and_torch_part_under_a_schedule(name, hp):
    hp = {**hp, **({"alpha": 0.99, "eps": 0.0} if name == "rmsprop" else {})}  # same eps placement
    sched = schedule("exponential", lr=0.01, gamma=0.9)
    torch_x, keras_x = _both(name, sched, **hp)
    gap = np.abs(keras_x[10] - torch_x[10]).max() / np.abs(torch_x[10]).max()
    assert gap > 0.01


def test_keras_momentum_by_hand_under_a_changing_lr():
    """On f = x^2 (g = 2x) from x = 1 with lr 0.1 then 0.05 and mu = 0.9:
    Keras: m1 = -0.1*2 = -0.2, x1 = 0.8; m2 = 0.9*(-0.2) - 0.05*1.6 = -0.26, x2 = 0.54.
    torch: buf1 = 2, x1 = 0.8; buf2 = 0.9*2 + 1.6 = 3.4, x2 = 0.8 - 0.05*3.4 = 0.63."""
    lrs = np.array([0.1, 0.05])
    kw = dict(x0=(1.0,), steps=2, lr=lambda t: lrs[t])
    keras = descend("parabola", optimizer("momentum", convention="keras", momentum=0.9), **kw)
    torch = descend("parabola", optimizer("momentum", momentum=0.9), **kw)
    np.testing.assert_allclose(keras.x[:, 0], [1.0, 0.8, 0.54], rtol=1e-14)
    np.testing.assert_allclose(torch.x[:, 0], [1.0, 0.8, 0.63], rtol=1e-14)
    np.testing.assert_allclose(keras.state["momentum_buffer"][:, 0], [0.0, -0.2, -0.26], rtol=1e-14)


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(["momentum", "nesterov"]), lr=st.floats(1e-4, 0.1), mu=st.floats(0.01, 0.99),
       x=st.floats(-3, 3), y=st.floats(-3, 3))
def test_keras_momentum_equals_torch_for_any_constant_lr(name, lr, mu, x, y):
    """With a constant lr Keras's velocity is -lr times torch's buffer: the same path."""
    kw = dict(x0=(x, y), steps=30, lr=lr)
    torch = descend("valley", optimizer(name, momentum=mu), **kw)
    keras = descend("valley", optimizer(name, convention="keras", momentum=mu), **kw)
    np.testing.assert_allclose(keras.x, torch.x, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(keras.state["momentum_buffer"][1:], -lr * torch.state["momentum_buffer"][1:],
                               rtol=1e-9, atol=1e-12)
