"""lrviz.engine.linear: the momentum iteration matrix against descend, closed forms, tuning."""
import numpy as np
import pytest

import lrviz
from lrviz import analysis
from lrviz.engine import linear


@pytest.mark.parametrize("lr, mu, nesterov", [(0.03, 0.9, False), (0.1, 0.5, False), (0.19, 0.0, False),
                                               (0.25, 0.3, False), (0.03, 0.9, True), (0.1, 0.5, True),
                                               (0.12, 0.3, True)])
def test_matrix_powers_reproduce_descend(lr, mu, nesterov):
    s = lrviz.surface("scaled_parabola", a=5.0)  # lam = 10
    name = "sgd" if mu == 0 else ("nesterov" if nesterov else "momentum")
    opt = lrviz.optimizer(name, momentum=mu) if mu else lrviz.optimizer("sgd")
    traj = lrviz.descend(s, opt, x0=(1.0,), lr=lr, steps=60)
    path = linear.linear_path(lr, 10.0, mu, 1.0, 60, nesterov=nesterov)
    np.testing.assert_allclose(path, traj.x[:, 0], rtol=1e-10, atol=1e-13)


def test_matrix_entries_by_hand():
    np.testing.assert_array_equal(linear.iteration_matrix(0.1, 10.0, 0.5), [[0.5, -0.5], [1.0, 0.0]])
    # Nesterov, h = 0.5, mu = 0.5: [[1.5 * 0.5, -0.5 * 0.5], [1, 0]]
    np.testing.assert_array_equal(linear.iteration_matrix(0.05, 10.0, 0.5, nesterov=True),
                                  [[0.75, -0.25], [1.0, 0.0]])
    assert linear.iteration_matrix(np.array([0.1, 0.2]), 1.0, 0.5).shape == (2, 2, 2)


def test_eigenvalues_are_the_matrix_eigenvalues():
    rng = np.random.default_rng(0)
    for _ in range(50):
        lr, lam, mu = rng.uniform(0, 0.5), rng.uniform(0.1, 20), rng.uniform(0, 0.99)
        for nest in (False, True):
            want = np.linalg.eigvals(linear.iteration_matrix(lr, lam, mu, nest))
            got = linear.eigenvalues(lr, lam, mu, nest)
            assert np.sort_complex(got) == pytest.approx(np.sort_complex(want), abs=1e-7)
            assert abs(got[0]) >= abs(got[1])


def test_radius_without_momentum_is_one_minus_h():
    h = np.linspace(0, 3, 31)
    np.testing.assert_allclose(linear.spectral_radius(h, 1.0, 0.0), np.abs(1 - h), atol=1e-12)


def test_heavy_ball_stability_range():
    mu = np.linspace(0, 0.95, 20)[:, None]
    h = np.linspace(0.01, 4.5, 300)[None, :]
    rho = linear.spectral_radius(h, 1.0, mu)
    inside = h < 2 * (1 + mu) - 1e-6
    outside = h > 2 * (1 + mu) + 1e-6
    assert np.all(rho[inside] < 1) and np.all(rho[outside] > 1)


def test_nesterov_stability_matches_critical_lr():
    for mu in (0.3, 0.6, 0.9):
        crit = analysis.critical_lr("scaled_parabola", lrviz.optimizer("nesterov", momentum=mu))
        assert crit == pytest.approx(2 * (1 + mu) / ((1 + 2 * mu) * 10.0))
        assert linear.spectral_radius(crit * 0.999, 10.0, mu, nesterov=True) < 1
        assert linear.spectral_radius(crit * 1.001, 10.0, mu, nesterov=True) > 1
        heavy = analysis.critical_lr("scaled_parabola", lrviz.optimizer("momentum", momentum=mu))
        assert linear.spectral_radius(heavy * 0.999, 10.0, mu) < 1 < linear.spectral_radius(heavy * 1.001, 10.0, mu)


def test_complex_pair_has_modulus_sqrt_mu():
    # h = 0.01, mu = 0.9 > (1 - 0.1)^2 = 0.81: complex pair
    assert linear.spectral_radius(0.01, 1.0, 0.9) == pytest.approx(np.sqrt(0.9))


@pytest.mark.parametrize("h", [0.0001, 0.01, 0.2, 0.7, 2.0])
def test_critical_damping_is_the_best_momentum(h):
    mu_c = linear.critical_damping(h)
    z = linear.eigenvalues(h, 1.0, mu_c)
    assert z[0] == pytest.approx(z[1], abs=1e-6)
    assert linear.spectral_radius(h, 1.0, mu_c) == pytest.approx(abs(1 - np.sqrt(h)), abs=1e-9)
    grid = np.linspace(0, 0.999, 2000)
    assert linear.spectral_radius(h, 1.0, grid).min() >= linear.spectral_radius(h, 1.0, mu_c) - 1e-6


def test_tuned_rates_by_hand_and_against_the_spectrum():
    lr, rate = linear.tuned_gd(1.0, 100.0)
    assert (lr, rate) == pytest.approx((2 / 101, 99 / 101))
    lr_hb, mu, rate_hb = linear.tuned_heavy_ball(1.0, 100.0)
    assert (lr_hb, mu, rate_hb) == pytest.approx((4 / 121, 81 / 121, 9 / 11))
    lams = np.linspace(1.0, 100.0, 500)
    assert linear.spectral_radius(lr, lams, 0.0).max() == pytest.approx(rate)
    assert linear.spectral_radius(lr_hb, lams, mu).max() == pytest.approx(rate_hb, rel=1e-6)
    # any other (lr, mu) nearby is worse on the worst curvature
    for dlr, dmu in [(1.05, 1), (0.95, 1), (1, 1.03), (1, 0.97)]:
        assert linear.spectral_radius(lr_hb * dlr, lams, mu * dmu).max() > rate_hb


