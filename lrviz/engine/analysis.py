"""Reading trajectories: the critical learning rate, regimes, sweeps and the LR range test.

On a quadratic ``f(x) = 1/2 x^T H x`` plain gradient descent multiplies the error along
each eigenvector of ``H`` (eigenvalue ``lambda``) by ``r = 1 - lr * lambda`` every step:

- ``0 < r < 1``  (lr < 1/lambda): slides monotonically to the minimum (slow if r ~ 1);
- ``-1 < r < 0`` (1/lambda < lr < 2/lambda): converges while bouncing across the valley;
- ``|r| > 1``    (lr > 2/lambda_max): diverges.

So the critical learning rate is ``2 / lambda_max``; heavy-ball momentum ``beta`` moves it
to ``2 (1 + beta) / lambda_max``. The regimes below name what a trajectory did.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import validate as V
from .descent import Trajectory, descend, _resolve

__all__ = ["critical_lr", "regime", "steps_to_tolerance", "effective_lr", "sweep", "SweepResult",
           "tuned_lr", "TUNING_GRID", "tail_loss", "lr_range_test", "range_test_from_losses", "RangeTestResult", "REGIMES"]

REGIMES = ("too slow", "converging", "oscillating", "diverging")
# The learning rates a "tuned" comparison searches (races, notebook 11): 61 values, 1e-4 .. 10.
# The optimizers a race lines up by default (and notebook 11 ranks).
RACE_OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adagrad", "adadelta", "adam")

TUNING_GRID = np.logspace(-4, 1, 61)


def critical_lr(surface, optimizer="sgd", at=None):
    """The largest stable learning rate of (heavy-ball or Nesterov) gradient descent near ``at``.

    ``lr_crit = 2 / lambda_max`` for plain SGD, ``2 (1 + beta) / lambda_max`` with momentum
    ``beta``, and ``2 (1 + beta) / ((1 + 2 beta) lambda_max)`` with Nesterov momentum, where
    ``lambda_max`` is the largest eigenvalue of the Hessian at ``at`` (default: the global
    minimum). Exact for quadratics; for other surfaces it is the local value near ``at``.

    Args:
        surface: a Surface or catalog name (it needs a ``hessian``).
        optimizer: a name or Optimizer; only sgd / momentum / nesterov have a fixed critical lr.
        at: the point whose curvature counts (default ``surface.minima[0]``).

    Returns:
        A float, or ``None`` when the surface has no Hessian or the optimizer is adaptive
        (Adam, RMSProp, ... rescale their steps, so no single threshold exists).

    >>> round(critical_lr("scaled_parabola"), 3)   # f = 5 x^2: lambda = 10
    0.2
    """
    s, opt = _resolve(surface, optimizer)
    if opt.name not in ("sgd", "momentum", "nesterov") or s.hessian is None:
        return None
    if at is None:
        if not s.minima:
            return None
        at = s.minima[0]
    h = np.asarray(s.hessian(np.asarray(at, dtype=float)), dtype=float).reshape(s.dim, s.dim)
    lam = float(np.max(np.linalg.eigvalsh(h)))
    if lam <= 0:
        return None
    beta = float(opt.hyperparams.get("momentum", 0.0))
    if opt.hyperparams.get("nesterov", False):
        return 2.0 * (1.0 + beta) / ((1.0 + 2.0 * beta) * lam)
    return 2.0 * (1.0 + beta) / lam


def _target(traj: Trajectory, target):
    if target is not None:
        return float(target)
    s = traj.surface
    if s.min_value is not None:
        return float(s.min_value)
    if s.minima:
        return float(np.min(s.f(np.asarray(s.minima, dtype=float))))
    return float(np.nanmin(traj.loss))


def _gap(traj, target):
    return traj.loss - _target(traj, target)


def steps_to_tolerance(traj: Trajectory, tol=1e-6, target=None, stay=False):
    """First step ``t`` with ``loss_t - f_min <= tol`` (with ``stay``: from which it holds to the end).

    ``f_min`` is ``target``, else the surface's ``min_value``, else f at its listed minima.
    A run with a large lr can touch the tolerance and bounce away again; ``stay=True``
    counts only a finish it keeps, which is what sweeps, tuning and races rank by.
    Returns an int or ``None`` for one run; an int array with ``-1`` (never) for many.

    >>> t = descend("parabola", "sgd", x0=(1.0,), lr=0.25, steps=50)
    >>> steps_to_tolerance(t, tol=1e-6)   # x_t = 0.5^t, f = x^2 = 0.25^t <= 1e-6 from t = 10
    10
    """
    with np.errstate(invalid="ignore"):
        reached = _gap(traj, target) <= tol  # NaN never counts as reached
    if stay:
        # the step after the last one above tolerance, if the run ends below it
        above = ~reached
        last_above = above.shape[-1] - 1 - np.argmax(above[..., ::-1], axis=-1)
        first = np.where(~above.any(axis=-1), 0, np.where(above[..., -1], -1, last_above + 1))
    else:
        first = np.where(reached.any(axis=-1), reached.argmax(axis=-1), -1)
    if traj.batched:  # int64 everywhere: in the browser (wasm32) numpy's indices are int32
        return first.astype(np.int64)
    return None if first < 0 else int(first)


def regime(traj: Trajectory, tol=1e-6, target=None):
    """Name what a run did: ``"diverging"``, ``"oscillating"``, ``"converging"`` or ``"too slow"``.

    - diverging: it overflowed, or its final loss gap exceeds the initial one;
    - oscillating: otherwise, if most consecutive steps (ignoring negligible ones) point
      against each other (``(x_{t+1}-x_t) . (x_t-x_{t-1}) < 0``), i.e. it bounces across a valley;
    - converging: otherwise, if it ended within ``tol`` of a minimum's loss: the listed
      minimum nearest to its last point (a local minimum counts), or ``target`` if given;
    - too slow: it neither diverged, bounced, nor reached the tolerance.

    Returns a str for one run, an array of str for many.

    >>> regime(descend("scaled_parabola", "sgd", x0=(1.0,), lr=0.15, steps=100))  # 1/10 < lr < 2/10
    'oscillating'
    """
    s = traj.surface
    if target is None and s.minima:
        minima = np.asarray(s.minima, dtype=float)
        nearest = np.argmin(np.linalg.norm(traj.final_x[..., None, :] - minima, axis=-1), axis=-1)
        gap = traj.loss - s.f(minima)[nearest][..., None]
    else:
        gap = _gap(traj, target)
    g0, g1 = gap[..., 0], gap[..., -1]
    diverging = np.asarray(traj.diverged) | (g1 > np.maximum(g0, 0) * (1 + 1e-9) + 1e-300)
    d = np.diff(traj.x, axis=-2)
    dots = np.einsum("...ti,...ti->...t", d[..., 1:, :], d[..., :-1, :])
    size = np.einsum("...ti,...ti->...t", d, d)
    # A step counts as movement unless it is negligible against the run's largest step.
    moving = size[..., 1:] > 1e-18 * size.max(axis=-1, initial=0.0)[..., None]
    n_moving = moving.sum(axis=-1)
    flips = (moving & (dots < 0)).sum(axis=-1)
    oscillating = (flips > 0.5 * np.maximum(n_moving, 1)) & (n_moving >= 2)
    converged = g1 <= tol
    out = np.where(diverging, "diverging",
                   np.where(oscillating, "oscillating", np.where(converged, "converging", "too slow")))
    return out if traj.batched else str(out)


def tail_loss(traj: Trajectory, fraction=0.1):
    """Mean loss over the last ``fraction`` of the points: the noise floor a run settles at.

    With noisy gradients a constant lr keeps bouncing at a level proportional to lr; an
    annealed lr lowers it. One float (an array for many runs).

    >>> float(tail_loss(descend("parabola", "sgd", x0=(1.0,), lr=0.5, steps=9)))   # x_1 = 0
    0.0
    """
    fraction = V.number("fraction", fraction, lo=0.0, hi=1.0, lo_open=True)
    n = max(int(round(traj.loss.shape[-1] * fraction)), 1)
    return traj.loss[..., -n:].mean(axis=-1)


def effective_lr(traj: Trajectory):
    """Per-coordinate step size the optimizer actually used: ``-(x_{t+1} - x_t) / g_t``.

    For SGD this is ``lr``; for adaptive methods it shows how each coordinate's step was
    rescaled. Entries with ``g_t == 0`` are NaN. Shape ``(..., steps, dim)``.
    """
    with np.errstate(all="ignore"):
        step = np.diff(traj.x, axis=-2)
        return np.where(traj.grad != 0, -step / traj.grad, np.nan)


@dataclass(frozen=True)
class SweepResult:
    """Final loss, regime and speed of one run per learning rate (see :func:`sweep`).

    ``steps_to_tol`` counts steps until the loss gap is within ``tol`` for good (-1: never).
    """

    lr: np.ndarray
    final_loss: np.ndarray
    gap: np.ndarray
    regime: np.ndarray
    steps_to_tol: np.ndarray
    diverged_at: np.ndarray
    tol: float
    trajectory: Trajectory

    @property
    def best_lr(self) -> float:
        """The learning rate whose run reached the tolerance and stayed there first
        (ties, and when none did: the lowest final loss)."""
        reached = self.steps_to_tol >= 0
        if reached.any():
            steps = np.where(reached, self.steps_to_tol, np.iinfo(np.int64).max)
            candidates = np.flatnonzero(steps == steps.min())
        else:
            candidates = np.arange(self.lr.size)
        gap = np.where(np.isfinite(self.gap[candidates]), self.gap[candidates], np.inf)
        return float(self.lr[candidates[np.argmin(gap)]])


def sweep(surface, optimizer="sgd", lrs=None, steps=100, x0=None, tol=1e-6, noise=0.0, seed=None):
    """Run one descent per learning rate in a single batched call and summarize each.

    Args:
        lrs: 1-D array of learning rates (default ``np.logspace(-4, 1, 200)``).
        the rest: as in :func:`descend`; ``tol`` as in :func:`regime`.

    >>> r = sweep("scaled_parabola", "sgd", lrs=[0.05, 0.15, 0.25], steps=100, x0=(1.0,))
    >>> [str(v) for v in r.regime]
    ['converging', 'oscillating', 'diverging']
    """
    lrs = np.logspace(-4, 1, 200) if lrs is None else np.atleast_1d(V.learning_rates(lrs, "lrs"))
    traj = descend(surface, optimizer, x0=x0, steps=steps, lr=lrs, noise=noise, seed=seed)
    gap = _gap(traj, None)[:, -1]
    return SweepResult(lr=lrs, final_loss=traj.final_loss, gap=gap, regime=regime(traj, tol),
                       steps_to_tol=steps_to_tolerance(traj, tol, stay=True), diverged_at=traj.diverged_at,
                       tol=tol, trajectory=traj)


def tuned_lr(surface, optimizer="sgd", lrs=None, steps=100, x0=None, tol=1e-6):
    """The best learning rate from a :func:`sweep` (default grid ``np.logspace(-4, 1, 200)``)."""
    return sweep(surface, optimizer, lrs=lrs, steps=steps, x0=x0, tol=tol).best_lr


@dataclass(frozen=True)
class RangeTestResult:
    """An LR range test: losses along an exponential learning-rate ramp and a suggestion."""

    lr: np.ndarray          # learning rate of each step kept (up to the stop)
    loss: np.ndarray        # loss after each such step
    smoothed: np.ndarray    # bias-corrected exponential moving average of loss
    suggestion: float       # lr at the steepest descent of smoothed loss vs log10(lr)
    lr_min_div10: float     # lr at the smoothed minimum, divided by 10 (the other classic rule)
    stopped_at: int         # number of steps kept (the ramp stops when the loss blows up)


def range_test_from_losses(lrs, losses, beta=0.98, stop_factor=4.0):
    """Smooth an LR-ramp loss curve, cut it where it blows up, and suggest a learning rate.

    As in fastai's ``lr_find``: ``avg_t = beta avg_{t-1} + (1 - beta) loss_t`` and
    ``smoothed_t = avg_t / (1 - beta^(t+1))``; stop at the first step where the smoothed loss
    exceeds ``stop_factor`` times its best so far (or is not finite). The suggestion is the
    learning rate where the smoothed loss falls fastest against ``log10(lr)`` (the
    "steepest" rule); ``lr_min_div10`` is the lr of the smoothed minimum over 10.
    """
    lrs = np.asarray(lrs, dtype=float)
    losses = np.asarray(losses, dtype=float)
    smoothed = np.empty_like(losses)
    avg, best, n = 0.0, np.inf, losses.size
    for t, value in enumerate(losses):
        avg = beta * avg + (1 - beta) * value
        smoothed[t] = avg / (1 - beta ** (t + 1))
        if not np.isfinite(smoothed[t]) or (t > 0 and smoothed[t] > stop_factor * best):
            n = t
            break
        best = min(best, smoothed[t])
    lrs, losses, smoothed = lrs[:n], losses[:n], smoothed[:n]
    if n >= 3:
        slope = np.gradient(smoothed, np.log10(lrs))
        suggestion = float(lrs[int(np.argmin(slope))])
    else:
        suggestion = float(lrs[0]) if n else float("nan")
    lr_min = float(lrs[int(np.argmin(smoothed))]) / 10 if n else float("nan")
    return RangeTestResult(lr=lrs, loss=losses, smoothed=smoothed, suggestion=suggestion,
                           lr_min_div10=lr_min, stopped_at=n)


def lr_range_test(surface, optimizer="sgd", lr_min=1e-6, lr_max=10.0, steps=200, x0=None,
                  beta=0.98, stop_factor=4.0, noise=0.0, seed=None):
    """Leslie Smith's LR range test on a surface, in one run with an exponential ramp.

    ``lr_t = lr_min * (lr_max / lr_min) ** (t / (steps - 1))``; the loss after step ``t`` is
    paired with ``lr_t``, then :func:`range_test_from_losses` smooths, stops and suggests.
    """
    lr_min = V.number("lr_min", lr_min, lo=0.0, lo_open=True)
    lr_max = V.number("lr_max", lr_max, lo=0.0, lo_open=True)
    if not lr_min < lr_max:
        V.fail("lr_min / lr_max", (lr_min, lr_max), "need 0 < lr_min < lr_max")
    steps = V.integer("steps", steps, lo=3)
    ramp = lr_min * (lr_max / lr_min) ** (np.arange(steps) / (steps - 1))
    traj = descend(surface, optimizer, x0=x0, steps=steps, lr=lambda t: ramp[t], noise=noise, seed=seed)
    losses = traj.loss[1:].copy()
    if traj.diverged:
        losses[traj.diverged_at - 1:] = np.inf
    return range_test_from_losses(ramp, losses, beta=beta, stop_factor=stop_factor)
