"""Exercises of notebook 09 (Adagrad): the answers are computed with lrviz."""
from . import checks
from ..engine.analysis import steps_to_tolerance
from ..engine.descent import descend
from ..engine.surfaces import Surface, surface


def effective_lr_on_slope(slope=3.0, lr=0.01, t=100):
    s = Surface.from_expression(f"{slope:g}*x", bounds=((-10, 10),), x0=(0.0,))
    return float(descend(s, "adagrad", lr=lr, steps=t).derived()["effective_lr"][t, 0])


def q1(answer):
    return checks.check_number(answer, effective_lr_on_slope(), rtol=0.02,
                               hint="G_t = t g^2 when the gradient is always g, so the effective lr is lr / sqrt(t g^2).",
                               explain="0.01 / sqrt(100 * 9) = 0.01 / 30 = 3.3e-4.")


def sparse_ratio(p=0.01, lr=0.5):
    eff = descend(surface("sparse", p=p), "adagrad", lr=lr, steps=1).derived()["effective_lr"]
    return float(eff[1, 1] / eff[1, 0])


def q2(answer):
    return checks.check_number(answer, sparse_ratio(), rtol=0.02,
                               hint="After one step sqrt(G) = |g| per coordinate; compare |g_x| and |g_y| at the start.",
                               explain="y's gradient is p = 0.01 times x's, so its effective lr is 1/p = 100 times larger.")


def sgd_steps(lr=1.0):
    return steps_to_tolerance(descend("sparse", "sgd", lr=lr, steps=2000), 1e-6)


def q3(answer):
    return checks.check_number(answer, sgd_steps(), rtol=0.0, atol=0.5,
                               hint="Run analysis.steps_to_tolerance(lrviz.descend('sparse', 'sgd', lr=1.0, steps=2000), 1e-6).",
                               explain="x is solved in one step; y's error shrinks by 0.95 per step, "
                                       "and the loss 0.025 (0.95^t * 2)^2 drops below 1e-6 only after ~113 steps.")
