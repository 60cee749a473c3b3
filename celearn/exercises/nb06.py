"""Exercises of notebook 06-information-theory."""
import numpy as np

from ..information import cross_entropy, entropy, kl_divergence
from . import Case, Exercise, Implement, register

_UNIFORM8 = np.full(8, 1 / 8)

register(Exercise(
    id="06.uniform8",
    first_step='Each of the 8 outcomes has p = 1/8, surprisal -log2(1/8) bits.',
    question="A uniform distribution over 8 outcomes has entropy log2 8 = 3 bits.",
    expected=lambda: float(entropy(_UNIFORM8, base=2)),
    hint="Every outcome has p = 1/8, so every surprisal is -log2(1/8); the average is the same.",
    solution="H = -8 · (1/8) log2(1/8) = log2 8 = 3 bits: cl.entropy(np.full(8, 1/8), base=2).",
    unit="bits",
    mistakes=lambda: [
        (float(len(_UNIFORM8)), "that is the number of outcomes; the entropy is log2 "
         "of it (how many halvings, i.e. yes/no questions, pick one of 8).", "count_not_log"),
    ],
))
_P, _Q = [0.5, 0.25, 0.25], [0.25, 0.25, 0.5]

register(Exercise(
    id="06.kl",
    first_step=('KL = Σ p_k log2(p_k / q_k): the terms are 1/2·log2 2, 1/4·log2 1 and '
                '1/4·log2(1/2).'),
    question="KL(p‖q) = 0.25 bits for p = (1/2, 1/4, 1/4), q = (1/4, 1/4, 1/2).",
    expected=lambda: float(kl_divergence([0.5, 0.25, 0.25], [0.25, 0.25, 0.5], base=2)),
    hint="KL = sum p_k log2(p_k / q_k); or H(p, q) - H(p) with base=2.",
    solution="KL = 1/2·log2 2 + 1/4·log2 1 + 1/4·log2(1/2) = 1/2 - 1/4 = 0.25 bits "
             "(= H(p, q) - H(p) = 1.75 - 1.5).",
    unit="bits",
    mistakes=lambda: [
        (float(cross_entropy(_P, _Q, base=2)), "that is the cross-entropy H(p, q); "
         "KL(p‖q) = H(p, q) - H(p): subtract the entropy of p.", "cross_entropy_not_kl"),
        (float(entropy(_P, base=2)), "that is the entropy H(p); KL(p‖q) = H(p, q) - H(p).",
         "entropy_not_kl"),
    ],
))
register(Exercise(
    id="06.baseline",
    first_step=('Predicting the frequencies themselves costs their entropy: cl.entropy([0.5, 0.3,'
                ' 0.2]).'),
    question="Predicting the class frequencies (0.5, 0.3, 0.2) for every sample costs "
             "H = 1.030 nats: any useful model must beat that.",
    expected=lambda: float(cross_entropy([0.5, 0.3, 0.2], [0.5, 0.3, 0.2])),
    hint="The baseline loss is the cross-entropy of the frequencies with themselves, "
         "i.e. their entropy (in nats).",
    solution="cl.entropy([0.5, 0.3, 0.2]) = 1.0297 nats.",
    unit="nats",
    mistakes=lambda: [
        (float(entropy(np.full(3, 1 / 3))), "that is ln 3, the cost of the uniform "
         "prediction; predicting the class frequencies does better, H(0.5, 0.3, 0.2).",
         "uniform_baseline"),
    ],
))
_LOSS = 2.3  # nats per token, exercise 06.perplexity

register(Exercise(
    id="06.perplexity",
    first_step='The loss is in nats, so the perplexity is e raised to it: np.exp(2.3).',
    question="A loss of 2.3 nats per token is a perplexity of e^2.3 ≈ 9.97: as unsure as a "
             "fair choice among about 10 tokens.",
    expected=lambda: float(np.exp(_LOSS)),
    hint="Perplexity is e^loss when the loss is in nats (2^loss in bits).",
    solution="np.exp(2.3) = 9.974.",
    mistakes=lambda: [
        (float(2 ** _LOSS), "that is 2^loss, the perplexity for a loss in bits; the loss "
         "is in nats, so the perplexity is e^loss.", "bits_base"),
        (float(10 ** _LOSS), "that is 10^loss; a loss in nats gives e^loss.", "base_10"),
        (_LOSS, "that is the loss itself; the perplexity is e^loss (for a loss in nats).",
         "loss_not_perplexity"),
    ],
))
register(Exercise(
    id="06.good",
    first_step=('The baseline is the entropy of (0.95, 0.05): cl.entropy([0.95, 0.05]); compare '
                'with 0.30.'),
    question="No: the baseline of a 95/5 binary task is only 0.199 nats, so 0.30 nats is worse "
             "than always predicting the frequencies.",
    expected=lambda: "yes" if 0.30 < float(entropy([0.95, 0.05])) else "no",
    hint="Compute the baseline cl.entropy([0.95, 0.05]) and compare it with 0.30. "
         "Answer 'yes' or 'no'.",
    choices=("yes", "no"),
    synonyms={"no": ("not good", "bad", "worse", "no it is worse", "worse than baseline"),
              "yes": ("good", "better")},
    why_not=lambda: {"yes": "0.30 nats sounds small, but always predicting the "
                            "frequencies (0.95, 0.05) costs only "
                            f"{float(entropy([0.95, 0.05])):.3f} nats: compare with that "
                            "baseline, not with a fixed threshold."},
    solution="cl.entropy([0.95, 0.05]) = 0.199 nats < 0.30, so the model is worse than the "
             "baseline: 'no'.",
))


