"""One message shape for every bad argument: ``Invalid <argument>: <value> (<what is allowed>)``.

A wrong type is a TypeError, a wrong value a ValueError. The table runs through the public
API (descend, optimizer, schedule, surface, sweep ...) and checks the exact text, so the same
bad learning rate reads the same wherever a student types it.
"""
import math
import re

import numpy as np
import pytest
from hypothesis import given, strategies as st

import lrviz
from lrviz.engine import analysis, validate as V
from lrviz.engine.expressions import parse_expression

LR = "must be a finite number >= 0"
LR_ANY = "must be a finite number >= 0, a 1-D array of them, or a schedule"

TABLE = [
    # the same bad lr, four ways in: one message
    (lambda: lrviz.descend("rosenbrock", "sgd", lr=-0.1), ValueError, f"Invalid lr: -0.1 ({LR})"),
    (lambda: lrviz.optimizer("adam", lr=-0.1), ValueError, f"Invalid lr: -0.1 ({LR})"),
    (lambda: lrviz.schedule("step", lr=-0.1, step_size=3), ValueError, f"Invalid lr: -0.1 ({LR})"),
    (lambda: V.learning_rate(-0.1), ValueError, f"Invalid lr: -0.1 ({LR})"),
    (lambda: lrviz.nets.train(lr=-0.1, epochs=0), ValueError, f"Invalid lr: -0.1 ({LR})"),
    (lambda: lrviz.nets.train(lr="x", epochs=0), TypeError, f"Invalid lr: 'x' ({LR_ANY})"),
    (lambda: lrviz.optimizer("sgd", lr=np.float64(np.nan)), ValueError, f"Invalid lr: nan ({LR})"),
    (lambda: lrviz.descend("parabola", "sgd", lr=math.inf), ValueError, f"Invalid lr: inf ({LR})"),
    (lambda: lrviz.descend("parabola", "sgd", lr="fast"), TypeError, f"Invalid lr: 'fast' ({LR_ANY})"),
    (lambda: lrviz.optimizer("adam", lr=True), TypeError, f"Invalid lr: True ({LR_ANY})"),
    (lambda: lrviz.schedule("step", lr="0.1", step_size=3), TypeError, f"Invalid lr: '0.1' ({LR})"),
    (lambda: lrviz.descend("parabola", "sgd", lr=[0.1, -0.2]), ValueError,
     "Invalid lr: [0.1, -0.2] (must be finite numbers >= 0, one per run)"),
    (lambda: lrviz.descend("parabola", "sgd", lr=[[0.1]]), ValueError,
     "Invalid lr: [[0.1]] (must be a number or a non-empty 1-D array, one per run; got shape (1, 1))"),
    (lambda: lrviz.descend("parabola", "sgd", lr=lambda t: 0 * t - 1, steps=3), ValueError,
     "Invalid lr: <function <lambda>> (a schedule must give a finite number >= 0 at every step; "
     "step 0 gave -1.0)"),
    (lambda: analysis.sweep("parabola", "sgd", lrs=[-0.1]), ValueError,
     "Invalid lrs: [-0.1] (must be finite numbers >= 0, one per run)"),
    # descend's other arguments
    (lambda: lrviz.descend("rosenbrock", "sgd", steps=-1), ValueError, "Invalid steps: -1 (must be an integer >= 0)"),
    (lambda: lrviz.descend("rosenbrock", "sgd", steps=2.5), TypeError, "Invalid steps: 2.5 (must be an integer >= 0)"),
    (lambda: lrviz.descend("rosenbrock", "sgd", steps=True), TypeError, "Invalid steps: True (must be an integer >= 0)"),
    (lambda: lrviz.descend("rosenbrock", "sgd", noise=-1), ValueError, "Invalid noise: -1 (must be a finite number >= 0)"),
    (lambda: lrviz.descend("rosenbrock", "sgd", noise="some"), TypeError,
     "Invalid noise: 'some' (must be a finite number >= 0)"),
    (lambda: lrviz.descend("rosenbrock", "sgd", seed=-1), ValueError,
     "Invalid seed: -1 (must be None, an integer >= 0 or a numpy Generator)"),
    (lambda: lrviz.descend("rosenbrock", "sgd", seed=1.5), TypeError,
     "Invalid seed: 1.5 (must be None, an integer >= 0 or a numpy Generator)"),
    (lambda: lrviz.descend("rosenbrock", "sgd", x0="origin"), TypeError,
     "Invalid x0: 'origin' (must be finite numbers of shape (2,) or (runs, 2))"),
    (lambda: lrviz.descend("rosenbrock", "sgd", x0=(1, 2, 3)), ValueError,
     "Invalid x0: (1, 2, 3) (must be finite numbers of shape (2,) or (runs, 2) for the 2-D surface "
     "'rosenbrock'; got shape (3,))"),
    (lambda: lrviz.descend("rosenbrock", "sgd", x0=(np.nan, 0.0)), ValueError,
     "Invalid x0: (nan, 0.0) (must be finite numbers of shape (2,) or (runs, 2))"),
    (lambda: lrviz.descend("rosenbrock", 3), TypeError,
     "Invalid optimizer: 3 (must be a name such as 'adam' or an Optimizer)"),
    (lambda: lrviz.descend(3, "sgd"), TypeError, "Invalid surface: 3 (must be a Surface or a catalog name)"),
    # optimizers
    (lambda: lrviz.optimizer("lion"), ValueError,
     "Invalid optimizer: 'lion' (must be one of 'sgd', 'momentum', 'nesterov', 'rmsprop', 'adagrad', "
     "'adadelta', 'adam', 'adamw')"),
    (lambda: lrviz.optimizer("adam", convention="jax"), ValueError,
     "Invalid convention: 'jax' (must be one of 'torch', 'keras')"),
    (lambda: lrviz.optimizer("adam", betas=(0.9, 1.0)), ValueError,
     "Invalid betas: (0.9, 1.0) (must be a pair (beta1, beta2), each a finite number in [0, 1))"),
    (lambda: lrviz.optimizer("adam", betas=0.9), TypeError,
     "Invalid betas: 0.9 (must be a pair (beta1, beta2), each a finite number in [0, 1))"),
    (lambda: lrviz.optimizer("adam", eps=-1e-8), ValueError, "Invalid eps: -1e-08 (must be a finite number >= 0)"),
    (lambda: lrviz.optimizer("rmsprop", alpha=1.5), ValueError, "Invalid alpha: 1.5 (must be a finite number in [0, 1])"),
    (lambda: lrviz.optimizer("sgd", momentum=None), TypeError, "Invalid momentum: None (must be a finite number >= 0)"),
    (lambda: lrviz.optimizer("adam", amsgrad=1), TypeError, "Invalid amsgrad: 1 (must be True or False)"),
    (lambda: lrviz.optimizer("adam", beta3=0.9), TypeError,
     "Invalid hyperparameter: 'beta3' (adam takes lr, betas, eps, weight_decay, amsgrad)"),
    (lambda: lrviz.optimizer("sgd", nesterov=True), ValueError,
     "Invalid nesterov: True (needs momentum > 0 and dampening 0; got momentum=0, dampening=0)"),
    # schedules
    (lambda: lrviz.schedule("cyclic", lr=0.1), ValueError,
     "Invalid schedule: 'cyclic' (must be one of 'constant', 'step', 'multistep', 'exponential', 'cosine', "
     "'cosine_warm_restarts', 'linear', 'polynomial', 'onecycle', 'sequential', 'warmup_cosine')"),
    (lambda: lrviz.schedule("step", lr=0.1, step_size=0), ValueError, "Invalid step_size: 0 (must be an integer >= 1)"),
    (lambda: lrviz.schedule("exponential", lr=0.1, gamma=-0.5), ValueError,
     "Invalid gamma: -0.5 (must be a finite number > 0)"),
    (lambda: lrviz.schedule("multistep", lr=0.1, milestones=[700, 400]), ValueError,
     "Invalid milestones: [700, 400] (must be a list of integers >= 0 in increasing order)"),
    (lambda: lrviz.schedule("cosine", lr=0.1, T_max=10, t_max=3), TypeError,
     "Invalid argument: 't_max' (schedule 'cosine' takes lr, T_max, eta_min)"),
    (lambda: lrviz.schedule("onecycle", lr=0.1, total_steps=10, anneal_strategy="cosine"), ValueError,
     "Invalid anneal_strategy: 'cosine' (must be one of 'cos', 'linear')"),
    (lambda: lrviz.schedule("step", lr=0.1, step_size=2)(-1), ValueError,
     "Invalid t: -1 (must be an integer >= 0 or an array of them)"),
    (lambda: lrviz.schedule("step", lr=0.1, step_size=2)("3"), TypeError,
     "Invalid t: '3' (must be an integer >= 0 or an array of them)"),
    # surfaces and expressions
    (lambda: lrviz.surface("valley", kappa=0.5), ValueError, "Invalid kappa: 0.5 (must be >= 1, for surface 'valley')"),
    (lambda: lrviz.surface("valley", k=3), ValueError, "Invalid parameter: 'k' (surface 'valley' takes kappa)"),
    (lambda: lrviz.surface(3), TypeError, "Invalid surface: 3 (must be a name or a Surface)"),
    (lambda: parse_expression(3), TypeError, "Invalid expression: 3 (must be a string such as 'x**2 + y**2')"),
    (lambda: parse_expression("3"), ValueError,
     "Invalid expression: '3' (it is constant; it must use x (1-D) or x and y (2-D))"),
    # analysis
    (lambda: analysis.tail_loss(lrviz.descend("parabola", "sgd", steps=3), fraction=2), ValueError,
     "Invalid fraction: 2 (must be a finite number in (0, 1])"),
    (lambda: analysis.lr_range_test("parabola", "sgd", lr_min=1, lr_max=0.1), ValueError,
     "Invalid lr_min / lr_max: (1.0, 0.1) (need 0 < lr_min < lr_max)"),
    (lambda: analysis.lr_range_test("parabola", "sgd", steps=2), ValueError,
     "Invalid steps: 2 (must be an integer >= 3)"),
]


