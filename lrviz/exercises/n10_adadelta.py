"""Exercises of notebook 10 (Adadelta): the answers are computed with lrviz."""
import numpy as np

from . import checks
from ..engine.descent import descend
from ..engine.optimizers import optimizer
from ..engine.surfaces import Surface


def first_step(rho=0.95, eps=1e-6):
    t = descend("valley", optimizer("adadelta", rho=rho, eps=eps), steps=1)
    return float(abs(t.x[1, 0] - t.x[0, 0]))


def q1(answer):
    return checks.check_number(answer, first_step(), rtol=0.02,
                               hint="At t = 1, E[dx^2] = 0: the step is sqrt(eps) / sqrt((1 - rho) g^2 + eps) * |g| "
                                    "with g = -1.8, roughly sqrt(eps / (1 - rho)).",
                               explain="About sqrt(1e-6 / 0.05) = 0.0045, whatever the gradient's size.")


def scaled_valley(S):
    return Surface.from_expression(f"0.5*((x/{S:g})**2 + 10*(y/{S:g})**2)",
                                   bounds=((-2 * S, 2 * S), (-2 * S, 2 * S)), x0=(-1.8 * S, 0.8 * S))


def path_gap(S, opt, lr, opt_scaled=None, lr_scaled=None, steps=200):
    """Largest distance between the original valley path and the scaled surface's path divided by S."""
    a = descend(scaled_valley(1.0), opt, lr=lr, steps=steps)
    b = descend(scaled_valley(S), opt_scaled or opt, lr=lr if lr_scaled is None else lr_scaled, steps=steps)
    return float(np.abs(b.x / S - a.x).max())


def sgd_lr_for_scale(S=5.0, lr=0.1):
    """SGD's lr carries units of x^2: the same path needs lr * S^2 (checked in the tests with path_gap)."""
    return lr * S ** 2


def q2(answer):
    return checks.check_number(answer, sgd_lr_for_scale(), rtol=0.01,
                               hint="g = df/dx shrinks by S and the step must grow by S: lr must grow by S * S.",
                               explain="lr * S^2 = 0.1 * 25 = 2.5: SGD's learning rate has units of x^2.")


def first_step_scaled(S=2.0):
    """Adadelta's (torch defaults) first x step on the S-times-wider valley, in the new units."""
    t = descend(scaled_valley(S), "adadelta", steps=1)
    return float(abs(t.x[1, 0] - t.x[0, 0]))


def q3(answer):
    """Adadelta's first x step on the twice-wider valley, converted back to the original units."""
    expected = first_step_scaled(2.0) / 2.0
    return checks.check_number(answer, expected, rtol=0.02,
                               hint="The first step is sqrt(eps) |g| / sqrt((1 - rho) g^2 + eps). On the wider "
                                    "valley g is smaller, but is it small next to eps? Work out the step in the "
                                    "new units first, then divide by 2.",
                               explain="0.0016: in the new units the first step is sqrt(eps / (1 - rho)) = 0.0032, "
                                       "the same number as on the original valley, because it does not know the "
                                       "units. Back in the original units that is half the original step, so "
                                       "Adadelta crosses the wider valley half as fast: not unit-free.")


def q4(adadelta_step):
    """The student's PyTorch Adadelta update, checked on random inputs."""
    return checks.check_update_rule(adadelta_step, "adadelta", lr=1.0, rho=0.9, eps=1e-6,
                                    hint="Keep E[g^2] and E[dx^2] in state (zeros at first). "
                                         "E[g^2] = rho E[g^2] + (1 - rho) g^2; "
                                         "dx = sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps) * g; "
                                         "E[dx^2] = rho E[dx^2] + (1 - rho) dx^2; return x - lr * dx.",
                                    explain="That is torch.optim.Adadelta's rule (no weight decay).")
