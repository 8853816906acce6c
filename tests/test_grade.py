"""grade: submissions are executed afresh and graded from the checks' own log, never from stored outputs."""
import csv
import importlib
import pkgutil
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import grade  # noqa: E402

from lrviz.exercises import checks  # noqa: E402
from lrviz.exercises import n00_start_here as n00  # noqa: E402

START = ROOT / "notebooks" / "00_start_here.ipynb"
ANSWER_CELL = re.compile(r"answer = None  # your answer\n.*\.(q\d+)\(answer\)")


def _answer_cells(nb):
    """{question: cell index} of the ``answer = None  # your answer`` cells."""
    found = {}
    for i, cell in enumerate(nb.cells):
        m = ANSWER_CELL.search(cell.source) if cell.cell_type == "code" else None
        if m:
            found[m.group(1)] = i
    return found


def _submission(path, answers=None, raise_in=(), delete=(), forge=False, delete_import=False):
    """notebook 00 with ``answers`` ({q: python literal}) written in; cells raise, vanish, or lie."""
    nb = nbformat.read(START, as_version=4)
    cells = _answer_cells(nb)
    assert set(cells) == {"q1", "q2"}, "notebook 00 should keep its two exercise cells"
    for q, literal in (answers or {}).items():
        cell = nb.cells[cells[q]]
        cell.source = cell.source.replace("answer = None", f"answer = {literal}", 1)
    for q in raise_in:
        nb.cells[cells[q]].source = "raise RuntimeError('boom')\n" + nb.cells[cells[q]].source
    if forge:  # stored outputs claiming success: the grader must not believe them
        for i in cells.values():
            nb.cells[i].outputs = [nbformat.v4.new_output("stream", name="stdout", text="✅ Right. Well done.\n"),
                                   nbformat.v4.new_output("execute_result", data={"text/plain": "True"},
                                                          execution_count=1)]
    for q in delete:
        del nb.cells[cells[q]]
    if delete_import:  # the import line gone: later cells raise, the grader still knows the notebook
        for c in nb.cells:
            c.source = re.sub(r"from lrviz\.exercises import .*\n?", "", c.source)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path, cells


def _wrong(entry):
    """A wrong answer of the right type, as a Python literal."""
    if entry["kind"] == "choice":
        return repr(next(c for c in entry["choices"] if c.lower() != entry["expected"].lower()))
    return repr(2 * entry["expected"] + 1.0)


