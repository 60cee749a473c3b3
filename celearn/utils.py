r"""Small utilities: :func:`one_hot`, and the ``0 * log 0 = 0`` helpers the losses share."""
from __future__ import annotations

import numpy as np

from . import _validation as v

__all__ = ["one_hot"]


def one_hot(labels, num_classes, *, dtype=np.float64):
    r"""One-hot encode integer class labels.

    .. math:: T_{nk} = [\,k = y_n\,], \qquad k = 0, \dots, K - 1

    Parameters
    ----------
    labels : array_like of int
        Class labels in ``[0, num_classes)``, any shape (a scalar gives one row).
        Float labels are refused rather than rounded: use ``labels.astype(int)``.
    num_classes : int
        :math:`K \ge 1`, the number of classes.
    dtype : dtype, default float64
        The dtype of the result, e.g. ``np.float32``.

    Returns
    -------
    ndarray
        Shape ``labels.shape + (num_classes,)``: 1 at each label, 0 elsewhere.

    Raises
    ------
    ValueError
        If ``labels`` is empty, not of an integer dtype or outside
        ``[0, num_classes)``, or ``num_classes`` is not an integer >= 1.
    TypeError
        If ``labels`` is not numeric.

    Examples
    --------
    >>> from celearn import one_hot
    >>> print(one_hot([0, 2, 1], 3))
    [[1. 0. 0.]
     [0. 0. 1.]
     [0. 1. 0.]]
    >>> print(one_hot(1, 4, dtype=int))
    [0 1 0 0]
    """
    num_classes = v.check_num_classes(num_classes)
    labels = v.as_array(labels, "labels")
    labels = v.check_labels(labels, num_classes, "labels")
    v.check_one_hot_size(labels, num_classes, dtype)  # before allocating
    out = np.zeros(labels.shape + (num_classes,), dtype=dtype)
    np.put_along_axis(out, labels[..., None], 1, axis=-1)
    return out


def _xlogy(x, y, scale=1.0):
    r""":math:`x \log y` elementwise, with 0 wherever :math:`x = 0` (so 0 log 0 = 0).

    :math:`x > 0, y = 0` gives :math:`-\infty`, without a RuntimeWarning. With
    ``scale``: :math:`x (\log y / \text{scale})`, the logarithm divided first.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        out = x * (np.log(y) / scale) if scale != 1.0 else x * np.log(y)
    return np.where(x == 0, 0, out)


def _xlog1py(x, y):
    r""":math:`x \log(1 + y)` elementwise, with 0 wherever :math:`x = 0`.

    ``log1p`` keeps :math:`\log(1 - p)` exact for tiny :math:`p` (pass ``y = -p``).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        out = x * np.log1p(y)
    return np.where(x == 0, 0, out)
