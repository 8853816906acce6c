"""lrviz.style: explicit styles, fixed colour-blind-safe colours, no import side effects."""
import json
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl
import pytest
from matplotlib.colors import to_rgb

from lrviz import style
from lrviz.engine.analysis import REGIMES
from lrviz.engine.optimizers import OPTIMIZERS


def test_import_lrviz_changes_no_rcparams():
    code = ("import json, matplotlib as mpl\n"
            "before = {k: repr(v) for k, v in mpl.rcParams.items()}\n"
            "import lrviz, lrviz.pictures.style, lrviz.pictures.plotting, lrviz.pictures.animation\n"
            "lrviz.color_for('adam')\n"
            "after = {k: repr(v) for k, v in mpl.rcParams.items()}\n"
            "print(json.dumps(sorted(k for k in before if before[k] != after[k])))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_use_style_sets_rcparams():
    with mpl.rc_context():
        style.use_style("classroom")
        assert mpl.rcParams["font.size"] >= 18
        assert mpl.rcParams["lines.linewidth"] >= 3.0
        assert mpl.rcParams["lines.markersize"] >= 10
        assert mpl.rcParams["axes.facecolor"] == "white"
        assert mpl.rcParams["xtick.minor.visible"] is False
        assert style.current_style() == "classroom"
        style.use_style("notebook")
        assert 9 <= mpl.rcParams["font.size"] <= 13
        assert style.current_style() == "notebook"


def test_style_context_restores():
    before = dict(mpl.rcParams)
    current = style.current_style()
    with style.style_context("classroom"):
        assert mpl.rcParams["font.size"] >= 18
        assert style.current_style() == "classroom"
    assert mpl.rcParams["font.size"] == before["font.size"]
    assert style.current_style() == current


def test_unknown_style_lists_allowed():
    before = style.current_style()
    with pytest.raises(ValueError) as info:
        style.use_style("poster")
    assert str(info.value) == "Invalid style: 'poster' (must be one of 'notebook', 'classroom')"
    with pytest.raises(TypeError, match=r"^Invalid style: None \(must be one of 'notebook', 'classroom'\)$"):
        style.use_style(None)
    with pytest.raises(TypeError, match="^Invalid style: 3 "):
        with style.style_context(3):
            pass
    assert style.current_style() == before  # a rejected name changes nothing


def test_style_names_ignore_case_and_spaces():
    with style.style_context(" Classroom "):
        assert style.current_style() == "classroom"


def test_optimizer_colours_fixed_and_distinct():
    assert set(OPTIMIZERS) <= set(style.OPTIMIZER_COLORS)
    cols = [style.color_for(n) for n in OPTIMIZERS]
    assert len(set(cols)) == len(cols)
    assert style.color_for("adam") == "#0072B2" and style.color_for("sgd") == "#000000"
    assert style.color_for("ADAM") == style.color_for("adam")
    # pairwise far apart in RGB (the palette is Okabe-Ito, not near-duplicates)
    rgb = [to_rgb(c) for c in cols]
    d = min(sum((a - b) ** 2 for a, b in zip(p, q)) ** 0.5 for i, p in enumerate(rgb) for q in rgb[i + 1:])
    assert d > 0.2


def test_fallback_colour_is_stable_across_processes():
    code = "from lrviz.pictures.style import color_for; print(color_for('my_optimizer'))"
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.strip() for _ in range(2)}
    assert len(outs) == 1 and outs.pop() == style.color_for("my_optimizer")


def test_regime_colours():
    assert set(style.REGIME_COLORS) == set(REGIMES)
    assert len(set(style.REGIME_COLORS.values())) == 4
