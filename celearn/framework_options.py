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
# Shared pieces
# ---------------------------------------------------------------------------
def _reduce(loss, reduction, denominator=None):
    """Sum, mean (over ``denominator`` if given, else the count) or nothing."""
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        if denominator is None:
            return loss.mean()
        return loss.sum() / denominator
    return loss[()]


def _softplus(x):
    r""":math:`\log(1 + e^x)` without overflow: :math:`\max(x, 0) + \log(1 + e^{-|x|})`."""
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def _sigmoid_minus(t, z):
    r""":math:`\sigma(z) - t`, exact in the tails: the plain :func:`celearn.bce_grad_logits`."""
    from .gradients import bce_grad_logits  # late: gradients imports this module

    return np.asarray(bce_grad_logits(t, z))


def _bce_logits_plain(t, z):
    """Elementwise BCE from logits: the plain :func:`celearn.binary_cross_entropy_with_logits`."""
    from .losses import binary_cross_entropy_with_logits  # late: losses imports this module

    return np.asarray(binary_cross_entropy_with_logits(t, z, reduction="none"))


def class_options_requested(weight, ignore_index, label_smoothing):
    """True if any class option differs from its default (values checked later)."""
    return not (
        weight is None
        and ignore_index is None
        and isinstance(label_smoothing, (int, float))
        and not isinstance(label_smoothing, bool)
        and label_smoothing == 0
    )


def binary_options_requested(weight, label_smoothing, pos_weight=None):
    """True if any binary option differs from its default."""
    return not (
        weight is None
        and pos_weight is None
        and isinstance(label_smoothing, (int, float))
        and not isinstance(label_smoothing, bool)
        and label_smoothing == 0
    )


def _class_coefficients(t, x, x_name, *, weight, ignore_index, label_smoothing,
                        mean=False):
    r"""Validate inputs and build :math:`a_{nk}` (see the module docstring).

    Returns ``(a, x2, shape, denominator)``: ``a`` and ``x2`` of shape (N, K),
    ``shape`` the per-sample output shape, ``denominator`` of the mean.
    ``mean=True`` raises where the mean would be 0/0 (PyTorch's nan).
    """
    eps = v.check_label_smoothing(label_smoothing)
    ignore_index = v.check_ignore_index(ignore_index)
    t_arr, x_arr = v.as_array(t, "t"), v.as_array(x, x_name)
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
    t2, x2, labels = v.class_inputs(t_arr, x_arr, x_name)
    k = x2.shape[-1]
    shape = x2.shape[:-1]
    x2 = x2.reshape(-1, k)
    w = None
    if weight is not None:
        w = v.check_nonnegative_weights(
            weight, "weight", lambda s: s == (k,), f"({k},), one weight per class",
            x2.dtype, "Pass one non-negative weight per class, e.g. np.ones(K).",
        )
    if labels:
        y = t2.reshape(-1)
        a = np.zeros_like(x2)
        a[np.arange(y.size), y] = 1 - eps
    else:
        y = None
        a = t2.reshape(-1, k) * (1 - eps)
    if eps > 0:
        a += eps / k
    if w is not None:
        a *= w
    keep = None
    if ignored is not None:
        keep = ~ignored.reshape(-1)
        a[~keep] = 0
    denominator = None
    if mean and labels and (w is not None or keep is not None):
        wy = w[y] if w is not None else np.ones(y.size, dtype=x2.dtype)
        if keep is not None:
            if not keep.any():
                raise ValueError(
                    f"t: every label equals ignore_index={ignore_index} ({y.size} "
                    f"of {y.size} samples ignored), so reduction='mean' would divide "
                    f"0 by 0 (PyTorch returns nan here). Check the padding mask, or "
                    f"use reduction='sum'."
                )
            wy = wy[keep]
        denominator = wy.sum()
        if denominator == 0:
            raise ValueError(
                "weight: the classes of the labels (that are not ignored) all have "
                "weight 0, so the weighted mean divides 0 by 0 (PyTorch returns nan "
                "here). Give those classes a weight > 0, or use reduction='sum'."
            )
    return a, x2, shape, denominator


