"""lrviz: interactive teaching notebooks on the learning rate.

Math at the bottom (surfaces, optimizers, schedules, descent, analysis), pictures above
it (style, plotting, animation), widgets on top. Importing lrviz changes nothing global:
no rcParams, no seeding, no pyplot; the picture and widget layers load on first use.

>>> import lrviz
>>> traj = lrviz.descend("parabola", "sgd", x0=(1.0,), lr=0.25, steps=2)
>>> float(traj.final_x[0])
0.25
"""
from . import analysis, descent, optimizers, schedules, surfaces
from .analysis import critical_lr, lr_range_test, regime, steps_to_tolerance, sweep
from .descent import Trajectory, descend
from .optimizers import OPTIMIZERS, Optimizer, optimizer
from .schedules import SCHEDULES, schedule
from .surfaces import SURFACES, Surface, surface

__version__ = "0.1.0"

# name -> module that defines it; loaded on first access so `import lrviz` stays light.
_LAZY = {
    "use_style": "style", "style_context": "style", "color_for": "style",
    "explore": "widgets", "race": "widgets", "schedule_explorer": "widgets", "Explorer": "widgets",
    "plotting": None, "animation": None, "style": None, "widgets": None, "nets": None,
    "pbt": None, "checks": None,
}


def __getattr__(name):
    if name not in _LAZY:
        raise AttributeError(f"module 'lrviz' has no attribute {name!r}")
    import importlib

    module = importlib.import_module(f".{_LAZY[name] or name}", __name__)
    return module if _LAZY[name] is None else getattr(module, name)


__all__ = [
    "Surface", "surface", "SURFACES", "Optimizer", "optimizer", "OPTIMIZERS", "schedule",
    "SCHEDULES", "Trajectory", "descend", "regime", "critical_lr", "steps_to_tolerance", "sweep",
    "lr_range_test", *_LAZY,
]
