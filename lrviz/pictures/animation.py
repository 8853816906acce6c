"""Animating paths: thinned frames, fast blitted updates, FuncAnimation and small GIFs.

A "path" here is a triple ``(PathArtists, u, v)``: artists from :mod:`lrviz.plotting`
and the full coordinates they should show (1-D: ``x``, ``f(x)``; 2-D: ``x``, ``y``).
Frame ``step`` shows every path up to that step. Nothing here knows about widgets; a
Play widget just calls :meth:`PathAnimation.show_frame`.
"""
from __future__ import annotations

import os

import numpy as np

from ..engine import validate as V
from .canvas import LiveFigure
from .plotting import set_path

__all__ = ["thin_frames", "PathAnimation", "to_animation", "save_gif"]


def thin_frames(n_steps, max_frames=60) -> np.ndarray:
    """Evenly spaced step indices in ``0..n_steps``, at most ``max_frames``, first and last included.

    Args:
        n_steps: the last step (a path of ``n_steps + 1`` points).
        max_frames: the most frames wanted (>= 2, or 1 for a single frame at 0).

    Returns:
        Sorted unique int array.

    >>> thin_frames(10, 4).tolist()
    [0, 3, 7, 10]
    """
    n_steps, max_frames = V.integer("n_steps", n_steps, lo=0), V.positive_int("max_frames", max_frames)
    if max_frames == 1 or n_steps == 0:
        return np.array([0] if max_frames == 1 else [0])
    k = min(max_frames, n_steps + 1)
    return np.unique(np.round(np.linspace(0, n_steps, k)).astype(int))


def _norm_paths(paths):
    out = []
    for item in paths:
        artists, u, v = item
        out.append((artists, np.asarray(u, float).ravel(), np.asarray(v, float).ravel()))
    return out


class PathAnimation:
    """Show paths up to a given step, redrawing only what changed.

    With a blit-capable canvas (Agg, ipympl) the figure without the moving artists is
    rendered once and cached; each frame restores that background and draws only the
    path artists (~1-2 ms). Without blitting it falls back to ``canvas.draw_idle()``.
    The cache is dropped when the canvas is resized or fully redrawn by someone else
    (zoom, pan), and rebuilt on the next frame.

    Args:
        fig: the Figure.
        paths: list of ``(PathArtists, u, v)``.
        frames: the steps a frame number maps to (default: every step).
        artists: extra artists that change per frame (drawn on top of the background).
        on_frame: optional ``callback(step)`` run before drawing (to update ``artists``).
        blit: ``None`` uses blitting when the canvas supports it; ``False`` never.

    Attributes:
        frames: int array of steps; ``len(anim)`` frames.
    """

    def __init__(self, fig, paths, frames=None, artists=(), on_frame=None, blit=None):
        self.fig = fig
        self.paths = _norm_paths(paths)
        n_steps = max((len(u) - 1 for _, u, _ in self.paths), default=0)
        frames = _frames_arg(frames)
        if blit is not None:
            blit = V.boolean("blit", blit)
        self.frames = np.arange(n_steps + 1) if frames is None else frames
        self.extra = list(artists)
        self.on_frame = on_frame
        self.frame = None
        # the blitting itself (cached background, what counts as stale) is LiveFigure's
        self._live = LiveFigure(figure=fig, blit=blit is not False)
        self._live.dynamic = self.animated_artists

    def __len__(self):
        return len(self.frames)

    @property
    def animated_artists(self) -> list:
        """Every artist a frame changes."""
        arts = [a for p, _, _ in self.paths for a in p]
        return arts + self.extra

    def set_paths(self, paths, frames=None):
        """Replace the coordinates (e.g. after a new descent) without touching the figure."""
        self.paths = _norm_paths(paths)
        frames = _frames_arg(frames)
        if frames is not None:
            self.frames = frames
        else:
            self.frames = np.arange(max((len(u) - 1 for _, u, _ in self.paths), default=0) + 1)
        self._live.dynamic = self.animated_artists

    def update_artists(self, step):
        """Set every path to its points ``0..step`` (no drawing)."""
        step = int(step)
        for artists, u, v in self.paths:
            n = min(step + 1, len(u))
            set_path(artists, u[:n], v[:n])
        if self.on_frame is not None:
            self.on_frame(step)
        return self.animated_artists

    def show_frame(self, k):
        """Show frame ``k`` (the step ``frames[k]``) and redraw; returns the step shown."""
        n = len(self.frames)
        k = V.integer("frame", k, lo=None)
        if not -n <= k < n:  # IndexError, as for any sequence
            V.fail("frame", k, f"must be an integer in [{-n}, {n}): the animation has {n} frames", IndexError)
        step = int(self.frames[k])
        self.update_artists(step)
        self.frame = k
        self.redraw()
        return step

    def show_step(self, step):
        """Show the paths up to ``step`` (any step, not only a thinned frame) and redraw."""
        self.update_artists(step)
        self.redraw()
        return int(step)

    def redraw(self):
        """Draw the current state: blit over the cached background, or ``draw_idle``."""
        self._live.refresh()

    def invalidate(self):
        """Forget the cached background (call after changing anything that is not animated)."""
        self._live.relayout()

    def disconnect(self):
        """Stop listening to the canvas' draw events."""
        self._live.disconnect()


