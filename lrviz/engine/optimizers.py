"""Optimizers: torch.optim's update rules as pure ``init`` / ``update`` pairs.

Each algorithm is an :class:`Optimizer` holding two small pure functions, in the
shape of optax: ``state = opt.init(params)`` and
``new_params, new_state = opt.update(grad, state, params, lr)``. The state is a
NamedTuple of float64 arrays shaped like ``params`` plus ``step``, the number
of completed updates. Nothing is mutated, so a trajectory is a plain loop.

Names, argument names, defaults and formulas (eps placement included) follow
torch.optim (torch 2.x, single-tensor implementation). ``convention="keras"``
keeps the torch argument names (``alpha`` is Keras's RMSprop ``rho``, ``eps``
is ``epsilon``, ``betas`` is ``beta_1, beta_2``) and switches defaults and
formulas to tf.keras's where they differ; every algorithm's docstring says how.
In both conventions a momentum buffer holds the gradient sum *without* the
learning rate (torch's form); Keras folds lr into its velocity, which gives
the same numbers for a constant lr and differs only under a schedule.
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np

from . import validate as V

__all__ = ["Optimizer", "optimizer", "OPTIMIZERS", "CONVENTIONS", "SGDState",
           "RMSpropState", "AdagradState", "AdadeltaState", "AdamState"]

OPTIMIZERS = ("sgd", "momentum", "nesterov", "rmsprop", "adagrad", "adadelta", "adam", "adamw")
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


class SGDState(NamedTuple):
    step: int
    momentum_buffer: np.ndarray | None  # None when momentum == 0


class RMSpropState(NamedTuple):
    step: int
    square_avg: np.ndarray
    grad_avg: np.ndarray | None          # only when centered
    momentum_buffer: np.ndarray | None   # only when momentum > 0


class AdagradState(NamedTuple):
    step: int
    sum: np.ndarray


class AdadeltaState(NamedTuple):
    step: int
    square_avg: np.ndarray
    acc_delta: np.ndarray


class AdamState(NamedTuple):
    step: int
    exp_avg: np.ndarray
    exp_avg_sq: np.ndarray
    max_exp_avg_sq: np.ndarray | None    # only when amsgrad


_SGD = dict(lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False)
_ADAM = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False)
_DEFAULTS = {
    "torch": {
        "sgd": _SGD,
        "momentum": {**_SGD, "momentum": 0.9},
        "nesterov": {**_SGD, "momentum": 0.9, "nesterov": True},
        "rmsprop": dict(lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False),
        "adagrad": dict(lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10),
        "adadelta": dict(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0),
        "adam": _ADAM,
        "adamw": {**_ADAM, "weight_decay": 1e-2},
    },
    "keras": {  # only what differs from torch
        "sgd": dict(lr=1e-2), "momentum": dict(lr=1e-2), "nesterov": dict(lr=1e-2),
        "rmsprop": dict(lr=1e-3, alpha=0.9, eps=1e-7),
        "adagrad": dict(lr=1e-3, initial_accumulator_value=0.1, eps=1e-7),
        "adadelta": dict(lr=1e-3, rho=0.95, eps=1e-7),
        "adam": dict(eps=1e-7),
        "adamw": dict(eps=1e-7, weight_decay=4e-3),
    },
}

# argument -> (lowest, highest, lowest allowed?, highest allowed?)
_RANGES = {
    "momentum": (0.0, math.inf, True, False), "dampening": (0.0, 1.0, True, True),
    "weight_decay": (0.0, math.inf, True, False), "eps": (0.0, math.inf, True, False),
    "alpha": (0.0, 1.0, True, True), "rho": (0.0, 1.0, True, True),
    "lr_decay": (0.0, math.inf, True, False),
    "initial_accumulator_value": (0.0, math.inf, True, False),
}


def check_lr(lr):
    """A finite number >= 0, a 1-D array of them (one per run), or a callable of the step."""
    return V.lr_or_schedule(lr)


_check_lr = check_lr


def _validate(name, hp):
    out = {}
    for key, value in hp.items():
        if key == "lr":
            out[key] = V.lr_or_schedule(value)
        elif key in ("nesterov", "centered", "amsgrad"):
            out[key] = V.boolean(key, value)
        elif key == "betas":
            out[key] = V.betas(value)
        else:
            lo, hi, lo_in, hi_in = _RANGES[key]
            out[key] = V.number(key, value, lo=lo, hi=None if hi == math.inf else hi,
                                lo_open=not lo_in, hi_open=not hi_in)
    if out.get("nesterov") and (out["momentum"] <= 0 or out["dampening"] != 0):
        V.fail("nesterov", True, f"needs momentum > 0 and dampening 0; got momentum={out['momentum']:g}, "
                                 f"dampening={out['dampening']:g}")
    return out


def optimizer(name, convention="torch", **hyperparams) -> Optimizer:
    """Build an optimizer by name, with torch.optim's argument names and defaults.

    Args:
        name: one of ``OPTIMIZERS`` (case-insensitive), or an :class:`Optimizer`,
            returned unchanged; with ``hyperparams`` it is rebuilt with those
            overriding its own (its convention is kept).
        convention: ``"torch"`` (default) or ``"keras"``.
        **hyperparams: the algorithm's arguments (see each ``_build_*``); ``lr``
            may be a number, an array or a callable of the step.

    Returns:
        An :class:`Optimizer`.

    >>> opt = optimizer("adam")
    >>> p, s = opt.update(np.array([2.0]), opt.init(np.array([1.0])), np.array([1.0]))
    >>> round(float(p[0]), 6)
    0.999
    """
    if isinstance(name, Optimizer):
        if not hyperparams:
            return name
        if name.name not in OPTIMIZERS:
            V.fail("hyperparams", sorted(hyperparams),
                   f"the custom optimizer {name.name!r} has no rule to rebuild; build a new one")
        return optimizer(name.name, name.convention, **{**name.hyperparams, **hyperparams})
    if not isinstance(name, str):
        V.fail("optimizer", name, "must be a name such as 'adam' or an Optimizer", TypeError)
    key = V.choice("optimizer", name, OPTIMIZERS)
    convention = V.choice("convention", convention, CONVENTIONS)
    defaults = {**_DEFAULTS["torch"][key], **_DEFAULTS[convention][key]}
    unknown = sorted(set(hyperparams) - set(defaults))
    if unknown:
        V.fail("hyperparameter", unknown[0] if len(unknown) == 1 else unknown,
               f"{key} takes {', '.join(defaults)}", TypeError)
    hp = _validate(key, {**defaults, **hyperparams})
    build = _BUILDERS[key.replace("momentum", "sgd").replace("nesterov", "sgd")]
    init, update, names, derived = build(hp, convention == "keras")
    return Optimizer(key, convention, hp, init, update, names, derived)


# ---------------------------------------------------------------- helpers

def _lr_of(hp):
    def resolve(lr, state):
        if lr is None:
            lr = hp["lr"]
            return lr(state.step) if callable(lr) else lr
        return lr
    return resolve


def _lerp(a, b, w):
    """torch.lerp's two-branch formula (a + w (b - a) for |w| < 0.5), new array."""
    out = np.subtract(b, a)
    if abs(w) < 0.5:
        out *= w
        out += a
    else:
        out *= 1.0 - w
        np.subtract(b, out, out=out)
    return out


