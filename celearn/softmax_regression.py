r"""Softmax regression from scratch: the reference pieces of notebook 12.

Their signatures are those of the notebook's exercises (``loss(X, y, W, b, lam)``,
``sgd_step(X, y, W, b, lr, lam)``, ``fit(X, y, W, b, lr, lam, batch_size, epochs, seed)``),
so a learner who skips one can use the reference in its place.

The model, its loss and its gradient, for N samples of D features and K classes:

.. math::

    Z = XW + \mathbf{1}b^\top, \qquad
    L(W, b) = \frac{1}{N}\sum_n -\ln \mathrm{softmax}(z_n)_{y_n} + \frac{\lambda}{2}\lVert W\rVert^2,

    \frac{\partial L}{\partial W} = X^\top G + \lambda W, \qquad
    \frac{\partial L}{\partial b} = \sum_n G_n, \qquad G = \frac{\mathrm{softmax}(Z) - T}{N},

with :math:`T` the one-hot targets (``p - t`` per sample, notebook 04). The bias is not
penalised, as in scikit-learn. Every piece reuses celearn's tested functions
(``softmax_cross_entropy``, ``cce_grad_logits``); the only Python loops are over epochs
and minibatches, never over samples.

Examples
--------
>>> import numpy as np
>>> from celearn.datasets import load_digits
>>> from celearn import softmax_regression as sr
>>> X, y = load_digits()
>>> data = sr.split(X / 16, y, seed=0)
>>> W, b = sr.init_params(64, 10)
>>> print(f"{sr.loss(data.X_train, data.y_train, W, b):.4f} = ln 10 = {np.log(10):.4f}")
2.3026 = ln 10 = 2.3026
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ._validation import as_float_array, check_labels, check_ndim
from .activations import softmax
from .calibration import expected_calibration_error
from .gradients import cce_grad_logits
from .losses import softmax_cross_entropy
from .training import _data, _model

__all__ = ["Split", "split", "init_params", "logits", "loss", "gradients", "sgd_step", "fit",
           "Run", "train", "accuracy", "evaluate", "hinge_loss", "hinge_grad_logits",
           "sklearn_C", "Comparison", "compare"]


# --------------------------------------------------------------------------- data

class Split(NamedTuple):
    """A fixed train / validation / test split."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def _number(value, name, *, integer=False, low=0.0, allow_low=False, hint=""):
    kind = numbers.Integral if integer else numbers.Real
    ok = isinstance(value, kind) and not isinstance(value, (bool, np.bool_))
    ok = ok and bool(np.isfinite(value)) and (value >= low if allow_low else value > low)
    if not ok:
        what = "an integer" if integer else "a finite number"
        raise ValueError(f"{name} must be {what} {'>=' if allow_low else '>'} {low:g}; got "
                         f"{value!r}.{' ' + hint if hint else ''}")
    return int(value) if integer else float(value)


def split(X, y, *, seed=0, fractions=(0.6, 0.2, 0.2)):
    """Split (X, y) into train, validation and test sets, stratified by class.

    Each class's samples are shuffled with ``seed`` and cut by ``fractions``
    (rounded per class), so every part holds each class in the proportions of the
    whole. The same seed gives the same split.

    Parameters
    ----------
    X : array_like, shape (N, D)
    y : array_like of int, shape (N,)
    seed : int, default 0
    fractions : three numbers > 0 summing to 1, default (0.6, 0.2, 0.2)

    Returns
    -------
    Split
        ``X_train, y_train, X_val, y_val, X_test, y_test`` (fresh arrays).

    Examples
    --------
    >>> import numpy as np
    >>> from celearn.softmax_regression import split
    >>> parts = split(np.arange(20.0).reshape(10, 2), [0, 1] * 5, seed=0)
    >>> [len(a) for a in parts[::2]]
    [6, 2, 2]
    """
    X, y, _ = _data(X, y)
    f = np.asarray(fractions, dtype=np.float64)
    if f.shape != (3,) or not np.all(f > 0) or not np.isclose(f.sum(), 1.0):
        raise ValueError(f"fractions must be three numbers > 0 (train, validation, test) "
                         f"summing to 1; got {fractions!r}. Try (0.6, 0.2, 0.2).")
    rng = np.random.default_rng(_number(seed, "seed", integer=True, allow_low=True))
    parts = ([], [], [])
    for k in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == k))
        n_train = int(round(f[0] * len(idx)))
        n_val = int(round(f[1] * len(idx)))
        for part, chunk in zip(parts, np.split(idx, [n_train, n_train + n_val])):
            part.append(chunk)
    out = []
    for part in parts:
        idx = rng.permutation(np.concatenate(part))
        out += [X[idx], y[idx]]
    return Split(*out)


