"""analysis: critical learning rates, regimes, sweeps and the LR range test."""
import numpy as np
import pytest

import lrviz
from lrviz import analysis


def test_critical_lr_of_quadratics():
    assert analysis.critical_lr("parabola") == pytest.approx(1.0)            # f = x^2: L = 2
    assert analysis.critical_lr(lrviz.surface("scaled_parabola", a=4)) == pytest.approx(0.25)
    s = lrviz.surface("valley", kappa=10)
    lam = np.linalg.eigvalsh(s.hessian(np.zeros(2))).max()
    assert analysis.critical_lr(s) == pytest.approx(2 / lam)
    assert analysis.critical_lr(s, "momentum") == pytest.approx(2 * 1.9 / lam)
    assert analysis.critical_lr(s, "adam") is None


@pytest.mark.parametrize("opt", ["sgd", "momentum", "nesterov"])
def test_critical_lr_separates_convergence_from_divergence(opt):
    s = lrviz.surface("scaled_parabola", a=3.0)
    crit = analysis.critical_lr(s, opt)
    traj = lrviz.descend(s, opt, x0=(1.0,), lr=[0.97 * crit, 1.03 * crit], steps=3000)
    final = np.abs(traj.final_x[:, 0])
    assert final[0] < 1e-3 and (final[1] > 1e3 or traj.diverged[1])


def test_regimes_on_a_quadratic_follow_the_theory():
    # f = 5 x^2, lambda = 10: monotone below 0.1, bouncing in (0.1, 0.2), diverging above 0.2.
    s = lrviz.surface("scaled_parabola", a=5.0)
    traj = lrviz.descend(s, "sgd", x0=(1.0,), lr=[1e-4, 0.05, 0.15, 0.25], steps=200)
    assert list(lrviz.regime(traj)) == ["too slow", "converging", "oscillating", "diverging"]


def test_steps_to_tolerance_matches_the_closed_form():
    # x_t = (1 - 2 lr)^t on x^2 with lr = 0.1: f = 0.64^t <= 1e-6 first at t = ceil(log 1e-6 / log .64).
    traj = lrviz.descend("parabola", "sgd", x0=(1.0,), lr=0.1, steps=100)
    assert analysis.steps_to_tolerance(traj, tol=1e-6) == int(np.ceil(np.log(1e-6) / np.log(0.64)))
    batch = lrviz.descend("parabola", "sgd", x0=(1.0,), lr=[0.1, 1e-5], steps=100)
    np.testing.assert_array_equal(analysis.steps_to_tolerance(batch, tol=1e-6), [31, -1])


def test_effective_lr_of_sgd_is_the_lr_and_adam_rescales_each_coordinate():
    traj = lrviz.descend("valley", "sgd", lr=0.05, steps=10)
    np.testing.assert_allclose(analysis.effective_lr(traj), 0.05, rtol=1e-10)
    adam = lrviz.descend("valley", "adam", lr=0.05, steps=10)
    eff = analysis.effective_lr(adam)
    assert not np.allclose(eff[:, 0], eff[:, 1])


def test_sweep_summarizes_one_run_per_lr_and_picks_the_fastest():
    s = lrviz.surface("scaled_parabola", a=5.0)
    r = analysis.sweep(s, "sgd", lrs=np.linspace(0.01, 0.25, 25), steps=200, x0=(1.0,))
    assert r.final_loss.shape == (25,) and r.regime.shape == (25,)
    # the fastest plain-GD rate on a quadratic is lr = 1/lambda = 0.1 (one step to the minimum)
    assert r.best_lr == pytest.approx(0.1)
    assert set(r.regime[r.lr > 0.2]) == {"diverging"}
    assert analysis.tuned_lr(s, "sgd", lrs=np.linspace(0.01, 0.25, 25), steps=200, x0=(1.0,)) == r.best_lr


def test_range_test_smoothing_stopping_and_suggestion():
    lrs = np.logspace(-4, 0, 50)
    losses = np.concatenate([np.linspace(1.0, 0.1, 40), np.full(10, 100.0)])
    r = analysis.range_test_from_losses(lrs, losses, beta=0.0)
    assert r.stopped_at == 40
    np.testing.assert_array_equal(r.smoothed, losses[:40])  # beta = 0: no smoothing
    assert r.lr_min_div10 == pytest.approx(lrs[39] / 10)
    smoothed = analysis.range_test_from_losses(lrs[:3], [1.0, 2.0, 3.0], beta=0.5).smoothed
    # avg_1 = 0.5, /(1-0.5) = 1; avg_2 = 1.25, /(1-0.25) = 5/3; avg_3 = 2.125, /(1-0.125) = 17/7
    np.testing.assert_allclose(smoothed, [1.0, 5 / 3, 17 / 7])


def test_lr_range_test_on_a_parabola_suggests_a_stable_rate():
    r = analysis.lr_range_test("scaled_parabola", "sgd", lr_min=1e-5, lr_max=10, steps=200, x0=(1.0,))
    crit = analysis.critical_lr("scaled_parabola")
    assert r.stopped_at < 200            # it blew up past the critical lr
    assert 1e-4 < r.suggestion < crit    # and suggests something below it
    with pytest.raises(ValueError, match="lr_min"):
        analysis.lr_range_test("parabola", lr_min=1.0, lr_max=0.1)


def test_staying_within_tolerance_ignores_a_touch_and_go():
    # hand-made losses: touches 1e-6 at step 2, leaves, comes back for good at step 5
    traj = lrviz.descend("parabola", "sgd", x0=(1.0,), lr=0.0, steps=6)
    loss = np.array([1.0, 1e-3, 1e-7, 1e-2, 1e-3, 1e-7, 1e-8])
    traj = type(traj)(**{**traj.__dict__, "loss": loss})
    assert analysis.steps_to_tolerance(traj, tol=1e-6) == 2
    assert analysis.steps_to_tolerance(traj, tol=1e-6, stay=True) == 5
    never = type(traj)(**{**traj.__dict__, "loss": loss[::-1].copy()})
    assert analysis.steps_to_tolerance(never, tol=1e-6, stay=True) is None
    at_once = type(traj)(**{**traj.__dict__, "loss": np.zeros(7)})
    assert analysis.steps_to_tolerance(at_once, tol=1e-6, stay=True) == 0


def test_settling_in_a_local_minimum_is_converging_not_too_slow():
    # quartic x^4 - 3x^2 + x from x0 = 2 with a small lr ends in the local minimum near 1.13
    traj = lrviz.descend("quartic", "sgd", x0=(2.0,), lr=0.01, steps=300)
    assert abs(traj.final_x[0] - 1.1309) < 1e-3
    assert lrviz.regime(traj) == "converging"
    assert analysis.steps_to_tolerance(traj) is None   # tolerance is still about the global minimum
