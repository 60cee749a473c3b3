"""Does this notebook front end draw widgets?  The setup check of notebook 00.

:func:`frontend_check` shows a tiny widget.  Where the widget front end works it
draws a green line ("explorers will be live"); where it is missing, the front end
falls back to the HTML that goes with the widget, which says what to install.
"""
from __future__ import annotations

import anywidget
import traitlets

MISSING = ("✘ No live widget here. In a saved view (GitHub, nbviewer) that is expected: "
           "run the notebook to make the explorers live. If you ran this cell and still "
           "see this line, the widget front end is missing and the explorers will show as "
           "pictures only: install it in the environment that runs Jupyter with "
           "pip install 'ipywidgets>=8.1.1' 'anywidget>=0.9', then reload the page.")
WORKS = "✔ The widget front end works: the explorers will be live."

_ESM = """
function render({ model, el }) {
  const line = document.createElement("div");
  line.className = "celearn-frontend-check";
  line.textContent = model.get("message");
  line.style.cssText = "color:#029e73;font-weight:bold;padding:2px 0";
  el.append(line);
  model.set("seen", true);
  model.save_changes();
}
export default { render };
"""


class FrontendCheck(anywidget.AnyWidget):
    """A one-line widget: green where widgets work; its fallback says what to install."""

    _esm = _ESM
    message = traitlets.Unicode(WORKS).tag(sync=True)
    #: set to True by the browser once it has drawn the widget
    seen = traitlets.Bool(False).tag(sync=True)

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        if data is None:
            return None
        if isinstance(data, tuple):
            data = data[0]
        data["text/plain"] = MISSING
        data["text/html"] = (f'<div class="celearn-frontend-missing" style="color:#d55e00;'
                             f'font-weight:bold">{MISSING}</div>')
        return data

    def __repr__(self):
        return f"<FrontendCheck: seen by a browser: {self.seen}>"


def frontend_check():
    """A widget that says whether this front end draws the course's explorers.

    Examples
    --------
    >>> from celearn.widgets import frontend_check
    >>> check = frontend_check()
    >>> check.seen          # no browser has drawn it yet
    False
    """
    return FrontendCheck()
