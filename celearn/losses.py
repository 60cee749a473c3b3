r"""Losses: binary and categorical cross-entropy (from probabilities or logits) and MSE.

Conventions shared by every loss:

* ``t`` targets, ``p`` predicted probabilities, ``z`` logits.
* ``reduction="mean"`` (default) or ``"sum"`` returns a numpy scalar in the
  inputs' float dtype (``np.float32`` for float32 input); ``"none"`` returns
  one loss per sample (see each function for the shape).
* ``eps=0`` means exact maths: a confident wrong prediction costs ``inf``
  (no RuntimeWarning). ``eps > 0`` clips ``p`` to ``[eps, 1 - eps]`` first, as
  Keras does. Nothing else is ever clipped, renormalised or broadcast.
"""
from __future__ import annotations

import numpy as np

from . import _validation as v
from . import framework_options as _fo
from . import activations as _act
from .utils import _xlog1py, _xlogy

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "categorical_cross_entropy",
    "softmax_cross_entropy",
    "mean_squared_error",
]

_T_BINARY_HINT = "t holds targets: 0/1 labels or probabilities (soft labels) in [0, 1]."
_P_BINARY_HINT = (
    "p must hold probabilities; if these are logits, use "
    "binary_cross_entropy_with_logits(t, z) instead."
)
_P_CLASS_HINT = (
    "p must hold probabilities, each row a distribution over the K classes; if "
    "these are logits, use softmax_cross_entropy(t, z) instead."
)
_P_SUM_HINT = (
    "If p holds unnormalised scores or logits, use softmax_cross_entropy(t, z), "
    "or pass softmax(z)."
)


def _clip(p, eps):
    """Clip ``p`` to [eps, 1 - eps] in ``p``'s dtype, bounds strictly inside (0, 1)."""
    info = np.finfo(p.dtype)
    one = p.dtype.type(1)
    # eps is rounded to p's dtype; keep both bounds strictly inside (0, 1) so the
    # logs stay finite even when eps is below the dtype's resolution.
    lo = max(p.dtype.type(eps), info.smallest_subnormal)
    hi = min(one - p.dtype.type(eps), np.nextafter(one, p.dtype.type(0)))
    return np.clip(p, lo, hi)


def binary_cross_entropy(t, p, *, reduction="mean", eps=0.0, weight=None,
                         label_smoothing=0.0):
    r"""Binary cross-entropy of probabilities ``p`` against targets ``t``.

    .. math:: \ell(t, p) = -\bigl[\,t \log p + (1 - t) \log(1 - p)\,\bigr]

    With :math:`0 \log 0 = 0`, so a target of exactly 0 or 1 switches one term
    off entirely. :math:`\log(1 - p)` is computed as ``log1p(-p)``, exact for
    tiny :math:`p`.

    Parameters
    ----------
    t : array_like
        Targets in [0, 1]: 0/1 labels or soft labels. Same shape as ``p``.
    p : array_like
        Predicted probabilities :math:`P(t = 1)` in [0, 1], any shape.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"`` returns the elementwise losses, same shape as ``p``.
    eps : float, default 0.0
        In [0, 0.5). 0 computes the exact loss (``inf`` for a confident wrong
        prediction); ``eps > 0`` first clips ``p`` to ``[eps, 1 - eps]``.
    weight : array_like or None, default None
        Non-negative weights broadcastable to ``p``'s shape; each elementwise
        loss is multiplied by its weight and ``"mean"`` still divides by the
        number of elements (as ``torch.nn.functional.binary_cross_entropy``,
        which however also clamps each log at -100).
    label_smoothing : float, default 0.0
        :math:`\varepsilon` in [0, 1]: targets become
        :math:`t (1 - \varepsilon) + \varepsilon / 2` (Keras's rule).

    Returns
    -------
    numpy scalar or ndarray
        In the inputs' float dtype (float64 for integer input).

    Raises
    ------
    ValueError
        If ``t`` or ``p`` is outside [0, 1], holds NaN or inf, is empty, or the
        shapes differ; or ``reduction`` or ``eps`` is invalid.
    TypeError
        If ``t`` or ``p`` is not real numeric data.

    Warns
    -----
    ProbableMistakeWarning
        (a ``UserWarning``) if ``p`` holds only 0s and 1s while ``t`` has values
        strictly between 0 and 1: the arguments were probably swapped.

    See Also
    --------
    binary_cross_entropy_with_logits : the same loss from logits, always finite.

    Examples
    --------
    >>> from celearn import binary_cross_entropy
    >>> t = [0, 1, 1, 0, 0, 1, 1]
    >>> p = [0.07, 0.91, 0.74, 0.23, 0.85, 0.17, 0.94]
    >>> print(f"{binary_cross_entropy(t, p, reduction='sum'):.6f}")
    4.460303
    >>> print(binary_cross_entropy(t, p, reduction="none").round(4))
    [0.0726 0.0943 0.3011 0.2614 1.8971 1.772  0.0619]

    A confident wrong prediction costs infinitely much unless you ask for
    clipping:

    >>> print(binary_cross_entropy(1, 0))
    inf
    >>> print(f"{binary_cross_entropy(1, 0, eps=1e-7):.4f}")  # -log(1e-7)
    16.1181
    """
    reduction = v.check_reduction(reduction)
    eps = v.check_eps(eps)
    t, p, t_smooth, w, _ = _fo.binary_inputs(t, p, "p", label_smoothing=label_smoothing,
                                             weight=weight)
    v.check_probabilities(p, "p", _P_BINARY_HINT)
    v.warn_if_labels_as_p(t, p)
    if eps > 0:
        p = _clip(p, eps)
    loss = 0.0 - (_xlogy(t_smooth, p) + _xlog1py(1 - t_smooth, -p))  # +0.0, never -0.0
    return _fo.reduce(_fo.weigh(loss, w), reduction)


