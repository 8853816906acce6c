"""Population-based training of the digits network on Ray Tune: lrviz's scale-out path.

The same experiment as :func:`lrviz.pbt.digits_pbt` (same 64-64-10 MLP, digits split,
Adam, member inits and starting learning rates), but each member is a Ray Tune trial
and Ray's :class:`~ray.tune.schedulers.PopulationBasedTraining` decides who copies
whom. On one machine it starts a small local Ray; given ``address`` it joins a
cluster. Optional: needs ``pip install -r requirements-ray.txt`` (ray[tune]); Ray is
imported inside the functions, so ``import lrviz`` and ``import lrviz.ray_pbt`` work
without it.

How a round maps onto Tune: one ``Trainable.step()`` trains ``epochs_per_round``
epochs and reports ``val_acc`` (one ``training_iteration``); PBT runs with
``time_attr="training_iteration"``, ``perturbation_interval=1`` and ``synch=True``,
so after every round all members wait for each other, the bottom
``quantile_fraction`` copy a checkpoint of the top (exploit) and perturb ``lr``
(explore), as in ``lrviz.pbt.run``. A checkpoint (``np.savez`` in the checkpoint
directory) holds the weights, the Adam state, the minibatch generator's state and
the id of the trial that wrote it.

Lineage: Ray does not return who was copied where. Each trial reports, with every
result, the trial whose checkpoint it last restored (its own after an ordinary
pause, another one after an exploit), so the lineage comes from the weights that
were really loaded. A driver-side :class:`~ray.tune.Callback` collects lr,
val_acc and that parent per trial and iteration (Tune's result files can lose rows
when trials pause and resume, which PBT does every round).

Differences from ``lrviz.pbt.run`` worth knowing: Ray draws its choices from
Python's ``random`` (this module seeds it for the run and restores it afterwards),
ties in the ranking are broken by trial order, an exploited member also takes over
its parent's minibatch order (it is part of the checkpoint), and how trials are
scheduled onto CPUs is up to Ray.
"""
from __future__ import annotations

import functools
import json
import os
import random
import shutil
import tempfile
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..engine import validate as V

__all__ = ["RayPBTResult", "run_ray_pbt", "replaced_per_round", "save_state", "load_state", "DigitsTrainable",
           "HISTORY_FILE"]

#: Name of the history file the callback also writes into the experiment folder.
HISTORY_FILE = "lrviz_history.json"
_CKPT = "state.npz"


class RayPBTResult(NamedTuple):
    """What :func:`run_ray_pbt` returns; shaped like ``lrviz.pbt.PBTResult``.

    scores[r, m]: member m's validation accuracy after round r.
    hyper["lr"][r, m]: the lr member m trained with during round r.
    parent[r, m]: the member whose checkpoint m started round r from (m itself
    unless Ray's PBT made m copy another member after round r-1; round 0: m).
    population: None (the networks live in Ray's checkpoints, not in this process).
    events: exploit events (round, member, parent): m copied parent before round.
    trial_ids: Ray's trial id of each member. elapsed: seconds inside ``Tuner.fit``.
    """
    scores: np.ndarray
    hyper: dict
    parent: np.ndarray
    population: object
    events: list
    trial_ids: list
    elapsed: float

    @property
    def lr(self) -> np.ndarray:
        return self.hyper["lr"]


