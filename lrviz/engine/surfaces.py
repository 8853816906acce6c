"""Loss surfaces for gradient-descent demos: the ``Surface`` type and a catalog.

Every ``f`` maps points of shape ``(..., dim)`` to losses of shape ``(...)`` and
every ``grad`` maps ``(..., dim)`` to ``(..., dim)`` (1-D surfaces too: ``(..., 1)``),
with exact analytic derivatives.  They never modify their input, emit no
RuntimeWarning for ordinary inputs and are cheap on big batches, because
``descend`` calls them once per step on ``(runs, dim)`` arrays.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from . import validate as V

from .expressions import as_points as _pts
from .expressions import parse_expression

__all__ = ["Surface", "SURFACES", "surface"]


def _is_number(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def _norm_point(value, dim: int, field: str) -> tuple:
    """A point as a tuple of ``dim`` finite floats (a bare number is fine in 1-D)."""
    if dim == 1 and np.ndim(value) == 0:
        value = (value,)
    try:
        point = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        point = ()
    if len(point) != dim or not all(math.isfinite(v) for v in point):
        V.fail(field, value, f"must be {dim} finite number{'s' if dim > 1 else ''} for a {dim}-D surface")
    return point


def _norm_bounds(bounds, dim: int) -> tuple:
    """Bounds as ``((lo, hi),)`` or ``((xlo, xhi), (ylo, yhi))`` of finite floats, lo < hi."""
    try:
        out = tuple(tuple(float(v) for v in pair) for pair in bounds)
    except (TypeError, ValueError):
        out = ()
    if len(out) != dim or not all(len(p) == 2 and math.isfinite(p[0])
                                  and math.isfinite(p[1]) and p[0] < p[1] for p in out):
        want = "((lo, hi),)" if dim == 1 else "((xlo, xhi), (ylo, yhi))"
        V.fail("bounds", bounds, f"must be {want} with finite lo < hi for a {dim}-D surface")
    return out


@dataclass(frozen=True)
class Surface:
    """A loss surface: ``f``, its exact ``grad``, a plot window and known minima.

    Args:
        name: short identifier, e.g. ``"rosenbrock"`` or ``"valley(kappa=100)"``.
        dim: 1 or 2.
        f: ``x`` of shape ``(..., dim)`` -> loss of shape ``(...)``.
        grad: ``x`` of shape ``(..., dim)`` -> exact gradient ``(..., dim)``.
        bounds: plot window, ``((lo, hi),)`` or ``((xlo, xhi), (ylo, yhi))``.
        minima: known minima (tuples of length ``dim``), global minimum first.
        x0: a default start that makes a good demo.
        formula: LaTeX of ``f`` without ``$`` delimiters (mathtext-compatible).
        hessian: optional ``(..., dim) -> (..., dim, dim)``.
        description: one sentence for students: what this surface teaches.
        log_levels: whether contour levels should be log-spaced.
        min_value: ``f`` at the global minimum, when known.
    """

    name: str
    dim: int
    f: Callable
    grad: Callable
    bounds: tuple
    minima: tuple = ()
    x0: tuple | None = None
    formula: str = ""
    hessian: Callable | None = None
    description: str = ""
    log_levels: bool = False
    min_value: float | None = None

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            V.fail("name", self.name, "must be a non-empty string")
        if isinstance(self.dim, bool) or self.dim not in (1, 2):
            V.fail("dim", self.dim, "must be 1 or 2")
        for field in ("f", "grad"):
            if not callable(getattr(self, field)):
                V.fail(field, getattr(self, field), "must be callable", TypeError)
        if self.hessian is not None and not callable(self.hessian):
            V.fail("hessian", self.hessian, "must be callable or None", TypeError)
        if not np.iterable(self.minima) or isinstance(self.minima, str):
            V.fail("minima", self.minima, "must be a tuple of points")
        if self.min_value is not None and not _is_number(self.min_value):
            V.fail("min_value", self.min_value, "must be a number or None")
        set_ = object.__setattr__  # frozen: normalize lists to tuples of floats once
        set_(self, "dim", int(self.dim))
        set_(self, "bounds", _norm_bounds(self.bounds, self.dim))
        set_(self, "minima", tuple(_norm_point(m, self.dim, "minima") for m in self.minima))
        if self.x0 is not None:
            set_(self, "x0", _norm_point(self.x0, self.dim, "x0"))
        if self.min_value is not None:
            set_(self, "min_value", float(self.min_value))
        set_(self, "log_levels", bool(self.log_levels))

    @classmethod
    def from_expression(cls, text: str, name: str | None = None, bounds=None,
                        x0=None) -> "Surface":
        """Build a surface with exact gradients from a student-typed expression.

        Parsed safely (never run as Python), see :mod:`lrviz.expressions`:
        numbers, ``x``, ``y``, ``pi``, ``e``, ``+ - * /``, ``**`` with a constant
        exponent (``|p| <= 10``) and ``sin cos tan exp log sqrt abs tanh sinh cosh
        arctan log1p expm1``.  2-D when ``y`` appears, else 1-D.  Out-of-domain
        points (``log`` of a negative) give nan, without warnings.

        Args:
            text: e.g. ``"x**4 - 3*x**2 + x"`` or ``"x**2 + 10*y**2"``.
            name: defaults to the text.
            bounds: plot window; defaults to ``(-3, 3)`` per coordinate.
            x0: defaults to 80% of the way from the window's centre to its
                upper corner, ``(2.4, 2.4)`` for the default window.

        Returns:
            A :class:`Surface` without known minima.  Raises ValueError saying
            what is wrong with the text and what is allowed.

        >>> s = Surface.from_expression("x**4 - 3*x**2 + x")
        >>> s.dim, round(float(s.f(np.array([1.0]))), 3), float(s.grad(np.array([1.0]))[0])
        (1, -1.0, -1.0)
        >>> Surface.from_expression("x**2 + 10*y**2").formula
        'f(x, y) = x^{2} + 10 y^{2}'
        """
        e = parse_expression(text)
        bounds = _norm_bounds(((-3.0, 3.0),) * e.dim if bounds is None else bounds, e.dim)
        if x0 is None:
            x0 = tuple(lo + 0.9 * (hi - lo) for lo, hi in bounds)
        lhs = "f(x)" if e.dim == 1 else "f(x, y)"
        return cls(name=e.text if name is None else name, dim=e.dim, f=e.f, grad=e.grad,
                   bounds=bounds, x0=x0, formula=f"{lhs} = {e.latex}",
                   description=f"Your surface: f = {e.text}.")


# ------------------------------------------------------------------ helpers
# Catalog functions are written on the coordinate columns u = x[..., 0] and
# v = x[..., 1]; these wrappers add the shape check and assemble the outputs.

def _f1(fn):
    return lambda x: fn(_pts(x, 1)[..., 0])


def _g1(fn):  # fn is elementwise, so it maps (..., 1) to a new (..., 1) array
    return lambda x: fn(_pts(x, 1))


def _h1(fn):
    def hessian(x):
        x = _pts(x, 1)
        out = np.empty(x.shape + (1,))
        out[..., 0] = fn(x)
        return out
    return hessian


def _f2(fn):
    def f(x):
        x = _pts(x, 2)
        return fn(x[..., 0], x[..., 1])
    return f


def _g2(fn):  # fn(u, v) -> (df/du, df/dv)
    def grad(x):
        x = _pts(x, 2)
        out = np.empty_like(x)  # filling slices is cheaper than np.stack
        out[..., 0], out[..., 1] = fn(x[..., 0], x[..., 1])
        return out
    return grad


def _h2(fn):  # fn(u, v) -> (d2f/du2, d2f/dudv, d2f/dv2)
    def hessian(x):
        x = _pts(x, 2)
        out = np.empty(x.shape + (2,))
        out[..., 0, 0], out[..., 0, 1], out[..., 1, 1] = fn(x[..., 0], x[..., 1])
        out[..., 1, 0] = out[..., 0, 1]
        return out
    return hessian


def _minima(f, grad, hess, guesses) -> tuple:
    """Newton-refine approximate minima to machine precision, lowest loss first."""
    out = []
    for guess in guesses:
        x = np.array(guess, dtype=float)
        for _ in range(50):
            step = np.linalg.solve(hess(x), grad(x)[..., None])[..., 0]
            x = x - step
            if np.all(np.abs(step) <= 1e-13 * (1.0 + np.abs(x))):
                break
        else:  # pragma: no cover - a wrong guess is a bug in this module
            raise RuntimeError(f"Newton did not converge from {guess}")
        out.append(tuple(float(v) for v in x))
    return tuple(sorted(out, key=lambda m: float(f(np.array(m)))))  # stable for ties


def _quadratic(name, h00, h01, h11, c0=0.0, c1=0.0, **kw) -> Surface:
    """``f = 0.5 (p - c)^T H (p - c)`` with a constant symmetric 2x2 ``H``."""
    def g(u, v):
        d0, d1 = u - c0, v - c1
        return h00 * d0 + h01 * d1, h01 * d0 + h11 * d1

    def f(u, v):
        g0, g1 = g(u, v)
        return 0.5 * ((u - c0) * g0 + (v - c1) * g1)

    return Surface(name, 2, _f2(f), _g2(g), hessian=_h2(lambda u, v: (h00, h01, h11)),
                   minima=((c0, c1),), min_value=0.0, **kw)


# ------------------------------------------------------------- 1-D catalog

def _parabola() -> Surface:
    return Surface("parabola", 1, _f1(lambda u: u * u), _g1(lambda x: 2.0 * x),
                   ((-2.0, 2.0),), minima=((0.0,),), x0=(1.5,), formula=r"f(x) = x^2",
                   hessian=_h1(lambda x: 2.0), min_value=0.0,
                   description="The simplest loss: plain gradient descent multiplies x "
                   "by 1 - 2 lr each step, so it creeps for small lr, oscillates for "
                   "0.5 < lr < 1 and diverges for lr > 1.")


def _scaled_parabola(a=5.0) -> Surface:
    return Surface("scaled_parabola", 1, _f1(lambda u: a * (u * u)),
                   _g1(lambda x: (2.0 * a) * x), ((-2.0, 2.0),), minima=((0.0,),),
                   x0=(1.5,), formula=rf"f(x) = {a:g}\,x^2", min_value=0.0,
                   hessian=_h1(lambda x: 2.0 * a),
                   description=f"Curvature 2a = {2 * a:g}: plain gradient descent "
                   f"converges for lr < 1/a = {1 / a:g} and diverges above it, so the "
                   f"right learning rate depends on the curvature.")


def _wavy(c=2.0) -> Surface:
    f = _f1(lambda u: u * np.cos(c * u))
    grad = _g1(lambda x: np.cos(c * x) - (c * x) * np.sin(c * x))
    hess = _h1(lambda x: -2.0 * c * np.sin(c * x) - (c * c * x) * np.cos(c * x))
    # In u = c x the window and the critical points do not depend on c: the
    # minima solve cos u = u sin u at u ~ -6.437, 3.426, -0.860 inside (-8, 8).
    minima = _minima(f, grad, hess, [(u / c,) for u in (-6.437, 3.426, -0.860)])
    return Surface("wavy", 1, f, grad, ((-8.0 / c, 8.0 / c),), minima=minima,
                   x0=(5.0 / c,), formula=rf"f(x) = x\,\cos({c:g}x)", hessian=hess,
                   description="Local minima that get deeper away from the origin: "
                   "where you stop depends on the start and the learning rate (f is "
                   "unbounded below outside the window, so min_value is None).")


def _double_well() -> Surface:
    return Surface("double_well", 1, _f1(lambda u: (u * u - 1.0) ** 2),
                   _g1(lambda x: 4.0 * x * (x * x - 1.0)), ((-2.0, 2.0),),
                   minima=((-1.0,), (1.0,)), x0=(1.8,), formula=r"f(x) = (x^2 - 1)^2",
                   hessian=_h1(lambda x: 12.0 * x * x - 4.0), min_value=0.0,
                   description="Two equally deep wells with a bump at 0: a large step "
                   "off the steep outer wall can throw the point into the other well.")


def _quartic() -> Surface:
    f = _f1(lambda u: (u * u - 3.0) * (u * u) + u)
    grad = _g1(lambda x: (4.0 * x * x - 6.0) * x + 1.0)
    hess = _h1(lambda x: 12.0 * x * x - 6.0)
    minima = _minima(f, grad, hess, [(-1.30,), (1.13,)])
    return Surface("quartic", 1, f, grad, ((-2.2, 2.2),), minima=minima, x0=(2.0,),
                   formula=r"f(x) = x^4 - 3x^2 + x", hessian=hess,
                   min_value=float(f(np.array(minima[0]))),
                   description="A shallow local minimum near 1.13 beside the global one "
                   "near -1.30: small steps from the right get trapped, larger ones can "
                   "hop over the bump.")


def _plateau_cliff() -> Surface:
    # For x < -0.5 the tanh step is flat at height 1 and only the faint x^2/100
    # tilt pulls right (slope x/50); around x = 0 it drops by 1 with slope up to
    # -2, to a minimum near x = 0.78.  tanh, unlike a logistic exp, cannot overflow.
    f = _f1(lambda u: 0.5 * (1.0 - np.tanh(4.0 * u)) + 0.01 * (u * u))

    def grad(x):
        t = np.tanh(4.0 * _pts(x, 1))
        return -2.0 * (1.0 - t * t) + 0.02 * x

    def second(x):
        t = np.tanh(4.0 * x)
        return 16.0 * t * (1.0 - t * t) + 0.02

    hess = _h1(second)
    minima = _minima(f, grad, hess, [(0.78,)])
    return Surface("plateau_cliff", 1, f, grad, ((-4.0, 3.0),), minima=minima, x0=(-3.5,),
                   hessian=hess, min_value=float(f(np.array(minima[0]))),
                   formula=r"f(x) = \frac{1}{2}\left(1 - \tanh 4x\right) + \frac{x^2}{100}",
                   description="A nearly flat plateau ending in a steep cliff: a small "
                   "learning rate crawls for hundreds of steps, a large one races across "
                   "and is flung far past the minimum by the cliff's big gradient (the "
                   "case for gradient clipping).")


# ------------------------------------------------------------- 2-D catalog

_SQUARE = ((-2.0, 2.0), (-2.0, 2.0))


def _bowl() -> Surface:
    return _quadratic("bowl", 1.0, 0.0, 1.0, bounds=_SQUARE, x0=(-1.5, 1.0),
                      formula=r"f(x, y) = \frac{1}{2}(x^2 + y^2)",
                      description="The isotropic bowl 0.5 (x^2 + y^2): the gradient "
                      "points straight at the minimum and every direction converges at "
                      "the same rate (lr < 2).")


def _valley(kappa=10.0) -> Surface:
    return _quadratic("valley", 1.0, 0.0, kappa, bounds=_SQUARE, x0=(-1.8, 0.8),
                      formula=rf"f(x, y) = \frac{{1}}{{2}}(x^2 + {kappa:g}\,y^2)",
                      description=f"An elongated quadratic with condition number kappa "
                      f"= {kappa:g}: the steep y direction caps the learning rate (lr < "
                      f"2/kappa) while the flat x direction crawls, so descent zig-zags.")


def _rotated_valley(kappa=10.0, angle=30.0) -> Surface:
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    # H = R diag(1, kappa) R^T: the flat axis of the valley points along `angle`
    return _quadratic("rotated_valley", c * c + kappa * s * s, (1.0 - kappa) * c * s,
                      s * s + kappa * c * c, bounds=_SQUARE,
                      x0=(-1.8 * c - 0.8 * s, -1.8 * s + 0.8 * c),
                      formula=(r"f(x, y) = \frac{1}{2}(u^2 + " f"{kappa:g}" r"\,v^2),\ "
                               r"u = x\cos\theta + y\sin\theta,\ v = -x\sin\theta + "
                               r"y\cos\theta,\ \theta = " f"{angle:g}" r"^\circ"),
                      description=f"The valley turned by {angle:g} degrees, so its axes "
                      f"are not the coordinate axes: per-coordinate step sizes (Adagrad, "
                      f"RMSprop, Adam) lose their advantage.")


def _sparse(p=0.05) -> Surface:
    # The mean over examples of 0.5 (x - 1)^2 + 0.5 z_i (y - 1)^2, where z_i = 1
    # for the fraction p of examples that contain the rare feature y, else 0.
    return _quadratic("sparse", 1.0, 0.0, p, 1.0, 1.0, bounds=((-1.5, 2.5), (-1.5, 2.5)),
                      x0=(-1.0, -1.0), formula=rf"f(x, y) = \frac{{1}}{{2}}(x - 1)^2 + "
                      rf"\frac{{{p:g}}}{{2}}(y - 1)^2",
                      description=f"Adagrad's sparse-feature story: the average loss when "
                      f"feature y appears in only {p:.0%} of the examples, so its gradient "
                      f"is {p:g} times smaller and plain gradient descent barely moves it, "
                      f"while Adagrad rescales it.")


def _saddle() -> Surface:
    return Surface("saddle", 2, _f2(lambda u, v: u * u + (0.25 * v * v - 0.5) * (v * v)),
                   _g2(lambda u, v: (2.0 * u, (v * v - 1.0) * v)), _SQUARE,
                   minima=((0.0, 1.0), (0.0, -1.0)), x0=(1.8, 0.01),
                   hessian=_h2(lambda u, v: (2.0, 0.0, 3.0 * v * v - 1.0)), min_value=-0.25,
                   formula=r"f(x, y) = x^2 + \frac{1}{4}y^4 - \frac{1}{2}y^2",
                   description="A saddle point at the origin between minima at (0, 1) "
                   "and (0, -1): started near the ridge y = 0, gradient descent stalls "
                   "by the saddle before it escapes.")


def _rosenbrock(a=1.0, b=100.0) -> Surface:
    def grad(u, v):
        r = v - u * u
        return 2.0 * (u - a) - (4.0 * b) * (u * r), (2.0 * b) * r

    def hess(u, v):
        return 2.0 - (4.0 * b) * v + (12.0 * b) * (u * u), (-4.0 * b) * u, 2.0 * b

    bounds = ((min(-2.0, a - 1.0), max(2.0, a + 1.0)),
              (min(-1.0, a * a - 1.0), max(3.0, a * a + 1.0)))
    return Surface("rosenbrock", 2, _f2(lambda u, v: (a - u) ** 2 + b * (v - u * u) ** 2),
                   _g2(grad), bounds, minima=((a, a * a),), x0=(-1.5, 2.0),
                   formula=rf"f(x, y) = ({a:g} - x)^2 + {b:g}\,(y - x^2)^2",
                   hessian=_h2(hess), log_levels=True, min_value=0.0,
                   description="A narrow curved banana valley: reaching the valley floor "
                   "is easy, following it to the minimum at (a, a^2) is slow.")


def _himmelblau() -> Surface:
    def f(u, v):
        return (u * u + v - 11.0) ** 2 + (u + v * v - 7.0) ** 2

    def grad(u, v):
        p, q = u * u + v - 11.0, u + v * v - 7.0
        return 4.0 * u * p + 2.0 * q, 2.0 * p + 4.0 * v * q

    def hess(u, v):
        p, q = u * u + v - 11.0, u + v * v - 7.0
        return 4.0 * p + 8.0 * u * u + 2.0, 4.0 * (u + v), 4.0 * q + 8.0 * v * v + 2.0

    f, grad, hess = _f2(f), _g2(grad), _h2(hess)
    minima = _minima(f, grad, hess, [(3.0, 2.0), (-2.805118, 3.131312),
                                     (-3.779310, -3.283186), (3.584428, -1.848126)])
    return Surface("himmelblau", 2, f, grad, ((-5.0, 5.0), (-5.0, 5.0)), minima=minima,
                   x0=(0.0, 0.0), hessian=hess, log_levels=True, min_value=0.0,
                   formula=r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
                   description="Four equally deep minima: the start and the learning "
                   "rate decide which one you reach.")


def _beale() -> Surface:
    def terms(u, v):
        v2 = v * v
        v3 = v2 * v
        return v2, v3, 1.5 - u + u * v, 2.25 - u + u * v2, 2.625 - u + u * v3

    def f(u, v):
        _, _, t1, t2, t3 = terms(u, v)
        return t1 * t1 + t2 * t2 + t3 * t3

    def grad(u, v):
        v2, v3, t1, t2, t3 = terms(u, v)
        return (2.0 * (t1 * (v - 1.0) + t2 * (v2 - 1.0) + t3 * (v3 - 1.0)),
                2.0 * u * (t1 + 2.0 * v * t2 + 3.0 * v2 * t3))

    def hess(u, v):
        v2, v3, t1, t2, t3 = terms(u, v)
        return (2.0 * ((v - 1.0) ** 2 + (v2 - 1.0) ** 2 + (v3 - 1.0) ** 2),
                2.0 * (u * ((v - 1.0) + 2.0 * v * (v2 - 1.0) + 3.0 * v2 * (v3 - 1.0))
                       + t1 + 2.0 * v * t2 + 3.0 * v2 * t3),
                2.0 * (u * u * (1.0 + 4.0 * v2 + 9.0 * v2 * v2) + 2.0 * u * t2
                       + 6.0 * u * v * t3))

    return Surface("beale", 2, _f2(f), _g2(grad), ((-4.5, 4.5), (-4.5, 4.5)),
                   minima=((3.0, 0.5),), x0=(1.0, 1.5), hessian=_h2(hess), min_value=0.0,
                   log_levels=True, formula=r"f(x, y) = (1.5 - x + xy)^2 + "
                   r"(2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2",
                   description="Flat plateaus and steep ridges around the minimum at "
                   "(3, 0.5): the gradient's size varies over orders of magnitude.")


def _rastrigin(A=10.0) -> Surface:
    w = 2.0 * math.pi
    return Surface(
        "rastrigin", 2,
        _f2(lambda u, v: (2.0 * A + u * u + v * v) - A * (np.cos(w * u) + np.cos(w * v))),
        _g2(lambda u, v: (2.0 * u + (w * A) * np.sin(w * u),
                          2.0 * v + (w * A) * np.sin(w * v))),
        ((-5.12, 5.12), (-5.12, 5.12)), minima=((0.0, 0.0),), x0=(2.6, -3.2),
        hessian=_h2(lambda u, v: (2.0 + (w * w * A) * np.cos(w * u), 0.0,
                                  2.0 + (w * w * A) * np.cos(w * v))), min_value=0.0,
        formula=rf"f(x, y) = {2 * A:g} + x^2 - {A:g}\cos 2\pi x + y^2 - {A:g}\cos 2\pi y",
        description="A bowl covered in bumps, with a local minimum near every integer "
        "point: plain gradient descent stops in the nearest one.")


def _six_hump_camel() -> Surface:
    def f(u, v):
        u2, v2 = u * u, v * v
        return (4.0 - 2.1 * u2 + u2 * u2 / 3.0) * u2 + u * v + (4.0 * v2 - 4.0) * v2

    def grad(u, v):
        u2 = u * u
        return u * (8.0 - 8.4 * u2 + 2.0 * u2 * u2) + v, u + v * (16.0 * v * v - 8.0)

    def hess(u, v):
        u2 = u * u
        return 8.0 - 25.2 * u2 + 10.0 * u2 * u2, 1.0, 48.0 * v * v - 8.0

    f, grad, hess = _f2(f), _g2(grad), _h2(hess)
    minima = _minima(f, grad, hess, [(0.0898, -0.7126), (-0.0898, 0.7126),
                                     (-1.7036, 0.7961), (1.7036, -0.7961),
                                     (1.6071, 0.5687), (-1.6071, -0.5687)])
    return Surface("six_hump_camel", 2, f, grad, ((-2.0, 2.0), (-1.0, 1.0)), minima=minima,
                   x0=(-1.5, -0.2), hessian=hess, min_value=float(f(np.array(minima[0]))),
                   formula=r"f(x, y) = \left(4 - 2.1x^2 + \frac{x^4}{3}\right)x^2 + xy + "
                   r"(4y^2 - 4)y^2",
                   description="Six minima, two of them global at (0.0898, -0.7126) and "
                   "(-0.0898, 0.7126): which basin a run falls into depends on the "
                   "learning rate.")


# ----------------------------------------------------------------- registry

_POS = (lambda v: v > 0, "must be > 0")
_KAPPA = (lambda v: v >= 1, "must be >= 1")
_ANY = (lambda v: True, "any finite number")
# name -> (factory, {parameter: (default, is_valid, allowed range)})
_FACTORIES: dict = {
    "parabola": (_parabola, {}),
    "scaled_parabola": (_scaled_parabola, {"a": (5.0, *_POS)}),
    "wavy": (_wavy, {"c": (2.0, *_POS)}),
    "double_well": (_double_well, {}),
    "quartic": (_quartic, {}),
    "plateau_cliff": (_plateau_cliff, {}),
    "bowl": (_bowl, {}),
    "valley": (_valley, {"kappa": (10.0, *_KAPPA)}),
    "rotated_valley": (_rotated_valley, {"kappa": (10.0, *_KAPPA), "angle": (30.0, *_ANY)}),
    "saddle": (_saddle, {}),
    "rosenbrock": (_rosenbrock, {"a": (1.0, *_ANY), "b": (100.0, *_POS)}),
    "himmelblau": (_himmelblau, {}),
    "beale": (_beale, {}),
    "rastrigin": (_rastrigin, {"A": (10.0, *_POS)}),
    "six_hump_camel": (_six_hump_camel, {}),
    "sparse": (_sparse, {"p": (0.05, lambda v: 0 < v <= 1, "must be in (0, 1]")}),
}

SURFACES: dict[str, Surface] = {name: make() for name, (make, _) in _FACTORIES.items()}


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def surface(name, **params) -> Surface:
    """Look up a catalog surface by name, optionally with parameters.

    Names are case-insensitive and ``-`` equals ``_``.  Parameters (defaults):
    ``scaled_parabola(a=5)``, ``wavy(c=2)``, ``valley(kappa=10)``,
    ``rotated_valley(kappa=10, angle=30)`` (degrees), ``rosenbrock(a=1, b=100)``,
    ``rastrigin(A=10)``, ``sparse(p=0.05)``.  A variant's name records the
    values that differ from the defaults, e.g. ``"valley(kappa=100)"``.

    Args:
        name: a catalog name, or a :class:`Surface` (returned unchanged).
        **params: the surface's parameters.

    Returns:
        The :class:`Surface` (the ``SURFACES`` instance when no params are given).

    Raises:
        ValueError: unknown name (the message lists the catalog), unknown
            parameter or a value outside its range (the message names both).

    >>> round(float(surface("quartic").f(np.array([1.0]))), 3)
    -1.0
    >>> surface("Valley", kappa=100).name
    'valley(kappa=100)'
    """
    if isinstance(name, Surface):
        if params:
            V.fail("params", sorted(params), "a Surface instance takes no parameters; pass its catalog name instead")
        return name
    if not isinstance(name, str):
        V.fail("surface", name, "must be a name or a Surface", TypeError)
    key = {_key(k): k for k in SURFACES}.get(_key(name), _key(name))
    if key not in SURFACES and key not in _FACTORIES:
        V.fail("surface", name, f"must be one of {', '.join(map(repr, SURFACES))}")
    if not params:
        return SURFACES[key] if key in SURFACES else _FACTORIES[key][0]()
    spec = _FACTORIES[key][1] if key in _FACTORIES else {}
    for p, v in params.items():
        if p not in spec:
            takes = ", ".join(spec) if spec else "no parameters"
            V.fail("parameter", p, f"surface '{key}' takes {takes}")
        _, ok, allowed = spec[p]
        if not _is_number(v):
            V.fail(p, v, f"{allowed}, for surface '{key}'", TypeError)
        if not (math.isfinite(v) and ok(v)):
            V.fail(p, v, f"{allowed}, for surface '{key}'")
    values = {p: float(v) for p, v in params.items()}
    changed = [f"{p}={v:g}" for p, v in values.items() if v != spec[p][0]]
    s = _FACTORIES[key][0](**values)
    return replace(s, name=f"{key}({', '.join(changed)})") if changed else s
