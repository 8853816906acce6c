"""Notebook 11's exercise checks, and the finish line they use (a finish the run keeps)."""
import numpy as np
import pytest

import lrviz
from lrviz import analysis
from lrviz.exercises import n11_optimizer_race as ex
from lrviz.engine.analysis import TUNING_GRID


def test_touching_is_not_finishing():
    # Adam with a big lr touches the tolerance on Rosenbrock, then leaves it for good
    t = lrviz.descend("rosenbrock", "adam", lr=TUNING_GRID[51], steps=1000)   # lr ~ 1.78
    assert analysis.steps_to_tolerance(t, 1e-6) == 435
    assert analysis.steps_to_tolerance(t, 1e-6, stay=True) is None
    assert ex.finish(t) is None
    assert float(t.final_loss) > 1.0


def test_q1(capsys):
    # RMSProp touches first (step 10) but SGD is the first to stay below the line at lr = 0.1
    rms = lrviz.descend("valley", "rmsprop", lr=0.1, steps=300)
    assert analysis.steps_to_tolerance(rms, 1e-6) == 10
    assert ex.finish(rms) == 235
    assert ex.finish(lrviz.descend("valley", "sgd", lr=0.1, steps=300)) == 68
    assert ex.shared_winner() == "sgd"
    # the exercise asks about lr = 0.03, which the notebook does not print: RMSProp wins there
    assert ex.shared_winner("valley", lr=0.03, steps=300) == "rmsprop"
    assert ex.q1("rmsprop") and ex.q1(" RMSProp ")
    assert not ex.q1("sgd") and not ex.q1("momentum")
    assert not ex.q1(None)
    assert "Write your answer" in capsys.readouterr().out


def test_q2():
    assert ex.finishers() == 0                       # what the notebook prints: 1000 steps at lr 0.01
    assert ex.finishers("rosenbrock", lr=0.001, steps=1000) == 0
    assert ex.finishers("rosenbrock", lr=0.001, steps=5000) == 1
    assert ex.q2(1) and ex.q2(1.0)
    assert not ex.q2(0) and not ex.q2(2)
    assert not ex.q2(None)


def test_q3():
    assert ex.tuned_adam_lr("beale", steps=500) == pytest.approx(0.562, rel=1e-3)
    # the bigger lr 1.47 touches sooner but keeps its finish later than 0.562
    t = lrviz.descend("beale", "adam", lr=TUNING_GRID[50], steps=500)
    assert (analysis.steps_to_tolerance(t, 1e-6), ex.finish(t)) == (117, 175)
    assert ex.tuned_adam_lr(steps=1000) == pytest.approx(1.21, rel=1e-2)
    assert ex.tuned_adam_lr(steps=2000) == pytest.approx(0.562, rel=1e-3)
    assert ex.longer_budget_lr() == "smaller"
    assert ex.q3("smaller")
    assert not ex.q3("larger") and not ex.q3("same")


def test_sweep_ranks_by_a_kept_finish():
    # the static tuned table of the notebook reads sweep(...).steps_to_tol (stay=True)
    sw = analysis.sweep("beale", "adam", lrs=TUNING_GRID, steps=500, tol=1e-6)
    i = int(np.flatnonzero(TUNING_GRID == sw.best_lr)[0])
    assert sw.steps_to_tol[i] == 164
