"""Markers by where a test lives, so a part of the suite runs alone (README: "Fast loop").

unit: the maths, exercises and doctests; widget: explorers driven from Python;
notebook: nbval on notebooks/; scenarios: learners' runs of every notebook;
browser: headless Chromium; frameworks: torch, Keras, JAX and optax as oracles.

The suite runs on every core with pytest-xdist (``-n auto --dist loadgroup`` in
pyproject.toml). Tests that must share one process are grouped: each notebook's
nbval cells (one kernel runs them in order), all browser tests (one Chromium and one
server of each front end for the session) and the learner scenarios (their own pool).
The rest go to whichever worker is free. ``-p no:xdist`` (or ``-n 0``) runs it in one process.
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


def _group(path: Path, marker: str) -> str | None:
    """The xdist group of a test: tests of one group run in one worker, in order."""
    if marker == "notebook":
        return "notebook-" + path.stem
    if marker in ("browser", "scenarios"):
        return marker
    return None


# tryfirst: xdist's own hook reads the xdist_group markers, so they must be set before it runs.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        path = Path(str(item.fspath))
        try:
            marker = _marker(path)
        except ValueError:                       # a path outside the repository
            continue
        item.add_marker(getattr(pytest.mark, marker))
        group = _group(path, marker)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))


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
