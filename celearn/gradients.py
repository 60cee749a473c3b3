r"""Analytic gradients of the losses, and finite differences to check them.

Each ``*_grad_*`` function is elementwise / per sample with no reduction: it is
the gradient of the loss with ``reduction="sum"`` (divide by N for ``"mean"``).

:func:`numerical_gradient` and :func:`gradient_check` verify any analytic
gradient against central differences, the way the course checks every
formula before trusting it.
"""
from __future__ import annotations

import numpy as np

from . import _validation as v
from . import framework_options as _fo
from .activations import sigmoid

__all__ = [
    "bce_grad_p",
    "bce_grad_logits",
    "cce_grad_logits",
    "mse_grad_p",
    "mse_grad_logits",
    "numerical_gradient",
    "gradient_check",
]

_T_HINT = "t holds targets: 0/1 labels or probabilities (soft labels) in [0, 1]."
_P_HINT = "p must hold probabilities; if these are logits, use bce_grad_logits(t, z) instead."


def bce_grad_p(t, p):
    r"""Gradient of binary cross-entropy with respect to the probability ``p``.

    .. math:: \frac{\partial \ell}{\partial p} = -\frac{t}{p} + \frac{1 - t}{1 - p}

    A term whose numerator is 0 is 0 (as :math:`0 \log 0 = 0` in the loss), so
    :math:`t = 1, p = 1` gives exactly :math:`-1`; :math:`t = 1, p = 0` gives
    ``-inf`` (no warning).

    Parameters
    ----------
    t : array_like
        Targets in [0, 1], same shape as ``p``.
    p : array_like
        Probabilities in [0, 1], any shape.

    Returns
    -------
    ndarray or numpy scalar
        Same shape and float dtype as ``p``.

    Raises
    ------
    ValueError
        If ``t`` or ``p`` is outside [0, 1], holds NaN or inf, is empty, or
        the shapes differ.
    TypeError
        If ``t`` or ``p`` is not real numeric data.

    Examples
    --------
    The slope grows without bound as a wrong prediction gets more confident:

    >>> from celearn import bce_grad_p
    >>> print(bce_grad_p([1, 1, 1], [0.5, 0.1, 0.001]).round(2))
    [   -2.   -10. -1000.]
    """
    t, p = v.as_float_pair(t, p, ("t", "p"))
    v.check_probabilities(t, "t", _T_HINT)
    v.check_probabilities(p, "p", _P_HINT)
    # One fraction, (p - t) / (p (1 - p)), so that the two terms cannot cancel
    # when t is close to p; it overflows to -inf/inf (exactly) for a subnormal p
    # or 1 - p. At p = 0 or 1 the convention 0/0 = 0 of the loss decides.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        inside = (p - t) / (p * (1 - p))
    one, zero = p.dtype.type(1), p.dtype.type(0)
    at_0 = np.where(t == 0, one, -np.inf).astype(p.dtype)  # p = 0: (1 - t) - t/0
    at_1 = np.where(t == 1, -one, np.inf).astype(p.dtype)  # p = 1: -t + (1 - t)/0
    grad = np.where(p == zero, at_0, np.where(p == one, at_1, inside))
    return grad[()]


def bce_grad_logits(t, z, *, weight=None, pos_weight=None, label_smoothing=0.0):
    r"""Gradient of binary cross-entropy with respect to the logit ``z``.

    .. math:: \frac{\partial \ell}{\partial z} = \sigma(z) - t

    The :math:`1/p` of :func:`bce_grad_p` and the :math:`p(1 - p)` of the
    sigmoid cancel, leaving a bounded, well-behaved slope.

    Parameters
    ----------
    t : array_like
        Targets in [0, 1], same shape as ``z``.
    z : array_like
        Logits, any shape.
    weight, pos_weight, label_smoothing
        As in :func:`celearn.binary_cross_entropy_with_logits`; with them the
        gradient is :math:`w\,[(1 - t)\,\sigma(z) - w_+ t\,\sigma(-z)]` for the
        smoothed :math:`t`.

    Returns
    -------
    ndarray or numpy scalar
        Same shape and float dtype as ``z``.

    Raises
    ------
    ValueError
        If ``t`` is outside [0, 1], either input holds NaN or inf or is
        empty, or the shapes differ; or an option is invalid.
    TypeError
        If ``t`` or ``z`` is not real numeric data.

    Examples
    --------
    >>> from celearn import bce_grad_logits
    >>> print(bce_grad_logits([1, 0], [-10.0, 0.0]).round(4))
    [-1.   0.5]
    """
    _, z, t_smooth, w, pw = _fo.binary_inputs(t, z, "z", label_smoothing=label_smoothing,
                                              weight=weight, pos_weight=pos_weight)
    return np.asarray(_fo.weigh(_fo.bce_grad_terms(t_smooth, z, pw), w))[()]


