"""Adadelta: steps in the units of x, from moving averages of g^2 and of past steps^2."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .base import Optimizer, Spec, ema_sq, first_entry_prev, lr_of, make, prep, zeros


class AdadeltaState(NamedTuple):
    step: int
    square_avg: np.ndarray
    acc_delta: np.ndarray


def _build(hp, keras):
    rho, eps, wd = hp["rho"], hp["eps"], hp["weight_decay"]
    resolve = lr_of(hp)

    def init(params):
        return AdadeltaState(0, zeros(params), zeros(params))

    def update(grad, state, params, lr=None):
        lr = resolve(lr, state)
        g, p = prep(grad, params, wd, keras, lr)
        sa, std = ema_sq(state.square_avg, g, rho)
        np.add(sa, eps, out=std)
        np.sqrt(std, out=std)
        delta = np.add(state.acc_delta, eps)
        np.sqrt(delta, out=delta)
        delta /= std
        delta *= g
        ad, _ = ema_sq(state.acc_delta, delta, rho)
        new = np.multiply(delta, -lr)
        new += p
        return new, AdadeltaState(state.step + 1, sa, ad)

    def derived(history, t, lr):
        sa = np.asarray(history["square_avg"], float)
        prev = first_entry_prev(np.asarray(history["acc_delta"], float), t)
        return {"effective_lr": np.asarray(lr, float) * np.sqrt(prev + eps) / np.sqrt(sa + eps)}

    return init, update, ("square_avg", "acc_delta"), derived


def adadelta(convention="torch", **hyperparams) -> Optimizer:
    """Adadelta; lr 1.0, rho 0.9, eps 1e-6 (Keras: lr 1e-3, rho 0.95, eps 1e-7; same formulas).

        square_avg = rho * square_avg + (1 - rho) * g^2
        delta = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g     (acc_delta of the previous step)
        acc_delta = rho * acc_delta + (1 - rho) * delta^2
        p <- p - lr * delta

    State: ``square_avg``, ``acc_delta``. Derived: ``effective_lr`` =
    lr * sqrt(acc_delta[t-1] + eps) / sqrt(square_avg[t] + eps), pairing each entry with the
    previous one along the history axis (entries must be consecutive steps; the first entry
    uses acc_delta = 0 when its t is 1, else NaN).

    >>> opt = adadelta(eps=1e-6)
    >>> round(float(opt.update(np.array([1.0]), opt.init(np.zeros(1)), np.zeros(1))[0][0]), 6)
    -0.003162
    """
    return make(ADADELTA, convention, hyperparams)


ADADELTA = Spec("adadelta", _build, dict(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0),
                keras=dict(lr=1e-3, rho=0.95, eps=1e-7), controls=("rho", "eps"),
                inside=dict(panel=("grad", "sqrt_square_avg", "effective_lr"), derived=("effective_lr",),
                            lr_units=("effective_lr",)), doc=adadelta)
SPECS = (ADADELTA,)
