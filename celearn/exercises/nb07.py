"""Exercises of notebook 07-numerical-stability."""
import numpy as np

from .. import naive
from ..activations import logsumexp, sigmoid
from ..losses import binary_cross_entropy, binary_cross_entropy_with_logits
from . import Case, Exercise, Implement, clipped_variants, register

register(Exercise(
    id="07.keras",
    question="With Keras's eps = 1e-7, p = 0 for the true class costs -ln(1e-7) ≈ 16.12 nats.",
    expected=lambda: float(binary_cross_entropy(1, 0.0, eps=1e-7)),
    hint="p is clipped to 1e-7 first, then the usual -ln p applies.",
    solution="cl.binary_cross_entropy(1, 0.0, eps=1e-7) = -ln(1e-7) = 16.118 nats.",
    unit="nats",
    mistakes=lambda: [
        (float(binary_cross_entropy(1, 2e-7)), "that is -ln(1e-7 + 1e-7): eps added inside "
         "the log after clipping (what tf.keras 2.x's binary cross-entropy does); the "
         "question asks for clipping alone, -ln(1e-7).", "eps_inside_log"),
    ],
))
LN10_ = float(np.log(10.0))
_LSE_Z = np.array([1000.0, 1000.0, 1000.0])

def _lse_sum(a, k):
    return " + ".join([f"e^{a}"] * k)


register(Exercise(
    id="07.lse",
    prompt=lambda a, k: f"log({_lse_sum(a, k)}), computed without overflow?",
    question=lambda a, k: (f"log({_lse_sum(a, k)}) = {a} + ln {k} ≈ "
                           f"{float(logsumexp(np.full(k, float(a)))):.4f}."),
    expected=lambda a, k: float(logsumexp(np.full(k, float(a)))),
    hint=lambda a, k: (f"Factor out e^{a}: log({k} e^{a}) = {a} + log {k}. Or use "
                       "cl.logsumexp."),
    solution=lambda a, k: (f"cl.logsumexp([{', '.join([str(a)] * k)}]) = {a} + ln {k} = "
                           f"{float(logsumexp(np.full(k, float(a)))):.4f}."),
    rtol=1e-7, atol=1e-4,
    mistakes=lambda a, k: [
        (float(a), f"the + ln {k} is missing: log({k} e^{a}) = {a} + ln {k}.",
         "forgot_log_k"),
        (float(logsumexp(np.zeros(k))), f"that is ln {k} alone: add back the "
         f"{a} you factored out.", "forgot_max"),
        (float(logsumexp(np.full(k, float(a))) / LN10_), "that is log10; "
         "the log-sum-exp uses the natural log.", "log10"),
    ],
    # exponents that overflow float64 (e^710 is inf), 2 to 6 equal terms
    params=lambda rng: {"a": int(rng.choice([750, 800, 900, 1000, 1200, 1500, 2000, 5000])),
                        "k": int(rng.integers(2, 7))},
    defaults={"a": int(_LSE_Z[0]), "k": len(_LSE_Z)},
))
register(Exercise(
    id="07.bce_logits",
    prompt=lambda z: f"Binary cross-entropy from the logit z = {z:g} for t = 1 (nats)?",
    question=lambda z: (f"BCE with t = 1 at z = {z:g} is max(z, 0) - z t + log(1 + e^-|z|) ≈ "
                        f"{float(binary_cross_entropy_with_logits(1, z)):g} nats."),
    expected=lambda z: float(binary_cross_entropy_with_logits(1, z)),
    hint=lambda z: (f"Plug t = 1, z = {z:g} into max(z, 0) - z·t + log(1 + exp(-|z|))."),
    solution=lambda z: (f"0 + {-z:g} + log(1 + e^{z:g}) = "
                        f"{float(binary_cross_entropy_with_logits(1, z)):.1f} nats: "
                        f"cl.binary_cross_entropy_with_logits(1, {z!r})."),
    rtol=1e-6, unit="nats",
    mistakes=lambda z: [
        (float(binary_cross_entropy_with_logits(1, -z)), f"that is the loss at z = {-z:+g} "
         f"(a confident, right prediction); here z = {z:g} with t = 1 is confidently wrong. "
         "Check the sign of z in -z·t.", "sign_of_z"),
        (float(binary_cross_entropy_with_logits(0, z)), "that is the loss for t = 0; "
         "the question has t = 1.", "wrong_target"),
    ],
    # a confidently wrong logit, -20 ... -100, far past where 1 - σ(-z) rounds to 0
    params=lambda rng: {"z": -float(rng.integers(20, 101))},
    defaults={"z": -50.0},
))
register(Exercise(
    id="07.overflow32",
    question="(b): in float32 exp(100) overflows to inf, and inf / inf is nan.",
    expected=lambda: "b" if np.isnan(naive.softmax(np.array([100.0, 0.0], np.float32))[0])
    else "a",
    hint="Where does exp overflow in float32? Compare with 100. Answer 'a' or 'b'.",
    choices=("a", "b"),
    why_not=lambda: {"a": "In float32 exp overflows above "
                          f"{float(naive.float_limits(np.float32)['exp_overflow']):.1f}: "
                          "exp(100) is inf and the naive softmax computes inf / inf = nan. "
                          "Try cl.naive.softmax(np.array([100.0, 0.0], np.float32))."},
    solution="cl.naive.float_limits(np.float32)['exp_overflow'] ≈ 88.7 < 100, so the naive "
             "softmax divides inf by inf: 'b'.",
))
register(Exercise(
    id="07.saturation64",
    question="σ(z) rounds to exactly 1 in float64 from z = 37 on (the limit is ≈ 36.74).",
    expected=lambda: float(np.ceil(naive.float_limits(np.float64)["sigmoid_saturation"])),
    hint="Try cl.naive.sigmoid(np.float64(z)) == 1 for z = 30, 35, 36, 37, ... "
         "or read cl.naive.float_limits(np.float64).",
    solution="cl.naive.float_limits(np.float64)['sigmoid_saturation'] ≈ 36.74, "
             "so the first integer is 37.",
    mistakes=lambda: [
        (float(np.floor(naive.float_limits(np.float64)["sigmoid_saturation"])),
         "at that z, σ(z) is still just below 1 in float64: the limit is "
         f"{float(naive.float_limits(np.float64)['sigmoid_saturation']):.2f}, so the "
         "first integer at or above it is one more.", "rounded_down"),
        (float(naive.float_limits(np.float64)["sigmoid_saturation"]), "that is the limit "
         "itself; the question asks for the first whole number z where σ(z) == 1.",
         "limit_not_integer"),
        (float(np.ceil(naive.float_limits(np.float32)["sigmoid_saturation"])), "that is "
         "the float32 limit; the question asks about float64.", "float32_not_64"),
    ],
))


