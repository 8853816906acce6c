"""Exercises of notebook 13 · A real network. Expected answers are computed with lrviz."""
from __future__ import annotations

import numbers

import numpy as np

from ..engine import analysis
from ..training import nets
from .checks import check_choice, check_number
from ..engine.optimizers import OPTIMIZERS
from ..engine.schedules import schedule

__all__ = ["q1", "q2", "q3", "range_test_ramp", "sgd_range_test"]

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
    """Final validation accuracy of Adam with hidden = 16 at lr = 1e-2 after 30 epochs."""
    hint = ("Run nets.train(optimizer='adam', lr=1e-2, epochs=30, hidden=16) and read val_acc[-1] (three "
            "decimals are enough).")
    if not _is_number(answer):
        return check_number(answer, 0.0, hint=hint)
    expected = float(nets.train(optimizer="adam", lr=1e-2, epochs=30, hidden=16).val_acc[-1])
    return check_number(answer, expected, rtol=0.0, atol=0.0015, hint=hint,
                        explain=f"{expected:.3f}: a little below the 64-unit network's at the same lr. A quarter "
                                "of the hidden units cost about one validation image in 100 here.")


def q2(answer):
    """Which optimizer has the lowest validation accuracy after 30 epochs at lr = 1e-3, with hidden = 16?"""
    if str(answer).strip().lower() not in OPTIMIZERS:  # not a name: say so before training anything
        return check_choice(answer, OPTIMIZERS[0], list(OPTIMIZERS))
    r = {name: nets.train(optimizer=name, lr=1e-3, epochs=30, hidden=16).val_acc[-1] for name in OPTIMIZERS}
    expected = min(r, key=r.get)
    return check_choice(answer, expected, list(OPTIMIZERS),
                        hint="Think of each optimizer's natural scale (torch's default lr) before you run it: "
                             "which one is furthest from 1e-3?",
                        explain=f"{expected}: its update is rescaled so that torch's default lr is 1.0; at 1e-3 "
                                "it barely moves, whatever the size of the network. One shared lr is unfair to it.")


def sgd_range_test(epochs=20):
    """The range test of exercise 3: plain SGD on an exponential ramp from 1e-4 to 10 (beta = 0.5)."""
    r = nets.train(optimizer="sgd", lr=range_test_ramp(lr_min=1e-4, lr_max=10.0, epochs=epochs), epochs=epochs)
    lrs = r.lr[r.steps_per_epoch - 1::r.steps_per_epoch]
    return analysis.range_test_from_losses(lrs, r.train_loss[1:], beta=0.5)


def q3(answer):
    """SGD's range test (ramp 1e-4 -> 10 over 20 epochs): the lr at the minimum of the smoothed loss."""
    hint = ("Build the ramp with ex.range_test_ramp(lr_min=1e-4, lr_max=10.0, epochs=20), train SGD on it, and "
            "pass the per-epoch lrs and losses to analysis.range_test_from_losses(..., beta=0.5), as above; "
            "the smoothed minimum is at 10 x lr_min_div10.")
    if not _is_number(answer):
        return check_number(answer, 0.0, hint=hint)
    expected = 10 * sgd_range_test().lr_min_div10
    return check_number(answer, expected, rtol=0.05, hint=hint,
                        explain=f"{expected:.3g}: far to the right of Adam's 0.031. The range test finds each optimizer's own "
                                "decade; the sweep's best SGD lr (1) is again within a few times of it.")
