"""Notebooks survive the way learners use them: drag, re-run, skip around, stay for an hour.

Every notebook in ``notebooks/`` (found by glob, so a new notebook joins
automatically) is driven in real kernels with nbclient, cell by cell:

* **each cell twice** — every code cell is run twice in a row; both runs must
  succeed, and a cell whose output nbval checks must print the same both times;
* **drag, then check** — after each explorer cell, every explorer in the
  kernel has its first control moved one step (as a learner's drag would);
  at the end they are all moved again and every check cell is re-run: the
  notebook must still run and every check must pass;
* **reversed** and **shuffled** (seeded) order after the setup cell — a cell
  may fail only with a ``NameError`` for a result that a later cell defines;
  it is re-run after the others, and must then succeed. Cells whose output
  nbval checks must print what the saved notebook shows;
* **memory** — an explorer cell re-run 200 times (after a warm-up) must not
  grow the kernel's resident memory by more than 20 MB (the first notebook with
  an explorer by default; ``CELEARN_MEMORY_NOTEBOOKS=all`` for every notebook).

The first four scenarios share one kernel per notebook (the namespace is reset
with ``%reset -f`` between them, and the setup cell is run again), so the
file stays within a few minutes on two cores.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import random
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CELL_TIMEOUT = 300          # seconds for one cell
SHUFFLE_SEED = 14
MEMORY_WARMUP = 20          # re-runs before the first measurement
MEMORY_RERUNS = 200         # re-runs between the two measurements
MEMORY_LIMIT_MB = 20.0      # allowed growth of the kernel's RSS over MEMORY_RERUNS
CHECK_TAG = "nbval-check-output"
MARK = "@@celearn-scenario@@"

# Moves the first control of every live explorer in the kernel one step, the
# way a learner's drag (or an arrow key) would, and reports which moved.
NUDGE = r"""
def _celearn_nudge():
    moved = []
    for name, obj in list(globals().items()):
        if name.startswith("_") or not all(hasattr(obj, a) for a in ("controls", "key_value", "readout_text")):
            continue
        if getattr(obj, "_closed", False) or not obj.controls or getattr(obj, "predicting", False):
            continue
        control = obj.controls[0]
        before = control.value
        if hasattr(control, "index") and getattr(control, "options", None):
            control.index = ((control.index or 0) + 1) % len(control.options)
        elif isinstance(before, bool):
            control.value = not before
        elif hasattr(control, "step") and hasattr(control, "max"):
            if hasattr(control, "base"):             # a log slider: its step is in the exponent
                up = before * control.base ** control.step
                control.value = up if up <= control.base ** control.max else before / control.base ** control.step
            else:
                up = before + control.step
                control.value = up if up <= control.max else before - control.step
        if control.value != before:
            moved.append(name)
    print("MARK" + __import__("json").dumps(moved))
