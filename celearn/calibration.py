r"""Calibration: are a model's probabilities worth what they say?

A classifier is *calibrated* when, among the samples it gives confidence
:math:`c`, a fraction :math:`c` is right.  This module measures that and fixes
the commonest failure, overconfidence, with one number:

* :func:`calibration_curve` — the points of a binary reliability diagram
  (the same numbers as ``sklearn.calibration.calibration_curve(...,
  strategy="uniform")``);
* :func:`reliability_bins` and :func:`expected_calibration_error` — top-label
  confidence against accuracy in M equal-width bins (Guo et al. 2017);
* :func:`fit_temperature` — the temperature T > 0 that minimises the held-out
  cross-entropy of :math:`\mathrm{softmax}(z / T)` (temperature scaling).

Examples
--------
>>> import numpy as np
>>> from celearn.calibration import expected_calibration_error
>>> t = np.array([1, 0, 1, 1])
>>> p = np.array([0.9, 0.2, 0.6, 0.8])     # P(class 1)
>>> print(f"{expected_calibration_error(t, p, n_bins=5):.4f}")
0.2250
"""
from __future__ import annotations

import numbers
import operator
from typing import NamedTuple

import numpy as np

from ._validation import (
    as_array,
    as_float_array,
    check_distribution,
    check_labels,
    check_ndim,
    check_probabilities,
    check_same_shape,
    check_seed,
)
from .activations import log_softmax, softmax

__all__ = [
    "ReliabilityBins",
    "calibration_curve",
    "expected_calibration_error",
    "fit_temperature",
    "reliability_bins",
    "temperature_nll",
    "train_and_track",
    "TrainingCurves",
]


# ---------------------------------------------------------------------------
# Validation of this module's inputs (built on celearn._validation)
# ---------------------------------------------------------------------------
#: The most bins :func:`calibration_curve`, :func:`reliability_bins` and
#: :func:`expected_calibration_error` accept (their arrays have n_bins + 1 entries).
MAX_BINS = 10**6


def _check_n_bins(n_bins):
    """``n_bins`` must be an integer in [1, MAX_BINS]; returned as a Python int.

    Checked before anything is allocated: 10**9 bins would need ~24 GB.
    """
    ok = not isinstance(n_bins, (bool, np.bool_))
    if ok:
        try:
            n_bins = operator.index(n_bins)
            ok = n_bins >= 1
        except TypeError:
            ok = False
    if not ok:
        raise ValueError(
            f"n_bins must be an integer >= 1 (the number of equal-width confidence "
            f"bins); got {n_bins!r:.60}. 10 or 15 bins are usual; use fewer bins for "
            f"a few hundred samples."
        )
    if n_bins > MAX_BINS:
        digits = len(str(n_bins))
        shown = f"{n_bins:,}" if digits <= 15 else f"a {digits}-digit number"
        raise ValueError(
            f"n_bins = {shown} is too many: at most {MAX_BINS:,} equal-width bins "
            f"(every bin keeps its own counts, about 24 bytes per bin, so nothing "
            f"was allocated). 10 or 15 bins are usual; fewer for a few hundred samples."
        )
    return n_bins


def _binary_labels(t, name="t"):
    """``t`` as integer labels 0/1 (bool accepted), shape (N,)."""
    t = as_array(t, name)
    if t.dtype.kind == "b":
        t = t.astype(np.intp)
    check_ndim(t, name, (1,), "(N,): one label 0 or 1 per sample")
    return check_labels(t, 2, name)


def _binary_inputs(t, p):
    """Binary labels t (N,) and probabilities of class 1, p (N,) in [0, 1]."""
    t = _binary_labels(t)
    p = as_array(p, "p")
    check_ndim(p, "p", (1,),
               "(N,): the probability of class 1 for each sample (for K classes "
               "use expected_calibration_error with rows of shape (N, K))")
    check_same_shape(t, p, ("t", "p"))
    p = as_float_array(p, "p")
    check_probabilities(p, "p", "p must hold the predicted probability of class 1 "
                        "for each sample; if these are logits, apply cl.sigmoid first.")
    return t, p


