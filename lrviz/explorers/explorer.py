"""One descent with every control: ``explore()``. No math here.

``update(**changes)`` is the one path that controls and code take (the contract is in
:class:`~lrviz.explorers.base.BaseExplorer`). A bad value never raises out of it: the
message shows beside the controls, the last good figure stays, and the explorer keeps working.
"""
from __future__ import annotations

import contextlib
import functools
import warnings

from ..engine import analysis
from ..engine import validate as V
from ..engine.descent import descend
from ..engine.optimizers import CONVENTIONS, OPTIMIZERS, optimizer as make_optimizer
from ..engine.schedules import schedule as make_schedule
from ..engine.surfaces import SURFACES, Surface, surface as lookup_surface
from ..pictures import plotting
from .base import (SCHEDULE_CHOICES, BaseExplorer, _warnings_as_errors, _wide, all_hyper_controls, control_values,
                   from_controls, hyper_controls, schedule_kwargs, slider)
from .slider_keys import key_press_values

__all__ = ["Explorer", "explore", "readout"]

# The order of the parameters update() accepts, as listed in messages.
_NAMES = ("surface", "expression", "optimizer", "lr", "steps", "x0", "x", "y", "noise", "seed", "schedule",
          "period", "gamma", "tol", "convention")

# The lr slider (a FloatLogSlider: exponents of 10). Its key presses are computed ahead.
LR_SLIDER = dict(lo=-5, hi=1, step=0.05)


@functools.lru_cache(maxsize=None)
def optimizer_args():
    """Every optimizer argument an explorer passes through (control names and the rest)."""
    names = dict.fromkeys(all_hyper_controls())
    for name in OPTIMIZERS:
        names.update(dict.fromkeys(k for k in make_optimizer(name).hyperparams if k != "lr"))
    return tuple(names)


