r"""The options real frameworks put on cross-entropy, with PyTorch's semantics.

A learner who moves on to PyTorch, Keras or scikit-learn meets cross-entropy
with extra knobs. celearn reproduces them exactly, so every number can be
checked against the framework:

* **class weights** ``weight`` (shape (K,)): sample :math:`n` with label
  :math:`y_n` counts :math:`w_{y_n}` times. With ``reduction="mean"`` and
  integer labels the sum is divided by :math:`\sum_n w_{y_n}`, not by
  :math:`N` (``torch.nn.functional.cross_entropy``); with one-hot or soft rows
  it is divided by :math:`N`.
* **ignore_index**: samples whose label equals it (PyTorch uses ``-100`` for
  padding) add 0 and leave the mean's denominator. Integer labels only.
* **label smoothing** :math:`\varepsilon`: the target becomes
  :math:`(1 - \varepsilon)\,t + \varepsilon / K` (PyTorch's rule; the binary
  losses use Keras's :math:`t (1 - \varepsilon) + \varepsilon / 2`).
* **pos_weight** on the binary loss from logits (shape (C,) for C labels of a
  multi-label problem, or a scalar): the positive term is multiplied by it,
  :math:`\ell = -[\,w_+ t \log\sigma(z) + (1 - t)\log(1 - \sigma(z))\,]`.
* **focal loss** (Lin et al. 2017): :func:`sigmoid_focal_loss` as
  ``torchvision.ops.sigmoid_focal_loss``, and :func:`softmax_focal_loss`.

With integer labels, the weighted and smoothed softmax cross-entropy is

.. math::

    \ell_n = -\sum_k a_{nk} \log p_{nk},\qquad
    a_{nk} = w_k\,\bigl[(1 - \varepsilon)\,[k = y_n] + \varepsilon / K\bigr],

and its gradient with respect to the logits is
:math:`\partial \ell_n / \partial z_{nj} = p_{nj} \sum_k a_{nk} - a_{nj}`
(without weights: :math:`p - t_\text{smooth}`).

The loss functions themselves are :func:`celearn.softmax_cross_entropy`,
:func:`celearn.categorical_cross_entropy`,
:func:`celearn.binary_cross_entropy_with_logits` and
:func:`celearn.binary_cross_entropy`; they call the helpers here when an
option is set. Where PyTorch returns ``nan`` (a mean over no sample, or over
weights that sum to 0), celearn raises a ``ValueError`` that says so.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _validation as v
from .activations import log_softmax, sigmoid

__all__ = [
    "sigmoid_focal_loss",
    "softmax_focal_loss",
    "sigmoid_focal_grad_logits",
    "softmax_focal_grad_logits",
]

_T_BINARY_HINT = "t holds targets: 0/1 labels or probabilities (soft labels) in [0, 1]."
_CLASS_SHAPES = "(N, K) for N samples and K classes, or (K,) for one sample"


# ---------------------------------------------------------------------------
# Shared pieces: every loss and gradient, with or without options, runs
# through these, so the defaults are the options' neutral values exactly.
# ---------------------------------------------------------------------------
def reduce(loss, reduction, denominator=None):
    """Sum, mean (over ``denominator`` if given, else the count) or nothing.

    A sum beyond the float range is ``inf`` (no warning); a mean whose sum
    overflowed although every term is finite is recomputed from ``loss / n``.
    """
    if reduction == "none":
        return loss[()]
    with np.errstate(over="ignore"):
        total = loss.sum()
    if reduction == "sum":
        return total
    with np.errstate(over="ignore"):  # a mean beyond the float range is inf
        if denominator is None:
            mean = loss.mean()
            denominator = loss.size
        else:
            mean = total / denominator
        if np.isinf(mean) and np.isfinite(loss).all():  # maybe the sum overflowed, not the mean
            mean = (loss / denominator).sum()
    return mean


def weigh(values, w):
    r"""``w * values``, with exactly 0 where :math:`w = 0` (also where values is inf).

    A weight of 0 switches a term off: :math:`0 \cdot \infty` counts as 0, as
    :math:`0 \log 0` does. (PyTorch clamps each log at -100 first, so its terms
    are never inf and a zero weight gives 0 there too.)
    """
    if w is None:
        return values
    with np.errstate(over="ignore", invalid="ignore"):  # inf is exact; 0 * inf fixed below
        out = values * w
    return np.where(w == 0, 0, out).astype(out.dtype, copy=False)


def _softplus(x):
    r""":math:`\log(1 + e^x)` without overflow: :math:`\max(x, 0) + \log(1 + e^{-|x|})`."""
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


# ---------------------------------------------------------------------------
# Binary losses: -[w+ t log sigma(z) + (1 - t) log(1 - sigma(z))], times w
# ---------------------------------------------------------------------------
def binary_weights(weight, pos_weight, z):
    """Validated ``weight`` (broadcastable to z) and ``pos_weight`` (last axis), or None."""
    w = pw = None
    if weight is not None:
        def fits(s):
            try:
                return np.broadcast_shapes(s, z.shape) == z.shape
            except ValueError:
                return False
        w = v.check_nonnegative_weights(
            weight, "weight", fits, f"that broadcasts to {z.shape} (e.g. {z.shape})",
            z.dtype, "Pass one weight per element, or per label along the last axis.",
        )
    if pos_weight is not None:
        c = z.shape[-1] if z.ndim else 1
        pw = v.check_nonnegative_weights(
            pos_weight, "pos_weight", lambda s: s in ((), (c,)),
            f"() or ({c},): one weight per label (the last axis of z)", z.dtype,
            "For a class with P positives and N negatives, N / P balances them.",
        )
    return w, pw


def smooth_binary(t, label_smoothing):
    """Keras's rule :math:`t (1 - \\varepsilon) + \\varepsilon / 2` (``t`` itself for 0)."""
    eps = v.check_label_smoothing(label_smoothing)
    return t * (1 - eps) + eps / 2 if eps > 0 else t


