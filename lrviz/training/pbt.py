"""Population-based training: the toy of the paper and a generic loop.

Jaderberg et al. 2017, "Population Based Training of Neural Networks"
(arXiv:1711.09846). ``toy()`` reproduces the two-worker quadratic of their
Figure 2 with its three ablations; ``run()`` is synchronous PBT with
truncation selection over any population implementing the small protocol
below; ``digits_pbt()`` / ``digits_grid()`` apply it to the digits network
(``lrviz.nets.Population``) and to a grid search of equal compute.

Population protocol (what ``run`` calls; ``lrviz.nets.Population`` has it)::

    size: int                     number of members N
    step(epochs: int)             train every member `epochs` more epochs
    evaluate() -> ndarray (N,)    score to maximise (nan counts as worst)
    copy(src, dst)                members dst become copies of members src
                                  (weights, optimizer state, hyperparameters);
                                  src, dst int arrays, read before any write
    get_hyper() -> {name: (N,)}   current hyperparameters
    set_hyper(**{name: (N,)})     replace them
"""
from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

__all__ = ["ToyResult", "toy", "toy_q", "PBTResult", "run", "lineage", "digits_pbt", "digits_grid", "TOY_VARIANTS"]

TOY_VARIANTS = ("pbt", "exploit", "explore", "grid")


def _check(name, ok, value, allowed):
    if not ok:
        raise ValueError(f"Invalid {name}: {value!r} (must be {allowed})")


def _is_int(v, low):
    return isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= low


def _is_pos(v):
    return isinstance(v, numbers.Real) and not isinstance(v, bool) and np.isfinite(v) and v >= 0


# ----------------------------------------------------------------- the toy

class ToyResult(NamedTuple):
    """Histories of the toy: theta, h (workers, steps+1, 2), q (workers, steps+1), events."""
    theta: np.ndarray
    h: np.ndarray
    q: np.ndarray
    events: list  # (step, "exploit" | "explore", worker, source); source is None for explore


def toy_q(theta) -> np.ndarray:
    """True objective Q(theta) = 1.2 - (theta0^2 + theta1^2), over the last axis.

    >>> round(float(toy_q([0.9, 0.9])), 2)
    -0.42
    """
    theta = np.asarray(theta, float)
    return 1.2 - (theta[..., 0] ** 2 + theta[..., 1] ** 2)


def toy(variant="pbt", steps=200, ready_every=4, sigma=0.1, lr=0.01, seed=0) -> ToyResult:
    """The two-worker toy of Jaderberg et al. 2017, Figure 2: maximise Q through a surrogate.

    True objective Q(theta) = 1.2 - (theta0^2 + theta1^2) (only evaluated);
    surrogate Qhat(theta|h) = 1.2 - (h0 theta0^2 + h1 theta1^2) (only differentiated).
    Workers start at theta = (0.9, 0.9), with h = (1, 0) and h = (0, 1).
    Each step, every worker does gradient ascent on its surrogate:
    theta_i <- theta_i + lr * dQhat/dtheta_i = theta_i * (1 - 2 lr h_i).
    After every ``ready_every`` steps (paper: 4), by variant:

    - exploit ("pbt", "exploit"): rank by true Q; the other worker copies theta
      AND h of the best (np.argmax: the lower index wins a tie, which matters
      at the first exploit where both workers have the same Q by symmetry).
    - explore ("pbt": the worker that just copied; "explore": every worker):
      h <- h + N(0, sigma^2) per coordinate. h is not clipped: a negative h_i
      makes theta_i grow, Q falls, and exploit removes such a worker.
    - "grid": neither, so each worker keeps its fixed h and can only shrink one
      coordinate: Q -> 1.2 - 0.9^2 = 0.39.

    The figure caption gives the setting, not lr, sigma or the run length;
    ours (lr 0.01, sigma 0.1, 200 steps) are choices that make the picture:
    PBT reaches Q ~ 1.2 while grid and exploit-only stall at 0.39.

    Args:
        variant: one of "pbt", "exploit", "explore", "grid".
        steps, ready_every: ints >= 1 (``steps`` may be 0).
        sigma, lr: non-negative numbers. seed: int for ``np.random.default_rng``.
    Returns:
        ToyResult with theta, h (2, steps+1, 2), q (2, steps+1) and events.

    >>> round(float(toy("grid").q[0, -1]), 2), round(float(toy("pbt").q.max(0)[-1]), 2)
    (0.39, 1.2)
    """
    _check("variant", variant in TOY_VARIANTS, variant, f"one of {TOY_VARIANTS}")
    _check("steps", _is_int(steps, 0), steps, "an integer >= 0")
    _check("ready_every", _is_int(ready_every, 1), ready_every, "an integer >= 1")
    _check("sigma", _is_pos(sigma), sigma, "a finite number >= 0")
    _check("lr", _is_pos(lr), lr, "a finite number >= 0")
    _check("seed", _is_int(seed, 0), seed, "a non-negative integer")
    rng = np.random.default_rng(seed)
    theta = np.full((2, 2), 0.9)
    h = np.eye(2)
    thetas, hs, events = [theta.copy()], [h.copy()], []
    exploit = variant in ("pbt", "exploit")
    explore = variant in ("pbt", "explore")
    with np.errstate(all="ignore"):  # an exploring worker may blow up; it is then replaced
        for t in range(1, steps + 1):
            theta = theta + lr * (-2.0 * h * theta)
            if t % ready_every == 0 and (exploit or explore):
                perturb = [0, 1]
                if exploit:
                    q = np.nan_to_num(toy_q(theta), nan=-np.inf)
                    best = int(np.argmax(q))
                    worse = 1 - best
                    theta[worse], h[worse] = theta[best], h[best]
                    events.append((t, "exploit", worse, best))
                    perturb = [worse]
                if explore:
                    for w in perturb:
                        h[w] = h[w] + rng.normal(0.0, sigma, 2)
                        events.append((t, "explore", w, None))
            thetas.append(theta.copy())
            hs.append(h.copy())
    theta_hist = np.stack(thetas, axis=1)
    return ToyResult(theta_hist, np.stack(hs, axis=1), toy_q(theta_hist), events)