def binary_cross_entropy_with_logits(t, z, *, reduction="mean", weight=None, pos_weight=None,
                                     label_smoothing=0.0):
    r"""Binary cross-entropy from logits, :math:`p = \sigma(z)`; always finite.

    Substituting :math:`p = \sigma(z)` into the binary cross-entropy and
    simplifying gives a form with no overflow and no :math:`\log 0`:

    .. math::

        \ell(t, z) = -\bigl[t \log \sigma(z) + (1 - t) \log(1 - \sigma(z))\bigr]
                   = \max(z, 0) - z\,t + \log\bigl(1 + e^{-|z|}\bigr)

    Parameters
    ----------
    t : array_like
        Targets in [0, 1] (0/1 or soft labels), same shape as ``z``.
    z : array_like
        Logits, any finite values, any shape.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"`` returns the elementwise losses, same shape as ``z``.
    weight : array_like or None, default None
        Non-negative weights broadcastable to ``z``'s shape, multiplying each
        elementwise loss; ``"mean"`` still divides by the number of elements
        (``torch.nn.functional.binary_cross_entropy_with_logits``).
    pos_weight : array_like or None, default None
        Non-negative weight of the positive term, a scalar or one per label
        (shape (C,), the last axis of ``z``):
        :math:`-[w_+ t \log\sigma(z) + (1 - t)\log(1 - \sigma(z))]`.
    label_smoothing : float, default 0.0
        :math:`\varepsilon` in [0, 1]: targets become
        :math:`t (1 - \varepsilon) + \varepsilon / 2` (Keras's rule).

    Returns
    -------
    numpy scalar or ndarray
        In the inputs' float dtype (float64 for integer input).

    Raises
    ------
    ValueError
        If ``t`` is outside [0, 1], either input holds NaN or inf or is empty,
        the shapes differ, or ``reduction`` is invalid; or a weight is
        negative or of the wrong shape, or ``label_smoothing`` is outside [0, 1].
    TypeError
        If ``t`` or ``z`` is not real numeric data.

    Warns
    -----
    ProbableMistakeWarning
        (a ``UserWarning``) if ``z`` looks like probabilities: hard 0/1 targets
        and at least two logits, all in [0, 1] and spread over half of it. The
        loss is still computed; silence it if these really are logits.

    Examples
    --------
    Through probabilities, a confidently wrong logit saturates to ``inf``:

    >>> import numpy as np
    >>> from celearn import binary_cross_entropy, binary_cross_entropy_with_logits, sigmoid
    >>> print(binary_cross_entropy(1.0, sigmoid(-800.0)))  # sigmoid(-800) underflows to 0
    inf
    >>> print(binary_cross_entropy_with_logits(1.0, -800.0))
    800.0
    >>> print(binary_cross_entropy_with_logits([1, 0], [-200.0, 3.0], reduction="none").round(4))
    [200.       3.0486]
    """
    reduction = v.check_reduction(reduction)
    t, z, t_smooth, w, pw = _fo.binary_inputs(t, z, "z", label_smoothing=label_smoothing,
                                              weight=weight, pos_weight=pos_weight)
    v.warn_if_probabilities_as_logits(z, False, "binary_cross_entropy_with_logits", t)
    loss = _fo.bce_logits_terms(t_smooth, z, pw)
    return _fo.reduce(_fo.weigh(loss, w), reduction)


