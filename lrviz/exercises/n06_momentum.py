"""Exercises of notebook 06 · Momentum. Expected answers are computed with lrviz's engine."""
from __future__ import annotations

from ..engine import analysis, descent, linear, optimizers, surfaces
from .checks import check_number, check_update_rule

__all__ = ["q1", "q2", "q3", "q4", "terminal_step"]


def terminal_step(lr, momentum, grad=1.0, steps=2000):
    """The step size PyTorch's momentum reaches on a constant gradient, measured with ``descend``.

    On ``f(x) = grad * x`` the buffer is ``b_t = grad (1 - mu^t) / (1 - mu)``, so the steps grow
    to ``lr * grad / (1 - mu)``. Returns the last step's size ``x_{T-1} - x_T``.

    >>> round(terminal_step(0.01, 0.9), 6)
    0.1
    """
    s = surfaces.Surface.from_expression(f"{float(grad)!r}*x")
    x = descent.descend(s, optimizers.optimizer("momentum", momentum=momentum), x0=(0.0,),
                        lr=lr, steps=steps).x[:, 0]
    return float(x[-2] - x[-1])


def q1(answer):
    """Constant gradient 2 (f(x) = 2x), PyTorch momentum with lr = 0.05 and mu = 0.75: the size of the steps after many steps."""
    hp = optimizers.optimizer("momentum", lr=0.05, momentum=0.75).hyperparams
    expected = hp["lr"] * 2.0 / (1.0 - hp["momentum"])   # terminal_step measures the same with descend
    return check_number(answer, expected, rtol=0.01,
                        hint="The buffer b = mu b + g stops growing when b = mu b + g, i.e. b = g / (1 - mu). "
                             "The step is lr times that.",
                        explain=f"b -> g / (1 - mu) = 2 / 0.25 = 8, and the step lr b = 0.05 x 8 = {expected:.3g}.")


def q2(answer):
    """The largest stable lr of PyTorch's Nesterov momentum (mu = 0.6) on valley(kappa=50)."""
    opt = optimizers.optimizer("nesterov", momentum=0.6)
    expected = analysis.critical_lr(surfaces.surface("valley", kappa=50.0), opt)
    return check_number(answer, expected, rtol=0.02,
                        hint="The steepest direction has curvature lam = kappa = 50. Nesterov is stable for "
                             "lr lam < 2 (1 + mu) / (1 + 2 mu).",
                        explain=f"2 (1.6) / (2.2 x 50) = {expected:.4g} (heavy ball with the same mu would allow 0.064).")


def q3(answer):
    """Polyak's best heavy-ball momentum for a valley with condition number kappa = 400."""
    expected = linear.tuned_heavy_ball(1.0, 400.0)[1]
    return check_number(answer, expected, rtol=0.005,
                        hint="mu* = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2: both the flattest and the steepest "
                             "direction are critically damped.",
                        explain=f"((20 - 1) / (20 + 1))^2 = {expected:.4f}; its rate 19/21 = 0.905 per step "
                                f"against 399/401 = 0.995 for the best plain GD: about 20 = sqrt(400) times fewer steps.")


def q4(answer):
    """Write PyTorch's momentum update as momentum_step(x, grad, state, lr, momentum) -> new x."""
    return check_update_rule(answer, "momentum", lr=0.1, momentum=0.9,
                             hint="Keep the buffer in state (start it at zero, or at the first gradient): "
                                  "buf = momentum * buf + grad, then return x - lr * buf.",
                             explain="buf <- momentum * buf + grad; x <- x - lr * buf: PyTorch's "
                                     "SGD(momentum=...), the same numbers as lrviz.optimizer(\"momentum\").")
