"""One message shape above the engine too: ``Invalid <argument>: <value> (<what is allowed>)``.

tests/test_validate.py holds the engine's table; this one runs through the layers above it
(training, pictures, explorers) and checks the exact text and the exception type: TypeError
for a wrong type, ValueError for a wrong value. An explorer never raises on a bad update:
``update(lr=-1)`` returns False and its ``message`` is the very text the engine raises.
"""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lrviz  # noqa: E402
from lrviz import generalization as gen, nets, pbt, plotting, ray_pbt  # noqa: E402
from lrviz.engine import analysis  # noqa: E402
from lrviz.pictures import animation  # noqa: E402

LR = "must be a finite number >= 0"
OPTIMIZERS = ("'sgd', 'momentum', 'nesterov', 'rmsprop', 'adagrad', 'adadelta', 'adam', 'adamw'")


class _Protocol:
    """The smallest population the PBT loop accepts."""
    size = 2

    def __init__(self):
        self.lr = np.array([0.1, 0.2])

    def step(self, epochs):
        pass

    def evaluate(self):
        return self.lr.copy()

    def copy(self, src, dst):
        pass

    def get_hyper(self):
        return {"lr": self.lr.copy()}

    def set_hyper(self, lr):
        self.lr = np.asarray(lr, float)


@pytest.fixture(scope="module")
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def _adam_run():
    return lrviz.descend("rosenbrock", "adam", lr=1e-2, steps=10)


def _sweep():
    return analysis.sweep("parabola", "sgd", lrs=[0.1, 0.5], steps=10)


