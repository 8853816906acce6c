"""descend(): run any optimizer on any surface, batched over learning rates and starts.

The loop is the same for every optimizer::

    g_t     = grad f(x_t) + noise * z_t          z_t ~ N(0, I), seeded
    x_{t+1} = update(g_t, state_t, x_t, lr_t)    the optimizer's rule

with ``lr_t`` the learning rate at the 0-based step ``t`` (a number, one number per
run, or a schedule evaluated at t). Many runs (an array of learning rates and/or of
start points) go through one numpy computation, step by step.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass, field, replace

import numpy as np

from . import validate as V
from .optimizers import OPTIMIZERS, Optimizer, optimizer as _make_optimizer
from .surfaces import Surface, surface as _lookup_surface

__all__ = ["Trajectory", "descend"]

@dataclass(frozen=True)
class Trajectory:
    """The record of one or many descents.

    Shapes, with ``R`` runs (no runs axis for a single run) and ``T = steps``:

    - ``x``: ``(R, T+1, dim)``, the points visited, ``x[..., 0, :]`` is the start.
    - ``loss``: ``(R, T+1)``, f at each point.
    - ``grad``: ``(R, T, dim)``, the gradient used at each step, noise included.
    - ``lr``: ``(R, T)``, the learning rate used at each step.
    - ``state``: name -> ``(R, T+1, dim)``, the optimizer's internal variables
      (torch.optim's names: ``exp_avg``, ``exp_avg_sq``, ``square_avg``, ``sum``,
      ``acc_delta``, ``momentum_buffer`` ...), entry 0 the initial state.
    - ``diverged_at``: the first step whose point or loss overflowed (``None`` if
      never); for many runs an int array with ``-1`` for runs that never did. A run
      stays at its last finite point ``x[k-1]`` from step ``k = diverged_at`` on, and the
      step that overflowed and all later ones are recorded with gradient 0.
    - ``optimizer``: the optimizer it ran with; ``optimizer.hyperparams["lr"]`` is the lr
      actually used (the ``lr=`` given to :func:`descend`, else the optimizer's own).
    """

    x: np.ndarray
    loss: np.ndarray
    grad: np.ndarray
    lr: np.ndarray
    state: dict
    diverged_at: object
    surface: Surface
    optimizer: Optimizer
    noise: float = 0.0
    seed: object = None
    batched: bool = field(default=False)

    @property
    def steps(self) -> int:
        """Number of optimizer steps taken."""
        return self.lr.shape[-1]

    @property
    def runs(self) -> int:
        """Number of runs (1 for a single run)."""
        return self.x.shape[0] if self.batched else 1

    @property
    def diverged(self):
        """True where a run overflowed (bool, or a bool array for many runs)."""
        if self.batched:
            return np.asarray(self.diverged_at) >= 0
        return self.diverged_at is not None

    @property
    def final_x(self) -> np.ndarray:
        """The last point of each run."""
        return self.x[..., -1, :]

    @property
    def final_loss(self):
        """The loss at the last point of each run."""
        return self.loss[..., -1]

    def run(self, i: int) -> "Trajectory":
        """Run ``i`` of a batch as a single run: the record :func:`descend` gives for that
        lr and start alone, number for number (every run of a batch sees the same noise,
        and numpy's elementwise arithmetic does not depend on how many runs it carries).
        Its optimizer records that run's lr."""
        if not self.batched:
            V.fail("run", i, "a single run has no runs to choose from; this is one", TypeError)
        if isinstance(i, (bool, np.bool_)) or not isinstance(i, numbers.Integral):
            V.fail("run", i, f"must be an integer in 0..{self.runs - 1}", TypeError)
        if not 0 <= i < self.runs:
            V.fail("run", i, f"must be an integer in 0..{self.runs - 1}")
        opt, lr = self.optimizer, self.optimizer.hyperparams["lr"]
        if np.ndim(lr) == 1 and opt.name in OPTIMIZERS:
            opt = _make_optimizer(opt, lr=float(lr[i]))
        at = int(np.asarray(self.diverged_at)[i])
        return replace(self, x=self.x[i].copy(), loss=self.loss[i].copy(), grad=self.grad[i].copy(),
                       lr=self.lr[i].copy(), state={k: v[i].copy() for k, v in self.state.items()},
                       diverged_at=None if at < 0 else at, optimizer=opt, batched=False)

    def derived(self) -> dict:
        """Optimizer-specific views of the state history (bias-corrected moments,
        effective per-coordinate learning rate ...), shaped like ``state`` entries.

        Entry 0 (the initial state, before any step) is NaN: bias corrections and step
        sizes are undefined there (e.g. RMSProp's lr / eps from a zero average), and a
        plot should not show them.
        """
        t = np.arange(self.steps + 1).reshape(-1, 1)
        lr = np.concatenate([self.lr[..., :1], self.lr], axis=-1)[..., None]
        with np.errstate(all="ignore"):
            out = self.optimizer.derived(self.state, t, lr)
        for v in out.values():
            v[..., 0, :] = np.nan
        return out


def _lr_table(lr, steps):
    """Return (table, runs): ``(steps, 1, 1)`` for a schedule, else a float or ``(runs, 1)``."""
    if callable(lr):
        t = np.arange(steps)
        try:
            values = np.asarray(lr(t), dtype=float) if steps else np.zeros(0)
        except (TypeError, ValueError) as err:
            V.fail("lr", lr, f"the schedule failed on steps 0..{steps - 1}: {err}")
        if values.ndim == 0:
            values = np.full(steps, float(values))
        if values.shape != (steps,):
            V.fail("lr", lr, f"a schedule must return one learning rate per step; "
                             f"it returned shape {values.shape} for {steps} steps")
        bad = ~np.isfinite(values) | (values < 0)
        if bad.any():
            t = int(np.flatnonzero(bad)[0])
            V.fail("lr", lr, f"a schedule must give a finite number >= 0 at every step; "
                             f"step {t} gave {V.show(values[t])}")
        return values.reshape(steps, 1, 1), None
    values = V.lr_or_schedule(lr)
    if np.ndim(values) == 0:
        return values, None
    return values.reshape(-1, 1), values.shape[0]


def _start_points(x0, s):
    """Return (points of shape (runs, dim), runs or None for a single start)."""
    if x0 is None:
        if s.x0 is None:
            V.fail("x0", None, f"surface {s.name!r} has no default start; pass x0")
        x0 = s.x0
    allowed = f"must be finite numbers of shape ({s.dim},) or (runs, {s.dim})"
    if isinstance(x0, (str, bytes, bool, np.bool_)):
        V.fail("x0", x0, allowed, TypeError)
    try:
        pts = np.array(x0, dtype=float)
    except (TypeError, ValueError):
        V.fail("x0", x0, allowed, TypeError)
    if s.dim == 1 and pts.ndim == 0:
        pts = pts.reshape(1)
    if s.dim == 1 and pts.ndim == 1 and pts.shape[0] > 1:
        pts = pts[:, None]  # a 1-D surface: a flat array is one start per run
    if pts.ndim == 1 and pts.shape == (s.dim,):
        runs = None
        pts = pts[None, :]
    elif pts.ndim == 2 and pts.shape[1] == s.dim and pts.shape[0] >= 1:
        runs = pts.shape[0]
    else:
        V.fail("x0", x0, f"{allowed} for the {s.dim}-D surface {s.name!r}; got shape {pts.shape}")
    if not np.all(np.isfinite(pts)):
        V.fail("x0", x0, allowed)
    return pts, runs


def _rng(seed):
    if isinstance(seed, np.random.Generator):
        return seed
    allowed = "must be None, an integer >= 0 or a numpy Generator"
    if seed is not None and (isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral)):
        V.fail("seed", seed, allowed, TypeError)
    if seed is not None and seed < 0:
        V.fail("seed", seed, allowed)
    return np.random.default_rng(seed)


def _resolve(surface, optimizer):
    s = _lookup_surface(surface) if isinstance(surface, str) else surface
    if not isinstance(s, Surface):
        V.fail("surface", surface, "must be a Surface or a catalog name", TypeError)
    opt = _make_optimizer(optimizer) if isinstance(optimizer, str) else optimizer
    if not isinstance(opt, Optimizer):
        V.fail("optimizer", optimizer, "must be a name such as 'adam' or an Optimizer", TypeError)
    return s, opt


def descend(surface, optimizer="sgd", x0=None, steps=100, lr=None, noise=0.0, seed=None) -> Trajectory:
    """Run ``optimizer`` on ``surface`` for ``steps`` steps, for one or many runs at once.

    Each step: ``g_t = grad f(x_t) + noise * z_t`` then ``x_{t+1} = update(g_t, state, x_t, lr_t)``.

    Args:
        surface: a :class:`Surface` or a catalog name such as ``"rosenbrock"``.
        optimizer: an :class:`Optimizer` or a name such as ``"adam"`` (default hyperparameters).
        x0: start point of shape ``(dim,)``, or ``(runs, dim)`` for many starts
            (for a 1-D surface a flat array is one start per run). Default: the surface's.
        steps: number of optimizer steps (an integer >= 0).
        lr: a number, an array of shape ``(runs,)`` (one run per value), or a callable
            of the 0-based step (a schedule). Default: the optimizer's ``lr``.
        noise: standard deviation of Gaussian noise added to every gradient (>= 0).
            All runs of one call see the same noise sequence, so a run in a batch gives
            exactly the numbers it gives alone, and learning rates are compared fairly.
        seed: int, ``None`` or ``np.random.Generator`` for the noise.

    Returns:
        A :class:`Trajectory`. A run whose point or loss overflows stops at its last
        finite point and ``diverged_at`` says when; no RuntimeWarning is emitted.

    >>> traj = descend("parabola", "sgd", x0=(1.0,), steps=3, lr=0.25)
    >>> [round(float(v), 4) for v in traj.x[:, 0]]
    [1.0, 0.5, 0.25, 0.125]
    """
    s, opt = _resolve(surface, optimizer)
    steps = V.integer("steps", steps, lo=0)
    noise = V.number("noise", noise, lo=0.0)
    if lr is None:
        lr = opt.hyperparams["lr"]
    lr_table, lr_runs = _lr_table(lr, steps)
    if lr is not opt.hyperparams["lr"] and opt.name in OPTIMIZERS:
        opt = _make_optimizer(opt, lr=lr)  # the trajectory's optimizer records the lr it ran with
    start, x_runs = _start_points(x0, s)
    if lr_runs and x_runs and lr_runs != x_runs:
        V.fail("lr / x0", (lr_runs, x_runs), f"{lr_runs} learning rates but {x_runs} start points; "
                                             f"give one of them, or the same number of each")
    batched = bool(lr_runs or x_runs)
    runs = lr_runs or x_runs or 1
    rng = _rng(seed)
    z = rng.standard_normal((steps, s.dim)) * noise if noise > 0 else None

    x_hist, loss, g_hist, hist, first_bad = _loop(s, opt, np.repeat(start, runs // start.shape[0], axis=0),
                                                  steps, lr_table, z)
    lr_hist = np.broadcast_to(lr_table if np.ndim(lr_table) == 3 else np.reshape(lr_table, (1, -1, 1)),
                              (steps, runs, 1))[..., 0]
    diverged_at = _freeze_diverged(x_hist, loss, g_hist, hist, first_bad)

    def out(a):  # time-major (T, R, ...) -> (R, T, ...), without the runs axis for one run
        a = np.moveaxis(a, 0, 1)
        return a if batched else a[0]

    return Trajectory(
        x=out(x_hist), loss=out(loss), grad=out(g_hist), lr=out(lr_hist),
        state={k: out(v) for k, v in hist.items()},
        diverged_at=diverged_at if batched else (None if diverged_at[0] < 0 else int(diverged_at[0])),
        surface=s, optimizer=opt, noise=noise, seed=seed, batched=batched,
    )


# Steps between the loop's checks that some run still has a finite point.
_CHECK_EVERY = 16
# Points per call when the losses are evaluated after the loop (bounds the temporaries of a sweep).
_LOSS_CHUNK = 1 << 16


def _loop(s, opt, x, steps, lr_table, z):
    """The step loop, time-major so each step writes contiguous rows.

    Returns the histories and, per run, the first step whose loss is not finite (-1: none).
    The losses are evaluated after the loop, every step at once (``_losses``): one call
    instead of one per step, the same numbers. A run whose loss stopped being finite is
    carried on (``_freeze_diverged`` holds it at its last finite point afterwards); once
    no run has a finite point left, the loop stops (checked every ``_CHECK_EVERY`` steps).
    """
    runs, dim = x.shape
    x_hist = np.empty((steps + 1, runs, dim))
    g_hist = np.empty((steps, runs, dim))
    state = opt.init(x)
    hist = {k: np.empty((steps + 1, runs, dim)) for k in opt.state_names}
    scheduled = isinstance(lr_table, np.ndarray) and lr_table.ndim == 3
    with np.errstate(all="ignore"):  # overflow is detected and reported, not warned about
        x_hist[0] = x
        for k in opt.state_names:
            hist[k][0] = getattr(state, k)
        for t in range(steps):
            g = s.grad(x)
            if z is not None:
                g = g + z[t]
            g_hist[t] = g
            lr_t = lr_table[t] if scheduled else lr_table
            x, state = opt.update(g, state, x, lr_t)
            x_hist[t + 1] = x
            for k in opt.state_names:
                hist[k][t + 1] = getattr(state, k)
            if t % _CHECK_EVERY == _CHECK_EVERY - 1 and not np.isfinite(x).all(axis=-1).any():
                _fill_rest(t + 1, x_hist, g_hist, hist)  # every run is over: skip the rest
                break
        loss = _losses(s, x_hist)
    bad = ~np.isfinite(loss)
    first_bad = np.where(bad.any(axis=0), bad.argmax(axis=0), -1)
    return x_hist, loss, g_hist, hist, first_bad


def _losses(s, x_hist):
    """``f(x_t)`` for every step and run of a ``(steps + 1, runs, dim)`` history, in chunks."""
    n, runs, dim = x_hist.shape
    loss = np.empty((n, runs))
    rows = max(1, _LOSS_CHUNK // max(runs, 1))
    for a in range(0, n, rows):
        b = min(a + rows, n)
        loss[a:b] = np.reshape(s.f(x_hist[a:b].reshape(-1, dim)), (b - a, runs))
    return loss


def _fill_rest(t, x_hist, g_hist, hist):
    x_hist[t + 1:] = np.nan
    g_hist[t:] = np.nan
    for v in hist.values():
        v[t + 1:] = np.nan


def _freeze_diverged(x_hist, loss, g_hist, hist, first_bad):
    """Hold each overflowed run at its last finite point.

    Vectorized over the diverged runs, since a sweep may have thousands of them.
    """
    cols = np.flatnonzero(first_bad >= 0)
    if cols.size:
        k = first_bad[cols]
        hold = np.minimum(np.arange(loss.shape[0])[:, None], np.maximum(k - 1, 0)[None, :])
        x_hist[:, cols] = x_hist[hold, cols]
        loss[:, cols] = loss[hold, cols]
        for v in hist.values():
            v[:, cols] = v[hold, cols]
        # No step is taken from the last finite point on: its gradient is recorded as 0.
        g = g_hist[:, cols]
        after = np.arange(g_hist.shape[0])[:, None] >= np.maximum(k - 1, 0)[None, :]
        g_hist[:, cols] = np.where(after[..., None], 0.0, g)
    return first_bad
