r"""Cross-entropy in practice: the frameworks' conventions, their classic bugs, imbalance and targets.

The computations behind notebooks 10 (conventions and bugs) and 11 (imbalance and targets). Each bug is reproduced with celearn's
functions (the buggy number and the right one), and each has a ``plot_*``
helper (``ax=None``, returns the Axes). Nothing here is new maths: the losses
are :mod:`celearn.losses` and :mod:`celearn.framework_options`; this module
only wires them into small experiments.

Examples
--------
>>> from celearn import practice
>>> print(f"{practice.double_softmax_floor(3):.4f}")  # ln(1 + 2/e)
0.5514
>>> print(f"{practice.optimal_logit_gap(0.1, 10):.4f}")  # ln((1 - ε + ε/K) / (ε/K))
4.5109
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from ._validation import ProbableMistakeWarning
from .activations import sigmoid, softmax, softmax_jacobian
from .framework_options import sigmoid_focal_grad_logits, sigmoid_focal_loss
from .gradients import bce_grad_logits, cce_grad_logits
from .information import entropy
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    categorical_cross_entropy,
    softmax_cross_entropy,
)
from .plotting import COLORS, _axes, label_line
from .training import TrainingHistory, standardize, train_softmax_regression
from .utils import one_hot

__all__ = [
    "conventions", "example_batch", "ConventionTable", "double_softmax_floor", "double_softmax_loss_and_grad",
    "call_and_catch", "train_double_softmax", "iris_race", "confidence_race", "keras_bce_on_logits",
    "handwritten_broadcast_labels",
    "padded_batch", "padding_losses", "imbalanced_data", "train_logistic", "recall",
    "positive_class_ece", "imbalance_study", "multi_hot_cross_entropy", "multilabel_vs_multiclass", "smoothed_target", "optimal_logit_gap",
    "smoothing_loss_curve", "focal_factor", "focal_curve",
    "plot_double_softmax_race", "plot_bce_on_logits", "plot_label_shapes", "plot_padding",
    "plot_recall", "plot_threshold", "plot_multilabel", "plot_label_smoothing", "plot_focal",
]

KERAS_EPS = 1e-7  # keras.backend.epsilon()


# --------------------------------------------------------------------------- conventions
@dataclass(frozen=True)
class Convention:
    """One row of the frameworks table: what the framework call expects and does.

    ``compute(ex)`` gives the framework's number with celearn, on the example
    ``ex`` of :func:`example_batch`; ``celearn`` is that call as text.
    """

    framework: str
    call: str
    inputs: str
    labels: str
    reduction: str
    at_p0: str
    celearn: str
    compute: object


@dataclass(frozen=True)
class ExampleBatch:
    """A small batch to compute every row of the table on."""

    y: np.ndarray   # integer labels (N,)
    t: np.ndarray   # the same as one-hot rows (N, K)
    z: np.ndarray   # logits (N, K)
    p: np.ndarray   # softmax(z)
    tb: np.ndarray  # binary targets (N,)
    zb: np.ndarray  # binary logits (N,)
    pb: np.ndarray  # sigmoid(zb)


def example_batch():
    """Four samples, three classes (and four binary ones), as in the notebook's table."""
    y = np.array([0, 1, 2, 2])
    z = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0], [0.3, 0.2, 3.0], [1.0, 0.0, -1.0]])
    tb = np.array([1.0, 0.0, 1.0, 1.0])
    zb = np.array([2.0, -1.0, 0.5, -3.0])
    return ExampleBatch(y, one_hot(y, 3), z, softmax(z), tb, zb, sigmoid(zb))


