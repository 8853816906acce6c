"""Exercises of notebook 08 (Adam): the answers are computed with lrviz."""
import numpy as np

from . import checks
from ..engine.analysis import steps_to_tolerance
from ..engine.descent import descend
from ..engine.optimizers import optimizer
from ..engine.surfaces import surface

#: The learning rates notebook 08 tunes over: 31 values from 1e-3 to 1.
GRID = np.logspace(-3, 0, 31)


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


def best_steps(s, beta1, lrs=GRID, steps=2000, tol=1e-6):
    """(steps, lr): the fastest finish for good of Adam(betas=(beta1, 0.999)) over ``lrs`` (-1: none)."""
    t = descend(s, optimizer("adam", betas=(beta1, 0.999)), lr=lrs, steps=steps)
    kept = steps_to_tolerance(t, tol, stay=True)
    j = int(np.argmin(np.where(kept >= 0, kept, np.iinfo(np.int64).max)))
    return int(kept[j]), float(lrs[j])


def faster_beta1(kappa=100.0, angle=10.0):
    """Which beta1 finishes first on rotated_valley(kappa, angle), each at its best lr of GRID."""
    s = surface("rotated_valley", kappa=kappa, angle=angle)
    n = {b: best_steps(s, b)[0] for b in (0.0, 0.9)}
    n = {b: (v if v >= 0 else np.inf) for b, v in n.items()}
    return "beta1=0" if n[0.0] < n[0.9] else "beta1=0.9"


def q3(answer):
    return checks.check_choice(answer, faster_beta1(), ["beta1=0", "beta1=0.9"],
                               hint="Per-coordinate scaling only helps along the coordinate axes. Run "
                                    "best_steps(lrviz.surface('rotated_valley', kappa=100, angle=10), beta1) "
                                    "from this module for both values of beta1.",
                               explain="beta1 = 0.9 (159 steps against 426): turned by only 10 degrees, the valley "
                                       "is no longer aligned with the axes, and momentum is what speeds up the "
                                       "flat direction again.")


def q4(adam_step):
    """The student's PyTorch Adam update, checked on random inputs."""
    return checks.check_update_rule(adam_step, "adam", lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                                    hint="Keep m, v and the step count t in state. m = b1 m + (1 - b1) g, "
                                         "v = b2 v + (1 - b2) g^2, m_hat = m / (1 - b1^t), "
                                         "v_hat = v / (1 - b2^t), x - lr m_hat / (sqrt(v_hat) + eps).",
                                    explain="That is torch.optim.Adam's rule (no weight decay, no amsgrad).")
