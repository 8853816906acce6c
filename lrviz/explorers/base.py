"""The explorer base class and the helpers every explorer shares (no math here)."""
from __future__ import annotations


from ..pictures import plotting, style
from ..pictures.canvas import LiveFigure

__all__ = ["BaseExplorer", "SCHEDULE_CHOICES", "schedule_kwargs"]

# JupyterLab's output area beside the file browser is ~970 px wide on a 1400 px screen:
# a wider canvas gets cut off, so explorers scale their dpi to stay within this.
MAX_WIDTH_PX = 960

# Schedules offered by the dropdown; "period" and "gamma" sliders fill in their arguments.
SCHEDULE_CHOICES = ("constant", "step", "multistep", "exponential", "cosine", "linear", "onecycle")


def schedule_kwargs(name, period, gamma, steps):
    """The torch-named arguments a dropdown choice gets from the period / gamma sliders."""
    period = max(int(period), 1)
    return {
        "constant": {},
        "step": {"step_size": period, "gamma": gamma},
        # the tutorial's proportions: period 400 gives milestones [400, 700]
        "multistep": {"milestones": [period, period + max(round(0.75 * period), 1)], "gamma": gamma},
        "exponential": {"gamma": gamma},
        "cosine": {"T_max": period},
        "linear": {"total_iters": period},
        "onecycle": {"total_steps": max(int(steps), 1)},
    }[name]


# Hyperparameter sliders, shown only for optimizers that take them.
_HYPER = {
    "momentum": dict(kind="float", min=0.0, max=0.99, step=0.01, description="momentum β"),
    "alpha": dict(kind="float", min=0.5, max=0.999, step=0.001, description="alpha (decay)"),
    "rho": dict(kind="float", min=0.5, max=0.999, step=0.001, description="rho (decay)"),
    "beta1": dict(kind="float", min=0.0, max=0.99, step=0.01, description="beta1"),
    "beta2": dict(kind="float", min=0.5, max=0.9999, step=0.0001, description="beta2"),
    "eps": dict(kind="log", min=-10, max=0, step=0.5, description="eps"),
}


def _wide():
    """A new Layout for one control (a shared Layout would hide or show them all at once)."""
    import ipywidgets as w

    return w.Layout(width="300px")


def _hyper_values(opt):
    """Slider name -> value for an optimizer (betas split into beta1 / beta2)."""
    hp = dict(opt.hyperparams)
    if "betas" in hp:
        hp["beta1"], hp["beta2"] = hp.pop("betas")
    return {k: v for k, v in hp.items() if k in _HYPER}


class BaseExplorer:
    """Shared plumbing: parameters, the live figure, the message line and display()."""

    # Inches per style; the classroom style's big fonts need more of them. The dpi is then
    # chosen so the canvas is at most MAX_WIDTH_PX wide (see LiveFigure below).
    _figsize = {"notebook": (10, 6.4), "classroom": (12, 8)}

    def __init__(self):
        import ipywidgets as w

        self._w = w
        size = self._figsize.get(style.current_style(), self._figsize["notebook"])
        self.live = LiveFigure(size, dpi=min(100.0, MAX_WIDTH_PX / size[0]))
        self.message = ""
        self._message = w.HTML(layout=w.Layout(min_height="1.5em"))
        self._syncing = False

    @property
    def figure(self):
        """The matplotlib Figure (current after every update)."""
        return self.live.figure

    def _show_message(self, text):
        self.message = text
        self._message.value = (f"<span style='color:#b00020'>⚠ {_escape(text)}</span>" if text else "")

    def update(self, **params) -> bool:
        """Apply new parameters (the same path the controls take). Returns False, and shows
        the reason beside the controls, when a value is not allowed; nothing is changed then."""
        try:
            self._apply(params)
        except (ValueError, TypeError, KeyError) as err:
            self._show_message(str(err).strip("'\""))
            return False
        except Exception as err:  # a slider must never break the notebook: report, keep going
            self._show_message(f"Unexpected {type(err).__name__}: {err} (please report this)")
            return False
        self._show_message("")
        return True

    def _on_control(self, **params):
        if not self._syncing:
            self.update(**params)

    def _sync(self, widget, value):
        """Set a control's value without re-entering update()."""
        self._syncing = True
        try:
            widget.value = value
        finally:
            self._syncing = False

    def _merged(self, changes):
        """A copy of ``self.params`` with ``changes``; an unknown name is a ValueError."""
        p = dict(self.params)
        for key, value in changes.items():
            if key not in p:
                raise ValueError(f"Unknown parameter {key!r}; use one of: {', '.join(p)}")
            p[key] = value
        return p

    def _frame_controls(self, interval=60, step=1):
        """Play, a step slider, "step" and "reset": they move ``_show_frame`` along the run."""
        w = self._w
        self._play = w.Play(min=0, interval=interval, step=step, description="play")
        self._frame = w.IntSlider(min=0, description="step", layout=w.Layout(width="420px"))
        w.jslink((self._play, "value"), (self._frame, "value"))
        self._frame.observe(lambda ch: self._syncing or self._show_frame(ch["new"], refresh=True), names="value")
        step_btn = w.Button(description="step ▶", layout=w.Layout(width="80px"))
        step_btn.on_click(lambda _: setattr(self._frame, "value", min(self._frame.value + 1, self._frame.max)))
        reset_btn = w.Button(description="reset", layout=w.Layout(width="80px"))
        reset_btn.on_click(lambda _: setattr(self._frame, "value", 0))
        return w.HBox([self._play, self._frame, step_btn, reset_btn])

    def _set_frames(self, steps):
        """A new run of ``steps`` steps: the frame controls span it and show its end."""
        self._frame.max = self._play.max = int(steps)
        self._sync(self._frame, int(steps))
        self._sync(self._play, int(steps))

    def _gif_runs(self):
        raise NotImplementedError(f"{type(self).__name__} does not define the runs to animate")

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)

    def save_gif(self, path, fps=10, max_frames=60, dpi=80):
        """Write the path panel of the current run(s) as a looping GIF and return ``path``.

        Long runs are thinned to ``max_frames`` frames, so a GIF for slides stays small.
        """
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from ..pictures.animation import save_gif

        runs = self._gif_runs()  # subclasses name their runs: {label: (trajectory, colour)}
        surface = next(iter(runs.values()))[0].surface
        fig = Figure(figsize=(5.5, 4.5))
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        self._draw_landscape(ax, surface)
        draw = plotting.path_1d if surface.dim == 1 else plotting.path_2d
        paths = {name: draw(ax, traj, color=color, label=name) for name, (traj, color) in runs.items()}
        if len(runs) > 1:
            ax.legend(loc="upper right", fontsize="small")
        title = ax.set_title("")

        def show(k):
            for name, (traj, _) in runs.items():
                plotting.set_path(paths[name], *self._uv(traj, k))
            title.set_text(f"step {k}")

        save_gif(fig, show, path, fps=fps, max_frames=max_frames, dpi=dpi, steps=self._frames_max())
        return path

    @staticmethod
    def _draw_landscape(ax, s):
        if s.dim == 1:
            plotting.curve_1d(ax, s)
        else:
            plotting.contours_2d(ax, s)

    @staticmethod
    def _uv(traj, k):
        """The path up to step k in plot coordinates: (x, f(x)) in 1-D, (x, y) in 2-D."""
        if traj.surface.dim == 1:
            return traj.x[:k + 1, 0], traj.loss[:k + 1]
        return traj.x[:k + 1, 0], traj.x[:k + 1, 1]


def _escape(text):
    import html

    return html.escape(text)
