"""A tiny numpy network and the real data set used in the notebooks.

``digits()`` loads the 8x8 handwritten digits shipped inside the package (no
download), ``train()`` trains a small ReLU MLP on them with lrviz's own
optimizers, and ``Population`` trains N such networks side by side as one
batched numpy computation (one learning rate and one optimizer state per
member), which is what ``train_population()`` and ``lrviz.pbt`` build on.

Everything is float64 and deterministic: the same seed gives the same numbers.
"""
from __future__ import annotations

import dataclasses
import numbers
from importlib import resources
from typing import NamedTuple

import numpy as np

from ..engine import validate as V

__all__ = ["Digits", "digits", "digits_raw", "TrainResult", "Population",
           "train", "train_population", "predict", "rounding_sensitivity", "DIGITS_CLASS_COUNTS", "DIGITS_SHA256"]

#: Images per class 0..9 in the shipped file (1,797 in all).
DIGITS_CLASS_COUNTS = (178, 182, 177, 183, 181, 182, 181, 179, 174, 180)
#: sha256 of ``pixels.tobytes() + labels.tobytes()`` (uint8, C order), see ``digits_raw``.
DIGITS_SHA256 = "87ff0c9e40dc7e2c0e34e7257799c2e3f3aec1a016363bb11cad869ec428a826"

_SPLIT = (0.6, 0.2, 0.2)
_CACHE: dict = {}


class Digits(NamedTuple):
    """The digits split: X_* are (n, 64) floats in [0, 1], y_* are (n,) ints 0..9."""
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def digits_raw() -> tuple[np.ndarray, np.ndarray]:
    """The shipped data as stored: pixels (1797, 64) uint8 in 0..16, labels (1797,) uint8.

    Source: Alpaydin & Kaynak, "Optical Recognition of Handwritten Digits", UCI
    ML repository dataset 80 (CC BY 4.0), as bundled with scikit-learn; see
    ``lrviz/data/DIGITS_README.md``. The arrays are read-only and cached.

    >>> pixels, labels = digits_raw()
    >>> pixels.shape, int(pixels.max()), int(labels[:5].sum())
    ((1797, 64), 16, 10)
    """
    if "raw" not in _CACHE:
        with resources.files("lrviz").joinpath("data/digits.npz").open("rb") as fh:
            with np.load(fh) as z:
                pixels, labels = z["X"], z["y"]
        for a in (pixels, labels):
            a.flags.writeable = False
        _CACHE["raw"] = pixels, labels
    return _CACHE["raw"]


def digits() -> Digits:
    """The real 8x8 digits, split 60/20/20 into train/val/test, stratified and fixed.

    Split: for each class c = 0..9 in turn, one shared ``np.random.default_rng(0)``
    permutes that class's row indices; the first round(0.6 n_c) go to train, the
    next round(0.2 n_c) to validation, the rest to test. Each split is then
    sorted by original row index. Sizes: 1078 train, 359 val, 360 test.
    Pixels are scaled as X = pixels / 16. Cached: every call returns the same
    read-only arrays.

    >>> d = digits()
    >>> d.X_train.shape, len(d.y_val), len(d.y_test), round(float(d.X_train.mean()), 3)
    ((1078, 64), 359, 360, 0.304)
    """
    if "split" not in _CACHE:
        pixels, labels = digits_raw()
        rng = np.random.default_rng(0)
        parts: list[list[np.ndarray]] = [[], [], []]
        for c in range(10):
            idx = rng.permutation(np.flatnonzero(labels == c))
            n_tr, n_va = round(_SPLIT[0] * len(idx)), round(_SPLIT[1] * len(idx))
            for part, sl in zip(parts, (slice(0, n_tr), slice(n_tr, n_tr + n_va), slice(n_tr + n_va, None))):
                part.append(idx[sl])
        out = []
        for part in parts:
            rows = np.sort(np.concatenate(part))
            # labels in numpy's index type (int64 here, int32 in the browser's wasm32), which
            # np.bincount and friends take as it is
            X, y = pixels[rows] / 16.0, labels[rows].astype(np.intp)
            X.flags.writeable = y.flags.writeable = False
            out += [X, y]
        _CACHE["split"] = Digits(*out)
    return _CACHE["split"]