def conventions():
    """The frameworks' cross-entropy functions, each with the celearn call giving its number.

    Returns
    -------
    list of Convention
    """
    from .naive import binary_cross_entropy_log_clamp

    machine_eps = float(np.finfo(np.float64).eps)
    return [
        Convention("PyTorch", "F.cross_entropy(z, y)", "logits", "integer (or probabilities)",
                   "mean (with weight: ÷ Σ w_y)", "never forms p: finite",
                   "softmax_cross_entropy(y, z)", lambda e: softmax_cross_entropy(e.y, e.z)),
        Convention("PyTorch", "F.nll_loss(torch.log(p), y)", "log-probabilities", "integer",
                   "mean", "log 0 = −inf: inf", "categorical_cross_entropy(y, p)",
                   lambda e: categorical_cross_entropy(e.y, e.p)),
        Convention("PyTorch", "F.binary_cross_entropy_with_logits(z, t)", "logits",
                   "0/1 or soft", "mean over elements", "never forms p: finite",
                   "binary_cross_entropy_with_logits(t, z)",
                   lambda e: binary_cross_entropy_with_logits(e.tb, e.zb)),
        Convention("PyTorch", "F.binary_cross_entropy(p, t)", "probabilities", "0/1 or soft",
                   "mean over elements", "log clamped at −100: 100 nats",
                   "naive.binary_cross_entropy_log_clamp(t, p)",
                   lambda e: binary_cross_entropy_log_clamp(e.tb, e.pb)),
        Convention("Keras 3", "SparseCategoricalCrossentropy()", "probabilities (default!)",
                   "integer", "mean", "p clipped at 1e-7: 16.12 nats*",
                   "categorical_cross_entropy(y, p, eps=1e-7)",
                   lambda e: categorical_cross_entropy(e.y, e.p, eps=KERAS_EPS)),
        Convention("Keras 3", "CategoricalCrossentropy(from_logits=True)", "logits", "one-hot",
                   "mean", "never forms p: finite", "softmax_cross_entropy(t, z)",
                   lambda e: softmax_cross_entropy(e.t, e.z)),
        Convention("Keras 3", "BinaryCrossentropy()", "probabilities (default!)", "0/1 or soft",
                   "mean", "p clipped at 1e-7: 16.12 nats*",
                   "binary_cross_entropy(t, p, eps=1e-7)",
                   lambda e: binary_cross_entropy(e.tb, e.pb, eps=KERAS_EPS)),
        Convention("scikit-learn", "log_loss(y, p)", "probabilities", "any labels (sorted)",
                   "mean", "clipped at machine eps: 36.04 nats",
                   "categorical_cross_entropy(y, p, eps=2.2e-16)",
                   lambda e: categorical_cross_entropy(e.y, e.p, eps=machine_eps)),
        Convention("optax", "softmax_cross_entropy_with_integer_labels(z, y)", "logits",
                   "integer", "none (call .mean())", "never forms p: finite",
                   "softmax_cross_entropy(y, z, reduction='none')",
                   lambda e: softmax_cross_entropy(e.y, e.z, reduction="none")),
        Convention("optax", "sigmoid_binary_cross_entropy(z, t)", "logits", "0/1 or soft",
                   "none (call .mean())", "never forms p: finite",
                   "binary_cross_entropy_with_logits(t, z, reduction='none')",
                   lambda e: binary_cross_entropy_with_logits(e.tb, e.zb, reduction="none")),
    ]


class ConventionTable:
    """The frameworks table with each row's number on :func:`example_batch` (shown as Markdown)."""

    columns = ("framework", "call", "inputs", "labels", "reduction", "at p = 0",
               "celearn (cl.…)", "number")

    def __init__(self, example=None):
        self.example = example_batch() if example is None else example
        self.rows = conventions()
        self.values = [np.asarray(r.compute(self.example)) for r in self.rows]

    @staticmethod
    def _number(v):
        return f"{float(v):.4f}" if v.ndim == 0 else "[" + " ".join(f"{x:.3f}" for x in v) + "]"

    def _cells(self):
        for r, v in zip(self.rows, self.values):
            yield (r.framework, f"`{r.call}`", r.inputs, r.labels, r.reduction, r.at_p0,
                   f"`{r.celearn}`", self._number(v))

    footnote = ("\\* on the JAX and PyTorch backends; on the TensorFlow backend (and in tf.keras 2.x) "
                "probabilities that come straight from a sigmoid or softmax layer are replaced by "
                "the logits cached on them, so nothing is clipped (notebook 07, section 1).")

    def _repr_markdown_(self):
        lines = ["| " + " | ".join(self.columns) + " |", "|" + "---|" * len(self.columns)]
        lines += ["| " + " | ".join(c) + " |" for c in self._cells()]
        return "\n".join(lines) + "\n\n" + self.footnote

    def __repr__(self):
        return "\n".join(f"{r.framework:12s} {r.call:50s} {self._number(v)}"
                         for r, v in zip(self.rows, self.values))


