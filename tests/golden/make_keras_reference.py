"""Regenerate the Keras reference data for tests/test_keras_reference.py.

A dev script, not a test: Keras is not a dependency of lrviz. Run it in a separate venv,
on Keras's torch backend, in float64:

    python3 -m venv /tmp/kvenv && /tmp/kvenv/bin/pip install keras==3.15.1 torch==2.13.0
    KERAS_BACKEND=torch /tmp/kvenv/bin/python tests/golden/make_keras_reference.py

Every hyperparameter is passed as a numpy float64 (a backend may cast Python floats to
float32), and most cases run under ``keras.optimizers.schedules.ExponentialDecay``: that is
where Keras's momentum buffers, which hold the learning rate, part from torch's. It writes
keras_optimizers.json beside itself: per case the lrviz name and arguments that should
reproduce it (``convention="keras"``), the lr Keras used at each step and the trajectory.
"""
import json
import os
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402

keras.config.set_floatx("float64")
HERE = Path(__file__).resolve().parent
F = np.float64


def quadratic_grad(x):
    """Gradient of 0.5 * (x0^2 + 10 x1^2); the test computes the same inline."""
    return x * np.array([1.0, 10.0])


def rosenbrock_grad(x):
    """Gradient of (1 - x)^2 + 100 (y - x^2)^2; the test computes the same inline."""
    a, b = x[0], x[1]
    r = b - a * a
    return np.array([-2.0 * (1.0 - a) - 400.0 * a * r, 200.0 * r])


PROBLEMS = {"quadratic": quadratic_grad, "rosenbrock": rosenbrock_grad}


def decay(lr, steps=10, rate=0.5):
    """ExponentialDecay: lr * rate ** (t / steps), t the 0-based iteration."""
    return dict(kind="exponential_decay", initial_learning_rate=lr, decay_steps=steps, decay_rate=rate)


def keras_lr(spec):
    if not isinstance(spec, dict):
        return F(spec)
    return keras.optimizers.schedules.ExponentialDecay(
        initial_learning_rate=F(spec["initial_learning_rate"]), decay_steps=spec["decay_steps"],
        decay_rate=F(spec["decay_rate"]), staircase=False)


# (lrviz name, lrviz kwargs without lr, Keras class, Keras kwargs without learning_rate, lr, problem, x0, steps)
CASES = [
    ("sgd", dict(), "SGD", dict(), decay(0.05), "quadratic", [1.5, 0.8], 60),
    ("momentum", dict(momentum=0.9), "SGD", dict(momentum=0.9), decay(0.05), "quadratic", [1.5, 0.8], 60),
    ("momentum", dict(momentum=0.9), "SGD", dict(momentum=0.9), 0.05, "quadratic", [1.5, 0.8], 60),
    ("momentum", dict(momentum=0.8, weight_decay=0.01), "SGD", dict(momentum=0.8, weight_decay=0.01),
     decay(0.02, 20, 0.3), "quadratic", [1.5, 0.8], 60),
    ("nesterov", dict(momentum=0.9), "SGD", dict(momentum=0.9, nesterov=True), decay(0.05), "quadratic",
     [1.5, 0.8], 60),
    ("momentum", dict(momentum=0.9), "SGD", dict(momentum=0.9), decay(1e-3, 50, 0.5), "rosenbrock",
     [-1.5, 2.0], 100),
    ("rmsprop", dict(alpha=0.9, eps=1e-7), "RMSprop", dict(rho=0.9, epsilon=1e-7), decay(0.01), "quadratic",
     [1.5, 0.8], 60),
    ("rmsprop", dict(alpha=0.9, eps=1e-7, momentum=0.5), "RMSprop", dict(rho=0.9, epsilon=1e-7, momentum=0.5),
     decay(0.01), "quadratic", [1.5, 0.8], 60),
    ("rmsprop", dict(alpha=0.8, eps=1e-7, momentum=0.9, centered=True), "RMSprop",
     dict(rho=0.8, epsilon=1e-7, momentum=0.9, centered=True), decay(0.01, 20, 0.3), "quadratic", [1.5, 0.8], 60),
    ("adam", dict(betas=(0.9, 0.999), eps=1e-7), "Adam", dict(beta_1=0.9, beta_2=0.999, epsilon=1e-7),
     decay(0.05), "quadratic", [1.5, 0.8], 60),
    ("adam", dict(betas=(0.8, 0.99), eps=1e-7, amsgrad=True), "Adam",
     dict(beta_1=0.8, beta_2=0.99, epsilon=1e-7, amsgrad=True), decay(0.02, 50, 0.5), "rosenbrock", [-1.5, 2.0], 100),
    ("adamw", dict(betas=(0.9, 0.999), eps=1e-7, weight_decay=0.004), "AdamW",
     dict(beta_1=0.9, beta_2=0.999, epsilon=1e-7, weight_decay=0.004), decay(0.05), "quadratic", [1.5, 0.8], 60),
    ("adagrad", dict(initial_accumulator_value=0.1, eps=1e-7), "Adagrad",
     dict(initial_accumulator_value=0.1, epsilon=1e-7), decay(0.1), "quadratic", [1.5, 0.8], 60),
    ("adadelta", dict(rho=0.95, eps=1e-7), "Adadelta", dict(rho=0.95, epsilon=1e-7), decay(1.0), "quadratic",
     [1.5, 0.8], 60),
]


def run_case(name, hp, cls, kw, lr, problem, x0, steps):
    kwargs = {k: (F(v) if isinstance(v, float) else v) for k, v in kw.items()}
    opt = getattr(keras.optimizers, cls)(learning_rate=keras_lr(lr), **kwargs)
    var = keras.Variable(np.array(x0, dtype=np.float64), dtype="float64")
    opt.build([var])
    grad = PROBLEMS[problem]
    traj, lrs = [np.array(x0, dtype=np.float64)], []
    for _ in range(steps):
        lrs.append(float(keras.ops.convert_to_numpy(opt.learning_rate)))  # the lr this step uses
        g = grad(keras.ops.convert_to_numpy(var.value).astype(np.float64))
        opt.apply_gradients([(keras.ops.convert_to_tensor(g, dtype="float64"), var)])
        traj.append(keras.ops.convert_to_numpy(var.value).astype(np.float64))
    assert str(var.dtype) == "float64", var.dtype
    return dict(name=name, hyperparams=hp, keras=f"keras.optimizers.{cls}", keras_kwargs=kw, lr_spec=lr,
                problem=problem, x0=x0, steps=steps, lr=lrs, trajectory=np.array(traj).tolist())


def main():
    import torch

    cases = [run_case(*c) for c in CASES]
    out = dict(keras_version=keras.__version__, backend=keras.backend.backend(), torch_version=torch.__version__,
               dtype=keras.config.floatx(), generator="tests/golden/make_keras_reference.py", cases=cases)
    path = HERE / "keras_optimizers.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {len(cases)} cases to {path}")


if __name__ == "__main__":
    main()
