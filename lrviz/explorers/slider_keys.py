"""The values a log slider sends one arrow key away, as the page computes them.

An explorer's lr slider is an ipywidgets ``FloatLogSlider``. Its page code (noUiSlider,
inside ipywidgets 8) holds the exponent ``w`` of the value shown and, on an arrow key,
sends ``base ** w'`` for the next exponent ``w'``. Both exponents come out of
noUiSlider's percent arithmetic, which rounds as IEEE doubles do, so the value that
reaches the kernel is rarely ``10 ** -1.95`` exactly (``0.01122018454301963`` rather than
``0.011220184543019636``: a few units in the last place, enough to miss a cache keyed by
the exact lr). :func:`key_press_values` redoes that arithmetic in the same order, so an
explorer can compute the runs a key press away beside the one on screen (a batch of
runs costs about what one does) and have the next frame ready when the key comes.

The steps, for a slider on ``[lo, hi]`` (exponents) with step ``s`` and ``base``:

    pct(v)   = 100 (v - lo) / (hi - lo)              noUiSlider's toStepping
    snap(p)  = round(p / q) q,  q = 100 s / (hi - lo), clipped to [0, 100]
    expo(p)  = p (hi - lo) / 100 + lo                fromStepping
    shown    = expo(snap(pct(log(value) / log(base))))    the exponent it holds
    pressed  = expo(snap(pct(shown +- s)))                one ArrowRight / ArrowLeft
    sent     = base ** pressed                              Math.pow in the page

``Math.pow`` in a browser may round the last bit differently from Python's ``**``, so each
value comes with its neighbours one unit in the last place away. Nothing here is
needed for correctness: a value the page sends that is not among these is computed as
usual.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["key_press_values"]


def _pct(v, lo, hi):
    """noUiSlider's toStepping on a range with one segment (its arithmetic, in its order)."""
    if v >= hi:
        return 100.0
    return 0 + (100 * (v + abs(lo) if lo < 0 else v - lo) / (hi - lo)) / (100 / (100 - 0))


def _snap(p, lo, hi, step):
    """getStep (round to the step in percent, JavaScript's Math.round), then clipped to [0, 100]."""
    if p != 100:
        q = (100 * step / (hi - lo)) / (100 / (100 - 0))
        p = 0 + math.floor((p - 0) / q + 0.5) * q
    return max(min(p, 100.0), 0.0)


def _expo(p, lo, hi):
    """fromStepping: the exponent at percent ``p``."""
    if p >= 100:
        return hi
    return (p - 0) * (100 / (100 - 0)) * (hi - lo) / 100 + lo


def _decimals(x):
    text = repr(float(x)).split(".")
    return len(text[1]) if len(text) > 1 and "e" not in text[1] else 0


def _shown(value, lo, hi, step, base):
    e = math.log(value) / math.log(base)
    e = min(max(e, lo), hi)
    return _expo(_snap(_pct(e, lo, hi), lo, hi, step), lo, hi)


def _pressed(w, lo, hi, step, direction):
    """The exponent after one arrow key from the exponent ``w`` (None at the end of the range)."""
    places = _decimals(step)
    if direction > 0:
        if w >= hi:
            return None
        m = step if w + step <= hi else hi - w
    else:
        if w <= lo:
            return None
        m = step
    m = float(f"{m:.{places}f}")  # Number(m.toFixed(decimals of the step))
    return _expo(_snap(_pct(w + direction * max(m, 1e-7), lo, hi), lo, hi, step), lo, hi)


def key_press_values(value, lo, hi, step, base=10.0) -> tuple:
    """The values a ``FloatLogSlider(min=lo, max=hi, step=step, base=base)`` showing ``value``
    sends next: when it first shows it (its grid point, if that differs), and after one
    ArrowRight and one ArrowLeft; each with its neighbours one unit in the last place away.

    >>> key_press_values(0.01, -5, 1, 0.05)[:3]
    (0.01122018454301963, 0.011220184543019629, 0.011220184543019632)
    """
    try:
        value = float(value)
        if not (value > 0 and math.isfinite(value)):
            return ()
        shown = _shown(value, lo, hi, step, base)
        exponents = [_pressed(shown, lo, hi, step, d) for d in (1, -1)] + [shown]
    except (TypeError, ValueError, OverflowError, ZeroDivisionError):
        return ()
    out = []
    for w in exponents:
        if w is None:
            continue
        v = float(base) ** w
        for c in (v, float(np.nextafter(v, 0.0)), float(np.nextafter(v, np.inf))):
            if c != value and c > 0 and math.isfinite(c) and c not in out:
                out.append(c)
    return tuple(out)
