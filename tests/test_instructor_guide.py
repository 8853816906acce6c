"""The instructor's guide names notebook sections by their headings: every one it names must
exist in that notebook, so lesson plans cannot drift from the course."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "instructor" / "guide.md").read_text()
NOTEBOOKS = {p.name[:2]: p for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}


_TEX = [(r"\\sqrt\{([^}]*)\}", r"√\1"), (r"\\kappa", "κ"), (r"\\beta_1", "β₁"), (r"\\eta", "η"),
        (r"\\lambda", "λ"), (r"\$", "")]


def _plain(heading):
    """A heading as the guide writes it: the notebook's LaTeX in Unicode ($\\sqrt{\\kappa}$ -> √κ)."""
    for pattern, repl in _TEX:
        heading = re.sub(pattern, repl, heading)
    return heading


def _headings(path):
    nb = json.loads(path.read_text())
    lines = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown").split("\n")
    return [_plain(line.lstrip("#").strip()) for line in lines if line.startswith("#")]


def _plan_rows():
    """(notebook numbers, italic section names) for every row of the lesson-plan tables."""
    for row in re.findall(r"^\| [0-9]+–[0-9]+ \| ([^|]+) \| ([^|]+) \|$", GUIDE, flags=re.M):
        numbers = re.findall(r"\b(\d\d)\b", row[0])
        yield numbers, re.findall(r"\*([^*]+)\*", row[1])


ROWS = list(_plan_rows())


def test_both_lesson_plans_are_there_with_minute_marks():
    assert "## Lesson plan A: 50 minutes" in GUIDE and "## Lesson plan B: 90 minutes" in GUIDE
    assert len(ROWS) >= 14
    ends = [int(m) for m in re.findall(r"^\| [0-9]+–([0-9]+) \|", GUIDE, flags=re.M)]
    assert 50 in ends and 90 in ends


@pytest.mark.parametrize("numbers, sections", ROWS, ids=[" ".join(n) for n, _ in ROWS])
def test_every_section_a_plan_names_is_a_heading_of_its_notebook(numbers, sections):
    headings = [h for n in numbers for h in _headings(NOTEBOOKS[n])]
    for name in sections:
        assert any(h.startswith(name) for h in headings), f"{name!r} is not a heading of notebook(s) {numbers}"


def test_presenter_notes_cover_every_notebook():
    for number in NOTEBOOKS:
        assert re.search(rf"^- \*\*{number} ", GUIDE, flags=re.M), f"no presenter note for notebook {number}"
