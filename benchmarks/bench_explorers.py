"""How fast do the explorers answer a slider, in a real browser?  Prints figures; asserts nothing.

For every explorer in notebooks/*.ipynb (found by its ``.celearn-explorer`` class) this runs
the notebook in JupyterLab in headless Chromium, presses the first slider's arrow keys ~30
times and measures, in the page, from the keydown event to

- the readout changing (a MutationObserver on ``.celearn-readout``), and
- the new plot image being drawn (the first ``drawImage`` onto the figure's on-screen
  ``<canvas>``: that is how ipympl paints a frame it received from the kernel).

In the same run it measures the naive pattern: ``ipywidgets.interact`` on the same p slider
(0.001..0.999) that re-plots a whole inline matplotlib figure into its Output (keydown ->
the new ``<img>`` has loaded).  Targets (DESIGN/issue 3): readout median <= 20 ms, plot
median <= 50 ms, plot median at least 1.5x faster than the naive re-plot.

Finally it times executing every notebook top to bottom with nbclient (no browser).

    python benchmarks/bench_explorers.py [--presses 30] [--notebook 01-log-curves.ipynb ...]

Needs Chromium (CELEARN_CHROMIUM or /usr/bin/chromium) and Playwright for Python.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))
import lab_harness as h  # noqa: E402

READOUT_TARGET_MS = 20.0
PLOT_TARGET_MS = 50.0
SPEEDUP_TARGET = 1.5

# Wraps drawImage so each on-screen canvas remembers when it was last painted, and keeps
# a log of keydown times. Installed before any page script runs.
INSTRUMENT = """
(() => {
  const orig = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...args) {
    const c = this.canvas;
    if (c && c.isConnected) { c.__celearnDraws = (c.__celearnDraws || []); c.__celearnDraws.push(performance.now()); }
    return orig.apply(this, args);
  };
  window.__celearnKeys = [];
  document.addEventListener('keydown', () => window.__celearnKeys.push(performance.now()), true);
})();
"""

# Arms the observers for one press on the explorer/interact `root`; resolves with the times.
ARM = """
(root) => {
  const out = {readout: null, plot: null, img: null};
  const readout = root.querySelector('.celearn-readout');
  const canvas = root.querySelector('.celearn-figure canvas');
  const start = window.__celearnKeys.length;
  const obs = [];
  if (readout) {
    const mo = new MutationObserver(() => { if (out.readout === null) out.readout = performance.now(); });
    mo.observe(readout, {subtree: true, childList: true, characterData: true, attributes: true});
    obs.push(mo);
  }
  const output = root.querySelector('.widget-output');
  if (output) {
    const mo = new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) {
        const imgs = n.tagName === 'IMG' ? [n] : (n.querySelectorAll ? Array.from(n.querySelectorAll('img')) : []);
        for (const img of imgs) {
          const done = () => { if (out.img === null) out.img = performance.now(); };
          if (img.complete && img.naturalWidth) done(); else img.addEventListener('load', done, {once: true});
        }
      }
    });
    mo.observe(output, {subtree: true, childList: true});
    obs.push(mo);
  }
  const drawsBefore = canvas && canvas.__celearnDraws ? canvas.__celearnDraws.length : 0;
  window.__celearnResult = () => {
    const key = window.__celearnKeys[start];
    if (key === undefined) return null;
    const draws = canvas && canvas.__celearnDraws ? canvas.__celearnDraws.slice(drawsBefore) : [];
    const plot = draws.find((t) => t >= key);
    return {key, readout: out.readout, plot: plot === undefined ? null : plot, img: out.img};
  };
  window.__celearnStop = () => obs.forEach((o) => o.disconnect());
  return true;
}
"""

RESULT = """
() => { const r = window.__celearnResult(); if (!r) return null;
        return {key: r.key, readout: r.readout, plot: r.plot, img: r.img}; }
