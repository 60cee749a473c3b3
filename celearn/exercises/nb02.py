"""Exercises of notebook 02-binary-cross-entropy."""
import numpy as np

from ..activations import sigmoid
from ..datasets import bce_example
from ..gradients import bce_grad_logits
from ..losses import binary_cross_entropy
from . import Case, Exercise, Implement, clipped_variants, register

register(Exercise(
    id="02.cost_more",
    first_step='(a) has t = 0, so its loss is -ln(1 - 0.9); (b) has t = 1, so -ln 0.2.',
    question="(a) costs more: p = 0.9 with t = 0 costs 2.303 nats, p = 0.2 with t = 1 costs 1.609.",
    expected=lambda: ("a" if binary_cross_entropy(0, 0.9) > binary_cross_entropy(1, 0.2)
                      else "b"),
    choices=("a", "b", "same"),
    why_not=lambda: {
        "b": f"(b) costs -ln 0.2 = {float(binary_cross_entropy(1, 0.2)):.3f} nats, but (a) "
             f"costs -ln(1 - 0.9) = {float(binary_cross_entropy(0, 0.9)):.3f}: with t = 0 "
             "the loss uses 1 - p, the probability given to the true class 0.",
        "same": "They differ: with t = 0 the loss is -ln(1 - p), with t = 1 it is -ln p. "
                "Compute both.",
    },
    hint="For t = 0 the loss is -ln(1 - p); for t = 1 it is -ln p. Answer 'a' or 'b'.",
    solution="(a) -ln(1 - 0.9) = -ln 0.1 = 2.303; (b) -ln 0.2 = 1.609. So (a).",
))
register(Exercise(
    id="02.loss",
    prompt=lambda p: (f"The binary cross-entropy (nats) of a seal photo (t = 1) scored "
                      f"p = {p:g}?"),
    first_step=lambda p: f"t = 1 keeps the branch -ln p; here p = {p:g}.",
    question=lambda p: (f"A seal photo (t = 1) scored p = {p:g} costs -ln {p:g} = "
                        f"{float(binary_cross_entropy(1, p)):.3f} nats."),
    expected=lambda p: float(binary_cross_entropy(1, p)),
    hint="t = 1 keeps only the first branch, -ln p.",
    solution=lambda p: (f"L = -ln {p:g} = " + ("2 ln 2 = " if p == 0.25 else "")
                        + f"{float(binary_cross_entropy(1, p)):.3f} nats."),
    unit="nats",
    mistakes=lambda p: [
        (float(binary_cross_entropy(0, p)), "that is -ln(1 - p), the t = 0 branch; the "
         "seal photo has t = 1, so the loss is -ln p.", "wrong_branch"),
    ],
    # p = 0.05 ... 0.95 in steps of 0.05, not 0.5 (where both branches cost ln 2)
    params=lambda rng: {"p": round(float(rng.choice(
        [k for k in range(1, 20) if k != 10])) * 0.05, 2)},
    defaults={"p": 0.25},
))


_Z2 = 2.0  # the logit of exercise 02.grad (the notebook's variant)


register(Exercise(
    id="02.grad",
    prompt=lambda t, z: (f"Binary cross-entropy through the sigmoid, t = {t} and logit "
                         f"z = {z:g}: what is dL/dz?"),
    first_step=lambda t, z: f"p = cl.sigmoid({z:g}); the gradient is p - t with t = {t}.",
    question=lambda t, z: (f"With t = {t} and logit z = {z:g}, dL/dz = sigmoid({z:g}) - {t} "
                           f"= {float(bce_grad_logits(t, z)):.3f}."),
    expected=lambda t, z: float(bce_grad_logits(t, z)),
    hint="dL/dz = p - t with p = sigmoid(z); use cl.sigmoid.",
    solution=lambda t, z: (f"p = sigmoid({z:g}) = {float(sigmoid(z)):.3f}, so dL/dz = "
                           f"{float(sigmoid(z)):.3f} - {t} = {float(bce_grad_logits(t, z)):.3f}."),
    mistakes=lambda t, z: [
        (float(bce_grad_logits(1 - t, z)), f"that is p - {1 - t}, the gradient for "
         f"t = {1 - t}; here t = {t}.", "wrong_target"),
        (z - t, "that is z - t: the logit used where the probability p = σ(z) belongs "
         "(apply cl.sigmoid first).", "logit_for_probability"),
        (float(sigmoid(z) * (1 - sigmoid(z))), "that is σ'(z) = p(1 - p), the slope "
         "of the sigmoid alone; the chain rule through the loss leaves p - t.",
         "sigmoid_slope"),
    ],
    # t = 0 or 1, z = -4 ... 4 in steps of 0.5, not 0
    params=lambda rng: {"t": int(rng.integers(0, 2)),
                        "z": float(rng.choice([k / 2 for k in range(-8, 9) if k]))},
    defaults={"t": 0, "z": _Z2},
))
register(Exercise(
    id="02.mean",
    first_step="Compute the seven per-sample losses (reduction='none'), then average them.",
    question="The mean loss of the worked example is 4.4603 / 7 = 0.6372 nats.",
    expected=lambda: float(binary_cross_entropy(*bce_example())),
    hint="reduction='mean' is the default: the total divided by the number of samples.",
    solution="cl.binary_cross_entropy(t, p) = 4.460303 / 7 = 0.637186.",
    n=7, reduction="mean", unit="nats",
    mistakes=lambda: [
        (float(binary_cross_entropy(1 - bce_example().t, bce_example().p)),
         "that is the loss with the labels swapped (t and 1 - t): -ln p belongs to the "
         "samples with t = 1.", "labels_swapped"),
    ],
))
register(Exercise(
    id="02.coin",
    first_step='p = 0.5 costs -ln 0.5 = ln 2 per photo, whatever t is; there are 7 photos.',
    question="Seven coin-flip predictions (p = 0.5) cost 7 ln 2 = 4.852 nats: more than the model's 4.460.",
    expected=lambda: float(binary_cross_entropy(bce_example().t, [0.5] * 7, reduction="sum")),
    hint="Whatever t is, p = 0.5 costs -ln 0.5 = ln 2 per sample.",
    solution="Each sample costs ln 2 = 0.693, so the total is 7 ln 2 = 4.852 nats.",
    n=7, reduction="sum", unit="nats",
    mistakes=lambda: [
        (float(binary_cross_entropy(*bce_example(), reduction="sum")),
         "that is the model's total loss; the question asks for seven coin flips, "
         "p = 0.5 for every photo.", "model_not_coin"),
    ],
))


