"""00's setup check in JupyterLab, with and without anywidget's front end.

With both widget front ends (ipywidgets' and anywidget's) the check draws its green line and
no warning. With ipywidgets' front end but anywidget's lab extension disabled (as when
anywidget is installed only in the kernel's environment), the check's widget shows ipywidgets'
bare "Click to show javascript error" box, and the check's note above it must be visible and
say what to install.
"""

from __future__ import annotations

import json

import pytest

import lab_harness as h

pytestmark = pytest.mark.browser

PATH = "notebooks/00-index.ipynb"
RUN_TIMEOUT = 120

JS_CHECK = """
() => {
  const box = document.querySelector('.celearn-setup-check');
  const visible = (el) => !!el && el.getClientRects().length > 0 &&
      getComputedStyle(el).display !== 'none' && getComputedStyle(el).visibility !== 'hidden';
  const note = box && box.querySelector('.celearn-anywidget-missing');
  const line = box && box.querySelector('.celearn-frontend-check');
  return {box: !!box, note: visible(note) ? note.innerText : null,
          line: visible(line) ? line.innerText : null,
          text: box ? box.innerText : document.body.innerText.slice(0, 500)};
}
"""


def _run_00(rec, server):
    page = rec.page
    page.goto(f"{server.url}/lab/tree/{PATH}?reset", timeout=RUN_TIMEOUT * 1000)
    status = {"last": None}

    def ready():
        status["last"] = page.evaluate(h.JS_NOTEBOOK_STATUS, PATH)
        return status["last"] == "ready"

    rec.wait_for(ready, lambda: f"{PATH} to open with its kernel idle ({status['last']})",
                 RUN_TIMEOUT, 250)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    run = {"last": None}

    def ran():
        run["last"] = s = page.evaluate(h.JS_RUN_STATUS, PATH)
        return s["kernel"] == "idle" and s["pending"] == 0

    rec.wait_for(ran, lambda: f"the cells of {PATH} to run (last: {run['last']})", RUN_TIMEOUT, 250)


def test_setup_check_is_green_where_anywidget_draws(lab, recorder_factory):
    lab.delete_sessions()
    rec = recorder_factory(lab, "frontend-check-works")
    try:
        _run_00(rec, lab)
        last = {}

        def green():
            last.update(rec.page.evaluate(JS_CHECK))
            return last["line"] and last["note"] is None

        rec.wait_for(green, lambda: f"the green line without the 'anywidget is missing' note "
                     f"(last: {last})", 30)
        assert "widget front end works" in last["line"]
    finally:
        lab.delete_sessions()


def test_setup_check_explains_a_missing_anywidget_front_end(browser, recorder_factory):
    with h.server_home("celearn-lab-noanywidget-") as home:
        # Lab's own switch: a lab extension listed here is not loaded by the page.
        labconfig = home / "config" / "labconfig"
        labconfig.mkdir(parents=True, exist_ok=True)
        (labconfig / "page_config.json").write_text(
            json.dumps({"disabledExtensions": {"anywidget": True}}))
        server = h.start_lab(home)
        try:
            rec = recorder_factory(server, "frontend-check-no-anywidget")
            _run_00(rec, server)
            last = {}

            def explained():
                last.update(rec.page.evaluate(JS_CHECK))
                return last["note"] and "Click to show javascript error" in last["text"]

            rec.wait_for(explained, lambda: "the 'anywidget is missing' note over ipywidgets' "
                         f"error box (last: {last})", 30)
            assert last["line"] is None, last          # anywidget's line cannot have drawn
            note = last["note"]
            assert "pip install" in note and "'anywidget>=0.9'" in note, note
            assert "Click to show javascript error" in note, note  # names the box it explains
            rec.shot("", rec.page.locator(".celearn-setup-check"))
        finally:
            server.stop()