"""

# Milliseconds since the explorer's canvas was last painted.
QUIET_SINCE = """
(root) => {
  const canvas = root.querySelector('.celearn-figure canvas');
  const draws = canvas && canvas.__celearnDraws ? canvas.__celearnDraws : [];
  const last = draws.length ? draws[draws.length - 1] : 0;
  return performance.now() - last;
}
"""

NAIVE_NOTEBOOK = r'''
import numpy as np
import matplotlib.pyplot as plt
from ipywidgets import FloatSlider, interact
try:
    import celearn as cl
    cl.use_style()
except Exception:  # the baseline does not depend on celearn
    pass

x = np.linspace(0.001, 1, 400)


def show(p):
    # The naive pattern: build and render a whole new figure on every slider move.
    fig, (a, b) = plt.subplots(1, 2, figsize=(6, 3), dpi=100, layout="constrained")
    a.plot(x, np.log(x)); a.plot([p], [np.log(p)], "o"); a.set_title(f"log p = {np.log(p):.4f}")
    b.plot(x, -np.log(x)); b.plot([p], [-np.log(p)], "o"); b.set_title(f"-log p = {-np.log(p):.4f}")
    plt.show()


w = interact(show, p=FloatSlider(value=0.5, min=0.001, max=0.999, step=0.001))
'''


def poll(page, predicate, what: str, timeout: float, interval_ms: int = 100):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        page.wait_for_timeout(interval_ms)


def open_and_run(page, server, path: str) -> None:
    page.goto(f"{server.url}/lab/tree/{path}?reset", timeout=120_000)
    poll(page, lambda: page.evaluate(h.JS_NOTEBOOK_STATUS, path) == "ready",
         f"{path} to open with an idle kernel", 120, 250)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")

    def ran():
        s = page.evaluate(h.JS_RUN_STATUS, path)
        if s["errors"]:
            raise RuntimeError(f"{path}: a cell raised an error")
        return s["kernel"] == "idle" and s["pending"] == 0

    poll(page, ran, f"all cells of {path} to run", 300, 250)


def wait_quiet(page, root, quiet_ms: float = 400, timeout: float = 10) -> bool:
    """True once the canvas has not been painted for `quiet_ms` (False: it never settles)."""
    try:
        poll(page, lambda: page.evaluate(QUIET_SINCE, root.element_handle()) >= quiet_ms,
             "the figure to settle", timeout, 50)
        return True
    except TimeoutError:
        return False


def measure(page, root, presses: int, *, naive: bool) -> dict:
    """Press the first slider's arrow keys; per press: readout and plot latency in ms."""
    handle = root.locator(h.HANDLE).first
    root.scroll_into_view_if_needed()
    readout, plot, missed = [], [], 0
    for i in range(presses):
        if not wait_quiet(page, root):
            return {"error": "the figure keeps repainting with no input (never settles)"}
        page.wait_for_timeout(100 if naive else 50)
        page.evaluate(ARM, root.element_handle())
        handle.focus()
        page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        want = ("img",) if naive else ("readout", "plot")

        def done():
            r = page.evaluate(RESULT)
            return r if r and all(r[k] is not None for k in want) else None

        try:
            r = poll(page, done, "the response to a key press", 10, 10)
        except TimeoutError:
            missed += 1
            page.evaluate("() => window.__celearnStop()")
            continue
        page.evaluate("() => window.__celearnStop()")
        if naive:
            readout.append(r["img"] - r["key"])
            plot.append(r["img"] - r["key"])
        else:
            readout.append(r["readout"] - r["key"])
            plot.append(r["plot"] - r["key"])
    return {"readout": readout, "plot": plot, "missed": missed}


def p95(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]


def stats(xs):
    return (statistics.median(xs), p95(xs)) if xs else (float("nan"), float("nan"))


