"""Optimizers: torch.optim's update rules as pure ``init`` / ``update`` pairs, and the
registry of what lrviz knows about each one.

Each algorithm is an :class:`Optimizer` holding two small pure functions, in the
shape of optax: ``state = opt.init(params)`` and
``new_params, new_state = opt.update(grad, state, params, lr)``. The state is a
NamedTuple of float64 arrays shaped like ``params`` plus ``step``, the number
of completed updates. Nothing is mutated, so a trajectory is a plain loop.

Names, argument names, defaults and formulas (eps placement included) follow
torch.optim (torch 2.x, single-tensor implementation). ``convention="keras"``
keeps the torch argument names (``alpha`` is Keras's RMSprop ``rho``, ``eps``
is ``epsilon``, ``betas`` is ``beta_1, beta_2``) and switches defaults and
formulas to Keras 3's where they differ, including where a momentum buffer holds
the learning rate (Keras's SGD velocity and RMSprop momentum), so Keras's numbers
come out under a schedule too. Every optimizer's constructor docstring states its rule.

The rules live in ``lrviz.engine.optim`` (one module per family); this module keeps the
public API and derives the metadata explorers use: :func:`controls` (slider specs),
:func:`control_values`, :func:`from_controls` and :func:`inside` (look-inside quantities).
"""
from __future__ import annotations

from . import validate as V
from .optim import adadelta as _adadelta, adagrad as _adagrad, adam as _adam, rmsprop as _rmsprop, sgd as _sgd
from .optim.adadelta import AdadeltaState, adadelta
from .optim.adagrad import AdagradState, adagrad
from .optim.adam import AdamState, adam, adamw
from .optim.base import CONVENTIONS, SLIDERS, Optimizer, Spec, make
from .optim.rmsprop import RMSpropState, rmsprop
from .optim.sgd import SGDState, momentum, nesterov, sgd

__all__ = ["Optimizer", "optimizer", "OPTIMIZERS", "CONVENTIONS", "SGDState", "RMSpropState",
           "AdagradState", "AdadeltaState", "AdamState", "check_lr", "controls", "control_values",
           "from_controls", "inside", "defaults", "spec", "sgd", "momentum", "nesterov", "rmsprop",
           "adagrad", "adadelta", "adam", "adamw"]

MODULES = (_sgd, _rmsprop, _adagrad, _adadelta, _adam)
SPECS = {s.name: s for m in MODULES for s in m.SPECS}
OPTIMIZERS = tuple(SPECS)


def check_lr(lr):
    """A finite number >= 0, a 1-D array of them (one per run), or a callable of the step."""
    return V.lr_or_schedule(lr)


def spec(name) -> Spec:
    """The :class:`Spec` of an optimizer name (case-insensitive) or of an Optimizer."""
    if isinstance(name, Optimizer):
        name = name.name
    if not isinstance(name, str):
        V.fail("optimizer", name, "must be a name such as 'adam' or an Optimizer", TypeError)
    return SPECS[V.choice("optimizer", name, OPTIMIZERS)]