def cce_grad_logits(t, z, *, weight=None, ignore_index=None, label_smoothing=0.0):
    r"""Gradient of softmax cross-entropy with respect to the logits ``z``.

    .. math:: \frac{\partial \ell_n}{\partial z_{nk}} = \operatorname{softmax}(z_n)_k - t_{nk}

    This is the full Jacobian :math:`\operatorname{diag}(p) - pp^\top` applied
    to :math:`\partial \ell / \partial p = -t/p`, using :math:`\sum_k t_k = 1`.

    Parameters
    ----------
    t : array_like
        Integer labels of shape (N,) (a scalar for one sample), or one-hot/soft
        rows of ``z``'s shape (see :func:`celearn.categorical_cross_entropy`).
    z : array_like
        Logits of shape (N, K), or (K,) for one sample.
    weight, ignore_index, label_smoothing
        As in :func:`celearn.softmax_cross_entropy`. With them the gradient is
        :math:`p_j \sum_k a_k - a_j`, :math:`a_k = w_k t^\text{smooth}_k`
        (:math:`p - t_\text{smooth}` without weights); ignored samples get 0.
        This is the gradient of ``reduction="sum"``: for ``"mean"`` divide by
        the loss's denominator (N, or :math:`\sum_n w_{y_n}` over the samples
        not ignored).

    Returns
    -------
    ndarray
        Same shape and float dtype as ``z``; each row sums to 0 (without weights).

    Raises
    ------
    ValueError
        If ``z`` is not (K,) or (N, K); ``t`` has the wrong shape, values outside
        [0, 1], rows not summing to 1, or labels that are not integers in
        [0, K); or any input holds NaN or inf or is empty.
    TypeError
        If ``t`` or ``z`` is not real numeric data.

    Examples
    --------
    >>> from celearn import cce_grad_logits
    >>> print(cce_grad_logits([0], [[2.0, 1.0, 0.1]]).round(4))
    [[-0.341   0.2424  0.0986]]
    >>> print(cce_grad_logits([[1, 0, 0]], [[2.0, 1.0, 0.1]]).round(4))
    [[-0.341   0.2424  0.0986]]
    """
    c = _fo.class_targets(t, z, "z", weight=weight, ignore_index=ignore_index,
                          label_smoothing=label_smoothing, reduction="sum")
    return _fo.class_grad(c)


def mse_grad_p(t, p):
    r"""Gradient of squared error with respect to the prediction ``p``.

    .. math:: \frac{\partial \ell}{\partial p} = 2\,(p - t)

    Parameters
    ----------
    t : array_like
        Targets, same shape as ``p``.
    p : array_like
        Predictions, any shape.

    Returns
    -------
    ndarray or numpy scalar
        Same shape and float dtype as ``p``.

    Raises
    ------
    ValueError
        If either input holds NaN or inf or is empty, or the shapes differ.
    TypeError
        If ``t`` or ``p`` is not real numeric data.

    Examples
    --------
    >>> from celearn import mse_grad_p
    >>> print(mse_grad_p([1, 0], [0.9, 0.2]).round(4))
    [-0.2  0.4]
    """
    t, p = v.as_float_pair(t, p, ("t", "p"))
    with np.errstate(over="ignore"):  # beyond the float range: inf is exact
        return (2 * (p - t))[()]


def mse_grad_logits(t, z):
    r"""Gradient of squared error through a sigmoid, with respect to the logit ``z``.

    .. math::

        \frac{\partial}{\partial z} (\sigma(z) - t)^2
            = 2\,(\sigma(z) - t)\,\sigma(z)\,(1 - \sigma(z))

    :math:`1 - \sigma(z)` is computed as :math:`\sigma(-z)`, exact for large
    :math:`z`. The factor :math:`\sigma(1 - \sigma)` vanishes for a confident
    prediction, right or wrong: that is why squared error learns slowly from
    confident mistakes.

    Parameters
    ----------
    t : array_like
        Targets, same shape as ``z``.
    z : array_like
        Logits, any shape.

    Returns
    -------
    ndarray or numpy scalar
        Same shape and float dtype as ``z``.

    Raises
    ------
    ValueError
        If either input holds NaN or inf or is empty, or the shapes differ.
    TypeError
        If ``t`` or ``z`` is not real numeric data.

    Examples
    --------
    At a confidently wrong logit the cross-entropy slope is ~11,000 times steeper:

    >>> from celearn import bce_grad_logits, mse_grad_logits
    >>> ce, mse = bce_grad_logits(1.0, -10.0), mse_grad_logits(1.0, -10.0)
    >>> print(f"{mse:.3e}  ratio {ce / mse:.4g}")
    -9.079e-05  ratio 1.101e+04
    """
    t, z = v.as_float_pair(t, z, ("t", "z"))
    # in float64 (rounded once for float32)
    z64 = z.astype(np.float64)
    # 2 sigma(z) sigma(-z) <= 1/2 first: a target near 1e308 must not overflow early
    with np.errstate(over="ignore"):
        grad = _fo.sigmoid_minus(t, z64) * (2 * sigmoid(z64) * sigmoid(-z64))
    return grad.astype(z.dtype, copy=False)[()]


