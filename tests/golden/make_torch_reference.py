"""Regenerate the PyTorch reference data for tests/test_optimizers.py and test_schedules.py.

A dev script, not a test: torch is not a dependency of lrviz. Run it in a separate venv:

    python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch==2.13.0 numpy
    /tmp/torchenv/bin/python tests/golden/make_torch_reference.py

It writes torch_optimizers.json (parameter trajectories, float64, for-loop
implementation) and torch_schedules.json (the lr of each optimizer step when
scheduler.step() follows optimizer.step()) beside itself. Each entry holds the
lrviz name and arguments that should reproduce it.
"""
import json
import math
from pathlib import Path

import torch

torch.set_default_dtype(torch.float64)
HERE = Path(__file__).resolve().parent
LRS = torch.optim.lr_scheduler


def quadratic_grad(x):
    """Gradient of 0.5 * (x0^2 + 10 x1^2); the tests compute the same inline."""
    return x * torch.tensor([1.0, 10.0])


def rosenbrock_grad(x):
    """Gradient of (1 - x)^2 + 100 (y - x^2)^2; the tests compute the same inline."""
    a, b = x[..., 0], x[..., 1]
    r = b - a * a
    return torch.stack([-2.0 * (1.0 - a) - 400.0 * a * r, 200.0 * r], dim=-1)


PROBLEMS = {"quadratic": quadratic_grad, "rosenbrock": rosenbrock_grad}

# (lrviz name, torch class, torch kwargs == lrviz kwargs, problem, x0, steps)
OPTIMIZER_CASES = [
    ("sgd", "SGD", dict(lr=0.05), "quadratic", [1.0, 1.0], 100),
    ("sgd", "SGD", dict(lr=1e-3, weight_decay=0.1), "rosenbrock", [-1.5, 2.0], 150),
    ("sgd", "SGD", dict(lr=1e-3, momentum=0.5, dampening=0.3), "rosenbrock", [-1.5, 2.0], 150),
    ("momentum", "SGD", dict(lr=1e-3, momentum=0.9), "rosenbrock", [-1.5, 2.0], 150),
    ("momentum", "SGD", dict(lr=0.01, momentum=0.9, weight_decay=0.01), "quadratic", [1.0, -2.0], 100),
    ("nesterov", "SGD", dict(lr=1e-3, momentum=0.9, nesterov=True), "rosenbrock", [-1.5, 2.0], 150),
    ("rmsprop", "RMSprop", dict(lr=1e-3), "rosenbrock", [-1.5, 2.0], 150),
    ("rmsprop", "RMSprop", dict(lr=1e-3, centered=True), "quadratic", [1.0, 1.0], 100),
    ("rmsprop", "RMSprop", dict(lr=1e-3, centered=True, momentum=0.5, weight_decay=0.01, alpha=0.9),
     "rosenbrock", [-1.5, 2.0], 100),  # chaotic past ~110 steps: rounding grows to 1e-4
    ("rmsprop", "RMSprop", dict(lr=1e-3, momentum=0.9), "quadratic", [1.0, 1.0], 100),
    ("adagrad", "Adagrad", dict(lr=0.05), "rosenbrock", [-1.5, 2.0], 150),
    ("adagrad", "Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1, weight_decay=0.01),
     "quadratic", [1.0, 1.0], 100),
    ("adadelta", "Adadelta", dict(), "rosenbrock", [-1.5, 2.0], 150),
    ("adadelta", "Adadelta", dict(lr=0.5, rho=0.95, eps=1e-5, weight_decay=0.01), "quadratic", [1.0, 1.0], 100),
    ("adam", "Adam", dict(lr=1e-2), "rosenbrock", [-1.5, 2.0], 200),
    ("adam", "Adam", dict(lr=1e-2, betas=(0.8, 0.99), amsgrad=True), "rosenbrock", [-1.5, 2.0], 150),
    ("adam", "Adam", dict(lr=1e-2, weight_decay=0.1, eps=1e-6), "quadratic", [1.0, 1.0], 100),
    ("adamw", "AdamW", dict(lr=1e-2), "rosenbrock", [-1.5, 2.0], 150),
    ("adamw", "AdamW", dict(lr=1e-2, weight_decay=0.1, amsgrad=True), "quadratic", [1.0, 1.0], 100),
]

