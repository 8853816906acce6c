"""Exercise checks of notebook 01, and the validation set they rely on."""
import numpy as np
import pytest

from lrviz.exercises import n01_parameters_and_generalization as ex
from lrviz.training import generalization as gen


def test_q1(capsys):
    expected = ex.q1_expected()
    assert expected == 5
    curve = gen.error_curve(gen.make_data(n_train=15, noise=0.05, seed=0), ex.DEGREES)
    assert curve.val_mse[5] == curve.val_mse.min()
    assert ex.q1(5) and ex.q1(5.0)
    assert not ex.q1(3)
    assert not ex.q1("five")
    assert "finite number" in capsys.readouterr().out
    assert not ex.q1(None)


def test_q2(capsys):
    assert ex.q2_expected() == "sweet spot"
    c = gen.error_curve(gen.make_data(n_train=50, noise=0.2, seed=0), ex.DEGREES)
    assert c.test_mse[12] <= 1.5 * c.test_mse.min()
    assert ex.q2("Sweet spot")
    assert not ex.q2("overfitting")
    assert not ex.q2("fine")
    assert "Pick one of" in capsys.readouterr().out


def test_validation_set_is_its_own_stream():
    a, b = gen.make_data(15, 0.2, seed=0), gen.make_data(40, 0.05, seed=0)
    np.testing.assert_array_equal(a.x_val, b.x_val)          # same x's whatever the train set
    assert len(a.x_val) == 15 and not np.allclose(a.x_val, a.x_test[:15])
    np.testing.assert_allclose(a.y_val, gen.true_function(a.x_val) + 0.2 * (b.y_val - gen.true_function(b.x_val)) / 0.05)
    none = gen.make_data(15, 0.2, seed=0, n_val=0)
    assert none.x_val is None and gen.error_curve(none).chosen_degree is None
    with pytest.raises(ValueError, match="Invalid n_val"):
        gen.make_data(n_val=-1)


def test_chosen_degree_minimises_validation_error_not_test_error():
    c = gen.error_curve(gen.make_data(15, 0.2, seed=0), range(13))
    d = gen.make_data(15, 0.2, seed=0)
    by_hand = [gen.mse(gen.fit(d.x_train, d.y_train, k), d.x_val, d.y_val) for k in range(13)]
    np.testing.assert_allclose(c.val_mse, by_hand)
    assert c.chosen_degree == int(np.argmin(by_hand)) == 4 and c.best_degree == 3
    # picked for being lowest, the validation error flatters the chosen model
    assert c.val_mse[c.chosen_degree] < c.test_mse[c.chosen_degree]