class _Reframed:
    """A PathAnimation seen through another frame list (the original stays untouched)."""

    def __init__(self, anim, frames):
        self._anim = anim
        self.frames = np.asarray(frames, dtype=int)
        self.update_artists = anim.update_artists

    @property
    def on_frame(self):
        return self._anim.on_frame

    @on_frame.setter
    def on_frame(self, fn):
        self._anim.on_frame = fn


def _frames_arg(frames):
    """Explicit frame steps: None, or a non-empty 1-D sequence of integers >= 0."""
    if frames is None:
        return None
    allowed = "must be None or a non-empty 1-D sequence of integer steps >= 0"
    if isinstance(frames, (str, bytes)) or not hasattr(frames, "__len__"):
        V.fail("frames", frames, allowed, TypeError)
    arr = np.asarray(frames)
    if arr.size and arr.dtype.kind not in "iu":
        V.fail("frames", frames, allowed, TypeError)
    if arr.ndim != 1 or arr.size == 0 or np.any(arr < 0):
        V.fail("frames", frames, allowed)
    return arr.astype(int)


def _as_animation(fig, paths, max_frames, frames=None):
    max_frames, frames = V.positive_int("max_frames", max_frames), _frames_arg(frames)
    if isinstance(paths, PathAnimation):
        if frames is None and len(paths.frames) > max_frames:
            frames = paths.frames[thin_frames(len(paths.frames) - 1, max_frames)]
        return _Reframed(paths, paths.frames if frames is None else frames)
    anim = PathAnimation(fig, paths, blit=False)
    if frames is None:
        frames = thin_frames(int(anim.frames[-1]), max_frames)
    anim.frames = np.asarray(frames, dtype=int)
    return anim


def to_animation(fig, paths, max_frames=60, interval=100, frames=None, repeat=True, on_frame=None):
    """A :class:`matplotlib.animation.FuncAnimation` that grows the paths step by step.

    Args:
        fig: the Figure. paths: list of ``(PathArtists, u, v)`` or a :class:`PathAnimation`.
        max_frames: thin to at most this many frames (see :func:`thin_frames`).
        interval: ms between frames. frames: explicit steps (overrides ``max_frames``).
        repeat: loop. on_frame: optional ``callback(step)`` for other artists.

    Returns:
        The FuncAnimation (keep a reference to it, as matplotlib requires). It does not
        blit, so artists stay normal and the static figure still shows them.
    """
    from matplotlib.animation import FuncAnimation

    interval = V.number("interval", interval, lo=0.0, lo_open=True)
    repeat = V.boolean("repeat", repeat)
    if on_frame is not None and not callable(on_frame):
        V.fail("on_frame", on_frame, "must be None or a callable of the step", TypeError)
    anim = _as_animation(fig, paths, max_frames, frames)
    if on_frame is not None:
        anim.on_frame = on_frame

    def update(k):
        return anim.update_artists(int(anim.frames[k]))

    fa = FuncAnimation(fig, update, frames=len(anim.frames), interval=interval, blit=False,
                       repeat=repeat, cache_frame_data=False)
    fa.path_animation = anim  # so callers can reach the frame map
    return fa


