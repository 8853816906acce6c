"""Optimizers fed gradients that are not a smooth function of x: sparse features, given sequences.

``descend`` computes ``grad f(x_t)`` of one fixed surface at every step. Two things a
course on adaptive optimizers needs do not fit that loop:

- **sparse features**, where each step sees one example and a rare feature's gradient is
  exactly zero in most steps and full-size in the few examples that contain it
  (:func:`sparse_descend`);
- **a given gradient sequence**, to show what an update rule does with, say, a long calm
  followed by one large gradient (:func:`feed`).

Both return a :class:`~lrviz.engine.descent.Trajectory`, so ``traj.state``,
``traj.derived()`` (``effective_lr`` ...) and :mod:`lrviz.engine.analysis` work as usual.
"""
from __future__ import annotations

import numbers

import numpy as np

from .descent import Trajectory, _freeze_diverged, _lr_table, _resolve, _rng
from .surfaces import Surface, surface as _surface

__all__ = ["feature_mask", "sparse_descend", "feed"]


def _check_p(p):
    if isinstance(p, (bool, np.bool_)) or not isinstance(p, numbers.Real):
        raise TypeError(f"Invalid p: {p!r} (must be a number in (0, 1])")
    if not 0.0 < float(p) <= 1.0:
        raise ValueError(f"Invalid p: {p!r} (must be a number in (0, 1])")
    return float(p)


def _check_steps(steps):
    if isinstance(steps, (bool, np.bool_)) or not isinstance(steps, numbers.Integral):
        raise TypeError(f"Invalid steps: {steps!r} (must be an integer >= 0)")
    if steps < 0:
        raise ValueError(f"Invalid steps: {steps} (must be an integer >= 0)")
    return int(steps)


def feature_mask(steps, p=0.05, seed=0):
    """Which example of each step contains each feature: a ``(steps, 2)`` array of 0.0 / 1.0.

    Feature x is in every example; feature y is in each example independently with
    probability ``p`` (seeded, so a notebook prints the same numbers everywhere).

    >>> m = feature_mask(1000, p=0.05, seed=0)
    >>> bool(m[:, 0].all()), int(m[:, 1].sum())
    (True, 45)
    """
    steps, p = _check_steps(steps), _check_p(p)
    rng = _rng(seed)
    mask = np.ones((steps, 2))
    mask[:, 1] = rng.random(steps) < p
    return mask


def _run(opt, x, steps, lr_table, grad_of, loss_of):
    """The same step loop as ``descend``, with ``grad_of(t, x)`` instead of a surface gradient."""
    runs, dim = x.shape
    x_hist = np.empty((steps + 1, runs, dim))
    loss = np.empty((steps + 1, runs))
    g_hist = np.empty((steps, runs, dim))
    state = opt.init(x)
    hist = {k: np.empty((steps + 1, runs, dim)) for k in opt.state_names}
    with np.errstate(all="ignore"):
        x_hist[0], loss[0] = x, loss_of(x)
        for k in opt.state_names:
            hist[k][0] = getattr(state, k)
        for t in range(steps):
            g = grad_of(t, x)
            g_hist[t] = g
            x, state = opt.update(g, state, x, lr_table)
            x_hist[t + 1], loss[t + 1] = x, loss_of(x)
            for k in opt.state_names:
                hist[k][t + 1] = getattr(state, k)
    return x_hist, loss, g_hist, hist


def _trajectory(s, opt, steps, lr, x0, grad_of, noise=0.0, seed=None):
    if callable(lr):
        raise TypeError(f"Invalid lr: {lr!r} (must be a number >= 0 or a 1-D array of them here)")
    lr_table, runs = _lr_table(opt.hyperparams["lr"] if lr is None else lr, steps)
    start = np.array(s.x0 if x0 is None else x0, dtype=float)
    if start.shape != (s.dim,) or not np.all(np.isfinite(start)):
        raise ValueError(f"Invalid x0: {x0!r} (must be {s.dim} finite numbers)")
    n = runs or 1
    x_hist, loss, g_hist, hist = _run(opt, np.repeat(start[None, :], n, axis=0), steps, lr_table,
                                      grad_of, s.f)
    bad = ~np.isfinite(loss)
    first_bad = np.where(bad.any(axis=0), bad.argmax(axis=0), -1)
    diverged_at = _freeze_diverged(x_hist, loss, g_hist, hist, first_bad)  # as in descend
    lr_hist = np.broadcast_to(np.reshape(lr_table, (1, -1)), (steps, n))

    def out(a):
        a = np.moveaxis(a, 0, 1)
        return a if runs else a[0]

    return Trajectory(x=out(x_hist), loss=out(loss), grad=out(g_hist), lr=out(lr_hist),
                      state={k: out(v) for k, v in hist.items()},
                      diverged_at=diverged_at if runs else (None if diverged_at[0] < 0 else int(diverged_at[0])), surface=s, optimizer=opt,
                      noise=noise, seed=seed, batched=bool(runs))


