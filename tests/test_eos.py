"""lrviz.training.eos: full-batch GD and SGD runs that record the loss and the sharpness."""
import doctest

import numpy as np
import pytest

import lrviz
from lrviz.training import eos
from lrviz.training import sharpness as S


def _start(scale=eos.SCALE, seed=0):
    X, Y = eos.problem(500)
    return S.init_mlp((64, eos.HIDDEN, 10), seed=seed, scale=scale), X, Y


def test_first_steps_are_plain_gradient_descent_by_hand():
    p, X, Y = _start()
    run = eos.gd(lr=0.2, steps=2, every=1)
    p1 = S.add(p, S.grad(p, X, Y), -0.2)
    p2 = S.add(p1, S.grad(p1, X, Y), -0.2)
    assert run.loss.tolist() == pytest.approx([S.loss(q, X, Y) for q in (p, p1, p2)], rel=1e-12)
    assert run.loss_steps.tolist() == [0, 1, 2] and run.lr.tolist() == [0.2, 0.2]
    assert run.sharpness[1] == pytest.approx(S.top_eigenvalue(p1, X, Y, tol=1e-8).value, rel=1e-4)


def test_sharpness_at_init_is_the_top_hessian_eigenvalue_and_grows_with_the_init_scale():
    for scale, lo, hi in ((0.25, 2.9, 3.1), (0.5, 7.5, 7.8)):
        run = eos.gd(lr=0.1, steps=0, scale=scale)
        p, X, Y = _start(scale)
        assert run.sharpness[0] == pytest.approx(S.top_eigenvalue(p, X, Y, tol=1e-8).value, rel=1e-4)
        assert lo < run.sharpness[0] < hi


def test_small_lr_descends_monotonically_and_sharpens_progressively():
    run = eos.gd(lr=0.05, steps=300, every=50)
    assert eos.loss_rises(run) == 0
    assert np.all(np.diff(run.sharpness) > 0)  # progressive sharpening, far below 2/lr = 40
    assert eos.edge_step(run) is None


@pytest.mark.parametrize("lr", [0.15, 0.2, 0.3])
def test_sharpness_plateaus_within_ten_percent_of_two_over_lr(lr):
    run = eos.gd(lr=lr, steps=2000, every=25)
    assert run.diverged_at is None
    assert 0.9 < eos.plateau(run) / (2 / lr) < 1.1
    edge = eos.edge_step(run)
    assert edge is not None and eos.loss_rises(run, 0, edge) == 0 < 100 < eos.loss_rises(run, edge)
    assert run.loss[-1] < 0.2 * run.loss[0]  # it trains anyway


def test_a_schedule_is_read_step_by_step():
    sched = lrviz.schedule("multistep", lr=0.2, milestones=[3], gamma=0.5)
    run = eos.gd(lr=sched, steps=5, every=5)
    assert run.lr.tolist() == [0.2, 0.2, 0.2, 0.1, 0.1]
    assert run.edge.tolist() == [10.0, 20.0]


def test_a_too_large_lr_diverges_and_stops():
    run = eos.gd(lr=5.0, steps=500)
    assert run.diverged_at is not None and run.diverged_at < 100
    assert len(run.loss) == run.diverged_at + 1 and not run.loss[-1] <= eos.BLOW_UP
    assert not eos.is_stable(run)


def test_sgd_is_seeded_and_a_full_batch_is_gd():
    a, b = eos.sgd(lr=0.3, batch_size=10, steps=40, every=20), eos.sgd(lr=0.3, batch_size=10, steps=40, every=20)
    assert np.array_equal(a.loss, b.loss) and np.array_equal(a.sharpness, b.sharpness)
    assert a.loss_steps.tolist() == [0, 20, 40] and a.sharpness_steps.tolist() == [0, 20, 40]
    assert not np.array_equal(a.loss, eos.sgd(lr=0.3, batch_size=10, steps=40, every=20, seed=1).loss)
    full, gd = eos.sgd(lr=0.3, batch_size=500, steps=40, every=20), eos.gd(lr=0.3, steps=40, every=20)
    assert full.loss.tolist() == gd.loss.tolist()  # a full batch records the loss every step, like GD


