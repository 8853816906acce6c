"""Exercise checks: tell a student whether an answer is right, and give a hint if not.

Each notebook's exercises live in ``lrviz.exercises.nNN_topic`` and compute their expected
answers with lrviz itself, so an answer key can never drift from what the notebooks show.
An exercise function ``qN(answer)`` calls one of these checks:

- ``check_number(answer, expected, rtol=0.05, atol=0.0, integer=False, hint, explain)``; an
  ``expected`` point or list, such as ``(2.56, 1.28)``, wants as many numbers, each within tolerance
- ``check_choice(answer, expected, choices, hint, explain)``
- ``check_update_rule(step, "adam", lr=1e-2, betas=(0.9, 0.999), ..., hint, explain)``: the
  student writes ``def step(x, grad, state, **hyper): ... return new_x`` (``state`` is a dict
  the function keeps between calls; it starts empty) and it is run on random inputs against
  ``lrviz.optimizer``; a mismatch names the step and the coordinate.

``None`` (or ``...``) is an unanswered exercise: the check asks for an answer, no verdict.

Grading. Every check records its verdict, ``"right"``, ``"wrong"`` or ``"unanswered"``, under
the exercise module and question that called it (found on the call stack, so the exercise
modules need no edits): in :data:`VERDICTS`, ``{(module, question): verdict}``, and, when the
environment variable ``LRVIZ_GRADE_LOG`` names a file, as one JSON line appended to it,
``{"module": "lrviz.exercises.n00_start_here", "question": "q1", "verdict": "right"}``.
``scripts/grade.py`` (``python3 run.py grade``) reads that log.

Answer key. Calling ``qN(KEY)`` (or ``qN(KEY_TEXT)``, its text twin) prints nothing and records
what the check would compare against; :func:`answer_key` returns it for every ``qN`` of a module.
"""
from __future__ import annotations

import dis
import inspect
import json
import math
import numbers
import os
import re

import numpy as np

from ..engine import optimizers as _optimizers

__all__ = ["check_number", "check_choice", "check_update_rule", "answer_key", "KEY", "KEY_TEXT", "VERDICTS",
           "GRADE_LOG_ENV"]

GRADE_LOG_ENV = "LRVIZ_GRADE_LOG"
VERDICTS: dict = {}  # (module, question) -> "right" / "wrong" / "unanswered", last call wins
_QUESTION = re.compile(r"q\d+[a-z]?")
_MODULE = re.compile(r"lrviz\.exercises\.n\d+\w*")


class _KeyNumber(float):
    """The answer-key sentinel: a check called with it records its expected answer silently.

    It is a finite float (and callable), so an exercise that screens its answer before an
    expensive computation (``isinstance(answer, numbers.Real)``, ``callable(step)``) goes on to
    compute the real expected answer.
    """

    def __new__(cls):
        return super().__new__(cls, 0.0)

    def __repr__(self):
        return "KEY"

    __str__ = __repr__

    def __call__(self, *args, **kwargs):
        raise TypeError("KEY is the answer-key sentinel, not an update rule")


class _KeyText(str):
    """The text twin of :data:`KEY`: equal to every string, so a screen such as
    ``answer.strip().lower() in CHOICES`` lets it through to the check."""

    def __new__(cls):
        return super().__new__(cls, "KEY")

    def __eq__(self, other):
        return isinstance(other, str)

    def __ne__(self, other):
        return not isinstance(other, str)

    __hash__ = str.__hash__

    def strip(self, *args):
        return self

    lstrip = rstrip = strip

    def lower(self):
        return self

    upper = casefold = lower

    def __str__(self):
        return self

    def __repr__(self):
        return "KEY_TEXT"


KEY = _KeyNumber()
KEY_TEXT = _KeyText()


def _is_key(answer):
    return answer is KEY or answer is KEY_TEXT


_key_entries: list = []


def _caller():
    """(module, question) of the nearest ``lrviz.exercises.nNN_*.qN`` on the stack, else (None, None)."""
    frame = inspect.currentframe()
    try:
        while frame is not None:
            module = frame.f_globals.get("__name__", "")
            if _MODULE.fullmatch(module) and _QUESTION.fullmatch(frame.f_code.co_name):
                return module, frame.f_code.co_name
            frame = frame.f_back
        return None, None
    finally:
        del frame


