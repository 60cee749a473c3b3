r"""The Jacobian explorer of notebook 04: move logits, watch :math:`\partial p_i/\partial z_j`."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..activations import softmax, softmax_jacobian
from ..gradients import numerical_gradient
from ..plotting import COLORS
from ._base import Explorer, fmt

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(i):
    return str(i).translate(_SUB)


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


class JacobianExplorer(Explorer):
    r"""Move the logits and the temperature; read the softmax Jacobian :math:`\partial p_i/\partial z_j`.

    A heatmap shows :math:`J = (\mathrm{diag}(p) - pp^\top)/T` with its values in
    the cells, a bar chart shows p, and the readout states :math:`p_1` and the
    largest difference from the finite-difference Jacobian.

    Parameters
    ----------
    z : sequence of 3 to 5 floats
        Starting logits, each in [-5, 5] on a 0.1 grid.
    temperature : float
        Starting temperature, in [0.2, 5] on a 0.1 grid.

    Examples
    --------
    >>> from celearn.widgets import JacobianExplorer
    >>> ex = JacobianExplorer(z=(0.0, 0.0, 0.0))
    >>> ex.readout_text.split(";")[0]
    'p₁ = 0.333 (p = 0.333, 0.333, 0.333)'
    """

    name = "jacobian"
    trend = "up"  # raising z_1 raises p_1

    def __init__(self, z=(2.0, 1.0, 0.1), temperature=1.0):
        z = [float(v) for v in z]
        if not 3 <= len(z) <= 5:
            raise ValueError(f"z must hold 3 to 5 logits (one slider each); got {len(z)}.")
        self.K = len(z)
        self.logits = [
            widgets.FloatSlider(value=v, min=-5.0, max=5.0, step=0.1, readout_format=".1f",
                                description=f"z{_sub(i + 1)}", continuous_update=True,
                                style={"description_width": "2em"},
                                layout=widgets.Layout(width="300px"))
            for i, v in enumerate(z)
        ]
        self.temperature = widgets.FloatSlider(
            value=temperature, min=0.2, max=5.0, step=0.1, readout_format=".1f",
            description="T", continuous_update=True, style={"description_width": "2em"},
            layout=widgets.Layout(width="300px"))
        super().__init__(self.logits + [self.temperature], figsize=(7.6, 3.4))

    def build(self, fig):
        K = self.K
        names = [f"$z_{j + 1}$" for j in range(K)]
        self.ax_jac, self.ax_p = fig.subplots(1, 2, width_ratios=[1.15, 1])
        ax = self.ax_jac
        self.image = ax.imshow(np.zeros((K, K)), cmap="RdBu_r", vmin=-0.3, vmax=0.3)
        self.cells = [[ax.text(j, i, "", ha="center", va="center", fontsize=9)
                       for j in range(K)] for i in range(K)]
        ax.set_xticks(range(K), names)
        ax.set_yticks(range(K), [f"$p_{i + 1}$" for i in range(K)])
        ax.grid(False)
        ax.tick_params(length=0)
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)
        ax.set_xlabel(r"logit $z_j$ (column)")
        ax.set_ylabel(r"output $p_i$ (row)")
        ax.set_title(r"Jacobian $\partial p_i/\partial z_j$")

        ax = self.ax_p
        self.bars = ax.bar(range(K), np.zeros(K), color=COLORS["p"], width=0.6)
        self.bar_labels = [ax.text(j, 0, "", ha="center", va="bottom", fontsize=9)
                           for j in range(K)]
        ax.set_xticks(range(K), [f"$p_{j + 1}$" for j in range(K)])
        ax.set_ylim(0, 1.12)
        ax.set_xlabel("class")
        ax.set_ylabel("probability")
        ax.set_title("softmax output $p$")
        # what update() moves: redraws blit just these over the cached background
        self.dynamic_artists = (self.image, *(c for row in self.cells for c in row),
                                *self.bars, *self.bar_labels)

    def z(self):
        return np.array([s.value for s in self.logits])

    def update(self):
        z, T = self.z(), self.temperature.value
        p = softmax(z, temperature=T)
        J = tempered_jacobian(z, T)
        error = float(np.max(np.abs(J - finite_difference_jacobian(z, T))))
        # colour scale follows the temperature: |J_ij| <= 1 / (4T)
        limit = 0.3 / T
        self.image.set_data(J)
        self.image.set_clim(-limit, limit)
        for i in range(self.K):
            for j in range(self.K):
                cell = self.cells[i][j]
                cell.set_text(f"{J[i, j]:+.3f}".replace("-", "−"))
                cell.set_color("white" if abs(J[i, j]) > 0.6 * limit else "black")
        for bar, label, pj in zip(self.bars, self.bar_labels, p):
            bar.set_height(pj)
            label.set_position((bar.get_x() + bar.get_width() / 2, pj + 0.01))
            label.set_text(f"{pj:.3f}")
        listing = ", ".join(f"{pj:.3f}" for pj in p)
        # state the error as a power-of-ten bound: its last digits depend on the CPU
        bound = 10.0 ** np.ceil(np.log10(max(error, 1e-16)))
        return (self.key(p[0], f"p₁ = {p[0]:.3f}") + f" (p = {listing}); "
                f"J₁₁ = p₁(1 − p₁)/T = {fmt(J[0, 0])}; "
                f"largest |J − finite differences| < {bound:.0e}".replace("-", "−"))
