"""What the browser tests of whole notebooks check, shared by the three front ends.

Per notebook (tests/browser/test_notebooks_in_lab.py, ..._in_nb7.py, ..._in_voila.py): open
it, run all cells, wait for every explorer, check no output shows an error, then move each
explorer's first slider by keyboard and by mouse drag and check the readout moves the way its
data-trend says and the figure's marks move; drag each draggable mark to 50 random places and
compare every number shown with celearn's (computed in the kernel for the browser's state);
move each mark with the arrow keys; and check that what the browser shows is what the kernel
computes (``readout_text``, ``key_value``). Parametrized over notebooks/*.ipynb, so new
notebooks are covered without new code.

Notebook 7 (``/notebooks/<path>``) runs the same checks: it exposes the same JupyterLab
application object, so the kernel is reached the same way. Voila has no kernel API in the
page, so there celearn's numbers are computed in the test process: each explorer is built
from its ``celearn-explorer-<name>`` class with the arguments its notebook passes (when they
are literals) and ``scene(state)`` is compared with what the browser shows. Notebook 7 and
Voila run ``FRONT_END_SUBSET`` (01, 03, 04, 12; see there why), to keep CI within its time.

One test file per front end, so pytest-xdist (``--dist loadfile``) can run them on
different cores.
"""

from __future__ import annotations

import html
import json
import math
import os
import random
import re

import lab_harness as h

NOTEBOOKS = h.notebooks()
#: Notebook 7 and Voila run a representative subset (one line to change): 01 (the log
#: marker dragged along its curve, the reference port), 03 (the point dragged inside the
#: triangle, coupled sliders that must keep p on the simplex), 04 (the logit bars of the
#: Jacobian: several draggable marks, a heat map) and 12 (the capstone: a model trained in
#: the kernel on each release, its curves and weight images drawn by the page). Together
#: they exercise every kind of mark and drag the front ends must carry; JupyterLab runs them
#: all. The full list would add ~2 min per notebook and front end to CI, which has 45 min on
#: 2 cores for everything.
FRONT_END_SUBSET = ("01-", "03-", "04-", "12-")
SUBSET_NOTEBOOKS = [nb for nb in NOTEBOOKS if nb.name.startswith(FRONT_END_SUBSET)]
VOILA_NOTEBOOKS = SUBSET_NOTEBOOKS
NB7_NOTEBOOKS = SUBSET_NOTEBOOKS

OPEN_TIMEOUT = 120  # s: page load + kernel start on a slow 2-core machine
RUN_TIMEOUT = 180  # s: run all cells
RENDER_TIMEOUT = 60  # s: widgets to render after the cells ran
CHANGE_TIMEOUT = 15  # s: one slider move to reach readout / figure
# random drags per explorer whose numbers are compared with celearn's (CI's version-matrix
# jobs set fewer: CELEARN_BROWSER_POSITIONS)
POSITIONS = int(os.environ.get("CELEARN_BROWSER_POSITIONS", "50"))


def _ids(paths):
    return [p.stem for p in paths]


def _has_explorer_by_design(nb) -> bool:
    # DESIGN.md: every notebook has at least one explorer; the index (00-) is the course map.
    return not nb.name.startswith("00-")


# ------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


