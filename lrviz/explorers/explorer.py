"""Explorers: sliders wired to descend() and the plots. No math here.

``explore()`` gives one descent with every control; ``race()`` several optimizers on one
surface; ``schedule_explorer()`` a schedule against a constant learning rate on noisy
gradients. They share :class:`BaseExplorer`: ``update(**params)`` is the one path that
controls and code take. A bad value never raises out of it: the message shows beside the
controls, the last good figure stays, and the explorer keeps working.
"""
from __future__ import annotations

import numpy as np

from ..engine import analysis
from ..engine.descent import descend
from ..engine.optimizers import OPTIMIZERS, optimizer as make_optimizer
from ..engine.schedules import schedule as make_schedule
from ..engine.surfaces import SURFACES, Surface, surface as lookup_surface
from ..pictures import plotting
from .base import _HYPER, SCHEDULE_CHOICES, BaseExplorer, _hyper_values, _wide, schedule_kwargs

__all__ = ["Explorer", "explore"]


class Explorer(BaseExplorer):
    """One descent on a 1-D or 2-D surface with every control (see :func:`explore`)."""

    def __init__(self, surface="rosenbrock", optimizer="sgd", lr=None, steps=100, x0=None,
                 noise=0.0, seed=0, schedule="constant", period=None, gamma=0.5, tol=1e-6, **hyper):
        super().__init__()
        s = lookup_surface(surface) if not isinstance(surface, Surface) else surface
        opt = make_optimizer(optimizer, **hyper)
        self.params = dict(surface=s, optimizer=opt.name, hyper=dict(hyper), lr=None, steps=steps,
                           x0=None, noise=noise, seed=seed, schedule=schedule,
                           period=period or max(int(steps) // 3, 1), gamma=gamma, tol=tol)
        self.params["lr"] = float(opt.hyperparams["lr"] if lr is None else lr)
        self.params["x0"] = tuple(np.asarray(s.x0 if x0 is None else x0, float).ravel())
        self.trajectory = self._compute(self.params)  # bad initial arguments raise here, as in descend()
        self._build_controls()
        self._build_figure()
        self._render()

    # ---- math calls (all computation happens in lrviz's lower layers)
    def _compute(self, p):
        lr = p["lr"]
        if p["schedule"] != "constant":
            lr = make_schedule(p["schedule"], lr=lr, **schedule_kwargs(p["schedule"], p["period"], p["gamma"], p["steps"]))
        # the optimizer carries the lr actually used, so trajectory.optimizer reads true
        opt = make_optimizer(p["optimizer"], **_torch_hyper(p["hyper"]), lr=lr)
        return descend(p["surface"], opt, x0=p["x0"], steps=p["steps"], noise=p["noise"], seed=p["seed"])

    def _apply(self, changes):
        p = dict(self.params, hyper=dict(self.params["hyper"]))
        for key, value in changes.items():
            if key == "expression":
                p["surface"] = Surface.from_expression(value)
            elif key == "surface":
                p["surface"] = value if isinstance(value, Surface) else lookup_surface(value)
            elif key == "optimizer":
                name = make_optimizer(value).name
                if name != p["optimizer"]:
                    p["hyper"] = {}  # a new optimizer starts from its own defaults
                p["optimizer"] = name
            elif key in _HYPER or key in ("betas", "nesterov", "centered", "amsgrad", "dampening",
                                          "weight_decay", "lr_decay", "initial_accumulator_value"):
                p["hyper"][key] = value
            elif key in p and key != "hyper":
                p[key] = value
            else:
                raise ValueError(f"Unknown parameter {key!r}; use one of: expression, surface, optimizer, "
                                 f"lr, steps, x0, noise, seed, schedule, period, gamma, tol, " + ", ".join(_HYPER))
        new_surface = p["surface"] is not self.params["surface"]
        if new_surface and "x0" not in changes:
            p["x0"] = p["surface"].x0
        if isinstance(p["x0"], (int, float)):
            p["x0"] = (p["x0"],)
        p["x0"] = tuple(np.asarray(p["x0"], float).ravel()) if p["x0"] is not None else None
        traj = self._compute(p)
        optimizer_changed = p["optimizer"] != self.params["optimizer"]
        self.params, self.trajectory = p, traj
        if new_surface:
            self._build_figure()
        elif optimizer_changed:
            self._build_internals()
        self._sync_controls()
        self._render()

    # ---- controls
    def _build_controls(self):
        w = self._w
        self.controls = c = {}
        c["surface"] = w.Dropdown(options=sorted(SURFACES), description="surface", layout=_wide())
        c["expression"] = w.Text(placeholder="your own: x**4 - 3*x**2 + x", description="f(x, y) =", layout=_wide(),
                                 continuous_update=False)
        c["optimizer"] = w.Dropdown(options=list(OPTIMIZERS), description="optimizer", layout=_wide())
        c["lr"] = w.FloatLogSlider(min=-5, max=1, step=0.05, description="lr", readout_format=".2e", layout=_wide())
        for name, spec in _HYPER.items():
            cls = w.FloatLogSlider if spec["kind"] == "log" else w.FloatSlider
            kw = {k: v for k, v in spec.items() if k != "kind"}
            if spec["kind"] == "log":
                kw["readout_format"] = ".0e"
            c[name] = cls(layout=_wide(), continuous_update=True, **kw)
        c["schedule"] = w.Dropdown(options=SCHEDULE_CHOICES, description="schedule", layout=_wide())
        c["period"] = w.IntSlider(min=1, max=1000, description="period", layout=_wide())
        c["gamma"] = w.FloatSlider(min=0.01, max=0.999, step=0.01, description="gamma", layout=_wide())
        c["noise"] = w.FloatSlider(min=0.0, max=5.0, step=0.05, description="grad noise", layout=_wide())
        c["steps"] = w.IntSlider(min=1, max=1000, description="steps", layout=_wide())
        c["x"] = w.FloatSlider(description="start x", step=0.01, layout=_wide())
        c["y"] = w.FloatSlider(description="start y", step=0.01, layout=_wide())
        for key, ctl in c.items():
            ctl.observe(self._control_handler(key), names="value")
        frames = self._frame_controls()
        self._readout = w.HTML()
        order = ("surface", "optimizer", "lr", "expression", "schedule", "steps", *_HYPER, "period", "gamma",
                 "noise", "x", "y")
        grid = w.GridBox([c[k] for k in order], layout=w.Layout(grid_template_columns="repeat(3, 310px)"))
        figure_view = self.live.view if self.live.view is not None else w.HTML("(figure: see ex.figure)")
        # Controls above, figure below at full width: it stays large on a projector.
        self.widget = w.VBox([grid, self._message, figure_view,
                              frames, self._readout])
        self._sync_controls()

    def _control_handler(self, key):
        def handler(change):
            value = change["new"]
            if key in ("x", "y"):
                x0 = list(self.params["x0"])
                x0["xy".index(key)] = value
                self._on_control(x0=tuple(x0))
            elif key == "expression":
                if value.strip():
                    self._on_control(expression=value)
            else:
                self._on_control(**{key: value})
        return handler

    def _sync_controls(self):
        c, p = self.controls, self.params
        s = p["surface"]
        opt = make_optimizer(p["optimizer"], **_torch_hyper(p["hyper"]))
        hyper = _hyper_values(opt)
        if s.name in SURFACES:
            self._sync(c["surface"], s.name)
        self._sync(c["optimizer"], p["optimizer"])
        self._sync(c["lr"], p["lr"])
        for name in _HYPER:
            c[name].layout.display = None if name in hyper else "none"
            if name in hyper:
                self._sync(c[name], float(hyper[name]))
        self._sync(c["schedule"], p["schedule"])
        c["period"].max = max(int(p["steps"]), 1)
        self._sync(c["period"], min(int(p["period"]), c["period"].max))
        for key in ("period", "gamma"):
            c[key].layout.display = None if p["schedule"] != "constant" else "none"
        self._sync(c["gamma"], float(p["gamma"]))
        self._sync(c["noise"], float(p["noise"]))
        self._sync(c["steps"], int(p["steps"]))
        for i, key in enumerate("xy"):
            if i < s.dim:
                lo, hi = s.bounds[i]
                c[key].min, c[key].max = min(lo, p["x0"][i]), max(hi, p["x0"][i])
                self._sync(c[key], float(p["x0"][i]))
            c[key].layout.display = None if i < s.dim else "none"
        self._set_frames(p["steps"])

    # ---- figure
    def _build_figure(self):
        fig, s, traj = self.figure, self.params["surface"], self.trajectory
        fig.clear()
        self._int_twins = []
        gs = fig.add_gridspec(3, 2, width_ratios=(1.3, 1), height_ratios=(1, 0.75, 1.5))
        self.ax_path = fig.add_subplot(gs[:, 0])
        self.ax_loss, self.ax_lr, self.ax_int = (fig.add_subplot(gs[i, 1]) for i in range(3))
        self._draw_landscape(self.ax_path, s)
        if s.dim == 1:
            self._path = plotting.path_1d(self.ax_path, traj)
            self._tangent = plotting.tangent_1d(self.ax_path, s, traj.x[-1, 0])
        else:
            self._path = plotting.path_2d(self.ax_path, traj)
            self._tangent = None
            fig.canvas.mpl_connect("button_press_event", self._on_click)
        self._title = self.ax_path.set_title("", loc="left", fontsize="medium")
        self._loss = plotting.loss_curve(self.ax_loss, traj)
        self._lr = plotting.lr_curve(self.ax_lr, traj)
        self._cursors = [ax.axvline(0, color="0.4", lw=1, ls=":") for ax in (self.ax_loss, self.ax_lr)]
        self._build_internals()

    def _build_internals(self):
        for twin in getattr(self, "_int_twins", ()):  # internals() may add a right-hand axis
            twin.remove()
        self.ax_int.clear()
        before = set(self.figure.axes)
        self._internals = plotting.internals(self.ax_int, self.trajectory)
        self._int_twins = [a for a in self.figure.axes if a not in before]
        self._cursors = self._cursors[:2] + [self.ax_int.axvline(0, color="0.4", lw=1, ls=":")]
        self._set_dynamic()

    def _set_dynamic(self):
        dyn = [*self._path, self._title, self._loss, self._lr, *self._internals, *self._cursors]
        if self._tangent is not None:
            dyn.append(self._tangent)
        self.live.dynamic = dyn
        self.live.relayout()

    def _on_click(self, event):
        if event.inaxes is self.ax_path and event.xdata is not None and self._toolbar_idle():
            self.update(x0=(event.xdata, event.ydata))

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


def _torch_hyper(hyper):
    """Slider values -> optimizer() arguments (beta1 / beta2 become betas)."""
    hp = dict(hyper)
    if "beta1" in hp or "beta2" in hp:
        b1, b2 = hp.pop("beta1", None), hp.pop("beta2", None)
        old = hp.get("betas", (0.9, 0.999))
        hp["betas"] = (old[0] if b1 is None else b1, old[1] if b2 is None else b2)
    return hp


def explore(surface="rosenbrock", optimizer="sgd", lr=None, steps=100, **kwargs) -> Explorer:
    """An explorer for one descent: sliders for lr, the optimizer and its hyperparameters,
    a schedule, gradient noise, steps and the start; Play / step / reset; a readout.

    >>> ex = explore("quartic", optimizer="sgd", lr=0.01, steps=50)   # doctest: +SKIP
    >>> ex.update(lr=0.1, optimizer="adam")                           # doctest: +SKIP
    """
    return Explorer(surface, optimizer=optimizer, lr=lr, steps=steps, **kwargs)