def my_logsumexp(z):
    """log Σ exp z along the last axis, stable for any finite z (a reference)."""
    z = np.asarray(z)
    m = np.max(z, axis=-1, keepdims=True)           # factor out e^max
    return (m + np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True)))[..., 0]


def my_bce_with_logits(t, z):
    """Mean binary cross-entropy from logits, exact for any finite z (a reference)."""
    t, z = np.asarray(t), np.asarray(z)
    # -[t ln σ(z) + (1 - t) ln(1 - σ(z))] = max(z, 0) - z t + ln(1 + e^-|z|)
    return np.mean(np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z))))


def _lse_cases(rng):
    return [
        Case("random logits, shape (4,)", {"z": rng.normal(0, 2, 4)}),
        Case("random logits, shape (3, 5)", {"z": rng.normal(0, 2, (3, 5))},
             why="log-sum-exp runs along the LAST axis: one value per row."),
        Case("logits [1000, 1000, 1000]", {"z": np.array([1000.0, 1000.0, 1000.0])},
             why="overflow: exp(1000) is inf in float64, so log Σ exp is inf. Factor out "
                 "the max m: log Σ e^z = m + log Σ e^(z - m); the answer is 1000 + ln 3."),
        Case("logits [-1000, -1000]", {"z": np.array([-1000.0, -1000.0])},
             why="underflow: exp(-1000) is 0 in float64, and log 0 is -inf. Factor out the "
                 "max m: the answer is -1000 + ln 2."),
        Case("logits [1000, 0, -1000]", {"z": np.array([1000.0, 0.0, -1000.0])},
             why="factor out the max: the answer is 1000 + ln(1 + e^-1000 + e^-2000) = 1000."),
        Case("rows far apart [[1000, 0], [-1000, -1001]]",
             {"z": np.array([[1000.0, 0.0], [-1000.0, -1001.0]])},
             why="factor out the max of EACH row (np.max(z, axis=-1, keepdims=True)): the "
                 "max of the whole array leaves the second row at log(0) = -inf."),
        Case("float32 logits [100, 0]", {"z": np.array([100.0, 0.0], dtype=np.float32)},
             why="in float32 exp overflows above 88.7: factor out the max; and the result "
                 "must stay float32."),
    ]


def _lse_mistakes(z):
    m = np.max(z, axis=-1)
    out = [
        (logsumexp(z) - m, "you forgot to add the max back: log Σ e^z = m + log Σ e^(z - m).",
         "forgot_max"),
        (m, "that is just the max; add log Σ e^(z - m).", "max_only"),
        (logsumexp(z) / np.log(2), "that is in log base 2; use the natural log.",
         "bits_for_nats"),
    ]
    if np.ndim(z) == 2:
        out.append((logsumexp(z, axis=0), "you reduced along axis 0 (the columns); "
                    "log-sum-exp runs along the last axis (axis=-1).", "wrong_axis"))
    return out