def bce_logits_terms(t, z, pw=None):
    r"""Elementwise BCE from logits with positive weight ``pw`` (None: 1), always exact.

    .. math::

        \ell = w_+ t\,\mathrm{softplus}(-z) + (1 - t)\,\mathrm{softplus}(z)
             = \begin{cases} z (1 - t) & z \ge 0 \\ -z\,w_+ t & z < 0 \end{cases}
               + c \log(1 + e^{-|z|}),

    with :math:`c = (1 - t) + w_+ t`. Both parts are :math:`\ge 0`, so nothing
    cancels (t just below 1 at a large z stays exact). :math:`c` is computed as
    :math:`1 + (w_+ - 1) t` for :math:`w_+ \in [1/2, 2]` (so :math:`w_+ = 1`
    gives exactly 1: ``pos_weight=1`` is the plain loss bit for bit) and as the
    sum of its two non-negative terms otherwise.
    """
    with np.errstate(over="ignore"):  # |z| or w+ |z| beyond the float range: inf is exact
        log_term = np.log1p(np.exp(-np.abs(z)))
        if pw is None:
            t_pos, c = t, 1
        else:
            t_pos = pw * t
            near = (pw >= 0.5) & (pw <= 2)
            c = np.where(near, 1 + (pw - 1) * t, (1 - t) + t_pos)
        linear = np.where(z >= 0, z * (1 - t), -z * t_pos)
        return linear + c * log_term