def _record(verdict):
    module, question = _caller()
    if module is None:
        return
    VERDICTS[(module, question)] = verdict
    path = os.environ.get(GRADE_LOG_ENV)
    if path:
        try:
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"module": module, "question": question, "verdict": verdict}) + "\n")
        except OSError as err:  # grading is the grader's business: the student still sees the verdict
            print(f"(could not record the verdict in {path}: {err})")


def _say(ok, text):
    print(("✅ Right. " if ok else "❌ Not yet. ") + text)
    _record("right" if ok else "wrong")
    return ok


def _unanswered(what="your answer"):
    print(f"✏️ Write {what} in place of None (or ...), then run this cell again.")
    _record("unanswered")
    return False


def _as_number(answer):
    """A float from a real number, a numpy scalar or a one-element array; None for anything else."""
    if isinstance(answer, np.ndarray) and answer.size == 1 and answer.dtype.kind in "iuf":
        answer = answer.reshape(()).item()
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, numbers.Real):
        return None
    value = float(answer)
    return value if math.isfinite(value) else None


def check_number(answer, expected, rtol=0.05, atol=0.0, hint="", explain="", integer=False):
    """Compare a numeric answer with ``expected`` (``|a - e| <= atol + rtol |e|``); print the verdict.

    Returns True when right. A non-number gets a message, not an exception. With
    ``integer=True`` (a count, such as a number of steps) the integers next to ``expected``
    are right too: for 13.5 steps, 13 and 14 as well as 13.5.

    >>> check_number(0.199, 0.2, explain="2/L with L = 10.")
    ✅ Right. 2/L with L = 10.
    True
    >>> check_number(14, 13.5, rtol=0.0, integer=True, explain="ln 2 / ln(1/0.95).")
    ✅ Right. ln 2 / ln(1/0.95).
    True
    """
    if np.ndim(expected) > 0:
        return _check_numbers(answer, expected, rtol, atol, hint, explain, integer)
    if _is_key(answer):
        _key_entries.append(dict(kind="number", expected=float(expected), rtol=rtol, atol=atol,
                                 integer=bool(integer), hint=hint, explain=explain))
        return None
    if answer is None or answer is Ellipsis:
        return _unanswered()
    value = _as_number(answer)
    if value is None:
        extra = " (without quotes)" if isinstance(answer, str) else ""
        return _say(False, f"Answer with a finite number{extra} (you gave {answer!r}). {hint}".strip())
    expected = float(expected)
    ok = abs(value - expected) <= atol + rtol * abs(expected)
    if integer and not ok:
        ok = value.is_integer() and value in (math.floor(expected), math.ceil(expected))
    return _say(ok, explain if ok else hint)


def _check_numbers(answer, expected, rtol, atol, hint, explain, integer):
    """check_number for a point or a list: the same length, every entry within its tolerance."""
    expected = [float(e) for e in np.ravel(np.asarray(expected, dtype=np.float64))]
    if _is_key(answer):
        _key_entries.append(dict(kind="numbers", expected=expected, rtol=rtol, atol=atol,
                                 integer=bool(integer), hint=hint, explain=explain))
        return None
    if answer is None or answer is Ellipsis:
        return _unanswered()
    values = None
    if isinstance(answer, (list, tuple, np.ndarray)) and np.size(answer) == len(expected):
        values = [_as_number(a) for a in np.ravel(np.asarray(answer, dtype=object))]
    if values is None or any(v is None for v in values):
        return _say(False, f"Answer with {len(expected)} finite numbers, such as "
                           f"({', '.join('...' for _ in expected)}) (you gave {answer!r}). {hint}".strip())
    off = [i for i, (v, e) in enumerate(zip(values, expected))
           if abs(v - e) > atol + rtol * abs(e)
           and not (integer and v.is_integer() and v in (math.floor(e), math.ceil(e)))]
    if not off:
        return _say(True, explain)
    which = "every entry is" if len(off) == len(expected) else \
        f"entr{'y' if len(off) == 1 else 'ies'} {', '.join(str(i + 1) for i in off)} of {len(expected)} " \
        f"{'is' if len(off) == 1 else 'are'}"
    return _say(False, f"{which[0].upper() + which[1:]} off. {hint}".strip())


