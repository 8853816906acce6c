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
:mod:`lrviz.training.sharpness`). ``sgd`` does the same with minibatches of ``batch_size``
and records the full training loss with the sharpness, every ``every`` steps.

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

__all__ = ["EoSRun", "problem", "gd", "sgd", "adam", "adam_edge", "plateau", "edge_step", "loss_rises", "is_stable",
           "largest_stable_lr", "BATCH_SIZES"]

HIDDEN = 32
SCALE = 0.25
# A loss above this (or not finite) counts as diverged and stops the run.
BLOW_UP = 1e6
BATCH_SIZES = (1, 2, 5, 10, 20, 50, 100, 500)


class EoSRun(NamedTuple):
    """One run: the lr at every step, the training loss and the sharpness where recorded.

    ``lr[t]`` is the lr of step t's update; ``loss[k]`` is the full training loss at step
    ``loss_steps[k]`` (every step for full-batch GD); ``sharpness[k]`` is S at step
    ``sharpness_steps[k]``. ``diverged_at`` is the first step whose loss (the minibatch's,
    for SGD) is not finite or above ``BLOW_UP``; the run stops there. Otherwise None.
    """
    loss: np.ndarray
    loss_steps: np.ndarray
    lr: np.ndarray
    sharpness_steps: np.ndarray
    sharpness: np.ndarray
    diverged_at: int | None
    batch_size: int | None

    @property
    def edge(self):
        """2 / lr at each sharpness step: the stability threshold of GD on a quadratic."""
        return 2.0 / self.lr[np.minimum(self.sharpness_steps, len(self.lr) - 1)]