# ----------------------------------------------------------------- generic PBT

class PBTResult(NamedTuple):
    """Record of a PBT (or grid) run over R rounds of N members.

    scores[r, m]: member m's score after round r's training (before exploit).
    hyper[name][r, m]: the value member m trained with during round r.
    parent[r, m]: the member whose weights m started round r from (m itself
    unless m was replaced by exploit after round r-1; round 0: m).
    """
    scores: np.ndarray
    hyper: dict
    parent: np.ndarray
    population: object

    @property
    def lr(self) -> np.ndarray:
        return self.hyper["lr"]


def lineage(result: PBTResult, member=None) -> tuple[np.ndarray, np.ndarray]:
    """Trace member (default: best final score) back through its parents.

    Returns (ancestors (R,), lr (R,)): the member that trained in each round
    on the path to the final model, and the lr it trained with: the learning
    rate schedule PBT discovered.

    >>> res = digits_pbt(members=4, rounds=3, epochs_per_round=1)
    >>> lineage(res)[0].shape
    (3,)
    """
    scores = np.nan_to_num(result.scores[-1], nan=-np.inf)
    m = int(np.argmax(scores)) if member is None else int(member)
    R = result.parent.shape[0]
    path = np.empty(R, int)
    for r in range(R - 1, -1, -1):
        path[r] = m
        m = int(result.parent[r, m])
    return path, result.hyper["lr"][np.arange(R), path]


def _default_space(space):
    space = {"lr": (1e-4, 1e-1)} if space is None else dict(space)
    for name, b in space.items():
        ok = (isinstance(b, (tuple, list)) and len(b) == 2 and all(_is_pos(v) for v in b) and 0 < b[0] <= b[1])
        _check(f"space[{name!r}]", ok, b, "a pair (low, high) with 0 < low <= high")
    return space


