"""Helpers that drive JupyterLab and Voila in headless Chromium (playwright).

Used by ``tests/test_browser.py`` and ``benchmarks/browser_latency.py``.

Everything runs on 127.0.0.1 only, on copies of the notebooks in a temporary
directory (so the committed outputs in ``notebooks/`` are never touched), with
Jupyter's config, data, runtime, settings and workspace directories pointed at
that temporary directory (so the developer's own Jupyter setup neither leaks
in nor gets modified). Servers start in their own process group and the whole
group is killed on stop, kernels included.

Never run ``playwright install``: we use the system Chromium
(Debian package ``chromium``) through ``executable_path``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = Path(os.environ.get("LRVIZ_NOTEBOOK_DIR", REPO / "notebooks"))
ARTIFACT_DIR = Path(os.environ.get("LRVIZ_BROWSER_ARTIFACTS", "/tmp/lrviz_browser"))

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1400, "height": 1000}

# Console messages that are not bugs in the notebooks or in lrviz. Each entry:
# (regex, why it is harmless). Keep this list short and specific.
HARMLESS_CONSOLE = [
    (r"favicon\.ico.*404|404.*favicon", "browser asks for a favicon the server does not serve"),
    (
        r"Failed to load resource: the server responded with a status of 404 \(Not Found\)",
        "JupyterLab probes optional endpoints (e.g. /lab/api/translations/<locale>,"
        " workspaces, lsp); a missing optional endpoint answers 404 by design."
        " Real failures surface as page errors or missing widgets instead.",
    ),
]


# --------------------------------------------------------------------------- #
# discovery


def find_chromium() -> str | None:
    """Path of a system Chromium, or None."""
    env = os.environ.get("LRVIZ_CHROMIUM")
    candidates = [env] if env else []
    candidates += ["/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")]
    for c in candidates:
        if c and os.path.exists(c) and os.access(c, os.X_OK):
            return c
    return None


OPTIONAL_NOTEBOOKS = {"12b_pbt_with_ray_tune.ipynb"}


def notebook_paths() -> list[Path]:
    """Notebooks to test, in reading order.

    ``LRVIZ_BROWSER_NOTEBOOKS`` selects a subset: comma-separated names or
    glob patterns (``00_*,03_momentum``), with or without ``.ipynb``.
    """
    # The optional Ray Tune notebook is checked by nbval where Ray is installed; in the
    # browser it would only add a ~30 s Ray start-up and has no slider to press.
    paths = [p for p in sorted(NOTEBOOK_DIR.glob("*.ipynb")) if p.name not in OPTIONAL_NOTEBOOKS]
    sel = os.environ.get("LRVIZ_BROWSER_NOTEBOOKS", "").strip()
    if sel:
        pats = [p.strip() for p in sel.split(",") if p.strip()]
        pats = [p if p.endswith(".ipynb") or "*" in p else p + ".ipynb" for p in pats]
        paths = [p for p in paths if any(p.match(pat) for pat in pats)]
    return paths


def _code(path: Path) -> str:
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    return "\n".join("".join(c.get("source", "")) for c in nb.get("cells", []) if c.get("cell_type") == "code")


def notebook_has_widgets(path: Path) -> bool:
    """Whether a notebook's code shows ipywidgets at all (explorers, races, sliders)."""
    return bool(re.search(r"Slider|\bexplore\(|\brace\(|\binteract(ive)?\(|ipywidgets", _code(path)))


def notebook_expects_slider(path: Path) -> bool:
    """Whether the code certainly builds a slider (explorers and interact always do)."""
    return bool(re.search(r"Slider\(|\bexplore\(|\binteract(ive)?\(", _code(path)))


