"""Exercises of notebook 11-imbalance-and-targets."""
import math

import numpy as np

from ..losses import binary_cross_entropy_with_logits
from ..practice import optimal_logit_gap
from . import Case, Exercise, Implement, register

register(Exercise(
    id="11.pos_weight",
    question="pos_weight = N_neg / N_pos = 950 / 50 = 19.",
    expected=lambda: 950 / 50,
    hint="pos_weight multiplies every positive term: how many negatives per positive?",
    solution="950 / 50 = 19.",
    rtol=1e-9, atol=0.0,
    mistakes=lambda: [
        (50 / 950, "that is positives per negative; pos_weight scales the rare positives UP.",
         "inverted"),
        (0.05, "that is the share of positives; pos_weight is the ratio of negatives to "
         "positives.", "share"),
        (0.95, "that is the share of negatives; pos_weight is the ratio of negatives to "
         "positives.", "share_neg"),
        (1000 / 50, "that is N / N_pos = 1000 / 50, all samples per positive; pos_weight "
         "counts only the negatives: 950 / 50.", "all_over_pos"),
        (1000 / 950, "that is N / N_neg; pos_weight is the negatives per positive.",
         "all_over_neg"),
        (900 / 50, "that is one less than the ratio, e.g. (950 - 50) / 50, the *extra* "
         "negatives per positive; pos_weight is the full ratio N_neg / N_pos.", "extra_only"),
    ],
))
register(Exercise(
    id="11.threshold",
    question="Weighting the positives by pos_weight multiplies the odds by pos_weight, so "
             "the plain model matches the weighted one's decisions at odds 1/pos_weight: "
             "P(pos) > 1 / (1 + pos_weight) = 1/20 = 0.05.",
    expected=lambda: 1 / (1 + 19),
    hint="The weighted model says 'positive' when pos_weight · P/(1 - P) > 1, with P the "
         "plain model's probability. Solve for P.",
    solution="1 / (1 + 19) = 0.05.",
    rtol=1e-3, atol=0.0,
    mistakes=lambda: [
        (1 / 19, "that is 1 / pos_weight, the threshold on the odds P/(1 - P); as a "
         "probability it is (1/19) / (1 + 1/19) = 1 / (1 + 19).", "odds_threshold"),
        (19 / 20, "that is pos_weight / (1 + pos_weight): the threshold moves DOWN, towards "
         "the rare class, not up.", "upside_down"),
        (0.5, "that is the default threshold: it gives the plain model's own recalls.",
         "default"),
    ],
))
register(Exercise(
    id="11.multihot_floor",
    question="F.cross_entropy(z, t) with t = (1, 1, 0) is -ln p_0 - ln p_1, smallest at "
             "p = (1/2, 1/2, 0): 2 ln 2 = 1.386 nats.",
    expected=lambda: 2 * math.log(2),
    hint="PyTorch does not normalise the target: each true tag adds its own -ln p_k. How "
         "large can p_0 and p_1 both be?",
    solution="2 ln 2 = 1.386: PyTorch computes -(t * log_softmax(z)).sum() with t = (1, 1, 0).",
    unit="nats",
    mistakes=lambda: [
        (math.log(2), "that is the floor of the normalised target (1/2, 1/2, 0); PyTorch "
         "does not normalise (1, 1, 0), so each of the two true tags adds -ln(1/2).",
         "normalised"),
        (0.0, "that is the floor of one sigmoid per tag (multi-label); a softmax makes the "
         "two tags share one unit of probability.", "sigmoid_floor"),
    ],
))
register(Exercise(
    id="11.smoothing_gap",
    question="The best gap is ln((1 - ε + ε/K) / (ε/K)) = ln(0.91 / 0.01) ≈ 4.511.",
    expected=lambda: optimal_logit_gap(0.1, 10),
    hint="At the minimum p equals the smoothed target, so the gap is the log of the ratio "
         "of its two values: (1 - ε + ε/K) and ε/K.",
    solution="cl.practice.optimal_logit_gap(0.1, 10) = ln(0.91 / 0.01) = 4.511.",
    rtol=1e-4,
    mistakes=lambda: [
        (float(np.log(0.9 / 0.01)), "the true class's target is 1 - ε + ε/K = 0.91 (it "
         "gets its share of ε/K too), not 1 - ε.", "forgot_own_share"),
        (float(np.log(0.9 / 0.1)), "the others get ε/K = 0.01 each, not ε.", "eps_not_over_k"),
        (float(np.log(0.91 / 0.1)), "the others get ε/K = 0.01 each, not ε.",
         "eps_not_over_k"),
        (float(np.log(0.91 / 0.01) / np.log(10)), "that is log10; the logit gap uses the "
         "natural log.", "log10"),
    ],
))