def _check_browser_matches_kernel(rec, path: str, rows, when: str) -> None:
    """The key number and readout each explorer shows are the kernel's (celearn's).

    The kernel hears the controls' final values through ipywidgets' throttled
    messages, so compare once both have settled (retry until they agree).
    """
    page = rec.page
    state = {"last": None}

    def agree():
        kernel = json.loads(page.evaluate(h.JS_KERNEL_EXECUTE, [path, h.PY_EXPLORERS]) or "{}")
        problems = []
        for i in range(len(rows)):
            shown = page.locator(h.EXPLORER).nth(i).evaluate(h.JS_BOARD)
            if shown["uid"] not in kernel:
                problems.append(f"explorer #{i}: uid {shown['uid']} unknown to the kernel")
                continue
            value, text, kstate = kernel[shown["uid"]]
            if not math.isclose(shown["value"], value, rel_tol=1e-9, abs_tol=1e-12):
                problems.append(f"explorer #{i} ({rows[i]['name']}): browser shows key "
                                f"{shown['value']!r}, kernel {value!r} (state {shown['state']} "
                                f"vs {kstate})")
            elif _norm(shown["text"]) != _norm(text):
                problems.append(f"explorer #{i} ({rows[i]['name']}): browser reads "
                                f"{_norm(shown['text'])!r}, kernel {_norm(text)!r}")
        state["last"] = problems
        return not problems

    rec.wait_for(agree, lambda: f"{path}, {when}: what the browser shows to equal what the "
                 f"kernel computes: {state['last']}", CHANGE_TIMEOUT, 300)


def _check_positions(rec, path: str, explorer, row, label: str, n: int) -> None:
    """Drag the explorer's first mark (or its first slider) to ``n`` random places; at each,
    the number the browser shows must be what celearn computes for the browser's state."""
    page = rec.page
    seen = _random_drag_states(rec, explorer, row, n, label)
    states = [s["state"] for s in seen]
    code = h.PY_SCENES.format(uid=seen[0]["uid"], states=json.dumps(states))
    out = page.evaluate(h.JS_KERNEL_EXECUTE, [path, code])
    try:
        expected = json.loads(out)
    except json.JSONDecodeError:
        rec.fail(f"{label}: the kernel could not compute the scenes: {out[:2000]}")
    _compare_drags(rec, explorer, label, n, seen,
                   [{"value": value, "readout": readout} for value, readout in expected])


