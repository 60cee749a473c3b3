"""Exercises of notebook 09-calibration."""
import numpy as np

from ..activations import softmax
from ..calibration import expected_calibration_error, reliability_bins
from ..information import entropy
from . import Case, Exercise, Implement, register

_Z_DEMO = np.array([[3.0, 1.0, 0.0], [0.5, 2.0, -1.0], [0.0, 0.2, 0.1]])

register(Exercise(
    id="09.accuracy",
    first_step=('Dividing all logits by T > 0 keeps their order: the argmax, hence each '
                'prediction, stays.'),
    question="Still 0.85: z / T keeps the order of each sample's logits, so every prediction "
             "(the argmax) and hence the accuracy is unchanged.",
    expected=lambda: 0.85 * float(np.mean(softmax(_Z_DEMO / 2.5).argmax(1) == _Z_DEMO.argmax(1))),
    hint="Divide some logits by 2.5 and compare their argmax before and after.",
    solution="Temperature scaling never changes the argmax: 0.85.",
    mistakes=lambda: [
        (0.85 / 2.5, "the accuracy is not divided by T: only the logits are, and dividing them "
         "all by the same T > 0 keeps their order.", "divided"),
        (0.85 * 2.5, "the accuracy is not multiplied by T: z / T keeps the order of the logits.",
         "multiplied"),
    ],
))
_T_ONE = np.array([0] * 72 + [1] * 28)
_P_ONE = np.tile([0.9, 0.1], (100, 1))
register(Exercise(
    id="09.one_bin",
    first_step='In the one bin the accuracy is 72/100 and the mean confidence 0.9.',
    question="One bin: ECE = |accuracy - confidence| = |0.72 - 0.9| = 0.18.",
    expected=lambda: expected_calibration_error(_T_ONE, _P_ONE),
    hint="All 100 samples fall in the same bin; the ECE is |acc - conf| weighted by 100/100.",
    solution="|0.72 - 0.90| = 0.18.",
    mistakes=lambda: [
        (0.72, "that is the accuracy; the ECE is its gap to the confidence 0.9.", "accuracy"),
        (-0.18, "the ECE takes the absolute value of the gap: it is never negative.", "sign"),
        (18.0, "that is a percentage; give the ECE as a fraction (0 to 1).", "percent"),
    ],
))
register(Exercise(
    id="09.smooth_floor",
    first_step='The smoothed target is t = 0.9·one-hot + 0.1/10; the best p is t itself.',
    question="The smoothed target (0.91, 0.01, ..., 0.01) has entropy ≈ 0.500 nats: even the "
             "perfect p = t pays that.",
    expected=lambda: float(entropy(0.9 * np.eye(10)[0] + 0.1 / 10)),
    hint="The loss against a soft target t is at least H(t) (notebook 06); build t = "
         "(1 - ε)·one-hot + ε/K and take its entropy.",
    solution="cl.entropy(0.9 * np.eye(10)[0] + 0.1 / 10) = 0.500 nats.",
    unit="nats",
    mistakes=lambda: [
        (0.0, "with a smoothed target the loss cannot reach 0: p = one-hot gives -0.01·ln 0 "
         "terms = inf, and the best p (= t) still pays H(t).", "zero"),
        (float(np.log(10)), "that is ln K, the uniform prediction's loss; the best prediction "
         "is p = t, which costs H(t).", "ln_k"),
        (float(-np.log(0.91)), "that counts only the true class's term -0.91·ln 0.91 / 0.91; "
         "the other nine classes have target 0.01 each and add to the loss.", "true_only"),
        (float(entropy(0.9 * np.eye(10)[0] + 0.1 / 9 * (1 - np.eye(10)[0]))),
         "that spreads ε over the K - 1 other classes; the usual rule (PyTorch, Keras) gives "
         "ε/K to every class, the true one included: t = (1 - ε)·one-hot + ε/K.",
         "k_minus_1"),
    ],
))
register(Exercise(
    id="09.diagnose",
    first_step=('Accuracy flat means the ranking is unchanged; a rising loss means the logits '
                'grow too large.'),
    question="Overconfident: the predictions are unchanged, but the wrong ones are made with "
             "growing confidence; a fitted T is above 1.",
    expected=lambda: "overconfident",
    hint="The ranking (accuracy) is unchanged; what happened to the size of the logits?",
    choices=("overconfident", "underconfident"),
    synonyms={"overconfident": ("over confident", "over-confident", "too confident", "over"),
              "underconfident": ("under confident", "under-confident", "not confident enough",
                                 "under")},
    why_not=lambda: {"underconfident": "an underconfident model's loss falls when it gets "
                     "bolder; here the loss rises because its mistakes are made with "
                     "confidence near 1 (each costs -ln of a tiny probability)."},
    parts=(("above", "below"),
           {"above": ("above 1", "t > 1", "> 1", "greater than 1", "larger than 1",
                      "higher", "bigger", "over 1", "more than 1", "t above 1"),
            "below": ("below 1", "t < 1", "< 1", "less than 1", "smaller than 1", "lower",
                      "under 1", "t below 1")},
           "above"),
    solution="'overconfident' (fitted T > 1).",
))


