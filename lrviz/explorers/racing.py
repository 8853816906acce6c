"""Explorers that compare runs: a race of optimizers, and a schedule against a constant lr.

Both sit on :class:`lrviz.widgets.BaseExplorer`; all numbers come from ``descend`` and
``analysis`` (no math here).
"""
from __future__ import annotations

import numpy as np

from ..engine import analysis
from ..engine.analysis import RACE_OPTIMIZERS, TUNING_GRID  # noqa: F401  (re-exported: races use them)
from ..engine.descent import descend
from ..engine.optimizers import check_lr, optimizer as make_optimizer
from ..engine.schedules import schedule as make_schedule
from ..engine.surfaces import SURFACES, Surface, surface as lookup_surface
from ..pictures import plotting, style
from .base import SCHEDULE_CHOICES, BaseExplorer, _wide, schedule_kwargs

__all__ = ["Race", "race", "ScheduleExplorer", "schedule_explorer", "RACE_OPTIMIZERS", "TUNING_GRID"]

_COLORS = {"constant": style.OKABE_ITO["orange"], "schedule": style.OKABE_ITO["blue"]}


class _TwoPanel(BaseExplorer):
    """A path panel on the left, a stack of curves on the right, Play below."""

    def _frames_max(self):
        return int(self.params["steps"])


class Race(_TwoPanel):
    """Several optimizers on one surface, one shared lr or each at its own tuned lr."""

    def __init__(self, surface="rosenbrock", optimizers=RACE_OPTIMIZERS, lr=1e-2, steps=300, x0=None,
                 tuned=False, tol=1e-6):
        super().__init__()
        s = surface if isinstance(surface, Surface) else lookup_surface(surface)
        names = tuple(make_optimizer(o).name for o in optimizers)
        if not names:
            raise ValueError("Invalid optimizers: () (give at least one name, e.g. ('sgd', 'adam'))")
        self.params = dict(surface=s, optimizers=names, lr=float(lr), steps=int(steps),
                           x0=tuple(np.asarray(s.x0 if x0 is None else x0, float).ravel()), tuned=bool(tuned), tol=tol)
        self.trajectories, self.lrs = self._compute(self.params)
        self._build_controls()
        self._build_figure()
        self._render()

    def _gif_runs(self):
        return {name: (t, None) for name, t in self.trajectories.items()}

    @property
    def trajectory(self):
        """The trajectory of the leader (the first row of the leaderboard)."""
        return self.trajectories[self.leaderboard()[0][0]]

    def _compute(self, p):
        lrs = {name: (analysis.tuned_lr(p["surface"], name, lrs=TUNING_GRID, steps=p["steps"], x0=p["x0"],
                                        tol=p["tol"]) if p["tuned"] else p["lr"]) for name in p["optimizers"]}
        trajs = {name: descend(p["surface"], name, x0=p["x0"], steps=p["steps"], lr=lrs[name])
                 for name in p["optimizers"]}
        return trajs, lrs

    def _apply(self, changes):
        p = dict(self.params)
        for key, value in changes.items():
            if key == "surface":
                p["surface"] = value if isinstance(value, Surface) else lookup_surface(value)
                p["x0"] = tuple(np.asarray(p["surface"].x0, float).ravel())
            elif key == "optimizers":
                p["optimizers"] = tuple(make_optimizer(o).name for o in value)
            elif key == "lr":
                p["lr"] = check_lr(value)
            elif key in p:
                p[key] = value
            else:
                raise ValueError(f"Unknown parameter {key!r}; use one of: {', '.join(p)}")
        trajs, lrs = self._compute(p)
        rebuild = p["surface"] is not self.params["surface"] or p["optimizers"] != self.params["optimizers"]
        self.params, self.trajectories, self.lrs = p, trajs, lrs
        if rebuild:
            self._build_figure()
        self._render()

    def leaderboard(self):
        """Rows ``(optimizer, lr, steps until the loss stays within tolerance or None, final loss)``,
        fastest first."""
        rows = []
        for name, traj in self.trajectories.items():
            rows.append((name, self.lrs[name], analysis.steps_to_tolerance(traj, self.params["tol"], stay=True),
                         float(traj.final_loss)))
        return sorted(rows, key=lambda r: (r[2] is None, r[2] if r[2] is not None else 0,
                                           r[3] if np.isfinite(r[3]) else np.inf))

    def _build_controls(self):
        w, p = self._w, self.params
        self.controls = c = {
            "surface": w.Dropdown(options=sorted(SURFACES), value=p["surface"].name if p["surface"].name in SURFACES
                                  else None, description="surface", layout=_wide()),
            "lr": w.FloatLogSlider(value=p["lr"], min=-5, max=1, step=0.05, description="lr", readout_format=".2e",
                                   layout=_wide()),
            "tuned": w.ToggleButtons(options=[("one shared lr", False), ("each tuned", True)], value=p["tuned"],
                                     description="lr"),
            "steps": w.IntSlider(value=p["steps"], min=10, max=1000, description="steps", layout=_wide()),
        }
        for key, ctl in c.items():
            ctl.observe(lambda ch, key=key: self._on_control(**{key: ch["new"]}), names="value")
        self._board = w.HTML()
        figure_view = self.live.view if self.live.view is not None else w.HTML("(figure: see race.figure)")
        self.widget = w.VBox([w.HBox(list(c.values())[:2]), w.HBox(list(c.values())[2:]), self._message,
                              figure_view, self._frame_controls(), self._board])

    def _build_figure(self):
        fig, s = self.figure, self.params["surface"]
        fig.clear()
        gs = fig.add_gridspec(1, 2, width_ratios=(1.45, 1), wspace=0.25)
        self.ax_path, self.ax_loss = fig.add_subplot(gs[0]), fig.add_subplot(gs[1])
        self._draw_landscape(self.ax_path, s)
        self._paths = plotting.race_paths(self.ax_path, self.trajectories)
        self._losses = {name: plotting.loss_curve(self.ax_loss, t, label=name) for name, t in self.trajectories.items()}
        self.ax_loss.legend(loc="upper right", fontsize="small")
        self._cursor = self.ax_loss.axvline(0, color="0.4", lw=1, ls=":")
        self._title = self.ax_path.set_title("")
        self.live.dynamic = [a for pa in self._paths.values() for a in pa] + [*self._losses.values(), self._cursor,
                                                                              self._title]
        self.live.relayout()

    def _render(self):
        for name, traj in self.trajectories.items():
            plotting.update_loss_curve(self._losses[name], traj)
        self._board.value = self._board_html()
        self._sync(self.controls["lr"], self.params["lr"])
        self._set_frames(self.params["steps"])
        self._show_frame(self.params["steps"], refresh=True)

    def _show_frame(self, k, refresh=False):
        k = int(min(max(k, 0), self.params["steps"]))
        for name, traj in self.trajectories.items():
            plotting.set_path(self._paths[name], *self._uv(traj, k))
        self._cursor.set_xdata([k, k])
        self._title.set_text(f"step {k}")
        if refresh:
            self.live.refresh()

    def _board_html(self):
        rows = "".join(
            f"<tr><td>{i + 1}</td><td style='color:{style.color_for(n)}'><b>{n}</b></td><td>{lr:.3g}</td>"
            f"<td>{'—' if t is None else t}</td><td>{loss:.3g}</td></tr>"
            for i, (n, lr, t, loss) in enumerate(self.leaderboard()))
        return (f"<table><tr><th>#</th><th>optimizer</th><th>lr</th><th>steps until gap stays ≤ {self.params['tol']:g}</th>"
                f"<th>final loss</th></tr>{rows}</table>")


