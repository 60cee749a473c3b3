"""The stability explorer of notebook 07: scale the logits up until the naive formulas break."""
from __future__ import annotations

import math

import numpy as np
from matplotlib.ticker import NullLocator

from .. import naive
from ..activations import softmax
from ..losses import binary_cross_entropy_with_logits, softmax_cross_entropy
from ..plotting import COLORS, label_line
from . import _controls as ui
from ._base import Explorer, check_value, esc, fmt

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

    Every operand is an array or scalar of ``dtype`` (the direction, the zero
    targets; a single ``s`` goes through the losses as a one-element array), so
    NumPy 1.x, whose value-based casting turns ``float32 scalar op Python float``
    into float64, computes the same float32 numbers as NumPy 2.

    Returns
    -------
    dict of arrays (shape of ``s``, dtype ``dtype``): ``ce_stable``, ``ce_naive``,
    ``bce_stable``, ``bce_naive``.

    Examples
    --------
    >>> import numpy as np
    >>> out = losses_at(100.0, np.float32)
    >>> out["ce_stable"].dtype, float(out["ce_stable"]), bool(np.isinf(out["ce_naive"]))
    (dtype('float32'), 50.0, True)
    """
    dtype = np.dtype(dtype).type
    s = np.asarray(s, dtype=dtype)
    shape = s.shape
    flat = s.reshape(-1)                                  # >= 1-d: no 0-d scalars
    z = flat[:, None] * DIRECTION.astype(dtype)[None, :]
    labels = np.full(flat.size, TRUE_CLASS, dtype=np.intp)
    zeros = np.zeros_like(flat)
    out = {
        "ce_stable": softmax_cross_entropy(labels, z, reduction="none"),
        "ce_naive": naive.softmax_cross_entropy(labels, z, reduction="none"),
        "bce_stable": binary_cross_entropy_with_logits(zeros, flat, reduction="none"),
        "bce_naive": naive.binary_cross_entropy_with_logits(zeros, flat, reduction="none"),
    }
    for name, value in out.items():
        value = np.asarray(value)
        if value.dtype != dtype:                          # pragma: no cover - a regression
            raise TypeError(f"losses_at: {name} came out {value.dtype}, not {np.dtype(dtype)}")
        out[name] = value.reshape(shape)
    return out


def _encode(row):
    """Numbers for JSON: inf, -inf and nan as the strings "inf", "-inf", "nan"."""
    return [v if math.isfinite(v) else ("nan" if v != v else "inf" if v > 0 else "-inf")
            for v in row]


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

    Its point is NumPy's own float32/float64 arithmetic, so the kernel computes
    the numbers of every slider position in both dtypes once and sends them as a
    table (the ``live`` trait); the browser draws a drag from it: the black dots
    are the stable losses at s, the small vermillion ones the naive losses
    where they are still finite.  The curves and the shaded zone where the naive
    formula fails are redrawn when the dtype changes.

    Parameters
    ----------
    scale : float
        Starting logit scale s, between 0.1 and 1e4 (the slider moves its
        exponent on a 0.05 grid).
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
    kernel_scene = True   # the numbers are NumPy's float32/float64 arithmetic
    static_controls = ("dtype",)  # each dtype has its own curves and zones
    draggable = False     # the slider (log scale) is the control; nothing to drag

    def __init__(self, scale=10.0, dtype="float64"):
        if not isinstance(dtype, str) or dtype not in _DTYPES:
            raise ValueError(f"dtype must be 'float64' or 'float32', got {dtype!r}: pass one "
                             "of those two strings")
        scale = check_value("scale", scale, 10 ** _EXP_MIN, 10 ** _EXP_MAX,
                            what="a logit scale s")
        self.scale = ui.FloatLogSlider(scale, base=10, min=_EXP_MIN, max=_EXP_MAX, step=0.05,
                                       description="scale s", readout_format=".3g")
        self.dtype = ui.ToggleButtons(options=list(_DTYPES), value=dtype, description="dtype")
        self.grid = np.logspace(_EXP_MIN, _EXP_MAX, 400)
        self.curves = {name: losses_at(self.grid, dt) for name, dt in _DTYPES.items()}
        self.breaks = {name: {kind: self._first_failure(kind, name) for kind in ("ce", "bce")}
                       for name in _DTYPES}
        super().__init__({"scale": self.scale, "dtype": self.dtype}, figsize=(8.25, 3.4))

    def _first_failure(self, kind, dtype_name):
        """The smallest s at which the naive ``kind`` loss is not finite (bisection), or None."""
        naive_loss = self.curves[dtype_name][f"{kind}_naive"]
        bad = ~np.isfinite(naive_loss)
        if not bad.any():
            return None
        i = int(bad.argmax())
        if i == 0:
            return float(self.grid[0])
        dtype = _DTYPES[dtype_name]
        lo, hi = dtype(self.grid[i - 1]), dtype(self.grid[i])
        for _ in range(60):
            mid = dtype((float(lo) + float(hi)) / 2)      # a value the dtype can hold
            if mid in (lo, hi):
                break
            if np.isfinite(losses_at(mid, dtype)[f"{kind}_naive"]):
                lo = mid
            else:
                hi = mid
        return float(hi)  # the value the naive code actually sees

    # -- the static figure: curves and break zones of the chosen dtype --------------------
    def build(self, fig):
        dtype_name = self.dtype.value
        curves = self.curves[dtype_name]
        self.panels = fig.subplots(1, 2, sharex=True)
        self.zones = {}
        titles = ("softmax CE, z = s·(1, 0.75, 0.5)", "BCE, t = 0, logit z = s")
        for ax, kind, title in zip(self.panels, ("ce", "bce"), titles):
            good = curves[f"{kind}_naive"]
            ax.plot(self.grid, curves[f"{kind}_stable"], color=COLORS["ce"], lw=2.5)
            ax.plot(self.grid, np.where(np.isfinite(good), good, np.nan),
                    color=COLORS["wrong"], lw=1.5, ls="--")
            start = self.breaks[dtype_name][kind]
            self.zones[kind] = start
            if start is not None:
                ax.axvspan(start, 10 ** _EXP_MAX, color=COLORS["wrong"], alpha=0.12, lw=0)
                near_edge = start > 10 ** (_EXP_MAX - 1.4)  # no room right of it: label left
                ax.text(start / 1.1 if near_edge else start * 1.1, 0.04,
                        f"naive: inf/nan\nfrom s ≈ {start:.4g}",
                        transform=ax.get_xaxis_transform(), color=COLORS["wrong"], fontsize=8,
                        ha="right" if near_edge else "left")
            label_line(ax, 0.15, 12.0, "stable", color=COLORS["ce"], dx=0, ha="left",
                       va="bottom")
            label_line(ax, 0.15, 40.0, "naive (dashed)", color=COLORS["wrong"], dx=0, ha="left",
                       va="bottom")
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.xaxis.set_minor_locator(NullLocator())
            ax.yaxis.set_minor_locator(NullLocator())
            ax.set_xlim(10 ** _EXP_MIN, 10 ** _EXP_MAX)
            ax.set_ylim(0.3, 5e4)
            ax.set_xlabel("logit scale s")
            ax.set_title(f"{title} ({dtype_name})", fontsize=10)
        self.panels[0].set_ylabel("loss (nats)")

    # -- the numbers, computed by the kernel in the chosen dtype ---------------------------
    @staticmethod
    def row(s, dtype_name):
        """The numbers the scene shows at scale ``s`` in ``dtype_name``: the four losses,
        then the naive and the stable softmax probabilities (floats; inf and nan kept)."""
        dtype = _DTYPES[dtype_name]
        now = losses_at(float(s), dtype)
        z = np.asarray([s], dtype) * DIRECTION.astype(dtype)
        return ([float(now[k]) for k in ("ce_stable", "ce_naive", "bce_stable", "bce_naive")]
                + [float(v) for v in naive.softmax(z)] + [float(v) for v in softmax(z)])

    def live_numbers(self):
        """Every slider position's numbers in both dtypes (computed once), and the
        current state's when it is not a slider position (a value set from Python)."""
        if not hasattr(self, "_table"):
            scales = self.scale.values
            self._table = {"scales": scales,
                           "table": {name: [_encode(self.row(v, name)) for v in scales]
                                     for name in _DTYPES}}
        live = dict(self._table)
        s, dtype_name = float(self.state["scale"]), self.state["dtype"]
        if s not in self._table["scales"]:
            live["now"] = {"scale": s, "dtype": dtype_name, "row": _encode(self.row(s, dtype_name))}
        return live

    # -- the moving part, computed by the kernel in the chosen dtype -------------------------
    def scene(self, state):
        s, dtype_name = float(state["scale"]), state["dtype"]
        row = self.row(s, dtype_name)
        now = dict(zip(("ce_stable", "ce_naive", "bce_stable", "bce_naive"), row[:4]))
        ylo = 0.3
        marks = []
        for ax, kind in enumerate(("ce", "bce")):
            stable = float(now[f"{kind}_stable"])
            value = float(now[f"{kind}_naive"])
            marks += [
                {"kind": "line", "key": f"guide-{kind}", "ax": ax, "x": [s, s], "y": [ylo, stable],
                 "role": "guide"},
                {"kind": "dot", "key": f"stable-{kind}", "ax": ax, "x": s, "y": stable,
                 "role": "marker"},
            ]
            if np.isfinite(value):
                marks.append({"kind": "dot", "key": f"naive-{kind}", "ax": ax, "x": s,
                              "y": value, "r": 3, "color": COLORS["wrong"]})
            else:
                right = s > 10 ** (_EXP_MAX - 1.2)
                marks.append({"kind": "text", "key": f"naive-text-{kind}", "ax": ax, "x": s,
                              "y": stable, "text": "naive: nan" if np.isnan(value)
                              else "naive: inf", "dx": -8 if right else 8,
                              "dy": 8 if right else -16,   # off the curve, which rises to the right
                              "ha": "right" if right else "left", "role": "value",
                              "color": COLORS["wrong"], "weight": "bold"})
        ce, bce = float(now["ce_stable"]), float(now["bce_stable"])
        p_naive = ", ".join(fmt(v, 2) for v in row[4:7])
        p_stable = ", ".join(fmt(v, 2) for v in row[7:10])
        readout = (f"s = {s:.3g} ({esc(dtype_name)}). Softmax cross-entropy of the true class: "
                   + self.key(ce, f"stable {fmt(ce, 2)} nats")
                   + f"; naive −log(softmax(z)) {_why(float(now['ce_naive']), 'ce')}. "
                   f"BCE with t = 0 at z = s: stable {fmt(bce, 2)} nats; "
                   f"naive −log(1 − σ(z)) {_why(float(now['bce_naive']), 'bce')}. "
                   f"Softmax probabilities: naive ({p_naive}), stable ({p_stable}).")
        return {"marks": marks, "readout": readout, "value": ce}
