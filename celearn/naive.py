r"""Deliberately naive formulas — **for teaching, do not use**.

Notebook 07 breaks these on purpose: each one is the textbook formula typed
straight into NumPy, so it overflows, underflows or returns ``nan`` exactly
where the stable functions of :mod:`celearn` keep working.  They return
``inf``/``nan`` quietly (no ``RuntimeWarning``) so the failure is shown as a
value, not as noise.  They are not part of ``celearn``'s public API and are not
re-exported; use ``cl.naive.softmax(...)`` in a notebook.

Also here, to judge them:

* :func:`binary_cross_entropy_log_clamp` — the rule PyTorch's ``BCELoss``
  documents (each log clamped at -100), so it can be compared without PyTorch;
* :func:`float_limits` — where ``exp`` and ``sigmoid`` break in a float dtype,
  found by bisection on the actual computation (not copied from a table);
* ``exact_*`` — high-precision references computed with :mod:`decimal`
  (50 significant digits), slow but trustworthy.

Examples
--------
>>> import numpy as np
>>> from celearn import naive
>>> naive.softmax(np.array([1000.0, 0.0, -1000.0]))   # exp(1000) overflows
array([nan,  0.,  0.])
>>> naive.log_softmax(np.array([0.0, -1000.0]))       # exp(-1000) underflows
array([  0., -inf])
>>> naive.exact_log_softmax([0.0, -1000.0])
array([    0., -1000.])
"""
from __future__ import annotations

from decimal import Decimal, localcontext

import numpy as np

__all__ = [
    "sigmoid", "softmax", "log_softmax", "logsumexp", "softmax_cross_entropy",
    "binary_cross_entropy_with_logits", "bce_grad_logits",
    "binary_cross_entropy_log_clamp", "bce_log_clamp_grad_logits", "float_limits",
    "exact_logsumexp", "exact_log_softmax", "exact_softmax",
    "exact_binary_cross_entropy_with_logits",
]

_PRECISION = 50  # significant digits of the decimal references


def _float(x, like=None):
    """x as a float array, keeping float32/float64.

    Integers become float64, or the float dtype of ``like`` when given (so a target of 0
    next to float32 logits stays float32).
    """
    x = np.asarray(x)
    if np.issubdtype(x.dtype, np.floating):
        return x
    return x.astype(like.dtype if like is not None else np.float64)


def _one(x):
    """1 in the dtype of x.

    Written as a typed constant so that NumPy 1.x computes in x's dtype too: its
    value-based casting turns ``1 + float32 scalar`` into float64, which would move
    every float32 break point of this module to where float64 breaks.
    """
    return x.dtype.type(1)


def _reduce(loss, reduction):
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.mean()
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


# -- naive formulas -------------------------------------------------------------
def sigmoid(z):
    r"""Naive :math:`\sigma(z) = 1 / (1 + e^{-z})`: ``exp(-z)`` overflows for z << 0.

    The result is still right (0) there, but it rounds to exactly 1 for
    moderately large z (about 17 in float32, 37 in float64), after which
    ``1 - sigmoid(z)`` is 0.

    Examples
    --------
    >>> float(sigmoid(40.0)) == 1.0
    True
    """
    z = _float(z)
    one = _one(z)
    with np.errstate(all="ignore"):
        return one / (one + np.exp(-z))


def softmax(z, *, axis=-1):
    r"""Naive :math:`e^{z_i} / \sum_j e^{z_j}`: ``inf / inf = nan`` once a logit passes ~88.7 (float32) or ~709.8 (float64).

    Examples
    --------
    >>> softmax(np.array([1000.0, 1000.0]))
    array([nan, nan])
    >>> softmax(np.array([-1000.0, -1000.0]))      # 0 / 0
    array([nan, nan])
    """
    z = _float(z)
    with np.errstate(all="ignore"):
        e = np.exp(z)
        return e / e.sum(axis=axis, keepdims=True)


