"""Exercises of notebook 08 (Adam): the answers are computed with lrviz."""
import numpy as np

from . import checks
from ..engine.descent import descend
from ..engine.optimizers import optimizer


def uncorrected_first_step(betas=(0.8, 0.99)):
    """First Adam step without bias correction, in units of lr: m_1 / sqrt(v_1) on one coordinate."""
    t = descend("parabola", optimizer("adam", betas=betas, eps=0.0), x0=(1.0,), steps=1, lr=1.0)
    m1, v1 = t.state["exp_avg"][1, 0], t.state["exp_avg_sq"][1, 0]
    return float(abs(m1) / np.sqrt(v1))


def q1(answer):
    return checks.check_number(answer, uncorrected_first_step(), rtol=0.01,
                               hint="m_1 = (1 - beta1) g_1 and v_1 = (1 - beta2) g_1^2; take m_1 / sqrt(v_1) / sign(g_1).",
                               explain="(1 - 0.8) / sqrt(1 - 0.99) = 0.2 / 0.1 = 2: twice lr.")


def first_y_step(lr=0.05):
    t = descend("valley", "adam", steps=1, lr=lr)
    return float(abs(t.x[1, 1] - t.x[0, 1]))


def q2(answer):
    return checks.check_number(answer, first_y_step(), rtol=0.01,
                               hint="With bias correction the first step is lr * sign(g) per coordinate: "
                                    "the gradient's size does not matter.",
                               explain="m_hat_1 / sqrt(v_hat_1) = sign(g_1), so the step is exactly lr = 0.05.")


def faster_beta1(lr=0.1, steps=200):
    from ..engine.analysis import steps_to_tolerance
    n = {}
    for b in (0.0, 0.9):
        s = steps_to_tolerance(descend("valley", optimizer("adam", betas=(b, 0.999)), lr=lr, steps=steps), 1e-6)
        n[b] = np.inf if s is None else s
    return "beta1=0" if n[0.0] < n[0.9] else "beta1=0.9"


def q3(answer):
    return checks.check_choice(answer, faster_beta1(), ["beta1=0", "beta1=0.9"],
                               hint="Run both and print analysis.steps_to_tolerance(traj, 1e-6); "
                                    "momentum makes the path overshoot the valley floor.",
                               explain="Without momentum Adam walks straight in; with beta1 = 0.9 it overshoots "
                                       "and swings in y before settling.")
