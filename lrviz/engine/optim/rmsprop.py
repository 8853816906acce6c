"""RMSprop: divide each coordinate's step by a moving root mean square of its gradients."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .base import Optimizer, Spec, ema_sq, lerp, lr_of, make, prep, zeros


class RMSpropState(NamedTuple):
    step: int
    square_avg: np.ndarray
    grad_avg: np.ndarray | None          # only when centered
    momentum_buffer: np.ndarray | None   # only when momentum > 0


def _build(hp, keras):
    alpha, eps, wd, mom, centered = hp["alpha"], hp["eps"], hp["weight_decay"], hp["momentum"], hp["centered"]
    resolve = lr_of(hp)
    names = ("square_avg",) + (("grad_avg",) if centered else ()) + (("momentum_buffer",) if mom > 0 else ())

    def init(params):
        z = zeros(params)
        return RMSpropState(0, z, zeros(params) if centered else None, zeros(params) if mom > 0 else None)

    def _avg(sa, ga, out):
        if ga is not None:  # sa >= ga^2 in exact arithmetic; rounding can break it (torch: NaN)
            np.multiply(ga, ga, out=out)
            np.subtract(sa, out, out=out)
            np.maximum(out, 0.0, out=out)
        else:
            out[...] = sa
        if keras:
            out += eps
            np.sqrt(out, out=out)
        else:
            np.sqrt(out, out=out)
            out += eps
        return out

    def update(grad, state, params, lr=None):
        lr = resolve(lr, state)
        g, p = prep(grad, params, wd, keras, lr)
        sa, avg = ema_sq(state.square_avg, g, alpha)
        ga = lerp(state.grad_avg, g, 1.0 - alpha) if centered else None
        _avg(sa, ga, avg)
        buf = None
        if mom > 0 and keras:  # Keras's momentum buffer holds the lr: buf <- mu*buf + lr*g/avg
            np.divide(g, avg, out=avg)
            avg *= lr
            buf = np.multiply(state.momentum_buffer, mom)
            buf += avg
            return p - buf, RMSpropState(state.step + 1, sa, ga, buf)
        if mom > 0:
            buf = np.multiply(state.momentum_buffer, mom)
            np.divide(g, avg, out=avg)
            buf += avg
            new = np.multiply(buf, -lr)
        else:
            new = np.multiply(g, -lr)
            new /= avg
        new += p
        return new, RMSpropState(state.step + 1, sa, ga, buf)

    def derived(history, t, lr):
        sa = np.asarray(history["square_avg"], float)
        with np.errstate(divide="ignore", invalid="ignore"):
            avg = _avg(sa, history.get("grad_avg") if centered else None, np.empty_like(sa))
            return {"effective_lr": np.asarray(lr, float) / avg}

    return init, update, names, derived


def rmsprop(convention="torch", **hyperparams) -> Optimizer:
    """RMSprop; lr 1e-2, alpha 0.99, eps 1e-8 (Keras: lr 1e-3, alpha = Keras's rho 0.9, eps 1e-7).

        square_avg = alpha * square_avg + (1 - alpha) * g^2
        centered:  grad_avg = lerp(grad_avg, g, 1 - alpha),  v = max(square_avg - grad_avg^2, 0)
        else:      v = square_avg
        torch: avg = sqrt(v) + eps             Keras: avg = sqrt(v + eps)
        momentum = 0:  p <- p - lr * g / avg
        momentum > 0, torch:  buf = momentum * buf + g / avg,       p <- p - lr * buf
        momentum > 0, Keras:  buf = momentum * buf + lr * g / avg,  p <- p - buf

    (g includes weight_decay * p in torch; Keras decays p itself. The max(., 0) guards against
    rounding, where torch would give NaN and Keras has no guard.) State: ``square_avg``,
    ``grad_avg`` (centered), ``momentum_buffer`` (momentum > 0). Derived:
    ``effective_lr`` = lr / avg, the factor multiplying g.

    >>> opt = rmsprop(lr=0.01)
    >>> round(float(opt.update(np.array([3.0]), opt.init(np.zeros(1)), np.zeros(1))[0][0]), 4)
    -0.1
    """
    return make(RMSPROP, convention, hyperparams)


RMSPROP = Spec("rmsprop", _build,
               dict(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False),
               keras=dict(lr=1e-3, alpha=0.9, eps=1e-7), controls=("alpha", "eps", "momentum"),
               inside=dict(panel=("grad", "sqrt_square_avg", "effective_lr"), derived=("effective_lr",),
                           lr_units=("effective_lr",)), doc=rmsprop)
SPECS = (RMSPROP,)
