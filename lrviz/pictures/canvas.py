"""Figures that update fast: a live canvas where ipympl is available, a static image elsewhere.

A ``LiveFigure`` owns one matplotlib figure and knows which artists change. An update sets
their data and calls :meth:`LiveFigure.refresh`: it restores a cached background (the
figure drawn with the changing artists hidden), draws just those artists and blits. A full
redraw happens only when the layout changes (new limits, a new surface) or the canvas was
redrawn by someone else (a resize). Under ``%matplotlib widget`` the canvas is an ipympl
widget; under the inline backend or without ipympl the figure is shown as an image in an
``Output`` widget, refreshed after each update; in plain Python (tests, scripts) it is an
Agg canvas whose pixels are current when ``refresh`` returns.
"""
from __future__ import annotations

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg

__all__ = ["LiveFigure", "interactive_backend"]


def interactive_backend() -> bool:
    """True when matplotlib draws into ipympl widgets (``%matplotlib widget``)."""
    backend = matplotlib.get_backend().lower()
    return "ipympl" in backend or backend in ("widget", "module://ipympl.backend_nbagg")


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class LiveFigure:
    """A figure plus the bookkeeping for blitting its changing artists."""

    def __init__(self, figsize=None, dpi=100, figure=None, blit=True):
        self.blit = blit
        if figure is not None:  # wrap a figure someone else made (animation.PathAnimation)
            self.figure, self.view, self._output = figure, None, None
        elif interactive_backend():
            import matplotlib.pyplot as plt

            with plt.ioff():  # the explorer places the canvas widget itself
                self.figure = plt.figure(figsize=figsize, dpi=dpi)
            # pyplot redraws a stale figure in interactive mode (draw_idle -> the browser
            # asks for a full draw): every set_data would cost a full redraw on top of our
            # blit. refresh() draws explicitly, so that automatic redraw is switched off.
            self.figure.stale_callback = None
            canvas = self.figure.canvas
            for attr in ("header_visible", "footer_visible", "resizable"):
                if hasattr(canvas, attr):
                    setattr(canvas, attr, False)
            if hasattr(canvas, "toolbar_visible"):  # overlay on hover: no column beside the figure
                canvas.toolbar_visible = "fade-in-fade-out"
            self.view = canvas
            self._output = None
        else:
            from matplotlib.figure import Figure

            self.figure = Figure(figsize=figsize, dpi=dpi)
            FigureCanvasAgg(self.figure)
            self._output = None
            self.view = None
            if _in_kernel():
                import ipywidgets as w

                self._output = self.view = w.Output()
        self.dynamic = []
        self._background = None
        self._cid = None
        self._layout = None
        self._cid = self.figure.canvas.mpl_connect("draw_event", self._on_draw)
        self._capturing = False

    def _on_draw(self, event):
        if not self._capturing:  # someone else redrew (resize, savefig): the cache is stale
            self._background = None

    def disconnect(self):
        """Stop listening to the canvas' draw events."""
        self.figure.canvas.mpl_disconnect(self._cid)

    def relayout(self):
        """Forget the cached background; the next refresh draws everything once."""
        self._background = None

    def _capture(self):
        canvas = self.figure.canvas
        hidden = [a for a in self.dynamic if a.get_visible()]
        for a in hidden:
            a.set_visible(False)
        self._capturing = True
        try:
            # Agg's own draw: the web canvas's draw() would also send this half-finished
            # frame (without the moving artists) to the browser.
            FigureCanvasAgg.draw(canvas)
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            self._layout = self._current_layout()
        finally:
            self._capturing = False
            for a in hidden:
                a.set_visible(True)

    def _current_layout(self):
        return [(ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale()) for ax in self.figure.axes]

    def refresh(self):
        """Bring the pixels up to date with the artists' data (blitting where possible).

        Limits or scales changed since the background was cached: draw everything once.
        """
        canvas = self.figure.canvas
        # ipympl's canvas says supports_blit = False (matplotlib's generic blitting
        # animations are unreliable there), yet it is Agg underneath and its blit() sends
        # just the changed pixels; a full draw_idle() costs ~100 ms more per update.
        if self.blit and isinstance(canvas, FigureCanvasAgg):
            if self._background is None or self._layout != self._current_layout():
                self._capture()
            canvas.restore_region(self._background)
            for a in self.dynamic:
                if a.get_visible() and a.axes is not None:
                    a.axes.draw_artist(a)
                elif a.get_visible():
                    self.figure.draw_artist(a)
            # Until ipympl's view exists (syncing_data_url), a blit would store a data URL
            # the browser cannot draw (no "data:" prefix) and the figure would never show;
            # the view asks for a full draw when it connects anyway.
            if not getattr(canvas, "syncing_data_url", False):
                canvas.blit(self.figure.bbox)
            # The pixels are current: a stale flag would make pyplot's post-execute hook
            # (which ipywidgets fires after every widget message) ask for a full redraw.
            self.figure.stale = False
        else:
            canvas.draw_idle()
        if self._output is not None:
            from IPython.display import display

            with self._output:
                self._output.clear_output(wait=True)
                display(self.figure)
