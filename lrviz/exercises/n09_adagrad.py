"""Exercises of notebook 09 (Adagrad): the answers are computed with lrviz."""
from . import checks
from ..engine import sparse
from ..engine.descent import descend
from ..engine.optimizers import optimizer
from ..engine.surfaces import Surface


def effective_lr_on_slope(slope=3.0, lr=0.01, t=100):
    s = Surface.from_expression(f"{slope:g}*x", bounds=((-10, 10),), x0=(0.0,))
    return float(descend(s, "adagrad", lr=lr, steps=t).derived()["effective_lr"][t, 0])


def q1(answer):
    return checks.check_number(answer, effective_lr_on_slope(), rtol=0.02,
                               hint="G_t = t g^2 when the gradient is always g, so the effective lr is lr / sqrt(t g^2).",
                               explain="0.01 / sqrt(100 * 9) = 0.01 / 30 = 3.3e-4.")


def unseen_effective_lr(lr=0.01):
    """Adagrad's (torch defaults) effective lr for a weight that has had only zero gradients."""
    t = sparse.feed(optimizer("adagrad", lr=lr), [[1.0, 0.0]] * 3)
    return float(t.derived()["effective_lr"][-1, 1])


def q2(answer):
    return checks.check_number(answer, unseen_effective_lr(), rtol=0.01,
                               hint="The effective lr is lr / (sqrt(G) + eps). What is G for a weight whose "
                                    "gradients were all 0? PyTorch's eps is 1e-10.",
                               explain="G = 0, so lr / eps = 0.01 / 1e-10 = 1e8. Harmless: it multiplies a "
                                       "gradient of 0. The first real gradient g then gives a step of "
                                       "lr g / |g| = lr, whatever its size.")


def rare_over_frequent(p=0.01, lr=0.3, steps=5000, noise=0.5, seed=0):
    """Adagrad's effective lr of the rare weight y over that of x at the end of the sparse stream."""
    t = sparse.sparse_descend("adagrad", p=p, lr=lr, steps=steps, noise=noise, seed=seed)
    eff = t.derived()["effective_lr"][-1]
    return float(eff[1] / eff[0])


def q3(answer):
    return checks.check_number(answer, rare_over_frequent(), rtol=0.1,
                               hint="Run sparse.sparse_descend('adagrad', p=0.01, lr=0.3, steps=5000, noise=0.5, "
                                    "seed=0) and divide the last row of derived()['effective_lr'].",
                               explain="About 6.3, below the rule of thumb sqrt(5000 / 51) = 9.9: y moves only "
                                       "when its feature appears, so it stays far from 1 for longer, and its "
                                       "few gradients are larger than x's noise. They keep G_y above 51 sigma^2.")


def q4(adagrad_step):
    """The student's PyTorch Adagrad update, checked on random inputs."""
    return checks.check_update_rule(adagrad_step, "adagrad", lr=0.01, eps=1e-10,
                                    hint="Keep the running sum of grad**2 in state (start at zeros): "
                                         "sum = sum + grad**2, then x - lr * grad / (sqrt(sum) + eps).",
                                    explain="That is torch.optim.Adagrad's rule (no lr_decay, no weight decay).")