def _read(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_right_wrong_missing_forged_and_raising_submissions_are_graded_by_running_them(tmp_path, capsys):
    key = {k["question"]: k for k in checks.answer_key(n00)}
    right = {q: repr(k["expected"]) for q, k in key.items()}
    wrong = {q: _wrong(k) for q, k in key.items()}
    sub = tmp_path / "submissions"
    alice, _ = _submission(sub / "alice" / "00_start_here.ipynb", right)
    bob, cells = _submission(sub / "bob.ipynb", {"q1": wrong["q1"]}, raise_in=["q2"])
    carol, _ = _submission(sub / "carol.ipynb", forge=True, delete=["q2"])
    eve, _ = _submission(sub / "eve" / "00_start_here.ipynb", right, delete_import=True)
    dan, _ = _submission(sub / "dan.ipynb", wrong, forge=True)
    out = tmp_path / "grades.csv"
    written = grade.grade([alice, bob, carol, dan, eve], out, timeout=120, echo=print)
    assert list(written) == [str(out)]
    rows = _read(out)
    assert list(rows[0]) == ["student", "file", "q1", "q2", "right", "total", "error"]
    error = f"cell {cells['q2']} raised RuntimeError: boom"
    eve_error = ("no 'from lrviz.exercises import nNN_...' line (exercises of n00_start_here, from the file name); "
                 f"cell {cells['q1']} raised NameError: name 'check' is not defined (2 cells raised)")
    assert [list(r.values()) for r in rows] == [
        ["alice", str(alice), "right", "right", "2", "2", ""],
        ["bob", str(bob), "wrong", "unanswered", "0", "2", error],
        ["carol", str(carol), "unanswered", "unanswered", "0", "2", ""],
        ["dan", str(dan), "wrong", "wrong", "0", "2", ""],
        ["eve", str(eve), "unanswered", "unanswered", "0", "2", eve_error],
    ]
    printed = capsys.readouterr().out
    assert re.search(r"q1\s+1\s+2\s+2\n", printed) and re.search(r"q2\s+1\s+1\s+3\n", printed), printed
    assert "alice: 2/2" in printed and "bob: 0/2" in printed and error in printed
    # the submissions themselves are untouched (graded in a temporary copy)
    assert nbformat.read(carol, as_version=4).cells[cells["q1"]].outputs[0]["text"].startswith("✅ Right.")


def _tiny(path, *sources):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nbformat.write(nb, path)
    return path


def test_different_notebooks_get_one_csv_each_and_a_timeout_keeps_the_checks_it_completed(tmp_path):
    slow = _tiny(tmp_path / "slow.ipynb",
                 "from lrviz.exercises import n04_bad_learning_rates as exercises",
                 "exercises.q1(0.4)",
                 "import time\ntime.sleep(300)",
                 "exercises.q2(-0.5)")
    first = _tiny(tmp_path / "first.ipynb", "import lrviz.exercises.n00_start_here as ex", "ex.q2('oscillating')")
    plain = _tiny(tmp_path / "plain.ipynb", "print(1 + 1)")
    forger = _tiny(tmp_path / "forger.ipynb", "from lrviz.exercises import n00_start_here as ex",
                   "import os, json\nwith open(os.environ['LRVIZ_GRADE_LOG'], 'a') as f:\n"
                   "    f.write(json.dumps(dict(module=ex.__name__, question='q1', verdict='right')) + '\\n')",
                   "ex.checks.check_choice = lambda *a, **k: True")
    written = grade.grade([slow, first, plain, forger], tmp_path / "week1.csv", timeout=20, echo=lambda *a: None)
    assert sorted(Path(p).name for p in written) == [
        "week1_n00_start_here.csv", "week1_n04_bad_learning_rates.csv", "week1_none.csv"]
    assert _read(tmp_path / "week1_n04_bad_learning_rates.csv") == [dict(
        student="slow", file=str(slow), q1="right", q2="unanswered", q3="unanswered", q4="unanswered",
        right="1", total="4", error="timed out after 20 s")]
    assert _read(tmp_path / "week1_n00_start_here.csv") == [
        dict(student="first", file=str(first), q1="unanswered", q2="right", right="1", total="2", error=""),
        dict(student="forger", file=str(forger), q1="right", q2="unanswered", right="1", total="2",
             error="review: the code touches the grading (LRVIZ_GRADE_LOG, checks.check_choice)")]
    assert _read(tmp_path / "week1_none.csv") == [dict(
        student="plain", file=str(plain), right="0", total="0",
        error="no 'from lrviz.exercises import nNN_...' line")]


@pytest.mark.parametrize("source, modules", [
    ("from lrviz.exercises import n00_start_here as check", ["n00_start_here"]),
    ("import numpy as np\nfrom lrviz.exercises import n04_bad_learning_rates  # exercises", ["n04_bad_learning_rates"]),
    ("from lrviz.exercises import (n02_gradient_descent_1d as a,\n", ["n02_gradient_descent_1d"]),
    ("from lrviz.exercises import checks, n12b_pbt_with_ray_tune", ["n12b_pbt_with_ray_tune"]),
    ("import lrviz.exercises.n09_adagrad as ex", ["n09_adagrad"]),
    ("from lrviz.exercises.checks import check_number", []),
    ("# from lrviz.exercises import n05_annealing", []),
])
def test_the_exercise_module_is_found_from_the_import_line(source, modules):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("from lrviz.exercises import n01_x"),
                                         nbformat.v4.new_code_cell(source)])
    assert grade.exercise_modules(nb) == [f"lrviz.exercises.{m}" for m in modules]


def test_bad_arguments_exit_2_with_a_message(tmp_path, capsys):
    assert grade.main([str(tmp_path / "nope.ipynb")]) == 2
    assert "Invalid notebook:" in capsys.readouterr().out
    assert grade.main([]) == 2
    assert grade.main([str(START), "--timeout", "0"]) == 2
    assert "Invalid timeout: 0" in capsys.readouterr().out


