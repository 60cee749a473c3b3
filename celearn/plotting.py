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