def test_sqrt_kappa_speed_up():
    # ln(rate_gd) / ln(rate_hb) -> sqrt(kappa) (1 + O(1/kappa)): 5.07 for kappa = 25
    for kappa, rel in [(25.0, 0.02), (100.0, 0.005), (400.0, 0.001), (10_000.0, 1e-4)]:
        ratio = np.log(linear.tuned_heavy_ball(1, kappa)[2]) / np.log(linear.tuned_gd(1, kappa)[1])
        assert ratio == pytest.approx(np.sqrt(kappa), rel=rel)


def test_keras_equals_torch_for_a_constant_lr():
    v = lrviz.surface("valley", kappa=100.0)
    for nest in (False, True):
        keras = linear.keras_momentum_path(v, 0.01, 0.9, steps=100, nesterov=nest)
        torch = lrviz.descend(v, lrviz.optimizer("nesterov" if nest else "momentum", momentum=0.9),
                              lr=0.01, steps=100).x
        np.testing.assert_allclose(keras, torch, rtol=1e-12, atol=1e-14)


def test_keras_reference_equals_the_engines_keras_convention():
    v = lrviz.surface("valley", kappa=100.0)
    sched = lrviz.schedule("exponential", lr=0.02, gamma=0.95)
    for name in ("momentum", "nesterov"):
        engine = lrviz.descend(v, lrviz.optimizer(name, convention="keras", momentum=0.9), lr=sched, steps=100).x
        ref = linear.keras_momentum_path(v, sched, 0.9, steps=100, nesterov=name == "nesterov")
        np.testing.assert_allclose(engine, ref, rtol=1e-12, atol=1e-14)
        torch = lrviz.descend(v, lrviz.optimizer(name, momentum=0.9), lr=sched, steps=100).x
        assert np.abs(torch - ref).max() > 0.05  # under a schedule the forms differ


def test_keras_under_a_schedule_closed_form():
    # constant gradient 1: Keras's step t (1-based) is lr0 (gamma^t - mu^t) / (gamma - mu)
    lr0, gamma, mu = 0.1, 0.95, 0.9
    c = lrviz.Surface.from_expression("x")
    sched = lrviz.schedule("exponential", lr=lr0, gamma=gamma)
    x = linear.keras_momentum_path(c, sched, mu, x0=(0.0,), steps=40)[:, 0]
    t = np.arange(1, 41)
    np.testing.assert_allclose(-np.diff(x), lr0 * (gamma ** t - mu ** t) / (gamma - mu), rtol=1e-12)
    torch = lrviz.descend(c, lrviz.optimizer("momentum", momentum=mu), x0=(0.0,), lr=sched, steps=40).x[:, 0]
    np.testing.assert_allclose(-np.diff(torch), lr0 * gamma ** (t - 1) * (1 - mu ** t) / (1 - mu), rtol=1e-12)


def test_tune_momentum():
    assert linear.tune_momentum("parabola", [0.1, 0.5], steps=10, x0=(1.0,)) == (0.5, 0.0, 1)
    v = lrviz.surface("valley", kappa=100.0)
    lrs = np.linspace(0.005, 0.04, 36)
    gd = linear.tune_momentum(v, lrs, [0.0], steps=1000)
    hb = linear.tune_momentum(v, lrs, [0.0, 0.6, 0.7, 0.8], steps=1000)
    assert hb.momentum > 0 and 0 < hb.steps < gd.steps / 5
    assert linear.tune_momentum(v, [1.0], [0.0], steps=10).steps == -1  # diverges: nothing reached


@pytest.mark.parametrize("call, word", [
    (lambda: linear.spectral_radius(-0.1, 1.0, 0.5), "Invalid lr"),
    (lambda: linear.spectral_radius(0.1, 1.0, 1.0), "Invalid momentum"),
    (lambda: linear.spectral_radius(0.1, np.nan, 0.5), "Invalid lam"),
    (lambda: linear.critical_damping(5.0), "Invalid h"),
    (lambda: linear.tuned_gd(2.0, 1.0), "Invalid m, L"),
    (lambda: linear.linear_path(0.1, 1.0, 0.5, 1.0, -1), "Invalid steps"),
    (lambda: linear.linear_path(0.1, 1.0, 0.5, (1.0, 2.0), 3), "Invalid x0"),
    (lambda: linear.keras_momentum_path("valley", -0.1, 0.9), "Invalid lr"),
    (lambda: linear.tune_momentum("valley", []), "Invalid lrs"),
])
def test_bad_input(call, word):
    with pytest.raises(ValueError, match=word):
        call()


def test_non_number_is_a_type_error():
    with pytest.raises(TypeError, match="Invalid momentum"):
        linear.spectral_radius(0.1, 1.0, "big")


def test_doctests():
    import doctest

    result = doctest.testmod(linear)
    assert result.attempted >= 8 and result.failed == 0
