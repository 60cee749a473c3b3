"""The explorers of notebook 10: focal loss (drag γ) and label smoothing (drag ε)."""
from __future__ import annotations

import math

import numpy as np

from ..information import entropy
from ..plotting import COLORS, label_line
from ..practice import (
    focal_curve,
    focal_factor,
    optimal_logit_gap,
    smoothed_target,
    smoothing_loss_curve,
)
from . import _controls as ui
from ._base import Explorer, check_value, fmt

#: the p_t grid of the focal curves (the browser uses the same one)
FOCAL_GRID = (0.01, 0.99, 99)
#: the logit-gap grid of the label-smoothing curve
GAP_GRID = (0.0, 14.0, 141)


def _slider(value, lo, hi, step, description, fmt_=".2f", width="300px"):
    return ui.FloatSlider(
        value=value, min=lo, max=hi, step=step, description=description,
        readout_format=fmt_, continuous_update=True)


class FocalExplorer(Explorer):
    r"""Drag γ and watch the focal loss :math:`-(1 - p_t)^\gamma \ln p_t` shrink the easy examples.

    Left: the loss against :math:`p_t`, the probability of the true class (grey:
    cross-entropy, γ = 0). Right: the weight :math:`(1 - p_t)^\gamma` each example
    keeps. The marker (drag it, or use the p_t slider) is one example.

    Parameters
    ----------
    gamma : float
        Focusing parameter, in [0, 5].
    p_t : float
        The example's probability of the true class, in [0.01, 0.99].

    Examples
    --------
    >>> from celearn.widgets import FocalExplorer
    >>> ex = FocalExplorer(gamma=2.0, p_t=0.9)
    >>> ex.readout_text
    'γ = 2.0, p_t = 0.90: focal loss 0.001 nats (cross-entropy 0.105), weight (1 − p_t)^γ = 0.010'
    >>> ex.gamma.value = 0.0
    >>> ex.key_value
    1.0
    """

    name = "focal"
    trend = "down"  # a larger γ leaves an example less weight

    def __init__(self, gamma=2.0, p_t=0.9):
        gamma = check_value("gamma", gamma, 0.0, 5.0, what="the focusing parameter γ")
        p_t = check_value("p_t", p_t, 0.01, 0.99, what="a probability of the true class")
        self.gamma = _slider(gamma, 0.0, 5.0, 0.1, "γ", ".1f")
        self.p_t = _slider(p_t, 0.01, 0.99, 0.01, "p_t")
        super().__init__({"gamma": self.gamma, "p_t": self.p_t}, figsize=(8.4, 3.1))

    def build(self, fig):
        left, right = fig.subplots(1, 2)
        p = np.linspace(*FOCAL_GRID)
        left.plot(p, focal_curve(p, 0.0), color=COLORS["neutral"], lw=1.5)
        label_line(left, 0.06, float(focal_curve(0.06, 0.0)), "cross-entropy (γ = 0)",
                   color="#555555")
        left.set_xlim(0, 1)
        left.set_ylim(0, 4.7)
        left.set_xlabel("probability of the true class, $p_t$")
        left.set_ylabel("loss (nats)")
        left.set_title("focal loss")
        right.axhline(1.0, color=COLORS["neutral"], lw=1, ls=":")
        right.axvspan(0.6, 1, color=COLORS["neutral"], alpha=0.12, lw=0)
        right.text(0.8, 1.04, "easy", ha="center", color="#555555", fontsize=9)
        right.set_xlim(0, 1)
        right.set_ylim(0, 1.1)
        right.set_xlabel("probability of the true class, $p_t$")
        right.set_ylabel(r"weight $(1 - p_t)^\gamma$")
        right.set_title("what each example keeps")

    def scene(self, state):
        gamma, p_t = float(state["gamma"]), float(state["p_t"])
        grid = np.linspace(*FOCAL_GRID)
        loss = focal_curve(grid, gamma)
        weight = focal_factor(grid, gamma)
        here, ce = float(focal_curve(p_t, gamma)), float(focal_curve(p_t, 0.0))
        w = float(focal_factor(p_t, gamma))
        marks = [
            {"kind": "line", "x": grid.tolist(), "y": loss.tolist(), "color": COLORS["ce"], "lw": 2},
            {"kind": "line", "ax": 1, "x": grid.tolist(), "y": weight.tolist(),
             "color": COLORS["p"], "lw": 2},
            {"kind": "line", "ax": 1, "x": [p_t, p_t], "y": [0.0, w], "role": "guide"},
            {"kind": "dot", "ax": 1, "x": p_t, "y": w, "r": 5, "color": COLORS["p"]},
            {"kind": "text", "ax": 1, "x": p_t, "y": w, "text": fmt(w),
             "dx": -8 if p_t > 0.8 else 8, "dy": 6, "ha": "right" if p_t > 0.8 else "left",
             "role": "label"},
            {"kind": "dot", "key": "marker", "x": p_t, "y": here, "role": "marker", "drag": "p_t",
             "label": "the example's p_t",
             "valuetext": f"p_t = {p_t:.2f}"},
        ]
        readout = (f"γ = {gamma:.1f}, p_t = {p_t:.2f}: focal loss {fmt(here)} nats "
                   f"(cross-entropy {fmt(ce)}), weight (1 − p_t)^γ = "
                   + self.key(w, fmt(w)))
        return {"marks": marks, "readout": readout, "value": w}

    def drag(self, mark, x, y, state):
        if mark != "p_t":
            return super().drag(mark, x, y, state)
        return {"p_t": x}  # the marker moves along the loss curve: its x is p_t


