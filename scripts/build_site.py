"""Build the course as a static JupyterLite site: every notebook runs in the browser, nothing to install.

    python3 run.py site                          # build _site/ (run.py sets up .venv-site first)
    python3 run.py site --pyodide DIR            # ... with that Pyodide inside: no network at all
    python3 run.py site --serve [--port 8000]    # build, then serve on http://127.0.0.1:8000/
    python3 run.py site --serve-only             # serve the site already built

Run by the interpreter of ``.venv-site`` (the pins of ``requirements-site.txt``). What it does:

1. copies the notebooks (all but those in ``LEFT_OUT``, each with its reason in the site's
   README.md) into the site's files, adding the browser cell of ``scripts/browser_cell.py``
   where a notebook lacks it;
2. builds the lrviz wheel and downloads the browser wheels pinned in requirements-site.txt
   (ipywidgets, jupyterlab_widgets, comm, ipympl) into the site's own package index, which
   the kernel uses with ``disablePyPIFallback`` (nothing comes from PyPI at run time);
3. with ``--pyodide DIR`` (or ``LRVIZ_PYODIDE``) copies that Pyodide distribution into
   ``static/pyodide/``, checked against its SHA256SUMS; without it the kernel loads Pyodide
   from its default CDN;
4. runs ``jupyter lite build``, taking the JupyterLab extensions of ipywidgets and ipympl
   from their wheels.

The result is plain files: any static web server or host (a course page, GitHub Pages) serves it.
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
REQUIREMENTS = ROOT / "requirements-site.txt"
DEFAULT_OUT = ROOT / "_site"
sys.path.insert(0, str(Path(__file__).resolve().parent))

import browser_cell  # noqa: E402

# Notebooks that stay out of the site, and why (printed by the build and written into the site).
LEFT_OUT = {
    "12b_pbt_with_ray_tune.ipynb": (
        "Ray Tune needs worker processes and a local cluster talking over sockets; the browser's "
        "Python (Pyodide) has neither, and Ray has no build for it. Notebook 12 runs the same "
        "population-based training in plain numpy, here in the browser. To run 12b, use JupyterLab: "
        "`pip install -r requirements-ray.txt`, then `python3 run.py lab`."
    ),
}

# The kernel's settings: packages come from the site's own index, never from PyPI.
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
# Extensions that would otherwise query the network or add nothing for the course.
DISABLED_EXTENSIONS = [
    "@jupyterlab/apputils-extension:announcements",
]

# The Pyodide kernel's spec (jupyterlite-pyodide-kernel registers it under this name).
SITE_KERNELSPEC = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}

# JupyterLab settings of the site (overrides.json):
# - every cell rendered (no windowing): the notebooks are short, and an ipympl figure scrolled
#   out of view is then not torn down and rebuilt;
# - the arrow keys move a focused slider: the site's JupyterLab (4.3) binds ArrowLeft/ArrowRight
#   in command mode to "jump to the previous/next heading", which takes the key (and the focus)
#   away from an ipywidgets slider. JupyterLab 4.6 on the desktop leaves keys in widgets alone.
_COMMAND_MODE = ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus"
SETTINGS = {
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/shortcuts-extension:shortcuts": {
        "shortcuts": [
            {"command": "notebook:move-cursor-heading-above-or-collapse", "keys": ["ArrowLeft"],
             "selector": _COMMAND_MODE, "disabled": True},
            {"command": "notebook:move-cursor-heading-below-or-expand", "keys": ["ArrowRight"],
             "selector": _COMMAND_MODE, "disabled": True},
        ]
    },
}  # fmt: skip

MIME_TYPES = {
    ".wasm": "application/wasm",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".ipynb": "application/json",
    ".whl": "application/octet-stream",
    ".zip": "application/zip",
    ".md": "text/markdown",
    ".svg": "image/svg+xml",
}


def fail(message: str):
    raise SystemExit(f"build_site: {message}")


# --------------------------------------------------------------------------- #
# what goes in


def browser_pins(requirements: Path = REQUIREMENTS) -> list[str]:
    """``name==version`` of the wheels the browser installs (lines marked ``sys_platform == "emscripten"``)."""
    pins = []
    for line in requirements.read_text(encoding="utf-8").splitlines():
        spec, _, marker = line.split("#")[0].partition(";")
        if "emscripten" in marker:
            if "==" not in spec:
                fail(f"Invalid requirement: {line!r} (browser wheels are pinned with ==)")
            pins.append(spec.strip())
    return pins


def _wheel_name(pin: str) -> str:
    """The file-name prefix of a pinned wheel: ``jupyterlab_widgets==3.0.17`` -> ``jupyterlab_widgets-3.0.17-``."""
    name, version = pin.split("==")
    return re.sub(r"[-_.]+", "_", name).lower() + "-" + version + "-"


def download_browser_wheels(cache: Path, pins: list[str]) -> list[Path]:
    """The pure-Python wheels of ``pins`` (downloaded once into ``cache``, with pip)."""
    cache.mkdir(parents=True, exist_ok=True)
    have = {p.name.lower(): p for p in cache.glob("*.whl")}
    missing = [pin for pin in pins if not any(n.startswith(_wheel_name(pin)) for n in have)]
    if missing:
        print(f"Downloading browser wheels: {' '.join(missing)}", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q",
             "--no-deps", "--only-binary=:all:", "-d", str(cache), *missing],
            check=True,
        )  # fmt: skip
        have = {p.name.lower(): p for p in cache.glob("*.whl")}
    wheels = []
    for pin in pins:
        found = sorted(p for n, p in have.items() if n.startswith(_wheel_name(pin)))
        if not found or not found[0].name.endswith("-py3-none-any.whl"):
            fail(f"no pure-Python wheel for {pin} in {cache} (the browser can only install py3-none-any wheels)")
        wheels.append(found[0])
    return wheels


def build_lrviz_wheel(dest: Path) -> Path:
    """Build lrviz's wheel from a clean copy of the sources (the work tree is not touched)."""
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lrviz_wheel_") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        # pyproject.toml and what it names: the readme and the licence files
        for path in [ROOT / "pyproject.toml", *ROOT.glob("README*"), *ROOT.glob("LICENSE*"), *ROOT.glob("COPYING*")]:
            if path.is_file():
                shutil.copy2(path, src / path.name)
        shutil.copytree(ROOT / "lrviz", src / "lrviz", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--disable-pip-version-check", "-q",
             "--no-deps", "--no-build-isolation", "-w", str(dest), str(src)],
            check=True,
        )  # fmt: skip
    wheels = sorted(dest.glob("lrviz-*-py3-none-any.whl"))
    if not wheels:
        fail(f"building the lrviz wheel left no lrviz-*.whl in {dest}")
    return wheels[-1]


