"""Tests for lrviz.surfaces: exact gradients, minima, Hessians, vectorization, lookup."""
import dataclasses
import math
import warnings

import numpy as np
import pytest

from lrviz.engine.surfaces import SURFACES, Surface, surface

VARIANTS = [
    ("scaled_parabola", {"a": 0.5}),
    ("wavy", {"c": 3.0}),
    ("valley", {"kappa": 100}),
    ("rotated_valley", {"kappa": 4, "angle": -60}),
    ("rosenbrock", {"a": 2.0, "b": 10.0}),
    ("rastrigin", {"A": 3}),
    ("sparse", {"p": 0.2}),
]
CATALOG = list(SURFACES.values()) + [surface(n, **p) for n, p in VARIANTS]
IDS = [s.name for s in CATALOG]
REQUIRED = ["parabola", "scaled_parabola", "wavy", "double_well", "quartic",
            "plateau_cliff", "bowl", "valley", "rotated_valley", "saddle", "rosenbrock",
            "himmelblau", "beale", "rastrigin", "six_hump_camel", "sparse"]


def random_points(s, shape, seed):
    """Seeded points strictly inside the surface's plot window."""
    rng = np.random.default_rng(seed)
    lo = np.array([b[0] for b in s.bounds])
    hi = np.array([b[1] for b in s.bounds])
    return lo + (hi - lo) * rng.uniform(0.02, 0.98, size=shape + (s.dim,))


def central_differences(fun, x, h=1e-6):
    """d fun / d x_k by central differences, stacked on a new last axis."""
    cols = []
    for k in range(x.shape[-1]):
        step = np.zeros_like(x)
        step[..., k] = h * np.maximum(1.0, np.abs(x[..., k]))
        cols.append((fun(x + step) - fun(x - step)) / (2 * step[..., k]))
    return np.stack(cols, axis=-1)


def assert_grad_matches(s, x):
    fd = central_differences(s.f, x)
    scale = 1.0 + np.abs(s.f(x)).max()
    np.testing.assert_allclose(s.grad(x), fd, rtol=1e-5, atol=1e-6 * scale)


# ------------------------------------------------------------------ catalog

def test_catalog_has_required_names_and_fields():
    assert set(REQUIRED) <= set(SURFACES)
    for name, s in SURFACES.items():
        assert s.name == name
        assert s.formula.startswith("f(x")
        assert s.description and s.x0 is not None and s.minima
        assert s.dim == (1 if name in REQUIRED[:6] else 2)
    for name in ["parabola", "scaled_parabola", "bowl", "valley", "rotated_valley",
                 "sparse", "rosenbrock"]:
        assert SURFACES[name].hessian is not None, name
    assert SURFACES["rosenbrock"].log_levels and SURFACES["beale"].log_levels
    assert SURFACES["wavy"].min_value is None  # f is unbounded below outside its window


