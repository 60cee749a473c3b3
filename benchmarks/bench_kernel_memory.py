"""A learner's kernel: peak memory after Run All, and the start-up of the setup cell.

For issue 23 (a class of 60 on one server). Prints, for every notebook in notebooks/
(or those named), the peak resident memory of its kernel after Run All in a fresh kernel
(``VmHWM`` from the kernel's own /proc/self/status, read in one extra cell at the end)
and the current resident memory (``VmRSS``), against the target of 140 MB.

Then the start-up of the setup cell, as separate fresh interpreters (median of
``--repeats``), against a bare ``import numpy, matplotlib.pyplot`` measured in the same run:

* setup      -- ``import celearn as cl; cl.use_style()`` after numpy and matplotlib.pyplot
  (target <= 0.5 s in all);
* explorer   -- the first explorer (``cl.widgets.LogExplorer()``), made after the setup
  (target <= 0.3 s), and then shown (its saved picture and the page's traits). IPython is
  imported before the clock starts, as a kernel has it before any cell runs.

With ``--cells``, each notebook is run a second time with the kernel's peak reset
before every cell (writing 5 to /proc/self/clear_refs), and the cells that raised it
are listed: the resident memory before the cell, the cell's own peak, and what it left
(a cell that peaks high but leaves little allocates temporaries; one that leaves a lot
keeps it, e.g. an explorer).

Linux only (/proc). This script prints figures; it asserts nothing.

    python benchmarks/bench_kernel_memory.py
    python benchmarks/bench_kernel_memory.py notebooks/01-log-curves.ipynb --repeats 3
    python benchmarks/bench_kernel_memory.py notebooks/05-ce-vs-mse-slopes.ipynb --cells
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
TARGET_MB = 140.0
PEAK = r"""
for _line in open("/proc/self/status"):
    if _line.startswith(("VmHWM", "VmRSS")):
        print(_line.split()[0], int(_line.split()[1]) // 1024)
"""


def peak_after_run_all(path):
    """(peak MB, current MB) of a fresh kernel that ran every cell of ``path``."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK))
    NotebookClient(nb, timeout=600, kernel_name="python3", log_level=40,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    text = "".join(out.get("text", "") for out in nb.cells[-1].outputs)
    numbers = dict(line.split() for line in text.strip().splitlines())
    return int(numbers["VmHWM:"]), int(numbers["VmRSS:"])


RESET = """
open("/proc/self/clear_refs", "w").write("5")
_celearn_bench_rss = [int(_line.split()[1]) // 1024 for _line in open("/proc/self/status")
                      if _line.startswith("VmRSS")][0]
"""
CELL_PEAK = """
print(_celearn_bench_rss, *[int(_line.split()[1]) // 1024 for _line in open("/proc/self/status")
                            if _line.startswith(("VmHWM", "VmRSS"))])
"""


def peaks_per_cell(path, *, at_least=2):
    """[(cell id, MB before, cell's peak MB, MB after, first line)] of the cells whose peak
    or whose memory left behind is ``at_least`` MB above the memory before them."""
    nb = nbformat.read(path, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    nb.cells = [new for cell in code for new in (nbformat.v4.new_code_cell(RESET), cell,
                                                nbformat.v4.new_code_cell(CELL_PEAK))]
    NotebookClient(nb, timeout=600, kernel_name="python3", log_level=40,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    rows = []
    for i, cell in enumerate(code):
        text = "".join(out.get("text", "") for out in nb.cells[3 * i + 2].outputs)
        before, peak, after = (int(x) for x in text.split())
        if peak - before >= at_least or after - before >= at_least:
            first = next((line for line in cell.source.splitlines() if line.strip()), "")
            rows.append((cell.get("id", "?"), before, peak, after, first))
    return rows


TIMER = """
import time
import IPython                  # a kernel has IPython loaded before any cell runs
t0 = time.perf_counter()
import numpy, matplotlib.pyplot
t1 = time.perf_counter()
{setup}
t2 = time.perf_counter()
ex = {explorer}
t3 = time.perf_counter()
ex._repr_mimebundle_()          # shown: the page's traits and the saved picture
t4 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t2)
"""


def startup(repeats):
    """Medians (bare numpy+matplotlib, setup, first explorer) over fresh interpreters."""
    code = TIMER.format(setup="import celearn as cl; cl.use_style()",
                        explorer="cl.widgets.LogExplorer()")
    rows = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True, env={"MPLBACKEND": "Agg", "PATH": ""}).stdout
        rows.append([float(x) for x in out.split()])
    return [statistics.median(col) for col in zip(*rows)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run (default: every notebook in notebooks/)")
    parser.add_argument("--repeats", type=int, default=5, help="start-up repeats (median)")
    parser.add_argument("--cells", action="store_true",
                        help="also list each notebook's cells that raise the kernel's memory")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))

    print(f"{'notebook':44s} {'peak MB':>8s} {'now MB':>7s}  target <= {TARGET_MB:.0f} MB")
    for path in paths:
        peak, now = peak_after_run_all(path)
        verdict = "met" if peak <= TARGET_MB else "OVER"
        print(f"{path.name:44s} {peak:8d} {now:7d}  {verdict}")
        if args.cells:
            print(f"    {'cell':12s} {'before':>6s} {'peak':>5s} {'after':>5s}  (MB)")
            for cell_id, before, top, after, first in peaks_per_cell(path):
                print(f"    {cell_id[:12]:12s} {before:6d} {top:5d} {after:5d}  {first[:60]}")

    bare, setup, explorer, shown = startup(args.repeats)
    print(f"\nstart-up, median of {args.repeats} fresh interpreters:")
    print(f"  import numpy, matplotlib.pyplot  {bare:6.3f} s   (reference)")
    print(f"  import celearn; cl.use_style()   {setup:6.3f} s   ({setup / bare:4.2f}x the reference;"
          f" setup cell in all {bare + setup:.3f} s, target <= 0.5 s)")
    print(f"  first explorer (LogExplorer)     {explorer:6.3f} s   ({explorer / bare:4.2f}x the"
          f" reference; target <= 0.3 s)")
    print(f"  ... and shown (saved picture)    {shown:6.3f} s   ({shown / bare:4.2f}x the"
          f" reference)")


if __name__ == "__main__":
    main()
