r"""Information theory: entropy, cross-entropy and KL divergence of distributions.

Distributions run along the last axis: a (K,) array is one distribution, an
(N, K) array is N of them (and the result has shape (N,)). Every distribution
must be non-negative and sum to 1 within 1e-6 (1e-4 for float32); nothing is
renormalised. ``base=None`` measures in nats (natural log), ``base=2`` in bits.
By convention :math:`0 \log 0 = 0`.
"""
from __future__ import annotations

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


def _in_base(nats, base):
    """Convert a result in nats to ``base`` (numpy scalar for 0-d)."""
    base = v.check_base(base)
    if base is not None:
        nats = nats / np.log(nats.dtype.type(base))
    return nats[()]


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
    return _in_base(-np.sum(_xlogy(p, p), axis=-1), base)


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
    return _in_base(-np.sum(_xlogy(p, q), axis=-1), base)


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
    """
    p, q = _distributions(p, q)
    with np.errstate(divide="ignore"):
        ratio = np.divide(p, q, out=np.ones_like(p), where=p > 0)  # p/q; 1 where p = 0
    return _in_base(np.sum(_xlogy(p, ratio), axis=-1), base)


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
    v.check_probabilities(p, "p")
    with np.errstate(divide="ignore"):
        nats = -np.log(p)
    nats = nats + 0.0  # -log(1) is -0.0; report a plain 0
    return _in_base(nats, base)