_celearn_nudge()
del _celearn_nudge
""".replace("MARK", MARK)

# The kernel's resident memory in kB. glibc keeps memory that was freed in its per-thread
# arenas (ipykernel 7 runs a shell-channel thread) and RSS counts it: on Python 3.13 that
# alone showed as 20 MB after 25 re-runs that then stayed flat, while memory in use grew
# 65 kB per re-run. malloc_trim(0) hands the free part back first, so the growth measured
# is memory the kernel holds.
RSS = r"""
def _celearn_rss():
    import ctypes
    import gc
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    with open("/proc/self/status") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    print("MARK" + str(kb))
_celearn_rss()
del _celearn_rss
""".replace("MARK", MARK)


# --- reading a notebook ---------------------------------------------------------

def code_cells(path):
    nb = nbformat.read(path, as_version=4)
    return [c for c in nb.cells if c.cell_type == "code"]


def is_check_cell(cell):
    return "check_claim(" in cell.source or re.search(r"^\s*assert ", cell.source, re.M) is not None


def is_explorer_cell(cell):
    # (the setup check of 00, cl.widgets.frontend_check(), shows a widget, not an explorer;
    # a prediction, `<explorer>.predict(...)`, keeps its controls still until a guess is
    # committed: tests/test_widgets_predict.py and tests/browser/test_predict.py drive those)
    source = cell.source.replace("cl.widgets.frontend_check(", "")
    return "cl.widgets." in source and ".predict(" not in source and not is_check_cell(cell)


def is_checked_output(cell):
    return CHECK_TAG in cell.metadata.get("tags", [])


def expects_error(cell):
    return "raises-exception" in cell.metadata.get("tags", [])


def text_of(outputs):
    """What nbval compares for a checked cell: printed text and plain-text results."""
    stream, results = "", []                  # a print may arrive in several stream messages
    for out in outputs:
        if out.get("output_type") == "stream":
            stream += out.get("text", "")
        elif out.get("output_type") in ("execute_result", "display_data"):
            results.append(out.get("data", {}).get("text/plain", "").rstrip())
    return "\n".join([stream.rstrip()] + results).strip()


def name(cells, i):
    first = cells[i].source.strip().splitlines()[0] if cells[i].source.strip() else ""
    return f"code cell {i + 1} ({first[:50]!r})"


# --- a kernel driven cell by cell ------------------------------------------------

class Kernel:
    """A fresh kernel (cwd = the notebook's folder) that runs code cells one at a time."""

    def __init__(self, path):
        self.nb = nbformat.v4.new_notebook()
        self.client = NotebookClient(
            self.nb, timeout=CELL_TIMEOUT, kernel_name="python3", allow_errors=True,
            resources={"metadata": {"path": str(path.parent)}})
        self._ctx = None

    def __enter__(self):
        self._ctx = self.client.setup_kernel()
        self._ctx.__enter__()
        return self

    def __exit__(self, *exc):
        self._ctx.__exit__(*exc)

    def run(self, source):
        """Run ``source``; return (outputs, error) with error = (ename, evalue) or None."""
        cell = nbformat.v4.new_code_cell(source)
        self.nb.cells.append(cell)
        self.client.execute_cell(cell, len(self.nb.cells) - 1)
        error = next(((o["ename"], o["evalue"]) for o in cell.outputs
                      if o.get("output_type") == "error"), None)
        return cell.outputs, error

    def marked(self, source):
        outputs, error = self.run(source)
        assert error is None, f"the test's own snippet failed: {error}"
        found = [ln[len(MARK):] for ln in text_of(outputs).splitlines() if ln.startswith(MARK)]
        assert found, f"the test's own snippet printed nothing: {text_of(outputs)!r}"
        return json.loads(found[-1])

    def reset(self, setup):
        _, error = self.run("%reset -f")
        assert error is None, error
        _, error = self.run(setup.source)
        return error


def nudge(kernel):
    """Move every live explorer's first control one step: (names moved, error or None)."""
    outputs, error = kernel.run(NUDGE)
    found = [ln[len(MARK):] for ln in text_of(outputs).splitlines() if ln.startswith(MARK)]
    return (json.loads(found[-1]) if found else []), error


def run_in_order(kernel, cells, order):
    """Run cells in ``order``; a NameError puts the cell back in the queue.

    Returns (failures, texts): failure messages and each cell's last printed text.
    """
    failures, texts, pending = [], {}, list(order)
    while pending:
        retry = []
        for i in pending:
            outputs, error = kernel.run(cells[i].source)
            if error is None or expects_error(cells[i]):
                texts[i] = text_of(outputs)
            elif error[0] == "NameError":
                retry.append((i, error))
            else:
                failures.append(f"{name(cells, i)} raised {error[0]}: {error[1]}")
        if len(retry) == len(pending):
            failures += [f"{name(cells, i)} still raises NameError: {e[1]} (after every other cell ran)"
                         for i, e in retry]
            break
        pending = [i for i, _ in retry]
    return failures, texts


def scenarios(path):
    """Run the four scenarios of one notebook in one kernel; failures by scenario."""
    cells = code_cells(path)
    setup, rest = cells[0], range(1, len(cells))
    result = {"twice": [], "drag": [], "reversed": [], "shuffled": []}
    saved = {i: text_of(cells[i].outputs) for i in rest if is_checked_output(cells[i])}
    try:
        with Kernel(path) as kernel:
            # 1 + 2: every cell twice, top to bottom; a drag after each explorer cell
            _, error = kernel.run(setup.source)
            assert error is None, f"the setup cell fails: {error}"
            explorers = 0
            for i in rest:
                first, error1 = kernel.run(cells[i].source)
                second, error2 = kernel.run(cells[i].source)
                for error in (error1, error2):
                    if error and not expects_error(cells[i]):
                        result["twice"].append(f"{name(cells, i)} raised {error[0]}: {error[1]}")
                if is_checked_output(cells[i]) and text_of(first) != text_of(second):
                    result["twice"].append(f"{name(cells, i)} printed something else when re-run:\n"
                                           f"{text_of(first)}\n--- then ---\n{text_of(second)}")
                if is_explorer_cell(cells[i]):
                    explorers += 1
                    moved, error = nudge(kernel)
                    if error:
                        result["drag"].append(f"after {name(cells, i)}, moving an explorer's first "
                                              f"control raised {error[0]}: {error[1]}")
                    elif not moved:
                        result["drag"].append(f"{name(cells, i)}: found no explorer whose control moves")
            if explorers == 0:
                result["drag"].append("no explorer cell (a cell using cl.widgets.) in this notebook")
            _, error = nudge(kernel)
            if error:
                result["drag"].append(f"moving the explorers' controls raised {error[0]}: {error[1]}")
            for i in rest:
                if is_check_cell(cells[i]):
                    _, error = kernel.run(cells[i].source)
                    if error:
                        result["drag"].append(f"after a drag, check {name(cells, i)} raised "
                                              f"{error[0]}: {error[1]}")
            # 3 + 4: reversed and shuffled after the setup cell, each in a fresh namespace
            shuffled = list(rest)
            random.Random(SHUFFLE_SEED).shuffle(shuffled)
            for scenario, order in (("reversed", list(rest)[::-1]), ("shuffled", shuffled)):
                error = kernel.reset(setup)
                assert error is None, f"the setup cell fails after %reset: {error}"
                failures, texts = run_in_order(kernel, cells, order)
                for i, want in saved.items():
                    if i in texts and texts[i] != want:
                        failures.append(f"{name(cells, i)} printed, out of order:\n{texts[i]}\n"
                                        f"--- but the saved notebook shows ---\n{want}")
                result[scenario] += failures
    except (DeadKernelError, AssertionError) as exc:  # the kernel died, or the setup cell failed
        for failures in result.values():
            failures.append(f"{type(exc).__name__}: {exc}")
    return result


def first_explorer_cell(path):
    cells = code_cells(path)
    return next((i for i, c in enumerate(cells) if is_explorer_cell(c)), None)


def has_explorer(path):
    return first_explorer_cell(path) is not None


def memory_growth(path):
    """Re-run the notebook's first explorer cell; the kernel's RSS (kB) before and after."""
    cells = code_cells(path)
    at = first_explorer_cell(path)
    with Kernel(path) as kernel:
        for i in range(at):
            _, error = kernel.run(cells[i].source)
            assert error is None or expects_error(cells[i]), f"{name(cells, i)}: {error}"
        for _ in range(MEMORY_WARMUP):
            kernel.run(cells[at].source)
        before = kernel.marked(RSS)
        for _ in range(MEMORY_RERUNS):
            _, error = kernel.run(cells[at].source)
            assert error is None, f"{name(cells, at)} failed when re-run: {error}"
        after = kernel.marked(RSS)
    return before, after


# Each notebook's kernels are independent, so the selected notebooks run in parallel
# processes (CELEARN_SCENARIO_WORKERS), the longest jobs first. Default: 2, or 1 inside
# a pytest-xdist worker when other workers share the cores.
_XDIST_WORKERS = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
WORKERS = int(os.environ.get("CELEARN_SCENARIO_WORKERS", "1" if _XDIST_WORKERS > 1 else "2"))
JOBS = {"scenarios": scenarios, "memory": memory_growth}


@pytest.fixture(scope="module")
def jobs(request):
    wanted = []
    for item in request.session.items:
        if getattr(item, "module", None) is not sys.modules[__name__] or not hasattr(item, "callspec"):
            continue
        kind = "memory" if item.originalname.startswith("test_memory") else "scenarios"
        key = (kind, item.callspec.params["path"])
        if key not in wanted:
            wanted.append(key)
    wanted.sort(key=lambda key: key[0] != "memory")          # memory runs are the longest
    with ProcessPoolExecutor(max_workers=max(1, WORKERS),
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {key: pool.submit(JOBS[key[0]], key[1]) for key in wanted}
        yield lambda kind, path: futures[(kind, path)].result()
        for future in futures.values():
            future.cancel()


def report(jobs, path, scenario):
    failures = jobs("scenarios", path)[scenario]
    assert not failures, f"{path.name}, scenario {scenario!r}:\n\n" + "\n\n".join(failures)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_cell_twice(jobs, path):
    report(jobs, path, "twice")


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if has_explorer(p)], ids=lambda p: p.stem)
def test_drag_then_check(jobs, path):
    report(jobs, path, "drag")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_reversed_order(jobs, path):
    report(jobs, path, "reversed")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_shuffled_order(jobs, path):
    report(jobs, path, "shuffled")