def copy_notebooks(dest: Path, paths=None, strip=True) -> Path:
    """Copy notebooks into ``dest`` (outputs stripped, so "finished" is unambiguous)."""
    dest.mkdir(parents=True, exist_ok=True)
    for p in paths if paths is not None else sorted(NOTEBOOK_DIR.glob("*.ipynb")):
        nb = json.loads(Path(p).read_text(encoding="utf-8"))
        if strip:
            for c in nb.get("cells", []):
                if c.get("cell_type") == "code":
                    c["outputs"] = []
                    c["execution_count"] = None
            nb.get("metadata", {}).pop("widgets", None)
        (dest / Path(p).name).write_text(json.dumps(nb, indent=1), encoding="utf-8")
    # Files and folders next to the notebooks (media/, data) that cells and markdown use.
    src_dir = Path(next(iter(paths), NOTEBOOK_DIR)).parent if paths else NOTEBOOK_DIR
    for p in src_dir.iterdir() if src_dir.is_dir() else []:
        if p.name.startswith(".") or (dest / p.name).exists():
            continue
        if p.is_dir():
            shutil.copytree(p, dest / p.name, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        elif p.suffix != ".ipynb":
            shutil.copy2(p, dest / p.name)
    return dest


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- #
# servers


def isolated_env(home: Path) -> dict:
    """Environment for a server: this interpreter's venv, private Jupyter dirs."""
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    if Path(sys.prefix, "pyvenv.cfg").exists():
        env["VIRTUAL_ENV"] = sys.prefix
    for var, sub in [
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"),
        ("IPYTHONDIR", "ipython"),
        ("MPLCONFIGDIR", "mpl"),
    ]:
        d = home / sub
        d.mkdir(parents=True, exist_ok=True)
        env[var] = str(d)
    # Only the venv's own data dir (kernelspecs, labextensions), not ~/.local.
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env.pop("JUPYTER_PATH", None)
    env["PYTHONUNBUFFERED"] = "1"
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    _write_lab_settings(Path(env["JUPYTERLAB_SETTINGS_DIR"]))
    return env


def _write_lab_settings(settings_dir: Path) -> None:
    """User settings that keep JupyterLab quiet and deterministic."""
    files = {
        # No news / update-check toasts (no network, and they cover the notebook).
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
        # Render every cell: with windowing, off-screen outputs are not in the DOM.
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
        # Extension manager stays off (it would query PyPI).
        "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
    }
    for rel, content in files.items():
        p = settings_dir / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(content), encoding="utf-8")


@dataclass
class Server:
    """A running Jupyter server process (JupyterLab or Voila)."""

    proc: subprocess.Popen
    port: int
    token: str
    root: Path
    log_path: Path
    kind: str = "lab"
    _log: object = field(default=None, repr=False)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "", **params) -> str:
        q = dict(params)
        if self.token:
            q["token"] = self.token
        qs = "&".join(f"{k}={v}" if v is not None else k for k, v in q.items())
        return f"{self.base}/{path.lstrip('/')}" + (f"?{qs}" if qs else "")

    def api(self, method: str, path: str, timeout: float = 10):
        req = urllib.request.Request(self.base + path, method=method)
        if self.token:
            req.add_header("Authorization", f"token {self.token}")
        with _no_proxy_opener().open(req, timeout=timeout) as r:
            body = r.read()
            return json.loads(body) if body else None

    def log_tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def shutdown_kernels(self) -> None:
        """Delete all sessions (stops their kernels) -- frees memory between notebooks."""
        try:
            for s in self.api("GET", "/api/sessions") or []:
                self.api("DELETE", f"/api/sessions/{s['id']}")
        except Exception:
            pass

    def stop(self) -> None:
        """Kill the server's whole process group (kernels included)."""
        if self.proc.poll() is None:
            try:
                pgid = os.getpgid(self.proc.pid)
            except ProcessLookupError:
                pgid = None
            for sig, wait in [(signal.SIGTERM, 5), (signal.SIGKILL, 5)]:
                try:
                    if pgid is not None:
                        os.killpg(pgid, sig)
                    else:
                        self.proc.send_signal(sig)
                except ProcessLookupError:
                    break
                try:
                    self.proc.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
        # Kernels share the group; make sure none survives the server.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self._log:
            self._log.close()


def _no_proxy_opener():
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _wait_http(url: str, proc: subprocess.Popen, timeout: float, log_path: Path, headers=None) -> None:
    deadline = time.monotonic() + timeout
    opener = _no_proxy_opener()
    last = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"server exited with {proc.returncode}; log {log_path}:\n" + log_path.read_text(errors="replace")[-3000:]
            )
        try:
            req = urllib.request.Request(url, headers=headers or {})
            with opener.open(req, timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError) as e:
            last = e
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout}s ({last}); log {log_path}")


def _popen(cmd, cwd, env, log_path):
    log = open(log_path, "w")
    proc = subprocess.Popen(
        cmd, cwd=str(cwd), env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
    )
    return proc, log


def start_jupyterlab(root: Path, home: Path | None = None, timeout: float = 60) -> Server:
    """Start JupyterLab on 127.0.0.1 serving ``root``; wait until /api/status answers."""
    home = Path(home or tempfile.mkdtemp(prefix="lrviz_jhome_"))
    env = isolated_env(home)
    port, token = free_port(), secrets.token_hex(16)
    cmd = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.open_browser=False",
        "--ServerApp.allow_remote_access=False",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        "--LabApp.collaborative=False",
        # Kernels are small; do not let idle culling or terminals spawn extra work.
        "--ServerApp.terminals_enabled=False",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers / CI often run as root
        cmd.append("--allow-root")
    log_path = home / "jupyterlab.log"
    proc, log = _popen(cmd, root, env, log_path)
    server = Server(proc, port, token, Path(root), log_path, "lab", log)
    try:
        _wait_http(f"{server.base}/api/status", proc, timeout, log_path, {"Authorization": f"token {token}"})
    except BaseException:
        server.stop()
        raise
    return server