def my_kl_divergence(p, q):
    """KL(p‖q) in nats along the last axis (a reference implementation)."""
    p, q = np.asarray(p), np.asarray(q)
    with np.errstate(divide="ignore"):
        # terms with p = 0 count 0 (0 · ln 0 = 0); q = 0 where p > 0 gives inf
        terms = np.where(p > 0, p * np.log(np.where(p > 0, p, 1) / q), 0)
    return np.sum(terms, axis=-1)


def _dist(rng, *shape):
    d = rng.dirichlet(np.ones(shape[-1]), shape[:-1] or None)
    return np.clip(d, 1e-3, None) / np.clip(d, 1e-3, None).sum(-1, keepdims=True)


def _kl_cases(rng):
    return [
        Case("random p and q, shape (4,)", {"p": _dist(rng, 4), "q": _dist(rng, 4)}),
        Case("random rows, shape (3, 5)", {"p": _dist(rng, 3, 5), "q": _dist(rng, 3, 5)},
             why="KL runs along the LAST axis: one value per row (np.sum(..., axis=-1))."),
        Case("p = q", {"p": np.array([0.2, 0.3, 0.5]), "q": np.array([0.2, 0.3, 0.5])},
             why="KL(p‖p) = 0."),
        Case("a zero in p: p = (0.5, 0.5, 0)",
             {"p": np.array([0.5, 0.5, 0.0]), "q": np.array([0.4, 0.4, 0.2])},
             why="a term with p_k = 0 counts 0 (0 · ln 0 = 0), but numpy computes "
                 "0 · ln(0/q) = 0 · (−inf) = nan: use np.where(p > 0, ...) or "
                 "scipy.special.rel_entr."),
        Case("a zero in q where p > 0", {"p": np.array([0.5, 0.5]), "q": np.array([1.0, 0.0])},
             why="q gives probability 0 to an outcome p thinks possible: KL(p‖q) = +inf "
                 "exactly. Clipping q or adding an eps gives a finite number."),
        Case("float32 p and q", {"p": np.array([0.5, 0.25, 0.25], dtype=np.float32),
                                 "q": np.array([0.25, 0.25, 0.5], dtype=np.float32)},
             why="the result must keep the input's dtype (float32)."),
    ]


def _kl_mistakes(p, q):
    return [
        (kl_divergence(q, p), "the arguments are swapped: that is KL(q‖p). KL is not "
         "symmetric: KL(p‖q) = Σ p_k ln(p_k / q_k), weighted by p.", "swapped"),
        (cross_entropy(p, q), "that is the cross-entropy H(p, q); KL(p‖q) = H(p, q) - H(p).",
         "cross_entropy_not_kl"),
        (kl_divergence(p, q, base=2), "that is in bits (log2); the exercise wants nats "
         "(np.log).", "bits_for_nats"),
        (p * np.log(p / q), "those are the terms p_k ln(p_k/q_k); add them up along the "
         "last axis (np.sum(..., axis=-1)).", "not_summed"),
    ]


register(Implement(
    id="06.kl_divergence",
    question="Write f(p, q) returning KL(p‖q) = Σ_k p_k ln(p_k / q_k) in nats, along the "
             "last axis (shape (K,) gives a number, (N, K) one value per row). Required: "
             "random inputs in both shapes, p = q gives 0, a zero in p (its term is 0, "
             "not nan), a zero in q where p > 0 (inf), float32 kept.",
    signature="f(p, q)",
    reference=lambda p, q: kl_divergence(p, q),
    cases=_kl_cases,
    solution=my_kl_divergence,
    mistakes=_kl_mistakes,
    hint="np.sum(p * np.log(p / q), axis=-1), with the p = 0 terms set to 0.",
    input_slips=lambda p, q: [
        ({"p": np.log(p), "q": np.log(q)}, "your function applies a softmax (or an exp) "
         "to its inputs: p and q are already distributions.", "double_softmax"),
    ] if np.all(p > 0) and np.all(q > 0) else [],
))