def _label_rows(t, x, x_name, what):
    """Labels t (N,) and class scores x (N, K) as (intp, float) arrays.

    A 1-D ``x`` of the same shape as ``t`` is a binary problem: ``what`` says
    whether it holds P(class 1) (``"probabilities"``) or the logit of class 1.
    """
    t = as_array(t, "t")
    x = as_array(x, x_name)
    if t.dtype.kind == "b":
        t = t.astype(np.intp)
    binary = x.ndim == 1
    if binary:
        check_same_shape(t, x, ("t", x_name))
        t = _binary_labels(t)
        x = as_float_array(x, x_name)
        if what == "probabilities":
            check_probabilities(x, x_name, f"A 1-D {x_name} holds P(class 1) per sample.")
            x = np.stack([1 - x, x], axis=-1)
        else:
            x = np.stack([np.zeros_like(x), x], axis=-1)
        return t, x
    check_ndim(x, x_name, (1, 2),
               f"(N, K): one row of {what} per sample (or (N,) for a binary problem)")
    if t.shape != x.shape[:1]:
        one_hot = " If t is one-hot, pass t.argmax(axis=1)." if t.shape == x.shape else ""
        raise ValueError(
            f"t has shape {t.shape} but {x_name} has shape {x.shape}; t must hold "
            f"one integer label per row of {x_name}, shape ({x.shape[0]},).{one_hot}"
        )
    t = check_labels(t, x.shape[1], "t")
    x = as_float_array(x, x_name)
    if what == "probabilities":
        check_distribution(x, x_name, f"Each row of {x_name} is a predicted distribution "
                           "over the K classes; for logits apply cl.softmax first.")
    return t, x


# ---------------------------------------------------------------------------
# Binary reliability curve (scikit-learn's numbers)
# ---------------------------------------------------------------------------
def calibration_curve(t, p, *, n_bins=10):
    r"""Observed frequency of class 1 against mean predicted probability, per bin.

    The interval [0, 1] is cut into ``n_bins`` equal-width bins; bin m holds the
    samples with :math:`p_n \in ((m-1)/M,\ m/M]` (the first bin also holds
    :math:`p = 0`).  For each non-empty bin :math:`B_m`

    .. math::

        \text{prob\_true}_m = \frac{1}{|B_m|}\sum_{n \in B_m} t_n, \qquad
        \text{prob\_pred}_m = \frac{1}{|B_m|}\sum_{n \in B_m} p_n .

    A calibrated model has prob_true ≈ prob_pred: its points lie on the diagonal.
    The numbers are those of ``sklearn.calibration.calibration_curve(t, p,
    n_bins=n_bins, strategy="uniform")``; empty bins are dropped, as there.

    Parameters
    ----------
    t : array_like of int, shape (N,)
        True labels, 0 or 1.
    p : array_like, shape (N,)
        Predicted probability of class 1, in [0, 1].
    n_bins : int, default 10
        Number of equal-width bins, 1 <= M <= 10**6.

    Returns
    -------
    prob_true : ndarray, shape (B,)
        Fraction of class 1 in each non-empty bin (B <= n_bins).
    prob_pred : ndarray, shape (B,)
        Mean predicted probability in each non-empty bin.

    Raises
    ------
    ValueError
        Labels other than 0/1, p outside [0, 1], shapes that differ, n_bins
        not an integer in [1, 10**6] (:data:`MAX_BINS`).

    Examples
    --------
    >>> from celearn.calibration import calibration_curve
    >>> prob_true, prob_pred = calibration_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], n_bins=2)
    >>> print(prob_true, prob_pred)
    [0.33333333 1.        ] [0.28333333 0.8       ]
    """
    n_bins = _check_n_bins(n_bins)
    t, p = _binary_inputs(t, p)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    ids = np.searchsorted(edges[1:-1], p)  # bin m holds ((m-1)/M, m/M]
    total = np.bincount(ids, minlength=n_bins)
    hits = np.bincount(ids, weights=t, minlength=n_bins)
    sums = np.bincount(ids, weights=p, minlength=n_bins)
    keep = total > 0
    return hits[keep] / total[keep], (sums[keep] / total[keep]).astype(p.dtype, copy=False)


# ---------------------------------------------------------------------------
# Top-label reliability and ECE (Guo et al. 2017)
# ---------------------------------------------------------------------------
class ReliabilityBins(NamedTuple):
    """Top-label reliability statistics in M equal-width confidence bins.

    Attributes
    ----------
    edges : ndarray, shape (M + 1,)
        Bin edges 0, 1/M, ..., 1; bin m is ((m-1)/M, m/M].
    count : ndarray of int, shape (M,)
        Samples per bin, :math:`|B_m|`.
    accuracy : ndarray, shape (M,)
        Fraction of correct top-label predictions per bin (NaN where empty).
    confidence : ndarray, shape (M,)
        Mean top-label probability per bin (NaN where empty).
    ece : float
        Expected calibration error, the count-weighted mean of
        :math:`|\\text{accuracy} - \\text{confidence}|`.
    """

    edges: np.ndarray
    count: np.ndarray
    accuracy: np.ndarray
    confidence: np.ndarray
    ece: float