def check_choice(answer, expected, choices, hint="", explain=""):
    """Compare a choice (case and spaces ignored) with ``expected``; unknown choices list the options.

    >>> check_choice("Adam", "adam", ["sgd", "adam"], explain="Its steps are rescaled per coordinate.")
    ✅ Right. Its steps are rescaled per coordinate.
    True
    """
    if _is_key(answer):
        _key_entries.append(dict(kind="choice", expected=str(expected), choices=[str(c) for c in choices],
                                 hint=hint, explain=explain))
        return None
    if answer is None or answer is Ellipsis:
        return _unanswered()
    norm = str(answer).strip().lower()
    options = [str(c).lower() for c in choices]
    if norm not in options:
        print(f"❌ Not yet. Pick one of: {', '.join(map(str, choices))} (you gave {answer!r}).")
        _record("wrong")
        return False
    ok = norm == str(expected).lower()
    return _say(ok, explain if ok else hint)


# ---------------------------------------------------------------- update rules

_SETUP_OPS = {"RESUME", "NOP", "COPY_FREE_VARS", "MAKE_CELL", "CACHE"}


def _is_stub(fn):
    """True for a function whose body is only ``...``, ``pass`` or a docstring (it returns None)."""
    try:
        ops = [(i.opname, i.argval) for i in dis.get_instructions(fn) if i.opname not in _SETUP_OPS]
    except TypeError:
        return False
    return ops in ([("LOAD_CONST", None), ("RETURN_VALUE", None)], [("RETURN_CONST", None)])


_OFF_WHEN_ZERO = ("momentum", "eps", "weight_decay", "initial_accumulator_value", "dampening", "lr_decay")


def _draw_hyper(hyper, rng):
    """New values, inside each hyperparameter's allowed range, for the numbers the student receives."""
    out = {}
    for key, value in hyper.items():
        if key in _OFF_WHEN_ZERO and not value:
            out[key] = value  # zero switches a feature off: keep the same rule
        elif key == "lr" and not callable(value):
            out[key] = float(value) * float(rng.uniform(0.5, 2.0))
        elif key == "momentum":
            out[key] = float(rng.uniform(0.5, 0.95))
        elif key in ("alpha", "rho"):
            out[key] = float(rng.uniform(0.8, 0.99))
        elif key == "betas":
            out[key] = (float(rng.uniform(0.5, 0.95)), float(rng.uniform(0.9, 0.999)))
        elif key == "eps":
            out[key] = float(value) * float(10 ** rng.uniform(1.0, 3.0))
        elif key in ("weight_decay", "initial_accumulator_value", "dampening"):
            out[key] = float(rng.uniform(0.05, 0.5))
        elif key == "lr_decay":
            out[key] = float(rng.uniform(0.01, 0.2))
        else:
            out[key] = value
    return out


def _trials(hyper, seed, steps):
    """(label, hyper, per-step lr or None): the given values twice, new draws, a changing lr."""
    rng = np.random.default_rng(seed)
    yield "", hyper, None
    yield "", hyper, None
    drawn = _draw_hyper(hyper, rng)
    if drawn != hyper:
        yield " (other hyperparameters)", drawn, None
    if "lr" in hyper and not callable(hyper["lr"]):
        lrs = float(hyper["lr"]) * np.geomspace(1.0, 0.1, steps) * rng.uniform(0.8, 1.2, steps)
        yield " (the lr changes every step, as under a schedule)", hyper, lrs


def _gradients(rng, steps, dim):
    """Gradients of both signs and magnitudes from 1e-4 to 10, so eps placement shows."""
    return rng.choice([-1.0, 1.0], (steps, dim)) * 10 ** rng.uniform(-4.0, 1.0, (steps, dim))


def _fmt(hyper):
    return ", ".join(f"{k}={v:.6g}" if isinstance(v, float) else
                     f"{k}=({', '.join(f'{b:.6g}' for b in v)})" if k == "betas" else f"{k}={v!r}"
                     for k, v in hyper.items())


_KERAS_EPS = {
    "rmsprop": "That is tf.keras's eps placement, sqrt(v + eps). lrviz follows PyTorch: sqrt(v) + eps.",
    "adagrad": "That is tf.keras's eps placement, sqrt(sum + eps). lrviz follows PyTorch: sqrt(sum) + eps.",
    "adam": ("That is tf.keras's epsilon-hat: eps added to sqrt(v) before v's bias correction. lrviz "
             "follows PyTorch: m_hat / (sqrt(v_hat) + eps)."),
}


