"""lrviz.pictures.momentum_plots: the rate map and the rate-vs-momentum curves draw what they say."""
import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lrviz.pictures import momentum_plots as mp


def _ax():
    fig = Figure()
    FigureCanvasAgg(fig)
    return fig.add_subplot()


@pytest.mark.parametrize("nesterov", [False, True])
def test_rate_map_values_and_edge(nesterov):
    ax = _ax()
    h = np.linspace(0, 4.2, 43)
    mu = np.linspace(0, 0.9, 10)
    out = mp.rate_map(ax, h=h, momenta=mu, nesterov=nesterov)
    rho = out["mesh"].get_array().reshape(mu.size, h.size)
    assert rho[0, 0] == pytest.approx(1.0)            # h = 0: nothing moves
    assert rho[0, 10] == pytest.approx(0.0, abs=1e-12)  # mu = 0, h = 1: one step
    # the drawn edge rho = 1 at mu = 0 sits at h = 2 for both methods
    verts = np.concatenate([p.vertices for p in out["edge"].get_paths()])
    low = verts[np.isclose(verts[:, 1], 0.0)]
    assert low[:, 0].max() == pytest.approx(2.0, abs=0.05)
    assert (out["damping"] is None) == nesterov
    assert out["colorbar"] is not None
    ax.figure.canvas.draw()


def test_damping_curve_is_the_formula():
    ax = _ax()
    line = mp.rate_map(ax, colorbar=False)["damping"]
    x, y = line.get_data()
    np.testing.assert_allclose(y, (1 - np.sqrt(x)) ** 2)
    assert y.max() <= 0.99


def test_rate_vs_momentum_marks_critical_damping():
    ax = _ax()
    out = mp.rate_vs_momentum(ax, [0.01, 0.25], colors=["C0", "C1"])
    for h, (line, marker) in out.items():
        mu, rho = (np.asarray(a) for a in marker.get_data())
        assert mu[0] == pytest.approx((1 - np.sqrt(h)) ** 2, abs=0.005)
        assert rho[0] == pytest.approx(1 - np.sqrt(h), abs=0.005)
        assert np.asarray(line.get_ydata()).min() == pytest.approx(rho[0])
    ax.figure.canvas.draw()
