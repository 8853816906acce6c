"""Learning-rate schedules: pure functions of the step number.

``schedule(name, lr=..., **kwargs)`` returns a :class:`Schedule`, a callable
``sched(t)`` of the 0-based optimizer step ``t`` (an int or an integer array;
the answer is a float or a float array of the same shape). Names and argument
names are torch.optim.lr_scheduler's, and ``sched(t)`` is the learning rate
torch uses for the t-th ``optimizer.step()`` when ``scheduler.step()`` follows
each one. Closed forms replace torch's recursive updates, so values agree to
rounding (about 1e-15 relative), and are vectorized over ``t``.

>>> sched = schedule("multistep", lr=0.1, milestones=[400, 700], gamma=0.1)
>>> [round(sched(t), 6) for t in (0, 399, 400, 699, 700, 999)]
[0.1, 0.1, 0.01, 0.01, 0.001, 0.001]
"""
from __future__ import annotations

import math

import numpy as np

from . import validate as V

__all__ = ["Schedule", "schedule", "warmup_cosine", "onecycle_momentum", "SCHEDULES"]

SCHEDULES = ("constant", "step", "multistep", "exponential", "cosine", "cosine_warm_restarts",
             "linear", "polynomial", "onecycle", "sequential", "warmup_cosine")

_REQUIRED = object()


class Schedule:
    """A named, pure learning-rate schedule: ``sched(t)`` depends on ``t`` only.

    Attributes:
        name: the schedule's name (one of ``SCHEDULES``, or ``"custom"``).
        params: the resolved arguments, ``lr`` included.
    """
    __slots__ = ("name", "params", "_fn")

    def __init__(self, name, params, fn):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "params", dict(params))
        object.__setattr__(self, "_fn", fn)

    def __setattr__(self, key, value):
        raise AttributeError("Schedule is immutable")

    @property
    def lr(self):
        return self.params.get("lr")

    def __call__(self, t):
        steps, scalar = _as_steps(t)
        # a scalar goes through the same array code: numpy's SIMD pow/cos may differ
        # from the scalar libm ones in the last bit, and sched(t) must equal sched([t])
        out = np.asarray(self._fn(steps.reshape(-1)), dtype=np.float64).reshape(steps.shape)
        return float(out[()]) if scalar else out

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"schedule({self.name!r}, {args})"


_STEPS = "must be an integer >= 0 or an array of them"


def _as_steps(t):
    """t as an int64 array and whether it was a scalar; TypeError / ValueError otherwise."""
    if isinstance(t, (bool, np.bool_, str, bytes)) or t is None:
        V.fail("t", t, _STEPS, TypeError)
    try:
        arr = np.asarray(t)
    except (TypeError, ValueError):
        V.fail("t", t, _STEPS, TypeError)
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.floor(arr)):
            V.fail("t", t, _STEPS)
    elif arr.dtype.kind not in "iu":
        V.fail("t", t, _STEPS, TypeError)
    if np.any(arr < 0):
        V.fail("t", t, _STEPS)
    return arr.astype(np.int64), arr.ndim == 0


def _num(name, value, lo=None, hi=None, lo_open=False, hi_open=False):
    return V.number(name, value, lo=lo, hi=hi, lo_open=lo_open, hi_open=hi_open)


def _int(name, value, lo):
    return V.integer(name, value, lo=lo)


def _lr(value, name="lr"):
    return V.learning_rate(value, name)


def _milestones(value, name="milestones"):
    allowed = "must be a list of integers >= 0 in increasing order"
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        V.fail(name, value, allowed, TypeError)
    value = list(value)
    for m in value:
        if isinstance(m, (bool, np.bool_)) or not isinstance(m, (int, np.integer)):
            V.fail(name, value, allowed, TypeError)
    if any(m < 0 for m in value) or any(b < a for a, b in zip(value, value[1:])):
        V.fail(name, value, allowed)
    return [int(m) for m in value]


# ---------------------------------------------------------------- closed forms
# Each builder validates its arguments and returns (params, fn of an int64 array).

