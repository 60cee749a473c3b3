r"""The Jacobian explorer of notebook 04: move logits, watch :math:`\partial p_i/\partial z_j`."""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib import colormaps

from ..activations import softmax, softmax_jacobian
from ..gradients import numerical_gradient
from ..plotting import COLORS
from . import _controls as ui
from ._base import Explorer, check_value, fmt

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

#: the heat map's colours: RdBu_r sampled at 33 evenly spaced points, as 0-255 RGB;
#: cells (browser and Python) and the static colour bar interpolate this same table
COLOR_TABLE = [[int(round(255 * c)) for c in colormaps["RdBu_r"](i / 32)[:3]]
               for i in range(33)]
#: the colour scale ends at ±SCALE / T (|J_ij| <= 1 / (4T), so 0.3 / T nearly fills it)
SCALE = 0.3
#: finite differences agree with the formula to better than this everywhere on the sliders
FD_TOLERANCE = 1e-8
Z_MIN, Z_MAX, T_MIN, T_MAX = -5.0, 5.0, 0.2, 5.0


def _sub(i):
    return str(i).translate(_SUB)


def cell_color(value, limit, table=COLOR_TABLE):
    """The colour of a heat-map cell: ``value`` on ``[-limit, limit]`` through ``table``.

    Linear interpolation between the table's entries, each channel rounded half up;
    the browser's ``cellColor`` (``js/jacobian.js``) does the same arithmetic.

    Examples
    --------
    >>> cell_color(0.0, 0.3)
    '#f7f6f6'
    >>> cell_color(1.0, 0.3) == cell_color(0.3, 0.3)       # clipped at the limit
    True
    """
    t = min(1.0, max(0.0, (value / limit + 1) / 2))
    pos = t * (len(table) - 1)
    i = min(int(math.floor(pos)), len(table) - 2)
    f = pos - i
    rgb = [math.floor(a + (b - a) * f + 0.5) for a, b in zip(table[i], table[i + 1])]
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def tempered_jacobian(z, temperature):
    r"""The Jacobian of ``softmax(z, temperature=T)`` with respect to z.

    By the chain rule through :math:`u = z / T`: :math:`J = (\mathrm{diag}(p) - pp^\top) / T`.
    """
    return softmax_jacobian(np.asarray(z, dtype=float) / temperature) / temperature


def finite_difference_jacobian(z, temperature):
    """The same Jacobian by central differences, one row (output p_i) at a time."""
    z = np.asarray(z, dtype=float)
    return np.stack([
        numerical_gradient(lambda v, i=i: softmax(v, temperature=temperature)[i], z)
        for i in range(z.size)
    ])


