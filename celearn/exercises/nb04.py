"""Exercises of notebook 04-softmax-jacobian."""
import numpy as np

from ..activations import softmax, softmax_jacobian
from ..gradients import cce_grad_logits
from . import Exercise, register

register(Exercise(
    id="04.shift",
    question="Adding 100 to every logit changes nothing: softmax is shift-invariant.",
    expected=lambda: ("no" if np.allclose(softmax(np.array([1.0, 2.0, 3.0]) + 100),
                                          softmax([1.0, 2.0, 3.0])) else "yes"),
    hint="exp(z_i + c) = exp(c) exp(z_i): the factor exp(c) cancels. Answer 'yes' or 'no'.",
    solution="No: softmax(z + c) = softmax(z) for every constant c.",
))
register(Exercise(
    id="04.entry",
    question="For z = (1, 2, 3), dp_1/dz_3 = -p_1 p_3 = -0.0599.",
    expected=lambda: float(softmax_jacobian([1.0, 2.0, 3.0])[0, 2]),
    hint="Off the diagonal (i ≠ j) the entry is -p_i p_j; compute p = cl.softmax(z) first "
         "(classes are numbered from 1 in the text, from 0 in numpy).",
    solution="p = softmax(1, 2, 3) = (0.090, 0.245, 0.665), so -p_1 p_3 = -0.0599; "
             "or cl.softmax_jacobian(z)[0, 2].",
))
register(Exercise(
    id="04.grad",
    question="For z = (0, 0, 0, 0) and true class 3, dL/dz = p - t = (0.25, 0.25, -0.75, 0.25).",
    expected=lambda: cce_grad_logits(2, np.zeros(4)),
    hint="All logits equal: p is uniform, 1/4 each. Subtract the one-hot target "
         "(class 3 is index 2).",
    solution="p = (1/4, 1/4, 1/4, 1/4), t = (0, 0, 1, 0), so p - t = (0.25, 0.25, -0.75, 0.25); "
             "or cl.cce_grad_logits(2, np.zeros(4)).",
))
register(Exercise(
    id="04.trace",
    question="The Jacobian's diagonal sums to 1 - sum p_i² = 0.4972 for z = (2, 1, 0.1).",
    expected=lambda: float(np.trace(softmax_jacobian([2.0, 1.0, 0.1]))),
    hint="The diagonal entries are p_i(1 - p_i); add them up (np.trace).",
    solution="sum p_i(1 - p_i) = 1 - sum p_i² = 0.4972: np.trace(cl.softmax_jacobian(z)).",
))
