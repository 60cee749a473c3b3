"""The log explorer of notebook 01: drag p, watch -log p explode."""
from __future__ import annotations

import ipywidgets as widgets

from ..information import surprisal
from ..plotting import COLORS, label_line, probability_grid
from ._base import Explorer, fmt


class LogExplorer(Explorer):
    r"""Drag a probability p and read its surprisal :math:`-\ln p` (nats and bits).

    Parameters
    ----------
    p : float
        Starting probability, in [0.001, 0.999] on a 0.001 grid.

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
        self.p = widgets.FloatSlider(
            value=p, min=0.001, max=0.999, step=0.001, readout_format=".3f",
            description="p", continuous_update=True,
            style={"description_width": "2em"}, layout=widgets.Layout(width="420px"),
        )
        super().__init__([self.p], figsize=(6.0, 3.0))

    def build(self, fig):
        ax = self.ax = fig.add_subplot()
        grid = probability_grid(lo=1e-3, hi=0.999)
        ax.plot(grid, surprisal(grid), color=COLORS["ce"])
        label_line(ax, 0.06, float(surprisal(0.06)), r"$-\ln p$", color=COLORS["ce"])
        self.guide, = ax.plot([], [], ls="--", lw=1, color=COLORS["neutral"])
        self.marker, = ax.plot([], [], "o", color=COLORS["marker"])
        self.note = ax.annotate("", (0, 0), xytext=(10, 8), textcoords="offset points",
                                fontsize=10)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 7.2)
        ax.set_xlabel("probability given to what happened, $p$")
        ax.set_ylabel(r"surprisal $-\ln p$ (nats)")
        ax.set_title("Surprisal explodes as $p \\to 0$")
        self.dynamic_artists = (self.guide, self.marker, self.note)

    def update(self):
        p = self.p.value
        nats = float(surprisal(p))
        bits = float(surprisal(p, base=2))
        self.marker.set_data([p], [nats])
        self.guide.set_data([p, p], [0, nats])
        self.note.xy = (p, nats)
        self.note.set_text(f"{fmt(nats)} nats")
        self.note.set_ha("right" if p > 0.6 else "left")
        self.note.set_position((-10 if p > 0.6 else 10, 8))
        return (f"p = {p:.3f} → −ln p = "
                + self.key(nats, f"{fmt(nats)} nats")
                + f" = {fmt(bits)} bits")
