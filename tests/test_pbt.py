"""Tests for lrviz.pbt: the Figure 2 toy, the generic loop, and PBT vs grid on digits."""
import numpy as np
import pytest

from lrviz import nets, pbt

SEEDS = range(10)


def test_toy_pbt_beats_every_ablation_and_reaches_the_optimum():
    mean_best = {v: np.mean([pbt.toy(v, seed=s).q.max(axis=0).mean() for s in SEEDS]) for v in pbt.TOY_VARIANTS}
    for v in ("exploit", "explore", "grid"):
        assert mean_best["pbt"] > mean_best[v] + 0.05, mean_best
    for s in SEEDS:
        assert pbt.toy("pbt", seed=s).q.max(axis=0)[-1] > 1.19


@pytest.mark.parametrize("variant", ["grid", "exploit"])
def test_toy_without_explore_is_stuck_on_one_coordinate(variant):
    r = pbt.toy(variant, steps=400)
    np.testing.assert_allclose(r.q[:, -1], 1.2 - 0.9 ** 2, atol=1e-6)  # 0.39
    assert np.all(np.isin(r.h, [0.0, 1.0]))  # h never changes, it is only copied


def test_toy_shapes_and_start():
    r = pbt.toy(steps=12, ready_every=4)
    assert r.theta.shape == (2, 13, 2) and r.h.shape == (2, 13, 2) and r.q.shape == (2, 13)
    np.testing.assert_array_equal(r.theta[:, 0], 0.9)
    np.testing.assert_array_equal(r.h[:, 0], np.eye(2))
    np.testing.assert_allclose(r.q[:, 0], 1.2 - 2 * 0.81)
    assert sorted({t for t, *_ in r.events}) == [4, 8, 12]
    assert not pbt.toy("grid").events


@pytest.mark.parametrize("variant", ["pbt", "exploit"])
def test_toy_exploit_copies_theta_and_h_exactly(variant):
    r = pbt.toy(variant, seed=3)
    exploits = [(t, w, src) for t, kind, w, src in r.events if kind == "exploit"]
    assert exploits
    explored = {(t, w) for t, kind, w, _ in r.events if kind == "explore"}
    for t, w, src in exploits:
        np.testing.assert_array_equal(r.theta[w, t], r.theta[src, t])
        if (t, w) not in explored:
            np.testing.assert_array_equal(r.h[w, t], r.h[src, t])
        assert pbt.toy_q(r.theta[src, t]) == r.q[src, t]


def test_toy_explore_perturbs_h_and_same_seed_same_result():
    a, b = pbt.toy("explore", seed=5), pbt.toy("explore", seed=5)
    for x, y in zip(a[:3], b[:3]):
        np.testing.assert_array_equal(x, y)
    assert a.events == b.events
    assert not np.array_equal(a.h, pbt.toy("explore", seed=6).h)
    assert not np.array_equal(a.h[:, -1], np.eye(2))


@pytest.mark.parametrize("kwargs, exc", [
    (dict(variant="both"), ValueError), (dict(variant=1), TypeError), (dict(steps=-1), ValueError),
    (dict(ready_every=0), ValueError), (dict(sigma=-0.1), ValueError), (dict(lr=np.inf), ValueError),
    (dict(seed=-1), ValueError), (dict(steps=2.5), TypeError), (dict(sigma="small"), TypeError),
])
def test_toy_bad_arguments(kwargs, exc):
    name = next(iter(kwargs))
    with pytest.raises(exc, match=rf"^Invalid {name}: "):
        pbt.toy(**kwargs)


class CountingPopulation:
    """A protocol population whose 'weights' are a running sum of lr: easy to check by hand."""

    def __init__(self, lr):
        self.size = len(lr)
        self.lr = np.array(lr, float)
        self.w = np.zeros(self.size)
        self.copies = []

    def step(self, epochs):
        self.w = self.w + epochs * self.lr

    def evaluate(self):
        return -np.abs(self.w - 1.0)  # best: w close to 1

    def copy(self, src, dst):
        self.copies.append((np.array(src), np.array(dst), self.w.copy()))
        self.w[dst] = self.w[src]
        self.lr[dst] = self.lr[src]

    def get_hyper(self):
        return {"lr": self.lr.copy()}

    def set_hyper(self, lr):
        self.lr = np.asarray(lr, float).copy()