# ---------------------------------------------------------------------------
# Helpers behind the public losses and gradients (called with options set)
# ---------------------------------------------------------------------------
def softmax_cross_entropy_options(t, z, *, reduction, weight, ignore_index, label_smoothing):
    """:func:`celearn.softmax_cross_entropy` with weight/ignore_index/label_smoothing."""
    reduction = v.check_reduction(reduction)
    a, z2, shape, denominator = _class_coefficients(
        t, z, "z", weight=weight, ignore_index=ignore_index, label_smoothing=label_smoothing,
        mean=reduction == "mean",
    )
    v.warn_if_probabilities_as_logits(z2, True, "softmax_cross_entropy")
    loss = -np.sum(a * log_softmax(z2), axis=-1)  # every term >= 0: nothing cancels
    if reduction == "mean" and denominator is not None:
        return _reduce(loss, reduction, denominator)
    return _reduce(loss.reshape(shape), reduction)


def categorical_cross_entropy_options(t, p, *, reduction, clip, weight, ignore_index,
                                      label_smoothing, check_p):
    """:func:`celearn.categorical_cross_entropy` with the class options.

    ``check_p(p)`` validates the probabilities; ``clip(p)`` applies ``eps``.
    """
    reduction = v.check_reduction(reduction)
    a, p2, shape, denominator = _class_coefficients(
        t, p, "p", weight=weight, ignore_index=ignore_index, label_smoothing=label_smoothing,
        mean=reduction == "mean",
    )
    check_p(p2)
    p2 = clip(p2)
    with np.errstate(divide="ignore", invalid="ignore"):  # a > 0 on p = 0 costs inf
        terms = a * np.log(p2)
    loss = -np.sum(np.where(a == 0, 0, terms), axis=-1)  # 0 log 0 = 0
    if reduction == "mean" and denominator is not None:
        return _reduce(loss, reduction, denominator)
    return _reduce(loss.reshape(shape), reduction)


def cce_grad_logits_options(t, z, *, weight, ignore_index, label_smoothing):
    """Gradient of the summed loss of :func:`softmax_cross_entropy_options`."""
    a, z2, shape, _ = _class_coefficients(
        t, z, "z", weight=weight, ignore_index=ignore_index, label_smoothing=label_smoothing
    )
    lp = log_softmax(z2)
    p, m = np.exp(lp), -np.expm1(lp)  # p and 1 - p, both without cancellation
    # p_j sum_k a_k - a_j = p_j sum_{k != j} a_k - a_j (1 - p_j): exact when p_j -> 1
    grad = p * (a.sum(axis=-1, keepdims=True) - a) - a * m
    return grad.reshape(shape + (z2.shape[-1],))


def _binary_weights(weight, pos_weight, z):
    """Validated ``weight`` (broadcastable to z) and ``pos_weight`` (last axis)."""
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


def _smooth_binary(t, label_smoothing):
    eps = v.check_label_smoothing(label_smoothing)
    return t * (1 - eps) + eps / 2 if eps > 0 else t


def bce_with_logits_options(t, z, *, reduction, weight, pos_weight, label_smoothing):
    """:func:`celearn.binary_cross_entropy_with_logits` with the options."""
    reduction = v.check_reduction(reduction)
    t, z = v.as_float_pair(t, z, ("t", "z"))
    v.check_probabilities(t, "t", _T_BINARY_HINT)
    smoothed = _smooth_binary(t, label_smoothing)
    w, pw = _binary_weights(weight, pos_weight, z)
    if pw is not None or smoothed is not t:  # else the plain loss below checks
        v.warn_if_probabilities_as_logits(z, False, "binary_cross_entropy_with_logits", t)
    t = smoothed
    if pw is None:
        loss = _bce_logits_plain(t, z)
    else:
        # -[pw t log sigmoid(z) + (1 - t) log sigmoid(-z)], both terms >= 0
        loss = pw * t * _softplus(-z) + (1 - t) * _softplus(z)
    if w is not None:
        loss = loss * w
    return _reduce(loss, reduction)


