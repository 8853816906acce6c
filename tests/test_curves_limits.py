"""Loss axes on a run that diverged to a huge but finite loss (up to ~1e308).

Matplotlib's log ticks compute 10**decade and overflow past ~1e300; under the explorer
contract that RuntimeWarning rejects the update ("Not applied: RuntimeWarning: overflow
encountered in power"). The limits are therefore capped (curves.Y_CAP) on every path: a figure
built on such a run, and the sticky limits of a live update.
"""
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lrviz  # noqa: E402
from lrviz.pictures import curves  # noqa: E402

CAP = curves.Y_CAP


@pytest.fixture
def strict():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def _axes(scale):
    fig, ax = plt.subplots()
    ax.set_yscale(scale)
    return fig, ax


@pytest.mark.parametrize("scale", ["log", "linear"])
@pytest.mark.parametrize("sticky", [False, True])
@pytest.mark.parametrize("hi", [1e250, 1e300, 1e307, 1.7e308, np.inf])
def test_limits_past_the_cap_are_capped_and_draw_quietly(strict, scale, sticky, hi):
    fig, ax = _axes(scale)
    ax.plot([0, 1], [1e-3, 1.0], scaley=False)
    curves._set_ylim(ax, 1e-3, hi, sticky=sticky)
    lo, top = ax.get_ylim()
    assert top == CAP and 0 < lo < top if scale == "log" else top == CAP and lo < top
    fig.canvas.draw()  # ticks and labels: no overflow warning
    plt.close(fig)


@pytest.mark.parametrize("scale", ["log", "linear"])
def test_a_range_wholly_past_the_cap_still_has_two_distinct_limits(strict, scale):
    fig, ax = _axes(scale)
    curves._set_ylim(ax, 1e250, 1e300)
    lo, hi = ax.get_ylim()
    assert hi == CAP and lo == (CAP * 1e-3 if scale == "log" else CAP / 2)
    fig.canvas.draw()
    plt.close(fig)


@pytest.mark.parametrize("scale", ["log", "linear"])
def test_ordinary_limits_are_untouched(scale):
    fig, ax = _axes(scale)
    curves._set_ylim(ax, 1e-3, 1e80)
    assert ax.get_ylim() == (1e-3, 1e80)
    plt.close(fig)


ROTATED = dict(kappa=100, angle=45)


def test_momentum_notebook_report_nesterov_on_a_diverging_valley(strict):
    """The report: switching momentum -> nesterov on a run that grows to ~1e178 was rejected."""
    s = lrviz.surface("rotated_valley", **ROTATED)
    ex = lrviz.explore(s, optimizer="momentum", lr=0.031, momentum=0.68, steps=150)
    assert ex.update(optimizer="nesterov") is True, ex.message
    assert ex.message == "" and ex.params["optimizer"] == "nesterov"
    assert np.nanmax(ex.trajectory.loss) > 1e150  # the run the report was about: huge, finite
    assert ex.update(lr=0.02) is True, ex.message  # and the next update works


@pytest.mark.parametrize("steps", [200, 300])
def test_explorer_built_on_a_run_near_float_max(strict, steps):
    """Built (not updated) on a run whose loss reaches 1e237 / 2.7e307: the figure's first draw."""
    s = lrviz.surface("rotated_valley", **ROTATED)
    ex = lrviz.explore(s, optimizer="nesterov", lr=0.031, momentum=0.68, steps=steps)
    assert np.nanmax(ex.trajectory.loss) > 1e230
    ex.figure.canvas.draw()
    assert max(ax.get_ylim()[1] for ax in ex.figure.axes) <= CAP
    assert ex.update(steps=steps + 50) is True, ex.message
    assert ex.update(lr=0.01) is True, ex.message


def test_loss_curve_on_a_near_overflow_trajectory(strict):
    opt = lrviz.optimizer("nesterov", lr=0.031, momentum=0.68)
    t = lrviz.descend(lrviz.surface("rotated_valley", **ROTATED), opt, steps=300)
    assert 1e300 < np.nanmax(t.loss) < np.inf
    fig, ax = plt.subplots()
    line = lrviz.plotting.loss_curve(ax, t)
    assert ax.get_yscale() == "log" and ax.get_ylim()[1] == CAP
    np.testing.assert_array_equal(line.get_ydata(), curves._floor(curves._loss_y(t)[0], True))
    fig.canvas.draw()
    plt.close(fig)