def test_largest_stable_lr_stops_at_the_first_failure():
    assert eos.largest_stable_lr(500, [0.6, 0.7, 0.5]) == 0.6  # GD: 2 / S(w0) ~ 0.67
    assert eos.largest_stable_lr(500, [0.7, 0.3]) == 0.3
    assert eos.largest_stable_lr(1, [0.5, 0.8]) is None


def _fake(loss, sharp, lr):
    return eos.EoSRun(np.array(loss, float), np.arange(len(loss)), np.full(len(loss) - 1, lr),
                      np.arange(len(sharp)), np.array(sharp, float), None, None)


def test_edge_step_plateau_and_loss_rises_on_a_hand_made_run():
    run = _fake([5, 4, 4.5, 3, 3.5, 2], [1, 5, 8.5, 10, 11, 9], lr=0.2)
    assert eos.edge_step(run) == 3 and eos.edge_step(run, fraction=0.95) == 3 and eos.edge_step(run, 0.5) == 1
    assert eos.loss_rises(run) == 2 and eos.loss_rises(run, 0, 3) == 1 and eos.loss_rises(run, 3) == 1
    assert eos.plateau(run) == 9.5 and eos.plateau(run, start=4) == 10.0
    with pytest.raises(ValueError, match=r"Invalid start: 9 \(must be at most the last sharpness step, 5\)"):
        eos.plateau(run, start=9)


@pytest.mark.parametrize("kwargs, message", [
    (dict(lr=-0.1), "Invalid lr: -0.1 (must be a finite number > 0 or a callable of the step)"),
    (dict(lr=True), "Invalid lr: True (must be a finite number > 0 or a callable of the step)"),
    (dict(steps=-1), "Invalid steps: -1 (must be an integer >= 0)"),
    (dict(every=0), "Invalid every: 0 (must be an integer >= 1)"),
    (dict(n=0), "Invalid n: 0 (must be an integer from 1 to 1078)"),
    (dict(scale=0.0), "Invalid scale: 0.0 (must be a finite number > 0)"),
    (dict(hidden=2.5), "Invalid hidden: 2.5 (must be an integer >= 1)"),
])
def test_bad_arguments_say_what_is_allowed(kwargs, message):
    with pytest.raises(ValueError) as err:
        eos.gd(**kwargs)
    assert str(err.value) == message


def test_bad_batch_size_says_what_is_allowed():
    with pytest.raises(ValueError) as err:
        eos.sgd(batch_size=501)
    assert str(err.value) == "Invalid batch_size: 501 (must be an integer from 1 to 500, or None)"


def test_doctests():
    assert doctest.testmod(eos).failed == 0


def test_adam_first_step_is_torchs_and_the_first_preconditioned_sharpness_is_d_h_d():
    p, X, Y = _start()
    run = eos.adam(lr=1e-3, steps=1, every=1)
    g = S.grad(p, X, Y)
    # torch's first Adam step: m_hat = g, v_hat = g^2, so the step is lr g / (|g| + eps)
    p1 = [q - 1e-3 * a / (np.abs(a) + 1e-8) for q, a in zip(p, g)]
    assert run.loss[1] == pytest.approx(S.loss(p1, X, Y), rel=1e-10)
    d = 1 / np.sqrt(S.flatten([(1 - 0.9) * (np.abs(a) + 1e-8) / 1e-3 for a in g]))
    H = S.hvp_operator(p, X, Y)
    assert run.sharpness[0] == pytest.approx(S.lanczos(lambda u: d * H(d * u), d.size, tol=1e-8).value, rel=1e-3)


def test_adam_preconditioned_sharpness_hovers_at_38_over_lr_free_threshold():
    """Cohen et al. 2022: full-batch Adam's preconditioned sharpness rises to (2 + 2 beta1) / (1 - beta1)."""
    assert eos.adam_edge(0.9) == pytest.approx(38.0) and eos.adam_edge(0.0) == pytest.approx(2.0)
    run = eos.adam(lr=3e-3, steps=2000, every=25)
    # step 0 uses v_hat = g^2 (a sign-like first step, far past the edge); by step 25 it is low
    assert run.diverged_at is None and run.sharpness[1] < 0.2 * 38 and np.max(run.sharpness[40:]) < 1.2 * 38
    assert 0.9 < eos.plateau(run) / eos.adam_edge(0.9) < 1.1
    assert run.loss[-1] < 0.05 * run.loss[0]
