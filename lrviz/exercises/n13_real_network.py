"""Exercises of notebook 13 · A real network. Expected answers are computed with lrviz."""
from __future__ import annotations

import numbers

import numpy as np

from ..engine import analysis
from ..training import nets
from .checks import check_choice, check_number
from ..engine.optimizers import OPTIMIZERS
from ..engine.schedules import schedule

__all__ = ["q1", "q2", "q3", "range_test_ramp"]

ADAM_LRS = (1e-4, 1e-3, 1e-2, 1e-1)


def _is_number(answer):
    return (isinstance(answer, numbers.Real) and not isinstance(answer, (bool, np.bool_))
            and bool(np.isfinite(answer)))


def range_test_ramp(lr_min=1e-5, lr_max=1.0, epochs=20, batch_size=32):
    """The exponential lr ramp of the notebook's range test: ``lrviz.schedule("exponential", ...)``.

    lr_t = lr_min * gamma**t with gamma = (lr_max / lr_min) ** (1 / (S - 1)) over
    S = epochs * steps_per_epoch steps, so the last step uses lr_max.
    """
    steps = epochs * (-(-len(nets.digits().y_train) // batch_size))
    return schedule("exponential", lr=lr_min, gamma=(lr_max / lr_min) ** (1 / (steps - 1)))


def q1(answer):
    """Which of Adam's lrs 1e-4, 1e-3, 1e-2, 1e-1 has the best validation accuracy after 30 epochs?"""
    if not _is_number(answer):
        return check_number(answer, 0.0, hint="Read the validation column of the Adam table.")
    r = nets.train(optimizer="adam", lr=np.array(ADAM_LRS), epochs=30)
    expected = ADAM_LRS[int(np.argmax(r.val_acc[:, -1]))]
    return check_number(answer, expected, rtol=0.01,
                        hint="Pick by validation accuracy (not test, not training loss).",
                        explain=f"lr = {expected:g}: on this small network Adam's best lr is larger than the "
                                "1e-3 the tutorial found on its dog-breed network.")


def q2(answer):
    """Which optimizer has the lowest validation accuracy after 30 epochs at lr = 1e-3 (defaults otherwise)?"""
    if str(answer).strip().lower() not in OPTIMIZERS:  # not a name: say so before training anything
        return check_choice(answer, OPTIMIZERS[0], list(OPTIMIZERS))
    r = {name: nets.train(optimizer=name, lr=1e-3, epochs=30).val_acc[-1] for name in OPTIMIZERS}
    expected = min(r, key=r.get)
    return check_choice(answer, expected, list(OPTIMIZERS),
                        hint="Look at the one-lr table; then at each optimizer's default lr in torch.",
                        explain=f"{expected}: its update is rescaled so that torch's default lr is 1.0; at 1e-3 "
                                "it barely moves. One shared lr is unfair to it.")


def q3(answer):
    """The learning rate at the minimum of the smoothed loss in the notebook's range test (beta = 0.5)."""
    if not _is_number(answer):
        return check_number(answer, 0.0, hint="It is 10 x lr_min_div10 of the RangeTestResult.")
    r = nets.train(optimizer="adam", lr=range_test_ramp(), epochs=20)
    lrs = r.lr[r.steps_per_epoch - 1::r.steps_per_epoch]
    rt = analysis.range_test_from_losses(lrs, r.train_loss[1:], beta=0.5)
    expected = 10 * rt.lr_min_div10
    return check_number(answer, expected, rtol=0.05,
                        hint="range_test_from_losses returns lr_min_div10: the lr of the smoothed minimum over 10.",
                        explain=f"{expected:.3g}: the loss is lowest there; the classic rule then divides by 10.")
