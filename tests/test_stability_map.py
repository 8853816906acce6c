"""The stability map labels its floor and can show steps to tolerance instead of the gap."""
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from lrviz import analysis, plotting  # noqa: E402


@pytest.fixture(scope="module")
def sweep():
    # f = 5x^2 from x0 = 1: x_T = r^T with r = 1 - 10 lr, gap = 5 r^(2T)
    return analysis.sweep("scaled_parabola", "sgd", lrs=np.array([0.001, 0.05, 0.1, 0.15, 0.3]), steps=20, x0=(1.0,))


def test_gaps_below_the_floor_sit_on_a_labelled_floor_line(sweep):
    fig, ax = plotting.subplots()
    out = plotting.stability_map(ax, sweep, floor=1e-16)
    # lr = 0.1 lands exactly (gap 0), 0.05 has 5 * 0.5**40 = 4.5e-12 (above the floor)
    assert out["floor"] is not None and out["floor"].get_ydata()[0] == 1e-16
    assert "floor" in out["floor"].get_label()
    ys = {round(float(x), 4): float(y) for x, y in zip(*out["line"].get_data())}
    assert ys[0.1] == 1e-16
    assert ys[0.05] == pytest.approx(5 * 0.5 ** 40)
    labels = [t.get_text() for t in out["legend"].get_texts()]
    assert any("floor" in t for t in labels)


def test_no_floor_line_when_nothing_reaches_it(sweep):
    fig, ax = plotting.subplots()
    r = analysis.sweep("scaled_parabola", "sgd", lrs=np.array([0.001, 0.01]), steps=20, x0=(1.0,))
    assert plotting.stability_map(ax, r)["floor"] is None


def test_steps_measure_has_its_minimum_at_one_over_L(sweep):
    fig, ax = plotting.subplots()
    out = plotting.stability_map(ax, sweep, measure="steps")
    lr, y = out["line"].get_data()
    assert lr[np.argmin(y)] == 0.1          # one step: r = 0
    assert y[list(lr).index(0.05)] == 12     # 5 * 0.25**t <= 1e-6 from t = ln(2e-7) / ln(0.25) = 11.1 on
    assert y[list(lr).index(0.3)] == 60      # diverging: never, drawn at 3 x steps on the top edge
    assert out["tol"] is None and out["floor"] is None


@pytest.mark.parametrize("kw", [dict(measure="loss"), dict(floor=0), dict(floor=float("nan"))])
def test_bad_arguments_name_themselves(sweep, kw):
    fig, ax = plotting.subplots()
    with pytest.raises(ValueError, match="Invalid " + next(iter(kw))):
        plotting.stability_map(ax, sweep, **kw)
