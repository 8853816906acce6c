"""Adam and AdamW: bias-corrected moving averages of g (direction) and g^2 (scale)."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .base import Optimizer, Spec, ema_sq, keras_ema, lerp, lr_of, make, zeros


class AdamState(NamedTuple):
    step: int
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray
    max_exp_avg_sq: np.ndarray | None    # only when amsgrad


def _build(hp, keras, decoupled=False):
    (b1, b2), eps, wd, ams = hp["betas"], hp["eps"], hp["weight_decay"], hp["amsgrad"]
    resolve = lr_of(hp)
    names = ("exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if ams else ())

    def init(params):
        return AdamState(0, zeros(params), zeros(params), zeros(params) if ams else None)

    def update(grad, state, params, lr=None):
        lr = resolve(lr, state)
        step = state.step + 1
        g = np.asarray(grad, dtype=np.float64)
        p = np.asarray(params, dtype=np.float64)
        decay = wd and (decoupled or keras)
        if wd and not decay:
            g = g + wd * p
        if keras:
            m = keras_ema(state.exp_avg, g, b1)
            v = keras_ema(state.exp_avg_sq, np.multiply(g, g), b2)
            den = np.empty_like(v)
        else:
            m = lerp(state.exp_avg, g, 1.0 - b1)
            v, den = ema_sq(state.exp_avg_sq, g, b2)
        vmax = np.maximum(state.max_exp_avg_sq, v) if ams else None
        bc1 = 1 - b1 ** step
        bc2 = 1 - b2 ** step
        np.sqrt(vmax if ams else v, out=den)
        if not keras:
            den /= bc2 ** 0.5
        den += eps
        np.divide(m, den, out=den)
        # one broadcast multiply by lr (an lr of shape (runs, 1) makes it the costly op)
        scale = bc2 ** 0.5 / bc1 if keras else 1.0 / bc1
        if decay:  # p*(1 - lr*wd) - lr*scale*m/den, written as p - lr*(wd*p + scale*m/den)
            den *= scale
            den += wd * p
            den *= -lr
        else:
            den *= -(lr * bc2 ** 0.5 / bc1) if keras else -(lr / bc1)
        den += p
        return den, AdamState(step, m, v, vmax)

    def derived(history, t, lr):
        t = np.asarray(t, float)
        with np.errstate(divide="ignore", invalid="ignore"):
            bc1, bc2 = 1 - b1 ** t, 1 - b2 ** t
            m_hat = np.asarray(history["exp_avg"], float) / bc1
            v_hat = np.asarray(history["exp_avg_sq"], float) / bc2
            v = np.asarray(history["max_exp_avg_sq"], float) / bc2 if ams else v_hat
            e = eps / np.sqrt(bc2) if keras else eps
            return {"m_hat": m_hat, "v_hat": v_hat,
                    "effective_lr": np.asarray(lr, float) / (np.sqrt(v) + e)}

    return init, update, names, derived


def adam(convention="torch", **hyperparams) -> Optimizer:
    """Adam; lr 1e-3, betas (0.9, 0.999), eps 1e-8 (Keras eps 1e-7).

        g = grad + weight_decay * p             (Keras: p <- p - lr * weight_decay * p first)
        exp_avg = lerp(exp_avg, g, 1 - beta1)          (= beta1 * exp_avg + (1 - beta1) * g)
        exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g^2
        v = max_exp_avg_sq = max(max_exp_avg_sq, exp_avg_sq) if amsgrad else exp_avg_sq
        bc1 = 1 - beta1^step,  bc2 = 1 - beta2^step    (step counts from 1)
        torch: p <- p - (lr / bc1) * exp_avg / (sqrt(v) / sqrt(bc2) + eps)
        Keras ("epsilon hat"): p <- p - (lr * sqrt(bc2) / bc1) * exp_avg / (sqrt(v) + eps)

    State: ``exp_avg``, ``exp_avg_sq``, ``max_exp_avg_sq`` (amsgrad). Derived:
    ``m_hat`` = exp_avg / bc1, ``v_hat`` = exp_avg_sq / bc2 and ``effective_lr``, the factor
    multiplying m_hat in the step: lr / (sqrt(v / bc2) + eps) (Keras: lr / (sqrt(v / bc2) +
    eps / sqrt(bc2))), v as in the update.

    >>> opt = adam(lr=0.1)
    >>> round(float(opt.update(np.array([5.0]), opt.init(np.zeros(1)), np.zeros(1))[0][0]), 6)
    -0.1
    """
    return make(ADAM, convention, hyperparams)


def adamw(convention="torch", **hyperparams) -> Optimizer:
    """AdamW: Adam with decoupled weight decay; weight_decay 1e-2 (Keras 4e-3).

        p <- p * (1 - lr * weight_decay)           (first, instead of adding wd * p to g)
        then Adam's step with g = grad (see :func:`adam`).

    State and derived quantities as Adam's.

    >>> opt = adamw(lr=0.1, weight_decay=0.5)
    >>> round(float(opt.update(np.array([5.0]), opt.init(np.ones(1)), np.ones(1))[0][0]), 6)
    0.85
    """
    return make(ADAMW, convention, hyperparams)


_ADAM = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False)
_INSIDE = dict(panel=("m_hat", "sqrt_v_hat", "effective_lr"), derived=("m_hat", "v_hat", "effective_lr"),
               lr_units=("effective_lr",))
ADAM = Spec("adam", _build, _ADAM, keras=dict(eps=1e-7), controls=("beta1", "beta2", "eps"),
            inside=_INSIDE, doc=adam)
ADAMW = Spec("adamw", lambda hp, keras: _build(hp, keras, decoupled=True), {**_ADAM, "weight_decay": 1e-2},
             keras=dict(eps=1e-7, weight_decay=4e-3), controls=("beta1", "beta2", "eps"), inside=_INSIDE,
             doc=adamw)
SPECS = (ADAM, ADAMW)
