"""Sharpness of a network's loss: exact Hessian-vector products and the top Hessian eigenvalue.

The network is an MLP with parameters ``(W1, b1, ..., WL, bL)`` (W of shape (in, out), the
layout of :mod:`lrviz.training.nets`), hidden activation ``tanh`` or ``relu``, and loss

    mse:   L(w) = 1/(2n) sum_i ||f(x_i; w) - y_i||^2          (y one-hot)
    xent:  L(w) = 1/n sum_i [logsumexp f(x_i; w) - f(x_i; w)_{y_i}]

``hvp(params, v, X, Y)`` gives H v exactly (no finite differences): Pearlmutter's R-operator,
a forward pass of the directional derivative R{.} = d/dr (.)(w + r v) at r = 0 followed by
the R-backward pass of backpropagation. For a layer z = a W + b, a' = act(z):

    R{z} = R{a} W + a V + c,   R{a'} = act'(z) R{z}
    R{gW} = R{a}^T d + a^T R{d},   R{d_a} = R{d} W^T + d V^T,
    R{d_z} = R{d_a} act'(z) + d_a act''(z) R{z}

where d is the back-propagated gradient and (V, c) the direction's part for (W, b).
The sharpness is the largest eigenvalue of the Hessian H = d^2 L / dw^2; ``top_eigenvalue``
finds it by Lanczos iteration with full reorthogonalisation, warm-started from a previous
eigenvector, to a relative residual ||H u - lam u|| / |lam| <= ``tol`` (default 1e-3).

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X, Y = rng.normal(size=(20, 3)), np.eye(2)[rng.integers(0, 2, 20)]
>>> p = init_mlp((3, 4, 2), seed=0)
>>> v = [rng.normal(size=q.shape) for q in p]
>>> num = [(a - b) / 2e-5 for a, b in zip(grad(add(p, v, 1e-5), X, Y), grad(add(p, v, -1e-5), X, Y))]
>>> bool(np.allclose(np.concatenate([q.ravel() for q in hvp(p, v, X, Y)]),
...                  np.concatenate([q.ravel() for q in num]), rtol=1e-6, atol=1e-9))
True
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["init_mlp", "loss", "grad", "loss_and_grad", "hvp", "hvp_operator", "add", "flatten", "unflatten", "hessian",
           "top_eigenvalue", "lanczos", "Eigen", "ACTIVATIONS", "LOSSES"]

ACTIVATIONS = ("tanh", "relu")
LOSSES = ("mse", "xent")


def _check(activation, kind):
    if activation not in ACTIVATIONS:
        raise ValueError(f"Invalid activation: {activation!r} (must be one of {', '.join(ACTIVATIONS)})")
    if kind not in LOSSES:
        raise ValueError(f"Invalid loss: {kind!r} (must be one of {', '.join(LOSSES)})")


def init_mlp(sizes, seed=0, scale=1.0):
    """Weights for an MLP with layer ``sizes`` (in, hidden..., out): W ~ N(0, scale^2 / fan_in), b = 0.

    >>> [q.shape for q in init_mlp((64, 32, 10))]
    [(64, 32), (32,), (32, 10), (10,)]
    """
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params += [rng.normal(0.0, scale / np.sqrt(fan_in), size=(fan_in, fan_out)), np.zeros(fan_out)]
    return params


def _act(z, activation):
    """act(z), act'(z), act''(z)."""
    if activation == "tanh":
        a = np.tanh(z)
        d1 = 1.0 - a * a
        return a, d1, -2.0 * a * d1
    a = np.maximum(z, 0.0)
    return a, (z > 0).astype(z.dtype), np.zeros_like(z)


def _forward(params, X, activation):
    acts, derivs = [X], []
    for k in range(0, len(params) - 2, 2):
        a, d1, d2 = _act(acts[-1] @ params[k] + params[k + 1], activation)
        acts.append(a)
        derivs.append((d1, d2))
    return acts[-1] @ params[-2] + params[-1], acts, derivs


