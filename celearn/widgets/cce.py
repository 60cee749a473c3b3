"""The probability-triangle explorer of notebook 03: drag a 3-class prediction.

Every prediction over three classes is a point of a triangle (the simplex):
the corners are certain predictions, the centre is (1/3, 1/3, 1/3).  The
triangle is coloured by the categorical cross-entropy for the chosen true
class; the loss -ln p_k depends only on how far the point is from the edge
opposite corner k, and explodes near that edge.
"""
from __future__ import annotations

import numpy as np

from ..information import surprisal
from ..losses import categorical_cross_entropy
from ..plotting import (COLORS, LOSS_CMAP, SIMPLEX_CORNERS, draw_simplex, simplex_from_xy,
                        simplex_loss_image, simplex_xy)
from . import _controls as ui
from ._base import Explorer, esc, fmt

#: every probability is kept at least this large, so the loss stays finite
FLOOR = 0.001
#: the sliders' grid: probabilities are whole numbers of thousandths
GRID = 1000


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


def _thousandths(p):
    """Probabilities as whole thousandths, each >= 1, summing to exactly 1000."""
    a = min(max(round(float(p[0]) * GRID), 1), GRID - 2)
    b = min(max(round(float(p[1]) * GRID), 1), GRID - 1 - a)
    return a, b, GRID - a - b


def _plain(text):
    """A class name matplotlib prints as it is (no mathtext)."""
    return str(text).replace("$", r"\$")


