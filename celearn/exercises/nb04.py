"""Exercises of notebook 04-softmax-jacobian."""
import numpy as np

from ..activations import softmax, softmax_jacobian
from ..gradients import cce_grad_logits
from . import Case, Exercise, Implement, register

_Z = [1.0, 2.0, 3.0]

register(Exercise(
    id="04.shift",
    first_step='Compare cl.softmax(z + 100) with cl.softmax(z) for z = (1, 2, 3) (np.allclose).',
    question="Adding 100 to every logit changes nothing: softmax is shift-invariant.",
    expected=lambda: ("no" if np.allclose(softmax(np.array(_Z) + 100), softmax(_Z))
                      else "yes"),
    choices=("yes", "no"),
    why_not=lambda: {
        "yes": "Try it: cl.softmax(z + 100) and cl.softmax(z) are equal (max difference "
               f"{float(np.max(np.abs(softmax(np.array(_Z) + 100) - softmax(_Z)))):.1e}), "
               "because exp(z_i + c) = exp(c) exp(z_i) and exp(c) cancels in the ratio.",
    },
    hint="exp(z_i + c) = exp(c) exp(z_i): the factor exp(c) cancels. Answer 'yes' or 'no'.",
    solution="No: softmax(z + c) = softmax(z) for every constant c.",
))


def _entry_mistakes():
    J = softmax_jacobian(_Z)
    p = softmax(_Z)
    out = []
    for i in range(3):
        for j in range(3):
            if (i, j) not in ((0, 2), (2, 0)):  # J is symmetric: (3, 1) is also right
                out.append((float(J[i, j]), f"that is the entry ∂p_{i}/∂z_{j} (index "
                            f"[{i}, {j}]); the question asks for ∂p_0/∂z_2, index [0, 2] "
                            "(classes are numbered from 0, as numpy counts).",
                            "class_index"))
    out.append((float(p[0] * (1 - p[0])), "that is p_0(1 - p_0), a diagonal entry; off "
                "the diagonal (i ≠ j) the entry is -p_i p_j.", "diagonal_formula"))
    return out


register(Exercise(
    id="04.entry",
    first_step=('p = cl.softmax([1., 2, 3]) = (0.090, 0.245, 0.665); the entry [0, 2] is off the '
                'diagonal.'),
    question="For z = (1, 2, 3), ∂p_0/∂z_2 = -p_0 p_2 = -0.0599.",
    expected=lambda: float(softmax_jacobian(_Z)[0, 2]),
    hint="Off the diagonal (i ≠ j) the entry is -p_i p_j; compute p = cl.softmax(z) first "
         "(classes are numbered from 0, as numpy counts).",
    solution="p = softmax(1, 2, 3) = (0.090, 0.245, 0.665), so -p_0 p_2 = -0.0599; "
             "or cl.softmax_jacobian(z)[0, 2].",
    mistakes=_entry_mistakes,
))
register(Exercise(
    id="04.grad",
    first_step='Equal logits give p = (1/4, 1/4, 1/4, 1/4); t is the one-hot row of class 2.',
    question="For z = (0, 0, 0, 0) and true class 2, dL/dz = p - t = (0.25, 0.25, -0.75, 0.25).",
    expected=lambda: cce_grad_logits(2, np.zeros(4)),
    hint="All logits equal: p is uniform, 1/4 each. Subtract the one-hot target "
         "of class 2 (the third entry: classes are numbered from 0).",
    solution="p = (1/4, 1/4, 1/4, 1/4), t = (0, 0, 1, 0), so p - t = (0.25, 0.25, -0.75, 0.25); "
             "or cl.cce_grad_logits(2, np.zeros(4)).",
    mistakes=lambda: [
        (cce_grad_logits(3, np.zeros(4)), "the -0.75 is at index 3: class 2 is index 2 "
         "(classes are numbered from 0).", "class_index"),
        (cce_grad_logits(1, np.zeros(4)), "the -0.75 is at index 1: class 2 is index 2, "
         "the third entry.", "class_index"),
        (softmax(np.zeros(4)), "that is p alone: subtract the one-hot target t.",
         "forgot_target"),
    ],
))
register(Exercise(
    id="04.trace",
    first_step='p = cl.softmax([2.0, 1.0, 0.1]); the diagonal entries are p_i(1 - p_i).',
    question="The Jacobian's diagonal sums to 1 - sum p_i² = 0.4972 for z = (2, 1, 0.1).",
    expected=lambda: float(np.trace(softmax_jacobian([2.0, 1.0, 0.1]))),
    hint="The diagonal entries are p_i(1 - p_i); add them up (np.trace).",
    solution="sum p_i(1 - p_i) = 1 - sum p_i² = 0.4972: np.trace(cl.softmax_jacobian(z)).",
    mistakes=lambda: [
        (float(np.sum(softmax([2.0, 1.0, 0.1]) ** 2)), "that is Σp_i², the part that is "
         "subtracted: the diagonal sums to Σ p_i(1 - p_i) = 1 - Σp_i².", "complement"),
        (float(np.sum(softmax_jacobian([2.0, 1.0, 0.1]))), "that is the sum of ALL "
         "entries (0, since every row sums to 0); the question asks for the diagonal "
         "only (np.trace).", "all_entries"),
    ],
))