def time_notebooks(paths) -> list[tuple[str, float, str]]:
    import nbclient
    import nbformat

    rows = []
    for nb_path in paths:
        nb = nbformat.read(nb_path, as_version=4)
        client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                         resources={"metadata": {"path": str(nb_path.parent)}})
        t0 = time.perf_counter()
        try:
            client.execute()
            status = "ok"
        except Exception as exc:  # report, don't stop the benchmark
            status = f"FAILED: {type(exc).__name__}: {str(exc).strip().splitlines()[-1][:80]}"
        rows.append((nb_path.name, time.perf_counter() - t0, status))
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--presses", type=int, default=30, help="key presses per explorer (30)")
    ap.add_argument("--notebook", action="append", default=[],
                    help="only these notebooks (file names); default: all")
    ap.add_argument("--no-execute-timing", action="store_true",
                    help="skip timing nbclient execution of every notebook")
    args = ap.parse_args(argv)

    chromium = h.find_chromium()
    if chromium is None:
        print(f"bench_explorers: no Chromium found; {h.INSTALL_HINT}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    notebooks = [p for p in h.notebooks() if not args.notebook or p.name in args.notebook]
    results = []  # (label, {readout, plot, missed} | {error})
    with tempfile.TemporaryDirectory(prefix="celearn-bench-") as tmp, \
            h.server_home("celearn-bench-lab-") as home:
        # Lab serves a copy: the notebooks plus the generated naive baseline (never committed).
        root = Path(tmp)
        (root / "notebooks").mkdir()
        for p in notebooks:
            shutil.copy2(p, root / "notebooks" / p.name)
        import nbformat

        naive = nbformat.v4.new_notebook()
        naive.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                        "language": "python"}
        naive.cells = [nbformat.v4.new_code_cell(NAIVE_NOTEBOOK.strip())]
        nbformat.write(naive, root / "notebooks" / "zz-naive-interact.ipynb")

        server = h.start_lab(home, root_dir=root)
        try:
            with sync_playwright() as pw:
                browser = h.launch_chromium(pw, chromium)
                for nb in [*notebooks, root / "notebooks" / "zz-naive-interact.ipynb"]:
                    is_naive = nb.name.startswith("zz-naive")
                    server.delete_sessions()
                    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                                  service_workers="block")
                    context.add_init_script(INSTRUMENT)
                    page = context.new_page()
                    path = f"notebooks/{nb.name}"
                    try:
                        open_and_run(page, server, path)
                        selector = ".widget-interact" if is_naive else h.EXPLORER
                        # widgets render after the run; give them time to appear and paint
                        page.wait_for_timeout(1500)
                        roots = page.locator(selector)
                        n = roots.count()
                        for i in range(n):
                            rt = roots.nth(i)
                            name = ("naive interact re-plot" if is_naive else
                                    f"{nb.stem} / " + page.evaluate(h.JS_EXPLORERS)[i]["name"])
                            print(f"measuring {name} ...", file=sys.stderr, flush=True)
                            results.append((name, measure(page, rt, args.presses, naive=is_naive)))
                    except Exception as exc:
                        results.append((nb.stem, {"error": f"{type(exc).__name__}: {exc}"}))
                    finally:
                        context.close()
                browser.close()
        finally:
            server.delete_sessions()
            server.stop()

    naive_rows = [r for name, r in results if name.startswith("naive") and "plot" in r]
    naive_med = stats(naive_rows[0]["plot"])[0] if naive_rows else float("nan")

    print()
    print(f"Slider key press -> response in Chromium + JupyterLab, {args.presses} presses each "
          f"(ms; median / p95)")
    print(f"targets: readout median <= {READOUT_TARGET_MS:g} ms, plot median <= "
          f"{PLOT_TARGET_MS:g} ms, plot >= {SPEEDUP_TARGET:g}x faster than the naive re-plot")
    header = f"{'explorer':44} {'readout med/p95':>16} {'plot med/p95':>16} {'naive/plot':>10}  targets"
    print(header)
    print("-" * len(header))
    for name, r in results:
        if "error" in r:
            print(f"{name:44} {'-':>16} {'-':>16} {'-':>10}  ERROR: {r['error']}")
            continue
        rm, rp = stats(r["readout"])
        pm, pp = stats(r["plot"])
        miss = f" ({r['missed']} presses got no response)" if r["missed"] else ""
        if name.startswith("naive"):
            print(f"{name:44} {rm:7.1f} / {rp:6.1f} {pm:7.1f} / {pp:6.1f} {'1.00x':>10}  "
                  f"(baseline: new <img> loaded){miss}")
            continue
        ratio = naive_med / pm if pm else float("nan")
        ok = [f"readout {'ok' if rm <= READOUT_TARGET_MS else 'MISSED'}",
              f"plot {'ok' if pm <= PLOT_TARGET_MS else 'MISSED'}",
              f"speedup {'ok' if ratio >= SPEEDUP_TARGET else 'MISSED'}"]
        print(f"{name:44} {rm:7.1f} / {rp:6.1f} {pm:7.1f} / {pp:6.1f} {ratio:9.2f}x  "
              f"{', '.join(ok)}{miss}")

    if not args.no_execute_timing:
        print()
        print("Executing each notebook top to bottom (nbclient, fresh kernel):")
        for name, secs, status in time_notebooks(notebooks):
            print(f"  {name:44} {secs:7.1f} s  {status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
