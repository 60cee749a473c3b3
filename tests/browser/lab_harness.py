"""Start JupyterLab / Voila on 127.0.0.1 and drive the course's explorers in Chromium.

Shared by the browser tests (``tests/browser``) and ``benchmarks/bench_explorers.py``.
No pytest in here: callers decide whether a missing browser is a skip or a failure.

The DOM contract the explorers promise (see ``celearn.widgets``):

- every explorer is one anywidget whose root is a ``.celearn-explorer`` box (plus
  ``.celearn-explorer-<name>``, ``data-uid``, ``data-state``);
- its first control is a native ``<input type="range" class="celearn-range">`` over whole
  positions, with a number input ``.celearn-number`` next to it;
- a readout ``.celearn-readout`` holding ``<span class="celearn-key" data-value=".."
  data-trend="up|down|any">``: the key number and how it moves when the first slider's
  value increases;
- a ``.celearn-figure`` holding the static picture (``<img>``) and the marks the browser
  draws (``<svg>``); draggable marks are ``.celearn-handle`` sliders (role="slider").
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
HOST = "127.0.0.1"

# Debian's package; override with CELEARN_CHROMIUM=/path/to/chrome.
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",  # small /dev/shm in containers crashes tabs otherwise
    "--disable-quic",
]
INSTALL_HINT = (
    "install it with `apt-get install chromium` (Debian/Ubuntu) or point "
    "CELEARN_CHROMIUM at a Chrome/Chromium executable"
)

# (prediction explorers, .celearn-prediction, ask for a guess before they show a readout:
# tests/browser/test_predict.py drives them)
EXPLORER = ".celearn-explorer:not(.celearn-prediction)"
KEY = ".celearn-readout .celearn-key"
FIGURE = ".celearn-figure"
HANDLE = ".celearn-range"


def notebooks() -> list[Path]:
    """Every course notebook, in course order."""
    return sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def find_chromium() -> str | None:
    """Path of a Chromium executable, or None when none is installed."""
    wanted = os.environ.get("CELEARN_CHROMIUM")
    if wanted:
        return wanted if os.access(wanted, os.X_OK) else None
    if os.access(DEFAULT_CHROMIUM, os.X_OK):
        return DEFAULT_CHROMIUM
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def launch_chromium(playwright, executable: str):
    """A headless Chromium with no first-run, sync, update or background traffic."""
    return playwright.chromium.launch(
        executable_path=executable, headless=True, args=CHROMIUM_ARGS
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _isolated_env(home: Path) -> dict[str, str]:
    """Environment for a server that ignores the user's Jupyter/IPython settings.

    Only the *user* config and data dirs are replaced; sys.prefix/share/jupyter (where the
    ipywidgets, anywidget and voila lab extensions live) stays on Jupyter's search path.
    """
    env = dict(os.environ)
    for name in ("config", "data", "runtime", "ipython", "mpl"):
        (home / name).mkdir(parents=True, exist_ok=True)
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        IPYTHONDIR=str(home / "ipython"),
        MPLCONFIGDIR=str(home / "mpl"),
        PYTHONUNBUFFERED="1",
    )
    for leaky in ("MPLBACKEND", "JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "JUPYTERLAB_SETTINGS_DIR",
                  "JUPYTERLAB_WORKSPACES_DIR", "JUPYTER_TOKEN"):
        env.pop(leaky, None)
    # No news feed, no update check: Lab must not try to reach the internet.
    settings = home / "config" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    # Never save: running a notebook in Lab must not rewrite the committed file.
    docmanager = settings.parent / "docmanager-extension"
    docmanager.mkdir(parents=True, exist_ok=True)
    (docmanager / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    return env


class Server:
    """A Jupyter server (Lab or Voila) we started; stopped by its own PID."""

    def __init__(self, kind: str, argv: list[str], port: int, home: Path, ready_path: str,
                 cwd: Path = REPO_ROOT):
        self.kind = kind
        self.port = port
        self.url = f"http://{HOST}:{port}"
        self.home = home
        self.log_path = home / f"{kind}.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=_isolated_env(home),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its kernels die with its process group
        )
        self._wait_ready(ready_path)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def _wait_ready(self, path: str, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(
                    f"{self.kind} exited with code {self.proc.returncode} before answering "
                    f"{path}; its log:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(self.url + path, timeout=5) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError) as exc:
                last = exc
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(
            f"{self.kind} did not answer {self.url}{path} within {timeout:.0f} s "
            f"(last error: {last}); its log:\n{self.log_tail()}"
        )

    def api(self, method: str, path: str):
        req = urllib.request.Request(self.url + path, method=method)
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read()
        return json.loads(body) if body else None

    def delete_sessions(self) -> None:
        """Shut down every kernel session (so tests don't share or pile up kernels)."""
        for s in self.api("GET", "/api/sessions"):
            with contextlib.suppress(urllib.error.HTTPError):
                self.api("DELETE", f"/api/sessions/{s['id']}")

    def stop(self) -> None:
        """terminate → wait → kill, by our own PID (and its process group: the kernels)."""
        if self.proc.poll() is None:
            self.proc.terminate()  # jupyter_server shuts its kernels down on SIGTERM
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        # Kernels are in the server's process group (start_new_session above).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self._log.close()


def _root_flag() -> list[str]:
    # Containers and CI often run as root; Jupyter refuses that without the flag.
    return ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []


def _jupyter_server_argv(module: str, port: int, root_dir: Path) -> list[str]:
    """``python -m <module>`` as a local, token-free Jupyter server on 127.0.0.1:port."""
    return [
        sys.executable, "-m", module,
        "--no-browser",
        f"--ip={HOST}",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        "--PasswordIdentityProvider.hashed_password=",
        "--ServerApp.disable_check_xsrf=True",
        f"--ServerApp.root_dir={root_dir}",
        *_root_flag(),
    ]


#: what a server's log says when the port it was given was taken meanwhile
_PORT_TAKEN = re.compile(r"port \d+ is not available|already in use", re.IGNORECASE)


def start_server(kind: str, argv_for, home: Path, ready_path: str, cwd: Path = REPO_ROOT,
                 attempts: int = 3) -> Server:
    """Start a server on a free port; on another one if that port was taken between
    :func:`free_port` and the server's bind (a kernel of another server took one once)."""
    for attempt in range(attempts):
        port = free_port()
        try:
            return Server(kind, argv_for(port), port, home, ready_path, cwd=cwd)
        except RuntimeError as exc:
            if attempt == attempts - 1 or not _PORT_TAKEN.search(str(exc)):
                raise
    raise AssertionError("unreachable")                   # pragma: no cover


def start_lab(home: Path, root_dir: Path = REPO_ROOT) -> Server:
    return start_server("jupyterlab", lambda port: [
        *_jupyter_server_argv("jupyterlab", port, root_dir),
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ], home, "/api/status", cwd=root_dir)


def start_voila(home: Path) -> Server:
    """Voila as the README runs it, ``voila notebooks/`` from the repo root (tree mode on the
    notebooks folder, so the "Next" and course-map links work): notebooks at
    /voila/render/<name>."""
    return start_server("voila", lambda port: [
        sys.executable, "-m", "voila",
        "--no-browser",
        f"--Voila.ip={HOST}",
        f"--port={port}",
        "--show_tracebacks=True",  # errors show in the page, where the test looks for them
        NOTEBOOK_DIR.name + "/",  # the README's `voila notebooks/`, run from the repo root
    ], home, "/", cwd=REPO_ROOT)


def start_notebook7(home: Path, root_dir: Path = REPO_ROOT) -> Server:
    """Jupyter Notebook 7 (``python -m notebook``), isolated like :func:`start_lab`.

    Notebook 7 is built from JupyterLab's pieces: with ``expose_app_in_browser`` the page has
    the same ``window.jupyterapp`` (shell, commands, notebook panels with their
    ``sessionContext``), so the Lab scripts above (JS_NOTEBOOK_STATUS, JS_RUN_STATUS,
    JS_KERNEL_EXECUTE) work unchanged. Notebooks open at /notebooks/<path>.
    """
    return start_server("notebook7", lambda port: [
        *_jupyter_server_argv("notebook", port, root_dir),
        "--JupyterNotebookApp.expose_app_in_browser=True",
        # Same settings folder as Lab's (autosave off, no news: see _isolated_env).
        f"--JupyterNotebookApp.user_settings_dir={home / 'config' / 'lab' / 'user-settings'}",
    ], home, "/api/status", cwd=root_dir)


def start_marimo(home: Path, target: Path) -> Server:
    """``marimo run <target>`` (an app file, or a folder of apps at /?file=<name>) on
    127.0.0.1, headless, no token, no update check."""
    os.environ.setdefault("MARIMO_SKIP_UPDATE_CHECK", "1")
    return start_server("marimo", lambda port: [
        sys.executable, "-m", "marimo", "run", str(target), "--headless",
        "--host", HOST, "--port", str(port), "--no-token"], home, "/health", cwd=home)


@contextlib.contextmanager
def server_home(prefix: str):
    d = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


# --------------------------------------------------------------------------------------
# In-page JavaScript
# --------------------------------------------------------------------------------------

# Resolves when the notebook at `path` is open, current, and its kernel is connected
# and idle. Returns a short status string while not ready (for error messages).
JS_NOTEBOOK_STATUS = """
(path) => {
  const app = window.jupyterapp;
  if (!app) return 'window.jupyterapp missing (expose_app_in_browser off?)';
  let panel = null;
  for (const w of app.shell.widgets('main')) {
    if (w.context && w.context.path === path) panel = w;
  }
  if (!panel) return 'notebook panel not open yet';
  if (!panel.context.isReady) return 'notebook model loading';
  const sc = panel.sessionContext;
  const kernel = sc.session && sc.session.kernel;
  if (!kernel) return 'no kernel yet';
  if (kernel.connectionStatus !== 'connected') return 'kernel ' + kernel.connectionStatus;
  if (kernel.status !== 'idle') return 'kernel ' + kernel.status;
  if (app.shell.currentWidget !== panel) { app.shell.activateById(panel.id); return 'activating'; }
  return 'ready';
}
"""

# Counts code cells still to run: queued/running ([*]) or without an execution count.
JS_RUN_STATUS = """
(path) => {
  const app = window.jupyterapp;
  let panel = null;
  for (const w of app.shell.widgets('main')) {
    if (w.context && w.context.path === path) panel = w;
  }
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  let pending = 0, total = 0, errors = 0;
  for (const cell of panel.content.widgets) {
    if (cell.model.type !== 'code') continue;
    if (!cell.model.sharedModel.getSource().trim()) continue;
    total += 1;
    const prompt = cell.node.querySelector('.jp-InputPrompt');
    const star = prompt && prompt.textContent.includes('*');
    if (star || cell.model.executionCount === null) pending += 1;
    for (let i = 0; i < cell.model.outputs.length; i++) {
      if (cell.model.outputs.get(i).type === 'error') errors += 1;
    }
  }
  return {pending, total, errors, kernel: kernel ? kernel.status : 'none'};
}
"""

# Everything an output area can show that means "this went wrong".
JS_OUTPUT_ERRORS = """
() => {
  const found = [];
  const text = (el) => (el.innerText || el.textContent || '').trim().slice(0, 1500);
  for (const el of document.querySelectorAll(
      '[data-mime-type="application/vnd.jupyter.error"], .jp-OutputArea-output.jp-mod-error')) {
    found.push('error output: ' + text(el));
  }
  for (const el of document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]')) {
    const t = text(el);
    if (/Traceback|Error|Exception/.test(t)) found.push('stderr output: ' + t);
  }
  const body = document.body.innerText || '';
  for (const needle of ['Error displaying widget', 'model not found', 'Failed to load model class',
                        'Could not create a view', 'Loading widget...', 'Loading widget…']) {
    if (body.includes(needle)) found.push('page shows "' + needle + '"');
  }
  return found;
}
"""

# One row per explorer; `ok` once its readout key, slider handle and painted figure exist
# (the static picture loaded and the browser's marks drawn over it).
JS_EXPLORERS = """
() => Array.from(document.querySelectorAll('.celearn-explorer:not(.celearn-prediction)')).map((el) => {
  const key = el.querySelector('.celearn-readout .celearn-key');
  const handle = el.querySelector('.celearn-range');
  const img = el.querySelector('.celearn-figure img');
  const marks = el.querySelectorAll('.celearn-figure svg > *').length;
  const board = el;
  const names = Array.from(el.classList).filter((c) => c.startsWith('celearn-explorer-'));
  return {
    name: names.length ? names[0].slice('celearn-explorer-'.length) : '?',
    key: key ? key.getAttribute('data-value') : null,
    trend: key ? key.getAttribute('data-trend') : null,
    handle: !!handle,
    marks,
    handles: el.querySelectorAll('.celearn-handle').length,
    uid: board ? board.dataset.uid : null,
    figure: img ? [img.naturalWidth, img.naturalHeight] : null,
    ok: !!(key && handle && img && img.complete && img.naturalWidth > 10 && marks > 0),
  };
})
"""

# The numbers an explorer's board shows now: key value, readout text, the controls' state.
JS_BOARD = """
(el) => {
  const board = el;
  const key = el.querySelector('.celearn-readout .celearn-key');
  return {uid: board.dataset.uid, state: JSON.parse(board.dataset.state || '{}'),
          live: board.dataset.live ? JSON.parse(board.dataset.live) : null,
          frames: Number(board.dataset.frames || 0),
          value: key ? parseFloat(key.getAttribute('data-value')) : NaN,
          text: el.querySelector('.celearn-readout').textContent};
}
"""

# Kernel side: each live explorer's key value and readout text, as JSON by uid.
PY_EXPLORERS = """
import json as _celearn_json
from celearn.widgets._base import _LIVE as _celearn_live
print(_celearn_json.dumps({str(u): [e.key_value, e.readout_text, e.state]
                           for u, e in list(_celearn_live.items())}))
del _celearn_json, _celearn_live
"""

# Kernel side: what celearn computes for explorer `uid` at each of `states` (JSON).
PY_SCENES = """
import json as _celearn_json
from celearn.widgets._base import explorer_by_uid as _celearn_find
_celearn_ex = _celearn_find({uid})
print(_celearn_json.dumps([[_celearn_ex.scene(s)["value"], _celearn_ex.scene(s)["readout"]]
                           for s in _celearn_json.loads({states!r})]))
del _celearn_json, _celearn_find, _celearn_ex
"""


def slider_state(handle) -> dict:
    """Position, min and max of a range input (whole positions: log sliders too)."""
    return handle.evaluate(
        "(h) => ({now: Number(h.value), min: Number(h.min), max: Number(h.max)})")


def thumb_point(track: dict, state: dict, thumb: float = 8.0) -> tuple[float, float, float]:
    """(x, y, fraction) of a range input's thumb: it sits at the value's place along the
    track, which is inset by half a thumb's width (Chromium: 8 px)."""
    frac = (state["now"] - state["min"]) / ((state["max"] - state["min"]) or 1)
    return (track["x"] + thumb + frac * (track["width"] - 2 * thumb),
            track["y"] + track["height"] / 2, frac)


def hand_drag(page, x: float, y: float, dx: float, steps: int = 10) -> None:
    """Press at (x, y) and move dx to the right in ``steps`` steps, 30 ms apart, like a hand."""
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, steps + 1):
        page.mouse.move(x + dx * i / steps, y)
        page.wait_for_timeout(30)
    page.mouse.up()


