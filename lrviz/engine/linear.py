"""Momentum on a quadratic, exactly: the 2x2 iteration matrix, its spectral radius, tuning.

On one eigen-direction of a quadratic, ``f(x) = lam/2 x^2`` with curvature ``lam``, the
gradient is ``lam x`` and momentum methods are linear recurrences in ``(x_t, x_{t-1})``.
With ``h = lr * lam`` and momentum ``mu``:

- heavy ball (PyTorch ``SGD(momentum=mu)``: ``b <- mu b + g``, ``x <- x - lr b``)::

      x_{t+1} = (1 + mu - h) x_t - mu x_{t-1}        M = [[1 + mu - h, -mu], [1, 0]]

- Nesterov (PyTorch ``nesterov=True``: ``b <- mu b + g``, ``x <- x - lr (g + mu b)``)::

      x_{t+1} = (1 + mu)(1 - h) x_t - mu (1 - h) x_{t-1}
      M = [[(1 + mu)(1 - h), -mu (1 - h)], [1, 0]]

The error shrinks like ``rho(M)^t``, ``rho`` the spectral radius (largest |eigenvalue|).
Heavy ball is stable for ``0 < h < 2 (1 + mu)``, Nesterov for ``0 < h < 2 (1 + mu) / (1 + 2 mu)``
(``lrviz.analysis.critical_lr`` gives both). Heavy ball's two eigenvalues meet
(critical damping) at ``mu = (1 - sqrt(h))^2``, where ``rho = |1 - sqrt(h)|``, its smallest
value for that ``h``. For curvatures in ``[m, L]`` (condition number ``kappa = L / m``) the best
heavy ball takes ``lr = 4 / (sqrt(L) + sqrt(m))^2`` and ``mu = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2``,
with rate ``(sqrt(kappa) - 1) / (sqrt(kappa) + 1)`` against gradient descent's best
``(kappa - 1) / (kappa + 1)`` at ``lr = 2 / (L + m)``: about ``sqrt(kappa)`` times fewer steps.

Also here: Keras's form of momentum, ``v <- mu v - lr g``, ``x <- x + v``, as a plain reference
loop written from Keras's formula, which tests hold ``optimizer(..., convention="keras")`` to
(equal to PyTorch's form for a constant lr; the two part ways under a schedule).
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .analysis import steps_to_tolerance
from .descent import descend
from .optimizers import optimizer as _optimizer
from .surfaces import surface as _surface

__all__ = ["iteration_matrix", "eigenvalues", "spectral_radius", "critical_damping",
           "tuned_gd", "tuned_heavy_ball", "linear_path", "keras_momentum_path",
           "tune_momentum", "TunedMomentum"]


def _nonneg(name, value, upper=None, upper_text=""):
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"Invalid {name}: {value!r} ({name} must be a number)")
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"Invalid {name}: {value!r} ({name} must be a number or an array of numbers)") from None
    if not np.all(np.isfinite(a)) or np.any(a < 0) or (upper is not None and np.any(a >= upper)):
        allowed = f"must be finite and >= 0{upper_text}"
        raise ValueError(f"Invalid {name}: {value!r} ({allowed})")
    return a


def _coefficients(lr, lam, momentum, nesterov):
    """(trace, determinant) of the iteration matrix: z^2 - T z + D = 0."""
    lr = _nonneg("lr", lr)
    lam = _nonneg("lam", lam)
    mu = _nonneg("momentum", momentum, 1.0, " and < 1")
    h = lr * lam
    if nesterov:
        return (1.0 + mu) * (1.0 - h), mu * (1.0 - h)
    return 1.0 + mu - h, mu * np.ones_like(h)


def iteration_matrix(lr, lam, momentum=0.0, nesterov=False):
    """The 2x2 matrix mapping ``(x_t, x_{t-1})`` to ``(x_{t+1}, x_t)`` on ``f = lam/2 x^2``.

    Heavy ball: ``[[1 + mu - h, -mu], [1, 0]]``; Nesterov: ``[[(1 + mu)(1 - h), -mu (1 - h)], [1, 0]]``,
    with ``h = lr * lam``. Broadcasts over array arguments: shape ``(..., 2, 2)``.

    >>> iteration_matrix(0.1, 10.0, 0.5).tolist()
    [[0.5, -0.5], [1.0, 0.0]]
    """
    T, D = np.broadcast_arrays(*_coefficients(lr, lam, momentum, nesterov))
    m = np.zeros(T.shape + (2, 2))
    m[..., 0, 0] = T
    m[..., 0, 1] = -D
    m[..., 1, 0] = 1.0
    return m


def eigenvalues(lr, lam, momentum=0.0, nesterov=False):
    """Both eigenvalues of :func:`iteration_matrix` (complex), largest modulus first, shape ``(..., 2)``.

    They solve ``z^2 - T z + D = 0`` with ``T, D`` the matrix's trace and determinant.

    >>> [complex(round(z.real, 6), round(z.imag, 6)) for z in eigenvalues(0.25, 1.0, 0.25)]
    [(0.5+0j), (0.5+0j)]
    """
    T, D = np.broadcast_arrays(*_coefficients(lr, lam, momentum, nesterov))
    root = np.sqrt(T * T - 4.0 * D + 0j)
    z = np.stack([(T + root) / 2.0, (T - root) / 2.0], axis=-1)
    order = np.argsort(-np.abs(z), axis=-1, kind="stable")
    return np.take_along_axis(z, order, axis=-1)


def spectral_radius(lr, lam, momentum=0.0, nesterov=False):
    """``rho = max |eigenvalue|`` of the iteration matrix: the error shrinks like ``rho^t``; > 1 diverges.

    Without momentum it is ``|1 - lr lam|``. Vectorized over arrays (a float for scalars).

    >>> round(float(spectral_radius(0.01, 100.0, 0.0)), 6)   # |1 - 1| = 0: one step
    0.0
    >>> round(float(spectral_radius(0.01, 1.0, 0.81)), 6)    # complex pair: |z| = sqrt(mu)
    0.9
    """
    r = np.abs(eigenvalues(lr, lam, momentum, nesterov))[..., 0]
    return float(r) if r.ndim == 0 else r


def critical_damping(h):
    """The heavy-ball momentum at which both eigenvalues meet: ``mu = (1 - sqrt(h))^2``, ``h = lr lam``.

    Below it the eigenvalues are real (the error decays without oscillating, slowly); above
    it they are a complex pair of modulus ``sqrt(mu)`` (it spirals in). At ``mu`` itself
    ``rho = |1 - sqrt(h)|``, the smallest radius any momentum gives for this ``h`` (0 < h < 4).

    >>> critical_damping(0.01)
    0.81
    """
    h = _nonneg("h", h, 4.0, " and < 4 (h = lr * lam)")
    out = (1.0 - np.sqrt(h)) ** 2
    return float(out) if out.ndim == 0 else out


def _kappa_pair(m, L):
    m = float(_nonneg("m", m))
    L = float(_nonneg("L", L))
    if not 0 < m <= L:
        raise ValueError(f"Invalid m, L: {m!r}, {L!r} (need 0 < m <= L)")
    return m, L


def tuned_gd(m, L):
    """Gradient descent's best constant lr for curvatures in ``[m, L]`` and its rate.

    ``lr = 2 / (L + m)`` balances ``|1 - lr m| = |1 - lr L| = (kappa - 1) / (kappa + 1)``.
    Returns ``(lr, rate)``.

    >>> tuned_gd(1.0, 3.0)
    (0.5, 0.5)
    """
    m, L = _kappa_pair(m, L)
    return 2.0 / (L + m), (L - m) / (L + m)


def tuned_heavy_ball(m, L):
    """The heavy ball's best ``(lr, momentum, rate)`` for curvatures in ``[m, L]`` (Polyak).

    ``lr = 4 / (sqrt(L) + sqrt(m))^2``, ``mu = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2``,
    ``rate = sqrt(mu) = (sqrt(kappa) - 1) / (sqrt(kappa) + 1)``: both ends of the spectrum
    are critically damped and every curvature in between spirals in at ``sqrt(mu)``.

    >>> [round(v, 6) for v in tuned_heavy_ball(1.0, 9.0)]
    [0.25, 0.25, 0.5]
    """
    m, L = _kappa_pair(m, L)
    sk = math.sqrt(L / m)
    rate = (sk - 1.0) / (sk + 1.0)
    return 4.0 / (math.sqrt(L) + math.sqrt(m)) ** 2, rate * rate, rate


def linear_path(lr, lam, momentum, x0, steps, nesterov=False):
    """PyTorch's (Nesterov) momentum on ``f = lam/2 x^2`` from ``x0``, by powers of the iteration matrix.

    The first step has no previous point: heavy ball starts from ``(x_0, x_{-1} = x_0)``
    (``b_1 = g_1`` gives ``x_1 = x_0 - lr g_0``); Nesterov's first step is
    ``x_1 = x_0 - lr (1 + mu) g_0``, then the matrix takes over. Returns ``x_0 .. x_steps``.

    >>> [round(float(v), 6) for v in linear_path(0.1, 1.0, 0.5, 1.0, 3)]
    [1.0, 0.9, 0.76, 0.614]
    """
    if isinstance(steps, (bool, np.bool_)) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"Invalid steps: {steps!r} (must be an integer >= 0)")
    m = iteration_matrix(lr, lam, momentum, nesterov)
    if m.ndim != 2:
        raise ValueError(f"Invalid lr / lam / momentum: one value each (got shape {m.shape[:-2]})")
    if isinstance(x0, (bool, np.bool_)) or np.ndim(x0) != 0 or not np.isfinite(np.asarray(x0, dtype=float)):
        raise ValueError(f"Invalid x0: {x0!r} (must be one finite number: one eigen-direction)")
    x0 = float(x0)
    out = np.empty(steps + 1)
    out[0] = x0
    if steps == 0:
        return out
    if nesterov:
        out[1] = x0 - float(lr) * (1.0 + float(momentum)) * float(lam) * x0
        state, start = np.array([out[1], x0]), 2
    else:
        state, start = np.array([x0, x0]), 1
    for t in range(start, steps + 1):
        state = m @ state
        out[t] = state[0]
    return out


def keras_momentum_path(surface, lr, momentum=0.9, x0=None, steps=100, nesterov=False):
    """tf.keras SGD with momentum, the velocity form with the learning rate folded in.

    ``v_0 = 0``; each step ``v <- mu v - lr_t g_t``, then ``x <- x + v``
    (Nesterov: ``x <- x + mu v - lr_t g_t`` with the new ``v``). For a constant lr,
    ``v_t = -lr b_t`` with PyTorch's buffer ``b``, so both forms give the same points; under a
    schedule Keras's velocity keeps each old gradient at the lr it was taken with, while
    PyTorch multiplies the whole buffer by today's lr.

    Args:
        surface: a Surface or catalog name.
        lr: a number or a callable of the 0-based step (a schedule).
        momentum, steps, nesterov: as in tf.keras ``SGD``; x0 defaults to the surface's.

    Returns:
        The points ``x_0 .. x_steps``, shape ``(steps + 1, dim)``.

    >>> keras_momentum_path("parabola", 0.25, 0.5, x0=(1.0,), steps=3)[:, 0].tolist()
    [1.0, 0.5, 0.0, -0.25]
    """
    s = _surface(surface) if isinstance(surface, str) else surface
    _optimizer("momentum", lr=lr if callable(lr) else float(_nonneg("lr", lr)), momentum=momentum)
    mu = float(_nonneg("momentum", momentum, 1.0, " and < 1"))
    x = np.array(s.x0 if x0 is None else x0, dtype=float).reshape(s.dim)
    v = np.zeros_like(x)
    out = [x.copy()]
    for t in range(steps):
        g = s.grad(x)
        rate = lr(t) if callable(lr) else lr
        v = mu * v - rate * g
        x = x + (mu * v - rate * g if nesterov else v)
        out.append(x.copy())
    return np.array(out)


class TunedMomentum(NamedTuple):
    """The best grid point of :func:`tune_momentum`: ``steps`` to the tolerance (-1: none reached)."""
    lr: float
    momentum: float
    steps: int


def tune_momentum(surface, lrs, momenta=(0.0,), steps=1000, tol=1e-6, nesterov=False, x0=None):
    """Grid-search ``(lr, momentum)`` for the fewest steps until the loss stays within ``tol``.

    One batched :func:`descend` per momentum over all ``lrs``; ``momentum = 0`` is plain SGD.
    Ties go to the smaller momentum, then the smaller lr.

    >>> tune_momentum("parabola", [0.1, 0.5], steps=10, x0=(1.0,))   # lr 0.5 jumps to 0
    TunedMomentum(lr=0.5, momentum=0.0, steps=1)
    """
    lrs = np.asarray(lrs, dtype=float)
    if lrs.ndim != 1 or lrs.size == 0:
        raise ValueError(f"Invalid lrs: shape {lrs.shape} (must be a non-empty 1-D array)")
    best = TunedMomentum(float(lrs[0]), float(momenta[0]), -1)
    for mu in momenta:
        if mu == 0:
            opt = _optimizer("sgd")
        else:
            opt = _optimizer("nesterov" if nesterov else "momentum", momentum=float(mu))
        n = steps_to_tolerance(descend(surface, opt, x0=x0, steps=steps, lr=lrs), tol, stay=True)
        n = np.atleast_1d(n)
        if np.any(n >= 0):
            j = int(np.argmin(np.where(n >= 0, n, np.iinfo(np.int64).max)))
            if best.steps < 0 or n[j] < best.steps:
                best = TunedMomentum(float(lrs[j]), float(mu), int(n[j]))
    return best