def start_voila(notebook: Path, home: Path | None = None, timeout: float = 60) -> Server:
    """Start Voila on 127.0.0.1 serving one notebook; wait until it listens."""
    home = Path(home or tempfile.mkdtemp(prefix="lrviz_vhome_"))
    env = isolated_env(home)
    port = free_port()
    cmd = [
        sys.executable, "-m", "voila",
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",
        "--show_tracebacks=True",
        str(notebook),
    ]  # fmt: skip
    log_path = home / "voila.log"
    proc, log = _popen(cmd, Path(notebook).parent, env, log_path)
    server = Server(proc, port, "", Path(notebook).parent, log_path, "voila", log)
    try:
        # A static asset answers without executing the notebook.
        _wait_http(f"{server.base}/voila/static/favicon.ico", proc, timeout, log_path)
    except TimeoutError:
        # Fall back to a plain TCP check (asset path differs between voila versions).
        if not _port_open(port):
            server.stop()
            raise
    except BaseException:
        server.stop()
        raise
    return server


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


# --------------------------------------------------------------------------- #
# browser


def launch_chromium(playwright, headless: bool = True):
    path = find_chromium()
    if path is None:
        raise RuntimeError("Chromium not installed: apt-get install chromium")
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=headless)


def new_context(browser):
    """A fresh context that can only reach 127.0.0.1 (see ``_route_external``)."""
    ctx = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    ctx.route(re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/]|data:|blob:).*"), _route_external)
    return ctx


# Stylesheets that the widget managers link from a CDN. Offline they only
# provide icon glyphs (Font Awesome on ipywidgets buttons), so we answer with
# an empty stylesheet instead of letting the request fail or leave the machine.
CDN_STYLESHEETS = re.compile(r"^https://cdn\.jsdelivr\.net/npm/@fortawesome/fontawesome-free@[^/]+/css/[\w.-]+\.css$")


def _route_external(route):
    """Nothing leaves the machine. Known CDN stylesheets get an empty answer;
    any other external request is aborted, so it shows up as a console error."""
    if CDN_STYLESHEETS.match(route.request.url):
        route.fulfill(status=200, content_type="text/css", body="/* offline stub (tests/browser.py) */")
    else:
        route.abort("blockedbyclient")


class PageLog:
    """Collects console errors, page errors and kernel error messages for a page."""

    def __init__(self, page):
        self.console: list[str] = []
        self.page_errors: list[str] = []
        self.kernel_errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda e: self.page_errors.append(f"{e.name}: {e.message}\n{e.stack or ''}"))
        page.on("websocket", self._on_ws)

    def _on_console(self, msg):
        if msg.type != "error":
            return
        loc = msg.location or {}
        text = msg.text
        if loc.get("url"):
            text += f"  ({loc.get('url')}:{loc.get('lineNumber')})"
        self.console.append(text)

    def _on_ws(self, ws):
        if "/channels" in ws.url:
            ws.on("framereceived", self._on_frame)

    def _on_frame(self, payload):
        """Kernel 'error' messages, and stderr carrying a traceback.

        Exceptions raised inside widget callbacks never reach a cell's output
        area in JupyterLab 4 (they go to the log console), so we read them off
        the kernel websocket instead.
        """
        data = payload.encode() if isinstance(payload, str) else bytes(payload)
        if b"error" not in data and b"Traceback" not in data:
            return  # cheap pre-filter: most frames are widget state and images
        try:
            header, content = _decode_kernel_frame(data)
        except Exception:
            return
        kind = header.get("msg_type")
        if kind == "error":
            tb = _ANSI.sub("", "\n".join(content.get("traceback", [])))
            tail = "\n".join(tb.splitlines()[-80:])  # deep enough to reach lrviz frames
            self.kernel_errors.append(f"{content.get('ename')}: {content.get('evalue')}\n{tail}")
        elif kind == "stream" and content.get("name") == "stderr" and "Traceback" in content.get("text", ""):
            self.kernel_errors.append(_ANSI.sub("", content["text"])[-3000:])

    def bad_console(self) -> list[str]:
        out = []
        for m in self.console + self.page_errors:
            if any(re.search(rx, m) for rx, _why in HARMLESS_CONSOLE):
                continue
            out.append(m)
        return out


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _decode_kernel_frame(data: bytes) -> tuple[dict, dict]:
    """(header, content) of a kernel websocket frame.

    JupyterLab 4 speaks ``v1.kernel.websocket.jupyter.org``: a uint64 count n,
    n uint64 offsets, then the parts channel, header, parent_header, metadata,
    content, buffers... The legacy protocol sends one JSON text message.
    """
    if data[:1] == b"{":
        msg = json.loads(data)
        return msg.get("header", {}), msg.get("content", {})
    n = int.from_bytes(data[:8], "little")
    offs = [int.from_bytes(data[8 + 8 * i : 16 + 8 * i], "little") for i in range(n)] + [len(data)]
    part = lambda i: data[offs[i] : offs[i + 1]]  # noqa: E731
    return json.loads(part(1)), json.loads(part(4))


