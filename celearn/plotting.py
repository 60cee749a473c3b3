"""Figures for the course: one shipped style, fixed colour meanings.

``use_style()`` applies seaborn's theme with its colour-blind-safe palette and
then the shipped ``celearn.mplstyle``; nothing is changed on import.  Every
``plot_*`` function takes ``ax=None`` (a new figure when omitted) and returns
the Axes, with labelled axes and lines labelled directly in their own colour.
"""
from __future__ import annotations

from contextlib import contextmanager
from importlib import resources

import numpy as np

#: Path of the shipped style sheet (usable with ``plt.style.use``).
STYLE = str(resources.files("celearn") / "celearn.mplstyle")

#: Fixed colour meanings across the whole course (seaborn "colorblind").
COLORS = {
    "ce": "#0173b2",        # cross-entropy, -log p, surprisal: blue
    "mse": "#de8f05",       # squared error: orange
    "true": "#029e73",      # the true class / target t: green
    "wrong": "#d55e00",     # other classes, t = 0 branch, errors: vermillion
    "p": "#cc78bc",         # a predicted distribution p: pink-purple
    "q": "#56b4e9",         # a second distribution q: sky blue
    "marker": "#000000",    # the point a slider controls: black
    "neutral": "#949494",   # reference lines and baselines: grey
}


