"""The warm-up questions in Voila, the app view with no cells to type into: each has an answer
box and a Check button, and the feedback appears beneath (celearn.exercises.ask)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import lab_harness as h

import celearn as cl

OPEN_TIMEOUT = 120  # s: page load + kernel start on a slow 2-core machine
CHECK_TIMEOUT = 30
NOTEBOOK = "04-softmax-jacobian.ipynb"
#: the WCAG 2.0, 2.1 and 2.2 A and AA rules of axe-core (as tests/browser/test_a11y.py)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

pytestmark = pytest.mark.browser


def _axe_script() -> str:
    try:
        import axe_playwright_python
    except ImportError:
        h.missing("the accessibility check needs axe-core's script from axe-playwright-python: "
                  "`pip install -r requirements-test.txt`")
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def _wrong(exercise_id):
    """An answer that is wrong for the exercise: another choice, or a far-off number."""
    ex = cl.exercises._get(exercise_id)
    want = ex.expected()
    if isinstance(want, str):
        return next(c for c in ex.choices if c != want)
    return "-12345"


def _right(exercise_id):
    want = cl.exercises._get(exercise_id).expected()
    return want if isinstance(want, str) else repr(float(want))


def test_the_warm_up_is_answered_in_voila(voila, recorder_factory):
    rec = recorder_factory(voila, "voila-review", allowed_external=h.VOILA_CDN_STYLESHEETS)
    page = rec.page
    page.goto(f"{voila.url}/voila/render/{NOTEBOOK}", timeout=OPEN_TIMEOUT * 1000)
    boxes = page.locator(".celearn-ask")
    rec.wait_for(lambda: boxes.count() == 3, lambda: f"three answer boxes, found {boxes.count()}",
                 OPEN_TIMEOUT)
    ids = [re.match(r"\s*(\d\d\.\w+)", boxes.nth(i).locator(".widget-html").first.inner_text())
           .group(1) for i in range(3)]
    assert all(int(i[:2]) < int(NOTEBOOK[:2]) for i in ids), ids
    for i, exercise_id in enumerate(ids[:2]):
        box = boxes.nth(i)
        box.scroll_into_view_if_needed()
        field = box.get_by_label("Your answer")          # the label names the text box
        button = box.get_by_role("button", name="Check")
        for typed, mark in ((_wrong(exercise_id), "❌"), (_right(exercise_id), "✅")):
            field.fill(typed)
            if i == 1:
                field.press("Enter")                     # Enter checks the answer too
            else:
                button.click()
            feedback = box.locator(".celearn-feedback")
            rec.wait_for(lambda: feedback.count() == 1 and feedback.inner_text().startswith(mark),
                         lambda: f"{mark} under {exercise_id} after typing {typed!r}; the box "
                                 f"shows {box.inner_text()[:400]!r}", CHECK_TIMEOUT, focus=box)
        if i == 0:
            rec.shot("-answered", locator=box)
    rec.shot("")
    # axe-core inside the warm-up, answered (labels, names, contrast of the feedback)
    review = page.locator(".celearn-review").first
    review.scroll_into_view_if_needed()
    page.evaluate(_axe_script())
    result = review.evaluate(
        "(el, tags) => axe.run(el, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    judged = {r["id"] for r in result["passes"]}
    assert {"label", "button-name", "color-contrast"} <= judged, sorted(judged)  # axe looked
    assert not result["violations"], [(v["id"], v["help"], [n["html"][:120] for n in v["nodes"]])
                                      for v in result["violations"]]
    errors = rec.console_errors()
    assert not errors and not rec.page_errors, (errors, rec.page_errors)
