"""Exercises of notebook 12-softmax-regression-from-scratch.

The learner writes the model piece by piece, each checked against
``celearn.softmax_regression``: the logits, the stable mean loss with L2, its
gradient (dW, db), one SGD step and the shuffled epoch loop. Functions that
return the pair ``(W, b)`` or ``(dW, db)`` are checked one half at a time
(:class:`PairImplement`). The references in ``celearn.softmax_regression`` take the
same arguments, so a learner who skips an exercise can use them instead.
"""
from dataclasses import dataclass, fields
from functools import partial

import numpy as np

from .. import softmax_regression as sr
from ..activations import log_softmax, softmax
from ..utils import one_hot
from . import (Case, Exercise, Feedback, Implement, _check_function, _is_celearn_function,
               _run, register)

# --------------------------------------------------------------------------- reference solutions

def my_logits(X, W, b):
    """Z = X W + b: (N, D) @ (D, K) + (K,) gives (N, K)."""
    return X @ W + b


def my_loss(X, y, W, b, lam):
    """Mean cross-entropy from the logits (log-sum-exp) plus (lam / 2)·ΣW²."""
    Z = X @ W + b
    Z = Z - Z.max(axis=1, keepdims=True)                     # the largest exponent is e^0
    log_p = Z - np.log(np.sum(np.exp(Z), axis=1, keepdims=True))
    return -np.mean(log_p[np.arange(len(y)), y]) + 0.5 * lam * np.sum(W * W)


def my_gradients(X, y, W, b, lam):
    """(dL/dW, dL/db) of my_loss: G = (p - t) / N, dW = Xᵀ G + lam·W, db = Σ_n G_n."""
    Z = X @ W + b
    P = np.exp(Z - Z.max(axis=1, keepdims=True))
    P = P / P.sum(axis=1, keepdims=True)
    G = (P - np.eye(W.shape[1])[y]) / len(X)                 # one-hot targets, mean over N
    return X.T @ G + lam * W, G.sum(axis=0)


def my_sgd_step(X, y, W, b, lr, lam):
    """One gradient step on the minibatch (X, y)."""
    dW, db = my_gradients(X, y, W, b, lam)
    return W - lr * dW, b - lr * db


def my_fit(X, y, W, b, lr, lam, batch_size, epochs, seed):
    """Minibatch SGD: a fresh permutation of the samples every epoch."""
    rng = np.random.default_rng(seed)                        # once, before the epochs
    for epoch in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            W, b = my_sgd_step(X[idx], y[idx], W, b, lr, lam)
    return W, b


# --------------------------------------------------------------------------- pairs

def _pick(func, i, names, signature, *args):
    result = func(*args)
    if result is None:
        return None
    if isinstance(result, (tuple, list)) and len(result) == len(names):
        return result[i]
    raise TypeError(_not_a_pair(result, names, signature))


def _not_a_pair(result, names, signature):
    size = f" of length {len(result)}" if isinstance(result, (tuple, list)) else ""
    return (f"{signature} must return the pair ({', '.join(names)}), e.g. "
            f"`return {', '.join(names)}`; it returned {type(result).__name__}{size}")