def log_softmax(z, *, axis=-1):
    r"""Naive :math:`\log(\mathrm{softmax}(z))`: a probability that underflows to 0 gives ``-inf``.

    Examples
    --------
    >>> log_softmax(np.array([0.0, -800.0]))
    array([  0., -inf])
    """
    with np.errstate(all="ignore"):
        return np.log(softmax(z, axis=axis))


def logsumexp(z, *, axis=-1):
    r"""Naive :math:`\log \sum_j e^{z_j}`: ``inf`` once one ``exp`` overflows.

    Examples
    --------
    >>> float(logsumexp(np.array([1000.0, 0.0])))
    inf
    """
    z = _float(z)
    with np.errstate(all="ignore"):
        return np.log(np.exp(z).sum(axis=axis))


def softmax_cross_entropy(t, z, *, reduction="mean"):
    r"""Naive cross-entropy from logits: :math:`-\log(\mathrm{softmax}(z)_t)`.

    Parameters
    ----------
    t : int or array of int, shape (N,)
        The true class of each sample.
    z : array, shape (K,) or (N, K)
        Logits.
    reduction : {"mean", "sum", "none"}

    Examples
    --------
    >>> float(softmax_cross_entropy(2, np.array([500.0, 0.0, -500.0])))
    inf
    """
    z = _float(z)
    t = np.asarray(t)
    logp = log_softmax(np.atleast_2d(z))
    labels = np.broadcast_to(t, logp.shape[:1]).astype(np.intp)
    loss = -np.take_along_axis(logp, labels[:, None], axis=1)[:, 0]
    if z.ndim == 1 and reduction == "none":
        return loss[0]
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(t, z, *, reduction="mean"):
    r"""Naive BCE from logits via :math:`p = \sigma(z)`: :math:`-[t\log p + (1-t)\log(1-p)]`.

    Once :math:`\sigma(z)` rounds to 1 (or 0), a log of 0 appears: the loss is
    ``inf``, or ``nan`` when that ``-inf`` is multiplied by a target of 0.

    Examples
    --------
    >>> float(binary_cross_entropy_with_logits(0, 40.0))    # true loss is 40
    inf
    """
    z = _float(z)
    t = _float(t, like=z)
    one, p = _one(z), sigmoid(z)
    with np.errstate(all="ignore"):
        loss = -(t * np.log(p) + (one - t) * np.log(one - p))
    return _reduce(loss, reduction)


def bce_grad_logits(t, z):
    r"""Naive gradient of BCE with respect to z, by the chain rule through p.

    :math:`\partial L/\partial z = (-t/p + (1-t)/(1-p)) \cdot p(1-p)`.  When
    :math:`\sigma(z)` has saturated, this is :math:`\infty \cdot 0 =` ``nan``,
    while the simplified form :math:`\sigma(z) - t` stays exact.

    Examples
    --------
    >>> float(bce_grad_logits(0, 40.0))                      # true value is 1
    nan
    """
    z = _float(z)
    t = _float(t, like=z)
    one, p = _one(z), sigmoid(z)
    with np.errstate(all="ignore"):
        return (-t / p + (one - t) / (one - p)) * (p * (one - p))


def binary_cross_entropy_log_clamp(t, p, *, log_min=-100.0, reduction="mean"):
    r"""BCE with each log clamped from below: :math:`-[t\max(\log p, m) + (1-t)\max(\log(1-p), m)]`.

    With the default :math:`m = -100` this is the rule PyTorch documents for
    ``torch.nn.BCELoss`` ("clamps its log function outputs to be greater than
    or equal to -100"), so a confidently wrong prediction costs at most 100
    nats.  For comparison only; celearn itself never clips silently.

    Examples
    --------
    >>> float(binary_cross_entropy_log_clamp(1, 0.0))
    100.0
    >>> float(binary_cross_entropy_log_clamp(1, 0.5))
    0.6931471805599453
    """
    t, p = _float(t), _float(p)
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(p), log_min)
        log_1mp = np.maximum(np.log1p(-p), log_min)
    loss = -(t * log_p + (1 - t) * log_1mp)
    return _reduce(loss, reduction)


