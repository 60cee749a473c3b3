r"""A tiny softmax-regression trainer for notebook 05's race: cross-entropy vs squared error.

The model is :math:`z = XW + b`, :math:`p = \mathrm{softmax}(z)`, trained by plain
full-batch gradient descent on one of two losses, both averaged over the N samples:

* ``"ce"``  — categorical cross-entropy :math:`-\log p_y`, whose gradient with
  respect to the logits is :math:`p - t` (``cce_grad_logits``);
* ``"mse"`` — squared error summed over the K classes, :math:`\sum_k (p_k - t_k)^2`
  (the Brier score), whose gradient needs the softmax Jacobian:
  :math:`\partial L/\partial z = J^\top \, 2(p - t)` per sample, with
  :math:`J = \mathrm{diag}(p) - p p^\top` (``softmax_jacobian``, ``mse_grad_p``).

Everything is vectorised over samples (the squared-error gradient uses the Jacobian's
closed form, checked against ``einsum`` over the (N, K, K) Jacobians in the tests);
the only Python loop that matters is over epochs, which gradient descent needs. Notebook
05's race trains both losses in that one loop, stacked (a private ``_train``).

Examples
--------
>>> import numpy as np
>>> from celearn.training import train_softmax_regression
>>> X = np.array([[-1.0], [1.0]])
>>> run = train_softmax_regression(X, [0, 1], loss="ce", lr=1.0, epochs=50)
>>> float(run.accuracy[-1])
1.0
>>> bool(run.loss[-1] < run.loss[0])
True
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ._validation import as_float_array, check_labels, check_ndim
from .activations import _CHUNK_BYTES, softmax, softmax_jacobian
from .gradients import cce_grad_logits, mse_grad_p
from .losses import mean_squared_error, softmax_cross_entropy
from .utils import one_hot

__all__ = ["TrainingHistory", "train_softmax_regression", "loss_and_grad", "standardize"]

LOSSES = ("ce", "mse")


@dataclass(frozen=True)
class TrainingHistory:
    """What one training run produced.

    Attributes
    ----------
    loss_name : str
        ``"ce"`` or ``"mse"``: the loss that was minimised.
    loss : ndarray, shape (epochs + 1,)
        That loss on the training data before training (index 0) and after each epoch.
    accuracy : ndarray, shape (epochs + 1,)
        The fraction of samples whose largest logit is the true class, at the same times.
    W : ndarray, shape (D, K)
        Final weights.
    b : ndarray, shape (K,)
        Final biases.
    """

    loss_name: str
    loss: np.ndarray
    accuracy: np.ndarray
    W: np.ndarray
    b: np.ndarray

    def __repr__(self):
        return (f"TrainingHistory(loss_name={self.loss_name!r}, epochs={len(self.loss) - 1}, "
                f"loss {self.loss[0]:.4g} → {self.loss[-1]:.4g}, "
                f"accuracy {self.accuracy[0]:.3f} → {self.accuracy[-1]:.3f})")


def standardize(X):
    """Each column shifted to mean 0 and scaled to standard deviation 1.

    Parameters
    ----------
    X : array_like, shape (N, D)
        Features, one row per sample; no column may be constant.

    Returns
    -------
    ndarray, shape (N, D)

    Examples
    --------
    >>> standardize([[1.0, 10.0], [3.0, 30.0]])
    array([[-1., -1.],
           [ 1.,  1.]])
    """
    X = as_float_array(X, "X")
    check_ndim(X, "X", (2,), "(N, D): one row of D features per sample")
    std = X.std(axis=0)
    if np.any(std == 0):
        col = int(np.flatnonzero(std == 0)[0])
        raise ValueError(f"X column {col} is constant (standard deviation 0), so it cannot "
                         f"be standardised; drop that column first.")
    return (X - X.mean(axis=0)) / std


def _check_loss(loss):
    if not isinstance(loss, str) or loss not in LOSSES:
        raise ValueError(f"loss must be 'ce' (cross-entropy) or 'mse' (squared error); "
                         f"got {loss!r}.")
    return loss


def _positive(value, name, *, integer=False, allow_zero=False):
    kind = numbers.Integral if integer else numbers.Real
    ok = isinstance(value, kind) and not isinstance(value, (bool, np.bool_))
    ok = ok and np.isfinite(value) and (value >= 0 if allow_zero else value > 0)
    if not ok:
        what = "an integer" if integer else "a finite number"
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {what} {bound}; got {value!r}.")
    return int(value) if integer else float(value)


def _data(X, y, num_classes=None):
    X = as_float_array(X, "X")
    check_ndim(X, "X", (2,), "(N, D): one row of D features per sample")
    y = np.asarray(y)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y has shape {y.shape} but X has {X.shape[0]} rows; y must hold one "
                         f"integer class label per row of X, shape ({X.shape[0]},).")
    if num_classes is None:
        if y.dtype.kind not in "iu":
            check_labels(y, 1, "y")  # raises with the dtype message
        num_classes = int(y.max()) + 1 if y.size else 1
    num_classes = _positive(num_classes, "num_classes", integer=True)
    y = check_labels(y, num_classes, "y")
    return X, y, num_classes


def _model(X, y, W, b):
    """Validated (X, y, W, b) of a linear softmax model: W (D, K), b (K,), y labels < K."""
    W = as_float_array(W, "W")
    check_ndim(W, "W", (2,), "(D, K): one column of weights per class")
    b = as_float_array(b, "b")
    if b.shape != (W.shape[1],):
        raise ValueError(f"b has shape {b.shape} but W has {W.shape[1]} columns; b must "
                         f"have shape ({W.shape[1]},), one bias per class.")
    X, y, _ = _data(X, y, W.shape[1])
    if X.shape[1] != W.shape[0]:
        raise ValueError(f"X has {X.shape[1]} features but W has {W.shape[0]} rows; W must "
                         f"have shape ({X.shape[1]}, K).")
    return X, y, W, b


def _grad_logits(loss, t, z):
    """The per-sample gradient dL_n/dz_n, shape (N, K)."""
    if loss == "ce":
        return cce_grad_logits(t, z)  # p - t
    # chain rule through the softmax: dL/dz_j = sum_i dL/dp_i * dp_i/dz_j = (J^T g)_j
    return np.einsum("nij,ni->nj", softmax_jacobian(z), mse_grad_p(t, softmax(z)))


def _grad_logits_stacked(losses, t, z):
    """:func:`_grad_logits` for the training loop, several runs at once: ``z`` has shape
    (L, N, K), one (N, K) block of logits per loss in ``losses``; returns dL_n/dz_n of the
    same shape. The same formulas, without re-validating arrays that the loop made itself
    (validation is ~10x the arithmetic on Iris). ``z`` is overwritten.

    Cross-entropy: p - t.  Squared error: (J^T d)_j = p_j (d_j - sum_i p_i d_i) with
    d = 2(p - t), because J = diag(p) - p p^T is symmetric (tests compare the two).
    """
    # NumPy's reductions over a short last axis cost ~10 us each, most of an epoch on
    # Iris (K = 3), so the row maxima come from K - 1 elementwise maxima and the row
    # sums from a product with a column of ones (one BLAS call)
    K = z.shape[-1]
    ones = np.ones((K, 1), dtype=z.dtype)
    m = z[..., :1].copy()
    for k in range(1, K):
        np.maximum(m, z[..., k:k + 1], out=m)
    z -= m
    p = np.exp(z, out=z)
    p /= p @ ones
    g = p - t
    for i, loss in enumerate(losses):
        if loss == "mse":
            d = 2.0 * g[i]
            g[i] = p[i] * (d - (p[i] * d) @ ones)
    return g


def _losses(loss, y, t, z):
    """Per-sample losses for logits z of shape (..., N, K), shape (..., N)."""
    K = z.shape[-1]
    flat = z.reshape(-1, K)
    if loss == "ce":
        values = softmax_cross_entropy(np.broadcast_to(y, z.shape[:-1]).ravel(), flat,
                                       reduction="none")
    else:
        targets = np.broadcast_to(t, z.shape).reshape(-1, K)
        values = mean_squared_error(targets, softmax(flat), reduction="none").sum(axis=1)
    return values.reshape(z.shape[:-1])


def loss_and_grad(W, b, X, y, *, loss="ce"):
    r"""The mean loss of softmax regression and its gradient with respect to W and b.

    Parameters
    ----------
    W : array_like, shape (D, K)
    b : array_like, shape (K,)
    X : array_like, shape (N, D)
    y : array_like of int, shape (N,)
        Class labels 0, ..., K - 1.
    loss : {"ce", "mse"}
        Cross-entropy, or squared error summed over classes.

    Returns
    -------
    value : float
    dW : ndarray, shape (D, K)
    db : ndarray, shape (K,)

    Notes
    -----
    With :math:`g_n = \partial L_n / \partial z_n` (``p - t`` for cross-entropy,
    :math:`J_n^\top 2(p_n - t_n)` for squared error),
    :math:`\partial L/\partial W = X^\top g / N` and :math:`\partial L/\partial b = \bar g`.
    """
    loss = _check_loss(loss)
    X, y, W, b = _model(X, y, W, b)
    K = W.shape[1]
    t, z = one_hot(y, K), X @ W + b
    value = float(_losses(loss, y, t, z).mean())
    g = _grad_logits(loss, t, z)
    return value, X.T @ g / len(X), g.mean(axis=0)


def train_softmax_regression(X, y, *, loss="ce", lr=0.5, epochs=300, init_scale=0.01,
                             seed=0, num_classes=None):
    r"""Train softmax regression by full-batch gradient descent; return its history.

    Parameters
    ----------
    X : array_like, shape (N, D)
        Features (standardise them first, see :func:`standardize`).
    y : array_like of int, shape (N,)
        Class labels 0, ..., K - 1.
    loss : {"ce", "mse"}
        ``"ce"``: mean cross-entropy :math:`-\log p_y`; ``"mse"``: mean over
        samples of :math:`\sum_k (p_k - t_k)^2`.
    lr : float > 0
        Learning rate (step size).
    epochs : int > 0
        Number of gradient steps, each on the whole data set.
    init_scale : float >= 0
        Initial weights are ``init_scale * standard normal``; biases start at 0.
        A large scale makes the start confident, and often confidently wrong.
    seed : int
        Seed of the initial weights: the same seed gives the same start for
        both losses, so a race compares the losses and nothing else.
    num_classes : int, optional
        K; by default ``max(y) + 1``.

    Returns
    -------
    TrainingHistory
        ``loss`` and ``accuracy`` arrays of length ``epochs + 1`` (index 0 is the
        start), and the final ``W``, ``b``.
    """
    return _train((loss,), X, y, lr=lr, epochs=epochs, init_scale=init_scale, seed=seed,
                  num_classes=num_classes)[loss]


def _train(losses, X, y, *, lr, epochs, init_scale, seed, num_classes=None):
    """:func:`train_softmax_regression` for each loss in ``losses``, from the same start;
    returns {loss: TrainingHistory}. The runs go through one loop, stacked on a leading
    axis (notebook 05's race trains both losses on every release of a slider)."""
    losses = tuple(_check_loss(loss) for loss in losses)
    lr = _positive(lr, "lr")
    epochs = _positive(epochs, "epochs", integer=True)
    init_scale = _positive(init_scale, "init_scale", allow_zero=True)
    X, y, K = _data(X, y, num_classes)
    N, D = X.shape
    t = one_hot(y, K)
    # the bias is the weight of a constant feature 1: z = X1 @ W1, dL/dW1 = X1^T g / N
    X1 = np.hstack([X, np.ones((N, 1))])
    X1T = np.ascontiguousarray(X1.T)
    Ws = np.zeros((len(losses), epochs + 1, D + 1, K))  # weights after each epoch (0 = start)
    Ws[:, 0, :D] = init_scale * np.random.default_rng(seed).standard_normal((D, K))
    W = Ws[:, 0].copy()
    step = lr / N
    for epoch in range(1, epochs + 1):
        g = _grad_logits_stacked(losses, t, X1 @ W)
        W -= step * (X1T @ g)
        Ws[:, epoch] = W
    runs = {}
    for loss, Wl in zip(losses, Ws):
        mean_loss, accuracy = _every_epoch(loss, X1, Wl, y, t)
        runs[loss] = TrainingHistory(loss, mean_loss, accuracy, Wl[-1, :D].copy(),
                                     Wl[-1, D].copy())
    return runs


def _every_epoch(loss, X1, Wl, y, t):
    """Mean loss and accuracy of the weights after every epoch, ``Wl`` (E, D + 1, K).

    The E x N rows of logits go through the loss a block of rows at a time (1001 epochs
    of Iris are 3.6 MB of logits, and the loss's temporaries several times that, in the
    learner's kernel). A block is a whole number of the loss functions' own chunks of
    rows (``_CHUNK_BYTES``), so every row's loss is the one a single call on all the rows
    gives, to the last bit.
    """
    E, N, K = Wl.shape[0], X1.shape[0], Wl.shape[2]
    block = max(1, _CHUNK_BYTES // (K * 8))
    per_row, right = np.empty(E * N), np.empty(E * N, dtype=bool)
    for r0 in range(0, E * N, block):
        r1 = min(r0 + block, E * N)
        e0 = r0 // N
        Z = (X1 @ Wl[e0:-(-r1 // N)]).reshape(-1, K)[r0 - e0 * N:r1 - e0 * N]
        rows = np.arange(r0, r1) % N
        per_row[r0:r1] = _losses(loss, y[rows], t[rows], Z)
        right[r0:r1] = Z.argmax(axis=1) == y[rows]
    return per_row.reshape(E, N).mean(axis=1), right.reshape(E, N).mean(axis=1)
