"""The fit explorer: sliders and update() refit, move the lines, and bad values keep it working."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

from lrviz import fit_widgets, generalization as gen  # noqa: E402


def _pixels(fig):
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def test_update_refits_and_moves_the_lines():
    fx = fit_widgets.fit_explorer(degree=3, noise=0.2, n_train=15, seed=0)
    assert fx.verdict == "sweet spot"
    before_fit, before_px = fx._fit_line.get_ydata().copy(), _pixels(fx.figure)
    assert fx.update(degree=12)
    assert fx.verdict == "overfitting" and fx.controls["degree"].value == 12
    assert not np.array_equal(fx._fit_line.get_ydata(), before_fit)
    assert not np.array_equal(_pixels(fx.figure), before_px)
    data = gen.make_data(15, 0.2, seed=0)
    np.testing.assert_allclose(fx._fit_line.get_ydata(),
                               np.clip(gen.predict(gen.fit(data.x_train, data.y_train, 12), fit_widgets._GRID), -1e3, 1e3))
    assert fx.test_mse == gen.error_curve(data, range(16)).test_mse[12]
    assert "overfitting" in fx._readout.value


def test_sliders_take_the_same_path():
    fx = fit_widgets.fit_explorer()
    fx.controls["n_train"].value = 60
    assert fx.params["n_train"] == 60 and len(fx._train_pts.get_xdata()) == 60
    fx.controls["noise"].value = 0.5
    assert fx.data.noise == 0.5
    fx.controls["degree"].value = 0
    assert fx.verdict == "underfitting"
    fx.controls["seed"].value = 3
    assert fx.params["seed"] == 3


def test_bad_values_show_a_message_and_change_nothing():
    fx = fit_widgets.fit_explorer()
    state = dict(fx.params)
    assert not fx.update(degree=99)
    assert "degree" in fx.message and fx.params == state
    assert not fx.update(noise=-1)
    assert fx.params == state and fx.data.noise == 0.2
    assert not fx.update(colour="red")
    assert fx.update(degree=5) and fx.message == ""


def test_static_drawers_show_the_data_and_the_curve():
    from lrviz import plotting

    fig, (a, b) = plotting.subplots(1, 2)
    data = gen.make_data(15, 0.2, seed=0)
    train, test, line = fit_widgets.draw_fit(a, data, 3)
    np.testing.assert_array_equal(train.get_xdata(), data.x_train)
    assert len(test.get_xdata()) == 200 and a.get_title() == "degree 3"
    curve = gen.error_curve(data, range(13))
    tr, te, marker = fit_widgets.draw_errors(b, curve)
    assert b.get_yscale() == "log" and not marker.get_visible()
    np.testing.assert_allclose(te.get_ydata(), np.maximum(curve.test_mse, 1e-6))


def test_save_gif_sweeps_the_degrees(tmp_path):
    from PIL import Image

    fx = fit_widgets.fit_explorer(max_degree=6)
    out = fx.save_gif(tmp_path / "fit.gif")
    with Image.open(out) as im:
        assert im.n_frames == 7
    assert (tmp_path / "fit.gif").stat().st_size < 500_000
