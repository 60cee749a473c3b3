"""The warm-up questions in Voila, the app view with no cells to type into: each has an answer
box and a Check button, and the feedback appears beneath (celearn.exercises.ask)."""
from __future__ import annotations

import re

import pytest

import lab_harness as h

import celearn as cl

OPEN_TIMEOUT = 120  # s: page load + kernel start on a slow 2-core machine
CHECK_TIMEOUT = 30
NOTEBOOK = "04-softmax-jacobian.ipynb"


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
            button.click()
            feedback = box.locator(".celearn-feedback")
            rec.wait_for(lambda: feedback.count() == 1 and feedback.inner_text().startswith(mark),
                         lambda: f"{mark} under {exercise_id} after typing {typed!r}; the box "
                                 f"shows {box.inner_text()[:400]!r}", CHECK_TIMEOUT, focus=box)
        if i == 0:
            rec.shot("-answered", locator=box)
    rec.shot("")
    errors = rec.console_errors()
    assert not errors and not rec.page_errors, (errors, rec.page_errors)
