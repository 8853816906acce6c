"""How long the whole course takes to run: every notebook, top to bottom, fresh kernels.

    .venv/bin/python benchmarks/notebooks.py

Executes copies (the stored outputs are not touched) with the same code as
``scripts/execute_notebooks.py`` and prints seconds per notebook and the total.
Goal on a 2-core machine: all notebooks together <= 180 s.
"""
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from execute_notebooks import execute  # noqa: E402


def main():
    total = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(ROOT / "notebooks", Path(tmp) / "notebooks")
        for path in sorted((Path(tmp) / "notebooks").glob("[0-9][0-9]*.ipynb")):
            seconds = execute(path)
            total += seconds
            print(f"{path.name:45s} {seconds:6.1f} s", flush=True)
    print(f"{'total':45s} {total:6.1f} s  (goal <= 180 s)")


if __name__ == "__main__":
    main()
