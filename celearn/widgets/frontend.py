"""Does this notebook front end draw the explorers?  The setup check of notebook 00.

:func:`frontend_check` shows a small box with three possible faces:

* the widget front end works (ipywidgets' and anywidget's): a green line, "explorers
  will be live";
* no widget front end at all (a saved view, or Jupyter without ipywidgets' front end):
  the front end falls back to the HTML that goes with the widget, which says what to
  install;
* ipywidgets' front end without anywidget's (anywidget installed in the kernel's
  environment only, or an old Jupyter): ipywidgets draws the box but not the explorer
  widget inside it, which shows as a bare "Click to show javascript error" (as every
  explorer of the course would).  A note drawn by ipywidgets above it says so and what to
  install; where anywidget's front end works, the line it draws hides that note (a CSS
  rule in the note, and the line's own script where the browser lacks ``:has()``).

:func:`check_course_folder` is 00's check that the course map's notebooks are beside it;
a notebook opened on its own (as Colab opens one from GitHub) is told where the rest is
instead of failing.
"""
from __future__ import annotations

from pathlib import Path

import anywidget
import ipywidgets as widgets
import traitlets

INSTALL = "pip install 'ipywidgets>=8.1.1' 'anywidget>=0.9'"
MISSING = ("✘ No live widget here. In a saved view (GitHub, nbviewer) that is expected: "
           "run the notebook to make the explorers live. If you ran this cell and still "
           "see this line, the widget front end is missing and the explorers will show as "
           "pictures only: install it in the environment that runs Jupyter with "
           f"{INSTALL}, then reload the page.")
NO_ANYWIDGET = ("✘ This front end draws ipywidgets but not anywidget, so the box below "
                "shows “Click to show javascript error” instead of a green line, and every "
                "explorer of the course will show the same box. Install anywidget's front "
                "end in the environment that runs Jupyter (the server's, which may not be "
                f"the kernel's): {INSTALL}, then restart Jupyter and reload the page.")
WORKS = "✔ The widget front end works: the explorers will be live."

_SETUP_CLASS = "celearn-setup-check"
_NOTE_CLASS = "celearn-anywidget-missing"
_LINE_CLASS = "celearn-frontend-check"

# Hidden as soon as anywidget's line exists in the same box (no round trip to the kernel).
_NOTE_HTML = (f"<style>.{_SETUP_CLASS}:has(.{_LINE_CLASS}) .{_NOTE_CLASS} "
              "{ display: none; }</style>"
              f'<div class="{_NOTE_CLASS}" role="alert" style="color:#b03a00;font-weight:bold;'
              f'white-space:normal;line-height:1.4">{NO_ANYWIDGET}</div>')

_ESM = """
function render({ model, el }) {
  const line = document.createElement("div");
  line.className = "%(line)s";
  line.textContent = model.get("message");
  line.style.cssText = "color:#027a5a;font-weight:bold;padding:2px 0";
  el.append(line);
  // browsers without :has(): remove the "anywidget is missing" note once attached
  const drop = (tries) => {
    const box = el.closest(".%(setup)s");
    if (box) {
      box.querySelectorAll(".%(note)s").forEach((n) => n.remove());
    } else if (tries > 0) {
      requestAnimationFrame(() => drop(tries - 1));
    }
  };
  drop(120);
  model.set("seen", true);
  model.save_changes();
}
export default { render };
""" % {"line": _LINE_CLASS, "setup": _SETUP_CLASS, "note": _NOTE_CLASS}


def _with_fallback(data):
    """Add the no-widget fallbacks (plain text, HTML) to a widget's mime bundle."""
    if data is None:
        return None
    if isinstance(data, tuple):
        data = data[0]
    data["text/plain"] = MISSING
    data["text/html"] = (f'<div class="celearn-frontend-missing" style="color:#b03a00;'
                         f'font-weight:bold">{MISSING}</div>')
    return data


class FrontendCheck(anywidget.AnyWidget):
    """The green line: drawn only where anywidget's front end works."""

    _esm = _ESM
    message = traitlets.Unicode(WORKS).tag(sync=True)
    #: set to True by the browser once it has drawn the line
    seen = traitlets.Bool(False).tag(sync=True)

    def _repr_mimebundle_(self, **kwargs):
        return _with_fallback(super()._repr_mimebundle_(**kwargs))

    def __repr__(self):
        return f"<FrontendCheck: seen by a browser: {self.seen}>"


class SetupCheck(widgets.VBox):
    """00's setup check: the note "anywidget's front end is missing" over the green line."""

    def __init__(self):
        self.line = FrontendCheck()
        self.note = widgets.HTML(_NOTE_HTML)
        super().__init__([self.note, self.line])
        self.add_class(_SETUP_CLASS)

    @property
    def seen(self) -> bool:
        """True once a browser has drawn the green line (anywidget's front end works)."""
        return self.line.seen

    def _repr_mimebundle_(self, **kwargs):
        return _with_fallback(super()._repr_mimebundle_(**kwargs))

    def __repr__(self):
        return f"<SetupCheck: seen by a browser: {self.seen}>"


def frontend_check():
    """A widget that says whether this front end draws the course's explorers.

    Examples
    --------
    >>> from celearn.widgets import frontend_check
    >>> check = frontend_check()
    >>> check.seen          # no browser has drawn it yet
    False
    """
    return SetupCheck()


def check_course_folder(expected, folder="."):
    """Check that the course map's notebooks (``expected``, names without ``.ipynb``) are here.

    All present: prints "All notebooks present ✔".  None or only the first one present
    (a notebook opened on its own: Colab opens one from GitHub, in a folder without even
    that notebook's file): prints where the others are and returns without an error.
    Some present, some missing: raises :class:`celearn.claims.ClaimError` naming the
    missing ones.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "00-index.ipynb").write_text("{}")
    >>> check_course_folder(["00-index", "01-log-curves"], folder=d)   # doctest: +ELLIPSIS
    00-index is on its own here ...
    >>> _ = (d / "01-log-curves.ipynb").write_text("{}")
    >>> check_course_folder(["00-index", "01-log-curves"], folder=d)
    All notebooks present ✔
    >>> check_course_folder(["00-index", "01-log-curves", "02-bce"], folder=d)
    Traceback (most recent call last):
    ...
    celearn.claims.ClaimError: claim does not hold: every notebook of the course map is present
      stated:   []
      computed: ['02-bce']
    """
    from ..claims import check_claim

    if isinstance(expected, str) or not all(isinstance(n, str) for n in expected):
        raise ValueError(f"expected must be a list of notebook names (strings), got {expected!r}; "
                         "pass e.g. ['00-index', '01-log-curves']")
    expected = list(expected)
    if not expected:
        raise ValueError("expected is empty: pass the course map's notebook names")
    folder = Path(folder)
    missing = [name for name in expected if not (folder / f"{name}.ipynb").exists()]
    here = [name for name in expected if name not in missing]
    if missing and here in ([], expected[:1]):
        others = len([name for name in missing if name != expected[0]])
        print(f"{expected[0]} is on its own here (as when Colab opens one notebook from "
              f"GitHub): the other {others} notebooks of the course map are not in this "
              "folder, so its links to them lead nowhere. Open each one the same way (they "
              "are in the repository's notebooks/ folder), or get the whole course with "
              "git clone https://github.com/celearn/celearn and open it in Jupyter.")
        return
    check_claim("every notebook of the course map is present", missing, [])
    print("All notebooks present ✔")
