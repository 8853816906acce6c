"""Underfitting, overfitting and the sweet spot, on a problem small enough to see whole.

Noisy samples of a smooth function on [-1, 1] are fitted by polynomials of growing degree
(closed-form least squares in the Legendre basis, which stays well conditioned where the
monomials 1, x, x^2, ... do not). Train error keeps falling with the degree; test error,
measured on fresh samples from the same source, falls and then rises again. A separate
validation sample is what you choose the degree with (``ErrorCurve.chosen_degree``); the
test sample is only for reporting the chosen model, and for seeing the whole curve.

Everything is seeded: the same arguments give the same numbers.

>>> data = make_data(n_train=15, noise=0.2, seed=0)
>>> curve = error_curve(data, degrees=range(10))
>>> bool(curve.train_mse[-1] < curve.train_mse[0]), 0 < curve.best_degree < 9
(True, True)
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.polynomial import legendre

from ..engine import validate as V

__all__ = ["true_function", "Data", "make_data", "fit", "predict", "mse", "ErrorCurve", "error_curve",
           "verdict", "MAX_DEGREE"]

#: The largest degree the module fits (more would only interpolate noise in fewer points).
MAX_DEGREE = 20


def true_function(x):
    """The smooth function behind the data: ``sin(pi x) + 0.3 x`` on [-1, 1]."""
    x = np.asarray(x, dtype=float)
    return np.sin(np.pi * x) + 0.3 * x


class Data(NamedTuple):
    """Train, test and validation samples of ``y = true_function(x) + noise * z``, x uniform on [-1, 1]."""
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    noise: float
    x_val: np.ndarray = None
    y_val: np.ndarray = None


def make_data(n_train=15, noise=0.2, seed=0, n_test=200, n_val=15) -> Data:
    """Draw a seeded train set of ``n_train`` points, a test set of ``n_test`` points and a
    validation set of ``n_val`` points (0: none).

    The sets use separate random streams, so changing ``n_train`` or ``noise`` keeps the
    same test and validation x's (and the same first train x's): only what you changed changes.
    """
    n_train, n_test = V.integer("n_train", n_train, lo=2), V.positive_int("n_test", n_test)
    n_val = V.integer("n_val", n_val, lo=0)
    noise = V.number("noise", noise, lo=0.0)
    seed = V.integer("seed", seed, lo=0)
    out = []
    for stream, n in ((0, n_train), (1, n_test), (2, n_val)):
        x = np.random.default_rng([seed, stream]).uniform(-1.0, 1.0, n)
        z = np.random.default_rng([seed, stream, 1]).standard_normal(n)
        out += [x, true_function(x) + float(noise) * z]
    return Data(*out[:4], float(noise), *((out[4:]) if n_val else (None, None)))


def fit(x, y, degree):
    """Least-squares polynomial of ``degree`` through ``(x, y)``; returns Legendre coefficients.

    With more coefficients than points the minimum-norm solution is returned (it interpolates).
    """
    degree = V.integer("degree", degree, lo=0, hi=MAX_DEGREE)
    A = legendre.legvander(np.asarray(x, dtype=float), degree)
    coef, *_ = np.linalg.lstsq(A, np.asarray(y, dtype=float), rcond=None)
    return coef


def predict(coef, x):
    """Evaluate a fitted polynomial (Legendre coefficients) at ``x``."""
    return legendre.legval(np.asarray(x, dtype=float), coef)


def mse(coef, x, y) -> float:
    """Mean squared error of the fit on points ``(x, y)``."""
    r = predict(coef, x) - np.asarray(y, dtype=float)
    return float(np.mean(r * r))


class ErrorCurve(NamedTuple):
    """Train, test and validation mean squared error for each degree.

    ``best_degree`` has the lowest test error: the sweet spot seen in hindsight, which you may
    look at but not choose with. ``chosen_degree`` has the lowest validation error: the degree
    you would pick (``None`` without a validation set).
    """
    degrees: np.ndarray
    train_mse: np.ndarray
    test_mse: np.ndarray
    best_degree: int
    val_mse: np.ndarray = None
    chosen_degree: int = None


def error_curve(data: Data, degrees=range(13)) -> ErrorCurve:
    """Fit every degree in ``degrees`` on the train set; measure train, test and validation error."""
    if not all(hasattr(data, f) for f in ("x_train", "y_train", "x_test", "y_test")):  # (a repr may hold an address)
        raise TypeError(f"Invalid data: <{type(data).__name__} object> (must be a Data from make_data())")
    allowed = f"must be one or more integers in [0, {MAX_DEGREE}]"
    if isinstance(degrees, (str, bytes)) or not hasattr(degrees, "__iter__"):
        V.fail("degrees", degrees, allowed, TypeError)
    degrees = list(degrees)
    if not degrees:
        V.fail("degrees", tuple(degrees), allowed)
    degrees = np.array([V.integer("degree", d, lo=0, hi=MAX_DEGREE) for d in degrees])
    has_val = getattr(data, "x_val", None) is not None and len(data.x_val) > 0
    tr, te, va = [], [], []
    for d in degrees:
        c = fit(data.x_train, data.y_train, int(d))
        tr.append(mse(c, data.x_train, data.y_train))
        te.append(mse(c, data.x_test, data.y_test))
        if has_val:
            va.append(mse(c, data.x_val, data.y_val))
    te = np.array(te)
    if not has_val:
        return ErrorCurve(degrees, np.array(tr), te, int(degrees[int(np.argmin(te))]))
    va = np.array(va)
    return ErrorCurve(degrees, np.array(tr), te, int(degrees[int(np.argmin(te))]), va, int(degrees[int(np.argmin(va))]))


def verdict(curve: ErrorCurve, degree, margin=1.5) -> str:
    """Name a degree: ``"underfitting"``, ``"overfitting"`` or ``"sweet spot"``.

    A degree whose test error is within ``margin`` times the best test error is at the sweet
    spot; otherwise it underfits below the best degree and overfits above it.
    """
    degree = V.integer("degree", degree, lo=0)
    V.choice("degree", degree, tuple(int(d) for d in curve.degrees))
    margin = V.number("margin", margin, lo=1.0)
    i = int(np.flatnonzero(curve.degrees == degree)[0])
    if curve.test_mse[i] <= margin * curve.test_mse.min():
        return "sweet spot"
    return "underfitting" if degree < curve.best_degree else "overfitting"
