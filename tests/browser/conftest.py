"""Fixtures for the browser tests: Chromium via Playwright, JupyterLab and Voila servers.

The tests skip (with the reason) when Playwright or Chromium is missing, unless
CELEARN_REQUIRE_BROWSER=1 (set by CI), which turns the skip into a failure.
Screenshots go to tests/browser/screenshots/ (or $CELEARN_SCREENSHOTS).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab_harness as h  # noqa: E402

SCREENSHOT_DIR = Path(os.environ.get("CELEARN_SCREENSHOTS") or Path(__file__).parent / "screenshots")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = h.find_chromium()
    if path is None:
        wanted = os.environ.get("CELEARN_CHROMIUM")
        where = f"CELEARN_CHROMIUM={wanted} is not executable" if wanted else (
            f"no Chromium found ({h.DEFAULT_CHROMIUM} or `chromium` on PATH)")
        h.missing(f"browser tests need Chromium: {where}; {h.INSTALL_HINT}")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        h.missing("browser tests need Playwright for Python: `pip install playwright` "
                  "(no `playwright install` needed; Debian's chromium is used)")
    with sync_playwright() as pw:
        browser = h.launch_chromium(pw, chromium_path)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def lab(browser):
    """JupyterLab on 127.0.0.1:<free port>, no token, rooted at the repo."""
    with h.server_home("celearn-lab-") as home:
        server = h.start_lab(home)
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def voila(browser):
    """Voila (tree mode) on 127.0.0.1:<free port>, rooted at the repo."""
    with h.server_home("celearn-voila-") as home:
        server = h.start_voila(home)
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def nb7(browser):
    """Jupyter Notebook 7 on 127.0.0.1:<free port>, no token, rooted at the repo.

    Skips (fails under CELEARN_REQUIRE_BROWSER=1) when the `notebook` package is missing."""
    try:
        import notebook
    except ImportError:
        h.missing("the Notebook 7 tests need the `notebook` package: `pip install 'notebook>=7.6'`")
    major = int(str(getattr(notebook, "__version__", "0")).split(".")[0] or 0)
    if major < 7:
        h.missing(f"the Notebook 7 tests need notebook>=7.6, found {notebook.__version__}: "
                  "`pip install 'notebook>=7.6'`")
    with h.server_home("celearn-nb7-") as home:
        server = h.start_notebook7(home)
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


class PageRecorder:
    """A page whose console, page errors and non-local requests are recorded.

    Every request that is not to our server (or data:/blob:) is aborted and recorded;
    `fail()` saves a screenshot and raises with the console log in the message.
    """

    def __init__(self, context, server: h.Server, name: str, screenshot_dir: Path,
                 allowed_external=()):
        self.server = server
        self.name = name
        self.dir = screenshot_dir
        self.console: list[str] = []
        self.page_errors: list[str] = []
        self.stray: list[str] = []
        self.tolerated: list[str] = []
        self._allowed_external = list(allowed_external)
        origin = server.url + "/"
        ws_origin = origin.replace("http://", "ws://", 1)

        def route(r):
            url = r.request.url
            if url.startswith(origin) or url.startswith(("data:", "blob:")):
                r.continue_()
                return
            if any(p.match(url) for p in self._allowed_external):
                self.tolerated.append(url)
            else:
                self.stray.append(f"{r.request.method} {url}")
            r.abort()

        context.route("**/*", route)
        self.page = context.new_page()
        self.page.on("console", lambda m: self.console.append(f"[{m.type}] {m.text}"))
        self.page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        self.page.on("websocket", lambda ws: None if ws.url.startswith(ws_origin)
                     else self.stray.append(f"WEBSOCKET {ws.url}"))

        (self.dir / f"{name}-FAILED.png").unlink(missing_ok=True)  # from an earlier run

    def shot(self, suffix: str, locator=None) -> Path:
        path = self.dir / f"{self.name}{suffix}.png"
        if locator is None:
            self.page.screenshot(path=str(path), full_page=True)
        else:
            locator.screenshot(path=str(path))
        return path

    def context_report(self) -> str:
        parts = []
        if self.page_errors:
            parts.append("page errors:\n  " + "\n  ".join(self.page_errors[-20:]))
        parts.append("browser console (last 40):\n  " + ("\n  ".join(self.console[-40:]) or "(empty)"))
        if self.stray:
            parts.append("stray requests:\n  " + "\n  ".join(self.stray))
        parts.append(f"{self.server.kind} log tail:\n{self.server.log_tail(2500)}")
        return "\n".join(parts)

    def fail(self, message: str, focus=None):
        """Raise AssertionError with a screenshot (scrolled to `focus`, if given) and logs."""
        if focus is not None:
            try:
                if focus.count():
                    focus.first.scroll_into_view_if_needed(timeout=3000)
            except Exception:
                pass
        try:
            shot = self.shot("-FAILED")
            where = f"screenshot: {shot}"
        except Exception as exc:  # the page may have crashed
            where = f"(no screenshot: {exc})"
        raise AssertionError(f"{message}\n{where}\n{self.context_report()}")

    def console_errors(self) -> list[str]:
        # "Failed to load resource" is the echo of a request we aborted (see self.stray).
        return [m for m in self.console
                if m.startswith("[error]") and "Failed to load resource" not in m]

    def wait_for(self, predicate, what, timeout: float, interval_ms: int = 100, focus=None):
        """Poll `predicate()` until truthy (returned); fail with `what` after `timeout` s.

        `what` may be a callable, evaluated at failure time (to show the last state seen).
        """
        import time

        deadline = time.monotonic() + timeout
        last = None
        while True:
            last = predicate()
            if last:
                return last
            if time.monotonic() > deadline:
                self.fail(f"timed out after {timeout:.0f} s waiting for "
                          f"{what() if callable(what) else what}", focus=focus)
            self.page.wait_for_timeout(interval_ms)


@pytest.fixture
def recorder_factory(browser, screenshot_dir):
    contexts = []

    def make(server: h.Server, name: str, allowed_external=()):
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      service_workers="block")
        contexts.append(context)
        return PageRecorder(context, server, name, screenshot_dir, allowed_external)

    yield make
    for c in contexts:
        c.close()