def sigmoid_minus(t, z):
    r""":math:`\sigma(z) - t`, exact in the tails (float64 inside, rounded once).

    For :math:`z \ge 0`, :math:`\sigma(z)` is close to 1 and
    :math:`\sigma(z) - 1` would round to 0; it is computed as
    :math:`(1 - t) - \sigma(-z)` instead (``1 - t`` is exact for
    :math:`t \ge 1/2`), so ``bce_grad_logits(1, 40)`` is -4.25e-18, not 0.
    """
    dtype = z.dtype
    t, z = t.astype(np.float64), z.astype(np.float64)  # float32: one rounding at the end
    with np.errstate(under="ignore"):
        out = np.where(z >= 0, (1 - t) - sigmoid(-z), sigmoid(z) - t)
        # near z = 0: sigma(z) - 1/2 = tanh(z/2)/2 is exact, and 1/2 - t is exact
        # for t in [1/4, 1], so sigma(0.001) - 0.5 keeps all its digits
        small = np.abs(z) < 1
        if small.any():
            out = np.where(small, 0.5 * np.tanh(z / 2) + (0.5 - t), out)
    return out.astype(dtype, copy=False)


def bce_grad_terms(t, z, pw=None):
    r""":math:`(1 - t)\,\sigma(z) - w_+ t\,\sigma(-z)`, elementwise (``pw`` None: 1).

    Written as :math:`[\sigma(z) - t] - (w_+ - 1)\,t\,\sigma(-z)` for
    :math:`w_+ \in [1/2, 2]` (no cancellation beyond a factor 4 there, and
    :math:`w_+ = 1` subtracts an exact 0: the plain gradient bit for bit), and
    from its two terms otherwise.
    """
    g = sigmoid_minus(t, z)
    if pw is None:
        return g
    t64, z64, pw64 = (np.asarray(a, dtype=np.float64) for a in (t, z, pw))
    s, s_neg = sigmoid(z64), sigmoid(-z64)
    with np.errstate(over="ignore"):
        near = (pw64 >= 0.5) & (pw64 <= 2)
        out = np.where(near, g - (pw64 - 1) * t64 * s_neg, (1 - t64) * s - pw64 * t64 * s_neg)
    return out.astype(z.dtype, copy=False)


def binary_inputs(t, x, x_name, *, label_smoothing, weight, pos_weight=None):
    """Validated ``(t, x, t_smoothed, w, pw)`` for a binary loss or gradient."""
    t, x = v.as_float_pair(t, x, ("t", x_name))
    v.check_probabilities(t, "t", _T_BINARY_HINT)
    smoothed = smooth_binary(t, label_smoothing)
    w, pw = binary_weights(weight, pos_weight, x)
    return t, x, smoothed, w, pw


# ---------------------------------------------------------------------------
# Class losses: -sum_k w_k t_k log p_k per sample, labels or rows
# ---------------------------------------------------------------------------
class ClassTargets(NamedTuple):
    """Validated targets of a class loss (see :func:`class_targets`)."""

    x: np.ndarray           # (N, K) scores, float
    shape: tuple            # the per-sample output shape: (N,) or ()
    labels: np.ndarray      # (N,) intp labels, or None when ``rows`` is used
    rows: np.ndarray        # (N, K) target rows (smoothed), or None for plain labels
    w: np.ndarray           # (K,) class weights, or None
    keep: np.ndarray        # (N,) bool, False where the label is ignore_index; or None
    sample_w: np.ndarray    # (N,) w[y_n] (0 where ignored), or None
    denominator: object     # the mean's denominator, or None for N