def _scalar_value(f, x, index, side, h):
    """``f(x)`` as a finite float, or a ValueError saying where it failed."""
    value = np.asarray(f(x))
    if value.shape != ():
        raise ValueError(
            f"f must return a scalar (e.g. a loss with reduction='sum' or 'mean'); "
            f"it returned shape {value.shape}."
        )
    if value.dtype.kind not in "biuf":
        raise TypeError(f"f must return a real number; it returned {value!r:.60}.")
    if not np.isfinite(value):
        raise ValueError(
            f"f returned {value.item()} at x[{index}] {side} h (h = {h:g}). "
            f"Finite differences need f finite around x: move x away from "
            f"singularities (such as p = 0 or 1) or use a smaller h."
        )
    return float(value)


def numerical_gradient(f, x, *, h=1e-6):
    r"""Gradient of a scalar function ``f`` at ``x`` by central differences.

    .. math::

        \frac{\partial f}{\partial x_i} \approx
        \frac{f(x + h e_i) - f(x - h e_i)}{2h}

    Each element of a copy of ``x`` is perturbed in turn (a loop over
    elements, fine for the small arrays of a gradient check). The divisor is
    the step actually taken after rounding to ``x``'s dtype. The error is
    :math:`O(h^2)` from truncation plus about :math:`\epsilon |f| / h` from
    rounding, so ``h = 1e-6`` suits float64 and ``h ~ 1e-3`` float32.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a real scalar; it must be finite within ``h`` of ``x``.
    x : array_like
        The point, any shape (a scalar works too).
    h : float, default 1e-6
        The step, > 0.

    Returns
    -------
    ndarray or numpy scalar
        Same shape and float dtype as ``x``.

    Raises
    ------
    ValueError
        If ``h`` is not a finite number > 0, ``x`` is empty or non-finite, or
        ``f`` returns a non-scalar or non-finite value.
    TypeError
        If ``x`` is not real numeric data or ``f`` returns a non-number.

    Examples
    --------
    >>> import numpy as np
    >>> from celearn import binary_cross_entropy, numerical_gradient
    >>> t = np.array([1.0, 0.0])
    >>> g = numerical_gradient(lambda p: binary_cross_entropy(t, p, reduction="sum"),
    ...                        np.array([0.8, 0.3]))
    >>> print(g.round(6))  # -t/p + (1 - t)/(1 - p)
    [-1.25      1.428571]
    """
    _check_callable(f, "f", x)
    h = v.check_step(h)
    x = v.as_float_array(x, "x").copy()  # our own copy, perturbed in place
    _check_step_resolution(x, h)
    grad = np.empty_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        with np.errstate(over="ignore"):  # x +- h beyond the float range: refused below
            x[index] = original + h
            x_plus = x[index]  # the steps actually taken, after rounding
            x[index] = original - h
            x_minus = x[index]
        if not (np.isfinite(x_plus) and np.isfinite(x_minus)):
            raise ValueError(
                f"{_element('x', index)} = {v._fmt(original)} +- h (h = {h:g}) overflows "
                f"{x.dtype}; use a smaller h, e.g. h = {_good_step(original, x.dtype):.1e}."
            )
        x[index] = x_plus
        f_plus = _scalar_value(f, x, index, "+", h)
        x[index] = x_minus
        f_minus = _scalar_value(f, x, index, "-", h)
        x[index] = original
        # exact in float64 for float32 x; for float64 x the difference of two
        # close floats is exact too (Sterbenz)
        # halves: exact scalings that keep a step near the float's max from overflowing
        grad[index] = (f_plus / 2 - f_minus / 2) / (float(x_plus) / 2 - float(x_minus) / 2)
    return grad[()]


