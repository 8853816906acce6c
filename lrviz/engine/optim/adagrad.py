"""Adagrad: per-coordinate steps from the sum of all squared gradients so far."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .base import Optimizer, Spec, lr_of, make, prep


class AdagradState(NamedTuple):
    step: int
    sum: np.ndarray


def _build(hp, keras):
    decay, wd, acc0, eps = hp["lr_decay"], hp["weight_decay"], hp["initial_accumulator_value"], hp["eps"]
    resolve = lr_of(hp)

    def init(params):
        return AdagradState(0, np.full(np.shape(params), acc0, dtype=np.float64))

    def _std(s, out):
        if keras:
            np.add(s, eps, out=out)
            return np.sqrt(out, out=out)
        np.sqrt(s, out=out)
        out += eps
        return out

    def update(grad, state, params, lr=None):
        lr = resolve(lr, state)
        step = state.step + 1
        g, p = prep(grad, params, wd, keras, lr)
        clr = lr / (1 + (step - 1) * decay)
        s = np.multiply(g, g)
        s += state.sum
        std = _std(s, np.empty_like(s))
        new = np.multiply(g, -clr)
        new /= std
        new += p
        return new, AdagradState(step, s)

    def derived(history, t, lr):
        s = np.asarray(history["sum"], float)
        clr = np.asarray(lr, float) / (1 + (np.asarray(t, float) - 1) * decay)
        with np.errstate(divide="ignore", invalid="ignore"):
            return {"effective_lr": clr / _std(s, np.empty_like(s))}

    return init, update, ("sum",), derived


def adagrad(convention="torch", **hyperparams) -> Optimizer:
    """Adagrad; lr 1e-2, eps 1e-10, the sum starts at initial_accumulator_value 0
    (Keras: lr 1e-3, initial_accumulator_value 0.1, eps 1e-7).

        clr = lr / (1 + (step - 1) * lr_decay)        (step counts from 1)
        sum = sum + g^2
        torch: p <- p - clr * g / (sqrt(sum) + eps)
        Keras: p <- p - clr * g / sqrt(sum + eps)

    State: ``sum``. Derived: ``effective_lr`` = clr / (sqrt(sum) + eps) (Keras: / sqrt(sum + eps)).

    >>> opt = adagrad(lr=0.5)
    >>> round(float(opt.update(np.array([4.0]), opt.init(np.zeros(1)), np.zeros(1))[0][0]), 6)
    -0.5
    """
    return make(ADAGRAD, convention, hyperparams)


ADAGRAD = Spec("adagrad", _build,
               dict(lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10),
               keras=dict(lr=1e-3, initial_accumulator_value=0.1, eps=1e-7), controls=("eps",),
               inside=dict(panel=("grad", "sqrt_sum", "effective_lr"), derived=("effective_lr",),
                           lr_units=("effective_lr",)), doc=adagrad)
SPECS = (ADAGRAD,)
