r"""Cross-entropy as a likelihood and as a proper scoring rule (notebook 08).

* :func:`coin_log_likelihood` — the log-likelihood of h heads and m tails under a
  coin with P(heads) = q; its maximum is at the observed frequency.
* :func:`expected_score` and :func:`best_report` — the expected penalty of
  reporting q when the truth is p*, under the log, Brier and absolute rules.
* :func:`logistic_losses_1d` — cross-entropy and squared error of a 1-D logistic
  regression along its weight: one convex, one not.

Examples
--------
>>> from celearn.likelihood import best_report
>>> best_report(0.7, rule="log"), best_report(0.7, rule="absolute")
(0.7, 1.0)
"""
from __future__ import annotations

import numbers

import numpy as np

from ._validation import as_float_array, check_probabilities, check_same_shape, check_ndim

__all__ = ["SCORING_RULES", "best_report", "coin_log_likelihood", "coin_likelihood",
           "expected_score", "logistic_losses_1d"]

#: The scoring rules :func:`expected_score` knows, each a penalty (lower is better).
SCORING_RULES = ("log", "brier", "absolute")


#: The largest count the likelihood functions accept: every whole number up to
#: 2**53 is exact in float64, the dtype the counts are multiplied in.
MAX_COUNT = 2**53


def _count(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) \
            or value < 0:
        raise ValueError(f"{name} must be a whole number >= 0 (a count of tosses); "
                         f"got {value!r:.60}.")
    if value > MAX_COUNT:
        digits = len(str(int(value)))
        raise ValueError(
            f"{name} = a {digits}-digit number is too large: counts must be at most "
            f"2**53 = {MAX_COUNT} (beyond that a float64 cannot hold every whole "
            f"number, so the count would be rounded). Pass the counts of your "
            f"tosses, or scale them down (the likelihood's maximum is at "
            f"heads / (heads + tails) for any common factor)."
        )
    return int(value)


def _probability_grid(q, name):
    q = as_float_array(q, name)
    check_probabilities(q, name, f"{name} is a probability: use values in [0, 1].")
    return q


def coin_log_likelihood(q, heads, tails):
    r"""Log-likelihood of ``heads`` heads and ``tails`` tails under P(heads) = q.

    .. math::

        \ln L(q) = h \ln q + m \ln(1 - q)
                 = -\sum_{n} \mathrm{BCE}(t_n, q),

    the negative of the summed binary cross-entropy of the tosses (t = 1 for
    heads) with the constant prediction q.  It is largest at
    :math:`q = h / (h + m)`, the observed frequency.  ``0 · ln 0`` counts as 0,
    so q = 0 with no heads is fine; q = 0 with a head gives ``-inf``.

    Parameters
    ----------
    q : float or array_like
        P(heads), in [0, 1]; any shape (vectorised).
    heads, tails : int
        Counts h, m >= 0.

    Returns
    -------
    float or ndarray
        :math:`\ln L(q)`, the shape of ``q``.

    Examples
    --------
    >>> from celearn.likelihood import coin_log_likelihood
    >>> print(f"{coin_log_likelihood(0.7, 7, 3):.4f}")
    -6.1086
    >>> bool(coin_log_likelihood(0.7, 7, 3) > coin_log_likelihood(0.6, 7, 3))
    True
    """
    h, m = _count(heads, "heads"), _count(tails, "tails")
    q = _probability_grid(q, "q")
    one = q.dtype.type(1)
    with np.errstate(divide="ignore", over="ignore"):  # below the float range: -inf
        # xlogy: a count of 0 times ln 0 is 0, not nan; ln(1 - q) as log1p(-q),
        # exact for tiny q (1 - 1e-17 would round to 1 and give 0)
        up = np.where(h > 0, h * np.log(np.where(q > 0, q, one)), 0.0)
        down = np.where(m > 0, m * np.log1p(-np.where(q < 1, q, 0)), 0.0)
        up = np.where((q == 0) & (h > 0), -np.inf, up)
        down = np.where((q == 1) & (m > 0), -np.inf, down)
        out = (up + down).astype(q.dtype, copy=False)
    return out[()] if out.ndim == 0 else out


def coin_likelihood(q, heads, tails):
    r"""Likelihood :math:`L(q) = q^h (1 - q)^m` of h heads and m tails (see
    :func:`coin_log_likelihood`; computed as its exponential).

    Examples
    --------
    >>> from celearn.likelihood import coin_likelihood
    >>> print(f"{coin_likelihood(0.5, 2, 2):.4f}")
    0.0625
    """
    return np.exp(coin_log_likelihood(q, heads, tails))


def _check_rule(rule):
    if not isinstance(rule, str) or rule not in SCORING_RULES:
        raise ValueError(f"rule must be one of {', '.join(map(repr, SCORING_RULES))}; "
                         f"got {rule!r:.60}.")
    return rule


def _p_star(p_star):
    if isinstance(p_star, (bool, np.bool_)) or not isinstance(p_star, numbers.Real) \
            or not 0 <= p_star <= 1:
        raise ValueError(f"p_star must be a number in [0, 1] (the true probability of "
                         f"t = 1); got {p_star!r:.60}.")
    return float(p_star)