def categorical_cross_entropy(t, p, *, reduction="mean", eps=0.0, weight=None,
                              ignore_index=None, label_smoothing=0.0):
    r"""Categorical cross-entropy of class probabilities ``p`` against targets ``t``.

    .. math::

        \ell_n = -\sum_{k=1}^{K} t_{nk} \log p_{nk}
               \;=\; -\log p_{n, y_n} \quad\text{for one-hot } t_n \text{ (label } y_n)

    Parameters
    ----------
    t : array_like
        Either one-hot or soft-label rows of the same shape as ``p`` (each row in
        [0, 1], summing to 1), or integer class labels of shape (N,) (a scalar
        label for a single (K,) sample). Which one is decided by the shape:
        same shape as ``p`` means rows; ``p``'s shape without the last axis
        means labels, and those must have an integer dtype (float labels such
        as ``[0., 2.]`` are refused rather than rounded: use ``t.astype(int)``).
    p : array_like
        Probabilities of shape (N, K), or (K,) for one sample. Every row must be
        in [0, 1] and sum to 1 within 1e-6 (float64) or 1e-4 (float32).
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"`` returns one loss per sample: shape (N,), or a scalar for a
        (K,) ``p``.
    eps : float, default 0.0
        In [0, 0.5). 0 is exact (``inf`` when the true class has probability 0);
        ``eps > 0`` clips ``p`` to ``[eps, 1 - eps]`` first (after the checks).
    weight, ignore_index, label_smoothing
        PyTorch's options, as in :func:`softmax_cross_entropy` (the same
        numbers as ``torch.nn.functional.cross_entropy(torch.log(p), ...)``).

    Returns
    -------
    numpy scalar or ndarray
        In the inputs' float dtype (float64 for integer input).

    Raises
    ------
    ValueError
        If ``p`` is not (K,) or (N, K), has values outside [0, 1] or rows not
        summing to 1; ``t`` has the wrong shape, values outside [0, 1], rows
        not summing to 1, or labels that are not integers in [0, K); any input
        holds NaN or inf or is empty; or ``reduction`` or ``eps`` is invalid.
    TypeError
        If ``t`` or ``p`` is not real numeric data.

    See Also
    --------
    softmax_cross_entropy : the same loss from logits, always finite.

    Examples
    --------
    >>> from celearn import categorical_cross_entropy
    >>> t = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]]
    >>> p = [[0.91, 0.04, 0.05], [0.11, 0.8, 0.09], [0.3, 0.1, 0.6], [0.25, 0.4, 0.35]]
    >>> print(f"{categorical_cross_entropy(t, p, reduction='sum'):.6f}")
    2.214574
    >>> print(categorical_cross_entropy([0, 1, 2, 0], p, reduction="none").round(4))
    [0.0943 0.2231 0.5108 1.3863]
    """
    reduction = v.check_reduction(reduction)
    eps = v.check_eps(eps)
    c = _fo.class_targets(t, p, "p", weight=weight, ignore_index=ignore_index,
                          label_smoothing=label_smoothing, reduction=reduction)
    p = c.x
    as_given = p.reshape(c.shape + p.shape[-1:])  # (K,) or (N, K): messages say "row n"
    v.check_probabilities(as_given, "p", _P_CLASS_HINT)
    v.check_distribution(as_given, "p", _P_SUM_HINT)
    if eps > 0:
        p = _clip(p, eps)
    if c.labels is not None:
        # -log p[n, t_n]: pick each sample's true-class probability
        p_true = p[np.arange(p.shape[0]), c.labels]
        with np.errstate(divide="ignore"):  # log(0) = -inf is the exact answer
            loss = _fo.weigh(0.0 - np.log(p_true), c.sample_w)  # +0.0 (not -0.0) for p = 1
    else:
        loss = 0.0 - np.sum(_fo.weigh(_xlogy(c.rows, p), c.w), axis=-1)
    return _fo.class_reduce(loss, c, reduction)


