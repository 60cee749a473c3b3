"""Every notebook in JupyterLab: Run All, then the checks of notebook_checks.py."""

from __future__ import annotations

import pytest

from notebook_checks import NOTEBOOKS, OPEN_TIMEOUT, _ids, _open_notebook, _run_all_and_exercise

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_in_jupyterlab(nb, lab, recorder_factory):
    lab.delete_sessions()
    rec = recorder_factory(lab, f"lab-{nb.stem}")
    page = rec.page
    path = f"notebooks/{nb.name}"
    try:
        _open_notebook(rec, f"{lab.url}/lab/tree/{path}?reset", path, "")
        # Same signal a person sees: the status bar's "Python 3 (ipykernel) | Idle".
        rec.wait_for(lambda: "(ipykernel) | Idle" in page.locator(".jp-StatusBar-Left").inner_text(),
                     "the status bar to show '(ipykernel) | Idle'", OPEN_TIMEOUT, 250)

        # Start from a clean slate (notebooks are committed executed), then run everything.
        _run_all_and_exercise(rec, nb, path, "JupyterLab")
    finally:
        lab.delete_sessions()
