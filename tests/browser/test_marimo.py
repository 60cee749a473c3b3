"""Every explorer live in marimo, which renders anywidgets with its own manager (no ipywidgets).

For each explorer class that ``celearn.widgets`` exports, a one-explorer marimo app is written
to a temporary folder and served by ``marimo run`` (one server for the folder, stopped by its
PID). Each app shows ``mo.ui.anywidget(<Explorer>())`` and, in a second cell that marimo
re-runs whenever the widget's traits change, the ``state`` its kernel holds. In headless
Chromium each explorer must be live: its native controls are drawn, a key press and a mouse
drag (of its first slider, and of its first draggable mark when it has one) change the
readout, and after each the number the readout shows (``.celearn-key`` ``data-value``) and its
text equal what celearn computes in this test process, through the explorer's public API
(``set_values``, ``key_value``, ``readout_text``), for the state the kernel received.
New explorers are covered without new code.
"""

from __future__ import annotations

import html
import json
import math
import re

import pytest

import lab_harness as h

pytestmark = pytest.mark.browser

LOAD_TIMEOUT = 150      # s: marimo session start, the explorer's figure drawn
CHANGE_TIMEOUT = 20     # s: a move to reach the page's readout and the kernel's state

KEY = ".celearn-readout .celearn-key"


EXPLORERS = h.explorer_classes()

APP = '''\
import marimo

app = marimo.App(width="medium")


@app.cell
def _():
    import html
    import json

    import marimo as mo

    import celearn.widgets as W
    return W, html, json, mo


@app.cell
def _(W, mo):
    explorer = mo.ui.anywidget(W.{cls}())
    explorer
    return (explorer,)


@app.cell
def _(explorer, html, json, mo):
    explorer.value  # marimo re-runs this cell whenever the widget's traits change
    _state = html.escape(json.dumps(explorer.widget.state), quote=True)
    mo.Html(f'<div class="celearn-kernel-echo" data-state="{{_state}}">kernel state: '
            f'{{html.escape(json.dumps(explorer.widget.state))}}</div>')
    return


if __name__ == "__main__":
    app.run()
'''


@pytest.fixture(scope="module")
def marimo_server(browser):
    """``marimo run <folder>`` on 127.0.0.1:<free port>, one app per explorer class."""
    try:
        import marimo  # noqa: F401
    except ImportError:
        h.missing("the marimo tests need marimo: `pip install -r requirements-test.txt`")
    with h.server_home("celearn-marimo-") as home:
        apps = home / "apps"
        apps.mkdir()
        for cls in EXPLORERS:
            (apps / f"{cls.__name__}.py").write_text(APP.format(cls=cls.__name__))
        server = h.start_marimo(home, apps)
        try:
            yield server
        finally:
            server.stop()