class SmoothingExplorer(Explorer):
    r"""Drag ε and watch label smoothing set a floor on the loss at a finite logit gap.

    Left: the smoothed target :math:`(1 - \varepsilon)\,t + \varepsilon/K`. Right:
    the loss of logits :math:`(g, 0, \dots, 0)` (true class first) against the gap
    :math:`g`; its minimum is :math:`H(t_\text{smooth})` at
    :math:`g^* = \ln\bigl((1 - \varepsilon + \varepsilon/K)/(\varepsilon/K)\bigr)`.

    Parameters
    ----------
    eps : float
        Label smoothing ε, in [0, 0.5].
    num_classes : int
        K, the number of classes (fixed for the explorer).

    Examples
    --------
    >>> from celearn.widgets import SmoothingExplorer
    >>> ex = SmoothingExplorer(eps=0.1)
    >>> ex.readout_text
    'ε = 0.10, K = 10: target 0.910 for the true class, 0.010 for each other; floor H(t_smooth) = 0.500 nats at gap 4.511'
    >>> ex.eps.value = 0.0
    >>> ex.key_value
    0.0
    """

    name = "smoothing"
    draggable = False   # ε is set with its slider; the figure has no mark to drag
    trend = "up"  # more smoothing, a higher floor

    def __init__(self, eps=0.1, num_classes=10):
        eps = check_value("eps", eps, 0.0, 0.5, what="the label smoothing ε")
        k = check_value("num_classes", num_classes, 2, 20, what="the number of classes K")
        if k != int(k):
            raise ValueError(f"num_classes must be a whole number in [2, 20]; got {num_classes!r}")
        self.num_classes = int(k)
        self.eps = _slider(eps, 0.0, 0.5, 0.01, "ε")
        super().__init__({"eps": self.eps}, figsize=(8.4, 3.1))

    def params_for_browser(self):
        return {"K": self.num_classes, "gaps": list(GAP_GRID)}

    def build(self, fig):
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.4]})
        k = self.num_classes
        left.set_xlim(-0.6, k - 0.4)
        left.set_ylim(0, 1.1)
        left.set_xticks(range(k), ["true"] + [""] * (k - 1))
        left.set_xlabel(f"class (K = {k})")
        left.set_ylabel("target probability")
        left.set_title("smoothed target")
        gaps = np.linspace(*GAP_GRID)
        right.plot(gaps, smoothing_loss_curve(gaps, 0.0, k), color=COLORS["neutral"], lw=1.5)
        label_line(right, 9.0, float(smoothing_loss_curve([9.0], 0.0, k)[0]), "ε = 0",
                   color="#555555", dy=8, va="bottom")
        right.set_xlim(0, 14)
        right.set_ylim(0, 2.6)
        right.set_xlabel("logit gap $g$, true class − others")
        right.set_ylabel("loss (nats)")
        right.set_title("the loss has a floor")

    def scene(self, state):
        eps, k = float(state["eps"]), self.num_classes
        target = smoothed_target(0, k, eps)
        gaps = np.linspace(*GAP_GRID)
        loss = smoothing_loss_curve(gaps, eps, k)
        floor = float(entropy(target))
        gap = optimal_logit_gap(eps, k)
        marks = [{"kind": "rect", "x0": i - 0.35, "x1": i + 0.35, "y0": 0.0,
                  "y1": float(target[i]), "color": COLORS["true"] if i == 0 else COLORS["wrong"]}
                 for i in range(k)]
        marks.append({"kind": "text", "x": 0.0, "y": float(target[0]), "text": fmt(target[0]),
                      "dx": 0, "dy": 4, "ha": "center", "role": "value"})
        marks.append({"kind": "line", "ax": 1, "x": gaps.tolist(), "y": loss.tolist(),
                      "color": COLORS["ce"], "lw": 2})
        if math.isfinite(gap):
            marks.append({"kind": "dot", "ax": 1, "x": gap, "y": floor, "r": 5,
                          "color": COLORS["marker"]})
            marks.append({"kind": "text", "ax": 1, "x": gap, "y": floor,
                          "text": f"H = {fmt(floor)}", "dx": 0, "dy": -14, "ha": "center",
                          "role": "value"})
            where = f"at gap {fmt(gap)}"
        else:
            where = "(reached only as the gap grows forever)"
        readout = (f"ε = {eps:.2f}, K = {k}: target {fmt(target[0])} for the true class, "
                   f"{fmt(target[1])} for each other; floor H(t_smooth) = "
                   + self.key(floor, f"{fmt(floor)} nats") + f" {where}")
        return {"marks": marks, "readout": readout, "value": floor}
