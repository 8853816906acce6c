"""Tests for lrviz.nets: the shipped digits data, the MLP and the batched population."""
import hashlib
import warnings
from collections import Counter

import numpy as np
import pytest

from lrviz import nets


def test_raw_digits_shape_counts_checksum():
    pixels, labels = nets.digits_raw()
    assert pixels.shape == (1797, 64) and pixels.dtype == np.uint8
    assert labels.shape == (1797,) and 0 <= pixels.min() and pixels.max() == 16
    assert tuple(np.bincount(labels)) == nets.DIGITS_CLASS_COUNTS == (178, 182, 177, 183, 181, 182, 181, 179, 174, 180)
    digest = hashlib.sha256(pixels.tobytes() + labels.tobytes()).hexdigest()
    assert digest == nets.DIGITS_SHA256 == "87ff0c9e40dc7e2c0e34e7257799c2e3f3aec1a016363bb11cad869ec428a826"


def test_split_is_fixed_stratified_disjoint_and_covering():
    d = nets.digits()
    assert d is nets.digits()  # cached
    sizes = [len(d.y_train), len(d.y_val), len(d.y_test)]
    assert sizes == [1078, 359, 360] and sum(sizes) == 1797
    pixels, labels = nets.digits_raw()
    rows = Counter()
    for X, y in [(d.X_train, d.y_train), (d.X_val, d.y_val), (d.X_test, d.y_test)]:
        assert X.dtype == np.float64 and X.min() >= 0 and X.max() <= 1 and not X.flags.writeable
        rows.update(zip(map(bytes, np.rint(X * 16).astype(np.uint8)), y.tolist()))
    # the three splits together are exactly the data set, each image once
    assert rows == Counter(zip(map(bytes, pixels), labels.tolist()))
    counts = np.array(nets.DIGITS_CLASS_COUNTS)
    assert np.array_equal(np.bincount(d.y_train), np.round(0.6 * counts))
    assert np.array_equal(np.bincount(d.y_val), np.round(0.2 * counts))


def test_adam_default_reaches_95_percent_test_accuracy():
    r = nets.train(optimizer="adam", lr=1e-3, epochs=30, seed=0)
    assert r.test_acc[-1] >= 0.95
    assert r.train_loss.shape == r.val_acc.shape == (31,)
    assert r.lr.shape == (30 * r.steps_per_epoch,) and np.all(r.lr == 1e-3)
    assert r.train_loss[-1] < r.train_loss[0] / 10
    assert [p.shape for p in r.params] == [(64, 64), (64,), (64, 10), (10,)]
    pred = nets.predict(r.params, nets.digits().X_test)
    assert np.isclose((pred == nets.digits().y_test).mean(), r.test_acc[-1])


def test_same_seed_same_numbers_other_seed_other_numbers():
    a, b = nets.train(epochs=2, seed=3), nets.train(epochs=2, seed=3)
    for x, y in zip(a[:7], b[:7]):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a.val_loss, nets.train(epochs=2, seed=4).val_loss)


def test_population_equals_each_member_trained_alone():
    lrs = np.array([3e-4, 1e-3, 1e-2, 3e-2])
    pop = nets.train_population(lr=lrs, epochs=3, seed=1)
    assert pop.val_acc.shape == (4, 4) and pop.lr.shape == (4, 3 * pop.steps_per_epoch)
    for m, lr in enumerate(lrs):
        alone = nets.train(lr=lr, epochs=3, seed=1)
        for field in ("train_loss", "val_loss", "test_acc", "lr"):
            np.testing.assert_allclose(getattr(pop, field)[m], getattr(alone, field), rtol=0, atol=1e-12)
        for p, q in zip(pop.params, alone.params):
            np.testing.assert_allclose(p[m], q, rtol=0, atol=1e-12)


def test_population_with_one_seed_per_member_and_train_with_array_lr():
    pop = nets.train(lr=[1e-3, 2e-3], seed=0, epochs=1)  # array lr -> population result
    assert pop.val_loss.shape == (2, 2)
    per = nets.train_population(lr=[1e-3, 1e-3], seed=[7, 9], epochs=2)
    for m, s in enumerate((7, 9)):
        alone = nets.train(lr=1e-3, seed=s, epochs=2)
        np.testing.assert_allclose(per.val_loss[m], alone.val_loss, rtol=0, atol=1e-12)