def key_value(explorer) -> float:
    return float(explorer.locator(KEY).first.get_attribute("data-value"))


def expected_sign(trend: str, slider_sign: int) -> int | None:
    """Sign the key number must move by when the slider moved by `slider_sign` (None: any)."""
    if trend == "up":
        return slider_sign
    if trend == "down":
        return -slider_sign
    if trend == "any":
        return None
    raise ValueError(f"data-trend must be 'up', 'down' or 'any', got {trend!r}")


# Voila's default template links two stylesheets from a CDN. Offline they fail harmlessly;
# they are still aborted, just not counted as stray requests. Anything else that leaves
# 127.0.0.1 (e.g. a widget module fetched from a CDN) fails the test.
VOILA_CDN_STYLESHEETS = [
    re.compile(r"^https://cdn\.jsdelivr\.net/npm/@fortawesome/fontawesome-free@[^/]+/css/"
               r"(all|v4-shims)\.min\.css$"),
]


# Runs `code` in the notebook's kernel (outside any cell); returns its stdout / error text.
JS_KERNEL_EXECUTE = """
async ([path, code]) => {
  let panel = null;
  for (const w of window.jupyterapp.shell.widgets('main')) {
    if (w.context && w.context.path === path) panel = w;
  }
  const future = panel.sessionContext.session.kernel.requestExecute(
      {code, silent: false, store_history: false});
  let out = '';
  future.onIOPub = (msg) => {
    const c = msg.content;
    if (msg.header.msg_type === 'stream') out += c.text;
    if (msg.header.msg_type === 'error') out += c.ename + ': ' + c.evalue;
  };
  // never wait forever: a kernel that drops the request fails the test, not CI's clock
  // (the message says what had arrived, for whoever meets it: output but no reply means
  // the kernel ran the code and only its reply or idle status was lost)
  let timer;
  const kernel = panel.sessionContext.session.kernel;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(
      `celearn test: the kernel did not answer an execute request within 90 s ` +
      `(kernel status ${kernel.status}, connection ${kernel.connectionStatus}; ` +
      `output so far: ${JSON.stringify(out.slice(0, 300))})`)), 90000);
  });
  try {
    await Promise.race([future.done, late]);
  } finally {
    clearTimeout(timer);
  }
  return out;
}
"""


def missing(reason: str):
    """Skip a browser test with ``reason``; fail instead under CELEARN_REQUIRE_BROWSER=1 (CI)."""
    if os.environ.get("CELEARN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (CELEARN_REQUIRE_BROWSER=1 makes browser tests mandatory)",
                    pytrace=False)
    pytest.skip(reason)


def explorer_classes():
    """Every explorer class that celearn.widgets exports, sorted by name."""
    import celearn.widgets as widgets

    found = {}
    for name in widgets.__all__:
        obj = getattr(widgets, name)
        if isinstance(obj, type) and issubclass(obj, widgets.Explorer) and obj is not widgets.Explorer:
            found[obj.__name__] = obj
    return [found[n] for n in sorted(found)]
