"""Predict, then reveal, in a real browser: JupyterLab, Voila, Notebook 7 and marimo.

A notebook with prediction explorers (``explorer.predict(question, guess)``) is written to a
temporary folder and shown in JupyterLab (its cells run) and in Voila. Before the commit the
page holds no truth: no ``.celearn-reveal`` element (count 0), no readout, no key number, and
the explorer's HTML does not contain the answer. The learner drags the guess mark (mouse in
JupyterLab, a touch tap in Voila) or moves it with the keyboard alone (focus, keys, Tab to the
button, Enter), clicks ``.celearn-commit``; then ``.celearn-reveal`` elements exist, the
feedback (in the aria-live region) says the gap in words, and the words are celearn's
(``celearn.widgets.gap_words`` for the guess the page shows and the truth celearn computes),
and the kernel holds the committed guess. "Try again" removes the truth again.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import pytest

import lab_harness as h

import celearn as cl
from celearn.widgets import gap_words

pytestmark = pytest.mark.browser

PATH = "predict.ipynb"
OPEN_TIMEOUT = 120
RUN_TIMEOUT = 180
REVEAL_TIMEOUT = 30
P = 0.01
TRUTH = float(cl.surprisal(P))                     # celearn's -ln 0.01
QUESTION = "Where will the loss be at p = 0.01?"
STEP, TOLERANCE = 0.05, 0.025                      # GuessNumber's default step over [0, 7.2]
CHOICES = ["the first", "the second", "the same"]
PREDICTION = ".celearn-explorer.celearn-prediction"
#: the WCAG 2.0, 2.1 and 2.2 A and AA rules of axe-core (as tests/browser/test_a11y.py)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

CELLS = [
    "import celearn as cl",
    # 0: mouse (Lab) / touch (Voila)
    f"cl.widgets.LogExplorer(p={P}).predict({QUESTION!r}, cl.widgets.GuessNumber(x={P}, "
    "unit='nats'))",
    # 1: keyboard only (another cell's code: a cell's explorer replaces the one the same
    # code made before)
    f"keyboard = cl.widgets.LogExplorer(p={P}).predict({QUESTION!r}, "
    f"cl.widgets.GuessNumber(x={P}, unit='nats'))\nkeyboard",
    # 2: a choice
    "cl.widgets.TriangleExplorer(p=(0.5, 0.499, 0.001)).predict('Which costs more for a "
    "panda: (0.5, 0.499, 0.001) or (0.5, 0.25, 0.25)?', cl.widgets.GuessChoice("
    f"{CHOICES!r}, answer='the same', why='Both give the panda 0.5.'))",
]


def _notebook(folder: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(code) for code in CELLS]
    nbformat.write(nb, folder / PATH)


# what the page shows of one explorer: the truth must not be there before the commit
JS_PREDICTION = """
(el) => ({
  reveal: el.querySelectorAll('.celearn-reveal').length,
  readout: el.querySelectorAll('.celearn-readout').length,
  key: el.querySelectorAll('.celearn-key').length,
  value: el.dataset.value ?? null,
  commit: (() => { const b = el.querySelector('button.celearn-commit');
                   return b ? {disabled: b.disabled, text: b.textContent} : null; })(),
  guess: (() => { const g = el.querySelector('.celearn-guess-handle');
                  return g ? {now: g.getAttribute('aria-valuenow'),
                              text: g.getAttribute('aria-valuetext'),
                              role: g.getAttribute('role')} : null; })(),
  feedback: (() => { const f = el.querySelector('.celearn-announce .celearn-feedback');
                     return f ? f.textContent : null; })(),
  live: (() => { const a = el.querySelector('.celearn-announce');
                 return a ? a.getAttribute('aria-live') : null; })(),
  html: el.innerHTML,
  img: (() => { const i = el.querySelector('.celearn-figure img');
                return !!(i && i.complete && i.naturalWidth > 10); })(),
})
"""

PY_PREDICTION = """
import json as _j
from celearn.widgets._base import explorer_by_uid as _f
_e = _f({uid})
print(_j.dumps([_e.guess, _e.revealed, _e.feedback]))
del _j, _f, _e
"""


def _axe(page, explorer, where):
    """axe-core finds no WCAG A/AA violation inside the explorer."""
    try:
        import axe_playwright_python
    except ImportError:
        h.missing("the accessibility check needs axe-core's script from axe-playwright-python")
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate((Path(axe_playwright_python.__file__).parent / "axe.min.js")
                      .read_text(encoding="utf-8"))
        page.evaluate("() => { document.body.style.height = '100vh'; }")   # see test_a11y
    explorer.evaluate("(el) => el.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(300)
    result = explorer.evaluate(
        "(el, tags) => axe.run(el, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    found = [(v["id"], v["help"], [n["html"][:120] for n in v["nodes"][:3]])
             for v in result["violations"]]
    assert not found, f"{where}: axe-core finds WCAG violations: {found}"


def _info(explorer):
    return explorer.evaluate(JS_PREDICTION)


def _assert_no_truth(info, where):
    assert info["reveal"] == 0, f"{where}: {info['reveal']} .celearn-reveal elements before the commit"
    assert info["readout"] == 0 and info["key"] == 0 and info["value"] is None, (
        f"{where}: a readout or key number before the commit: {info}")
    assert "4.605" not in info["html"] and "4.61" not in info["html"], (
        f"{where}: the answer is in the page before the commit")
    assert info["live"] == "polite", f"{where}: no aria-live region for the reveal"


def _wait(rec, predicate, what, timeout):
    return rec.wait_for(predicate, what, timeout, 150)


def _drag_guess(page, explorer, value):
    """Drag the guess mark (mouse) to height ``value`` on the axes."""
    area = explorer.locator(".celearn-guess-area").bounding_box()
    handle = explorer.locator(".celearn-guess-handle").bounding_box()
    y = area["y"] + area["height"] * (1 - value / 7.2)      # the axes' y runs 0 .. 7.2
    hx, hy = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    page.mouse.move(hx, hy)
    page.mouse.down()
    for k in range(1, 9):
        page.mouse.move(hx, hy + (y - hy) * k / 8)
    page.mouse.up()


def _commit_and_check(rec, explorer, where, *, press=None):
    before = _info(explorer)
    guess = float(before["guess"]["now"])
    if press is None:
        explorer.locator("button.celearn-commit").click()
    else:
        press()
    _wait(rec, lambda: _info(explorer)["feedback"],
          lambda: f"{where}: the feedback after the commit (shows {_info(explorer)})",
          REVEAL_TIMEOUT)
    after = _info(explorer)
    assert after["reveal"] >= 3, f"{where}: only {after['reveal']} .celearn-reveal elements"
    assert after["readout"] == 1 and after["key"] == 1, f"{where}: no readout after the commit"
    want = gap_words(guess, TRUTH, unit="nats", tolerance=TOLERANCE)
    assert after["feedback"] == want, (where, after["feedback"], want)
    assert abs(float(after["value"]) - TRUTH) < 1e-12
    return guess, after


def _guess_by_keys(rec, page, ex, where):
    """Keyboard only: focus the guess mark, Home and PageUp (0.5), Tab to the button, Enter."""
    ex.scroll_into_view_if_needed()
    _assert_no_truth(_info(ex), f"{where} keyboard, before")
    ex.locator(".celearn-guess-handle").focus()
    page.keyboard.press("Home")
    page.keyboard.press("PageUp")                               # 0.5
    _wait(rec, lambda: _info(ex)["guess"]["now"] == "0.5", "the keys to set 0.5", 10)
    _assert_no_truth(_info(ex), f"{where} keyboard, guess made")
    page.keyboard.press("Tab")
    guess, after = _commit_and_check(rec, ex, f"{where}, keyboard",
                                     press=lambda: page.keyboard.press("Enter"))
    assert guess == 0.5 and "4.105 nats low" in after["feedback"], after["feedback"]


@pytest.fixture(scope="module")
def predict_lab(browser):
    with h.server_home("celearn-predict-lab-") as home:
        root = home / "root"
        root.mkdir()
        _notebook(root)
        server = h.start_lab(home, root_dir=root)
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="module")
def predict_nb7(browser):
    try:
        import notebook
    except ImportError:
        h.missing("the Notebook 7 test needs the `notebook` package: `pip install 'notebook>=7.6'`")
    if int(str(getattr(notebook, "__version__", "0")).split(".")[0] or 0) < 7:
        h.missing(f"the Notebook 7 test needs notebook>=7.6, found {notebook.__version__}")
    with h.server_home("celearn-predict-nb7-") as home:
        root = home / "root"
        root.mkdir()
        _notebook(root)
        server = h.start_notebook7(home, root_dir=root)
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="module")
def predict_voila(browser):
    with h.server_home("celearn-predict-voila-") as home:
        root = home / "root"
        root.mkdir()
        _notebook(root)
        if (h.REPO_ROOT / "voila.json").exists():      # the course's Voila settings
            shutil.copy(h.REPO_ROOT / "voila.json", root / "voila.json")
        server = h.start_server("voila", lambda port: [
            sys.executable, "-m", "voila", "--no-browser", f"--Voila.ip={h.HOST}",
            f"--port={port}", "--show_tracebacks=True", "."], home, "/", cwd=root)
        try:
            yield server
        finally:
            server.stop()


def _run_in_lab(rec, server, url=None):
    page = rec.page
    page.goto(url or f"{server.url}/lab/tree/{PATH}?reset", timeout=OPEN_TIMEOUT * 1000)
    _wait(rec, lambda: page.evaluate(h.JS_NOTEBOOK_STATUS, PATH) == "ready",
          f"{PATH} to open with its kernel idle", OPEN_TIMEOUT)
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    status = {"last": None}

    def ran():
        status["last"] = s = page.evaluate(h.JS_RUN_STATUS, PATH)
        return s["kernel"] == "idle" and s["pending"] == 0 and s["errors"] == 0

    _wait(rec, ran, lambda: f"the cells to run without error (last: {status['last']})",
          RUN_TIMEOUT)
    explorers = page.locator(PREDICTION)
    _wait(rec, lambda: explorers.count() == 3 and all(
        _info(explorers.nth(i))["img"] for i in range(3)),
        "three prediction explorers drawn", RUN_TIMEOUT)
    return explorers


def _kernel(page, uid):
    return json.loads(page.evaluate(h.JS_KERNEL_EXECUTE, [PATH, PY_PREDICTION.format(uid=uid)]))


def test_predict_in_jupyterlab(predict_lab, recorder_factory):
    rec = recorder_factory(predict_lab, "predict-lab")
    page = rec.page
    explorers = _run_in_lab(rec, predict_lab)

    # -- mouse: drag the guess mark, click the button ---------------------------------------
    ex = explorers.nth(0)
    ex.scroll_into_view_if_needed()
    info = _info(ex)
    _assert_no_truth(info, "Lab, before the commit")
    assert info["commit"] == {"disabled": True, "text": "Commit my guess"}, info["commit"]
    assert info["guess"]["role"] == "slider" and "no guess yet" in info["guess"]["text"]
    _drag_guess(page, ex, 2.0)
    _wait(rec, lambda: not _info(ex)["commit"]["disabled"], "the commit button enabled after "
          "the drag", 10)
    info = _info(ex)
    guess = float(info["guess"]["now"])
    assert abs(guess - 2.0) <= 2 * STEP, info["guess"]
    assert info["guess"]["text"] == f"your guess: {guess:.2f} nats"
    _assert_no_truth(info, "Lab, guess made, not committed")
    uid = ex.evaluate("(el) => el.dataset.uid")
    _wait(rec, lambda: _kernel(page, uid)[0] == guess, "the kernel to hear the guess", 10)
    _axe(page, ex, "Lab, before the commit")
    rec.shot("-before", locator=ex)
    guess, after = _commit_and_check(rec, ex, "Lab, mouse")
    _axe(page, ex, "Lab, after the commit")
    assert _kernel(page, uid) == [guess, True, after["feedback"]]
    assert after["feedback"].endswith("nats low."), after["feedback"]
    rec.shot("-after", locator=ex)

    # -- keyboard only: focus the mark, keys, Tab to the button, Enter ------------------------
    ex = explorers.nth(1)
    ex.scroll_into_view_if_needed()
    _assert_no_truth(_info(ex), "Lab keyboard, before")
    ex.locator(".celearn-guess-handle").focus()
    page.keyboard.press("End")                                  # 7.2
    for _ in range(5):
        page.keyboard.press("PageDown")                         # 7.2 - 5 * 0.5 = 4.7
    for _ in range(2):
        page.keyboard.press("ArrowDown")                        # 4.6
    _wait(rec, lambda: _info(ex)["guess"]["now"] == "4.6", lambda: f"the keys to set 4.6: "
          f"{_info(ex)['guess']}", 10)
    _assert_no_truth(_info(ex), "Lab keyboard, guess made")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "celearn-commit"
    guess, after = _commit_and_check(rec, ex, "Lab, keyboard",
                                     press=lambda: page.keyboard.press("Enter"))
    assert guess == 4.6 and "spot on" in after["feedback"], after["feedback"]

    # -- try again: the truth leaves the page --------------------------------------------------
    ex.locator("button.celearn-retry").click()
    _wait(rec, lambda: _info(ex)["reveal"] == 0, "the truth gone after Try again", 15)
    _assert_no_truth(_info(ex), "Lab, after Try again")

    # -- a choice: radios, then the commit ----------------------------------------------------
    ex = explorers.nth(2)
    ex.scroll_into_view_if_needed()
    assert _info(ex)["reveal"] == 0 and _info(ex)["key"] == 0
    ex.get_by_label("the first").check()
    ex.locator("button.celearn-commit").click()
    _wait(rec, lambda: _info(ex)["feedback"], "the choice's feedback", REVEAL_TIMEOUT)
    assert _info(ex)["feedback"] == ("Your guess: the first; the answer: the same: not this "
                                     "time. Both give the panda 0.5.")
    assert _info(ex)["reveal"] >= 1
    assert not rec.page_errors, rec.page_errors


def test_predict_in_notebook7_by_keyboard(predict_nb7, recorder_factory):
    rec = recorder_factory(predict_nb7, "predict-nb7")
    page = rec.page
    # Notebook 7.6's own shortcuts plugin throws this while the page loads (see
    # notebook_checks.py): tolerated before the cells run, only
    explorers = _run_in_lab(rec, predict_nb7, f"{predict_nb7.url}/notebooks/{PATH}")
    rec.page_errors[:] = [e for e in rec.page_errors
                          if e != "Cannot read properties of undefined (reading 'schema')"]
    ex = explorers.nth(1)
    ex.scroll_into_view_if_needed()
    _assert_no_truth(_info(ex), "Notebook 7, before the commit")
    ex.locator(".celearn-guess-handle").focus()
    page.keyboard.press("Home")
    for _ in range(3):
        page.keyboard.press("PageUp")                           # 1.5: PageUp is not Notebook 7's
    page.keyboard.press("ArrowRight")                           # 1.55
    _wait(rec, lambda: _info(ex)["guess"]["now"] == "1.55", lambda: f"the keys to set 1.55: "
          f"{_info(ex)['guess']}", 10)
    _assert_no_truth(_info(ex), "Notebook 7, guess made")
    page.keyboard.press("Tab")
    guess, after = _commit_and_check(rec, ex, "Notebook 7, keyboard",
                                     press=lambda: page.keyboard.press("Enter"))
    assert guess == 1.55 and after["feedback"].endswith("you were 3.055 nats low.")
    assert not rec.page_errors, rec.page_errors


def test_predict_in_voila_with_touch(predict_voila, browser, screenshot_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, has_touch=True,
                                  service_workers="block")
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))

        class Rec:                                             # the bits of PageRecorder used
            def wait_for(self, predicate, what, timeout, interval_ms=150, focus=None):
                deadline = time.monotonic() + timeout
                while True:
                    last = predicate()
                    if last:
                        return last
                    if time.monotonic() > deadline:
                        page.screenshot(path=str(screenshot_dir / "predict-voila-FAILED.png"))
                        raise AssertionError(f"timed out after {timeout} s waiting for "
                                             f"{what() if callable(what) else what}\n"
                                             f"{predict_voila.log_tail(2000)}")
                    page.wait_for_timeout(interval_ms)

        rec = Rec()
        page.goto(f"{predict_voila.url}/voila/render/{PATH}", timeout=OPEN_TIMEOUT * 1000)
        explorers = page.locator(PREDICTION)
        _wait(rec, lambda: explorers.count() == 3 and all(
            _info(explorers.nth(i))["img"] for i in range(3)), "three explorers in Voila",
            OPEN_TIMEOUT)
        ex = explorers.nth(0)
        ex.scroll_into_view_if_needed()
        _assert_no_truth(_info(ex), "Voila, before the commit")
        area = ex.locator(".celearn-guess-area").bounding_box()
        page.touchscreen.tap(area["x"] + 40, area["y"] + area["height"] * (1 - 3.0 / 7.2))
        _wait(rec, lambda: not _info(ex)["commit"]["disabled"], "a tap to set a guess", 10)
        guess = float(_info(ex)["guess"]["now"])
        assert abs(guess - 3.0) <= 2 * STEP, guess
        _assert_no_truth(_info(ex), "Voila, guess made")
        box = ex.locator("button.celearn-commit").bounding_box()
        _commit_and_check(rec, ex, "Voila, touch", press=lambda: page.touchscreen.tap(
            box["x"] + box["width"] / 2, box["y"] + box["height"] / 2))

        _guess_by_keys(rec, page, explorers.nth(1), "Voila")       # keyboard only, in Voila too
        page.screenshot(path=str(screenshot_dir / "predict-voila.png"), full_page=True)
        assert not errors, errors
    finally:
        context.close()


MARIMO_APP = '''\
import marimo

app = marimo.App(width="medium")


@app.cell
def _():
    import marimo as mo

    import celearn as cl
    return cl, mo


@app.cell
def _(cl, mo):
    mouse = mo.ui.anywidget({explorer})
    mouse
    return (mouse,)


@app.cell
def _(cl, mo):
    keys = mo.ui.anywidget({explorer})
    keys
    return (keys,)


if __name__ == "__main__":
    app.run()
'''


@pytest.fixture(scope="module")
def predict_marimo(browser):
    """``marimo run`` of an app with two prediction explorers (anywidget without ipywidgets)."""
    try:
        import marimo  # noqa: F401
    except ImportError:
        h.missing("the marimo test needs marimo: `pip install -r requirements-test.txt`")
    explorer = (f"cl.widgets.LogExplorer(p={P}).predict({QUESTION!r}, "
                f"cl.widgets.GuessNumber(x={P}, unit='nats'))")
    with h.server_home("celearn-predict-marimo-") as home:
        (home / "predict.py").write_text(MARIMO_APP.format(explorer=explorer))
        server = h.start_marimo(home, home / "predict.py")
        try:
            yield server
        finally:
            server.stop()


def test_predict_in_marimo(predict_marimo, recorder_factory):
    rec = recorder_factory(predict_marimo, "predict-marimo")
    page = rec.page
    page.goto(predict_marimo.url, timeout=OPEN_TIMEOUT * 1000)
    explorers = page.locator(PREDICTION)
    _wait(rec, lambda: explorers.count() == 2 and all(
        _info(explorers.nth(i))["img"] for i in range(2)),
        lambda: f"two prediction explorers in marimo (page: "
                f"{page.locator('body').inner_text()[:400]!r})", OPEN_TIMEOUT)

    # mouse: drag the guess mark, click the button
    ex = explorers.nth(0)
    ex.scroll_into_view_if_needed()
    _assert_no_truth(_info(ex), "marimo, before the commit")
    _drag_guess(page, ex, 2.0)
    _wait(rec, lambda: not _info(ex)["commit"]["disabled"], "the commit button enabled after "
          "the drag", 10)
    _assert_no_truth(_info(ex), "marimo, guess made, not committed")
    guess, after = _commit_and_check(rec, ex, "marimo, mouse")
    assert abs(guess - 2.0) <= 2 * STEP and after["feedback"].endswith("nats low.")
    rec.shot("-after", locator=ex)

    _guess_by_keys(rec, page, explorers.nth(1), "marimo")
    assert not rec.page_errors, rec.page_errors