def test_a_file_that_is_not_a_notebook_still_gets_a_row(tmp_path):
    bad = tmp_path / "broken.ipynb"
    bad.write_text("{not json")
    r = grade.run_submission(bad)
    assert r["verdicts"] == {} and r["error"].startswith("not a readable notebook")


def _exercise_modules():
    import lrviz.exercises as package

    return sorted(m.name for m in pkgutil.iter_modules(package.__path__) if re.fullmatch(r"n\d+\w*", m.name))


@pytest.fixture(scope="module")
def keys():
    """Every exercise module's key, computed once (some answers train a network)."""
    return {f"lrviz.exercises.{n}": checks.answer_key(importlib.import_module(f"lrviz.exercises.{n}"))
            for n in _exercise_modules()}


@pytest.mark.parametrize("name", _exercise_modules())
def test_every_key_answer_is_accepted_by_its_own_check(name, keys, capsys):
    module = importlib.import_module(f"lrviz.exercises.{name}")
    entries = keys[module.__name__]
    assert [e["question"] for e in entries] == grade.questions(module.__name__)
    for e in entries:
        assert e["kind"] in ("number", "numbers", "choice", "update_rule"), e
        if e["kind"] in ("number", "numbers", "choice"):
            answer = tuple(e["expected"]) if e["kind"] == "numbers" else e["expected"]
            assert getattr(module, e["question"])(answer) is True, (name, e)


def test_the_keys_solutions_pass_their_update_rule_exercises(keys, capsys):
    import numpy as np

    rules = [(name, e) for name, entries in keys.items() for e in entries if e["kind"] == "update_rule"]
    assert rules, "the course has update-rule exercises"
    for name, e in rules:
        source = grade.reference_solution(e)
        assert source, e
        ns = {"np": np}
        exec(source, ns)
        step = ns[f"{e['optimizer']}_step"]
        assert getattr(importlib.import_module(name), e["question"])(step) is True, (name, source)


@pytest.mark.parametrize("optimizer, hyper", [
    ("sgd", dict(lr=0.1, weight_decay=0.01)), ("momentum", dict(lr=0.1, momentum=0.8)),
    ("nesterov", dict(lr=0.1, momentum=0.8)), ("rmsprop", dict(lr=0.01)), ("adagrad", dict(lr=0.1, eps=1e-6)),
    ("adadelta", dict(lr=1.0)), ("adam", dict(lr=1e-2, betas=(0.8, 0.99))),
])
def test_every_reference_solution_passes_the_checker(optimizer, hyper, capsys):
    import numpy as np

    source = grade.reference_solution(dict(optimizer=optimizer, hyper=hyper))
    ns = {"np": np}
    exec(source, ns)
    assert checks.check_update_rule(ns[f"{optimizer}_step"], optimizer, **hyper) is True, source
    assert grade.reference_solution(dict(optimizer="adam", hyper=dict(lr=1e-3, amsgrad=True))) is None


def test_the_key_markdown_lists_every_question_with_its_answer(keys, tmp_path):
    text = grade.answer_key_markdown(keys)
    assert text.startswith("# lrviz answer key (for instructors)")
    for name in _exercise_modules():
        assert f"checks `lrviz.exercises.{name}`" in text
    n04 = text[text.index("checks `lrviz.exercises.n04_bad_learning_rates`"):]
    assert re.search(r"### q1: .*\n\n- \*\*Answer\*\*: 0\.4 \(accepted: 0\.396 to 0\.404\)", n04), n04[:400]
    assert "Could not build" not in text and "not available to the key" not in text
    for entries in keys.values():
        for e in entries:
            if e["kind"] == "update_rule":
                assert f"matches `lrviz.optimizer({e['optimizer']!r}" in text


def test_grade_key_writes_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(grade, "answer_key_markdown", lambda: "# key\n")
    assert grade.main(["--key", "--key-out", str(tmp_path / "k" / "key.md")]) == 0
    assert (tmp_path / "k" / "key.md").read_text() == "# key\n"
