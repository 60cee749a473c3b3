r"""Information theory: entropy, cross-entropy and KL divergence of distributions.

Distributions run along the last axis: a (K,) array is one distribution, an
(N, K) array is N of them (and the result has shape (N,)). Every distribution
must be non-negative and sum to 1 within 1e-6 (1e-4 for float32); nothing is
renormalised. ``base=None`` measures in nats (natural log), ``base=2`` in bits.
By convention :math:`0 \log 0 = 0`.
"""
from __future__ import annotations

import math

import numpy as np

from . import _validation as v
from .utils import _xlogy

__all__ = ["entropy", "cross_entropy", "kl_divergence", "surprisal"]

_HINT = "If these are unnormalised counts or scores, divide by their sum (or use softmax) first."


def _distribution(p, name):
    p = v.as_float_array(p, name)
    v.check_distribution(p, name, _HINT)
    return p


def _distributions(p, q):
    p, q = v.as_float_pair(p, q, ("p", "q"))
    v.check_distribution(p, "p", _HINT)
    v.check_distribution(q, "q", _HINT)
    return p, q


def _in_base(nats, base, dtype=None):
    r"""Convert a result in nats to ``base`` and to ``dtype`` (numpy scalar for 0-d).

    The conversion divides by :math:`\ln b` computed in float64 (a float32
    base such as 1e300 would overflow), and rounds once to ``dtype``. A base
    that rounds to 1 in ``dtype`` is refused. ``-0.0`` becomes ``0.0``.
    """
    dtype = nats.dtype if dtype is None else np.dtype(dtype)
    base = v.check_base(base, dtype)
    if base is not None:
        with np.errstate(over="ignore"):  # a huge result is inf, exactly
            nats = nats / math.log(base)
    out = nats.astype(dtype, copy=False) + dtype.type(0)  # -0.0 + 0.0 is 0.0
    return out[()]


def _split_base(base, dtype):
    r"""``(scale, base)``: divide each term's logarithm by ``scale``, the result by ln ``base``.

    For a base between 1 and e (:math:`\ln b < 1`) the logarithms are divided by
    :math:`\ln b` before they multiply a probability: a term :math:`p \log q` with a
    subnormal ``p`` keeps few digits, and dividing the sum by a small :math:`\ln b`
    afterwards would magnify their rounding (the entropy of (1, 5e-324) in base
    1 + 1e-6 lost three digits). Other bases divide the result once, at the end.
    """
    base = v.check_base(base, np.dtype(dtype))
    if base is not None and math.log(base) < 1:
        return math.log(base), None
    return 1.0, base


def _work(*arrays):
    """float32 inputs are computed in float64 and rounded once at the end."""
    return [a.astype(np.float64) for a in arrays]


