"""Safe user-typed loss expressions with exact gradients.

A student types ``x**4 - 3*x**2 + x`` (1-D) or ``(1 - x)**2 + 100*(y - x**2)**2``
(2-D) and gets a vectorized loss and its exact gradient.  The text is parsed
with :mod:`ast` and walked against a whitelist; nothing of it ever reaches
``eval``, ``exec`` or ``compile``.  The validated tree is turned into nested
closures that evaluate the value (``f``) or the value together with forward-mode
derivatives (dual numbers: a value plus one derivative array per variable).
"""
from __future__ import annotations

import ast
import math
import warnings
from typing import Callable, NamedTuple

import numpy as np

from . import validate as V

MAX_LENGTH = 500
MAX_DEPTH = 50
MAX_EXPONENT = 10

_CONSTANTS = {"pi": math.pi, "e": math.e}
_VARIABLES = ("x", "y")


def _d_tan(u, v):
    return 1.0 + v * v


# name -> (value function, derivative d f(u)/du given (u, f(u))).  The log
# derivatives add (v - v) so they are nan wherever the value is, instead of a
# finite gradient at a point where the loss is undefined.
_FUNCTIONS: dict[str, tuple[Callable, Callable]] = {
    "sin": (np.sin, lambda u, v: np.cos(u)),
    "cos": (np.cos, lambda u, v: -np.sin(u)),
    "tan": (np.tan, _d_tan),
    "exp": (np.exp, lambda u, v: v),
    "log": (np.log, lambda u, v: 1.0 / (u + (v - v))),
    "sqrt": (np.sqrt, lambda u, v: 0.5 / v),
    "abs": (np.abs, lambda u, v: np.sign(u)),
    "tanh": (np.tanh, lambda u, v: 1.0 - v * v),
    "sinh": (np.sinh, lambda u, v: np.cosh(u)),
    "cosh": (np.cosh, lambda u, v: np.sinh(u)),
    "arctan": (np.arctan, lambda u, v: 1.0 / (1.0 + u * u)),
    "log1p": (np.log1p, lambda u, v: 1.0 / ((1.0 + u) + (v - v))),
    "expm1": (np.expm1, lambda u, v: v + 1.0),
}

ALLOWED = (
    "numbers, the variables x and y, the constants pi and e, + - * / and ** "
    f"(with a constant exponent of absolute value <= {MAX_EXPONENT}), and the "
    "functions " + ", ".join(_FUNCTIONS)
)

_FORBIDDEN = {
    ast.Attribute: "attribute access (a.b)",
    ast.Subscript: "indexing (a[i])",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions", ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions", ast.GeneratorExp: "comprehensions",
    ast.Compare: "comparisons", ast.BoolOp: "'and' / 'or'",
    ast.IfExp: "'if ... else'", ast.JoinedStr: "f-strings",
    ast.NamedExpr: "assignment (:=)", ast.Starred: "starred arguments",
    ast.List: "lists", ast.Tuple: "tuples", ast.Set: "sets", ast.Dict: "dicts",
    ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield",
    ast.Slice: "slices",
}
_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}


class _Rejected(ValueError):
    """Why a typed expression is refused; parse_expression adds the text and what is allowed."""


def _reject(why: str) -> ValueError:
    return _Rejected(f"{why}; allowed in an expression: {ALLOWED}")


class Expression(NamedTuple):
    """A validated expression: its text, dimension, loss, gradient and LaTeX."""

    text: str
    dim: int
    f: Callable
    grad: Callable
    latex: str


def as_points(x, dim: int) -> np.ndarray:
    """Return ``x`` as a float array of shape ``(..., dim)`` (no copy if already one)."""
    x = np.asarray(x, dtype=float)
    if x.ndim == 0 or x.shape[-1] != dim:
        V.fail("x", f"shape {x.shape}", f"must be (..., {dim}) for a {dim}-D surface")
    return x


