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


#: The longest test files, longest first (seconds on 2 cores, README run at stop 28): xdist
#: hands files to its workers in collection order, so these start first and the many short
#: files fill in behind them. In plain collection order the two longest (Lab, scenarios) met
#: in one worker at the end. A file not listed keeps its place after these.
LONGEST_FIRST = (
    "tests/browser/test_notebooks_in_lab.py",        # ~300 s: every notebook in JupyterLab
    "tests/test_notebook_scenarios.py",              # ~260 s: learners' runs of every notebook
    "tests/browser/test_notebooks_in_nb7.py",        # ~110 s
    "tests/browser/test_marimo.py",                  # ~100 s
    "tests/browser/test_notebooks_in_voila.py",      # ~60 s
    "tests/test_widgets.py",                         # ~60 s
    "tests/browser/test_a11y.py",                    # ~50 s
    "tests/browser/test_predict.py",                 # ~40 s
)


def _rank(item) -> int:
    try:
        rel = Path(str(item.fspath)).resolve().relative_to(ROOT).as_posix()
    except ValueError:                           # a path outside the repository
        return len(LONGEST_FIRST)
    return LONGEST_FIRST.index(rel) if rel in LONGEST_FIRST else len(LONGEST_FIRST)


def pytest_collection_modifyitems(config, items):
    for item in items:
        try:
            item.add_marker(getattr(pytest.mark, _marker(Path(str(item.fspath)))))
        except ValueError:                       # a path outside the repository
            continue
    items.sort(key=_rank)                        # stable: each file keeps its own order


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