def _kl_terms(p, q, scale=1.0):
    r"""Elementwise :math:`p \log(p/q)`, as ``a + d`` (``a >= 0`` where ``p`` is near ``q``).

    .. math::

        p \log\frac{p}{q} = \underbrace{q\,g(u)}_{a \,\ge\, 0} + \underbrace{(p - q)}_{d},
        \qquad u = \frac{p - q}{q}, \quad g(u) = (1 + u)\log(1 + u) - u

    Summing the non-negative ``a`` and the differences ``d`` separately keeps
    the divergence of two nearly equal distributions exact: its terms cancel
    to first order, and ``d`` (exact for :math:`q/2 \le p \le 2q`) sums to
    :math:`\sum p - \sum q` without loss. For :math:`|u| < 0.1`, :math:`g` is
    summed from its series; far from :math:`q` (``d = 0`` there) the plain
    :math:`p \log(p/q)` is used, with :math:`\log p - \log q` where
    :math:`p/q` would overflow or underflow (a subnormal ``q``). The terms of ``a`` are
    divided by ``scale`` (see :func:`_split_base`) before the multiplication by ``p`` or
    ``q``; ``d``, whose terms cancel, is left for its sum to be divided.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        d = p - q
        u = d / q
        near = (p <= 2 * q) & (q <= 2 * p) & (q > 0)
        small = near & (np.abs(u) < 0.1)
        # g(u) = u^2 sum_{n>=2} (-1)^n u^(n-2) / (n (n - 1)), Horner from n = 21
        us = np.where(small, u, 0)
        series = np.zeros_like(us)
        for n in range(21, 1, -1):
            series = series * us + (-1) ** n / (n * (n - 1))
        g = np.where(small, us * us * series, (1 + u) * np.log1p(u) - u)
        ratio = p / q
        log_ratio = np.where(
            (ratio > np.finfo(p.dtype).tiny) & np.isfinite(ratio),
            np.log(ratio),
            np.log(p) - np.log(q),
        )
        a = np.where(near, q * (g / scale), p * (log_ratio / scale))
    d = np.where(near, d, 0)  # far terms are whole in a: splitting them could cancel
    a = np.where(p == 0, 0, a)  # 0 log 0 = 0
    a = np.where((q == 0) & (p > 0), np.inf, a)
    return a, d


def entropy(p, *, base=None):
    r"""Shannon entropy :math:`H(p)`: the average surprisal of outcomes drawn from :math:`p`.

    .. math:: H(p) = -\sum_k p_k \log p_k

    Parameters
    ----------
    p : array_like
        Distribution(s) along the last axis: shape (K,) or (..., K).
    base : float, optional
        Logarithm base: None for nats, 2 for bits.

    Returns
    -------
    numpy scalar or ndarray
        :math:`H(p) \ge 0`, shape ``p.shape[:-1]``, in ``p``'s float dtype.

    Raises
    ------
    ValueError
        If ``p`` is a scalar, empty, non-finite, has a negative value or a
        distribution not summing to 1; or ``base`` is not a positive number
        other than 1.
    TypeError
        If ``p`` is not real numeric data.

    Examples
    --------
    >>> from celearn import entropy
    >>> print(entropy([0.5, 0.5], base=2))  # a fair coin: one bit
    1.0
    >>> print(f"{entropy([0.25, 0.25, 0.25, 0.25]):.4f}")  # ln 4 nats
    1.3863
    >>> print(entropy([[1.0, 0.0], [0.5, 0.5]], base=2))  # 0 log 0 = 0
    [0. 1.]
    """
    p = _distribution(p, "p")
    (p64,) = _work(p)
    scale, base = _split_base(base, p.dtype)
    return _in_base(-np.sum(_xlogy(p64, p64, scale), axis=-1), base, p.dtype)


def cross_entropy(p, q, *, base=None):
    r"""Cross-entropy :math:`H(p, q)`: average surprisal under :math:`q` of outcomes drawn from :math:`p`.

    .. math:: H(p, q) = -\sum_k p_k \log q_k = H(p) + D_{\mathrm{KL}}(p \,\|\, q)

    Parameters
    ----------
    p : array_like
        True distribution(s) along the last axis, shape (K,) or (..., K).
    q : array_like
        Model distribution(s), same shape as ``p``.
    base : float, optional
        Logarithm base: None for nats, 2 for bits.

    Returns
    -------
    numpy scalar or ndarray
        Shape ``p.shape[:-1]``; ``inf`` where some :math:`q_k = 0 < p_k` (no warning).

    Raises
    ------
    ValueError
        If ``p`` or ``q`` is not a valid distribution (see :func:`entropy`), the
        shapes differ, or ``base`` is invalid.
    TypeError
        If ``p`` or ``q`` is not real numeric data.

    Examples
    --------
    >>> from celearn import cross_entropy, entropy, kl_divergence
    >>> p, q = [0.5, 0.5], [0.9, 0.1]
    >>> print(f"{cross_entropy(p, q):.4f}")
    1.2040
    >>> print(f"{entropy(p) + kl_divergence(p, q):.4f}")
    1.2040
    >>> print(cross_entropy([0.0, 1.0], [1.0, 0.0]))
    inf
    """
    p, q = _distributions(p, q)
    p64, q64 = _work(p, q)
    scale, base = _split_base(base, p.dtype)
    return _in_base(-np.sum(_xlogy(p64, q64, scale), axis=-1), base, p.dtype)


def kl_divergence(p, q, *, base=None):
    r"""Kullback-Leibler divergence :math:`D_{\mathrm{KL}}(p \,\|\, q)`, the extra surprisal of using :math:`q` for :math:`p`.

    .. math:: D_{\mathrm{KL}}(p \,\|\, q) = \sum_k p_k \log \frac{p_k}{q_k} \;\ge\; 0

    Terms with :math:`p_k = 0` contribute 0; a :math:`q_k = 0 < p_k` makes the
    divergence ``inf`` (no warning). It is not symmetric in ``p`` and ``q``.

    Parameters
    ----------
    p : array_like
        Distribution(s) along the last axis, shape (K,) or (..., K).
    q : array_like
        Distribution(s), same shape as ``p``.
    base : float, optional
        Logarithm base: None for nats, 2 for bits.

    Returns
    -------
    numpy scalar or ndarray
        Shape ``p.shape[:-1]``, in the inputs' float dtype.

    Raises
    ------
    ValueError
        If ``p`` or ``q`` is not a valid distribution (see :func:`entropy`), the
        shapes differ, or ``base`` is invalid.
    TypeError
        If ``p`` or ``q`` is not real numeric data.

    Examples
    --------
    >>> from celearn import kl_divergence
    >>> print(f"{kl_divergence([0.5, 0.5], [0.9, 0.1]):.4f}")
    0.5108
    >>> print(f"{kl_divergence([0.9, 0.1], [0.5, 0.5]):.4f}")  # not symmetric
    0.3681
    >>> print(kl_divergence([0.5, 0.5], [0.5, 0.5]))
    0.0

    Nearly equal distributions keep every digit (a plain ``p * log(p / q)``
    rounds ``p / q`` to 1 + 1e-8 first), and a subnormal ``q`` does not
    overflow ``p / q``:

    >>> print(kl_divergence([1, 0], [1 - 1e-8, 1e-8]))
    1.0000000100247594e-08
    >>> print(f"{kl_divergence([1, 0], [1e-310, 1]):.4f}")
    713.8014

    Notes
    -----
    Terms with :math:`q/2 \le p \le 2q` are computed as
    :math:`q\,g(u) + (p - q)` with :math:`u = (p - q)/q`,
    :math:`g(u) = (1 + u)\log(1 + u) - u \ge 0` (scipy's ``kl_div`` term) and
    the differences summed on their own, so nothing cancels; the result is
    the exact value of the formula for the given floats, which for inputs
    whose sums differ by rounding may be a hair (about 1e-16) below 0.
    float32 inputs are computed in float64 and rounded once.
    """
    p, q = _distributions(p, q)
    scale, base = _split_base(base, p.dtype)
    a, d = _kl_terms(*_work(p, q), scale)
    # sum(a) >= 0 has no cancellation; sum(d) = sum(p) - sum(q) is 0 for exactly
    # normalised inputs (and about 1e-16 for float ones: the exact value of the
    # formula may then be that much below 0)
    return _in_base(np.sum(a, axis=-1) + np.sum(d, axis=-1) / scale, base, p.dtype)


def surprisal(p, *, base=None):
    r"""Information content (surprisal) of outcomes with probability ``p``.

    .. math:: h = -\log p

    Elementwise over any shape; 0 for a certain outcome, ``inf`` (without a
    RuntimeWarning) for an impossible one.

    Parameters
    ----------
    p : array_like
        Probabilities in [0, 1].
    base : float, optional
        Logarithm base: None for nats, 2 for bits.

    Returns
    -------
    numpy scalar or ndarray
        :math:`-\log p`, same shape as ``p``, in ``p``'s float dtype.

    Raises
    ------
    ValueError
        If ``p`` is empty, not finite or outside [0, 1].

    Examples
    --------
    Each halving of p adds ln 2 nats, which is one bit:

    >>> import celearn as cl
    >>> print(cl.surprisal([1, 0.5, 0.25], base=2))
    [0. 1. 2.]
    >>> print(f"{cl.surprisal(0.001):.3f}")
    6.908
    """
    p = v.as_float_array(p, "p")
    v.check_probabilities(p, "p", _surprisal_hint(p))
    with np.errstate(divide="ignore"):
        nats = -np.log(p)
    nats = nats + 0.0  # -log(1) is -0.0; report a plain 0
    return _in_base(nats, base)


def _surprisal_hint(p):
    """What a value outside [0, 1] passed to :func:`surprisal` might have been."""
    bad = (p < 0) | (p > 1)
    if not bad.any():
        return ""
    found = p[v._first_index(bad)]
    value = v._fmt(found)
    if found > 1:
        return (
            f"surprisal takes a probability, and {value} is not one. If {value} "
            f"counts equally likely outcomes, pass p = 1/{value}; if it is a "
            f"percentage, pass {value}/100; if it is already a surprisal (in "
            f"nats or bits), the probability is exp(-{value}) or 2**-{value}."
        )
    return (
        f"surprisal takes a probability, and {value} is not one. If {value} is "
        f"a log-probability, pass np.exp({value}) (its surprisal is simply "
        f"{v._fmt(-found)}); if it is a logit, pass sigmoid({value})."
    )
