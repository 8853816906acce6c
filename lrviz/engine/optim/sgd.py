"""SGD, SGD with momentum (heavy ball) and Nesterov momentum: one rule, three presets."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .base import Optimizer, Spec, lr_of, make, prep, zeros


class SGDState(NamedTuple):
    step: int
    momentum_buffer: np.ndarray | None  # None when momentum == 0


def _build(hp, keras):
    mom, damp, wd, nest = hp["momentum"], hp["dampening"], hp["weight_decay"], hp["nesterov"]
    resolve = lr_of(hp)

    def init(params):
        return SGDState(0, zeros(params) if mom else None)

    def update(grad, state, params, lr=None):
        lr = resolve(lr, state)
        g, p = prep(grad, params, wd, keras, lr)
        buf = None
        if mom and keras:  # Keras's velocity holds the lr: m <- mu*m - lr*g
            lg = np.multiply(g, lr if state.step == 0 else (1.0 - damp) * lr)
            buf = -lg if state.step == 0 else np.multiply(state.momentum_buffer, mom) - lg
            new = p + (mom * buf - lg if nest else buf)
            return new, SGDState(state.step + 1, buf)
        if mom:
            if state.step == 0:
                buf = np.array(g, dtype=np.float64, copy=True)
            else:
                buf = np.multiply(state.momentum_buffer, mom)
                buf += (1.0 - damp) * g
            d = g + mom * buf if nest else buf
        else:
            d = g
        new = np.multiply(d, -lr)
        new += p
        return new, SGDState(state.step + 1, buf)

    def derived(history, t, lr):
        if "momentum_buffer" not in history:
            return {}
        buf = np.asarray(history["momentum_buffer"])
        return {"effective_lr": np.broadcast_to(np.asarray(lr, float), buf.shape).copy()}

    return init, update, ("momentum_buffer",) if mom else (), derived


_DEFAULTS = dict(lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False)
_INSIDE = dict(panel=("grad", "momentum_buffer"), derived=("effective_lr",), lr_units=("effective_lr",))


def sgd(convention="torch", **hyperparams) -> Optimizer:
    """Plain gradient descent; lr 1e-3 (Keras 1e-2), momentum 0.

        g = grad + weight_decay * p           (Keras: p <- p - lr * weight_decay * p first)
        p <- p - lr * g

    With ``momentum`` > 0 it is the rule of :func:`momentum`. No state. Arguments as
    torch.optim.SGD: ``lr``, ``momentum``, ``dampening``, ``weight_decay``, ``nesterov``.

    >>> opt = sgd(lr=0.1)
    >>> float(opt.update(np.array([2.0]), opt.init(np.zeros(1)), np.array([1.0]))[0][0])
    0.8
    """
    return make(SGD, convention, hyperparams)


def momentum(convention="torch", **hyperparams) -> Optimizer:
    """SGD with heavy-ball momentum; momentum 0.9, lr 1e-3 (Keras 1e-2).

    torch (the buffer holds gradients, without the lr):
        buf = g at step 1, else momentum * buf + (1 - dampening) * g
        p <- p - lr * buf
    Keras (the velocity holds the lr, so a schedule changes only new steps):
        m = momentum * m - lr * g            (m starts at 0)
        p <- p + m
    For a constant lr, m = -lr * buf and the two agree. State: ``momentum_buffer``
    (Keras: its velocity m). Derived: ``effective_lr`` = lr at each step.

    >>> opt = momentum(lr=0.1)
    >>> p, s = opt.update(np.array([1.0]), opt.init(np.zeros(1)), np.zeros(1))
    >>> p, s = opt.update(np.array([1.0]), s, p)
    >>> round(float(p[0]), 6)        # -0.1 - 0.1 * (0.9 * 1 + 1)
    -0.29
    """
    return make(MOMENTUM, convention, hyperparams)


def nesterov(convention="torch", **hyperparams) -> Optimizer:
    """SGD with Nesterov momentum; momentum 0.9, dampening must be 0.

    torch:  buf = momentum * buf + g;   p <- p - lr * (g + momentum * buf)
    Keras:  m = momentum * m - lr * g;  p <- p + momentum * m - lr * g
    Equal for a constant lr (m = -lr * buf). State: ``momentum_buffer`` (Keras: m).

    >>> opt = nesterov(lr=0.1)
    >>> float(opt.update(np.array([1.0]), opt.init(np.zeros(1)), np.zeros(1))[0][0])
    -0.19
    """
    return make(NESTEROV, convention, hyperparams)


SGD = Spec("sgd", _build, _DEFAULTS, keras=dict(lr=1e-2), controls=(),
           inside=dict(panel=("grad",), derived=(), lr_units=()), doc=sgd)
MOMENTUM = Spec("momentum", _build, {**_DEFAULTS, "momentum": 0.9}, keras=dict(lr=1e-2),
                controls=("momentum",), inside=_INSIDE, doc=momentum)
NESTEROV = Spec("nesterov", _build, {**_DEFAULTS, "momentum": 0.9, "nesterov": True}, keras=dict(lr=1e-2),
                controls=("momentum",), inside=_INSIDE, doc=nesterov)
SPECS = (SGD, MOMENTUM, NESTEROV)
