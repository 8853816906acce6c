"""Give every notebook the cell that makes it run in the browser too (the JupyterLite site).

    python3 scripts/browser_cell.py                      # every notebook in notebooks/
    python3 scripts/browser_cell.py notebooks/04_*.ipynb # some of them
    python3 scripts/browser_cell.py --check              # exit 1 if a notebook lacks the cell

The cell goes first among the code cells, before the imports (whose ``%matplotlib widget``
needs ipympl installed). In the browser (Pyodide, ``sys.platform == "emscripten"``) it
installs lrviz, ipywidgets and ipympl from the site's own package index; in JupyterLab,
Voila and nbval it does nothing and prints nothing. Running this script again updates the
cell in place (found by its id), so it is safe to repeat; outputs of the other cells are
left as they are. Re-execute the notebooks afterwards (``python3 run.py execute``): the
execution counts move by one.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

CELL_ID = "lrviz-browser-setup"
PACKAGES = ["lrviz", "ipywidgets", "ipympl"]
SOURCE = f"""\
# In the browser (the course's JupyterLite site) this installs lrviz and the widgets from
# the site itself; in JupyterLab it does nothing. Run it first, as every other cell.
import sys

if sys.platform == "emscripten":
    import piplite

    await piplite.install({json.dumps(PACKAGES)})
"""


def cell() -> dict:
    """The browser cell as stored in a notebook (nbformat 4.5, no output)."""
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": CELL_ID,
        "metadata": {},
        "outputs": [],
        "source": SOURCE.splitlines(keepends=True),
    }


def is_browser_cell(c: dict) -> bool:
    return c.get("id") == CELL_ID or (c.get("cell_type") == "code" and "piplite" in "".join(c.get("source", "")))


def insert(nb: dict) -> bool:
    """Put the browser cell first among the code cells of ``nb`` (in place). True if changed."""
    cells = nb["cells"]
    found = [i for i, c in enumerate(cells) if is_browser_cell(c)]
    first_code = next((i for i, c in enumerate(cells) if c.get("cell_type") == "code"), len(cells))
    if found == [first_code]:
        c = cells[first_code]
        if "".join(c["source"]) == SOURCE and c.get("id") == CELL_ID:
            return False
        c["source"], c["id"] = SOURCE.splitlines(keepends=True), CELL_ID
        return True
    for i in reversed(found):  # stray or duplicated copies: keep exactly one, in its place
        del cells[i]
    first_code = next((i for i, c in enumerate(cells) if c.get("cell_type") == "code"), len(cells))
    cells.insert(first_code, cell())
    if (nb.get("nbformat"), nb.get("nbformat_minor", 0)) < (4, 5):
        nb["nbformat"], nb["nbformat_minor"] = 4, 5  # cell ids need nbformat 4.5
    return True


def update_file(path: Path) -> bool:
    text = Path(path).read_text(encoding="utf-8")
    nb = json.loads(text)
    if not insert(nb):
        return False
    # The layout nbformat writes (indent 1, a final newline, non-ASCII kept), so diffs stay small.
    Path(path).write_text(json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return True


def has_cell(nb: dict) -> bool:
    code = [c for c in nb["cells"] if c.get("cell_type") == "code"]
    return bool(code) and code[0].get("id") == CELL_ID and "".join(code[0]["source"]) == SOURCE


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    paths = [Path(a) for a in args] or sorted(NOTEBOOKS.glob("[0-9][0-9]*.ipynb"))
    missing = []
    for path in paths:
        if check:
            if not has_cell(json.loads(path.read_text(encoding="utf-8"))):
                missing.append(path.name)
            continue
        print(f"{path.name:45s} {'updated' if update_file(path) else 'already has the cell'}")
    if missing:
        print("without the browser cell (run python3 scripts/browser_cell.py):", ", ".join(missing))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