# --------------------------------------------------------------------------- double softmax
def call_and_catch(f, *args, **kwargs):
    """Call ``f(*args, **kwargs)`` and return ``(result, warnings)``: to show a warning on purpose.

    ``warnings`` lists each warning ``f`` issued as the text ``"Category: message"``
    (printed, it reads as a sentence instead of a stderr box with a file path).

    Examples
    --------
    >>> import numpy as np
    >>> from celearn import softmax_cross_entropy
    >>> loss, caught = call_and_catch(softmax_cross_entropy, [0], np.array([[0.5, 0.5]]))
    >>> caught[0].split(":")[0]
    'ProbableMistakeWarning'
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = f(*args, **kwargs)
    return result, [f"{w.category.__name__}: {w.message}" for w in caught]


def double_softmax_floor(num_classes):
    r"""The lowest loss a softmax in front of a logits loss can reach, :math:`\ln(1 + (K-1)/e)`.

    The probabilities :math:`p \in [0, 1]` are treated as logits; the best is
    :math:`p` one-hot, whose softmax is :math:`(e, 1, \dots, 1)/(e + K - 1)`.
    """
    return math.log1p((num_classes - 1) / math.e)


def double_softmax_loss_and_grad(y, z):
    r"""Per-sample loss and logit gradient of ``softmax_cross_entropy(y, softmax(z))``.

    The bug: probabilities fed to a loss that applies softmax again. By the
    chain rule the gradient is :math:`J(z)^\top(\operatorname{softmax}(p) - t)`
    with :math:`J = \operatorname{diag}(p) - pp^\top`, :math:`p = \operatorname{softmax}(z)`.

    Returns
    -------
    loss : ndarray, shape (N,)
    grad : ndarray, shape (N, K)
    """
    p = softmax(z)
    with warnings.catch_warnings():  # the double softmax is the point here
        warnings.simplefilter("ignore", ProbableMistakeWarning)
        loss = softmax_cross_entropy(y, p, reduction="none")
    outer = cce_grad_logits(y, p)  # softmax(p) - t, the gradient w.r.t. the "logits" p
    return loss, np.einsum("nij,ni->nj", softmax_jacobian(z), outer)


def train_double_softmax(X, y, *, lr=0.5, epochs=300, init_scale=0.01, seed=0):
    """Softmax regression trained through the double-softmax bug (else as
    :func:`celearn.training.train_softmax_regression`, same start for the same seed).

    Returns
    -------
    TrainingHistory
        ``loss`` is the buggy loss the optimiser saw; ``accuracy`` as usual.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    n, d = X.shape
    k = int(y.max()) + 1
    W = init_scale * np.random.default_rng(seed).standard_normal((d, k))
    b = np.zeros(k)
    losses, accuracy = [], []
    for epoch in range(epochs + 1):
        z = X @ W + b
        loss, g = double_softmax_loss_and_grad(y, z)
        losses.append(loss.mean())
        accuracy.append(np.mean(z.argmax(axis=1) == y))
        if epoch < epochs:
            W = W - lr * (X.T @ g) / n
            b = b - lr * g.mean(axis=0)
    return TrainingHistory("double softmax", np.array(losses), np.array(accuracy), W, b)


def iris_race(*, lr=0.5, epochs=300, seed=0):
    """Train softmax regression on standardised Iris twice: right, and with the double softmax.

    Returns
    -------
    dict
        ``"right"`` and ``"double softmax"``: :class:`~celearn.training.TrainingHistory`;
        ``"grad_ratio"``: gradient norm of the double softmax over the right one at
        the start; ``"right_on_double"``: the right (plain) cross-entropy of the
        double-softmax model's final logits.
    """
    from .datasets import load_iris

    X, y, _, _ = load_iris()
    X = standardize(X)
    right = train_softmax_regression(X, y, loss="ce", lr=lr, epochs=epochs, seed=seed)
    double = train_double_softmax(X, y, lr=lr, epochs=epochs, seed=seed)
    z0 = X @ (0.01 * np.random.default_rng(seed).standard_normal((X.shape[1], 3)))
    g_right = cce_grad_logits(y, z0)
    _, g_double = double_softmax_loss_and_grad(y, z0)
    return {
        "right": right,
        "double softmax": double,
        "grad_ratio": float(np.linalg.norm(g_double) / np.linalg.norm(g_right)),
        "right_on_double": float(softmax_cross_entropy(y, X @ double.W + double.b)),
    }