def _lam(lam):
    return _number(lam, "lam", allow_low=True, hint="lam is the L2 strength λ; 0 is none.")


# --------------------------------------------------------------------------- the pieces

def init_params(D, K):
    """Zero weights (D, K) and biases (K,): every class equally likely, loss ln K."""
    D = _number(D, "D", integer=True)
    K = _number(K, "K", integer=True)
    return np.zeros((D, K)), np.zeros(K)


def logits(X, W, b):
    r"""The logits :math:`Z = XW + b`, shape (N, K)."""
    X = as_float_array(X, "X")
    W = as_float_array(W, "W")
    return X @ W + as_float_array(b, "b")


def loss(X, y, W, b, lam=0.0):
    r"""Mean softmax cross-entropy of the model on (X, y) plus :math:`\frac{\lambda}{2}\lVert W\rVert^2`.

    Computed from the logits with ``softmax_cross_entropy`` (log-sum-exp), so it is
    finite for logits of any finite size.

    Examples
    --------
    >>> import numpy as np
    >>> from celearn.softmax_regression import loss
    >>> X, W, b = np.array([[1000.0]]), np.array([[1.0, -1.0]]), np.zeros(2)
    >>> float(loss(X, [1], W, b))            # naive: exp(1000) overflows, inf / inf = nan
    2000.0
    """
    X, y, W, b = _model(X, y, W, b)
    lam = _lam(lam)
    return softmax_cross_entropy(y, X @ W + b) + 0.5 * lam * np.sum(W * W)


def gradients(X, y, W, b, lam=0.0):
    r"""The gradient of :func:`loss`: ``(dW, dL/db)``, shapes (D, K) and (K,).

    :math:`G = (\mathrm{softmax}(Z) - T)/N`, :math:`\partial L/\partial W = X^\top G + \lambda W`,
    :math:`\partial L/\partial b = \sum_n G_n`.
    """
    X, y, W, b = _model(X, y, W, b)
    return _gradients(X, y, W, b, _lam(lam))


def _gradients(X, y, W, b, lam):
    G = cce_grad_logits(y, X @ W + b) / len(X)     # dL/dZ: (p - t) / N, shape (N, K)
    return X.T @ G + lam * W, G.sum(axis=0)


def _fast_gradients(X, y, W, b, lam):
    """:func:`_gradients` without validation, for the inner loop (tested equal to it)."""
    z = X @ W + b
    e = np.exp(z - z.max(axis=1, keepdims=True))
    G = e / e.sum(axis=1, keepdims=True)
    G[np.arange(len(y)), y] -= 1.0                 # p - t, without forming t
    G /= len(X)
    return X.T @ G + lam * W, G.sum(axis=0)


def sgd_step(X, y, W, b, lr, lam=0.0):
    """One gradient step on the minibatch (X, y): returns new ``(W, b)`` (the inputs are kept)."""
    X, y, W, b = _model(X, y, W, b)
    lr = _number(lr, "lr", hint="lr is the learning rate; try 0.5.")
    dW, db = _gradients(X, y, W, b, _lam(lam))
    return W - lr * dW, b - lr * db


