"""Explorers of notebook 02: binary cross-entropy for one prediction and for a batch."""
from __future__ import annotations

import numpy as np

from ..gradients import bce_grad_logits, bce_grad_p
from ..information import cross_entropy, surprisal
from ..losses import binary_cross_entropy
from ..plotting import COLORS, label_line, probability_grid
from . import _controls as ui
from ._base import Explorer, check_value, fmt


def _logit(p):
    # z with sigmoid(z) = p, written with surprisals: ln p - ln(1 - p)
    return surprisal(1 - p) - surprisal(p)


def _check_target(name, t):
    if isinstance(t, (bool, np.bool_)) or t not in (0, 1):
        raise ValueError(f"{name} must be 1 or 0 (the class of the sample); got {t!r}")
    return int(t)


class BCEExplorer(Explorer):
    r"""Drag a prediction p, flip the target t; read the loss and both gradients.

    Left: the two branches of :math:`L(t, p) = -(t \ln p + (1-t)\ln(1-p))`
    with a marker on the active one (drag it along the curve).  Right: the
    gradient with respect to the logit, :math:`\partial L/\partial z = p - t`,
    which stays between -1 and 1 while :math:`\partial L/\partial p` explodes.

    Parameters
    ----------
    p : float
        Predicted probability of class 1, in [0.001, 0.999].
    t : int
        The target, 1 or 0.

    Examples
    --------
    >>> from celearn.widgets import BCEExplorer
    >>> ex = BCEExplorer(p=0.5, t=1)
    >>> ex.p.value = 0.001
    >>> ex.readout_text.split(";")[0]
    't = 1, p = 0.001 → loss = −ln p = 6.908 nats = 9.966 bits'
    """

    name = "bce"
    trend = "down"  # for t = 1; with t = 0 the loss rises with p (see scene)
    static_controls = ("t",)  # the active branch is drawn solid

    def __init__(self, p=0.8, t=1):
        p = check_value("p", p, 0.001, 0.999, what="the predicted probability of class 1")
        t = _check_target("t", t)
        self.p = ui.FloatSlider(p, min=0.001, max=0.999, step=0.001, readout_format=".3f",
                                description="p")
        self.t = ui.ToggleButtons(
            options=[("t = 1", 1), ("t = 0", 0)], value=t, description="target",
            tooltips=["the sample is of class 1", "the sample is of class 0"])
        super().__init__({"p": self.p, "t": self.t}, figsize=(8.0, 3.2))

    def build(self, fig):
        t = self.t.value
        left, right = fig.subplots(1, 2, width_ratios=[1.4, 1])
        self.ax, self.ax_grad = left, right
        grid = probability_grid(lo=1e-3, hi=0.999)
        left.plot(grid, surprisal(grid), color=COLORS["ce"], alpha=1.0 if t == 1 else 0.3)
        left.plot(grid, surprisal(1 - grid), color=COLORS["wrong"], alpha=1.0 if t == 0 else 0.3)
        label_line(left, 0.03, 4.6, r"$t=1$: $-\ln p$", color=COLORS["ce"])
        label_line(left, 0.97, 4.6, r"$t=0$: $-\ln(1-p)$", color=COLORS["wrong"],
                   dx=-6, ha="right")
        left.set_xlim(0, 1)
        left.set_ylim(0, 7.4)
        left.set_xlabel("predicted probability $p$ of class 1")
        left.set_ylabel("loss (nats)")
        left.set_title("BCE: the active branch is solid")
        ends = np.array([0.0, 1.0])
        right.plot(ends, ends - 1, color=COLORS["ce"], alpha=1.0 if t == 1 else 0.3)
        right.plot(ends, ends, color=COLORS["wrong"], alpha=1.0 if t == 0 else 0.3)
        right.axhline(0, color=COLORS["neutral"], lw=0.8)
        right.set_xlim(0, 1)
        right.set_ylim(-1.1, 1.1)
        right.set_xlabel("predicted probability $p$")
        right.set_ylabel(r"$\partial L/\partial z = p - t$")
        right.set_title("gradient w.r.t. the logit")

    def scene(self, state):
        p, t = float(state["p"]), int(state["t"])
        trend = "down" if t == 1 else "up"      # how the loss moves when p grows
        loss = float(binary_cross_entropy(t, p))
        bits = float(cross_entropy([t, 1 - t], [p, 1 - p], base=2))
        dl_dp = float(bce_grad_p(t, p))
        dl_dz = float(bce_grad_logits(t, _logit(p)))
        right = p > 0.6
        high = loss > 6.2                 # near the top: the label goes under the marker
        marks = [
            {"kind": "line", "x": [p, p], "y": [0.0, loss], "role": "guide"},
            {"kind": "text", "x": p, "y": loss, "text": f"{fmt(loss)} nats",
             "dx": -10 if right else 10, "dy": -8 if high else 8,
             "ha": "right" if right else "left", "va": "top" if high else "baseline",
             "role": "label"},
            {"kind": "dot", "ax": 1, "x": p, "y": dl_dz, "r": 5, "color": COLORS["marker"]},
            {"kind": "dot", "key": "marker", "x": p, "y": loss, "role": "marker", "drag": "p",
             "label": "p on the active loss branch",
             "valuetext": f"p = {p:.3f}"},
        ]
        formula = "−ln p" if t == 1 else "−ln(1 − p)"
        readout = (f"t = {t}, p = {p:.3f} → loss = {formula} = "
                   + self.key(loss, f"{fmt(loss)} nats", trend)
                   + f" = {fmt(bits)} bits; dL/dp = {fmt(dl_dp)}; "
                   f"dL/dz = p − t = {fmt(dl_dz)}")
        return {"marks": marks, "readout": readout, "value": loss}

    def drag(self, mark, x, y, state):
        return {"p": x}           # the marker moves along the active branch


