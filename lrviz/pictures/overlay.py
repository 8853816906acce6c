"""The moving artists of a live figure as SVG, for the browser to draw over the canvas.

In an ipympl canvas every frame costs a PNG: matplotlib draws the moving artists into
Agg, the canvas' changed pixels are encoded, sent, decoded and painted by the page
(25-34 ms in the kernel and 15-26 ms in the page for an explorer figure, measured in
``benchmarks/browser_latency.py``). The moving artists (paths, curves, cursors, a title)
are a few hundred vertices: drawn by matplotlib's own SVG renderer they are a string of
markup the page draws in a few ms, over a canvas that changes only when the axes do.

:func:`svg_markup` draws artists with matplotlib's SVG renderer in the figure's display
coordinates (pixels at the figure's dpi, y down), so the markup lies exactly over the
canvas: 1 user unit = 1 canvas pixel. Line widths, dashes and font sizes are given in
points; the renderer takes them at 72 dpi, so they are scaled by ``dpi / 72`` here, as Agg
does (``px = pt * dpi / 72``). Text is SVG text in the figure's font
(``svg.fonttype = "none"``): a title costs 0.6 KB instead of 10 KB of glyph outlines.
"""
from __future__ import annotations

import io
import re

import matplotlib as mpl
from matplotlib import _path
from matplotlib.backend_bases import GraphicsContextBase
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.path import Path
from matplotlib.transforms import Affine2D, IdentityTransform

__all__ = ["svg_markup"]


class _PixelGC(GraphicsContextBase):
    """A graphics context whose widths and dash lengths come out in pixels (``pt * dpi / 72``)."""

    px_per_pt = 1.0

    def get_linewidth(self):
        return super().get_linewidth() * self.px_per_pt

    def get_dashes(self):
        offset, dashes = super().get_dashes()
        s = self.px_per_pt
        return (None if offset is None else offset * s), (None if dashes is None else [d * s for d in dashes])


class _PixelSVG(RendererSVG):
    """matplotlib's SVG renderer on a canvas of ``width x height`` pixels at ``dpi``."""

    # One text-to-path converter for every frame: its mathtext parser caches what it parsed
    # (tick labels such as 10^{-3}), and each renderer would otherwise bring a new, empty one.
    _shared_text2path = None

    def __init__(self, width, height, dpi, out):
        super().__init__(width, height, out, basename="")
        self._px_per_pt = dpi / 72.0
        self.raw = out  # the markup so far (lrviz.pictures.page_axes copies text drawn before)
        if _PixelSVG._shared_text2path is None:
            _PixelSVG._shared_text2path = self._text2path
        self._text2path = _PixelSVG._shared_text2path

    def points_to_pixels(self, points):
        return points * self._px_per_pt

    def get_text_width_height_descent(self, s, prop, ismath):
        # in pixels, as drawn (draw_text scales the font by dpi / 72): the file writer's are
        # points, which would misplace right-aligned and centred text
        w, h, d = super().get_text_width_height_descent(s, prop, ismath)
        return w * self._px_per_pt, h * self._px_per_pt, d * self._px_per_pt

    def new_gc(self):
        gc = _PixelGC()
        gc.px_per_pt = self._px_per_pt
        return gc

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        prop = prop.copy()
        prop.set_size(prop.get_size_in_points() * self._px_per_pt)
        if not ismath:  # the page collapses runs of spaces (a title's "sgd  lr=0.1"); Agg keeps them
            s = s.replace("  ", " \u00a0")
        return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)

    def _convert_path(self, path, transform=None, clip=None, simplify=None, sketch=None):
        # 0.01 px is plenty on screen, and shorter than the file writer's 6 decimals (a private
        # hook of RendererSVG: a matplotlib without it writes 6 decimals, nothing else changes)
        clip = (0.0, 0.0, self.width, self.height) if clip else None
        return _path.convert_to_string(path, transform, clip, simplify, sketch, 2,
                                       [b"M", b"L", b"Q", b"C", b"z"], False).decode("ascii")

    def draw_path_collection(self, gc, master_transform, paths, all_transforms, offsets, offset_trans,
                             facecolors, edgecolors, linewidths, linestyles, antialiaseds, urls,
                             offset_position, **kwargs):
        """One compound path for a collection drawn in one style (a path's arrows), else as usual.

        The file writer emits a path and a clip group per member: 60 arrows cost 18 KB and
        6 ms; one path of all of them looks the same, but where two overlap.
        """
        args = (offsets, offset_trans, facecolors, edgecolors, linewidths, linestyles, antialiaseds, urls,
                offset_position)
        one_style = (len(facecolors) <= 1 and len(edgecolors) <= 1 and len(linewidths) <= 1
                     and len(linestyles) <= 1 and all(u is None for u in urls) and gc.get_hatch() is None)
        if not one_style:
            return super().draw_path_collection(gc, master_transform, paths, all_transforms, *args, **kwargs)
        raw = list(self._iter_collection_raw_paths(master_transform, paths, all_transforms))
        parts, style, fill = [], None, None
        for xo, yo, (path, transform), gc0, face in self._iter_collection(gc, raw, *args, **kwargs):
            parts.append(path.transformed(Affine2D(transform.get_matrix()).translate(xo, yo)))
            if style is None:  # every member has this style
                style, fill = self.new_gc(), face
                style.copy_properties(gc0)
        if parts:
            self.draw_path(style, Path.make_compound_path(*parts), IdentityTransform(), fill)