def class_targets(t, x, x_name, *, weight, ignore_index, label_smoothing, reduction,
                  finite=True):
    r"""Validate a class loss's inputs and options; see :class:`ClassTargets`.

    Integer labels without smoothing stay labels (the loss picks one term per
    sample, times :math:`w_{y_n}`); smoothing turns them into rows
    :math:`(1 - \varepsilon)[k = y_n] + \varepsilon / K`. ``reduction="mean"``
    with labels and weights or ignored samples divides by
    :math:`\sum_n w_{y_n}` over the samples kept (PyTorch), and raises where
    that is 0 (PyTorch's nan).
    """
    eps = v.check_label_smoothing(label_smoothing)
    ignore_index = v.check_ignore_index(ignore_index)
    t_arr, x_arr = v.as_array(t, "t"), v.as_array(x, x_name)
    v._refuse_torch_order(t_arr, x_arr, x_name)
    v.check_ndim(x_arr, x_name, (1, 2), _CLASS_SHAPES)
    ignored = None
    if ignore_index is not None:
        if t_arr.shape == x_arr.shape and t_arr.shape != x_arr.shape[:-1]:
            raise ValueError(
                f"ignore_index={ignore_index} applies to integer labels only, but t "
                f"holds one-hot/soft rows of shape {t_arr.shape} (as PyTorch, which "
                f"refuses it for probability targets). Pass integer labels, or drop "
                f"ignore_index and remove the rows you want to ignore."
            )
        if t_arr.shape == x_arr.shape[:-1] and t_arr.dtype.kind in "iu":
            ignored = t_arr == ignore_index
            t_arr = np.where(ignored, 0, t_arr)  # a valid label; masked out below
    t2, x2, labels = v.class_inputs(t_arr, x_arr, x_name, finite)
    k = x2.shape[-1]
    shape = x2.shape[:-1]
    x2 = x2.reshape(-1, k)
    w = None
    if weight is not None:
        w = v.check_nonnegative_weights(
            weight, "weight", lambda s: s == (k,), f"({k},), one weight per class",
            x2.dtype, "Pass one weight per class, e.g. np.ones(K).",
        )
    keep = None if ignored is None else ~ignored.reshape(-1)
    y = rows = sample_w = None
    if labels:
        y = t2.reshape(-1)
        if w is not None or keep is not None:
            sample_w = np.ones(y.size, dtype=x2.dtype) if w is None else w[y]
            if keep is not None:
                sample_w = np.where(keep, sample_w, 0).astype(x2.dtype, copy=False)
        if eps > 0:
            rows = np.full(x2.shape, eps / k, dtype=x2.dtype)
            rows[np.arange(y.size), y] += 1 - eps
            if keep is not None:
                rows[~keep] = 0
    else:
        rows = t2.reshape(-1, k)
        if eps > 0:
            rows = rows * (1 - eps) + eps / k
    denominator = None
    if reduction == "mean" and sample_w is not None:
        if keep is not None and not keep.any():
            raise ValueError(
                f"t: every label equals ignore_index={ignore_index} ({y.size} "
                f"of {y.size} samples ignored), so reduction='mean' would divide "
                f"0 by 0 (PyTorch returns nan here). Check the padding mask, or "
                f"use reduction='sum'."
            )
        denominator = sample_w.sum()
        if denominator == 0:
            raise ValueError(
                "weight: the classes of the labels (that are not ignored) all have "
                "weight 0, so the weighted mean divides 0 by 0 (PyTorch returns nan "
                "here). Give those classes a weight > 0, or use reduction='sum'."
            )
    return ClassTargets(x2, shape, None if rows is not None else y, rows, w, keep,
                        sample_w, denominator)


def class_reduce(loss, c, reduction):
    """Reduce per-sample losses of :func:`class_targets`'s inputs ``c``."""
    if reduction == "mean" and c.denominator is not None:
        return reduce(loss, reduction, c.denominator)
    return reduce(loss.reshape(c.shape), reduction)


def class_grad(c):
    r"""Gradient of the summed class loss w.r.t. the logits ``c.x``, per sample.

    With :math:`a_{nk} = w_k t_{nk}` (labels: one-hot rows; ignored samples
    and zero weights: 0), :math:`\partial \ell_n / \partial z_{nj} = p_{nj}
    \sum_k a_{nk} - a_{nj}`, computed as :math:`p_j \sum_{k \ne j} a_k - a_j
    (1 - p_j)` with :math:`1 - p_j` from ``-expm1(log p_j)``: exact when
    :math:`p_j \to 1`. Without options this is :math:`p - t`. In float64,
    rounded once to the logits' dtype.
    """
    x = c.x.astype(np.float64)
    if c.rows is not None:
        a = c.rows.astype(np.float64)
    else:
        a = np.zeros_like(x)
        a[np.arange(x.shape[0]), c.labels] = 1
    if c.w is not None:
        a = weigh(a, c.w.astype(np.float64))
    if c.keep is not None:
        a[~c.keep] = 0
    lp = log_softmax(x)
    p, m = np.exp(lp), -np.expm1(lp)  # p and 1 - p, both without cancellation
    with np.errstate(over="ignore", invalid="ignore"):  # weights near the float's max
        grad = p * (a.sum(axis=-1, keepdims=True) - a) - a * m
    return grad.reshape(c.shape + (x.shape[-1],)).astype(c.x.dtype, copy=False)


