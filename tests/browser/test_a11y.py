"""axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) inside every explorer, in JupyterLab.

A notebook showing one of each explorer class that ``celearn.widgets`` exports is written to
a temporary folder and run in JupyterLab (its own server, rooted there). axe-core, the script
the ``axe-playwright-python`` package ships, runs in the page with each explorer's element as
its context, in JupyterLab's Light theme and in its Dark theme, and must report no violation;
a failure lists each violation with its rule, impact, help text and the elements it found.
New explorers are covered without new code. The Dark theme's picture of one explorer is saved
among the screenshots (``a11y-dark-<Explorer>.png``).
"""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

import lab_harness as h

pytestmark = pytest.mark.browser

#: the WCAG 2.0, 2.1 and 2.2 A and AA rules of axe-core (its tags)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}
PATH = "explorers.ipynb"
OPEN_TIMEOUT = 120
RUN_TIMEOUT = 300      # s: every explorer of the course drawn by one kernel
THEME_TIMEOUT = 60     # s: the theme applied, each explorer's picture redrawn for it
SCREENSHOT_OF = "LogExplorer"


EXPLORERS = h.explorer_classes()


def _axe_script() -> str:
    try:
        import axe_playwright_python
    except ImportError:
        h.missing("the accessibility test needs axe-core's script from axe-playwright-python: "
                  "`pip install -r requirements-test.txt`")
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def _notebook(folder: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("import celearn.widgets as W")]
    nb.cells += [nbformat.v4.new_code_cell(f"W.{cls.__name__}()") for cls in EXPLORERS]
    nbformat.write(nb, folder / PATH)


# every explorer drawn: readout with its key, native controls, picture loaded
JS_DRAWN = """
() => Array.from(document.querySelectorAll('.celearn-explorer')).map((el) => {
  const img = el.querySelector('.celearn-figure img');
  return {cls: Array.from(el.classList).filter((c) => c.startsWith('celearn-explorer-'))[0] || '?',
          theme: el.dataset.theme || null,
          key: !!el.querySelector('.celearn-readout .celearn-key'),
          controls: el.querySelectorAll('input').length,
          src: img ? img.getAttribute('src').slice(-40) : null,
          img: !!(img && img.complete && img.naturalWidth > 10)};
})
"""


JS_ONE = """
(el) => {
  const img = el.querySelector('.celearn-figure img');
  return {theme: el.dataset.theme || null,
          key: !!el.querySelector('.celearn-readout .celearn-key'),
          controls: el.querySelectorAll('input').length,
          img: !!(img && img.complete && img.naturalWidth > 10)};
}
"""


class Lab:
    def __init__(self, server, context, page):
        self.server, self.context, self.page = server, context, page
        self.theme = "light"
        self.errors: list[str] = []

    def rows(self):
        return self.page.evaluate(JS_DRAWN)

    def wait(self, predicate, what, timeout):
        deadline = time.monotonic() + timeout
        while True:
            last = predicate()
            if last:
                return last
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s waiting for "
                                     f"{what() if callable(what) else what}\n"
                                     f"JupyterLab log tail:\n{self.server.log_tail(2000)}")
            self.page.wait_for_timeout(250)

    def set_theme(self, theme: str):
        if theme == self.theme:
            return
        before = {r["cls"]: r["src"] for r in self.rows()}
        self.page.evaluate("(t) => window.jupyterapp.commands.execute('apputils:change-theme', "
                           "{theme: t})", THEMES[theme])
        light = "true" if theme == "light" else "false"

        def applied():
            rows = self.rows()
            drawn = [r for r in rows if r["theme"]]     # (one not drawn fails its own test)
            return (self.page.evaluate("() => document.body.dataset.jpThemeLight") == light
                    and all(r["theme"] == theme and r["img"] and r["src"] != before.get(r["cls"])
                            for r in drawn) and rows)

        self.wait(applied, lambda: f"the {THEMES[theme]} theme on the page and on every "
                  f"explorer, each with its picture redrawn (last: {self.rows()})", THEME_TIMEOUT)
        self.page.wait_for_timeout(500)             # a last frame of marks in the new colours
        self.theme = theme


