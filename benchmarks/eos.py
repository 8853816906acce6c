"""Print how long notebook 14's experiments take (median of a few repeats); not a timed test.

Run: OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/eos.py [repeats] [--notebook]
(one BLAS thread, as ``run.py test`` / ``run.py execute`` use: these matrices are small and
two BLAS threads on a busy 2-core machine are many times slower.)
Goals: the main experiment (three 2000-step GD runs with the sharpness every 25 steps)
<= 6 s; the whole notebook < 60 s here (aim < 30 s: Pyodide in the browser is ~3x slower).
With ``--notebook`` it also executes the notebook once in a fresh kernel (in a scratch copy).
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lrviz import schedule
from lrviz.exercises import n14_edge_of_stability as ex
from lrviz.training import eos

ROOT = Path(__file__).resolve().parents[1]


def median_time(fn, repeats):
    """(median wall time, median CPU time, last result); the CPU time is what a busy machine
    (other jobs on the 2 cores) does not inflate."""
    wall, cpu, out = [], [], None
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu), out


def main(repeats=3, notebook=False):
    eos.problem(500)  # load the digits once, outside the timings
    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '(unset)')}")
    t, c, runs = median_time(lambda: [eos.gd(lr=lr, steps=2000, every=25) for lr in (0.15, 0.2, 0.3)], repeats)
    print(f"main experiment, 3 x 2000 GD steps + sharpness every 25: {t:6.2f} s wall  {c:6.2f} s cpu  (goal <= 6)")
    print("  plateau / (2/lr): " + ", ".join(f"lr {lr}: {eos.plateau(r) * lr / 2:.3f}"
                                            for lr, r in zip((0.15, 0.2, 0.3), runs)))
    t, c, _ = median_time(lambda: eos.gd(lr=0.2, steps=2000, every=10**9), repeats)
    print(f"  of which GD alone (no sharpness), one run:             {t:6.2f} s wall  {c:6.2f} s cpu")
    sched = schedule("multistep", lr=0.2, milestones=[1000], gamma=1.5)
    t, c, _ = median_time(lambda: eos.gd(lr=sched, steps=2000), repeats)
    print(f"one mid-run switch (2000 steps):                          {t:6.2f} s wall  {c:6.2f} s cpu")
    t, c, _ = median_time(lambda: {b: eos.largest_stable_lr(b, ex.GRID) for b in eos.BATCH_SIZES}, 1)
    print(f"batch-size table (8 sizes, grid of 8 lrs, 500 steps):     {t:6.2f} s wall  {c:6.2f} s cpu")
    if notebook:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "14_edge_of_stability.ipynb"
            shutil.copy(ROOT / "notebooks" / copy.name, copy)
            t0 = time.perf_counter()
            subprocess.run([sys.executable, str(ROOT / "scripts" / "execute_notebooks.py"), str(copy)], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print(f"whole notebook, fresh kernel:                             {time.perf_counter() - t0:6.2f} s wall"
                  "  (goal < 60, aim < 30)")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; uptime: "
          + subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(args[0]) if args else 3, notebook="--notebook" in sys.argv)