# ---------------------------------------------------------------------------
# Focal losses
# ---------------------------------------------------------------------------
def _sigmoid_focal_parts(t, z, gamma, alpha, function):
    t, z = v.as_float_pair(t, z, ("t", "z"))
    v.check_probabilities(t, "t", _T_BINARY_HINT)
    gamma = v.check_gamma(gamma)
    alpha = v.check_alpha(alpha, z.dtype)
    v.warn_if_probabilities_as_logits(z, False, function, t)
    s, s_neg = sigmoid(z), sigmoid(-z)
    q = t * s_neg + (1 - t) * s  # 1 - p_t, without the cancellation of 1 - p_t
    ce = bce_logits_terms(t, z)
    alpha_t = None if alpha is None else alpha * t + (1 - alpha) * (1 - t)
    return t, z, s, s_neg, q, ce, gamma, alpha_t


def sigmoid_focal_loss(t, z, *, gamma=2.0, alpha=None, reduction="mean"):
    r"""Sigmoid focal loss, as ``torchvision.ops.sigmoid_focal_loss``.

    With :math:`p = \sigma(z)` and :math:`p_t = p\,t + (1 - p)(1 - t)`,

    .. math::

        \ell = \alpha_t\,(1 - p_t)^{\gamma}\,
               \operatorname{BCE}(t, z),\qquad
        \alpha_t = \alpha\,t + (1 - \alpha)(1 - t).

    The factor :math:`(1 - p_t)^\gamma` shrinks the loss of easy examples
    (:math:`p_t` near 1) so that the hard ones dominate the sum (Lin et al.,
    *Focal Loss for Dense Object Detection*, 2017). :math:`1 - p_t` is
    computed as :math:`t\,\sigma(-z) + (1 - t)\,\sigma(z)`, so it stays exact
    for logits up to :math:`\pm 10^4` and beyond.

    Parameters
    ----------
    t : array_like
        Targets in [0, 1] (0/1 or soft labels), same shape as ``z``.
    z : array_like
        Logits, any finite values, any shape.
    gamma : float, default 2.0
        Focusing parameter, >= 0. 0 gives the plain binary cross-entropy.
    alpha : float or None, default None
        Weight of the positive terms in [0, 1] (negative terms get
        ``1 - alpha``). None: no alpha term. torchvision's default is 0.25 and
        its ``alpha=-1`` means None.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"mean"`` averages over every element.

    Returns
    -------
    numpy scalar or ndarray
        In the inputs' float dtype.

    Raises
    ------
    ValueError
        If ``t`` is outside [0, 1], an input holds NaN or inf, the shapes
        differ, ``gamma < 0``, ``alpha`` is outside [0, 1], or ``reduction`` is
        invalid.

    Examples
    --------
    >>> from celearn import binary_cross_entropy_with_logits, sigmoid_focal_loss
    >>> t, z = [1, 1, 0], [2.0, -1.0, 0.5]
    >>> print(sigmoid_focal_loss(t, z, gamma=2, reduction="none").round(4))
    [0.0018 0.7019 0.3774]
    >>> print(sigmoid_focal_loss(t, z, gamma=0) == binary_cross_entropy_with_logits(t, z))
    True
    """
    reduction = v.check_reduction(reduction)
    _, _, _, _, q, ce, gamma, alpha_t = _sigmoid_focal_parts(t, z, gamma, alpha,
                                                             "sigmoid_focal_loss")
    loss = weigh(ce * q**gamma, alpha_t)  # alpha_t = 0 switches a term off exactly
    return reduce(loss, reduction)


