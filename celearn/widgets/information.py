"""The distribution explorer of notebook 06: two distributions p and q, H(p), H(p, q), KL."""
from __future__ import annotations

import math

import numpy as np

from ..information import cross_entropy, entropy, kl_divergence
from ..plotting import COLORS
from . import _controls as ui
from ._base import Explorer, fmt

_FLOOR = 0.01  # every probability stays >= 1%, so H(p, q) and KL stay finite
_XMAX = 2.5  # nats or bits: fits H(p) <= log 3 and typical H(p, q); longer bars stop at the edge, their numbers still shown
_STEPS = 100  # probabilities live on the 0.01 grid: whole hundredths
_NAMES = {"p0": "p₀", "p1": "p₁", "p2": "p₂", "q0": "q₀", "q1": "q₁", "q2": "q₂"}


def _slider(name, value):
    return ui.FloatSlider(value, min=_FLOOR, max=1 - 2 * _FLOOR, step=0.01,
                          readout_format=".2f", description=name)


def _hundredths(v):
    """A probability in whole hundredths, rounding half up (as the browser's scene)."""
    return int(math.floor(v * _STEPS + 0.5))


def _third(a, b):
    """The remainder 1 - a - b, rounded to 10 decimals like the sliders' values."""
    return round(1 - a - b, 10)


