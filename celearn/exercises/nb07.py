"""Exercises of notebook 07-numerical-stability."""
import numpy as np

from .. import naive
from ..activations import logsumexp
from ..losses import binary_cross_entropy, binary_cross_entropy_with_logits
from . import Exercise, register

register(Exercise(
    id="07.keras",
    question="With Keras's eps = 1e-7, p = 0 for the true class costs -ln(1e-7) ≈ 16.12 nats.",
    expected=lambda: float(binary_cross_entropy(1, 0.0, eps=1e-7)),
    hint="p is clipped to 1e-7 first, then the usual -ln p applies.",
    solution="cl.binary_cross_entropy(1, 0.0, eps=1e-7) = -ln(1e-7) = 16.118 nats.",
))
register(Exercise(
    id="07.lse",
    question="log(e^1000 + e^1000 + e^1000) = 1000 + ln 3 ≈ 1001.0986.",
    expected=lambda: float(logsumexp(np.array([1000.0, 1000.0, 1000.0]))),
    hint="Factor out e^1000: log(3 e^1000) = 1000 + log 3. Or use cl.logsumexp.",
    solution="cl.logsumexp([1000, 1000, 1000]) = 1000 + ln 3 = 1001.0986.",
))
register(Exercise(
    id="07.bce_logits",
    question="BCE with t = 1 at z = -50 is max(z, 0) - z t + log(1 + e^-|z|) ≈ 50 nats.",
    expected=lambda: float(binary_cross_entropy_with_logits(1, -50.0)),
    hint="Plug t = 1, z = -50 into max(z, 0) - z·t + log(1 + exp(-|z|)).",
    solution="0 + 50 + log(1 + e^-50) = 50.0 nats: "
             "cl.binary_cross_entropy_with_logits(1, -50.0).",
))
register(Exercise(
    id="07.overflow32",
    question="(b): in float32 exp(100) overflows to inf, and inf / inf is nan.",
    expected=lambda: "b" if np.isnan(naive.softmax(np.array([100.0, 0.0], np.float32))[0])
    else "a",
    hint="Where does exp overflow in float32? Compare with 100. Answer 'a' or 'b'.",
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
))