def replaced_per_round(members, quantile_fraction=0.25) -> int:
    """How many members Ray's PBT replaces at each synchronous perturbation.

    Ray 2.60 puts ceil(quantile_fraction * N) members in the bottom (and top)
    quantile, at most floor(N / 2), and none when N <= 1; each bottom member
    copies a top one. ``lrviz.pbt.run`` rounds down instead: max(1, floor(truncation * N)).

    >>> replaced_per_round(4), replaced_per_round(6), replaced_per_round(8)
    (1, 2, 2)
    """
    members = V.integer("members", members, lo=0)
    quantile_fraction = V.number("quantile_fraction", quantile_fraction, lo=0.0, hi=0.5)
    if members <= 1:
        return 0
    n = int(np.ceil(members * quantile_fraction))
    return min(n, members // 2)


# ----------------------------------------------------------------- checkpoints

def _state_arrays(pop) -> dict:
    """Arrays of a one-member ``lrviz.nets.Population``: params, optimizer state, rng, counters."""
    out = {f"param{k}": p for k, p in enumerate(pop.params)}
    for k, st in enumerate(pop.states):
        for name, v in st._asdict().items():
            if v is not None:
                out[f"state{k}_{name}"] = np.asarray(v)
    # the minibatch generator: part of the training state, like a sampler's generator in torch
    out["rng"] = np.array(json.dumps(pop._rngs[0].bit_generator.state))
    out["counters"] = np.array([pop.epoch, pop.t], dtype=np.int64)
    return out


def _load_arrays(pop, z) -> None:
    pop.params = [np.array(z[f"param{k}"]) for k in range(len(pop.params))]
    states = []
    for k, st in enumerate(pop.states):
        vals = {}
        for name, v in st._asdict().items():
            key = f"state{k}_{name}"
            if key not in z:
                vals[name] = None
            elif np.ndim(z[key]) == 0 and not isinstance(v, np.ndarray):
                vals[name] = type(v)(z[key][()]) if v is not None else z[key][()].item()
            else:
                vals[name] = np.array(z[key])
        states.append(st._replace(**vals))
    pop.states = states
    pop._rngs[0].bit_generator.state = json.loads(str(z["rng"]))
    pop.epoch, pop.t = (int(v) for v in z["counters"])


def save_state(pop, directory, writer="") -> str:
    """Write a one-member Population into ``directory/state.npz``; returns the file's path."""
    path = os.path.join(directory, _CKPT)
    np.savez(path, writer=np.array(writer), **_state_arrays(pop))
    return path


def load_state(pop, directory) -> str:
    """Load ``directory/state.npz`` into ``pop`` (weights, optimizer state, rng); returns its writer."""
    with np.load(os.path.join(directory, _CKPT)) as z:
        _load_arrays(pop, z)
        return str(z["writer"])


def _population(config):
    from lrviz.training.nets import Population
    return Population(optimizer=config.get("optimizer", "adam"), lr=[float(config["lr"])],
                      seed=[int(config["init_seed"])], hidden=config.get("hidden", 64),
                      batch_size=config.get("batch_size", 32))


# ----------------------------------------------------------------- the trainable

def _trainable_class():
    """Build the Tune Trainable (a subclass of ray.tune.Trainable, so ray is imported here)."""
    from ray import tune

    class DigitsTrainable(tune.Trainable):
        """One PBT member: the digits MLP, ``epochs_per_round`` epochs per ``step()``.

        config: lr (mutated by PBT), init_seed, epochs_per_round, optimizer, hidden,
        batch_size. Reports val_acc, lr and ``restored_from`` (trial id of the last
        checkpoint loaded, or this trial's own id).
        """

        def setup(self, config):
            self.pop = _population(config)
            self.epochs_per_round = int(config["epochs_per_round"])
            self.restored_from = self.trial_id

        def reset_config(self, new_config):  # lets Tune reuse the actor for another trial
            self.setup(new_config)
            return True

        def step(self):
            lr = float(self.config["lr"])
            self.pop.set_hyper(lr=[lr])
            self.pop.step(self.epochs_per_round)
            acc = float(self.pop.evaluate()[0])
            result = {"val_acc": acc if np.isfinite(acc) else 0.0, "lr": lr, "restored_from": self.restored_from,
                      "epoch": int(self.pop.epoch)}
            self.restored_from = self.trial_id
            return result

        def save_checkpoint(self, checkpoint_dir):
            save_state(self.pop, checkpoint_dir, writer=self.trial_id)

        def load_checkpoint(self, checkpoint_dir):
            self.restored_from = load_state(self.pop, checkpoint_dir) or self.trial_id

    return DigitsTrainable


def __getattr__(name):  # ``lrviz.ray_pbt.DigitsTrainable`` imports ray only when asked for
    if name == "DigitsTrainable":
        return _trainable_class()
    raise AttributeError(f"module 'lrviz.ray_pbt' has no attribute {name!r}")


# ----------------------------------------------------------------- the driver side

def _make_recorder(history_path):
    from ray import tune

    class Recorder(tune.Callback):
        """Driver side: {trial_id: {iteration: (lr, val_acc, restored_from)}}, plus trial order."""

        def __init__(self):
            self.order, self.rows = [], {}

        def _member(self, trial):
            # the member index is read once, at the first start: an exploit later
            # replaces the whole config (its "member" too) with the parent's
            tid = trial.trial_id
            if tid not in self.rows:
                self.rows[tid] = {}
                self.order.append((int(trial.config["member"]), tid))
            return tid

        def on_trial_start(self, iteration, trials, trial, **info):
            self._member(trial)

        def on_trial_result(self, iteration, trials, trial, result, **info):
            self.rows[self._member(trial)][int(result["training_iteration"])] = (
                float(result["lr"]), float(result["val_acc"]), str(result["restored_from"]))

        def on_experiment_end(self, trials, **info):
            # also on disk, for Ray Client where this object runs on the cluster, not here
            if history_path:
                Path(history_path).parent.mkdir(parents=True, exist_ok=True)
                Path(history_path).write_text(json.dumps({"order": self.order, "rows": self.rows}))

    return Recorder()


def _clip_lr(config, lo, hi):
    config["lr"] = float(min(max(config["lr"], lo), hi))
    return config


def _log_uniform(rng, lo, hi):
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def run_ray_pbt(members=4, rounds=4, epochs_per_round=2, seed=0, storage_path=None, address=None,
                space=None, quantile_fraction=0.25, resample_probability=0.25, perturbation_factors=(1.2, 0.8),
                num_cpus=2, hidden=64, batch_size=32) -> RayPBTResult:
    """PBT of the digits MLP's learning rate with Ray Tune; result shaped like ``lrviz.pbt.digits_pbt``.

    Members start exactly like ``digits_pbt(members, seed=seed)``: lr log-uniform in
    ``space["lr"]`` (default [1e-4, 1e-1]) from ``default_rng(seed)``, inits from
    ``SeedSequence(seed)``, so round 0 gives the same scores. Then Ray's
    ``PopulationBasedTraining(time_attr="training_iteration", metric="val_acc",
    mode="max", perturbation_interval=1, synch=True)`` exploits and explores after
    each round: the bottom ``quantile_fraction`` (at least one member) copy a
    checkpoint of a random top member; lr is resampled log-uniformly with
    probability ``resample_probability``, else multiplied by a factor from
    ``perturbation_factors``, then clipped to the bounds. Training runs
    ``members * rounds * epochs_per_round`` epochs in all.

    Ray: with ``address=None`` a local Ray is started with ``num_cpus`` CPUs, no
    dashboard, and shut down at the end (a Ray already running in this process is
    used and left running). ``address`` ("auto", "head-host:6379", or
    "ray://head-host:10001" with ``ray[client]``) joins a cluster; ``storage_path``
    must then be storage every node sees (NFS path or "s3://..."). Default
    ``storage_path``: a temporary folder, deleted afterwards. Token auth is turned
    off for local runs (``RAY_AUTH_MODE=disabled`` unless already set).

    Returns:
        RayPBTResult with scores, hyper["lr"], parent (all (rounds, members)),
        events [(round, member, parent)], trial_ids and elapsed seconds.
    """
    members = V.integer("members", members, lo=2)
    rounds = V.positive_int("rounds", rounds)
    epochs_per_round = V.positive_int("epochs_per_round", epochs_per_round)
    seed = V.integer("seed", seed, lo=0)
    quantile_fraction = V.number("quantile_fraction", quantile_fraction, lo=0.0, hi=0.5)  # Ray's own range
    resample_probability = V.probability("resample_probability", resample_probability, hi_open=False)
    num_cpus = V.positive_int("num_cpus", num_cpus)
    batch_size = V.positive_int("batch_size", batch_size)
    from lrviz.training.nets import _hidden_arg
    from lrviz.training.pbt import _factors, _space_for_lr  # same checks and default as digits_pbt
    _hidden_arg(hidden)
    perturbation_factors = tuple(float(f) for f in _factors("perturbation_factors", perturbation_factors))
    for name, value in (("storage_path", storage_path), ("address", address)):
        if value is not None and not isinstance(value, (str, os.PathLike)):
            V.fail(name, value, "must be None, a path or a URL string", TypeError)
    lo, hi = _space_for_lr(space)["lr"]
    lr0 = np.exp(np.random.default_rng(seed).uniform(np.log(lo), np.log(hi), members))
    init_seeds = np.random.SeedSequence(seed).generate_state(members).astype(np.int64)

    os.environ.setdefault("RAY_AUTH_MODE", "disabled")  # Ray 2.60 turns token auth on by default
    os.environ.setdefault("TUNE_DISABLE_AUTO_CALLBACK_LOGGERS", "1")  # no CSV/JSON/TensorBoard files
    os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")  # legacy output: verbose=0 prints nothing
    os.environ.setdefault("TUNE_MAX_PENDING_TRIALS_PG", str(members))
    import logging
    import time
    import ray
    from ray import tune
    from ray.tune.schedulers import PopulationBasedTraining

    tmp = None
    if storage_path is None:
        tmp = storage_path = tempfile.mkdtemp(prefix="lrviz_ray_pbt_")
    elif "://" not in str(storage_path):
        storage_path = os.path.abspath(os.fspath(storage_path))
    name = f"digits_pbt_seed{seed}"
    history_path = None if "://" in str(storage_path) else os.path.join(storage_path, name, HISTORY_FILE)

    started = False
    if not ray.is_initialized():
        kwargs = dict(include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR,
                      configure_logging=True)
        if address is None:
            ray.init(num_cpus=num_cpus, **kwargs)
        else:
            ray.init(address=address, **kwargs)
        started = True
    rng = np.random.default_rng([seed, 1])  # resampled lrs come from here, not numpy's global state
    pbt = PopulationBasedTraining(
        time_attr="training_iteration", metric="val_acc", mode="max", perturbation_interval=1,
        hyperparam_mutations={"lr": functools.partial(_log_uniform, rng, lo, hi)},
        quantile_fraction=quantile_fraction, resample_probability=resample_probability,
        perturbation_factors=tuple(perturbation_factors), custom_explore_fn=functools.partial(_clip_lr, lo=lo, hi=hi),
        log_config=False, synch=True)
    recorder = _make_recorder(history_path)
    param_space = {
        "member": tune.grid_search(list(range(members))),
        "lr": tune.sample_from(lambda spec: float(lr0[spec.config["member"]])),
        "init_seed": tune.sample_from(lambda spec: int(init_seeds[spec.config["member"]])),
        "epochs_per_round": int(epochs_per_round), "hidden": hidden, "batch_size": int(batch_size),
    }
    tuner = tune.Tuner(
        tune.with_resources(_trainable_class(), {"cpu": 1}),
        param_space=param_space,
        tune_config=tune.TuneConfig(scheduler=pbt, num_samples=1, reuse_actors=True),
        run_config=tune.RunConfig(
            name=name, storage_path=storage_path, stop={"training_iteration": rounds}, verbose=0,
            callbacks=[recorder], checkpoint_config=tune.CheckpointConfig(num_to_keep=4),
            failure_config=tune.FailureConfig(max_failures=0)),
    )
    saved_random = random.getstate()
    random.seed(seed)  # Ray's PBT draws from Python's random: seed it for this run only
    t0 = time.perf_counter()
    try:
        grid = tuner.fit()
        elapsed = time.perf_counter() - t0
        errors = [r.error for r in grid if r.error is not None]
        if errors:
            raise RuntimeError(f"Ray Tune trial failed: {errors[0]!r}")
        order, rows = recorder.order, recorder.rows
        if not rows and history_path and os.path.exists(history_path):  # Ray Client: read the file
            saved = json.loads(Path(history_path).read_text())
            order = [tuple(o) for o in saved["order"]]
            rows = {t: {int(i): tuple(v) for i, v in r.items()} for t, r in saved["rows"].items()}
    finally:
        random.setstate(saved_random)
        if started:
            ray.shutdown()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return _assemble(order, rows, members, rounds, elapsed)


def _assemble(order, rows, members, rounds, elapsed) -> RayPBTResult:
    """Turn the callback's rows into (rounds, members) arrays and exploit events."""
    ids = [tid for _, tid in sorted(order)]
    if len(ids) != members:
        raise RuntimeError(f"Ray Tune reported {len(ids)} trials, expected {members}")
    index = {tid: m for m, tid in enumerate(ids)}
    scores = np.full((rounds, members), np.nan)
    lr = np.full((rounds, members), np.nan)
    parent = np.tile(np.arange(members), (rounds, 1))
    events = []
    for m, tid in enumerate(ids):
        for it, (lr_it, acc, src) in rows[tid].items():
            r = it - 1
            if not 0 <= r < rounds:
                continue
            lr[r, m], scores[r, m] = lr_it, acc
            if r > 0 and src in index and index[src] != m:
                parent[r, m] = index[src]
                events.append((r, m, index[src]))
    missing = np.argwhere(np.isnan(scores))
    if missing.size:
        raise RuntimeError(f"Ray Tune lost results for (round, member) {missing[:3].tolist()}")
    return RayPBTResult(scores, {"lr": lr}, parent, None, sorted(events), ids, float(elapsed))