@pytest.mark.parametrize("call, exc, message", TABLE, ids=[m[:60] for _, _, m in TABLE])
def test_exact_message_and_type(call, exc, message):
    with pytest.raises(exc) as err:
        call()
    assert type(err.value) is exc
    assert str(err.value) == message


def test_every_message_has_the_one_shape():
    shape = re.compile(r"^Invalid [^:]+: .+ \(.+\)$", re.S)
    for call, exc, message in TABLE:
        assert shape.match(message), message


# ------------------------------------------------------------------ the functions themselves

@pytest.mark.parametrize("kwargs, value, exc, allowed", [
    (dict(lo=0), -1, ValueError, "must be a finite number >= 0"),
    (dict(lo=0, lo_open=True), 0, ValueError, "must be a finite number > 0"),
    (dict(lo=0, hi=1), 1.5, ValueError, "must be a finite number in [0, 1]"),
    (dict(lo=0, hi=1, hi_open=True), 1, ValueError, "must be a finite number in [0, 1)"),
    (dict(hi=2), 3, ValueError, "must be a finite number <= 2"),
    (dict(), math.nan, ValueError, "must be a finite number"),
    (dict(), "1", TypeError, "must be a finite number"),
    (dict(), np.True_, TypeError, "must be a finite number"),
    (dict(integer=True, lo=1), 0, ValueError, "must be an integer >= 1"),
    (dict(integer=True, lo=1), 2.0, TypeError, "must be an integer >= 1"),
])
def test_number_bounds(kwargs, value, exc, allowed):
    with pytest.raises(exc) as err:
        V.number("x", value, **kwargs)
    assert type(err.value) is exc
    assert str(err.value) == f"Invalid x: {V.show(value)} ({allowed})"


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_learning_rate_accepts_exactly_the_finite_non_negative_numbers(v):
    ok = math.isfinite(v) and v >= 0
    try:
        out = V.learning_rate(v)
    except ValueError as err:
        assert not ok and str(err) == f"Invalid lr: {v!r} ({LR})"
    else:
        assert ok and out == v and type(out) is float