def loss(params, X, Y, activation="tanh", kind="mse"):
    """The mean loss L(w) over the n rows of X (Y one-hot, shape (n, classes))."""
    _check(activation, kind)
    out = _forward(params, X, activation)[0]
    n = X.shape[0]
    if kind == "mse":
        return float(0.5 * np.sum((out - Y) ** 2) / n)
    m = out.max(axis=-1, keepdims=True)
    lse = np.log(np.exp(out - m).sum(axis=-1)) + m[:, 0]
    return float(np.mean(lse - np.sum(out * Y, axis=-1)))


class _Pass(NamedTuple):
    """One forward and backward pass, kept so that many H v products reuse it."""
    params: list
    loss: float
    grads: list
    acts: list      # the input and each hidden layer's activation
    derivs: list    # (act'(z), act''(z)) per hidden layer
    deltas: list    # dL/dz at each layer's pre-activation (the output layer last)
    d_as: list      # dL/da for each hidden activation
    probs: np.ndarray | None  # softmax of the output (cross-entropy only)
    kind: str


def _pass(params, X, Y, activation, kind):
    """The loss, the gradient and what the R-operator needs, by one forward and backward pass."""
    out, acts, derivs = _forward(params, X, activation)
    n = X.shape[0]
    probs = None
    if kind == "mse":
        diff = out - Y
        value = 0.5 * np.sum(diff * diff) / n
        delta = diff / n
    else:
        m = out.max(axis=-1, keepdims=True)
        z = np.exp(out - m)
        total = z.sum(axis=-1, keepdims=True)
        probs = z / total
        value = np.mean(np.log(total[:, 0]) + m[:, 0] - np.sum(out * Y, axis=-1))
        delta = (probs - Y) / n
    layers = len(params) // 2
    grads, deltas, d_as = [None] * len(params), [None] * layers, [None] * (layers - 1)
    for j in range(layers - 1, -1, -1):
        deltas[j] = delta
        grads[2 * j], grads[2 * j + 1] = acts[j].T @ delta, delta.sum(axis=0)
        if j:
            d_as[j - 1] = delta @ params[2 * j].T
            delta = d_as[j - 1] * derivs[j - 1][0]
    return _Pass(params, float(value), grads, acts, derivs, deltas, d_as, probs, kind)


def _rop(c, v):
    """H v from a kept pass ``c``: the R-forward pass, then the R-backward pass."""
    params, acts, derivs, n = c.params, c.acts, c.derivs, c.acts[0].shape[0]
    layers = len(params) // 2
    r_acts, r_z = [None] * layers, [None] * (layers - 1)
    # R{x} = 0: the first layer's R{z} has no R{a} W term
    for j in range(layers - 1):
        rz = acts[j] @ v[2 * j] + v[2 * j + 1]
        if j:
            rz = rz + r_acts[j] @ params[2 * j]
        r_z[j] = rz
        r_acts[j + 1] = derivs[j][0] * rz
    r_out = acts[-1] @ v[-2] + v[-1]
    if layers > 1:
        r_out = r_out + r_acts[-1] @ params[-2]
    if c.kind == "mse":
        r_delta = r_out / n
    else:
        p = c.probs
        r_delta = p * (r_out - np.sum(p * r_out, axis=-1, keepdims=True)) / n
    hv = [None] * len(params)
    for j in range(layers - 1, -1, -1):
        hv[2 * j] = acts[j].T @ r_delta
        if j:
            hv[2 * j] += r_acts[j].T @ c.deltas[j]
        hv[2 * j + 1] = r_delta.sum(axis=0)
        if j:
            r_da = r_delta @ params[2 * j].T + c.deltas[j] @ v[2 * j].T
            d1, d2 = derivs[j - 1]
            r_delta = r_da * d1 + c.d_as[j - 1] * d2 * r_z[j - 1]
    return hv


def grad(params, X, Y, activation="tanh", kind="mse"):
    """The gradient dL/dw, as a list shaped like ``params``."""
    _check(activation, kind)
    return _pass(params, X, Y, activation, kind).grads


