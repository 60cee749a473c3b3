"""Exercises of notebook 03-categorical-cross-entropy."""
import numpy as np

from ..datasets import cce_example
from ..losses import categorical_cross_entropy
from . import Case, Exercise, Implement, clipped_variants, register

_DUCK = [0.2, 0.5, 0.3]
_NAMES = ("panda", "seal", "duck")
_ORDINALS = ("first", "second", "third")


def _triple(p):
    return ", ".join(f"{v:g}" for v in p)


def _class_mistakes(c, p):
    """-ln p_j for the other classes j, the nearest index first."""
    out = []
    for j in sorted((j for j in range(3) if j != c), key=lambda j: (abs(j - c), -j)):
        if abs(j - c) == 1:
            why = (f"that is -ln {p[j]:g}, the loss for the class at index {j}: the classes "
                   f"are numbered 0, 1, 2 (panda, seal, duck), so the {_NAMES[c]} is class "
                   f"{c}, the {_ORDINALS[c]} entry.")
        else:
            why = (f"that is -ln {p[j]:g}, the loss for class {j} (the {_ORDINALS[j]} "
                   f"entry); the {_NAMES[c]} is class {c}, the {_ORDINALS[c]} entry.")
        out.append((float(categorical_cross_entropy(j, p)), why, "class_index"))
    return out


def _prediction(rng):
    """Three different probabilities in tenths, each at least 0.1, summing to 1."""
    triples = [(a, b, 10 - a - b) for a in range(1, 9) for b in range(1, 9)
               if 10 - a - b >= 1 and len({a, b, 10 - a - b}) == 3]
    return [k / 10 for k in triples[int(rng.integers(len(triples)))]]


register(Exercise(
    id="03.loss",
    prompt=lambda c, p: (f"Three classes; the true one is the {_ORDINALS[c]} "
                         f"({_NAMES[c]}). The cross-entropy (nats) of the prediction "
                         f"({_triple(p)})?"),
    first_step=lambda c, p: (f"The {_NAMES[c]} is class {c}, so the loss is -ln p[{c}] with "
                             f"p = ({_triple(p)})."),
    question=lambda c, p: (f"A {_NAMES[c]} (class {c}) predicted as ({_triple(p)}) costs "
                           f"-ln {p[c]:g} = {float(categorical_cross_entropy(c, p)):.3f} "
                           "nats."),
    expected=lambda c, p: float(categorical_cross_entropy(c, p)),
    hint=lambda c, p: f"Only the probability of the true class counts: -ln p_{_NAMES[c]}.",
    solution=lambda c, p: f"L = -ln {p[c]:g} = {float(categorical_cross_entropy(c, p)):.3f} nats.",
    unit="nats",
    mistakes=lambda c, p: [
        *_class_mistakes(c, p),
        (float(-np.sum(np.log(p))), "that adds -ln p over all classes; the one-hot "
         "target keeps only the true class.", "all_classes"),
    ],
    params=lambda rng: {"c": int(rng.integers(3)), "p": _prediction(rng)},
    defaults={"c": 2, "p": _DUCK},
))
register(Exercise(
    id="03.same",
    first_step='The one-hot target keeps p_panda only: read p[0] in both predictions.',
    question="They cost the same: both give the true class (panda) 0.4, so both cost -ln 0.4 = 0.916.",
    expected=lambda: {1: "a", -1: "b", 0: "same"}[int(np.sign(np.round(
        categorical_cross_entropy(0, [0.4, 0.3, 0.3])
        - categorical_cross_entropy(0, [0.4, 0.6, 0.0]), 12)))],
    choices=("a", "b", "same"),
    why_not=lambda: {
        c: "The one-hot target keeps only p_panda, and both predictions give the panda "
           f"0.4: both cost -ln 0.4 = {float(categorical_cross_entropy(0, [0.4, 0.6, 0])):.3f}"
           " nats. How the rest is spread over the wrong classes does not count."
        for c in ("a", "b")},
    hint="Which probabilities does the one-hot target keep? Answer 'a', 'b' or 'same'.",
    solution="Both keep p_panda = 0.4, so both cost -ln 0.4 = 0.916 nats: 'same'.",
))


