"""Exercises of notebook 06-information-theory."""
import itertools
import math
from fractions import Fraction

import numpy as np

from ..information import cross_entropy, entropy, kl_divergence
from . import Case, Exercise, Implement, register

_UNIFORM8 = np.full(8, 1 / 8)


def _log2_text(K):
    """'log2 8 = 3'; 'log2 6 = 2.58496'."""
    return f"log2 {K} = {float(entropy(np.full(K, 1 / K), base=2)):g}"


register(Exercise(
    id="06.uniform8",
    prompt=lambda K: f"The entropy, in bits, of a uniform distribution over {K} outcomes?",
    first_step=lambda K: f'Each of the {K} outcomes has p = 1/{K}, surprisal -log2(1/{K}) bits.',
    question=lambda K: (f"A uniform distribution over {K} outcomes has entropy {_log2_text(K)} "
                        "bits."),
    expected=lambda K: float(entropy(np.full(K, 1 / K), base=2)),
    hint=lambda K: (f"Every outcome has p = 1/{K}, so every surprisal is -log2(1/{K}); the "
                    "average is the same."),
    solution=lambda K: (f"H = -{K} · (1/{K}) log2(1/{K}) = {_log2_text(K)} bits: "
                        f"cl.entropy(np.full({K}, 1/{K}), base=2)."),
    unit="bits",
    mistakes=lambda K: [
        (float(K), "that is the number of outcomes; the entropy is log2 "
         f"of it (how many halvings, i.e. yes/no questions, pick one of {K}).",
         "count_not_log"),
    ],
    params=lambda rng: {"K": int(rng.choice([4, 5, 6, 10, 12, 16, 20, 32, 64, 100, 128,
                                             256, 1000, 1024]))},
    defaults={"K": len(_UNIFORM8)},
))
_P, _Q = [0.5, 0.25, 0.25], [0.25, 0.25, 0.5]
# the variants' distributions: dyadic, so each log2(p_k / q_k) is a whole number
_DYADIC = ([0.25] * 4, *sorted({tuple(float(v) for v in perm) for perm in
                                itertools.permutations([0.5, 0.25, 0.125, 0.125])}))


def _frac(x):
    return str(Fraction(x).limit_denominator(1024))


def _dist_text(p):
    return ", ".join(_frac(v) for v in p)


def _kl_terms(p, q):
    """['1/2·log2 2', ...] and their values [Fraction(1, 2), ...]."""
    texts, values = [], []
    for pk, qk in zip(p, q):
        r = Fraction(pk).limit_denominator(1024) / Fraction(qk).limit_denominator(1024)
        texts.append(f"{_frac(pk)}·log2 {r}" if r.denominator == 1 else
                     f"{_frac(pk)}·log2({r})")
        values.append(Fraction(pk).limit_denominator(1024) * int(round(math.log2(r))))
    return texts, values


def _kl_sum(values):
    """'1/2 - 1/4': the non-zero terms."""
    out = ""
    for v in (v for v in values if v):
        out += (str(v) if not out else f" - {-v}" if v < 0 else f" + {v}")
    return out


def _kl_params(rng):
    i, j = rng.choice(len(_DYADIC), 2, replace=False)
    return {"p": list(_DYADIC[int(i)]), "q": list(_DYADIC[int(j)])}


