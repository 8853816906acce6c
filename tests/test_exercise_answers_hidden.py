"""No numeric answer of notebooks 07-12 is printed or written above its exercise.

For every numeric exercise the answer key's expected value, written to 2, 3 and 4
significant digits, must not appear as a number in the markdown or the printed outputs of
the cells above the exercise (the student would copy it instead of working it out).
Small round numbers (one significant digit, such as 2 or 0.05) are too common to test.
"""
import json
import re
from pathlib import Path

import pytest

from lrviz.exercises import checks
from lrviz.exercises import n07_rmsprop, n08_adam, n09_adagrad, n10_adadelta, n11_optimizer_race
from lrviz.exercises import n12_population_based_training

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = {"07_rmsprop": n07_rmsprop, "08_adam": n08_adam, "09_adagrad": n09_adagrad,
             "10_adadelta": n10_adadelta, "11_optimizer_race": n11_optimizer_race,
             "12_population_based_training": n12_population_based_training}
NUMBER = re.compile(r"(?<![\d.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?(?![\d.])")


def _text(cell):
    parts = ["".join(cell["source"])] if cell["cell_type"] == "markdown" else []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            parts.append("".join(out["text"]))
        elif "text/plain" in out.get("data", {}) and not any(k.startswith("image/") for k in out["data"]):
            parts.append("".join(out["data"]["text/plain"]))
    return "\n".join(parts)


def _forms(value):
    forms = set()
    for digits in (2, 3, 4):
        s = f"{value:.{digits}g}"
        if len(s.lstrip("-0.").replace(".", "").split("e")[0]) >= 2:   # at least 2 significant digits
            forms.add(s)
    return forms


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_numeric_answers_are_not_above_their_exercise(name):
    cells = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())["cells"]
    key = {e["question"]: e for e in checks.answer_key(NOTEBOOKS[name])}
    found, leaks = 0, []
    for i, cell in enumerate(cells):
        src = "".join(cell["source"]) if cell["cell_type"] == "code" else ""
        for q in re.findall(r"\.(q\d+)\(", src):
            found += 1
            entry = key[q]
            if entry.get("kind") != "number":
                continue
            above = set(NUMBER.findall("\n".join(_text(c) for c in cells[:i])))
            hits = _forms(entry["expected"]) & above
            if hits:
                leaks.append(f"{q}: {sorted(hits)} appears above it")
    assert found >= 3, f"{name}: no exercise cells found"
    assert not leaks, f"{name}: " + "; ".join(leaks)