def _fixed(x, digits):
    """``x`` with ``digits`` decimals, ties away from zero (as JavaScript's toFixed).

    Python's format rounds an exact binary tie to even (0.125 -> '0.12'); the
    browser's toFixed rounds it up ('0.13'): the explorer's texts use this rule in both.
    """
    d = Decimal(float(x)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return f"{d:.{digits}f}"


def _signed(x):
    """``+0.225`` / ``−0.147``: the number in a heat-map cell."""
    return ("−" if x < 0 or (x == 0 and math.copysign(1, x) < 0) else "+") + _fixed(abs(x), 3)


class JacobianExplorer(Explorer):
    r"""Move the logits and the temperature; read the softmax Jacobian :math:`\partial p_i/\partial z_j`.

    Three panels: the logits z as bars (drag a bar's top, or focus it and use the
    arrow keys), a heat map of :math:`J = (\mathrm{diag}(p) - pp^\top)/T` with its
    values in the cells (colour scale :math:`\pm 0.3/T`), and the probabilities p.
    The readout states :math:`p_0`, :math:`J_{00}` and how closely the formula
    agrees with central finite differences.

    Parameters
    ----------
    z : sequence of 3 to 5 floats
        Starting logits, each in [-5, 5].
    temperature : float
        Starting temperature, in [0.2, 5].

    Examples
    --------
    >>> from celearn.widgets import JacobianExplorer
    >>> ex = JacobianExplorer(z=(0.0, 0.0, 0.0))
    >>> ex.readout_text.split(";")[0]
    'p₀ = 0.333 (p = 0.333, 0.333, 0.333)'
    >>> ex.drag_to("z0", 0, 2.04)            # drag the first logit bar's top to 2
    >>> ex.logits[0].value, round(ex.key_value, 4)
    (2.0, 0.787)
    """

    name = "jacobian"
    trend = "up"  # raising z_0 raises p_0

    def __init__(self, z=(2.0, 1.0, 0.1), temperature=1.0):
        if isinstance(z, (str, bytes)) or not hasattr(z, "__len__"):
            raise ValueError(f"z must be a sequence of 3 to 5 logits (one slider each), e.g. "
                             f"z=(2.0, 1.0, 0.1); got {z!r}")
        if not 3 <= len(z) <= 5:
            raise ValueError(f"z must hold 3 to 5 logits (one slider each); got {len(z)}: "
                             "pass between 3 and 5 numbers, e.g. z=(2.0, 1.0, 0.1).")
        z = [check_value(f"z[{i}]", v, Z_MIN, Z_MAX, what="a logit") for i, v in enumerate(z)]
        temperature = check_value("temperature", temperature, T_MIN, T_MAX,
                                  what="a softmax temperature")
        self.K = len(z)
        self.logits = [
            ui.FloatSlider(v, min=Z_MIN, max=Z_MAX, step=0.1, readout_format=".1f",
                           description=f"z{_sub(i)}")
            for i, v in enumerate(z)
        ]
        self.temperature = ui.FloatSlider(temperature, min=T_MIN, max=T_MAX, step=0.1,
                                          readout_format=".1f", description="T")
        controls = {f"z{i}": s for i, s in enumerate(self.logits)}
        controls["T"] = self.temperature
        super().__init__(controls, figsize=(8.4, 3.4))

    # -- static figure --------------------------------------------------------------
    def build(self, fig):
        K = self.K
        self.ax_z, self.ax_jac, self.ax_p = fig.subplots(1, 3, width_ratios=[0.75, 1.15, 0.75])
        ax = self.ax_z
        ax.axhline(0, color=COLORS["neutral"], lw=1)
        ax.set_xlim(-0.6, K - 0.4)
        ax.set_ylim(Z_MIN - 1.3, Z_MAX + 1.3)          # room for the value labels
        ax.set_xticks(range(K), [f"$z_{j}$" for j in range(K)])
        ax.set_xlabel("logit (drag a bar's top)")
        ax.set_ylabel("value")
        ax.set_title("logits $z$")

        ax = self.ax_jac
        ax.set_xlim(-0.5, K - 0.5)
        ax.set_ylim(K - 0.5, -0.5)                       # row 1 on top, as a matrix
        ax.set_aspect("equal")
        ax.set_xticks(range(K), [f"$z_{j}$" for j in range(K)])
        ax.set_yticks(range(K), [f"$p_{i}$" for i in range(K)])
        ax.grid(False)
        ax.tick_params(length=0)
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)
        ax.set_xlabel(r"logit $z_j$ (column)")
        ax.set_ylabel(r"output $p_i$ (row)")
        ax.set_title(r"Jacobian $\partial p_i/\partial z_j$")
        cmap = LinearSegmentedColormap.from_list(
            "celearn-jacobian", [[c / 255 for c in rgb] for rgb in COLOR_TABLE], N=256)
        self.colorbar = fig.colorbar(ScalarMappable(norm=Normalize(-1, 1), cmap=cmap),
                                     ax=ax, fraction=0.06, pad=0.03, ticks=[-1, 0, 1])
        # the tick labels (±0.3/T) are drawn live; these invisible ones reserve their room
        self.colorbar.ax.set_yticklabels(["−0.00", "0", "+0.00"])
        self.colorbar.ax.tick_params(labelcolor="none")
        self.colorbar.outline.set_visible(False)

        ax = self.ax_p
        ax.set_xlim(-0.6, K - 0.4)
        ax.set_ylim(0, 1.12)
        ax.set_xticks(range(K), [f"$p_{j}$" for j in range(K)])
        ax.set_xlabel("class")
        ax.set_ylabel("probability")
        ax.set_title("softmax output $p$")

    def axes_for_marks(self):
        """Logits, heat map, probabilities, colour bar (its live tick labels)."""
        return [self.ax_z, self.ax_jac, self.ax_p, self.colorbar.ax]

    def params_for_browser(self):
        return {"K": self.K, "table": COLOR_TABLE, "scale": SCALE, "tol": FD_TOLERANCE}

    # -- the moving part ----------------------------------------------------------------
    def z(self):
        return np.array([s.value for s in self.logits])

    def scene(self, state):
        K = self.K
        z = np.array([float(state[f"z{j}"]) for j in range(K)])
        T = float(state["T"])
        p = softmax(z, temperature=T)
        J = tempered_jacobian(z, T)
        error = float(np.max(np.abs(J - finite_difference_jacobian(z, T))))
        limit = SCALE / T
        marks = []
        for j in range(K):
            zj = float(z[j]) + 0.0             # never "−0.0"
            up = zj >= 0
            marks += [
                {"kind": "rect", "key": f"zbar-{j}", "x0": j - 0.3, "x1": j + 0.3, "y0": 0.0,
                 "y1": zj, "color": COLORS["ce"], "alpha": 0.55},
                {"kind": "rect", "key": f"zcap-{j}", "x0": j - 0.34, "x1": j + 0.34,
                 "y0": zj - 0.22, "y1": zj + 0.22, "color": COLORS["ce"],
                 "edge": COLORS["marker"], "drag": f"z{j}",
                 "label": f"logit z{_sub(j)} (bar height)",
                 "valuetext": f"z{_sub(j)} = {_fixed(zj, 1)}"},
                {"kind": "text", "key": f"ztext-{j}", "x": float(j), "y": zj,
                 "text": _fixed(zj, 1).replace("-", "−"), "dy": 8 if up else -8, "ha": "center",
                 "va": "bottom" if up else "top", "role": "value"},
            ]
        for i in range(K):
            for j in range(K):
                v = float(J[i, j])
                marks.append({"kind": "rect", "key": f"cell-{i}-{j}", "x0": j - 0.5,
                              "x1": j + 0.5, "y0": i - 0.5, "y1": i + 0.5,
                              "color": cell_color(v, limit), "fixed": True})
        for i in range(K):
            for j in range(K):
                v = float(J[i, j])
                marks.append({"kind": "text", "key": f"celltext-{i}-{j}", "x": float(j),
                              "y": float(i), "text": _signed(v), "ha": "center",
                              "va": "center", "role": "value",
                              "color": "#ffffff" if abs(v) > 0.6 * limit else "#000000",
                              "fixed": True})
        for j in range(K):
            pj = float(p[j])
            marks += [
                {"kind": "rect", "key": f"pbar-{j}", "x0": j - 0.3, "x1": j + 0.3, "y0": 0.0,
                 "y1": pj, "color": COLORS["p"]},
                {"kind": "text", "key": f"ptext-{j}", "x": float(j), "y": pj,
                 "text": _fixed(pj, 3), "dy": 2, "ha": "center", "va": "bottom", "role": "value"},
            ]
        for y, text in ((1.0, "+" + _fixed(limit, 2)), (0.0, "0"),
                        (-1.0, "−" + _fixed(limit, 2))):
            marks.append({"kind": "text", "key": f"cbar-{y:g}", "ax": 3, "x": 1.0, "y": y,
                          "text": text, "dx": 7, "ha": "left", "va": "center", "role": "value"})
        for m in marks:
            m.setdefault("ax", 0 if m["key"].startswith("z")
                         else 2 if m["key"].startswith("p") else 1)
        listing = ", ".join(_fixed(pj, 3) for pj in p)
        tolerance = f"1e{round(math.log10(FD_TOLERANCE))}".replace("-", "−")
        agree = f"< {tolerance}" if error < FD_TOLERANCE else f"= {fmt(error)}"
        readout = (self.key(p[0], f"p₀ = {_fixed(p[0], 3)}") + f" (p = {listing}); "
                   f"J₀₀ = p₀(1 − p₀)/T = {fmt(J[0, 0])}; "
                   f"largest |J − finite differences| {agree}")
        return {"marks": marks, "readout": readout, "value": float(p[0])}

    def drag(self, mark, x, y, state):
        names = [f"z{j}" for j in range(self.K)]
        if mark not in names:
            raise ValueError(f"JacobianExplorer has no draggable mark {mark!r}; "
                             f"use one of {names}")
        return {mark: y}          # a logit bar's top: its height is the logit