def bce_options(t, p, *, reduction, weight, label_smoothing, check_p, clip):
    """:func:`celearn.binary_cross_entropy` with ``weight`` and ``label_smoothing``."""
    from .utils import _xlog1py, _xlogy

    reduction = v.check_reduction(reduction)
    t, p = v.as_float_pair(t, p, ("t", "p"))
    v.check_probabilities(t, "t", _T_BINARY_HINT)
    check_p(p)
    v.warn_if_labels_as_p(t, p)
    t = _smooth_binary(t, label_smoothing)
    w, _ = _binary_weights(weight, None, p)
    p = clip(p)
    loss = -(_xlogy(t, p) + _xlog1py(1 - t, -p))
    if w is not None:
        loss = loss * w
    return _reduce(loss, reduction)


def bce_grad_logits_options(t, z, *, weight, pos_weight, label_smoothing):
    """Gradient of :func:`bce_with_logits_options` (elementwise)."""
    t, z = v.as_float_pair(t, z, ("t", "z"))
    v.check_probabilities(t, "t", _T_BINARY_HINT)
    t = _smooth_binary(t, label_smoothing)
    w, pw = _binary_weights(weight, pos_weight, z)
    if pw is None:
        grad = _sigmoid_minus(t, z)
    else:
        grad = (1 - t) * sigmoid(z) - pw * t * sigmoid(-z)
    if w is not None:
        grad = grad * w
    return np.asarray(grad)[()]


# ---------------------------------------------------------------------------
# Focal losses
# ---------------------------------------------------------------------------
def _sigmoid_focal_parts(t, z, gamma, alpha):
    t, z = v.as_float_pair(t, z, ("t", "z"))
    v.check_probabilities(t, "t", _T_BINARY_HINT)
    gamma = v.check_gamma(gamma)
    alpha = v.check_alpha(alpha, z.dtype)
    s, s_neg = sigmoid(z), sigmoid(-z)
    q = t * s_neg + (1 - t) * s  # 1 - p_t, without the cancellation of 1 - p_t
    ce = _bce_logits_plain(t, z)
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
    _, _, _, _, q, ce, gamma, alpha_t = _sigmoid_focal_parts(t, z, gamma, alpha)
    loss = ce * q**gamma
    if alpha_t is not None:
        loss = alpha_t * loss
    return _reduce(loss, reduction)


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
    t, z, s, s_neg, q, ce, gamma, alpha_t = _sigmoid_focal_parts(t, z, gamma, alpha)
    r = np.divide(s * s_neg, q, out=np.zeros_like(q), where=q > 0)
    qg = q**gamma
    grad = _sigmoid_minus(t, z) * qg
    if gamma != 0:
        grad = grad + gamma * (1 - 2 * t) * r * qg * ce
    if alpha_t is not None:
        grad = alpha_t * grad
    return np.asarray(grad)[()]


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
    if a is not None:
        rows = rows * a
    lp = log_softmax(z2)
    m = -np.expm1(lp)  # 1 - p, exact even when p is close to 1
    return rows, lp, m, gamma, shape


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
    rows, lp, m, gamma, shape = _softmax_focal_parts(t, z, gamma, alpha)
    v.warn_if_probabilities_as_logits(np.asarray(z, dtype=lp.dtype).reshape(lp.shape), True,
                                      "softmax_focal_loss")
    loss = -np.sum(rows * m**gamma * lp, axis=-1)
    return _reduce(loss.reshape(shape), reduction)


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
    rows, lp, m, gamma, shape = _softmax_focal_parts(t, z, gamma, alpha)
    p = np.exp(lp)
    ratio = np.divide(p * lp, m, out=np.full_like(m, -1.0), where=m > 0)
    c = rows * m**gamma * (gamma * ratio - 1)  # every c <= 0: the sums cannot cancel
    # c_j - p_j sum_k c_k = c_j (1 - p_j) - p_j sum_{k != j} c_k: exact when p_j -> 1
    grad = c * m - p * (c.sum(axis=-1, keepdims=True) - c)
    return grad.reshape(shape + (lp.shape[-1],))