def _compare_drags(rec, explorer, label: str, n: int, seen: list, scenes: list) -> None:
    """The drags reached enough distinct states, and at each the browser showed celearn's
    key number (to 1e-9) and readout (``scenes``: celearn's, state by state)."""
    distinct = {json.dumps(s["state"], sort_keys=True) for s in seen}
    if len(distinct) < min(n, 10) // 2:
        rec.fail(f"{label}: {n} random drags reached only {len(distinct)} distinct states",
                 focus=explorer)
    for shown, scene in zip(seen, scenes):
        if not math.isclose(shown["value"], scene["value"], rel_tol=1e-9, abs_tol=1e-12) or \
                _norm(shown["text"]) != _norm(scene["readout"]):
            rec.fail(f"{label}: at {shown['state']} the browser shows {shown['value']!r} "
                     f"({_norm(shown['text'])!r}); celearn computes {scene['value']!r} "
                     f"({_norm(scene['readout'])!r})", focus=explorer)


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
    the precision the marks are written with, so only a drag must change the figure.
    """
    page = rec.page
    key = explorer.locator(h.KEY).first
    handle = explorer.locator(h.HANDLE).first
    figure = explorer.locator(h.FIGURE).first
    explorer.scroll_into_view_if_needed()

    trend = key.get_attribute("data-trend")
    before_fig = figure.inner_html() if figure_must_change else None
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
        lambda: figure.inner_html() != before_fig,
        f"{label}: the figure's marks to move after {how} "
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
        track = handle.bounding_box()                 # the range input
        x, y, _ = h.thumb_point(track, h.slider_state(handle))
        room = (track["x"] + track["width"] - x) if sign > 0 else (x - track["x"])
        h.hand_drag(page, x, y, sign * max(10.0, 0.4 * room))

    return move


def _mark_key(page):
    def move(handle, sign):
        handle.focus()
        page.keyboard.press("ArrowRight" if sign > 0 else "ArrowLeft")

    return move


def _exercise_explorers(rec, rows, prefix: str, path: str | None = None, positions: int = 0,
                        *, keyboard: bool = True):
    page = rec.page
    for i, row in enumerate(rows):
        label = f"{prefix} explorer #{i} ({row['name']})"
        explorer = page.locator(h.EXPLORER).nth(i)
        explorer.scroll_into_view_if_needed()
        rec.shot(f"-{i}-{row['name']}", explorer)
        if keyboard:
            _move_and_check(rec, explorer, label, "an ArrowRight/ArrowLeft key press",
                            _press(page, "arrow"), figure_must_change=False)
            _move_and_check(rec, explorer, label, "a PageUp/PageDown key press",
                            _press(page, "page"), figure_must_change=False)
        _move_and_check(rec, explorer, label, "a mouse drag of the handle", _drag(page),
                        figure_must_change=True)
        if row["handles"] and keyboard:
            mark = explorer.locator(".celearn-handle").first
            before = h.key_value(explorer)
            mark.focus()
            for key in ("ArrowRight", "ArrowUp", "ArrowLeft", "ArrowDown", "ArrowRight"):
                page.keyboard.press(key)
            rec.wait_for(lambda: explorer.evaluate(h.JS_BOARD)["frames"] > 0,
                         f"{label}: the board to draw", CHANGE_TIMEOUT, focus=explorer)
            if mark.evaluate("(m) => document.activeElement === m") is not True:
                rec.fail(f"{label}: the draggable mark lost the keyboard focus", focus=explorer)
            del before
        if path and positions:
            _check_positions(rec, path, explorer, row, label,
                             positions if (row["handles"] or row["name"] not in KERNEL_DRAWN)
                             else 10)
            if row["name"] == "stability":
                _switch_dtype_and_check(rec, path, explorer, row, label)
        rec.shot(f"-{i}-{row['name']}-after", explorer)


#: explorers whose scene the kernel computes (numpy's own arithmetic, training)
KERNEL_DRAWN = {"race", "stability", "training"}
#: of those, the ones whose numbers the test process can recompute without the page's
#: kernel (12's training: bundled data, a seeded run), so Voila compares them too
RECOMPUTABLE = {"training"}


def _switch_dtype_and_check(rec, path: str, explorer, row, label: str) -> None:
    """07: click the other dtype; the static picture is redrawn, the board shows the
    kernel's scene of the new state, and random positions in that dtype match celearn."""
    picture = explorer.locator("img.celearn-static").first
    before = picture.get_attribute("src")
    now = explorer.evaluate(h.JS_BOARD)["state"].get("dtype")
    other = "float32" if now == "float64" else "float64"
    explorer.locator(".celearn-radio label", has_text=other).first.click()

    def switched():
        board = explorer.evaluate(h.JS_BOARD)
        return (board["state"].get("dtype") == other and board["live"] == board["state"]
                and f"({other})" in board["text"] and picture.get_attribute("src") != before)

    rec.wait_for(switched, f"{label}: the {other} picture and scene after clicking {other}",
                 CHANGE_TIMEOUT, 100, focus=explorer)
    _check_positions(rec, path, explorer, row, f"{label} in {other}", 10)


def _run_all_and_exercise(rec, nb, path: str, where: str, *, keyboard: bool = True):
    """Clear the outputs, Run All, wait for the explorers, then drag, press keys and compare
    what the browser shows with what the kernel computes (JupyterLab and Notebook 7)."""
    page = rec.page
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
    rows = _wait_explorers(rec, nb, where)
    _check_output_errors(rec, f"after running {path} in {where}")
    rec.shot("")
    if rows:
        _check_browser_matches_kernel(rec, path, rows, f"after Run All ({where})")
    _exercise_explorers(rec, rows, f"{path} ({where})", path, POSITIONS, keyboard=keyboard)
    if rows:
        _check_browser_matches_kernel(rec, path, rows, f"after the drags ({where})")
    _check_output_errors(rec, f"after moving the sliders of {path} in {where}")
    _check_page_health(rec)