def _diagnose(optimizer, hyper, label, t, got_step, want_step, x, g, state_ref):
    """A hint for the mistakes students make most often, recognised from the numbers."""
    name = optimizer.name
    hp = dict(hyper)
    with np.errstate(all="ignore"):
        ratio = got_step / want_step
    if "changes every step" in label:
        if hp.get("momentum") or name in ("momentum", "nesterov"):
            return ("With a constant lr your rule agrees; with a changing lr it does not. Keep lr out of the "
                    "buffer: PyTorch's form is buf = momentum * buf + grad, x = x - lr * buf.")
        return "With a constant lr your rule agrees; with a changing lr it does not: use this step's lr."
    if "other hyperparameters" in label:
        return "Use the hyperparameters your function is given, not numbers written into it."
    if name in _KERAS_EPS:
        try:
            keras = _optimizers.optimizer(name, convention="keras", **{**optimizer.hyperparams, **hp})
            k_new, _ = keras.update(g, state_ref, x)
        except Exception:  # a diagnosis is a bonus: never let it hide the verdict
            k_new = None
        if k_new is not None and np.allclose(x + got_step, k_new, rtol=1e-9, atol=0.0):
            return _KERAS_EPS[name]
    if name == "adam" and "betas" in hp:
        b1, b2 = hp["betas"]
        bc = (1 - b1 ** (t + 1)) / math.sqrt(1 - b2 ** (t + 1))
        if np.allclose(ratio, bc, rtol=1e-2):
            return ("Your steps are off by (1 - beta1^t) / sqrt(1 - beta2^t): divide m by 1 - beta1^t "
                    "and v by 1 - beta2^t (bias correction, t counting from 1).")
    if np.allclose(ratio, -1.0, rtol=1e-6):
        return "Your step goes the wrong way: subtract it (x - lr * ...), do not add it."
    return ""


def _rule_text(name):
    """The docstring that states an optimizer's update rule ('' if lrviz has none to give)."""
    try:
        return inspect.getdoc(_optimizers.spec(name).doc) or ""
    except Exception:  # the key still works without the rule's text
        return ""


