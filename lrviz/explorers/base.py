"""The explorer contract (:class:`BaseExplorer`) and the helpers every explorer shares.

No math here: explorers merge and check parameters, call the engine and training layers,
hand the results to the pictures layer, and keep the controls in step.
"""
from __future__ import annotations

import contextlib
import math
import warnings

from ..engine import optimizers as _optimizers
from ..pictures import plotting, style
from ..pictures.canvas import LiveFigure

__all__ = ["BaseExplorer", "SCHEDULE_CHOICES", "schedule_kwargs", "hyper_controls", "control_values",
           "from_controls"]

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


# ---------------------------------------------------------------- optimizer controls
# The engine owns each optimizer's metadata, its sliders included (optimizers.controls):
# the explorers only turn those specs into widgets.
hyper_controls = _optimizers.controls
control_values = _optimizers.control_values
from_controls = _optimizers.from_controls


def _warnings_as_errors():
    """Inside ``catch_warnings``: a warning from the computation or the drawing (an overflow,
    an invalid value) rejects the update. A library's DeprecationWarning or FutureWarning
    says nothing about this run, and with another matplotlib or pyparsing version it would
    reject every update, so those are shown as usual instead."""
    warnings.simplefilter("error")
    for category in (DeprecationWarning, PendingDeprecationWarning, FutureWarning):
        warnings.simplefilter("default", category)


def all_hyper_controls():
    """Control name -> slider spec for every hyperparameter control any optimizer has, in the
    engine's display order (one slider each; an explorer shows those of its optimizer)."""
    specs = {}
    for opt in _optimizers.OPTIMIZERS:
        for conv in _optimizers.CONVENTIONS:
            for name, spec in hyper_controls(opt, conv).items():
                specs.setdefault(name, {k: v for k, v in spec.items() if k != "default"})
    order = list(getattr(_optimizers, "SLIDERS", specs))
    return dict(sorted(specs.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))


def _wide():
    """A new Layout for one control (a shared Layout would hide or show them all at once)."""
    import ipywidgets as w

    return w.Layout(width="300px")


def slider(spec, **kw):
    """An ipywidgets slider from an engine control spec (``kind`` float / log / int / bool)."""
    import ipywidgets as w

    kind = spec.get("kind", "float")
    args = {k: v for k, v in spec.items() if k not in ("kind", "default")}
    if kind == "bool":
        return w.Checkbox(description=args.get("description", ""), **kw)
    cls = {"float": w.FloatSlider, "log": w.FloatLogSlider, "int": w.IntSlider}[kind]
    if kind == "log":
        args.setdefault("readout_format", ".0e")
    return cls(layout=_wide(), **args, **kw)


def _describe(err):
    """The message a rejected update shows beside the controls."""
    if isinstance(err, Warning):
        return (f"Not applied: {type(err).__name__}: {err} (the figure keeps the last good run; "
                f"try a smaller lr or fewer steps)")
    if isinstance(err, (ValueError, TypeError, KeyError)):
        return str(err).strip("'\"")
    return f"Unexpected {type(err).__name__}: {err} (please report this)"


def _show_value(ctl, value, span=None):
    """Set one control to ``value``; a slider's range is set to ``span`` then widened to hold it.

    Called with notifications held, so no intermediate clamp (say min above the old value)
    reaches an observer, and the control ends up showing exactly ``value``.
    """
    with ctl.hold_trait_notifications():
        if hasattr(ctl, "min") and hasattr(ctl, "max") and value is not None:
            log = type(ctl).__name__ == "FloatLogSlider"
            lo, hi = span if span is not None else (ctl.min, ctl.max)
            pos = math.log10(value) if log else value
            lo, hi = min(lo, math.floor(pos) if log else pos), max(hi, math.ceil(pos) if log else pos)
            # assign in an order in which min <= max holds at every step
            if lo > ctl.max:
                ctl.max, ctl.min = hi, lo
            else:
                ctl.min, ctl.max = lo, hi
        ctl.value = value


