"""One module per optimizer family: its update rule, defaults, ranges, sliders and
"look inside" quantities together (``sgd``: sgd / momentum / nesterov, ``rmsprop``,
``adagrad``, ``adadelta``, ``adam``: adam / adamw; ``base``: what they share).

Adding an optimizer means one new module here with a ``SPECS`` tuple, listed in
``lrviz.engine.optimizers.MODULES``, plus its golden references in ``tests/golden``.
"""
