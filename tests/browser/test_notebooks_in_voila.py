"""Voila (a subset of the notebooks): the page as Voila runs it, then the checks of
notebook_checks.py, with celearn's numbers computed in the test process."""

from __future__ import annotations

import pytest

import lab_harness as h
from notebook_checks import OPEN_TIMEOUT, POSITIONS, VOILA_NOTEBOOKS, _VOILA_LINKS_CHECKED, _check_links, _check_output_errors, _check_page_health, _check_positions_here, _exercise_explorers, _ids, _wait_explorers

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("nb", VOILA_NOTEBOOKS, ids=_ids(VOILA_NOTEBOOKS))
def test_notebook_in_voila(nb, voila, recorder_factory):
    # The page's kernel is shut down by Voila when the browser context closes.
    rec = recorder_factory(voila, f"voila-{nb.stem}", allowed_external=h.VOILA_CDN_STYLESHEETS)
    page = rec.page
    # Served as the README says (`voila notebooks/`): the notebooks folder is Voila's root.
    url = f"{voila.url}/voila/render/{nb.name}"
    # Voila executes the whole notebook before (progressively) sending the page.
    page.goto(url, timeout=OPEN_TIMEOUT * 1000)
    rows = _wait_explorers(rec, nb, "Voila")
    _check_output_errors(rec, f"Voila rendering {nb.name}")
    rec.shot("")
    starts = [page.locator(h.EXPLORER).nth(i).evaluate(h.JS_BOARD) for i in range(len(rows))]
    _exercise_explorers(rec, rows, f"{nb.name} (Voila)")
    skipped = []
    for i, row in enumerate(rows):
        why = _check_positions_here(rec, nb, page.locator(h.EXPLORER).nth(i), row,
                                    f"{nb.name} (Voila) explorer #{i} ({row['name']})", POSITIONS,
                                    starts[i])
        if why:
            skipped.append(why)
    if rows and len(skipped) == len(rows):
        # Not a failure of the front end, but the comparison must not silently vanish.
        rec.fail("no explorer's numbers could be compared with celearn's:\n  " + "\n  ".join(skipped))
    rec.shot("-after")
    _check_output_errors(rec, f"after moving the sliders of {nb.name} in Voila")
    # Notebook 7's own JupyterLab extension (installed with `notebook`) fails to load in
    # Voila 0.5's page; voila.json (read from the folder `voila` starts in, as the README
    # runs it) keeps it out, so no console error is tolerated here.
    _check_page_health(rec)
    _check_links(rec, voila, url, _VOILA_LINKS_CHECKED)
