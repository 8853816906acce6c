"""The edge of stability on real digits: full-batch gradient descent that records the sharpness.

Gradient descent on a quadratic with top curvature L diverges once lr > 2/L (notebook 04).
On a network the curvature is not fixed: under full-batch GD the sharpness
S(w) = lambda_max(Hessian of the loss) first rises ("progressive sharpening") until it
reaches 2/lr, then hovers there ("edge of stability") while the loss keeps falling, not
monotonically (Cohen, Kaur, Li, Kolter & Talwalkar, ICLR 2021).

The setting here: the first ``n`` training digits (default 500), a 64-32-10 tanh MLP with
W ~ N(0, scale^2 / fan_in) (default scale 0.25, so the start is flat: S(w0) ~ 3) and the
mean squared error to one-hot targets, L = 1/(2n) sum_i ||f(x_i) - y_i||^2 (Cohen et al.'s
cleanest setting). ``gd`` runs w <- w - lr(t) grad L(w), records L every step and S every
``every`` steps (Lanczos, warm-started from the last eigenvector; see
:mod:`lrviz.training.sharpness`). ``sgd`` does the same with minibatches of ``batch_size``.

>>> run = gd(lr=0.2, steps=50, every=25)
>>> run.sharpness_steps.tolist(), round(float(run.sharpness[0]), 1)
([0, 25, 50], 3.0)
"""
from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

from . import sharpness as S
from .nets import digits

__all__ = ["EoSRun", "problem", "gd", "sgd", "plateau", "largest_stable_lr", "loss_rises"]

HIDDEN = 32
SCALE = 0.25


class EoSRun(NamedTuple):
    """One run: the lr and training loss at every step, the sharpness every ``every`` steps.

    ``loss[t]`` and ``lr[t]`` are at step t (before its update); ``sharpness[k]`` is S at
    step ``sharpness_steps[k]``. ``diverged_at`` is the first step whose loss is not finite
    (the run stops there), or None.
    """
    loss: np.ndarray
    lr: np.ndarray
    sharpness_steps: np.ndarray
    sharpness: np.ndarray
    diverged_at: int | None
    batch_size: int | None


def problem(n=500):
    """(X, Y): the first ``n`` training digits (pixels / 16) and their one-hot labels."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 1 <= n <= len(digits().y_train):
        raise ValueError(f"Invalid n: {n!r} (must be an integer from 1 to {len(digits().y_train)})")
    d = digits()
    return np.ascontiguousarray(d.X_train[:n]), np.eye(10)[d.y_train[:n]]


def _lr_fn(lr):
    if callable(lr):
        return lr
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"Invalid lr: {lr!r} (must be a finite number > 0 or a callable of the step)")
    return lambda t: float(lr)


def _steps(steps):
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 0:
        raise ValueError(f"Invalid steps: {steps!r} (must be an integer >= 0)")
    return int(steps)


def _run(lr, steps, every, n, seed, batch_size, hidden, scale):
    lr_at, steps = _lr_fn(lr), _steps(steps)
    if isinstance(every, bool) or not isinstance(every, numbers.Integral) or every < 1:
        raise ValueError(f"Invalid every: {every!r} (must be an integer >= 1)")
    X, Y = problem(n)
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, numbers.Integral)
                                   or not 1 <= batch_size <= len(X)):
        raise ValueError(f"Invalid batch_size: {batch_size!r} (must be an integer from 1 to {len(X)}, or None)")
    params = S.init_mlp((X.shape[1], hidden, Y.shape[1]), seed=seed, scale=scale)
    rng = np.random.default_rng(seed + 1)
    losses, lrs, s_steps, s_vals, vec, diverged = [], [], [], [], None, None
    with np.errstate(all="ignore"):  # a diverging run overflows; it is reported, not warned about
        for t in range(steps + 1):
            value = S.loss(params, X, Y)
            losses.append(value)
            lrs.append(lr_at(t))
            if not np.isfinite(value) or value > 1e6:
                diverged = t
                break
            if t % every == 0:
                eig = S.top_eigenvalue(params, X, Y, v0=vec)
                vec = eig.vector
                s_steps.append(t)
                s_vals.append(eig.value)
            if t == steps:
                break
            if batch_size is None or batch_size == len(X):
                g = S.grad(params, X, Y)
            else:
                rows = rng.choice(len(X), batch_size, replace=False)
                g = S.grad(params, X[rows], Y[rows])
            params = S.add(params, g, -lrs[-1])
    return EoSRun(np.array(losses), np.array(lrs), np.array(s_steps, dtype=int), np.array(s_vals),
                  diverged, batch_size)


def gd(lr=0.2, steps=2000, every=25, n=500, seed=0, hidden=HIDDEN, scale=SCALE) -> EoSRun:
    """Full-batch gradient descent at ``lr`` (a number or a callable of the step t)."""
    return _run(lr, steps, every, n, seed, None, hidden, scale)


def sgd(lr=0.2, batch_size=50, steps=1000, every=50, n=500, seed=0, hidden=HIDDEN, scale=SCALE) -> EoSRun:
    """Minibatch SGD: each step uses ``batch_size`` rows drawn without replacement (seeded)."""
    return _run(lr, steps, every, n, seed, batch_size, hidden, scale)


def plateau(run: EoSRun, start=None) -> float:
    """The median sharpness from step ``start`` on (default: the second half of the run)."""
    start = run.sharpness_steps[-1] // 2 if start is None else start
    keep = run.sharpness_steps >= start
    return float(np.median(run.sharpness[keep]))


def loss_rises(run: EoSRun, start=0) -> int:
    """How many steps from ``start`` on raised the training loss (a monotone descent has none)."""
    return int(np.sum(np.diff(run.loss[start:]) > 0))


def largest_stable_lr(batch_size, lrs, steps=1000, n=500, seed=0):
    """The largest lr in ``lrs`` whose SGD run (and every smaller one) ends with a finite loss below
    the starting loss; None when even the smallest fails."""
    best = None
    for lr in sorted(lrs):
        run = sgd(lr=lr, batch_size=batch_size, steps=steps, every=steps + 1, n=n, seed=seed)
        if run.diverged_at is not None or not run.loss[-1] < run.loss[0]:
            break
        best = float(lr)
    return best
