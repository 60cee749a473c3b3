r"""Activations: sigmoid, softmax and the log-sum-exp family, exact at the extremes.

The naive formulas overflow: ``np.exp(1000)`` is ``inf``. Every function here
first subtracts each row's maximum (softmax is unchanged by a shift), so the
largest exponent is ``exp(0) = 1`` and nothing overflows, for float32 and
float64 alike, with no RuntimeWarning.

Large inputs are processed a few rows at a time (see :func:`_shifted_exp_chunks`)
so that the temporaries stay in the CPU cache instead of costing full-size copies.
"""
from __future__ import annotations

import numpy as np

from . import _validation as v

__all__ = ["sigmoid", "softmax", "log_softmax", "logsumexp", "softmax_jacobian"]

#: Bytes of logits handled per chunk: small enough for the L2 cache, large
#: enough that the per-chunk Python overhead is negligible.
_CHUNK_BYTES = 512 * 1024


def _shifted_exp_chunks(z, on_nonfinite, temperature=1.0):
    r"""Walk the rows of a 2-D array ``z`` in cache-sized chunks.

    For each chunk of rows yields ``(rows, zc, m, imax, s, e)``:

    * ``rows`` -- the slice of rows, ``zc = z[rows]`` (a view);
    * ``m`` -- each row's maximum, and ``imax`` its position;
    * ``e`` -- :math:`\exp((z - m) / T)` with each row's maximum entry set to 0
      (a view of one reused buffer: valid until the next iteration, and the
      caller may overwrite it);
    * ``s`` -- the row sums of ``e``: the sum of the *other* terms.

    Row ``i``'s log-sum-exp is then ``m[i] / T + log1p(s[i])``. Leaving the
    maximum's own term (exactly 1) out of the sum and adding it back through
    ``log1p`` keeps tiny results exact: logsumexp([0, -40]) is 4.2e-18, not 0.

    The loop also checks that ``z`` is finite, while each chunk is in cache (a
    separate pass over a large array costs ~15% of the run time): the row sums
    of ``z - m`` are finite exactly when the row has no NaN or inf (a NaN or
    +inf becomes the row's max and spoils every entry; a -inf stays -inf). If
    one is not, ``on_nonfinite()`` is called: it should locate the value and
    raise (``_validation.check_finite``).
    """
    n, k = z.shape
    step = max(1, _CHUNK_BYTES // (k * 8))
    # float32 logits are shifted and exponentiated in float64 (the yielded ``e``
    # and ``s`` are float64 then): exp(z - m) keeps float32's precision even at
    # z - m = -87, where float32 arithmetic would lose 1e-5 relative
    work = np.promote_types(z.dtype, np.float64)
    buf = np.empty((min(step, n), k), dtype=work)  # the only sizeable temporary
    all_rows = np.arange(min(step, n))
    ones = np.ones(k, dtype=work)  # row sums as matrix-vector products (fast BLAS)
    checked = False
    for start in range(0, n, step):
        rows = slice(start, min(start + step, n))
        zc = z[rows]
        e = buf[: zc.shape[0]]
        r = all_rows[: zc.shape[0]]
        imax = np.argmax(zc, axis=1)  # 1. position of each row's max
        m = zc[r, imax]
        # inf - inf (z holds +inf) is caught just below; an overflow to -inf
        # (|z| near the float's max) is harmless, as exp(-inf) = 0.
        with np.errstate(invalid="ignore", over="ignore"):
            np.subtract(zc, m[:, None], out=e, dtype=work)  # 2. shift: every entry <= 0
            # 3. while the chunk is in cache: its row sums are finite unless z
            # has NaN/inf (or entries near -1e308 whose sum overflows to -inf)
            row_sums = e @ ones
        if not checked and not np.isfinite(row_sums).all():
            on_nonfinite()  # raises for NaN/inf; returns if the sum merely overflowed
            checked = True
        if temperature != 1.0:
            _scaled_exp(zc, m, temperature, out=e)  # 4. exp((z - m) / T) in [0, 1]
        else:
            np.exp(e, out=e)  # 4. exponentiate in place: values in [0, 1]
        e[r, imax] = 0  # 5. leave the max's own term (1) out of the sum
        yield rows, zc, m, imax, e @ ones, e


def _scaled_exp(zc, m, temperature, out):
    r""":math:`\exp((z - m) / T)` into ``out``, computed in float64.

    A float32 temperature would round a tiny T to 0 (0/0 = nan for the
    maximum) and a huge one to inf; float64 holds both, and float32 logits
    shifted in float64 never overflow. For float64 logits near the float's
    limits ``z - m`` can overflow although ``(z - m) / T`` is finite for a
    large T; those entries are recomputed as :math:`z/T - m/T`. A result below
    the float range is 0 (exp(-inf) = 0), which is right.
    """
    z64, m64 = zc.astype(np.float64, copy=False), m.astype(np.float64, copy=False)
    with np.errstate(over="ignore", invalid="ignore"):
        d = z64 - m64[:, None]
        big = np.isinf(d)
        d /= temperature
        if temperature > 1 and big.any():
            d[big] = (z64 / temperature - (m64 / temperature)[:, None])[big]
    np.exp(d, out=out, casting="same_kind")


def _as_rows(z, axis):
    """View ``z`` as a 2-D array whose rows run along ``axis``."""
    moved = np.moveaxis(z, axis, -1)
    return moved.reshape(-1, moved.shape[-1]), moved.shape


def _logsumexp_rows(z2, on_nonfinite):
    """logsumexp of each row of the 2-D array ``z2`` (shape (N,))."""
    out = np.empty(z2.shape[0], dtype=z2.dtype)
    for rows, _, m, _, s, _ in _shifted_exp_chunks(z2, on_nonfinite):
        out[rows] = m + np.log1p(s)
    return out


def sigmoid(z):
    r"""Logistic sigmoid, stable for any finite ``z``.

    .. math:: \sigma(z) = \frac{1}{1 + e^{-z}} = \frac{e^{z}}{1 + e^{z}}

    The first form is used for :math:`z \ge 0` and the second for :math:`z < 0`,
    so the exponential only ever sees :math:`-|z| \le 0` and cannot overflow.

    Parameters
    ----------
    z : array_like
        Logits, any shape.

    Returns
    -------
    ndarray or numpy scalar
        :math:`\sigma(z)` in [0, 1], same shape and float dtype as ``z``
        (float64 for integer input).

    Raises
    ------
    ValueError
        If ``z`` is empty or holds NaN or inf.
    TypeError
        If ``z`` is not real numeric data.

    Examples
    --------
    >>> import numpy as np
    >>> from celearn import sigmoid
    >>> print(sigmoid([-2.0, 0.0, 2.0]).round(4))
    [0.1192 0.5    0.8808]

    The naive formula overflows for a large negative logit; this one does not:

    >>> with np.errstate(over="ignore"):
    ...     print(1 / (1 + np.exp(1000.0)))  # np.exp(1000) is inf
    0.0
    >>> print(sigmoid([-1000.0, 1000.0]))
    [0. 1.]
    >>> print(f"{sigmoid(-30.0):.4e}")
    9.3576e-14
    """
    z = v.as_float_array(z, "z")
    z64 = z.astype(np.float64, copy=False)  # float32: computed in float64, rounded once
    e = np.exp(-np.abs(z64))  # in (0, 1]: never overflows
    out = np.where(z64 >= 0, 1 / (1 + e), e / (1 + e))
    return out.astype(z.dtype, copy=False)[()]


def softmax(z, *, axis=-1, temperature=1.0):
    r"""Softmax along ``axis``: turns logits into probabilities that sum to 1.

    .. math::

        \operatorname{softmax}(z)_i = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}}
                                    = \frac{e^{(z_i - m) / T}}{\sum_j e^{(z_j - m) / T}},
        \qquad m = \max_j z_j

    Subtracting the maximum :math:`m` does not change the result (softmax is
    shift-invariant) but keeps every exponent :math:`\le 0`.

    Parameters
    ----------
    z : array_like
        Logits, at least 1-D.
    axis : int, default -1
        The axis of the classes.
    temperature : float, default 1.0
        :math:`T > 0`. :math:`T < 1` sharpens the distribution towards the
        arg-max, :math:`T > 1` flattens it towards uniform.

    Returns
    -------
    ndarray
        Probabilities, same shape and float dtype as ``z``.

    Raises
    ------
    ValueError
        If ``z`` is a scalar, empty or non-finite, ``axis`` is out of range, or
        ``temperature`` is not a finite number > 0.
    TypeError
        If ``z`` is not real numeric data.

    Examples
    --------
    >>> import numpy as np
    >>> from celearn import softmax
    >>> print(softmax([2.0, 1.0, 0.1]).round(4))
    [0.659  0.2424 0.0986]
    >>> print(softmax([1000.0, 0.0, -1000.0]))  # the naive version gives nan
    [1. 0. 0.]
    >>> print(softmax([2.0, 1.0, 0.1], temperature=10).round(4))
    [0.3661 0.3312 0.3027]
    """
    z = v.as_float_array(z, "z", finite=False)  # finiteness: checked in the chunk loop
    axis = v.check_axis(axis, z, "z")
    temperature = v.check_temperature(temperature)
    z2, moved_shape = _as_rows(z, axis)
    out = np.empty_like(z2)
    chunks = _shifted_exp_chunks(z2, lambda: v.check_finite(z, "z"), temperature)
    for rows, _, _, imax, s, e in chunks:
        r = np.arange(e.shape[0])
        e[r, imax] = 1  # put the max's term back: exp(0) = 1
        np.divide(e, (1 + s)[:, None], out=out[rows])
    return np.moveaxis(out.reshape(moved_shape), -1, axis)


def log_softmax(z, *, axis=-1):
    r"""Logarithm of :func:`softmax`, computed without ever taking ``log(0)``.

    .. math::

        \log \operatorname{softmax}(z)_i = z_i - \operatorname{logsumexp}(z)
            = (z_i - m) - \log\Bigl(1 + \sum_{j \ne j^*} e^{z_j - m}\Bigr),
        \qquad m = z_{j^*} = \max_j z_j

    Parameters
    ----------
    z : array_like
        Logits, at least 1-D.
    axis : int, default -1
        The axis of the classes.

    Returns
    -------
    ndarray
        Log-probabilities (all :math:`\le 0`), same shape and float dtype as ``z``.

    Raises
    ------
    ValueError
        If ``z`` is a scalar, empty or non-finite, or ``axis`` is out of range.
    TypeError
        If ``z`` is not real numeric data.

    Examples
    --------
    Taking the log of a softmax that underflowed gives ``-inf``:

    >>> import numpy as np
    >>> from celearn import log_softmax, softmax
    >>> z = np.array([1000.0, 0.0, -1000.0])
    >>> with np.errstate(divide="ignore"):
    ...     print(np.log(softmax(z)))
    [   0. -inf -inf]

    ``log_softmax`` never forms the tiny probabilities, so it stays exact:

    >>> print(log_softmax(z))
    [    0. -1000. -2000.]
    """
    z = v.as_float_array(z, "z", finite=False)  # finiteness: checked in the chunk loop
    axis = v.check_axis(axis, z, "z")
    z2, moved_shape = _as_rows(z, axis)
    out = np.empty_like(z2)
    for rows, zc, m, _, s, _ in _shifted_exp_chunks(z2, lambda: v.check_finite(z, "z")):
        oc = out[rows]
        # (z - m) - log1p(s) in float64 (rounded once for float32); z - m is
        # exact for the max entry and overflows to -inf only where the exact
        # log-probability is below the float range
        with np.errstate(over="ignore"):
            shifted = zc.astype(s.dtype, copy=False) - m.astype(s.dtype)[:, None]
            np.subtract(shifted, np.log1p(s)[:, None], out=oc, casting="same_kind")
    return np.moveaxis(out.reshape(moved_shape), -1, axis)


def logsumexp(z, *, axis=-1):
    r"""Log of the sum of exponentials along ``axis``, without overflow.

    .. math::

        \operatorname{logsumexp}(z) = \log \sum_j e^{z_j}
            = m + \log\Bigl(1 + \sum_{j \ne j^*} e^{z_j - m}\Bigr),
        \qquad m = z_{j^*} = \max_j z_j

    Parameters
    ----------
    z : array_like
        Logits, at least 1-D.
    axis : int, default -1
        The axis to reduce.

    Returns
    -------
    ndarray or numpy scalar
        ``z``'s shape without ``axis``, in ``z``'s float dtype; a numpy scalar
        for 1-D ``z``.

    Raises
    ------
    ValueError
        If ``z`` is a scalar, empty or non-finite, or ``axis`` is out of range.
    TypeError
        If ``z`` is not real numeric data.

    Examples
    --------
    >>> import numpy as np
    >>> from celearn import logsumexp
    >>> z = np.array([1000.0, 1000.0])
    >>> with np.errstate(over="ignore"):
    ...     print(np.log(np.sum(np.exp(z))))  # exp(1000) overflows
    inf
    >>> print(f"{logsumexp(z):.6f}")  # 1000 + log 2
    1000.693147
    >>> print(logsumexp([[0.0, 0.0], [1.0, -1.0]]).round(4))
    [0.6931 1.1269]
    """
    z = v.as_float_array(z, "z", finite=False)  # finiteness: checked in the chunk loop
    axis = v.check_axis(axis, z, "z")
    z2, moved_shape = _as_rows(z, axis)
    lse = _logsumexp_rows(z2, lambda: v.check_finite(z, "z"))
    return lse.reshape(moved_shape[:-1])[()]


def softmax_jacobian(z):
    r"""Jacobian of softmax: :math:`J_{ij} = \partial p_i / \partial z_j`.

    .. math::

        J = \operatorname{diag}(p) - p\,p^\top, \qquad
        J_{ij} = p_i(\delta_{ij} - p_j), \qquad p = \operatorname{softmax}(z)

    Every row sums to 0 (the probabilities keep summing to 1) and :math:`J` is
    symmetric. The off-diagonal terms matter: the chain rule through the whole
    :math:`J` gives the cross-entropy gradient :math:`p - t`.

    Parameters
    ----------
    z : array_like
        Logits of shape (K,) or, for a batch, (N, K) (any leading dimensions
        are batch dimensions).

    Returns
    -------
    ndarray
        Shape (K, K), or (N, K, K) for a batch, in ``z``'s float dtype.

    Raises
    ------
    ValueError
        If ``z`` is a scalar, empty or non-finite.
    TypeError
        If ``z`` is not real numeric data.

    Examples
    --------
    >>> import numpy as np
    >>> from celearn import softmax_jacobian
    >>> J = softmax_jacobian([1.0, 2.0, 3.0])
    >>> print(J.round(4))
    [[ 0.0819 -0.0220 -0.0599]
     [-0.0220  0.1848 -0.1628]
     [-0.0599 -0.1628  0.2227]]
    >>> print(np.allclose(J.sum(axis=1), 0), np.allclose(J, J.T))
    True True
    """
    z = v.as_float_array(z, "z")
    v.check_axis(-1, z, "z")
    p, imax, rest = _softmax_and_rest(z)
    jac = -p[:, :, None] * p[:, None, :]  # -p_i p_j
    diag = np.arange(p.shape[-1])
    jac[:, diag, diag] = p * (1 - p)  # p_i (1 - p_i) on the diagonal
    rows = np.arange(p.shape[0])
    # the largest p_i: 1 - p_i is the sum of the others, not 1 minus a number near 1
    jac[rows, imax, imax] = p[rows, imax] * rest
    return jac.reshape(z.shape + z.shape[-1:]).astype(z.dtype, copy=False)


def _softmax_and_rest(z):
    """Softmax of the last axis of ``z`` as 2-D float64 rows ``p`` (N, K), with each
    row's arg-max ``imax`` and ``rest`` = 1 - p[imax], computed as the sum of
    the other probabilities (exact where 1 - p[imax] would round to 0)."""
    p = softmax(z.astype(np.float64)).reshape(-1, z.shape[-1])  # float32: round at the end
    rows = np.arange(p.shape[0])
    imax = np.argmax(p, axis=-1)
    top = p[rows, imax].copy()
    p[rows, imax] = 0
    rest = p.sum(axis=-1)
    p[rows, imax] = top
    return p, imax, rest
