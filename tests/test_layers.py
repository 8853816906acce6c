"""The house rules: lrviz is laid out by layer, imports only go downward, and no module
imports itself back through a circle. Every import counts, including the late ones inside
functions (they are circles all the same, only hidden until run time)."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "lrviz"
# engine <- training <- pictures <- explorers; exercises sit beside pictures, on engine and training.
RANK = {"engine": 0, "training": 1, "pictures": 2, "explorers": 3}
ALLOWED = {layer: {other for other, r in RANK.items() if r <= rank} for layer, rank in RANK.items()}
ALLOWED["exercises"] = {"engine", "training", "exercises"}
for layer in RANK:
    ALLOWED[layer].add(layer)


def _module_name(path):
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path, text=None):
    """The lrviz modules that ``path`` imports (its ``text``, if given), as absolute dotted names."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text() if text is None else text)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "lrviz"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.split(".")[0] != "lrviz":
                continue
            found.add(mod)
            for alias in node.names:  # `from . import analysis` names a module
                if (PKG.parent / (mod + "." + alias.name).replace(".", "/")).with_suffix(".py").exists():
                    found.add(mod + "." + alias.name)
    return found


MODULES = {_module_name(p): p for p in PKG.rglob("*.py")}
GRAPH = {name: {m for m in _imports(p) if m in MODULES and m != name} for name, p in MODULES.items()}


def _layer(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else None


def test_every_module_lives_in_a_layer():
    loose = sorted(m for m in MODULES if m != "lrviz" and _layer(m) is None)
    assert not loose, f"modules outside engine/training/pictures/explorers/exercises: {loose}"


def _upward(module, imported):
    """The imports of ``module`` that reach a layer above it (or the top-level package)."""
    return sorted(m for m in imported if m == "lrviz" or _layer(m) not in ALLOWED[_layer(module)])


def _circles(graph):
    """Every import circle in ``graph`` (module -> the modules it imports), as lists of names."""
    state, stack, circles = {}, [], []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            # a package's __init__ importing its own submodules is not a circle
            if nxt == node.rpartition(".")[0] or node == nxt.rpartition(".")[0]:
                continue
            if state.get(nxt) == "open":
                circles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return circles


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m)))
def test_imports_go_only_downward(module):
    assert not _upward(module, GRAPH[module]), f"{module} imports upward"


def test_no_import_circles():
    assert not _circles(GRAPH)


def test_the_rules_can_fail():
    """An engine module importing an explorer, exercises importing a widget, and a two-module
    circle are all reported (the checks are not vacuous)."""
    src = "from ..explorers import base\nfrom ..pictures.plotting import path_2d\n"
    imported = _imports(PKG / "engine" / "probe.py", text=src)
    assert _upward("lrviz.engine.probe", imported) == ["lrviz.explorers", "lrviz.explorers.base",
                                                       "lrviz.pictures.plotting"]
    assert _upward("lrviz.exercises.n10_optimizer_race", {"lrviz.explorers.racing"}) == ["lrviz.explorers.racing"]
    assert _circles({"lrviz.a.x": {"lrviz.a.y"}, "lrviz.a.y": {"lrviz.a.x"}}) == [["lrviz.a.x", "lrviz.a.y", "lrviz.a.x"]]


def test_import_lrviz_loads_only_the_engine():
    code = ("import sys, lrviz\n"
            "print(sorted(m for m in sys.modules if m.startswith('lrviz.') and not m.startswith('lrviz.engine')))\n"
            "print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "[]"
    assert out[1] == "False False"


@pytest.mark.parametrize("name", ["plotting", "nets", "pbt", "pbt_plots", "pbt_widgets", "generalization", "style",
                                  "animation", "checks", "widgets", "racing", "fit_widgets", "curves", "canvas"])
def test_short_module_names_keep_working(name):
    import lrviz

    assert getattr(lrviz, name).__name__.startswith("lrviz.")


@pytest.mark.parametrize("name", ["explore", "race", "schedule_explorer", "Explorer", "use_style", "color_for",
                                  "style_context", "fit_explorer", "toy_explorer", "training_explorer"])
def test_public_functions_resolve_to_callables(name):
    import lrviz

    assert callable(getattr(lrviz, name))