class TrainResult(NamedTuple):
    """History of a training run; a population adds a leading members axis to every array.

    The per-epoch arrays have length epochs + 1: entry 0 is the untrained
    network, entry e the network after e epochs (losses are mean cross-entropy
    over the whole split, not running averages). ``lr`` is the learning rate
    used at each optimizer step; ``params`` is (W1, b1, W2, b2, ...) with W of
    shape (in, out) and b of shape (out,).
    """
    train_loss: np.ndarray
    val_loss: np.ndarray
    test_loss: np.ndarray
    train_acc: np.ndarray
    val_acc: np.ndarray
    test_acc: np.ndarray
    lr: np.ndarray
    params: tuple
    steps_per_epoch: int


# ---------------------------------------------------------------- validation

def _lr_arg(value, name="lr"):
    """-> (base (N,) or None for a scalar, callable or None)."""
    if callable(value):
        return None, value
    return np.asarray(V.lr_or_schedule(value, name), dtype=float), None


def _resolve_optimizer(opt, hyperparams):
    if isinstance(opt, str):
        from lrviz.engine.optimizers import optimizer as make  # imported late: optimizers sits below nets
        return make(opt, **hyperparams)
    if hasattr(opt, "init") and hasattr(opt, "update"):
        if hyperparams:
            V.fail("hyperparameter", sorted(hyperparams)[0], "pass hyperparameters to lrviz.optimizer(), not with an Optimizer", TypeError)
        return opt
    V.fail("optimizer", opt, "must be a name such as 'adam' or an Optimizer", TypeError)


def _hidden_arg(hidden):
    allowed = "must be an integer >= 1 or a non-empty tuple of them"
    sizes = (hidden,) if not isinstance(hidden, (tuple, list)) else tuple(hidden)
    if not sizes:
        V.fail("hidden", hidden, allowed)
    for h in sizes:
        if isinstance(h, (bool, np.bool_)) or not isinstance(h, numbers.Integral):
            V.fail("hidden", hidden, allowed, TypeError)
        if h < 1:
            V.fail("hidden", hidden, allowed)
    return tuple(int(h) for h in sizes)


def _seed_arg(seed):
    """-> 1-D int array of seeds; ``seed`` is an integer >= 0 or a 1-D sequence of them."""
    allowed = "must be an integer >= 0 or a 1-D sequence of them, one per member"
    if np.ndim(seed) == 0:
        seed = seed.item() if isinstance(seed, np.ndarray) else seed
        if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
            V.fail("seed", seed, allowed, TypeError)
        if seed < 0:
            V.fail("seed", seed, allowed)
        return np.array([int(seed)])
    if isinstance(seed, (str, bytes)):
        V.fail("seed", seed, allowed, TypeError)
    seeds = np.asarray(seed)
    if seeds.dtype.kind not in "iu":
        V.fail("seed", seed, allowed, TypeError)
    if seeds.ndim != 1 or seeds.size == 0 or np.any(seeds < 0):
        V.fail("seed", seed, allowed)
    return seeds


# ---------------------------------------------------------------- the network

def _forward(params, X):
    """Logits and the hidden activations kept for backprop; X is (B, in) or (N, B, in)."""
    acts = [X]
    for k in range(0, len(params) - 2, 2):
        h = acts[-1] @ params[k]
        h += params[k + 1]  # in place: these arrays are the big ones at evaluation
        acts.append(np.maximum(h, 0.0, out=h))
    out = acts[-1] @ params[-2]
    out += params[-1]
    return out, acts


