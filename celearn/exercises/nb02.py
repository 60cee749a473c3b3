"""Exercises of notebook 02-binary-cross-entropy."""
from ..datasets import bce_example
from ..gradients import bce_grad_logits
from ..losses import binary_cross_entropy
from . import Exercise, register

register(Exercise(
    id="02.cost_more",
    question="(a) costs more: p = 0.9 with t = 0 costs 2.303 nats, p = 0.2 with t = 1 costs 1.609.",
    expected=lambda: ("a" if binary_cross_entropy(0, 0.9) > binary_cross_entropy(1, 0.2)
                      else "b"),
    hint="For t = 0 the loss is -ln(1 - p); for t = 1 it is -ln p. Answer 'a' or 'b'.",
    solution="(a) -ln(1 - 0.9) = -ln 0.1 = 2.303; (b) -ln 0.2 = 1.609. So (a).",
))
register(Exercise(
    id="02.loss",
    question="A seal photo (t = 1) scored p = 0.25 costs -ln 0.25 = 1.386 nats.",
    expected=lambda: float(binary_cross_entropy(1, 0.25)),
    hint="t = 1 keeps only the first branch, -ln p.",
    solution="L = -ln 0.25 = 2 ln 2 = 1.386 nats.",
))
register(Exercise(
    id="02.grad",
    question="With t = 0 and logit z = 2, dL/dz = sigmoid(2) - 0 = 0.881.",
    expected=lambda: float(bce_grad_logits(0, 2.0)),
    hint="dL/dz = p - t with p = sigmoid(z); use cl.sigmoid.",
    solution="p = sigmoid(2) = 0.881, so dL/dz = 0.881 - 0 = 0.881.",
))
register(Exercise(
    id="02.mean",
    question="The mean loss of the worked example is 4.4603 / 7 = 0.6372 nats.",
    expected=lambda: float(binary_cross_entropy(*bce_example())),
    hint="reduction='mean' is the default: the total divided by the number of samples.",
    solution="cl.binary_cross_entropy(t, p) = 4.460303 / 7 = 0.637186.",
))
register(Exercise(
    id="02.coin",
    question="Seven coin-flip predictions (p = 0.5) cost 7 ln 2 = 4.852 nats: more than the model's 4.460.",
    expected=lambda: float(binary_cross_entropy(bce_example().t, [0.5] * 7, reduction="sum")),
    hint="Whatever t is, p = 0.5 costs -ln 0.5 = ln 2 per sample.",
    solution="Each sample costs ln 2 = 0.693, so the total is 7 ln 2 = 4.852 nats.",
))