def parse_expression(text: str) -> Expression:
    """Parse and validate a loss expression in ``x`` (1-D) or ``x`` and ``y`` (2-D).

    Args:
        text: e.g. ``"x**4 - 3*x**2 + x"``; see ``ALLOWED`` for the grammar.

    Returns:
        An :class:`Expression` whose ``f`` maps ``(..., dim) -> (...)`` and whose
        ``grad`` maps ``(..., dim) -> (..., dim)`` with exact derivatives.

    Raises:
        ValueError: saying what is wrong and what is allowed.

    >>> e = parse_expression("x**4 - 3*x**2 + x")
    >>> e.dim, float(e.f(np.array([1.0]))), float(e.grad(np.array([1.0]))[0])
    (1, -1.0, -1.0)
    """
    if not isinstance(text, str):
        V.fail("expression", text, "must be a string such as 'x**2 + y**2'", TypeError)
    try:
        return _parse(text)
    except _Rejected as exc:
        V.fail("expression", text.strip(), str(exc))


def _parse(text: str) -> Expression:
    if not text.strip():
        raise _Rejected(f"Empty; type a loss such as x**2 + y**2; allowed in an expression: {ALLOWED}")
    if len(text) > MAX_LENGTH:
        raise _Rejected(f"too long: {len(text)} characters, at most {MAX_LENGTH}")
    try:
        with warnings.catch_warnings():  # e.g. "invalid escape sequence" in '\>'
            warnings.simplefilter("ignore")
            tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        hint = " (use ** for powers, not ^)" if "^" in text else ""
        raise _Rejected(f"could not parse it: {exc.msg}{hint}; write products with * (2*x) "
                        f"and powers with ** (x**2)") from None
    except (RecursionError, MemoryError, ValueError, OverflowError) as exc:
        raise _Rejected(f"could not parse it ({type(exc).__name__}); "
                        f"allowed in an expression: {ALLOWED}") from None
    names: set[str] = set()
    _check(tree.body, 0, names)
    if not names:
        raise _Rejected("it is constant; it must use x (1-D) or x and y (2-D)")
    dim = 2 if "y" in names else 1
    index = {"x": 0, "y": 1}
    value = _compile_value(tree.body, index)
    dual = _compile_dual(tree.body, index, dim)

    def f(x):
        x = as_points(x, dim)
        cols = [x[..., k] for k in range(dim)]
        with np.errstate(all="ignore"):
            v = value(cols)
            # a bare variable (or '+x') would return a view of the input
            return np.array(np.broadcast_to(v, x.shape[:-1]), dtype=float)

    def grad(x):
        x = as_points(x, dim)
        cols = [x[..., k] for k in range(dim)]
        out = np.empty(x.shape, dtype=float)
        with np.errstate(all="ignore"):
            _, ds = dual(cols)
        for k in range(dim):
            out[..., k] = 0.0 if ds[k] is None else ds[k]
        return out

    return Expression(text.strip(), dim, f, grad, _latex(tree.body))


# ----------------------------------------------------------------- validation

def _check(node, depth: int, names: set) -> None:
    """Raise ValueError unless ``node`` is in the whitelist; collect variable names."""
    if depth > MAX_DEPTH:
        raise _reject(f"Nesting deeper than {MAX_DEPTH} levels")
    if isinstance(node, ast.Constant):
        _number(node)
    elif isinstance(node, ast.Name):
        if node.id in _VARIABLES:
            names.add(node.id)
        elif node.id in _FUNCTIONS:
            raise _reject(f"Function '{node.id}' used without a call (write "
                          f"{node.id}(x))")
        elif node.id not in _CONSTANTS:
            raise _reject(f"Unknown name '{node.id}'")
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.UAdd, ast.USub)):
            raise _reject(f"Operator '{type(node.op).__name__}' not allowed")
        _check(node.operand, depth + 1, names)
    elif isinstance(node, ast.BinOp):
        op = type(node.op)
        if op not in _BINOPS:
            hint = " (use ** for powers, not ^)" if op is ast.BitXor else ""
            raise _reject(f"Operator '{op.__name__}' not allowed{hint}")
        _check(node.left, depth + 1, names)
        if op is ast.Pow:
            _exponent(node.right)
        else:
            _check(node.right, depth + 1, names)
    elif isinstance(node, ast.Call):
        fname = node.func.id if isinstance(node.func, ast.Name) else None
        if isinstance(node.func, ast.Attribute):
            raise _reject(f"Attribute call '.{node.func.attr}(...)' not allowed "
                          f"(write {node.func.attr}(x), not np.{node.func.attr}(x))")
        if fname not in _FUNCTIONS:
            raise _reject(f"Unknown function {fname or 'call'!r}")
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise _reject(f"Function '{fname}' takes exactly one positional argument")
        _check(node.args[0], depth + 1, names)
    else:
        what = _FORBIDDEN.get(type(node), f"'{type(node).__name__}'")
        raise _reject(f"{what[0].upper()}{what[1:]} not allowed")