TRAINING = [
    # nets: the digits network
    (lambda: nets.train(lr=-0.1, epochs=0), ValueError, f"Invalid lr: -0.1 ({LR})"),
    (lambda: nets.train_population(lr=[1e-3, -1], epochs=0), ValueError,
     "Invalid lr: [0.001, -1] (must be finite numbers >= 0, one per run)"),
    (lambda: nets.train(epochs=1.5), TypeError, "Invalid epochs: 1.5 (must be an integer >= 0)"),
    (lambda: nets.train(epochs=-1), ValueError, "Invalid epochs: -1 (must be an integer >= 0)"),
    (lambda: nets.train(seed=1.5, epochs=0), TypeError,
     "Invalid seed: 1.5 (must be an integer >= 0 or a 1-D sequence of them, one per member)"),
    (lambda: nets.train(seed=-2, epochs=0), ValueError,
     "Invalid seed: -2 (must be an integer >= 0 or a 1-D sequence of them, one per member)"),
    (lambda: nets.train(lr=[1e-3, 1e-2], seed=[1, 2, 3], epochs=0), ValueError,
     "Invalid seed: [1, 2, 3] (must be one seed per member; lr gives 2 members)"),
    (lambda: nets.train(lr=[1e-3, 1e-2], members=3, epochs=0), ValueError,
     "Invalid members: 3 (must match the 2 members that lr gives)"),
    (lambda: nets.train(batch_size=0, epochs=0), ValueError, "Invalid batch_size: 0 (must be an integer >= 1)"),
    (lambda: nets.train(hidden=(64, 0), epochs=0), ValueError,
     "Invalid hidden: (64, 0) (must be an integer >= 1 or a non-empty tuple of them)"),
    (lambda: nets.train(hidden="wide", epochs=0), TypeError,
     "Invalid hidden: 'wide' (must be an integer >= 1 or a non-empty tuple of them)"),
    (lambda: nets.train(schedule=3, epochs=0), TypeError,
     "Invalid schedule: 3 (must be None or a callable of the step returning a factor)"),
    (lambda: nets.train(optimizer=42, epochs=0), TypeError,
     "Invalid optimizer: 42 (must be a name such as 'adam' or an Optimizer)"),
    (lambda: nets.train(optimizer="lion", epochs=0), ValueError, f"Invalid optimizer: 'lion' (must be one of {OPTIMIZERS})"),
    (lambda: nets.train(optimizer=lrviz.optimizer("adam"), betas=(0.9, 0.99), epochs=0), TypeError,
     "Invalid hyperparameter: 'betas' (pass hyperparameters to lrviz.optimizer(), not with an Optimizer)"),
    (lambda: nets.train(data=object(), epochs=0), TypeError,
     "Invalid data: <object object> (must have X_train, y_train, X_val, y_val, X_test, y_test; see lrviz.nets.digits())"),
    # a schedule that turns bad while training reads as in descend
    (lambda: nets.train(lr=lambda t: 0.1 * (t < 5) - 0.01, epochs=1), ValueError,
     "Invalid lr: <function <lambda>> (a schedule must give a finite number >= 0 at every step; step 5 gave -0.01)"),
    (lambda: nets.Population(lr=[1e-3, 1e-2]).set_hyper(lr=[1e-3, 1e-2, 1e-1]), ValueError,
     "Invalid lr: [0.001, 0.01, 0.1] (must be a finite number >= 0 or 2 of them, one per member)"),
    (lambda: nets.Population(lr=[1e-3, 1e-2]).set_hyper(lr=-1.0), ValueError, f"Invalid lr: -1.0 ({LR})"),
    (lambda: nets.Population(lr=[1e-3]).metrics(("train", "dev")), ValueError,
     "Invalid splits: 'dev' (must be one of 'train', 'val', 'test')"),
    (lambda: nets.Population(lr=[1e-3, 1e-2]).copy(0, 2), ValueError,
     "Invalid dst: [2] (must be integer member indices in [0, 2), src and dst of one length)"),
    # generalization
    (lambda: gen.make_data(n_train=1), ValueError, "Invalid n_train: 1 (must be an integer >= 2)"),
    (lambda: gen.make_data(n_train=2.5), TypeError, "Invalid n_train: 2.5 (must be an integer >= 2)"),
    (lambda: gen.make_data(noise="high"), TypeError, "Invalid noise: 'high' (must be a finite number >= 0)"),
    (lambda: gen.make_data(noise=np.nan), ValueError, "Invalid noise: nan (must be a finite number >= 0)"),
    (lambda: gen.fit([0, 1], [0, 1], 21), ValueError, "Invalid degree: 21 (must be an integer in [0, 20])"),
    (lambda: gen.error_curve(gen.make_data(), []), ValueError, "Invalid degrees: () (must be one or more integers in [0, 20])"),
    (lambda: gen.verdict(gen.error_curve(gen.make_data(), range(4)), 7), ValueError,
     "Invalid degree: 7 (must be one of 0, 1, 2, 3)"),
    # pbt
    (lambda: pbt.toy("both"), ValueError, "Invalid variant: 'both' (must be one of 'pbt', 'exploit', 'explore', 'grid')"),
    (lambda: pbt.toy(steps=2.5), TypeError, "Invalid steps: 2.5 (must be an integer >= 0)"),
    (lambda: pbt.toy(lr=-0.01), ValueError, f"Invalid lr: -0.01 ({LR})"),
    (lambda: pbt.run(_Protocol(), rounds=0), ValueError, "Invalid rounds: 0 (must be an integer >= 1)"),
    (lambda: pbt.run(_Protocol(), rounds=2, truncation=0.9), ValueError,
     "Invalid truncation: 0.9 (must be a finite number in (0, 0.5])"),
    (lambda: pbt.run(_Protocol(), rounds=2, perturb=(0.8, -1)), ValueError,
     "Invalid perturb: (0.8, -1) (must be one or more finite numbers > 0)"),
    (lambda: pbt.run(_Protocol(), rounds=2, resample_prob=2), ValueError,
     "Invalid resample_prob: 2 (must be a finite number in [0, 1])"),
    (lambda: pbt.run(_Protocol(), rounds=2, space={"lr": (0, 1)}), ValueError,
     "Invalid space['lr']: (0, 1) (must be a pair (low, high) of finite numbers with 0 < low <= high)"),
    (lambda: pbt.run(object(), rounds=1), TypeError,
     "Invalid population: <object object> (must have .step(), .evaluate(), .copy(), .get_hyper(), .set_hyper(), "
     ".size; see the protocol in lrviz.pbt)"),
    (lambda: pbt.lineage(pbt.run(_Protocol(), rounds=2), member=2), ValueError,
     "Invalid member: 2 (must be an integer in [0, 1])"),
    (lambda: pbt.digits_pbt(members=1), ValueError, "Invalid members: 1 (must be an integer >= 2)"),
    (lambda: pbt.digits_grid(members=2, rounds=1.0), TypeError, "Invalid rounds: 1.0 (must be an integer >= 1)"),
    (lambda: pbt.digits_pbt(space={"momentum": (0.1, 0.9)}), ValueError,
     "Invalid space: {'momentum': (0.1, 0.9)} (must give the bounds of 'lr', the hyperparameter the digits population has)"),
    # ray_pbt: every argument is checked before Ray starts
    (lambda: ray_pbt.run_ray_pbt(members=1), ValueError, "Invalid members: 1 (must be an integer >= 2)"),
    (lambda: ray_pbt.run_ray_pbt(rounds="4"), TypeError, "Invalid rounds: '4' (must be an integer >= 1)"),
    (lambda: ray_pbt.run_ray_pbt(perturbation_factors=(1.2, 0)), ValueError,
     "Invalid perturbation_factors: (1.2, 0) (must be one or more finite numbers > 0)"),
    (lambda: ray_pbt.replaced_per_round(4, quantile_fraction=0.9), ValueError,
     "Invalid quantile_fraction: 0.9 (must be a finite number in [0, 0.5])"),
]