class BaseExplorer:
    """The explorer contract, implemented once here; every explorer in lrviz follows it.

    **What every explorer has**

    - ``params``: the parameters of what is on screen (a dict; never mutated in place).
    - ``trajectory``: the result computed from ``params`` (a ``Trajectory`` for the
      descent explorers; the leader of a race; the scheduled run; a fit; a PBT or a
      training result). ``_result`` holds the whole computed result.
    - ``controls``: control name -> widget. The names are the ones ``update()`` accepts.
    - ``figure`` (the matplotlib Figure), ``widget`` (what the notebook displays),
      ``message`` (the last rejection, "" after a good update) and ``save_gif(path)``.

    **update(\\*\\*changes) -> bool** is the one path that both code and controls take:

    1. *merge*: ``_merge(changes)`` returns a new dict (a copy of ``params`` with the
       changes, names translated; e.g. ``x`` / ``y`` into ``x0``). The result does not
       depend on the keyword order. An unknown name is a ValueError.
    2. *validate*: ``_validate(p)`` checks and normalises ``p`` (``Invalid <argument>:
       <value> (<allowed>)``; TypeError for a wrong type, ValueError for a wrong value).
    3. *compute*: ``_compute(p)`` returns the result; every number comes from the engine
       and training layers.
    4. *commit*: ``params`` and ``_result`` are replaced together.
    5. *rebuild* the figure (``_build_figure()``) only when its panels change (a 1-D <->
       2-D surface, another set of look-inside panels): by default when ``_figure_key()``
       differs from the key of the last build; or override ``_needs_rebuild(old, new)``.
    6. *sync*: every control is set to ``_control_values()`` (name -> value; controls left
       out are hidden), with its range from ``_control_ranges()`` widened to hold the
       value, under ``hold_trait_notifications`` and with the controls' observers muted:
       a slider's min/max clamp cannot re-enter ``update``. The frame slider spans
       ``_frames_max()``.
    7. *render*: ``_render()`` moves the existing artists (``set_data``) and refreshes.
    8. *prepare*: once the frame is out, ``_prepare_next()`` may compute what the next
       update is likely to ask for (``explore`` computes the runs one key press of its lr
       slider away). It changes nothing on screen, and what fails in it is dropped: the
       next update computes as usual.

    All steps run with every warning raised as an error, except a library's
    DeprecationWarning / FutureWarning (they say nothing about this run, and another
    library version would otherwise reject every update). It is all or nothing: a rejected
    value, or any error or warning from the layers below, leaves ``params``, the result,
    the controls and the figure as they were (if it came after the commit, the old state
    is rebuilt and re-rendered), shows the message beside the controls, and returns
    False; the next update works. A control moved to a rejected value snaps back to the
    params (a typed text, which the student may want to correct, is kept). An ``update``
    from inside an update (a click or a clamp during a sync) is ignored.

    **Subclassing.** ``__init__`` calls ``super().__init__()``, then ``self._start(params)``
    with the initial parameters; ``_start`` validates, computes (bad initial arguments
    raise, as in ``descend``), builds the controls and the figure, syncs and renders.
    Provide:

    - ``_build_controls() -> dict`` name -> widget, and ``_layout() -> widget``;
      call ``self._frame_controls()`` there for Play / step / reset (then define
      ``_frames_max()`` and ``_show_frame(k, refresh)``);
    - ``_merge``, ``_validate``, ``_compute``, ``_figure_key``, ``_build_figure``,
      ``_render``, ``_control_values`` (and ``_control_ranges``) as above;
    - ``_gif_runs()`` -> {label: (trajectory, colour)} for the default ``save_gif``.

    Wire a control with ``self._observe(name)`` (it calls ``update(name=new value)``) or
    observe it yourself and call ``self._on_control(**changes)``. Never call ``update``
    or ``_render`` from inside these hooks.

    >>> class Tiny(BaseExplorer):                       # doctest: +SKIP
    ...     def __init__(self, lr=0.1):
    ...         super().__init__()
    ...         self._start(dict(lr=lr))
    ...     def _validate(self, p): return dict(p, lr=validate.learning_rate(p["lr"]))
    ...     def _compute(self, p): return descend("parabola", "sgd", lr=p["lr"], steps=20)
    ...     def _build_controls(self): return {"lr": self._observe("lr", FloatLogSlider())}
    ...     def _layout(self): return VBox([*self.controls.values(), self._message, self.live.view])
    ...     def _build_figure(self): ...   # draw once, keep the artists, set self.live.dynamic
    ...     def _render(self): ...         # set_data on the artists, then self.live.refresh()
    ...     def _control_values(self): return {"lr": self.params["lr"]}
    """

    # Inches per style; the classroom style's big fonts need more of them. The dpi is then
    # chosen so the canvas is at most MAX_WIDTH_PX wide (see LiveFigure below).
    _figsize = {"notebook": (10, 6.4), "classroom": (12, 8)}
    # Controls a rejected update leaves as they are (a typed text the student may fix).
    _keep_on_reject = ()

    def __init__(self):
        import ipywidgets as w

        self._w = w
        size = self._figsize.get(style.current_style(), self._figsize["notebook"])
        self.live = LiveFigure(size, dpi=min(100.0, MAX_WIDTH_PX / size[0]))
        self.message = ""
        self._message = w.HTML(layout=w.Layout(min_height="1.5em"))
        self._syncing = False
        self._busy = False
        self._built_key = None
        self.controls = {}

    # ---------------------------------------------------------------- the contract
    def _start(self, params):
        """Validate and compute the initial ``params`` (errors raise), then build and draw."""
        with warnings.catch_warnings():
            _warnings_as_errors()
            p = self._validate(dict(params))
            result = self._compute(p)
        self.params, self._result = p, result
        self.controls = self._build_controls()
        self.widget = self._layout()
        self._rebuild()
        self._sync_controls()
        self._sync_frames()
        self._render()

    def update(self, **changes) -> bool:
        """Apply ``changes`` (the same path the controls take); all or nothing.

        Returns True when applied. Otherwise returns False, shows the reason beside the
        controls (``message``), and leaves params, result, controls and figure as they were.
        """
        if self._busy:  # a clamp or a click while an update runs: the running one wins
            return False
        self._busy = True
        self.live.begin_update()  # the hand's pace, for when held-back limits are drawn
        old_params, old_result = self.params, self._result
        old_frame = self._frame.value if hasattr(self, "_frame") else None
        old_limits = [(ax.get_xlim(), ax.get_ylim()) for ax in self.figure.axes]
        stage = "merge"
        try:
            with warnings.catch_warnings():
                _warnings_as_errors()
                p = self._validate(self._merge(dict(changes)))
                result = self._compute(p)
                stage = "commit"
                self.params, self._result = p, result
                if self._needs_rebuild(old_params, p):
                    stage = "rebuild"
                    self._rebuild()
                self._sync_controls()
                self._sync_frames()
                self._render()
        except Exception as err:  # a slider must never break the notebook: report, keep going
            message = _describe(err)
            try:
                self._rollback(stage, old_params, old_result, old_frame, old_limits)
            except Exception as again:  # the params are back; say the figure may lag them
                message += f" (and redrawing the last good run failed: {_describe(again)})"
            self._show_message(message)
            return False
        finally:
            self._busy = False
        self._show_message("")
        self._prepare_next()
        return True

    def _rollback(self, stage, params, result, frame, limits):
        self.params, self._result = params, result
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if stage == "merge":  # nothing changed, except a control the student moved
                self._sync_controls(keep=self._keep_on_reject)
                return
            if stage == "rebuild":
                self._rebuild()
            self._sync_controls()
            self._sync_frames()
            self._render()
            axes = self.figure.axes
            if stage == "rebuild" and len(axes) == len(limits):
                # limits can depend on the history (a path that once went far widened them)
                for ax, (xlim, ylim) in zip(axes, limits):
                    ax.set_xlim(xlim)
                    ax.set_ylim(ylim)
                self.live.refresh()
            if frame is not None and frame != self._frame.value:
                self._frame.value = frame  # its observer shows that frame again

    # ---------------------------------------------------------------- hooks (defaults)
    def _merge(self, changes):
        """A copy of ``self.params`` with ``changes``; an unknown name is a ValueError."""
        p = dict(self.params)
        for key, value in changes.items():
            if key not in p:
                raise ValueError(f"Invalid parameter: {key!r} (use one of: {', '.join(p)})")
            p[key] = value
        return p

    def _validate(self, p):
        return p

    def _compute(self, p):
        raise NotImplementedError

    def _prepare_next(self):
        """After a good update, with its frame out: get ready for the next one (default: nothing)."""

    def _figure_key(self):
        """What the figure's panels depend on (compared after each commit); None: fixed panels."""
        return None

    def _needs_rebuild(self, old, new):
        """Whether the panels change; called after the commit (``self._result`` is the new one)."""
        return self._figure_key() != self._built_key

    def _rebuild(self):
        self._built_key = None  # a build that fails midway is redone in full next time
        self._build_figure()
        self._built_key = self._figure_key()

    def _build_controls(self):
        return {}

    def _layout(self):
        return self._w.VBox([*self.controls.values(), self._message, self._figure_view()])

    def _build_figure(self):
        raise NotImplementedError

    def _render(self):
        raise NotImplementedError

    def _control_values(self):
        """Control name -> the value it must show; a control left out is hidden."""
        return {name: self.params[name] for name in self.controls}

    def _control_ranges(self):
        """Control name -> (min, max) before widening to the value (exponents for log sliders)."""
        return {}

    # ---------------------------------------------------------------- plumbing
    @property
    def figure(self):
        """The matplotlib Figure (current after every update)."""
        return self.live.figure

    def _figure_view(self, hint="ex.figure"):
        return self.live.view if self.live.view is not None else self._w.HTML(f"(figure: see {hint})")

    def _show_message(self, text):
        self.message = text
        self._message.value = (f"<span style='color:#b00020'>⚠ {_escape(text)}</span>" if text else "")

    def _on_control(self, **changes):
        if not (self._syncing or self._busy):
            self.update(**changes)

    def _observe(self, name, ctl):
        """Wire ``ctl`` so that moving it calls ``update(name=new value)``; returns ``ctl``."""
        ctl.observe(lambda ch: self._on_control(**{name: ch["new"]}), names="value")
        return ctl

    @contextlib.contextmanager
    def _quiet(self):
        """Mute the controls' observers (the explorer is setting them, not the student)."""
        was, self._syncing = self._syncing, True
        try:
            yield
        finally:
            self._syncing = was

    def _sync_controls(self, keep=()):
        """Set every control to the params (see the contract, step 6)."""
        values, spans = self._control_values(), self._control_ranges()
        with self._quiet():
            for name, ctl in self.controls.items():
                if name in keep:
                    continue
                ctl.layout.display = None if name in values else "none"
                if name in values:
                    _show_value(ctl, values[name], spans.get(name))

    def _sync(self, widget, value):
        """Set a control's value without re-entering update()."""
        with self._quiet():
            widget.value = value

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

    def _sync_frames(self):
        """The frame controls span the run and show its end."""
        if not hasattr(self, "_frame"):
            return
        steps = int(self._frames_max())
        with self._quiet():
            for ctl in (self._frame, self._play):
                with ctl.hold_trait_notifications():
                    ctl.max = steps
                    ctl.value = steps

    def _frames_max(self):
        return int(self.params["steps"])

    def _show_frame(self, k, refresh=False):
        pass

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
