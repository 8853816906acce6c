"""Polynomial fits of noisy data: seeded data, exact least squares, the U-shaped test error."""
import numpy as np
import pytest

from lrviz import generalization as gen


def test_data_is_seeded_and_streams_are_independent():
    a, b = gen.make_data(15, 0.2, seed=0), gen.make_data(15, 0.2, seed=0)
    for u, v in zip(a[:4], b[:4]):
        np.testing.assert_array_equal(u, v)
    more = gen.make_data(40, 0.2, seed=0)
    np.testing.assert_array_equal(more.x_train[:15], a.x_train)   # more points keep the first ones
    np.testing.assert_array_equal(more.x_test, a.x_test)          # and the test set
    other = gen.make_data(15, 0.2, seed=1)
    assert not np.array_equal(other.x_train, a.x_train)
    clean = gen.make_data(15, 0.0, seed=0)
    np.testing.assert_allclose(clean.y_train, gen.true_function(clean.x_train))
    assert a.x_train.min() >= -1 and a.x_train.max() <= 1 and a.x_test.shape == (200,)


def test_fit_recovers_a_polynomial_exactly():
    x = np.linspace(-1, 1, 30)
    y = 1 - 2 * x + 0.5 * x**3
    coef = gen.fit(x, y, 3)
    np.testing.assert_allclose(gen.predict(coef, x), y, atol=1e-12)
    assert gen.mse(coef, x, y) < 1e-24
    # matches numpy's own least-squares polynomial in the monomial basis
    np.testing.assert_allclose(gen.predict(gen.fit(x, np.cos(3 * x), 5), x),
                               np.polyval(np.polyfit(x, np.cos(3 * x), 5), x), atol=1e-10)


def test_train_error_falls_and_test_error_is_u_shaped():
    c = gen.error_curve(gen.make_data(15, 0.2, seed=0), range(13))
    assert np.all(np.diff(c.train_mse) <= 1e-12)   # nested models: more degrees never fit worse
    assert 2 <= c.best_degree <= 6
    assert c.test_mse[0] > 5 * c.test_mse.min() and c.test_mse[-1] > 5 * c.test_mse.min()
    assert gen.verdict(c, 0) == "underfitting"
    assert gen.verdict(c, c.best_degree) == "sweet spot"
    assert gen.verdict(c, 12) == "overfitting"


def test_more_data_tames_overfitting():
    few = gen.error_curve(gen.make_data(15, 0.2, seed=0), range(13))
    many = gen.error_curve(gen.make_data(200, 0.2, seed=0), range(13))
    assert many.test_mse[12] < few.test_mse[12] / 10


@pytest.mark.parametrize("kwargs, exc", [
    (dict(n_train=1), ValueError), (dict(noise=-1.0), ValueError), (dict(noise=float("nan")), ValueError),
    (dict(seed=-2), ValueError), (dict(n_train=2.5), TypeError), (dict(noise="high"), TypeError),
    (dict(n_val=None), TypeError)])
def test_bad_data_arguments_raise_clear_errors(kwargs, exc):
    name = next(iter(kwargs))
    with pytest.raises(exc, match=rf"^Invalid {name}: "):
        gen.make_data(**kwargs)


def test_bad_degrees_raise():
    with pytest.raises(ValueError, match="degree"):
        gen.fit([0, 1], [0, 1], -1)
    with pytest.raises(ValueError, match="degree"):
        gen.fit([0, 1], [0, 1], gen.MAX_DEGREE + 1)
    with pytest.raises(ValueError, match="degrees"):
        gen.error_curve(gen.make_data(), [])
    with pytest.raises(ValueError, match=r"^Invalid degree: 7 \(must be one of 0, 1, 2, 3\)$"):
        gen.verdict(gen.error_curve(gen.make_data(), range(4)), 7)
    with pytest.raises(TypeError, match="^Invalid degree: 2.0 "):
        gen.verdict(gen.error_curve(gen.make_data(), range(4)), 2.0)
    with pytest.raises(TypeError, match="^Invalid degrees: 5 "):
        gen.error_curve(gen.make_data(), 5)
    assert gen.error_curve(gen.make_data(), np.arange(3)).degrees.tolist() == [0, 1, 2]  # numpy ints are ints