def test_run_lineage_bounds_and_truncation():
    pop = CountingPopulation(np.geomspace(0.01, 0.3, 8))
    res = pbt.run(pop, rounds=6, space={"lr": (0.01, 0.3)}, truncation=0.25, seed=0)
    assert res.scores.shape == res.lr.shape == res.parent.shape == (6, 8)
    np.testing.assert_array_equal(res.parent[0], np.arange(8))
    assert len(pop.copies) == 5
    for r, (src, dst, w_before) in enumerate(pop.copies):
        order = np.argsort(-res.scores[r], kind="stable")
        assert set(dst) == set(order[-2:]) and set(src) <= set(order[:2])  # bottom 25% copy top 25%
        np.testing.assert_array_equal(res.parent[r + 1, dst], src)
        untouched = np.setdiff1d(np.arange(8), dst)
        np.testing.assert_array_equal(res.parent[r + 1, untouched], untouched)
        np.testing.assert_array_equal(res.lr[r + 1, untouched], res.lr[r, untouched])
    assert np.all((res.lr >= 0.01) & (res.lr <= 0.3))
    path, lrs = pbt.lineage(res)
    assert path[-1] == np.argmax(res.scores[-1]) and lrs.shape == (6,)
    for r in range(1, 6):
        assert path[r - 1] == res.parent[r, path[r]]


def test_run_validates_its_arguments():
    pop = CountingPopulation([0.1, 0.2])
    for kwargs, exc, name in [
            (dict(rounds=0), ValueError, "rounds"), (dict(rounds=2.0), TypeError, "rounds"),
            (dict(truncation=0.9), ValueError, "truncation"), (dict(perturb=(0.8, -1)), ValueError, "perturb"),
            (dict(perturb="up"), TypeError, "perturb"), (dict(resample_prob=2), ValueError, "resample_prob"),
            (dict(space={"lr": (0, 1)}), ValueError, r"space\['lr'\]"), (dict(space={"lr": 0.1}), TypeError, r"space\['lr'\]"),
            (dict(space={"momentum": (0.1, 0.9)}), ValueError, "space"), (dict(seed=-3), ValueError, "seed")]:
        with pytest.raises(exc, match=rf"^Invalid {name}: "):
            pbt.run(pop, **{"rounds": 2, **kwargs})
    assert pop.w.tolist() == [0.0, 0.0]  # nothing trained before the arguments were checked
    with pytest.raises(TypeError, match=r"^Invalid population: <object object> \(must have .step\(\), "):
        pbt.run(object(), rounds=1)


class RecordingPopulation(nets.Population):
    """The digits population, checking at each copy that the copies equal their sources."""

    checked = 0

    def copy(self, src, dst):
        before = [p.copy() for p in self.params]
        super().copy(src, dst)
        for b, p in zip(before, self.params):
            np.testing.assert_array_equal(p[dst], b[src])
        RecordingPopulation.checked += 1


def test_digits_run_copies_weights_and_keeps_lrs_in_bounds():
    pop = RecordingPopulation(lr=np.geomspace(1e-4, 1e-1, 4), seed=[1, 2, 3, 4])
    res = pbt.run(pop, rounds=3, epochs_per_round=1, space={"lr": (1e-4, 1e-1)}, seed=1)
    assert RecordingPopulation.checked == 2
    assert np.all((res.lr >= 1e-4) & (res.lr <= 1e-1))


def test_digits_pbt_is_deterministic():
    a = pbt.digits_pbt(members=4, rounds=3, epochs_per_round=1, seed=2)
    b = pbt.digits_pbt(members=4, rounds=3, epochs_per_round=1, seed=2)
    np.testing.assert_array_equal(a.scores, b.scores)
    np.testing.assert_array_equal(a.lr, b.lr)
    np.testing.assert_array_equal(a.parent, b.parent)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_digits_pbt_best_beats_grid_median_at_equal_compute(seed):
    kw = dict(members=8, rounds=10, epochs_per_round=3, seed=seed)
    p, g = pbt.digits_pbt(**kw), pbt.digits_grid(**kw)
    assert p.population.epoch == g.population.epoch == 30
    assert p.scores[-1].max() >= np.median(g.scores[-1])