PICTURES = [
    (lambda ax: plotting.contours_2d(ax, lrviz.surface("parabola")), ValueError,
     "Invalid surface: 'parabola' (contours_2d needs a 2-D surface; this one is 1-D)"),
    (lambda ax: plotting.contours_2d(ax, lrviz.surface("rosenbrock"), n=1), ValueError,
     "Invalid n: 1 (must be an integer >= 2)"),
    (lambda ax: plotting.internals(ax, _adam_run(), names="velocity"), ValueError,
     "Invalid names: 'velocity' (must be quantities recorded for adam: 'effective_lr', 'exp_avg', 'exp_avg_sq', "
     "'grad', 'm_hat', 'sqrt_exp_avg_sq', 'sqrt_v_hat', 'v_hat')"),
    (lambda ax: plotting.stability_map(ax, _sweep(), measure="loss"), ValueError,
     "Invalid measure: 'loss' (must be one of 'gap', 'steps')"),
    (lambda ax: plotting.stability_map(ax, _sweep(), floor=0), ValueError, "Invalid floor: 0 (must be a finite number > 0)"),
    (lambda ax: plotting.schedule_curve(ax, lrviz.schedule("step", lr=0.1, step_size=3), 10.5), TypeError,
     "Invalid steps: 10.5 (must be an integer >= 0)"),
    (lambda ax: plotting.set_path(plotting.path_2d(ax, _adam_run()), [0, 1, 2], [0, 1]), ValueError,
     "Invalid v: [0.0, 1.0] (must have as many points as u (3); got 2)"),
    (lambda ax: animation.save_gif(ax.figure, lambda k: None, "never.gif", steps=10, fps=0), ValueError,
     "Invalid fps: 0 (must be a finite number > 0)"),
    (lambda ax: animation.save_gif(ax.figure, lambda k: None, "never.gif"), TypeError,
     "Invalid steps: None (must be the last step, an integer >= 0, when paths is a callable)"),
    (lambda ax: animation.thin_frames(10, 0), ValueError, "Invalid max_frames: 0 (must be an integer >= 1)"),
    (lambda ax: lrviz.use_style("poster"), ValueError, "Invalid style: 'poster' (must be one of 'notebook', 'classroom')"),
    (lambda ax: lrviz.use_style(None), TypeError, "Invalid style: None (must be one of 'notebook', 'classroom')"),
]


def _ids(table):
    return [message.split(" (")[0] + f" [{exc.__name__}]" for _, exc, message in table]


@pytest.mark.parametrize("call, exc, message", TRAINING, ids=_ids(TRAINING))
def test_training_layer_messages(call, exc, message):
    with pytest.raises(exc) as info:
        call()
    assert type(info.value) is exc and str(info.value) == message


