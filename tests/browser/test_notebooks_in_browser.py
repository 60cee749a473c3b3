"""Every notebook in a real browser: JupyterLab (all notebooks) and Voila (01-*).

Per notebook: open it in JupyterLab, run all cells, wait for every explorer, check no output
shows an error, then move each explorer's first slider by keyboard and by mouse drag and
check the readout moves the way its data-trend says and the figure's pixels change.
Parametrized over notebooks/*.ipynb, so new notebooks are covered without new code.
"""

from __future__ import annotations

import io

import pytest

import lab_harness as h

pytestmark = pytest.mark.browser

NOTEBOOKS = h.notebooks()
VOILA_NOTEBOOKS = [nb for nb in NOTEBOOKS if nb.name.startswith("01-")]

OPEN_TIMEOUT = 120  # s: page load + kernel start on a slow 2-core machine
RUN_TIMEOUT = 180  # s: run all cells
RENDER_TIMEOUT = 60  # s: widgets to render after the cells ran
CHANGE_TIMEOUT = 15  # s: one slider move to reach readout / figure


def _ids(paths):
    return [p.stem for p in paths]


def _has_explorer_by_design(nb) -> bool:
    # DESIGN.md: every notebook has at least one explorer; the index (00-) is the course map.
    return not nb.name.startswith("00-")


# ------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------


def _pixels(png: bytes):
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("RGB")


def _same_pixels(a: bytes, b: bytes) -> bool:
    from PIL import ImageChops

    ia, ib = _pixels(a), _pixels(b)
    return ia.size == ib.size and ImageChops.difference(ia, ib).getbbox() is None


def _settled_figure(rec, figure, what: str) -> bytes:
    """A screenshot of the figure once two consecutive ones agree (ipympl redraws async)."""
    previous = [figure.screenshot()]

    def stable():
        rec.page.wait_for_timeout(250)
        now = figure.screenshot()
        same = _same_pixels(previous[0], now)
        previous[0] = now
        return same

    rec.wait_for(stable, f"the figure of {what} to stop changing", CHANGE_TIMEOUT, 0,
                 focus=figure)
    return previous[0]


def _differing_fraction(a: bytes, b: bytes) -> float:
    """Share of pixels that differ visibly (any channel by more than 48 of 255)."""
    from PIL import ImageChops

    ia, ib = _pixels(a), _pixels(b)
    if ia.size != ib.size:
        return 1.0
    diff = ImageChops.difference(ia, ib).convert("L").point(lambda v: 255 if v > 48 else 0)
    return diff.histogram()[255] / (ia.size[0] * ia.size[1])


MAX_FRAME_DIFFERENCE = 0.005  # share of pixels; blitting may differ from a full render by AA


def _check_frames_match_full_render(rec, path: str, rows, when: str) -> None:
    """What the browser shows must be the whole figure, not fragments.

    ipympl sends each new frame as a diff against the frame it thinks the browser holds;
    if those drift apart (e.g. a blit the diff does not cover), the browser shows a
    partial picture. Compare each figure with a from-scratch render sent as a full image.
    """
    page = rec.page
    figures = [page.locator(h.EXPLORER).nth(i).locator(h.FIGURE).first for i in range(len(rows))]
    for i, figure in enumerate(figures):
        rec.wait_for(lambda: figure.evaluate(h.JS_FIGURE_DRAWS) > 0,
                     f"{path} explorer #{i} ({rows[i]['name']}): its canvas to be painted at all "
                     f"({when.replace('-', ' ')})", CHANGE_TIMEOUT, focus=figure)
    shown = [_settled_figure(rec, f, f"explorer #{i}") for i, f in enumerate(figures)]
    draws = [f.evaluate(h.JS_FIGURE_DRAWS) for f in figures]
    out = page.evaluate(h.JS_KERNEL_EXECUTE, [path, h.PY_FULL_REDRAW])
    if not out.strip().isdigit() or int(out) < len(rows):
        rec.fail(f"{path}: asking the kernel to re-render the explorer figures printed {out!r}, "
                 f"expected a count >= {len(rows)}")
    for i, (row, figure) in enumerate(zip(rows, figures)):
        label = f"{path} explorer #{i} ({row['name']})"
        rec.wait_for(lambda: figure.evaluate(h.JS_FIGURE_DRAWS) > draws[i],
                     f"{label}: the full re-render to reach the browser", CHANGE_TIMEOUT,
                     focus=figure)
        full = _settled_figure(rec, figure, label)
        frac = _differing_fraction(shown[i], full)
        if frac > MAX_FRAME_DIFFERENCE:
            a = rec.dir / f"{rec.name}-{i}-{row['name']}-{when}-as-shown.png"
            b = rec.dir / f"{rec.name}-{i}-{row['name']}-{when}-full-render.png"
            a.write_bytes(shown[i])
            b.write_bytes(full)
            rec.fail(f"{label}: {when.replace('-', ' ')}, the browser shows a figure that differs "
                     f"from a full re-render of the same state in {frac:.1%} of its pixels "
                     f"(incremental frames went wrong? the canvas had been painted {draws[i]} "
                     f"times before the re-render). Compare {a} with {b}.", focus=figure)


