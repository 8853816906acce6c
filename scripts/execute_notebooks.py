"""Execute notebooks top to bottom in a fresh kernel and store their outputs in place.

    python3 run.py execute                       # every notebook in notebooks/
    python3 run.py execute notebooks/04_*.ipynb  # some of them

This is the one way outputs get into the repo, so they always come from a clean run
(execution counts 1..N) that nbval can compare later. It prints the time per notebook;
``benchmarks/notebooks.py`` reuses it to measure the whole course.
"""
import importlib.util
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def execute(path: Path, timeout: int = 600) -> float:
    """Run one notebook from a fresh kernel in its own folder; write it back; return seconds."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:  # drop anything a previous run or an editor left behind
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)  # widget state of a headless run is noise; the kernel rebuilds it
    nbformat.write(nb, path)
    return seconds


def main(argv):
    paths = [Path(a).resolve() for a in argv] or sorted(NOTEBOOKS.glob("[0-9][0-9]*.ipynb"))
    if not argv and importlib.util.find_spec("ray") is None:
        print("skipping 12b_pbt_with_ray_tune.ipynb: Ray is not installed (pip install -r requirements-ray.txt)")
        paths = [p for p in paths if not p.name.startswith("11b_")]
    total = 0.0
    for path in paths:
        seconds = execute(path)
        total += seconds
        print(f"{path.name:45s} {seconds:6.1f} s", flush=True)
    print(f"{'total':45s} {total:6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
