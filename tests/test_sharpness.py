"""lrviz.training.sharpness: exact Hessian-vector products and the top Hessian eigenvalue.

Checked against central finite differences of the exact gradient, against the full Hessian
formed column by column on a network small enough for numpy's eigvalsh, and against a
closed form (a linear model under MSE has Hessian X^T X / n)."""
import doctest

import numpy as np
import pytest

from lrviz.training import sharpness as S

CASES = [(act, kind) for act in S.ACTIVATIONS for kind in S.LOSSES]


def _small(seed=0, n=40, sizes=(5, 6, 4, 3)):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, sizes[0]))
    Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], n)]
    # random biases: with b = 0 a sample whose hidden units are all off sits exactly on a
    # ReLU kink (z = b = 0), where finite differences and the derivative disagree
    params = [q if q.ndim == 2 else rng.normal(0.0, 0.3, size=q.shape) for q in S.init_mlp(sizes, seed=seed + 1)]
    return params, X, Y, rng


@pytest.mark.parametrize("activation, kind", CASES)
def test_gradient_matches_finite_differences_of_the_loss(activation, kind):
    p, X, Y, rng = _small()
    v = [rng.normal(size=q.shape) for q in p]
    h = 1e-6
    numeric = (S.loss(S.add(p, v, h), X, Y, activation, kind) - S.loss(S.add(p, v, -h), X, Y, activation, kind)) / (2 * h)
    exact = float(S.flatten(S.grad(p, X, Y, activation, kind)) @ S.flatten(v))
    assert numeric == pytest.approx(exact, rel=1e-6)


@pytest.mark.parametrize("activation, kind", CASES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hvp_matches_finite_differences_of_the_gradient(activation, kind, seed):
    p, X, Y, rng = _small(seed)
    v = [rng.normal(size=q.shape) for q in p]
    h = 1e-5
    plus, minus = S.grad(S.add(p, v, h), X, Y, activation, kind), S.grad(S.add(p, v, -h), X, Y, activation, kind)
    numeric = S.flatten([(a - b) / (2 * h) for a, b in zip(plus, minus)])
    exact = S.flatten(S.hvp(p, v, X, Y, activation, kind))
    assert np.linalg.norm(numeric - exact) <= 1e-6 * np.linalg.norm(exact)


@pytest.mark.parametrize("activation, kind", CASES)
def test_full_hessian_is_symmetric_and_lanczos_finds_its_top_eigenvalue(activation, kind):
    p, X, Y, _ = _small(3)
    H = S.hessian(p, X, Y, activation, kind)
    assert H.shape == (sum(q.size for q in p),) * 2
    assert np.abs(H - H.T).max() <= 1e-12 * np.abs(H).max()
    top = np.linalg.eigvalsh(H)[-1]
    eig = S.top_eigenvalue(p, X, Y, activation, kind, tol=1e-8)
    assert eig.value == pytest.approx(top, rel=1e-7)
    Hu = H @ eig.vector
    assert np.linalg.norm(Hu - eig.value * eig.vector) <= 1e-6 * abs(eig.value)


def test_default_tolerance_is_the_documented_relative_residual():
    p, X, Y, _ = _small(4)
    H = S.hessian(p, X, Y)
    eig = S.top_eigenvalue(p, X, Y)  # tol=1e-3
    assert eig.residual <= 1e-3
    assert np.linalg.norm(H @ eig.vector - eig.value * eig.vector) <= 1.01e-3 * abs(eig.value)
    assert eig.value == pytest.approx(np.linalg.eigvalsh(H)[-1], rel=1e-3)


def test_warm_start_from_the_eigenvector_needs_fewer_products():
    p, X, Y, _ = _small(5)
    cold = S.top_eigenvalue(p, X, Y, tol=1e-6)
    warm = S.top_eigenvalue(p, X, Y, v0=cold.vector, tol=1e-6)
    assert warm.hvps < cold.hvps
    assert warm.value == pytest.approx(cold.value, rel=1e-6)


def test_linear_model_under_mse_has_hessian_x_transpose_x_over_n():
    """No hidden layer: f = X W + b, so H = [X 1]^T [X 1] / n for each output, in closed form."""
    rng = np.random.default_rng(6)
    X = rng.normal(size=(30, 3))
    Y = np.eye(2)[rng.integers(0, 2, 30)]
    p = S.init_mlp((3, 2), seed=0)
    A = np.hstack([X, np.ones((30, 1))])
    expected = np.linalg.eigvalsh(A.T @ A / 30)[-1]
    assert S.top_eigenvalue(p, X, Y, tol=1e-10).value == pytest.approx(expected, rel=1e-9)


def test_flatten_and_unflatten_are_inverse():
    p = S.init_mlp((4, 3, 2), seed=0)
    back = S.unflatten(S.flatten(p), p)
    assert all(np.array_equal(a, b) for a, b in zip(p, back))


@pytest.mark.parametrize("bad, message", [
    (dict(activation="sigmoid"), "Invalid activation: 'sigmoid' (must be one of tanh, relu)"),
    (dict(kind="hinge"), "Invalid loss: 'hinge' (must be one of mse, xent)"),
])
def test_bad_names_are_rejected_with_what_is_allowed(bad, message):
    p, X, Y, _ = _small()
    with pytest.raises(ValueError) as err:
        S.loss(p, X, Y, **bad)
    assert str(err.value) == message


def test_doctests():
    assert doctest.testmod(S).failed == 0


@pytest.mark.parametrize("activation, kind", CASES)
def test_one_pass_loss_and_grad_and_the_kept_operator_agree_with_the_separate_calls(activation, kind):
    p, X, Y, rng = _small(7)
    value, g = S.loss_and_grad(p, X, Y, activation, kind)
    assert value == pytest.approx(S.loss(p, X, Y, activation, kind), rel=1e-12)
    assert np.allclose(S.flatten(g), S.flatten(S.grad(p, X, Y, activation, kind)), rtol=1e-12, atol=0)
    op = S.hvp_operator(p, X, Y, activation, kind)
    for _ in range(3):  # the kept pass is reused, not consumed
        v = [rng.normal(size=q.shape) for q in p]
        assert np.allclose(op(S.flatten(v)), S.flatten(S.hvp(p, v, X, Y, activation, kind)), rtol=1e-12, atol=1e-15)


def test_hvp_is_linear_in_the_direction():
    p, X, Y, rng = _small(8)
    op = S.hvp_operator(p, X, Y)
    a, b = rng.normal(size=(2, sum(q.size for q in p)))
    assert np.allclose(op(2.0 * a - 3.0 * b), 2.0 * op(a) - 3.0 * op(b), rtol=1e-10, atol=1e-12)
