"""Grade submitted notebooks by running them, and write the instructors' answer key.

    python3 run.py grade submissions/*/00_start_here.ipynb               # -> grades.csv
    python3 run.py grade a.ipynb b.ipynb --out week1.csv --timeout 600
    python3 run.py grade --key                                            # -> instructor/answer_key.md

Grading. Each submission is copied into a temporary folder with every stored output and
execution count removed (a submission's outputs are never trusted: a forged "✅ Right." in a
stored output counts for nothing), then executed top to bottom in a fresh kernel (nbclient),
with at most ``--timeout`` seconds per notebook (default 600). Every cell runs even when an
earlier one raised, so one broken cell does not cost the rest. The exercise checks of
``lrviz.exercises`` record each verdict in a log file that the grader hands to the kernel
(environment variable ``LRVIZ_GRADE_LOG``); the grader reads the verdicts from that log only.

The exercise module of a notebook is found from its ``from lrviz.exercises import nNN_topic``
line (or, when that line is gone, from a course notebook's name in the file name); its
columns are that module's exercises, ``q1``, ``q2``, ... Each cell holds ``right``, ``wrong``
or ``unanswered``; a question that was never checked (its cell deleted, raising, or not
reached before the timeout) is ``unanswered``; when a question is checked twice, the last
check counts. The CSV columns are::

    student, file, q1, q2, ..., right, total, error

``student`` is the file's name without ``.ipynb``, or the name of its folder when the file
keeps the course's name (``alice/00_start_here.ipynb`` -> ``alice``). ``error`` notes a
notebook that did not run cleanly: the first cell that raised (and how many did), a timeout,
a dead kernel, no exercise module, or code that reaches into the grading (the verdict log,
the checks' internals, a redefined check: "review: ..."). That notebook still gets a row,
and the checks it completed count. When the submissions belong to different notebooks, one
CSV is written per exercise module, named after ``--out`` with the module added:
``grades_n00_start_here.csv``, ``grades_n04_bad_learning_rates.csv``, ... Submissions
without an exercise module go to ``grades_none.csv``. The grader prints, per CSV, how many
got each question right / wrong / unanswered and each notebook's score. Exit status: 0 when
every submission was graded (even with errors noted), 2 for bad arguments. Through
``run.py`` relative paths are taken from the repository's folder (where run.py lives).

Trust. The grader executes the students' code, so run it as an ordinary user, not on a machine
holding secrets. Stored outputs are never read; code that forges the verdict log or redefines
a check could still fool it, as it could any autograder that runs submitted code, so such code
is flagged for review in the ``error`` column.

Answer key. ``--key`` writes ``instructor/answer_key.md`` (or ``--key-out PATH``): for every
exercise module, each question's text, the expected answer and what the checker accepts, its
hint and explanation. It is computed by the same code that checks the students (each ``qN`` is
called with ``lrviz.exercises.checks.KEY``), so it cannot drift from the notebooks. Keep it out
of the students' copy of the course.
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import importlib
import json
import math
import os
import pkgutil
import re
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
KEY_PATH = ROOT / "instructor" / "answer_key.md"
VERDICTS = ("right", "wrong", "unanswered")
_IMPORT = re.compile(r"^\s*(?:from\s+lrviz\.exercises\s+import\s+([\w\s,()]+?)\s*(?:#.*)?$"
                     r"|import\s+lrviz\.exercises\.(n\w+))", re.M)
_MODULE_NAME = re.compile(r"n\d+\w*")
_QUESTION = re.compile(r"q\d+[a-z]?")
# code that reaches into the grading machinery: the row says so, for the instructor to review
_TAMPER = re.compile(r"LRVIZ_GRADE_LOG|GRADE_LOG_ENV|VERDICTS|_record\b|_say\b|_key_entries"
                     r"|\bcheck_(?:number|choice|update_rule)\s*=[^=]|\bchecks\.\w+\s*=[^=]|\.q\d+[a-z]?\s*=[^=]")


# ---------------------------------------------------------------- reading a submission

def exercise_modules(nb) -> list[str]:
    """The ``lrviz.exercises.nNN_*`` modules a notebook imports, in order of first import."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for names, dotted in _IMPORT.findall(cell.source):
            for part in ([dotted] if dotted else re.split(r"[\s,()]+", names)):
                name = part.split(" as ")[0].strip()
                if _MODULE_NAME.fullmatch(name) and f"lrviz.exercises.{name}" not in found:
                    found.append(f"lrviz.exercises.{name}")
    return found


