"""pbt_widgets: sliders re-run the math and move the artists; bad values show a message."""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lrviz import pbt, pbt_widgets  # noqa: E402


def _pixels(fig):
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def test_toy_slider_changes_the_runs_and_the_artists():
    ex = pbt_widgets.toy_explorer()
    before = ex._toys["pbt"].paths[1].get_xydata().copy()
    px = _pixels(ex.figure)
    ex.controls["sigma"].value = 0.3
    assert ex.params["sigma"] == 0.3
    same = pbt.toy("pbt", sigma=0.3)
    np.testing.assert_array_equal(ex.results["pbt"].theta, same.theta)
    after = ex._toys["pbt"].paths[1].get_xydata()
    assert not np.array_equal(np.nan_to_num(before), np.nan_to_num(after))
    assert not np.array_equal(_pixels(ex.figure), px)
    ex.controls["ready_every"].value = 10
    assert ex.results["exploit"].events[0][0] == 10
    ex.controls["seed"].value = 3
    np.testing.assert_array_equal(ex.results["explore"].h, pbt.toy("explore", ready_every=10, sigma=0.3, seed=3).h)
    assert "final Q" in ex._readout.value


def test_toy_play_frame_moves_the_step():
    ex = pbt_widgets.toy_explorer(steps=40)
    ex._frame.value = 5
    assert len(ex._toys["grid"].paths[0].get_xdata()) == 6
    assert list(ex._cursor.get_xdata()) == [5, 5]
    assert ex._step_title.get_text() == "step 5" and "pbt: Q = " in ex._toys["pbt"].title.get_text()


@pytest.mark.parametrize("bad", [dict(sigma=-1.0), dict(ready_every=0), dict(seed=-2), dict(colour=1)])
def test_toy_bad_value_shows_a_message_and_keeps_the_runs(bad):
    ex = pbt_widgets.toy_explorer(steps=30)
    good = ex.results
    assert ex.update(**bad) is False
    assert ex.message and "⚠" in ex._message.value
    assert ex.results is good
    assert ex.update(sigma=0.2) is True and ex.message == ""


def test_toy_steps_rebuilds_and_gif(tmp_path):
    ex = pbt_widgets.toy_explorer(steps=30)
    assert ex.update(steps=60)
    assert ex._frame.max == 60 and len(ex._toys["pbt"].paths[0].get_xdata()) == 61
    path = ex.save_gif(tmp_path / "toy.gif", max_frames=5)
    assert path.exists() and path.stat().st_size > 0


def test_training_slider_retrains_and_moves_the_curves():
    ex = pbt_widgets.training_explorer(lr=1e-3, epochs=4)
    before = ex._lines["loss", "train"].get_ydata().copy()
    ex.controls["lr"].value = 1e-2
    assert ex.params["lr"] == pytest.approx(1e-2)
    assert not np.allclose(ex._lines["loss", "train"].get_ydata(), before)
    np.testing.assert_allclose(ex._lines["acc", "test"].get_ydata(), ex.result.test_acc)
    ex.controls["epochs"].value = 6
    assert len(ex._lines["acc", "val"].get_xdata()) == 7
    assert "test: loss" in ex._readout.value


@pytest.mark.parametrize("bad", [dict(lr=-1.0), dict(lr=float("nan")), dict(optimizer="nope"),
                                 dict(epochs=0), dict(hidden=0), dict(batch=3)])
def test_training_bad_value_shows_a_message(bad):
    ex = pbt_widgets.training_explorer(lr=1e-3, epochs=2)
    good = ex.result
    assert ex.update(**bad) is False
    assert ex.message and ex.result is good
    assert ex.update(lr=2e-3) is True and ex.message == ""


def test_training_gif_grows_the_curves(tmp_path):
    from PIL import Image

    ex = pbt_widgets.training_explorer(lr=1e-3, epochs=4)
    path = ex.save_gif(tmp_path / "training.gif")
    with Image.open(path) as im:
        assert im.format == "GIF" and im.n_frames == 5  # epochs 0..4
    assert path.stat().st_size < 500_000