@dataclass
class PairImplement(Implement):
    """An implement-it exercise whose function returns a pair, checked half by half.

    ``reference`` and ``mistakes`` return pairs too (a mistake's pair is compared
    with the half being checked); ``names`` names the halves.
    """

    names: tuple = ("dW", "db")

    def _half(self, i):
        base = {f.name: getattr(self, f.name) for f in fields(Implement)}
        ref, mistakes, slips = self.reference, self.mistakes, self.input_slips
        base.update(
            signature=f"{self.signature} (its {self.names[i]}, item {i} of the pair)",
            reference=lambda **a: ref(**a)[i],
            mistakes=None if mistakes is None else (
                lambda **a: [(m[0][i], *m[1:]) for m in mistakes(**a)]),
            input_slips=slips)
        return Implement(**base)

    def feedback(self, func):
        if (func is None or func is Ellipsis or not callable(func)
                or (_is_celearn_function(func) and func is not self.solution)):
            return super().feedback(func)       # the usual messages
        first = self.cases(np.random.default_rng(0))[0].args
        call = _run(func, first)
        result = call.result
        if call.exc is None and result is not None and not (
                isinstance(result, (tuple, list)) and len(result) == len(self.names)):
            return Feedback(False, "❌ Not yet: your " + _not_a_pair(result, self.names,
                                                                    self.signature)
                            + ".", diagnosis="not_a_pair")
        results = []
        for i, name in enumerate(self.names):
            fb = _check_function(self._half(i), partial(_pick, func, i, self.names,
                                                        self.signature))
            if not fb:
                return fb
            results.append(fb)
        notes = [n for fb in results for n in fb.notes]
        text = (f"✅ Right! Your {self.signature} returns the right "
                f"{' and '.join(self.names)} on every case: "
                + results[0].message.split(": ", 1)[1])
        return Feedback(True, text, notes=notes)


def _register(ex):
    return register(ex)


# --------------------------------------------------------------------------- cases

def _problem(rng, N=6, D=4, K=3, scale=1.0, lam=0.1):
    return {"X": rng.normal(0, 1, (N, D)), "y": rng.integers(0, K, N),
            "W": rng.normal(0, scale, (D, K)), "b": rng.normal(0, scale, K), "lam": lam}


_LARGE = {"X": np.array([[10.0, 0.0], [0.0, 10.0], [5.0, 5.0]]), "y": np.array([0, 2, 1]),
          "W": np.array([[100.0, -100.0, 0.0], [0.0, 100.0, -100.0]]), "b": np.zeros(3),
          "lam": 0.0}
_OVERFLOW = ("the logits here are ±1000: exp(1000) is inf in float64, and inf / inf is nan. "
             "Subtract each row's max logit first (Z - Z.max(axis=1, keepdims=True)): the "
             "log-sum-exp of notebook 07.")
_SHAPES = ("shapes: X is (N, D), W is (D, K), b is (K,), y holds N integer labels; Z = X @ W "
           "+ b is (N, K).")
_ONE_HOT = ("y holds integer labels (shape (N,)), not one-hot rows: build the targets with "
            "np.eye(K)[y] (or cl.one_hot(y, K)), or pick each row's true class with "
            "log_p[np.arange(N), y].")


def _as_one_hot(**args):
    K = args["W"].shape[1]
    return [({**args, "y": one_hot(args["y"], K)}, "your function treats y as one-hot rows, "
             "but it gets integer labels: " + _ONE_HOT, "forgot_one_hot")]


# --------------------------------------------------------------------------- 12.logits

def _logits_cases(rng):
    a = _problem(rng, N=5, D=4, K=3)
    return [
        Case("random X (5, 4), W (4, 3), b (3,)", {k: a[k] for k in ("X", "W", "b")},
             why=_SHAPES),
        Case("one sample, X (1, 64), W (64, 10)", {"X": rng.random((1, 64)),
                                                  "W": rng.normal(0, 0.1, (64, 10)),
                                                  "b": rng.normal(0, 0.1, 10)}, why=_SHAPES),
        Case("float32 inputs", {"X": rng.random((3, 2)).astype(np.float32),
                                "W": rng.normal(0, 1, (2, 4)).astype(np.float32),
                                "b": np.zeros(4, np.float32)},
             why="the result must keep the input's dtype (float32)."),
    ]


_register(Implement(
    id="12.logits",
    question="Write f(X, W, b) returning the logits Z = X W + b, shape (N, K), for X of shape "
             "(N, D), W (D, K) and b (K,). Required: random shapes, a single sample, "
             "float32 kept.",
    signature="f(X, W, b)",
    reference=lambda X, W, b: sr.logits(X, W, b),
    cases=_logits_cases,
    solution=my_logits,
    mistakes=lambda X, W, b: [
        (X @ W, "the bias b is missing: Z = X @ W + b.", "forgot_bias"),
        (X @ W - b, "the bias is subtracted: Z = X @ W + b.", "sign_of_bias"),
        ((X @ W + b).T, "that is Zᵀ, shape (K, N): one ROW per sample, Z = X @ W + b.",
         "transposed"),
    ],
    unit=None,
    hint="X @ W is (N, K); adding b (K,) broadcasts it to every row.",
))


