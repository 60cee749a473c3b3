"""The distribution explorer of notebook 06: two distributions p and q, H(p), H(p, q), KL."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle

from ..information import cross_entropy, entropy, kl_divergence
from ..plotting import COLORS
from ._base import Explorer, fmt
from .stability import freeze_text_positions

_FLOOR = 0.01  # every probability stays >= 1%, so H(p, q) and KL stay finite
_XMAX = 5.0  # same axis for nats and bits (no full redraw on toggle); longer bars run off


def _slider(name, value):
    return widgets.FloatSlider(
        value=value, min=_FLOOR, max=1 - 2 * _FLOOR, step=0.01, readout_format=".2f",
        description=name, continuous_update=True,
        style={"description_width": "1.6em"}, layout=widgets.Layout(width="240px"),
    )


class DistributionExplorer(Explorer):
    r"""Two distributions over three outcomes: read :math:`H(p)`, :math:`H(p, q)` and :math:`D_{KL}(p\|q)`.

    Sliders set :math:`p_1, p_2` and :math:`q_1, q_2`; the third probability is
    the remainder, :math:`p_3 = 1 - p_1 - p_2`, so each distribution always sums
    to 1.  Every probability stays at least 0.01: when a slider would push the
    remainder below 0.01, the *other* slider of the same distribution gives way.
    The toggle switches every readout between nats and bits.

    Parameters
    ----------
    p, q : sequence of 3 floats
        Starting distributions (on the 0.01 grid, each entry >= 0.01).
    unit : {"nats", "bits"}

    Examples
    --------
    >>> from celearn.widgets import DistributionExplorer
    >>> ex = DistributionExplorer(p=(0.5, 0.25, 0.25), q=(0.25, 0.25, 0.5), unit="bits")
    >>> ex.readout_text
    'p = (0.50, 0.25, 0.25), q = (0.25, 0.25, 0.50): H(p) = 1.500 bits, H(p, q) = 1.750 bits, KL(p‖q) = 0.250 bits = H(p, q) − H(p).'
    """

    name = "distribution"
    trend = "any"  # KL(p||q) falls as p1 approaches q1, then rises again

    def __init__(self, p=(0.6, 0.3, 0.1), q=(0.3, 0.4, 0.3), unit="nats"):
        for name, d in (("p", p), ("q", q)):
            if len(d) != 3 or min(d) < _FLOOR - 1e-9 or abs(sum(d) - 1) > 1e-9:
                raise ValueError(f"{name} must be 3 probabilities >= {_FLOOR} summing to 1, "
                                 f"got {tuple(d)!r}")
        if unit not in ("nats", "bits"):
            raise ValueError(f"unit must be 'nats' or 'bits', got {unit!r}")
        self.p1, self.p2 = _slider("p₁", p[0]), _slider("p₂", p[1])
        self.q1, self.q2 = _slider("q₁", q[0]), _slider("q₂", q[1])
        self.unit = widgets.ToggleButtons(
            options=["nats", "bits"], value=unit, description="unit",
            style={"description_width": "2.5em", "button_width": "4em"},
            tooltips=["natural log", "log base 2"])
        self._pairs = {self.p1: self.p2, self.p2: self.p1, self.q1: self.q2, self.q2: self.q1}
        self._adjusting = False
        super().__init__([self.p1, self.p2, self.q1, self.q2, self.unit], figsize=(8.2, 3.2))
        freeze_text_positions(self.fig)

    # -- the rule that keeps both distributions on the simplex -----------------------
    def _on_change(self, change):
        if self._adjusting:
            return
        other = self._pairs.get(change["owner"])
        if other is not None and 1 - change["new"] - other.value < _FLOOR - 1e-9:
            self._adjusting = True
            try:
                other.value = round(1 - _FLOOR - change["new"], 10)
            finally:
                self._adjusting = False
        super()._on_change(change)

    @property
    def p(self):
        """The current distribution p, shape (3,)."""
        return np.array([self.p1.value, self.p2.value,
                         round(1 - self.p1.value - self.p2.value, 10)])

    @property
    def q(self):
        """The current distribution q, shape (3,)."""
        return np.array([self.q1.value, self.q2.value,
                         round(1 - self.q1.value - self.q2.value, 10)])

    # -- figure ------------------------------------------------------------------------
    def build(self, fig):
        bars_ax, info_ax = self.bars_ax, self.info_ax = fig.subplots(
            1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
        x = np.arange(3)
        self.p_bars = bars_ax.bar(x - 0.2, [0, 0, 0], width=0.38, color=COLORS["p"])
        self.q_bars = bars_ax.bar(x + 0.2, [0, 0, 0], width=0.38, color=COLORS["q"])
        self.p_texts = [bars_ax.text(i - 0.2, 0, "", ha="center", va="bottom", fontsize=8)
                        for i in x]
        self.q_texts = [bars_ax.text(i + 0.2, 0, "", ha="center", va="bottom", fontsize=8)
                        for i in x]
        bars_ax.text(0.98, 0.97, "p", color=COLORS["p"], transform=bars_ax.transAxes,
                     ha="right", va="top", fontweight="bold", fontsize=12)
        bars_ax.text(0.98, 0.85, "q", color=COLORS["q"], transform=bars_ax.transAxes,
                     ha="right", va="top", fontweight="bold", fontsize=12)
        bars_ax.set_xticks(x, ["outcome 1", "outcome 2", "outcome 3"])
        bars_ax.set_ylim(0, 1.12)
        bars_ax.set_xlim(-0.6, 2.75)
        bars_ax.set_xlabel("outcome")
        bars_ax.set_ylabel("probability")
        bars_ax.set_title("p (true) and q (model)")

        # H(p) as one bar; H(p, q) as H(p) plus the KL extra on top of it
        self.h_bar = Rectangle((0, -0.3), 0, 0.6, color=COLORS["p"])
        self.hpq_base = Rectangle((0, 0.7), 0, 0.6, color=COLORS["p"], alpha=0.45)
        self.kl_bar = Rectangle((0, 0.7), 0, 0.6, color=COLORS["wrong"])
        for patch in (self.h_bar, self.hpq_base, self.kl_bar):
            info_ax.add_patch(patch)
        self.h_text = info_ax.text(0, 0, "", va="center", fontsize=9)
        self.hpq_text = info_ax.text(0, 1, "", va="center", fontsize=9)
        self.kl_text = info_ax.text(0, 1.5, "", va="bottom", ha="center", fontsize=9,
                                    color=COLORS["wrong"], fontweight="bold")
        self.max_line = info_ax.axvline(0, ls="--", lw=1, color=COLORS["neutral"], zorder=0.9)
        self.max_text = info_ax.text(0, -0.72, "", fontsize=8, color=COLORS["neutral"],
                                     ha="left", va="center")
        # everything update() moves is blitted over a cached background
        self.dynamic_artists = (self.max_line, self.max_text,  # first: under the bars
                                *self.p_bars, *self.q_bars, *self.p_texts, *self.q_texts,
                                self.h_bar, self.hpq_base, self.kl_bar, self.h_text,
                                self.hpq_text, self.kl_text, info_ax.xaxis.label,
                                # the spines the bars touch: drawn last, as in a full render
                                bars_ax.spines["bottom"], info_ax.spines["left"])
        info_ax.set_yticks([0, 1], ["H(p)", "H(p, q)"])
        info_ax.set_ylim(-0.9, 1.9)
        info_ax.set_xlim(0, _XMAX)
        info_ax.set_xlabel("nats")
        info_ax.set_title("H(p, q) = H(p) + KL(p‖q)")

    def update(self):
        p, q, unit = self.p, self.q, self.unit.value
        base = 2 if unit == "bits" else None
        h = float(entropy(p, base=base))
        hpq = float(cross_entropy(p, q, base=base))
        kl = float(kl_divergence(p, q, base=base))
        hmax = float(entropy(np.full(3, 1 / 3), base=base))

        for bars, texts, d in ((self.p_bars, self.p_texts, p), (self.q_bars, self.q_texts, q)):
            for bar, text, v in zip(bars, texts, d):
                bar.set_height(v)
                text.set_y(v + 0.01)
                text.set_text(f"{v:.2f}")

        self.h_bar.set_width(h)
        self.hpq_base.set_width(h)
        self.kl_bar.set_x(h)
        self.kl_bar.set_width(kl)
        xmax = _XMAX
        self.h_text.set_position((min(h + 0.03 * xmax, xmax * 0.86), 0))
        self.h_text.set_text(fmt(h))
        self.hpq_text.set_position((min(hpq + 0.03 * xmax, xmax * 0.86), 1))
        self.hpq_text.set_text(fmt(hpq))
        self.kl_text.set_position((min(h + kl / 2, xmax * 0.9), 1.32))
        self.kl_text.set_text(f"KL = {fmt(kl)}")
        self.max_line.set_xdata([hmax, hmax])
        self.max_text.set_position((hmax + 0.02 * xmax, -0.72))
        self.max_text.set_text(f"max H = log 3 = {fmt(hmax)}")
        self.info_ax.xaxis.label.set_text(unit)

        same = " (q = p: no extra cost)" if np.allclose(p, q) else ""
        return (f"p = ({p[0]:.2f}, {p[1]:.2f}, {p[2]:.2f}), "
                f"q = ({q[0]:.2f}, {q[1]:.2f}, {q[2]:.2f}): "
                f"H(p) = {fmt(h)} {unit}, H(p, q) = {fmt(hpq)} {unit}, "
                + self.key(kl, f"KL(p‖q) = {fmt(kl)} {unit}")
                + f" = H(p, q) − H(p){same}.")
