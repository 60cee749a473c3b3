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


def _ints(z):
    return ", ".join(f"{v:g}" for v in z)


def _entry_mistakes(z, i, j):
    J = softmax_jacobian(z)
    p = softmax(z)
    out = []
    for a in range(3):
        for b in range(3):
            if (a, b) not in ((i, j), (j, i)):  # J is symmetric: [j, i] is also right
                out.append((float(J[a, b]), f"that is the entry ∂p_{a}/∂z_{b} (index "
                            f"[{a}, {b}]); the question asks for ∂p_{i}/∂z_{j}, index "
                            f"[{i}, {j}] (classes are numbered from 0, as numpy counts).",
                            "class_index"))
    out.append((float(p[i] * (1 - p[i])), f"that is p_{i}(1 - p_{i}), a diagonal entry; off "
                "the diagonal (i ≠ j) the entry is -p_i p_j.", "diagonal_formula"))
    return out


def _entry_params(rng):
    """Three different whole logits in -1 ... 3 and an entry off the diagonal."""
    z = [float(v) for v in rng.choice(np.arange(-1, 4), 3, replace=False)]
    i, j = (int(v) for v in rng.choice(3, 2, replace=False))
    return {"z": z, "i": i, "j": j}


def _p3(z):
    return ", ".join(f"{v:.3f}" for v in softmax(z))


register(Exercise(
    id="04.entry",
    prompt=lambda z, i, j: (f"For z = ({_ints(z)}), what is the softmax Jacobian entry "
                            f"dp_{i}/dz_{j} (classes numbered from 0)?"),
    first_step=lambda z, i, j: (f"p = cl.softmax([{z[0]:g}., {_ints(z[1:])}]) = ({_p3(z)}); "
                                f"the entry [{i}, {j}] is off the diagonal."),
    question=lambda z, i, j: (f"For z = ({_ints(z)}), ∂p_{i}/∂z_{j} = -p_{i} p_{j} = "
                              f"{float(softmax_jacobian(z)[i, j]):.3g}."),
    expected=lambda z, i, j: float(softmax_jacobian(z)[i, j]),
    hint="Off the diagonal (i ≠ j) the entry is -p_i p_j; compute p = cl.softmax(z) first "
         "(classes are numbered from 0, as numpy counts).",
    solution=lambda z, i, j: (f"p = softmax({_ints(z)}) = ({_p3(z)}), so -p_{i} p_{j} = "
                              f"{float(softmax_jacobian(z)[i, j]):.3g}; "
                              f"or cl.softmax_jacobian(z)[{i}, {j}]."),
    mistakes=_entry_mistakes,
    params=_entry_params,
    defaults={"z": _Z, "i": 0, "j": 2},
))


_ORDINAL = ("first", "second", "third", "fourth", "fifth", "sixth")


def _grad_params(rng):
    K = int(rng.integers(3, 7))
    return {"K": K, "c": int(rng.integers(K))}


def _onehot_text(K, c):
    return ", ".join("1" if k == c else "0" for k in range(K))


def _grad_text(K, c):
    return ", ".join(f"{v:g}" for v in cce_grad_logits(c, np.zeros(K)))


register(Exercise(
    id="04.grad",
    prompt=lambda K, c: (f"Softmax cross-entropy with {K} classes, all {K} logits 0 and true "
                         f"class {c} (numbered from 0): the gradient dL/dz?"),
    first_step=lambda K, c: (f"Equal logits give p = ({', '.join([f'1/{K}'] * K)}); t is the "
                             f"one-hot row of class {c}."),
    question=lambda K, c: (f"For z = ({', '.join(['0'] * K)}) and true class {c}, dL/dz = "
                           f"p - t = ({_grad_text(K, c)})."),
    expected=lambda K, c: cce_grad_logits(c, np.zeros(K)),
    hint=lambda K, c: (f"All logits equal: p is uniform, 1/{K} each. Subtract the one-hot "
                       f"target of class {c} (the {_ORDINAL[c]} entry: classes are numbered "
                       "from 0)."),
    solution=lambda K, c: (f"p = ({', '.join([f'1/{K}'] * K)}), t = ({_onehot_text(K, c)}), "
                           f"so p - t = ({_grad_text(K, c)}); "
                           f"or cl.cce_grad_logits({c}, np.zeros({K}))."),
    mistakes=lambda K, c: [
        *[(cce_grad_logits(k, np.zeros(K)),
           f"the {1 / K - 1:g} is at index {k}: class {c} is index {c}"
           + (" (classes are numbered from 0)." if k == c + 1 else
              f", the {_ORDINAL[c]} entry."), "class_index")
          for k in (c + 1, c - 1) if 0 <= k < K],
        (softmax(np.zeros(K)), "that is p alone: subtract the one-hot target t.",
         "forgot_target"),
    ],
    params=_grad_params,
    defaults={"K": 4, "c": 2},
))


def _trace_params(rng):
    """Three different logits in -3 ... 3, one decimal."""
    return {"z": [float(v) / 10 for v in rng.choice(np.arange(-30, 31), 3, replace=False)]}


def _floats(z):
    return ", ".join(repr(float(v)) for v in z)


register(Exercise(
    id="04.trace",
    prompt=lambda z: (f"The trace of the softmax Jacobian at z = ({_ints(z)}), that is "
                      "1 - sum of p_i squared?"),
    first_step=lambda z: (f'p = cl.softmax([{_floats(z)}]); the diagonal entries are '
                          'p_i(1 - p_i).'),
    question=lambda z: (f"The Jacobian's diagonal sums to 1 - sum p_i² = "
                        f"{float(np.trace(softmax_jacobian(z))):.4f} for z = ({_ints(z)})."),
    expected=lambda z: float(np.trace(softmax_jacobian(z))),
    hint="The diagonal entries are p_i(1 - p_i); add them up (np.trace).",
    solution=lambda z: (f"sum p_i(1 - p_i) = 1 - sum p_i² = "
                        f"{float(np.trace(softmax_jacobian(z))):.4f}: "
                        "np.trace(cl.softmax_jacobian(z))."),
    mistakes=lambda z: [
        (float(np.sum(softmax(z) ** 2)), "that is Σp_i², the part that is "
         "subtracted: the diagonal sums to Σ p_i(1 - p_i) = 1 - Σp_i².", "complement"),
        (float(np.sum(softmax_jacobian(z))), "that is the sum of ALL "
         "entries (0, since every row sums to 0); the question asks for the diagonal "
         "only (np.trace).", "all_entries"),
    ],
    params=_trace_params,
    defaults={"z": [2.0, 1.0, 0.1]},
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