#: A chunk whose row maxima all lie in [_DIRECT_MIN[dtype], _DIRECT_MAX] takes exp(z)
#: without the shift by the max (see :func:`_lse_chunks` for why that is safe and exact).
_DIRECT_MAX = 600.0
_DIRECT_MIN = -500.0


def _two_sum_error(a, b, total):
    """The exact rounding error ``(a + b) - total`` of ``total = fl(a + b)``
    (Knuth's TwoSum), 0 where the sum overflowed."""
    back = total - a
    err = (a - (total - back)) + (b - back)
    err[~np.isfinite(err)] = 0
    return err


def _shifted_exp(zc, m, out):
    """``exp(z - m)`` row by row into the float64 ``out``; for float64 ``z`` with the
    rounding error of ``z - m`` put back (see :func:`_lse_chunks`)."""
    # z - m overflows to -inf only for |z| near float64's max: exp(-inf) = 0
    with np.errstate(over="ignore", invalid="ignore"):
        np.subtract(zc, m[:, None], out=out, dtype=np.float64)
        resid = _two_sum_error(zc, -m[:, None], out) if zc.dtype == np.float64 else None
    np.exp(out, out=out)
    if resid is not None:
        out += out * resid  # exp(d + r) = exp(d) (1 + r) within r**2


def _shifted_sums(zc, m, imax):
    """Row sums of ``exp(z - m)`` without each row's maximum, by the shifted path."""
    e = np.empty(zc.shape)
    _shifted_exp(zc, m, e)
    e[np.arange(zc.shape[0]), imax] = 0
    return e.sum(axis=1)


