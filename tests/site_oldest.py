"""lrviz on the browser's versions: the engine tests and the explorer tests on Python 3.12 with
numpy 2.0.2 and matplotlib 3.8.4 (what Pyodide 0.27.7 runs in the JupyterLite site), the oldest
versions pyproject.toml allows.

    python3 tests/site_oldest.py        # CI runs this (.ci/run)

Makes ``.venv-oldest/`` with a Python 3.12 (``LRVIZ_PYTHON312``, else ``python3.12`` on PATH,
else a pyenv 3.12) from ``requirements-oldest.txt`` plus lrviz itself (reinstalled only when
that file or pyproject.toml changes), then runs the tests below. With no Python 3.12 on the
machine it prints why and exits 0 (a skip), unless ``LRVIZ_REQUIRE_OLDEST=1``.
"""
from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv-oldest"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
TESTS = [
    "tests/test_surfaces.py", "tests/test_expressions.py", "tests/test_optimizers.py",
    "tests/test_schedules.py", "tests/test_descent.py", "tests/test_analysis.py",
    "tests/test_linear.py",   # the engine
    "tests/test_widgets.py",  # one explorer, in Agg and in a real kernel
    "tests/test_canvas.py",   # the live canvas: blits, held layouts on matplotlib 3.8's engine
    "tests/test_page_axes.py",  # the y-axes the page draws, from matplotlib 3.8's tickers and text
]  # fmt: skip


def find_python312() -> str | None:
    candidates = [os.environ.get("LRVIZ_PYTHON312"), shutil.which("python3.12")]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.12.*/bin/python3")), reverse=True)
    candidates += sorted(glob.glob("/root/.pyenv/versions/3.12.*/bin/python3"), reverse=True)
    for c in candidates:
        if c and os.access(c, os.X_OK):
            out = subprocess.run([c, "-c", "import sys; print(sys.version_info[:2] == (3, 12))"],
                                 capture_output=True, text=True)  # fmt: skip
            if out.stdout.strip() == "True":
                return c
    return None


def setup(python312: str) -> None:
    files = [ROOT / "requirements-oldest.txt", ROOT / "pyproject.toml"]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    stamp = VENV / "lrviz-setup-oldest"
    if PYTHON.exists() and stamp.exists() and stamp.read_text() == digest:
        return
    if not PYTHON.exists():
        subprocess.run([python312, "-m", "venv", str(VENV)], check=True)
    print("Installing the oldest supported versions (requirements-oldest.txt) ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    # pyproject's lower bounds must admit these pins: pip fails here otherwise.
    subprocess.run(pip + ["-r", str(ROOT / "requirements-oldest.txt"), "-e", str(ROOT)], check=True)
    stamp.write_text(digest)


def main() -> int:
    python312 = find_python312()
    if python312 is None:
        reason = "no Python 3.12 found (set LRVIZ_PYTHON312=/path/to/python3.12)"
        if os.environ.get("LRVIZ_REQUIRE_OLDEST") == "1":
            print(f"site_oldest: {reason}; LRVIZ_REQUIRE_OLDEST=1, so this is a failure")
            return 1
        print(f"site_oldest: skipped, {reason}")
        return 0
    setup(python312)
    env = dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    versions = "import sys, numpy, matplotlib; print('Python', sys.version.split()[0], 'numpy', numpy.__version__, 'matplotlib', matplotlib.__version__)"
    subprocess.run([str(PYTHON), "-c", versions], check=True, env=env)
    return subprocess.run([str(PYTHON), "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS], cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
