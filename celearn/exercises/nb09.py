"""Exercises of notebook 09-calibration."""
import numpy as np

from ..activations import softmax
from ..calibration import expected_calibration_error, reliability_bins
from ..information import entropy
from . import Case, Exercise, Implement, register

_Z_DEMO = np.array([[3.0, 1.0, 0.0], [0.5, 2.0, -1.0], [0.0, 0.2, 0.1]])

register(Exercise(
    id="09.accuracy",
    prompt=lambda acc, T: (f"A model's accuracy is {acc:g}; temperature scaling fits "
                           f"T = {T:g}. Its accuracy afterwards?"),
    first_step=('Dividing all logits by T > 0 keeps their order: the argmax, hence each '
                'prediction, stays.'),
    question=lambda acc, T: (f"Still {acc:g}: z / T keeps the order of each sample's logits, "
                             "so every prediction (the argmax) and hence the accuracy is "
                             "unchanged."),
    expected=lambda acc, T: acc * float(np.mean(softmax(_Z_DEMO / T).argmax(1)
                                                == _Z_DEMO.argmax(1))),
    hint=lambda acc, T: (f"Divide some logits by {T:g} and compare their argmax before and "
                         "after."),
    solution=lambda acc, T: f"Temperature scaling never changes the argmax: {acc:g}.",
    mistakes=lambda acc, T: [
        (acc / T, "the accuracy is not divided by T: only the logits are, and dividing them "
         "all by the same T > 0 keeps their order.", "divided"),
        (acc * T, "the accuracy is not multiplied by T: z / T keeps the order of the logits.",
         "multiplied"),
    ],
    # accuracy 0.60 ... 0.97; a fitted T above 1 (overconfident) or below (underconfident)
    params=lambda rng: {"acc": int(rng.integers(60, 98)) / 100,
                        "T": float(rng.choice([0.5, 0.8, 1.2, 1.5, 1.8, 2, 2.5, 3, 4]))},
    defaults={"acc": 0.85, "T": 2.5},
))


def _one_bin(right, conf):
    """100 samples, all predicted class 0 with confidence ``conf``, ``right`` of them right."""
    return np.array([0] * right + [1] * (100 - right)), np.tile([conf, 1 - conf], (100, 1))


def _one_bin_params(rng):
    conf = int(rng.integers(60, 100)) / 100
    right = int(rng.choice([r for r in range(50, 100)
                            if abs(r - 100 * conf) >= 3 and r != 50 * conf]))
    return {"right": right, "conf": conf}


def _gap(right, conf):
    return round(abs(right / 100 - conf), 10)


register(Exercise(
    id="09.one_bin",
    prompt=lambda right, conf: (f"A model predicts {conf:g} for 100 samples and is right on "
                                f"{right} (one bin). Its ECE?"),
    first_step=lambda right, conf: (f'In the one bin the accuracy is {right}/100 and the mean '
                                    f'confidence {conf:g}.'),
    question=lambda right, conf: (f"One bin: ECE = |accuracy - confidence| = "
                                  f"|{right / 100:g} - {conf:g}| = {_gap(right, conf):g}."),
    expected=lambda right, conf: expected_calibration_error(*_one_bin(right, conf)),
    hint="All 100 samples fall in the same bin; the ECE is |acc - conf| weighted by 100/100.",
    solution=lambda right, conf: (f"|{right / 100:.2f} - {conf:.2f}| = "
                                  f"{_gap(right, conf):g}."),
    mistakes=lambda right, conf: [
        (right / 100, f"that is the accuracy; the ECE is its gap to the confidence {conf:g}.",
         "accuracy"),
        (-_gap(right, conf), "the ECE takes the absolute value of the gap: it is never "
         "negative.", "sign"),
        (100 * _gap(right, conf), "that is a percentage; give the ECE as a fraction (0 to 1).",
         "percent"),
    ],
    params=_one_bin_params,
    defaults={"right": 72, "conf": 0.9},
))


def _smooth_params(rng):
    return {"eps": float(rng.choice([0.05, 0.1, 0.2, 0.25, 0.3])),
            "K": int(rng.choice([4, 5, 10, 20, 50, 100]))}


def _smoothed(eps, K):
    return (1 - eps) * np.eye(K)[0] + eps / K


_NUMBER_WORDS = {3: "three", 4: "four", 9: "nine"}


register(Exercise(
    id="09.smooth_floor",
    prompt=lambda eps, K: (f"Label smoothing {eps:g} with {K} classes: the lowest loss (nats) "
                           "a model can reach on one sample?"),
    first_step=lambda eps, K: (f'The smoothed target is t = {1 - eps:g}·one-hot + {eps:g}/{K}; '
                               'the best p is t itself.'),
    question=lambda eps, K: (f"The smoothed target ({1 - eps + eps / K:g}, {eps / K:g}, ..., "
                             f"{eps / K:g}) has entropy ≈ "
                             f"{float(entropy(_smoothed(eps, K))):.3f} nats: even the perfect "
                             "p = t pays that."),
    expected=lambda eps, K: float(entropy(_smoothed(eps, K))),
    hint="The loss against a soft target t is at least H(t) (notebook 06); build t = "
         "(1 - ε)·one-hot + ε/K and take its entropy.",
    solution=lambda eps, K: (f"cl.entropy({1 - eps:g} * np.eye({K})[0] + {eps:g} / {K}) = "
                             f"{float(entropy(_smoothed(eps, K))):.3f} nats."),
    unit="nats",
    mistakes=lambda eps, K: [
        (0.0, f"with a smoothed target the loss cannot reach 0: p = one-hot gives "
         f"-{eps / K:g}·ln 0 terms = inf, and the best p (= t) still pays H(t).", "zero"),
        (float(np.log(K)), "that is ln K, the uniform prediction's loss; the best prediction "
         "is p = t, which costs H(t).", "ln_k"),
        (float(-np.log(1 - eps + eps / K)), "that counts only the true class's term "
         f"-{1 - eps + eps / K:g}·ln {1 - eps + eps / K:g} / {1 - eps + eps / K:g}; the other "
         f"{_NUMBER_WORDS.get(K - 1, K - 1)} classes have target {eps / K:g} each and add to "
         "the loss.", "true_only"),
        (float(entropy((1 - eps) * np.eye(K)[0] + eps / (K - 1) * (1 - np.eye(K)[0]))),
         "that spreads ε over the K - 1 other classes; the usual rule (PyTorch, Keras) gives "
         "ε/K to every class, the true one included: t = (1 - ε)·one-hot + ε/K.",
         "k_minus_1"),
    ],
    params=_smooth_params,
    defaults={"eps": 0.1, "K": 10},
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
