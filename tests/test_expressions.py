"""Tests for Surface.from_expression / lrviz.expressions: exact gradients and safety."""
import builtins
import math
import time
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lrviz.engine.expressions import MAX_LENGTH, parse_expression
from lrviz.engine.surfaces import SURFACES, Surface


def fd_grad(f, x, h=1e-6):
    cols = []
    for k in range(x.shape[-1]):
        step = np.zeros_like(x)
        step[..., k] = h * np.maximum(1.0, np.abs(x[..., k]))
        cols.append((f(x + step) - f(x - step)) / (2 * step[..., k]))
    return np.stack(cols, axis=-1)


# ------------------------------------------------------------------ values

def test_golden_quartic():
    s = Surface.from_expression("x**4 - 3*x**2 + x")
    assert s.dim == 1 and s.name == "x**4 - 3*x**2 + x"
    assert float(s.f(np.array([1.0]))) == -1.0
    assert float(s.grad(np.array([1.0]))[0]) == -1.0
    x = np.array([[-2.0], [0.0], [0.5], [3.0]])
    v = x[:, 0]
    np.testing.assert_allclose(s.f(x), v**4 - 3 * v**2 + v, rtol=1e-15)
    np.testing.assert_allclose(s.grad(x)[:, 0], 4 * v**3 - 6 * v + 1, rtol=1e-15)
    cat = SURFACES["quartic"]
    np.testing.assert_allclose(s.grad(x), cat.grad(x), rtol=1e-14)


def test_two_d_expression_matches_catalog_rosenbrock():
    s = Surface.from_expression("(1 - x)**2 + 100*(y - x**2)**2", name="rb")
    r = SURFACES["rosenbrock"]
    assert s.dim == 2 and s.name == "rb"
    x = np.random.default_rng(0).uniform(-2, 2, (6, 4, 2))
    np.testing.assert_allclose(s.f(x), r.f(x), rtol=1e-12)
    np.testing.assert_allclose(s.grad(x), r.grad(x), rtol=1e-12, atol=1e-9)
    assert s.f(x).shape == (6, 4) and s.grad(x).shape == (6, 4, 2)


def test_dimension_from_variables():
    assert Surface.from_expression("x").dim == 1
    assert Surface.from_expression("y").dim == 2
    assert Surface.from_expression("x*y + pi").dim == 2
    s = Surface.from_expression("y**2")
    np.testing.assert_array_equal(s.grad(np.array([[5.0, 3.0]])), [[0.0, 6.0]])
    for const in ["3", "pi*e", "2**3 + 1", "sin(1)"]:
        with pytest.raises(ValueError, match="constant"):
            Surface.from_expression(const)


def test_defaults_bounds_x0_and_formula():
    s = Surface.from_expression("x**2 + 10*y**2")
    assert s.bounds == ((-3.0, 3.0), (-3.0, 3.0))
    assert s.x0 == pytest.approx((2.4, 2.4))
    assert s.formula == "f(x, y) = x^{2} + 10 y^{2}"
    assert s.minima == () and s.min_value is None
    one = Surface.from_expression("sin(x)/x", bounds=((1, 5),), x0=(2,))
    assert one.bounds == ((1.0, 5.0),) and one.x0 == (2.0,)
    assert one.formula == r"f(x) = \frac{\sin\left(x\right)}{x}"
    with pytest.raises(ValueError, match="bounds"):
        Surface.from_expression("x + y", bounds=((-1, 1),))
    with pytest.raises(ValueError, match="x0"):
        Surface.from_expression("x", x0=(1.0, 2.0))


# name -> (analytic derivative, points inside the domain)
FUNCS = {
    "sin": (np.cos, (-3, 3)),
    "cos": (lambda u: -np.sin(u), (-3, 3)),
    "tan": (lambda u: 1 / np.cos(u) ** 2, (-1.2, 1.2)),
    "exp": (np.exp, (-3, 3)),
    "log": (lambda u: 1 / u, (0.1, 3)),
    "sqrt": (lambda u: 0.5 / np.sqrt(u), (0.1, 3)),
    "abs": (np.sign, (-3, 3)),
    "tanh": (lambda u: 1 / np.cosh(u) ** 2, (-3, 3)),
    "sinh": (np.cosh, (-3, 3)),
    "cosh": (np.sinh, (-3, 3)),
    "arctan": (lambda u: 1 / (1 + u * u), (-3, 3)),
    "log1p": (lambda u: 1 / (1 + u), (-0.9, 3)),
    "expm1": (np.exp, (-3, 3)),
}