class DistributionExplorer(Explorer):
    r"""Two distributions over three outcomes: read :math:`H(p)`, :math:`H(p, q)` and :math:`D_{KL}(p\|q)`.

    Sliders set :math:`p_0, p_1` and :math:`q_0, q_1`; the third probability is
    the remainder, :math:`p_2 = 1 - p_0 - p_1`, so each distribution always sums
    to 1.  Every probability stays at least 0.01: when a slider would push the
    remainder below 0.01, the *other* slider of the same distribution gives way.
    The toggle switches every readout between nats and bits.

    The bars can be dragged too: drag the dot on top of a bar (or focus it and use
    the arrow keys) to set that probability.  Dragging bar 0 or 1 moves its
    slider, with the rule above; dragging bar 2 sets :math:`p_2` and takes the
    difference from :math:`p_1`, and :math:`p_0` gives way once :math:`p_1` is at 0.01.

    The figure shows the identity :math:`H(p, q) = H(p) + D_{KL}(p\|q)` as bars:

    .. math:: H(p) = -\sum_i p_i \ln p_i, \qquad
              H(p, q) = -\sum_i p_i \ln q_i, \qquad
              D_{KL}(p\|q) = \sum_i p_i \ln \frac{p_i}{q_i}.

    Parameters
    ----------
    p, q : sequence of 3 floats
        Starting distributions (each entry >= 0.01, summing to 1).
    unit : {"nats", "bits"}

    Examples
    --------
    >>> from celearn.widgets import DistributionExplorer
    >>> ex = DistributionExplorer(p=(0.5, 0.25, 0.25), q=(0.25, 0.25, 0.5), unit="bits")
    >>> ex.readout_text
    'p = (0.50, 0.25, 0.25), q = (0.25, 0.25, 0.50): H(p) = 1.500 bits, H(p, q) = 1.750 bits, KL(p‖q) = 0.250 bits = H(p, q) − H(p).'
    >>> ex.drag_to("q2", 2.2, 0.25)   # drag the top of q's third bar down to 0.25
    >>> ex.q
    array([0.25, 0.5 , 0.25])
    """

    name = "distribution"
    trend = "any"  # KL(p||q) falls as p0 approaches q0, then rises again
    static_controls = ("unit",)  # the axis label and the max-H line move

    def __init__(self, p=(0.6, 0.3, 0.1), q=(0.3, 0.4, 0.3), *, unit="nats"):
        for name, d in (("p", p), ("q", q)):
            try:
                values = [float(v) for v in d]
            except (TypeError, ValueError):
                raise ValueError(f"{name} must be a sequence of 3 probabilities, "
                                 f"got {d!r}") from None
            if (len(values) != 3 or not all(np.isfinite(values))
                    or min(values) < _FLOOR - 1e-9 or max(values[:2]) > 1 - 2 * _FLOOR + 1e-9
                    or abs(sum(values) - 1) > 1e-9):
                raise ValueError(f"{name} must be 3 probabilities >= {_FLOOR} summing to 1, "
                                 f"got {tuple(d)!r}; e.g. {name}=(0.6, 0.3, 0.1)")
        if unit not in ("nats", "bits"):
            raise ValueError(f"unit must be 'nats' or 'bits', got {unit!r}")
        self.p0, self.p1 = _slider("p₀", float(p[0])), _slider("p₁", float(p[1]))
        self.q0, self.q1 = _slider("q₀", float(q[0])), _slider("q₁", float(q[1]))
        self.unit = ui.ToggleButtons(options=["nats", "bits"], value=unit, description="unit",
                                     tooltips=["natural log", "log base 2"])
        super().__init__({"p0": self.p0, "p1": self.p1, "q0": self.q0, "q1": self.q1,
                          "unit": self.unit}, figsize=(8.2, 3.2))

    # -- the rule that keeps both distributions on the simplex -----------------------
    def react(self, name, state):
        """The other slider of the same distribution gives way to keep the remainder >= 0.01."""
        other = {"p0": "p1", "p1": "p0", "q0": "q1", "q1": "q0"}.get(name)
        if other is None or 1 - state[name] - state[other] >= _FLOOR - 1e-9:
            return None
        return {other: round(1 - _FLOOR - state[name], 10)}

    @property
    def p(self):
        """The current distribution p, shape (3,)."""
        return np.array([self.p0.value, self.p1.value, _third(self.p0.value, self.p1.value)])

    @property
    def q(self):
        """The current distribution q, shape (3,)."""
        return np.array([self.q0.value, self.q1.value, _third(self.q0.value, self.q1.value)])

    # -- figure ------------------------------------------------------------------------
    def build(self, fig):
        bars_ax, info_ax = self.bars_ax, self.info_ax = fig.subplots(
            1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
        x = np.arange(3)
        bars_ax.text(0.98, 0.97, "p", color=COLORS["p"], transform=bars_ax.transAxes,
                     ha="right", va="top", fontweight="bold", fontsize=12)
        bars_ax.text(0.98, 0.85, "q", color=COLORS["q"], transform=bars_ax.transAxes,
                     ha="right", va="top", fontweight="bold", fontsize=12)
        bars_ax.set_xticks(x, ["outcome 0", "outcome 1", "outcome 2"])
        bars_ax.set_ylim(0, 1.12)
        bars_ax.set_xlim(-0.6, 2.75)
        bars_ax.set_xlabel("outcome (drag a bar's top)")
        bars_ax.set_ylabel("probability")
        bars_ax.set_title("p (true) and q (model)")

        unit = self.unit.value
        hmax = float(entropy(np.full(3, 1 / 3), base=2 if unit == "bits" else None))
        info_ax.axvline(hmax, ls="--", lw=1, color=COLORS["neutral"], zorder=0.9)
        info_ax.text(hmax + 0.02 * _XMAX, -0.72, f"max H = log 3 = {fmt(hmax)}", fontsize=8,
                     color=COLORS["neutral"], ha="left", va="center")
        info_ax.set_yticks([0, 1], ["H(p)", "H(p, q)"])
        info_ax.set_ylim(-0.9, 1.9)
        info_ax.set_xlim(0, _XMAX)
        info_ax.set_xlabel(unit)
        info_ax.set_title("H(p, q) = H(p) + KL(p‖q)")

    def scene(self, state):
        p = np.array([state["p0"], state["p1"], _third(state["p0"], state["p1"])])
        q = np.array([state["q0"], state["q1"], _third(state["q0"], state["q1"])])
        unit = state["unit"]
        base = 2 if unit == "bits" else None
        h = float(entropy(p, base=base))
        hpq = float(cross_entropy(p, q, base=base))
        kl = float(kl_divergence(p, q, base=base))

        marks = []
        for name, d, shift in (("p", p, -0.2), ("q", q, 0.2)):
            color = COLORS[name]
            for i, v in enumerate(d):
                v = float(v)
                c = i + shift
                marks.append({"kind": "rect", "key": f"{name}-bar{i}", "x0": c - 0.19,
                              "x1": c + 0.19, "y0": 0.0, "y1": v, "color": color})
                marks.append({"kind": "text", "key": f"{name}-text{i}", "x": c, "y": v,
                              "text": f"{v:.2f}", "dx": 0, "dy": 6, "ha": "center",
                              "va": "bottom", "size": 8, "color": "#000000"})
        for name, d, shift in (("p", p, -0.2), ("q", q, 0.2)):
            for i, v in enumerate(d):
                mark = f"{name}{i}"
                marks.append({"kind": "dot", "key": f"{mark}-handle", "x": i + shift,
                              "y": float(v), "r": 4.5, "color": COLORS[name], "edge": "#ffffff",
                              "drag": mark,
                              "label": f"{_NAMES[mark]}: drag the bar's top to set it",
                              "valuetext": f"{_NAMES[mark]} = {float(v):.2f}"})
        top = _XMAX
        marks += [
            {"kind": "rect", "ax": 1, "key": "h", "x0": 0.0, "x1": min(h, top), "y0": -0.3,
             "y1": 0.3, "color": COLORS["p"]},
            {"kind": "rect", "ax": 1, "key": "hpq-base", "x0": 0.0, "x1": min(h, top),
             "y0": 0.7, "y1": 1.3, "color": COLORS["p"], "alpha": 0.45},
            {"kind": "rect", "ax": 1, "key": "kl", "x0": min(h, top), "x1": min(h + kl, top),
             "y0": 0.7, "y1": 1.3, "color": COLORS["wrong"]},
            {"kind": "text", "ax": 1, "key": "h-text", "x": min(h + 0.03 * top, top * 0.86),
             "y": 0.0, "text": fmt(h), "dx": 0, "dy": 0, "ha": "left", "va": "center",
             "role": "value"},
            {"kind": "text", "ax": 1, "key": "hpq-text", "x": min(hpq + 0.03 * top, top * 0.86),
             "y": 1.0, "text": fmt(hpq), "dx": 0, "dy": 0, "ha": "left", "va": "center",
             "role": "value"},
            {"kind": "text", "ax": 1, "key": "kl-text", "x": min(h + kl / 2, top * 0.9),
             "y": 1.32, "text": f"KL = {fmt(kl)}", "dx": 0, "dy": 0, "ha": "center",
             "va": "bottom", "role": "value", "color": COLORS["wrong"], "weight": "bold"},
        ]
        same = " (q = p: no extra cost)" if np.allclose(p, q) else ""
        readout = (f"p = ({p[0]:.2f}, {p[1]:.2f}, {p[2]:.2f}), "
                   f"q = ({q[0]:.2f}, {q[1]:.2f}, {q[2]:.2f}): "
                   f"H(p) = {fmt(h)} {unit}, H(p, q) = {fmt(hpq)} {unit}, "
                   + self.key(kl, f"KL(p‖q) = {fmt(kl)} {unit}")
                   + f" = H(p, q) − H(p){same}.")
        return {"marks": marks, "readout": readout, "value": kl}

    def drag(self, mark, x, y, state):
        """Dragging the top of bar ``mark`` ("p0" … "q2") to height y (x is ignored)."""
        if mark not in _NAMES:
            raise ValueError(f"DistributionExplorer has no draggable mark {mark!r}; "
                             f"use one of {sorted(_NAMES)}")
        d, i = mark[0], int(mark[1])
        k = min(max(_hundredths(y), 1), _STEPS - 2)            # the new value, 0.01 … 0.98
        a, b = _hundredths(state[f"{d}0"]), _hundredths(state[f"{d}1"])
        if i == 0:
            a = k
            b = min(b, _STEPS - 1 - a)          # the other slider gives way
        elif i == 1:
            b = k
            a = min(a, _STEPS - 1 - b)
        else:                                   # p2 = k: p1 takes the difference first
            b = _STEPS - k - a
            if b < 1:
                b, a = 1, _STEPS - 1 - k
        return {f"{d}0": a / _STEPS, f"{d}1": b / _STEPS}
