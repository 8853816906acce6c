"""A y-axis drawn by the page: ticks, grid, tick labels and axis label as SVG, 1-1.5 ms an axis.

When the learning rate changes, the explorers' loss, lr and step-size panels get new y
limits. Drawn by Agg, new limits cost a new background (matplotlib's ``Axis.draw`` for the
moved axes: 80-90 % of a 100 ms redraw, see ``benchmarks/ticks_in_page.py``) plus a PNG.
A :class:`PageAxis` draws the same decorations into the overlay's SVG markup each frame
(:mod:`lrviz.pictures.overlay`), so the canvas keeps its background and a new lr costs one
frame of markup, exact at once. Its axis is animated: Agg leaves it out of the live canvas,
``savefig`` draws it as matplotlib always does, and layout engines still leave room for it.

What it draws is what ``Axis.draw`` draws, from the same objects:

- the tick values of the axis' locators inside the view interval ``[lo, hi]`` (with
  matplotlib's tolerance: ``lo - 1e-10 (hi - lo) <= t <= hi + 1e-10 (hi - lo)``, in the
  scale's coordinates), the labels of its formatters, the offset text of the major one;
- tick marks, grid lines and labels styled as the axis' first major (minor) tick is, each
  kind one path (grid lines stop at a legend's box, which Agg draws over them);
- the axis label at ``x = min(x0 of the tick labels, x0 of the axes - tick length out) - labelpad * dpi / 72``
  on the left (``max(x1 ..., x1 of the axes + tick length out) + labelpad * dpi / 72`` on the
  right: ``YAxis._update_label_position``, the spine's extent being the axes' edge and the
  ticks that reach out of it) and the offset text ``OFFSETTEXTPAD * dpi / 72`` above
  the axes (``YAxis._update_offset_text_position``).

Text layouts are cached by string and style (a layout does not depend on where the text
sits), which is most of what makes this fast: matplotlib lays each tick label out three
times per draw.

:func:`page_drawable` says which axes qualify: a y-axis on one side (a twin's on the right),
linear or log, not shared, in an axes whose other children do not move with the y limits (the moving artists
excepted: the page draws those too).
"""
from __future__ import annotations

import io
import re

import numpy as np
from matplotlib.axis import Axis
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.spines import Spine
from matplotlib.text import Text
from matplotlib.ticker import NullLocator
from matplotlib.transforms import Bbox, IdentityTransform

__all__ = ["PageAxis", "page_drawable"]

_RTOL = 1e-10  # matplotlib's tolerance for a tick on the view interval's edge
_IDENTITY = IdentityTransform()


def _bounded(cache: dict) -> dict:
    if len(cache) > 4096:
        cache.clear()
    return cache


_DIGIT = re.compile(r"\d")
_TSPAN_DIGIT = re.compile(r">(\d)</tspan>")
_TABULAR: dict = {}  # font properties' hash -> whether its digits share one advance


def _tabular_digits(prop) -> bool:
    """Whether the font of ``prop`` gives every digit the same advance (DejaVu Sans does)."""
    key = hash(prop)
    if key not in _TABULAR:
        from matplotlib.font_manager import findfont, get_font

        font = get_font(findfont(prop))
        _TABULAR[key] = len({font.load_char(ord(d)).horiAdvance for d in "0123456789"}) == 1
    return _TABULAR[key]



