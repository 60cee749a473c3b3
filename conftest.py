"""Markers by where a test lives, so a part of the suite runs alone (README: "Fast loop").

unit: the maths, exercises and doctests; widget: explorers driven from Python;
notebook: nbval on notebooks/; scenarios: learners' runs of every notebook;
browser: headless Chromium; frameworks: torch, Keras, JAX and optax as oracles.

The suite runs on every core with pytest-xdist (``-n auto --dist loadfile`` in
pyproject.toml): the tests of one file run in one worker, in order, so each notebook's
nbval cells share one kernel and each browser-test file its servers. (``loadgroup``
would group more finely, but with pytest 9.2 it silently stops grouping:
pytest-xdist issue 1386.) ``pytest -n 0`` runs everything in one process.
"""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent


def _marker(path: Path) -> str:
    rel = path.resolve().relative_to(ROOT).as_posix()
    name = path.name
    if rel.startswith("notebooks/"):
        return "notebook"
    if rel.startswith("tests/browser/"):
        return "browser"
    if name == "test_notebook_scenarios.py":
        return "scenarios"
    if name == "test_frameworks.py":
        return "frameworks"
    if name.startswith("test_widgets") or name == "scenes.py" or rel.startswith(
            "celearn/widgets/"):
        return "widget"
    return "unit"


def pytest_collection_modifyitems(config, items):
    for item in items:
        try:
            item.add_marker(getattr(pytest.mark, _marker(Path(str(item.fspath)))))
        except ValueError:                       # a path outside the repository
            continue


def pytest_configure(config):
    """The suite never reads or writes the learner's own progress record.

    celearn.exercises.progress keeps it in the Jupyter data directory unless
    CELEARN_PROGRESS_FILE names another file: point it at a fresh temporary file for
    the whole session (each xdist worker gets its own), set in os.environ so that the
    kernels of nbval and the servers of the browser tests, which inherit it, use it too.
    """
    import os
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="celearn-progress-")
    os.environ["CELEARN_PROGRESS_FILE"] = os.path.join(folder, "progress.json")
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def pytest_runtest_teardown(item, nextitem):
    """After the last test of each file: collect, then freeze what is still alive.

    The explorers free their figures with a full garbage pass (``gc.collect()``) each time
    one is drawn, shown or closed. In a learner's kernel that pass takes 30-60 ms; in a
    test process that has imported torch, JAX and Keras (tests/test_frameworks.py) it took
    0.34 s, three times per explorer, for every later test file of that worker.
    ``gc.freeze()`` moves the objects alive between files (imported modules, their caches)
    out of the collector's view, so later passes look only at what later tests make: the
    garbage they test is still collected, as in a kernel.
    """
    import gc

    if nextitem is None or Path(str(nextitem.fspath)) != Path(str(item.fspath)):
        gc.collect()
        gc.freeze()