def my_pos_weight_bce(t, z, pos_weight):
    """PyTorch's BCEWithLogitsLoss with pos_weight, the mean (a reference)."""
    t, z = np.asarray(t, dtype=float), np.asarray(z, dtype=float)
    softplus = lambda v: np.maximum(v, 0) + np.log1p(np.exp(-np.abs(v)))  # ln(1 + e^v)
    return np.mean(pos_weight * t * softplus(-z) + (1 - t) * softplus(z))


def _pos_weight_cases(rng):
    n = 10
    return [
        Case("random 0/1 targets and logits, pos_weight = 19",
             {"t": (rng.random(n) < 0.3).astype(float), "z": rng.normal(0, 3, n),
              "pos_weight": 19.0}),
        Case("one positive, one negative, pos_weight = 4",
             {"t": np.array([1.0, 0.0]), "z": np.array([0.5, 0.5]), "pos_weight": 4.0},
             why="only the positive's term -ln σ(z) is multiplied by pos_weight."),
        Case("logits ±1000", {"t": np.array([1.0, 0.0, 1.0]),
                              "z": np.array([-1000.0, 1000.0, 1000.0]), "pos_weight": 2.0},
             why="σ(-1000) underflows to 0 and ln 0 = -inf: write -ln σ(z) = ln(1 + e^(-z)) "
                 "as max(-z, 0) + log1p(exp(-|z|)). The exact answer is (2·1000 + 1000)/3."),
    ]


def _pos_weight_mistakes(t, z, pos_weight):
    t = np.asarray(t, dtype=float)
    return [
        (float(binary_cross_entropy_with_logits(t, z)), "that is the unweighted mean: the "
         "positives' terms are not multiplied by pos_weight.", "unweighted"),
        (float(binary_cross_entropy_with_logits(1 - t, -np.asarray(z, dtype=float),
                                                pos_weight=pos_weight)),
         "pos_weight multiplies the negatives' terms; it belongs to the positives (t = 1).",
         "weighted_negatives"),
        (float(binary_cross_entropy_with_logits(t, z, pos_weight=pos_weight, reduction="sum")),
         "that is the sum; PyTorch's default is the mean over all elements.", "sum_for_mean"),
        (float(binary_cross_entropy_with_logits(t, z, pos_weight=pos_weight, reduction="sum")
               / np.sum(np.where(t == 1, pos_weight, 1.0))),
         "you divided by the sum of the weights; BCEWithLogitsLoss divides by N, the number "
         "of elements (it is cross_entropy's weight= that divides by the weights' sum).",
         "divided_by_weights"),
    ]


register(Implement(
    id="11.pos_weight_bce",
    question="Write f(t, z, pos_weight) returning PyTorch's "
             "F.binary_cross_entropy_with_logits(z, t, pos_weight=pos_weight): the mean over "
             "the elements of pos_weight · t · ln(1 + e^(-z)) + (1 - t) · ln(1 + e^z). "
             "Required: random inputs, the two-sample case, logits ±1000.",
    signature="f(t, z, pos_weight)",
    reference=lambda t, z, pos_weight: binary_cross_entropy_with_logits(
        t, z, pos_weight=pos_weight),
    cases=_pos_weight_cases,
    solution=my_pos_weight_bce,
    mistakes=_pos_weight_mistakes,
    reduction="mean",
    hint="softplus(v) = ln(1 + e^v) = max(v, 0) + log1p(exp(-|v|)); return "
         "np.mean(pos_weight * t * softplus(-z) + (1 - t) * softplus(z)).",
))