class _LaidOutText(Text):
    """A Text whose layout (relative to its anchor) is cached by string and style, and whose
    SVG markup is drawn once per string and style, then moved (see :meth:`draw_into`).

    A mathtext label (a log axis' ``10^{-3}``) costs two mathtext parses the first time,
    about 10 ms; each new decade would. With digits of one width, its layout and markup are
    those of its *probe*, the same text with digits 0, 1, 2, ... in their place (``10^{-3}``:
    ``01^{-2}``), its digits put back in the markup: one probe serves every label of that shape.
    """

    _layouts: dict = {}
    _markup: dict = {}
    _ID = re.compile(r' id="[^"]*"')

    def _probe(self):
        """(probe text, the real digits) for a one-line mathtext label of tabular digits, else None."""
        s = self.get_text()
        if not (len(s) > 1 and s[0] == s[-1] == "$") or "\n" in s or self.get_usetex():
            return None
        digits = _DIGIT.findall(s)
        if not 0 < len(digits) <= 10 or not _tabular_digits(self.get_fontproperties()):
            return None
        counter = iter("0123456789")
        return _DIGIT.sub(lambda m: next(counter), s), digits

    def _key(self, renderer, text=None):
        return (type(renderer), self.get_text() if text is None else text, hash(self.get_fontproperties()),
                self.get_rotation(), self.get_horizontalalignment(), self.get_verticalalignment(),
                self.get_rotation_mode(), self._linespacing, self.get_usetex(), getattr(self, "_parse_math", True),
                self.figure.dpi)

    def _get_layout(self, renderer):
        probe = self._probe()
        key = self._key(renderer, probe and probe[0])
        layout = self._layouts.get(key)
        if layout is None:
            if probe is None:
                layout = super()._get_layout(renderer)
            else:
                real = self._text
                self._text = probe[0]
                try:
                    layout = super()._get_layout(renderer)
                finally:
                    self._text = real
            _bounded(self._layouts)[key] = layout
        if probe is not None:  # the line drawn is this text, not the probe's
            bbox, info, *rest = layout
            layout = (bbox, [(self._text, *line[1:]) for line in info], *rest)
        return layout

    def draw_into(self, renderer):
        """Draw into ``renderer``; into the overlay's SVG renderer, as a copy of the markup this
        text (or its probe) gave the first time, translated to its anchor now (``translate(dx,
        -dy)``: SVG's y points down). matplotlib's SVG text costs 0.2-0.5 ms a label, mostly
        font lookups."""
        raw = getattr(renderer, "raw", None)
        if raw is None or not isinstance(raw, io.StringIO):
            self.draw(renderer)
            return
        probe = self._probe()
        x, y = self.get_transform().transform(self.get_position())
        key = (*self._key(renderer, probe and probe[0]), self.get_color(), self.get_alpha())
        hit = self._markup.get(key)
        renderer.writer.flush()
        if hit is None:
            start = raw.tell()
            real = self._text
            if probe is not None:
                self._text = probe[0]
            try:
                self.draw(renderer)
            finally:
                self._text = real
            renderer.writer.flush()
            markup = self._ID.sub("", raw.getvalue()[start:])  # ids would repeat
            raw.seek(start)
            raw.truncate()
            hit = _bounded(self._markup)[key] = (x, y, markup)
        x0, y0, markup = hit
        if probe is not None:  # the probe's digit k is this text's k-th digit
            digits = probe[1]
            markup = _TSPAN_DIGIT.sub(lambda m: f">{digits[int(m.group(1))]}</tspan>", markup)
        dx, dy = x - x0, y0 - y
        raw.write(f'<g transform="translate({dx:.2f} {dy:.2f})">{markup}</g>' if dx or dy else markup)


def _text_like(template: Text, figure) -> _LaidOutText:
    text = _LaidOutText(*template.get_position())
    text.update_from(template)  # not the rotation mode (an axis label's is "anchor")
    text.set_rotation_mode(template.get_rotation_mode())
    text.set_transform(template.get_transform())
    text.set_figure(figure)
    text.set_clip_on(False)
    return text


def _line_like(template: Line2D, figure) -> Line2D:
    line = Line2D([], [])
    line.update_from(template)
    line.set_transform(template.get_transform())
    line.set_figure(figure)
    return line


def _depends_on_y(transform, ax) -> bool:
    """Whether ``transform`` goes through the axes' y data coordinates (matplotlib 3.8 spells
    the test ``contains_branch_seperately``)."""
    split = getattr(transform, "contains_branch_separately", None) or transform.contains_branch_seperately
    return bool(split(ax.transData)[1])


def _moves_with_y(artist, ax) -> bool:
    """Whether ``artist`` is drawn (or placed, a collection's offsets) in the axes' y data coordinates."""
    if _depends_on_y(artist.get_transform(), ax):
        return True
    offsets = getattr(artist, "get_offset_transform", None)
    return offsets is not None and offsets() is not None and _depends_on_y(offsets(), ax)


_OTHER = {"left": "right", "right": "left"}


def _parts(tick, side):
    """A y tick's mark and label on ``side`` ("left": tick1line, label1)."""
    return (tick.tick1line, tick.label1) if side == "left" else (tick.tick2line, tick.label2)


