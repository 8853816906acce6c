"""Helpers that build the JupyterLite site and drive it in headless Chromium (playwright, async).

Used by ``tests/test_site.py`` and ``benchmarks/site_latency.py``. The JupyterLab-side helpers
live in ``tests/browser.py`` (its selectors and Chromium discovery are reused here); the site
needs its own because there is no Jupyter server: the kernel is Pyodide in a Web Worker, so
"kernel up" is read off the page, and several notebooks run at once, one browser context each
(async playwright), to fit the two cores of a CI machine.

Everything stays on 127.0.0.1: a context answers every other request by aborting it and
records it in ``SiteRun.external`` (the test fails on any).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

try:  # tests/ as a package or as a plain rootdir folder
    from . import browser as B
except ImportError:
    import browser as B

REPO = Path(__file__).resolve().parents[1]
BUILD_SITE = REPO / "scripts" / "build_site.py"

# stderr outputs that are not errors, each with the reason (keep this short and specific).
HARMLESS_STDERR = [
    (r"^Matplotlib is building the font cache; this may take a moment\.$",
     "a fresh Pyodide kernel has no matplotlib font cache; matplotlib says so once, on stderr"),
]  # fmt: skip


def find_pyodide() -> Path | None:
    """``LRVIZ_PYODIDE`` (relative paths are relative to the repository), if it names a Pyodide folder."""
    value = os.environ.get("LRVIZ_PYODIDE", "").strip()
    if not value:
        return None
    path = (REPO / value).resolve()
    return path if (path / "pyodide.js").is_file() else None


def build_site(out: Path, pyodide: Path, timeout: float = 900) -> float:
    """``python3 run.py site --out OUT --pyodide PYODIDE`` (sets up .venv-site once). Returns seconds."""
    t0 = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(REPO / "run.py"), "site", "--out", str(out), "--pyodide", str(pyodide)],
        cwd=REPO, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"run.py site failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return time.monotonic() - t0


@dataclass
class StaticServer:
    proc: subprocess.Popen
    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def serve_site(site: Path, timeout: float = 30) -> StaticServer:
    """Serve ``site`` on 127.0.0.1 with ``build_site.py --serve-only`` (plain static files)."""
    port = B.free_port()
    proc = subprocess.Popen(
        [sys.executable, str(BUILD_SITE), "--serve-only", "--out", str(site), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"site server exited: {proc.stderr.read().decode(errors='replace')[-2000:]}")
        with socket.socket() as s:
            s.settimeout(0.5)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return StaticServer(proc, port)
        time.sleep(0.1)
    proc.kill()
    raise TimeoutError(f"site server did not listen on {port} within {timeout}s")


# --------------------------------------------------------------------------- #
# one notebook in one browser context


@dataclass
class SiteRun:
    """What happened to one notebook in the site."""

    name: str
    seconds: dict = field(default_factory=dict)  # open, kernel+run, slider
    state: dict | None = None
    errors: list = field(default_factory=list)  # stderr / error outputs, harmless ones removed
    page_errors: list = field(default_factory=list)
    external: list = field(default_factory=list)  # requests to any host but 127.0.0.1
    slider: str | None = None  # description of the slider pressed, None = no slider
    latencies_ms: list = field(default_factory=list)
    values: list = field(default_factory=list)  # (readout before, readout after) of each press
    warnings: list = field(default_factory=list)  # the explorer's ⚠ messages after the presses
    overlay: dict | None = None  # where the explorer's SVG overlay lies against its canvas (None: none)
    failure: str | None = None  # an exception that stopped the run
    first_try: str | None = None  # the failure of a first try that never got to Run All (retried)
    screenshot: str | None = None


LOCAL = re.compile(r"^(https?://127\.0\.0\.1[:/]|data:|blob:)")


async def new_context(browser, run: SiteRun):
    """A fresh context (own storage, own kernel) that records and aborts any non-local request."""
    ctx = await browser.new_context(viewport=B.VIEWPORT, device_scale_factor=1)

    def on_request(req):
        if not LOCAL.match(req.url):
            run.external.append(req.url)

    async def block(route):
        await route.abort("blockedbyclient")

    ctx.on("request", on_request)
    await ctx.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]|data:|blob:).*"), block)
    return ctx


_CELLS_JS = """() => {
    const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
    if (!nb) return null;
    const res = {running: 0, pending: 0, done: 0, errors: 0, cells: 0};
    for (const c of nb.querySelectorAll('.jp-CodeCell')) {
        res.cells++;
        const p = c.querySelector('.jp-InputArea-prompt');
        const t = p ? p.textContent.trim() : '';
        if (t.includes('*')) res.running++;
        else if (/\\[\\d+\\]/.test(t)) res.done++;
        else res.pending++;
    }
    res.errors = nb.querySelectorAll(ERROR_SEL).length;
    const ind = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
    res.kernel = ind ? ind.getAttribute('data-status') : null;
    return res;
}""".replace("ERROR_SEL", json.dumps(B.ERROR_SEL))


async def cells_state(page) -> dict | None:
    return await page.evaluate(_CELLS_JS)


async def run_all(page, timeout: float) -> dict:
    """Clear all outputs (the site serves the stored ones, so a number must come from this run), Run All Cells, wait until every code cell has a number (or an error stopped it)."""
    await page.locator(".jp-NotebookPanel .jp-Notebook .jp-CodeCell").first.wait_for(state="visible", timeout=60_000)
    await _menu(page, "Edit", ['.lm-Menu-item[data-command="editmenu:clear-all"]'])
    run_items = ['.lm-Menu-item[data-command="runmenu:run-all"]', '.lm-Menu-item[data-command="notebook:run-all-cells"]']
    await _menu(page, "Run", run_items)
    deadline = time.monotonic() + timeout
    stable, state = 0, None
    asked = time.monotonic()
    while time.monotonic() < deadline:
        state = await cells_state(page)
        # Once in a while no cell starts (every prompt empty, the kernel idle; a kernel
        # dialog may have come up): after 30 s of that, ask again. A run that started is
        # left alone.
        if (state and state["done"] == 0 and state["running"] == 0 and state["errors"] == 0
                and state["kernel"] == "idle" and time.monotonic() - asked > 30):
            await _menu(page, "Run", run_items)
            asked = time.monotonic()
        ok = (
            state
            and state["running"] == 0
            and state["kernel"] == "idle"
            and (state["pending"] == 0 or state["errors"] > 0)
            and state["done"] > 0
        )
        stable = stable + 1 if ok else 0
        if stable >= 3:
            return state
        await asyncio.sleep(0.5)
    raise TimeoutError(f"cells still running after {timeout:.0f}s: {state}")


async def _menu(page, label: str, items: list[str]) -> None:
    # A dialog (a "Select Kernel" one, before the site named its kernel in each notebook)
    # can come up over the menu bar, even while the click waits: accept it (its preselected
    # choice) and click again.
    accept = page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept")
    bar = page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{label}$"))
    for _ in range(5):
        if await accept.count():
            await accept.first.click()
        try:
            await bar.click(timeout=5_000)
            break
        except Exception as err:  # playwright's TimeoutError: something covers the bar
            if "Timeout" not in type(err).__name__:
                raise
    else:
        await bar.click()  # the last try: its error says what is in the way
    await page.locator(", ".join(items)).first.click()


async def error_texts(page) -> list[str]:
    texts = await page.evaluate(
        "(sel) => [...document.querySelectorAll(sel)].map(e => e.innerText.trim()).filter(Boolean)", B.ERROR_SEL
    )
    return [t for t in texts if not any(re.search(rx, t) for rx, _why in HARMLESS_STDERR)]


# --------------------------------------------------------------------------- #
# sliders and pixels (the JS of tests/browser.py, driven through the async API)

_LR_SLIDER_JS = """() => {
    const sliders = [...document.querySelectorAll(SLIDER)];
    const labels = sliders.map(e => ((e.querySelector('.widget-label') || {}).textContent || '').trim());
    const exact = /^(lr|learning[\\s_-]*rate|η)\\s*:?$/i;
    const loose = /(^|[^A-Za-z])lr([^A-Za-z]|$)|learning[\\s_-]*rate|η/i;
    let i = labels.findIndex(t => exact.test(t));
    if (i < 0) i = labels.findIndex(t => loose.test(t));
    if (i < 0) i = 0;
    return sliders.length ? [i, labels[i]] : null;
}""".replace("SLIDER", json.dumps(B.SLIDER_SEL))

# keydown -> first animation frame whose canvas pixels (or overlay markup) differ, as
# tests/browser.py measures it
_WATCH_JS = """(fig) => {
    const canvas = fig.querySelector('CANVAS_DIV canvas') || fig.querySelector('canvas');
    const hash = (FIGURE_HASH)(fig);
    const w = window.__lrviz = {latencies: [], timeouts: 0, busy: false, frames: [], watching: false};
    document.addEventListener('keydown', () => {
        if (w.busy) return;
        w.busy = true;
        const t0 = performance.now();
        const h0 = hash();
        const tick = () => {
            if (hash() !== h0) { w.latencies.push(performance.now() - t0); w.busy = false; return; }
            if (performance.now() - t0 > 30000) { w.timeouts++; w.busy = false; return; }
            requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
    }, true);
    // While w.watching: the time of every animation frame whose pixels changed (drag frame rate).
    let last = hash();
    const watch = (now) => {
        if (w.watching) { const h = hash(); if (h !== last) { w.frames.push(now); last = h; } }
        requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
    return [canvas.width, canvas.height];
}""".replace("CANVAS_DIV", B.CANVAS_DIV_SEL).replace("FIGURE_HASH", B.FIGURE_HASH_JS)


async def lr_slider_and_figure(page, timeout: float = 60_000):
    """(slider locator, its description, figure locator) of the learning-rate slider, or None."""
    sliders = page.locator(B.SLIDER_SEL)
    try:
        await sliders.first.wait_for(state="visible", timeout=timeout)
    except Exception:
        return None
    found = await page.evaluate(_LR_SLIDER_JS)
    if not found:
        return None
    idx, label = found
    slider = sliders.nth(idx)
    await slider.scroll_into_view_if_needed()
    fig_idx = await slider.evaluate(B.FIGURE_NEAR_JS)
    if fig_idx < 0:
        return slider, label, None
    figure = page.locator(B.FIGURE_SEL).nth(fig_idx)
    await page.wait_for_function(B.RENDERED_JS, arg=await figure.element_handle(), timeout=timeout)
    return slider, label, figure


async def install_pixel_watch(figure) -> tuple[int, int]:
    return tuple(await figure.evaluate(_WATCH_JS))


async def press_and_time(page, handle, key: str, timeout: float = 30.0) -> float | None:
    """Press ``key`` on the slider handle; ms until the figure's canvas shows new pixels (None: never)."""
    n_lat, n_to = await page.evaluate("[window.__lrviz.latencies.length, window.__lrviz.timeouts]")
    await handle.focus()
    await page.keyboard.press(key)
    deadline = time.monotonic() + timeout + 1
    while time.monotonic() < deadline:
        lat, to = await page.evaluate("[window.__lrviz.latencies, window.__lrviz.timeouts]")
        if len(lat) > n_lat:
            return lat[-1]
        if to > n_to:
            return None
        await asyncio.sleep(0.02)
    await page.evaluate("window.__lrviz.busy = false")  # the page's watch gave up later than us
    return None


# The messages explorers show beside their controls (BaseExplorer._show_message) near a slider.
WARNINGS_JS = """(s) => {
    const box = s.closest('.jp-OutputArea') || document.body;
    return [...box.querySelectorAll('.widget-html-content span')].map(e => e.textContent).filter(t => t.includes('⚠'));
}"""


async def key_for(handle) -> str:
    now, hi = await handle.evaluate("h => [h.getAttribute('aria-valuenow'), h.getAttribute('aria-valuemax')]")
    try:
        return "ArrowLeft" if float(now) >= float(hi) else "ArrowRight"
    except (TypeError, ValueError):
        return "ArrowRight"


async def open_notebook(page, base: str, name: str, timeout: float = 60_000) -> None:
    await page.goto(f"{base}/lab/index.html?path={name}", wait_until="domcontentloaded")
    await page.locator(".jp-NotebookPanel .jp-Notebook").first.wait_for(state="visible", timeout=timeout)
    # A kernel-selection dialog (a notebook without a kernelspec the site knows): take its default.
    dialog = page.locator(".jp-Dialog .jp-mod-accept")
    try:
        await dialog.first.wait_for(state="visible", timeout=2_000)
        await dialog.first.click()
    except Exception:
        pass


async def run_notebook(browser, base: str, name: str, *, expects_slider: bool, presses: int = 3,
                       run_timeout: float = 420, artifacts: Path | None = None) -> SiteRun:  # fmt: skip
    """Open ``name`` in the site, Run All, read the errors, and press a key on its lr slider."""
    run = SiteRun(name)
    ctx = await new_context(browser, run)
    page = await ctx.new_page()
    page.on("pageerror", lambda e: run.page_errors.append(f"{e.name}: {e.message}"))
    try:
        t0 = time.monotonic()
        await open_notebook(page, base, name)
        run.seconds["open"] = time.monotonic() - t0
        t0 = time.monotonic()
        run.state = await run_all(page, run_timeout)
        run.seconds["run"] = time.monotonic() - t0
        run.errors = await error_texts(page)
        if expects_slider and not run.errors:
            t0 = time.monotonic()
            found = await lr_slider_and_figure(page)
            if found is None:
                run.failure = "no slider appeared"
            else:
                slider, run.slider, figure = found
                if figure is None:
                    run.failure = f"no ipympl figure near the slider {run.slider!r}"
                else:
                    run.overlay = await figure.evaluate(B.OVERLAY_GEOMETRY_JS)
                    await install_pixel_watch(figure)
                    handle = slider.locator(B.HANDLE_SEL).first
                    for _ in range(presses):
                        before = await slider.evaluate(B.SLIDER_VALUE_JS)
                        run.latencies_ms.append(await press_and_time(page, handle, await key_for(handle)))
                        # A value the kernel rejects comes back with (or right after) the frame.
                        await asyncio.sleep(1.0)
                        run.values.append((before, await slider.evaluate(B.SLIDER_VALUE_JS)))
                    run.warnings = await slider.evaluate(WARNINGS_JS)
            run.seconds["slider"] = time.monotonic() - t0
    except Exception as e:  # reported by the test, with a screenshot
        run.failure = f"{type(e).__name__}: {e}"
    finally:
        if artifacts is not None and (run.failure or run.errors or run.page_errors or run.external):
            artifacts.mkdir(parents=True, exist_ok=True)
            path = artifacts / f"site_{Path(name).stem}.png"
            try:
                await page.screenshot(path=str(path))
                run.screenshot = str(path)
            except Exception:
                pass
        await ctx.close()
    return run


async def run_notebooks(base: str, names: list[str], *, expects_slider: dict, concurrency: int = 2,
                        artifacts: Path | None = None, run_timeout: float = 420) -> dict[str, SiteRun]:  # fmt: skip
    """Every notebook in one shared Chromium, ``concurrency`` at a time, in the order given
    (give the longest first: one left running alone at the end keeps a core idle)."""
    from playwright.async_api import async_playwright

    results: dict[str, SiteRun] = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=B.find_chromium(), args=B.CHROMIUM_ARGS, headless=True)
        sem = asyncio.Semaphore(concurrency)

        async def one(name):
            async with sem:
                for attempt in range(2):
                    r = await run_notebook(
                        browser, base, name, expects_slider=expects_slider.get(name, False),
                        artifacts=artifacts, run_timeout=run_timeout,
                    )  # fmt: skip
                    if attempt:
                        r.first_try = results[name].failure
                    results[name] = r
                    # A kernel that never started under load (JupyterLite then shows "Select
                    # Kernel" and the status "Unknown") says nothing of the notebook: one more
                    # try in a fresh context. A failure after Run All is never retried.
                    if r.state is not None or r.failure is None:
                        break

        await asyncio.gather(*(one(n) for n in names))
        await browser.close()
    return results