@pytest.mark.parametrize("mode", ["classroom", "notebook"])
def test_a_diverging_lr_is_shown_on_a_small_classroom_axis(mode):
    """The explorer's small loss axis asks for few log ticks, and the locator may place one a
    whole stride past the top: with the cap at 1e200 this overflowed (himmelblau, lr 0.075
    diverges at step 8), the update was refused and the student never saw the divergence."""
    with lrviz.style_context(mode):
        ex = lrviz.explore("himmelblau", optimizer="sgd", lr=0.01, steps=200, x0=(-1, -1))
        ex.figure.canvas.draw()
        assert ex.update(lr=0.075), ex.message
        assert ex.trajectory.diverged_at is not None
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ex.figure.canvas.draw()
        assert ex.update(lr=0.02) and ex.trajectory.diverged_at is None
    plt.close("all")


@pytest.mark.parametrize("sticky", [False, True])
def test_a_flat_loss_on_a_log_axis_spans_enough_decades_for_base_labels_only(sticky):
    # A run that barely moves (lr 1e-5 on Himmelblau, loss ~168): over less than a decade
    # matplotlib labels 2, 3, 4, 6 x 10^k too, and "3 x 10^2" lay on "4 x 10^2" in the
    # explorers' loss panel on a projector.
    fig, ax = _axes("log")
    curves._set_ylim(ax, 160.0, 170.0, sticky)
    lo, hi = ax.get_ylim()
    assert np.log10(hi / lo) >= curves.MIN_LOG_DECADES - 1e-9
    if not sticky:  # (sticky limits add slack on top)
        assert np.log10(hi / lo) == pytest.approx(curves.MIN_LOG_DECADES)
    assert np.sqrt(lo * hi) == pytest.approx(np.sqrt(160.0 * 170.0))  # around the data
    fig.canvas.draw()
    assert [t.get_text() for t in ax.yaxis.get_minorticklabels() if t.get_text()] == []
    assert [t.get_text() for t in ax.yaxis.get_majorticklabels() if t.get_text()]  # a power of ten
    plt.close(fig)


@pytest.mark.parametrize("sticky", [False, True])
def test_a_linear_axis_of_nonnegative_data_starts_at_zero_at_the_lowest(sticky):
    # Notebook 00's loss gap at lr 10 (quartic, diverged): 9.5 .. 1e300 once showed -1e100 .. 1e100.
    fig, ax = _axes("linear")
    (line,) = ax.plot([0, 1, 2], [9.5, 1e300, 1e300], gid="lrviz-loss")
    curves._fit_ylim(ax, "lrviz-loss", False, sticky)
    assert ax.get_ylim()[0] == 0.0 and ax.get_ylim()[1] > 0
    line.set_ydata([-3.0, 1.0, 2.0])  # a loss that can go below 0 keeps its pad
    curves._fit_ylim(ax, "lrviz-loss", False)
    assert ax.get_ylim()[0] < -3.0
    plt.close(fig)


@pytest.mark.parametrize("sticky", [False, True])
@pytest.mark.parametrize("lo", [0.0, 5e-324, 1e-310, 1e-200])
def test_a_loss_that_reaches_exactly_zero_keeps_a_positive_log_floor(strict, sticky, lo):
    # sgd on scaled_parabola at lr 0.0891 for 300 steps converges to a loss of exactly 0 via
    # subnormals; the slack below them, in decades, underflowed to a lower limit of 0 and
    # matplotlib's "non-positive ylim" warning rejected a good lr in the explorer
    fig, ax = _axes("log")
    ax.set_ylim(1e-3, 10.0)
    curves._set_ylim(ax, lo, 11.25, sticky)
    bottom, top = ax.get_ylim()
    assert bottom >= curves.LOG_FLOOR and top >= 11.25
    fig.canvas.draw()
    plt.close(fig)


def test_explorer_takes_an_lr_whose_loss_underflows_to_zero(strict):
    ex = lrviz.explore("scaled_parabola", optimizer="sgd", lr=0.07943282347242814, steps=300)
    assert ex.update(lr=0.08912509381337468), ex.message
    assert ex.trajectory.loss.min() == 0.0 and ex.trajectory.diverged_at is None
    ex.figure.canvas.draw()
    plt.close("all")