def bce_log_clamp_grad_logits(t, z, *, eps=1e-12):
    r"""Gradient in z of PyTorch's ``BCELoss`` applied to ``sigmoid(z)``, computed as PyTorch does.

    ``BCELoss``'s backward pass does not differentiate its clamped logs; it
    uses :math:`\partial L/\partial p = (p - t) / \max(p(1 - p), \varepsilon)`
    with :math:`\varepsilon = 10^{-12}` (held as a float32, as in PyTorch's source), and the sigmoid's backward multiplies
    by :math:`p(1 - p)` (both with :math:`p` as rounded in the input's dtype):

    .. math:: \frac{\partial L}{\partial z} = \frac{(p - t)\, p(1 - p)}{\max(p(1 - p), \varepsilon)}.

    While :math:`p(1 - p) > \varepsilon` this is the exact :math:`p - t`. Beyond
    (float64: :math:`|z| \gtrsim 27.6`) it shrinks to :math:`(p - t)\,p(1-p)/\varepsilon`,
    and once :math:`\sigma(z)` has rounded to 1 (or 0) it is exactly 0, while
    the loss sits at the clamp's 100.

    Examples
    --------
    >>> float(bce_log_clamp_grad_logits(0, 10.0))          # still sigma(z) - t
    0.9999546021312976
    >>> round(float(bce_log_clamp_grad_logits(0, 30.0)), 4)  # true value is 1
    0.0935
    >>> float(bce_log_clamp_grad_logits(0, 40.0))           # sigma(40) == 1: no signal at all
    0.0
    """
    t, z = _float(t), _float(z)
    p = sigmoid(z)
    d = p * (1 - p)
    eps = np.asarray(np.float32(eps), dtype=d.dtype)  # PyTorch keeps its EPSILON as a float32 constant
    return (p - t) * d / np.maximum(d, eps)


# -- where a float dtype breaks --------------------------------------------------
def _boundary(predicate, lo, hi, dtype):
    """Bisect the z where ``predicate(dtype(z))`` turns from False (lo) to True (hi)."""
    lo, hi = float(lo), float(hi)
    assert not predicate(dtype(lo)) and predicate(dtype(hi))
    for _ in range(200):
        mid = (lo + hi) / 2
        if float(dtype(mid)) in (lo, hi) or mid in (lo, hi):
            break
        if predicate(dtype(mid)):
            hi = mid
        else:
            lo = mid
    return float(dtype(hi))


def float_limits(dtype=np.float64):
    r"""Where ``exp`` and ``sigmoid`` break in ``dtype``, found by bisection.

    Returns
    -------
    dict with float values
        ``"exp_overflow"``: smallest z with ``exp(z) == inf``;
        ``"exp_underflow"``: largest z with ``exp(z) == 0``;
        ``"sigmoid_saturation"``: smallest z with ``sigmoid(z) == 1`` exactly
        (then ``1 - sigmoid(z) == 0`` and ``log`` of it is ``-inf``);
        ``"eps"``: the machine epsilon ``np.finfo(dtype).eps``.

    Examples
    --------
    >>> lim = float_limits(np.float32)
    >>> round(lim["exp_overflow"], 2), round(lim["sigmoid_saturation"], 1)
    (88.72, 16.6)
    >>> round(float_limits(np.float64)["exp_overflow"], 2)
    709.78
    """
    dtype = np.dtype(dtype).type
    with np.errstate(all="ignore"):
        overflow = _boundary(lambda z: np.isinf(np.exp(z)), 0.0, 1e4, dtype)
        # exp(z) == 0 for z below the boundary: bisect on -z so True is on the far side
        underflow = -_boundary(lambda z: np.exp(-z) == 0, 0.0, 1e4, dtype)
        saturation = _boundary(lambda z: sigmoid(z) == 1, 0.0, 1e3, dtype)
    return {"exp_overflow": overflow, "exp_underflow": underflow,
            "sigmoid_saturation": saturation, "eps": float(np.finfo(dtype).eps)}