# --------------------------------------------------------------------------- 12.loss

def _loss_cases(rng):
    square = _problem(rng, N=4, D=3, K=4, lam=0.0)
    return [
        Case("random, N = K = 4, lam = 0", square, why=_ONE_HOT),
        Case("random, N = 6, K = 3, lam = 0.1", _problem(rng), why=_ONE_HOT),
        Case("logits ±1000 (mean loss 833.3)", dict(_LARGE), why=_OVERFLOW),
        Case("large weights, lam = 0.5", _problem(rng, scale=3.0, lam=0.5),
             why="the penalty is (lam / 2)·ΣW², the weights only (not b)."),
        Case("float32 inputs", {**{k: v.astype(np.float32) if k != "y" else v
                                   for k, v in _problem(rng, lam=0.0).items()
                                   if k != "lam"}, "lam": 0.1},
             why="the result must keep the input's dtype (float32)."),
    ]


def _loss_mistakes(X, y, W, b, lam):
    N = len(X)
    Z = X @ W + b
    ce = sr.loss(X, y, W, b)
    pen = 0.5 * lam * np.sum(W * W)
    return [
        (N * ce + pen, f"that is the SUM of the N = {N} losses plus the penalty; the mean "
         "is wanted: np.mean over the samples.", "sum_for_mean"),
        (ce + 2 * pen, "the penalty is (lam / 2)·ΣW², half of lam·ΣW² (so that its gradient "
         "is lam·W).", "l2_factor"),
        (ce, "the L2 penalty (lam / 2)·ΣW² is missing.", "l2_missing"),
        (ce + pen + 0.5 * lam * np.sum(b * b), "the bias b is penalised too; only the weights W "
         "are (as in scikit-learn).", "l2_bias"),
        (-np.mean(log_softmax(Z)) + pen, "you averaged -ln p over EVERY class; only each "
         "sample's true class counts: " + _ONE_HOT, "all_classes"),
        (-np.mean(np.sum(log_softmax(Z), axis=1)) + pen, "you summed -ln p over every class; "
         "only each sample's true class counts: " + _ONE_HOT, "all_classes"),
        (-np.mean(softmax(Z)[np.arange(N), y]) + pen, "that is minus the probability of the "
         "true class; the loss is minus its LOG.", "forgot_log"),
    ]


_register(Implement(
    id="12.loss",
    question="Write f(X, y, W, b, lam) returning the MEAN cross-entropy of softmax(X W + b) "
             "against integer labels y, plus (lam / 2)·ΣW² (b is not penalised), computed "
             "stably from the logits. Required: random inputs (N = K and N ≠ K), logits "
             "±1000 (mean loss 833.3, no overflow), large weights with lam = 0.5, float32 "
             "kept.",
    signature="f(X, y, W, b, lam)",
    reference=lambda X, y, W, b, lam: sr.loss(X, y, W, b, lam=lam),
    cases=_loss_cases,
    solution=my_loss,
    mistakes=_loss_mistakes,
    hint="Z = X @ W + b; subtract each row's max; log_p = Z - log Σ exp Z; "
         "-mean(log_p[np.arange(N), y]) + lam / 2 * np.sum(W**2).",
    input_slips=_as_one_hot,
))


# --------------------------------------------------------------------------- 12.grad

