"""descend(): closed forms, batching, noise, divergence and argument checks."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import lrviz
from lrviz import descend, optimizer
from lrviz.engine.surfaces import SURFACES, Surface

try:  # tests/ as a package or as a plain rootdir folder
    from .records import assert_same_run
except ImportError:
    from records import assert_same_run


def test_sgd_on_a_scaled_parabola_follows_the_closed_form():
    # f = a x^2, grad = 2 a x, so x_t = (1 - 2 a lr)^t x0.
    a, lr, x0 = 5.0, 0.03, 1.7
    traj = descend(lrviz.surface("scaled_parabola", a=a), "sgd", x0=(x0,), lr=lr, steps=40)
    expected = (1 - 2 * a * lr) ** np.arange(41) * x0
    np.testing.assert_allclose(traj.x[:, 0], expected, rtol=1e-12)
    np.testing.assert_allclose(traj.loss, a * expected**2, rtol=1e-12)
    np.testing.assert_allclose(traj.grad[:, 0], 2 * a * expected[:-1], rtol=1e-12)


@pytest.mark.parametrize("a", [0.5, 2.0, 5.0])
def test_sgd_on_a_x2_diverges_exactly_when_lr_exceeds_1_over_a(a):
    s = lrviz.surface("scaled_parabola", a=a)
    lrs = np.array([0.9, 0.99, 1.01, 1.1]) / a
    traj = descend(s, "sgd", x0=(1.0,), lr=lrs, steps=3000)
    grew = np.abs(traj.final_x[:, 0]) > 1.0
    np.testing.assert_array_equal(grew, lrs > 1 / a)


def test_a_single_run_has_no_runs_axis_and_documented_shapes():
    traj = descend("rosenbrock", "adam", steps=7)
    assert traj.x.shape == (8, 2) and traj.loss.shape == (8,)
    assert traj.grad.shape == (7, 2) and traj.lr.shape == (7,)
    assert set(traj.state) == {"exp_avg", "exp_avg_sq"}
    assert traj.state["exp_avg"].shape == (8, 2)
    np.testing.assert_array_equal(traj.state["exp_avg"][0], 0.0)
    assert traj.diverged_at is None and not traj.batched


def test_names_and_objects_give_the_same_run():
    a = descend("rosenbrock", "adam", steps=20, lr=1e-2)
    b = descend(lrviz.surface("rosenbrock"), lrviz.optimizer("adam"), steps=20, lr=1e-2)
    np.testing.assert_array_equal(a.x, b.x)


@pytest.mark.parametrize("opt", lrviz.OPTIMIZERS)
def test_a_batch_of_learning_rates_equals_running_each_alone(opt):
    lrs = np.array([1e-4, 3e-3, 2e-2, 0.5])
    batch = descend("rosenbrock", opt, lr=lrs, steps=60)
    assert batch.x.shape == (4, 61, 2)
    for i, lr in enumerate(lrs):
        alone = descend("rosenbrock", opt, lr=lr, steps=60)
        np.testing.assert_array_equal(batch.x[i], alone.x)
        np.testing.assert_array_equal(batch.loss[i], alone.loss)
        for k in alone.state:
            np.testing.assert_array_equal(batch.state[k][i], alone.state[k])


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(opt=st.sampled_from(lrviz.OPTIMIZERS), convention=st.sampled_from(["torch", "keras"]),
       surface=st.sampled_from(["rosenbrock", "himmelblau", "valley", "quartic", "double_well"]),
       lrs=st.lists(st.floats(1e-4, 3.0), min_size=2, max_size=6), steps=st.integers(0, 60),
       noise=st.sampled_from([0.0, 0.5]), seed=st.integers(0, 3))
def test_one_run_of_a_batch_is_the_run_descend_gives_alone(opt, convention, surface, lrs, steps, noise, seed):
    # lrs up to 3 make some runs overflow: those are held at their last finite point alike
    o = lrviz.optimizer(opt, convention)
    batch = descend(surface, o, lr=lrs, steps=steps, noise=noise, seed=seed)
    for i, lr in enumerate(lrs):
        assert_same_run(batch.run(i), descend(surface, o, lr=lr, steps=steps, noise=noise, seed=seed), record=True)


def test_one_run_of_a_batch_of_starts_keeps_the_optimizer_s_lr():
    starts = np.array([[-1.5, 2.0], [0.0, 0.0]])
    batch = descend("himmelblau", optimizer("adam", lr=0.05), x0=starts, steps=20)
    assert_same_run(batch.run(1), descend("himmelblau", optimizer("adam", lr=0.05), x0=starts[1], steps=20),
                    record=True)
    assert batch.run(1).optimizer.hyperparams["lr"] == 0.05


def test_choosing_a_run_names_what_is_allowed():
    batch = descend("bowl", "sgd", lr=[0.1, 0.2], steps=3)
    with pytest.raises(ValueError, match=r"Invalid run: 2 \(must be an integer in 0\.\.1\)"):
        batch.run(2)
    with pytest.raises(TypeError, match="Invalid run: 1.0"):
        batch.run(1.0)
    with pytest.raises(TypeError, match="a single run"):
        descend("bowl", "sgd", lr=0.1, steps=3).run(0)


def test_a_batch_of_starts_equals_running_each_alone_and_shares_noise():
    starts = np.array([[-1.5, 2.0], [0.0, 0.0], [1.2, -0.5]])
    batch = descend("himmelblau", "momentum", x0=starts, lr=1e-3, steps=50, noise=0.3, seed=4)
    for i, x0 in enumerate(starts):
        alone = descend("himmelblau", "momentum", x0=x0, lr=1e-3, steps=50, noise=0.3, seed=4)
        np.testing.assert_array_equal(batch.x[i], alone.x)


def test_lr_and_x0_batches_pair_up():
    starts = np.array([[1.0, 1.0], [2.0, -1.0]])
    traj = descend("bowl", "sgd", x0=starts, lr=[0.1, 0.2], steps=3)
    alone = descend("bowl", "sgd", x0=starts[1], lr=0.2, steps=3)
    np.testing.assert_array_equal(traj.x[1], alone.x)
    with pytest.raises(ValueError, match="lr / x0"):
        descend("bowl", "sgd", x0=starts, lr=[0.1, 0.2, 0.3], steps=3)


def test_noise_is_seeded_and_recorded_in_the_gradient():
    a = descend("bowl", "sgd", steps=30, lr=0.1, noise=0.5, seed=1)
    b = descend("bowl", "sgd", steps=30, lr=0.1, noise=0.5, seed=1)
    c = descend("bowl", "sgd", steps=30, lr=0.1, noise=0.5, seed=2)
    np.testing.assert_array_equal(a.x, b.x)
    assert not np.array_equal(a.x, c.x)
    exact = a.surface.grad(a.x[:-1])
    noise = a.grad - exact
    assert 0.3 < noise.std() < 0.7
    gen = descend("bowl", "sgd", steps=30, lr=0.1, noise=0.5, seed=np.random.default_rng(1))
    np.testing.assert_array_equal(gen.x, a.x)


def test_a_schedule_sets_the_lr_of_each_step():
    sched = lrviz.schedule("multistep", lr=0.1, milestones=[4, 7], gamma=0.1)
    traj = descend("parabola", "sgd", x0=(1.0,), steps=10, lr=sched)
    np.testing.assert_allclose(traj.lr, [0.1] * 4 + [0.01] * 3 + [0.001] * 3)
    x = 1.0
    for lr in traj.lr:  # f = x^2: x <- x - lr * 2x
        x -= lr * 2 * x
    assert traj.final_x[0] == pytest.approx(x, rel=1e-14)
    ramp = descend("parabola", "sgd", x0=(1.0,), steps=5, lr=lambda t: 0.01 * (t + 1))
    np.testing.assert_allclose(ramp.lr, [0.01, 0.02, 0.03, 0.04, 0.05])


def test_an_overflowing_run_stops_at_its_last_finite_point_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = descend("rosenbrock", "sgd", lr=[1e-4, 0.5], steps=200)
    assert traj.diverged_at[0] == -1 and traj.diverged_at[1] > 0
    k = traj.diverged_at[1]
    assert np.all(np.isfinite(traj.x[1])) and np.all(np.isfinite(traj.loss[1]))
    np.testing.assert_array_equal(traj.x[1, k:], np.broadcast_to(traj.x[1, k - 1], traj.x[1, k:].shape))
    np.testing.assert_array_equal(traj.grad[1, k - 1:], 0.0)
    single = descend("rosenbrock", "sgd", lr=0.5, steps=200)
    assert single.diverged_at == k and single.diverged


def test_everything_diverging_stops_early_and_is_still_frozen():
    traj = descend("quartic", "sgd", x0=(3.0,), lr=1e3, steps=5000)
    assert traj.diverged and traj.diverged_at < 10
    assert np.all(np.isfinite(traj.x)) and traj.x.shape == (5001, 1)


def _counting(surface):
    """The surface with a grad that counts its calls, and the list it appends one entry to per call."""
    import dataclasses

    calls = []

    def grad(x):
        calls.append(1)
        return surface.grad(x)

    out = dataclasses.replace(surface, grad=grad)
    return out, calls


def test_a_diverged_run_costs_no_more_steps_than_a_check_interval():
    from lrviz.engine import descent as D

    s, calls = _counting(SURFACES["quartic"])
    traj = descend(s, "sgd", x0=(3.0,), lr=1e3, steps=5000)
    assert traj.diverged_at < 10
    assert len(calls) <= traj.diverged_at + 2 * D._CHECK_EVERY  # not 5000 steps


@pytest.mark.parametrize("surface", ["rosenbrock", "six_hump_camel", "quartic",
                                     "sin(3*x)*cos(2*y) + exp(-x**2) + log(1 + y**2)"])
def test_the_losses_are_f_at_each_point_to_the_last_bit(surface):
    # the losses are evaluated after the loop, all steps at once: each must equal f at
    # that point alone (a batch with a run that diverges and one that does not)
    s = SURFACES[surface] if surface in SURFACES else Surface.from_expression(surface)
    traj = descend(s, "sgd", lr=[1e-4, 1e-3, 0.5], steps=300)
    for r in range(3):
        k = traj.diverged_at[r]
        upto = traj.steps + 1 if k < 0 else k
        for t in range(0, upto, 7):
            assert traj.loss[r, t] == s.f(traj.x[r, t][None])[0], (surface, r, t)
    assert (traj.diverged_at >= 0).any() or surface != "rosenbrock"


def test_one_dimensional_surfaces_accept_scalars_and_flat_batches():
    one = descend("quartic", "sgd", x0=0.5, steps=5, lr=0.01)
    assert one.x.shape == (6, 1)
    many = descend("quartic", "sgd", x0=[0.5, -0.5, 2.0], steps=5, lr=0.01)
    assert many.x.shape == (3, 6, 1)
    np.testing.assert_array_equal(many.x[0], one.x)


def test_zero_steps_returns_the_start():
    traj = descend("beale", "adam", steps=0)
    assert traj.x.shape == (1, 2) and traj.lr.shape == (0,)


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(steps=-1), ValueError, "steps"),
    (dict(steps=10.5), TypeError, "steps"),
    (dict(steps=True), TypeError, "steps"),
    (dict(lr=-0.1), ValueError, r"Invalid lr: -0.1 \(must be a finite number >= 0\)"),
    (dict(lr=float("nan")), ValueError, "Invalid lr: nan"),
    (dict(lr=float("inf")), ValueError, "Invalid lr: inf"),
    (dict(lr="fast"), TypeError, "lr"),
    (dict(lr=[[0.1]]), ValueError, "lr"),
    (dict(lr=lambda t: -t), ValueError, "lr"),
    (dict(x0=(1.0,)), ValueError, "x0"),
    (dict(x0=(1.0, 2.0, 3.0)), ValueError, "x0"),
    (dict(x0=(float("nan"), 0.0)), ValueError, "x0"),
    (dict(x0="origin"), TypeError, "x0"),
    (dict(noise=-1.0), ValueError, "noise"),
    (dict(noise="some"), TypeError, "noise"),
    (dict(seed="abc"), TypeError, "seed"),
    (dict(seed=-1), ValueError, "seed"),
    (dict(seed=1.5), TypeError, "seed"),
])
def test_bad_arguments_name_the_argument(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        descend("rosenbrock", "sgd", **kwargs)


def test_unknown_names_are_rejected_with_the_choices():
    with pytest.raises(ValueError, match="rosenbrock"):
        descend("rosenbrok", "sgd")
    with pytest.raises(ValueError, match="adam"):
        descend("rosenbrock", "adamm")
    with pytest.raises(TypeError, match="surface"):
        descend(42, "sgd")


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(lrviz.SURFACES)),
    opt=st.sampled_from(lrviz.OPTIMIZERS),
    lr=st.one_of(st.just(0.0), st.floats(1e-8, 1e3)),
    scale=st.floats(-6, 6),
    direction=st.floats(-1, 1),
    noise=st.floats(0, 10),
)
def test_valid_input_never_raises_or_warns(name, opt, lr, scale, direction, noise):
    s = lrviz.surface(name)
    x0 = np.array(s.minima[0] if s.minima else np.zeros(s.dim), dtype=float)
    x0 = x0 + direction * 10.0**scale
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = descend(s, opt, x0=x0, lr=lr, steps=25, noise=noise, seed=0)
        lrviz.regime(traj)
    assert np.all(np.isfinite(traj.x))


def test_derived_quantities_are_nan_before_the_first_step():
    traj = descend("valley", "rmsprop", lr=0.01, steps=5)
    eff = traj.derived()["effective_lr"]
    assert np.isnan(eff[0]).all() and np.isfinite(eff[1:]).all()
    # step 1 of RMSProp from v = 0: v_1 = (1 - alpha) g^2, so lr / (sqrt(v_1) + eps)
    g = traj.grad[0]
    np.testing.assert_allclose(eff[1], 0.01 / (np.sqrt(0.01 * g**2) + 1e-8))


def test_the_trajectory_records_the_lr_it_ran_with():
    """Bug 5 of issue 8: descend("rosenbrock", "adam", lr=0.01).optimizer read lr=0.001."""
    traj = descend("rosenbrock", "adam", lr=0.01, steps=3)
    assert traj.optimizer.hyperparams["lr"] == 0.01 and "lr=0.01," in repr(traj.optimizer)
    assert traj.optimizer.hyperparams["betas"] == (0.9, 0.999)      # the rest unchanged
    sched = lambda t: 0.1 * 0.5 ** t
    assert descend("parabola", "sgd", lr=sched, steps=3).optimizer.hyperparams["lr"] is sched
    many = descend("parabola", "sgd", lr=[0.1, 0.2], steps=3).optimizer.hyperparams["lr"]
    np.testing.assert_array_equal(many, [0.1, 0.2])
    # without lr= the optimizer's own lr is used and recorded
    own = optimizer("momentum", lr=0.05, momentum=0.5)
    traj = descend("parabola", own, steps=3)
    assert traj.optimizer is own and np.all(traj.lr == 0.05)
    # rebuilding the optimizer does not change the numbers
    a = descend("rosenbrock", optimizer("adam", lr=0.01), steps=50)
    b = descend("rosenbrock", "adam", lr=0.01, steps=50)
    np.testing.assert_array_equal(a.x, b.x)
