"""Exercises of notebook 10-cross-entropy-in-practice."""
import numpy as np

from ..information import entropy
from ..losses import softmax_cross_entropy
from ..framework_options import sigmoid_focal_loss
from ..practice import double_softmax_floor, smoothed_target
from . import Case, Exercise, Implement, register

_Y, _Z, _W = [0, 1, 1], [[2.0, 0.0], [0.0, 1.0], [1.0, 0.0]], [1.0, 3.0]

register(Exercise(
    id="10.floor",
    question="(a): a softmax in front of a loss that applies softmax again cannot go below "
             "ln(1 + (K - 1)/e) = 0.551 for K = 3.",
    expected=lambda: "a",
    hint="Compute each candidate's floor: cl.practice.double_softmax_floor(3), and "
         "cl.entropy of the smoothed target for ε = 0.1, K = 3. Answer 'a', 'b' or 'c'.",
    choices=("a", "b", "c"),
    why_not=lambda: {
        "b": f"label smoothing with ε = 0.1 and K = 3 has the floor H(t_smooth) = "
             f"{float(entropy(smoothed_target(0, 3, 0.1))):.3f} nats, not "
             f"{double_softmax_floor(3):.3f}.",
        "c": "counting padding in the mean changes the number with the batch's padding; "
             "it has no fixed floor.",
    },
    solution="cl.practice.double_softmax_floor(3) = ln(1 + 2/e) = 0.5514: (a).",
))
register(Exercise(
    id="10.weighted_mean",
    question="F.cross_entropy(z, y, weight=w) divides the weighted sum by Σ w_y = 7.",
    expected=lambda: float(softmax_cross_entropy(_Y, _Z, weight=_W)),
    hint="Each sample's loss -ln p_y is multiplied by w_y; the mean divides by the sum of "
         "the weights used, not by N.",
    solution="cl.softmax_cross_entropy([0, 1, 1], z, weight=[1.0, 3.0]): the weighted sum "
             "over 1 + 3 + 3 = 7.",
    unit="nats",
    mistakes=lambda: [
        (float(softmax_cross_entropy(_Y, _Z, weight=_W, reduction="sum")) / 3,
         "that is the weighted sum divided by N = 3; PyTorch divides by the sum of the "
         "targets' weights, 1 + 3 + 3 = 7.", "divided_by_n"),
        (float(softmax_cross_entropy(_Y, _Z, weight=_W, reduction="sum")) / sum(_W),
         "that is the weighted sum divided by the sum of the class weights, 1 + 3 = 4; "
         "PyTorch divides by the weights of the targets, one per sample: 1 + 3 + 3 = 7.",
         "divided_by_class_weights"),
        (float(softmax_cross_entropy(_Y, _Z)), "that is the unweighted mean: the class "
         "weights are missing.", "unweighted"),
        (float(softmax_cross_entropy(_Y, _Z, weight=_W, reduction="sum")),
         "that is the weighted sum; the default reduction is the (weighted) mean.",
         "sum_for_mean"),
        (float(softmax_cross_entropy(_Y, _Z, weight=_W[::-1])), "the weights are swapped: "
         "w[0] = 1 belongs to class 0, w[1] = 3 to class 1.", "weights_swapped"),
    ],
))
_TF, _ZF = [1.0, 0.0, 0.0], [2.0, -1.0, 0.5]


def _focal(**kw):
    return np.asarray(sigmoid_focal_loss(_TF, _ZF, **kw), dtype=float)


register(Exercise(
    id="10.focal_defaults",
    question="torchvision's defaults are alpha = 0.25, gamma = 2, reduction 'none': "
             "cl.sigmoid_focal_loss(t, z, alpha=0.25, reduction='none').",
    expected=lambda: _focal(alpha=0.25, reduction="none"),
    hint="Look up torchvision.ops.sigmoid_focal_loss's signature (section 6): which alpha, "
         "which gamma, which reduction? Then pass those to cl.sigmoid_focal_loss.",
    solution="cl.sigmoid_focal_loss([1, 0, 0], [2.0, -1.0, 0.5], alpha=0.25, reduction='none').",
    rtol=1e-4,
    mistakes=lambda: [
        (_focal(reduction="none"), "that is without alpha (celearn's default); torchvision's "
         "default alpha = 0.25 multiplies the positive's term by 0.25 and the negatives' by "
         "0.75.", "no_alpha"),
        (_focal(alpha=0.75, reduction="none"), "alpha is applied the wrong way round: "
         "torchvision's alpha = 0.25 weights the *positives* (t = 1) by 0.25 and the "
         "negatives by 1 - alpha = 0.75.", "alpha_swapped"),
        (_focal(gamma=0.0, alpha=0.25, reduction="none"), "that is gamma = 0 (alpha-weighted "
         "cross-entropy); torchvision's default gamma is 2.", "gamma_zero"),
        (_focal(gamma=0.0, reduction="none"), "that is plain cross-entropy per element: "
         "neither the focal factor (gamma = 2) nor alpha = 0.25.", "plain_ce"),
    ],
))


def my_weighted_ce(y, z, w):
    """PyTorch's weighted mean cross-entropy (a reference)."""
    y, z, w = np.asarray(y), np.asarray(z, dtype=float), np.asarray(w, dtype=float)
    m = z.max(axis=1, keepdims=True)
    log_p = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    losses = -w[y] * log_p[np.arange(len(y)), y]
    return losses.sum() / w[y].sum()


def _weighted_cases(rng):
    n, k = 8, 4
    y = rng.integers(0, k, n)
    return [
        Case("random labels, logits and weights, N = 8, K = 4",
             {"y": y, "z": rng.normal(0, 2, (n, k)), "w": rng.uniform(0.2, 3, k)}),
        Case("weights [1, 3], labels [0, 1, 1]",
             {"y": np.array(_Y), "z": np.array(_Z), "w": np.array(_W)},
             why="the mean divides by the sum of the targets' weights, 1 + 3 + 3 = 7."),
        Case("logits ±1000", {"y": np.array([0, 1]), "z": np.array([[1000.0, -1000.0],
                                                                    [1000.0, -1000.0]]),
                              "w": np.array([1.0, 2.0])},
             why="exp(1000) overflows: subtract each row's max before exponentiating "
                 "(log-sum-exp). The exact answer is 2 * 2000 / 3."),
    ]


def _weighted_mistakes(y, z, w):
    return [
        (float(softmax_cross_entropy(y, z, weight=w, reduction="sum")) / len(y),
         "you divided by N; PyTorch divides the weighted sum by Σ w_y.", "divided_by_n"),
        (float(softmax_cross_entropy(y, z)), "that is the unweighted mean.", "unweighted"),
        (float(softmax_cross_entropy(y, z, weight=w, reduction="sum")),
         "that is the weighted sum; divide by Σ w_y.", "sum_for_mean"),
    ]


register(Implement(
    id="10.weighted_ce",
    question="Write f(y, z, w) returning PyTorch's F.cross_entropy(z, y, weight=w): the "
             "weighted sum of -ln softmax(z)[y] divided by Σ w_y. Required: random inputs, "
             "the exercise-2 batch, logits ±1000.",
    signature="f(y, z, w)",
    reference=lambda y, z, w: softmax_cross_entropy(y, z, weight=w),
    cases=_weighted_cases,
    solution=my_weighted_ce,
    mistakes=_weighted_mistakes,
    reduction="mean",
    hint="log_p = z - logsumexp(z) row by row; losses = -w[y] * log_p[range(N), y]; "
         "return losses.sum() / w[y].sum().",
))
