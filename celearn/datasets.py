r"""The course's worked examples and a small real data set, shipped with the package.

Every call returns fresh numpy arrays, so a notebook may modify them freely.
Nothing here uses the network or scikit-learn.
"""
from __future__ import annotations

import csv
import gzip
import io
from importlib import resources
from typing import NamedTuple

import numpy as np

__all__ = ["Digits", "Example", "GaussianClasses", "Iris", "bce_example", "cce_example",
           "load_digits", "load_iris", "make_gaussian_classes"]


class Example(NamedTuple):
    """A worked example: targets ``t`` and predicted probabilities ``p``."""

    t: np.ndarray
    p: np.ndarray


class Iris(NamedTuple):
    """Fisher's Iris data: features ``X`` (150, 4), labels ``y`` (150,) and names."""

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple
    target_names: tuple


def bce_example():
    r"""The binary cross-entropy example of notebook 02: 7 samples.

    .. math:: \sum_n -\bigl[t_n \log p_n + (1 - t_n) \log(1 - p_n)\bigr] = 4.460303459760249\ldots

    Returns
    -------
    Example
        ``t`` (7,) int64 labels 0/1 and ``p`` (7,) float64 probabilities of class 1.

    Examples
    --------
    >>> from celearn import binary_cross_entropy
    >>> from celearn.datasets import bce_example
    >>> t, p = bce_example()
    >>> print(t, p)
    [0 1 1 0 0 1 1] [0.07 0.91 0.74 0.23 0.85 0.17 0.94]
    >>> print(f"{binary_cross_entropy(t, p, reduction='sum'):.15f}")
    4.460303459760249
    """
    return Example(
        t=np.array([0, 1, 1, 0, 0, 1, 1]),
        p=np.array([0.07, 0.91, 0.74, 0.23, 0.85, 0.17, 0.94]),
    )


def cce_example():
    r"""The categorical cross-entropy example of notebook 03: 4 samples, 3 classes.

    .. math:: \sum_n -\sum_k t_{nk} \log p_{nk} = 2.214574215671332\ldots

    Returns
    -------
    Example
        ``t`` (4, 3) int64 one-hot rows and ``p`` (4, 3) float64 probability
        rows. ``t.argmax(axis=1)`` gives the integer labels ``[0, 1, 2, 0]``.

    Examples
    --------
    >>> from celearn import categorical_cross_entropy
    >>> from celearn.datasets import cce_example
    >>> t, p = cce_example()
    >>> print(t.argmax(axis=1))
    [0 1 2 0]
    >>> print(f"{categorical_cross_entropy(t, p, reduction='sum'):.15f}")
    2.214574215671332
    """
    return Example(
        t=np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]]),
        p=np.array(
            [[0.91, 0.04, 0.05], [0.11, 0.8, 0.09], [0.3, 0.1, 0.6], [0.25, 0.4, 0.35]]
        ),
    )


def load_iris():
    r"""Fisher's Iris data (150 flowers, 4 measurements, 3 species).

    Read from ``celearn/data/iris.csv``, shipped inside the package; see
    ``celearn/data/README.md`` for its source (Fisher 1936, via the UCI
    Machine Learning Repository, CC BY 4.0) and how it was converted.

    Returns
    -------
    Iris
        ``X`` float64 (150, 4) in cm; ``y`` int64 (150,) class labels 0, 1, 2;
        ``feature_names`` (4 str) and ``target_names``
        ``("setosa", "versicolor", "virginica")``, so ``target_names[y[i]]``
        names flower ``i``'s species.

    Examples
    --------
    >>> import numpy as np
    >>> from celearn.datasets import load_iris
    >>> X, y, feature_names, target_names = load_iris()
    >>> print(X.shape, y.shape, X.dtype)
    (150, 4) (150,) float64
    >>> print(feature_names[2], target_names)
    petal length (cm) ('setosa', 'versicolor', 'virginica')
    >>> print(np.bincount(y))
    [50 50 50]
    """
    text = (resources.files("celearn") / "data" / "iris.csv").read_text(encoding="utf-8")
    header, *rows = csv.reader(io.StringIO(text))
    target_names = ("setosa", "versicolor", "virginica")
    X = np.array([[float(x) for x in row[:-1]] for row in rows], dtype=np.float64)
    y = np.array([target_names.index(row[-1]) for row in rows], dtype=np.int64)
    return Iris(X=X, y=y, feature_names=tuple(header[:-1]), target_names=target_names)


class GaussianClasses(NamedTuple):
    """Samples of K Gaussian classes with their true class probabilities.

    ``X`` (N, 2) points, ``y`` (N,) labels and ``p_true`` (N, K), the Bayes
    posterior P(class k | x) of each point (the best any model can do).
    """

    X: np.ndarray
    y: np.ndarray
    p_true: np.ndarray


def _gaussian_means(num_classes, separation):
    """K means on a circle, neighbours ``separation`` apart."""
    angles = 2 * np.pi * np.arange(num_classes) / num_classes
    radius = separation / (2 * np.sin(np.pi / num_classes))
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


#: The largest ``separation`` :func:`make_gaussian_classes` accepts: the logits
#: x M^T grow like its square and must stay far inside the float range.
MAX_SEPARATION = 1e6