def loss_and_grad(params, X, Y, activation="tanh", kind="mse"):
    """(L(w), dL/dw) from one forward and one backward pass (what a training step needs)."""
    _check(activation, kind)
    c = _pass(params, X, Y, activation, kind)
    return c.loss, c.grads


def hvp(params, v, X, Y, activation="tanh", kind="mse"):
    """The exact Hessian-vector product H v (``v`` shaped like ``params``), by the R-operator."""
    _check(activation, kind)
    return _rop(_pass(params, X, Y, activation, kind), v)


def hvp_operator(params, X, Y, activation="tanh", kind="mse"):
    """A function flat v -> flat H v at ``params``; the forward and backward pass are done once."""
    _check(activation, kind)
    c = _pass(params, X, Y, activation, kind)
    return lambda v: flatten(_rop(c, unflatten(v, params)))


def add(params, v, scale=1.0):
    """params + scale * v, elementwise over the list."""
    return [p + scale * q for p, q in zip(params, v)]


def flatten(arrays):
    """One 1-D vector from a list of arrays."""
    return np.concatenate([np.ravel(a) for a in arrays])


def unflatten(vector, like):
    """The inverse of :func:`flatten`: arrays shaped like ``like``."""
    out, i = [], 0
    for a in like:
        out.append(np.reshape(vector[i:i + a.size], a.shape))
        i += a.size
    return out


def hessian(params, X, Y, activation="tanh", kind="mse"):
    """The full Hessian as a (P, P) matrix, one exact H e_j per column (for small networks)."""
    size = sum(p.size for p in params)
    op = hvp_operator(params, X, Y, activation, kind)
    cols = [op(e) for e in np.eye(size)]
    return np.stack(cols, axis=1)


class Eigen(NamedTuple):
    """The top Hessian eigenvalue, its unit eigenvector (flat), the HVPs used and the residual."""
    value: float
    vector: np.ndarray
    hvps: int
    residual: float


def top_eigenvalue(params, X, Y, activation="tanh", kind="mse", v0=None, tol=1e-3, max_iter=60, seed=0):
    """The largest (algebraic) Hessian eigenvalue by Lanczos with full reorthogonalisation.

    Stops when the Ritz pair's relative residual ||H u - lam u|| / |lam| <= tol. ``v0`` (a
    flat vector, e.g. the previous call's ``vector``) warm-starts it; training changes the
    top eigenvector slowly, so a warm start needs few products.
    """
    size = sum(p.size for p in params)
    return lanczos(hvp_operator(params, X, Y, activation, kind), size, v0=v0, tol=tol, max_iter=max_iter, seed=seed)


def lanczos(op, size, v0=None, tol=1e-3, max_iter=60, seed=0):
    """The largest eigenvalue of the symmetric operator ``op`` (flat v -> flat A v) on R^size.

    Lanczos with full reorthogonalisation, stopped at a relative residual <= ``tol``; what
    :func:`top_eigenvalue` uses, also for a preconditioned Hessian D H D.
    """
    q = np.random.default_rng(seed).normal(size=size) if v0 is None else np.array(v0, dtype=float)
    q /= np.linalg.norm(q)
    Q, alphas, betas = [q], [], []
    best = None
    for j in range(min(max_iter, size)):
        w = op(Q[j])
        alphas.append(float(Q[j] @ w))
        basis = np.array(Q)
        w -= basis.T @ (basis @ w)  # full reorthogonalisation (twice is enough)
        w -= basis.T @ (basis @ w)
        T = np.diag(alphas) + np.diag(betas, 1) + np.diag(betas, -1)
        vals, vecs = np.linalg.eigh(T)
        lam, s = vals[-1], vecs[:, -1]
        beta = float(np.linalg.norm(w))
        residual = abs(beta * s[-1]) / max(abs(lam), 1e-300)
        best = (lam, s, residual)
        if residual <= tol or beta < 1e-12:
            break
        betas.append(beta)
        Q.append(w / beta)
    lam, s, residual = best
    u = np.array(Q[:len(s)]).T @ s
    return Eigen(float(lam), u / np.linalg.norm(u), len(alphas), float(residual))