def _open_notebook(rec, url: str, path: str, where: str) -> None:
    """Open ``url`` and wait until notebook ``path`` is open with its kernel idle."""
    page = rec.page
    page.goto(url, timeout=OPEN_TIMEOUT * 1000)
    status = {"last": None}

    def notebook_ready():
        status["last"] = page.evaluate(h.JS_NOTEBOOK_STATUS, path)
        return status["last"] == "ready"

    rec.wait_for(notebook_ready, lambda: f"{path} to open{where} with its kernel idle "
                 f"(last status: {status['last']!r})", OPEN_TIMEOUT, 250)


# ------------------------------------------------------------------------------------------
# JupyterLab
# ------------------------------------------------------------------------------------------


# ------------------------------------------------------------------------------------------
# Voila
# ------------------------------------------------------------------------------------------


def _explorer_calls(nb) -> dict[str, list]:
    """``{explorer name: [kwargs or None, ...]}`` for every ``<...>.widgets.<Class>(...)``
    call in the notebook's code, in order; kwargs is None when an argument is not a literal
    (then celearn's numbers cannot be recomputed outside the notebook's kernel)."""
    import ast

    import celearn.widgets as widgets

    by_class = {n: getattr(widgets, n).name for n in widgets.__all__
                if isinstance(getattr(widgets, n), type) and hasattr(getattr(widgets, n), "name")}
    calls: dict[str, list] = {}
    for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        try:
            tree = ast.parse("\n".join(l for l in source.splitlines()
                                       if not l.lstrip().startswith(("%", "!"))))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in by_class):
                continue
            try:
                if node.args:
                    raise ValueError("positional arguments")
                kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
            except ValueError:
                kwargs = None
            calls.setdefault(by_class[node.func.attr], []).append((node.func.attr, kwargs))
    return calls


def _reference_explorer(nb, name: str, start: dict):
    """The ``name`` explorer built in the test process as ``nb`` builds the one the page
    shows: of the notebook's calls with literal arguments, the one whose scene for the
    page's starting state (``start``, a JS_BOARD row: cells may have moved it from code)
    is what the page shows. None (with the reason) when none is."""
    import celearn.widgets as widgets

    calls = _explorer_calls(nb).get(name, [])
    if not calls:
        return None, f"no celearn.widgets call for '{name}' found in {nb.name}"
    for cls, kwargs in calls:
        if kwargs is None:
            continue
        candidate = getattr(widgets, cls)(**kwargs)
        scene = candidate.scene(start["state"])
        if math.isclose(scene["value"], start["value"], rel_tol=1e-9, abs_tol=1e-12) and \
                _norm(scene["readout"]) == _norm(start["text"]):
            return candidate, ""
        candidate.close()
    return None, (f"none of the {len(calls)} '{name}' calls of {nb.name} with literal arguments "
                  f"shows the page's starting readout {_norm(start['text'])!r}")