def make_gaussian_classes(n, *, num_classes=3, separation=2.0, seed=0):
    r"""K Gaussian classes in 2-D whose true probabilities are known.

    Each sample picks its class y uniformly from 0, ..., K-1 and then
    :math:`x \sim \mathcal{N}(\mu_y, I)`; the K means lie on a circle, each
    ``separation`` standard deviations from its neighbours.  With equal priors,
    equal covariance and :math:`\|\mu_k\|` the same for every k, Bayes' rule
    gives the posterior as the softmax of a *linear* function of x:

    .. math::

        P(y = k \mid x) = \frac{e^{-\|x - \mu_k\|^2/2}}{\sum_j e^{-\|x - \mu_j\|^2/2}}
                        = \mathrm{softmax}(M x)_k ,

    where the rows of M are the means.  So softmax regression can represent the
    truth exactly, and :math:`H(Y \mid X) \approx -\frac{1}{N}\sum_n \ln p_{\text{true}}(y_n \mid x_n)`
    is the floor of its expected cross-entropy.

    Parameters
    ----------
    n : int
        Number of samples N >= 1.
    num_classes : int, default 3
        Number of classes K >= 2.
    separation : float, default 2.0
        Distance between neighbouring class means, in standard deviations (> 0):
        small values overlap (high H(Y|X)), large values separate the classes.
    seed : int >= 0, None or numpy.random.Generator, default 0
        Seed of the random draws (the same seed gives the same data).

    Raises
    ------
    ValueError
        If ``n`` or ``num_classes`` is not a whole number in range, the arrays
        would exceed 2 GiB, ``separation`` is not a finite number > 0, or
        ``seed`` is not a valid seed.

    Returns
    -------
    GaussianClasses
        ``X`` float64 (n, 2), ``y`` int64 (n,), ``p_true`` float64 (n, K).

    Examples
    --------
    >>> import numpy as np
    >>> from celearn.datasets import make_gaussian_classes
    >>> X, y, p_true = make_gaussian_classes(1000, num_classes=3, separation=2.0, seed=0)
    >>> print(X.shape, y.shape, p_true.shape)
    (1000, 2) (1000,) (1000, 3)
    >>> bool(np.allclose(p_true.sum(axis=1), 1))
    True
    """
    from ._validation import MAX_ONE_HOT_BYTES, check_num_classes, check_seed
    from .activations import softmax

    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be an integer >= 1 (the number of samples); got {n!r:.60}.")
    num_classes = check_num_classes(num_classes)
    if num_classes < 2:
        raise ValueError(
            f"num_classes must be at least 2 (one class leaves nothing to predict); "
            f"got {num_classes}."
        )
    if isinstance(separation, (bool, np.bool_)) or not isinstance(separation, (int, float, np.number)) \
            or not 0 < (separation if isinstance(separation, int) else float(separation)) \
            <= MAX_SEPARATION:
        raise ValueError(
            f"separation must be a finite number > 0, at most {MAX_SEPARATION:g} (the distance "
            f"between neighbouring class means, in standard deviations; beyond 40 the "
            f"classes never overlap in float64); got {separation!r:.60}. Try 1 (much "
            f"overlap) to 4 (little)."
        )
    seed = check_seed(seed)
    nbytes = int(n) * (num_classes + 3) * 8  # X, y and p_true, float64
    if nbytes > MAX_ONE_HOT_BYTES:
        size = (f"{nbytes / 2**30:.3g} GiB" if len(str(nbytes)) < 300
                else f"a {len(str(nbytes))}-digit number of bytes")
        shown = [f"{k:,}" if len(str(k)) <= 15 else f"a {len(str(k))}-digit number"
                 for k in (int(n), num_classes)]
        raise ValueError(
            f"n = {shown[0]} samples of K = {shown[1]} classes would take {size} "
            f"(X, y and p_true; the limit is {MAX_ONE_HOT_BYTES / 2**30:g} GiB). Ask for "
            f"fewer samples or classes."
        )
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    means = _gaussian_means(num_classes, float(separation))
    y = rng.integers(num_classes, size=int(n))
    X = means[y] + rng.standard_normal((int(n), 2))
    p_true = softmax(X @ means.T)
    return GaussianClasses(X=X, y=y.astype(np.int64), p_true=p_true)


class Digits(NamedTuple):
    """Handwritten digits: pixels ``X`` (1797, 64) and labels ``y`` (1797,)."""

    X: np.ndarray
    y: np.ndarray


def load_digits():
    r"""Handwritten digits: 1,797 images of 8 x 8 pixels, labels 0-9.

    Read from ``celearn/data/digits.csv.gz``, shipped inside the package: the
    test set of the UCI "Optical Recognition of Handwritten Digits" data
    (Alpaydin and Kaynak 1998, CC BY 4.0), the same file and the same arrays as
    scikit-learn's ``load_digits``; see ``celearn/data/README.md``.

    Returns
    -------
    Digits
        ``X`` float64 (1797, 64): each row an image in row-major order
        (``X[i].reshape(8, 8)``), pixels integers 0..16 stored as floats;
        ``y`` int64 (1797,): the digit each image shows.

    Examples
    --------
    >>> import numpy as np
    >>> from celearn.datasets import load_digits
    >>> X, y = load_digits()
    >>> print(X.shape, y.shape, X.dtype, y.dtype)
    (1797, 64) (1797,) float64 int64
    >>> print(X.min(), X.max(), np.bincount(y))
    0.0 16.0 [178 182 177 183 181 182 181 179 174 180]
    """
    raw = (resources.files("celearn") / "data" / "digits.csv.gz").read_bytes()
    data = np.loadtxt(io.StringIO(gzip.decompress(raw).decode("ascii")), delimiter=",")
    return Digits(X=data[:, :-1].copy(), y=data[:, -1].astype(np.int64))
