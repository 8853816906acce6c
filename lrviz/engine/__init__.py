"""The engine: surfaces, optimizers, schedules, descent and analysis. numpy only.

The bottom layer: it imports nothing else from lrviz.
"""
from . import analysis, descent, optimizers, schedules, surfaces, validate

__all__ = ["analysis", "descent", "optimizers", "schedules", "surfaces", "validate"]