def problem(n=500):
    """(X, Y): the first ``n`` training digits (pixels / 16) and their one-hot labels."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 1 <= n <= len(digits().y_train):
        raise ValueError(f"Invalid n: {n!r} (must be an integer from 1 to {len(digits().y_train)})")
    d = digits()
    return np.ascontiguousarray(d.X_train[:n]), np.eye(10)[d.y_train[:n]]


def _lr_fn(lr):
    if callable(lr):
        return lambda t: float(lr(t))
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"Invalid lr: {lr!r} (must be a finite number > 0 or a callable of the step)")
    return lambda t: float(lr)


def _int_arg(name, value, lo, hi=None, none_ok=False, what=None):
    if value is None and none_ok:
        return None
    if (isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < lo
            or (hi is not None and value > hi)):
        allowed = what or (f"an integer from {lo} to {hi}" if hi is not None else f"an integer >= {lo}")
        raise ValueError(f"Invalid {name}: {value!r} (must be {allowed})")
    return int(value)


def _run(lr, steps, every, n, seed, batch_size, hidden, scale):
    lr_at = _lr_fn(lr)
    steps = _int_arg("steps", steps, 0)
    every = _int_arg("every", every, 1)
    hidden = _int_arg("hidden", hidden, 1)
    seed = _int_arg("seed", seed, 0)
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not 0 < scale < np.inf:
        raise ValueError(f"Invalid scale: {scale!r} (must be a finite number > 0)")
    X, Y = problem(n)
    batch_size = _int_arg("batch_size", batch_size, 1, len(X), none_ok=True,
                          what=f"an integer from 1 to {len(X)}, or None")
    full = batch_size is None or batch_size == len(X)
    params = S.init_mlp((X.shape[1], hidden, Y.shape[1]), seed=seed, scale=scale)
    rng = np.random.default_rng(seed + 1)
    losses, l_steps, lrs, s_steps, s_vals, vec, diverged = [], [], [], [], [], None, None
    with np.errstate(all="ignore"):  # a diverging run overflows; it is reported, not warned about
        for t in range(steps + 1):
            record = t % every == 0 or t == steps
            if full:
                value, g = S.loss_and_grad(params, X, Y)
                check = value
            else:
                if record:
                    value = S.loss(params, X, Y)
                rows = rng.choice(len(X), batch_size, replace=False)
                check, g = S.loss_and_grad(params, X[rows], Y[rows])
            if full or record:
                losses.append(value)
                l_steps.append(t)
            if not (np.isfinite(check) and check <= BLOW_UP) or (record and not (np.isfinite(value) and value <= BLOW_UP)):
                diverged = t
                break
            if t % every == 0:
                eig = S.top_eigenvalue(params, X, Y, v0=vec)
                vec = eig.vector
                s_steps.append(t)
                s_vals.append(eig.value)
            if t == steps:
                break
            lrs.append(lr_at(t))
            params = S.add(params, g, -lrs[-1])
    return EoSRun(np.array(losses), np.array(l_steps, dtype=int), np.array(lrs), np.array(s_steps, dtype=int),
                  np.array(s_vals), diverged, batch_size)


def gd(lr=0.2, steps=2000, every=25, n=500, seed=0, hidden=HIDDEN, scale=SCALE) -> EoSRun:
    """Full-batch gradient descent at ``lr`` (a number, a schedule or any callable of the step t).

    Costs about one forward-backward pass a step plus a few Hessian-vector products every
    ``every`` steps (~1-2 s for 2000 steps here).
    """
    return _run(lr, steps, every, n, seed, None, hidden, scale)


def sgd(lr=0.2, batch_size=50, steps=1000, every=50, n=500, seed=0, hidden=HIDDEN, scale=SCALE) -> EoSRun:
    """Minibatch SGD: each step uses ``batch_size`` rows drawn without replacement (seeded).

    The full training loss and the sharpness of the full loss are recorded every ``every``
    steps (and at the last one).
    """
    return _run(lr, steps, every, n, seed, batch_size, hidden, scale)


def adam_edge(beta1=0.9):
    """The stability threshold of Adam's preconditioned sharpness: (2 + 2 beta1) / (1 - beta1) (38 at 0.9).

    On a quadratic with preconditioned curvature lam, Adam's momentum iteration (frozen
    preconditioner) is stable only while lam < (2 + 2 beta1) / (1 - beta1) (Cohen et al. 2022).

    >>> round(adam_edge(0.9), 6)
    38.0
    """
    return (2.0 + 2.0 * beta1) / (1.0 - beta1)


def adam(lr=3e-3, steps=2000, every=25, betas=(0.9, 0.999), eps=1e-8, n=500, seed=0, hidden=HIDDEN,
         scale=SCALE) -> EoSRun:
    """Full-batch Adam (torch's update and bias corrections) recording the *preconditioned* sharpness.

    Adam's step is w <- w - P_t^-1 m_t with P_t = (1 - beta1^t) diag(sqrt(v_hat_t) + eps) / lr.
    Its stability is set by lambda_max(P_t^-1 H_t), the largest eigenvalue of D H D with
    D = P_t^(-1/2) (the same spectrum, symmetric), measured here with the step's own P_t.
    Cohen et al., "Adaptive Gradient Methods at the Edge of Stability" (2022): it rises to
    :func:`adam_edge` (38 for beta1 = 0.9) and hovers there. ``sharpness`` holds that
    quantity, so compare it with ``adam_edge(betas[0])``, not with ``run.edge`` (2/lr).
    """
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not 0 < lr < np.inf:
        raise ValueError(f"Invalid lr: {lr!r} (must be a finite number > 0)")
    b1, b2 = betas
    if not (0 <= b1 < 1 and 0 <= b2 < 1):
        raise ValueError(f"Invalid betas: {betas!r} (each must be in [0, 1))")
    steps, every = _int_arg("steps", steps, 0), _int_arg("every", every, 1)
    X, Y = problem(n)
    params = S.init_mlp((X.shape[1], _int_arg("hidden", hidden, 1), Y.shape[1]), seed=seed, scale=scale)
    m = [np.zeros_like(q) for q in params]
    v = [np.zeros_like(q) for q in params]
    losses, s_steps, s_vals, vec, diverged = [], [], [], None, None
    with np.errstate(all="ignore"):
        for t in range(steps + 1):
            value, g = S.loss_and_grad(params, X, Y)
            losses.append(value)
            if not (np.isfinite(value) and value <= BLOW_UP):
                diverged = t
                break
            k = t + 1  # torch counts Adam's steps from 1
            m = [b1 * a + (1 - b1) * q for a, q in zip(m, g)]
            v = [b2 * a + (1 - b2) * q * q for a, q in zip(v, g)]
            denom = [np.sqrt(a / (1 - b2 ** k)) + eps for a in v]
            if t % every == 0 or t == steps:
                D = 1.0 / np.sqrt(S.flatten(denom) * (1 - b1 ** k) / lr)
                H = S.hvp_operator(params, X, Y)
                eig = S.lanczos(lambda u: D * H(D * u), D.size, v0=vec)
                vec = eig.vector
                s_steps.append(t)
                s_vals.append(eig.value)
            if t == steps:
                break
            params = [q - lr * (a / (1 - b1 ** k)) / d for q, a, d in zip(params, m, denom)]
    n_steps = len(losses) - 1 if diverged is None else diverged
    return EoSRun(np.array(losses), np.arange(len(losses)), np.full(n_steps, float(lr)),
                  np.array(s_steps, dtype=int), np.array(s_vals), diverged, None)


def plateau(run: EoSRun, start=None) -> float:
    """The median sharpness from step ``start`` on (default: the second half of the run)."""
    start = run.sharpness_steps[-1] // 2 if start is None else start
    keep = run.sharpness_steps >= start
    if not keep.any():
        raise ValueError(f"Invalid start: {start!r} (must be at most the last sharpness step, "
                         f"{int(run.sharpness_steps[-1])})")
    return float(np.median(run.sharpness[keep]))


def edge_step(run: EoSRun, fraction=0.9):
    """The first recorded step where the sharpness reaches ``fraction`` * 2/lr, or None."""
    hit = np.flatnonzero(run.sharpness >= fraction * run.edge)
    return int(run.sharpness_steps[hit[0]]) if hit.size else None


def loss_rises(run: EoSRun, start=0, stop=None) -> int:
    """How many recorded steps in [start, stop) raised the training loss (a monotone descent has none)."""
    keep = (run.loss_steps >= start) & (run.loss_steps < (np.inf if stop is None else stop))
    return int(np.sum(np.diff(run.loss[keep]) > 0))


def is_stable(run: EoSRun) -> bool:
    """Whether the run trained: it did not diverge and ends below half its starting loss."""
    return run.diverged_at is None and bool(run.loss[-1] < 0.5 * run.loss[0])


def largest_stable_lr(batch_size, lrs, steps=500, n=500, seed=0):
    """The largest lr in ``lrs`` whose SGD run, and every smaller one's, :func:`is_stable`; None
    when even the smallest fails. Only the loss is recorded (no sharpness), so it is cheap."""
    best = None
    for lr in sorted(lrs):
        run = sgd(lr=lr, batch_size=batch_size, steps=steps, every=steps, n=n, seed=seed)
        if not is_stable(run):
            break
        best = float(lr)
    return best
