"""Time and peak memory of the sweep the notebooks rely on.

    .venv/bin/python benchmarks/sweep.py [--repeat 5]

Measures ``descend("rosenbrock", "adam", lr=np.logspace(-5, -2, 10_000), steps=1000)``,
recording everything the default records (points, losses, gradients, learning rates and
Adam's moment history). Goal on a 2-core machine: median <= 0.5 s.
"""
import argparse
import statistics
import time
import tracemalloc

import numpy as np

import lrviz


def run():
    return lrviz.descend("rosenbrock", "adam", lr=np.logspace(-5, -2, 10_000), steps=1000)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    run()  # warm up caches and lazy imports
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        traj = run()
        times.append(time.perf_counter() - start)
        del traj
    tracemalloc.start()
    traj = run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    recorded = sum(a.nbytes for a in (traj.x, traj.loss, traj.grad, traj.lr, *traj.state.values()))
    print(f"runs x steps        : {traj.runs} x {traj.steps}")
    print(f"median time         : {statistics.median(times):.3f} s  (goal <= 0.5 s)")
    print(f"all times           : {', '.join(f'{t:.3f}' for t in times)} s")
    print(f"peak memory (numpy) : {peak / 2**20:.0f} MiB, of which the recorded trajectory {recorded / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
