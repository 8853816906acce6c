"""lrviz: interactive teaching notebooks on the learning rate.

The package is laid out by layer, and imports only go downward:

    engine     surfaces, expressions, optimizers, schedules, descent, analysis   numpy only
    training   nets (the digits network), generalization, pbt, ray_pbt         numpy (+ Ray on request)
    pictures   style, canvas, plotting, curves, animation, PBT and fit figures  matplotlib
    explorers  base (the explorer contract) and one module per explorer         ipywidgets
    exercises  checks and one module per notebook (engine and training only)

Importing lrviz loads the engine only and changes nothing global: no rcParams, no seeding,
no pyplot. Everything above the engine loads on first use, under the short names the
notebooks use (``lrviz.plotting``, ``lrviz.nets``, ``lrviz.explore``, ...).

>>> import lrviz
>>> traj = lrviz.descend("parabola", "sgd", x0=(1.0,), lr=0.25, steps=2)
>>> float(traj.final_x[0])
0.25
"""
from .engine import analysis, descent, optimizers, schedules, surfaces
from .engine.analysis import critical_lr, lr_range_test, regime, steps_to_tolerance, sweep
from .engine.descent import Trajectory, descend
from .engine.optimizers import OPTIMIZERS, Optimizer, optimizer
from .engine.schedules import SCHEDULES, schedule
from .engine.surfaces import SURFACES, Surface, surface

__version__ = "0.1.0"

# Short module names -> their home in the layers (the names notebooks and users import).
_MODULES = {
    "expressions": "engine.expressions",
    "nets": "training.nets", "generalization": "training.generalization", "pbt": "training.pbt",
    "ray_pbt": "training.ray_pbt", "sharpness": "training.sharpness", "eos": "training.eos",
    "style": "pictures.style", "canvas": "pictures.canvas", "plotting": "pictures.plotting",
    "curves": "pictures.curves", "animation": "pictures.animation", "pbt_plots": "pictures.pbt_plots",
    "fit_plots": "pictures.fit_plots", "eos_plots": "pictures.eos_plots", "momentum_plots": "pictures.momentum_plots",
    "widgets": "explorers", "racing": "explorers.racing", "fit_widgets": "explorers.fit",
    "pbt_widgets": "explorers.pbt",
    "checks": "exercises.checks",
    "engine": "engine", "training": "training", "pictures": "pictures", "explorers": "explorers",
    "exercises": "exercises",
}
# Public functions above the engine -> the module that defines them.
_NAMES = {
    "use_style": "pictures.style", "style_context": "pictures.style", "color_for": "pictures.style",
    "explore": "explorers", "race": "explorers", "schedule_explorer": "explorers", "Explorer": "explorers",
    "fit_explorer": "explorers", "toy_explorer": "explorers", "training_explorer": "explorers",
    "eos_explorer": "explorers",
}


def __getattr__(name):
    import importlib

    if name in _MODULES:
        return importlib.import_module(f".{_MODULES[name]}", __name__)
    if name in _NAMES:
        return getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
    raise AttributeError(f"module 'lrviz' has no attribute {name!r}")


__all__ = [
    "Surface", "surface", "SURFACES", "Optimizer", "optimizer", "OPTIMIZERS", "schedule",
    "SCHEDULES", "Trajectory", "descend", "regime", "critical_lr", "steps_to_tolerance", "sweep",
    "lr_range_test", "analysis", "descent", "optimizers", "schedules", "surfaces", *_MODULES, *_NAMES,
]
