"""Figures for the course: one shipped style, fixed colour meanings.

``use_style()`` applies the shipped ``celearn.mplstyle`` (seaborn's "ticks" look and
colour-blind-safe palette, written out, so neither seaborn nor pandas is imported);
nothing is changed on import.  Every
``plot_*`` function takes ``ax=None`` (a new figure when omitted) and returns
the Axes, with labelled axes and lines labelled directly in their own colour.
"""
from __future__ import annotations

from contextlib import contextmanager
from importlib import resources

import numpy as np

#: Path of the shipped style sheet (usable with ``plt.style.use``).
STYLE = str(resources.files("celearn") / "celearn.mplstyle")

#: Fixed colour meanings across the whole course (seaborn "colorblind", darkened where
#: a colour had less than 3:1 contrast against white: WCAG 2.2's non-text contrast).
COLORS = {
    "ce": "#0173b2",        # cross-entropy, -log p, surprisal: blue
    "mse": "#c07000",       # squared error: orange
    "true": "#029e73",      # the true class / target t: green
    "wrong": "#d55e00",     # other classes, t = 0 branch, errors: vermillion
    "p": "#c060a8",         # a predicted distribution p: pink-purple
    "q": "#3a8fd0",         # a second distribution q: sky blue
    "marker": "#000000",    # the point a slider controls: black
    "neutral": "#8a8a8a",   # reference lines and baselines: grey
}

#: The same meanings on a dark page (JupyterLab Dark's #111111): lighter twins, each
#: at least 3:1 against the dark background.
DARK_COLORS = {
    "ce": "#56a8e0",
    "mse": "#e69a2e",
    "true": "#2fc295",
    "wrong": "#f07a3a",
    "p": "#d98cc9",
    "q": "#8fd0f5",
    "marker": "#e0e0e0",
    "neutral": "#9a9a9a",
}


def use_style():
    """Apply the course look, ``celearn.mplstyle``, to every figure that follows.

    Call it once in a notebook's setup cell; importing celearn changes nothing.
    It imports neither seaborn nor pandas nor scipy (seaborn is imported only by the
    functions that draw with it).

    In an IPython kernel (on Linux) it also keeps the kernel small: after each cell that
    grew the kernel's memory by 2 MB or more (a figure, typically), the figures that cell
    closed are collected and the freed pages given back to the system
    (``celearn._memory``): matplotlib figures are reference cycles, which Python would
    collect only many cells later.

    Examples
    --------
    >>> import celearn as cl
    >>> cl.use_style()
    """
    import matplotlib.pyplot as plt

    from ._memory import tidy_after_cells

    plt.style.use(STYLE)
    tidy_after_cells()


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


def plain_text(name):
    """``name`` as text matplotlib draws literally: ``$`` escaped, so names such
    as ``'50%'``, ``'#1'`` or ``'$5'`` are never parsed as mathtext."""
    return str(name).replace("$", r"\$")


def _names(labels, count, argument, what):
    """Exactly ``count`` names from ``labels`` (one per ``what``), as plain text."""
    if isinstance(labels, str):
        raise ValueError(
            f"{argument} must be a sequence of {count} names, one per {what}; got the "
            f"single string {labels!r}. Pass e.g. {argument}=[{labels!r}, ...]."
        )
    labels = list(labels)
    if len(labels) != count:
        plural = what + ("es" if what.endswith("s") else "s")
        raise ValueError(
            f"{argument} has {len(labels)} names but there are {count} {plural}; "
            f"pass exactly one name per {what}."
        )
    return [plain_text(name) for name in labels]