def use_style():
    """Apply the course look: seaborn's theme and palette, then ``celearn.mplstyle``.

    Call it once in a notebook's setup cell; importing celearn changes nothing.

    Examples
    --------
    >>> import celearn as cl
    >>> cl.use_style()
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme(context="notebook", style="ticks", palette="colorblind")
    plt.style.use(STYLE)


@contextmanager
def style_context():
    """The course style for the duration of a ``with`` block only."""
    import matplotlib.pyplot as plt

    with plt.style.context(STYLE):
        yield


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.figure().add_subplot()


def label_line(ax, x, y, text, *, color, dx=6, dy=0, ha="left", va="center"):
    """Label a curve directly, in its own colour, at data point (x, y)."""
    return ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points",
                       color=color, ha=ha, va=va, fontsize=10, fontweight="bold")


def probability_grid(n=999, *, lo=None, hi=None):
    """``n`` points from ``lo`` to ``hi`` in (0, 1], denser near both ends.

    Logit-spaced, so the steep ends of log curves are resolved; ``hi=1``
    includes the endpoint p = 1 exactly.
    """
    from .activations import sigmoid

    lo = 1.0 / (n + 1) if lo is None else lo
    hi = 1.0 - lo if hi is None else hi
    top = min(hi, 1.0 - lo)
    z = np.linspace(np.log(lo / (1 - lo)), np.log(top / (1 - top)), n - (hi == 1.0))
    grid = sigmoid(z)
    return np.append(grid, 1.0) if hi == 1.0 else grid


def plot_log(ax=None, *, negative=False, base=None):
    r"""Plot :math:`\log p` (or :math:`-\log p` with ``negative=True``) on (0, 1].

    Parameters
    ----------
    ax : matplotlib Axes, optional
    negative : bool
        Plot the surprisal :math:`-\log p` instead of :math:`\log p`.
    base : None or 2
        ``None`` for natural logs (nats), ``2`` for bits.

    Returns
    -------
    matplotlib Axes
    """
    from .information import surprisal

    ax = _axes(ax)
    p = probability_grid(lo=1e-3, hi=1.0)
    y = surprisal(p, base=base)
    y = y if negative else -y
    unit = "bits" if base == 2 else "nats"
    log = r"\log_2" if base == 2 else r"\ln"
    name = f"$-{log} p$" if negative else f"${log} p$"
    color = COLORS["ce"] if negative else COLORS["neutral"]
    ax.plot(p, y, color=color)
    label_line(ax, p[len(p) // 12], y[len(p) // 12], name, color=color)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlim(0, 1.02)
    ax.set_xlabel("probability $p$")
    ax.set_ylabel(f"{name} ({unit})")
    ax.set_title("surprisal $-\\log p$: huge as $p \\to 0$" if negative
                 else "$\\log p$: $-\\infty$ as $p \\to 0$")
    return ax


# --- notebooks 02 and 03: binary and categorical cross-entropy ---------------

#: Corners of the probability triangle (the 3-class simplex), one per class:
#: class 0 bottom left, class 1 bottom right, class 2 at the top.
SIMPLEX_CORNERS = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, np.sqrt(3.0) / 2.0]])


def simplex_xy(p):
    """Position in the probability triangle of distributions ``p`` of shape (..., 3)."""
    return np.asarray(p, dtype=float) @ SIMPLEX_CORNERS


def _barycentric(x, y):
    p2 = np.asarray(y, dtype=float) / SIMPLEX_CORNERS[2, 1]
    p1 = np.asarray(x, dtype=float) - 0.5 * p2
    return np.stack([1.0 - p1 - p2, p1, p2], axis=-1)


def simplex_from_xy(x, y, *, floor=0.0):
    """The 3-class distribution at point (x, y) of the probability triangle.

    A point outside the triangle, or closer to an edge than ``floor`` allows,
    is moved to the nearest point where every probability is at least
    ``floor`` (so a dragged point stays inside and the loss stays finite).

    Examples
    --------
    >>> simplex_from_xy(0.5, 0.0).round(3).tolist()
    [0.5, 0.5, 0.0]
    >>> simplex_from_xy(-1.0, -1.0, floor=0.001).round(3).tolist()
    [0.998, 0.001, 0.001]
    """
    p = _barycentric(x, y)
    k = p.shape[-1]
    q = p - floor
    total = 1.0 - k * floor
    # Euclidean projection onto {q >= 0, sum q = total}; the triangle is
    # equilateral, so this is also the nearest point in the picture.
    u = -np.sort(-q, axis=-1)
    excess = np.cumsum(u, axis=-1) - total
    ok = u - excess / np.arange(1, k + 1) > 0
    last = k - 1 - np.argmax(ok[..., ::-1], axis=-1)
    theta = np.take_along_axis(excess, last[..., None], axis=-1) / (last[..., None] + 1)
    return np.maximum(q - theta, 0.0) + floor


def simplex_loss_image(true_class, *, n=201, floor=1e-3):
    """Loss ``-ln p[true_class]`` on an n × n grid over the triangle, for ``imshow``.

    Returns ``(image, extent)``: a masked array (outside the triangle masked)
    and the extent ``(left, right, bottom, top)``.  Probabilities are kept at
    least ``floor``, as in the triangle explorer.
    """
    from .losses import categorical_cross_entropy

    top = SIMPLEX_CORNERS[2, 1]
    x, y = np.meshgrid((np.arange(n) + 0.5) / n, (np.arange(n) + 0.5) / n * top)
    outside = np.any(_barycentric(x, y) < 0, axis=-1)
    p = simplex_from_xy(x, y, floor=floor).reshape(-1, 3)
    loss = categorical_cross_entropy(np.full(len(p), true_class), p, reduction="none")
    return np.ma.masked_array(loss.reshape(n, n), mask=outside), (0.0, 1.0, 0.0, top)


#: The colour map of loss values on the triangle (light: cheap, dark: costly).
LOSS_CMAP = "Blues"


def draw_simplex(ax, labels=("class 0", "class 1", "class 2")):
    """Outline of the triangle with its corners named; an empty frame around it."""
    corners = np.vstack([SIMPLEX_CORNERS, SIMPLEX_CORNERS[:1]])
    ax.plot(corners[:, 0], corners[:, 1], color="black", lw=1.2)
    offsets = [(-4, -4, "right", "top"), (4, -4, "left", "top"), (0, 6, "center", "bottom")]
    texts = []
    for (x, y), name, (dx, dy, ha, va) in zip(SIMPLEX_CORNERS, labels, offsets):
        texts.append(ax.annotate(name, (x, y), xytext=(dx, dy), textcoords="offset points",
                                 ha=ha, va=va, fontsize=10))
    ax.set_aspect("equal")
    ax.set_xlim(-0.2, 1.2)
    ax.set_ylim(-0.12, SIMPLEX_CORNERS[2, 1] + 0.12)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    return texts


def plot_simplex_loss(true_class=0, ax=None, *, labels=("panda", "seal", "duck"), p=None,
                      point_labels=None):
    r"""The probability triangle coloured by the loss :math:`-\ln p_k` for true class k.

    Each point of the triangle is a prediction (p_0, p_1, p_2) over three
    classes; the corners are certain predictions.  ``p`` (rows of three
    probabilities) are marked as points, named by ``point_labels``.

    Returns
    -------
    matplotlib Axes
    """
    ax = _axes(ax)
    image, extent = simplex_loss_image(true_class)
    im = ax.imshow(image, origin="lower", extent=extent, cmap=LOSS_CMAP,
                   vmin=0.0, vmax=-np.log(1e-3), interpolation="bilinear")
    draw_simplex(ax, labels)
    if p is not None:
        xy = simplex_xy(np.atleast_2d(p))
        ax.plot(xy[:, 0], xy[:, 1], "o", color=COLORS["marker"], mec="white")
        for name, (x, y) in zip(point_labels or [], xy):
            ax.annotate(name, (x, y), xytext=(6, 4), textcoords="offset points", fontsize=9)
    ax.figure.colorbar(im, ax=ax, shrink=0.8, label="loss (nats)")
    ax.set_xlabel(f"true class: {labels[true_class]} (its corner costs 0)")
    ax.set_title(f"loss $-\\ln p_{{\\mathrm{{{labels[true_class]}}}}}$ over all predictions")
    return ax


def plot_bce_branches(ax=None):
    r"""The two branches of binary cross-entropy: :math:`-\ln p` (t = 1) and :math:`-\ln(1-p)` (t = 0)."""
    from .information import surprisal

    ax = _axes(ax)
    p = probability_grid(lo=1e-3, hi=1 - 1e-3)
    ax.plot(p, surprisal(p), color=COLORS["ce"])
    ax.plot(p, surprisal(1 - p), color=COLORS["wrong"])
    label_line(ax, 0.04, float(surprisal(0.04)), r"$t=1$: $-\ln p$", color=COLORS["ce"])
    label_line(ax, 0.96, float(surprisal(0.04)), r"$t=0$: $-\ln(1-p)$",
               color=COLORS["wrong"], dx=-6, ha="right")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 7.2)
    ax.set_xlabel("predicted probability $p$ of class 1")
    ax.set_ylabel("loss (nats)")
    ax.set_title("BCE: confident mistakes cost the most")
    return ax


def plot_bce_example(t, p, ax=None):
    """Per-sample binary cross-entropy of a small batch as labelled bars."""
    from .losses import binary_cross_entropy

    ax = _axes(ax)
    t = np.asarray(t)
    loss = binary_cross_entropy(t, p, reduction="none")
    rows = np.arange(len(loss))
    colors = [COLORS["ce"] if ti == 1 else COLORS["wrong"] for ti in t]
    ax.barh(rows, loss, color=colors)
    for i, (ti, pi, li) in enumerate(zip(t, p, loss)):
        ax.annotate(f"t={ti:g}, p={pi:.2f}: {li:.3f}", (li, i), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=9)
    ax.set_yticks(rows, [f"#{i + 1}" for i in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, max(2.6, 1.5 * float(loss.max())))
    ax.set_xlabel("loss of the sample (nats)")
    ax.set_ylabel("sample")
    ax.set_title(f"per-sample BCE: total {loss.sum():.3f}, mean {loss.mean():.3f}")
    return ax


def plot_cce_example(t, p, ax=None, *, labels=("panda", "seal", "duck")):
    """The predictions of a small batch as an annotated heatmap; true classes boxed."""
    import seaborn as sns
    from matplotlib.patches import Rectangle

    ax = _axes(ax)
    p = np.asarray(p)
    k = np.argmax(np.asarray(t), axis=-1) if np.ndim(t) == 2 else np.asarray(t)
    sns.heatmap(p, ax=ax, annot=True, fmt=".2f", cmap="Purples", vmin=0, vmax=1,
                cbar_kws={"label": "predicted probability"},
                xticklabels=labels, yticklabels=[f"#{i + 1}" for i in range(len(p))])
    for i, ki in enumerate(k):
        ax.add_patch(Rectangle((ki, i), 1, 1, fill=False, edgecolor=COLORS["true"], lw=3))
    ax.set_xlabel("class (green box: the true class)")
    ax.set_ylabel("sample")
    ax.set_title("predictions $p$; only the boxed entries enter the loss")
    return ax