def _ema_sq(avg, g, beta):
    """beta * avg + (1 - beta) * g * g, as torch's mul_().addcmul_()."""
    tmp = np.multiply(g, 1.0 - beta)
    tmp *= g
    out = np.multiply(avg, beta)
    out += tmp
    return out, tmp


def _prep(grad, params, wd, keras, lr):
    """(grad, base params): torch adds wd * p to the gradient, Keras decays p."""
    g = np.asarray(grad, dtype=np.float64)
    p = np.asarray(params, dtype=np.float64)
    if wd:
        if keras:
            p = p - p * wd * lr
        else:
            g = g + wd * p
    return g, p


def _zeros(params):
    return np.zeros(np.shape(params), dtype=np.float64)


def _first_entry_prev(x, t):
    """x shifted one entry along the history axis: x[t-1] paired with x[t]."""
    prev = np.empty_like(x)
    prev[..., 1:, :] = x[..., :-1, :]
    prev[..., :1, :] = 0.0 if int(np.ravel(t)[0]) == 1 else np.nan
    return prev


# ---------------------------------------------------------------- algorithms

def _build_sgd(hp, keras):
    """SGD, optionally with (Nesterov) momentum; ``lr`` default 1e-3 (Keras 1e-2).

    g = grad + weight_decay * p                      (Keras: p <- p - lr*wd*p)
    buf = g at step 1, else momentum * buf + (1 - dampening) * g
    g = g + momentum * buf if nesterov else buf      (when momentum != 0)
    p <- p - lr * g

    Keras uses the same formulas (its velocity is -lr * buf: equal for a constant lr).
    State: ``momentum_buffer`` (only when momentum != 0). ``derived``:
    ``effective_lr`` = lr broadcast over the buffer's history (nothing without momentum).
    """
    mom, damp, wd, nest = hp["momentum"], hp["dampening"], hp["weight_decay"], hp["nesterov"]
    resolve = _lr_of(hp)

    def init(params):
        return SGDState(0, _zeros(params) if mom else None)

    def update(grad, state, params, lr=None):
        lr = resolve(lr, state)
        g, p = _prep(grad, params, wd, keras, lr)
        buf = None
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


