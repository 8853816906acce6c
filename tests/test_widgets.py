"""Explorers: controls drive the same update path as code, errors stay beside the controls."""
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

import lrviz  # noqa: E402


def _pixels(fig):
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def test_update_changes_the_path_the_readout_and_the_pixels():
    ex = lrviz.explore("rosenbrock", optimizer="sgd", lr=1e-3, steps=200)
    before_xy = ex._path.line.get_xydata().copy()
    before_px, before_text = _pixels(ex.figure), ex._readout.value
    assert ex.update(lr=3e-3, optimizer="adam")
    assert ex.trajectory.optimizer.name == "adam" and ex.trajectory.lr[0] == pytest.approx(3e-3)
    assert not np.array_equal(ex._path.line.get_xydata(), before_xy)
    assert ex._readout.value != before_text
    assert not np.array_equal(_pixels(ex.figure), before_px)
    np.testing.assert_array_equal(ex._path.line.get_xydata()[:, 0], ex.trajectory.x[:, 0])


def test_moving_a_slider_is_the_same_as_update():
    ex = lrviz.explore("quartic", optimizer="sgd", lr=0.01, steps=50)
    ex.controls["lr"].value = 0.05
    same = lrviz.descend("quartic", "sgd", x0=ex.params["x0"], lr=0.05, steps=50)
    np.testing.assert_array_equal(ex.trajectory.x, same.x)
    ex.controls["optimizer"].value = "adam"
    assert ex.controls["beta1"].layout.display is None and ex.controls["momentum"].layout.display == "none"
    ex.controls["beta1"].value = 0.5
    assert ex.trajectory.optimizer.hyperparams["betas"][0] == 0.5


def test_hyperparameter_schedule_noise_steps_and_start_controls():
    ex = lrviz.explore("valley", optimizer="momentum", lr=0.05, steps=100)
    assert ex.update(momentum=0.5)
    assert ex.trajectory.optimizer.hyperparams["momentum"] == 0.5
    assert ex.update(schedule="step", period=20, gamma=0.5)
    assert ex.trajectory.lr[0] == pytest.approx(0.05) and ex.trajectory.lr[20] == pytest.approx(0.025)
    assert ex.update(noise=0.5, seed=3, steps=40, x0=(1.0, -1.0))
    assert ex.trajectory.steps == 40 and tuple(ex.trajectory.x[0]) == (1.0, -1.0)
    ex.controls["x"].value = 0.5
    assert ex.trajectory.x[0, 0] == 0.5


def test_a_bad_expression_shows_a_message_and_the_explorer_keeps_working():
    ex = lrviz.explore("quartic", lr=0.01, steps=30)
    good = ex.trajectory
    ex.controls["expression"].value = "__import__('os').system('true')"
    assert ex.message and "⚠" in ex._message.value
    assert ex.trajectory is good
    ex.controls["expression"].value = "x**4 - 3*x**2 + x"
    assert ex.message == "" and ex.trajectory is not good
    assert ex.update(expression="(x - 1)**2 + 10*(y - x**2)**2") and ex.trajectory.surface.dim == 2


@pytest.mark.parametrize("bad", [dict(lr=-1.0), dict(steps=-3), dict(x0=(np.nan, 0.0)), dict(optimizer="adamm"),
                                 dict(surface="nowhere"), dict(optimizer="nesterov", momentum=0.0), dict(banana=1)])
def test_bad_values_never_raise_out_of_the_explorer(bad):
    ex = lrviz.explore("rosenbrock", optimizer="sgd", lr=1e-3, steps=20)
    params = dict(ex.params)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ex.update(**bad) is False
    assert ex.message and ex.params == params


def test_a_diverging_run_and_extreme_sliders_show_in_the_readout():
    ex = lrviz.explore("rosenbrock", optimizer="sgd", lr=1e-3, steps=200)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert ex.update(lr=10.0)
        assert ex.update(x0=(1e6, -1e6))
    assert ex.trajectory.diverged and "diverged" in ex._readout.value
    for ctl in ("lr", "noise", "steps", "eps", "momentum"):
        c = ex.controls[ctl]
        c.value = c.max
        c.value = c.min
    assert "critical" not in ex.message