@pytest.mark.parametrize("name", sorted(FUNCS))
def test_every_function_derivative(name):
    deriv, (lo, hi) = FUNCS[name]
    u = np.linspace(lo, hi, 41)
    u = u[np.abs(u) > 1e-3][:, None]  # abs is not differentiable at 0
    s = Surface.from_expression(f"{name}(x)")
    np.testing.assert_allclose(s.f(u), getattr(np, "abs" if name == "abs" else name)(u[:, 0]))
    np.testing.assert_allclose(s.grad(u)[:, 0], deriv(u[:, 0]), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(s.grad(u), fd_grad(s.f, u), rtol=1e-6, atol=1e-8)
    # chain and product rules, 2-D: g(x, y) = y * name(a x + b)
    mid, half = (lo + hi) / 2, (hi - lo) / 4
    s2 = Surface.from_expression(f"y * {name}({half} * x + {mid}) + x/(1 + y**2)")
    p = np.random.default_rng(1).uniform(-0.9, 0.9, (20, 2))
    p = p[np.abs(half * p[:, 0] + mid) > 1e-3]
    a = half * p[:, 0] + mid
    x, y = p[:, 0], p[:, 1]
    want = np.stack([y * half * deriv(a) + 1 / (1 + y**2),
                     getattr(np, name)(a) - 2 * x * y / (1 + y**2) ** 2], axis=-1)
    np.testing.assert_allclose(s2.grad(p), want, rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(s2.grad(p), fd_grad(s2.f, p), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("text, x, grad", [
    ("x**0", 0.0, 0.0),
    ("x**0.5", 4.0, 0.25),
    ("x**(1/2)", 4.0, 0.25),
    ("x**-2", 2.0, -0.25),
    ("x**(-10)", 1.0, -10.0),
    ("x**(2*pi)", 1.0, 2 * math.pi),
    ("(x**2)**3", 2.0, 192.0),
    ("-x**2", 3.0, -6.0),
    ("+x", 1.0, 1.0),
    ("x/(1+x)", 1.0, 0.25),
    ("e**x", 0.0, None),
])
def test_powers_and_divisions(text, x, grad):
    if grad is None:  # e**x: the base is a constant, exponent a variable -> rejected
        with pytest.raises(ValueError, match="Exponent"):
            Surface.from_expression(text)
        return
    s = Surface.from_expression(text)
    assert float(s.grad(np.array([x]))[0]) == pytest.approx(grad, rel=1e-14)


def test_math_domain_gives_nan_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = Surface.from_expression("log(x) + sqrt(y) + 1/y")
        p = np.array([[-1.0, 1.0], [1.0, -1.0], [1.0, 0.0]])
        v, g = s.f(p), s.grad(p)
        assert np.isnan(v[0]) and np.isnan(v[1]) and np.isinf(v[2])
        assert np.isnan(g[0, 0]) and np.isnan(g[1, 1])
        big = Surface.from_expression("exp(exp(x))")
        assert np.isinf(big.f(np.array([10.0])))


def test_pure_and_shapes():
    s = Surface.from_expression("x")
    x = np.array([[1.0], [2.0]])
    x.flags.writeable = False
    out = s.f(x)
    assert not np.shares_memory(out, x)
    out[0] = 99.0
    assert x[0, 0] == 1.0
    assert s.f(np.array([3.0])).shape == ()
    with pytest.raises(ValueError, match=r"\(\.\.\., 1\)"):
        s.f(np.zeros((3, 2)))


# -------------------------------------------------------------- property tests

monomial = st.tuples(st.floats(-5, 5, allow_nan=False).map(lambda c: round(c, 3)),
                     st.integers(0, 4), st.integers(0, 4))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(monomial, min_size=1, max_size=5),
       st.lists(st.floats(-2, 2), min_size=2, max_size=2))
def test_random_polynomial_gradients(terms, point):
    text = " + ".join(f"({c!r})*x**{i}*y**{j}" for c, i, j in terms)
    s = Surface.from_expression(text)
    p = np.array(point, dtype=float)
    if s.dim == 1:
        p = p[:1]
    x, y = point
    want = [sum(c * i * x ** (i - 1) * y**j for c, i, j in terms if i),
            sum(c * j * x**i * y ** (j - 1) for c, i, j in terms if j)][:s.dim]
    np.testing.assert_allclose(s.grad(p), want, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(s.grad(p), fd_grad(s.f, p), rtol=1e-5, atol=1e-5)


CHARS = "xyz()[]{}.,:;'\"*+-/%@^&|~<>=!_ 0123456789eEjpiosnxcqlambdatr\\\n\t"


@settings(max_examples=400, deadline=1000)
@given(st.text(alphabet=CHARS, max_size=60))
def test_fuzz_only_value_errors_and_working_surfaces(text):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no SyntaxWarning etc. reaches the student
        try:
            s = Surface.from_expression(text)
        except ValueError as err:
            assert str(err)
            return
        p = np.full((3, s.dim), 0.7)
        assert s.f(p).shape == (3,) and s.grad(p).shape == (3, s.dim)


# ------------------------------------------------------------------- safety

NASTY = [
    "__import__('os')", "x.__class__", "().__class__", "[x for x in ()]", "lambda: 1",
    "9**9**9", "x**x", "x**100", "", "   ", "open('f')", "np.sin(x)", "x if x else y",
    "x[0]", "'a'*9", "1j*x", "x @ y", "z + x", "True + x", "(" * 1000, "x" + "+x" * 10000,
    "x^2", "2x", "sin", "sin(x, y)", "sin(x=1)", "sin(*x)", "x**y", "x**sin(1)",
    "x**(1/0)", "x**10.5", "1e999*x", "x < y", "x and y", "(x := 1)", "f'{x}'", "{x}",
    "(x, y)", "...", "None", "x.real", "__builtins__", "getattr(x, 'a')", "eval('1')",
    "exec('1')", "x; y", "import os", "x = 1", "b'x'", "~x", "not x", "x % 2", "x // 2",
    "x << 1", "sin(" * 60 + "x" + ")" * 60, "-" * 120 + "x", "\x00x", "x\n+\ny",
    "9" * 400 + "*x", "'\\>' + x",
]


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("text", NASTY, ids=[repr(t[:20]) for t in NASTY])
def test_rejected_quickly_with_message(text):
    start = time.perf_counter()
    with pytest.raises(ValueError) as err:
        Surface.from_expression(text)
    assert time.perf_counter() - start < 1.0
    msg = str(err.value)
    assert len(msg) > 20


@pytest.mark.parametrize("text, words", [
    ("__import__('os')", ["Unknown function '__import__'", "sin"]),
    ("z + x", ["Unknown name 'z'", "x and y"]),
    ("np.sin(x)", ["sin(x)"]),
    ("x**100", ["100", "<= 10"]),
    ("9**9**9", ["Power towers"]),
    ("x**x", ["constant"]),
    ("", ["Empty"]),
    ("x" + "+x" * 10000, ["too long", str(MAX_LENGTH)]),
    ("x^2", ["**"]),
    ("2x", ["2*x"]),
    ("sin(" * 60 + "x" + ")" * 60, ["Nesting"]),
    ("True + x", ["bool"]),
])
def test_rejection_messages_say_what_and_what_is_allowed(text, words):
    with pytest.raises(ValueError) as err:
        parse_expression(text)
    for w in words:
        assert w in str(err.value)


def test_reasonable_nesting_is_accepted():
    s = Surface.from_expression("sin(" * 20 + "x" + ")" * 20)
    assert np.isfinite(s.grad(np.array([0.3]))).all()
    assert Surface.from_expression("(((((x)))))**2").dim == 1


def test_never_evaluates_text(monkeypatch):
    """ast.parse may compile to an AST only; eval/exec are never called."""
    real_compile = builtins.compile

    def ast_only_compile(source, filename, mode, flags=0, *args, **kw):
        assert flags & 0x400, "compile() to code object"  # ast.PyCF_ONLY_AST
        return real_compile(source, filename, mode, flags, *args, **kw)

    def forbidden(*a, **k):
        raise AssertionError("eval/exec called")

    monkeypatch.setattr(builtins, "compile", ast_only_compile)
    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    s = Surface.from_expression("sin(x)*y + x**2")
    s.f(np.ones(2)), s.grad(np.ones(2))
    for text in NASTY[:20]:
        with pytest.raises(ValueError):
            Surface.from_expression(text)


def test_non_string_rejected():
    with pytest.raises(TypeError):
        Surface.from_expression(3)