# -- high-precision references (decimal, 50 digits) -------------------------------
def _dec(x):
    return Decimal(float(x))  # exact: every binary float is a finite decimal


def _ln1p(u):
    """ln(1 + u) for a Decimal u >= 0, accurate to the context precision even when u is tiny.

    ``(1 + u).ln()`` would round 1 + 1e-60 to 1 at 50 digits; below 1e-20 the
    series u - u²/2 + u³/3 is exact to far more digits than we keep.
    """
    if u < Decimal("1e-20"):
        return u - u * u / 2 + u * u * u / 3
    return (1 + u).ln()


def _exact_lse(row):
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        values = [_dec(v) for v in row]
        k = max(range(len(values)), key=values.__getitem__)
        m = values[k]
        # log sum exp = m + ln(1 + sum over the others of e^(z_j - m)): exact algebra,
        # written so that tiny results (e.g. z = [0, -200]) keep their digits
        rest = sum((v - m).exp() for j, v in enumerate(values) if j != k)
        return m + _ln1p(Decimal(rest))


def exact_logsumexp(z):
    r""":math:`\log\sum_j e^{z_j}` over the last axis, in 50-digit decimal arithmetic.

    Examples
    --------
    >>> round(float(exact_logsumexp([1000.0, 1000.0])) - 1000, 6)
    0.693147
    """
    z = np.asarray(z, dtype=np.float64)
    rows = z.reshape(-1, z.shape[-1])
    out = np.array([float(_exact_lse(r)) for r in rows])
    return out.reshape(z.shape[:-1]) if z.ndim > 1 else out[0]


def exact_log_softmax(z):
    r""":math:`z_i - \log\sum_j e^{z_j}` over the last axis, in 50-digit decimal arithmetic."""
    z = np.asarray(z, dtype=np.float64)
    rows = z.reshape(-1, z.shape[-1])
    out = []
    for r in rows:
        lse = _exact_lse(r)
        with localcontext() as ctx:
            ctx.prec = _PRECISION
            out.append([float(_dec(v) - lse) for v in r])
    return np.array(out).reshape(z.shape) + 0.0  # + 0.0 turns a rounded -0.0 into 0.0


def exact_softmax(z):
    r""":math:`e^{z_i} / \sum_j e^{z_j}` over the last axis, in 50-digit decimal arithmetic."""
    z = np.asarray(z, dtype=np.float64)
    rows = z.reshape(-1, z.shape[-1])
    out = []
    for r in rows:
        lse = _exact_lse(r)
        with localcontext() as ctx:
            ctx.prec = _PRECISION
            out.append([float((_dec(v) - lse).exp()) for v in r])
    return np.array(out).reshape(z.shape)


def exact_binary_cross_entropy_with_logits(t, z):
    r"""Per-element :math:`t\log(1+e^{-z}) + (1-t)\log(1+e^{z})` in 50-digit decimal arithmetic.

    Examples
    --------
    >>> float(exact_binary_cross_entropy_with_logits(0, 40.0))
    40.0
    """
    t, z = np.broadcast_arrays(np.asarray(t, dtype=np.float64), np.asarray(z, dtype=np.float64))
    out = np.empty(z.shape)
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        for i in np.ndindex(z.shape):
            ti, zi = _dec(t[i]), _dec(z[i])
            out[i] = float(ti * _ln1p((-zi).exp()) + (1 - ti) * _ln1p(zi.exp()))
    return out if out.ndim else float(out)