def questions(module_name: str) -> list[str]:
    """The exercise functions ``q1``, ``q2``, ... of a module, in numeric order."""
    module = importlib.import_module(module_name)
    names = [n for n in vars(module) if _QUESTION.fullmatch(n) and callable(getattr(module, n))]
    return sorted(names, key=lambda n: (int(re.match(r"q(\d+)", n).group(1)), n))


def module_from_name(path: Path):
    """The exercise module of the course notebook whose name the file carries, else None."""
    import importlib.util

    for stem in sorted((p.stem for p in NOTEBOOKS.glob("*.ipynb")), key=len, reverse=True):
        if stem in Path(path).stem and importlib.util.find_spec(f"lrviz.exercises.n{stem}"):
            return f"lrviz.exercises.n{stem}"
    return None


def student_name(path: Path) -> str:
    """The file's stem, or its folder's name when the file keeps a course notebook's name."""
    course = {p.stem for p in NOTEBOOKS.glob("*.ipynb")}
    return path.parent.name if path.stem in course and path.parent.name else path.stem


def _first_error(nb):
    errors = [(i, out) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
              for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    if not errors:
        return ""
    i, out = errors[0]
    more = f" ({len(errors)} cells raised)" if len(errors) > 1 else ""
    return f"cell {i} raised {out.get('ename', 'an error')}: {str(out.get('evalue', ''))[:120]}{more}"


# ---------------------------------------------------------------- running one

async def _execute(client, timeout):
    """Run the notebook; True when it was stopped at the timeout (the kernel is shut down)."""
    task = asyncio.ensure_future(client.async_execute())
    done, _ = await asyncio.wait({task}, timeout=timeout)
    if task in done:
        task.result()  # re-raise what stopped it
        return False
    task.cancel()  # nbclient shuts its kernel down on the way out
    try:
        await task
    except BaseException:  # the kernel it killed may report itself dead: that is the timeout
        pass
    return True


def run_submission(path: Path, timeout: float = 600.0) -> dict:
    """Execute one submission in a fresh kernel; return its verdicts and any error.

    Returns ``{"file", "student", "modules", "verdicts": {(module, q): verdict}, "error"}``.
    """
    path = Path(path)
    result = dict(file=str(path), student=student_name(path), modules=[], verdicts={}, error="")
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as err:  # not a notebook at all: still a row
        result["error"] = f"not a readable notebook: {type(err).__name__}: {err}"[:200]
        return result
    result["modules"] = exercise_modules(nb)
    if not result["modules"]:
        guess = module_from_name(path)
        result["modules"] = [guess] if guess else []
        result["error"] = "no 'from lrviz.exercises import nNN_...' line" + (
            f" (exercises of {guess.rsplit('.', 1)[1]}, from the file name)" if guess else "")
    tampering = sorted({m.group(0).rstrip("= ").strip() for cell in nb.cells if cell.cell_type == "code"
                        for m in _TAMPER.finditer(cell.source)})
    for cell in nb.cells:  # never trust what a submission says it printed
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata.pop("widgets", None)
    with tempfile.TemporaryDirectory(prefix="lrviz-grade-") as tmp:
        log = Path(tmp) / "verdicts.jsonl"
        work = Path(tmp) / "work"
        work.mkdir()
        nbformat.write(nb, work / path.name)
        client = NotebookClient(nb, timeout=None, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(work)}})
        old = os.environ.get("LRVIZ_GRADE_LOG")
        os.environ["LRVIZ_GRADE_LOG"] = str(log)  # the kernel inherits it
        try:
            if asyncio.run(_execute(client, timeout)):
                result["error"] = f"timed out after {timeout:g} s"
        except Exception as err:  # a dead kernel, a cell timeout, ...: the completed checks still count
            first = (str(err).strip().splitlines() or [""])[0][:150]
            result["error"] = f"did not finish: {type(err).__name__}: {first}"
        finally:
            if old is None:
                os.environ.pop("LRVIZ_GRADE_LOG", None)
            else:
                os.environ["LRVIZ_GRADE_LOG"] = old
        note = _first_error(nb)
        review = f"review: the code touches the grading ({', '.join(tampering)})" if tampering else ""
        result["error"] = "; ".join(e for e in (result["error"], note, review) if e)
        if log.exists():
            for line in log.read_text(encoding="utf-8").splitlines():
                try:
                    rec = json.loads(line)
                    if rec.get("verdict") in VERDICTS:
                        result["verdicts"][(rec["module"], rec["question"])] = rec["verdict"]
                except (ValueError, KeyError, TypeError, AttributeError):
                    continue
        shutil.rmtree(work, ignore_errors=True)
    return result