@pytest.mark.parametrize("s", CATALOG, ids=IDS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_matches_finite_differences_batched(s, seed):
    assert_grad_matches(s, random_points(s, (5,), seed))


@pytest.mark.parametrize("s", CATALOG, ids=IDS)
def test_gradient_matches_finite_differences_single_point(s):
    for seed in range(4):
        x = random_points(s, (), seed)
        assert s.grad(x).shape == (s.dim,)
        assert np.ndim(s.f(x)) == 0
        assert_grad_matches(s, x)


def test_gradient_check_can_fail():
    s = SURFACES["rosenbrock"]
    bad = dataclasses.replace(s, grad=lambda x: s.grad(x) * 1.001)
    with pytest.raises(AssertionError):
        assert_grad_matches(bad, random_points(s, (5,), 0))


@pytest.mark.parametrize("s", CATALOG, ids=IDS)
def test_minima_are_stationary_local_minima(s):
    values = [float(s.f(np.array(m))) for m in s.minima]
    for m, v in zip(s.minima, values):
        np.testing.assert_allclose(s.grad(np.array(m)), 0.0, atol=1e-8)
        for (lo, hi), c in zip(s.bounds, m):
            assert lo <= c <= hi
        dirs = ([[1.0], [-1.0]] if s.dim == 1 else
                [[math.cos(t), math.sin(t)] for t in np.linspace(0, 2 * np.pi, 8, False)])
        nearby = s.f(np.array(m) + 1e-3 * np.array(dirs))
        assert np.all(nearby > v), (m, nearby - v)
    assert values[0] == pytest.approx(min(values), abs=1e-12)  # global first
    if s.min_value is not None:
        assert values[0] == pytest.approx(s.min_value, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("s", CATALOG, ids=IDS)
def test_x0_inside_bounds(s):
    for (lo, hi), c in zip(s.bounds, s.x0):
        assert lo < c < hi


@pytest.mark.parametrize("s", [s for s in CATALOG if s.hessian is not None],
                         ids=[s.name for s in CATALOG if s.hessian is not None])
def test_hessian_matches_finite_differences_of_grad(s):
    x = random_points(s, (5,), 3)
    H = s.hessian(x)
    assert H.shape == (5, s.dim, s.dim)
    np.testing.assert_allclose(H, np.swapaxes(H, -1, -2), rtol=1e-12, atol=1e-12)
    cols = []
    for k in range(s.dim):
        step = np.zeros_like(x)
        step[:, k] = 1e-6
        cols.append((s.grad(x + step) - s.grad(x - step)) / 2e-6)
    fd = np.stack(cols, axis=-1)
    np.testing.assert_allclose(H, fd, rtol=1e-5, atol=1e-5 * (1 + np.abs(H).max()))
    assert s.hessian(x[0]).shape == (s.dim, s.dim)


@pytest.mark.parametrize("s", CATALOG, ids=IDS)
def test_vectorized_and_pure(s):
    x = random_points(s, (4, 3), 7)
    x.flags.writeable = False  # any in-place write to the input raises
    fx, gx = s.f(x), s.grad(x)
    assert fx.shape == (4, 3) and gx.shape == (4, 3, s.dim)
    for i in range(4):
        for j in range(3):
            assert fx[i, j] == pytest.approx(float(s.f(x[i, j])), rel=1e-13, abs=1e-13)
            np.testing.assert_allclose(gx[i, j], s.grad(x[i, j]), rtol=1e-13, atol=1e-13)
    if s.hessian is not None:
        assert s.hessian(x).shape == (4, 3, s.dim, s.dim)
    assert s.f(np.zeros((0, s.dim))).shape == (0,)
    assert not np.shares_memory(gx, x) and not np.shares_memory(fx, x)


@pytest.mark.parametrize("s", CATALOG, ids=IDS)
def test_no_warnings_inside_bounds_and_overflow_is_quiet(s):
    x = random_points(s, (50,), 11)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s.f(x), s.grad(x)
    huge = np.full((2, s.dim), 1e200)
    with np.errstate(all="ignore"):
        assert not np.isfinite(s.f(huge)).all() or np.abs(s.f(huge)).max() > 1e10
        s.grad(huge)


def test_accepts_lists_and_ints_and_rejects_wrong_shapes():
    s = SURFACES["rosenbrock"]
    assert float(s.f([1, 1])) == 0.0
    np.testing.assert_array_equal(s.grad([[1, 1]]), [[0.0, 0.0]])
    for bad in [np.zeros(3), np.zeros((5, 1)), 1.0]:
        with pytest.raises(ValueError, match=r"\(\.\.\., 2\)"):
            s.f(bad)
    with pytest.raises(ValueError, match=r"\(\.\.\., 1\)"):
        SURFACES["quartic"].grad(np.zeros(5))


# -------------------------------------------------------- specific surfaces

def test_known_minima_values():
    q = SURFACES["quartic"]
    assert q.minima[0][0] == pytest.approx(-1.30084, abs=1e-5)
    assert q.minima[1][0] == pytest.approx(1.13090, abs=1e-5)
    for (m,) in q.minima:
        assert 4 * m**3 - 6 * m + 1 == pytest.approx(0, abs=1e-12)
    camel = SURFACES["six_hump_camel"]
    assert camel.minima[0] == pytest.approx((0.0898420131, -0.7126564030), abs=1e-9)
    assert camel.minima[1] == pytest.approx((-0.0898420131, 0.7126564030), abs=1e-9)
    assert camel.min_value == pytest.approx(-1.0316284534898774, abs=1e-14)
    him = SURFACES["himmelblau"]
    expected = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186),
                (3.584428, -1.848126)]
    assert him.minima[0] == (3.0, 2.0)
    for m, e in zip(sorted(him.minima), sorted(expected)):
        assert m == pytest.approx(e, abs=1e-6)
        assert float(him.f(np.array(m))) < 1e-25
    assert SURFACES["rosenbrock"].minima == ((1.0, 1.0),)
    assert SURFACES["beale"].minima == ((3.0, 0.5),)
    assert SURFACES["saddle"].minima == ((0.0, 1.0), (0.0, -1.0))
    assert set(SURFACES["double_well"].minima) == {(1.0,), (-1.0,)}