def _uniform(K):
    """'1/3, 1/3, 1/3', or '1/7, ..., 1/7' for many classes."""
    return ", ".join([f"1/{K}"] * K) if K <= 4 else f"1/{K}, ..., 1/{K}"


register(Exercise(
    id="03.uniform",
    prompt=lambda K: (f"What does the uniform prediction ({_uniform(K)}) cost (nats), "
                      "whatever the true class?" if K <= 4 else
                      f"What does the uniform prediction ({_uniform(K)}) over K = {K} "
                      "classes cost (nats), whatever the true class?"),
    first_step=lambda K: f'Every class gets p = 1/{K}, the true one too: L = -ln(1/{K}).',
    question=lambda K: (f"The uniform prediction over K = {K} classes costs ln {K} = "
                        f"{float(categorical_cross_entropy(0, np.full(K, 1 / K))):.4f} nats, "
                        "whatever the class."),
    expected=lambda K: float(categorical_cross_entropy(0, np.full(K, 1 / K))),
    hint=lambda K: f"p_k = 1/{K} for the true class, so L = -ln(1/{K}).",
    solution=lambda K: (f"L = -ln(1/{K}) = ln {K} = "
                        f"{float(categorical_cross_entropy(0, np.full(K, 1 / K))):.4f} nats."),
    unit="nats",
    mistakes=lambda K: [
        (float(categorical_cross_entropy(0, np.full(K - 1, 1 / (K - 1)))), f"that is "
         f"ln {K - 1}, the uniform loss for K = {K - 1} classes; here K = {K}.", "wrong_k"),
    ],
    params=lambda rng: {"K": int(rng.integers(3, 21))},
    defaults={"K": 3},
))
register(Exercise(
    id="03.mean",
    first_step=("The per-sample losses are -ln of each row's true-class probability; then average"
                ' over N = 4.'),
    question="The mean loss of the worked example is 2.2146 / 4 = 0.5536 nats.",
    expected=lambda: float(categorical_cross_entropy(*cce_example())),
    hint="reduction='mean' divides the sum of the per-sample losses by N = 4.",
    solution="cl.categorical_cross_entropy(t, p) = 2.214574 / 4 = 0.553644.",
    n=4, reduction="mean", unit="nats",
    mistakes=lambda: [
        (float(np.mean(-np.log(cce_example().p))), "that averages -ln p over all N·K "
         "entries; the one-hot target keeps one entry per row (sum over classes, then "
         "mean over samples).", "all_entries"),
        (float(categorical_cross_entropy(*cce_example(), reduction="sum")
               / cce_example().p.size), "that divides the total by N·K = 12 entries; "
         "the mean is over the N = 4 samples.", "divided_by_nk"),
    ],
))


def my_cce(t, p):
    """Mean categorical cross-entropy, t one-hot of shape (N, K) (a reference)."""
    t, p = np.asarray(t), np.asarray(p)
    with np.errstate(divide="ignore"):
        # -ln of the probability each row gives its true class; 0 · ln 0 never computed
        log_p = np.log(np.where(t > 0, p, 1))
    return np.mean(-np.sum(t * log_p, axis=-1))


def _log(p):
    with np.errstate(divide="ignore"):
        return np.log(p)


def _one_hot_rows(rng, n, k):
    labels = rng.integers(0, k, n)
    return np.eye(k)[labels]


def _rows(rng, n, k):
    p = rng.dirichlet(np.ones(k), n)
    return np.clip(p, 1e-3, None) / np.clip(p, 1e-3, None).sum(-1, keepdims=True)