def expected_score(p_star, q, *, rule="log"):
    r"""Expected penalty of reporting q when t = 1 has true probability p*.

    With :math:`t \sim \mathrm{Bernoulli}(p^\star)`:

    .. math::

        \text{log:}\quad & -p^\star \ln q - (1 - p^\star)\ln(1 - q)
                           \quad (= H(p^\star, q),\ \text{the expected BCE})\\
        \text{brier:}\quad & p^\star (1 - q)^2 + (1 - p^\star)\, q^2
                             \quad (\text{expected squared error})\\
        \text{absolute:}\quad & p^\star (1 - q) + (1 - p^\star)\, q
                                \quad (\text{expected } |t - q|)

    The log and Brier rules are *proper*: the expectation is smallest at
    :math:`q = p^\star` (honesty pays).  The absolute rule is linear in q, so
    it is smallest at q = 0 or 1: it rewards exaggeration (*improper*).

    Parameters
    ----------
    p_star : float
        True probability of t = 1, in [0, 1].
    q : float or array_like
        Reported probabilities, in [0, 1] (vectorised).
    rule : {"log", "brier", "absolute"}

    Returns
    -------
    float or ndarray
        The expected penalty, the shape of ``q`` (``inf`` for the log rule at a
        q of 0 or 1 that the truth contradicts).

    Examples
    --------
    >>> from celearn.likelihood import expected_score
    >>> print(f"{expected_score(0.7, 0.7, rule='brier'):.2f} {expected_score(0.7, 1.0, rule='brier'):.2f}")
    0.21 0.30
    >>> print(f"{expected_score(0.7, 0.7, rule='absolute'):.2f} {expected_score(0.7, 1.0, rule='absolute'):.2f}")
    0.42 0.30
    """
    rule = _check_rule(rule)
    p = _p_star(p_star)
    q = _probability_grid(q, "q")
    if rule == "log":
        heads_part = np.zeros_like(q) if p == 0 else -p * _safe_log(q)
        tails_part = np.zeros_like(q) if p == 1 else -(1 - p) * _safe_log1p(-q)
        out = heads_part + tails_part
    elif rule == "brier":
        out = p * (1 - q) ** 2 + (1 - p) * q ** 2
    else:
        out = p * (1 - q) + (1 - p) * q
    out = np.asarray(out, dtype=q.dtype)
    return out[()] if out.ndim == 0 else out


def _safe_log(x):
    with np.errstate(divide="ignore"):
        return np.log(x)


def _safe_log1p(x):
    """``log1p(x)``: ln(1 - q) as ``log1p(-q)``, exact for tiny q, -inf at q = 1."""
    with np.errstate(divide="ignore"):
        return np.log1p(x)


def best_report(p_star, *, rule="log"):
    r"""The report q in [0, 1] that minimises :func:`expected_score` (closed form).

    ``p_star`` for the proper rules (log, Brier); for the absolute rule 1 when
    :math:`p^\star > 1/2`, 0 when :math:`p^\star < 1/2` and 0.5 at the tie
    (where every q scores the same).

    Examples
    --------
    >>> from celearn.likelihood import best_report
    >>> best_report(0.3, rule="brier"), best_report(0.3, rule="absolute")
    (0.3, 0.0)
    """
    rule = _check_rule(rule)
    p = _p_star(p_star)
    if rule in ("log", "brier"):
        return p
    return 1.0 if p > 0.5 else 0.0 if p < 0.5 else 0.5


def logistic_losses_1d(w, x, t):
    r"""Mean cross-entropy and mean squared error of :math:`p_n = \sigma(w x_n)` for each weight w.

    A one-weight logistic regression (no bias) on inputs x with labels t:

    .. math::

        L_\text{CE}(w) = \frac{1}{N}\sum_n \mathrm{BCE}(t_n, \sigma(w x_n)), \qquad
        L_\text{SE}(w) = \frac{1}{N}\sum_n (\sigma(w x_n) - t_n)^2 .

    :math:`L_\text{CE}` is convex in w (its second derivative is
    :math:`\frac1N\sum_n x_n^2 \sigma(1-\sigma) \ge 0`); :math:`L_\text{SE}` is not:
    it flattens into plateaus where the sigmoid saturates.

    Parameters
    ----------
    w : array_like
        Weights to evaluate (any shape).
    x : array_like, shape (N,)
        Inputs.
    t : array_like, shape (N,)
        Labels in [0, 1].

    Returns
    -------
    ce, se : ndarray
        Each of the shape of ``w``.

    Examples
    --------
    >>> from celearn.likelihood import logistic_losses_1d
    >>> ce, se = logistic_losses_1d([0.0, 2.0], [-1.0, 1.0], [0, 1])
    >>> print(ce.round(4), se.round(4))
    [0.6931 0.1269] [0.25   0.0142]
    """
    from .losses import binary_cross_entropy_with_logits
    from .activations import sigmoid

    w = as_float_array(w, "w")
    x = as_float_array(x, "x")
    t = as_float_array(t, "t")
    check_ndim(x, "x", (1,), "(N,): one input per sample")
    check_same_shape(x, t, ("x", "t"))
    check_probabilities(t, "t", "t holds the labels, 0 or 1 (or soft labels in [0, 1]).")
    with np.errstate(over="ignore"):
        z = w[..., None] * x                   # (..., N) logits
    if not np.isfinite(z).all():
        big_w, big_x = float(np.max(np.abs(w))), float(np.max(np.abs(x)))
        raise ValueError(
            f"w * x overflows: the largest |w| is {big_w:.3g} and the largest |x| is "
            f"{big_x:.3g}, whose product {big_w * big_x:.3g} is beyond the float range, "
            f"so the logits w x are inf. Use smaller weights w (or rescale x)."
        )
    tt = np.broadcast_to(t, z.shape)
    n = z.shape[-1]
    ce = (binary_cross_entropy_with_logits(tt, z, reduction="none") / n).sum(axis=-1)  # no overflow
    se = ((sigmoid(z) - tt) ** 2).mean(axis=-1)
    return ce, se
