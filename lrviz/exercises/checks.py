"""Exercise checks: tell a student whether an answer is right, and give a hint if not.

Each notebook's exercises live in ``lrviz.exercises.nNN_topic`` and compute their expected
answers with lrviz itself, so an answer key can never drift from what the notebooks show.
"""
from __future__ import annotations

import numbers

import numpy as np

__all__ = ["check_number", "check_choice"]


def _say(ok, text):
    print(("✅ Right. " if ok else "❌ Not yet. ") + text)
    return ok


def check_number(answer, expected, rtol=0.05, atol=0.0, hint="", explain=""):
    """Compare a numeric answer with ``expected`` (``|a - e| <= atol + rtol |e|``); print the verdict.

    Returns True when right. A non-number gets a message, not an exception.

    >>> check_number(0.199, 0.2, explain="2/L with L = 10.")
    ✅ Right. 2/L with L = 10.
    True
    """
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Real) or not np.isfinite(answer):
        return _say(False, f"Answer with a finite number (you gave {answer!r}). {hint}".strip())
    ok = abs(float(answer) - expected) <= atol + rtol * abs(expected)
    return _say(ok, explain if ok else hint)


def check_choice(answer, expected, choices, hint="", explain=""):
    """Compare a choice (case and spaces ignored) with ``expected``; unknown choices list the options.

    >>> check_choice("Adam", "adam", ["sgd", "adam"], explain="Its steps are rescaled per coordinate.")
    ✅ Right. Its steps are rescaled per coordinate.
    True
    """
    norm = str(answer).strip().lower()
    options = [str(c).lower() for c in choices]
    if norm not in options:
        return _say(False, f"Pick one of: {', '.join(map(str, choices))} (you gave {answer!r}).")
    ok = norm == str(expected).lower()
    return _say(ok, explain if ok else hint)
