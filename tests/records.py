"""One comparison of two runs for the tests: number for number, and the same record."""
import numpy as np


def assert_same_run(got, want, *, record=False):
    """``got`` is ``want`` field for field: x, loss, grad and lr (shapes too, NaN equal to NaN),
    every state entry, ``diverged_at``, a single run, and the optimizer's name, convention
    and hyperparameters (a schedule by its repr: each run builds its own). ``record=True``
    also asks for the same surface object, noise and seed."""
    for name in ("x", "loss", "grad", "lr"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name, strict=True)
    assert got.state.keys() == want.state.keys()
    for k in want.state:
        np.testing.assert_array_equal(got.state[k], want.state[k], err_msg=k, strict=True)
    assert got.diverged_at == want.diverged_at and not got.batched and not want.batched
    assert (got.optimizer.name, got.optimizer.convention) == (want.optimizer.name, want.optimizer.convention)

    def shown(hp):
        return {k: repr(v) if callable(v) else v for k, v in hp.items()}

    assert shown(got.optimizer.hyperparams) == shown(want.optimizer.hyperparams)
    if record:
        assert got.surface is want.surface and got.noise == want.noise and got.seed == want.seed