def sparse_descend(optimizer="adagrad", p=0.05, steps=1000, lr=None, x0=None, noise=0.0, seed=0):
    """One example per step, where feature y is rare: its gradient is 0 unless the example has it.

    The loss of one example is ``0.5 (x - 1)^2 + 0.5 z (y - 1)^2`` with ``z = 1`` when the
    example contains feature y (probability ``p``, seeded by ``seed``), else ``z = 0``.
    So step ``t`` uses the gradient ``(x - 1 + noise e_x, z_t (y - 1 + noise e_y))``: the
    y entry is exactly zero in most steps and as large as x's in the others. The loss
    recorded is the average over all examples, ``lrviz.surface("sparse", p=p)``, which is
    the smooth surface this stream averages to.

    Args:
        optimizer: an :class:`~lrviz.engine.optimizers.Optimizer` or a name.
        p: fraction of examples that contain feature y, in (0, 1].
        steps: number of steps (one example each).
        lr: a number, or a 1-D array (one run per value, all on the same examples).
            Default: the optimizer's.
        x0: start (default ``(-1, -1)``, the ``sparse`` surface's).
        noise: standard deviation of label noise in each example (>= 0).
        seed: seeds which examples contain y, and the noise.

    >>> t = sparse_descend("sgd", p=0.05, steps=100, lr=0.5, seed=0)
    >>> int((t.grad[:, 1] != 0).sum()), round(float(t.x[-1, 0]), 3)
    (6, 1.0)
    """
    s, opt = _resolve(_surface("sparse", p=_check_p(p)), optimizer)
    steps = _check_steps(steps)
    if isinstance(noise, (bool, np.bool_)) or not isinstance(noise, numbers.Real) \
            or not np.isfinite(noise) or noise < 0:
        raise ValueError(f"Invalid noise: {noise!r} (must be a finite number >= 0)")
    rng = _rng(seed)
    mask = feature_mask(steps, p, seed=rng)
    e = rng.standard_normal((steps, 2)) * float(noise) if noise > 0 else np.zeros((steps, 2))

    def grad_of(t, x):
        return mask[t] * (x - 1.0 + e[t])

    return _trajectory(s, opt, steps, lr, x0, grad_of, noise=float(noise), seed=seed)


def feed(optimizer, grads, lr=None, x0=None):
    """Run an optimizer on a given sequence of gradients (one row per step), ignoring x.

    Useful to see what an update rule does with gradients you choose, e.g. a long calm and
    then one large gradient. The loss is recorded as 0 (there is no surface).

    Args:
        optimizer: an Optimizer or a name.
        grads: array of shape ``(steps,)`` (one coordinate) or ``(steps, dim)``, dim 1 or 2.
        lr: a number or a 1-D array (one run per value). Default: the optimizer's.
        x0: start (default the origin).

    >>> t = feed("sgd", [1.0, 2.0], lr=0.5)
    >>> [float(v) for v in t.x[:, 0]]
    [0.0, -0.5, -1.5]
    """
    g = np.asarray(grads, dtype=float)
    if g.ndim == 1:
        g = g[:, None]
    if g.ndim != 2 or g.shape[1] not in (1, 2) or not np.all(np.isfinite(g)):
        raise ValueError(f"Invalid grads: shape {np.shape(grads)} (must be finite, of shape (steps,) "
                         f"or (steps, dim) with dim 1 or 2)")
    dim = g.shape[1]
    flat = Surface("given gradients", dim, lambda x: np.zeros(np.shape(x)[:-1]),
                   lambda x: np.zeros(np.shape(x)), ((-1.0, 1.0),) * dim, x0=(0.0,) * dim)
    _, opt = _resolve(flat, optimizer)
    return _trajectory(flat, opt, g.shape[0], lr, x0, lambda t, x: np.broadcast_to(g[t], x.shape))