# What the SVG renderer writes for a file, not for markup inside a page: the prolog, the
# metadata (a new date each time), and a stylesheet for '*' (the page's too, once inline).
_FILE_ONLY = re.compile(r"^.*?(?=<svg)|<metadata>.*?</metadata>\s*|<defs>\s*<style[^>]*>[^<]*</style>\s*</defs>\s*",
                        re.S)
# Text as SVG text; ids from a fixed salt (no random ones: an unchanged frame is the same string)
_RC = {"svg.fonttype": "none", "svg.hashsalt": "lrviz"}
# The file writer's indentation and comments: the page would parse them for nothing.
_BETWEEN_TAGS = re.compile(r"<!--.*?-->|(?<=>)\s+(?=<)", re.S)
_SIZE = re.compile(r'width="[^"]*" height="[^"]*"')


def svg_markup(figure, artists, css_size=None) -> str:
    """An ``<svg>`` element of ``artists`` (of ``figure``), drawn where Agg would draw them.

    Args:
        figure: the figure the artists belong to (its canvas gives the pixel size).
        artists: what to draw, in this order (visible ones only).
        css_size: ``(width, height)`` of the element in CSS pixels (default: the canvas
            size); the drawing is scaled to it (ipympl's canvas element is
            ``figure.bbox.size / device_pixel_ratio``, which can be fractional).

    Returns:
        The markup: no prolog, no metadata, no stylesheet; ``pointer-events: none`` so
        clicks reach the canvas below.
    """
    w, h = figure.canvas.get_width_height(physical=True)
    out = io.StringIO()
    rc = mpl.rcParams
    saved = {k: rc[k] for k in _RC}
    try:  # rc_context would copy every rcParam: a tenth of a frame's markup
        rc.update(_RC)
        renderer = _PixelSVG(w, h, figure.dpi, out)
        for a in artists:
            if a.get_visible():
                a.draw(renderer)
        renderer.finalize()
    finally:
        rc.update(saved)
    cw, ch = css_size if css_size is not None else (w, h)
    body = _BETWEEN_TAGS.sub("", _FILE_ONLY.sub("", out.getvalue()))
    return _SIZE.sub(f'width="{cw:g}px" height="{ch:g}px" stroke-linejoin="round" stroke-linecap="butt" '
                     f'style="display:block;pointer-events:none"', body, count=1)