def check_update_rule(step, optimizer, steps=6, dim=3, seed=0, rtol=1e-9, hint="", explain="", **hyper):
    """Run a student's update rule on random inputs against ``lrviz.optimizer(optimizer, **hyper)``.

    ``step(x, grad, state, **hyper) -> new_x``: ``x`` and ``grad`` are float arrays of shape
    ``(dim,)``, ``state`` a dict the function keeps its own variables in (it starts empty and the
    same dict comes back every call), ``hyper`` exactly the keyword arguments given here (torch's
    names: ``lr``, ``momentum``, ``alpha``, ``eps``, ``betas``, ``rho``, ``weight_decay``, ...).
    Every step the student's function gets the reference ``x`` and a random gradient (both
    signs, magnitudes 1e-4 to 10), and its result must match the reference to ``rtol`` of the
    step's size. It runs from a few random starts, with other values of the hyperparameters,
    and with an lr that changes every step (as under a schedule). On a mismatch it prints the
    step, the coordinate, both values and a hint. Errors raised by ``step``, wrong shapes,
    NaN, ``None`` and a ``...`` body get a message, never an exception.

    >>> def sgd(x, grad, state, lr):
    ...     return x - lr * grad
    >>> check_update_rule(sgd, "sgd", lr=0.1, explain="x <- x - lr * grad.")
    ✅ Right. x <- x - lr * grad.
    True
    """
    opt0 = _optimizers.optimizer(optimizer, **hyper)  # bad names or values are the author's bug: raise
    if _is_key(step):
        _key_entries.append(dict(kind="update_rule", optimizer=opt0.name, hyper=dict(hyper),
                                 rule=_rule_text(opt0.name),
                                 hint=hint, explain=explain))
        return None
    if step is None or step is Ellipsis or (callable(step) and _is_stub(step)):
        return _unanswered("the body of your update function")
    if not callable(step):
        return _say(False, f"Answer with a function def step(x, grad, state, ...) (you gave {step!r}).")
    in_place = False
    for trial, (label, hp, lrs) in enumerate(_trials(hyper, seed, steps)):
        rng = np.random.default_rng([seed, trial])
        opt = _optimizers.optimizer(optimizer, **hp)
        x = rng.normal(0.0, 2.0, dim)
        ref_state = opt.init(x)
        state = {}
        for t, g in enumerate(_gradients(rng, steps, dim)):
            kwargs = dict(hp)
            if lrs is not None:
                kwargs["lr"] = float(lrs[t])
            new, next_state = opt.update(g, ref_state, x, lr=kwargs.get("lr") if lrs is not None else None)
            where = f"At step {t + 1}{label}, with {_fmt(kwargs) or 'no hyperparameters'}"
            x_in = x.copy()
            try:
                got = step(x_in, g.copy(), state, **kwargs)
            except Exception as err:  # the student's code: report, never crash the notebook
                extra = (f" Your function must accept the keyword arguments {', '.join(kwargs)}."
                         if isinstance(err, TypeError) and "argument" in str(err) else "")
                return _say(False, f"{where}: your function raised {type(err).__name__}: {err}.{extra} {hint}".strip())
            in_place = in_place or not np.array_equal(x_in, x)
            if got is None:
                return _say(False, f"{where}: your function returned None. End it with return new_x. {hint}".strip())
            if isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], dict):
                return _say(False, f"{where}: return only new_x; keep your variables in the state dict. {hint}".strip())
            try:
                got = np.asarray(got, dtype=np.float64)
            except (TypeError, ValueError):
                return _say(False, f"{where}: your function returned {got!r}, not an array of numbers. {hint}".strip())
            if got.shape != x.shape:
                return _say(False, f"{where}: your function returned shape {got.shape}, x has shape {x.shape}. "
                                   f"Work elementwise on the whole array. {hint}".strip())
            bad = ~np.isfinite(got)
            if bad.any():
                i = int(np.argmax(bad))
                return _say(False, f"{where}: coordinate {i} of your result is {got[i]} (expected {new[i]:.10g}). "
                                   f"A division by zero? Mind eps. {hint}".strip())
            want_step, got_step = new - x, got - x
            tol = rtol * np.abs(want_step) + 64 * np.finfo(float).eps * np.maximum(np.abs(x), np.abs(new))
            off = np.abs(got - new) > tol
            if off.any():
                i = int(np.argmax(off))
                diag = _diagnose(opt, kwargs, label, t, got_step, want_step, x, g, ref_state)
                return _say(False, f"{where}, x = {x[i]:.10g} and grad = {g[i]:.6g} in coordinate {i}: "
                                   f"your new x[{i}] is {got[i]:.10g}, expected {new[i]:.10g} "
                                   f"(your step {got_step[i]:.6g}, expected {want_step[i]:.6g}). "
                                   f"{diag} {hint}".strip())
            x, ref_state = new, next_state
    note = (" (Your function changed x in place; that works here, but x = x - ... is safer.)"
            if in_place else "")
    return _say(True, (explain + note).strip())


# ---------------------------------------------------------------- answer key

def answer_key(module):
    """Every ``qN`` of an exercise module with what its check compares against.

    Returns a list of dicts: ``question``, ``doc`` (the question's docstring) and the check's
    record (``kind``: "number" with ``expected``, ``rtol``, ``atol``, ``integer``; "choice"
    with ``expected`` and ``choices``; "update_rule" with ``optimizer``, ``hyper`` and
    ``rule``; each with ``hint`` and ``explain``). A question that calls no check, or raises,
    gets ``kind`` "unknown" and the error.
    """
    names = sorted((n for n in vars(module) if _QUESTION.fullmatch(n) and callable(getattr(module, n))),
                   key=lambda n: (int(re.match(r"q(\d+)", n).group(1)), n))
    out = []
    for name in names:
        fn = getattr(module, name)
        entry = {"question": name, "doc": inspect.getdoc(fn) or ""}
        record = _key_call(fn, KEY)
        if record.get("kind") not in ("number", "update_rule"):
            # a choice (or nothing) from the numeric sentinel may be a screen's placeholder:
            # ask again with the text sentinel and prefer what fits it
            text = _key_call(fn, KEY_TEXT)
            if text.get("kind") == "choice" or record.get("kind") == "unknown":
                record = text
        entry.update(record)
        out.append(entry)
    return out


def _key_call(fn, sentinel):
    """The last check record of ``fn(sentinel)``, or kind "unknown" and why."""
    del _key_entries[:]
    try:
        fn(sentinel)
    except Exception as err:  # a question the key cannot see into: say so in the key
        return {"kind": "unknown", "error": f"{type(err).__name__}: {err}"}
    finally:
        entries = list(_key_entries)
        del _key_entries[:]
    return entries[-1] if entries else {"kind": "unknown", "error": "no check called"}