def _batches(N, batch_size, epochs, seed):
    """The minibatch index arrays of each epoch: a fresh permutation per epoch."""
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(N)
        yield [order[i:i + batch_size] for i in range(0, N, batch_size)]


def fit(X, y, W, b, lr, lam=0.0, batch_size=32, epochs=1, seed=0, *, on_epoch=None):
    """Minibatch SGD: each epoch shuffles the samples and steps once per batch.

    The shuffling is ``rng = np.random.default_rng(seed)`` once, then
    ``order = rng.permutation(N)`` at the start of every epoch and batches
    ``order[i:i + batch_size]`` for i = 0, batch_size, ... (the last one may be
    smaller). ``on_epoch(epoch, W, b)`` is called after each epoch.

    Returns
    -------
    (W, b) : the trained parameters (the inputs are kept).
    """
    X, y, W, b = _model(X, y, W, b)
    lr = _number(lr, "lr", hint="lr is the learning rate; try 0.5.")
    lam = _lam(lam)
    batch_size = _number(batch_size, "batch_size", integer=True)
    epochs = _number(epochs, "epochs", integer=True, allow_low=True)
    seed = _number(seed, "seed", integer=True, allow_low=True)
    for epoch, batches in enumerate(_batches(len(X), batch_size, epochs, seed)):
        for idx in batches:
            dW, db = _fast_gradients(X[idx], y[idx], W, b, lam)
            W, b = W - lr * dW, b - lr * db
        if on_epoch is not None:
            on_epoch(epoch, W, b)
    return W, b


# --------------------------------------------------------------------------- training runs

def accuracy(X, y, W, b):
    """The fraction of samples whose largest logit is the true class."""
    X, y, W, b = _model(X, y, W, b)
    return float(np.mean(np.argmax(X @ W + b, axis=1) == y))


def evaluate(X, y, W, b, *, n_bins=15):
    """``{"nll", "accuracy", "ece", "confidence"}`` of the model on (X, y) (no penalty in the NLL)."""
    X, y, W, b = _model(X, y, W, b)
    z = X @ W + b
    p = softmax(z)
    return {"nll": float(softmax_cross_entropy(y, z)),
            "accuracy": float(np.mean(np.argmax(z, axis=1) == y)),
            "ece": float(expected_calibration_error(y, p, n_bins=n_bins)),
            "confidence": float(np.mean(p.max(axis=1)))}


@dataclass(frozen=True)
class Run:
    """A training run: the final ``W``, ``b`` and the curves, index 0 before training.

    ``train_loss`` and ``val_loss`` are the mean cross-entropy (NLL, without the
    penalty); ``train_accuracy``, ``val_accuracy`` likewise, each of length epochs + 1.
    ``steps`` is the number of SGD steps taken, ``settings`` the arguments.
    """

    W: np.ndarray
    b: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray
    train_accuracy: np.ndarray
    val_accuracy: np.ndarray
    steps: int
    settings: dict

    def __repr__(self):
        s = ", ".join(f"{k}={v}" for k, v in self.settings.items())
        return (f"Run({s}: train loss {self.train_loss[0]:.3f} → {self.train_loss[-1]:.3f}, "
                f"val accuracy {self.val_accuracy[-1]:.3f})")