def _vector(x, name, expected):
    """A finite 1-D float array (shape (K,)), validated like the maths functions."""
    from ._validation import as_float_array, check_ndim

    x = as_float_array(x, name)
    check_ndim(x, name, (1,), expected)
    return x


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

    if base is not None and not (isinstance(base, (int, float)) and base == 2):
        raise ValueError(f"base must be None (nats) or 2 (bits); got {base!r}.")
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
    labels = _names(labels, 3, "labels", "class")
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
    from ._validation import as_array, as_float_array, check_distribution, check_labels

    true_class = int(check_labels(as_array(true_class, "true_class"), 3, "true_class"))
    names = _names(labels, 3, "labels", "class")
    if p is not None:
        p = as_float_array(p, "p")
        if p.shape[-1:] != (3,) or p.ndim > 2:
            raise ValueError(f"p must have shape (3,) or (N, 3): one probability per corner "
                             f"of the triangle; got shape {p.shape}.")
        check_distribution(p, "p", "Each point of the triangle is a distribution over 3 classes.")
        p = np.atleast_2d(p)
        if point_labels is not None:
            point_labels = _names(point_labels, len(p), "point_labels", "point")
    elif point_labels is not None:
        raise ValueError("point_labels names the points p, but p is None; pass p as well.")
    ax = _axes(ax)
    image, extent = simplex_loss_image(true_class)
    # drawn from float32: matplotlib resamples the image to the figure's pixels in the
    # data's precision, which is plenty for colours (and 3 MB less at 200 dpi)
    im = ax.imshow(image.astype(np.float32), origin="lower", extent=extent, cmap=LOSS_CMAP,
                   vmin=0.0, vmax=-np.log(1e-3), interpolation="bilinear")
    draw_simplex(ax, labels)
    # Lines of equal loss: -ln p_k = L where p_k = e^-L, a line parallel to the edge opposite corner k.
    for level in (0.5, 1.0, 2.0, 4.0):
        ends = np.zeros((2, 3))
        ends[:, true_class] = np.exp(-level)
        ends[0, (true_class + 1) % 3] = ends[1, (true_class + 2) % 3] = 1.0 - np.exp(-level)
        line = simplex_xy(ends)
        ax.plot(line[:, 0], line[:, 1], color="0.25", lw=0.8, ls="--")
        ax.annotate(f"{level:g}", line.mean(axis=0), fontsize=8, color="0.15", ha="center",
                    va="center", bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none"})
    if p is not None:
        xy = simplex_xy(np.atleast_2d(p))
        ax.plot(xy[:, 0], xy[:, 1], "o", color=COLORS["marker"], mec="white")
        for name, (x, y) in zip(point_labels or [], xy):
            ax.annotate(name, (x, y), xytext=(6, 4), textcoords="offset points", fontsize=9)
    ax.figure.colorbar(im, ax=ax, shrink=0.8, label="loss (nats)")
    ax.set_xlabel(f"true class: {names[true_class]} (its corner costs 0); "
                  "dashed: equal loss (nats)")
    ax.set_title(f"loss $-\\ln p$ of the true class ({names[true_class]}) over all predictions")
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
    from ._validation import as_array, check_ndim
    from .losses import binary_cross_entropy

    loss = binary_cross_entropy(t, p, reduction="none")  # validates t and p
    check_ndim(loss, "p", (1,), "(N,): one probability per sample")
    t, p = np.asarray(as_array(t, "t"), dtype=float), np.asarray(p, dtype=float)
    ax = _axes(ax)
    rows = np.arange(len(loss))
    colors = [COLORS["ce"] if ti == 1 else COLORS["wrong"] for ti in t]
    ax.barh(rows, loss, color=colors)
    for i, (ti, pi, li) in enumerate(zip(t, p, loss)):
        ax.annotate(f"t={ti:g}, p={pi:.2f}: {li:.3f}", (li, i), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=9)
    ax.set_yticks(rows, [f"#{i + 1}" for i in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, max(2.6, 1.5 * float(loss.max())))
    ax.set_xlabel("loss of the sample (nats); blue: t = 1, vermillion: t = 0")
    ax.set_ylabel("sample")
    ax.set_title(f"per-sample BCE: total {loss.sum():.3f}, mean {loss.mean():.3f}")
    return ax


# seaborn's "colorblind" palette, written out (importing seaborn brings pandas and scipy
# into the learner's kernel: about 90 MB; see use_style).
_COLORBLIND = ("#0173b2", "#de8f05", "#029e73", "#d55e00", "#cc78bc",
               "#ca9161", "#fbafe4", "#949494", "#ece133", "#56b4e9")


def _class_palette(k):
    """``k`` class colours: seaborn's "colorblind" cycle (repeating after 10)."""
    return [_COLORBLIND[i % len(_COLORBLIND)] for i in range(max(k, 3))]


def _heatmap(ax, M, *, fmt, cmap, vmin, vmax, xticklabels, yticklabels, cbar_label=None,
             square=False, lines=False):
    """An annotated heatmap as seaborn's ``heatmap(annot=True)`` draws it, in matplotlib alone.

    Cell (i, j) spans [j, j + 1] x [i, i + 1], row 0 at the top; each value is written in
    its cell, dark on light cells and white on dark ones (seaborn's luminance rule).
    """
    import matplotlib as mpl

    M = np.asarray(M, dtype=float)
    cmap = mpl.colormaps[cmap]
    norm = mpl.colors.Normalize(vmin=vmin, vmax=vmax)
    mesh = ax.pcolormesh(M, cmap=cmap, norm=norm, edgecolors="white" if lines else "face",
                         linewidth=1 if lines else 0)
    for (i, j), value in np.ndenumerate(M):
        rgb = np.asarray(cmap(norm(value))[:3])           # seaborn's relative_luminance:
        rgb = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        lum = float(rgb @ [0.2126, 0.7152, 0.0722])
        ax.text(j + 0.5, i + 0.5, format(value, fmt), ha="center", va="center",
                color="#262626" if lum > 0.408 else "white")
    ax.set_xlim(0, M.shape[1])
    ax.set_ylim(M.shape[0], 0)
    ax.set_xticks(np.arange(M.shape[1]) + 0.5, list(xticklabels))
    ax.set_yticks(np.arange(M.shape[0]) + 0.5, list(yticklabels), rotation=0)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if square:
        ax.set_aspect("equal")
    if cbar_label is not None:
        ax.figure.colorbar(mesh, ax=ax, label=cbar_label)
    return mesh


def plot_cce_example(t, p, ax=None, *, labels=("panda", "seal", "duck")):
    """The predictions of a small batch as an annotated heatmap; true classes boxed."""
    from matplotlib.patches import Rectangle

    from ._validation import as_array, check_ndim
    from .losses import categorical_cross_entropy

    categorical_cross_entropy(t, p)  # validates t (labels or rows) and p (rows summing to 1)
    p = as_array(p, "p")
    check_ndim(p, "p", (2,), "(N, K): one row of class probabilities per sample")
    names = _names(labels, p.shape[1], "labels", "class")
    t = np.asarray(t)
    if t.ndim == 2 and not np.all((t == 0) | (t == 1)):
        raise ValueError("t holds soft labels; the heatmap boxes one true class per sample, "
                         "so pass integer labels or one-hot rows.")
    k = np.argmax(t, axis=-1) if t.ndim == 2 else t
    ax = _axes(ax)
    _heatmap(ax, p.astype(float), fmt=".2f", cmap="Purples", vmin=0, vmax=1,
             xticklabels=names, yticklabels=[f"#{i + 1}" for i in range(len(p))],
             cbar_label="predicted probability")
    for i, ki in enumerate(k):
        ax.add_patch(Rectangle((ki, i), 1, 1, fill=False, edgecolor=COLORS["true"], lw=3))
    ax.set_xlabel("class (green box: the true class)")
    ax.set_ylabel("sample")
    ax.set_title("predictions $p$; only the boxed entries enter the loss")
    return ax


# -- notebook 06: information theory --------------------------------------------------
def plot_distribution(p, ax=None, *, labels=None, color=None, title=None, base=None):
    r"""Bar chart of one distribution, its entropy :math:`H(p)` in the title.

    Parameters
    ----------
    p : array_like, shape (K,)
        A probability distribution.
    ax : matplotlib Axes, optional
    labels : sequence of str, optional
        Outcome names (default "1", "2", ...).
    color : str, optional
        Bar colour (default ``COLORS["p"]``).
    title : str, optional
        Title prefix; the entropy is appended.
    base : None or 2
        Entropy in nats (None) or bits (2).

    Returns
    -------
    matplotlib Axes
    """
    from ._validation import check_base
    from .information import entropy

    p = _vector(p, "p", "(K,): one distribution over K outcomes")
    h = float(entropy(p, base=check_base(base)))  # validates p: >= 0, sums to 1
    labels = ([str(i + 1) for i in range(len(p))] if labels is None
              else _names(labels, len(p), "labels", "outcome"))
    ax = _axes(ax)
    x = np.arange(len(p))
    ax.bar(x, p, width=0.7, color=COLORS["p"] if color is None else color)
    for xi, pi in zip(x, p):
        ax.annotate(f"{pi:.2f}", (xi, pi), xytext=(0, 2), textcoords="offset points",
                    ha="center", va="bottom", fontsize=9)
    unit = "nats" if base is None else ("bits" if base == 2 else f"base-{base:g} units")
    ax.set_xticks(x, labels)
    ax.set_ylim(0, 1.08)
    ax.set_xlabel("outcome")
    ax.set_ylabel("probability")
    ax.set_title(f"{plain_text(title) + ': ' if title else ''}H = {h:.3f} {unit}")
    return ax


def plot_loss_vs_baseline(tasks, ax=None):
    """Each task's baseline loss (predicting the class frequencies) against a model's loss.

    Parameters
    ----------
    tasks : sequence of (name, frequencies, loss)
        ``frequencies`` are the class frequencies of the task; ``loss`` is the
        model's mean cross-entropy in nats.  The baseline is their entropy.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        Log-scaled loss axis: a grey bar per baseline, a dot per model loss, joined
        in green when the model beats its baseline and in vermillion when it does not.
    """
    from .information import entropy

    tasks = list(tasks)
    if not tasks:
        raise ValueError("tasks is empty; pass at least one (name, frequencies, loss) triple.")
    for i, task in enumerate(tasks):
        if isinstance(task, str) or len(task) != 3:
            raise ValueError(f"tasks[{i}] must be a triple (name, frequencies, loss); got {task!r}.")
        entropy(_vector(task[1], f"tasks[{i}] frequencies", "(K,): the class frequencies"))
        loss = task[2]
        if isinstance(loss, bool) or not isinstance(loss, (int, float, np.number)) \
                or not (np.isfinite(loss) and loss > 0):
            raise ValueError(f"tasks[{i}] loss must be a finite number > 0 (a mean "
                             f"cross-entropy in nats); got {loss!r}.")
    ax = _axes(ax)
    names = [plain_text(name) for name, _, _ in tasks]
    y = np.arange(len(tasks))[::-1]
    for yi, (name, freq, loss) in zip(y, tasks):
        base = float(entropy(np.asarray(freq, dtype=float)))
        better = loss < base
        color = COLORS["true"] if better else COLORS["wrong"]
        ax.barh(yi, base, height=0.5, color=COLORS["neutral"], alpha=0.45)
        ax.plot([base, loss], [yi, yi], color=color, lw=2.5)
        ax.plot([loss], [yi], "o", color=COLORS["ce"], zorder=3)
        verdict = (f"{loss / base:.0%} of baseline: beats it" if better
                   else f"{loss / base:.1f}× baseline: useless")
        ax.annotate(f"baseline {base:.3g} · loss {loss:.3g}\n{verdict}",
                    (max(base, loss), yi), xytext=(8, 0), textcoords="offset points",
                    va="center", fontsize=9, color=color)
    ax.set_xscale("log")
    lo = min(min(float(entropy(np.asarray(f, float))), l) for _, f, l in tasks)
    hi = max(max(float(entropy(np.asarray(f, float))), l) for _, f, l in tasks)
    ax.set_xlim(lo / 3, hi * 40)
    ax.set_yticks(y, names)
    ax.set_ylim(-0.6, len(tasks) - 0.4)
    ax.set_xlabel("mean cross-entropy (nats, log scale)")
    ax.set_title("the same loss, judged against each task's baseline")
    return ax


# -- notebook 07: numerical stability --------------------------------------------------
def plot_clipping_rules(ax=None):
    r"""Loss of predicting :math:`p` for the true class (t = 1) under each library's rule.

    Exact :math:`-\ln p` grows without bound; clipping p at 1e-7 (Keras's
    default epsilon) or at float64's machine epsilon (scikit-learn's
    ``log_loss``) and clamping the log at -100 (PyTorch's ``BCELoss``) each
    flatten it below some p.  Computed with :func:`celearn.binary_cross_entropy`
    (``eps=``) and :func:`celearn.naive.binary_cross_entropy_log_clamp`.

    Returns
    -------
    matplotlib Axes
    """
    from .losses import binary_cross_entropy
    from .naive import binary_cross_entropy_log_clamp

    ax = _axes(ax)
    p = np.logspace(-60, 0, 601)
    ones = np.ones_like(p)
    rules = [
        ("exact, eps = 0", binary_cross_entropy(ones, p, reduction="none"), "-", COLORS["ce"]),
        ("PyTorch BCELoss: log ≥ −100",
         binary_cross_entropy_log_clamp(ones, p, reduction="none"), "--", COLORS["neutral"]),
        ("scikit-learn log_loss: eps = 2.2e-16",
         binary_cross_entropy(ones, p, reduction="none", eps=float(np.finfo(np.float64).eps)),
         "-.", COLORS["neutral"]),
        ("Keras: eps = 1e-7",
         binary_cross_entropy(ones, p, reduction="none", eps=1e-7), ":", COLORS["neutral"]),
    ]
    for name, loss, ls, color in rules:
        ax.plot(p, loss, ls=ls, color=color, lw=2)
        x = 1e-50 if color == COLORS["ce"] else 1e-60  # the exact label clear of the title
        label_line(ax, x, float(loss[p.searchsorted(x)]), name,
                   color=color if color != COLORS["neutral"] else "#555555",
                   dx=4, dy=7, va="bottom")
    ax.set_xscale("log")
    ax.set_xlim(1e-60, 1)
    ax.set_xticks(10.0 ** np.arange(-60, 1, 10))
    ax.set_ylim(0, 150)
    ax.set_xlabel("probability given to the true class, $p$ (log scale)")
    ax.set_ylabel(r"loss $-\ln p$ (nats)")
    ax.set_title("what each rule charges for a confident mistake")
    return ax


def plot_sigmoid_saturation(ax=None, *, dtype=np.float64):
    r"""Naive :math:`-\ln(1 - \sigma(z))` against the stable BCE (t = 0) near saturation.

    In ``dtype``, :math:`1 - \sigma(z)` can only take a few values near 0, so the
    naive loss becomes a staircase (zero gradient on the steps) and then ``inf``
    once :math:`\sigma(z)` rounds to 1.

    Returns
    -------
    matplotlib Axes
    """
    from .losses import binary_cross_entropy_with_logits
    from .naive import binary_cross_entropy_with_logits as naive_bce, float_limits

    if np.dtype(dtype) not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"dtype must be np.float32 or np.float64; got {dtype!r}.")
    ax = _axes(ax)
    sat = float_limits(dtype)["sigmoid_saturation"]
    z = np.linspace(sat - 6, sat + 2, 2000).astype(dtype)
    zeros = np.zeros_like(z)
    stable = binary_cross_entropy_with_logits(zeros, z, reduction="none")
    naive = naive_bce(zeros, z, reduction="none")
    ax.plot(z, stable, color=COLORS["ce"], lw=2.5)
    ax.plot(z, np.where(np.isfinite(naive), naive, np.nan), color=COLORS["wrong"], lw=1.5)
    ax.axvline(sat, color=COLORS["neutral"], ls="--", lw=1)
    ax.annotate(f"σ(z) rounds to 1:\nnaive loss = inf\nfor z ≥ {sat:.2f}", (sat, sat - 5),
                xytext=(6, 0), textcoords="offset points", fontsize=9, color=COLORS["wrong"])
    label_line(ax, float(sat - 5), float(sat - 5.9), "stable", color=COLORS["ce"],
               dx=0, va="bottom")
    label_line(ax, float(sat - 2.2), float(sat - 0.8), r"naive $-\ln(1-\sigma(z))$",
               color=COLORS["wrong"], dx=0, ha="right")
    ax.set_xlim(float(z[0]), float(z[-1]))
    ax.set_ylim(sat - 6, sat + 2)
    ax.set_xlabel("logit z (target t = 0)")
    ax.set_ylabel("loss (nats)")
    ax.set_title(f"{np.dtype(dtype).name}: steps, then inf")
    return ax


# ---------------------------------------------------------------------------
# Notebook 04: softmax, temperature, Jacobian
# ---------------------------------------------------------------------------
def plot_softmax_temperature(z, ax=None, *, temperatures=(0.5, 1.0, 4.0)):
    r"""Bars of :math:`p = \mathrm{softmax}(z / T)` for a few temperatures T, side by side.

    Small T sharpens p towards the largest logit; large T flattens it towards
    the uniform 1/K (dashed line).

    Parameters
    ----------
    z : array_like, shape (K,)
        Logits.
    ax : matplotlib Axes, optional
    temperatures : sequence of float
        One group of K bars per temperature.

    Returns
    -------
    matplotlib Axes
    """
    from ._validation import check_temperature
    from .activations import softmax

    z = _vector(z, "z", "(K,): the logits of one sample")
    temperatures = [check_temperature(T) for T in temperatures]
    if not temperatures:
        raise ValueError("temperatures is empty; pass at least one temperature, e.g. (1.0,).")
    ax = _axes(ax)
    K = z.size
    width = 0.8 / K
    ticks, names = [], []
    for g, T in enumerate(temperatures):
        p = softmax(z, temperature=float(T))
        x = g + (np.arange(K) - (K - 1) / 2) * width
        alpha = 1.0 if T == 1 else 0.65
        ax.bar(x, p, width=0.9 * width, color=COLORS["p"], alpha=alpha)
        for xi, pi in zip(x, p):
            ax.text(xi, pi + 0.015, f"{pi:.2f}", ha="center", va="bottom", fontsize=8)
        ax.text(g, 1.06, f"T = {T:g}", ha="center", va="bottom", fontsize=10,
                fontweight="bold")
        ticks += list(x)
        names += [f"$p_{i + 1}$" for i in range(K)]
    ax.axhline(1 / K, color=COLORS["neutral"], lw=1, ls="--")
    ax.set_xticks(ticks, names)
    ax.tick_params(axis="x", length=0)
    ax.grid(False, axis="x")
    ax.set_xlim(-0.5, len(temperatures) - 0.5)
    ax.set_ylim(0, 1.18)
    logits = ", ".join(f"{v:g}" for v in z)
    ax.set_xlabel(f"p = softmax(z / T) for z = ({logits});  dashed: uniform 1/K")
    ax.set_ylabel("probability $p_i$")
    ax.set_title("Temperature: small T sharpens, large T flattens")
    return ax


def plot_jacobian(z, ax=None):
    r"""The softmax Jacobian :math:`\partial p_i/\partial z_j = \mathrm{diag}(p) - pp^\top`
    at logits z, as an annotated heatmap.

    Parameters
    ----------
    z : array_like, shape (K,)
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    from .activations import softmax_jacobian

    J = softmax_jacobian(_vector(z, "z", "(K,): the logits of one sample"))
    ax = _axes(ax)
    K = J.shape[0]
    limit = max(0.3, 1.3 * float(np.abs(J).max()))
    _heatmap(ax, J, fmt="+.3f", cmap="RdBu_r", vmin=-limit, vmax=limit, square=True, lines=True,
             xticklabels=[f"$z_{j + 1}$" for j in range(K)],
             yticklabels=[f"$p_{i + 1}$" for i in range(K)])
    ax.set_xlabel("logit $z_j$ (column)")
    ax.set_ylabel("output $p_i$ (row)")
    ax.set_title(r"$\partial p_i/\partial z_j = \mathrm{diag}(p) - pp^\top$")
    return ax


# ---------------------------------------------------------------------------
# Notebook 05: cross-entropy vs squared error through the sigmoid
# ---------------------------------------------------------------------------
def plot_logit_gradients(ax=None, *, t=1.0, z_range=(-12.0, 12.0), mark=-10.0):
    r"""The size of :math:`\partial L/\partial z` through a sigmoid, for CE and squared error.

    CE: :math:`|\sigma(z) - t|`; squared error: :math:`|2(\sigma(z) - t)\sigma(z)(1 - \sigma(z))|`,
    on a log axis, with their ratio written at ``z = mark``.

    Parameters
    ----------
    ax : matplotlib Axes, optional
    t : 0 or 1
        The target.
    z_range : (float, float)
        The logits to plot.
    mark : float
        The logit at which to mark both gradients and state their ratio.

    Returns
    -------
    matplotlib Axes
    """
    from .gradients import bce_grad_logits, mse_grad_logits

    if isinstance(t, bool) or t not in (0, 1):
        raise ValueError(f"t must be 0 or 1 (the target class); got {t!r}.")
    bounds = _vector(z_range, "z_range", "(2,): the smallest and the largest logit")
    if bounds.shape != (2,) or not bounds[0] < bounds[1]:
        raise ValueError(f"z_range must be two logits (low, high) with low < high; got {z_range!r}.")
    if isinstance(mark, bool) or not isinstance(mark, (int, float, np.number)) \
            or not np.isfinite(mark):
        raise ValueError(f"mark must be a finite logit; got {mark!r}.")
    ax = _axes(ax)
    z = np.linspace(*z_range, 400)
    t_z = np.full_like(z, t)
    ce = np.abs(bce_grad_logits(t_z, z))
    se = np.abs(mse_grad_logits(t_z, z))
    ax.plot(z, ce, color=COLORS["ce"])
    ax.plot(z, se, color=COLORS["mse"])
    # label both lines on the confidently wrong side, away from the marked logit
    at = int(0.25 * (len(z) - 1)) if t == 1 else int(0.75 * (len(z) - 1))
    side = dict(ha="left" if t == 1 else "right")
    label_line(ax, z[at], ce[at], r"cross-entropy $|\sigma(z) - t|$",
               color=COLORS["ce"], dy=6, va="bottom", **side)
    label_line(ax, z[at], se[at], r"squared error $|2(\sigma - t)\,\sigma(1 - \sigma)|$",
               color=COLORS["mse"], dx=10, dy=-10, va="top", **side)
    g_ce = abs(float(bce_grad_logits(t, mark)))
    g_se = abs(float(mse_grad_logits(t, mark)))
    ax.plot([mark, mark], [g_se, g_ce], color=COLORS["marker"], lw=1)
    ax.plot([mark, mark], [g_se, g_ce], "o", color=COLORS["marker"], ms=5)
    mantissa, exponent = f"{g_ce / g_se:.1e}".split("e")
    ax.annotate(f"ratio ≈ ${mantissa} \\times 10^{{{int(exponent)}}}$\nat z = {mark:g}",
                (mark, np.sqrt(g_ce * g_se)),
                xytext=(8 if t == 1 else -8, 0), textcoords="offset points", va="center",
                ha="left" if t == 1 else "right", fontsize=10)
    ax.set_yscale("log")
    ax.set_ylim(min(se.min(), g_se) / 5, 30)
    ax.set_xlim(*z_range)
    ax.set_xlabel(f"logit $z$  (target t = {t:g}; $\\sigma(z)$ is the predicted probability)")
    ax.set_ylabel(r"gradient size $|\partial L/\partial z|$ (log scale)")
    ax.set_title("Through the sigmoid: squared error's gradient vanishes when wrong")
    return ax


# ---------------------------------------------------------------------------
# Notebook 09: calibration
# ---------------------------------------------------------------------------
def plot_reliability_diagram(t, p, ax=None, *, n_bins=10, title=None):
    r"""Reliability diagram: top-label accuracy against confidence, with the gaps.

    Samples are put in ``n_bins`` equal-width bins of their top-label confidence
    :math:`\max_k p_{nk}` (bins ((m-1)/M, m/M], as
    :func:`celearn.calibration.reliability_bins`).  A bar per non-empty bin shows
    the accuracy there; a hatched bar from the accuracy to the bin's mean
    confidence shows the gap (above the bar: overconfident; inside it:
    underconfident).  A calibrated model's bars reach the dashed diagonal.  The
    title states the ECE.

    Parameters
    ----------
    t : array_like of int, shape (N,)
        True class labels.
    p : array_like, shape (N, K) or (N,)
        Rows of class probabilities, or P(class 1) for a binary problem.
    ax : matplotlib Axes, optional
    n_bins : int, default 10
        Number of confidence bins M >= 1.
    title : str, optional
        Title prefix; the ECE is appended.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from celearn.plotting import plot_reliability_diagram
    >>> ax = plot_reliability_diagram([0, 1, 1, 0], [[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3]])
    >>> ax.get_title()
    'ECE = 0.300 (10 bins)'
    >>> plt.close(ax.figure)
    """
    from .calibration import reliability_bins

    bins = reliability_bins(t, p, n_bins=n_bins)  # validates t, p and n_bins
    ax = _axes(ax)
    width = 1.0 / n_bins
    left = bins.edges[:-1]
    full = bins.count > 0
    acc, conf = bins.accuracy[full], bins.confidence[full]
    ax.bar(left[full], acc, width=width, align="edge", color=COLORS["ce"], alpha=0.85,
           edgecolor="white", label="accuracy")
    ax.bar(left[full], conf - acc, bottom=acc, width=width, align="edge", fill=False,
           edgecolor=COLORS["wrong"], hatch="//", lw=1.2, label="gap to confidence")
    ax.plot(left[full] + width / 2, conf, "o", color=COLORS["marker"], ms=3.5)
    ax.plot([0, 1], [0, 1], ls="--", color=COLORS["neutral"], lw=1.2)
    ax.annotate("calibrated", (0.16, 0.16), xytext=(-4, 4), textcoords="offset points",
                rotation=45, rotation_mode="anchor", color="#555555", fontsize=9,
                ha="left", va="bottom")
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel("confidence (top-label probability, binned)")
    ax.set_ylabel("accuracy in the bin")
    prefix = f"{plain_text(title)}: " if title else ""
    ax.set_title(f"{prefix}ECE = {bins.ece:.3f} ({n_bins} bins)")
    return ax


# ---------------------------------------------------------------------------
# Notebook 08: likelihood, proper scores, convexity
# ---------------------------------------------------------------------------
def plot_coin_likelihood(heads, tails, ax=None, *, negative_log=True, q=None):
    r"""The likelihood :math:`q^h(1-q)^m` of a coin's tosses, or its negative log, over q.

    The optimum, at the observed frequency :math:`h/(h+m)`, is marked; ``q``
    (optional) marks one more report.

    Parameters
    ----------
    heads, tails : int
        Counts h, m >= 0, not both 0.
    ax : matplotlib Axes, optional
    negative_log : bool, default True
        Plot :math:`-\ln L(q)` (= the summed BCE, nats); False plots :math:`L(q)`.
    q : float, optional
        A report in [0, 1] to mark.

    Returns
    -------
    matplotlib Axes
    """
    from .likelihood import _count, coin_log_likelihood

    h, m = _count(heads, "heads"), _count(tails, "tails")
    if h + m == 0:
        raise ValueError("heads and tails are both 0: there are no tosses to fit; "
                         "pass at least one.")
    if q is not None:
        coin_log_likelihood(q, h, m)  # validates q
    ax = _axes(ax)
    grid = probability_grid(lo=1e-3, hi=1 - 1e-3)
    ll = coin_log_likelihood(grid, h, m)
    y = -ll if negative_log else np.exp(ll)
    color = COLORS["ce"] if negative_log else COLORS["p"]
    ax.plot(grid, y, color=color)
    best = h / (h + m)
    y_best = float(-coin_log_likelihood(best, h, m) if negative_log
                   else np.exp(coin_log_likelihood(best, h, m)))
    ax.plot([best], [y_best], "o", color=COLORS["true"], zorder=3)
    ax.axvline(best, color=COLORS["true"], lw=1, ls=":")
    ax.annotate(f"optimum q = {h}/{h + m} = {best:.2f}", (best, y_best),
                xytext=(6, 10 if negative_log else -14), textcoords="offset points",
                color=COLORS["true"], fontsize=9)
    if q is not None:
        yq = float(-coin_log_likelihood(q, h, m) if negative_log
                   else np.exp(coin_log_likelihood(q, h, m)))
        ax.plot([q], [yq], "o", color=COLORS["marker"], zorder=4)
    ax.set_xlim(0, 1)
    if negative_log:
        ax.set_ylim(0, max(3 * y_best, y_best + 5))
        ax.set_ylabel(r"$-\ln L(q)$ = summed BCE (nats)")
        ax.set_title(f"negative log-likelihood of {h} heads, {m} tails")
    else:
        ax.set_ylim(0, 1.15 * y_best)
        ax.set_ylabel(r"likelihood $L(q) = q^h (1-q)^m$")
        ax.set_title(f"likelihood of {h} heads, {m} tails")
    ax.set_xlabel("the coin's P(heads), $q$")
    return ax


#: Colours of the scoring rules (fixed meanings: CE blue, squared error orange).
SCORE_COLORS = {"log": COLORS["ce"], "brier": COLORS["mse"], "absolute": COLORS["wrong"]}
SCORE_NAMES = {"log": "log loss (BCE)", "brier": "Brier (squared)", "absolute": "absolute error"}


def plot_expected_scores(p_star, ax=None, *, q=None):
    r"""Expected log, Brier and absolute penalties of reporting q when the truth is p*.

    Each curve is :func:`celearn.likelihood.expected_score` over q in [0, 1];
    its minimum is marked.  The proper rules (log, Brier) bottom out at
    :math:`q = p^\star` (dotted line); the absolute error at 0 or 1.

    Parameters
    ----------
    p_star : float
        The true probability of t = 1, in [0, 1].
    ax : matplotlib Axes, optional
    q : float, optional
        A report to mark on every curve.

    Returns
    -------
    matplotlib Axes
    """
    from .likelihood import _p_star, best_report, expected_score

    p = _p_star(p_star)
    if q is not None:
        expected_score(p, q)  # validates q
    ax = _axes(ax)
    grid = np.linspace(0.0, 1.0, 401)
    for rule in ("log", "brier", "absolute"):
        y = expected_score(p, grid, rule=rule)
        ax.plot(grid, np.where(np.isfinite(y), y, np.nan), color=SCORE_COLORS[rule])
        best = best_report(p, rule=rule)
        y_best = float(expected_score(p, best, rule=rule))
        ax.plot([best], [y_best], "o", color=SCORE_COLORS[rule], mec="white", ms=8, zorder=3)
        at = {"log": 0.2, "brier": 0.04, "absolute": 0.45}[rule]
        y_at = float(expected_score(p, at, rule=rule))
        label_line(ax, at, y_at, SCORE_NAMES[rule], color=SCORE_COLORS[rule], dy=8,
                   va="bottom", dx=0)
        if q is not None:
            ax.plot([q], [float(expected_score(p, q, rule=rule))], "o",
                    color=COLORS["marker"], ms=5, zorder=4)
    ax.axvline(p, color=COLORS["true"], lw=1.2, ls=":")
    ax.annotate(f"truth p* = {p:.2f}", (p, 1.45), xytext=(4, 0), textcoords="offset points",
                color=COLORS["true"], fontsize=9, va="top")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.5)
    ax.set_xlabel("reported probability $q$ of $t = 1$")
    ax.set_ylabel("expected penalty")
    ax.set_title("expected score: proper rules bottom out at $q = p^*$")
    return ax


def plot_logistic_losses_1d(x, t, ax=None, *, loss="ce", w_range=(-8.0, 8.0)):
    r"""Cross-entropy or squared error of a one-weight logistic regression along w.

    Where the curve bends downwards (negative second derivative, not convex)
    the axis is shaded vermillion; cross-entropy never is.

    Parameters
    ----------
    x, t : array_like, shape (N,)
        Inputs and labels (0/1).
    ax : matplotlib Axes, optional
    loss : {"ce", "se"}
    w_range : (float, float)

    Returns
    -------
    matplotlib Axes
    """
    from .likelihood import logistic_losses_1d

    if loss not in ("ce", "se"):
        raise ValueError(f"loss must be 'ce' (cross-entropy) or 'se' (squared error); got {loss!r}.")
    bounds = _vector(w_range, "w_range", "(2,): the smallest and the largest weight")
    if bounds.shape != (2,) or not bounds[0] < bounds[1]:
        raise ValueError(f"w_range must be two weights (low, high) with low < high; got {w_range!r}.")
    w = np.linspace(bounds[0], bounds[1], 801)
    ce, se = logistic_losses_1d(w, x, t)  # validates x and t
    y = ce if loss == "ce" else se
    ax = _axes(ax)
    color = COLORS["ce"] if loss == "ce" else COLORS["mse"]
    curvature = np.gradient(np.gradient(y, w), w)
    concave = curvature < -1e-9 * max(1.0, float(np.abs(curvature).max()))
    ax.fill_between(w, 0, 1, where=concave, transform=ax.get_xaxis_transform(),
                    color=COLORS["wrong"], alpha=0.12, lw=0)
    ax.plot(w, y, color=color)
    ax.set_xlim(*bounds)
    ax.set_ylim(0, 1.1 * float(y.max()))
    ax.set_xlabel("weight $w$ (model $p = \\sigma(w x)$)")
    name = "cross-entropy" if loss == "ce" else "squared error"
    ax.set_ylabel(f"mean {name}")
    verdict = "convex" if not concave.any() else "not convex (shaded)"
    ax.set_title(f"{name} along w: {verdict}")
    return ax


# ---------------------------------------------------------------------------
# Notebook 09: training curves and temperature
# ---------------------------------------------------------------------------
def plot_training_curves(curves, ax=None, *, what="loss"):
    """Training and validation loss (``what="loss"``) or validation accuracy per epoch.

    Parameters
    ----------
    curves : celearn.calibration.TrainingCurves
    ax : matplotlib Axes, optional
    what : {"loss", "accuracy"}

    Returns
    -------
    matplotlib Axes
    """
    from .calibration import TrainingCurves

    if not isinstance(curves, TrainingCurves):
        raise ValueError(f"curves must be the TrainingCurves that "
                         f"celearn.calibration.train_and_track returns; got {type(curves).__name__}.")
    if what not in ("loss", "accuracy"):
        raise ValueError(f"what must be 'loss' or 'accuracy'; got {what!r}.")
    ax = _axes(ax)
    epochs = np.arange(len(curves.val_loss))
    if what == "loss":
        ax.plot(epochs, curves.train_loss, color=COLORS["neutral"])
        ax.plot(epochs, curves.val_loss, color=COLORS["ce"])
        best = int(np.argmin(curves.val_loss))
        ax.plot([best], [curves.val_loss[best]], "o", color=COLORS["true"], zorder=3)
        ax.annotate(f"lowest at epoch {best}", (best, curves.val_loss[best]), xytext=(4, -12),
                    textcoords="offset points", color=COLORS["true"], fontsize=9)
        label_line(ax, epochs[-1], curves.val_loss[-1], "validation", color=COLORS["ce"],
                   dx=-4, dy=8, ha="right", va="bottom")
        label_line(ax, epochs[-1], curves.train_loss[-1], "training", color="#555555",
                   dx=-4, dy=8, ha="right", va="bottom")
        ax.set_ylim(0, 1.1 * float(max(curves.val_loss.max(), curves.train_loss.max())))
        ax.set_ylabel("mean cross-entropy (nats)")
        ax.set_title("training loss falls, validation loss rises")
    else:
        ax.plot(epochs, curves.val_accuracy, color=COLORS["true"])
        ax.set_ylim(0, 1)
        ax.set_ylabel("validation accuracy")
        ax.set_title("validation accuracy hardly moves")
    ax.set_xscale("symlog", linthresh=10)
    ax.set_xlim(0, epochs[-1])
    ax.set_xlabel("epoch (log scale after 10)")
    return ax


def plot_temperature_scan(t, z, ax=None, *, T_fit=None, T_range=(0.25, 8.0)):
    r"""Held-out NLL and ECE of ``softmax(z / T)`` over temperatures T (log axis).

    NLL (blue, left axis) and ECE (vermillion, right axis); T = 1 (the model as
    trained) dotted grey, ``T_fit`` dashed green.

    Parameters
    ----------
    t : array_like of int, shape (N,)
    z : array_like, shape (N, K)
    ax : matplotlib Axes, optional
    T_fit : float, optional
    T_range : (float, float)
        Smallest and largest temperature shown, both > 0.

    Returns
    -------
    matplotlib Axes
        The NLL axes (the ECE axes is its twin).
    """
    from .activations import softmax
    from .calibration import _check_temperature_value, _label_rows, reliability_bins

    t, z = _label_rows(t, z, "z", "logits")
    lo, hi = (_check_temperature_value(T) for T in T_range)
    if not lo < hi:
        raise ValueError(f"T_range must be (low, high) with low < high; got {T_range!r}.")
    if T_fit is not None:
        T_fit = _check_temperature_value(T_fit)
    ax = _axes(ax)
    Ts = np.geomspace(lo, hi, 121)
    rows = np.arange(len(t))
    from .activations import log_softmax

    nll = np.array([-np.mean(log_softmax(z / T)[rows, t]) for T in Ts])
    ece = np.array([reliability_bins(t, softmax(z / T)).ece for T in Ts])
    ax.plot(Ts, nll, color=COLORS["ce"])
    ax.set_xscale("log")
    ax.set_xlim(lo, hi)
    from matplotlib.ticker import FixedLocator, NullFormatter

    ticks = [T for T in (0.125, 0.25, 0.5, 1, 2, 4, 8, 16, 32) if lo <= T <= hi]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.set_xticklabels([f"{T:g}" for T in ticks])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("temperature $T$ (log scale)")
    ax.set_ylabel("held-out NLL (nats)", color=COLORS["ce"])
    twin = ax.twinx()
    twin.plot(Ts, ece, color=COLORS["wrong"], lw=1.5)
    twin.set_ylabel("ECE (15 bins)", color=COLORS["wrong"])
    twin.set_ylim(0, 1.1 * float(ece.max()))
    twin.grid(False)
    ax.axvline(1.0, color=COLORS["neutral"], ls=":", lw=1.2)
    ax.annotate("T = 1", (1.0, 1), xycoords=("data", "axes fraction"), xytext=(3, -3),
                textcoords="offset points", va="top", fontsize=9, color="#555555")
    if T_fit is not None:
        ax.axvline(T_fit, color=COLORS["true"], ls="--", lw=1.2)
        ax.annotate(f"fitted T = {T_fit:.2f}", (T_fit, 0.9), xycoords=("data", "axes fraction"),
                    xytext=(3, 0), textcoords="offset points", fontsize=9, color=COLORS["true"])
    ax.set_title("temperature: one number fixes NLL and ECE")
    return ax


def plot_gaussian_classes(X, y, ax=None, *, p_true=None, max_points=1500):
    """Points of a 2-D classification problem coloured by class, each class named at its centre.

    With ``p_true`` (the true posterior of each point), the points are shaded by
    their true confidence :math:`\\max_k p_k` (pale: near a boundary).

    Parameters
    ----------
    X : array_like, shape (N, 2)
    y : array_like of int, shape (N,)
    ax : matplotlib Axes, optional
    p_true : array_like, shape (N, K), optional
        Rows of class probabilities (summing to 1).
    max_points : int
        At most this many points are drawn (the first ones).

    Returns
    -------
    matplotlib Axes
    """
    from ._validation import as_array, as_float_array, check_distribution, check_labels, check_ndim

    X = as_float_array(X, "X")
    check_ndim(X, "X", (2,), "(N, 2): one 2-D point per sample")
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 columns (points in the plane); got shape {X.shape}.")
    y = as_array(y, "y")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y has shape {y.shape} but X has {X.shape[0]} rows; pass one label per point.")
    K = int(np.max(y)) + 1 if y.dtype.kind in "iu" and y.min() >= 0 else 1
    if p_true is not None:
        p_true = as_float_array(p_true, "p_true")
        check_ndim(p_true, "p_true", (2,), "(N, K): one row of class probabilities per point")
        if p_true.shape[0] != X.shape[0]:
            raise ValueError(f"p_true has {p_true.shape[0]} rows but X has {X.shape[0]}; "
                             f"pass one row per point.")
        check_distribution(p_true, "p_true")
        K = p_true.shape[1]
    y = check_labels(y, max(K, 1), "y")
    ax = _axes(ax)
    palette = _class_palette(K)
    n = min(len(X), int(max_points))
    alpha = np.full(n, 0.6) if p_true is None else 0.15 + 0.75 * (p_true[:n].max(1) - 1 / K) / (1 - 1 / K)
    for k in range(K):
        mine = y[:n] == k
        ax.scatter(X[:n][mine, 0], X[:n][mine, 1], s=9, color=palette[k], alpha=alpha[mine], lw=0)
        if mine.any():
            cx, cy = X[:n][mine].mean(axis=0)
            ax.annotate(f"class {k}", (cx, cy), ha="center", va="center", fontsize=10,
                        fontweight="bold", color="black",
                        bbox=dict(boxstyle="round,pad=0.2", fc="white", ec=palette[k], alpha=0.85))
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    shade = "; pale = unsure (true max probability near 1/K)" if p_true is not None else ""
    ax.set_title(f"{K} Gaussian classes{shade}", fontsize=10)
    return ax
