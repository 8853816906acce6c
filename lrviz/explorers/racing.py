"""Explorers that compare runs: a race of optimizers, and a schedule against a constant lr.

Both follow the contract of :class:`~lrviz.explorers.base.BaseExplorer`; all numbers come
from ``descend`` and ``analysis`` (no math here).
"""
from __future__ import annotations

import numpy as np

from ..engine import analysis
from ..engine.analysis import RACE_OPTIMIZERS, TUNING_GRID  # noqa: F401  (re-exported: races use them)
from ..engine.descent import descend
from ..engine import validate as V
from ..engine.optimizers import optimizer as make_optimizer
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
    """Several optimizers on one surface, one shared lr or each at its own tuned lr.

    ``params``: ``surface``, ``optimizers`` (names), ``lr`` (the shared lr), ``steps``, ``x0``,
    ``tuned`` (each optimizer at its best lr on ``TUNING_GRID``), ``tol``. A new surface starts
    at its own x0 unless the same update gives one. ``trajectories`` and ``lrs`` hold every
    run and the lr it used; ``trajectory`` is the leader's.
    """

    def __init__(self, surface="rosenbrock", optimizers=RACE_OPTIMIZERS, lr=1e-2, steps=300, x0=None,
                 tuned=False, tol=1e-6):
        super().__init__()
        s = surface if isinstance(surface, Surface) else lookup_surface(surface)
        self._start(dict(surface=s, optimizers=optimizers, lr=lr, steps=steps, x0=s.x0 if x0 is None else x0,
                         tuned=tuned, tol=tol))

    @property
    def trajectories(self):
        """optimizer name -> its run."""
        return self._result[0]

    @property
    def lrs(self):
        """optimizer name -> the lr it ran with (the shared one, or its tuned one)."""
        return self._result[1]

    def _gif_runs(self):
        return {name: (t, None) for name, t in self.trajectories.items()}

    @property
    def trajectory(self):
        """The trajectory of the leader (the first row of the leaderboard)."""
        return self.trajectories[self.leaderboard()[0][0]]

    def _merge(self, changes):
        p = super()._merge(changes)
        if "surface" in changes:
            value = changes["surface"]
            p["surface"] = value if isinstance(value, Surface) else lookup_surface(value)
            if "x0" not in changes:
                p["x0"] = p["surface"].x0
        return p

    def _validate(self, p):
        s = p["surface"]
        optimizers = p["optimizers"]
        if isinstance(optimizers, str) or not hasattr(optimizers, "__iter__"):
            V.fail("optimizers", optimizers, "must be a list of optimizer names, e.g. ('sgd', 'adam')", TypeError)
        names = tuple(make_optimizer(o).name for o in optimizers)
        if not names:
            V.fail("optimizers", optimizers, "give at least one name, e.g. ('sgd', 'adam')")
        if len(set(names)) != len(names):
            V.fail("optimizers", optimizers, "each optimizer at most once")
        lr = V.learning_rate(p["lr"])
        if lr <= 0:
            V.fail("lr", p["lr"], "must be > 0: the lr slider is logarithmic")
        return dict(p, optimizers=names, lr=lr, steps=V.integer("steps", p["steps"], lo=1),
                    x0=tuple(float(v) for v in V.point("x0", p["x0"], s.dim)),
                    tuned=V.boolean("tuned", p["tuned"]), tol=V.number("tol", p["tol"], lo=0.0, lo_open=True))

    def _compute(self, p):
        lrs = {name: (analysis.tuned_lr(p["surface"], name, lrs=TUNING_GRID, steps=p["steps"], x0=p["x0"],
                                        tol=p["tol"]) if p["tuned"] else p["lr"]) for name in p["optimizers"]}
        # each optimizer carries the lr it ran with, so trajectory.optimizer reads true
        trajs = {name: descend(p["surface"], make_optimizer(name, lr=lrs[name]), x0=p["x0"], steps=p["steps"])
                 for name in p["optimizers"]}
        return trajs, lrs

    def _needs_rebuild(self, old, new):
        return old["surface"] is not new["surface"] or old["optimizers"] != new["optimizers"]

    def _control_values(self):
        p = self.params
        return dict(surface=p["surface"].name if SURFACES.get(p["surface"].name) is p["surface"] else None,
                    lr=p["lr"], tuned=p["tuned"], steps=p["steps"])

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
        w = self._w
        c = {
            "surface": w.Dropdown(options=sorted(SURFACES), value=None, description="surface", layout=_wide()),
            "lr": w.FloatLogSlider(min=-5, max=1, step=0.05, description="lr", readout_format=".2e", layout=_wide()),
            "tuned": w.ToggleButtons(options=[("one shared lr", False), ("each tuned", True)], description="lr"),
            "steps": w.IntSlider(min=10, max=1000, description="steps", layout=_wide()),
        }
        return {key: self._observe(key, ctl) for key, ctl in c.items()}

    def _layout(self):
        w, c = self._w, list(self.controls.values())
        self._board = w.HTML()
        return w.VBox([w.HBox(c[:2]), w.HBox(c[2:]), self._message, self._figure_view("race.figure"),
                       self._frame_controls(), self._board])

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
    """A learning-rate schedule next to a constant lr, on the same noisy gradients.

    ``params``: ``surface``, ``optimizer``, ``lr`` (the constant lr, and the schedule's
    starting lr), ``steps``, ``schedule``, ``period``, ``gamma``, ``noise``, ``seed``, ``x0``.
    ``scheduled`` and ``constant`` are the two runs; ``trajectory`` is the scheduled one.
    """

    def __init__(self, surface="valley", optimizer="sgd", lr=0.1, steps=300, schedule="multistep", period=100,
                 gamma=0.1, noise=1.0, seed=0, x0=None):
        super().__init__()
        s = surface if isinstance(surface, Surface) else lookup_surface(surface)
        self._start(dict(surface=s, optimizer=optimizer, lr=lr, steps=steps, schedule=schedule, period=period,
                         gamma=gamma, noise=noise, seed=seed, x0=s.x0 if x0 is None else x0))

    @property
    def scheduled(self):
        """The run under the schedule."""
        return self._result[0]

    @property
    def constant(self):
        """The run at the constant lr."""
        return self._result[1]

    def _gif_runs(self):
        return {"constant": (self.constant, _COLORS["constant"]), "schedule": (self.scheduled, _COLORS["schedule"])}

    @property
    def trajectory(self):
        """The scheduled run."""
        return self.scheduled

    def _merge(self, changes):
        p = super()._merge(changes)
        if "surface" in changes:
            value = changes["surface"]
            p["surface"] = value if isinstance(value, Surface) else lookup_surface(value)
            if "x0" not in changes:
                p["x0"] = p["surface"].x0
        return p

    def _validate(self, p):
        s = p["surface"]
        lr = V.learning_rate(p["lr"])
        if lr <= 0:
            V.fail("lr", p["lr"], "must be > 0: the lr slider is logarithmic")
        return dict(p, optimizer=make_optimizer(p["optimizer"]).name, lr=lr,
                    steps=V.integer("steps", p["steps"], lo=1),
                    schedule=V.choice("schedule", p["schedule"], SCHEDULE_CHOICES),
                    period=V.integer("period", p["period"], lo=1), gamma=V.number("gamma", p["gamma"]),
                    noise=V.number("noise", p["noise"], lo=0.0), seed=V.integer("seed", p["seed"]),
                    x0=tuple(float(v) for v in V.point("x0", p["x0"], s.dim)))

    def _compute(self, p):
        sched = make_schedule(p["schedule"], lr=p["lr"], **schedule_kwargs(p["schedule"], p["period"], p["gamma"],
                                                                          p["steps"]))
        common = dict(x0=p["x0"], steps=p["steps"], noise=p["noise"], seed=p["seed"])
        return (descend(p["surface"], make_optimizer(p["optimizer"], lr=sched), **common),
                descend(p["surface"], make_optimizer(p["optimizer"], lr=p["lr"]), **common))

    def _needs_rebuild(self, old, new):
        return old["surface"] is not new["surface"] or old["steps"] != new["steps"]

    def _build_controls(self):
        w = self._w
        c = {
            "schedule": w.Dropdown(options=SCHEDULE_CHOICES, description="schedule", layout=_wide()),
            "lr": w.FloatLogSlider(min=-4, max=0, step=0.05, description="lr", readout_format=".2e", layout=_wide()),
            "period": w.IntSlider(min=1, max=1000, description="period", layout=_wide()),
            "gamma": w.FloatSlider(min=0.01, max=0.99, step=0.01, description="gamma", layout=_wide()),
            "noise": w.FloatSlider(min=0.0, max=5.0, step=0.1, description="grad noise", layout=_wide()),
            "seed": w.IntSlider(min=0, max=20, description="seed", layout=_wide()),
        }
        return {key: self._observe(key, ctl) for key, ctl in c.items()}

    def _layout(self):
        w = self._w
        self._readout = w.HTML()
        grid = w.GridBox(list(self.controls.values()), layout=w.Layout(grid_template_columns="repeat(3, 310px)"))
        return w.VBox([grid, self._message, self._figure_view(".figure"), self._frame_controls(), self._readout])

    def _control_values(self):
        return {k: self.params[k] for k in self.controls}

    def _control_ranges(self):
        return {"period": (1, self.params["steps"])}

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