def _gif_writer(fps):
    """PillowWriter that quantizes all frames to one palette without dithering.

    Dithered per-frame palettes (Pillow's default for RGB -> GIF) make every frame
    differ everywhere, so GIF's frame deltas and LZW compress badly; a shared palette
    keeps unchanged pixels identical and the file small.
    """
    from matplotlib.animation import PillowWriter
    from PIL import Image

    class _Writer(PillowWriter):
        def finish(self):
            frames = [f.convert("RGB") for f in self._frames]
            if not frames:
                return
            # The palette must contain the paths' colours: build it from first + last frame.
            w, h = frames[0].size
            sheet = Image.new("RGB", (w, 2 * h))
            sheet.paste(frames[0], (0, 0))
            sheet.paste(frames[-1], (0, h))
            pal = sheet.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
            q = [f.quantize(palette=pal, dither=Image.Dither.NONE) for f in frames]
            durations = [int(1000 / self.fps)] * len(q)
            durations[-1] = max(durations[-1], 1500)  # hold the final state before looping
            q[0].save(self.outfile, save_all=True, append_images=q[1:], duration=durations,
                      loop=0, optimize=False, disposal=1)

    return _Writer(fps=fps)


def save_gif(fig, paths, path, fps=10, max_frames=60, dpi=80, frames=None, on_frame=None,
             steps=None):
    """Write the paths growing step by step as a looping GIF (Pillow, no ffmpeg).

    Args:
        fig: the Figure.
        paths: list of ``(PathArtists, u, v)``, a :class:`PathAnimation`, or any
            ``callable(step)`` that updates the figure for a step (then give ``steps``).
        path: output file name (``.gif``).
        fps: frames per second. max_frames: thin long runs to this many frames.
        dpi: resolution (80 keeps a slide GIF small). frames: explicit steps.
        on_frame: optional ``callback(step)`` for other artists.
        steps: the last step, when ``paths`` is a callable.

    Returns:
        ``path``. The figure is left showing the last frame.
    """
    fps = V.number("fps", fps, lo=0.0, lo_open=True)
    dpi = V.number("dpi", dpi, lo=0.0, lo_open=True)
    max_frames, frames = V.positive_int("max_frames", max_frames), _frames_arg(frames)
    if not isinstance(path, (str, os.PathLike)):
        V.fail("path", path, "must be a file name (a str or a path)", TypeError)
    if on_frame is not None and not callable(on_frame):
        V.fail("on_frame", on_frame, "must be None or a callable of the step", TypeError)
    if callable(paths) and not isinstance(paths, PathAnimation):
        if frames is None:
            if steps is None:
                V.fail("steps", None, "must be the last step, an integer >= 0, when paths is a callable", TypeError)
            frames = thin_frames(V.integer("steps", steps, lo=0), max_frames)
        update = paths
    else:
        anim = _as_animation(fig, paths, max_frames, frames)
        frames = anim.frames if frames is None else frames
        update = anim.update_artists
    writer = _gif_writer(fps)
    with writer.saving(fig, os.fspath(path), dpi):
        for step in frames:
            update(int(step))
            if on_frame is not None:
                on_frame(int(step))
            writer.grab_frame()
    return path