# ---------------------------------------------------------------- the tables

def _columns(modules):
    cols = []
    for m in modules:
        short = m.rsplit(".", 1)[1]
        for q in questions(m):
            cols.append(((m, q), q if len(modules) == 1 else f"{short}.{q}"))
    return cols


def rows_for(results, modules):
    """CSV rows (dicts) for results that share the exercise ``modules``."""
    cols = _columns(modules)
    header = ["student", "file"] + [name for _, name in cols] + ["right", "total", "error"]
    rows = []
    for r in results:
        row = {"student": r["student"], "file": r["file"]}
        for key, name in cols:
            row[name] = r["verdicts"].get(key, "unanswered")
        row["right"] = sum(row[name] == "right" for _, name in cols)
        row["total"] = len(cols)
        row["error"] = r["error"]
        rows.append(row)
    return header, rows


def summary(header, rows) -> str:
    qs = header[2:-3]
    width = max([len(q) for q in qs] + [8])
    lines = [f"{'question':{width}s}  right  wrong  unanswered"]
    for q in qs:
        c = Counter(row[q] for row in rows)
        lines.append(f"{q:{width}s}  {c['right']:5d}  {c['wrong']:5d}  {c['unanswered']:10d}")
    lines.append("")
    for row in rows:
        err = f"   ({row['error']})" if row["error"] else ""
        lines.append(f"{row['student']}: {row['right']}/{row['total']}   {row['file']}{err}")
    return "\n".join(lines)


def grade(paths, out="grades.csv", timeout=600.0, echo=print) -> dict:
    """Grade ``paths``; write the CSV(s); return ``{csv path: (header, rows)}``."""
    results = []
    for p in paths:
        echo(f"running {p} ...")
        results.append(run_submission(Path(p), timeout))
    groups: dict[tuple, list] = {}
    for r in results:
        groups.setdefault(tuple(r["modules"][:1]), []).append(r)
    out = Path(out)
    written = {}
    for modules, group in groups.items():
        if len(groups) == 1:
            target = out
        else:
            tag = modules[0].rsplit(".", 1)[1] if modules else "none"
            target = out.with_name(f"{out.stem}_{tag}{out.suffix or '.csv'}")
        mods = list(dict.fromkeys(m for r in group for m in r["modules"])) if modules else []
        header, rows = rows_for(group, mods)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
        echo(f"\n{target}  ({', '.join(m.rsplit('.', 1)[1] for m in mods) or 'no exercise module'})")
        echo(summary(header, rows))
        written[str(target)] = (header, rows)
    return written


# ---------------------------------------------------------------- the answer key

