"""Explorers of notebook 02: binary cross-entropy for one prediction and for a batch."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..gradients import bce_grad_logits, bce_grad_p
from ..information import cross_entropy, surprisal
from ..losses import binary_cross_entropy
from ..plotting import COLORS, label_line, probability_grid
from ._base import Explorer, fmt


def _logit(p):
    # z with sigmoid(z) = p, written with surprisals: ln p - ln(1 - p)
    return surprisal(1 - p) - surprisal(p)


class BCEExplorer(Explorer):
    r"""Drag a prediction p, flip the target t; read the loss and both gradients.

    Left: the two branches of :math:`L(t, p) = -(t \ln p + (1-t)\ln(1-p))`
    with a marker on the active one.  Right: the gradient with respect to the
    logit, :math:`\partial L/\partial z = p - t`, which stays between -1 and 1
    while :math:`\partial L/\partial p` explodes.

    Parameters
    ----------
    p : float
        Predicted probability of class 1, in [0.001, 0.999] on a 0.001 grid.
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
    trend = "down"  # for t = 1; with t = 0 the loss rises with p (see update)

    def __init__(self, p=0.8, t=1):
        self.p = widgets.FloatSlider(
            value=p, min=0.001, max=0.999, step=0.001, readout_format=".3f",
            description="p", continuous_update=True,
            style={"description_width": "2em"}, layout=widgets.Layout(width="420px"),
        )
        self.t = widgets.ToggleButtons(
            options=[("t = 1", 1), ("t = 0", 0)], value=t, description="target",
            tooltips=["the sample is of class 1", "the sample is of class 0"],
            style={"description_width": "4em", "button_width": "4.5em"},
        )
        super().__init__([self.p, self.t], figsize=(8.0, 3.2))

    def build(self, fig):
        left, right = fig.subplots(1, 2, width_ratios=[1.4, 1])
        self.ax, self.ax_grad = left, right
        grid = probability_grid(lo=1e-3, hi=0.999)
        self.branch = {
            1: left.plot(grid, surprisal(grid), color=COLORS["ce"])[0],
            0: left.plot(grid, surprisal(1 - grid), color=COLORS["wrong"])[0],
        }
        label_line(left, 0.03, 4.6, r"$t=1$: $-\ln p$", color=COLORS["ce"])
        label_line(left, 0.97, 4.6, r"$t=0$: $-\ln(1-p)$", color=COLORS["wrong"],
                   dx=-6, ha="right")
        self.guide, = left.plot([], [], ls="--", lw=1, color=COLORS["neutral"])
        self.marker, = left.plot([], [], "o", color=COLORS["marker"], zorder=5)
        self.note = left.annotate("", (0, 0), xytext=(10, 8), textcoords="offset points",
                                  fontsize=10)
        left.set_xlim(0, 1)
        left.set_ylim(0, 7.4)
        left.set_xlabel("predicted probability $p$ of class 1")
        left.set_ylabel("loss (nats)")
        left.set_title("BCE: the active branch is solid")

        ends = np.array([0.0, 1.0])
        self.grad_line = {
            1: right.plot(ends, ends - 1, color=COLORS["ce"])[0],
            0: right.plot(ends, ends, color=COLORS["wrong"])[0],
        }
        right.axhline(0, color=COLORS["neutral"], lw=0.8)
        self.grad_marker, = right.plot([], [], "o", color=COLORS["marker"], zorder=5)
        right.set_xlim(0, 1)
        right.set_ylim(-1.1, 1.1)
        right.set_xlabel("predicted probability $p$")
        right.set_ylabel(r"$\partial L/\partial z = p - t$")
        right.set_title("gradient w.r.t. the logit")
        self.dynamic_artists = (self.guide, self.marker, self.note, self.grad_marker)
        self._shown_t = None

    def update(self):
        p, t = self.p.value, self.t.value
        # how the loss moves when p grows depends on the target
        self.trend = "down" if t == 1 else "up"
        loss = float(binary_cross_entropy(t, p))
        bits = float(cross_entropy([t, 1 - t], [p, 1 - p], base=2))
        dl_dp = float(bce_grad_p(t, p))
        dl_dz = float(bce_grad_logits(t, _logit(p)))
        if t != self._shown_t:
            self._shown_t = t
            self.render_all_next()  # the branches' shading changed
        for which in (0, 1):
            active = which == t
            self.branch[which].set_alpha(1.0 if active else 0.3)
            self.grad_line[which].set_alpha(1.0 if active else 0.3)
        self.marker.set_data([p], [loss])
        self.guide.set_data([p, p], [0, loss])
        self.grad_marker.set_data([p], [dl_dz])
        self.note.xy = (p, loss)
        self.note.set_text(f"{fmt(loss)} nats")
        right_side = p > 0.6
        self.note.set_ha("right" if right_side else "left")
        self.note.set_position((-10 if right_side else 10, 8))
        formula = "−ln p" if t == 1 else "−ln(1 − p)"
        return (f"t = {t}, p = {p:.3f} → loss = {formula} = "
                + self.key(loss, f"{fmt(loss)} nats")
                + f" = {fmt(bits)} bits; dL/dp = {fmt(dl_dp)}; "
                f"dL/dz = p − t = {fmt(dl_dz)}")


