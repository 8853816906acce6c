"""lrviz.engine.sparse: a rare feature's gradient is zero except in its examples; given gradients."""
import numpy as np
import pytest

import lrviz
from lrviz.engine import sparse


def test_feature_mask_is_seeded_and_x_is_always_there():
    a, b = sparse.feature_mask(5000, p=0.1, seed=3), sparse.feature_mask(5000, p=0.1, seed=3)
    assert np.array_equal(a, b)
    assert a[:, 0].all()
    assert set(np.unique(a[:, 1])) == {0.0, 1.0}
    assert abs(a[:, 1].mean() - 0.1) < 0.015          # binomial sd ~ 0.004
    assert not np.array_equal(a, sparse.feature_mask(5000, p=0.1, seed=4))


@pytest.mark.parametrize("p", [0.0, 1.5, -0.1])
def test_bad_p(p):
    with pytest.raises(ValueError, match=r"Invalid p: .* \(must be a number in \(0, 1\]\)"):
        sparse.feature_mask(10, p=p)
    with pytest.raises(TypeError, match="Invalid p"):
        sparse.feature_mask(10, p="0.1")


def test_sgd_closed_form_on_the_stream():
    lr, steps, p = 0.3, 200, 0.05
    t = sparse.sparse_descend("sgd", p=p, steps=steps, lr=lr, seed=1)
    mask = sparse.feature_mask(steps, p, seed=np.random.default_rng(1))
    n_y = int(mask[:, 1].sum())
    assert n_y == int((t.grad[:, 1] != 0).sum()) and 0 < n_y < steps
    # x sees every example; y moves only in the n_y examples that contain it
    assert t.x[-1, 0] - 1 == pytest.approx(-2 * (1 - lr) ** steps, abs=1e-15)
    assert t.x[-1, 1] - 1 == pytest.approx(-2 * (1 - lr) ** n_y, rel=1e-12)
    assert np.all(t.grad[mask[:, 1] == 0, 1] == 0.0)
    # the recorded loss is the average over examples: the smooth `sparse` surface
    s = lrviz.surface("sparse", p=p)
    assert np.allclose(t.loss, s.f(t.x))


def test_adagrad_accumulates_only_the_rare_features_own_gradients():
    t = sparse.sparse_descend("adagrad", steps=300, lr=0.5, noise=0.5, seed=0)
    assert np.allclose(t.state["sum"][-1], (t.grad ** 2).sum(axis=0))
    eff = t.derived()["effective_lr"][-1]
    assert eff[1] > 2 * eff[0]     # fewer gradients seen -> a larger rate


def test_batched_lrs_equal_single_runs():
    lrs = np.array([0.05, 0.5])
    both = sparse.sparse_descend("adagrad", steps=50, lr=lrs, noise=0.3, seed=2)
    for i, lr in enumerate(lrs):
        one = sparse.sparse_descend("adagrad", steps=50, lr=float(lr), noise=0.3, seed=2)
        assert np.array_equal(both.x[i], one.x)


def test_divergence_is_recorded_not_raised():
    t = sparse.sparse_descend("sgd", steps=2000, lr=np.array([0.5, 3.0]), seed=0)
    assert list(t.diverged) == [False, True]
    assert np.all(np.isfinite(t.x))


def test_feed_sgd_and_a_calm_before_adams_largest_step():
    t = sparse.feed("sgd", [1.0, -2.0, 0.5], lr=0.1)
    assert np.allclose(t.x[:, 0], [0.0, -0.1, 0.1, 0.05])
    calm = 10_000
    g = np.zeros(calm + 1)
    g[-1] = 7.0
    adam = sparse.feed("adam", g, lr=0.01)
    T = calm + 1
    want = 0.01 * (0.7 / (1 - 0.9 ** T)) / (np.sqrt(0.049 / (1 - 0.999 ** T)) + 1e-8)
    assert abs(adam.x[-1, 0] - adam.x[-2, 0]) == pytest.approx(want, rel=1e-12)
    assert want / 0.01 == pytest.approx(0.1 / np.sqrt(0.001), rel=1e-4)   # 3.16 lr


@pytest.mark.parametrize("grads", [np.zeros((3, 3)), [[np.nan]], np.zeros((2, 2, 2))])
def test_feed_bad_grads(grads):
    with pytest.raises(ValueError, match="Invalid grads"):
        sparse.feed("sgd", grads)


def test_bad_noise_and_lr():
    with pytest.raises(ValueError, match="Invalid noise"):
        sparse.sparse_descend("sgd", noise=-1.0)
    with pytest.raises(TypeError, match="Invalid lr"):
        sparse.sparse_descend("sgd", lr=lambda t: 0.1)
