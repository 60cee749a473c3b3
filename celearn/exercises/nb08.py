"""Exercises of notebook 08-likelihood-and-proper-scores."""
import numpy as np

from ..datasets import bce_example
from ..losses import binary_cross_entropy
from ..likelihood import best_report, coin_log_likelihood
from . import Case, Exercise, Implement, register

register(Exercise(
    id="08.coin_mle",
    first_step=('The log-likelihood is 13 ln q + 7 ln(1 - q); set its derivative 13/q - 7/(1 - q)'
                ' to 0.'),
    question="13 heads in 20 tosses: the likelihood q^13 (1 - q)^7 is largest at the observed "
             "frequency q = 13/20 = 0.65.",
    expected=lambda: float(np.linspace(0, 1, 20_001)[
        np.argmax(coin_log_likelihood(np.linspace(0, 1, 20_001), 13, 7))]),
    hint="Set the derivative of 13 ln q + 7 ln(1 - q) to zero.",
    solution="13/q - 7/(1 - q) = 0 gives q = 13/20 = 0.65.",
    mistakes=lambda: [
        (13.0, "that is the number of heads; q is a probability: divide by the number of tosses.",
         "count_not_frequency"),
        (7 / 20, "that is the frequency of tails; q is P(heads).", "tails"),
        (13 / 7, "that is heads / tails (the odds); q is heads / all tosses.", "odds"),
    ],
))
register(Exercise(
    id="08.likelihood",
    first_step=('The NLL is the SUMMED BCE of the seven photos: cl.binary_cross_entropy(t, p, '
                "reduction='sum')."),
    question="The seven photos' labels got joint probability e^-4.4603 ≈ 0.0116 from the model.",
    expected=lambda: float(np.exp(-binary_cross_entropy(*bce_example(), reduction="sum"))),
    hint="The likelihood is exp(-NLL), and the NLL is the SUMMED BCE of the seven photos.",
    solution="np.exp(-cl.binary_cross_entropy(t, p, reduction='sum')) = exp(-4.4603) = 0.0116.",
    rtol=1e-3, atol=1e-7,
    mistakes=lambda: [
        (float(np.exp(-binary_cross_entropy(*bce_example()))), "that is exp(-mean BCE), the "
         "geometric mean probability per photo; the likelihood of all seven uses the sum.",
         "mean_for_sum"),
        (float(binary_cross_entropy(*bce_example(), reduction="sum")), "that is the negative "
         "log-likelihood -ln L; the likelihood is its exponential, exp(-4.4603).", "nll_not_l"),
        (float(-binary_cross_entropy(*bce_example(), reduction="sum")), "that is ln L, the "
         "log-likelihood; the likelihood is exp of it.", "log_not_l"),
    ],
))
register(Exercise(
    id="08.absolute",
    first_step='The expected penalty is 0.7·(1 - q) + 0.3·q: a straight line in q.',
    question="Under the absolute error the expected penalty 0.7 + q(1 - 1.4) keeps falling up "
             "to q = 1: exaggerating beats the honest 0.7 (an improper rule).",
    expected=lambda: best_report(0.7, rule="absolute"),
    hint="Write the expected penalty 0.7·|1 - q| + 0.3·|0 - q| as a function of q in [0, 1]: "
         "it is a straight line.",
    solution="0.7(1 - q) + 0.3q = 0.7 - 0.4q is smallest at q = 1.",
    mistakes=lambda: [
        (0.7, "that is the honest report, the best one under a PROPER rule (log loss, Brier); "
         "the absolute error is linear in q: compare its value at q = 0.7 and at q = 1.",
         "honest"),
    ],
))
register(Exercise(
    id="08.start",
    first_step='Tiny weights give equal logits, so p = 1/100 for every class, the true one too.',
    question="An untrained 100-class model predicts about 1/100 for every class, so it starts "
             "at -ln(1/100) = ln 100 ≈ 4.605 nats.",
    expected=lambda: float(-np.log(1 / 100)),
    hint="Tiny weights give logits near 0, so the softmax is uniform: p = 1/K for the true class.",
    solution="ln 100 = 4.605 nats: np.log(100).",
    unit="nats",
    mistakes=lambda: [
        (100.0, "that is K; the loss is -ln of the probability 1/K.", "k_not_log"),
        (0.01, "that is the probability 1/K; the loss is -ln of it.", "probability"),
        (float(np.log10(100)), "that is log10; cross-entropy uses the natural log.", "log10"),
        (float(np.mean(-np.eye(100)[0] * np.log(np.full(100, 1 / 100)))), "that is "
         "-Σ t_k ln p_k divided by K = 100: a mean over the classes (np.mean over the "
         "one-hot row). The loss sums over the classes, so only the true class's -ln(1/K) "
         "is left.", "mean_over_classes"),
    ],
))


def my_coin_nll(t):
    t = np.asarray(t)
    h, n = int(t.sum()), t.size
    q = h / n
    with np.errstate(divide="ignore", invalid="ignore"):
        # a branch with count 0 contributes 0 (0 · ln 0 = 0), so never form 0 * -inf
        up = h * np.log(q) if h > 0 else 0.0
        down = (n - h) * np.log1p(-q) if h < n else 0.0
    return -(up + down)


def _coin_reference(t):
    t = np.asarray(t)
    h = int(t.sum())
    return 0.0 - coin_log_likelihood(h / t.size, h, t.size - h)  # 0.0 - 0.0 is +0


def _coin_cases(rng):
    return [
        Case("10 random tosses", {"t": rng.integers(0, 2, 10)}),
        Case("100 random tosses", {"t": (rng.random(100) < 0.3).astype(int)}),
        Case("all heads [1, 1, 1, 1]", {"t": np.array([1, 1, 1, 1])},
             why="the MLE is q = 1 and every toss had probability 1: the NLL is exactly 0. "
                 "The tails term is 0 · ln(1 - 1) = 0 · (-inf) = nan in numpy: skip a term "
                 "whose count is 0."),
        Case("all tails [0, 0, 0]", {"t": np.array([0, 0, 0])},
             why="the MLE is q = 0 and the NLL is 0; the heads term is 0 · ln 0: skip it."),
        Case("one head [1]", {"t": np.array([1])},
             why="one toss, one head: q = 1, NLL 0."),
    ]


def _coin_mistakes(t):
    t = np.asarray(t)
    h, n = int(t.sum()), t.size
    out = [(_coin_reference(t) / n, "that is the MEAN NLL per toss; the question asks for "
            "the total (the sum over tosses).", "mean_for_sum")]
    if 0 < h < n:
        out.append((-_coin_reference(t), "the sign is flipped: that is the log-likelihood; "
                    "the NLL is its negative.", "sign"))
        out.append((-coin_log_likelihood(0.5, h, n - h), "that is the NLL at q = 0.5; use "
                    "the maximum-likelihood q = h / n.", "q_half"))
    return out


register(Implement(
    id="08.coin_nll",
    question="Write f(t) returning the smallest negative log-likelihood (nats, summed over "
             "tosses) a coin can give the tosses t (1 = heads): the NLL at q = h/n. Required: "
             "random tosses, all heads, all tails, a single head (each of the last three has "
             "NLL exactly 0).",
    signature="f(t)",
    reference=_coin_reference,
    cases=_coin_cases,
    solution=my_coin_nll,
    mistakes=_coin_mistakes,
    hint="q = t.mean(); -(h ln q + (n - h) ln(1 - q)), leaving out a term whose count is 0.",
))