def _grad_cases(rng):
    return [
        Case("random, N = 6, D = 4, K = 3, lam = 0.1", _problem(rng),
             why="shapes: dW = Xᵀ G, (D, N) @ (N, K) gives (D, K), the shape of W; X @ G "
                 "does not line up (X.T @ G does)."),
        Case("random, N = K = 4, lam = 0", _problem(rng, N=4, D=3, K=4, lam=0.0), why=_ONE_HOT),
        Case("large weights, lam = 0.5", _problem(rng, scale=3.0, lam=0.5),
             why="the penalty (lam / 2)·ΣW² adds lam·W to dW, once, and nothing to db."),
        Case("logits ±1000", dict(_LARGE), why=_OVERFLOW),
        Case("one sample", _problem(rng, N=1, lam=0.1)),
    ]


def _grad_mistakes(X, y, W, b, lam):
    N, K = len(X), W.shape[1]
    dW, db = sr.gradients(X, y, W, b, lam=lam)
    G = (softmax(X @ W + b) - one_hot(y, K)) / N
    return [
        ((dW + lam * W, db), "the L2 term is counted twice: the gradient of (lam / 2)·ΣW² "
         "is lam·W, once.", "l2_twice"),
        ((dW - lam * W, db), "the gradient of the penalty, lam·W, is missing from dW.",
         "l2_missing"),
        ((dW - 0.5 * lam * W, db), "the penalty's gradient is lam·W (the 1/2 cancels the "
         "2 of W²), not lam/2·W.", "l2_half"),
        ((N * X.T @ G + lam * W, N * G.sum(axis=0)), f"that is the gradient of the SUM over "
         f"the N = {N} samples: divide p - t by N (the loss is a mean).", "sum_for_mean"),
        ((X.T @ G + lam * W, G.mean(axis=0)), "the bias gradient db is divided by N twice: with G = (p - t) / "
         "N already, db = G.sum(axis=0).", "db_mean_twice"),
        ((-X.T @ G + lam * W, -G.sum(axis=0)), "the sign of p - t is flipped: dL/dZ = "
         "(p - t) / N, not (t - p) / N.", "sign"),
        ((X.T @ softmax(X @ W + b) / N + lam * W, softmax(X @ W + b).mean(axis=0)),
         "that uses p alone: subtract the one-hot targets, dL/dZ = (p - t) / N.",
         "forgot_target"),
        ((X.T @ ((softmax(X @ W + b) - y[:, None]) / N) + lam * W,
          ((softmax(X @ W + b) - y[:, None]) / N).sum(axis=0)),
         "you subtracted the integer labels from p, not one-hot targets: " + _ONE_HOT,
         "forgot_one_hot"),
        ((G.T @ X + lam * W.T, db), "the gradient dW is transposed, shape (K, D): dW = X.T @ G has the "
         "shape of W, (D, K).", "transposed"),
    ]


_register(PairImplement(
    id="12.grad",
    question="Write f(X, y, W, b, lam) returning the pair (dW, db), the gradient of the loss "
             "of 12.loss: with G = (softmax(Z) - T) / N (T the one-hot targets), dW = Xᵀ G + "
             "lam·W (shape (D, K)) and db = the sum of G's rows (shape (K,)). Required: random "
             "inputs (N ≠ K and N = K), large weights with lam = 0.5, logits ±1000 (no nan), "
             "one sample.",
    signature="f(X, y, W, b, lam)",
    reference=lambda X, y, W, b, lam: sr.gradients(X, y, W, b, lam=lam),
    cases=_grad_cases,
    solution=my_gradients,
    mistakes=_grad_mistakes,
    unit=None,
    hint="P = stable softmax of Z; G = (P - np.eye(K)[y]) / N; return X.T @ G + lam * W, "
         "G.sum(axis=0).",
    input_slips=_as_one_hot,
    names=("dW", "db"),
))


# --------------------------------------------------------------------------- 12.step

def _step_cases(rng):
    def problem(lr, **kw):
        a = _problem(rng, **kw)
        return {k: a[k] for k in ("X", "y", "W", "b")} | {"lr": lr, "lam": a["lam"]}
    return [
        Case("random minibatch, lr = 0.5, lam = 0.1", problem(0.5)),
        Case("lr = 2, lam = 0", problem(2.0, lam=0.0)),
        Case("one sample, lr = 0.01", problem(0.01, N=1)),
    ]


