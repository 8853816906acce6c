"""Real-browser tests: every notebook in JupyterLab (and one in Voila) in headless Chromium.

For each notebook: open it in JupyterLab, Run All Cells, and check that no
cell shows an error, the browser console stays clean, and -- when the
notebook has sliders -- that pressing a key on the learning-rate slider
changes the pixels of its ipympl figure, and so does dragging its handle
with the mouse (the things students actually do). The notebook list comes
from the folder, so a new notebook is tested without touching this file.

Skipped when Chromium is missing, unless ``LRVIZ_REQUIRE_BROWSER=1`` (CI),
which turns the skip into a failure. ``LRVIZ_BROWSER_NOTEBOOKS=00_*,03_x``
selects a subset; ``LRVIZ_NOTEBOOK_DIR`` points at another notebook folder.
Screenshots go to ``/tmp/lrviz_browser`` (``LRVIZ_BROWSER_ARTIFACTS``).

With pytest-xdist use ``--dist loadfile``: this module then runs on one
worker, which starts one JupyterLab server and one Chromium for all notebooks.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import time
from contextlib import contextmanager

import pytest

try:  # tests/ as a package or as a plain rootdir folder
    from . import browser as B
except ImportError:
    import browser as B

pytestmark = pytest.mark.browser

NOTEBOOKS = B.notebook_paths()
RUN_TIMEOUT_MS = float(os.environ.get("LRVIZ_BROWSER_TIMEOUT", "180")) * 1000
PRESSES = 3


def _require_or_skip(reason: str):
    if os.environ.get("LRVIZ_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (LRVIZ_REQUIRE_BROWSER=1, so this is a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright_browser():
    if B.find_chromium() is None:
        _require_or_skip("Chromium not installed: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require_or_skip("playwright not installed: pip install -r requirements-dev.txt")
    p = sync_playwright().start()
    try:
        browser = B.launch_chromium(p)
    except Exception:
        p.stop()
        raise
    yield browser
    browser.close()
    p.stop()


@pytest.fixture(scope="session")
def lab_server(playwright_browser, tmp_path_factory):
    root = B.copy_notebooks(tmp_path_factory.mktemp("notebooks"), NOTEBOOKS)
    server = B.start_jupyterlab(root, home=tmp_path_factory.mktemp("jupyter_home"))
    yield server
    server.stop()


@contextmanager
def _page(browser, name: str):
    """A fresh context + page; on failure save a screenshot and name it in the error."""
    ctx = B.new_context(browser)
    page = ctx.new_page()
    log = B.PageLog(page)
    try:
        yield page, log
    except BaseException as e:
        shot = B.screenshot(page, f"{name}_FAILED")
        if hasattr(e, "add_note"):
            e.add_note(f"screenshot: {shot}")
        raise
    else:
        B.screenshot(page, name)
    finally:
        ctx.close()


def _check_console(log: B.PageLog, where: str) -> None:
    bad = log.bad_console()
    assert not bad, f"browser console errors in {where}:\n" + "\n---\n".join(bad)


def _check_kernel(log: B.PageLog, where: str) -> None:
    assert not log.kernel_errors, f"kernel raised in {where}:\n" + "\n---\n".join(log.kernel_errors)


def _exercise_slider(page, name: str, timeout_ms: float = 30_000) -> dict:
    """Press keys on the lr slider; assert the figure's pixels change. Returns measurements."""
    slider = B.find_lr_slider(page, timeout=timeout_ms)
    assert slider is not None, f"{name}: no ipywidgets slider rendered (widgets not loading?)"
    label = slider.locator(".widget-label").first.inner_text()
    figure = B.figure_near(slider)
    assert figure is not None, f"{name}: a slider but no ipympl figure (.jupyter-matplotlib-figure)"
    figure.scroll_into_view_if_needed()
    B.wait_figure_rendered(figure, timeout=timeout_ms)
    overlay = B.overlay_geometry(figure)
    if overlay is not None:  # the moving artists, drawn by the page: exactly over the canvas
        assert overlay["svg"] == pytest.approx(overlay["canvas"], abs=0.5), f"{name}: overlay off its canvas: {overlay}"
        assert overlay["pointer_events"] == "none", f"{name}: the overlay catches the pointer: {overlay}"
    canvas_box = figure.locator(B.CANVAS_DIV_SEL).first
    B.install_pixel_watch(figure)
    handle = slider.locator(B.HANDLE_SEL).first
    key = B.key_for_handle(handle)
    # Let any in-flight redraw from Run All settle before taking "before".
    time.sleep(0.3)
    before_png = canvas_box.screenshot()
    before_val = B.slider_value(slider)
    latencies = [B.press_and_time(page, handle, key) for _ in range(PRESSES)]
    after_val = B.slider_value(slider)
    after_png = canvas_box.screenshot()
    assert before_val != after_val, f"{name}: slider {label!r} did not move on {key} ({before_val!r})"
    assert latencies[0] is not None, f"{name}: figure pixels did not change within 10 s of pressing {key} on {label!r}"
    assert before_png != after_png, f"{name}: figure screenshot identical after moving {label!r}"
    # A student drags the handle: the figure must follow while the hand moves or right after.
    B.install_paint_recorder(figure)
    B.wait_quiet(page, 300)
    drag_from = B.slider_value(slider)
    drag = B.drag_handle(page, handle, moves=10, seconds=0.7, px=4, settle=2.5)
    # A slider with continuous_update=False moves on release; an explorer that rejects the
    # new value puts the slider back (and shows why): then the figure rightly stays.
    drag["moved"] = B.slider_value(slider) != drag_from
    if drag["moved"]:
        assert drag["shown"] + drag["after"] >= 1, f"{name}: figure did not change while {label!r} was dragged: {drag}"
    return {"slider": label, "key": key, "from": before_val, "to": after_val, "latency_ms": latencies, "drag": drag,
            "overlay": overlay is not None}