def sigmoid_focal_grad_logits(t, z, *, gamma=2.0, alpha=None):
    r"""Gradient of :func:`sigmoid_focal_loss` with respect to the logits (elementwise).

    With :math:`q = 1 - p_t = t\,\sigma(-z) + (1 - t)\,\sigma(z)`,

    .. math::

        \frac{\partial \ell}{\partial z} = \alpha_t \Bigl[(\sigma(z) - t)\,q^{\gamma}
            + \gamma\,(1 - 2t)\,\frac{\sigma(z)\sigma(-z)}{q}\,q^{\gamma}\,
              \operatorname{BCE}(t, z)\Bigr],

    where :math:`\sigma(z)\sigma(-z)/q \in [0, 1]` is taken as 0 where
    :math:`q = 0` (its limit there), so large logits give no ``nan``. The
    gradient of ``reduction="sum"``; divide by ``t.size`` for ``"mean"``.

    Parameters
    ----------
    t, z, gamma, alpha
        As in :func:`sigmoid_focal_loss`.

    Returns
    -------
    ndarray or numpy scalar
        Same shape and float dtype as ``z``.

    Examples
    --------
    >>> from celearn import sigmoid_focal_grad_logits, bce_grad_logits
    >>> print(sigmoid_focal_grad_logits([1, 0], [-1.0, 0.5], gamma=0)
    ...       == bce_grad_logits([1, 0], [-1.0, 0.5]))
    [ True  True]
    """
    t, z, s, s_neg, q, ce, gamma, alpha_t = _sigmoid_focal_parts(
        t, z, gamma, alpha, "sigmoid_focal_grad_logits")
    r = np.divide(s * s_neg, q, out=np.zeros_like(q), where=q > 0)
    qg = q**gamma
    grad = sigmoid_minus(t, z) * qg
    if gamma != 0:
        with np.errstate(over="ignore"):  # a huge gamma: inf is the exact slope
            grad = grad + gamma * (1 - 2 * t) * r * qg * ce
    return np.asarray(weigh(grad, alpha_t))[()]


def _softmax_focal_parts(t, z, gamma, alpha):
    gamma = v.check_gamma(gamma)
    t2, z2, labels = v.class_inputs(t, z, "z")
    k = z2.shape[-1]
    shape = z2.shape[:-1]
    z2 = z2.reshape(-1, k)
    if labels:
        rows = np.zeros_like(z2)
        rows[np.arange(z2.shape[0]), t2.reshape(-1)] = 1
    else:
        rows = t2.reshape(-1, k)
    a = v.check_alpha(alpha, z2.dtype, num_classes=k)
    lp = log_softmax(z2)
    m = -np.expm1(lp)  # 1 - p, exact even when p is close to 1
    return rows, a, lp, m, gamma, shape