def my_softmax(z):
    """Softmax along the last axis, stable for any finite logits (a reference)."""
    z = np.asarray(z)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))   # the largest exponent is e^0 = 1
    return e / np.sum(e, axis=-1, keepdims=True)


def my_softmax_jacobian(z):
    """Jacobian diag(p) - p pᵀ of softmax at z of shape (K,) (a reference)."""
    p = my_softmax(z)
    return np.diag(p) - np.outer(p, p)


_OVERFLOW = ("overflow: exp(1000) is inf in float64, and inf / inf is nan. Softmax is "
             "shift-invariant (this notebook): subtract the max of each row first, "
             "softmax(z) = softmax(z - max z), so the largest exponent is e^0 = 1.")
_UNDERFLOW = ("underflow: exp(-1000) is 0 in float64, so every term is 0 and 0 / 0 is nan. "
              "Subtract the max of each row first: the largest term becomes e^0 = 1.")


def _softmax_cases(rng):
    return [
        Case("random logits, shape (4,)", {"z": rng.normal(0, 2, 4)}),
        Case("random logits, shape (3, 5)", {"z": rng.normal(0, 2, (3, 5))},
             why="softmax runs along the LAST axis: each row sums to 1 (axis=-1, "
                 "keepdims=True)."),
        Case("logits [1000, 0, -1000]", {"z": np.array([1000.0, 0.0, -1000.0])},
             why=_OVERFLOW),
        Case("logits [-1000, -1000, -1000]", {"z": np.array([-1000.0, -1000.0, -1000.0])},
             why=_UNDERFLOW),
        Case("rows far apart [[1000, 0], [-1000, -1001]]",
             {"z": np.array([[1000.0, 0.0], [-1000.0, -1001.0]])},
             why="the rows' logits are 2000 apart: each row needs its own max subtracted "
                 "(np.max(z, axis=-1, keepdims=True)) so that its largest term is e^0 = 1."),
        Case("float32 logits [100, 0]", {"z": np.array([100.0, 0.0], dtype=np.float32)},
             why="in float32 exp overflows already above 88.7 (exp(100) is inf): subtract "
                 "the max first; and the result must stay float32."),
    ]


def _softmax_mistakes(z):
    out = []
    if np.ndim(z) == 2:
        out.append((softmax(z, axis=0), "you normalised along axis 0 (each column sums to "
                    "1); softmax runs along the last axis, each row sums to 1: "
                    "np.sum(..., axis=-1, keepdims=True).", "wrong_axis"))
        out.append((np.exp(z) / np.sum(np.exp(z)), "you divided by the sum over the whole "
                    "array; each row must be normalised on its own: np.sum(..., axis=-1, "
                    "keepdims=True).", "wrong_axis"))
    if np.ndim(z) == 2:
        with np.errstate(all="ignore"):
            e = np.exp(z - np.max(z))
            out.append((e / np.sum(e, axis=-1, keepdims=True), "you subtracted the max of "
                        "the whole array: a row far below it underflows to exp(-2000) = 0 "
                        "and 0 / 0 = nan. Subtract the max of EACH row: np.max(z, axis=-1, "
                        "keepdims=True).", "global_max"))
    for bound in (10.0, 30.0, 50.0, 80.0, 88.0, 100.0, 500.0, 700.0, 709.0):
        out.append((softmax(np.clip(z, -bound, bound)), "that is the softmax of "
                    "clipped logits (np.clip): clipping changes the logits "
                    "(and so the answer) wherever they are that far apart. Subtract each "
                    "row's max instead: it changes nothing, by the shift invariance.",
                    "clipped_logits"))
    out.append((np.exp(z - np.max(z, axis=-1, keepdims=True)), "these are the "
                "exponentials exp(z - max z), not yet divided by their sum.",
                "not_normalised"))
    out.append((np.exp(z), "these are exp(z) without the division by their sum.",
                "not_normalised"))
    return out


