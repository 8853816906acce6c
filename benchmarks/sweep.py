"""Time and peak memory of the sweep the notebooks rely on.

    .venv/bin/python benchmarks/sweep.py [--repeat 5]

Measures ``descend("rosenbrock", "adam", lr=np.logspace(-5, -2, 10_000), steps=1000)``,
recording everything the default records (points, losses, gradients, learning rates and
Adam's moment history). Goal on a 2-core machine: median <= 0.5 s.

Wall time depends on what else the machine runs, so it also prints the CPU time of this
process (user + system: the work itself) and the load average before and after.
"""
import argparse
import os
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
    load_before = os.getloadavg()
    run()  # warm up caches and lazy imports
    times, cpu = [], []
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        traj = run()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        del traj
    tracemalloc.start()
    traj = run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    recorded = sum(a.nbytes for a in (traj.x, traj.loss, traj.grad, traj.lr, *traj.state.values()))
    print(f"runs x steps        : {traj.runs} x {traj.steps}")
    print(f"median time         : {statistics.median(times):.3f} s  (goal <= 0.5 s)")
    print(f"all times           : {', '.join(f'{t:.3f}' for t in times)} s")
    print(f"median CPU time     : {statistics.median(cpu):.3f} s  (this process, user + system)")
    print(f"load average        : {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after "
          f"(1 min; {os.cpu_count()} cores)")
    print(f"peak memory (numpy) : {peak / 2**20:.0f} MiB, of which the recorded trajectory {recorded / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