@pytest.fixture(scope="module")
def explorers_lab(browser):
    """JupyterLab rooted at a folder holding one notebook that shows every explorer, run."""
    axe = _axe_script()
    with h.server_home("celearn-a11y-") as home:
        root = home / "root"
        root.mkdir()
        _notebook(root)
        server = h.start_lab(home, root_dir=root)
        context = browser.new_context(viewport={"width": 1280, "height": 900},
                                      service_workers="block")
        try:
            page = context.new_page()
            lab = Lab(server, context, page)
            page.on("pageerror", lambda e: lab.errors.append(str(e)))
            page.goto(f"{server.url}/lab/tree/{PATH}?reset", timeout=OPEN_TIMEOUT * 1000)
            lab.wait(lambda: page.evaluate(h.JS_NOTEBOOK_STATUS, PATH) == "ready",
                     f"{PATH} to open with its kernel idle", OPEN_TIMEOUT)
            page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
            give_up = time.monotonic() + RUN_TIMEOUT
            status = {"last": None}

            def ran():
                status["last"] = s = page.evaluate(h.JS_RUN_STATUS, PATH)
                return s["kernel"] == "idle" and s["pending"] == 0

            lab.wait(ran, lambda: f"the cells to run (last: {status['last']})", RUN_TIMEOUT)
            # every explorer drawn, or the time is up: an explorer that is not drawn fails
            # its own test (with its cell's output), not all of them
            lab.wait(lambda: (len(r := lab.rows()) == len(EXPLORERS)
                              and all(x["key"] and x["img"] and x["controls"] for x in r))
                     or time.monotonic() > give_up, "", RUN_TIMEOUT + 10)
            # JupyterLab's <body> is 0 px high (its shell is positioned absolutely) and clips
            # its overflow: axe then takes all of Lab's text for clipped, off screen, and
            # skips it in the text rules (color-contrast checked nothing). A body as high as
            # the window changes no layout and lets axe see what a person sees.
            page.evaluate("() => { document.body.style.height = '100vh'; }")
            page.evaluate(axe)
            yield lab
        finally:
            context.close()
            server.stop()


def _readable(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} [{', '.join(v['tags'])}]")
        lines.append(f"  {v.get('helpUrl', '')}")
        for node in v["nodes"][:8]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").strip()
            if summary:
                lines.append("       " + textwrap.indent(summary, "       ").strip())
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more elements")
    return "\n".join(lines)


# (the lower decorator is the outer loop: every explorer in one theme, then in the other)
@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("theme", list(THEMES))
def test_axe_finds_no_wcag_violation_in_the_explorer(cls, theme, explorers_lab, screenshot_dir):
    lab = explorers_lab
    lab.set_theme(theme)
    index = EXPLORERS.index(cls)
    cell = lab.page.locator(".jp-Notebook .jp-Cell").nth(index + 1)   # cell 0 imports
    explorer = cell.locator(f".celearn-explorer-{cls.name}").first
    drawn = explorer.evaluate(JS_ONE) if explorer.count() else None
    assert drawn and drawn["key"] and drawn["img"] and drawn["controls"], (
        f"{cls.__name__} is not drawn in JupyterLab (readout key, native controls, picture): "
        f"{drawn}; its cell shows: {cell.locator('.jp-OutputArea').first.inner_text()[:1500]!r}")
    assert drawn["theme"] == theme, f"{cls.__name__} does not follow {THEMES[theme]}: {drawn}"
    # all of the explorer in the notebook's visible area (axe skips what is scrolled away)
    explorer.evaluate("(el) => el.scrollIntoView({block: 'center'})")
    lab.page.wait_for_timeout(300)
    result = explorer.evaluate(
        "(el, tags) => axe.run(el, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    if theme == "dark" and cls.__name__ == SCREENSHOT_OF:
        explorer.screenshot(path=str(screenshot_dir / f"a11y-dark-{cls.__name__}.png"))
    # axe did look at the explorer's text: the readout's contrast was judged
    judged = [n["html"] for kind in ("passes", "violations", "incomplete")
              for r in result[kind] if r["id"] == "color-contrast" for n in r["nodes"]]
    assert any("celearn-key" in html or "celearn-readout" in html for html in judged), (
        f"axe's color-contrast rule did not judge the readout of {cls.__name__} "
        f"(it judged: {[html[:60] for html in judged]}): is the text hidden from axe? "
        f"readout at {explorer.locator('.celearn-readout').bounding_box()}, notebook panel at "
        f"{lab.page.locator('.jp-WindowedPanel-outer').first.bounding_box()}")
    violations = result["violations"]
    assert not violations, (
        f"axe-core {result['testEngine']['version']} finds {len(violations)} WCAG A/AA "
        f"violation(s) inside {cls.__name__} in {THEMES[theme]}:\n{_readable(violations)}")
    assert not lab.errors, f"uncaught errors in the page: {lab.errors}"