def _accepts(entry):
    e, rtol, atol = entry["expected"], entry["rtol"], entry["atol"]
    tol = atol + rtol * abs(e)
    text = f"{e - tol:.6g} to {e + tol:.6g}" if tol else f"exactly {e:.10g}"
    if entry["integer"]:
        ints = sorted({math.floor(e), math.ceil(e)})
        text += ", and the integer" + ("s " if len(ints) > 1 else " ") + " and ".join(map(str, ints))
    return text


# A student's solution to each update-rule exercise, written as the course teaches it
# (tests/test_grade.py runs every one through its exercise's own check).
_SOLUTIONS = {
    "sgd": (("lr",), "return x - lr * grad"),
    "momentum": (("lr", "momentum"), """buf = state.get("buf")
buf = grad if buf is None else momentum * buf + grad
state["buf"] = buf
return x - lr * buf"""),
    "nesterov": (("lr", "momentum"), """buf = state.get("buf")
buf = grad if buf is None else momentum * buf + grad
state["buf"] = buf
return x - lr * (grad + momentum * buf)"""),
    "rmsprop": (("lr", "alpha", "eps"), """square_avg = alpha * state.get("square_avg", 0.0) + (1 - alpha) * grad**2
state["square_avg"] = square_avg
return x - lr * grad / (np.sqrt(square_avg) + eps)"""),
    "adagrad": (("lr", "eps"), """total = state.get("sum", 0.0) + grad**2
state["sum"] = total
return x - lr * grad / (np.sqrt(total) + eps)"""),
    "adadelta": (("lr", "rho", "eps"), """square_avg = rho * state.get("square_avg", 0.0) + (1 - rho) * grad**2
acc_delta = state.get("acc_delta", 0.0)
delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * grad
state["square_avg"] = square_avg
state["acc_delta"] = rho * acc_delta + (1 - rho) * delta**2
return x - lr * delta"""),
    "adam": (("lr", "betas", "eps"), """beta1, beta2 = betas
t = state["t"] = state.get("t", 0) + 1
m = state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * grad
v = state["v"] = beta2 * state.get("v", 0.0) + (1 - beta2) * grad**2
m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
return x - lr * m_hat / (np.sqrt(v_hat) + eps)"""),
}


def reference_solution(entry):
    """Python source of a correct ``step`` for an update-rule key entry, or None if lrviz has none
    for its hyperparameters (only the plain rules, plus weight decay, are written out)."""
    from lrviz import optimizer

    if entry.get("optimizer") not in _SOLUTIONS:
        return None
    uses, body = _SOLUTIONS[entry["optimizer"]]
    hyper = entry["hyper"]
    if set(hyper) - set(uses) - {"weight_decay"}:
        return None
    defaults = optimizer(entry["optimizer"]).hyperparams
    lines = [f"def {entry['optimizer']}_step(x, grad, state, {', '.join(hyper)}):"]
    lines += [f"    {k} = {defaults[k]!r}  # PyTorch's default" for k in uses if k not in hyper]
    if hyper.get("weight_decay"):
        lines.append("    grad = grad + weight_decay * x")
    lines += ["    " + line for line in body.splitlines()]
    return "\n".join(lines) + "\n"


