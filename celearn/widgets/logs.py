"""The log explorer of notebook 01: drag p, watch -log p explode."""
from __future__ import annotations

from ..information import surprisal
from ..plotting import COLORS, label_line, probability_grid
from . import _controls as ui
from ._base import Explorer, check_value, fmt


class LogExplorer(Explorer):
    r"""Drag a probability p and read its surprisal :math:`-\ln p` (nats and bits).

    The marker on the curve can be dragged too (or focused and moved with the
    arrow keys).

    Parameters
    ----------
    p : float
        Starting probability, in [0.001, 0.999].

    Examples
    --------
    >>> from celearn.widgets import LogExplorer
    >>> ex = LogExplorer(p=0.5)
    >>> ex.p.value = 0.25
    >>> ex.readout_text
    'p = 0.250 → −ln p = 1.386 nats = 2.000 bits'
    """

    name = "log"
    trend = "down"  # more probability, less surprise

    def __init__(self, p=0.25):
        p = check_value("p", p, 0.001, 0.999, what="a probability")
        self.p = ui.FloatSlider(p, min=0.001, max=0.999, step=0.001, readout_format=".3f",
                                description="p")
        super().__init__({"p": self.p}, figsize=(6.0, 3.0))

    def build(self, fig):
        ax = self.ax = fig.add_subplot()
        grid = probability_grid(lo=1e-3, hi=0.999)
        ax.plot(grid, surprisal(grid), color=COLORS["ce"])
        label_line(ax, 0.06, float(surprisal(0.06)), r"$-\ln p$", color=COLORS["ce"])
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 7.2)
        ax.set_xlabel("probability given to what happened, $p$")
        ax.set_ylabel(r"surprisal $-\ln p$ (nats)")
        ax.set_title("Surprisal explodes as $p \\to 0$")

    def scene(self, state):
        p = float(state["p"])
        nats = float(surprisal(p))
        bits = float(surprisal(p, base=2))
        right = p > 0.6
        high = nats > 6.0                 # near the top: the label goes under the marker
        marks = [
            {"kind": "line", "x": [p, p], "y": [0.0, nats], "role": "guide"},
            {"kind": "text", "x": p, "y": nats, "text": f"{fmt(nats)} nats",
             "dx": -10 if right else 10, "dy": -8 if high else 8,
             "ha": "right" if right else "left", "va": "top" if high else "baseline",
             "role": "label"},
            {"kind": "dot", "key": "marker", "x": p, "y": nats, "role": "marker", "drag": "p",
             "label": "p on the surprisal curve",
             "valuetext": f"p = {p:.3f}"},
        ]
        readout = (f"p = {p:.3f} → −ln p = " + self.key(nats, f"{fmt(nats)} nats")
                   + f" = {fmt(bits)} bits")
        return {"marks": marks, "readout": readout, "value": nats}

    def drag(self, mark, x, y, state):
        return {"p": x}           # the marker moves along the curve: its x is p