def _step_args(a):
    return {k: a[k] for k in ("X", "y", "W", "b")}


def _step_mistakes(X, y, W, b, lr, lam):
    dW, db = sr.gradients(X, y, W, b, lam=lam)
    return [
        ((W + lr * dW, b + lr * db), "the step goes UP the gradient: subtract lr times the "
         "gradient (W - lr·dW).", "ascent"),
        ((W - dW, b - db), "the learning rate is missing: W - lr·dW.", "forgot_lr"),
        ((W - lr * dW, b), "the bias b is not updated: b - lr·db too.", "forgot_b"),
        ((-lr * dW, -lr * db), "that is the change alone: return W - lr·dW, not -lr·dW.",
         "delta_only"),
    ]


_register(PairImplement(
    id="12.step",
    question="Write f(X, y, W, b, lr, lam) doing ONE gradient-descent step on the minibatch "
             "(X, y) and returning the new pair (W, b): W - lr·dW, b - lr·db, with your "
             "gradient of 12.grad. Required: two random minibatches and one sample.",
    signature="f(X, y, W, b, lr, lam)",
    reference=lambda X, y, W, b, lr, lam: sr.sgd_step(X, y, W, b, lr=lr, lam=lam),
    cases=_step_cases,
    solution=my_sgd_step,
    mistakes=_step_mistakes,
    unit=None,
    hint="dW, db = your_gradients(X, y, W, b, lam); return W - lr * dW, b - lr * db.",
    names=("W", "b"),
))


# --------------------------------------------------------------------------- 12.fit

def _loop(X, y, W, b, lr, lam, batch_size, epochs, seed, *, shuffle="epoch",
          drop_last=False, labels_shuffled=True):
    """The epoch loop and its usual slips (for the diagnosis)."""
    rng = np.random.default_rng(seed)
    N = len(X)
    once = rng.permutation(N)
    if shuffle != "once":
        rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = {"epoch": None, "once": once, "none": np.arange(N)}[shuffle]
        if order is None:
            order = rng.permutation(N)
        stop = N - N % batch_size if drop_last else N
        for start in range(0, stop, batch_size):
            idx = order[start:start + batch_size]
            yy = y[idx] if labels_shuffled else y[start:start + batch_size]
            W, b = my_sgd_step(X[idx], yy, W, b, lr, lam)
    return W, b


def _fit_cases(rng):
    def problem(N, bs, epochs, seed):
        a = _problem(rng, N=N, D=3, K=3, scale=0.1, lam=0.01)
        return {**_step_args(a), "lr": 0.5, "lam": 0.01, "batch_size": bs,
                "epochs": epochs, "seed": seed}
    shuffle = ("shuffle with rng = np.random.default_rng(seed), created ONCE before the "
               "epochs, and order = rng.permutation(N) at the start of EVERY epoch; batches "
               "are order[i:i + batch_size] for i = 0, batch_size, 2·batch_size, ...")
    return [
        Case("N = 10, batch_size = 4 (the last batch has 2), 3 epochs, seed 0",
             problem(10, 4, 3, 0), why=shuffle),
        Case("N = 8, batch_size = 8 (one batch per epoch), 2 epochs, seed 1",
             problem(8, 8, 2, 1), why=shuffle),
        Case("N = 5, batch_size = 1, 2 epochs, seed 2", problem(5, 1, 2, 2), why=shuffle),
    ]