# 220 runs of an explorer cell take minutes, so by default only the first notebook with an
# explorer is measured (all explorers share one base, which owns releasing them);
# CELEARN_MEMORY_NOTEBOOKS=all measures an explorer cell of every notebook.
MEMORY_NOTEBOOKS = [p for p in NOTEBOOKS if has_explorer(p)]
if os.environ.get("CELEARN_MEMORY_NOTEBOOKS", "first") != "all":
    MEMORY_NOTEBOOKS = MEMORY_NOTEBOOKS[:1]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status (Linux)")
@pytest.mark.parametrize("path", MEMORY_NOTEBOOKS, ids=lambda p: p.stem)
def test_memory_stays_flat_when_an_explorer_cell_is_rerun(jobs, path):
    before, after = jobs("memory", path)
    growth = (after - before) / 1024
    cells = code_cells(path)
    assert growth < MEMORY_LIMIT_MB, (
        f"{path.name}: re-running {name(cells, first_explorer_cell(path))} {MEMORY_RERUNS} times grew "
        f"the kernel's RSS by {growth:.1f} MB ({growth / MEMORY_RERUNS * 1024:.0f} kB per re-run; "
        f"limit {MEMORY_LIMIT_MB} MB)")


def test_nudge_moves_every_kind_of_control():
    """The drag the scenarios simulate moves sliders, log sliders, drop-downs and toggles."""
    import ipywidgets as widgets

    class Fake:
        key_value = 0.0
        readout_text = ""

        def __init__(self, control):
            self.controls = [control]

    space = {
        "slider": Fake(widgets.FloatSlider(value=0.5, min=0, max=1, step=0.1)),
        "at_max": Fake(widgets.FloatSlider(value=1.0, min=0, max=1, step=0.1)),
        "log": Fake(widgets.FloatLogSlider(value=10.0, min=-1, max=3, step=0.5)),
        "choice": Fake(widgets.Dropdown(options=[("a", 1), ("b", 2)], value=1)),
        "buttons": Fake(widgets.ToggleButtons(options=["x", "y", "z"], value="z")),
        "toggle": Fake(widgets.Checkbox(value=False)),
    }
    before = {k: v.controls[0].value for k, v in space.items()}
    import contextlib
    import io
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(NUDGE, space)
    moved = json.loads(out.getvalue().strip()[len(MARK):])
    assert sorted(moved) == sorted(before)
    assert space["slider"].controls[0].value == pytest.approx(0.6)
    assert space["at_max"].controls[0].value == pytest.approx(0.9)
    assert space["log"].controls[0].value == pytest.approx(10 ** 1.5)
    assert space["choice"].controls[0].value == 2 and space["buttons"].controls[0].value == "x"
    assert space["toggle"].controls[0].value is True