def my_ece(t, p, n_bins=15):
    t, p = np.asarray(t), np.asarray(p, dtype=float)
    conf, correct = p.max(axis=1), p.argmax(axis=1) == t
    edges = np.linspace(0, 1, n_bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        inside = (conf > lo) & (conf <= hi)  # ((m-1)/M, m/M]
        if inside.any():
            ece += inside.mean() * abs(correct[inside].mean() - conf[inside].mean())
    return ece


def _ece_cases(rng):
    n = 200
    p = softmax(rng.normal(0, 2, (n, 4)))
    t = np.minimum((np.cumsum(softmax(rng.normal(0, 1, (n, 4))), 1) < rng.random((n, 1))).sum(1), 3)
    edge = np.array([[0.6, 0.4], [0.38, 0.62], [0.2, 0.8], [0.81, 0.19]])  # 0.6 = 9/15, 0.8 = 12/15
    return [
        Case("200 random predictions, K = 4", {"t": t, "p": p}),
        Case("confidences on bin edges 0.6 = 9/15 and 0.8 = 12/15",
             {"t": np.array([0, 0, 1, 1]), "p": edge},
             why="a confidence exactly on an edge m/M belongs to the bin BELOW it: bins are "
                 "((m-1)/M, m/M], closed on the right (conf > lo and conf <= hi)."),
        Case("certain predictions (confidence 1)",
             {"t": np.array([0, 1, 2]), "p": np.array([[1.0, 0, 0], [1.0, 0, 0], [0, 0, 1.0]])},
             why="confidence 1 belongs to the last bin ((M-1)/M, 1]."),
        Case("a single sample", {"t": np.array([2]), "p": np.array([[0.2, 0.3, 0.5]])},
             why="one sample, one bin: the ECE is |0 - 0.5| = 0.5 (the top label 2 is right: "
                 "|1 - 0.5|)."),
    ]


def _left_closed_ece(t, p, n_bins=15):
    conf, correct = p.max(1), p.argmax(1) == t
    ids = np.minimum(np.floor(conf * n_bins).astype(int), n_bins)  # [lo, hi); 1.0 -> bin M
    ids_ok = ids < n_bins                                           # conf = 1 falls outside
    total = 0.0
    for m in np.unique(ids[ids_ok]):
        inside = ids_ok & (ids == m)
        total += inside.mean() * abs(correct[inside].mean() - conf[inside].mean())
    return total


def _ece_mistakes(t, p):
    bins = reliability_bins(t, p)
    full = bins.count > 0
    gaps = np.abs(bins.accuracy[full] - bins.confidence[full])
    conf = p.max(1)
    acc = np.mean(p.argmax(1) == t)
    out = [
        (float(np.sum([bins.count[m] / len(t) * (bins.accuracy[m] - bins.confidence[m])
                       for m in np.flatnonzero(full)])),
         "the absolute value of each bin's gap |accuracy - confidence| is missing: without "
         "it gaps of opposite signs cancel, and the weighted sum is just the overall "
         "accuracy minus the mean confidence.", "no_abs"),
        (_left_closed_ece(t, p), "your bins are closed on the LEFT, [lo, hi): a confidence "
         "exactly on an edge m/M (here 0.6 = 9/15, or 1.0) lands one bin too high or outside "
         "every bin. Use ((m-1)/M, m/M]: conf > lo and conf <= hi.", "left_closed"),
        (float(gaps.mean()), "that is the plain mean of the per-bin gaps; weight each gap by "
         "its share of the samples, |B_m| / N.", "unweighted"),
        (float(abs(acc - conf.mean())), "that is |accuracy - mean confidence| over ALL samples "
         "(one bin); the ECE bins by confidence first, then averages the per-bin gaps.",
         "one_bin"),
        (float(reliability_bins(t, p, n_bins=10).ece), "that uses 10 bins; the question "
         "asks for 15.", "ten_bins"),
    ]
    true_conf = p[np.arange(len(t)), t]
    if not np.allclose(true_conf, conf):
        out.append((float(np.abs(np.mean(p.argmax(1) == t) - true_conf.mean())),
                    "that uses the probability of the TRUE class; the ECE uses the top label's "
                    "probability max_k p_k (the model's confidence in its own prediction).",
                    "true_class_prob"))
    return out


register(Implement(
    id="09.ece",
    question="Write f(t, p) returning the expected calibration error with 15 equal-width bins "
             "((m-1)/15, m/15] of the top-label confidence max_k p_k, each bin's |accuracy - "
             "mean confidence| weighted by its share of the samples. Required: random "
             "predictions, confidences on bin edges, certain predictions, a single sample.",
    signature="f(t, p)",
    reference=lambda t, p: expected_calibration_error(t, p, n_bins=15),
    cases=_ece_cases,
    solution=my_ece,
    mistakes=_ece_mistakes,
    unit=None,
    hint="conf = p.max(1); correct = p.argmax(1) == t; for each bin (lo, hi]: "
         "share · |mean(correct) - mean(conf)|.",
))
