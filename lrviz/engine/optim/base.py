"""What every optimizer module shares: the Optimizer record, the Spec that describes one
algorithm (rule, defaults, ranges, sliders, look-inside quantities) and small numeric helpers.

An optimizer module (``sgd``, ``rmsprop``, ...) defines one or more :class:`Spec` and a
public constructor per spec whose docstring states the update rule. The registry
(``lrviz.engine.optimizers``) collects the specs; explorers and pictures derive their
sliders and "look inside" panels from them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, NamedTuple

import numpy as np

from .. import validate as V

CONVENTIONS = ("torch", "keras")


class Optimizer(NamedTuple):
    """An optimizer: resolved hyperparameters plus pure ``init`` / ``update``.

    ``update(grad, state, params, lr=None)`` returns ``(new_params, new_state)``;
    ``lr`` is this step's learning rate (a float or an array broadcastable
    against ``params``); ``None`` means ``hyperparams["lr"]`` (called with
    ``state.step`` when it is a schedule). ``derived(history, t, lr)`` turns a
    history of the state arrays into extra "look inside" quantities.
    """
    name: str
    convention: str
    hyperparams: dict
    init: Callable
    update: Callable
    state_names: tuple
    derived: Callable

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparams.items())
        return f"optimizer({self.name!r}, convention={self.convention!r}, {args})"


# argument -> (lowest, highest or None, lowest excluded?, highest excluded?)
RANGES = {
    "momentum": (0.0, None, False, False), "dampening": (0.0, 1.0, False, False),
    "weight_decay": (0.0, None, False, False), "eps": (0.0, None, False, False),
    "alpha": (0.0, 1.0, False, False), "rho": (0.0, 1.0, False, False),
    "lr_decay": (0.0, None, False, False), "initial_accumulator_value": (0.0, None, False, False),
}
BOOLEANS = ("nesterov", "centered", "amsgrad")

# Slider specs shared by several optimizers: control name -> widget spec (no default: the
# registry adds the optimizer's own). ``log`` sliders give min / max / step as exponents of 10.
SLIDERS = {
    "momentum": dict(kind="float", min=0.0, max=0.99, step=0.01, readout_format=".2f", description="momentum β"),
    "alpha": dict(kind="float", min=0.5, max=0.999, step=0.001, readout_format=".3f", description="alpha (decay)"),
    "rho": dict(kind="float", min=0.5, max=0.999, step=0.001, readout_format=".3f", description="rho (decay)"),
    "beta1": dict(kind="float", min=0.0, max=0.99, step=0.01, readout_format=".2f", description="beta1"),
    "beta2": dict(kind="float", min=0.5, max=0.9999, step=0.0001, readout_format=".4f", description="beta2"),
    "eps": dict(kind="log", min=-10, max=0, step=0.5, readout_format=".0e", description="eps"),
}


@dataclass(frozen=True)
class Spec:
    """Everything lrviz knows about one optimizer, in one place.

    Attributes:
        name: the registry name (``"adam"``).
        build: ``(hyperparams, keras: bool) -> (init, update, state_names, derived)``.
        defaults: torch.optim's defaults; ``keras``: only those Keras changes.
        controls: slider names, in display order (``beta1`` / ``beta2`` stand for ``betas``).
        inside: look-inside quantities: ``panel`` (drawn by default), ``derived`` (names
            ``derived()`` returns), ``lr_units`` (drawn on a log lr axis); state names come
            from the built optimizer, since they depend on its hyperparameters.
        doc: the public constructor, whose docstring states the update rule.
    """
    name: str
    build: Callable
    defaults: dict
    keras: dict = field(default_factory=dict)
    controls: tuple = ()
    inside: dict = field(default_factory=dict)
    doc: Callable | None = None

    def resolved_defaults(self, convention="torch"):
        return {**self.defaults, **(self.keras if convention == "keras" else {})}


def check_hyperparams(spec, hp):
    """Validate and clean a full hyperparameter dict of ``spec`` (defaults merged in)."""
    out = {}
    for key, value in hp.items():
        if key == "lr":
            out[key] = V.lr_or_schedule(value)
        elif key in BOOLEANS:
            out[key] = V.boolean(key, value)
        elif key == "betas":
            out[key] = V.betas(value)
        else:
            lo, hi, lo_open, hi_open = RANGES[key]
            out[key] = V.number(key, value, lo=lo, hi=hi, lo_open=lo_open, hi_open=hi_open)
    if out.get("nesterov") and (out["momentum"] <= 0 or out["dampening"] != 0):
        V.fail("nesterov", True, f"needs momentum > 0 and dampening 0; got momentum={out['momentum']:g}, "
                                 f"dampening={out['dampening']:g}")
    return out


def make(spec, convention, hyperparams) -> Optimizer:
    """Build ``spec`` with ``hyperparams`` over the convention's defaults, all checked."""
    convention = V.choice("convention", convention, CONVENTIONS)
    defaults = spec.resolved_defaults(convention)
    unknown = sorted(set(hyperparams) - set(defaults))
    if unknown:
        V.fail("hyperparameter", unknown[0] if len(unknown) == 1 else unknown,
               f"{spec.name} takes {', '.join(defaults)}", TypeError)
    hp = check_hyperparams(spec, {**defaults, **hyperparams})
    init, update, names, derived = spec.build(hp, convention == "keras")
    return Optimizer(spec.name, convention, hp, init, update, names, derived)


# ---------------------------------------------------------------- numeric helpers

def lr_of(hp):
    """``resolve(lr, state)``: this step's lr, from the argument or ``hp["lr"]``."""
    def resolve(lr, state):
        if lr is None:
            lr = hp["lr"]
            return lr(state.step) if callable(lr) else lr
        return lr
    return resolve


def lerp(a, b, w):
    """torch.lerp's two-branch formula (a + w (b - a) for |w| < 0.5), new array."""
    out = np.subtract(b, a)
    if abs(w) < 0.5:
        out *= w
        out += a
    else:
        out *= 1.0 - w
        np.subtract(b, out, out=out)
    return out


def ema_sq(avg, g, beta):
    """beta * avg + (1 - beta) * g * g, as torch's mul_().addcmul_(); returns (new, scratch)."""
    tmp = np.multiply(g, 1.0 - beta)
    tmp *= g
    out = np.multiply(avg, beta)
    out += tmp
    return out, tmp


def keras_ema(avg, x, beta):
    """Keras's moving average avg + (x - avg) * (1 - beta), new array."""
    out = np.subtract(x, avg)
    out *= 1.0 - beta
    out += avg
    return out


def prep(grad, params, wd, keras, lr):
    """(grad, base params): torch adds wd * p to the gradient, Keras decays p by lr * wd."""
    g = np.asarray(grad, dtype=np.float64)
    p = np.asarray(params, dtype=np.float64)
    if wd:
        if keras:
            p = p - p * wd * lr
        else:
            g = g + wd * p
    return g, p


def zeros(params):
    return np.zeros(np.shape(params), dtype=np.float64)


def first_entry_prev(x, t):
    """x shifted one entry along the history axis: x[t-1] paired with x[t]."""
    prev = np.empty_like(x)
    prev[..., 1:, :] = x[..., :-1, :]
    prev[..., :1, :] = 0.0 if int(np.ravel(t)[0]) == 1 else np.nan
    return prev