class ScheduleExplorer(_TwoPanel):
    """A learning-rate schedule next to a constant lr, on the same noisy gradients."""

    def __init__(self, surface="valley", optimizer="sgd", lr=0.1, steps=300, schedule="multistep", period=100,
                 gamma=0.1, noise=1.0, seed=0, x0=None):
        super().__init__()
        s = surface if isinstance(surface, Surface) else lookup_surface(surface)
        self.params = dict(surface=s, optimizer=make_optimizer(optimizer).name, lr=float(lr), steps=int(steps),
                           schedule=schedule, period=int(period), gamma=float(gamma), noise=float(noise), seed=seed,
                           x0=tuple(np.asarray(s.x0 if x0 is None else x0, float).ravel()))
        self.scheduled, self.constant = self._compute(self.params)
        self._build_controls()
        self._build_figure()
        self._render()

    def _gif_runs(self):
        return {"constant": (self.constant, _COLORS["constant"]), "schedule": (self.scheduled, _COLORS["schedule"])}

    @property
    def trajectory(self):
        """The scheduled run."""
        return self.scheduled

    def _compute(self, p):
        sched = make_schedule(p["schedule"], lr=p["lr"], **schedule_kwargs(p["schedule"], p["period"], p["gamma"],
                                                                          p["steps"]))
        common = dict(x0=p["x0"], steps=p["steps"], noise=p["noise"], seed=p["seed"])
        return (descend(p["surface"], p["optimizer"], lr=sched, **common),
                descend(p["surface"], p["optimizer"], lr=p["lr"], **common))

    def _apply(self, changes):
        p = self._merged(changes)
        self.scheduled, self.constant = self._compute(p)
        rebuild = p["surface"] is not self.params["surface"] or p["steps"] != self.params["steps"]
        self.params = p
        if rebuild:
            self._build_figure()
        self._render()

    def _build_controls(self):
        w, p = self._w, self.params
        self.controls = c = {
            "schedule": w.Dropdown(options=SCHEDULE_CHOICES, value=p["schedule"], description="schedule", layout=_wide()),
            "lr": w.FloatLogSlider(value=p["lr"], min=-4, max=0, step=0.05, description="lr", readout_format=".2e",
                                   layout=_wide()),
            "period": w.IntSlider(value=p["period"], min=1, max=p["steps"], description="period", layout=_wide()),
            "gamma": w.FloatSlider(value=p["gamma"], min=0.01, max=0.99, step=0.01, description="gamma", layout=_wide()),
            "noise": w.FloatSlider(value=p["noise"], min=0.0, max=5.0, step=0.1, description="grad noise",
                                   layout=_wide()),
            "seed": w.IntSlider(value=p["seed"], min=0, max=20, description="seed", layout=_wide()),
        }
        for key, ctl in c.items():
            ctl.observe(lambda ch, key=key: self._on_control(**{key: ch["new"]}), names="value")
        self._readout = w.HTML()
        figure_view = self.live.view if self.live.view is not None else w.HTML("(figure: see .figure)")
        self.widget = w.VBox([w.GridBox(list(c.values()), layout=w.Layout(grid_template_columns="repeat(3, 310px)")),
                              self._message, figure_view, self._frame_controls(), self._readout])

    def _build_figure(self):
        fig, s = self.figure, self.params["surface"]
        fig.clear()
        gs = fig.add_gridspec(2, 2, width_ratios=(1.3, 1), hspace=0.5, wspace=0.25)
        self.ax_path, self.ax_lr, self.ax_loss = fig.add_subplot(gs[:, 0]), fig.add_subplot(gs[0, 1]), fig.add_subplot(gs[1, 1])
        self._draw_landscape(self.ax_path, s)
        runs = {"constant": self.constant, "schedule": self.scheduled}
        colors = _COLORS
        self._paths = {k: (plotting.path_1d if s.dim == 1 else plotting.path_2d)(self.ax_path, t, color=colors[k],
                                                                                 label=k) for k, t in runs.items()}
        self.ax_path.legend(loc="upper right", fontsize="small")
        self._lrs = {k: plotting.lr_curve(self.ax_lr, t, color=colors[k], label=k) for k, t in runs.items()}
        self._losses = {k: plotting.loss_curve(self.ax_loss, t, color=colors[k], label=k, log=True)
                        for k, t in runs.items()}
        self._cursor = self.ax_loss.axvline(0, color="0.4", lw=1, ls=":")
        self.live.dynamic = ([a for pa in self._paths.values() for a in pa] + [*self._lrs.values(),
                             *self._losses.values(), self._cursor])
        self.live.relayout()

    def _render(self):
        runs = {"constant": self.constant, "schedule": self.scheduled}
        for k, t in runs.items():
            plotting.update_lr_curve(self._lrs[k], t)
            plotting.update_loss_curve(self._losses[k], t)
        tail = {k: analysis.tail_loss(t) for k, t in runs.items()}
        self._readout.value = (f"<b>mean loss over the last 10% of steps</b>: constant lr {tail['constant']:.4g}, "
                               f"{self.params['schedule']} {tail['schedule']:.4g}")
        self.controls["period"].max = self.params["steps"]
        self._set_frames(self.params["steps"])
        self._show_frame(self.params["steps"], refresh=True)

    def _show_frame(self, k, refresh=False):
        k = int(min(max(k, 0), self.params["steps"]))
        for name, traj in (("constant", self.constant), ("schedule", self.scheduled)):
            plotting.set_path(self._paths[name], *self._uv(traj, k))
        self._cursor.set_xdata([k, k])
        if refresh:
            self.live.refresh()


def race(*args, **kwargs) -> Race:
    """Several optimizers animated together on one surface, with a leaderboard (see :class:`Race`).

    >>> rc = race("rosenbrock", ["sgd", "adam"], lr=1e-2)   # doctest: +SKIP
    """
    return Race(*args, **kwargs)


def schedule_explorer(*args, **kwargs) -> ScheduleExplorer:
    """A schedule's lr(t) and its effect on a noisy descent next to a constant lr (see :class:`ScheduleExplorer`)."""
    return ScheduleExplorer(*args, **kwargs)