register(Exercise(
    id="06.kl",
    prompt=lambda p, q: f"KL(p || q) in bits for p = ({_dist_text(p)}) and q = ({_dist_text(q)})?",
    first_step=lambda p, q: ("KL = Σ p_k log2(p_k / q_k): the terms are "
                             + ", ".join(_kl_terms(p, q)[0][:-1]) + " and "
                             + _kl_terms(p, q)[0][-1] + "."),
    question=lambda p, q: (f"KL(p‖q) = {float(kl_divergence(p, q, base=2)):g} bits for "
                           f"p = ({_dist_text(p)}), q = ({_dist_text(q)})."),
    expected=lambda p, q: float(kl_divergence(p, q, base=2)),
    hint="KL = sum p_k log2(p_k / q_k); or H(p, q) - H(p) with base=2.",
    solution=lambda p, q: ("KL = " + " + ".join(_kl_terms(p, q)[0]) + " = "
                           + _kl_sum(_kl_terms(p, q)[1])
                           + f" = {float(kl_divergence(p, q, base=2)):g} bits "
                           f"(= H(p, q) - H(p) = {float(cross_entropy(p, q, base=2)):g} - "
                           f"{float(entropy(p, base=2)):g})."),
    unit="bits",
    mistakes=lambda p, q: [
        (float(cross_entropy(p, q, base=2)), "that is the cross-entropy H(p, q); "
         "KL(p‖q) = H(p, q) - H(p): subtract the entropy of p.", "cross_entropy_not_kl"),
        (float(entropy(p, base=2)), "that is the entropy H(p); KL(p‖q) = H(p, q) - H(p).",
         "entropy_not_kl"),
    ],
    params=_kl_params,
    defaults={"p": _P, "q": _Q},
))


def _freqs(rng):
    """Three class frequencies in steps of 0.05, each at least 0.1, largest first."""
    triples = [(a, b, 20 - a - b) for a in range(2, 17) for b in range(2, a + 1)
               if 2 <= 20 - a - b <= b and (a, b) != (7, 7)]   # not nearly uniform
    return [round(k * 0.05, 2) for k in triples[int(rng.integers(len(triples)))]]


def _list(f):
    return ", ".join(f"{v:g}" for v in f)


register(Exercise(
    id="06.baseline",
    prompt=lambda f: (f"Class frequencies ({_list(f)}): what loss (nats) does predicting "
                      "these frequencies for every sample get?"),
    first_step=lambda f: ("Predicting the frequencies themselves costs their entropy: "
                          f"cl.entropy([{_list(f)}])."),
    question=lambda f: (f"Predicting the class frequencies ({_list(f)}) for every sample "
                        f"costs H = {float(cross_entropy(f, f)):.3f} nats: any useful model "
                        "must beat that."),
    expected=lambda f: float(cross_entropy(f, f)),
    hint="The baseline loss is the cross-entropy of the frequencies with themselves, "
         "i.e. their entropy (in nats).",
    solution=lambda f: f"cl.entropy([{_list(f)}]) = {float(entropy(f)):.4f} nats.",
    unit="nats",
    mistakes=lambda f: [
        (float(entropy(np.full(3, 1 / 3))), "that is ln 3, the cost of the uniform "
         f"prediction; predicting the class frequencies does better, H({_list(f)}).",
         "uniform_baseline"),
    ],
    params=lambda rng: {"f": _freqs(rng)},
    defaults={"f": [0.5, 0.3, 0.2]},
))
_LOSS = 2.3  # nats per token, exercise 06.perplexity

register(Exercise(
    id="06.perplexity",
    prompt=lambda loss: f"A language model's loss is {loss:g} nats per token: its perplexity?",
    first_step=lambda loss: ("The loss is in nats, so the perplexity is e raised to it: "
                             f"np.exp({loss:g})."),
    question=lambda loss: (f"A loss of {loss:g} nats per token is a perplexity of "
                           f"e^{loss:g} ≈ {float(np.exp(loss)):.3g}: as unsure as a fair "
                           f"choice among about {round(float(np.exp(loss)))} tokens."),
    expected=lambda loss: float(np.exp(loss)),
    hint="Perplexity is e^loss when the loss is in nats (2^loss in bits).",
    solution=lambda loss: f"np.exp({loss:g}) = {float(np.exp(loss)):.3f}.",
    mistakes=lambda loss: [
        (float(2 ** loss), "that is 2^loss, the perplexity for a loss in bits; the loss "
         "is in nats, so the perplexity is e^loss.", "bits_base"),
        (float(10 ** loss), "that is 10^loss; a loss in nats gives e^loss.", "base_10"),
        (loss, "that is the loss itself; the perplexity is e^loss (for a loss in nats).",
         "loss_not_perplexity"),
    ],
    # 0.7 ... 5.0 nats per token
    params=lambda rng: {"loss": int(rng.integers(7, 51)) / 10},
    defaults={"loss": _LOSS},
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