def _lse_chunks(z, on_nonfinite):
    r"""Walk the rows of a 2-D float32/float64 array ``z`` in cache-sized chunks.

    For each chunk yields ``(rows, zc, m, s, e)``: ``zc = z[rows]`` (a view),
    ``m`` each row's maximum (``z``'s dtype), ``s`` the float64 row sums of
    :math:`e^{z_k - m}` over every ``k`` but the maximum's, and ``e`` a float64
    scratch buffer of ``zc``'s shape that the caller may overwrite. Row ``i``'s
    log-sum-exp is ``m[i] + log1p(s[i])``: leaving the maximum's own term (1)
    out keeps tiny results exact (logsumexp([0, -40]) - 0 is 4.2e-18, not 0).

    Per chunk: one ``argmax``, a matrix-vector product in ``z``'s dtype (the finiteness
    check, while the chunk is in cache; skipped once ``on_nonfinite`` has
    cleared the whole array), ``exp`` into a float64 buffer and a float64
    matrix-vector product. Nothing else passes over ``z``: on 1e5 x 1e3 float32
    logits this is half the time of the former shift-then-exponentiate loop.

    **Direct path.** When every row maximum of the chunk lies in
    [``_DIRECT_MIN``, ``_DIRECT_MAX``] (any realistic logits), the shift is moved
    after the sum: :math:`s = e^{-m}\sum_{k \ne k^*} e^{z_k}`, so there is no
    :math:`z - m` to form (that broadcast subtraction cost as much as ``exp``).
    Otherwise the chunk is shifted first, :math:`e^{\mathrm{fl}(z_k - m)}`.

    **Error bound** (``u = 2**-53``, float64's unit roundoff; measured: numpy's
    float64 ``exp`` errs by <= 0.71 ulp, so allow 2u relative for a normal
    result, and ``log1p`` the same). Float32 logits are exact in float64.

    * Direct path, overflow: :math:`z_k \le m \le 600`, so every
      :math:`e^{z_k} \le e^{600} < 2^{866}`, their sum is finite for any ``K``
      that fits in memory, :math:`e^{-m} \le e^{500}`, and :math:`s \le K`.
    * Direct path, rounding: the argument :math:`z_k` is exact (no rounded
      shift), each :math:`e^{z_k}` errs by <= 2u, the sum of K - 1 non-negative
      terms in any order by <= (K - 2)u, :math:`e^{-m}` by 2u, the product by u:
      :math:`s` is within :math:`(K + 3)u` relative. An :math:`e^{z_k}` below
      float64's normal range (:math:`z_k < -708.4`) errs instead by <=
      :math:`2^{-1074}` absolute, so ``s`` by :math:`\le K 2^{-1074} e^{-m}`
      (``m >= -500``). For float32 that is below :math:`K 2^{-352}`, far under
      float32's smallest subnormal, :math:`2^{-149}`. For float64, the rows
      where :math:`s < K 2^{-1020} e^{-m}` are recomputed by the shifted path
      (rows whose other logits all lie ~700 or more below the max); in the
      rest this error is :math:`\le s\,2^{-54}`, so ``s`` is within (K + 4)u.
    * Shifted path: :math:`d_k = \mathrm{fl}(z_k - m)` errs by :math:`\le u|z_k - m|`
      and only :math:`z_k - m > -746` gives a non-zero term, so each term is
      within (746 + 2)u relative: 1.7e-13, negligible for float32. For float64
      the exact error :math:`r_k = (z_k - m) - d_k` (TwoSum) is put back,
      :math:`e^{d_k}(1 + r_k)`, off by :math:`r_k^2 \le (746u)^2` more: each
      term is within 4u, and the bounds below hold on both paths (plus, for
      float64, :math:`K 2^{-1074}` absolute from terms below the normal range).
    * The loss :math:`(m - z_y) + \log(1 + s)` adds two terms :math:`\ge 0` (no
      cancellation). A relative error :math:`\eta` in ``s`` moves
      :math:`\log(1 + s)` by :math:`\eta\,s/(1 + s) \le \eta \log(1 + s)`
      (as :math:`s/(1+s) \le \log(1+s)`), i.e. by at most :math:`\eta`
      relative; so the float64 loss is within :math:`(K + 8)u` relative of the
      exact value, and each of ``t``'s sums over K classes adds Ku.
    * Float32 results are this float64 value rounded once: for K <= 10**6,
      (K + 8)u < 2**-33, so the error is at most 2**-24 (1 + 2**-9) relative:
      0.502 ulp, correctly rounded unless the exact value lies within 2**-33
      of a rounding boundary. Float64 results keep the (K + 8)u bound
      (plus :math:`K 2^{-1074}` absolute where a loss is itself that tiny).

    Why not ``exp`` in float32: numpy's float32 ``exp`` errs by up to 2.54 ulp
    (measured), and :math:`z - m` formed in float32 is rounded by up to
    :math:`2^{-24}|z - m|`, i.e. 3.8e-6 absolute at -87 (where
    :math:`e^{z-m}` is still a normal float32). When the label is the row's
    maximum the loss is :math:`\log(1 + s)`, whose relative error is nearly
    that of ``s``: a float32 sum would leave the loss several ulps off. The
    float64 ``exp`` costs 2x float32's, but the rest of the loop is cheap.
    """
    n, k = z.shape
    step = max(1, _act._CHUNK_BYTES // (k * 8))
    buf = np.empty((min(step, n), k))  # float64: the only sizeable temporary
    all_rows = np.arange(min(step, n))
    ones, ones_z = np.ones(k), np.ones(k, dtype=z.dtype)  # row sums as BLAS products
    checked = False
    for start in range(0, n, step):
        rows = slice(start, min(start + step, n))
        zc = z[rows]
        e = buf[: zc.shape[0]]
        r = all_rows[: zc.shape[0]]
        if not checked:
            # finite row sums <=> no NaN/inf in the rows (or a sum overflowed,
            # which on_nonfinite clears by checking the whole array once)
            with np.errstate(over="ignore", invalid="ignore"):
                sums = zc @ ones_z
            if not np.isfinite(sums).all():
                on_nonfinite()  # raises for NaN/inf
                checked = True
        imax = np.argmax(zc, axis=1)
        m = zc[r, imax]
        direct = _DIRECT_MIN <= m.min() and m.max() <= _DIRECT_MAX
        if direct:
            np.exp(zc, out=e, dtype=np.float64)  # float32 is exact in float64
        else:
            _shifted_exp(zc, m, e)
        e[r, imax] = 0  # leave the max's own term out of the sum
        s = e @ ones
        if direct:
            scale = np.exp(-m.astype(np.float64))
            s *= scale
            if z.dtype == np.float64:
                # rows where exp(z) below float64's normal range could matter (see above)
                low = np.flatnonzero(s < (k * 2.0**-1020) * scale)
                if low.size:
                    s[low] = _shifted_sums(zc[low], m[low], imax[low])
        yield rows, zc, m, s, e


def softmax_cross_entropy(t, z, *, reduction="mean", weight=None, ignore_index=None,
                          label_smoothing=0.0):
    r"""Categorical cross-entropy from logits, :math:`p = \operatorname{softmax}(z)`; always finite.

    .. math::

        \ell_n = -\sum_k t_{nk} \log \operatorname{softmax}(z_n)_k
               = \sum_k t_{nk}\,(m_n - z_{nk})
                 + \Bigl(\sum_k t_{nk}\Bigr) \log\Bigl(1 + \sum_{k \ne k^*} e^{z_{nk} - m_n}\Bigr)

    with :math:`m_n = z_{nk^*} = \max_k z_{nk}`; for a label :math:`y_n` this
    is :math:`\operatorname{logsumexp}(z_n) - z_{n, y_n}`. Every term is
    :math:`\ge 0`, so nothing cancels and nothing overflows.

    Large inputs are processed in cache-sized chunks of rows, so the only
    temporaries are a buffer of a few hundred KiB and a few length-N vectors.

    Parameters
    ----------
    t : array_like
        Integer labels of shape (N,) (a scalar for one (K,) sample), or
        one-hot/soft-label rows of the same shape as ``z`` (see
        :func:`categorical_cross_entropy` for how the two are told apart).
    z : array_like
        Logits of shape (N, K), or (K,) for one sample; any finite values.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"`` returns shape (N,), or a scalar for a (K,) ``z``.
    weight : array_like or None, default None
        Non-negative weight per class, shape (K,): every term of class
        :math:`k` is multiplied by :math:`w_k`. With integer labels
        ``"mean"`` divides by :math:`\sum_n w_{y_n}`; with rows, by N
        (both as ``torch.nn.functional.cross_entropy``).
    ignore_index : int or None, default None
        Integer labels only: samples with this label (e.g. -100 for padding)
        add 0 and leave the mean's denominator. If every sample is ignored,
        ``"mean"`` raises (PyTorch returns nan).
    label_smoothing : float, default 0.0
        :math:`\varepsilon` in [0, 1]: the target becomes
        :math:`(1 - \varepsilon)\,t + \varepsilon / K`. See
        :mod:`celearn.framework_options` for the formula with every option.

    Returns
    -------
    numpy scalar or ndarray
        In the inputs' float dtype (float64 for integer input; integer labels
        do not count, so float32 logits give float32).

    Raises
    ------
    ValueError
        If ``z`` is not (K,) or (N, K); ``t`` has the wrong shape, values outside
        [0, 1], rows not summing to 1, or labels that are not integers in
        [0, K); any input holds NaN or inf or is empty; or ``reduction`` is
        invalid.
    TypeError
        If ``t`` or ``z`` is not real numeric data.

    Warns
    -----
    ProbableMistakeWarning
        (a ``UserWarning``) if every row of ``z`` is in [0, 1] and sums to 1:
        probabilities passed as logits get a second softmax. The loss is
        still computed; silence it if these really are logits.

    Examples
    --------
    >>> import numpy as np
    >>> from celearn import categorical_cross_entropy, softmax, softmax_cross_entropy
    >>> z = np.array([[1000.0, 0.0, -1000.0]])
    >>> with np.errstate(divide="ignore"):
    ...     print(categorical_cross_entropy([2], softmax(z)))  # softmax underflowed to 0
    inf
    >>> print(softmax_cross_entropy([2], z))
    2000.0
    >>> print(softmax_cross_entropy([0, 1], [[2.0, 1.0, 0.1], [2.0, 1.0, 0.1]],
    ...                             reduction="none").round(4))
    [0.417 1.417]
    """
    reduction = v.check_reduction(reduction)
    c = _fo.class_targets(t, z, "z", weight=weight, ignore_index=ignore_index,
                          label_smoothing=label_smoothing, reduction=reduction,
                          finite=False)  # z's finiteness: in the loop
    z2 = c.x
    loss = np.empty(z2.shape[0], dtype=z2.dtype)
    w = None if c.w is None else c.w.astype(np.promote_types(z2.dtype, np.float64))
    top = -np.inf  # the largest logit, for the double-softmax check below
    # Per chunk of rows: m = row max, s = sum of exp(z - m) without the max's term.
    for rows, zc, m, s, e in _lse_chunks(z2, lambda: v.check_finite(c.x, "z")):
        top = max(top, m.max())
        # m - z overflows to inf only where the exact loss is beyond the float range
        with np.errstate(over="ignore", invalid="ignore"):
            if c.labels is not None:
                # logsumexp - z[label] = (m - z[label]) + log1p(s)
                true_z = zc[np.arange(zc.shape[0]), c.labels[rows]]
                loss[rows] = np.subtract(m, true_z, dtype=s.dtype) + np.log1p(s)
            else:
                tc = c.rows[rows].astype(e.dtype, copy=False)  # float64 sums for float32
                np.subtract(m[:, None], zc, out=e, dtype=e.dtype)  # reuse the buffer: m - z >= 0
                e *= tc
                if not np.isfinite(e @ np.ones(e.shape[1], e.dtype)).all():
                    # m - z overflowed: t m - t z is finite where t (m - z) is
                    # (t = 0 adds nothing, a tiny t a finite amount)
                    bad = ~np.isfinite(e)
                    alt = tc * m[:, None].astype(e.dtype) - tc * zc.astype(e.dtype)
                    e[bad] = np.where(tc == 0, 0, np.where(np.isnan(alt), np.inf, alt))[bad]
                e = _fo.weigh(e, w)  # a class of weight 0 adds exactly 0
                lse_weight = (tc if w is None else tc * w).sum(axis=1)
                loss[rows] = e.sum(axis=1) + lse_weight * np.log1p(s)
    if c.labels is not None:
        loss = _fo.weigh(loss, c.sample_w)  # w[y_n], 0 for ignored samples
    if top <= 1:  # only then can every value be in [0, 1]: no extra pass over z otherwise
        v.warn_if_probabilities_as_logits(z2, True, "softmax_cross_entropy")
    return _fo.class_reduce(loss, c, reduction)


def mean_squared_error(t, p, *, reduction="mean"):
    r"""Squared error :math:`(p - t)^2`, elementwise.

    .. math:: \ell(t, p) = (p - t)^2

    Unlike the cross-entropies this is a general regression loss: ``t`` and
    ``p`` may be any finite real numbers (in this course, usually 0/1 targets
    and probabilities).

    Parameters
    ----------
    t : array_like
        Targets, same shape as ``p``.
    p : array_like
        Predictions, any shape.
    reduction : {"mean", "sum", "none"}, default "mean"
        ``"none"`` returns the elementwise squared errors, same shape as ``p``.

    Returns
    -------
    numpy scalar or ndarray
        In the inputs' float dtype (float64 for integer input).

    Raises
    ------
    ValueError
        If either input holds NaN or inf or is empty, the shapes differ, or
        ``reduction`` is invalid.
    TypeError
        If ``t`` or ``p`` is not real numeric data.

    Examples
    --------
    >>> from celearn import mean_squared_error
    >>> print(f"{mean_squared_error([1, 0], [0.9, 0.2]):.4f}")
    0.0250
    >>> print(mean_squared_error([1, 0], [0.9, 0.2], reduction="none").round(4))
    [0.01 0.04]
    """
    reduction = v.check_reduction(reduction)
    t, p = v.as_float_pair(t, p, ("t", "p"))
    with np.errstate(over="ignore"):  # beyond the float range: inf is the exact answer
        loss = np.square(p - t)
    return _fo.reduce(loss, reduction)