def screenshot(page, name: str) -> Path:
    ARTIFACT_DIR.mkdir(parents=True, exist_ok=True)
    path = ARTIFACT_DIR / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    try:
        page.screenshot(path=str(path), full_page=False)
    except Exception:
        pass
    return path


# --------------------------------------------------------------------------- #
# JupyterLab notebook actions


def open_notebook(page, server: Server, name: str, timeout: float = 60_000) -> None:
    """Open a notebook in a fresh workspace and wait until its kernel is idle.

    A kernel-selection dialog (notebook without a usable kernelspec) is
    accepted with its default choice.
    """
    ws = f"lrviz-{secrets.token_hex(4)}"
    page.goto(server.url(f"lab/workspaces/{ws}/tree/{name}"), wait_until="domcontentloaded")
    page.locator(".jp-NotebookPanel .jp-Notebook").first.wait_for(state="visible", timeout=timeout)
    state = page.wait_for_function(
        """() => {
            if (document.querySelector('.jp-Dialog .jp-mod-accept')) return 'dialog';
            const el = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
            return el && el.getAttribute('data-status') === 'idle' ? 'idle' : false;
        }""",
        timeout=timeout,
    ).json_value()
    if state == "dialog":
        page.locator(".jp-Dialog .jp-mod-accept").first.click()
        wait_kernel_idle(page, timeout)
    # The toolbar says "idle" before any kernel exists; ask the server whether
    # this notebook's kernel is up, idle and connected to the page.
    wait_server_kernel(server, name, timeout)
    wait_kernel_idle(page, timeout)


def wait_server_kernel(server: Server, path: str, timeout: float = 60_000) -> dict:
    deadline = time.monotonic() + timeout / 1000
    sessions = None
    while time.monotonic() < deadline:
        try:
            sessions = server.api("GET", "/api/sessions")
        except Exception as e:  # server busy starting the kernel
            sessions = repr(e)
        for sess in sessions if isinstance(sessions, list) else []:
            k = sess.get("kernel") or {}
            if sess.get("path") == path and k.get("execution_state") == "idle" and k.get("connections", 0) >= 1:
                return sess
        time.sleep(0.1)
    raise TimeoutError(f"no idle, connected kernel for {path} after {timeout / 1000:.0f}s: {sessions}")


def wait_kernel_idle(page, timeout: float = 60_000) -> None:
    # The notebook toolbar's kernel indicator (JupyterLab 4): data-status="idle".
    page.wait_for_function(
        """() => {
            const el = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
            return el && el.getAttribute('data-status') === 'idle';
        }""",
        timeout=timeout,
    )


def run_all_cells(page, timeout: float = 120_000) -> float:
    """Menu Run > Run All Cells; wait until every cell has finished. Returns seconds."""
    t0 = time.monotonic()
    for attempt in range(3):
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(
            '.lm-Menu-item[data-command="runmenu:run-all"], .lm-Menu-item[data-command="notebook:run-all-cells"]'
        ).first.click()
        if _wait_started(page, 10.0):
            break
        # Run All clicked before the kernel was wired to the page does nothing; retry.
    wait_cells_done(page, timeout)
    return time.monotonic() - t0