class BCEExampleExplorer(Explorer):
    """Edit the predictions of the worked example; the per-sample table and total follow.

    Pick a sample, drag its predicted probability (with the slider, or by dragging
    the end of its bar: the bar's length is its loss): its bar, the table row and
    the total loss of the batch update at once.

    Parameters
    ----------
    t, p : array-like, optional
        Targets (0/1) and predictions in [0.01, 0.99]; default: the worked example
        of notebook 02 (``celearn.datasets``).
    sample : int
        The sample (1-based) the slider edits first.

    Examples
    --------
    >>> from celearn.widgets import BCEExampleExplorer
    >>> ex = BCEExampleExplorer(sample=5)
    >>> round(ex.key_value, 6)
    4.460303
    >>> ex.p.value = 0.15          # sample 5 (t = 0) now predicted 0.15
    >>> round(ex.key_value, 3)
    2.727
    """

    name = "bce-example"
    trend = "up"  # the default sample (5) has t = 0; see scene

    def __init__(self, t=None, p=None, *, sample=5):
        from .. import datasets

        if (t is None) != (p is None):
            raise ValueError("pass both t and p (targets and predictions), or neither for "
                             "the worked example of notebook 02")
        if t is None:
            t, p = datasets.bce_example()
        targets = np.asarray(t, dtype=float).ravel()
        preds = np.asarray(p, dtype=float).ravel()
        if len(targets) != len(preds) or len(targets) == 0:
            raise ValueError(f"t and p must have the same non-zero length; got {len(targets)} "
                             f"targets and {len(preds)} predictions")
        if len(targets) > 20:
            raise ValueError(f"the explorer shows at most 20 samples; got {len(targets)}: "
                             "pass a slice such as t[:10], p[:10]")
        if not np.isin(targets, (0, 1)).all():
            raise ValueError("t must hold 0/1 targets; got "
                             f"{targets[~np.isin(targets, (0, 1))][0]!r}")
        for i, v in enumerate(preds):
            check_value(f"p[{i}]", v, 0.01, 0.99, what="the slider's range")
        n = len(preds)
        if isinstance(sample, (bool, np.bool_)) or sample not in range(1, n + 1):
            raise ValueError(f"sample must be a sample number from 1 to {n} (1-based, as in "
                             f"the table); got {sample!r}")
        self.targets, self.preds = targets, np.round(preds, 2)
        self.p = ui.FloatSlider(float(self.preds[sample - 1]), min=0.01, max=0.99, step=0.01,
                                readout_format=".2f", description="p")
        self.sample = ui.Dropdown(
            options=[(f"sample {i + 1} (t = {self.targets[i]:g})", i + 1) for i in range(n)],
            value=sample, description="editing")
        super().__init__({"p": self.p, "sample": self.sample}, figsize=(6.4, 3.2))

    def build(self, fig):
        ax = self.ax = fig.add_subplot()
        rows = np.arange(len(self.preds))
        ax.set_yticks(rows, [f"#{i + 1}" for i in rows])
        ax.set_ylim(len(rows) - 0.5, -0.5)            # sample 1 on top
        ax.set_xlim(0, 6.6)
        ax.set_xlabel("loss of the sample (nats); blue: t = 1, vermillion: t = 0")
        ax.set_ylabel("sample")
        ax.set_title("Per-sample loss of the batch")

    def params_for_browser(self):
        return {"targets": self.targets.tolist(), "preds": self.preds.tolist()}

    def react(self, name, state):
        """A chosen sample shows its own prediction on the slider (mirrors ``react`` in JS)."""
        if name == "sample":
            return {"p": float(self.preds[int(state["sample"]) - 1])}
        return None

    def state_changed(self, old, new):
        # the slider edits the chosen sample's prediction: the batch keeps the edit
        i = int(new["sample"]) - 1
        if old and old.get("sample") == new["sample"] and self.preds[i] != new["p"]:
            self.preds[i] = new["p"]
            self.params = {**self.params, "preds": self.preds.tolist()}

    def scene(self, state):
        i = int(state["sample"]) - 1
        preds = self.preds.copy()
        preds[i] = state["p"]                 # the slider is the edited sample's prediction
        t = self.targets
        trend = "down" if t[i] == 1 else "up"
        losses = binary_cross_entropy(t, preds, reduction="none")
        total = float(binary_cross_entropy(t, preds, reduction="sum"))
        mean = float(binary_cross_entropy(t, preds))
        marks = []
        for j, loss in enumerate(losses):
            loss = float(loss)
            marks.append({"kind": "rect", "key": f"bar{j}", "x0": 0.0, "x1": loss,
                          "y0": j - 0.4, "y1": j + 0.4,
                          "color": COLORS["ce"] if t[j] == 1 else COLORS["wrong"],
                          "edge": "#000000" if j == i else None})
            marks.append({"kind": "text", "key": f"label{j}", "x": loss, "y": float(j),
                          "text": f"t={t[j]:g}, p={preds[j]:.2f}: {loss:.3f}",
                          "dx": 9 if j == i else 4,
                          "dy": 0, "ha": "left", "va": "center", "role": "value",
                          "weight": "bold" if j == i else "normal"})
        marks.append({"kind": "text", "key": "total", "x": 1.0, "y": 1.02, "coords": "axes",
                      "text": f"total {total:.3f} nats, mean {mean:.3f}", "dx": 0, "dy": 0,
                      "ha": "right", "va": "bottom", "size": 10, "color": "#000000"})
        marks.append({"kind": "dot", "key": "handle", "x": float(losses[i]), "y": float(i),
                      "r": 5, "color": COLORS["marker"], "drag": "loss",
                      "label": f"loss of sample {i + 1}: drag to change its prediction",
                      "valuetext": f"p = {preds[i]:.2f}"})
        rows = "\n".join(
            f'<tr style="font-weight:{"bold" if j == i else "normal"}">'
            f"<td>{j + 1}</td> <td>{t[j]:g}</td> <td>{preds[j]:.2f}</td> "
            f"<td>{losses[j]:.3f}</td></tr>"
            for j in range(len(losses)))
        table = ('<table class="celearn-table" style="font-size:90%">'
                 "<caption>per-sample loss</caption>\n<tr><th>sample</th> <th>t</th> "
                 f"<th>p</th> <th>loss (nats)</th></tr>\n{rows}</table>")
        readout = (f"Sample {i + 1} (t = {t[i]:g}) predicted p = {preds[i]:.2f} "
                   f"costs {losses[i]:.3f} nats. Total loss of the batch: "
                   + self.key(total, f"{fmt(total)} nats", trend)
                   + f", mean {fmt(mean)} nats per sample.\n" + table)
        return {"marks": marks, "readout": readout, "value": total}

    def drag(self, mark, x, y, state):
        # the bar's length is the loss: invert it for the edited sample's prediction
        i = int(state["sample"]) - 1
        loss = max(float(x), 0.0)
        p = np.exp(-loss) if self.targets[i] == 1 else -np.expm1(-loss)
        return {"p": float(p)}


__all__ = ["BCEExplorer", "BCEExampleExplorer"]