def _softmax_rows(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def confidence_race(*, checkpoints=(300, 1000, 3000, 10000), lr=0.5, seed=0):
    """Slow, not timid: the right and the double-softmax Iris models over a long run.

    Both start from the same weights as :func:`iris_race` and take the same steps.
    At each checkpoint: the true (plain) cross-entropy of each model, its mean
    confidence (the largest probability of softmax(z), averaged over the samples)
    and accuracy; and how many steps the right model needed to reach the
    double-softmax model's cross-entropy.

    Returns
    -------
    dict of ndarray, one entry per checkpoint
        ``"steps"``, ``"ce_right"``, ``"ce_double"``, ``"confidence_right"``,
        ``"confidence_double"``, ``"accuracy_right"``, ``"accuracy_double"``,
        ``"right_steps_to_match"``.
    """
    from .datasets import load_iris

    X, y, _, _ = load_iris()
    X = standardize(X)
    n, d = X.shape
    t = one_hot(y, 3)
    W0 = 0.01 * np.random.default_rng(seed).standard_normal((d, 3))
    (Wr, br), (Wd, bd) = (W0.copy(), np.zeros(3)), (W0.copy(), np.zeros(3))
    stops, right_ce, rows = sorted(checkpoints), [], []
    for step in range(stops[-1] + 1):
        zr, zd = X @ Wr + br, X @ Wd + bd
        m = zr.max(axis=1)  # the right model's cross-entropy, log-sum-exp by hand (fast)
        right_ce.append(float(np.mean(m + np.log(np.exp(zr - m[:, None]).sum(axis=1))
                                      - zr[np.arange(n), y])))
        if step in stops:
            rows.append((step, right_ce[-1], float(softmax_cross_entropy(y, zd)),
                         softmax(zr).max(axis=1).mean(), softmax(zd).max(axis=1).mean(),
                         np.mean(zr.argmax(axis=1) == y), np.mean(zd.argmax(axis=1) == y)))
        # the two gradients in plain numpy (celearn's checked calls cost 0.3 ms a step; the
        # test compares step 300 with iris_race, which uses them)
        gr = _softmax_rows(zr) - t
        pd = _softmax_rows(zd)
        outer = _softmax_rows(pd) - t
        gd = pd * (outer - (pd * outer).sum(axis=1, keepdims=True))  # J(z)ᵀ outer, J = diag(p) - ppᵀ
        Wr, br = Wr - lr * (X.T @ gr) / n, br - lr * gr.mean(axis=0)
        Wd, bd = Wd - lr * (X.T @ gd) / n, bd - lr * gd.mean(axis=0)
    right_ce = np.array(right_ce)
    cols = np.array(rows).T
    match = [int(np.argmax(right_ce <= ce)) for ce in cols[2]]
    names = ("steps", "ce_right", "ce_double", "confidence_right", "confidence_double",
             "accuracy_right", "accuracy_double")
    out = dict(zip(names, cols))
    out["steps"] = out["steps"].astype(int)
    out["right_steps_to_match"] = np.array(match)
    return out


def plot_double_softmax_race(race, ax=None):
    """Training loss of the right model and of the double-softmax one, with the floor."""
    ax = _axes(ax)
    right, double = race["right"], race["double softmax"]
    epochs = np.arange(len(right.loss))
    ax.plot(epochs, right.loss, color=COLORS["ce"], lw=2)
    ax.plot(epochs, double.loss, color=COLORS["wrong"], lw=2, ls="--")
    floor = double_softmax_floor(3)
    ax.axhline(floor, color=COLORS["neutral"], lw=1, ls=":")
    label_line(ax, epochs[-1], floor, f"floor ln(1 + 2/e) = {floor:.3f}",
               color="#555555", dx=-4, dy=-8, ha="right")
    label_line(ax, epochs[len(epochs) // 3], float(right.loss[len(epochs) // 3]),
               "softmax_cross_entropy(y, z)", color=COLORS["ce"], dy=-10, va="top")
    label_line(ax, epochs[len(epochs) // 3], float(double.loss[len(epochs) // 3]),
               "… (y, softmax(z)): double softmax", color=COLORS["wrong"], dy=8, va="bottom")
    ax.set_ylim(0, 1.15)
    ax.set_xlabel("epoch")
    ax.set_ylabel("training loss (nats)")
    ax.set_title("Iris: the same model, the same steps")
    return ax


# --------------------------------------------------------------------------- BCE on logits
def keras_bce_on_logits(t, z, *, reduction="mean"):
    """What Keras's ``BinaryCrossentropy()`` (from_logits=False) computes when given logits.

    It clips its "probabilities" to ``[1e-7, 1 - 1e-7]`` silently: a logit of 3
    becomes 0.9999999 and a logit of -2 becomes 1e-7.
    """
    z = np.asarray(z, dtype=np.float64)
    return binary_cross_entropy(t, np.clip(z, KERAS_EPS, 1 - KERAS_EPS), reduction=reduction)


def plot_bce_on_logits(ax=None, *, z_range=(-6.0, 6.0)):
    """Loss against the logit for t = 1: the right loss and Keras's loss fed logits."""
    ax = _axes(ax)
    z = np.linspace(*z_range, 601)
    ones = np.ones_like(z)
    right = binary_cross_entropy_with_logits(ones, z, reduction="none")
    wrong = keras_bce_on_logits(ones, z, reduction="none")
    ax.plot(z, right, color=COLORS["ce"], lw=2)
    ax.plot(z, wrong, color=COLORS["wrong"], lw=2, ls="--")
    label_line(ax, -5.5, float(right[25]), "BCE with logits", color=COLORS["ce"], dy=-8, va="top")
    label_line(ax, 1.2, 1.2, "BCE fed logits (Keras clips to [1e-7, 1 − 1e-7])",
               color=COLORS["wrong"], va="bottom")
    ax.set_ylim(0, 17.5)
    ax.set_xlabel("logit $z$ (target $t = 1$)")
    ax.set_ylabel("loss (nats)")
    ax.set_title("flat almost everywhere: no gradient")
    return ax


# --------------------------------------------------------------------------- label shapes
def handwritten_broadcast_labels(y, p):
    r"""A hand-written one-hot loss, ``-(y * log(p)).sum(1)``, fed labels of shape (N, 1).

    NumPy (and torch, JAX) broadcast the (N, 1) labels against the (N, K)
    probabilities: :math:`-\sum_k y_n \log p_{nk}`, every class's
    log-probability times the label *number* — class 0 costs nothing, class 2
    costs twice all the terms. The frameworks' own losses refuse this shape
    (Keras 3: "target and output must have the same shape"; PyTorch:
    "multi-target not supported"); only hand-written losses fall into it.
    """
    y = np.asarray(y, dtype=np.float64)[:, None]
    return -(y * np.log(np.asarray(p))).sum(axis=1)


def plot_label_shapes(y, p, ax=None):
    """Per-sample loss: right, and with (N, 1) labels broadcast against (N, K) probabilities."""
    ax = _axes(ax)
    right = categorical_cross_entropy(y, p, reduction="none")
    wrong = handwritten_broadcast_labels(y, p)
    idx = np.arange(len(y))
    ax.bar(idx - 0.2, right, 0.4, color=COLORS["ce"], label="labels as labels")
    ax.bar(idx + 0.2, wrong, 0.4, color=COLORS["wrong"], label="hand-written, (N, 1) labels")
    ax.set_xticks(idx, [f"y = {v}" for v in y])
    ax.set_ylabel("loss of the sample (nats)")
    ax.legend(frameon=False)
    ax.set_title("class 0 costs nothing, class 2 double")
    return ax


# --------------------------------------------------------------------------- padding
def padded_batch(lengths=(3, 7, 5, 10), *, num_classes=6, seed=0):
    """A batch of token sequences padded with -100, and a model's logits.

    Returns
    -------
    y : ndarray of int, shape (B, T)
        Labels, -100 at padded positions (``T = max(lengths)``).
    z : ndarray, shape (B, T, K)
        Logits: fairly confident on the real tokens; on padding the model says
        class 0 (what a model learns when padding is scored as the label 0).
    """
    rng = np.random.default_rng(seed)
    b, t = len(lengths), max(lengths)
    y = rng.integers(1, num_classes, (b, t))
    z = rng.normal(0, 1, (b, t, num_classes))
    z[np.arange(b)[:, None], np.arange(t), y] += 2.0
    pad = np.arange(t)[None, :] >= np.asarray(lengths)[:, None]
    y[pad] = -100
    z[pad] = rng.normal(0, 1, (int(pad.sum()), num_classes))
    z[pad, 0] += 4.0
    return y, z


def padding_losses(y, z):
    """The batch's mean token loss three ways.

    Returns
    -------
    dict
        ``"ignore_index"`` (right: mean over the real tokens),
        ``"pad as class 0"`` (padding scored as the label 0, mean over all),
        ``"zeroed, ÷ all"`` (padding losses zeroed but the mean over all positions).
    """
    k = z.shape[-1]
    flat_y, flat_z = y.reshape(-1), z.reshape(-1, k)
    right = softmax_cross_entropy(flat_y, flat_z, ignore_index=-100)
    as_zero = softmax_cross_entropy(np.where(flat_y == -100, 0, flat_y), flat_z)
    diluted = softmax_cross_entropy(flat_y, flat_z, ignore_index=-100, reduction="sum") / flat_y.size
    return {"ignore_index": float(right), "pad as class 0": float(as_zero),
            "zeroed, ÷ all": float(diluted)}


def plot_padding(y, z, ax=None):
    """Per-token losses of a padded batch; padding (ignored) drawn hatched."""
    import matplotlib.colors as mcolors

    ax = _axes(ax)
    k = z.shape[-1]
    per = softmax_cross_entropy(y.reshape(-1), z.reshape(-1, k), ignore_index=-100,
                                reduction="none").reshape(y.shape)
    shown = np.ma.masked_where(y == -100, per)
    cmap = mcolors.LinearSegmentedColormap.from_list("ce", ["#ffffff", COLORS["ce"]])
    im = ax.imshow(shown, cmap=cmap, vmin=0, aspect="auto")
    pad = np.argwhere(y == -100)
    for r, c in pad:
        ax.add_patch(__import__("matplotlib.patches", fromlist=["Rectangle"]).Rectangle(
            (c - 0.5, r - 0.5), 1, 1, fill=False, hatch="///", color=COLORS["neutral"], lw=0))
    ax.set_xlabel("position in the sequence")
    ax.set_ylabel("sequence")
    ax.set_yticks(range(y.shape[0]))
    ax.set_title("token losses; hatched = padding (ignore_index)")
    ax.figure.colorbar(im, ax=ax, label="loss (nats)", shrink=0.8)
    return ax


# --------------------------------------------------------------------------- imbalance
def imbalanced_data(n=4000, *, minority=0.05, separation=2.0, seed=0):
    """Two overlapping 2-D Gaussian classes, the positive one rare.

    Returns
    -------
    X : ndarray, shape (n, 2)
    t : ndarray, shape (n,)
        1.0 for the minority (positive) class, 0.0 for the majority.
    """
    rng = np.random.default_rng(seed)
    t = (rng.random(n) < minority).astype(np.float64)
    X = rng.normal(0, 1, (n, 2))
    X[:, 0] += separation * t
    return X, t


def train_logistic(X, t, *, grad_logits, lr=0.5, epochs=1000):
    r"""Logistic regression :math:`z = Xw + b` by full-batch gradient descent.

    ``grad_logits(t, z)`` is the per-sample gradient of the loss with respect
    to the logits (e.g. :func:`celearn.bce_grad_logits` with options); each step
    moves by its mean over the samples.

    Returns
    -------
    w : ndarray, shape (D,)
    b : float
    """
    X = np.asarray(X, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        g = grad_logits(t, X @ w + b)
        w = w - lr * X.T @ g / len(t)
        b = b - lr * g.mean()
    return w, b


def recall(t, predicted):
    """Per-class recall (the fraction of each class predicted as itself), classes 0 and 1."""
    t, predicted = np.asarray(t), np.asarray(predicted)
    return np.array([np.mean(predicted[t == c] == c) for c in (0, 1)])


def positive_class_ece(t, p, *, n_bins=10):
    r"""Calibration error of P(positive): :math:`\sum_m \frac{|B_m|}{N}\,|\bar t_{B_m} - \bar p_{B_m}|`.

    The bins are those of :func:`celearn.calibration.calibration_curve` (uniform on
    [0, 1]): the gap between the fraction of positives and the mean predicted P(pos)
    in each bin, weighted by the bin's share of the samples. Unlike the top-label ECE
    it does not fold P(pos) = 0.3 and P(pos) = 0.7 into one confidence of 0.7, so
    it sees a model that over-predicts the rare class.
    """
    t = np.asarray(t, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = np.clip(np.searchsorted(edges[1:-1], p, side="right"), 0, n_bins - 1)
    count = np.bincount(bins, minlength=n_bins)
    gap = np.abs(np.bincount(bins, t, n_bins) - np.bincount(bins, p, n_bins))
    return float(gap.sum() / count.sum())


def imbalance_study(*, seed=0, epochs=1000):
    r"""The same logistic model on 95/5 data, trained with each remedy, judged on held-out data.

    Each model is judged at the threshold 0.5 — and the plain model also at
    :math:`1/(1 + \text{pos\_weight})`, the threshold that moving the weights into the
    decision would give.

    Returns
    -------
    dict
        method -> ``{"recall": [majority, minority], "accuracy", "mean_p"`` (mean P(pos)),
        ``"ece"`` (:func:`positive_class_ece`, 10 bins), ``"test_bce"`` (held-out NLL),
        ``"threshold"``, ``"p"`` (the held-out P(pos))}; and ``"pos_weight"`` (negatives per positive in the training
        set), ``"rate"`` (the held-out share of positives).
    """
    X, t = imbalanced_data(seed=seed)
    X_test, t_test = imbalanced_data(seed=seed + 1)
    n_pos = t.sum()
    ratio = float((len(t) - n_pos) / n_pos)
    balanced = np.where(t == 1, len(t) / (2 * n_pos), len(t) / (2 * (len(t) - n_pos)))
    methods = {
        "plain BCE": lambda t_, z: bce_grad_logits(t_, z),
        "class weights (balanced)": lambda t_, z: bce_grad_logits(t_, z, weight=balanced),
        f"pos_weight = {ratio:.1f}": lambda t_, z: bce_grad_logits(t_, z, pos_weight=ratio),
        "focal γ = 2": lambda t_, z: sigmoid_focal_grad_logits(t_, z, gamma=2.0),
        "focal γ = 2, α = 0.25": lambda t_, z: sigmoid_focal_grad_logits(t_, z, gamma=2.0,
                                                                         alpha=0.25),
        "focal γ = 2, α = 0.95": lambda t_, z: sigmoid_focal_grad_logits(t_, z, gamma=2.0,
                                                                         alpha=0.95),
    }
    out = {}

    def judge(z, threshold):
        p = sigmoid(z)
        pred = (p > threshold).astype(float)
        return {"recall": recall(t_test, pred), "accuracy": float(np.mean(pred == t_test)),
                "mean_p": float(p.mean()), "ece": positive_class_ece(t_test, p),
                "test_bce": float(binary_cross_entropy_with_logits(t_test, z)),
                "threshold": threshold, "p": p}

    for name, grad in methods.items():
        w, b = train_logistic(X, t, grad_logits=grad, epochs=epochs, lr=1.0)
        out[name] = judge(X_test @ w + b, 0.5)
        if name == "plain BCE":
            out["plain BCE, threshold 1/(1 + pos_weight)"] = judge(X_test @ w + b, 1 / (1 + ratio))
    out["pos_weight"] = ratio
    out["rate"] = float(t_test.mean())
    out["t_test"] = t_test
    return out


def _methods(study):
    return [k for k in study if isinstance(study[k], dict)]


def plot_recall(study, ax=None):
    """Per-class recall of each remedy (bars: majority and minority class)."""
    ax = _axes(ax)
    names = _methods(study)
    rec = np.array([study[k]["recall"] for k in names])
    idx = np.arange(len(names))
    ax.barh(idx + 0.2, rec[:, 0], 0.4, color=COLORS["neutral"], label="majority (95%)")
    ax.barh(idx - 0.2, rec[:, 1], 0.4, color=COLORS["wrong"], label="minority (5%)")
    for i, (r0, r1) in enumerate(rec):
        ax.text(r1 + 0.01, i - 0.2, f"{r1:.2f}", va="center", fontsize=9, color=COLORS["wrong"])
        ax.text(r0 + 0.01, i + 0.2, f"{r0:.2f}", va="center", fontsize=9, color="#555555")
    ax.set_yticks(idx, names)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.12)
    ax.set_xlabel("recall on held-out data")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title("what each remedy changes")
    return ax


def plot_threshold(study, ax=None):
    """Held-out reliability of P(pos): the plain model and the pos_weight model (10 uniform bins)."""
    from .calibration import calibration_curve

    ax = _axes(ax)
    ax.plot([0, 1], [0, 1], color=COLORS["neutral"], lw=1, ls=":")
    weighted = f"pos_weight = {study['pos_weight']:.1f}"
    for name, color, style, where in (("plain BCE", COLORS["ce"], "-", (0.03, 0.92)),
                                      (weighted, COLORS["wrong"], "--", (0.97, 0.03))):
        frac, mean_p = calibration_curve(study["t_test"].astype(int), study[name]["p"], n_bins=10)
        ax.plot(mean_p, frac, style, marker="o", color=color, lw=2)
        ax.text(*where, f"{name}: ECE {study[name]['ece']:.3f}", color=color,
                ha="left" if where[0] < 0.5 else "right", transform=ax.transAxes)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("predicted P(positive)")
    ax.set_ylabel("fraction of positives")
    ax.set_title("held-out reliability of P(positive)")
    return ax


# --------------------------------------------------------------------------- multi-label
def multilabel_vs_multiclass(t=(1.0, 1.0, 0.0), *, lr=1.0, steps=300):
    """Fit the logits of one sample with two true labels, both ways, by gradient descent.

    Multi-label: one sigmoid and one BCE per label (``bce_grad_logits``).
    Multi-class: one softmax over the labels with the target spread over the
    true ones, ``t / t.sum()`` (``cce_grad_logits``): the best it can say is 1/2 each.

    Returns
    -------
    dict
        ``"sigmoid"`` and ``"softmax"``: the final probabilities;
        ``"sigmoid_loss"``, ``"softmax_loss"``: final losses (summed BCE, CE);
        ``"softmax_floor"``: the entropy of the spread target (ln 2 for two labels);
        ``"multi_hot_loss"``, ``"multi_hot_floor"``: the same softmax scored against the
        unnormalised multi-hot ``t`` (PyTorch accepts it: :func:`multi_hot_cross_entropy`)
        and its floor, ``sum(t) * ln(sum(t))`` (2 ln 2 for two labels).
    """
    t = np.asarray(t, dtype=np.float64)
    soft = t / t.sum()
    z_sig = np.zeros_like(t)
    z_soft = np.zeros_like(t)
    for _ in range(steps):
        z_sig -= lr * bce_grad_logits(t, z_sig)
        z_soft -= lr * cce_grad_logits(soft, z_soft)
    return {
        "sigmoid": sigmoid(z_sig), "softmax": softmax(z_soft),
        "sigmoid_loss": float(binary_cross_entropy_with_logits(t, z_sig, reduction="sum")),
        "softmax_loss": float(softmax_cross_entropy(soft, z_soft)),
        "softmax_floor": float(entropy(soft)),
        "multi_hot_loss": float(multi_hot_cross_entropy(t, z_soft)),
        "multi_hot_floor": float(t.sum() * np.log(t.sum())),
    }


def multi_hot_cross_entropy(t, z):
    r"""Softmax cross-entropy against an unnormalised multi-hot target, :math:`-\sum_k t_k \ln p_k`.

    What ``torch.nn.functional.cross_entropy(z, t)`` computes when ``t`` holds
    class probabilities that do not sum to 1 (torch does not check): with two
    true tags, ``t = (1, 1, 0)``, it is twice the loss against the normalised
    ``(1/2, 1/2, 0)`` and its floor is :math:`2 \ln 2`. celearn's losses refuse
    such rows; this helper spells the sum out.
    """
    t = np.asarray(t, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    m = z.max(axis=-1, keepdims=True)
    log_p = z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True))
    return -(t * log_p).sum(axis=-1)


def plot_multilabel(result, labels=("cat", "outdoor", "night"), ax=None):
    """Fitted probabilities of each label: independent sigmoids vs one softmax."""
    ax = _axes(ax)
    idx = np.arange(len(labels))
    ax.bar(idx - 0.2, result["sigmoid"], 0.4, color=COLORS["ce"], label="sigmoid per label + BCE")
    ax.bar(idx + 0.2, result["softmax"], 0.4, color=COLORS["p"], label="one softmax + CE")
    ax.axhline(0.5, color=COLORS["neutral"], lw=1, ls=":")
    ax.set_xticks(idx, [f"{name}\n(t = {int(v)})" for name, v in zip(labels, (1, 1, 0))])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("fitted probability")
    ax.legend(frameon=False, loc="upper right")
    ax.set_title("two true labels")
    return ax


# --------------------------------------------------------------------------- label smoothing
def smoothed_target(label, num_classes, eps):
    r"""PyTorch's smoothed one-hot target :math:`(1 - \varepsilon)\,t + \varepsilon / K`."""
    t = one_hot(np.asarray(label), num_classes) * (1 - eps)
    return t + eps / num_classes


def optimal_logit_gap(eps, num_classes):
    r"""The logit gap (true class minus each other class) minimising the smoothed loss.

    :math:`\ln\bigl((1 - \varepsilon + \varepsilon/K) / (\varepsilon / K)\bigr)`;
    infinite for :math:`\varepsilon = 0`.
    """
    if eps == 0:
        return math.inf
    return math.log((1 - eps + eps / num_classes) / (eps / num_classes))


def smoothing_loss_curve(gaps, eps, num_classes):
    """Smoothed cross-entropy of logits ``[gap, 0, ..., 0]`` with true class 0, per gap."""
    gaps = np.asarray(gaps, dtype=np.float64)
    z = np.zeros((gaps.size, num_classes))
    z[:, 0] = gaps
    return softmax_cross_entropy(np.zeros(gaps.size, dtype=int), z, label_smoothing=eps,
                                 reduction="none")


def plot_label_smoothing(ax=None, *, epsilons=(0.0, 0.1, 0.3), num_classes=10):
    """Loss against the logit gap for several ε: each ε > 0 has a floor at a finite gap."""
    ax = _axes(ax)
    gaps = np.linspace(0, 14, 561)
    colors = [COLORS["ce"], COLORS["p"], COLORS["mse"]]
    for eps, color in zip(epsilons, colors):
        loss = smoothing_loss_curve(gaps, eps, num_classes)
        ax.plot(gaps, loss, color=color, lw=2)
        label_line(ax, gaps[-1], float(loss[-1]), f"ε = {eps:g}", color=color, dx=4, ha="left")
        if eps > 0:
            gap = optimal_logit_gap(eps, num_classes)
            floor = float(entropy(smoothed_target(0, num_classes, eps)))
            ax.plot([gap], [floor], "o", color=color)
            ax.annotate(f"H = {floor:.3f}", (gap, floor), xytext=(0, -14),
                        textcoords="offset points", ha="center", color=color, fontsize=9)
    ax.set_xlim(0, 16)
    ax.set_ylim(0, 2.5)
    ax.set_xlabel(f"logit gap, true class − others (K = {num_classes})")
    ax.set_ylabel("loss (nats)")
    ax.set_title("label smoothing: a floor at a finite gap")
    return ax


# --------------------------------------------------------------------------- focal loss
def focal_factor(p_t, gamma):
    r"""The focal modulating factor :math:`(1 - p_t)^\gamma`: the weight of an example."""
    return (1 - np.asarray(p_t, dtype=np.float64)) ** gamma


def focal_curve(p_t, gamma):
    r"""Focal loss of an example whose true class gets probability :math:`p_t`.

    :math:`-(1 - p_t)^\gamma \ln p_t`, computed by
    :func:`celearn.sigmoid_focal_loss` with :math:`t = 1`, :math:`z = \operatorname{logit}(p_t)`.
    """
    p_t = np.asarray(p_t, dtype=np.float64)
    z = np.log(p_t) - np.log1p(-p_t)
    return sigmoid_focal_loss(np.ones_like(z), z, gamma=gamma, reduction="none")


def plot_focal(ax=None, *, gammas=(0.0, 0.5, 2.0, 5.0)):
    """Focal loss against :math:`p_t` for several γ (γ = 0 is cross-entropy)."""
    ax = _axes(ax)
    p = np.linspace(0.01, 0.99, 197)
    colors = [COLORS["ce"], COLORS["q"], COLORS["p"], COLORS["mse"]]
    for gamma, color in zip(gammas, colors):
        loss = focal_curve(p, gamma)
        ax.plot(p, loss, color=color, lw=2)
        label_line(ax, 0.2, float(focal_curve(0.2, gamma)), f"γ = {gamma:g}", color=color)
    ax.axvspan(0.6, 1, color=COLORS["neutral"], alpha=0.12, lw=0)
    ax.text(0.8, 3.5, "easy examples", ha="center", color="#555555", fontsize=9)
    ax.set_ylim(0, 4)
    ax.set_xlabel("probability of the true class, $p_t$")
    ax.set_ylabel("loss (nats)")
    ax.set_title("focal loss shrinks the easy examples")
    return ax