def reliability_bins(t, p, *, n_bins=15):
    r"""Top-label accuracy and confidence per confidence bin, and the ECE.

    For each sample the *top label* is :math:`\hat y_n = \arg\max_k p_{nk}`
    (the first one on ties) and its *confidence* :math:`c_n = \max_k p_{nk}`.
    Bin :math:`B_m` holds the samples with :math:`c_n \in ((m-1)/M,\ m/M]`, and

    .. math::

        \mathrm{acc}(B_m) = \frac{1}{|B_m|}\sum_{n\in B_m} [\hat y_n = t_n], \qquad
        \mathrm{conf}(B_m) = \frac{1}{|B_m|}\sum_{n\in B_m} c_n, \qquad
        \mathrm{ECE} = \sum_{m=1}^{M} \frac{|B_m|}{N}\,
                       \bigl|\mathrm{acc}(B_m) - \mathrm{conf}(B_m)\bigr| .

    Parameters
    ----------
    t : array_like of int, shape (N,)
        True class labels 0, ..., K-1.
    p : array_like, shape (N, K) or (N,)
        Rows of predicted class probabilities (each summing to 1), or, for a
        binary problem, the probability of class 1 per sample.
    n_bins : int, default 15
        Number of equal-width bins, 1 <= M <= 10**6.

    Returns
    -------
    ReliabilityBins
        ``edges``, ``count``, ``accuracy``, ``confidence`` (NaN in empty bins) and ``ece``.

    Examples
    --------
    >>> from celearn.calibration import reliability_bins
    >>> bins = reliability_bins([0, 1, 1], [[0.9, 0.1], [0.3, 0.7], [0.8, 0.2]], n_bins=2)
    >>> print(bins.count.tolist(), bins.accuracy.round(3).tolist(), bins.confidence.tolist())
    [0, 3] [nan, 0.667] [nan, 0.8]
    """
    n_bins = _check_n_bins(n_bins)
    t, p = _label_rows(t, p, "p", "probabilities")
    predicted = np.argmax(p, axis=1)
    confidence = p[np.arange(len(p)), predicted].astype(np.float64)
    correct = (predicted == t).astype(np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    ids = np.searchsorted(edges[1:-1], confidence)  # ((m-1)/M, m/M]
    count = np.bincount(ids, minlength=n_bins)
    hits = np.bincount(ids, weights=correct, minlength=n_bins)
    sums = np.bincount(ids, weights=confidence, minlength=n_bins)
    full = count > 0
    accuracy = np.full(n_bins, np.nan)
    mean_conf = np.full(n_bins, np.nan)
    accuracy[full] = hits[full] / count[full]
    mean_conf[full] = sums[full] / count[full]
    # sum_m |B_m|/N |acc - conf| = sum_m |hits_m - sums_m| / N
    ece = float(np.sum(np.abs(hits - sums)) / len(t))
    return ReliabilityBins(edges, count, accuracy, mean_conf, ece)


def expected_calibration_error(t, p, *, n_bins=15):
    r"""Expected calibration error (ECE) of top-label confidences (Guo et al. 2017).

    .. math::

        \mathrm{ECE} = \sum_{m=1}^{M} \frac{|B_m|}{N}\,
                       \bigl|\mathrm{acc}(B_m) - \mathrm{conf}(B_m)\bigr|,

    where :math:`B_m` holds the samples whose top-label confidence
    :math:`\max_k p_{nk}` lies in :math:`((m-1)/M,\ m/M]` (see
    :func:`reliability_bins`).  0 means calibrated at this resolution; an ECE of
    0.1 means confidence and accuracy differ by 10 percentage points on average.

    Parameters
    ----------
    t : array_like of int, shape (N,)
        True class labels 0, ..., K-1.
    p : array_like, shape (N, K) or (N,)
        Rows of class probabilities, or P(class 1) per sample when t is binary.
    n_bins : int, default 15
        Number of bins, 1 <= M <= 10**6 (15 as in Guo et al.).

    Returns
    -------
    float
        The ECE, in [0, 1].

    Raises
    ------
    ValueError
        Rows not summing to 1, labels out of range, shapes that do not match,
        n_bins < 1.

    Examples
    --------
    A model that says 90 % and is right 3 times out of 4:

    >>> from celearn.calibration import expected_calibration_error
    >>> p = [[0.9, 0.1], [0.9, 0.1], [0.9, 0.1], [0.9, 0.1]]
    >>> print(f"{expected_calibration_error([0, 0, 0, 1], p):.2f}")
    0.15
    """
    return reliability_bins(t, p, n_bins=n_bins).ece


# ---------------------------------------------------------------------------
# Temperature scaling
# ---------------------------------------------------------------------------
def _check_temperature_value(T):
    try:
        value = float(T) if isinstance(T, numbers.Real) else np.nan
    except OverflowError:  # an int beyond the float range
        value = np.inf
    if isinstance(T, (bool, np.bool_)) or not (np.isfinite(value) and value > 0):
        raise ValueError(
            f"T must be a finite number > 0 (a temperature); got {T!r:.60}. T = 1 leaves "
            f"the logits unchanged, T > 1 softens the probabilities, T < 1 sharpens them."
        )
    return value


def temperature_nll(t, z, T):
    r"""Mean softmax cross-entropy of the logits divided by a temperature.

    .. math:: \mathrm{NLL}(T) = -\frac{1}{N}\sum_n \ln \mathrm{softmax}(z_n / T)_{t_n}

    Parameters
    ----------
    t : array_like of int, shape (N,)
        True labels.
    z : array_like, shape (N, K) or (N,)
        Logits (a 1-D z holds the logit of class 1 of a binary problem).
    T : float
        Temperature, > 0.

    Returns
    -------
    float

    Examples
    --------
    >>> from celearn.calibration import temperature_nll
    >>> print(f"{temperature_nll([0, 1], [[2.0, 0.0], [0.0, 1.0]], 1.0):.4f}")
    0.2201
    """
    T = _check_temperature_value(T)
    t, z = _label_rows(t, z, "z", "logits")
    with np.errstate(over="ignore"):
        scaled = z.astype(np.float64) / T
    if not np.isfinite(scaled).all():
        raise ValueError(
            f"z / T overflows: the largest |z| is {float(np.max(np.abs(z))):.3g} and T = "
            f"{T:.3g}, so the scaled logits are beyond the float range (the loss would "
            f"be astronomically large). Use a larger T, or logits of a sane size."
        )
    return _nll(t, scaled)


def _nll(t, z):
    return float(-np.mean(log_softmax(z)[np.arange(len(t)), t]))


def _slope(t, z, beta):
    """d NLL / d beta at inverse temperature beta: mean(E_p[z] - z_t), p = softmax(beta z)."""
    p = softmax(beta * z)
    return float(np.mean(np.sum(p * z, axis=1) - z[np.arange(len(t)), t]))


def fit_temperature(t, z):
    r"""The temperature that minimises the mean cross-entropy of ``softmax(z / T)``.

    Temperature scaling (Guo et al. 2017) divides every logit by one number
    T > 0 fitted on held-out data:

    .. math::

        T^\star = \arg\min_{T > 0}\; -\frac{1}{N}\sum_{n=1}^{N}
                  \ln \mathrm{softmax}(z_n / T)_{t_n} .

    T > 1 softens an overconfident model, T < 1 sharpens an underconfident one;
    the arg max of every row, hence the accuracy, never changes.

    In the inverse temperature :math:`\beta = 1/T` the loss
    :math:`\frac{1}{N}\sum_n [\operatorname{logsumexp}(\beta z_n) - \beta z_{n t_n}]`
    is convex, with derivative :math:`\frac{1}{N}\sum_n (\mathbb{E}_{p_n}[z_n] - z_{n t_n})`
    non-decreasing in :math:`\beta`.  Its root is bracketed and found by bisection
    safeguarded Newton steps (second derivative: the mean variance of z under p),
    to full float64 precision.  The work is done in float64 whatever the dtype of z.

    Parameters
    ----------
    t : array_like of int, shape (N,)
        True labels of held-out samples (not those the model was trained on).
    z : array_like, shape (N, K) or (N,)
        Their logits; a 1-D z holds the logit of class 1 of a binary problem.

    Returns
    -------
    float
        The fitted temperature :math:`T^\star > 0`.

    Raises
    ------
    ValueError
        Bad shapes or labels, and the two cases without a finite minimiser:
        every sample's true class has the largest logit, ties included (the
        loss keeps falling as T → 0), or the true classes' logits are on
        average no larger than the mean logit (the loss keeps falling as
        T → ∞). It never returns 0 or inf.

    Notes
    -----
    The logits are divided by a power of 2 near their largest magnitude first
    (exact), and T multiplied back, so logits of any finite size (1e300 or
    1e-300) give the same relative precision.

    Examples
    --------
    >>> from celearn.calibration import fit_temperature, temperature_nll
    >>> z = [[3.0, 0.0], [3.0, 0.0], [3.0, 0.0], [0.0, 3.0], [3.0, 0.0]]
    >>> t = [0, 0, 0, 1, 1]                      # 4 out of 5 right at 95 % confidence
    >>> T = fit_temperature(t, z)
    >>> print(f"T = {T:.4f}")                     # softened to 80 % = the accuracy
    T = 2.1640
    >>> print(f"{temperature_nll(t, z, 1.0):.4f} -> {temperature_nll(t, z, T):.4f}")
    0.6486 -> 0.5004
    """
    t, z = _label_rows(t, z, "z", "logits")
    z = z.astype(np.float64)
    rows = np.arange(len(t))
    if z.shape[1] == 1:
        raise ValueError(
            "z has a single class (shape (N, 1)); temperature scaling needs K >= 2 "
            "logits per sample, or a 1-D z of class-1 logits for a binary problem."
        )
    # T scales with the logits: fit on z / 2**k (exact) so that huge or tiny
    # logits never overflow or underflow inside, then scale T back.
    biggest = float(np.max(np.abs(z)))
    scale = 2.0 ** np.floor(np.log2(biggest)) if biggest > 0 else 1.0
    z = z / scale
    if _slope(t, z, 0.0) >= 0:
        raise ValueError(
            "The true classes' logits are on average no larger than the mean logit, "
            "so the loss keeps falling as T → ∞ (uniform predictions beat the model): "
            "there is no finite temperature. Check that t and z belong together "
            "(same order, labels not shifted)."
        )
    if np.all(z[rows, t] == z.max(axis=1)):
        tied = int(np.sum(np.sum(z == z.max(axis=1)[:, None], axis=1) > 1))
        ties = (f" ({tied} of them tied with another class, which only sets a floor "
                f"of ln(number tied) on their loss)") if tied else ""
        raise ValueError(
            f"Every sample's true class has the largest logit{ties}, so the loss keeps "
            f"falling as T → 0 and there is no finite temperature. Fit T on held-out "
            f"data the model gets partly wrong, with more samples."
        )
    # Bracket the root of the slope in beta = 1/T: slope(lo) < 0 <= slope(hi).
    lo, hi = 0.0, 1.0
    while _slope(t, z, hi) < 0:
        lo, hi = hi, 2.0 * hi
    beta = 0.5 * (lo + hi)
    for _ in range(200):
        p = softmax(beta * z)
        mean_z = np.sum(p * z, axis=1)
        g = float(np.mean(mean_z - z[rows, t]))
        h = float(np.mean(np.sum(p * (z - mean_z[:, None]) ** 2, axis=1)))
        if g == 0 or (h > 0 and abs(g / h) <= 1e-15 * beta):
            break  # converged: the next Newton step is below float64 resolution
        if g < 0:
            lo = beta
        else:
            hi = beta
        step = beta - g / h if h > 0 else np.nan
        beta = step if lo < step < hi else 0.5 * (lo + hi)
        if hi - lo <= 4 * np.finfo(float).eps * hi:
            break
    return scale / beta


# ---------------------------------------------------------------------------
# Overconfidence: softmax regression trained too long (notebook 09)
# ---------------------------------------------------------------------------
class TrainingCurves(NamedTuple):
    """Losses and accuracy after every epoch (index 0: before training).

    Attributes
    ----------
    train_loss, val_loss : ndarray, shape (epochs + 1,)
        Mean cross-entropy (nats) on the training and the validation data.
    val_accuracy : ndarray, shape (epochs + 1,)
        Fraction of validation samples whose largest logit is the true class.
    W : ndarray, shape (D, K)
    b : ndarray, shape (K,)
        The final weights; the model's logits are ``X @ W + b``.
    """

    train_loss: np.ndarray
    val_loss: np.ndarray
    val_accuracy: np.ndarray
    W: np.ndarray
    b: np.ndarray


def train_and_track(X, y, X_val, y_val, *, epochs=3000, lr=0.5, label_smoothing=0.0,
                    init_scale=0.01, seed=0, num_classes=None):
    r"""Softmax regression by full-batch gradient descent, watched on validation data.

    The model is :math:`p = \mathrm{softmax}(XW + b)`; each epoch takes one step
    on the mean cross-entropy against the targets
    :math:`(1 - \varepsilon)\,\mathrm{onehot}(y) + \varepsilon / K`
    (``label_smoothing`` :math:`\varepsilon`, 0 by default), whose gradient with
    respect to the logits is :math:`p - t` (``cce_grad_logits``).  The reported
    losses are always against the hard labels.

    On few samples of separable-looking data the weights keep growing: the
    training loss falls towards 0 while the validation loss rises — the model
    becomes overconfident — and the validation accuracy hardly moves.

    Parameters
    ----------
    X, y : array_like, shapes (N, D) and (N,)
        Training features and integer labels.
    X_val, y_val : array_like, shapes (M, D) and (M,)
        Validation features and labels.
    epochs : int > 0
    lr : float > 0
    label_smoothing : float in [0, 1)
    init_scale : float >= 0
        Initial weights are ``init_scale`` times standard normal draws; biases 0.
    seed : int
        Seed of the initial weights.
    num_classes : int, optional
        K; by default one more than the largest label in ``y`` and ``y_val``.

    Returns
    -------
    TrainingCurves

    Examples
    --------
    >>> import numpy as np
    >>> from celearn.calibration import train_and_track
    >>> X = np.array([[-1.0], [1.0]])
    >>> run = train_and_track(X, [0, 1], X, [0, 1], epochs=100)
    >>> bool(run.train_loss[-1] < run.train_loss[0]), float(run.val_accuracy[-1])
    (True, 1.0)
    """
    from .training import _data, _positive

    epochs = _positive(epochs, "epochs", integer=True)
    lr = _positive(lr, "lr")
    init_scale = _positive(init_scale, "init_scale", allow_zero=True)
    if isinstance(label_smoothing, (bool, np.bool_)) or not isinstance(label_smoothing, numbers.Real) \
            or not 0 <= label_smoothing < 1:
        raise ValueError(f"label_smoothing must be a number in [0, 1); got {label_smoothing!r:.60}. "
                         f"0 trains on the hard labels; 0.1 is a common choice.")
    if num_classes is None:
        labels = np.concatenate([np.ravel(y), np.ravel(y_val)])
        num_classes = int(labels.max()) + 1 if labels.dtype.kind in "iu" else None
    X, y, K = _data(X, y, num_classes)
    X_val, y_val, _ = _data(X_val, y_val, K)
    if X_val.shape[1] != X.shape[1]:
        raise ValueError(f"X_val has {X_val.shape[1]} features but X has {X.shape[1]}; "
                         f"validation data must have the same features.")
    from .utils import one_hot

    targets = (1 - label_smoothing) * one_hot(y, K) + label_smoothing / K
    W = init_scale * np.random.default_rng(check_seed(seed)).standard_normal((X.shape[1], K))
    b = np.zeros(K)
    train_loss, val_loss, val_acc = (np.empty(epochs + 1) for _ in range(3))
    rows, rows_val = np.arange(len(y)), np.arange(len(y_val))
    for epoch in range(epochs + 1):
        z, z_val = X @ W + b, X_val @ W + b
        # the inputs were validated once above; inside the loop the same maths as
        # softmax_cross_entropy and cce_grad_logits, without re-checking every epoch
        log_p = z - _logsumexp_rows(z)
        train_loss[epoch] = -log_p[rows, y].mean()
        val_loss[epoch] = -(z_val - _logsumexp_rows(z_val))[rows_val, y_val].mean()
        val_acc[epoch] = np.mean(z_val.argmax(axis=1) == y_val)
        if epoch < epochs:
            g = np.exp(log_p) - targets  # p - t
            W = W - lr * X.T @ g / len(X)
            b = b - lr * g.mean(axis=0)
    return TrainingCurves(train_loss, val_loss, val_acc, W, b)


def _logsumexp_rows(z):
    m = z.max(axis=1, keepdims=True)
    return m + np.log(np.exp(z - m).sum(axis=1, keepdims=True))