def page_drawable(ax, dynamic=()) -> bool:
    """Whether the page can draw ``ax``'s y-axis (see the module docstring).

    Args:
        ax: a matplotlib Axes.
        dynamic: the artists the page draws anyway (they may move with the y limits).
    """
    axis = ax.yaxis
    if ax.name != "rectilinear" or axis.get_scale() not in ("linear", "log") or not axis.get_visible():
        return False
    side = axis.get_label_position()
    if len(ax.get_shared_y_axes().get_siblings(ax)) > 1 or side not in ("left", "right"):
        return False
    if not axis._autolabelpos or len(ax.get_figure()._align_label_groups["y"].get_siblings(ax)) > 1:
        return False
    for ticks in (axis.get_major_ticks(1), axis.get_minor_ticks(1)):
        label, (other_mark, other_label) = _parts(ticks[0], side)[1], _parts(ticks[0], _OTHER[side])
        if other_mark.get_visible() or other_label.get_visible() or label.get_rotation() != 0:
            return False
    spine = ax.spines.get(side)
    if spine is not None and (spine.get_position() != ("outward", 0.0) or spine._bounds is not None):
        return False
    moving = {id(a) for a in dynamic}
    for child in ax.get_children():
        if id(child) in moving or child is ax.patch or not child.get_visible():
            continue
        if isinstance(child, (Axis, Spine, Legend)):
            continue
        if isinstance(child, (Text, Line2D, Patch)) and not _moves_with_y(child, ax):
            continue
        return False  # anything else in the background would need a redraw at new limits
    return True


def _svg_raw(renderer):
    """The markup stream of the overlay's SVG renderer (lrviz.pictures.overlay), else None."""
    raw = getattr(renderer, "raw", None)
    return raw if isinstance(raw, io.StringIO) else None


def _tick_stroke(mark: Line2D, dpi):
    """The two ends (display px, from the tick's point) of a tick mark drawn as a line marker
    (``TICKLEFT``: ``(0, 0)`` to ``(-size, 0)``), or None for another marker."""
    from matplotlib.markers import MarkerStyle

    style = MarkerStyle(mark.get_marker())
    ends = style.get_path().transformed(style.get_transform()).vertices
    if len(ends) != 2:
        return None
    size = mark.get_markersize() * dpi / 72
    return [tuple(v) for v in ends * size]


def _write_path(renderer, xs, ys, line: Line2D, dpi, marker=False):
    """One SVG path through the NaN-separated runs of ``xs, ys`` (display px), stroked as
    ``line`` strokes (``marker``: as its marker edges), written straight into the markup: a
    Line2D costs 0.5 ms a draw, this a tenth of that.

    Styles: width ``lw * dpi / 72`` px, colour and alpha of the line, its dash pattern
    (``line._dash_pattern``, in points) times ``dpi / 72``; y flips (``height - y``).
    """
    from matplotlib.colors import to_hex, to_rgba

    height = renderer.height
    parts, pen = [], False
    for x, y in zip(xs, ys):
        if not (np.isfinite(x) and np.isfinite(y)):
            pen = False
            continue
        parts.append(f"{'L' if pen else 'M'}{x:.2f} {height - y:.2f}")
        pen = True
    if not parts:
        return
    color = line.get_markeredgecolor() if marker else line.get_color()
    rgba = to_rgba(color, line.get_alpha())
    width = (line.get_markeredgewidth() if marker else line.get_linewidth()) * dpi / 72
    style = f"fill:none;stroke:{to_hex(rgba)};stroke-width:{width:.3g}"
    if rgba[3] < 1:
        style += f";stroke-opacity:{rgba[3]:.3g}"
    offset, dashes = getattr(line, "_dash_pattern", (None, None))
    if not marker and dashes:
        style += ";stroke-dasharray:" + ",".join(f"{d * dpi / 72:.3g}" for d in dashes)
        if offset:
            style += f";stroke-dashoffset:{offset * dpi / 72:.3g}"
    renderer.writer.flush()
    _svg_raw(renderer).write(f'<path d="{"".join(parts)}" style="{style}"/>\n')