def _random_drag_states(rec, explorer, row, n: int, seed: str) -> list[dict]:
    """Drag the explorer's first mark (or key-press its first slider) to ``n`` random places;
    the board (state, key value, readout) the browser shows after each."""
    page = rec.page
    rng = random.Random(seed)
    handle = explorer.locator(".celearn-handle").first if row["handles"] else None
    explorer.scroll_into_view_if_needed()
    box = explorer.locator(h.FIGURE).first.bounding_box()
    seen = []
    for _ in range(n):
        if handle is not None:
            hb = handle.bounding_box()
            x0, y0 = hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2
            # a random place near the mark (a mark lives in one panel of the figure:
            # far targets would all clamp to the ends of its range)
            x1 = min(max(x0 + box["width"] * rng.uniform(-0.3, 0.3), box["x"] + 2),
                     box["x"] + box["width"] - 2)
            y1 = min(max(y0 + box["height"] * rng.uniform(-0.3, 0.3), box["y"] + 2),
                     box["y"] + box["height"] - 2)
            page.mouse.move(x0, y0)
            page.mouse.down()
            page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2)
            page.mouse.move(x1, y1)
            page.mouse.up()
        else:
            explorer.locator(h.HANDLE).first.focus()
            for _ in range(rng.randint(1, 3)):
                page.keyboard.press(rng.choice(["ArrowRight", "ArrowLeft", "PageUp", "PageDown"]))
        page.evaluate("() => new Promise((r) => requestAnimationFrame(() => "
                      "requestAnimationFrame(r)))")
        if row["name"] in KERNEL_DRAWN:
            # The browser draws what the kernel sent: wait until it shows the scene of its
            # own state, and keep that very reading (state, scene and readout are read in
            # one call: a key press still being applied can move the state right after).
            def kernel_scene_shown():
                board = explorer.evaluate(h.JS_BOARD)
                return board if board["live"] is not None and json.dumps(
                    board["live"], sort_keys=True) == json.dumps(board["state"],
                                                                 sort_keys=True) else None

            seen.append(rec.wait_for(kernel_scene_shown, f"{seed}: the kernel's scene for the "
                                     "new position to arrive", CHANGE_TIMEOUT, 100,
                                     focus=explorer))
        else:
            seen.append(explorer.evaluate(h.JS_BOARD))
    return seen


def _check_positions_here(rec, nb, explorer, row, label: str, n: int, start: dict) -> str:
    """Like ``_check_positions``, with celearn's numbers computed in the test process (Voila
    has no kernel API in the page). Returns why the comparison was skipped, or ''."""
    if row["name"] in KERNEL_DRAWN and row["name"] not in RECOMPUTABLE:
        # The kernel computes these scenes (numpy's own arithmetic / training) and the board
        # shows what it sent; without the page's kernel there is nothing independent to compare.
        return f"{label}: kernel-drawn scene, compared in JupyterLab and Notebook 7 only"
    if row["name"] in KERNEL_DRAWN:
        n = min(n, 10)                     # each position is a training run in the kernel
    reference, why = _reference_explorer(nb, row["name"], start)
    if reference is None:
        # The notebook's arguments cannot be rebuilt here: the trend / keyboard / drag checks
        # of _exercise_explorers still ran for this explorer.
        return f"{label}: numbers not compared ({why})"
    try:
        seen = _random_drag_states(rec, explorer, row, n, label)
        _compare_drags(rec, explorer, label, n, seen,
                       [reference.scene(shown["state"]) for shown in seen])
    finally:
        reference.close()
    return ""


def _check_links(rec, server, page_url: str, checked: set) -> None:
    """Every link of the page to another notebook ("Next", the course map) answers 200."""
    import urllib.error
    import urllib.parse
    import urllib.request

    hrefs = rec.page.evaluate(
        "() => Array.from(document.querySelectorAll('a[href]'))"
        ".map((a) => [a.getAttribute('href'), a.href])"
        ".filter(([raw]) => /\\.ipynb(#.*)?$/.test(raw))")
    if not hrefs:
        rec.fail(f"{page_url}: no link to another notebook (a 'Next' or course-map link)")
    for raw, url in hrefs:
        url = urllib.parse.urldefrag(url)[0]
        if not url.startswith(server.url + "/"):
            rec.fail(f"{page_url}: link {raw!r} leads off the server, to {url}")
        if url in checked:
            continue
        # Voila answers a notebook by running it, progressively: the status comes first;
        # close there (the kernel it started dies with the server).
        try:
            with urllib.request.urlopen(url, timeout=OPEN_TIMEOUT) as r:
                status = r.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        if status != 200:
            rec.fail(f"{page_url}: link {raw!r} ({url}) answers {status}, not 200")
        checked.add(url)


_VOILA_LINKS_CHECKED: set = set()


# ------------------------------------------------------------------------------------------
# Notebook 7
# ------------------------------------------------------------------------------------------