def _number(node: ast.Constant) -> float:
    v = node.value
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _reject(f"Constant {v!r} ({type(v).__name__}) not allowed, only real "
                      "numbers")
    try:
        v = float(v)
    except OverflowError:
        raise _reject("Number too large") from None
    if not math.isfinite(v):
        raise _reject("Non-finite number")
    return v


def _exponent(node) -> float:
    """Fold a constant exponent (numbers, pi, e, unary +/-, + - * /), checking its size."""
    def fold(n, depth):
        if depth > MAX_DEPTH:
            raise _reject(f"Nesting deeper than {MAX_DEPTH} levels")
        if isinstance(n, ast.Constant):
            return _number(n)
        if isinstance(n, ast.Name) and n.id in _CONSTANTS:
            return _CONSTANTS[n.id]
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, (ast.UAdd, ast.USub)):
            v = fold(n.operand, depth + 1)
            return -v if isinstance(n.op, ast.USub) else v
        if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow):
            raise _reject("Power towers (a**b**c) not allowed")
        if isinstance(n, ast.BinOp) and type(n.op) in (ast.Add, ast.Sub, ast.Mult, ast.Div):
            a, b = fold(n.left, depth + 1), fold(n.right, depth + 1)
            if isinstance(n.op, ast.Add):
                return a + b
            if isinstance(n.op, ast.Sub):
                return a - b
            if isinstance(n.op, ast.Mult):
                return a * b
            if b == 0:
                raise _reject("Division by zero in an exponent")
            return a / b
        raise _reject("Exponent must be a constant number (x**2, x**0.5), not a "
                      "variable or call")

    p = fold(node, 0)
    if not (math.isfinite(p) and abs(p) <= MAX_EXPONENT):
        raise _reject(f"Exponent {p:g} too large (|exponent| <= {MAX_EXPONENT})")
    return p


# ---------------------------------------------------------------- evaluation
# Each node becomes a closure over the columns [x, y] of the input.  The dual
# closures return (value, [d/dx, d/dy]) where a None derivative means "zero",
# so constants and unused variables cost nothing.

def _compile_value(node, index):
    if isinstance(node, ast.Constant):
        c = float(node.value)
        return lambda cols: c
    if isinstance(node, ast.Name):
        if node.id in _CONSTANTS:
            c = _CONSTANTS[node.id]
            return lambda cols: c
        k = index[node.id]
        return lambda cols: cols[k]
    if isinstance(node, ast.UnaryOp):
        inner = _compile_value(node.operand, index)
        if isinstance(node.op, ast.USub):
            return lambda cols: -inner(cols)
        return inner
    if isinstance(node, ast.Call):
        fn, inner = _FUNCTIONS[node.func.id][0], _compile_value(node.args[0], index)
        return lambda cols: fn(inner(cols))
    left = _compile_value(node.left, index)
    if isinstance(node.op, ast.Pow):
        p = _exponent(node.right)
        return lambda cols: np.power(left(cols), p)
    right = _compile_value(node.right, index)
    op = type(node.op)
    if op is ast.Add:
        return lambda cols: left(cols) + right(cols)
    if op is ast.Sub:
        return lambda cols: left(cols) - right(cols)
    if op is ast.Mult:
        return lambda cols: left(cols) * right(cols)
    return lambda cols: np.true_divide(left(cols), right(cols))


def _lin(a, sa, b, sb):
    """sa*a + sb*b where a or b may be None (zero)."""
    if a is None:
        return None if b is None else (b if sb is None else sb * b)
    ta = a if sa is None else sa * a
    return ta if b is None else ta + (b if sb is None else sb * b)