def _constant(lr, factor=1.0, total_iters=0):
    """ConstantLR: lr * factor for t < total_iters, then lr.

    Deviation: defaults factor=1.0, total_iters=0 (a truly constant lr);
    torch's are 1/3 and 5 and can be passed.
    """
    factor, total_iters = _num("factor", factor, 0, 1), _int("total_iters", total_iters, 0)
    return dict(lr=lr, factor=factor, total_iters=total_iters), \
        lambda t: np.where(t < total_iters, lr * factor, lr)


def _step(lr, step_size=_REQUIRED, gamma=0.1):
    """StepLR: lr * gamma ** (t // step_size)."""
    step_size, gamma = _int("step_size", step_size, 1), _num("gamma", gamma, 0, lo_open=True)
    return dict(lr=lr, step_size=step_size, gamma=gamma), \
        lambda t: lr * np.power(gamma, (t // step_size).astype(np.float64))


def _multistep(lr, milestones=_REQUIRED, gamma=0.1):
    """MultiStepLR: lr * gamma ** (number of milestones <= t)."""
    ms, gamma = _milestones(milestones), _num("gamma", gamma, 0, lo_open=True)
    return dict(lr=lr, milestones=ms, gamma=gamma), \
        lambda t: lr * np.power(gamma, np.searchsorted(ms, t, side="right").astype(np.float64))


def _exponential(lr, gamma=_REQUIRED):
    """ExponentialLR: lr * gamma ** t."""
    gamma = _num("gamma", gamma, 0, lo_open=True)
    return dict(lr=lr, gamma=gamma), lambda t: lr * np.power(gamma, t.astype(np.float64))


def _cos(lr, eta_min, t_cur, t_i):
    return eta_min + (lr - eta_min) * (1 + np.cos(np.pi * t_cur / t_i)) / 2


def _cosine(lr, T_max=_REQUIRED, eta_min=0.0):
    """CosineAnnealingLR: eta_min + (lr - eta_min) (1 + cos(pi t / T_max)) / 2.

    Periodic beyond T_max (it climbs back up), as torch's recursion is.
    """
    T_max, eta_min = _int("T_max", T_max, 1), _num("eta_min", eta_min, 0)
    return dict(lr=lr, T_max=T_max, eta_min=eta_min), lambda t: _cos(lr, eta_min, t, T_max)


def _cosine_warm_restarts(lr, T_0=_REQUIRED, T_mult=1, eta_min=0.0):
    """CosineAnnealingWarmRestarts: the cosine over cycles of T_0, T_0*T_mult, ... steps.

    eta_min + (lr - eta_min) (1 + cos(pi T_cur / T_i)) / 2, with T_cur the steps
    since the last restart and T_i the current cycle's length.
    """
    T_0, T_mult, eta_min = _int("T_0", T_0, 1), _int("T_mult", T_mult, 1), _num("eta_min", eta_min, 0)

    def fn(t):
        if T_mult == 1:
            return _cos(lr, eta_min, t % T_0, T_0)
        starts, length = [0], T_0  # cycle start steps, exact integers
        top = int(t.max()) if t.size else 0
        while starts[-1] <= top:
            starts.append(starts[-1] + length)
            length *= T_mult
        n = np.searchsorted(starts, t, side="right") - 1
        return _cos(lr, eta_min, t - np.asarray(starts)[n], T_0 * np.power(float(T_mult), n))
    return dict(lr=lr, T_0=T_0, T_mult=T_mult, eta_min=eta_min), fn


def _linear(lr, start_factor=1.0 / 3, end_factor=1.0, total_iters=5):
    """LinearLR: lr * (start + (end - start) * min(t, total_iters) / total_iters)."""
    start = _num("start_factor", start_factor, 0, 1, lo_open=True)
    end = _num("end_factor", end_factor, 0, 1)
    total_iters = _int("total_iters", total_iters, 1)
    return dict(lr=lr, start_factor=start, end_factor=end, total_iters=total_iters), \
        lambda t: lr * (start + (end - start) * np.minimum(t, total_iters) / total_iters)


def _polynomial(lr, total_iters=5, power=1.0):
    """PolynomialLR: lr * (1 - min(t, total_iters) / total_iters) ** power."""
    total_iters, power = _int("total_iters", total_iters, 1), _num("power", power, 0)
    return dict(lr=lr, total_iters=total_iters, power=power), \
        lambda t: lr * (1.0 - np.minimum(t, total_iters) / total_iters) ** power


def _onecycle(lr, total_steps=None, epochs=None, steps_per_epoch=None, pct_start=0.3,
              anneal_strategy="cos", div_factor=25.0, final_div_factor=1e4, three_phase=False):
    """OneCycleLR (``lr`` is max_lr): warm up from max_lr/div_factor to max_lr over
    pct_start of total_steps, then anneal to max_lr/div_factor/final_div_factor.

    cos annealing from a to b: b + (a - b) (1 + cos(pi pct)) / 2; linear: a + (b - a) pct.
    Like torch, t may reach total_steps (torch's last scheduler.step()); beyond it is a
    ValueError. Only the lr is scheduled (torch's cycle_momentum is not modelled).
    """
    if total_steps is None:
        if epochs is None or steps_per_epoch is None:
            V.fail("total_steps", None, "onecycle needs total_steps, or epochs and steps_per_epoch", TypeError)
        total_steps = _int("epochs", epochs, 1) * _int("steps_per_epoch", steps_per_epoch, 1)
    total = _int("total_steps", total_steps, 1)
    pct = _num("pct_start", pct_start, 0, 1, lo_open=True, hi_open=True)
    anneal_strategy = V.choice("anneal_strategy", anneal_strategy, ("cos", "linear"))
    div = _num("div_factor", div_factor, 0, lo_open=True)
    final = _num("final_div_factor", final_div_factor, 0, lo_open=True)
    three_phase = V.boolean("three_phase", three_phase)
    initial = lr / div
    low = initial / final
    if three_phase:
        phases = [(float(pct * total) - 1, initial, lr), (float(2 * pct * total) - 2, lr, initial),
                  (total - 1, initial, low)]
    else:
        phases = [(float(pct * total) - 1, initial, lr), (total - 1, lr, low)]

    def fn(t):
        if t.size and t.max() > total:
            V.fail("t", int(t.max()), f"onecycle has total_steps={total}; t must be <= {total}")
        out = np.empty(t.shape)
        done = np.zeros(t.shape, dtype=bool)
        start_step = 0.0
        for i, (end_step, a, b) in enumerate(phases):
            sel = ~done & ((t <= end_step) if i < len(phases) - 1 else True)
            with np.errstate(divide="ignore", invalid="ignore"):
                frac = (t[sel] - start_step) / (end_step - start_step)
            if anneal_strategy == "cos":
                out[sel] = b + (a - b) / 2.0 * (np.cos(np.pi * frac) + 1)
            else:
                out[sel] = (b - a) * frac + a
            done |= sel
            start_step = end_step
        return out
    params = dict(lr=lr, total_steps=total, pct_start=pct, anneal_strategy=anneal_strategy,
                  div_factor=div, final_div_factor=final, three_phase=bool(three_phase))
    return params, fn


def _call_any(s, t):
    """Evaluate a sub-schedule (a Schedule or any callable) on an int array."""
    try:
        out = np.asarray(s(t), dtype=np.float64)
        if out.shape == t.shape:
            return out
    except (TypeError, ValueError):
        if isinstance(s, Schedule):
            raise
    return np.array([float(s(int(k))) for k in t.ravel()]).reshape(t.shape)


def _sequential(lr, schedules=_REQUIRED, milestones=_REQUIRED):
    """SequentialLR: schedules[i](t - milestones[i-1]) for milestones[i-1] <= t < milestones[i].

    Each schedule restarts from its own t = 0 at its milestone. An element is a
    Schedule, any callable of t, a name (built with this ``lr``) or a
    ``(name, kwargs)`` pair (likewise).
    """
    if isinstance(schedules, (str, bytes)) or not hasattr(schedules, "__len__") or not schedules:
        V.fail("schedules", schedules, "must be a non-empty list", TypeError if not schedules else ValueError)
    built = []
    for i, s in enumerate(schedules):
        if isinstance(s, str) or (isinstance(s, tuple) and len(s) == 2 and isinstance(s[0], str)):
            name, kw = (s, {}) if isinstance(s, str) else s
            if lr is None:
                V.fail(f"schedules[{i}]", s, "a schedule given by name needs lr= on the sequential schedule")
            s = schedule(name, lr=lr, **kw)
        elif not callable(s):
            V.fail(f"schedules[{i}]", s, "must be a Schedule, a callable or a name", TypeError)
        built.append(s)
    ms = _milestones(milestones)
    if len(ms) != len(built) - 1:
        V.fail("milestones", ms, f"need len(schedules) - 1 = {len(built) - 1} of them")
    starts = np.array([0] + ms)

    def fn(t):
        idx = np.searchsorted(ms, t, side="right")
        out = np.empty(t.shape)
        for i, s in enumerate(built):
            sel = idx == i
            if np.any(sel):
                out[sel] = _call_any(s, t[sel] - starts[i])
        return out
    params = dict(schedules=built, milestones=ms) if lr is None else \
        dict(lr=lr, schedules=built, milestones=ms)
    return params, fn


def warmup_cosine(lr, warmup_steps, total_steps, start_factor=0.01, eta_min=0.0):
    """Linear warm-up then cosine decay: torch's SequentialLR(LinearLR, CosineAnnealingLR).

    lr * (start_factor + (1 - start_factor) t / warmup_steps) for t < warmup_steps,
    then cosine from lr to eta_min over the remaining total_steps - warmup_steps steps.

    >>> s = warmup_cosine(0.1, warmup_steps=10, total_steps=110)
    >>> round(s(0), 6), round(s(10), 6), round(s(60), 6), round(s(110), 6)
    (0.001, 0.1, 0.05, 0.0)
    """
    lr = _lr(lr)
    warm = _int("warmup_steps", warmup_steps, 1)
    total = _int("total_steps", total_steps, warm + 1)
    warmup = schedule("linear", lr=lr, start_factor=start_factor, end_factor=1.0, total_iters=warm)
    decay = schedule("cosine", lr=lr, T_max=total - warm, eta_min=eta_min)
    _, fn = _sequential(lr, [warmup, decay], [warm])
    return Schedule("warmup_cosine", dict(lr=lr, warmup_steps=warm, total_steps=total,
                                          start_factor=warmup.params["start_factor"],
                                          eta_min=decay.params["eta_min"]), fn)


def onecycle_momentum(total_steps, pct_start=0.3, anneal_strategy="cos", base_momentum=0.85,
                      max_momentum=0.95):
    """The momentum (SGD's momentum, Adam's beta1) that torch's OneCycleLR cycles with the lr.

    With ``cycle_momentum=True`` (torch's default) OneCycleLR moves the momentum opposite to
    the lr, over the same two phases: from max_momentum down to base_momentum while the lr
    warms up, back up to max_momentum while the lr anneals. Returns a :class:`Schedule`
    whose values are momenta (``sched(t)`` for the t-th optimizer step).

    >>> m = onecycle_momentum(total_steps=1000)
    >>> [round(m(t), 4) for t in (0, 299, 999)]
    [0.95, 0.85, 0.95]
    """
    total = _int("total_steps", total_steps, 1)
    pct = _num("pct_start", pct_start, 0, 1, lo_open=True, hi_open=True)
    anneal_strategy = V.choice("anneal_strategy", anneal_strategy, ("cos", "linear"))
    base = _num("base_momentum", base_momentum, 0, 1, hi_open=True)
    top = _num("max_momentum", max_momentum, 0, 1, hi_open=True)
    if base > top:
        V.fail("base_momentum", base, f"must be <= max_momentum = {top:g}")
    phases = [(float(pct * total) - 1, top, base), (total - 1, base, top)]

    def fn(t):
        if t.size and t.max() > total:
            V.fail("t", int(t.max()), f"total_steps={total}; t must be <= {total}")
        out = np.empty(t.shape)
        first = t <= phases[0][0]
        for sel, (start, (end, a, b)) in ((first, (0.0, phases[0])), (~first, (phases[0][0], phases[1]))):
            frac = (t[sel] - start) / (end - start)
            out[sel] = (b + (a - b) / 2.0 * (np.cos(np.pi * frac) + 1) if anneal_strategy == "cos"
                        else (b - a) * frac + a)
        return out
    return Schedule("onecycle_momentum", dict(total_steps=total, pct_start=pct, anneal_strategy=anneal_strategy,
                                              base_momentum=base, max_momentum=top), fn)


_BUILDERS = {
    "constant": _constant, "step": _step, "multistep": _multistep, "exponential": _exponential,
    "cosine": _cosine, "cosine_warm_restarts": _cosine_warm_restarts, "linear": _linear,
    "polynomial": _polynomial, "onecycle": _onecycle, "sequential": _sequential,
}


def schedule(name, lr=None, **kwargs) -> Schedule:
    """Build a learning-rate schedule by torch.optim.lr_scheduler's name and arguments.

    Args:
        name: one of ``SCHEDULES`` (case-insensitive); a Schedule passes through,
            any other callable of t is wrapped as ``"custom"``.
        lr: the base learning rate (torch's initial lr); ``onecycle`` also takes
            ``max_lr``, ``sequential`` needs it only for sub-schedules given by name.
        **kwargs: the scheduler's arguments, e.g. ``milestones``, ``gamma``, ``T_max``.

    Returns:
        A :class:`Schedule`; ``sched(t)`` is the lr of the t-th optimizer step (t from 0).

    >>> round(schedule("cosine", lr=0.1, T_max=100)(50), 6)
    0.05
    """
    if isinstance(name, Schedule) and lr is None and not kwargs:
        return name
    if callable(name) and not isinstance(name, (str, Schedule)):
        if lr is not None or kwargs:
            V.fail("arguments", sorted(kwargs) + (["lr"] if lr is not None else []),
                   "a custom schedule takes no lr or arguments", TypeError)
        return Schedule("custom", {"fn": name}, lambda t: _call_any(name, t))
    if not isinstance(name, str):
        V.fail("schedule", name, "must be a name such as 'step', a Schedule or a callable of the step", TypeError)
    key = V.choice("schedule", name, SCHEDULES)
    if key == "warmup_cosine":
        if lr is None:
            V.fail("lr", None, "warmup_cosine needs lr=", TypeError)
        return warmup_cosine(lr, **kwargs)
    if key == "onecycle" and "max_lr" in kwargs:
        max_lr = kwargs.pop("max_lr")
        if lr is not None and lr != max_lr:
            V.fail("max_lr", max_lr, f"onecycle got lr={V.show(lr)} too; give one of them")
        lr = max_lr
    build = _BUILDERS[key]
    names = build.__code__.co_varnames[1:build.__code__.co_argcount]
    unknown = sorted(set(kwargs) - set(names))
    if unknown:
        V.fail("argument", unknown[0] if len(unknown) == 1 else unknown,
               f"schedule {key!r} takes lr, {', '.join(names)}", TypeError)
    defaults = dict(zip(names, build.__defaults__ or ()))  # all parameters have defaults
    missing = [n for n in names if defaults.get(n) is _REQUIRED and n not in kwargs]
    if missing:
        V.fail(missing[0], None, f"schedule {key!r} needs {', '.join(missing)}", TypeError)
    if key != "sequential":
        if lr is None:
            V.fail("lr", None, f"schedule {key!r} needs lr=" + (" (or max_lr=)" if key == "onecycle" else ""),
                   TypeError)
        lr = _lr(lr, "max_lr" if key == "onecycle" else "lr")
    elif lr is not None:
        lr = _lr(lr)
    params, fn = build(lr, **kwargs)
    return Schedule(key, params, fn)