@given(st.floats(-2, 2), st.floats(-2, 2))
def test_betas_inside_the_unit_interval(b1, b2):
    ok = 0 <= b1 < 1 and 0 <= b2 < 1
    try:
        assert V.betas([b1, b2]) == (b1, b2) and ok
    except ValueError:
        assert not ok


def test_values_come_back_clean():
    assert V.number("x", np.float32(0.5)) == 0.5 and type(V.number("x", np.float32(0.5))) is float
    assert type(V.integer("n", np.int64(3))) is int
    assert V.positive_int("n", 1) == 1
    assert V.boolean("b", np.False_) is False
    assert V.choice("opt", " ADAM ", ("sgd", "adam")) == "adam"
    assert V.choice("n", 2, (1, 2)) == 2
    np.testing.assert_array_equal(V.point("x0", 0.5, 1), [0.5])
    np.testing.assert_array_equal(V.learning_rates(np.array([1, 2])), [1.0, 2.0])
    assert V.learning_rates(np.float64(0.25)) == 0.25
    assert V.probability("p", 1.0, hi_open=False) == 1.0


@pytest.mark.parametrize("call, exc, message", [
    (lambda: V.choice("n", 3, (1, 2)), ValueError, "Invalid n: 3 (must be one of 1, 2)"),
    (lambda: V.choice("opt", 3, ("sgd",)), TypeError, "Invalid opt: 3 (must be one of 'sgd')"),
    (lambda: V.point("x0", None, 2), TypeError, "Invalid x0: None (must be 2 finite numbers)"),
    (lambda: V.point("x0", [1, math.inf], 2), ValueError, "Invalid x0: [1, inf] (must be 2 finite numbers)"),
    (lambda: V.betas([0.9]), ValueError, "Invalid betas: [0.9] (must be a pair (beta1, beta2), each a finite number in [0, 1))"),
    (lambda: V.betas(["a", 0.9]), TypeError, "Invalid betas: ['a', 0.9] (must be a pair (beta1, beta2), each a finite number in [0, 1))"),
    (lambda: V.learning_rates(np.zeros(20) - 1), ValueError,
     "Invalid lr: array of shape (20,) (must be finite numbers >= 0, one per run)"),
    (lambda: V.lr_or_schedule(np.array(["a"])), TypeError, f"Invalid lr: ['a'] ({LR_ANY})"),
])
def test_helper_messages(call, exc, message):
    with pytest.raises(exc) as err:
        call()
    assert type(err.value) is exc and str(err.value) == message