def test_one_dimensional_explorer_has_a_tangent_and_critical_lr():
    ex = lrviz.explore("scaled_parabola", optimizer="sgd", lr=0.15, steps=30)
    assert ex._tangent is not None
    assert "critical lr" in ex._readout.value and "oscillating" in ex._readout.value
    ex._frame.value = 3
    assert ex._path.line.get_xydata().shape[0] == 4


def test_play_frames_and_gif_export(tmp_path):
    ex = lrviz.explore("rosenbrock", optimizer="adam", lr=1e-2, steps=500)
    ex._frame.value = 10
    assert ex._path.line.get_xydata().shape[0] == 11
    path = ex.save_gif(tmp_path / "run.gif", max_frames=40)
    with Image.open(path) as img:
        assert img.format == "GIF" and img.n_frames > 10
    assert path.stat().st_size < 500_000
    assert ex._path.line.get_xydata().shape[0] == 11  # the export leaves the live view where it was


def test_race_shares_or_tunes_the_lr_and_ranks_the_optimizers():
    r = lrviz.race("valley", ["sgd", "momentum", "adam"], lr=0.05, steps=150)
    assert set(r.trajectories) == {"sgd", "momentum", "adam"}
    assert all(t.lr[0] == 0.05 for t in r.trajectories.values())
    board = r.leaderboard()
    assert [row[0] for row in board][0] in r.trajectories and "<table>" in r._board.value
    assert r.update(tuned=True)
    assert len({round(lr, 12) for lr in r.lrs.values()}) > 1
    assert r.update(lr=-1.0) is False and r.message


def test_schedule_explorer_compares_on_the_same_noise():
    se = lrviz.schedule_explorer("valley", lr=0.1, steps=300, schedule="multistep", period=100, gamma=0.1, noise=1.0)
    np.testing.assert_array_equal(se.scheduled.x[:101], se.constant.x[:101])  # same noise, same lr until step 100
    assert lrviz.analysis.tail_loss(se.scheduled) < lrviz.analysis.tail_loss(se.constant)
    assert se.update(schedule="cosine") and se.scheduled.lr[-1] < 0.1
    assert se.update(schedule="step", gamma=-2.0) is False and "gamma" in se.message


def test_without_ipympl_the_explorer_shows_a_static_image_in_a_real_kernel():
    """Under the plain inline backend the figure is a PNG in an Output widget, refreshed on update."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("%matplotlib inline\nimport lrviz"),
                nbformat.v4.new_code_cell("ex = lrviz.explore('quartic', lr=0.01, steps=30)\nex"),
                nbformat.v4.new_code_cell("print(ex.update(lr=0.05), type(ex.live.view).__name__)")]
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True).execute()
    assert nb.cells[2].outputs[0]["text"].split() == ["True", "Output"]
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    images = [o for m in state.values() if m["model_name"] == "OutputModel"
              for o in m["state"].get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) == 1  # replaced in place on update, not appended


@pytest.mark.parametrize("make", [lambda: lrviz.explore("valley", optimizer="adadelta", steps=50),
                                  lambda: lrviz.race("rosenbrock", steps=40)], ids=["explore", "race"])
def test_a_slow_update_is_not_taken_for_a_pause_in_the_drag(make, monkeypatch):
    # Held-back limits wait 1.5 x the idle time before the updates of a drag. An update that
    # computes for 0.3 s right after the last frame is a drag move, not a key press.
    import time

    ex = make()
    assert ex.update(lr=0.02), ex.message
    compute = ex._compute
    monkeypatch.setattr(ex, "_compute", lambda p: (time.sleep(0.3), compute(p))[1])
    assert ex.update(lr=0.03), ex.message
    assert ex.live._idle[-1] < 0.25
    monkeypatch.setattr(ex.live, "begin_update", lambda: None)  # as if update did not say when it began
    assert ex.update(lr=0.04), ex.message
    assert ex.live._idle[-1] >= 0.3  # so the test can fail: the compute time counted as idle


def test_a_rejected_update_does_not_shorten_the_next_idle_time():
    import time

    ex = lrviz.explore("valley", optimizer="sgd", lr=0.01, steps=30)
    assert ex.update(lr=0.02), ex.message
    assert not ex.update(lr=-1.0)  # rejected right after the frame: nothing drawn
    time.sleep(0.3)
    assert ex.update(lr=0.03), ex.message
    assert ex.live._idle[-1] >= 0.3  # from the last frame to this update, a key press's pause
