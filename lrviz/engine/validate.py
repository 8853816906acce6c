"""One home for argument checks: every bad value in lrviz reads the same way.

Each function takes the argument's name and its value, returns the value cleaned
(a float, an int, a tuple, a numpy array ...) and otherwise raises

- ``TypeError`` when the value has the wrong type (a string where a number goes),
- ``ValueError`` when it has the right type and a wrong value (negative, NaN, out of range),

always with the message ``Invalid <argument>: <value> (<what is allowed>)``:

>>> learning_rate(-0.1)
Traceback (most recent call last):
    ...
ValueError: Invalid lr: -0.1 (must be a finite number >= 0)

The engine, training, explorers and exercises all check through these functions, so
one bad learning rate gets one message wherever it is typed.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["show", "fail", "number", "integer", "positive_int", "learning_rate", "learning_rates",
           "lr_or_schedule", "choice", "boolean", "betas", "point", "probability"]


def show(value) -> str:
    """How a value appears in a message: numbers plainly, strings quoted, big arrays shortened.

    >>> show(np.float64(0.5)), show("adam"), show(np.arange(3.0)), show(np.zeros(100))
    ('0.5', "'adam'", '[0.0, 1.0, 2.0]', 'array of shape (100,)')
    """
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    if isinstance(value, numbers.Integral):
        return repr(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    if isinstance(value, np.ndarray):
        if value.size > 8:
            return f"array of shape {value.shape}"
        return repr(value.tolist())
    if isinstance(value, tuple) and all(isinstance(v, numbers.Number) for v in value):
        return "(" + ", ".join(show(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list) and all(isinstance(v, numbers.Number) for v in value):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if callable(value) and repr(value).startswith("<"):  # no memory address in a message
        return f"<{type(value).__name__} {getattr(value, '__name__', '')}>".replace(" >", ">")
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def fail(name, value, allowed, exc=ValueError):
    """Raise ``exc("Invalid <name>: <value> (<allowed>)")``; ``value`` is shown with :func:`show`.

    >>> fail("steps", -1, "must be an integer >= 0")
    Traceback (most recent call last):
        ...
    ValueError: Invalid steps: -1 (must be an integer >= 0)
    """
    raise exc(f"Invalid {name}: {show(value)} ({allowed})")


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _range_text(lo, hi, lo_open, hi_open):
    if lo is None and hi is None:
        return ""
    if hi is None:
        return f" {'>' if lo_open else '>='} {lo:g}"
    if lo is None:
        return f" {'<' if hi_open else '<='} {hi:g}"
    return f" in {'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"


def number(name, value, lo=None, hi=None, lo_open=False, hi_open=False, integer=False):
    """A finite real number (an ``int`` when ``integer``), optionally within [lo, hi].

    ``lo_open`` / ``hi_open`` exclude the bound itself. bool is not a number here.

    >>> number("gamma", 0.5, lo=0, hi=1, lo_open=True)
    0.5
    >>> number("gamma", 0.0, lo=0, hi=1, lo_open=True)
    Traceback (most recent call last):
        ...
    ValueError: Invalid gamma: 0.0 (must be a finite number in (0, 1])
    >>> number("steps", 2.5, lo=0, integer=True)
    Traceback (most recent call last):
        ...
    TypeError: Invalid steps: 2.5 (must be an integer >= 0)
    """
    allowed = ("must be an integer" if integer else "must be a finite number") \
        + _range_text(lo, hi, lo_open, hi_open)
    if integer:
        if not isinstance(value, numbers.Integral) or isinstance(value, (bool, np.bool_)):
            fail(name, value, allowed, TypeError)
        v = int(value)
    else:
        if not _is_number(value):
            fail(name, value, allowed, TypeError)
        v = float(value)
        if not math.isfinite(v):
            fail(name, value, allowed)
    if lo is not None and (v <= lo if lo_open else v < lo):
        fail(name, value, allowed)
    if hi is not None and (v >= hi if hi_open else v > hi):
        fail(name, value, allowed)
    return v


def integer(name, value, lo=0, hi=None):
    """An integer >= lo (and <= hi when given).

    >>> integer("seed", 3)
    3
    >>> integer("seed", -1)
    Traceback (most recent call last):
        ...
    ValueError: Invalid seed: -1 (must be an integer >= 0)
    """
    return number(name, value, lo=lo, hi=hi, integer=True)


def positive_int(name, value):
    """An integer >= 1.

    >>> positive_int("epochs", 0)
    Traceback (most recent call last):
        ...
    ValueError: Invalid epochs: 0 (must be an integer >= 1)
    """
    return number(name, value, lo=1, integer=True)


def probability(name, value, hi_open=True):
    """A number in [0, 1) (or [0, 1] with ``hi_open=False``): a decay rate, a beta.

    >>> probability("beta1", 1.0)
    Traceback (most recent call last):
        ...
    ValueError: Invalid beta1: 1.0 (must be a finite number in [0, 1))
    """
    return number(name, value, lo=0.0, hi=1.0, hi_open=hi_open)


def learning_rate(value, name="lr"):
    """One learning rate: a finite number >= 0, as a float.

    >>> learning_rate(np.float32(0.5))
    0.5
    >>> learning_rate("fast")
    Traceback (most recent call last):
        ...
    TypeError: Invalid lr: 'fast' (must be a finite number >= 0)
    """
    return number(name, value, lo=0.0)


_LR = "must be a finite number >= 0"


def learning_rates(value, name="lr", allowed="must be a finite number >= 0 or a non-empty 1-D array of them"):
    """A learning rate or one per run: a float, or a float64 array of shape ``(runs,)``.

    A bad number gets the same message as :func:`learning_rate`; ``allowed`` is the text
    for a value of the wrong type.

    >>> learning_rates([0.1, 0.2])
    array([0.1, 0.2])
    >>> learning_rates([0.1, -0.2])
    Traceback (most recent call last):
        ...
    ValueError: Invalid lr: [0.1, -0.2] (must be finite numbers >= 0, one per run)
    """
    if _is_number(value):
        return learning_rate(value, name)
    if isinstance(value, (str, bytes, bool, np.bool_)) or value is None or callable(value):
        fail(name, value, allowed, TypeError)
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        fail(name, value, allowed, TypeError)
    if arr.dtype.kind not in "iuf":
        fail(name, value, allowed, TypeError)
    arr = arr.astype(np.float64)
    if arr.ndim == 0:
        return learning_rate(float(arr), name)
    if arr.ndim != 1 or arr.size == 0:
        fail(name, value, f"must be a number or a non-empty 1-D array, one per run; got shape {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        fail(name, value, "must be finite numbers >= 0, one per run")
    return arr


def lr_or_schedule(value, name="lr"):
    """A learning rate, an array of them (one per run), or a schedule (any callable of the step).

    Callables are returned unchecked: their values are checked where they are evaluated.

    >>> lr_or_schedule(0.1), callable(lr_or_schedule(lambda t: 0.1))
    (0.1, True)
    >>> lr_or_schedule(-0.1)
    Traceback (most recent call last):
        ...
    ValueError: Invalid lr: -0.1 (must be a finite number >= 0)
    >>> lr_or_schedule(None)
    Traceback (most recent call last):
        ...
    TypeError: Invalid lr: None (must be a finite number >= 0, a 1-D array of them, or a schedule)
    """
    if callable(value):
        return value
    return learning_rates(value, name, "must be a finite number >= 0, a 1-D array of them, or a schedule")


def choice(name, value, allowed, *, case=False):
    """One of ``allowed`` (strings compared after strip() and, unless ``case``, lower()).

    >>> choice("optimizer", " Adam", ("sgd", "adam"))
    'adam'
    >>> choice("optimizer", "lion", ("sgd", "adam"))
    Traceback (most recent call last):
        ...
    ValueError: Invalid optimizer: 'lion' (must be one of 'sgd', 'adam')
    """
    allowed = tuple(allowed)
    text = "must be one of " + ", ".join(map(repr, allowed))
    if isinstance(value, str):
        key = value.strip() if case else value.strip().lower()
        for a in allowed:
            if key == (a if case or not isinstance(a, str) else a.lower()):
                return a
        fail(name, value, text)
    if all(isinstance(a, str) for a in allowed):
        fail(name, value, text, TypeError)
    if value in allowed:
        return value
    fail(name, value, text)


def boolean(name, value):
    """True or False (numpy bools too; 0 and 1 are not accepted).

    >>> boolean("nesterov", np.True_)
    True
    >>> boolean("nesterov", 1)
    Traceback (most recent call last):
        ...
    TypeError: Invalid nesterov: 1 (must be True or False)
    """
    if not isinstance(value, (bool, np.bool_)):
        fail(name, value, "must be True or False", TypeError)
    return bool(value)


def betas(value, name="betas"):
    """A pair (beta1, beta2) of numbers, each in [0, 1).

    >>> betas([0.9, 0.999])
    (0.9, 0.999)
    >>> betas((0.9, 1.0))
    Traceback (most recent call last):
        ...
    ValueError: Invalid betas: (0.9, 1.0) (must be a pair (beta1, beta2), each a finite number in [0, 1))
    """
    allowed = "must be a pair (beta1, beta2), each a finite number in [0, 1)"
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or not hasattr(value, "__iter__"):
        fail(name, value, allowed, TypeError)
    if len(value) != 2:
        fail(name, value, allowed)
    out = []
    for b in value:
        if not _is_number(b):
            fail(name, value, allowed, TypeError)
        b = float(b)
        if not (math.isfinite(b) and 0.0 <= b < 1.0):
            fail(name, tuple(value), allowed)
        out.append(b)
    return tuple(out)


def point(name, value, dim):
    """A point: ``dim`` finite numbers, as a float64 array of shape ``(dim,)``.

    A single number is accepted for ``dim == 1``.

    >>> point("x0", (1, 2), 2)
    array([1., 2.])
    >>> point("x0", (1, 2, 3), 2)
    Traceback (most recent call last):
        ...
    ValueError: Invalid x0: (1, 2, 3) (must be 2 finite numbers)
    """
    allowed = f"must be {dim} finite number{'s' if dim != 1 else ''}"
    if isinstance(value, (str, bytes, bool, np.bool_)) or value is None:
        fail(name, value, allowed, TypeError)
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        fail(name, value, allowed, TypeError)
    if dim == 1 and arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.shape != (dim,) or not np.all(np.isfinite(arr)):
        fail(name, value, allowed)
    return arr
