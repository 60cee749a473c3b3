"""Exercises of notebook 06-information-theory."""
import numpy as np

from ..information import cross_entropy, entropy, kl_divergence
from . import Exercise, register

register(Exercise(
    id="06.uniform8",
    question="A uniform distribution over 8 outcomes has entropy log2 8 = 3 bits.",
    expected=lambda: float(entropy(np.full(8, 1 / 8), base=2)),
    hint="Every outcome has p = 1/8, so every surprisal is -log2(1/8); the average is the same.",
    solution="H = -8 · (1/8) log2(1/8) = log2 8 = 3 bits: cl.entropy(np.full(8, 1/8), base=2).",
))
register(Exercise(
    id="06.kl",
    question="KL(p‖q) = 0.25 bits for p = (1/2, 1/4, 1/4), q = (1/4, 1/4, 1/2).",
    expected=lambda: float(kl_divergence([0.5, 0.25, 0.25], [0.25, 0.25, 0.5], base=2)),
    hint="KL = sum p_k log2(p_k / q_k); or H(p, q) - H(p) with base=2.",
    solution="KL = 1/2·log2 2 + 1/4·log2 1 + 1/4·log2(1/2) = 1/2 - 1/4 = 0.25 bits "
             "(= H(p, q) - H(p) = 1.75 - 1.5).",
))
register(Exercise(
    id="06.baseline",
    question="Predicting the class frequencies (0.5, 0.3, 0.2) for every sample costs "
             "H = 1.030 nats: any useful model must beat that.",
    expected=lambda: float(cross_entropy([0.5, 0.3, 0.2], [0.5, 0.3, 0.2])),
    hint="The baseline loss is the cross-entropy of the frequencies with themselves, "
         "i.e. their entropy (in nats).",
    solution="cl.entropy([0.5, 0.3, 0.2]) = 1.0297 nats.",
))
register(Exercise(
    id="06.perplexity",
    question="A loss of 2.3 nats per token is a perplexity of e^2.3 ≈ 9.97: as unsure as a "
             "fair choice among about 10 tokens.",
    expected=lambda: float(np.exp(2.3)),
    hint="Perplexity is e^loss when the loss is in nats (2^loss in bits).",
    solution="np.exp(2.3) = 9.974.",
))
register(Exercise(
    id="06.good",
    question="No: the baseline of a 95/5 binary task is only 0.199 nats, so 0.30 nats is worse "
             "than always predicting the frequencies.",
    expected=lambda: "yes" if 0.30 < float(entropy([0.95, 0.05])) else "no",
    hint="Compute the baseline cl.entropy([0.95, 0.05]) and compare it with 0.30. "
         "Answer 'yes' or 'no'.",
    solution="cl.entropy([0.95, 0.05]) = 0.199 nats < 0.30, so the model is worse than the "
             "baseline: 'no'.",
))