@pytest.mark.parametrize("call, exc, message", PICTURES, ids=_ids(PICTURES))
def test_pictures_layer_messages(ax, call, exc, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(exc) as info:
        call(ax)
    assert type(info.value) is exc and str(info.value) == message
    assert not (tmp_path / "never.gif").exists()


# ---------------------------------------------------------------- explorers

CONSTRUCTORS = [
    (lambda: lrviz.explore("rosenbrock", lr=-1), ValueError, "Invalid lr: -1 (must be a finite number >= 0)"),
    (lambda: lrviz.explore(3), TypeError, "Invalid surface: 3 (must be a name or a Surface)"),
    # the constructor and update() allow the same steps (the constructor used to say ">= 0")
    (lambda: lrviz.explore("parabola", steps=-1), ValueError, "Invalid steps: -1 (must be an integer >= 1)"),
    (lambda: lrviz.explore("parabola", steps=2.5), TypeError, "Invalid steps: 2.5 (must be an integer >= 1)"),
    (lambda: lrviz.explore("rosenbrock", optimizer="lion"), ValueError,
     f"Invalid optimizer: 'lion' (must be one of {OPTIMIZERS})"),
    (lambda: lrviz.explore("rosenbrock", momentum=-1), ValueError, "Invalid momentum: -1 (must be a finite number >= 0)"),
    (lambda: lrviz.race("rosenbrock", ["sgd", "lion"]), ValueError,
     f"Invalid optimizer: 'lion' (must be one of {OPTIMIZERS})"),
    (lambda: lrviz.race("rosenbrock", lr=-1), ValueError, "Invalid lr: -1 (must be a finite number >= 0)"),
    (lambda: lrviz.schedule_explorer(lr=-1), ValueError, "Invalid lr: -1 (must be a finite number >= 0)"),
    (lambda: lrviz.explorers.fit_explorer(degree=-1), ValueError, "Invalid degree: -1 (must be an integer in [0, 15])"),
    (lambda: lrviz.explorers.toy_explorer(sigma=-1), ValueError, "Invalid sigma: -1 (must be a finite number >= 0)"),
    (lambda: lrviz.explorers.training_explorer(lr=-1, epochs=1), ValueError,
     "Invalid lr: -1 (must be a finite number >= 0)"),
]


@pytest.mark.parametrize("call, exc, message", CONSTRUCTORS, ids=_ids(CONSTRUCTORS))
def test_explorer_constructors_raise_like_the_engine(call, exc, message):
    with pytest.raises(exc) as info:
        call()
    assert type(info.value) is exc and str(info.value) == message


def _engine_message(call):
    with pytest.raises((TypeError, ValueError)) as info:
        call()
    return str(info.value)


EXPLORERS = {
    "explore": lambda: lrviz.explore("rosenbrock", optimizer="adam", lr=1e-2, steps=30),
    "race": lambda: lrviz.race("rosenbrock", ["sgd", "adam"], lr=1e-2, steps=30),
    "schedule_explorer": lambda: lrviz.schedule_explorer(steps=60),
    "toy_explorer": lambda: lrviz.explorers.toy_explorer(steps=20),
    "training_explorer": lambda: lrviz.explorers.training_explorer(epochs=1),
}


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_a_rejected_lr_shows_the_engines_message_and_changes_nothing(name):
    ex = EXPLORERS[name]()
    before = dict(ex.params)
    engine = _engine_message(lambda: lrviz.optimizer("sgd", lr=-1))
    assert engine == "Invalid lr: -1 (must be a finite number >= 0)"
    assert ex.update(lr=-1) is False
    assert ex.message == engine
    assert ex.params == before
    assert ex.update(lr="fast") is False
    assert ex.message == _engine_message(lambda: lrviz.schedule("step", lr="fast", step_size=3))
    assert ex.params == before
    assert ex.update(lr=2e-3) is True and ex.message == ""  # the next update works


def test_fit_explorer_rejects_a_degree_like_generalization_does():
    ex = lrviz.explorers.fit_explorer()
    before = dict(ex.params)
    assert ex.update(degree=2.5) is False
    assert ex.message == "Invalid degree: 2.5 (must be an integer in [0, 15])"
    assert ex.params == before


def test_explorer_save_gif_checks_before_writing(tmp_path):
    ex = lrviz.explore("parabola", steps=10)
    with pytest.raises(ValueError) as info:
        ex.save_gif(tmp_path / "a.gif", fps=0)
    assert str(info.value) == "Invalid fps: 0 (must be a finite number > 0)"
    assert not (tmp_path / "a.gif").exists()