def _fit_mistakes(X, y, W, b, lr, lam, batch_size, epochs, seed):
    args = (X, y, W, b, lr, lam, batch_size, epochs, seed)
    return [
        (_loop(*args, shuffle="none"), "the batches are in the data's order: shuffle "
         "(order = rng.permutation(N)) at the start of every epoch.", "no_shuffle"),
        (_loop(*args, shuffle="once"), "every epoch uses the same order: create the rng "
         "ONCE, before the epoch loop, and draw a new rng.permutation(N) in EVERY epoch "
         "(a default_rng(seed) made inside the loop repeats the same order).",
         "same_order_every_epoch"),
        (_loop(*args, drop_last=True), "the last, smaller batch is dropped: range(0, N, "
         "batch_size) with order[i:i + batch_size] keeps it.", "drop_last"),
        (_loop(*args, labels_shuffled=False), "the images are shuffled but the labels are "
         "not: index both X and y with the same idx.", "labels_not_shuffled"),
        (_loop(X, y, W, b, lr, lam, len(X), epochs, seed), "one step per epoch on all the "
         "data: step once per minibatch of batch_size samples.", "full_batch"),
    ]


_register(PairImplement(
    id="12.fit",
    question="Write f(X, y, W, b, lr, lam, batch_size, epochs, seed) returning the trained "
             "pair (W, b): rng = np.random.default_rng(seed) once; then in every epoch "
             "order = rng.permutation(N) and one step of 12.step per minibatch "
             "order[i:i + batch_size], i = 0, batch_size, ... (the last may be smaller). "
             "Required: three small problems (a partial last batch, one batch per epoch, "
             "batch_size 1).",
    signature="f(X, y, W, b, lr, lam, batch_size, epochs, seed)",
    reference=lambda X, y, W, b, lr, lam, batch_size, epochs, seed: sr.fit(
        X, y, W, b, lr=lr, lam=lam, batch_size=batch_size, epochs=epochs, seed=seed),
    cases=_fit_cases,
    solution=my_fit,
    mistakes=_fit_mistakes,
    unit=None,
    hint="rng = np.random.default_rng(seed); for each epoch: order = rng.permutation(N); "
         "for i in range(0, N, batch_size): idx = order[i:i + batch_size]; W, b = "
         "step(X[idx], y[idx], W, b, lr, lam).",
    names=("W", "b"),
))


# --------------------------------------------------------------------------- answers

_N_TRAIN = 1078          # the training part of split(load_digits(), seed=0), tested

_register(Exercise(
    id="12.start",
    question="With W = 0 and b = 0 every class gets p = 1/10, so the mean loss is "
             "-ln(1/10) = ln 10 ≈ 2.3026 nats, whatever the images.",
    expected=lambda: float(sr.loss(np.zeros((1, 64)), [0], *sr.init_params(64, 10))),
    hint="All logits are 0: what is softmax of ten equal logits, and -ln of it?",
    solution="p = 1/10 for every class, so every sample costs -ln(0.1) = ln 10 = 2.3026.",
    n=_N_TRAIN, reduction="mean", unit="nats",
    mistakes=lambda: [(0.1, "that is the probability 1/10; the loss is -ln of it.",
                       "probability"),
                      (float(np.log(2)), "that is ln 2, the start of a two-class problem; "
                       "here K = 10.", "ln_2")],
))

_register(Exercise(
    id="12.C",
    question=f"C = 1/(N·λ) = 1/({_N_TRAIN} · 1e-4) ≈ 9.27: scikit-learn minimises "
             "C·Σ loss + ½‖W‖², which is N·C times our mean loss + (λ/2)‖W‖².",
    expected=lambda: sr.sklearn_C(_N_TRAIN, 1e-4),
    hint="Divide scikit-learn's objective C·Σ_n ℓ_n + ½‖W‖² by N·C and compare the penalty "
         "with (λ/2)‖W‖².",
    solution=f"1/(N·C) = λ, so C = 1/(N·λ) = 1/({_N_TRAIN} · 1e-4) = 9.276.",
    rtol=2e-3,
    mistakes=lambda: [
        (1 / 1e-4, "the N is missing: scikit-learn SUMS the N losses, our loss is their "
         "mean.", "forgot_N"),
        (0.5 / (_N_TRAIN * 1e-4), "the ½ appears on both sides (½‖W‖² and (λ/2)‖W‖²) "
         "and cancels: C = 1/(N·λ).", "half"),
        (_N_TRAIN * 1e-4, "that is N·λ; C is its reciprocal.", "reciprocal"),
    ],
))