def test_callable_lr_and_schedule_factor_are_evaluated_per_step():
    sched = lambda t: 1e-2 * 0.5 ** (t // 50)  # noqa: E731
    r = nets.train(lr=sched, epochs=2, seed=0)
    np.testing.assert_allclose(r.lr, [sched(t) for t in range(len(r.lr))])
    r2 = nets.train(lr=1e-2, schedule=lambda t: 0.5 ** (t // 50), epochs=2, seed=0)
    np.testing.assert_allclose(r2.lr, r.lr)
    np.testing.assert_allclose(r2.val_loss, r.val_loss, rtol=0, atol=1e-12)


def test_copy_moves_weights_optimizer_state_and_lr():
    pop = nets.Population(lr=[1e-3, 1e-2, 3e-3], seed=0)
    pop.step(1)
    pop.copy(1, 0)
    for p in pop.params:
        np.testing.assert_array_equal(p[0], p[1])
    for st in pop.states:
        for v in st:
            if isinstance(v, np.ndarray):
                np.testing.assert_array_equal(v[0], v[1])
    assert pop.get_hyper()["lr"].tolist() == [1e-2, 1e-2, 3e-3]
    pop.step(1)  # a shared seed means a shared data order: copies stay twins
    np.testing.assert_array_equal(pop.evaluate()[0], pop.evaluate()[1])
    pop.set_hyper(lr=[1e-3, 2e-3, 4e-3])
    assert pop.get_hyper()["lr"].tolist() == [1e-3, 2e-3, 4e-3]


def test_diverging_members_are_quiet_and_scored_as_wrong():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning may reach a notebook
        r = nets.train_population(optimizer="sgd", lr=[1e-1, 1e4, 1e300], epochs=2)
    assert np.isfinite(r.val_loss[0]).all() and r.val_acc[0, -1] > 0.8
    assert r.val_acc[1:, -1].max() < 0.5 and not np.isfinite(r.val_loss[2, -1])
    assert r.val_acc[2, -1] == 0.0  # nan logits count as wrong, not as class 0


def test_deeper_network():
    r = nets.train(hidden=(32, 16), epochs=1)
    assert [p.shape for p in r.params] == [(64, 32), (32,), (32, 16), (16,), (16, 10), (10,)]


@pytest.mark.parametrize("kwargs, exc, name", [
    (dict(lr=-1.0), ValueError, "lr"), (dict(lr=np.nan), ValueError, "lr"), (dict(lr=[[1e-3]]), ValueError, "lr"),
    (dict(epochs=-1), ValueError, "epochs"), (dict(epochs=1.5), TypeError, "epochs"),
    (dict(batch_size=0), ValueError, "batch_size"), (dict(batch_size=2.0), TypeError, "batch_size"),
    (dict(hidden=0), ValueError, "hidden"), (dict(hidden=(64, "a")), TypeError, "hidden"),
    (dict(seed=-2), ValueError, "seed"), (dict(seed=1.5), TypeError, "seed"), (dict(seed=[1.0, 2.0]), TypeError, "seed"),
    (dict(schedule=3), TypeError, "schedule"), (dict(data=object()), TypeError, "data"),
    (dict(optimizer=42), TypeError, "optimizer"), (dict(lr=[1e-3, 1e-2], seed=[1, 2, 3]), ValueError, "seed"),
    (dict(lr=[1e-3, 1e-2], members=3), ValueError, "members"),
    (dict(lr=lambda t: -1.0, epochs=1), ValueError, "lr"), (dict(schedule=lambda t: -1.0, epochs=1), ValueError, "schedule"),
])
def test_bad_arguments_name_the_argument(kwargs, exc, name):
    with pytest.raises(exc, match=rf"^Invalid {name}: "):
        nets.train(**{"epochs": 0, **kwargs})


def test_a_schedule_that_turns_bad_is_caught_at_the_step_it_does():
    with pytest.raises(ValueError, match=r"step 20 gave nan\)$"):
        nets.train(lr=lambda t: np.nan if t >= 20 else 1e-3, epochs=1)


def test_unknown_optimizer_name_is_a_value_error():
    with pytest.raises(ValueError):
        nets.train(optimizer="nope", epochs=0)


def test_bad_copy_and_set_hyper():
    pop = nets.Population(lr=[1e-3, 1e-2])
    with pytest.raises(ValueError, match=r"^Invalid dst: \[5\] "):
        pop.copy(0, 5)
    with pytest.raises(ValueError, match=r"^Invalid dst: \[0, 1\] "):
        pop.copy([1], [0, 1])
    with pytest.raises(TypeError, match=r"^Invalid src: \[0.5\] "):
        pop.copy(0.5, 1)
    with pytest.raises(ValueError, match=r"^Invalid lr: \[0.001, 0.001, 0.001\] \(must be a finite number >= 0 or 2 of them"):
        pop.set_hyper(lr=[1e-3, 1e-3, 1e-3])
    np.testing.assert_array_equal(pop.lr, [1e-3, 1e-2])  # a rejected set_hyper changed nothing
