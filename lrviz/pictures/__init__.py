"""Pictures: styles, the live canvas, static plots, curves, animation and the PBT / fit figures.

matplotlib only: every plotting function takes an Axes and returns its artists. Built on the
engine and training layers; submodules load on first use.
"""
