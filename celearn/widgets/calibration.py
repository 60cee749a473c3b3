"""Explorer of notebook 09: temperature scaling, with its reliability diagram."""
from __future__ import annotations

import numpy as np

from ..activations import softmax
from ..calibration import (_label_rows, fit_temperature, reliability_bins, temperature_nll)
from ..plotting import COLORS
from . import _controls as ui
from ._base import Explorer, check_value, fmt

T_MIN, T_MAX = 0.25, 8.0


def _demo_data():
    """Overconfident logits with known truth: 3 × the true log-posterior of 2000 points."""
    from ..datasets import make_gaussian_classes

    data = make_gaussian_classes(2000, num_classes=3, separation=3.0, seed=3)
    return data.y, 3.0 * np.log(data.p_true)


class TemperatureExplorer(Explorer):
    r"""Drag a temperature T: reliability diagram, ECE, NLL and accuracy of ``softmax(z / T)``.

    Left: the reliability diagram of the top-label confidences (bars: accuracy per
    bin, hatched: the gap to the bin's mean confidence). Right: the mean NLL over
    T and, in a third panel, the ECE over T, with the fitted T marked. The accuracy never changes: z / T keeps every sample's largest logit.

    Parameters
    ----------
    t : array_like of int, shape (N,), optional
        Labels of held-out samples (N <= 20000).
    z : array_like, shape (N, K), optional
        Their logits. Without t and z: 2000 points of three Gaussian classes whose
        logits are 3 × the true log-posterior (overconfident by exactly T = 3).
    T : float
        Starting temperature, in [0.25, 8].
    T_fit : float, optional
        The temperature to mark; by default :func:`celearn.calibration.fit_temperature`
        of t and z.
    n_bins : int
        Bins of the diagram and the ECE (1 ... 30).

    Examples
    --------
    >>> from celearn.widgets import TemperatureExplorer
    >>> ex = TemperatureExplorer()
    >>> ex.T.value = 3.0
    >>> ex.key_value < TemperatureExplorer().key_value     # NLL lower at T = 3 than at T = 1
    True
    """

    name = "temperature"
    trend = "any"
    draggable = True

    def __init__(self, t=None, z=None, *, T=1.0, T_fit=None, n_bins=10):
        if (t is None) != (z is None):
            raise ValueError("pass both t and z (labels and logits of held-out samples), "
                             "or neither for the built-in example")
        if t is None:
            t, z = _demo_data()
        t, z = _label_rows(t, z, "z", "logits")
        if len(t) > 20000:
            raise ValueError(f"t and z hold {len(t)} samples; the explorer sends them to the "
                             "browser, so pass at most 20000 (e.g. t[:5000], z[:5000])")
        if isinstance(n_bins, (bool, np.bool_)) or not isinstance(n_bins, (int, np.integer)) \
                or not 1 <= n_bins <= 30:
            raise ValueError(f"n_bins must be a whole number from 1 to 30; got {n_bins!r}")
        T = check_value("T", T, T_MIN, T_MAX, what="a temperature")
        self.t, self.z, self.n_bins = t, z.astype(np.float64), int(n_bins)
        self.T_fit = fit_temperature(t, z) if T_fit is None else \
            check_value("T_fit", T_fit, 1e-6, 1e6, what="the temperature to mark")
        self.T = ui.FloatSlider(value=T, min=T_MIN, max=T_MAX, step=0.01, description="T",
                                     readout_format=".2f", continuous_update=True)
        super().__init__({"T": self.T}, figsize=(9.6, 3.5))

    def params_for_browser(self):
        return {"t": self.t.tolist(), "z": self.z.tolist(), "n_bins": self.n_bins,
                "T_fit": float(self.T_fit), "nll_top": float(self.nll_top)}

    def build(self, fig):
        left, right, third = fig.subplots(1, 3, width_ratios=[1, 1.1, 1.1])
        left.plot([0, 1], [0, 1], ls="--", color=COLORS["neutral"], lw=1.2)
        left.set_xlim(0, 1)
        left.set_ylim(0, 1)
        left.set_aspect("equal")
        left.set_xlabel("confidence (top-label probability)")
        left.set_ylabel("accuracy in the bin")
        left.set_title("reliability diagram")
        Ts = np.geomspace(T_MIN, T_MAX, 41)
        nll = np.array([temperature_nll(self.t, self.z, T) for T in Ts])
        ece = np.array([reliability_bins(self.t, softmax(self.z / T), n_bins=self.n_bins).ece
                        for T in Ts])
        self.nll_top = float(min(nll.max(), 4 * nll.min() + 1))
        ticks = [0.25, 0.5, 1, 2, 4, 8]
        for ax, y, color, top in [(right, nll, COLORS["ce"], 1.05 * self.nll_top),
                                  (third, ece, COLORS["wrong"], 1.1 * float(ece.max()) + 1e-3)]:
            ax.plot(Ts, y, color=color)
            ax.set_xscale("log")
            ax.set_xlim(T_MIN, T_MAX)
            ax.set_ylim(0, top)
            ax.set_xticks(ticks, [f"{v:g}" for v in ticks])
            ax.minorticks_off()
            ax.axvline(self.T_fit, color=COLORS["true"], ls="--", lw=1.2)
            ax.annotate(f"fitted T = {self.T_fit:.2f}", (self.T_fit, 0.03),
                        xycoords=("data", "axes fraction"), xytext=(4, 0),
                        textcoords="offset points", color=COLORS["true"], fontsize=9)
            ax.set_xlabel("temperature $T$ (log scale)")
        right.set_ylabel("mean NLL (nats)")
        right.set_title("NLL over T (drag the dot)")
        third.set_ylabel(f"ECE ({self.n_bins} bins)")
        third.set_title("ECE over T")

    def scene(self, state):
        T = float(state["T"])
        p = softmax(self.z / T)
        bins = reliability_bins(self.t, p, n_bins=self.n_bins)
        nll = temperature_nll(self.t, self.z, T)
        accuracy = float(np.mean(p.argmax(axis=1) == self.t))
        width = 1.0 / self.n_bins
        marks = []
        for m in range(self.n_bins):
            if bins.count[m] == 0:
                continue
            lo = m * width
            acc, conf = float(bins.accuracy[m]), float(bins.confidence[m])
            marks.append({"kind": "rect", "x0": lo, "x1": lo + width, "y0": 0.0, "y1": acc,
                          "color": COLORS["ce"], "alpha": 0.85, "edge": "#ffffff"})
            marks.append({"kind": "rect", "x0": lo, "x1": lo + width, "y0": acc, "y1": conf,
                          "color": COLORS["wrong"], "alpha": 0.35, "edge": COLORS["wrong"]})
        marks.append({"kind": "text", "x": 0.04, "y": 0.93, "coords": "axes",
                      "text": f"ECE = {fmt(bins.ece)}", "color": "#000000", "size": 11,
                      "weight": "bold"})
        marks.append({"kind": "line", "ax": 1, "x": [T, T], "y": [0.0, 1.05 * self.nll_top],
                      "role": "guide"})
        marks.append({"kind": "dot", "ax": 2, "x": T, "y": bins.ece, "r": 4,
                      "color": COLORS["wrong"]})
        marks.append({"kind": "dot", "key": "marker", "ax": 1, "x": T,
                      "y": min(nll, 1.05 * self.nll_top), "role": "marker",
                      "drag": "T", "label": "the temperature T", "valuetext": f"T = {T:.2f}"})
        readout = (f"T = {T:.2f}: NLL = " + self.key(nll, f"{fmt(nll)} nats")
                   + f", ECE = {fmt(bins.ece)}, accuracy {fmt(accuracy)} (never changes: "
                   f"z / T keeps each sample's largest logit); fitted T = {self.T_fit:.2f}")
        return {"marks": marks, "readout": readout, "value": nll}

    def drag(self, mark, x, y, state):
        return {"T": x}
