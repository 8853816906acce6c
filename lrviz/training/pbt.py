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
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from ..engine import validate as V

__all__ = ["ToyResult", "toy", "toy_q", "PBTResult", "run", "lineage", "digits_pbt", "digits_grid", "TOY_VARIANTS"]

TOY_VARIANTS = ("pbt", "exploit", "explore", "grid")


def _is_real(v):
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


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
    variant = V.choice("variant", variant, TOY_VARIANTS)
    steps = V.integer("steps", steps, lo=0)
    ready_every = V.positive_int("ready_every", ready_every)
    sigma = V.number("sigma", sigma, lo=0.0)
    lr = V.learning_rate(lr)
    seed = V.integer("seed", seed, lo=0)
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
    m = int(np.argmax(scores)) if member is None else V.integer("member", member, lo=0, hi=len(scores) - 1)
    R = result.parent.shape[0]
    path = np.empty(R, int)
    for r in range(R - 1, -1, -1):
        path[r] = m
        m = int(result.parent[r, m])
    return path, result.hyper["lr"][np.arange(R), path]


def _default_space(space):
    if space is None:
        return {"lr": (1e-4, 1e-1)}
    if not isinstance(space, Mapping):
        V.fail("space", space, "must be a dict {name: (low, high)}", TypeError)
    if not space:
        V.fail("space", space, "must be a dict {name: (low, high)} with at least one entry")
    out = {}
    for name, b in space.items():
        label, allowed = f"space[{name!r}]", "must be a pair (low, high) of finite numbers with 0 < low <= high"
        if not isinstance(b, (tuple, list, np.ndarray)):
            V.fail(label, b, allowed, TypeError)
        b = tuple(b)
        if len(b) != 2:
            V.fail(label, b, allowed)
        if not all(_is_real(v) for v in b):
            V.fail(label, b, allowed, TypeError)
        lo, hi = float(b[0]), float(b[1])
        if not (np.isfinite(lo) and np.isfinite(hi) and 0 < lo <= hi):
            V.fail(label, b, allowed)
        out[name] = (lo, hi)
    return out


def _space_for_lr(space):
    space = _default_space(space)
    if "lr" not in space:
        V.fail("space", space, "must give the bounds of 'lr', the hyperparameter the digits population has")
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
    rounds = V.positive_int("rounds", rounds)
    epochs_per_round = V.positive_int("epochs_per_round", epochs_per_round)
    truncation = V.number("truncation", truncation, lo=0.0, hi=0.5, lo_open=True)
    factors = _factors("perturb", perturb)
    resample_prob = V.probability("resample_prob", resample_prob, hi_open=False)
    seed = V.integer("seed", seed, lo=0)
    space = _default_space(space)
    missing = [f".{m}()" for m in ("step", "evaluate", "copy", "get_hyper", "set_hyper") if not hasattr(population, m)]
    missing += [".size"] * (not hasattr(population, "size"))
    if missing:  # (the type's name: an object's repr may hold a memory address)
        raise TypeError(f"Invalid population: <{type(population).__name__} object> "
                        f"(must have {', '.join(missing)}; see the protocol in lrviz.pbt)")
    unknown = sorted(set(space) - set(population.get_hyper()))
    if unknown:
        V.fail("space", space, f"must name hyperparameters of the population ({', '.join(map(repr, population.get_hyper()))}); "
                               f"got {', '.join(map(repr, unknown))}")
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


def _factors(name, perturb):
    """Perturbation factors: one or more finite numbers > 0, as a float array."""
    allowed = "must be one or more finite numbers > 0"
    vals = list(np.ravel(perturb)) if isinstance(perturb, (tuple, list, np.ndarray)) else None
    if vals is None or not all(_is_real(v) for v in vals):
        V.fail(name, perturb, allowed, TypeError)
    if not vals or not all(np.isfinite(v) and v > 0 for v in vals):
        V.fail(name, perturb, allowed)
    return np.asarray(vals, float)


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
    members = V.integer("members", members, lo=2)
    rounds = V.positive_int("rounds", rounds)
    epochs_per_round = V.positive_int("epochs_per_round", epochs_per_round)
    seed = V.integer("seed", seed, lo=0)
    space = _space_for_lr(space)
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
    members = V.integer("members", members, lo=2)
    rounds = V.positive_int("rounds", rounds)
    epochs_per_round = V.positive_int("epochs_per_round", epochs_per_round)
    seed = V.integer("seed", seed, lo=0)
    lo, hi = _space_for_lr(space)["lr"]
    pop = _digits_population(members, seed, optimizer, hidden, batch_size, np.geomspace(lo, hi, members))
    scores = np.empty((rounds, members))
    for r in range(rounds):
        pop.step(epochs_per_round)
        scores[r] = pop.evaluate()
    return PBTResult(scores, {"lr": np.tile(pop.lr, (rounds, 1))}, np.tile(np.arange(members), (rounds, 1)), pop)