def _build_rmsprop(hp, keras):
    """RMSprop; lr 1e-2, alpha 0.99, eps 1e-8 (Keras: lr 1e-3, alpha=rho 0.9, eps 1e-7).

    square_avg = alpha * square_avg + (1 - alpha) * g^2
    centered:  grad_avg = lerp(grad_avg, g, 1 - alpha), v = max(square_avg - grad_avg^2, 0)
    else:      v = square_avg
    torch: avg = sqrt(v) + eps          Keras: avg = sqrt(v + eps)
    momentum > 0:  buf = momentum * buf + g / avg,  p <- p - lr * buf
    else:          p <- p - lr * g / avg

    State: ``square_avg``, ``grad_avg`` (centered), ``momentum_buffer`` (momentum > 0).
    ``derived``: ``effective_lr`` = lr / avg, the factor multiplying g.
    """
    alpha, eps, wd, mom, centered = hp["alpha"], hp["eps"], hp["weight_decay"], hp["momentum"], hp["centered"]
    resolve = _lr_of(hp)
    names = ("square_avg",) + (("grad_avg",) if centered else ()) + (("momentum_buffer",) if mom > 0 else ())

    def init(params):
        z = _zeros(params)
        return RMSpropState(0, z, _zeros(params) if centered else None, _zeros(params) if mom > 0 else None)

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
        g, p = _prep(grad, params, wd, keras, lr)
        sa, avg = _ema_sq(state.square_avg, g, alpha)
        ga = _lerp(state.grad_avg, g, 1.0 - alpha) if centered else None
        _avg(sa, ga, avg)
        buf = None
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


def _build_adagrad(hp, keras):
    """Adagrad; lr 1e-2, eps 1e-10, sum starts at initial_accumulator_value 0
    (Keras: lr 1e-3, initial_accumulator_value 0.1, eps 1e-7).

    clr = lr / (1 + (step - 1) * lr_decay)      (step counts from 1)
    sum = sum + g^2
    torch: p <- p - clr * g / (sqrt(sum) + eps)    Keras: p <- p - clr * g / sqrt(sum + eps)

    State: ``sum``. ``derived``: ``effective_lr`` = clr / (sqrt(sum) + eps) (Keras: / sqrt(sum + eps)).
    """
    decay, wd, acc0, eps = hp["lr_decay"], hp["weight_decay"], hp["initial_accumulator_value"], hp["eps"]
    resolve = _lr_of(hp)

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
        g, p = _prep(grad, params, wd, keras, lr)
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