def run(population, rounds, epochs_per_round=1, space=None, truncation=0.25, perturb=(0.8, 1.2),
        resample_prob=0.25, seed=0) -> PBTResult:
    """Synchronous PBT: train, rank, the bottom copies the top, then explore.

    Each round: ``population.step(epochs_per_round)``; scores = ``evaluate()``.
    Then (not after the last round): with n = max(1, floor(truncation * N)),
    each of the n lowest-scoring members copies one of the n highest, drawn
    uniformly (weights, optimizer state and hyperparameters), then explores
    every hyperparameter: with probability ``resample_prob`` a fresh value,
    log-uniform in ``space[name]``, else the copied value times a factor drawn
    from ``perturb`` (paper: 0.8 or 1.2), clipped to the bounds. Ranking is a
    stable sort (ties keep index order); nan scores rank worst.

    Args:
        population: implements the protocol in this module's docstring.
        rounds, epochs_per_round: ints >= 1.
        space: {name: (low, high)} of hyperparameters to explore (default lr in [1e-4, 1e-1]).
        truncation: fraction in (0, 0.5]. perturb: factors, all > 0.
        resample_prob: in [0, 1]. seed: int for ``np.random.default_rng``.
    Returns:
        PBTResult (scores, hyper history, parent lineage, the trained population).

    >>> res = digits_pbt(members=4, rounds=2, epochs_per_round=1)
    >>> res.scores.shape, bool(res.scores.max() > 0.8)
    ((2, 4), True)
    """
    _check("rounds", _is_int(rounds, 1), rounds, "an integer >= 1")
    _check("epochs_per_round", _is_int(epochs_per_round, 1), epochs_per_round, "an integer >= 1")
    _check("truncation", _is_pos(truncation) and 0 < truncation <= 0.5, truncation, "in (0, 0.5]")
    factors = np.asarray(perturb, float).ravel()
    _check("perturb", factors.size > 0 and np.all(np.isfinite(factors) & (factors > 0)), perturb, "positive factors")
    _check("resample_prob", _is_pos(resample_prob) and resample_prob <= 1, resample_prob, "in [0, 1]")
    _check("seed", _is_int(seed, 0), seed, "a non-negative integer")
    space = _default_space(space)
    for method in ("step", "evaluate", "copy", "get_hyper", "set_hyper"):
        _check("population", hasattr(population, method), type(population).__name__, f"an object with .{method}() (see lrviz.pbt)")
    rng = np.random.default_rng(seed)
    N = int(population.size)
    n = max(1, int(truncation * N))
    parent = np.tile(np.arange(N), (rounds, 1))
    hyper = {k: np.empty((rounds, N)) for k in population.get_hyper()}
    scores = np.empty((rounds, N))
    for r in range(rounds):
        for k, v in population.get_hyper().items():
            hyper[k][r] = v
        population.step(epochs_per_round)
        scores[r] = population.evaluate()
        if r == rounds - 1:
            break
        order = np.argsort(-np.nan_to_num(scores[r], nan=-np.inf), kind="stable")
        top, bottom = order[:n], order[N - n:]
        src = rng.choice(top, size=n)
        population.copy(src, bottom)
        parent[r + 1, bottom] = src
        new = population.get_hyper()
        for k, (lo, hi) in space.items():
            vals = new[k].copy()
            resample = rng.random(n) < resample_prob
            fresh = np.exp(rng.uniform(np.log(lo), np.log(hi), n))
            nudged = np.clip(vals[bottom] * rng.choice(factors, n), lo, hi)
            vals[bottom] = np.where(resample, fresh, nudged)
            new[k] = vals
        population.set_hyper(**new)
    return PBTResult(scores, hyper, parent, population)


def _digits_population(members, seed, optimizer, hidden, batch_size, lr):
    from lrviz.training.nets import Population
    # distinct, reproducible inits per member: PBT selects among models, not just lrs
    seeds = np.random.SeedSequence(seed).generate_state(members)
    return Population(optimizer=optimizer, lr=lr, seed=seeds.astype(np.int64), hidden=hidden, batch_size=batch_size)


def digits_pbt(members=8, rounds=10, epochs_per_round=3, space=None, optimizer="adam", seed=0,
               truncation=0.25, perturb=(0.8, 1.2), resample_prob=0.25, hidden=64, batch_size=32) -> PBTResult:
    """PBT of the learning rate of the digits MLP: ``run`` on a ``lrviz.nets.Population``.

    Initial lrs are log-uniform in ``space["lr"]`` (default [1e-4, 1e-1]) from
    ``default_rng(seed)``; member inits come from ``SeedSequence(seed)``.
    Compute: members * rounds * epochs_per_round epochs, like ``digits_grid``.

    >>> res = digits_pbt(members=4, rounds=2, epochs_per_round=1)
    >>> res.lr.shape, res.parent.shape
    ((2, 4), (2, 4))
    """
    _check("members", _is_int(members, 2), members, "an integer >= 2")
    space = _default_space(space)
    lo, hi = space["lr"]
    lr0 = np.exp(np.random.default_rng(seed).uniform(np.log(lo), np.log(hi), members))
    pop = _digits_population(members, seed, optimizer, hidden, batch_size, lr0)
    return run(pop, rounds, epochs_per_round, space, truncation, perturb, resample_prob, seed)


def digits_grid(members=8, rounds=10, epochs_per_round=3, space=None, optimizer="adam", seed=0,
                hidden=64, batch_size=32) -> PBTResult:
    """The grid-search baseline at equal compute: fixed lrs geomspace(low, high, members).

    Same members, inits and epochs as ``digits_pbt``; never exploits or
    explores, so parent[r, m] = m. Scores are recorded after every round.

    >>> res = digits_grid(members=4, rounds=2, epochs_per_round=1)
    >>> np.round(res.lr[0], 4)
    array([0.0001, 0.001 , 0.01  , 0.1   ])
    """
    _check("members", _is_int(members, 2), members, "an integer >= 2")
    _check("rounds", _is_int(rounds, 1), rounds, "an integer >= 1")
    _check("epochs_per_round", _is_int(epochs_per_round, 1), epochs_per_round, "an integer >= 1")
    lo, hi = _default_space(space)["lr"]
    pop = _digits_population(members, seed, optimizer, hidden, batch_size, np.geomspace(lo, hi, members))
    scores = np.empty((rounds, members))
    for r in range(rounds):
        pop.step(epochs_per_round)
        scores[r] = pop.evaluate()
    return PBTResult(scores, {"lr": np.tile(pop.lr, (rounds, 1))}, np.tile(np.arange(members), (rounds, 1)), pop)