def _check_output_errors(rec, when: str):
    errors = rec.page.evaluate(h.JS_OUTPUT_ERRORS)
    if errors:
        rec.fail(f"{when}: outputs show errors:\n  " + "\n  ".join(errors))


def _check_page_health(rec):
    """No request left 127.0.0.1, no uncaught exception, no console error."""
    if rec.stray:
        rec.fail("requests left 127.0.0.1 (aborted):\n  " + "\n  ".join(rec.stray))
    if rec.page_errors:
        rec.fail("uncaught errors in the page:\n  " + "\n  ".join(rec.page_errors))
    errors = rec.console_errors()
    if errors:
        rec.fail("the browser console logged errors:\n  " + "\n  ".join(errors))


def _wait_explorers(rec, nb, where: str) -> list[dict]:
    """Wait until every .celearn-explorer has its readout, slider and a sized canvas,
    and nothing changes any more without input (same rows on two polls 1 s apart)."""
    seen = {"rows": None, "history": []}

    def ready():
        rows = rec.page.evaluate(h.JS_EXPLORERS)
        settled = rows == seen["rows"]
        seen["rows"] = rows
        seen["history"] = (seen["history"] + [[r["key"] for r in rows]])[-6:]
        if not settled or not all(r["ok"] for r in rows):
            return False
        if not rows and _has_explorer_by_design(nb):
            return False
        return rows or [None]  # truthy also for a notebook without explorers

    def what():
        rows = seen["rows"] or []
        if rows and all(r["ok"] for r in rows) and len({str(k) for k in seen["history"]}) > 1:
            return (f"the explorers in {nb.name} ({where}) to stop changing: they rendered, but "
                    f"with no input their key numbers kept changing, once a second: "
                    f"{seen['history']} (a feedback loop between controls and the kernel?)")
        return (f"every explorer in {nb.name} ({where}) to render with readout, slider and "
                f"figure (last seen: {rows!r}; a notebook other than 00-index must show at "
                f"least one)")

    rows = rec.wait_for(
        ready,
        what,
        RENDER_TIMEOUT,
        1000,
        focus=rec.page.locator(h.EXPLORER),
    )
    return [r for r in rows if r]


def _move_and_check(rec, explorer, label: str, how: str, move, *, figure_must_change: bool) -> None:
    """Move the first slider with `move(handle, sign)`; check the readout (and the figure).

    A key press moves the slider by one or five steps, which may move a marker by less than
    a pixel (matplotlib snaps markers to pixels), so only a drag must change the figure.
    """
    page = rec.page
    key = explorer.locator(h.KEY).first
    handle = explorer.locator(h.HANDLE).first
    figure = explorer.locator(h.FIGURE).first
    explorer.scroll_into_view_if_needed()

    trend = key.get_attribute("data-trend")
    before_fig = _settled_figure(rec, figure, label) if figure_must_change else None
    before = h.key_value(explorer)
    slider = h.slider_state(handle)
    # Move toward the side with more room so the value can actually change.
    sign = 1 if slider["now"] <= (slider["min"] + slider["max"]) / 2 else -1
    move(handle, sign)

    rec.wait_for(
        lambda: h.key_value(explorer) != before,
        f"{label}: readout data-value to change after {how} (stayed {before})",
        CHANGE_TIMEOUT,
        focus=explorer,
    )
    moved = h.slider_state(handle)["now"] - slider["now"]
    if moved * sign <= 0:
        rec.fail(f"{label}: {how} should move the slider {'up' if sign > 0 else 'down'} "
                 f"from {slider['now']}, but its readout now shows {slider['now'] + moved:g}", focus=explorer)
    # data-value may lag one update behind aria; read it once more after a short pause.
    page.wait_for_timeout(300)
    after = h.key_value(explorer)
    want = h.expected_sign(trend, 1 if moved > 0 else -1)
    if want is not None and (after - before) * want <= 0:
        rec.fail(
            f"{label}: {how} moved the slider by {moved:+g}; data-trend={trend!r} means the "
            f"key number should go {'up' if want > 0 else 'down'}, but it went "
            f"{before} -> {after}",
            focus=explorer,
        )
    if not figure_must_change:
        return
    rec.wait_for(
        lambda: not _same_pixels(before_fig, figure.screenshot()),
        f"{label}: the figure's pixels to change after {how} "
        f"(readout went {before} -> {after})",
        CHANGE_TIMEOUT,
        200,
        focus=explorer,
    )


def _press(page, how: str):
    def move(handle, sign):
        handle.focus()
        page.keyboard.press(("PageUp" if sign > 0 else "PageDown") if how == "page"
                            else ("ArrowRight" if sign > 0 else "ArrowLeft"))

    return move