def optimizer(name, convention="torch", **hyperparams) -> Optimizer:
    """Build an optimizer by name, with torch.optim's argument names and defaults.

    Args:
        name: one of ``OPTIMIZERS`` (case-insensitive), or an :class:`Optimizer`,
            returned unchanged; with ``hyperparams`` it is rebuilt with those
            overriding its own (its convention is kept).
        convention: ``"torch"`` (default) or ``"keras"``.
        **hyperparams: the algorithm's arguments (see each constructor: :func:`adam` ...);
            ``lr`` may be a number, an array or a callable of the step.

    Returns:
        An :class:`Optimizer`.

    >>> import numpy as np
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
    return make(spec(name), convention, hyperparams)


def defaults(name, convention="torch") -> dict:
    """Every hyperparameter of ``name`` and its default in ``convention``.

    >>> defaults("rmsprop", "keras")["alpha"]
    0.9
    """
    return dict(spec(name).resolved_defaults(V.choice("convention", convention, CONVENTIONS)))


def _split(hp):
    """Hyperparameters -> control values: betas become beta1 / beta2."""
    hp = dict(hp)
    if "betas" in hp:
        hp["beta1"], hp["beta2"] = hp.pop("betas")
    return hp


def controls(name, convention="torch") -> dict:
    """The sliders of an optimizer's hyperparameters: control name -> widget spec.

    Each spec is ``dict(kind="float" | "log" | "bool", min=..., max=..., step=...,
    readout_format=..., description=..., default=...)``; for ``log`` the min, max and
    step are exponents of 10 (the default is the value itself). The lr is not among them
    (every optimizer has it; explorers give it its own slider). Plain SGD has none.

    >>> c = controls("adam")
    >>> list(c), c["beta2"]["default"], c["beta2"]["readout_format"]
    (['beta1', 'beta2', 'eps'], 0.999, '.4f')
    >>> controls("rmsprop", "keras")["alpha"]["default"]
    0.9
    """
    s = spec(name)
    values = _split(defaults(s.name, convention))
    return {c: {**SLIDERS[c], "default": values[c]} for c in s.controls}


def control_values(opt) -> dict:
    """The value each of ``opt``'s controls shows (betas split into beta1 / beta2).

    >>> control_values(optimizer("adam", betas=(0.5, 0.99)))
    {'beta1': 0.5, 'beta2': 0.99, 'eps': 1e-08}
    """
    if not isinstance(opt, Optimizer):
        V.fail("opt", opt, "must be an Optimizer; build one with lrviz.optimizer()", TypeError)
    hp = _split(opt.hyperparams)
    return {c: hp[c] for c in spec(opt).controls if c in hp}


def from_controls(name, values, convention="torch", **fixed) -> Optimizer:
    """Build an optimizer from control values (and any other hyperparameters).

    ``beta1`` / ``beta2`` are merged into ``betas`` (a missing one keeps its default), so
    the order in which controls changed does not matter. ``fixed`` adds more arguments
    (``lr=...``), overriding ``values``. A key the optimizer does not take is a TypeError.

    >>> from_controls("adam", {"beta1": 0.5}, lr=0.01).hyperparams["betas"]
    (0.5, 0.999)
    """
    s = spec(name)
    hp = {**dict(values), **fixed}
    if "beta1" in hp or "beta2" in hp:
        if "betas" not in s.defaults:
            key = "beta1" if "beta1" in hp else "beta2"
            V.fail("hyperparameter", key, f"{s.name} takes {', '.join(defaults(s.name, convention))}", TypeError)
        b1, b2 = hp.pop("beta1", None), hp.pop("beta2", None)
        old = V.betas(hp.get("betas", defaults(s.name, convention)["betas"]))
        hp["betas"] = (old[0] if b1 is None else b1, old[1] if b2 is None else b2)
    return make(s, convention, hp)


def inside(name, convention="torch", **hyperparams) -> dict:
    """What a "look inside" panel can show for an optimizer, and what it shows by default.

    Returns ``dict(state=..., derived=..., panel=..., lr_units=..., sqrt=...)``: the
    state history names (``traj.state``; they depend on the hyperparameters, e.g.
    ``max_exp_avg_sq`` only with amsgrad), the names ``traj.derived()`` returns, the
    default panel quantities, those in learning-rate units (a log axis), and the
    squared quantities whose square root ``sqrt_<name>`` is in gradient units.
    ``name`` may be an Optimizer (its own hyperparameters are used).

    >>> inside("adam")["panel"]
    ('m_hat', 'sqrt_v_hat', 'effective_lr')
    >>> inside("momentum")["state"], inside("sgd")["state"]
    (('momentum_buffer',), ())
    """
    opt = optimizer(name, convention, **hyperparams) if not isinstance(name, Optimizer) else \
        optimizer(name, **hyperparams)
    info = spec(opt).inside
    names = set(opt.state_names) | set(info.get("derived", ()))
    squares = tuple(n for n in ("v_hat", "square_avg", "sum", "exp_avg_sq") if n in names)
    known = names | {"grad"} | {"sqrt_" + n for n in squares}
    return dict(state=tuple(opt.state_names), derived=tuple(info.get("derived", ())),
                panel=tuple(n for n in info.get("panel", ("grad",)) if n in known),
                lr_units=tuple(info.get("lr_units", ())), sqrt=squares)