def _compile_dual(node, index, dim):
    if isinstance(node, ast.Constant) or (isinstance(node, ast.Name)
                                         and node.id in _CONSTANTS):
        c = _compile_value(node, index)(None)
        zero = [None] * dim
        return lambda cols: (c, zero)
    if isinstance(node, ast.Name):
        k = index[node.id]
        unit = [1.0 if j == k else None for j in range(dim)]
        return lambda cols: (cols[k], unit)
    if isinstance(node, ast.UnaryOp):
        inner = _compile_dual(node.operand, index, dim)
        if isinstance(node.op, ast.UAdd):
            return inner

        def neg(cols):
            v, ds = inner(cols)
            return -v, [None if d is None else -d for d in ds]
        return neg
    if isinstance(node, ast.Call):
        fn, dfn = _FUNCTIONS[node.func.id]
        inner = _compile_dual(node.args[0], index, dim)

        def call(cols):
            u, ds = inner(cols)
            v = fn(u)
            s = dfn(u, v)
            return v, [None if d is None else s * d for d in ds]
        return call
    left = _compile_dual(node.left, index, dim)
    op = type(node.op)
    if op is ast.Pow:
        p = _exponent(node.right)

        def power(cols):
            u, ds = left(cols)
            if p == 0:  # p * u**(p-1) would give 0 * inf = nan at u = 0
                return np.power(u, p), [None] * dim
            s = p * np.power(u, p - 1)
            return np.power(u, p), [None if d is None else s * d for d in ds]
        return power
    right = _compile_dual(node.right, index, dim)

    def binop(cols):
        u, du = left(cols)
        v, dv = right(cols)
        if op is ast.Add:
            return u + v, [_lin(a, None, b, None) for a, b in zip(du, dv)]
        if op is ast.Sub:
            return u - v, [_lin(a, None, b, -1.0) for a, b in zip(du, dv)]
        if op is ast.Mult:
            return u * v, [_lin(a, v, b, u) for a, b in zip(du, dv)]
        q = np.true_divide(u, v)
        inv = np.true_divide(1.0, v)
        # d(u/v) = (du - q dv) / v
        return q, [None if (a is None and b is None) else
                   _lin(a, None, b, -q) * inv for a, b in zip(du, dv)]
    return binop


# ---------------------------------------------------------------------- LaTeX

_LATEX_FUNCS = {"sin": r"\sin", "cos": r"\cos", "tan": r"\tan", "exp": r"\exp",
                "log": r"\log", "tanh": r"\tanh", "sinh": r"\sinh", "cosh": r"\cosh",
                "arctan": r"\arctan", "log1p": r"\mathrm{log1p}",
                "expm1": r"\mathrm{expm1}"}


def _prec(node) -> int:
    if isinstance(node, ast.BinOp):
        return {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2}.get(type(node.op), 4)
    return 3 if isinstance(node, ast.UnaryOp) else 5


def _latex(node) -> str:
    """Render a validated expression as LaTeX (matplotlib-mathtext compatible)."""
    def sub(n, min_prec):
        s = _latex(n)
        return rf"\left({s}\right)" if _prec(n) < min_prec else s

    if isinstance(node, ast.Constant):
        return f"{node.value:g}" if isinstance(node.value, float) else str(node.value)
    if isinstance(node, ast.Name):
        return r"\pi" if node.id == "pi" else node.id
    if isinstance(node, ast.UnaryOp):
        return ("-" if isinstance(node.op, ast.USub) else "+") + sub(node.operand, 4)
    if isinstance(node, ast.Call):
        name, arg = node.func.id, _latex(node.args[0])
        if name == "sqrt":
            return rf"\sqrt{{{arg}}}"
        if name == "abs":
            return rf"\left|{arg}\right|"
        return rf"{_LATEX_FUNCS[name]}\left({arg}\right)"
    op = type(node.op)
    if op is ast.Div:
        return rf"\frac{{{_latex(node.left)}}}{{{_latex(node.right)}}}"
    if op is ast.Pow:
        return rf"{sub(node.left, 5)}^{{{_latex(node.right)}}}"
    if op is ast.Mult:
        a, b = sub(node.left, 2), sub(node.right, 3)
        # "2 x y" reads better than "2 \cdot x \cdot y"; keep the dot before
        # numbers and signs, where juxtaposition would be ambiguous ("x 2", "x -y")
        juxtapose = not (b[:1].isdigit() or b[:1] in "+-.")
        return a + (" " if juxtapose else r" \cdot ") + b
    sign = " + " if op is ast.Add else " - "
    return sub(node.left, 1) + sign + sub(node.right, 2 if op is ast.Sub else 1)