def _drag(page):
    def move(handle, sign):
        box = handle.bounding_box()
        track = handle.locator("xpath=ancestor::*[contains(@class,'noUi-target')][1]").bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        room = (track["x"] + track["width"] - x) if sign > 0 else (x - track["x"])
        dx = sign * max(10.0, 0.4 * room)
        page.mouse.move(x, y)
        page.mouse.down()
        for i in range(1, 11):  # in steps, like a hand: noUiSlider tracks pointer moves
            page.mouse.move(x + dx * i / 10, y)
            page.wait_for_timeout(30)
        page.mouse.up()

    return move


def _exercise_explorers(rec, rows, prefix: str):
    page = rec.page
    for i, row in enumerate(rows):
        label = f"{prefix} explorer #{i} ({row['name']})"
        explorer = page.locator(h.EXPLORER).nth(i)
        explorer.scroll_into_view_if_needed()
        rec.shot(f"-{i}-{row['name']}", explorer)
        _move_and_check(rec, explorer, label, "an ArrowRight/ArrowLeft key press",
                        _press(page, "arrow"), figure_must_change=False)
        _move_and_check(rec, explorer, label, "a PageUp/PageDown key press",
                        _press(page, "page"), figure_must_change=False)
        _move_and_check(rec, explorer, label, "a mouse drag of the handle", _drag(page),
                        figure_must_change=True)
        rec.shot(f"-{i}-{row['name']}-after", explorer)


# ------------------------------------------------------------------------------------------
# JupyterLab
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_in_jupyterlab(nb, lab, recorder_factory):
    lab.delete_sessions()
    rec = recorder_factory(lab, f"lab-{nb.stem}")
    page = rec.page
    path = f"notebooks/{nb.name}"
    try:
        page.goto(f"{lab.url}/lab/tree/{path}?reset", timeout=OPEN_TIMEOUT * 1000)
        status = {"last": None}

        def notebook_ready():
            status["last"] = page.evaluate(h.JS_NOTEBOOK_STATUS, path)
            return status["last"] == "ready"

        rec.wait_for(notebook_ready, lambda: f"{path} to open with its kernel idle "
                     f"(last status: {status['last']!r})", OPEN_TIMEOUT, 250)
        # Same signal a person sees: the status bar's "Python 3 (ipykernel) | Idle".
        rec.wait_for(lambda: "(ipykernel) | Idle" in page.locator(".jp-StatusBar-Left").inner_text(),
                     "the status bar to show '(ipykernel) | Idle'", OPEN_TIMEOUT, 250)

        # Start from a clean slate (notebooks are committed executed), then run everything.
        # (`execute` returns a promise that settles when the run ends: not awaited here, so
        # a hung cell fails by our timeout, not by hanging the test.)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        run = {"last": None}

        def ran():
            run["last"] = s = page.evaluate(h.JS_RUN_STATUS, path)
            if s["kernel"] != "idle":
                return False
            if s["errors"]:
                _check_output_errors(rec, f"running {path}")
                rec.fail(f"a cell of {path} raised an error: {s}")
            return s["pending"] == 0

        rec.wait_for(ran, lambda: f"all cells of {path} to run (last: {run['last']})", RUN_TIMEOUT, 250)
        rows = _wait_explorers(rec, nb, "JupyterLab")
        _check_output_errors(rec, f"after running {path}")
        rec.shot("")
        if rows:
            _check_frames_match_full_render(rec, path, rows, "after-run-all")
        _exercise_explorers(rec, rows, f"{path} (JupyterLab)")
        if rows:
            _check_frames_match_full_render(rec, path, rows, "after-the-slider-moves")
        _check_output_errors(rec, f"after moving the sliders of {path}")
        _check_page_health(rec)
    finally:
        lab.delete_sessions()


# ------------------------------------------------------------------------------------------
# Voila
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("nb", VOILA_NOTEBOOKS, ids=_ids(VOILA_NOTEBOOKS))
def test_notebook_in_voila(nb, voila, recorder_factory):
    # The page's kernel is shut down by Voila when the browser context closes.
    rec = recorder_factory(voila, f"voila-{nb.stem}", allowed_external=h.VOILA_CDN_STYLESHEETS)
    page = rec.page
    # Voila executes the whole notebook before (progressively) sending the page.
    page.goto(f"{voila.url}/voila/render/notebooks/{nb.name}", timeout=OPEN_TIMEOUT * 1000)
    rows = _wait_explorers(rec, nb, "Voila")
    _check_output_errors(rec, f"Voila rendering {nb.name}")
    rec.shot("")
    _exercise_explorers(rec, rows, f"{nb.name} (Voila)")
    _check_output_errors(rec, f"after moving the sliders of {nb.name} in Voila")
    _check_page_health(rec)
