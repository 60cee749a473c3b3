"""The stability explorer of notebook 07: scale the logits up until the naive formulas break."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import NullLocator

from .. import naive
from ..activations import softmax
from ..losses import binary_cross_entropy_with_logits, softmax_cross_entropy
from ..plotting import COLORS, label_line
from ._base import Explorer, fmt

#: logit direction: z = s * DIRECTION; the true class is the last (smallest) one.
#: As s grows, exp of the largest logit overflows first (the naive loss is inf),
#: then exp of the true class's logit too (inf / inf: nan).
DIRECTION = np.array([1.0, 0.75, 0.5])
TRUE_CLASS = 2
_DTYPES = {"float64": np.float64, "float32": np.float32}
_EXP_MIN, _EXP_MAX = -1.0, 4.0


def losses_at(s, dtype=np.float64):
    """Naive and stable losses at logit scale(s) ``s`` in ``dtype``.

    Softmax cross-entropy of the true class for ``z = s * DIRECTION``, and
    binary cross-entropy with target 0 for the logit ``z = s``: both are
    confidently wrong predictions whose loss grows with ``s``.

    Returns
    -------
    dict of arrays (shape of ``s``): ``ce_stable``, ``ce_naive``, ``bce_stable``, ``bce_naive``.
    """
    s = np.asarray(s, dtype=dtype)
    z = s[..., None] * DIRECTION.astype(dtype)
    zz = z.reshape(-1, 3)
    labels = np.full(len(zz), TRUE_CLASS)
    shape = s.shape
    return {
        "ce_stable": softmax_cross_entropy(labels, zz, reduction="none").reshape(shape),
        "ce_naive": naive.softmax_cross_entropy(labels, zz, reduction="none").reshape(shape),
        "bce_stable": binary_cross_entropy_with_logits(np.zeros_like(s), s, reduction="none"),
        "bce_naive": naive.binary_cross_entropy_with_logits(np.zeros_like(s), s,
                                                            reduction="none"),
    }


def freeze_text_positions(fig):
    """Pin axis labels and titles where the first layout put them (cheaper redraws).

    Matplotlib otherwise re-measures every tick label on each draw to place the
    axis labels and titles; an explorer's axes never change, so once is enough.
    """
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            label = axis.label
            where = label.get_transform().transform(label.get_position())
            axis.set_label_coords(*ax.transAxes.inverted().transform(where))
        # titles keep the y of the first layout (what set_title(y=...) does, minus
        # set_title's reset of the font to the current rcParams)
        ax._autotitlepos = False


def _why(value, kind):
    if np.isnan(value):
        return "nan: exp(z) overflowed, inf / inf"
    if np.isinf(value):
        return ("inf: softmax rounded the true class's probability to 0, −log 0 = inf" if kind == "ce"
                else "inf: σ(z) rounded to 1, log(1 − 1) = log 0")
    return fmt(value, 2) + " nats"


class StabilityExplorer(Explorer):
    r"""Scale the logits by s and compare naive and stable losses in float32 or float64.

    Two confidently wrong predictions: softmax cross-entropy of the true class
    (the smallest logit) for :math:`z = s\,(1, 0.75, 0.5)`, and binary
    cross-entropy with :math:`t = 0` at the logit :math:`z = s`.  The naive
    formulas (:mod:`celearn.naive`) turn into ``inf`` and then ``nan`` as
    :math:`s` grows; the stable ones (:func:`celearn.softmax_cross_entropy`,
    :func:`celearn.binary_cross_entropy_with_logits`) stay exact.

    Parameters
    ----------
    scale : float
        Starting logit scale s, a power of ten on the slider's 0.05 grid of
        exponents, between 0.1 and 1e4.
    dtype : {"float64", "float32"}

    Examples
    --------
    >>> from celearn.widgets import StabilityExplorer
    >>> ex = StabilityExplorer(scale=100, dtype="float32")
    >>> ex.key_value                     # the stable loss: finite
    50.0
    >>> ex.scale.value = 1000
    >>> print(ex.readout_text)   # doctest: +NORMALIZE_WHITESPACE
    s = 1e+03 (float32). Softmax cross-entropy of the true class: stable 500.00 nats;
    naive −log(softmax(z)) nan: exp(z) overflowed, inf / inf. BCE with t = 0 at z = s:
    stable 1000.00 nats; naive −log(1 − σ(z)) inf: σ(z) rounded to 1,
    log(1 − 1) = log 0. Softmax probabilities: naive (nan, nan, nan),
    stable (1.00, 0.00, 0.00).
    """

    name = "stability"
    trend = "up"  # bigger logits, more confidently wrong, bigger (stable) loss

    def __init__(self, scale=10.0, dtype="float64"):
        if dtype not in _DTYPES:
            raise ValueError(f"dtype must be 'float64' or 'float32', got {dtype!r}")
        self.scale = widgets.FloatLogSlider(
            value=scale, base=10, min=_EXP_MIN, max=_EXP_MAX, step=0.05,
            description="scale s", readout_format=".3g", continuous_update=True,
            style={"description_width": "4em"}, layout=widgets.Layout(width="420px"),
        )
        self.dtype = widgets.ToggleButtons(
            options=list(_DTYPES), value=dtype, description="dtype",
            style={"description_width": "3em", "button_width": "5.5em"})
        self.grid = np.logspace(_EXP_MIN, _EXP_MAX, 400)
        self.curves = {name: losses_at(self.grid, dt) for name, dt in _DTYPES.items()}
        self.breaks = {name: {kind: self._first_failure(kind, name) for kind in ("ce", "bce")}
                       for name in _DTYPES}
        super().__init__([self.scale, self.dtype], figsize=(8.2, 3.4))
        freeze_text_positions(self.fig)

    def _first_failure(self, kind, dtype_name):
        """The smallest s at which the naive ``kind`` loss is not finite (bisection), or None."""
        naive_loss = self.curves[dtype_name][f"{kind}_naive"]
        bad = ~np.isfinite(naive_loss)
        if not bad.any():
            return None
        i = int(bad.argmax())
        if i == 0:
            return float(self.grid[0])
        lo, hi = float(self.grid[i - 1]), float(self.grid[i])
        dtype = _DTYPES[dtype_name]
        for _ in range(60):
            mid = (lo + hi) / 2
            if np.isfinite(losses_at(mid, dtype)[f"{kind}_naive"]):
                lo = mid
            else:
                hi = mid
        return float(dtype(hi))  # the value the naive code actually sees

    def build(self, fig):
        self.axes = fig.subplots(1, 2, sharex=True)
        self.lines = {}
        titles = ("softmax CE, z = s·(1, 0.75, 0.5)", "BCE, t = 0, logit z = s")
        for ax, kind, title in zip(self.axes, ("ce", "bce"), titles):
            stable, = ax.plot([], [], color=COLORS["ce"], lw=2.5)
            broken, = ax.plot([], [], color=COLORS["wrong"], lw=1.5, ls="--")
            zone = Rectangle((1, 0), 0, 1, transform=ax.get_xaxis_transform(),
                             color=COLORS["wrong"], alpha=0.12, lw=0)
            ax.add_patch(zone)
            zone_text = ax.text(1, 0.04, "", transform=ax.get_xaxis_transform(),
                                color=COLORS["wrong"], fontsize=8, ha="left")
            dot, = ax.plot([], [], "o", color=COLORS["marker"], zorder=5)
            cross, = ax.plot([], [], "x", color=COLORS["wrong"], ms=9, mew=2, zorder=6)
            label_line(ax, 0.15, 12.0, "stable", color=COLORS["ce"], dx=0, ha="left",
                       va="bottom")
            label_line(ax, 0.15, 40.0, "naive (dashed)", color=COLORS["wrong"], dx=0, ha="left",
                       va="bottom")
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.xaxis.set_minor_locator(NullLocator())  # fewer ticks: faster redraws
            ax.yaxis.set_minor_locator(NullLocator())
            ax.set_xlim(10 ** _EXP_MIN, 10 ** _EXP_MAX)
            ax.set_ylim(0.3, 5e4)
            ax.set_xlabel("logit scale s")
            ax.set_title(title, fontsize=10)
            self.lines[kind] = (stable, broken, zone, zone_text, dot, cross)
        # everything update() moves is blitted over a cached background (axes fixed)
        self.dynamic_artists = tuple(a for kind in ("ce", "bce") for a in (
            self.lines[kind][2], *self.lines[kind][:2], *self.lines[kind][3:])) + tuple(
            # the shaded zone covers the bottom spine; a full render draws the spine on top
            ax.spines["bottom"] for ax in self.axes)
        self.axes[0].set_ylabel("loss (nats)")

    def update(self):
        s, dtype_name = self.scale.value, self.dtype.value
        dtype = _DTYPES[dtype_name]
        curves = self.curves[dtype_name]
        now = losses_at(s, dtype)
        for kind, (stable, broken, zone, zone_text, dot, cross) in self.lines.items():
            good = curves[f"{kind}_naive"]
            stable.set_data(self.grid, curves[f"{kind}_stable"])
            broken.set_data(self.grid, np.where(np.isfinite(good), good, np.nan))
            start = self.breaks[dtype_name][kind]
            found = start is not None
            start = start if found else 10 ** _EXP_MAX
            zone.set_x(start)
            zone.set_width(10 ** _EXP_MAX - start)
            near_edge = start > 10 ** (_EXP_MAX - 1.4)  # no room right of it: label on the left
            zone_text.set_x(start / 1.1 if near_edge else start * 1.1)
            zone_text.set_ha("right" if near_edge else "left")
            zone_text.set_text(f"naive: inf/nan\nfrom s ≈ {start:.4g}" if found else "")
            dot.set_data([s], [float(now[f"{kind}_stable"])])
            value = float(now[f"{kind}_naive"])
            cross.set_data(([s], [value]) if np.isfinite(value) else ([], []))
        ce, bce = float(now["ce_stable"]), float(now["bce_stable"])
        z = np.asarray(s, dtype) * DIRECTION.astype(dtype)
        p_naive = ", ".join(fmt(v, 2) for v in naive.softmax(z))
        p_stable = ", ".join(fmt(v, 2) for v in softmax(z))
        return (f"s = {s:.3g} ({dtype_name}). Softmax cross-entropy of the true class: "
                + self.key(ce, f"stable {fmt(ce, 2)} nats")
                + f"; naive −log(softmax(z)) {_why(float(now['ce_naive']), 'ce')}. "
                f"BCE with t = 0 at z = s: stable {fmt(bce, 2)} nats; "
                f"naive −log(1 − σ(z)) {_why(float(now['bce_naive']), 'bce')}. "
                f"Softmax probabilities: naive ({p_naive}), stable ({p_stable}).")