@pytest.mark.parametrize("nb", NOTEBOOKS or [None], ids=[p.stem for p in NOTEBOOKS] or ["no-notebooks"])
def test_notebook_in_jupyterlab(nb, playwright_browser, lab_server):
    if nb is None:
        pytest.skip(f"no notebooks in {B.NOTEBOOK_DIR}")
    name = nb.name
    try:
        with _page(playwright_browser, f"lab_{nb.stem}") as (page, log):
            B.open_notebook(page, lab_server, name)
            B.run_all_cells(page, timeout=RUN_TIMEOUT_MS)

            nb_root = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
            try:
                B.wait_widgets_settled(page, nb_root)
            except Exception:
                pass  # reported just below, with the widget's text
            errors = B.error_outputs(page, nb_root)
            assert not errors, f"{name}: cells show errors/stderr:\n" + "\n---\n".join(errors)
            broken = page.locator(".jp-Notebook").get_by_text(
                re.compile(r"Error displaying widget|Loading widget\.\.\.|Javascript Error")
            )
            assert broken.count() == 0, f"{name}: widget failed to render: {broken.first.inner_text()}"
            _check_kernel(log, name)

            # A slider is required where the code surely builds one; elsewhere
            # (static notebooks, Play-only widgets) it is exercised if present.
            if B.notebook_expects_slider(nb) or page.locator(B.SLIDER_SEL).count():
                result = _exercise_slider(page, name)
                _record(nb.stem, "lab", result)
                _check_kernel(log, f"{name} (slider callback)")
            _check_console(log, name)
    finally:
        lab_server.shutdown_kernels()


def _voila_notebook():
    chosen = os.environ.get("LRVIZ_VOILA_NOTEBOOK")
    if chosen:
        return next((p for p in NOTEBOOKS if p.name == chosen or p.stem == chosen), None)
    with_widgets = [p for p in NOTEBOOKS if B.notebook_expects_slider(p)]
    start = [p for p in with_widgets if p.name == "00_start_here.ipynb"]
    return (start or with_widgets or [None])[0]


def test_notebook_in_voila(playwright_browser, tmp_path_factory):
    nb = _voila_notebook()
    if nb is None:
        pytest.skip("no notebook with widgets to show in Voila")
    root = B.copy_notebooks(tmp_path_factory.mktemp("voila_nb"), [nb])
    server = B.start_voila(root / nb.name, home=tmp_path_factory.mktemp("voila_home"))
    try:
        with _page(playwright_browser, f"voila_{nb.stem}") as (page, log):
            page.goto(server.url(""), wait_until="domcontentloaded", timeout=RUN_TIMEOUT_MS)
            # Voila executes the notebook while the page loads; widgets appear when done.
            slider = B.find_lr_slider(page, timeout=RUN_TIMEOUT_MS)
            assert slider is not None, f"voila {nb.name}: no slider rendered\n{server.log_tail()}"
            assert page.locator(B.FIGURE_SEL).count() > 0, f"voila {nb.name}: no ipympl figure"
            page.wait_for_function(
                "() => !document.querySelector('#loading') || getComputedStyle(document.querySelector('#loading')).display === 'none'",
                timeout=RUN_TIMEOUT_MS,
            )
            errors = B.error_outputs(page)
            body = page.locator("body").inner_text()
            for bad in ("Traceback (most recent call last)", "Error displaying widget", "There was an error when executing"):
                if bad in body:
                    errors.append(bad)
            assert not errors, f"voila {nb.name}: error text on page:\n" + "\n---\n".join(errors)
            result = _exercise_slider(page, f"voila {nb.name}")
            _record(nb.stem, "voila", result)
            _check_kernel(log, f"voila {nb.name}")
            _check_console(log, f"voila {nb.name}")
    finally:
        server.stop()


def _record(stem: str, where: str, result: dict) -> None:
    """Latencies go to a JSON beside the screenshots (read by the report, not asserted: timing is a benchmark)."""
    lat = [x for x in result["latency_ms"] if x is not None]
    result["median_ms"] = statistics.median(lat) if lat else None
    B.ARTIFACT_DIR.mkdir(parents=True, exist_ok=True)
    (B.ARTIFACT_DIR / f"latency_{where}_{stem}.json").write_text(json.dumps(result, indent=1))
    print(f"{where} {stem}: {result}")
