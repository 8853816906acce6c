"""Print how fast lrviz.nets trains (median of a few repeats); not a timed test.

Run: .venv/bin/python benchmarks/nets.py [repeats]
Goals: one Adam network, 30 epochs <= 0.3 s; 16 members, 30 epochs <= 1 s.
"""
import os
import statistics
import sys
import time

import numpy as np

from lrviz import nets, pbt


def median_time(fn, repeats):
    """Median wall time; the CPU time (all threads) is kept in CPU[-1] because a busy
    machine (other jobs on the 2 cores) inflates wall time but hardly CPU time."""
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU.append(statistics.median(cpu))
    return statistics.median(wall), out


CPU = []


def main(repeats=5):
    nets.digits()  # load and split once, outside the timings
    t, r = median_time(lambda: nets.train(optimizer="adam", lr=1e-3, epochs=30), repeats)
    print(f"train adam lr=1e-3, 30 epochs, 1 network:   {t:6.3f} s   (goal <= 0.3)  cpu {CPU[-1]:.3f} s  test acc {r.test_acc[-1]:.4f}")
    lrs = np.geomspace(1e-4, 1e-1, 16)
    t, r = median_time(lambda: nets.train_population(lr=lrs, epochs=30), repeats)
    print(f"train_population adam, 16 members, 30 epochs: {t:6.3f} s   (goal <= 1.0)  cpu {CPU[-1]:.3f} s")
    pop = nets.Population(lr=lrs)
    t, _ = median_time(lambda: pop.step(1), repeats)
    print(f"  of which one epoch of training (16 members):  {t * 1e3:6.1f} ms")
    t, _ = median_time(pop.metrics, repeats)
    print(f"  of which one evaluation of all splits:        {t * 1e3:6.1f} ms")
    best = int(np.argmax(r.val_acc[:, -1]))
    print("  final val acc by lr:", " ".join(f"{lr:.0e}:{a:.3f}" for lr, a in zip(lrs, r.val_acc[:, -1])))
    print(f"  load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"  best val acc at lr {lrs[best]:.2e} (test acc {r.test_acc[best, -1]:.4f})")
    t, p = median_time(lambda: pbt.digits_pbt(members=8, rounds=10, epochs_per_round=3), max(1, repeats // 2))
    print(f"digits_pbt 8 members x 10 rounds x 3 epochs:  {t:6.3f} s   best val acc {p.scores[-1].max():.4f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