class PageAxis:
    """The y-axis of ``ax`` as an artist-like object for :func:`lrviz.pictures.overlay.svg_markup`.

    Attributes:
        axes: the Axes.
        extent: the display box of what the last draw put beside the axes (tick labels,
            axis label, offset text), or None before the first draw.
    """

    def __init__(self, ax):
        self.axes = ax
        self.axis = ax.yaxis
        self.extent = None
        self._avoid = []  # display boxes of the axes' legends, where grid lines stop
        self._lines = {}  # (which, part) -> (the template's style, a Line2D styled so)
        self._majors = None  # the major locator's values at the last draw

    # the artist protocol svg_markup and LiveFigure use
    def get_visible(self) -> bool:
        return self.axis.get_visible()

    def get_zorder(self) -> float:
        return self.axis.get_zorder()

    def captured(self, renderer):
        """The background was drawn: note where Agg put the legends (grid lines stop there)."""
        self._avoid = [leg.get_window_extent(renderer) for leg in self.axes.get_children()
                       if isinstance(leg, Legend) and leg.get_visible()]

    def _line(self, key, template):
        """A Line2D styled as ``template`` (a tick's mark or grid line), made anew only when
        that style changes (``tick_params``): making one costs more than drawing it."""
        style = (id(template), id(template.get_transform()), template.get_color(), template.get_linewidth(),
                 template.get_linestyle(), template.get_marker(), template.get_markersize(),
                 template.get_markeredgewidth(), template.get_markeredgecolor(), template.get_alpha(),
                 template.get_zorder())
        have = self._lines.get(key)
        if have is None or have[0] != style:
            have = self._lines[key] = (style, _line_like(template, self.axes.get_figure()))
        return have[1]

    def _ticks(self, which, major_locs=None):
        """(values, labels) of the major or minor ticks inside the view interval.

        As ``Axis._update_ticks`` has them: the locator's values (minor ones less those within
        ``1e-5 (hi - lo)`` of a major one, in the scale's coordinates: ``get_minorticklocs``),
        the formatter told every value (``set_locs``), but only those in view formatted (a log
        axis has dozens of minor ticks, most far outside). ``major_locs``: the major values,
        so that the major locator runs once.
        """
        axis = self.axis
        scale = axis.get_transform()
        lo, hi = sorted(axis.get_view_interval())
        a, b = scale.transform([lo, hi])
        if which == "major":
            ticker, locs = axis.major, np.asarray(axis.major.locator(), float)
            self._majors = locs  # every major value, in view or not
        else:
            ticker, locs = axis.minor, np.asarray(axis.minor.locator(), float)
            if axis.remove_overlapping_locs and locs.size:
                if major_locs is None:
                    major_locs = np.asarray(axis.major.locator(), float)
                tol = (b - a) * 1e-5
                close = np.isclose(scale.transform(locs)[:, None], scale.transform(major_locs)[None, :],
                                   atol=tol, rtol=0).any(axis=1)
                locs = locs[~close]
        if not locs.size:
            return locs, []
        slack = (b - a) * _RTOL
        with np.errstate(invalid="ignore"):
            t = scale.transform(locs)
            inside = (t >= a - slack) & (t <= b + slack)
        formatter = ticker.formatter
        formatter.set_locs(locs)
        return locs[inside], [formatter(v, i) for i, v in enumerate(locs) if inside[i]]

    def _grid_segments(self, ys, x0, x1):
        """x and y (display px) of horizontal grid segments from x0 to x1, NaN-separated, gaps at
        the legends' boxes."""
        xs, yv = [], []
        for y in ys:
            runs = [(x0, x1)]
            for box in self._avoid:
                if box.y0 <= y <= box.y1:
                    runs = [r for a, b in runs for r in ((a, min(b, box.x0)), (max(a, box.x1), b)) if r[1] > r[0]]
            for a, b in runs:
                xs += [a, b, np.nan]
                yv += [y, y, np.nan]
        return np.asarray(xs), np.asarray(yv)

    def _spine_cover(self):
        """{side: (edge, half width)} of the spines Agg draws over grid lines (display px)."""
        ax = self.axes
        edges = dict(zip(("left", "bottom", "right", "top"), ax.bbox.extents))
        cover = {}
        for side, edge in edges.items():
            spine = ax.spines.get(side)
            if spine is not None and spine.get_visible() and spine.get_zorder() > self.get_zorder():
                cover[side] = (edge, spine.get_linewidth() * ax.get_figure().dpi / 72 / 2)
        return cover

    def _grid_clip(self, cover):
        """The axes' box less what its spines cover: they hide the grid lines' ends."""
        x0, y0, x1, y1 = self.axes.bbox.extents
        x0 += cover.get("left", (0, 0))[1]
        y0 += cover.get("bottom", (0, 0))[1]
        x1 -= cover.get("right", (0, 0))[1]
        y1 -= cover.get("top", (0, 0))[1]
        return Bbox([[x0, y0], [x1, y1]])

    def draw(self, renderer):
        """Draw the axis into ``renderer`` (any matplotlib renderer) as ``Axis.draw`` would."""
        axis, ax, fig = self.axis, self.axes, self.axes.get_figure()
        side = axis.get_label_position()
        major_locs = None
        boxes = []
        reach = [0.0]  # how far drawn tick marks reach out of the axes (px), as the spine's extent has it
        to_px = ax.get_yaxis_transform()
        for which in ("major", "minor"):
            if isinstance((axis.major if which == "major" else axis.minor).locator, NullLocator):
                continue
            tick = (axis.get_major_ticks(1) if which == "major" else axis.get_minor_ticks(1))[0]
            mark, label = _parts(tick, side)
            if not (mark.get_visible() or tick.gridline.get_visible() or label.get_visible()):
                continue
            locs, labels = self._ticks(which, major_locs)
            if which == "major":
                major_locs = self._majors
            if not locs.size:
                continue
            if tick.gridline.get_visible():
                ys = to_px.transform(np.column_stack([np.zeros_like(locs), locs]))[:, 1]
                cover = self._spine_cover()
                # a grid line on a top or bottom spine is (mostly) under it: Agg draws the spine over
                for edge, half in (cover[k] for k in ("bottom", "top") if k in cover):
                    ys = ys[np.abs(ys - edge) > half]
                clip = self._grid_clip(cover)
                if _svg_raw(renderer) is not None:  # the page's markup: one path, written here
                    ys = ys[(ys >= clip.y0) & (ys <= clip.y1)]
                    xs, yv = self._grid_segments(ys, clip.x0, clip.x1)
                    _write_path(renderer, xs, yv, tick.gridline, fig.dpi)
                else:  # the same geometry as a Line2D (butt ends, as the page's path)
                    xs, yv = self._grid_segments(ys, clip.x0, clip.x1)
                    grid = self._line((which, "grid"), tick.gridline)
                    grid.set_transform(_IDENTITY)
                    grid.set_solid_capstyle("butt")
                    grid.set_dash_capstyle("butt")
                    grid.set_clip_box(clip)
                    grid.set_data(xs, yv)
                    grid.draw(renderer)
            if mark.get_visible() and mark.get_markersize() > 0:  # size 0 draws nothing
                reach.append({"out": 1.0, "in": 0.0}.get(tick._tickdir, 0.5) * tick._size * fig.dpi / 72)
                at = mark.get_transform().transform(np.column_stack([np.full_like(locs, mark.get_xdata()[0]), locs]))
                stroke = _tick_stroke(mark, fig.dpi) if _svg_raw(renderer) is not None else None
                if stroke is not None:
                    (ax0, ay0), (ax1, ay1) = stroke
                    xs = np.column_stack([at[:, 0] + ax0, at[:, 0] + ax1, np.full(len(at), np.nan)]).ravel()
                    yv = np.column_stack([at[:, 1] + ay0, at[:, 1] + ay1, np.full(len(at), np.nan)]).ravel()
                    _write_path(renderer, xs, yv, mark, fig.dpi, marker=True)
                else:
                    marks = self._line((which, "marks"), mark)
                    marks.set_data(np.full_like(locs, mark.get_xdata()[0]), locs)
                    marks.draw(renderer)
            if label.get_visible():
                text = _text_like(label, fig)
                x = label.get_position()[0]
                for loc, s in zip(locs, labels):
                    if not s:
                        continue
                    text.set_text(s)
                    text.set_position((x, loc))
                    text.draw_into(renderer)
                    if text.get_in_layout():
                        boxes.append(text.get_window_extent(renderer))
        extent = list(boxes)
        label, pad = axis.label, axis.labelpad * fig.dpi / 72
        if label.get_visible() and label.get_text():
            if side == "left":
                x = min([ax.bbox.x0 - out for out in reach] + [b.x0 for b in boxes]) - pad
            else:
                x = max([ax.bbox.x1 + out for out in reach] + [b.x1 for b in boxes]) + pad
            text = _text_like(label, fig)
            text.set_text(label.get_text())
            text.set_position((x, label.get_position()[1]))
            text.draw_into(renderer)
            extent.append(text.get_window_extent(renderer))
        offset = axis.major.formatter.get_offset()
        if offset and axis.offsetText.get_visible():
            text = _text_like(axis.offsetText, fig)
            text.set_text(offset)
            text.set_position((axis.offsetText.get_position()[0], ax.bbox.ymax + axis.OFFSETTEXTPAD * fig.dpi / 72))
            text.draw_into(renderer)
            extent.append(text.get_window_extent(renderer))
        self.extent = Bbox.union(extent) if extent else None