def test_wavy_minima_solve_cos_equals_u_sin():
    for c in (1.0, 2.0, 3.5):
        s = surface("wavy", c=c)
        assert len(s.minima) == 3
        for (m,) in s.minima:
            u = c * m
            assert math.cos(u) - u * math.sin(u) == pytest.approx(0, abs=1e-12)
        assert s.bounds == ((-8 / c, 8 / c),)


def test_plateau_then_cliff():
    s = SURFACES["plateau_cliff"]
    plateau = np.linspace(-4, -1, 50)[:, None]
    cliff = np.linspace(-0.3, 0.3, 50)[:, None]
    assert np.abs(s.grad(plateau)).max() < 0.1
    assert np.abs(s.grad(cliff)).max() > 1.5
    assert s.f(plateau).min() > 1.0 > 0.01 > s.min_value


def test_saddle_has_saddle_at_origin():
    s = SURFACES["saddle"]
    np.testing.assert_array_equal(s.grad(np.zeros(2)), [0.0, 0.0])
    eig = np.linalg.eigvalsh(s.hessian(np.zeros(2)))
    assert eig[0] < 0 < eig[1]


def test_quadratic_curvatures_give_critical_lr():
    a = 2.0
    s = surface("scaled_parabola", a=a)
    assert float(s.hessian(np.zeros(1))[0, 0]) == 2 * a

    def run(lr, steps=200):
        x = np.array([1.0])
        for _ in range(steps):
            x = x - lr * s.grad(x)
        return abs(x[0])

    assert run(0.95 / a) < 1e-3 and run(1.05 / a) > 1.0
    for kappa in (1.0, 10.0, 250.0):
        for name, extra in (("valley", {}), ("rotated_valley", {"angle": 17.0})):
            eig = np.linalg.eigvalsh(surface(name, kappa=kappa, **extra).hessian(np.ones(2)))
            np.testing.assert_allclose(eig, [1.0, kappa], rtol=1e-12)
    rv = surface("rotated_valley", kappa=10, angle=30)
    flat = np.array([math.cos(math.radians(30)), math.sin(math.radians(30))])
    np.testing.assert_allclose(rv.grad(flat), flat, atol=1e-12)  # flat axis: eigenvalue 1
    np.testing.assert_allclose(surface("sparse", p=0.2).hessian(np.zeros(2)),
                               [[1.0, 0.0], [0.0, 0.2]])
    assert float(SURFACES["bowl"].f(np.array([1.0, 1.0]))) == 1.0  # 0.5 (x^2 + y^2)


def test_rosenbrock_parameters_move_the_minimum():
    s = surface("rosenbrock", a=2.0, b=10.0)
    assert s.minima == ((2.0, 4.0),) and s.name == "rosenbrock(a=2, b=10)"
    assert s.bounds[0][0] <= 2.0 <= s.bounds[0][1] and s.bounds[1][0] <= 4 <= s.bounds[1][1]


# -------------------------------------------------------------- lookup

def test_surface_lookup_is_forgiving_and_returns_catalog_instances():
    assert surface("rosenbrock") is SURFACES["rosenbrock"]
    assert surface("Six-Hump-Camel") is SURFACES["six_hump_camel"]
    assert surface("  SCALED-parabola ") is SURFACES["scaled_parabola"]
    s = SURFACES["beale"]
    assert surface(s) is s
    custom = Surface("mine", 1, lambda x: x[..., 0] ** 2, lambda x: 2 * x, ((-1, 1),))
    assert surface(custom) is custom


