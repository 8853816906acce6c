"""lrviz.ray_pbt: Ray Tune PBT of the digits MLP (the Ray part is skipped without ray)."""
import subprocess
import sys

import numpy as np
import pytest

from lrviz import ray_pbt
from lrviz.training.nets import Population
from lrviz.training.pbt import digits_pbt, lineage


def test_importing_lrviz_ray_pbt_does_not_import_ray():
    code = "import sys, lrviz, lrviz.training.ray_pbt; assert 'ray' not in sys.modules, 'ray imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_checkpoint_round_trip_continues_the_same_training(tmp_path):
    a = Population(lr=[3e-3], seed=[7])
    a.step(1)
    ray_pbt.save_state(a, tmp_path, writer="trial_a")
    b = Population(lr=[3e-3], seed=[8])  # other init and data order: all replaced by the load
    assert ray_pbt.load_state(b, tmp_path) == "trial_a"
    a.step(1)
    b.step(1)
    for p, q in zip(a.params, b.params):
        np.testing.assert_array_equal(p, q)
    assert a.states[0].step == b.states[0].step and (a.epoch, a.t) == (b.epoch, b.t)


@pytest.mark.parametrize("kwargs, exc", [
    (dict(members=1), ValueError), (dict(rounds=0), ValueError), (dict(epochs_per_round=0), ValueError),
    (dict(seed=-1), ValueError), (dict(members=4.0), TypeError), (dict(rounds="2"), TypeError),
    (dict(quantile_fraction=0.75), ValueError), (dict(resample_probability=1.5), ValueError),
    (dict(perturbation_factors=(1.2, 0)), ValueError), (dict(num_cpus=0), ValueError), (dict(hidden=(64, 0)), ValueError),
    (dict(batch_size=0.5), TypeError), (dict(space={"lr": (1e-1, 1e-4)}), ValueError), (dict(address=6379), TypeError),
])
def test_invalid_arguments_are_rejected_before_ray_starts(kwargs, exc):
    name = next(iter(kwargs))
    with pytest.raises(exc, match=rf"^Invalid {name}"):
        ray_pbt.run_ray_pbt(**kwargs)
    assert "ray" not in sys.modules or not __import__("ray").is_initialized()


@pytest.fixture(scope="module")
def small_run():
    pytest.importorskip("ray")
    pytest.importorskip("ray.tune")
    return ray_pbt.run_ray_pbt(members=4, rounds=3, epochs_per_round=1, seed=0, space={"lr": (1e-4, 1e-1)})


def test_small_run_has_the_documented_shapes(small_run):
    res = small_run
    assert res.scores.shape == res.lr.shape == res.parent.shape == (3, 4)
    assert np.all(np.isfinite(res.scores)) and np.all((res.scores >= 0) & (res.scores <= 1))
    assert len(res.trial_ids) == 4 and len(set(res.trial_ids)) == 4
    np.testing.assert_array_equal(res.parent[0], np.arange(4))
    path, path_lr = lineage(res)  # the in-house helpers accept the result
    assert path.shape == path_lr.shape == (3,)


def test_small_run_keeps_lr_in_bounds_and_starts_like_digits_pbt(small_run):
    res = small_run
    assert np.all((res.lr >= 1e-4) & (res.lr <= 1e-1))
    ref = digits_pbt(members=4, rounds=1, epochs_per_round=1, seed=0)
    np.testing.assert_allclose(res.lr[0], ref.lr[0])
    np.testing.assert_allclose(res.scores[0], ref.scores[0])


def test_small_run_exploits_once_per_round(small_run):
    res = small_run
    # 4 members, quantile 0.25: after each of the first two rounds the worst copies the best
    assert len(res.events) == 2
    for r, m, p in res.events:
        s = res.scores[r - 1]  # Ray sorts stably by score in trial order: ties go to the later member on top
        worst, best = int(np.argmin(s)), len(s) - 1 - int(np.argmax(s[::-1]))
        assert res.parent[r, m] == p and m == worst and p == best
        assert np.isclose(res.lr[r, m], res.lr[r - 1, p] * 0.8) or np.isclose(res.lr[r, m], res.lr[r - 1, p] * 1.2) \
            or 1e-4 <= res.lr[r, m] <= 1e-1
    for r in range(1, 3):  # members not exploited keep their lr
        keep = res.parent[r] == np.arange(4)
        np.testing.assert_allclose(res.lr[r, keep], res.lr[r - 1, keep])
