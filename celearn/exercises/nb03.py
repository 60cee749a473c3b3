"""Exercises of notebook 03-categorical-cross-entropy."""
import numpy as np

from ..datasets import cce_example
from ..losses import categorical_cross_entropy
from . import Exercise, register

register(Exercise(
    id="03.loss",
    question="A duck (class 2) predicted as (0.2, 0.5, 0.3) costs -ln 0.3 = 1.204 nats.",
    expected=lambda: float(categorical_cross_entropy(2, [0.2, 0.5, 0.3])),
    hint="Only the probability of the true class counts: -ln p_duck.",
    solution="L = -ln 0.3 = 1.204 nats.",
))
register(Exercise(
    id="03.same",
    question="They cost the same: both give the true class (panda) 0.4, so both cost -ln 0.4 = 0.916.",
    expected=lambda: {1: "a", -1: "b", 0: "same"}[int(np.sign(np.round(
        categorical_cross_entropy(0, [0.4, 0.3, 0.3])
        - categorical_cross_entropy(0, [0.4, 0.6, 0.0]), 12)))],
    hint="Which probabilities does the one-hot target keep? Answer 'a', 'b' or 'same'.",
    solution="Both keep p_panda = 0.4, so both cost -ln 0.4 = 0.916 nats: 'same'.",
))
register(Exercise(
    id="03.uniform",
    question="The uniform prediction over K = 3 classes costs ln 3 = 1.0986 nats, whatever the class.",
    expected=lambda: float(categorical_cross_entropy(0, np.full(3, 1 / 3))),
    hint="p_k = 1/3 for the true class, so L = -ln(1/3).",
    solution="L = -ln(1/3) = ln 3 = 1.0986 nats.",
))
register(Exercise(
    id="03.mean",
    question="The mean loss of the worked example is 2.2146 / 4 = 0.5536 nats.",
    expected=lambda: float(categorical_cross_entropy(*cce_example())),
    hint="reduction='mean' divides the sum of the per-sample losses by N = 4.",
    solution="cl.categorical_cross_entropy(t, p) = 2.214574 / 4 = 0.553644.",
))