register(Implement(
    id="07.logsumexp",
    question="Write f(z) returning log Σ exp z along the last axis (shape (K,) gives a "
             "number, (N, K) one value per row). Required, finite and exact: random "
             "logits in both shapes, [1000, 1000, 1000] (1000 + ln 3), [-1000, -1000] "
             "(-1000 + ln 2), [1000, 0, -1000], rows far apart (the max of each row), "
             "float32 [100, 0] (stays float32).",
    signature="f(z)",
    reference=lambda z: logsumexp(z),
    cases=_lse_cases,
    solution=my_logsumexp,
    mistakes=_lse_mistakes,
    hint="m = max(z, axis=-1, keepdims=True); m + log Σ exp(z - m).",
))


def _bce_logits_cases(rng):
    n = 6
    t = rng.integers(0, 2, n).astype(np.float64)
    t[:2] = (0, 1)
    return [
        Case("random t and z, N = 6", {"t": t, "z": rng.normal(0, 3, n)}),
        Case("logits ±40 (σ rounds to 1)", {"t": np.array([0.0, 1.0, 1.0]),
                                            "z": np.array([40.0, -40.0, 40.0])},
             why="σ(40) rounds to exactly 1 in float64 (from z ≈ 36.7), so ln(1 - σ) is "
                 "ln 0 = -inf: never form σ(z). Use the logit form "
                 "max(z, 0) - z·t + ln(1 + e^-|z|)."),
        Case("logits ±1000", {"t": np.array([0.0, 1.0, 0.0, 1.0]),
                              "z": np.array([1000.0, 1000.0, -1000.0, -1000.0])},
             why="the exact mean is 500 (the two wrong predictions cost 1000 each). "
                 "ln σ(-1000) = ln 0 = -inf (σ underflows), and ln(1 + e^1000) overflows: "
                 "use max(z, 0) - z·t + ln(1 + e^-|z|), whose exp never sees a positive "
                 "number. Clipping p gives a finite but wrong number."),
        Case("float32 t and z = ±20", {"t": np.array([0, 1], dtype=np.float32),
                                       "z": np.array([20.0, -20.0], dtype=np.float32)},
             why="in float32 σ(z) rounds to 1 already from z ≈ 16.6, so ln(1 - σ) is -inf; "
                 "the logit form is exact. The result must stay float32."),
        Case("soft labels t = 0.3", {"t": np.array([0.3, 0.8]), "z": np.array([-1.0, 2.0])},
             required=False,
             why="with soft labels both branches count: max(z, 0) - z·t + ln(1 + e^-|z|) "
                 "handles them."),
    ]


def _bce_logits_mistakes(t, z):
    return [
        (binary_cross_entropy_with_logits(t, z, reduction="sum"), "that is the sum over "
         "the samples, not the mean: np.mean.", "sum_for_mean"),
        (binary_cross_entropy_with_logits(t, -z), "the sign of z is flipped: -z·t, not "
         "+z·t (check with t = 1, z large: the loss must be ≈ 0).", "sign_of_z"),
        (binary_cross_entropy_with_logits(1 - t, z), "the targets are swapped: t = 1 goes "
         "with ln σ(z).", "labels_swapped"),
        (np.mean(np.maximum(z, 0) - z * t), "the ln(1 + e^-|z|) term is missing.",
         "missing_log1p"),
        *clipped_variants(lambda eps, mode: binary_cross_entropy(t, sigmoid(z), eps=eps)
                          if mode == "clip" else np.mean(
                              -(t * np.log(sigmoid(z) + eps)
                                + (1 - t) * np.log(1 - sigmoid(z) + eps))),
                          where="σ(z)"),
    ]


register(Implement(
    id="07.bce_with_logits",
    question="Write f(t, z) returning the MEAN binary cross-entropy computed from logits z "
             "(never forming σ(z)). Required, finite and exact: random inputs, logits ±40 "
             "(σ rounds to 1), logits ±1000 (mean 500), float32 ±20 (stays float32). Soft "
             "labels are only a note.",
    signature="f(t, z)",
    reference=lambda t, z: binary_cross_entropy_with_logits(t, z),
    cases=_bce_logits_cases,
    solution=my_bce_with_logits,
    mistakes=_bce_logits_mistakes,
    reduction="mean",
    hint="max(z, 0) - z·t + np.log1p(np.exp(-np.abs(z))), then np.mean.",
    input_slips=lambda t, z: [
        ({"t": t, "z": sigmoid(z)}, "your function treats z as probabilities: it receives "
         "logits (any real number). Work from z directly: "
         "max(z, 0) - z·t + ln(1 + e^-|z|).", "logit_as_probability"),
        ({"t": z, "z": t}, "your function reads its arguments the other way round: the "
         "order is f(t, z), target first.", "arguments_swapped"),
    ],
))