def _build_adadelta(hp, keras):
    """Adadelta; lr 1.0, rho 0.9, eps 1e-6 (Keras: lr 1e-3, rho 0.95, eps 1e-7; same formulas).

    square_avg = rho * square_avg + (1 - rho) * g^2
    delta = sqrt(acc_delta + eps) / sqrt(square_avg + eps) * g    (acc_delta of the previous step)
    acc_delta = rho * acc_delta + (1 - rho) * delta^2
    p <- p - lr * delta

    State: ``square_avg``, ``acc_delta``. ``derived``: ``effective_lr`` =
    lr * sqrt(acc_delta[t-1] + eps) / sqrt(square_avg[t] + eps), pairing each
    entry with the previous one along the history axis (entries must be
    consecutive steps; the first entry uses acc_delta = 0 when its t is 1, else NaN).
    """
    rho, eps, wd = hp["rho"], hp["eps"], hp["weight_decay"]
    resolve = _lr_of(hp)

    def init(params):
        return AdadeltaState(0, _zeros(params), _zeros(params))

    def update(grad, state, params, lr=None):
        lr = resolve(lr, state)
        g, p = _prep(grad, params, wd, keras, lr)
        sa, std = _ema_sq(state.square_avg, g, rho)
        np.add(sa, eps, out=std)
        np.sqrt(std, out=std)
        delta = np.add(state.acc_delta, eps)
        np.sqrt(delta, out=delta)
        delta /= std
        delta *= g
        ad, _ = _ema_sq(state.acc_delta, delta, rho)
        new = np.multiply(delta, -lr)
        new += p
        return new, AdadeltaState(state.step + 1, sa, ad)

    def derived(history, t, lr):
        sa = np.asarray(history["square_avg"], float)
        prev = _first_entry_prev(np.asarray(history["acc_delta"], float), t)
        return {"effective_lr": np.asarray(lr, float) * np.sqrt(prev + eps) / np.sqrt(sa + eps)}

    return init, update, ("square_avg", "acc_delta"), derived


def _build_adam(hp, keras, decoupled=False):
    """Adam (AdamW when decoupled); lr 1e-3, betas (0.9, 0.999), eps 1e-8 (Keras eps 1e-7).

    AdamW first decays p <- p * (1 - lr * weight_decay) (default 1e-2, Keras 4e-3);
    Adam adds weight_decay * p to g instead (Keras: decays p, as for every optimizer).
    exp_avg = lerp(exp_avg, g, 1 - beta1);  exp_avg_sq = beta2 * exp_avg_sq + (1 - beta2) * g^2
    v = max_exp_avg_sq = max(max_exp_avg_sq, exp_avg_sq) if amsgrad else exp_avg_sq
    bc1 = 1 - beta1^step,  bc2 = 1 - beta2^step   (step counts from 1)
    torch: p <- p - (lr / bc1) * exp_avg / (sqrt(v) / sqrt(bc2) + eps)
    Keras ("epsilon hat"): p <- p - (lr * sqrt(bc2) / bc1) * exp_avg / (sqrt(v) + eps)

    State: ``exp_avg``, ``exp_avg_sq``, ``max_exp_avg_sq`` (amsgrad). ``derived``:
    ``m_hat`` = exp_avg / bc1, ``v_hat`` = exp_avg_sq / bc2 and ``effective_lr``,
    the factor multiplying m_hat in the step: lr / (sqrt(v / bc2) + eps)
    (Keras: lr / (sqrt(v / bc2) + eps / sqrt(bc2))), v as in the update.
    """
    (b1, b2), eps, wd, ams = hp["betas"], hp["eps"], hp["weight_decay"], hp["amsgrad"]
    resolve = _lr_of(hp)
    names = ("exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if ams else ())

    def init(params):
        return AdamState(0, _zeros(params), _zeros(params), _zeros(params) if ams else None)

    def update(grad, state, params, lr=None):
        lr = resolve(lr, state)
        step = state.step + 1
        g = np.asarray(grad, dtype=np.float64)
        p = np.asarray(params, dtype=np.float64)
        decay = wd and (decoupled or keras)
        if wd and not decay:
            g = g + wd * p
        if keras:
            m = np.subtract(g, state.exp_avg)
            m *= 1.0 - b1
            m += state.exp_avg
            v = np.multiply(g, g)
            v -= state.exp_avg_sq
            v *= 1.0 - b2
            v += state.exp_avg_sq
            den = np.empty_like(v)
        else:
            m = _lerp(state.exp_avg, g, 1.0 - b1)
            v, den = _ema_sq(state.exp_avg_sq, g, b2)
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


_BUILDERS = {
    "sgd": _build_sgd, "rmsprop": _build_rmsprop, "adagrad": _build_adagrad,
    "adadelta": _build_adadelta, "adam": _build_adam,
    "adamw": lambda hp, keras: _build_adam(hp, keras, decoupled=True),
}
