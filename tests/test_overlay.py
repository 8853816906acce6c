"""lrviz.pictures.overlay: the moving artists as SVG markup, exactly where Agg draws them."""
import re

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

from lrviz.pictures.overlay import svg_markup  # noqa: E402


def _figure(dpi=80):
    fig = Figure(figsize=(5, 4), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_xlim(0, 10)
    ax.set_ylim(-1, 1)
    fig.canvas.draw()
    return fig, ax


def _points(markup):
    """The vertices of every <path d=...> in the markup, as (x, y) in the SVG's user units."""
    out = []
    for d in re.findall(r'<path d="([^"]*)"', markup):
        nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
        out.append(np.reshape(nums, (-1, 2)))
    return out


def test_a_line_lies_where_agg_draws_it_in_canvas_pixels():
    fig, ax = _figure(dpi=80)
    x, y = np.array([1.0, 4.0, 9.0]), np.array([-0.5, 0.25, 0.75])
    (line,) = ax.plot(x, y, color="#d55e00", lw=2.0)
    markup = svg_markup(fig, [line])
    w, h = fig.canvas.get_width_height(physical=True)
    assert (w, h) == (400, 320)
    assert f'viewBox="0 0 {w} {h}"' in markup and 'width="400px" height="320px"' in markup
    (pts,) = _points(markup)
    display = ax.transData.transform(np.column_stack([x, y]))
    expected = np.column_stack([display[:, 0], h - display[:, 1]])  # SVG's y runs down
    np.testing.assert_allclose(pts, expected, atol=0.006)  # 2 decimals
    # 2 pt at 80 dpi is 2 * 80 / 72 px, as Agg draws it
    assert re.search(r"stroke-width: 2\.22222", markup), markup
    assert "stroke: #d55e00" in markup


def test_dashes_and_css_size_scale_with_the_dpi():
    fig, ax = _figure(dpi=144)
    (line,) = ax.plot([0, 10], [0, 0], ls="--", lw=1.0)
    markup = svg_markup(fig, [line], css_size=(360, 288))  # a device pixel ratio of 2
    dashes = [float(v) for v in re.search(r"stroke-dasharray: ([\d.,]+)", markup).group(1).split(",")]
    expected = np.array(matplotlib.rcParams["lines.dashed_pattern"]) * 1.0 * 144 / 72
    np.testing.assert_allclose(dashes, expected, rtol=1e-5)
    assert 'width="360px" height="288px"' in markup and 'viewBox="0 0 720 576"' in markup


def test_markup_is_inline_svg_only_and_the_same_each_time():
    fig, ax = _figure()
    (line,) = ax.plot([1, 2, 3], [0, 0.5, 0.2], marker="o")
    title = ax.set_title("sgd  lr=0.1  step 3", loc="left")
    first, again = svg_markup(fig, [line, title]), svg_markup(fig, [line, title])
    assert first == again  # no date, no random ids: an unchanged frame sends nothing
    assert first.startswith("<svg") and first.rstrip().endswith("</svg>")
    for file_only in ("<?xml", "<!DOCTYPE", "<metadata", "dc:date", "*{"):
        assert file_only not in first, file_only  # '*{...}' would restyle the whole page
    assert "pointer-events:none" in first
    # the page collapses runs of spaces; each second one is a no-break space
    assert "sgd \u00a0lr=0.1 \u00a0step 3</text>" in first
    # font size in px at the figure's dpi: 12 pt at 80 dpi (the title's "large" is rc-dependent)
    size = title.get_fontsize() * 80 / 72
    assert re.search(rf"font-size: {size:.3f}", first), first


def test_hidden_artists_draw_nothing():
    fig, ax = _figure()
    (line,) = ax.plot([1, 2], [0, 0.5])
    line.set_visible(False)
    assert "<path" not in svg_markup(fig, [line])


def test_a_collection_in_one_style_is_one_path_else_one_per_member():
    fig, ax = _figure()
    z = np.zeros(5)
    arrows = ax.quiver(np.arange(1, 6), z, np.ones(5), 0.1 * np.ones(5), angles="xy", scale_units="xy", scale=1,
                       color="k")
    one = svg_markup(fig, [arrows])
    (d,) = re.findall(r"<path d=\"([^\"]*)\"", one)
    assert d.count("M") == 5  # five arrows, one path
    arrows.set_facecolor(["k", "r", "g", "b", "c"])  # five styles: five paths, as the file writer does
    five = svg_markup(fig, [arrows])
    assert len(_points(five)) == 5
    # the same outlines either way
    for side in (np.min, np.max):
        np.testing.assert_allclose(side(np.vstack(_points(one)), 0), side(np.vstack(_points(five)), 0), atol=0.01)


def test_the_figure_s_pixels_are_untouched():
    fig, ax = _figure()
    (line,) = ax.plot([0, 10], [-1, 1], lw=5, color="r")
    line.set_visible(False)
    fig.canvas.draw()
    before = np.asarray(fig.canvas.buffer_rgba()).copy()
    line.set_visible(True)
    svg_markup(fig, [line])
    assert np.array_equal(before, np.asarray(fig.canvas.buffer_rgba()))


@pytest.mark.parametrize("dpi", [72, 100])
def test_marker_sizes_follow_agg(dpi):
    fig, ax = _figure(dpi=dpi)
    (dots,) = ax.plot([5], [0], "o", ms=10, mew=0)
    markup = svg_markup(fig, [dots])
    marker = re.search(r'<path id="m[^"]*" d="([^"]*)"', markup).group(1)
    nums = np.reshape([float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", marker)], (-1, 2))
    radius = np.abs(nums).max()
    assert radius == pytest.approx(10 / 2 * dpi / 72, abs=0.01)  # ms is a diameter in points