def _key_module(name, entries=None):
    from lrviz.exercises.checks import answer_key

    module = importlib.import_module(name)
    short = name.rsplit(".", 1)[1]
    stem = short[1:]
    nb = NOTEBOOKS / f"{stem}.ipynb"
    title = stem
    if nb.exists():
        first = next((c.source for c in nbformat.read(nb, as_version=4).cells if c.cell_type == "markdown"), "")
        title = first.strip().splitlines()[0].lstrip("# ").strip() if first.strip() else stem
    lines = [f"## {title}", "", f"Notebook `notebooks/{stem}.ipynb`, checks `lrviz.exercises.{short}`.", ""]
    for entry in (answer_key(module) if entries is None else entries):
        lines.append(f"### {entry['question']}" + (f": {entry['doc'].splitlines()[0]}" if entry["doc"] else ""))
        lines.append("")
        kind = entry["kind"]
        if kind == "number":
            lines.append(f"- **Answer**: {entry['expected']:.6g} (accepted: {_accepts(entry)})")
        elif kind == "numbers":
            e = ", ".join(f"{v:.6g}" for v in entry["expected"])
            tol = (f"each within {entry['atol']:g} + {entry['rtol']:g} x its size"
                   if entry["atol"] else f"each within {entry['rtol']:g} of its size")
            lines.append(f"- **Answer**: ({e}) ({tol})")
        elif kind == "choice":
            lines.append(f"- **Answer**: `{entry['expected']}` (choices: {', '.join(entry['choices'])})")
        elif kind == "update_rule":
            hp = ", ".join(f"{k}={v!r}" for k, v in entry["hyper"].items())
            lines.append(f"- **Answer**: a function `step(x, grad, state, {', '.join(entry['hyper'])})` that "
                         f"matches `lrviz.optimizer({entry['optimizer']!r}, {hp})` on random inputs.")
            solution = reference_solution(entry)
            if solution:
                lines += ["", "  A solution (numpy imported as np):", "", "```python", solution.rstrip(), "```", ""]
            if entry.get("rule"):
                lines += ["" if not solution else None, "  lrviz's documentation of the rule:", "",
                          "```text", entry["rule"], "```", ""]
                lines = [line for line in lines if line is not None]
        else:
            lines.append(f"- **Answer**: not available to the key ({entry.get('error', '')})")
        if entry.get("explain"):
            lines.append(f"- **Explanation** (shown when right): {entry['explain']}")
        if entry.get("hint"):
            lines.append(f"- **Hint** (shown when wrong): {entry['hint']}")
        lines.append("")
    return lines


def answer_key_markdown(keys=None) -> str:
    """The answer key of every exercise module, as Markdown (``keys``: module name -> entries
    of ``checks.answer_key`` already computed)."""
    import lrviz.exercises as package

    names = sorted(f"lrviz.exercises.{m.name}" for m in pkgutil.iter_modules(package.__path__)
                   if _MODULE_NAME.fullmatch(m.name))
    lines = ["# lrviz answer key (for instructors)", "",
             "Generated by `python3 run.py grade --key` from the exercise checks themselves; do not edit,",
             "regenerate. Keep it out of the students' copy of the course.", ""]
    for name in names:
        try:
            lines += _key_module(name, (keys or {}).get(name))
        except Exception as err:  # one module that cannot load must not hide the others
            lines += [f"## {name}", "", f"Could not build this part of the key: {type(err).__name__}: {err}", ""]
    return "\n".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------- command line

def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 run.py grade", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="submitted notebooks (.ipynb)")
    parser.add_argument("--out", default="grades.csv", type=Path, help="CSV to write (default grades.csv)")
    parser.add_argument("--timeout", default=600.0, type=float, help="seconds per notebook (default 600)")
    parser.add_argument("--key", action="store_true", help="write the answer key instead of grading")
    parser.add_argument("--key-out", default=KEY_PATH, type=Path,
                        help=f"where --key writes (default {KEY_PATH.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    if args.key:
        args.key_out.parent.mkdir(parents=True, exist_ok=True)
        args.key_out.write_text(answer_key_markdown(), encoding="utf-8")
        print(f"wrote {args.key_out}")
        return 0
    if not args.notebooks:
        parser.print_usage()
        print("give the submitted notebooks to grade, or --key for the answer key")
        return 2
    missing = [str(p) for p in args.notebooks if not p.is_file()]
    if missing:
        print(f"Invalid notebook: {', '.join(missing)} (no such file)")
        return 2
    if args.timeout <= 0:
        print(f"Invalid timeout: {args.timeout:g} (must be > 0 seconds)")
        return 2
    grade(args.notebooks, args.out, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
