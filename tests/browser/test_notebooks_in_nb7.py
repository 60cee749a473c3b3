"""Notebook 7 (a subset of the notebooks): Run All, then the checks of notebook_checks.py."""

from __future__ import annotations

import pytest

from notebook_checks import NB7_NOTEBOOKS, _ids, _open_notebook, _run_all_and_exercise

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("nb", NB7_NOTEBOOKS, ids=_ids(NB7_NOTEBOOKS))
def test_notebook_in_nb7(nb, nb7, recorder_factory):
    nb7.delete_sessions()
    rec = recorder_factory(nb7, f"nb7-{nb.stem}")
    page = rec.page
    path = f"notebooks/{nb.name}"
    try:
        # Notebook 7 is a JupyterLab application (window.jupyterapp, same notebook panel and
        # sessionContext), so Lab's scripts find the notebook and its kernel unchanged.
        _open_notebook(rec, f"{nb7.url}/notebooks/{path}", path, " in Notebook 7")
        if "/notebooks/" not in page.url or page.locator(".jp-LabShell").count():
            rec.fail(f"expected Notebook 7's single-document page, got {page.url}")
        # Notebook 7.6 itself (its bundled shortcuts plugin, on a settings change of a plugin
        # it did not load) throws this while the page loads, with or without our settings and
        # before any celearn code runs; tolerated only here, only before Run All.
        rec.page_errors[:] = [e for e in rec.page_errors
                              if e != "Cannot read properties of undefined (reading 'schema')"]
        # Keyboard steps included: Notebook 7 binds ArrowLeft/ArrowRight and PageUp/PageDown
        # to its own commands; render.js keeps those keys for a focused slider or handle.
        _run_all_and_exercise(rec, nb, path, "Notebook 7", keyboard=True)
    finally:
        nb7.delete_sessions()