def site_notebook(path: Path) -> dict:
    """A notebook as the site serves it: with the browser cell, without stale widget views."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    browser_cell.insert(nb)
    for c in nb["cells"]:
        outputs = []
        for o in c.get("outputs", []):
            data = o.get("data")
            if data and "application/vnd.jupyter.widget-view+json" in data:
                # A widget view needs the live kernel; keep its text/image fallback only.
                data = {k: v for k, v in data.items() if k != "application/vnd.jupyter.widget-view+json"}
                if not data or set(data) == {"text/plain"}:
                    continue
                o = {**o, "data": data}
            outputs.append(o)
        if c.get("cell_type") == "code":
            c["outputs"] = outputs
    nb.get("metadata", {}).pop("widgets", None)
    # The desktop's kernel ("python3", ipykernel) does not exist on the site: JupyterLab then
    # asks the student to pick one in a "Select Kernel" dialog. Name the site's own.
    nb.setdefault("metadata", {})["kernelspec"] = dict(SITE_KERNELSPEC)
    return nb


def stage_files(files: Path, notebooks: Path = NOTEBOOKS) -> list[str]:
    """Copy the course into ``files`` (the site's contents). Returns the notebook names."""
    files.mkdir(parents=True, exist_ok=True)
    names = []
    for path in sorted(notebooks.glob("[0-9][0-9]*.ipynb")):
        if path.name in LEFT_OUT:
            print(f"left out of the site: {path.name}: {LEFT_OUT[path.name]}")
            continue
        (files / path.name).write_text(json.dumps(site_notebook(path), indent=1, ensure_ascii=False), encoding="utf-8")
        names.append(path.name)
    for p in notebooks.iterdir():  # media and data next to the notebooks
        if p.name.startswith(".") or p.suffix == ".ipynb":
            continue
        if p.is_dir():
            shutil.copytree(p, files / p.name, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        else:
            shutil.copy2(p, files / p.name)
    (files / "README.md").write_text(site_readme(names), encoding="utf-8")
    return names


def site_readme(names: list[str]) -> str:
    lines = [
        "# lrviz in your browser",
        "",
        "Interactive notebooks on the learning rate, running entirely in this browser tab",
        "(JupyterLite on Pyodide): nothing to install. Open `00_start_here.ipynb` and use",
        "*Run → Run All Cells*; the first cell installs lrviz and the widgets from this site.",
        "",
        "Your edits are saved in this browser only (its local storage). To keep a notebook,",
        "use *File → Download*. To start over, delete your copy in the file browser.",
        "",
        "Notebooks in this site: " + ", ".join(f"`{n}`" for n in names) + ".",
        "",
        "## Left out of the site",
        "",
    ]
    lines += [f"- `{name}`: {why}" for name, why in LEFT_OUT.items()]
    return "\n".join(lines) + "\n"


def verify_pyodide(pyodide: Path) -> None:
    """A Pyodide distribution folder: pyodide.js and its lock, and every file matching SHA256SUMS."""
    for name in ("pyodide.js", "pyodide-lock.json", "pyodide.asm.wasm", "python_stdlib.zip"):
        if not (pyodide / name).is_file():
            fail(f"Invalid --pyodide: {pyodide} (no {name}; expected an unpacked Pyodide distribution)")
    sums = pyodide / "SHA256SUMS"
    if sums.is_file():
        for line in sums.read_text().splitlines():
            if not line.strip():
                continue
            digest, name = line.split(maxsplit=1)
            name = name.lstrip("*")
            got = hashlib.sha256((pyodide / name).read_bytes()).hexdigest()
            if got != digest:
                fail(f"Invalid --pyodide: {pyodide / name} does not match its SHA256SUMS entry")


# --------------------------------------------------------------------------- #
# the build


def build(out: Path = DEFAULT_OUT, pyodide: Path | None = None, wheel_cache: Path | None = None,
          notebooks: Path = NOTEBOOKS) -> Path:
    out = Path(out).resolve()
    if out == ROOT or ROOT.is_relative_to(out) or out == NOTEBOOKS:
        fail(f"Invalid --out: {out} (would overwrite the repository)")
    if out.exists() and any(out.iterdir()) and not (out / "jupyter-lite.json").exists():
        fail(f"Invalid --out: {out} (exists and is not a JupyterLite site; choose an empty or new folder)")
    if pyodide is not None:
        pyodide = Path(pyodide).resolve()
        verify_pyodide(pyodide)
    wheel_cache = Path(wheel_cache or Path(sys.prefix) / "lrviz-browser-wheels")
    with tempfile.TemporaryDirectory(prefix="lrviz_site_") as tmp:
        lite = Path(tmp)
        names = stage_files(lite / "files", Path(notebooks))
        pypi = lite / "wheels"
        lrviz_wheel = build_lrviz_wheel(pypi)
        browser_wheels = download_browser_wheels(wheel_cache, browser_pins())
        for w in browser_wheels:
            shutil.copy2(w, pypi / w.name)
        extensions = [str(pypi / w.name) for w in browser_wheels if w.name.startswith(("jupyterlab_widgets-", "ipympl-"))]
        if pyodide is not None:
            shutil.copytree(pyodide, lite / "static" / "pyodide", ignore=shutil.ignore_patterns("README.md", "SHA256SUMS"))
        config = {
            "jupyter-lite-schema-version": 0,
            "jupyter-config-data": {
                "appName": "lrviz",
                "disabledExtensions": DISABLED_EXTENSIONS,
                "litePluginSettings": {KERNEL_PLUGIN: {"disablePyPIFallback": True}},
            },
        }
        (lite / "jupyter-lite.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
        (lite / "overrides.json").write_text(json.dumps(SETTINGS, indent=2), encoding="utf-8")
        build_config = {
            "LiteBuildConfig": {
                "apps": ["lab", "notebooks", "tree"],
                "contents": [str(lite / "files")],
                "federated_extensions": extensions,
                "output_dir": str(out),
                "no_sourcemaps": True,
            },
            "PipliteAddon": {"piplite_urls": [str(pypi / lrviz_wheel.name)] + [str(pypi / w.name) for w in browser_wheels]},
        }
        (lite / "jupyter_lite_config.json").write_text(json.dumps(build_config, indent=2), encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1", JUPYTER_CONFIG_DIR=str(lite / ".jupyter"))
        env.pop("JUPYTERLITE_PYODIDE_URL", None)
        cmd = [sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", str(lite)]
        result = subprocess.run(cmd, cwd=lite, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            print(result.stdout[-4000:], result.stderr[-4000:], sep="\n", file=sys.stderr)
            fail("jupyter lite build failed (output above)")
    if (out / "lab" / "favicon.ico").exists() and not (out / "favicon.ico").exists():
        shutil.copy2(out / "lab" / "favicon.ico", out / "favicon.ico")  # browsers ask for /favicon.ico
    check_site(out, names, offline=pyodide is not None)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2**20
    print(f"Built {out} ({len(names)} notebooks, {size:.0f} MB, Pyodide {'inside' if pyodide else 'from its CDN'}).")
    return out


def check_site(out: Path, names: list[str], offline: bool) -> None:
    """The things a site needs that ``jupyter lite build`` does not check itself."""
    cfg = json.loads((out / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = cfg.get("litePluginSettings", {}).get(KERNEL_PLUGIN, {})
    if kernel.get("disablePyPIFallback") is not True:
        fail("the built jupyter-lite.json lost disablePyPIFallback")
    if offline and not str(kernel.get("pyodideUrl", "")).startswith("./static/pyodide/"):
        fail(f"the kernel does not load the site's own Pyodide (pyodideUrl={kernel.get('pyodideUrl')!r})")
    index = json.loads((out / "pypi" / "all.json").read_text())
    for pkg in ("lrviz", "ipywidgets", "jupyterlab-widgets", "comm", "ipympl"):
        if pkg not in index and pkg.replace("-", "_") not in index:
            fail(f"the site's package index has no {pkg}: {sorted(index)}")
    exts = {p.parent.name for p in (out / "extensions").glob("**/package.json")}
    for ext in ("jupyterlab-manager", "jupyter-matplotlib"):
        if ext not in exts:
            fail(f"the site has no JupyterLab extension {ext}: {sorted(exts)}")
    for name in names:
        if not (out / "files" / name).is_file():
            fail(f"the site has no files/{name}")


# --------------------------------------------------------------------------- #
# serving


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with the MIME types JupyterLite needs (``.wasm`` above all); quiet."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

    def log_message(self, format, *args):  # noqa: A002
        pass


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):  # a closed tab is no error
            super().handle_error(request, client_address)


def make_server(site: Path, port: int = 0, host: str = "127.0.0.1") -> http.server.ThreadingHTTPServer:
    """A static file server of ``site`` on ``host`` (port 0: any free port); call ``serve_forever``."""
    handler = functools.partial(Handler, directory=str(site))
    server = Server((host, port), handler)
    server.daemon_threads = True
    return server


def serve(site: Path, port: int) -> None:
    if not (site / "jupyter-lite.json").exists():
        fail(f"Invalid --out: {site} (no site there yet; build it first: python3 run.py site)")
    server = make_server(site, port)
    print(f"Serving {site} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl+C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _existing_dir(value: str) -> Path:
    for base in (Path.cwd(), ROOT):  # LRVIZ_PYODIDE=../shared/... is relative to the repository
        p = (base / value).resolve()
        if p.is_dir():
            return p
    raise argparse.ArgumentTypeError(f"Invalid --pyodide: {value} (not a folder)")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="run.py site", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="site folder (default: _site/)")
    ap.add_argument("--pyodide", type=_existing_dir, default=os.environ.get("LRVIZ_PYODIDE") or None,
                    help="an unpacked Pyodide distribution to copy into the site (default: $LRVIZ_PYODIDE)")
    ap.add_argument("--notebooks", type=Path, default=NOTEBOOKS, help=argparse.SUPPRESS)  # tests, benchmarks
    ap.add_argument("--serve", action="store_true", help="serve the site on 127.0.0.1 after building it")
    ap.add_argument("--serve-only", action="store_true", help="serve the site already built, do not build")
    ap.add_argument("--port", type=int, default=8000, help="port for --serve (default: 8000)")
    args = ap.parse_args(argv)
    if isinstance(args.pyodide, str):
        args.pyodide = _existing_dir(args.pyodide)
    if not args.serve_only:
        build(args.out, args.pyodide, notebooks=args.notebooks)
    if args.serve or args.serve_only:
        serve(Path(args.out).resolve(), args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