# (lrviz name, lrviz kwargs, torch lr, torch scheduler factory, steps)
SCHEDULE_CASES = [
    ("constant", dict(lr=0.1), 0.1, lambda o: LRS.ConstantLR(o, factor=1.0, total_iters=0), 300),
    ("constant", dict(lr=0.1, factor=0.5, total_iters=40), 0.1,
     lambda o: LRS.ConstantLR(o, factor=0.5, total_iters=40), 300),
    ("step", dict(lr=0.1, step_size=30, gamma=0.5), 0.1, lambda o: LRS.StepLR(o, step_size=30, gamma=0.5), 300),
    ("multistep", dict(lr=0.1, milestones=[400, 700], gamma=0.1), 0.1,
     lambda o: LRS.MultiStepLR(o, milestones=[400, 700], gamma=0.1), 1000),
    ("multistep", dict(lr=0.1, milestones=[50, 50, 120], gamma=0.5), 0.1,
     lambda o: LRS.MultiStepLR(o, milestones=[50, 50, 120], gamma=0.5), 300),
    ("exponential", dict(lr=0.1, gamma=0.99), 0.1, lambda o: LRS.ExponentialLR(o, gamma=0.99), 300),
    ("cosine", dict(lr=0.1, T_max=100), 0.1, lambda o: LRS.CosineAnnealingLR(o, T_max=100), 300),
    ("cosine", dict(lr=0.1, T_max=70, eta_min=0.001), 0.1,
     lambda o: LRS.CosineAnnealingLR(o, T_max=70, eta_min=0.001), 300),
    ("cosine_warm_restarts", dict(lr=0.1, T_0=25), 0.1, lambda o: LRS.CosineAnnealingWarmRestarts(o, T_0=25), 300),
    ("cosine_warm_restarts", dict(lr=0.1, T_0=10, T_mult=2, eta_min=1e-4), 0.1,
     lambda o: LRS.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2, eta_min=1e-4), 300),
    ("linear", dict(lr=0.1), 0.1, lambda o: LRS.LinearLR(o), 300),
    ("linear", dict(lr=0.1, start_factor=0.1, end_factor=0.5, total_iters=100), 0.1,
     lambda o: LRS.LinearLR(o, start_factor=0.1, end_factor=0.5, total_iters=100), 300),
    ("polynomial", dict(lr=0.1, total_iters=200, power=2.0), 0.1,
     lambda o: LRS.PolynomialLR(o, total_iters=200, power=2.0), 300),
    ("onecycle", dict(lr=0.1, total_steps=300), 0.1,
     lambda o: LRS.OneCycleLR(o, max_lr=0.1, total_steps=300, cycle_momentum=False), 300),
    ("onecycle", dict(max_lr=0.05, total_steps=300, pct_start=0.25, anneal_strategy="linear", three_phase=True,
                      div_factor=10.0, final_div_factor=100.0), 0.1,
     lambda o: LRS.OneCycleLR(o, max_lr=0.05, total_steps=300, pct_start=0.25, anneal_strategy="linear",
                              three_phase=True, div_factor=10.0, final_div_factor=100.0, cycle_momentum=False), 300),
    ("sequential", dict(lr=0.1, schedules=[["linear", dict(start_factor=0.01, total_iters=20)],
                                           ["cosine", dict(T_max=280)]], milestones=[20]), 0.1,
     lambda o: LRS.SequentialLR(o, [LRS.LinearLR(o, start_factor=0.01, total_iters=20),
                                    LRS.CosineAnnealingLR(o, T_max=280)], milestones=[20]), 300),
    ("warmup_cosine", dict(lr=0.1, warmup_steps=20, total_steps=300, start_factor=0.01), 0.1,
     lambda o: LRS.SequentialLR(o, [LRS.LinearLR(o, start_factor=0.01, total_iters=20),
                                    LRS.CosineAnnealingLR(o, T_max=280)], milestones=[20]), 300),
    ("sequential", dict(lr=0.1, schedules=[["constant", dict(factor=0.1, total_iters=10)],
                                           ["exponential", dict(gamma=0.98)], ["step", dict(step_size=40)]],
                        milestones=[10, 150]), 0.1,
     lambda o: LRS.SequentialLR(o, [LRS.ConstantLR(o, factor=0.1, total_iters=10), LRS.ExponentialLR(o, gamma=0.98),
                                    LRS.StepLR(o, step_size=40)], milestones=[10, 150]), 300),
]


def run_optimizer(cls, kwargs, problem, x0, steps):
    p = torch.tensor(x0, requires_grad=True)
    opt = getattr(torch.optim, cls)([p], foreach=False, **kwargs)
    traj = [p.detach().tolist()]
    for _ in range(steps):
        p.grad = PROBLEMS[problem](p.detach())
        opt.step()
        traj.append(p.detach().tolist())
    return traj


def run_schedule(lr, factory, steps):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr)
    sched = factory(opt)
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        p.grad = torch.zeros(1)
        opt.step()
        sched.step()
    return lrs


def main():
    opts = [dict(name=name, hyperparams=kw, torch_class=cls, problem=problem, x0=x0, steps=steps,
                 trajectory=run_optimizer(cls, kw, problem, x0, steps))
            for name, cls, kw, problem, x0, steps in OPTIMIZER_CASES]
    for case in opts:
        assert all(math.isfinite(v) for row in case["trajectory"] for v in row), case["name"]
    scheds = [dict(name=name, kwargs=kw, lrs=run_schedule(lr, factory, steps))
              for name, kw, lr, factory, steps in SCHEDULE_CASES]
    meta = dict(torch_version=torch.__version__, dtype="float64",
                generator="tests/golden/make_torch_reference.py")
    for fname, key, cases in (("torch_optimizers.json", "cases", opts), ("torch_schedules.json", "cases", scheds)):
        path = HERE / fname
        path.write_text(json.dumps({**meta, key: cases}, separators=(",", ":")) + "\n")
        print(f"wrote {path} ({path.stat().st_size // 1024} KB, {len(cases)} cases)")


if __name__ == "__main__":
    main()
