"""lrviz.pictures.eos_plots: each figure draws the run's numbers, and 2/lr where it should be."""
import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lrviz.pictures import eos_plots as P
from lrviz.training import eos


def _ax():
    fig = Figure()
    FigureCanvasAgg(fig)
    return fig.add_subplot()


def _run(lr=(0.2, 0.2, 0.1, 0.1), sharp=(3.0, 9.0, 12.0), loss=(0.5, 0.4, 0.45, 0.3, 0.2)):
    steps = np.array([0, 2, 4])
    return eos.EoSRun(np.array(loss), np.arange(len(loss)), np.array(lr), steps, np.array(sharp), None, None)


def test_sharpness_curve_draws_the_sharpness_and_two_over_lr():
    ax = _ax()
    out = P.sharpness_curve(ax, _run(), label="a")
    assert out["sharpness"].get_xdata().tolist() == [0, 2, 4]
    assert out["sharpness"].get_ydata().tolist() == [3.0, 9.0, 12.0]
    assert out["edge"].get_ydata().tolist() == pytest.approx([10.0, 10.0, 20.0, 20.0])
    assert out["edge"].get_linestyle() == "--" and out["edge"].get_color() == out["sharpness"].get_color()
    assert P.sharpness_curve(ax, _run(), edge=False)["edge"] is None
    ax.figure.canvas.draw()


def test_update_run_moves_the_artists_to_another_run():
    ax = _ax()
    out = P.sharpness_curve(ax, _run())
    line = P.loss_curve(ax, _run())
    other = _run(lr=(0.5, 0.5, 0.5, 0.5), sharp=(1.0, 2.0, 4.0), loss=(1.0, 0.9, 0.8, 0.7, 0.6))
    P.update_run(out, line, other)
    assert out["sharpness"].get_ydata().tolist() == [1.0, 2.0, 4.0]
    assert out["edge"].get_ydata().tolist() == pytest.approx([4.0] * 4)
    assert line.get_ydata().tolist() == [1.0, 0.9, 0.8, 0.7, 0.6]


def test_panels_draw_one_curve_per_run_with_a_legend():
    ax = _ax()
    runs = {"lr 0.2": _run(), "lr 0.1": _run(lr=(0.1,) * 4)}
    out = P.sharpness_panel(ax, runs, ylim=(0, 25))
    assert set(out) == set(runs) and ax.get_ylim() == (0, 25)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["lr 0.2", "lr 0.1", "2/lr (dashed, same colour)"]
    ax2 = _ax()
    lines = P.loss_panel(ax2, runs)
    assert ax2.get_yscale() == "log" and lines["lr 0.1"].get_ydata().tolist() == [0.5, 0.4, 0.45, 0.3, 0.2]
    ax.figure.canvas.draw()
    ax2.figure.canvas.draw()


def test_stable_lr_curve_draws_none_at_zero_on_a_log_batch_axis():
    ax = _ax()
    line = P.stable_lr_curve(ax, [1, 10, 100], [None, 0.5, 0.6])
    assert line.get_ydata().tolist() == [0.0, 0.5, 0.6]
    assert ax.get_xscale() == "log" and [t.get_text() for t in ax.get_xticklabels()] == ["1", "10", "100"]
    ax.figure.canvas.draw()