class Explorer(BaseExplorer):
    """One descent on a 1-D or 2-D surface with every control (see :func:`explore`).

    ``params``: ``surface`` (a Surface), ``expression`` (the typed text it came from, or
    ""), ``optimizer`` (a name), ``hyper`` (the hyperparameters given, by control name:
    ``beta1``, ``momentum``, ...; the rest are the optimizer's defaults), ``lr``, ``steps``,
    ``x0``, ``noise``, ``seed``, ``schedule``, ``period``, ``gamma``, ``tol``, ``convention``.
    ``update`` also takes ``x`` / ``y`` (one coordinate of the start) and every
    hyperparameter by name. A new surface starts at its own x0 and a new optimizer from
    its own defaults, unless the same update gives them: the keyword order never matters.
    """

    _keep_on_reject = ("expression",)

    def __init__(self, surface="rosenbrock", optimizer="sgd", lr=None, steps=100, x0=None,
                 noise=0.0, seed=0, schedule="constant", period=None, gamma=0.5, tol=1e-6, convention="torch",
                 **hyper):
        super().__init__()
        self._ahead = None  # (params, lrs, batch): runs one key press of the lr slider away
        self._next_from = None  # the params to look ahead from once the frame is out
        s = surface if isinstance(surface, Surface) else lookup_surface(surface)
        name = make_optimizer(optimizer).name
        if lr is None:
            lr = make_optimizer(name, V.choice("convention", convention, CONVENTIONS)).hyperparams["lr"]
        if period is None:
            period = max(int(V.integer("steps", steps, lo=1)) // 3, 1)
        self._start(dict(surface=s, expression="", optimizer=name, hyper=dict(hyper), lr=lr, steps=steps,
                         x0=s.x0 if x0 is None else x0, noise=noise, seed=seed, schedule=schedule,
                         period=period, gamma=gamma, tol=tol, convention=convention))

    @property
    def trajectory(self):
        """The run on screen (a :class:`lrviz.Trajectory`)."""
        return self._result

    # ---- the contract's hooks
    def _merge(self, changes):
        p = dict(self.params, hyper=dict(self.params["hyper"]))
        hyper_names = optimizer_args()
        for key in changes:
            if key not in _NAMES and key not in hyper_names:
                raise ValueError(f"Invalid parameter: {key!r} (use one of: {', '.join(_NAMES)}, "
                                 f"or a hyperparameter: {', '.join(hyper_names)})")
        if "surface" in changes and "expression" in changes:
            raise ValueError("Invalid surface / expression: both given (give one of them)")
        if "expression" in changes:
            text = changes["expression"]
            if not isinstance(text, str):
                V.fail("expression", text, "must be a formula in x (and y), e.g. 'x**4 - 3*x**2 + x'", TypeError)
            p["surface"], p["expression"] = Surface.from_expression(text), text
        elif "surface" in changes:
            value = changes["surface"]
            p["surface"] = value if isinstance(value, Surface) else lookup_surface(value)
            p["expression"] = ""
        if p["surface"] is not self.params["surface"]:
            p["x0"] = p["surface"].x0  # a new surface starts at its own start point ...
        if "optimizer" in changes:
            name = make_optimizer(changes["optimizer"]).name
            if name != p["optimizer"]:
                p["hyper"] = {}  # ... and a new optimizer from its own defaults, unless given too
            p["optimizer"] = name
        for key, value in changes.items():
            if key in hyper_names:
                p["hyper"][key] = value
            elif key not in ("surface", "expression", "optimizer", "x", "y"):
                p[key] = value
        for i, key in enumerate("xy"):
            if key in changes:
                x0 = list(V.point("x0", p["x0"], p["surface"].dim))
                if i >= len(x0):
                    V.fail(key, changes[key], f"the surface {p['surface'].name!r} is 1-D: it has no y")
                x0[i] = V.number(key, changes[key])
                p["x0"] = tuple(x0)
        return p

    def _validate(self, p):
        s = p["surface"]
        if not isinstance(s, Surface):
            s = lookup_surface(s)
        if s.dim not in (1, 2):
            V.fail("surface", s.name, "an explorer draws 1-D and 2-D surfaces")
        lr = V.learning_rate(p["lr"])
        if lr <= 0:
            V.fail("lr", p["lr"], "must be > 0: the lr slider is logarithmic")
        steps = V.integer("steps", p["steps"], lo=1)
        p = dict(p, surface=s, lr=lr, steps=steps, x0=tuple(float(v) for v in V.point("x0", p["x0"], s.dim)),
                 noise=V.number("noise", p["noise"], lo=0.0), seed=V.integer("seed", p["seed"]),
                 schedule=V.choice("schedule", p["schedule"], SCHEDULE_CHOICES),
                 period=V.integer("period", p["period"], lo=1), gamma=V.number("gamma", p["gamma"]),
                 tol=V.number("tol", p["tol"], lo=0.0, lo_open=True),
                 convention=V.choice("convention", p["convention"], CONVENTIONS))
        self._optimizer(p)  # bad hyperparameters are rejected before anything runs
        return p

    def _optimizer(self, p, lr=None):
        controls = set(hyper_controls(p["optimizer"], p["convention"]))
        values = {k: v for k, v in p["hyper"].items() if k in controls}
        fixed = {k: v for k, v in p["hyper"].items() if k not in controls}
        if lr is not None:
            fixed["lr"] = lr
        return from_controls(p["optimizer"], values, p["convention"], **fixed)

    def _compute(self, p):
        """The run for ``p``. With a constant lr, the runs the lr slider sends one arrow key
        away are computed in the same batched descent and kept: a key press then finds its
        run ready (a batch of a few 2-D runs costs about what one does: numpy's per-call
        overhead, not the arithmetic, is a step's cost), and once its frame is out
        ``_prepare_next`` computes the runs one more press away. Each run of a batch is, number
        for number, the run ``descend`` gives alone (``Trajectory.run``)."""
        self._next_from = None
        if p["schedule"] != "constant":
            lr = make_schedule(p["schedule"], lr=p["lr"], **schedule_kwargs(p["schedule"], p["period"], p["gamma"],
                                                                           p["steps"]))
            # the optimizer carries the lr actually used, so trajectory.optimizer reads true
            return self._descend(p, self._optimizer(p, lr))
        run = self._run_ahead(p)
        if run is not None:
            self._next_from = p
            return run
        with contextlib.suppress(Exception):  # a neighbour's run failed or warned: this lr alone decides
            return self._batch_ahead(p).run(0)
        return self._descend(p, self._optimizer(p, p["lr"]))

    @staticmethod
    def _descend(p, optimizer, **lr):
        return descend(p["surface"], optimizer, x0=p["x0"], steps=p["steps"], noise=p["noise"], seed=p["seed"],
                       **lr)

    def _batch_ahead(self, p):
        """One descent of ``p`` at its lr and at the lrs one key press away, kept in ``_ahead``
        (nothing is kept if it fails)."""
        self._ahead = None
        lrs = (p["lr"], *key_press_values(p["lr"], **LR_SLIDER))
        self._ahead = (p, lrs, self._descend(p, self._optimizer(p), lr=list(lrs)))
        return self._ahead[2]

    def _run_ahead(self, p):
        """The run for ``p`` if it was computed ahead (the same params but the lr), else None."""
        if self._ahead is None:
            return None
        q, lrs, batch = self._ahead
        if p["lr"] not in lrs or p.keys() != q.keys():
            return None
        if any(p[k] is not q[k] if k == "surface" else p[k] != q[k] for k in p if k != "lr"):
            return None
        return batch.run(lrs.index(p["lr"]))

    def _prepare_next(self):
        """After a key press found its run: the runs one more press away. A batch that fails
        or warns is not kept; its lrs are computed when asked."""
        p, self._next_from = self._next_from, None
        if p is not None:
            with warnings.catch_warnings(), contextlib.suppress(Exception):
                _warnings_as_errors()
                self._batch_ahead(p)

    def _figure_key(self):
        return (self.params["surface"], self.params["optimizer"], tuple(self.trajectory.state))

    def _needs_rebuild(self, old, new):
        built = self._built_key  # surfaces compare by identity (a Surface holds functions and arrays)
        return built is None or built[0] is not new["surface"] or built[1:] != self._figure_key()[1:]

    # ---- controls
    def _build_controls(self):
        w = self._w
        c = {}
        c["surface"] = w.Dropdown(options=sorted(SURFACES), value=None, description="surface", layout=_wide())
        c["expression"] = w.Text(placeholder="your own: x**4 - 3*x**2 + x", description="f(x, y) =", layout=_wide(),
                                 continuous_update=False)
        c["optimizer"] = w.Dropdown(options=list(OPTIMIZERS), description="optimizer", layout=_wide())
        c["lr"] = w.FloatLogSlider(min=LR_SLIDER["lo"], max=LR_SLIDER["hi"], step=LR_SLIDER["step"], description="lr",
                                   readout_format=".2e", layout=_wide())
        self._hyper_names = []
        for key, spec in all_hyper_controls().items():  # one slider per control name, its spec from the engine
            if spec.get("kind", "float") != "bool":
                c[key] = slider(spec, continuous_update=True)
                self._hyper_names.append(key)
        c["schedule"] = w.Dropdown(options=SCHEDULE_CHOICES, description="schedule", layout=_wide())
        c["period"] = w.IntSlider(min=1, max=1000, description="period", layout=_wide())
        c["gamma"] = w.FloatSlider(min=0.01, max=0.999, step=0.01, description="gamma", layout=_wide())
        c["noise"] = w.FloatSlider(min=0.0, max=5.0, step=0.05, description="grad noise", layout=_wide())
        c["steps"] = w.IntSlider(min=1, max=1000, description="steps", layout=_wide())
        c["x"] = w.FloatSlider(description="start x", step=0.01, layout=_wide())
        c["y"] = w.FloatSlider(description="start y", step=0.01, layout=_wide())
        for key, ctl in c.items():
            if key == "expression":
                ctl.observe(lambda ch: ch["new"].strip() and self._on_control(expression=ch["new"]), names="value")
            else:
                self._observe(key, ctl)
        return c

    def _layout(self):
        w, c = self._w, self.controls
        self._readout = w.HTML()
        order = ("surface", "optimizer", "lr", "expression", "schedule", "steps", *self._hyper_names, "period",
                 "gamma", "noise", "x", "y")
        grid = w.GridBox([c[k] for k in order], layout=w.Layout(grid_template_columns="repeat(3, 310px)"))
        # Controls above, figure below at full width: it stays large on a projector.
        return w.VBox([grid, self._message, self._figure_view(), self._frame_controls(), self._readout])

    def _control_values(self):
        p, s = self.params, self.params["surface"]
        v = dict(surface=s.name if SURFACES.get(s.name) is s else None, expression=p["expression"],
                 optimizer=p["optimizer"], lr=p["lr"], schedule=p["schedule"], noise=p["noise"], steps=p["steps"],
                 x=p["x0"][0])
        v.update(control_values(self.trajectory.optimizer))
        if p["schedule"] != "constant":
            v.update(period=p["period"], gamma=p["gamma"])
        if s.dim == 2:
            v["y"] = p["x0"][1]
        return {k: val for k, val in v.items() if k in self.controls}

    def _control_ranges(self):
        p, s = self.params, self.params["surface"]
        spans = {"period": (1, p["steps"]), "x": s.bounds[0]}
        if s.dim == 2:
            spans["y"] = s.bounds[1]
        return spans

    # ---- figure
    def _build_figure(self):
        fig, s, traj = self.figure, self.params["surface"], self.trajectory
        if getattr(self, "_drawn_surface", None) is s:  # same surface: only the look-inside panel changes
            self._build_internals()
            return
        self._drawn_surface = None  # until the whole figure is built (a failure midway rebuilds it all)
        fig.clear()
        self._int_twins = []
        gs = fig.add_gridspec(3, 2, width_ratios=(1.3, 1), height_ratios=(1, 0.75, 1.5))
        self.ax_path = fig.add_subplot(gs[:, 0])
        self.ax_loss, self.ax_lr, self.ax_int = (fig.add_subplot(gs[i, 1]) for i in range(3))
        self._draw_landscape(self.ax_path, s)
        if getattr(self, "_click", None) is not None:
            fig.canvas.mpl_disconnect(self._click)
            self._click = None
        if s.dim == 1:
            self._path = plotting.path_1d(self.ax_path, traj)
            self._tangent = plotting.tangent_1d(self.ax_path, s, traj.x[-1, 0])
        else:
            self._path = plotting.path_2d(self.ax_path, traj)
            self._tangent = None
            self._click = fig.canvas.mpl_connect("button_press_event", self._on_click)
        self._title = self.ax_path.set_title("", loc="left", fontsize="medium")
        self._loss = plotting.loss_curve(self.ax_loss, traj)
        self._lr = plotting.lr_curve(self.ax_lr, traj)
        self._cursors = [ax.axvline(0, color="0.4", lw=1, ls=":") for ax in (self.ax_loss, self.ax_lr)]
        self._build_internals()
        self._drawn_surface = s

    def _build_internals(self):
        for twin in getattr(self, "_int_twins", ()):  # internals() may add a right-hand axis
            twin.remove()
        self.ax_int.clear()
        before = set(self.figure.axes)
        self._internals = plotting.internals(self.ax_int, self.trajectory)
        self._int_twins = [a for a in self.figure.axes if a not in before]
        self._cursors = self._cursors[:2] + [self.ax_int.axvline(0, color="0.4", lw=1, ls=":")]
        dyn = [*self._path, self._title, self._loss, self._lr, *self._internals, *self._cursors]
        if self._tangent is not None:
            dyn.append(self._tangent)
        self.live.dynamic = dyn
        self.live.relayout()

    def _on_click(self, event):
        if event.inaxes is self.ax_path and event.xdata is not None and self._toolbar_idle():
            self._on_control(x0=(event.xdata, event.ydata))

    def _toolbar_idle(self):
        tb = getattr(self.figure.canvas, "toolbar", None)
        return tb is None or not getattr(tb, "mode", "")

    def _render(self):
        traj = self.trajectory
        plotting.update_loss_curve(self._loss, traj)
        plotting.update_lr_curve(self._lr, traj)
        plotting.update_internals(self._internals, traj)
        self._readout.value = self._readout_html()
        self._show_frame(traj.steps, refresh=True)

    def _frames_max(self):
        return self.trajectory.steps

    def _gif_runs(self):
        return {self.params["optimizer"]: (self.trajectory, None)}

    def _show_frame(self, k, refresh=False):
        traj, s = self.trajectory, self.params["surface"]
        k = int(min(max(k, 0), traj.steps))
        plotting.set_path(self._path, *self._uv(traj, k))
        if s.dim == 1:
            plotting.set_tangent(self._tangent, s, traj.x[k, 0])
        for line in self._cursors:
            line.set_xdata([k, k])
        self._title.set_text(f"{self.params['optimizer']}  lr={self.params['lr']:.2g}  step {k}  "
                             f"loss {traj.loss[k]:.3g}")
        if refresh:
            self.live.refresh()

    def _readout_html(self):
        traj, p = self.trajectory, self.params
        summary = readout(traj, p["optimizer"], p["tol"])
        return "<br>".join(f"<b>{k}</b>: {v}" for k, v in summary.items())


def readout(traj, optimizer_name, tol=1e-6):
    """The numbers an explorer shows under its figure, as label -> text."""
    hit = analysis.steps_to_tolerance(traj, tol, stay=True)
    out = {
        "final loss": f"{traj.final_loss:.4g}",
        f"steps until loss gap stays ≤ {tol:g}": "not reached" if hit is None else str(hit),
        "regime": analysis.regime(traj, tol),
    }
    if traj.diverged:
        out["diverged"] = f"at step {traj.diverged_at} (stopped at its last finite point)"
    crit = analysis.critical_lr(traj.surface, traj.optimizer)
    if crit is not None:
        out["critical lr"] = f"{crit:.4g} (plain/heavy-ball GD diverges above it near the minimum)"
    return out


def explore(surface="rosenbrock", optimizer="sgd", lr=None, steps=100, **kwargs) -> Explorer:
    """An explorer for one descent: sliders for lr, the optimizer and its hyperparameters,
    a schedule, gradient noise, steps and the start; Play / step / reset; a readout.

    >>> ex = explore("quartic", optimizer="sgd", lr=0.01, steps=50)   # doctest: +SKIP
    >>> ex.update(lr=0.1, optimizer="adam")                           # doctest: +SKIP
    """
    return Explorer(surface, optimizer=optimizer, lr=lr, steps=steps, **kwargs)