def _cce_cases(rng):
    ex = cce_example()
    return [
        Case("random one-hot t and p, shape (5, 3)",
             {"t": _one_hot_rows(rng, 5, 3), "p": _rows(rng, 5, 3)}),
        Case("the worked example (4 photos, 3 classes)",
             {"t": ex.t.astype(np.float64), "p": ex.p.astype(np.float64)}),
        Case("shape (2, 4): N ≠ K", {"t": _one_hot_rows(rng, 2, 4), "p": _rows(rng, 2, 4)},
             why="sum over the classes (the last axis, K), then average over the samples "
                 "(axis 0, N)."),
        Case("a zero on a wrong class: p = (0.6, 0.4, 0), true class 0",
             {"t": np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]),
              "p": np.array([[0.6, 0.4, 0.0], [0.0, 1.0, 0.0]])},
             why="only the true class counts, so a 0 elsewhere is harmless (the loss is "
                 "finite); but t·ln p computes 0·(−inf) = nan there. Take -ln p of the "
                 "true class only (p[np.arange(N), t.argmax(-1)]) or use np.where."),
        Case("a zero on the true class: p = (0, 0.5, 0.5), true class 0",
             {"t": np.array([[1.0, 0.0, 0.0]]), "p": np.array([[0.0, 0.5, 0.5]])},
             why="-ln 0 is +inf exactly: clipping p or adding an eps gives a finite number."),
        Case("float32 t and p",
             {"t": np.array([[0, 1, 0], [1, 0, 0]], dtype=np.float32),
              "p": np.array([[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]], dtype=np.float32)},
             why="the result must keep the input's dtype (float32)."),
    ]


def _cce_mistakes(t, p):
    with np.errstate(divide="ignore", invalid="ignore"):
        per_entry = -t * np.log(p)
        return [
            (categorical_cross_entropy(t, p, reduction="sum"), "that is the sum over the "
             "samples, not the mean: divide by N (np.mean over axis 0 after summing over "
             "classes).", "sum_for_mean"),
            (np.mean(per_entry), "that is the mean over all N·K entries: sum over the "
             "classes (axis=-1) first, then average over the N samples.", "wrong_axis"),
            (categorical_cross_entropy(t, p, reduction="sum") / p.shape[-1], "that sums "
             "over the samples (axis 0) and averages over the classes: the wrong axes. Sum "
             "-t_k ln p_k over the classes (axis=-1), then average over the samples.",
             "wrong_axis"),
            (np.mean(-np.log(p)), "that averages -ln p over every class; the one-hot "
             "target keeps only the true class's probability.", "all_classes"),
            (-categorical_cross_entropy(t, p), "the sign is flipped: the loss is "
             "-Σ t_k ln p_k.", "sign"),
            *clipped_variants(lambda eps, mode: np.mean(-np.sum(t * np.log(
                np.clip(p, eps, 1 - eps) if mode == "clip" else p + eps), axis=-1))),
        ]


register(Implement(
    id="03.cce",
    question="Write f(t, p) returning the MEAN categorical cross-entropy "
             "-Σ_k t_k ln p_k over the samples, with t one-hot of shape (N, K) and p of "
             "shape (N, K) (rows summing to 1). Required: random inputs, the worked "
             "example, N ≠ K (sum over the last axis, mean over samples), a 0 on a wrong "
             "class (finite, not nan), a 0 on the true class (inf), float32 kept.",
    signature="f(t, p)",
    reference=lambda t, p: categorical_cross_entropy(t, p),
    cases=_cce_cases,
    solution=my_cce,
    reduction="mean",
    mistakes=_cce_mistakes,
    hint="-Σ_k t_k ln p_k per row (axis=-1), then np.mean over the rows.",
    input_slips=lambda t, p: [
        ({"t": t, "p": _log(p)}, "your function applies a softmax to p: p is already a "
         "probability (a softmax of probabilities is the classic 'double softmax' bug); "
         "use p directly.", "double_softmax"),
        ({"t": p, "p": t}, "your function reads its arguments the other way round: the "
         "order is f(t, p), target first.", "arguments_swapped"),
    ],
))