class TriangleExplorer(Explorer):
    r"""Drag a point in the probability triangle; read the loss for the true class.

    The triangle is coloured by :math:`-\ln p_k` for the true class k (the
    toggle).  Drag the black point (or focus it and use the arrow keys), or
    use the three sliders: moving one rescales the other two so they still sum
    to 1.  The bar chart shows the prediction p.  Probabilities are kept on a
    0.001 grid and at least 0.001, so a point dragged onto or past the far edge
    stops there with a loss of -ln 0.001 = 6.908 nats instead of infinity.

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
    trend = "down"  # first slider = p of class 0, the default true class; see scene
    static_controls = ("true_class",)  # new colour map, equal-loss lines and labels

    def __init__(self, p=(0.5, 0.25, 0.25), true_class=0, labels=("panda", "seal", "duck")):
        labels = self._check_labels(labels)
        p = self._check_p(p)
        if isinstance(true_class, (bool, np.bool_)) or true_class not in (0, 1, 2):
            raise ValueError(f"true_class must be 0, 1 or 2 (the index of {labels}); "
                             f"got {true_class!r}")
        self.labels = labels
        thousandths = _thousandths(p)
        self.sliders = [
            ui.FloatSlider(v / GRID, min=FLOOR, max=1 - 2 * FLOOR, step=0.001,
                           readout_format=".3f", description=f"p({name})")
            for v, name in zip(thousandths, self.labels)
        ]
        self.true_class = ui.ToggleButtons(
            options=[(name, k) for k, name in enumerate(self.labels)], value=int(true_class),
            description="true class")
        controls = {f"p{i}": s for i, s in enumerate(self.sliders)}
        super().__init__({**controls, "true_class": self.true_class}, figsize=(8.0, 3.6))

    @staticmethod
    def _check_labels(labels):
        if isinstance(labels, str) or len(labels) != 3:
            raise ValueError(f"labels must be three class names, e.g. ('panda', 'seal', "
                             f"'duck'); got {labels!r}")
        labels = tuple(str(name) for name in labels)
        if any(not name.strip() for name in labels) or len(set(labels)) != 3:
            raise ValueError(f"labels must be three different, non-empty names; got {labels!r}")
        return labels

    @staticmethod
    def _check_p(p):
        try:
            p = np.asarray(p, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"p must be three probabilities, e.g. (0.5, 0.25, 0.25); "
                             f"got {p!r}") from None
        if p.shape != (3,):
            raise ValueError(f"p must hold three probabilities (one per class); got shape "
                             f"{p.shape}")
        if not np.isfinite(p).all() or (p < FLOOR).any():
            raise ValueError(f"every probability in p must be at least {FLOOR} (the explorer "
                             f"keeps the loss finite); got {p.tolist()}: move the point off "
                             "the edge, e.g. p = (0.998, 0.001, 0.001)")
        if abs(p.sum() - 1) > 1e-6:
            raise ValueError(f"p must sum to 1; got {p.tolist()} summing to {p.sum():.6g}: "
                             "divide by the sum, or pass softmax(z)")
        return p

    # -- figure ------------------------------------------------------------------
    def build(self, fig):
        k = self.true_class.value if hasattr(self, "true_class") else 0
        ax, bars = fig.subplots(1, 2, width_ratios=[1.6, 1])
        self.ax, self.ax_bars = ax, bars
        data, extent = simplex_loss_image(k, floor=FLOOR)
        data = data.astype(np.float32)         # resampled in float32: 3 MB less at 200 dpi
        # resampled as loss values, coloured after ("data"): the 200 dpi picture's image
        # pipeline peaks at 11 MB instead of 23 MB (colours, then resampling RGBA floats)
        image = ax.imshow(data, origin="lower", extent=extent, cmap=LOSS_CMAP,
                          vmin=0.0, vmax=float(surprisal(FLOOR)), interpolation="bilinear",
                          interpolation_stage="data")
        fig.colorbar(image, ax=ax, shrink=0.85, pad=0.02, label="loss (nats)")
        corner_labels = draw_simplex(ax, [_plain(name) for name in self.labels])
        for i, label in enumerate(corner_labels):
            label.set_color(COLORS["true"] if i == k else "black")
            label.set_fontweight("bold" if i == k else "normal")
        # lines of equal loss: p_k = 0.5, 0.1, 0.01, parallel to the edge opposite k
        other = [i for i in range(3) if i != k]
        for level, along in zip((0.5, 0.1, 0.01), (0.25, 0.6, 0.75)):
            ends = np.zeros((2, 3))
            ends[:, k] = level
            ends[0, other[0]] = ends[1, other[1]] = 1 - level
            xy = simplex_xy(ends)
            ax.plot(xy[:, 0], xy[:, 1], lw=0.8, ls=":", color="black")
            ax.annotate(fmt(surprisal(level), 2), tuple(xy[0] + along * (xy[1] - xy[0])),
                        fontsize=7, ha="center", va="center",
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
        ax.set_xlabel("drag the point; dotted: equal loss (nats)")
        ax.set_title(f"loss −ln p_k, true class: {_plain(self.labels[k])}")
        x = np.arange(3)
        bars.set_xticks(x, [_plain(name) for name in self.labels])
        bars.set_xlim(-0.6, 2.6)
        bars.set_ylim(0, 1.12)
        bars.set_xlabel("class (green: the true class)")
        bars.set_ylabel("predicted probability")
        bars.set_title("the prediction $p$")

    def params_for_browser(self):
        return {"labels": list(self.labels), "floor": FLOOR,
                "corners": SIMPLEX_CORNERS.tolist(), "max_loss": float(surprisal(FLOOR))}

    def react(self, name, state):
        """A moved slider rescales the other two (in thousandths) so the three sum to 1."""
        if name == "true_class":
            return None
        j = int(name[1])
        v = [round(state[f"p{i}"] * GRID) for i in range(3)]
        others = [i for i in range(3) if i != j]
        excess = [v[i] - 1 for i in others]
        room = GRID - v[j] - 2
        share = excess[0] / sum(excess) if sum(excess) > 0 else 0.5
        first = 1 + int(np.floor(room * share + 0.5))
        return {f"p{others[0]}": first / GRID, f"p{others[1]}": (GRID - v[j] - first) / GRID}

    # -- scene -------------------------------------------------------------------
    def scene(self, state):
        k = int(state["true_class"])
        trend = "down" if k == 0 else "up"    # the first slider is p(class 0)
        raw = np.array([state["p0"], state["p1"], state["p2"]], dtype=float)
        p = raw / raw.sum()                   # the sliders sum to 1 up to rounding
        loss = float(categorical_cross_entropy(k, p))
        bits = float(surprisal(p[k], base=2))
        x, y = (float(v) for v in simplex_xy(p))
        marks = []
        for i in range(3):
            marks.append({"kind": "rect", "ax": 1, "key": f"bar{i}", "x0": i - 0.4,
                          "x1": i + 0.4, "y0": 0.0, "y1": float(p[i]),
                          "color": COLORS["true"] if i == k else COLORS["p"]})
            marks.append({"kind": "text", "ax": 1, "key": f"barlabel{i}", "x": float(i),
                          "y": float(p[i]), "text": f"{p[i]:.3f}", "dx": 0, "dy": 2,
                          "ha": "center", "va": "bottom", "role": "value"})
        marks.append({"kind": "dot", "key": "point", "x": x, "y": y, "r": 5,
                      "color": COLORS["marker"], "edge": "#ffffff", "drag": "point",
                      "label": "the prediction in the probability triangle",
                      "valuetext": ", ".join(f"{name} {pi:.3f}"
                                             for name, pi in zip(self.labels, p))})
        probs = ", ".join(f"{esc(name)} {pi:.3f}" for name, pi in zip(self.labels, p))
        at_floor = bool((np.round(p * GRID) <= 1).any())
        clamp = (f" The point is kept inside the triangle: each p ≥ {FLOOR}, so the loss "
                 f"stays finite (at most {fmt(surprisal(FLOOR))} nats)." if at_floor else "")
        readout = (f"True class: {esc(self.labels[k])}. Prediction p = ({probs}) → "
                   f"loss = −ln p({esc(self.labels[k])}) = "
                   + self.key(loss, f"{fmt(loss)} nats", trend)
                   + f" = {fmt(bits)} bits." + clamp)
        return {"marks": marks, "readout": readout, "value": loss}

    def drag(self, mark, x, y, state):
        a, b, c = _thousandths(simplex_from_xy(x, y, floor=FLOOR))
        return {"p0": a / GRID, "p1": b / GRID, "p2": c / GRID}

    # -- Python API ----------------------------------------------------------------
    @property
    def probabilities(self):
        """The current prediction (a new array, summing to 1)."""
        raw = np.array([s.value for s in self.sliders], dtype=float)
        return raw / raw.sum()

    def set_probabilities(self, p):
        """Move the point to prediction ``p`` (kept inside the triangle, on the 0.001 grid)."""
        p = np.asarray(p, dtype=float)
        if p.shape != (3,) or not np.isfinite(p).all():
            raise ValueError(f"p must be three finite probabilities; got {p.tolist()}")
        self.drag_to(*self.xy_of(p))

    def xy_of(self, p):
        """Data coordinates (x, y) of prediction ``p`` in the triangle."""
        x, y = simplex_xy(p)
        return float(x), float(y)

    def drag_to(self, *where):
        """Move the point to data coordinates (x, y), as a drag does.

        ``drag_to(x, y)`` or, as for every explorer, ``drag_to("point", x, y)``.
        """
        if len(where) == 3:
            where = where[1:]
        if len(where) != 2:
            raise ValueError("drag_to takes the point's data coordinates: drag_to(x, y)")
        x, y = (float(v) for v in where)
        if not (np.isfinite(x) and np.isfinite(y)):
            raise ValueError(f"drag_to needs a finite point; got ({x!r}, {y!r}): pass "
                             "coordinates of the triangle's axes, e.g. ex.xy_of(p)")
        self.set_values(self.drag("point", x, y, dict(self.state)))  # the three together


__all__ = ["TriangleExplorer", "set_one", "FLOOR"]
