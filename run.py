#!/usr/bin/env python3
"""Set up lrviz in a local virtual environment (.venv) and run the course or its tests.

    python3 run.py lab                 set up, then open the notebooks in JupyterLab
    python3 run.py test [pytest args]  set up (with test extras), then run every test
                                       (LRVIZ_WITH_RAY=1 also installs Ray Tune for notebook 12b)
    python3 run.py present NOTEBOOK    set up, then show one notebook as a Voila app
    python3 run.py execute [NOTEBOOK]  re-run notebooks top to bottom and store their outputs
    python3 run.py grade NOTEBOOK...   run submitted notebooks, write grades.csv (--out PATH);
                                       grade --key writes instructor/answer_key.md
    python3 run.py site [--out DIR] [--pyodide DIR] [--serve]
                                       build the course as a static JupyterLite site (_site/),
                                       Pyodide inside with --pyodide (or LRVIZ_PYODIDE); --serve
                                       serves it on http://127.0.0.1:8000/ (build tools: .venv-site)

Safe to run again: the environment is reinstalled only when a requirements file or
pyproject.toml changed. Works on Linux, macOS and Windows (`py run.py lab`).
"""
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")

# nbval runs notebooks strictly; the sanitize file masks addresses, timings and paths.
PYTEST_ARGS = [
    "-n", "2", "--dist", "loadfile",
    "--nbval", "--nbval-current-env",
    "--nbval-sanitize-with", "tests/sanitize.cfg",
    "tests", "notebooks",
]


def _setup(*requirement_files):
    """Create .venv and install the pinned requirements plus lrviz itself (editable)."""
    files = [ROOT / f for f in requirement_files] + [ROOT / "pyproject.toml"]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    stamp = VENV / ("lrviz-setup-" + "-".join(Path(f).stem for f in requirement_files))
    if not PYTHON.exists():
        print(f"Creating {VENV} ...", flush=True)
        venv.create(VENV, with_pip=True)
    if stamp.exists() and stamp.read_text() == digest:
        return
    print("Installing requirements (first run takes a few minutes) ...", flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run(pip + ["--upgrade", "pip"], check=True)
    args = []
    for f in requirement_files:
        args += ["-r", str(ROOT / f)]
    subprocess.run(pip + args + ["-e", str(ROOT)], check=True)
    stamp.write_text(digest)


def _setup_site():
    """Create .venv-site with the pinned build tools of the browser site (requirements-site.txt)
    and return its Python. Kept apart from .venv: the site's tools pin their own versions."""
    site_venv = ROOT / ".venv-site"
    python = site_venv / ("Scripts" if os.name == "nt" else "bin") / ("python.exe" if os.name == "nt" else "python")
    digest = hashlib.sha256((ROOT / "requirements-site.txt").read_bytes()).hexdigest()
    stamp = site_venv / "lrviz-setup-site"
    if not python.exists():
        print(f"Creating {site_venv} ...", flush=True)
        venv.create(site_venv, with_pip=True)
    if not (stamp.exists() and stamp.read_text() == digest):
        print("Installing the site's build tools ...", flush=True)
        pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
        subprocess.run(pip + ["-r", str(ROOT / "requirements-site.txt")], check=True)
        stamp.write_text(digest)
    return python


def _run(cmd, env=None):
    return subprocess.run([str(c) for c in cmd], cwd=ROOT, env=env).returncode


def _single_threaded_blas():
    """The environment with one BLAS thread per process: two pytest-xdist workers (and their
    notebook kernels) on two cores would otherwise oversubscribe them, and the small matrices
    of the digits network run faster on one thread anyway."""
    env = dict(os.environ)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    return env


def main(argv):
    if not argv or argv[0] not in {"lab", "test", "present", "execute", "grade", "site"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "site":
        # Paths in the arguments are the user's, relative to where they typed the command.
        return subprocess.run([str(_setup_site()), str(ROOT / "scripts" / "build_site.py"), *rest]).returncode
    if command == "test":
        # LRVIZ_WITH_RAY=1 (set by CI) adds Ray Tune, so the optional notebook 12b is checked too.
        extra = ["requirements-ray.txt"] if os.environ.get("LRVIZ_WITH_RAY") == "1" else []
        _setup("requirements.txt", "requirements-dev.txt", *extra)
        return _run([PYTHON, "-m", "pytest", *PYTEST_ARGS, *rest], env=_single_threaded_blas())
    _setup("requirements.txt")
    if command == "lab":
        # containers often run as root, which JupyterLab refuses without this flag
        as_root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        return _run([PYTHON, "-m", "jupyterlab", "notebooks/00_start_here.ipynb", *as_root, *rest],
                    env=_single_threaded_blas())
    if command == "present":
        if not rest:
            print("usage: python3 run.py present notebooks/NN_topic.ipynb")
            return 2
        return _run([PYTHON, "-m", "voila", *rest], env=_single_threaded_blas())
    if command == "grade":
        return _run([PYTHON, "scripts/grade.py", *rest], env=_single_threaded_blas())
    return _run([PYTHON, "scripts/execute_notebooks.py", *rest], env=_single_threaded_blas())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
