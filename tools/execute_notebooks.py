"""Execute the course notebooks in fresh kernels and save them for static viewers.

    python tools/execute_notebooks.py                 # every notebook
    python tools/execute_notebooks.py notebooks/01-log-curves.ipynb

Each notebook runs top to bottom in a new kernel (cwd = notebooks/).  Before
saving, live-widget references are removed from the outputs (each explorer
also carries a PNG snapshot and a text readout, which stay) and no widget
state is stored, so a reopened notebook shows pictures, never
"Error displaying widget: model not found".  Prints the time per notebook.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def strip_widget_state(nb):
    """Remove saved widget state and widget-view outputs, in place."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        for out in cell.get("outputs", []):
            data = out.get("data")
            if data and WIDGET_VIEW in data:
                del data[WIDGET_VIEW]
                if not data:
                    data["text/plain"] = "(interactive explorer: run the cell to use it)"
    return nb


def execute(path, timeout=600):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    # a fresh learner's view: the kernel gets an empty progress record, never the user's own
    with tempfile.TemporaryDirectory(prefix="celearn-progress-") as record:
        os.environ["CELEARN_PROGRESS_FILE"] = os.path.join(record, "progress.json")
        client.execute()
    seconds = time.perf_counter() - start
    nbformat.write(strip_widget_state(nb), path)
    return seconds


def main(argv):
    if any(a in ("-h", "--help") for a in argv):
        print(__doc__)
        return
    paths = [Path(a).resolve() for a in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    missing = [str(p) for p in paths if not p.is_file() or p.suffix != ".ipynb"]
    if missing:
        sys.exit(f"not a notebook file: {', '.join(missing)}; pass paths of .ipynb files, "
                 "or nothing to run every notebook in notebooks/")
    total = 0.0
    for path in paths:
        seconds = execute(path)
        total += seconds
        print(f"{path.name:40s} {seconds:6.1f} s")
    print(f"{'total':40s} {total:6.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
