"""Exercises of notebook 11-imbalance-and-targets."""
import math

import numpy as np

from ..losses import binary_cross_entropy_with_logits
from ..practice import optimal_logit_gap
from . import Case, Exercise, Implement, register

def _pos_weight_params(rng):
    """A whole ratio of negatives to positives, 3 ... 49."""
    pos = int(rng.choice([10, 20, 25, 40, 50, 80, 100, 200]))
    return {"neg": pos * int(rng.integers(3, 50)), "pos": pos}


register(Exercise(
    id="11.pos_weight",
    prompt=lambda neg, pos: (f"{neg} negatives and {pos} positives: which pos_weight makes "
                             "the positives count as much as the negatives in total?"),
    question=lambda neg, pos: f"pos_weight = N_neg / N_pos = {neg} / {pos} = {neg / pos:g}.",
    expected=lambda neg, pos: neg / pos,
    hint="pos_weight multiplies every positive term: how many negatives per positive?",
    solution=lambda neg, pos: f"{neg} / {pos} = {neg / pos:g}.",
    rtol=1e-9, atol=0.0,
    mistakes=lambda neg, pos: [
        (pos / neg, "that is positives per negative; pos_weight scales the rare positives UP.",
         "inverted"),
        (pos / (neg + pos), "that is the share of positives; pos_weight is the ratio of "
         "negatives to positives.", "share"),
        (neg / (neg + pos), "that is the share of negatives; pos_weight is the ratio of "
         "negatives to positives.", "share_neg"),
        ((neg + pos) / pos, f"that is N / N_pos = {neg + pos} / {pos}, all samples per "
         f"positive; pos_weight counts only the negatives: {neg} / {pos}.", "all_over_pos"),
        ((neg + pos) / neg, "that is N / N_neg; pos_weight is the negatives per positive.",
         "all_over_neg"),
        ((neg - pos) / pos, "that is one less than the ratio, e.g. "
         f"({neg} - {pos}) / {pos}, the *extra* negatives per positive; pos_weight is the "
         f"full ratio N_neg / N_pos.", "extra_only"),
    ],
    params=_pos_weight_params,
    defaults={"neg": 950, "pos": 50},
))
register(Exercise(
    id="11.threshold",
    prompt=lambda w: (f"A calibrated plain model: at which threshold on P(pos) does it decide "
                      f"as a model trained with pos_weight = {w} does at 0.5?"),
    question=lambda w: ("Weighting the positives by pos_weight multiplies the odds by "
                        "pos_weight, so the plain model matches the weighted one's decisions "
                        "at odds 1/pos_weight: "
                        f"P(pos) > 1 / (1 + pos_weight) = 1/{1 + w} = {1 / (1 + w):g}."),
    expected=lambda w: 1 / (1 + w),
    hint="The weighted model says 'positive' when pos_weight · P/(1 - P) > 1, with P the "
         "plain model's probability. Solve for P.",
    solution=lambda w: f"1 / (1 + {w}) = {1 / (1 + w):g}.",
    rtol=1e-3, atol=0.0,
    mistakes=lambda w: [
        (1 / w, "that is 1 / pos_weight, the threshold on the odds P/(1 - P); as a "
         f"probability it is (1/{w}) / (1 + 1/{w}) = 1 / (1 + {w}).", "odds_threshold"),
        (w / (1 + w), f"that is pos_weight / (1 + pos_weight): the threshold moves DOWN, "
         "towards the rare class, not up.", "upside_down"),
        (0.5, "that is the default threshold: it gives the plain model's own recalls.",
         "default"),
    ],
    params=lambda rng: {"w": int(rng.integers(2, 50))},
    defaults={"w": 19},
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


def _gap_params(rng):
    return {"eps": float(rng.choice([0.05, 0.1, 0.2, 0.25, 0.3])),
            "K": int(rng.choice([4, 5, 10, 20, 50, 100]))}


def _top(eps, K):
    return 1 - eps + eps / K


register(Exercise(
    id="11.smoothing_gap",
    prompt=lambda eps, K: (f"Label smoothing {eps:g}, {K} classes: at which logit gap (true "
                           "class minus each other class) is the loss smallest?"),
    question=lambda eps, K: (f"The best gap is ln((1 - ε + ε/K) / (ε/K)) = "
                             f"ln({_top(eps, K):g} / {eps / K:g}) ≈ "
                             f"{optimal_logit_gap(eps, K):.3f}."),
    expected=lambda eps, K: optimal_logit_gap(eps, K),
    hint="At the minimum p equals the smoothed target, so the gap is the log of the ratio "
         "of its two values: (1 - ε + ε/K) and ε/K.",
    solution=lambda eps, K: (f"cl.practice.optimal_logit_gap({eps:g}, {K}) = "
                             f"ln({_top(eps, K):g} / {eps / K:g}) = "
                             f"{optimal_logit_gap(eps, K):.3f}."),
    rtol=1e-4,
    mistakes=lambda eps, K: [
        (float(np.log((1 - eps) / (eps / K))), "the true class's target is 1 - ε + ε/K = "
         f"{_top(eps, K):g} (it gets its share of ε/K too), not 1 - ε.", "forgot_own_share"),
        (float(np.log((1 - eps) / eps)), f"the others get ε/K = {eps / K:g} each, not ε.",
         "eps_not_over_k"),
        (float(np.log(_top(eps, K) / eps)), f"the others get ε/K = {eps / K:g} each, not ε.",
         "eps_not_over_k"),
        (float(np.log(_top(eps, K) / (eps / K)) / np.log(10)), "that is log10; the logit "
         "gap uses the natural log.", "log10"),
    ],
    params=_gap_params,
    defaults={"eps": 0.1, "K": 10},
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
