"""The probability-triangle explorer of notebook 03: drag a 3-class prediction.

Every prediction over three classes is a point of a triangle (the simplex):
the corners are certain predictions, the centre is (1/3, 1/3, 1/3).  The
triangle is coloured by the categorical cross-entropy for the chosen true
class, so dragging the point away from the true corner shows the loss grow
and, near the opposite edge, explode.
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..information import surprisal
from ..losses import categorical_cross_entropy
from ..plotting import (COLORS, LOSS_CMAP, draw_simplex, simplex_from_xy, simplex_loss_image,
                        simplex_xy)
from ._base import Explorer, fmt

#: every probability is kept at least this large, so the loss stays finite
FLOOR = 0.001


def set_one(p, j, value, *, floor=FLOOR):
    """Set ``p[j] = value`` and rescale the others so the three still sum to 1.

    The others keep their proportions above ``floor`` (each stays >= floor);
    this is how one slider moves the other two.

    Examples
    --------
    >>> set_one([0.5, 0.3, 0.2], 0, 0.8).round(4).tolist()
    [0.8, 0.1199, 0.0801]
    """
    p = np.array(p, dtype=float)
    others = [i for i in range(len(p)) if i != j]
    excess = p[others] - floor
    room = 1.0 - value - floor * len(others)
    share = excess / excess.sum() if excess.sum() > 0 else np.full(len(others), 1 / len(others))
    p[j] = value
    p[others] = floor + room * share
    return p


class TriangleExplorer(Explorer):
    r"""Drag a point in the probability triangle; read the loss for the true class.

    The triangle is coloured by :math:`-\ln p_k` for the true class k (the
    toggle).  Drag the black point with the mouse, or use the three sliders
    (moving one rescales the other two so they still sum to 1); the bar chart
    shows the prediction p.  Each probability is kept at least 0.001, so a
    point dragged onto or past the far edge stops there with a loss of
    -ln 0.001 = 6.908 nats instead of infinity.

    Parameters
    ----------
    p : sequence of 3 floats
        The starting prediction (each at least 0.001, summing to 1).
    true_class : int
        0, 1 or 2.
    labels : sequence of 3 str
        Class names.

    Examples
    --------
    >>> from celearn.widgets import TriangleExplorer
    >>> ex = TriangleExplorer()
    >>> ex.drag_to(*ex.xy_of([0.2, 0.3, 0.5]))
    >>> ex.probabilities.round(3).tolist()
    [0.2, 0.3, 0.5]
    >>> round(ex.key_value, 3)   # -ln 0.2
    1.609
    """

    name = "triangle"
    trend = "down"  # first slider = p of class 0, the default true class; see update

    def __init__(self, p=(0.5, 0.25, 0.25), true_class=0, labels=("panda", "seal", "duck")):
        self.labels = tuple(labels)
        self.probs = np.array(p, dtype=float)
        self._syncing = False
        self._dragging = False
        self._shown = None
        self.sliders = [
            widgets.FloatSlider(
                value=float(pk), min=FLOOR, max=1 - 2 * FLOOR, step=0.001,
                readout_format=".3f", description=f"p({name})", continuous_update=True,
                style={"description_width": "5em"}, layout=widgets.Layout(width="330px"))
            for pk, name in zip(self.probs, self.labels)
        ]
        self.true_class = widgets.ToggleButtons(
            options=[(name, k) for k, name in enumerate(self.labels)], value=true_class,
            description="true class", style={"description_width": "6em",
                                             "button_width": "5em"})
        super().__init__([*self.sliders, self.true_class], figsize=(8.0, 3.6))
        self.canvas.mpl_connect("button_press_event", self._on_press)
        self.canvas.mpl_connect("motion_notify_event", self._on_motion)
        self.canvas.mpl_connect("button_release_event", self._on_release)

    # -- figure ------------------------------------------------------------------
    def build(self, fig):
        ax, bars = fig.subplots(1, 2, width_ratios=[1.6, 1])
        self.ax, self.ax_bars = ax, bars
        self._images = [simplex_loss_image(k, floor=FLOOR) for k in range(3)]
        data, extent = self._images[0]
        self.image = ax.imshow(data, origin="lower", extent=extent, cmap=LOSS_CMAP,
                               vmin=0.0, vmax=float(surprisal(FLOOR)),
                               interpolation="bilinear")
        fig.colorbar(self.image, ax=ax, shrink=0.85, pad=0.02, label="loss (nats)")
        self.corner_labels = draw_simplex(ax, self.labels)
        # lines of equal loss: p_true = 0.5, 0.1, 0.01
        self.levels = (0.5, 0.1, 0.01)
        self.iso = [ax.plot([], [], lw=0.8, ls=":", color="black")[0] for _ in self.levels]
        self.iso_labels = [ax.annotate("", (0, 0), fontsize=7, ha="center", va="center",
                                       bbox=dict(boxstyle="round,pad=0.15", fc="white",
                                                 ec="none", alpha=0.8))
                           for _ in self.levels]
        self.point, = ax.plot([], [], "o", ms=10, color=COLORS["marker"], mec="white",
                              mew=1.5, zorder=5)
        ax.set_xlabel("drag the point; dotted: equal loss (nats)")
        self.tri_title = ax.set_title(" ")

        x = np.arange(3)
        self.bars = bars.bar(x, self.probs, color=COLORS["p"])
        self.bar_text = [bars.annotate("", (i, 0), xytext=(0, 2), textcoords="offset points",
                                       ha="center", va="bottom", fontsize=9) for i in x]
        bars.set_xticks(x, self.labels)
        bars.set_ylim(0, 1.12)
        bars.set_xlabel("class (green: the true class)")
        bars.set_ylabel("predicted probability")
        bars.set_title("the prediction $p$")
        self.dynamic_artists = (self.point, *self.bars, *self.bar_text)

    def _show_class(self, k):
        """Recolour for true class k: swap the image's array, move the equal-loss lines."""
        self.image.set_data(self._images[k][0])
        other = [i for i in range(3) if i != k]
        for line, text, level, along in zip(self.iso, self.iso_labels, self.levels,
                                           (0.25, 0.6, 0.75)):
            ends = np.zeros((2, 3))
            ends[:, k] = level
            ends[0, other[0]] = ends[1, other[1]] = 1 - level
            xy = simplex_xy(ends)
            line.set_data(xy[:, 0], xy[:, 1])
            text.xy = tuple(xy[0] + along * (xy[1] - xy[0]))
            text.set_position(text.xy)
            text.set_text(f"{fmt(surprisal(level), 2)}")
        for i, label in enumerate(self.corner_labels):
            label.set_color(COLORS["true"] if i == k else "black")
            label.set_fontweight("bold" if i == k else "normal")
        for i, bar in enumerate(self.bars):
            bar.set_color(COLORS["true"] if i == k else COLORS["p"])
        self.tri_title.set_text(f"loss $-\\ln p_{{\\mathrm{{{self.labels[k]}}}}}$ "
                                f"(true class {self.labels[k]})")
        self._shown = k

    def update(self):
        k = self.true_class.value
        # the first slider is p(class 0): it lowers the loss only if class 0 is true
        self.trend = "down" if k == 0 else "up"
        if k != self._shown:
            self._show_class(k)
            self.render_all_next()  # new colours and labels
        p = self.probs
        loss = float(categorical_cross_entropy(k, p))
        bits = float(surprisal(p[k], base=2))
        x, y = simplex_xy(p)
        self.point.set_data([x], [y])
        for bar, text, pi, i in zip(self.bars, self.bar_text, p, range(3)):
            bar.set_height(pi)
            text.xy = (i, pi)
            text.set_text(f"{pi:.3f}")
        probs = ", ".join(f"{name} {pi:.3f}" for name, pi in zip(self.labels, p))
        clamp = (f" The point is kept inside the triangle: each p ≥ {FLOOR}, so the loss "
                 f"stays finite (at most {fmt(surprisal(FLOOR))} nats)."
                 if np.any(np.isclose(p, FLOOR)) else "")
        return (f"True class: {self.labels[k]}. Prediction p = ({probs}) → "
                f"loss = −ln p({self.labels[k]}) = " + self.key(loss, f"{fmt(loss)} nats")
                + f" = {fmt(bits)} bits." + clamp)

    # -- state -------------------------------------------------------------------
    @property
    def probabilities(self):
        """The current prediction (a copy)."""
        return self.probs.copy()

    def set_probabilities(self, p):
        """Move the point to prediction ``p`` (kept inside the triangle); redraw once."""
        self.probs = simplex_from_xy(*simplex_xy(p), floor=FLOOR)
        self._sync_sliders()
        self.refresh_and_redraw()

    def _sync_sliders(self, skip=None):
        """Show the current prediction on the sliders.

        Values are put on the sliders' step grid (the browser would snap them
        and send the snapped value back, starting a tug of war), and the
        slider the learner is dragging (``skip``) is never written to.
        """
        self._syncing = True
        try:
            for slider, pi in zip(self.sliders, self.probs):
                if slider is not skip:
                    steps = round((float(pi) - slider.min) / slider.step)
                    slider.value = round(slider.min + steps * slider.step, 10)
        finally:
            self._syncing = False

    def _on_change(self, change):
        if self._syncing:
            return
        owner = change["owner"]
        if owner in self.sliders:
            self.probs = set_one(self.probs, self.sliders.index(owner), owner.value)
            self._sync_sliders(skip=owner)
        super()._on_change(change)

    # -- mouse -------------------------------------------------------------------
    def xy_of(self, p):
        """Data coordinates (x, y) of prediction ``p`` in the triangle."""
        x, y = simplex_xy(p)
        return float(x), float(y)

    def drag_to(self, x, y):
        """Move the point to data coordinates (x, y), as a drag does."""
        self.set_probabilities(simplex_from_xy(x, y, floor=FLOOR))

    def _data_xy(self, event):
        if event.inaxes is self.ax and event.xdata is not None:
            return event.xdata, event.ydata
        # outside the axes: from pixels, so a drag that leaves them still follows the mouse
        return self.ax.transData.inverted().transform((event.x, event.y))

    def _on_press(self, event):
        if event.inaxes is not self.ax or event.button != 1:
            return
        self._dragging = True
        self.drag_to(*self._data_xy(event))

    def _on_motion(self, event):
        if self._dragging:
            self.drag_to(*self._data_xy(event))

    def _on_release(self, event):
        self._dragging = False


__all__ = ["TriangleExplorer", "set_one", "FLOOR"]