def _loss_grads(params, X, Y):
    """Gradients of the mean softmax cross-entropy; Y is one-hot (..., B, C)."""
    logits, acts = _forward(params, X)
    z = logits - logits.max(axis=-1, keepdims=True)  # shift: exp never overflows
    p = np.exp(z)
    p /= p.sum(axis=-1, keepdims=True)
    d = (p - Y) / X.shape[-2]
    grads = [None] * len(params)
    for k in range(len(params) - 2, -1, -2):
        a = acts[k // 2]
        grads[k] = np.swapaxes(a, -1, -2) @ d
        grads[k + 1] = d.sum(axis=-2, keepdims=True)
        if k:
            d = d @ np.swapaxes(params[k], -1, -2)
            np.multiply(d, a > 0, out=d)
    return grads


def _loss_acc(logits, y):
    """Mean cross-entropy and accuracy over the second-to-last axis; nan logits count as wrong."""
    m = logits.max(axis=-1, keepdims=True)
    lse = np.log(np.exp(logits - m).sum(axis=-1)) + m[..., 0]
    picked = np.take_along_axis(logits, np.broadcast_to(y[:, None], logits.shape[:-1] + (1,)), axis=-1)[..., 0]
    acc = (logits.argmax(axis=-1) == y) & np.isfinite(lse)
    return (lse - picked).mean(axis=-1), acc.mean(axis=-1)


def predict(params, X) -> np.ndarray:
    """Predicted class argmax(MLP(X)) for params (W1, b1, ...) of one network or a population.

    >>> r = train(epochs=2)
    >>> round(float((predict(r.params, digits().X_test) == digits().y_test).mean()), 1)
    0.8
    """
    with np.errstate(all="ignore"):
        return _forward([np.asarray(p) for p in params], np.asarray(X, dtype=float))[0].argmax(axis=-1)


class Population:
    """N MLPs trained side by side as one batched computation; the PBT trainable.

    Each member m has weights ``params[k][m]``, its own optimizer state
    (``states[k]``, from ``opt.init``) and its own base learning rate
    ``lr[m]``. At global optimizer step t member m uses
    lr_m(t) = lr[m] * schedule(t)  (schedule is a callable factor, default 1).
    Layers: h = relu(x W1 + b1), ..., logits = h W_L + b_L, loss = mean softmax
    cross-entropy over the minibatch; He init W ~ N(0, 2/fan_in), b = 0.

    Randomness: ``seed`` an int -> every member gets the init and minibatch
    order of ``np.random.default_rng(seed)`` (members differ only by lr);
    ``seed`` a sequence of N ints -> member m gets ``default_rng(seed[m])``.
    Either way member m equals ``train(..., seed=its seed, lr=lr[m])`` run alone.
    Minibatches: each epoch a fresh permutation of the training rows, cut into
    batches of ``batch_size`` (the last one smaller, like torch's DataLoader).

    PBT protocol (see ``lrviz.pbt``): ``size``, ``step(epochs)``,
    ``evaluate() -> (N,) validation accuracy``, ``copy(src, dst)``,
    ``get_hyper() -> {"lr": (N,)}``, ``set_hyper(lr=...)``.

    >>> pop = Population(lr=[1e-3, 1e-2])
    >>> _ = pop.step(3)
    >>> np.round(pop.evaluate(), 1)
    array([0.9, 0.9])
    """

    def __init__(self, data=None, optimizer="adam", lr=1e-3, members=None, seed=0,
                 schedule=None, batch_size=32, hidden=64, **hyperparams):
        self.data = digits() if data is None else data
        if not all(hasattr(self.data, f) for f in Digits._fields):  # (type name: a repr may hold an address)
            raise TypeError(f"Invalid data: <{type(data).__name__} object> (must have {', '.join(Digits._fields)}; "
                            "see lrviz.nets.digits())")
        self.opt = _resolve_optimizer(optimizer, hyperparams)
        base, fn = _lr_arg(lr)
        if schedule is not None and not callable(schedule):
            V.fail("schedule", schedule, "must be None or a callable of the step returning a factor", TypeError)
        factors = [f for f in (fn, schedule) if f is not None]
        self.schedule = None if not factors else factors[0] if len(factors) == 1 else (lambda t: factors[0](t) * factors[1](t))
        self._lr_source = ("lr", fn) if fn is not None else ("schedule", schedule)  # named when it gives a bad lr
        seeds = _seed_arg(seed)
        n_lr = len(base) if base is not None and base.ndim else None
        n_seed = len(seeds) if np.ndim(seed) else None
        if n_lr and n_seed and n_lr != n_seed:
            V.fail("seed", seed, f"must be one seed per member; lr gives {n_lr} members")
        n = n_lr or n_seed
        if members is not None:
            members = V.positive_int("members", members)
            if n is not None and members != n:
                V.fail("members", members, f"must match the {n} members that {'lr' if n_lr else 'seed'} gives")
            n = members
        self.size = n or 1
        self.lr = np.broadcast_to(1.0 if base is None else base, (self.size,)).astype(float)
        self.batch_size = V.positive_int("batch_size", batch_size)
        d = self.data
        self._X, self._Y = np.asarray(d.X_train, float), np.eye(10)[np.asarray(d.y_train)]
        layers = (self._X.shape[1], *_hidden_arg(hidden), 10)
        # one forward pass over all splits per evaluation: cheaper than three
        self._X_all = np.concatenate([np.asarray(d.X_train, float), np.asarray(d.X_val, float), np.asarray(d.X_test, float)])
        self._y_all = np.concatenate([np.asarray(d.y_train), np.asarray(d.y_val), np.asarray(d.y_test)]).astype(np.int64)
        self._cuts = np.cumsum([len(d.y_train), len(d.y_val)])
        n = len(self._X)
        self.steps_per_epoch = -(-n // self.batch_size)
        self._shared = np.ndim(seed) == 0  # one rng drives every member
        self._rngs = [np.random.default_rng(int(s)) for s in (seeds[:1] if self._shared else seeds)]
        per_rng = [[r.standard_normal((i, o)) * np.sqrt(2.0 / i) for i, o in zip(layers[:-1], layers[1:])] for r in self._rngs]
        self.params = []
        for k, (i, o) in enumerate(zip(layers[:-1], layers[1:])):
            W = np.stack([ws[k] for ws in per_rng])
            self.params += [np.ascontiguousarray(np.broadcast_to(W, (self.size, i, o))), np.zeros((self.size, 1, o))]
        self.states = [self.opt.init(p) for p in self.params]
        self.epoch = 0
        self.t = 0  # global optimizer step, the argument of the schedule

    # -- the PBT protocol ---------------------------------------------------
    def step(self, epochs: int = 1) -> np.ndarray:
        """Train every member for ``epochs`` more epochs; returns the lrs used, (N, steps)."""
        epochs = V.integer("epochs", epochs, lo=0)
        S = epochs * self.steps_per_epoch
        ts = np.arange(self.t, self.t + S)
        f = np.ones((S, 1)) if self.schedule is None else np.array([np.broadcast_to(self.schedule(int(t)), (self.size,)) for t in ts], float).reshape(S, -1)
        lrs = self.lr * f  # (S, N)
        bad = ~np.isfinite(lrs) | (lrs < 0)
        if bad.any():  # the message descend gives for a bad schedule
            s_bad, m_bad = np.argwhere(bad)[0]
            name, fn = self._lr_source
            what = "a schedule must give a finite number >= 0 at every step" if name == "lr" else \
                "lr times the schedule's factor must be a finite number >= 0 at every step"
            V.fail(name, fn, f"{what}; step {int(ts[s_bad])} gave {V.show(float(lrs[s_bad, m_bad]))}")
        lr4 = np.ascontiguousarray(lrs)[:, :, None, None]
        n, B, opt = len(self._X), self.batch_size, self.opt
        params, states, s = self.params, self.states, 0
        with np.errstate(all="ignore"):  # a diverging member turns to inf/nan quietly
            for _ in range(epochs):
                order = (self._rngs[0].permutation(n) if self._shared
                         else np.stack([r.permutation(n) for r in self._rngs]))
                for start in range(0, n, B):
                    idx = order[..., start:start + B]
                    grads = _loss_grads(params, self._X[idx], self._Y[idx])
                    for k, g in enumerate(grads):
                        params[k], states[k] = opt.update(g, states[k], params[k], lr4[s])
                    s += 1
        self.epoch += epochs
        self.t += S
        return lrs.T

    def metrics(self, splits=("train", "val", "test")) -> dict:
        """Loss and accuracy of every member on each split: {"train_loss": (N,), ..., "test_acc": (N,)}."""
        bounds = dict(zip(("train", "val", "test"), zip((0, *self._cuts), (*self._cuts, len(self._y_all)))))
        splits = [V.choice("splits", s, tuple(bounds)) for s in ((splits,) if isinstance(splits, str) else splits)]
        lo, hi = min(bounds[s][0] for s in splits), max(bounds[s][1] for s in splits)
        out = {}
        with np.errstate(all="ignore"):
            logits = _forward(self.params, self._X_all[lo:hi])[0]  # one pass over all the rows asked for
            for name in splits:
                a, b = bounds[name]
                out[name + "_loss"], out[name + "_acc"] = _loss_acc(logits[:, a - lo:b - lo], self._y_all[a:b])
        return out

    def evaluate(self) -> np.ndarray:
        """The PBT score of every member: validation accuracy, (N,)."""
        return self.metrics(("val",))["val_acc"]

    def copy(self, src, dst) -> None:
        """Members ``dst`` become copies of members ``src``: weights, optimizer state and lr.

        ``src`` and ``dst`` are ints or equal-length index arrays; all copies read
        the state from before the call. Each member keeps its own data order.
        """
        allowed = f"must be integer member indices in [0, {self.size}), src and dst of one length"
        src, dst = np.atleast_1d(src), np.atleast_1d(dst)
        for name, a in (("src", src), ("dst", dst)):
            if a.dtype.kind not in "iu":
                V.fail(name, a, allowed, TypeError)
            if a.ndim != 1 or a.shape != src.shape or np.any((a < 0) | (a >= self.size)):
                V.fail(name, a, allowed)
        src, dst = src.astype(int), dst.astype(int)

        def cp(a):
            if isinstance(a, np.ndarray) and a.ndim and a.shape[0] == self.size:
                a = a.copy()
                a[dst] = a[src]
            return a
        self.params = [cp(p) for p in self.params]
        self.states = [_map_state(cp, st) for st in self.states]
        self.lr = cp(self.lr)

    def get_hyper(self) -> dict:
        """Current hyperparameters: {"lr": (N,) base learning rates}."""
        return {"lr": self.lr.copy()}

    def set_hyper(self, lr) -> None:
        """Replace the base learning rates with ``lr`` of shape (N,) (or a number)."""
        allowed = f"must be a finite number >= 0 or {self.size} of them, one per member"
        base = np.asarray(V.learning_rates(lr, "lr", allowed), dtype=float)
        if base.size not in (1, self.size):
            V.fail("lr", lr, allowed)
        self.lr = np.broadcast_to(base, (self.size,)).astype(float)


def _map_state(fn, state):
    if dataclasses.is_dataclass(state):
        return dataclasses.replace(state, **{f.name: fn(getattr(state, f.name)) for f in dataclasses.fields(state)})
    if hasattr(state, "_replace"):
        return state._replace(**{k: fn(v) for k, v in state._asdict().items()})
    return fn(state)


def train_population(data=None, optimizer="adam", lr=(1e-3,), epochs=30, seed=0, schedule=None,
                     batch_size=32, hidden=64, members=None, **hyperparams) -> TrainResult:
    """Train N networks in one batched computation; member m uses lr[m] (and seed[m] if given).

    Same rule as ``train`` for each member; results carry a leading members axis.
    With an int seed all members share the init and the minibatch order, so the
    curves differ only by the learning rate.

    >>> r = train_population(lr=[1e-4, 1e-3, 1e-2], epochs=5)
    >>> np.round(r.val_acc[:, -1], 2)
    array([0.22, 0.91, 0.96])
    """
    epochs = V.integer("epochs", epochs, lo=0)
    pop = Population(data, optimizer, lr, members, seed, schedule, batch_size, hidden, **hyperparams)
    hist = [pop.metrics()]
    lrs = []
    for _ in range(epochs):
        lrs.append(pop.step(1))
        hist.append(pop.metrics())
    curves = {k: np.stack([h[k] for h in hist], axis=1) for k in hist[0]}
    lr_hist = np.concatenate(lrs, axis=1) if lrs else np.zeros((pop.size, 0))
    params = tuple(p[:, 0, :] if k % 2 else p for k, p in enumerate(pop.params))
    return TrainResult(lr=lr_hist, params=params, steps_per_epoch=pop.steps_per_epoch,
                       **{k: curves[k] for k in TrainResult._fields[:6]})


def train(data=None, optimizer="adam", lr=1e-3, epochs=30, seed=0, schedule=None,
          batch_size=32, hidden=64, **hyperparams) -> TrainResult:
    """Train the 64-64-10 ReLU MLP on ``data`` (default ``digits()``) with a lrviz optimizer.

    Per minibatch step t (0-based, counted over all epochs):
    params <- opt.update(grad L_batch(params), state, params, lr_t), with
    lr_t = lr(t) when ``lr`` is a callable (e.g. ``lrviz.schedule(...)``),
    else lr; times ``schedule(t)`` when given (a factor, like torch's LambdaLR).
    Evaluating per step matches torch with ``scheduler.step()`` after each
    ``optimizer.step()``. An array ``lr`` trains a population (see
    ``train_population``) and returns arrays with a leading members axis.

    Args:
        data: a ``Digits`` (default ``digits()``).
        optimizer: a name for ``lrviz.optimizer`` (``**hyperparams`` go to it) or an Optimizer.
        lr: number, 1-D array (population) or callable of the step.
        epochs, seed, batch_size, hidden: see ``Population``; hidden may be a tuple.
        schedule: None or a callable of the step returning a multiplier of lr.
    Returns:
        TrainResult: per-epoch losses/accuracies (epochs + 1,), lr per step, params.

    >>> r = train(epochs=30)
    >>> round(float(r.test_acc[-1]), 2) >= 0.95, r.lr.shape
    (True, (1020,))
    """
    base, _ = _lr_arg(lr)
    pop_result = train_population(data, optimizer, lr, epochs, seed, schedule, batch_size, hidden, **hyperparams)
    if base is not None and base.ndim == 1:
        return pop_result
    return pop_result._replace(**{k: getattr(pop_result, k)[0] for k in TrainResult._fields[:7]},
                               params=tuple(p[0] for p in pop_result.params))


def rounding_sensitivity(data=None, eps=1e-12, seed=12345, **train_kwargs):
    """How far the final training loss moves when every input is nudged by a relative ``eps``.

    Trains twice with ``train(**train_kwargs)``: on ``data`` (default ``digits()``) and on a
    copy whose pixels are multiplied by ``1 + eps z`` (z standard normal, seeded). Another CPU
    or BLAS kernel rounds sums differently, by about 1e-16 relative: a nudge of the same kind.
    A stable run keeps it tiny (about eps); a chaotic one (training at too large a learning
    rate) blows it up to order 1, and then its printed digits differ from machine to machine.

    Returns ``|loss' - loss| / loss`` of the final training loss: a float, or one value per
    member when ``lr`` is an array.

    >>> bool(rounding_sensitivity(optimizer="adam", lr=1e-3, epochs=2) < 1e-6)
    True
    """
    d = digits() if data is None else data
    rng = np.random.default_rng(seed)
    nudged = d._replace(**{k: np.asarray(getattr(d, k), float) * (1.0 + eps * rng.standard_normal(np.shape(getattr(d, k))))
                           for k in ("X_train", "X_val", "X_test")})
    a = train(data=d, **train_kwargs).train_loss[..., -1]
    b = train(data=nudged, **train_kwargs).train_loss[..., -1]
    with np.errstate(all="ignore"):
        out = np.abs(b - a) / np.abs(a)
    return float(out) if np.ndim(out) == 0 else out
