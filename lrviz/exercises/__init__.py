"""One module of exercise checks per notebook: ``from lrviz.exercises import n04_bad_learning_rates as ex``.

``checks`` holds what every exercise uses: ``check_number``, ``check_choice`` and
``check_update_rule`` (a student's update function against ``lrviz.optimizer``), the verdicts
they record for ``python3 run.py grade``, and the ``KEY`` sentinel the answer key is built with.
"""