def train(data, *, lr=0.5, lam=0.0, batch_size=32, epochs=30, seed=0):
    """Train from zero weights on ``data.X_train`` with :func:`fit`, recording the curves.

    Parameters
    ----------
    data : Split
        From :func:`split`; the validation set gives ``val_loss`` and ``val_accuracy``.
    lr, lam, batch_size, epochs, seed
        As in :func:`fit`.

    Returns
    -------
    Run
    """
    if not isinstance(data, Split):
        raise ValueError(f"data must be a Split (from celearn.softmax_regression.split); got "
                         f"{type(data).__name__}.")
    X, y, K = _data(data.X_train, data.y_train)
    K = max(K, int(np.max(data.y_val)) + 1)
    W, b = init_params(X.shape[1], K)
    curves = {k: [] for k in ("train_loss", "val_loss", "train_accuracy", "val_accuracy")}

    def record(epoch, W, b):
        for part, Xp, yp in (("train", X, y), ("val", data.X_val, data.y_val)):
            z = Xp @ W + b
            curves[f"{part}_loss"].append(float(softmax_cross_entropy(yp, z)))
            curves[f"{part}_accuracy"].append(float(np.mean(np.argmax(z, axis=1) == yp)))

    record(-1, W, b)
    W, b = fit(X, y, W, b, lr=lr, lam=lam, batch_size=batch_size, epochs=epochs, seed=seed,
               on_epoch=record)
    steps = epochs * -(-len(X) // batch_size)
    settings = dict(lr=lr, lam=lam, batch_size=batch_size, epochs=epochs, seed=seed)
    return Run(W=W, b=b, steps=steps, settings=settings,
               **{k: np.array(v) for k, v in curves.items()})


def sklearn_C(N, lam):
    r"""scikit-learn's ``C`` for the same L2 penalty: :math:`C = 1/(N\lambda)`.

    scikit-learn's ``LogisticRegression`` minimises
    :math:`C\sum_n \ell_n + \frac{1}{2}\lVert W\rVert^2`; divided by :math:`NC` that is
    :math:`\frac{1}{N}\sum_n \ell_n + \frac{1}{2NC}\lVert W\rVert^2`, this module's loss
    with :math:`\lambda = 1/(NC)`. Same minimiser.
    """
    N = _number(N, "N", integer=True)
    lam = _number(lam, "lam", hint="λ = 0 (no penalty) is C = inf in scikit-learn.")
    return 1.0 / (N * lam)


# --------------------------------------------------------------------------- the hinge contrast

def hinge_loss(y, z, *, margin=1.0, reduction="mean"):
    r"""Multiclass SVM (Weston-Watkins, CS231n) loss of logits z: :math:`\sum_{j \ne y} \max(0, z_j - z_y + \Delta)`.

    Zero as soon as the true class beats every other by the margin Δ; cross-entropy
    is never zero.

    Examples
    --------
    >>> from celearn.softmax_regression import hinge_loss
    >>> float(hinge_loss([0], [[3.0, 1.0, 0.0]])), float(hinge_loss([0], [[1.5, 1.0, 0.0]]))
    (0.0, 0.5)
    """
    y, z = _labels_logits(y, z)
    margin = _number(margin, "margin", hint="Δ = 1 is the usual choice.")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none'; got {reduction!r}.")
    per = np.sum(_margins(y, z, margin), axis=1)
    return per if reduction == "none" else (per.sum() if reduction == "sum" else per.mean())


def hinge_grad_logits(y, z, *, margin=1.0):
    """Per-sample gradient of :func:`hinge_loss` with respect to the logits, shape (N, K)."""
    y, z = _labels_logits(y, z)
    margin = _number(margin, "margin", hint="Δ = 1 is the usual choice.")
    active = (_margins(y, z, margin) > 0).astype(z.dtype)
    active[np.arange(len(y)), y] = -active.sum(axis=1)
    return active


def _labels_logits(y, z):
    z = as_float_array(z, "z")
    check_ndim(z, "z", (2,), "(N, K): one row of K logits per sample")
    y = np.asarray(y)
    if y.shape != (z.shape[0],):
        raise ValueError(f"y has shape {y.shape} but z has {z.shape[0]} rows; y must hold one "
                         f"integer label per row of z, shape ({z.shape[0]},).")
    return check_labels(y, z.shape[1], "y"), z


def _margins(y, z, margin):
    m = np.maximum(0.0, z - z[np.arange(len(y)), y][:, None] + margin)
    m[np.arange(len(y)), y] = 0.0
    return m


# --------------------------------------------------------------------------- the real thing

@dataclass(frozen=True)
class Comparison:
    """The trained model against scikit-learn and PyTorch (where installed).

    ``rows``: ``(name, test accuracy, test loss)``; ``objective``: the training
    objective (:func:`loss` with ``lam``) of each model that has weights;
    ``largest_gradient``: the largest ``|dL/dW|`` there; ``missing``: frameworks
    not installed.
    """

    rows: list
    objective: dict
    largest_gradient: dict
    missing: list

    def __repr__(self):
        lines = [f"{'model':44s} {'test accuracy':>13s} {'test loss':>10s}"]
        lines += [f"{name:44s} {acc:13.3f} {nll:10.4f}" for name, acc, nll in self.rows]
        for name in self.objective:
            lines.append(f"training objective, {name}: {self.objective[name]:.4f} (largest "
                         f"|dL/dW| {self.largest_gradient[name]:.0e})")
        lines += [f"{m} is not installed: its row is left out (pip install {m})."
                  for m in self.missing]
        return "\n".join(lines)


def compare(data, W, b, *, lam, max_iter=2000):
    """Compare (W, b) with scikit-learn's ``LogisticRegression`` and PyTorch.

    scikit-learn (if installed) is trained on ``data.X_train`` with the same L2
    penalty, ``C = sklearn_C(N, lam)`` (L-BFGS, its default tolerance);
    PyTorch (if installed) computes the test loss of the SAME weights with
    ``nn.Linear`` and ``F.cross_entropy`` in float64. Neither is needed by celearn.

    Both run in a short-lived Python process of their own (the arrays go there and
    back in a temporary ``.npz`` file): the learner's kernel never imports them, so it
    stays small (together they take some 600 MB). A framework that cannot be imported
    in the caller (not installed, or blocked with ``sys.modules[name] = None``) is left
    out and named in ``missing``; an error in that process is raised as a RuntimeError
    with its traceback.

    Returns
    -------
    Comparison
    """
    if not isinstance(data, Split):
        raise ValueError(f"data must be a Split (from celearn.softmax_regression.split); got "
                         f"{type(data).__name__}.")
    Xt, yt, W, b = _model(data.X_train, data.y_train, W, b)
    lam = _number(lam, "lam", hint="scikit-learn needs a penalty: C = 1/(N·lam).")
    max_iter = _number(max_iter, "max_iter", integer=True,
                       hint="scikit-learn's L-BFGS needs a positive number of iterations.")
    ours = evaluate(data.X_test, data.y_test, W, b)
    rows = [("your loop (minibatch SGD)", ours["accuracy"], ours["nll"])]
    objective, largest = {}, {}

    def record(name, W_, b_):
        objective[name] = float(loss(Xt, yt, W_, b_, lam))
        largest[name] = float(np.abs(gradients(Xt, yt, W_, b_, lam)[0]).max())

    record("yours", W, b)
    inputs = dict(X_train=Xt, y_train=yt, X_test=np.asarray(data.X_test, dtype=np.float64),
                  y_test=np.asarray(data.y_test, dtype=np.int64), W=W, b=b,
                  C=sklearn_C(len(Xt), lam), max_iter=max_iter)
    theirs, missing = _frameworks(inputs)
    if "sklearn_coef" in theirs:
        coef, intercept = theirs["sklearn_coef"], theirs["sklearn_intercept"]
        sk = evaluate(data.X_test, data.y_test, coef.T, intercept)
        rows.append(("scikit-learn LogisticRegression (L-BFGS)", sk["accuracy"], sk["nll"]))
        record("scikit-learn's", coef.T, intercept)
    if "torch_nll" in theirs:
        rows.append(("PyTorch nn.Linear + F.cross_entropy (yours)",
                     float(theirs["torch_accuracy"]), float(theirs["torch_nll"])))
    return Comparison(rows=rows, objective=objective, largest_gradient=largest,
                      missing=missing)


#: (import name, name in messages and in ``pip install``), in the order of the rows
_FRAMEWORKS = (("sklearn", "scikit-learn"), ("torch", "torch"))

#: What the separate process runs: argv = [input .npz, output .npz, frameworks to try].
#: It prints nothing on success; a framework that fails to import is listed in the
#: output's ``missing``, its warnings (e.g. a ConvergenceWarning) in ``warnings``.
_FRAMEWORK_SCRIPT = r"""
import sys, warnings
import numpy as np
src, dst, wanted = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
d = dict(np.load(src))
out, missing, caught = {}, [], []
with warnings.catch_warnings(record=True) as log:           # the usual filters
    if "sklearn" in wanted:
        try:
            from sklearn.linear_model import LogisticRegression
        except ImportError:
            missing.append("sklearn")
        else:
            clf = LogisticRegression(C=float(d["C"]), max_iter=int(d["max_iter"]))
            clf.fit(d["X_train"], d["y_train"])
            out["sklearn_coef"], out["sklearn_intercept"] = clf.coef_, clf.intercept_
    if "torch" in wanted:
        try:
            import torch
        except ImportError:
            missing.append("torch")
        else:
            W, b = d["W"], d["b"]
            layer = torch.nn.Linear(W.shape[0], W.shape[1], dtype=torch.float64)
            with torch.no_grad():
                layer.weight.copy_(torch.from_numpy(np.ascontiguousarray(W.T)))  # (K, D)
                layer.bias.copy_(torch.from_numpy(b))
                z = layer(torch.from_numpy(d["X_test"]))
                y_test = torch.from_numpy(d["y_test"])
                out["torch_nll"] = torch.nn.functional.cross_entropy(z, y_test).item()
                out["torch_accuracy"] = (z.argmax(dim=1) == y_test).double().mean().item()
    caught = [(w.category.__name__, str(w.message)) for w in log]
np.savez(dst, missing=np.array(missing, dtype=str), **out,
         warnings=np.array(caught, dtype=str).reshape(-1, 2))
"""


def _frameworks(inputs):
    """Run scikit-learn and PyTorch on ``inputs`` in a separate Python process.

    Returns ``(results, missing)``: the arrays the script saved, and the names (as in
    ``pip install``) of the frameworks that could not be imported.
    """
    import builtins
    import importlib.util
    import subprocess
    import sys
    import tempfile
    import warnings
    from pathlib import Path

    wanted, missing = [], []
    for module, name in _FRAMEWORKS:
        try:
            found = importlib.util.find_spec(module) is not None   # imports nothing
        except (ImportError, ValueError):
            found = False
        (wanted if found else missing).append(module)
    results = {}
    if wanted:
        with tempfile.TemporaryDirectory(prefix="celearn-compare-") as tmp:
            src, dst = Path(tmp, "in.npz"), Path(tmp, "out.npz")
            np.savez(src, **inputs)
            done = subprocess.run([sys.executable, "-c", _FRAMEWORK_SCRIPT, str(src), str(dst),
                                   ",".join(wanted)], capture_output=True, text=True)
            if done.returncode != 0 or not dst.exists():
                tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-25:])
                raise RuntimeError(
                    f"compare(): scikit-learn/PyTorch run in a separate Python process "
                    f"({sys.executable}), and it failed (exit code {done.returncode}):\n{tail}")
            with np.load(dst) as saved:
                results = {key: saved[key] for key in saved.files}
        missing += [str(m) for m in results.pop("missing")]
        for category, message in results.pop("warnings"):
            # e.g. scikit-learn's ConvergenceWarning (a UserWarning), as if raised here
            cls = getattr(builtins, str(category), None)
            cls = cls if isinstance(cls, type) and issubclass(cls, Warning) else UserWarning
            warnings.warn(f"{category} (in compare()'s scikit-learn/PyTorch process): "
                          f"{message}", cls, stacklevel=3)
    order = [module for module, _ in _FRAMEWORKS]
    return results, [dict(_FRAMEWORKS)[m] for m in sorted(set(missing), key=order.index)]