class BCEExampleExplorer(Explorer):
    """Edit the predictions of the worked example; the per-sample table and total follow.

    Pick a sample, drag its predicted probability: its bar, the table row and
    the total loss of the batch update at once.

    Parameters
    ----------
    t, p : array-like, optional
        Targets (0/1) and predictions; default: the worked example of
        notebook 02 (``celearn.datasets``).
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
    trend = "up"  # the default sample (5) has t = 0; see update

    def __init__(self, t=None, p=None, *, sample=5):
        from .. import datasets

        if t is None or p is None:
            t, p = datasets.bce_example()
        self.targets = np.asarray(t, dtype=float)
        self.preds = np.array(p, dtype=float)
        n = len(self.preds)
        self._syncing = False
        self.p = widgets.FloatSlider(
            value=float(self.preds[sample - 1]), min=0.01, max=0.99, step=0.01,
            readout_format=".2f", description="p", continuous_update=True,
            style={"description_width": "2em"}, layout=widgets.Layout(width="380px"),
        )
        self.sample = widgets.Dropdown(
            options=[(f"sample {i + 1} (t = {self.targets[i]:g})", i + 1) for i in range(n)],
            value=sample, description="editing",
            style={"description_width": "4.5em"}, layout=widgets.Layout(width="16em"),
        )
        super().__init__([self.p, self.sample], figsize=(6.4, 3.2))

    def build(self, fig):
        ax = self.ax = fig.add_subplot()
        rows = np.arange(len(self.preds))
        colors = [COLORS["ce"] if t == 1 else COLORS["wrong"] for t in self.targets]
        self.bars = ax.barh(rows, np.zeros(len(rows)), color=colors, edgecolor="black",
                            linewidth=0)
        self.labels = [ax.annotate("", (0, i), xytext=(4, 0), textcoords="offset points",
                                   va="center", fontsize=9) for i in rows]
        ax.set_yticks(rows, [f"#{i + 1}" for i in rows])
        ax.invert_yaxis()
        ax.set_xlim(0, 6.6)
        ax.set_xlabel("loss of the sample (nats); blue t = 1, red t = 0")
        ax.set_ylabel("sample")
        self.title = ax.set_title(" ")
        # the y spine last: the bars start on it and a full render draws it on top
        self.dynamic_artists = (*self.bars, *self.labels, self.title, ax.spines["left"])

    def _on_change(self, change):
        if change["owner"] is self.sample:
            # show the chosen sample's prediction on the slider without editing it
            self._syncing = True
            self.p.value = float(self.preds[self.sample.value - 1])
            self._syncing = False
        elif self._syncing:
            return
        else:
            self.preds[self.sample.value - 1] = self.p.value
        super()._on_change(change)

    def update(self):
        i = self.sample.value - 1
        self.trend = "down" if self.targets[i] == 1 else "up"
        losses = binary_cross_entropy(self.targets, self.preds, reduction="none")
        total = float(binary_cross_entropy(self.targets, self.preds, reduction="sum"))
        mean = float(binary_cross_entropy(self.targets, self.preds))
        for j, (bar, label, loss) in enumerate(zip(self.bars, self.labels, losses)):
            bar.set_width(loss)
            bar.set_linewidth(2.0 if j == i else 0.0)
            label.xy = (loss, j)
            label.set_text(f"t={self.targets[j]:g}, p={self.preds[j]:.2f}: {loss:.3f}")
            label.set_fontweight("bold" if j == i else "normal")
        self.title.set_text(f"total {total:.3f} nats, mean {mean:.3f}")
        rows = "\n".join(
            f'<tr style="font-weight:{"bold" if j == i else "normal"}">'
            f"<td>{j + 1}</td> <td>{self.targets[j]:g}</td> <td>{self.preds[j]:.2f}</td> "
            f"<td>{losses[j]:.3f}</td></tr>"
            for j in range(len(losses)))
        table = ('<table class="celearn-table" style="font-size:90%">'
                 "<caption>per-sample loss</caption>\n<tr><th>sample</th> <th>t</th> "
                 f"<th>p</th> <th>loss (nats)</th></tr>\n{rows}</table>")
        return (f"Sample {i + 1} (t = {self.targets[i]:g}) predicted p = {self.p.value:.2f} "
                f"costs {losses[i]:.3f} nats. Total loss of the batch: "
                + self.key(total, f"{fmt(total)} nats")
                + f", mean {fmt(mean)} nats per sample.\n" + table)


__all__ = ["BCEExplorer", "BCEExampleExplorer"]
