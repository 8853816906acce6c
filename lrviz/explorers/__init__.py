"""Explorers: sliders wired to descend() and the pictures. No math here.

``explore()`` gives one descent with every control; ``race()`` several optimizers on one
surface; ``schedule_explorer()`` a schedule against a constant learning rate on noisy
gradients; ``fit_explorer()``, ``toy_explorer()`` and ``training_explorer()`` the
generalization and PBT pictures; ``eos_explorer()`` the edge of stability on digits. They share :class:`~lrviz.explorers.base.BaseExplorer`,
whose docstring is the explorer contract.
"""
import importlib

# name -> submodule that defines it, loaded on first use (a race needs no PBT code).
_WHERE = {
    "BaseExplorer": "base", "SCHEDULE_CHOICES": "base",
    "Explorer": "explorer", "explore": "explorer", "readout": "explorer",
    "Race": "racing", "race": "racing", "ScheduleExplorer": "racing", "schedule_explorer": "racing",
    "RACE_OPTIMIZERS": "racing", "TUNING_GRID": "racing",
    "Fit": "fit", "FitExplorer": "fit", "fit_explorer": "fit",
    "EoSExplorer": "eos", "eos_explorer": "eos",
    "ToyExplorer": "pbt", "toy_explorer": "pbt", "TrainingExplorer": "pbt", "training_explorer": "pbt",
}


def __getattr__(name):
    if name not in _WHERE:
        raise AttributeError(f"module 'lrviz.explorers' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)


__all__ = list(_WHERE)