def my_bce(t, p):
    """Mean binary cross-entropy (a reference implementation)."""
    t, p = np.asarray(t), np.asarray(p)
    with np.errstate(divide="ignore", invalid="ignore"):
        # take each branch only where its weight is non-zero: 0 · ln 0 counts as 0
        pos = np.where(t > 0, t * np.log(np.where(t > 0, p, 1)), 0)
        neg = np.where(t < 1, (1 - t) * np.log(np.where(t < 1, 1 - p, 1)), 0)
    return np.mean(-(pos + neg))


def _bce_plus_eps(t, p, eps):
    """-(t ln(p + eps) + (1 - t) ln(1 - p + eps)), the 'add an eps' slip."""
    return np.mean(-(t * np.log(p + eps) + (1 - t) * np.log(1 - p + eps)))


def sp_logit(p):
    """ln(p / (1 - p)), the logit whose sigmoid is p."""
    with np.errstate(divide="ignore"):
        return np.log(p) - np.log1p(-p)


def _bce_one_branch(t, p):
    """-mean(t ln p): the t = 0 samples forgotten."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.mean(-np.where(t > 0, t * np.log(np.where(t > 0, p, 1)), 0))


def _labels(rng, n):
    t = rng.integers(0, 2, n)
    t[:2] = (0, 1)  # both classes present
    return t.astype(np.float64)


def _bce_cases(rng):
    ex = bce_example()
    return [
        Case("random t and p, N = 6",
             {"t": _labels(rng, 6), "p": rng.uniform(0.02, 0.98, 6)}),
        Case("the worked example (7 photos)",
             {"t": ex.t.astype(np.float64), "p": ex.p.astype(np.float64)}),
        Case("N = 1", {"t": np.array([1.0]), "p": np.array([0.3])}),
        Case("confident and right (p = 1 for t = 1, p = 0 for t = 0)",
             {"t": np.array([1.0, 0.0, 1.0]), "p": np.array([1.0, 0.0, 0.6])},
             why="a certain, correct prediction costs exactly 0; but t·ln p with t = 0, "
                 "p = 0 is 0·(−inf) = nan in numpy. Use only the branch that counts "
                 "(np.where on t, or scipy.special.xlogy)."),
        Case("confident and wrong (p = 0 for t = 1)",
             {"t": np.array([1.0, 0.0]), "p": np.array([0.0, 0.3])},
             why="-ln 0 is +inf, so the mean is inf: clipping p or adding an eps inside "
                 "the log gives a finite number instead (notebook 07 shows when "
                 "libraries do that)."),
        Case("float32 t and p",
             {"t": np.array([1, 0, 1], dtype=np.float32),
              "p": np.array([0.9, 0.2, 0.6], dtype=np.float32)},
             why="the result must keep the input's dtype (float32)."),
        Case("soft labels t = 0.3", {"t": np.array([0.3, 0.8]), "p": np.array([0.4, 0.6])},
             required=False,
             why="with soft labels both branches count: -(t ln p + (1 - t) ln(1 - p))."),
    ]


register(Implement(
    id="02.bce",
    question="Write f(t, p) returning the MEAN binary cross-entropy "
             "-(t ln p + (1 - t) ln(1 - p)) over the samples (one number). Required: "
             "random inputs, the worked example, N = 1, confident and right (loss exactly "
             "0, not nan), confident and wrong (inf), float32 kept. Soft labels are only "
             "a note.",
    signature="f(t, p)",
    reference=lambda t, p: binary_cross_entropy(t, p),
    cases=_bce_cases,
    solution=my_bce,
    reduction="mean",
    mistakes=lambda t, p: [
        (binary_cross_entropy(1 - t, p), "the branches are swapped: -ln p belongs to "
         "t = 1 and -ln(1 - p) to t = 0.", "labels_swapped"),
        (-binary_cross_entropy(t, p), "the sign is flipped: the loss is MINUS the "
         "log-likelihood, -(t ln p + (1 - t) ln(1 - p)).", "sign"),
        (_bce_one_branch(t, p), "only the t ln p branch is there: add "
         "(1 - t) ln(1 - p), the cost of the samples with t = 0.", "missing_branch"),
        *clipped_variants(lambda eps, mode: binary_cross_entropy(t, p, eps=eps)
                          if mode == "clip" else _bce_plus_eps(t, p, eps)),
    ],
    hint="-(t ln p + (1 - t) ln(1 - p)), averaged with np.mean.",
    input_slips=lambda t, p: [
        ({"t": t, "p": sp_logit(p)}, "your function treats p as logits (it applies a "
         "sigmoid): p is already a probability; use it directly.", "probability_as_logit"),
        ({"t": p, "p": t}, "your function reads its arguments the other way round: the "
         "order is f(t, p), target first.", "arguments_swapped"),
    ],
))
