"""The project's own files: pins agree, notebooks are stored from clean runs."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]*.ipynb"))
# True once scripts/browser_cell.py has given every notebook its browser cell (then it must stay).
BROWSER_CELL_REQUIRED = True


def _requirements():
    """Name -> version for the lines that apply on Python 3.11+ (what environment.yml pins)."""
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        spec, _, marker = line.partition(";")
        if marker and "<" in marker:
            continue
        name, version = spec.split("==")
        pins[name.strip().lower()] = version.strip()
    return pins


def _environment():
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        m = re.match(r"\s*-\s*([A-Za-z0-9_.-]+)=([0-9][^\s#]*)", line)
        if m and m.group(1) != "python":
            pins[m.group(1).lower()] = m.group(2)
    return pins


def test_requirements_and_environment_pin_the_same_packages():
    req, env = _requirements(), _environment()
    assert req, "no pins read from requirements.txt"
    assert req == env


def test_every_requirement_is_pinned_exactly():
    for f in ("requirements.txt", "requirements-dev.txt", "requirements-ray.txt"):
        for line in (ROOT / f).read_text().splitlines():
            line = line.split("#")[0].strip()
            if line and not line.startswith("-c "):
                assert "==" in line, f"{f}: {line!r} is not pinned with =="


def test_the_installed_versions_are_the_pinned_ones():
    from importlib.metadata import version

    if sys.version_info < (3, 11):
        pytest.skip("Python 3.10 uses the fallback pins")
    for name, pinned in _requirements().items():
        assert version(name) == pinned, name


def test_importing_lrviz_has_no_side_effects():
    # Reading rcParams["backend"] resolves the backend, which imports pyplot: leave it out.
    code = ("import sys, matplotlib, numpy as np; "
            "snap = lambda: {k: matplotlib.rcParams[k] for k in matplotlib.rcParams if k != 'backend'}; "
            "before = snap(); state = np.random.get_state()[1].copy(); import lrviz; "
            "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'; "
            "assert snap() == before, 'rcParams changed'; "
            "assert (np.random.get_state()[1] == state).all(), 'global RNG touched'")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_notebook_is_a_clean_run(path):
    nb = json.loads(path.read_text())
    counts = [c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1)), "re-run with: python3 run.py execute"
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[:1]
    assert path.stat().st_size < 2 * 2**20, "keep each notebook under 2 MB"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_the_conventions(path):
    nb = json.loads(path.read_text())
    cells = nb["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).lstrip().startswith("# ")
    code = [c for c in cells if c["cell_type"] == "code"]
    # First the browser cell (scripts/browser_cell.py: installs lrviz in the JupyterLite site,
    # does nothing on the desktop), then the imports with the style.
    sys.path.insert(0, str(ROOT / "scripts"))
    import browser_cell

    has_cell = browser_cell.has_cell(nb)
    assert has_cell or not BROWSER_CELL_REQUIRED, "add the browser cell: python3 scripts/browser_cell.py"
    assert not any(browser_cell.is_browser_cell(c) for c in code[1:]), "the browser cell goes first, once"
    first = "".join(code[1 if has_cell else 0]["source"])
    assert "use_style(" in first and "pip install" not in first
    for c in code:
        src = "".join(c["source"])
        assert "pip install" not in src
        if not re.search(r"^(_\s*=\s*)?exercises\.q\d+\w*\(", src, re.M):  # a student's update rule is an answer
            assert not re.search(r"^\s*def |^\s*class ", src, re.M), "helpers belong in lrviz, not in cells"
        assert not src.rstrip().endswith(";"), "end plotting cells with plt.show() or _ = ..., not ';'"
        if re.search(r"explore\(|race\(|schedule_explorer\(|display\(|%matplotlib widget", src):
            assert "nbval-ignore-output" in c["metadata"].get("tags", []), src[:80]
    text = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown").lower()
    assert "summary" in text and "exercise" in text