def _element(name, index):
    """``x[1, 2]`` for an element of an array, ``x`` for a 0-d one."""
    return f"{name}[{', '.join(str(i) for i in index)}]" if index else name


def _check_callable(f, name, x=None):
    """``f`` must be callable; catch the arguments given the wrong way round."""
    if callable(f):
        return
    swapped = (
        " It looks like the arguments are swapped: pass the function first, "
        "then the point, e.g. numerical_gradient(f, x)."
        if callable(x) else ""
    )
    raise ValueError(
        f"{name} must be a function (a callable such as lambda x: np.sum(x ** 2)) "
        f"that returns a scalar; got {type(f).__name__} {f!r:.60}.{swapped}"
    )


def _good_step(value, dtype):
    """A central-difference step that suits ``value`` in ``dtype``: about
    cbrt(eps) * max(1, |value|), which balances truncation and rounding."""
    eps = float(np.finfo(dtype).eps)
    return eps ** (1 / 3) * max(1.0, abs(float(value)))


def _check_step_resolution(x, h):
    """Refuse a step that vanishes when added to some element of ``x``."""
    with np.errstate(over="ignore"):
        h_x = x.dtype.type(h)
        lost = (x + h_x == x) | (x - h_x == x)
    if not lost.any():
        return
    index = v._first_index(lost)
    value = x[index]
    spacing = float(np.spacing(np.abs(value)))
    raise ValueError(
        f"h = {h:g} is below the float resolution of {_element('x', index)} = "
        f"{v._fmt(value)} in {x.dtype} (the next float is {spacing:.3g} away): "
        f"x + h rounds back to x, so there is no step to divide by. Use h of at "
        f"least {spacing:.3g}; about {_good_step(value, x.dtype):.1e} gives the "
        f"most accurate central differences."
    )


def gradient_check(f, grad, x, *, h=1e-6):
    r"""Largest error of an analytic gradient against :func:`numerical_gradient`.

    With :math:`a = \mathrm{grad}(x)` and :math:`n` the central-difference
    gradient, the error is the largest elementwise discrepancy relative to the
    size of the gradient, but never relative to less than 1:

    .. math::

        \mathrm{err} = \frac{\max_i |a_i - n_i|}
                            {\max\bigl(1,\ \max_i |a_i|,\ \max_i |n_i|\bigr)}

    Scaling by the largest element, not by each element's own size, keeps
    components that are nearly 0 from raising false alarms; the floor of 1
    does the same at a minimum, where the whole gradient is 0 and finite
    differences return only rounding noise (about :math:`10^{-10}|f|` with
    ``h = 1e-6``). So gradients smaller than 1 are compared absolutely, larger
    ones relatively. In float64 a correct gradient gives about 1e-8 or less; a
    wrong one gives something of order 0.1 to 1.

    Parameters
    ----------
    f : callable
        Scalar function of ``x``.
    grad : callable
        ``grad(x)`` returns the analytic gradient, same shape as ``x``.
    x : array_like
        The point at which to compare, any shape.
    h : float, default 1e-6
        Finite-difference step, > 0.

    Returns
    -------
    numpy.float64
        The relative error defined above.

    Raises
    ------
    ValueError
        If ``h`` is not a finite number > 0, ``x`` is empty or non-finite,
        ``grad(x)`` has the wrong shape or non-finite values, or ``f`` returns
        a non-scalar or non-finite value.
    TypeError
        If ``x`` or ``grad(x)`` is not real numeric data.

    Examples
    --------
    >>> import numpy as np
    >>> from celearn import gradient_check, sigmoid
    >>> f = lambda z: np.sum(sigmoid(z))
    >>> right = lambda z: sigmoid(z) * (1 - sigmoid(z))
    >>> wrong = lambda z: sigmoid(z)
    >>> z = np.array([-1.0, 0.5, 2.0])
    >>> print(gradient_check(f, right, z) < 1e-8, f"{gradient_check(f, wrong, z):.2f}")
    True 0.78
    """
    _check_callable(f, "f", x)
    _check_callable(grad, "grad")
    h = v.check_step(h)
    x = v.as_float_array(x, "x")
    analytic = v.as_float_array(grad(x.copy()), "grad(x)", np.float64)
    if analytic.shape != x.shape:
        raise ValueError(
            f"grad(x) has shape {analytic.shape} but x has shape {x.shape}; grad "
            f"must return one partial derivative per element of x."
        )
    numeric = np.asarray(numerical_gradient(f, x, h=h), dtype=np.float64)
    scale = max(1.0, np.max(np.abs(analytic)), np.max(np.abs(numeric)))
    return np.float64(np.max(np.abs(analytic - numeric)) / scale)
