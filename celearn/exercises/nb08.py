"""Exercises of notebook 08-likelihood-and-proper-scores."""
import numpy as np

from ..datasets import bce_example
from ..losses import binary_cross_entropy
from ..likelihood import best_report, coin_log_likelihood
from . import Case, Exercise, Implement, register

_GRID = np.linspace(0, 1, 20_001)


def _coin_params(rng):
    """h heads in n tosses, 2 <= h <= n - 2, not h = n/2 (where heads and tails tie)."""
    n = int(rng.choice([10, 20, 25, 40, 50, 100]))
    h = int(rng.choice([k for k in range(2, n - 1) if 2 * k != n]))
    return {"h": h, "n": n}


register(Exercise(
    id="08.coin_mle",
    prompt=lambda h, n: (f"A coin shows {h} heads in {n} tosses. Which q maximises the "
                         "likelihood?"),
    first_step=lambda h, n: (f"The log-likelihood is {h} ln q + {n - h} ln(1 - q); set its "
                             f"derivative {h}/q - {n - h}/(1 - q) to 0."),
    question=lambda h, n: (f"{h} heads in {n} tosses: the likelihood q^{h} (1 - q)^{n - h} is "
                           "largest at the observed frequency "
                           f"q = {h}/{n} = {h / n:g}."),
    expected=lambda h, n: float(_GRID[np.argmax(coin_log_likelihood(_GRID, h, n - h))]),
    hint=lambda h, n: f"Set the derivative of {h} ln q + {n - h} ln(1 - q) to zero.",
    solution=lambda h, n: f"{h}/q - {n - h}/(1 - q) = 0 gives q = {h}/{n} = {h / n:g}.",
    mistakes=lambda h, n: [
        (float(h), "that is the number of heads; q is a probability: divide by the number "
         "of tosses.", "count_not_frequency"),
        ((n - h) / n, "that is the frequency of tails; q is P(heads).", "tails"),
        (h / (n - h), "that is heads / tails (the odds); q is heads / all tosses.", "odds"),
    ],
    params=_coin_params,
    defaults={"h": 13, "n": 20},
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
    prompt=lambda K: (f"The loss (nats) to expect from an untrained {K}-class model with tiny "
                      "weights?"),
    first_step=lambda K: (f'Tiny weights give equal logits, so p = 1/{K} for every class, '
                          'the true one too.'),
    question=lambda K: (f"An untrained {K}-class model predicts about 1/{K} for every class, "
                        f"so it starts at -ln(1/{K}) = ln {K} ≈ {float(-np.log(1 / K)):.3f} "
                        "nats."),
    expected=lambda K: float(-np.log(1 / K)),
    hint="Tiny weights give logits near 0, so the softmax is uniform: p = 1/K for the true class.",
    solution=lambda K: f"ln {K} = {float(-np.log(1 / K)):.3f} nats: np.log({K}).",
    unit="nats",
    mistakes=lambda K: [
        (float(K), "that is K; the loss is -ln of the probability 1/K.", "k_not_log"),
        (1 / K, "that is the probability 1/K; the loss is -ln of it.", "probability"),
        (float(np.log10(K)), "that is log10; cross-entropy uses the natural log.", "log10"),
        (float(np.mean(-np.eye(K)[0] * np.log(np.full(K, 1 / K)))), "that is "
         f"-Σ t_k ln p_k divided by K = {K}: a mean over the classes (np.mean over the "
         "one-hot row). The loss sums over the classes, so only the true class's -ln(1/K) "
         "is left.", "mean_over_classes"),
    ],
    params=lambda rng: {"K": int(rng.choice([5, 10, 20, 26, 50, 200, 1000, 10000]))},
    defaults={"K": 100},
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