register(Implement(
    id="04.softmax",
    question="Write f(z) returning softmax(z) along the last axis, for z of shape (K,) or "
             "(N, K). Required: random logits in both shapes (each row sums to 1), logits "
             "[1000, 0, -1000] and [-1000, -1000, -1000] and rows far apart (no nan: "
             "use the shift invariance, row by row), float32 [100, 0] (finite, stays float32).",
    signature="f(z)",
    reference=lambda z: softmax(z),
    cases=_softmax_cases,
    solution=my_softmax,
    mistakes=lambda z: _softmax_mistakes(z),
    unit=None,
    hint="exp(z - max z) / its sum, along axis=-1 with keepdims=True.",
))


def _jacobian_cases(rng):
    return [
        Case("random logits, K = 3", {"z": rng.normal(0, 1, 3)}),
        Case("random logits, K = 5", {"z": rng.normal(0, 2, 5)}),
        Case("equal logits (0, 0, 0)", {"z": np.zeros(3)},
             why="p = (1/3, 1/3, 1/3): the diagonal is 1/3 - 1/9, off the diagonal -1/9."),
        Case("float32 logits", {"z": np.array([0.5, -1.0, 2.0], dtype=np.float32)},
             why="the result must keep the input's dtype (float32)."),
        Case("logits [1000, 0, -1000]", {"z": np.array([1000.0, 0.0, -1000.0])},
             required=False, why=_OVERFLOW),
    ]


def _jacobian_mistakes(z):
    p = softmax(z)
    return [
        (np.diag(p * (1 - p)), "only the diagonal p_i(1 - p_i) is filled: the "
         "off-diagonal entries are -p_i p_j (every p_i depends on every z_j).",
         "diagonal_only"),
        (np.diag(p) + np.outer(p, p), "the sign of p pᵀ is flipped: J = diag(p) - p pᵀ.",
         "sign"),
        (-softmax_jacobian(z), "the sign is flipped: J = diag(p) - p pᵀ, so the diagonal "
         "p_i(1 - p_i) is positive.", "sign"),
        (np.diag(p) - p ** 2, "you subtracted p² elementwise (broadcast along rows) "
         "instead of the outer product p pᵀ (np.outer(p, p)).", "not_outer"),
        (np.diag(p) - np.sum(p * p), "you subtracted the number Σp² from every entry: "
         "for a 1-D p, p @ p.T (or p.dot(p)) is the dot product, not the outer product "
         "p pᵀ; use np.outer(p, p).", "not_outer"),
        (np.outer(p, 1 - p), "that is p_i(1 - p_j) everywhere: off the diagonal the "
         "entry is -p_i p_j.", "diagonal_formula_everywhere"),
    ]


register(Implement(
    id="04.softmax_jacobian",
    question="Write f(z) returning the (K, K) Jacobian of softmax at z of shape (K,): "
             "J[i, j] = ∂p_i/∂z_j = p_i(δ_ij - p_j), i.e. diag(p) - p pᵀ. Required: random "
             "logits (K = 3 and 5), equal logits, float32 kept. Logits [1000, 0, -1000] "
             "are only a note (they need a stable softmax inside).",
    signature="f(z)",
    reference=lambda z: softmax_jacobian(z),
    cases=_jacobian_cases,
    solution=my_softmax_jacobian,
    mistakes=lambda z: _jacobian_mistakes(z),
    unit=None,
    hint="np.diag(p) - np.outer(p, p) with p = softmax(z).",
))