def softmax_focal_loss(t, z, *, gamma=2.0, alpha=None, reduction="mean"):
    r"""Softmax (multi-class) focal loss, :math:`-\alpha_{y}(1 - p_{y})^{\gamma}\log p_{y}`.

    For one-hot or soft target rows the terms are summed with the targets as
    weights, :math:`\ell_n = -\sum_k t_{nk}\,\alpha_k (1 - p_{nk})^\gamma \log p_{nk}`
    (Lin et al. 2017, with :math:`p = \operatorname{softmax}(z)`).
    :math:`\log p` comes from :func:`celearn.log_softmax` and :math:`1 - p`
    from ``-expm1(log p)``, so logits up to :math:`\pm 10^4` are fine.

    Parameters
    ----------
    t : array_like
        Integer labels (N,) or one-hot/soft rows (N, K), as in
        :func:`celearn.softmax_cross_entropy`.
    z : array_like
        Logits (N, K), or (K,) for one sample.
    gamma : float, default 2.0
        Focusing parameter, >= 0; 0 with ``alpha=None`` is the softmax
        cross-entropy.
    alpha : array_like or None, default None
        One weight per class in [0, 1], shape (K,). None: no alpha term.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"mean"`` averages over the N samples.

    Returns
    -------
    numpy scalar or ndarray
        In the logits' float dtype.

    Raises
    ------
    ValueError
        As :func:`celearn.softmax_cross_entropy`, and if ``gamma < 0`` or
        ``alpha`` is not (K,) in [0, 1].

    Examples
    --------
    >>> from celearn import softmax_focal_loss
    >>> z = [[2.0, 1.0, 0.1], [2.0, 1.0, 0.1]]
    >>> print(softmax_focal_loss([0, 1], z, gamma=2, reduction="none").round(4))
    [0.0485 0.8132]
    >>> print(softmax_focal_loss([0, 1], z, gamma=0, reduction="none").round(4))
    [0.417 1.417]
    """
    reduction = v.check_reduction(reduction)
    rows, a, lp, m, gamma, shape = _softmax_focal_parts(t, z, gamma, alpha)
    v.warn_if_probabilities_as_logits(np.asarray(z, dtype=lp.dtype).reshape(lp.shape), True,
                                      "softmax_focal_loss")
    with np.errstate(invalid="ignore"):  # 0 * -inf (a log-probability below the range)
        terms = np.where(rows == 0, 0, rows * m**gamma * lp)  # t = 0: no term
    loss = 0.0 - np.sum(weigh(terms, a), axis=-1)  # alpha = 0 switches a class off
    return reduce(loss.reshape(shape), reduction)


def softmax_focal_grad_logits(t, z, *, gamma=2.0, alpha=None):
    r"""Gradient of :func:`softmax_focal_loss` with respect to the logits (per sample).

    With :math:`C_{nk} = t_{nk}\alpha_k\,(1 - p_{nk})^\gamma
    \bigl(\gamma\,\tfrac{p_{nk}\log p_{nk}}{1 - p_{nk}} - 1\bigr)`,

    .. math::

        \frac{\partial \ell_n}{\partial z_{nj}} = C_{nj} - p_{nj} \sum_k C_{nk};

    :math:`\gamma = 0` and no alpha give :math:`p - t`. The ratio
    :math:`p\log p / (1 - p)` is taken as its limit :math:`-1` where
    :math:`p = 1`. The gradient of ``reduction="sum"`` (divide by N for
    ``"mean"``).

    Parameters
    ----------
    t, z, gamma, alpha
        As in :func:`softmax_focal_loss`.

    Returns
    -------
    ndarray
        Same shape and float dtype as ``z``.

    Examples
    --------
    >>> from celearn import softmax_focal_grad_logits
    >>> print(softmax_focal_grad_logits([0], [[2.0, 1.0, 0.1]], gamma=0).round(4))
    [[-0.341   0.2424  0.0986]]
    """
    rows, a, lp, m, gamma, shape = _softmax_focal_parts(t, z, gamma, alpha)
    rows = weigh(rows, a)
    p = np.exp(lp)
    with np.errstate(invalid="ignore"):  # p = 0 at log p = -inf: p log p = 0
        p_log_p = np.where(p == 0, 0, p * lp)
    ratio = np.divide(p_log_p, m, out=np.full_like(m, -1.0), where=m > 0)
    c = rows * m**gamma * (gamma * ratio - 1)  # every c <= 0: the sums cannot cancel
    # c_j - p_j sum_k c_k = c_j (1 - p_j) - p_j sum_{k != j} c_k: exact when p_j -> 1
    grad = c * m - p * (c.sum(axis=-1, keepdims=True) - c)
    return grad.reshape(shape + (lp.shape[-1],))
