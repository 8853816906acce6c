"""Figure styles ("notebook", "classroom") and the course's colour-blind-safe palette.

Colours come from the Okabe-Ito palette (Okabe & Ito 2008), which stays distinguishable
under the common colour-vision deficiencies. Every optimizer keeps one colour in every
figure of the course, so students can follow "the blue one" from notebook to notebook.

Nothing here runs on import: rcParams change only when :func:`use_style` is called.
"""
from __future__ import annotations

import contextlib
import zlib

from ..engine import validate as V

__all__ = ["OKABE_ITO", "OPTIMIZER_COLORS", "REGIME_COLORS", "STYLES", "color_for",
           "use_style", "style_context", "current_style", "style_params"]

# The eight Okabe-Ito colours. Their pure yellow (#F0E442) is nearly invisible on white
# and on light contours, and a darkened yellow is too close to orange, so the course
# uses the customary grey extension of the palette instead of yellow for lines.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "grey": "#7F7F7F",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

# Fixed for the whole course. Related methods get related hues where it helps reading:
# momentum/nesterov are warm, adam/adamw are blue/sky blue.
OPTIMIZER_COLORS = {
    "sgd": OKABE_ITO["black"],
    "momentum": OKABE_ITO["orange"],
    "nesterov": OKABE_ITO["vermillion"],
    "rmsprop": OKABE_ITO["bluish_green"],
    "adagrad": OKABE_ITO["reddish_purple"],
    "adadelta": OKABE_ITO["grey"],
    "adam": OKABE_ITO["blue"],
    "adamw": OKABE_ITO["sky_blue"],
}

# Cool = fine (slow / converging), warm = trouble (oscillating / diverging).
REGIME_COLORS = {
    "too slow": OKABE_ITO["sky_blue"],
    "converging": OKABE_ITO["bluish_green"],
    "oscillating": OKABE_ITO["orange"],
    "diverging": OKABE_ITO["vermillion"],
}

_CYCLE = [OKABE_ITO[k] for k in ("blue", "orange", "bluish_green", "vermillion",
                                 "reddish_purple", "sky_blue", "grey", "black")]


def color_for(name) -> str:
    """The course colour of an optimizer (or any label).

    Args:
        name: an optimizer name such as ``"adam"`` (case-insensitive); other names get a
            fallback colour that is the same in every session (a CRC of the name, not
            Python's salted ``hash``).

    Returns:
        A hex colour string.

    >>> color_for("adam")
    '#0072B2'
    """
    key = str(name).strip().lower()
    if key in OPTIMIZER_COLORS:
        return OPTIMIZER_COLORS[key]
    return _CYCLE[zlib.crc32(key.encode()) % len(_CYCLE)]


def _cycler():
    from cycler import cycler

    return cycler(color=_CYCLE)


_COMMON = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.edgecolor": "black",
    "axes.labelcolor": "black",
    "text.color": "black",
    "xtick.color": "black",
    "ytick.color": "black",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#b0b0b0",
    "legend.framealpha": 0.9,
    "legend.edgecolor": "#808080",
    "image.cmap": "viridis",
    "mathtext.fontset": "dejavusans",
    "figure.autolayout": False,
    "figure.constrained_layout.use": True,
}

STYLES = {
    # A laptop screen at arm's length: matplotlib's sizes, a bit bolder.
    "notebook": {
        **_COMMON,
        "figure.figsize": (7.0, 4.5),
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "font.size": 11,
        "axes.titlesize": 12,
        "axes.labelsize": 11,
        "xtick.labelsize": 10,
        "ytick.labelsize": 10,
        "legend.fontsize": 9.5,
        "lines.linewidth": 2.0,
        "lines.markersize": 6,
        "axes.linewidth": 0.9,
        "grid.alpha": 0.35,
        "grid.linewidth": 0.6,
        "xtick.major.size": 4,
        "ytick.major.size": 4,
    },
    # A projector at the back of a room: big text, thick lines, no hairlines.
    "classroom": {
        **_COMMON,
        "figure.figsize": (10.0, 6.5),
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "font.size": 18,
        "axes.titlesize": 20,
        "axes.titleweight": "bold",
        "axes.labelsize": 19,
        "xtick.labelsize": 16,
        "ytick.labelsize": 16,
        "legend.fontsize": 15,
        "lines.linewidth": 3.5,
        "lines.markersize": 11,
        "axes.linewidth": 2.0,
        "grid.alpha": 0.5,
        "grid.linewidth": 1.0,
        "xtick.major.size": 8,
        "ytick.major.size": 8,
        "xtick.major.width": 2.0,
        "ytick.major.width": 2.0,
        "xtick.minor.size": 0,
        "ytick.minor.size": 0,
        "xtick.minor.visible": False,
        "ytick.minor.visible": False,
    },
}

_current = None


def _check(name) -> str:
    return V.choice("style", name, tuple(STYLES))


def style_params(name) -> dict:
    """The rcParams a style sets (a fresh dict; the colour cycle included).

    Args:
        name: ``"notebook"`` or ``"classroom"``.
    """
    params = dict(STYLES[_check(name)])
    params["axes.prop_cycle"] = _cycler()
    return params


def use_style(name="notebook") -> None:
    """Set matplotlib's rcParams for a screen (``"notebook"``) or a projector (``"classroom"``).

    Affects figures created afterwards. Call it in a notebook's first cell.

    Args:
        name: ``"notebook"`` (laptop) or ``"classroom"`` (large fonts ~18-20 pt, lines
            3.5 pt, big markers, white background, no minor ticks).

    Raises:
        ValueError: for any other name (the message lists the allowed ones; case and
            surrounding spaces do not matter). TypeError: for a name that is not a string.
    """
    global _current
    import matplotlib as mpl

    name = _check(name)
    mpl.rcParams.update(style_params(name))
    _current = name


@contextlib.contextmanager
def style_context(name="notebook"):
    """Use a style inside a ``with`` block; rcParams and :func:`current_style` are restored after.

    Args:
        name: as in :func:`use_style`.
    """
    global _current
    import matplotlib as mpl

    name = _check(name)
    params = style_params(name)
    before = _current
    with mpl.rc_context(params):
        _current = name
        try:
            yield name
        finally:
            _current = before


def current_style():
    """The name of the style last set by :func:`use_style` / :func:`style_context` (``None``: never)."""
    return _current


def scale() -> float:
    """How much thicker than matplotlib's default the current lines are (1.0 at 1.5 pt).

    Plot functions multiply their own sizes (arrow widths, star markers) by it so that
    the classroom style enlarges everything, not only the rcParams-driven parts.
    """
    import matplotlib as mpl

    return float(mpl.rcParams["lines.linewidth"]) / 1.5