def _wait_started(page, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        st = cells_state(page)
        if st and (st["running"] or st["done"] or st["errors"] or not st["pending"]):
            return True
        time.sleep(0.1)
    return False


_CELLS_STATE_JS = """() => {
    const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
    if (!nb) return null;
    const cells = [...nb.querySelectorAll('.jp-CodeCell')];
    const res = {running: 0, pending: 0, done: 0, errors: 0};
    for (const c of cells) {
        const p = c.querySelector('.jp-InputArea-prompt');
        const t = p ? p.textContent.trim() : '';
        const src = (c.querySelector('.jp-InputArea-editor .cm-content') || {}).textContent || '';
        if (t.includes('*')) res.running++;
        else if (/\\[\\d+\\]/.test(t)) res.done++;
        else if (src.trim()) res.pending++;
    }
    res.errors = nb.querySelectorAll(ERROR_SEL).length;
    const ind = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
    res.kernel = ind ? ind.getAttribute('data-status') : null;
    return res;
}"""

# JupyterLab 4 renders error outputs and stderr streams with this mime type.
ERROR_SEL = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'


def cells_state(page) -> dict:
    return page.evaluate(_CELLS_STATE_JS.replace("ERROR_SEL", json.dumps(ERROR_SEL)))


def wait_cells_done(page, timeout: float = 120_000) -> dict:
    """Finished = no ``[*]``, kernel idle, and every non-empty cell numbered
    (or an error stopped the run, leaving the rest unnumbered)."""
    deadline = time.monotonic() + timeout / 1000
    stable = 0
    state = None
    while time.monotonic() < deadline:
        state = cells_state(page)
        ok = (
            state
            and state["running"] == 0
            and state["kernel"] == "idle"
            and (state["pending"] == 0 or state["errors"] > 0)
            and state["done"] + state["errors"] > 0
        )
        stable = stable + 1 if ok else 0
        if stable >= 3:  # idle for a few polls: no queued cell about to start
            return state
        time.sleep(0.25)
    raise TimeoutError(f"cells still running after {timeout / 1000:.0f}s: {state}")


def wait_widgets_settled(page, root: str = "body", timeout: float = 30_000) -> None:
    """Wait until no widget view still says it is loading."""
    page.wait_for_function(
        """(root) => { const r = document.querySelector(root);
            return !r || !/Loading widget\\.\\.\\./.test(r.innerText); }""",
        arg=root,
        timeout=timeout,
    )


def error_outputs(page, root: str = "body") -> list[str]:
    """Texts of error/stderr outputs shown under ``root``."""
    return page.evaluate(
        """([root, sel]) => [...document.querySelector(root).querySelectorAll(sel)]
            .map(e => e.innerText.trim()).filter(Boolean)""",
        [root, ERROR_SEL],
    )


# --------------------------------------------------------------------------- #
# widgets

# ipywidgets 8: a slider is `.widget-slider` (h or v); its description is the
# `.widget-label` child; the focusable, keyboard-driven handle is noUiSlider's
# `.noUi-handle` (older layouts: `.ui-slider-handle`).
SLIDER_SEL = ".widget-slider"
HANDLE_SEL = ".noUi-handle, .ui-slider-handle, [role=slider]"
# ipympl 0.10: `.jupyter-matplotlib-figure` > ... > `.jupyter-matplotlib-canvas-div` > canvas
FIGURE_SEL = ".jupyter-matplotlib-figure"
CANVAS_DIV_SEL = ".jupyter-matplotlib-canvas-div"


def find_lr_slider(page, timeout: float = 15_000):
    """The first learning-rate slider (description 'lr' / 'learning rate'), else the first slider."""
    sliders = page.locator(SLIDER_SEL)
    try:
        sliders.first.wait_for(state="visible", timeout=timeout)
    except Exception:
        return None
    labels = sliders.evaluate_all(
        "els => els.map(e => (e.querySelector('.widget-label') || {}).textContent || '')"
    )
    exact = re.compile(r"^\s*(lr|learning[\s_-]*rate|η)\s*:?\s*$", re.I)
    loose = re.compile(r"(?<![A-Za-z])lr(?![A-Za-z])|learning[\s_-]*rate|η", re.I)
    idx = next((i for i, t in enumerate(labels) if exact.search(t)), None)
    if idx is None:
        idx = next((i for i, t in enumerate(labels) if loose.search(t)), 0)
    return sliders.nth(idx)


# The index of the figure belonging to slider ``s`` (-1: no figure); also used by site_browser.py.
FIGURE_NEAR_JS = """(s) => {
    const figs = [...document.querySelectorAll(FIG)];
    if (!figs.length) return -1;
    for (const sel of ['.jupyter-widgets.widget-container', '.jp-Cell', '.jp-OutputArea']) {
        let box = s.closest(sel);
        while (box) {
            const i = figs.findIndex(f => box.contains(f));
            if (i >= 0) return i;
            box = box.parentElement && box.parentElement.closest(sel);
        }
    }
    const i = figs.findIndex(f => s.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING);
    return i >= 0 ? i : 0;
}""".replace("FIG", json.dumps(FIGURE_SEL))


def figure_near(slider):
    """The ipympl figure belonging to the slider: same cell / widget box, else the next one in the page."""
    idx = slider.evaluate(FIGURE_NEAR_JS)
    if idx < 0:
        return None
    return slider.page.locator(FIGURE_SEL).nth(idx)


# The SVG overlays lrviz stacks over an explorer's canvas (lrviz.pictures.canvas): the page
# draws the y-axes whose limits move in the first and the moving artists in the second, and
# the canvas changes only when the rest does. All of them, bottom first ([] for a bare figure).
OVERLAYS_OF_JS = "(f => { const s = f.closest('.lrviz-figure'); return s ? [...s.querySelectorAll('.lrviz-overlay')] : []; })"

# Where the overlay's drawing lies, against the canvas under it (CSS px, page coordinates).
OVERLAY_GEOMETRY_JS = """(fig) => {
    const os = (OVERLAYS_OF)(fig), o = os[os.length - 1], svg = o && o.querySelector('svg');
    const c = fig.querySelector('CANVAS_DIV canvas') || fig.querySelector('canvas');
    const r = e => { const b = e.getBoundingClientRect(); return [b.x, b.y, b.width, b.height]; };
    return svg ? {svg: r(svg), canvas: r(c), pointer_events: getComputedStyle(o).pointerEvents} : null;
}""".replace("CANVAS_DIV", CANVAS_DIV_SEL).replace("OVERLAYS_OF", OVERLAYS_OF_JS)


def overlay_geometry(figure) -> dict | None:
    """``{"svg": box, "canvas": box, "pointer_events": ...}`` of the figure's overlay, or None."""
    return figure.evaluate(OVERLAY_GEOMETRY_JS)


# A function that hashes what a figure shows: its canvas' pixels (every third word) and its
# overlay's markup (also site_browser.py).
FIGURE_HASH_JS = """(fig => {
    const canvas = fig.querySelector('CANVAS_DIV canvas') || fig.querySelector('canvas');
    const ctx = canvas.getContext('2d', {willReadFrequently: true});
    const overlays = (OVERLAYS_OF)(fig);
    return () => {
        const {width, height} = canvas;
        if (!width || !height) return 0;
        const d = new Uint32Array(ctx.getImageData(0, 0, width, height).data.buffer);
        let h = 2166136261;
        for (let i = 0; i < d.length; i += 3) h = Math.imul(h ^ d[i], 16777619);
        const text = overlays.map(o => o.innerHTML).join('|');
        for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
        return h >>> 0;
    };
})""".replace("CANVAS_DIV", CANVAS_DIV_SEL).replace("OVERLAYS_OF", OVERLAYS_OF_JS)


_WATCH_JS = """(fig) => {
    // Time from keydown to the first animation frame whose canvas pixels (or overlay) differ.
    const canvas = fig.querySelector('CANVAS_DIV canvas') || fig.querySelector('canvas');
    const hash = (FIGURE_HASH)(fig);
    const w = window.__lrviz = {latencies: [], timeouts: 0, busy: false};
    document.addEventListener('keydown', () => {
        if (w.busy) return;
        w.busy = true;
        const t0 = performance.now();
        const h0 = hash();
        const tick = (now) => {
            if (hash() !== h0) { w.latencies.push(performance.now() - t0); w.busy = false; return; }
            if (performance.now() - t0 > 10000) { w.timeouts++; w.busy = false; return; }
            requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
    }, true);
    return [canvas.width, canvas.height];
}""".replace("CANVAS_DIV", CANVAS_DIV_SEL).replace("FIGURE_HASH", FIGURE_HASH_JS)


def install_pixel_watch(figure) -> tuple[int, int]:
    """Arm a keydown -> changed-pixels timer on the figure's canvas (page JS)."""
    return tuple(figure.evaluate(_WATCH_JS))


def press_and_time(page, handle, key: str = "ArrowRight", timeout: float = 10.0) -> float | None:
    """Press ``key`` on the focused slider handle; ms until the canvas shows new pixels (None = never)."""
    n_lat, n_to = page.evaluate("[window.__lrviz.latencies.length, window.__lrviz.timeouts]")
    handle.focus()
    page.keyboard.press(key)
    deadline = time.monotonic() + timeout + 1
    while time.monotonic() < deadline:
        lat, to = page.evaluate("[window.__lrviz.latencies, window.__lrviz.timeouts]")
        if len(lat) > n_lat:
            return lat[-1]
        if to > n_to:
            return None
        time.sleep(0.01)
    return None


def key_for_handle(handle) -> str:
    """ArrowRight, unless the slider already sits at its maximum (then ArrowLeft)."""
    now, hi = handle.evaluate("h => [h.getAttribute('aria-valuenow'), h.getAttribute('aria-valuemax')]")
    try:
        return "ArrowLeft" if float(now) >= float(hi) else "ArrowRight"
    except (TypeError, ValueError):
        return "ArrowRight"


# A slider's shown value: its readout, else the handle's aria-valuenow (also site_browser.py).
SLIDER_VALUE_JS = (
    "s => (s.querySelector('.widget-readout') || {}).textContent || (s.querySelector('[aria-valuenow]')||{}).ariaValueNow || ''"
)


def slider_value(slider) -> str:
    return slider.evaluate(SLIDER_VALUE_JS)


# True once the figure's canvas has a size and non-blank pixels; also used by site_browser.py.
RENDERED_JS = """(fig) => {
    const c = fig.querySelector('CANVAS_DIV canvas') || fig.querySelector('canvas');
    if (!c || !c.width || !c.height) return false;
    const d = c.getContext('2d', {willReadFrequently: true}).getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4 * 97) if (d[i+3] && (d[i] < 250 || d[i+1] < 250 || d[i+2] < 250)) return true;
    return false;
}""".replace("CANVAS_DIV", CANVAS_DIV_SEL)


def wait_figure_rendered(figure, timeout: float = 20_000) -> None:
    """Wait until the ipympl canvas has a size and non-blank pixels."""
    figure.page.wait_for_function(RENDERED_JS, arg=figure.element_handle(), timeout=timeout)


# --------------------------------------------------------------------------- #
# paints: every repaint of an ipympl canvas, timed in the page

_PAINTS_JS = """(fig) => {
    // ipympl paints its visible canvas with one drawImage per frame received (update_canvas).
    // Wrap that one context's drawImage: each call is hashed, and a call whose pixels
    // differ from the previous ones counts as a repaint; so does new markup in the overlay.
    // Key presses and the time ipympl spends in toDataURL (it re-encodes the canvas on every
    // frame) are recorded too.
    const canvas = fig.querySelector('CANVAS_DIV canvas') || fig.querySelector('canvas');
    const ctx = canvas.getContext('2d', {willReadFrequently: true});
    const hash = () => {
        const {width, height} = canvas;
        if (!width || !height) return 0;
        const d = new Uint32Array(ctx.getImageData(0, 0, width, height).data.buffer);
        let h = 2166136261;
        for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d[i], 16777619);
        return h >>> 0;
    };
    if (window.__lrvizPaints && window.__lrvizPaints.canvas === canvas) return [canvas.width, canvas.height];
    const w = window.__lrvizPaints = {canvas, paints: [], calls: 0, keys: [], blobs: [], marks: [], encode_ms: [], last: hash()};
    const draw = ctx.drawImage;
    ctx.drawImage = function (...args) {
        const r = draw.apply(this, args);
        const t = performance.now();  // the pixels are on the canvas now; hashing is ours
        w.calls++;
        const h = hash();
        if (h !== w.last) {
            w.paints.push(t); w.last = h;
            if (w.waiter) { const f = w.waiter; w.waiter = null; f(); }
        }
        return r;
    };
    if (!window.__lrvizHooks) {  // once per page: image arrivals and ipympl's re-encode
        window.__lrvizHooks = true;
        const blob = URL.createObjectURL;
        URL.createObjectURL = function (b) {
            if (window.__lrvizPaints && b && b.type === 'image/png') window.__lrvizPaints.blobs.push([performance.now(), b.size]);
            return blob.apply(this, arguments);
        };
        const toURL = HTMLCanvasElement.prototype.toDataURL;
        HTMLCanvasElement.prototype.toDataURL = function () {
            const t = performance.now();
            const r = toURL.apply(this, arguments);
            if (window.__lrvizPaints) window.__lrvizPaints.encode_ms.push(performance.now() - t);
            return r;
        };
    }
    const overlays = (OVERLAYS_OF)(fig);
    const markup = () => overlays.map(o => o.innerHTML).join('|');
    if (overlays.length) {  // new markup in an overlay: painted in the next frame
        w.markup = markup();
        const seen = new MutationObserver(() => {
            const text = markup();
            if (text === w.markup) return;
            w.markup = text;
            w.marks.push(performance.now());
            requestAnimationFrame(() => {
                w.paints.push(performance.now());
                if (w.waiter) { const f = w.waiter; w.waiter = null; f(); }
            });
        });
        for (const o of overlays) seen.observe(o, {childList: true, subtree: true, characterData: true});
    }
    document.addEventListener('keydown', () => w.keys.push(performance.now()), true);
    return [canvas.width, canvas.height];
}""".replace("CANVAS_DIV", CANVAS_DIV_SEL).replace("OVERLAYS_OF", OVERLAYS_OF_JS)


def install_paint_recorder(figure) -> tuple[int, int]:
    """Record every repaint of the figure's canvas that changes its pixels (page JS)."""
    return tuple(figure.evaluate(_PAINTS_JS))


def paints(page) -> dict:
    """What the recorder saw: {"paints": [ms], "keys": [ms], "blobs": [[ms, bytes]], "marks": [ms], "encode_ms": [...], "now": ms}.

    ``blobs``: PNG frames arriving for the canvas; ``marks``: new markup arriving in the overlay.
    """
    return page.evaluate(
        "() => { const w = window.__lrvizPaints; return {paints: w.paints.slice(), keys: w.keys.slice(),"
        " blobs: w.blobs.slice(), marks: w.marks.slice(), encode_ms: w.encode_ms.slice(), calls: w.calls,"
        " now: performance.now(),"
        " origin: performance.timeOrigin}; }"
    )


def wait_quiet(page, quiet_ms: float = 400, timeout: float = 15.0) -> None:
    """Wait until the canvas has not repainted for ``quiet_ms``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        p = paints(page)
        if not p["paints"] or p["now"] - p["paints"][-1] >= quiet_ms:
            return
        time.sleep(0.05)


_WAIT_PAINT_JS = """([n, ms]) => new Promise(resolve => {
    // resolves when the recorder holds more than n repaints, or after ms (one call: no polling
    // from Python, which would load the machine being measured)
    const w = window.__lrvizPaints;
    if (w.paints.length > n) return resolve(true);
    const timer = setTimeout(() => { w.waiter = null; resolve(false); }, ms);
    w.waiter = () => { clearTimeout(timer); resolve(true); };
})"""


def press_and_wait_paint(page, handle, key: str = "ArrowRight", timeout: float = 10.0) -> float | None:
    """Press ``key`` on the slider handle; ms from keydown to the first changed repaint (None = never).

    The wait is one promise in the page, so the measuring adds no load while the kernel and
    the browser work; the times are the page's own (``performance.now``).
    """
    n = len(paints(page)["paints"])
    handle.focus()
    page.keyboard.press(key)
    page.evaluate(_WAIT_PAINT_JS, [n, int(timeout * 1000)])
    p = paints(page)
    if len(p["paints"]) > n and p["keys"]:
        return p["paints"][n] - p["keys"][-1]
    return None


def drag_handle(page, handle, moves: int = 30, seconds: float = 2.0, px: float = 4.0, settle: float = 2.0) -> dict:
    """A real mouse drag of a slider handle: press, ``moves`` moves of ``px`` over ``seconds``, release.

    Goes right unless there is more room on the left. Returns the repaints seen:
    ``{"moves": made, "shown": changed repaints between the first move and release,
    "after": repaints after release, "settle_ms": release -> last repaint (0 if none),
    "t_up": release, on the page's clock (``paints()["now"]``)}``.
    """
    handle.scroll_into_view_if_needed()  # the mouse only reaches what is on screen
    box = handle.bounding_box()
    track = handle.evaluate(
        "h => { const t = h.closest('.noUi-target') || h.parentElement; const r = t.getBoundingClientRect(); return [r.left, r.right]; }"
    )
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    direction = 1 if track[1] - x >= x - track[0] else -1
    page.mouse.move(x, y)
    page.mouse.down()
    t_start = paints(page)["now"]
    for i in range(1, moves + 1):
        page.mouse.move(x + direction * px * i, y)
        time.sleep(seconds / moves)
    t_up = paints(page)["now"]
    page.mouse.up()
    time.sleep(settle)
    p = paints(page)
    during = [t for t in p["paints"] if t_start <= t <= t_up]
    after = [t for t in p["paints"] if t > t_up]
    return {"moves": moves, "shown": len(during), "after": len(after),
            "settle_ms": (after[-1] - t_up) if after else 0.0, "drag_ms": t_up - t_start, "t_up": t_up}


def start_voila_dir(root: Path, home: Path | None = None, timeout: float = 60) -> Server:
    """Voila serving every notebook in ``root`` (``server.url("voila/render/<name>")``)."""
    home = Path(home or tempfile.mkdtemp(prefix="lrviz_vhome_"))
    env = isolated_env(home)
    port = free_port()
    cmd = [sys.executable, "-m", "voila", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
           "--Voila.port_retries=0", "--show_tracebacks=True", str(root)]
    log_path = home / "voila.log"
    proc, log = _popen(cmd, root, env, log_path)
    server = Server(proc, port, "", Path(root), log_path, "voila", log)
    try:
        _wait_http(f"{server.base}/", proc, timeout, log_path)
    except BaseException:
        server.stop()
        raise
    return server


def wait_voila_done(page, timeout: float = 180_000) -> None:
    """Voila executes the notebook while the page loads; done when its spinner is gone."""
    page.wait_for_function(
        "() => !document.querySelector('#loading') || getComputedStyle(document.querySelector('#loading')).display === 'none'",
        timeout=timeout,
    )