def test_surface_variant_names():
    assert surface("valley", kappa=100).name == "valley(kappa=100)"
    assert surface("valley", kappa=10).name == "valley"
    assert surface("rotated_valley", angle=45).name == "rotated_valley(angle=45)"
    assert surface("sparse", p=np.float64(0.5)).name == "sparse(p=0.5)"


def test_unknown_surface_lists_names():
    with pytest.raises(ValueError) as err:
        surface("foo")
    msg = str(err.value)
    assert msg.startswith("Invalid surface: 'foo' (must be one of ")
    for name in SURFACES:
        assert name in msg
    with pytest.raises(TypeError):
        surface(3)


@pytest.mark.parametrize("name, params, words", [
    ("valley", {"kappa": 0.5}, ["kappa", ">= 1", "0.5"]),
    ("valley", {"k": 3}, ["'k'", "kappa"]),
    ("sparse", {"p": 0}, ["p", "(0, 1]"]),
    ("sparse", {"p": 1.5}, ["p", "(0, 1]"]),
    ("scaled_parabola", {"a": -1}, ["a", "> 0"]),
    ("scaled_parabola", {"a": float("nan")}, ["a"]),
    ("rosenbrock", {"b": 0}, ["b", "> 0"]),
    ("rotated_valley", {"angle": float("inf")}, ["angle", "finite"]),
    ("quartic", {"a": 1}, ["'a'", "no parameters"]),
    ("wavy", {"c": 0}, ["c", "> 0"]),
    ("rastrigin", {"A": -2}, ["A", "> 0"]),
])
def test_bad_parameters_are_named(name, params, words):
    with pytest.raises(ValueError) as err:
        surface(name, **params)
    for w in words:
        assert w in str(err.value)


@pytest.mark.parametrize("value", [True, "5", None])
def test_a_parameter_of_the_wrong_type_is_a_type_error(value):
    with pytest.raises(TypeError, match=r"Invalid a: .* for surface 'scaled_parabola'\)"):
        surface("scaled_parabola", a=value)


def test_params_on_a_surface_instance_rejected():
    with pytest.raises(ValueError, match="params"):
        surface(SURFACES["bowl"], kappa=3)


# ----------------------------------------------------------- validation

def _ok(**kw):
    base = dict(name="t", dim=2, f=lambda x: x[..., 0], grad=lambda x: x,
                bounds=((-1, 1), (-2, 2)))
    base.update(kw)
    return Surface(**base)


def test_surface_normalizes_fields():
    s = _ok(bounds=[[-1, 1], [-2, 2]], minima=[[0, 0]], x0=[1, 2], min_value=0)
    assert s.bounds == ((-1.0, 1.0), (-2.0, 2.0))
    assert s.minima == ((0.0, 0.0),) and s.x0 == (1.0, 2.0) and s.min_value == 0.0
    one = Surface("o", 1, lambda x: x[..., 0], lambda x: x, ((-1, 1),), minima=(0.5,), x0=0.2)
    assert one.minima == ((0.5,),) and one.x0 == (0.2,)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.name = "other"


@pytest.mark.parametrize("kw, field", [
    ({"dim": 3}, "dim"), ({"dim": True}, "dim"), ({"dim": 0}, "dim"),
    ({"bounds": ((-1, 1),)}, "bounds"), ({"bounds": ((1, -1), (0, 1))}, "bounds"),
    ({"bounds": ((-1, 1), (0, float("inf")))}, "bounds"), ({"bounds": 5}, "bounds"),
    ({"bounds": ((-1, 1, 2), (0, 1))}, "bounds"),
    ({"minima": ((0.0,),)}, "minima"), ({"minima": ((0, 0, 0),)}, "minima"),
    ({"minima": 3}, "minima"), ({"x0": (1.0,)}, "x0"), ({"x0": (1.0, float("nan"))}, "x0"),
    ({"name": ""}, "name"), ({"min_value": "low"}, "min_value"),
])
def test_surface_validation_names_the_field(kw, field):
    with pytest.raises(ValueError, match=field):
        _ok(**kw)


@pytest.mark.parametrize("field", ["f", "grad", "hessian"])
def test_surface_requires_callables(field):
    with pytest.raises(TypeError, match=field):
        _ok(**{field: 3})