def _norm(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


def _same(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def _check_numbers(rec, explorer, echo, reference, label: str) -> dict:
    """What the page shows equals celearn's numbers for the state marimo's kernel holds."""
    last: dict = {}

    def agree():
        value = explorer.locator(KEY).first.get_attribute("data-value")
        text = _norm(explorer.locator(".celearn-readout").first.inner_text())
        state = json.loads(echo.get_attribute("data-state") or "{}")
        last.update(shown=value, text=text, state=state)
        if value is None or not state:
            return False
        reference.set_values(state)
        want, want_text = reference.key_value, _norm(reference.readout_text)
        last.update(want=want, want_text=want_text)
        return _same(float(value), want) and text == want_text

    rec.wait_for(agree, lambda: (
        f"{label}: the page's readout to equal celearn's for the kernel's state; last seen: "
        f"state {last.get('state')}, page shows {last.get('shown')} ({last.get('text')!r}), "
        f"celearn computes {last.get('want')} ({last.get('want_text')!r})"),
        CHANGE_TIMEOUT, 300, focus=explorer)
    return dict(last)


def _wait_change(rec, explorer, before: str, label: str, how: str) -> None:
    rec.wait_for(lambda: explorer.locator(KEY).first.get_attribute("data-value") != before,
                 f"{label}: {how} to change the readout's data-value (stayed {before})",
                 CHANGE_TIMEOUT, 100, focus=explorer)


def _slider_state(slider) -> dict:
    return slider.evaluate("(s) => ({now: parseFloat(s.value), min: parseFloat(s.min || 0), "
                           "max: parseFloat(s.max || 100)})")


def _drag_range(page, slider) -> None:
    """Press the native range input's thumb and drag it toward its side with more room."""
    box = slider.bounding_box()
    x, y, frac = h.thumb_point(box, _slider_state(slider))
    h.hand_drag(page, x, y, (1 if frac <= 0.5 else -1) * 0.4 * box["width"])


def _drag_mark(page, mark, figure, dx: float, dy: float) -> None:
    hb, fb = mark.bounding_box(), figure.bounding_box()
    x0, y0 = hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2
    x1 = min(max(x0 + dx, fb["x"] + 2), fb["x"] + fb["width"] - 2)
    y1 = min(max(y0 + dy, fb["y"] + 2), fb["y"] + fb["height"] - 2)
    page.mouse.move(x0, y0)
    page.mouse.down()
    for i in range(1, 9):
        page.mouse.move(x0 + (x1 - x0) * i / 8, y0 + (y1 - y0) * i / 8)
        page.wait_for_timeout(30)
    page.mouse.up()


# Clicks the replay button and records, at every painted frame for 2.5 s, how many points
# the first curve has.
JS_REPLAY = """(root) => new Promise((resolve) => {
  const points = () => {
    const line = root.querySelector("svg polyline[data-mark]");
    return line ? line.getAttribute("points").trim().split(/\\s+/).length : 0;
  };
  const counts = [points()];
  const t0 = performance.now();
  const tick = () => {
    counts.push(points());
    if (performance.now() - t0 < 2500) requestAnimationFrame(tick); else resolve(counts);
  };
  root.querySelector(".celearn-action-replay").click();
  requestAnimationFrame(tick);
})"""


def _check_replay(rec, explorer, label: str) -> None:
    counts = explorer.evaluate(JS_REPLAY)
    full, low = counts[0], min(counts)
    start = counts.index(low)
    grows = all(a <= b for a, b in zip(counts[start:], counts[start + 1:]))
    if not (full > 2 and low < full / 4 and grows and counts[-1] == full):
        rec.fail(f"{label}: the replay button should redraw the first curve from epoch 0 up "
                 f"to all {full} points, growing frame by frame; points per frame: {counts}",
                 focus=explorer)


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_explorer_is_live_in_marimo(cls, marimo_server, recorder_factory):
    rec = recorder_factory(marimo_server, f"marimo-{cls.__name__}")
    page = rec.page
    label = f"{cls.__name__} in marimo"
    page.goto(f"{marimo_server.url}/?file={cls.__name__}.py", timeout=LOAD_TIMEOUT * 1000)
    explorer = page.locator(f".celearn-explorer-{cls.name}").first
    echo = page.locator(".celearn-kernel-echo").first
    sliders = explorer.locator("input[type=range]")

    def live():
        return (explorer.count() and sliders.count() and echo.count()
                and explorer.locator(KEY).count()
                and explorer.locator(".celearn-figure img").count())

    rec.wait_for(live, lambda: (
        f"{label}: the explorer to be live, with its native controls (input type=range), "
        f"readout, figure and the kernel's state (page shows: "
        f"{page.locator('body').inner_text()[:600]!r})"), LOAD_TIMEOUT, 500)
    reference = cls()
    try:
        _check_numbers(rec, explorer, echo, reference, f"{label}, at the start")
        explorer.scroll_into_view_if_needed()
        rec.shot("", explorer)

        # a key press on the first slider
        slider = sliders.first
        s = _slider_state(slider)
        before = explorer.locator(KEY).first.get_attribute("data-value")
        slider.focus()
        page.keyboard.press("ArrowRight" if s["now"] < s["max"] else "ArrowLeft")
        _wait_change(rec, explorer, before, label, "an arrow key on the first slider")
        _check_numbers(rec, explorer, echo, reference, f"{label}, after an arrow key")

        # a mouse drag of the first slider
        before = explorer.locator(KEY).first.get_attribute("data-value")
        _drag_range(page, slider)
        _wait_change(rec, explorer, before, label, "a mouse drag of the first slider")
        _check_numbers(rec, explorer, echo, reference, f"{label}, after a slider drag")

        # the first draggable mark: a drag and a key press
        marks = explorer.locator(".celearn-handle")
        if marks.count():
            mark = marks.first
            figure = explorer.locator(".celearn-figure").first
            before = explorer.locator(KEY).first.get_attribute("data-value")
            for dx, dy in ((40, -30), (-40, 30), (40, 30), (-40, -30)):
                _drag_mark(page, mark, figure, dx, dy)
                page.wait_for_timeout(200)
                if explorer.locator(KEY).first.get_attribute("data-value") != before:
                    break
            _wait_change(rec, explorer, before, label, "a mouse drag of the first mark")
            _check_numbers(rec, explorer, echo, reference, f"{label}, after a mark drag")

            before = explorer.locator(KEY).first.get_attribute("data-value")
            mark.focus()
            for key in ("ArrowRight", "ArrowUp", "ArrowLeft", "ArrowDown"):
                page.keyboard.press(key)
                page.wait_for_timeout(100)
                if explorer.locator(KEY).first.get_attribute("data-value") != before:
                    break
            _wait_change(rec, explorer, before, label, "an arrow key on the focused mark")
            _check_numbers(rec, explorer, echo, reference, f"{label}, after a mark's arrow key")
        # the replay button (05's race, 12's training): the curves grow again from epoch 0
        if explorer.locator(".celearn-action-replay").count():
            _check_replay(rec, explorer, label)
        rec.shot("-after", explorer)
        if rec.page_errors:
            rec.fail(f"{label}: uncaught errors in the page:\n  " + "\n  ".join(rec.page_errors))
        if rec.stray:
            rec.fail(f"{label}: requests left 127.0.0.1 (aborted):\n  " + "\n  ".join(rec.stray))
    finally:
        reference.close()
