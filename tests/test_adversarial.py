"""Differential tests: every public maths function against high-precision mpmath.

Hypothesis draws inputs over the whole float range of float32 and float64
(subnormals, +-max, values a hair from 0 and 1), and each result is compared
with the exact value of the formula at those float inputs, computed by mpmath
with 1300 bits (enough to hold 1e308 + 1e-16 and 1 + 5e-324 exactly, which
300 bits cannot). A result passes when it is within a few ulps of the exact
value (relative), or where the exact value is beyond the float range, is
``inf`` of the right sign. No RuntimeWarning is allowed (pytest config), and
every result keeps the input's float dtype.

Where a formula is ill-conditioned in its inputs (``softmax(z) - t`` when a
soft target ``t`` nearly equals the probability), the bound is the honest one
for a backward-stable computation: a few ulps of the terms, not of the result.
"""
import mpmath as mp
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import celearn as cl

pytestmark = [
    pytest.mark.filterwarnings("error::RuntimeWarning"),
    # logits drawn at random can look like probabilities; that warning is not tested here
    pytest.mark.filterwarnings("ignore::celearn._validation.ProbableMistakeWarning"),
]

SETTINGS = settings(max_examples=70, deadline=None)
PREC = 1300
DTYPES = [np.float64, np.float32]
#: Allowed relative error: a few ulps (float32 results are computed in float64
#: and rounded once).
RTOL = {np.float64: 6e-14, np.float32: 4e-7}
M = mp.mpf


# ----------------------------------------------------------------- strategies
def floats(dtype, lo=None, hi=None):
    """Any finite float of ``dtype`` (subnormals and +-max included)."""
    width = 64 if dtype == np.float64 else 32
    return st.floats(lo, hi, width=width, allow_nan=False, allow_infinity=False)


def probability(dtype):
    special = [0.0, 1.0, 0.5, 1e-8, 1 - 1e-8, float(np.finfo(dtype).smallest_subnormal),
               float(np.finfo(dtype).tiny), float(np.finfo(dtype).epsneg),
               1 - float(np.finfo(dtype).epsneg)]
    return st.one_of(st.sampled_from(special), floats(dtype, 0.0, 1.0))


def logit(dtype):
    top = float(np.finfo(dtype).max)
    big = [v for v in (40.0, 36.7, 16.6, 88.0, 104.0, 709.0, 745.0, 1e30, 1e200) if v < top] + [top]
    signed = st.sampled_from(big).flatmap(lambda v: st.sampled_from([v, -v]))
    return st.one_of(signed, floats(dtype), floats(dtype, -50.0, 50.0))


def logit_row(dtype):
    return st.integers(2, 4).flatmap(lambda k: st.lists(logit(dtype), min_size=k, max_size=k))


def distribution(dtype, k):
    """A row of ``k`` probabilities that celearn accepts as summing to 1."""
    def build(weights):
        w = np.array(weights, dtype=np.float64)
        assume(w.sum() > 0)
        p = (w / w.sum()).astype(dtype)
        assume(abs(float(p.astype(np.float64).sum()) - 1) < 1e-7)
        return p
    return st.lists(st.one_of(st.just(0.0), floats(dtype, 0.0, 1.0)), min_size=k,
                    max_size=k).map(build)


# ----------------------------------------------------------------- comparison
def as_mp(x):
    """The exact value of a float (or an mpmath number, unchanged)."""
    return x if isinstance(x, mp.mpf) else M(float(x))


def assert_exact(got, ref, dtype, atol_terms=None):
    """``got`` (array or scalar) equals the mpmath values ``ref`` within RTOL.

    ``atol_terms`` (same shape, mpmath) widens the bound to RTOL times the
    size of the terms that the formula subtracts (for ill-conditioned cases).
    """
    got = np.asarray(got)
    assert got.dtype == dtype, f"dtype {got.dtype}, expected {np.dtype(dtype)}"
    info = np.finfo(dtype)
    # Rounding to nearest gives inf from the largest float plus half its ulp on:
    # 2**maxexp - 2**(maxexp - nmant - 2) (2**128 - 2**103 in float32). Below it, the
    # correctly rounded value is the largest float.
    overflow = M(2) ** info.maxexp - M(2) ** (info.maxexp - info.nmant - 2)
    refs = np.array(ref, dtype=object).ravel()
    terms = np.array(atol_terms, dtype=object).ravel() if atol_terms is not None else None
    for i, (g, r) in enumerate(zip(got.ravel(), refs)):
        if mp.isinf(r) or abs(r) >= overflow:
            assert np.isinf(g) and (g > 0) == (r > 0), f"element {i}: {g!r}, exact {mp.nstr(r, 17)}"
            continue
        if np.isinf(g) and (g > 0) == (r > 0) and abs(r) * (1 + RTOL[dtype]) >= overflow:
            continue    # within the tolerance of the overflow threshold: inf is as right
        assert np.isfinite(g), f"element {i}: {g!r}, exact {mp.nstr(r, 17)}"
        bound = RTOL[dtype] * (abs(r) + M(float(info.tiny)))  # absolute below the normal range
        if terms is not None:
            bound += RTOL[dtype] * terms[i]
        assert abs(as_mp(g) - r) <= bound, (
            f"element {i}: {g!r}, exact {mp.nstr(r, 17)} (error {mp.nstr(abs(as_mp(g) - r) / max(abs(r), M(10) ** -400), 3)} relative)"
        )


# ----------------------------------------------------------------- references (exact maths)
def r_sigmoid(z):
    return 1 / (1 + mp.exp(-as_mp(z)))


def r_logsumexp(zs):
    zs = [as_mp(z) for z in zs]
    m = max(zs)
    return m + mp.log(mp.fsum(mp.exp(z - m) for z in zs))


def r_softmax(zs, temperature=1):
    zs = [as_mp(z) / M(temperature) for z in zs]
    m = max(zs)
    e = [mp.exp(z - m) for z in zs]
    total = mp.fsum(e)
    return [x / total for x in e]


def r_xlogy(x, y):
    x, y = as_mp(x), as_mp(y)
    if x == 0:
        return M(0)
    return -mp.inf if y == 0 else x * mp.log(y)


def r_log_sigmoid(z):
    return -mp.log1p(mp.exp(-z))


# ----------------------------------------------------------------- activations
@pytest.mark.parametrize("dtype", DTYPES)
@SETTINGS
@given(data=st.data())
def test_sigmoid(dtype, data):
    z = np.array(data.draw(st.lists(logit(dtype), min_size=1, max_size=4)), dtype)
    with mp.workprec(PREC):
        assert_exact(cl.sigmoid(z), [r_sigmoid(v) for v in z], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@SETTINGS
@given(data=st.data())
def test_softmax_family(dtype, data):
    z = np.array(data.draw(logit_row(dtype)), dtype)
    temperature = data.draw(st.sampled_from([1.0, 1e-50, 1e-40, 0.3, 7.0, 1e39, 1e300]))
    with mp.workprec(PREC):
        lse = r_logsumexp(z)
        assert_exact(cl.logsumexp(z), [lse], dtype)
        assert_exact(cl.log_softmax(z), [as_mp(v) - lse for v in z], dtype)
        assert_exact(cl.softmax(z), r_softmax(z), dtype)
        # exp(a) inherits the rounding of its argument a = (z_i - m) / T (a subtraction and a
        # division, 2 eps relative): the bound widens by p_i * |a_i| * 2 eps (exp's conditioning)
        ref_t = r_softmax(z, temperature)
        m_t = max(as_mp(v) for v in z) / M(temperature)
        eps = M(float(np.finfo(dtype).eps))
        cond = [p_i * abs(as_mp(v) / M(temperature) - m_t) * 2 * eps / M(RTOL[dtype])
                for p_i, v in zip(ref_t, z)]
        assert_exact(cl.softmax(z, temperature=temperature), ref_t, dtype, atol_terms=cond)
        p = r_softmax(z)
        jac = [p[i] * ((1 if i == j else 0) - p[j]) for i in range(len(p)) for j in range(len(p))]
        assert_exact(cl.softmax_jacobian(z), jac, dtype)


# ----------------------------------------------------------------- losses
@pytest.mark.parametrize("dtype", DTYPES)
@SETTINGS
@given(data=st.data())
def test_binary_losses(dtype, data):
    t, p = (data.draw(probability(dtype)) for _ in range(2))
    z = data.draw(logit(dtype))
    t_, p_, z_ = (np.array(v, dtype) for v in (t, p, z))
    with mp.workprec(PREC):
        T = as_mp(t_)
        bce = -(r_xlogy(t_, p_) + r_xlogy(1 - T, 1 - as_mp(p_)))
        assert_exact(cl.binary_cross_entropy(t_, p_), [bce], dtype)
        Z = as_mp(z_)
        bcel = -(T * r_log_sigmoid(Z) + (1 - T) * r_log_sigmoid(-Z))
        assert_exact(cl.binary_cross_entropy_with_logits(t_, z_), [bcel], dtype)
        other = np.array(data.draw(logit(dtype)), dtype)
        assert_exact(cl.mean_squared_error(other, z_), [(Z - as_mp(other)) ** 2], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@SETTINGS
@given(data=st.data())
def test_class_losses(dtype, data):
    z = np.array(data.draw(logit_row(dtype)), dtype)
    k = len(z)
    label = data.draw(st.integers(0, k - 1))
    t = data.draw(distribution(dtype, k))
    p = data.draw(distribution(dtype, k))
    with mp.workprec(PREC):
        lse = r_logsumexp(z)
        assert_exact(cl.softmax_cross_entropy(label, z), [lse - as_mp(z[label])], dtype)
        soft = mp.fsum(as_mp(a) * (lse - as_mp(b)) for a, b in zip(t, z))
        assert_exact(cl.softmax_cross_entropy(t, z), [soft], dtype)
        cce = -mp.fsum(r_xlogy(a, b) for a, b in zip(t, p))
        assert_exact(cl.categorical_cross_entropy(t, p), [cce], dtype)
        assert_exact(cl.categorical_cross_entropy(label, p), [-r_xlogy(1, p[label])], dtype)


# ----------------------------------------------------------------- information
@pytest.mark.parametrize("dtype", DTYPES)
@SETTINGS
@given(data=st.data())
def test_information(dtype, data):
    k = data.draw(st.integers(2, 4))
    p = data.draw(distribution(dtype, k))
    q = data.draw(st.one_of(distribution(dtype, k), st.just(p)))
    if data.draw(st.booleans()):  # q a hair from p: the terms of KL cancel to first order
        q = p.copy()
        i = int(np.argmax(p))
        step = q[i] * dtype(data.draw(st.sampled_from([1e-3, 1e-6, 1e-8])))
        q[i] -= step
        q[(i + 1) % k] += step
    base = data.draw(st.sampled_from([None, 2, 10, 1e300, 1 + 1e-6]))
    with mp.workprec(PREC):
        scale = 1 if base is None else mp.log(M(base))
        h = -mp.fsum(r_xlogy(a, a) for a in p) / scale
        assert_exact(cl.entropy(p, base=base), [h], dtype)
        xent = -mp.fsum(r_xlogy(a, b) for a, b in zip(p, q)) / scale
        assert_exact(cl.cross_entropy(p, q, base=base), [xent], dtype)
        terms = [r_xlogy(a, a) - r_xlogy(a, b) for a, b in zip(p, q)]
        kl = mp.fsum(terms) / scale
        # the exact value of the formula, even where float inputs make it a hair below 0
        assert_exact(cl.kl_divergence(p, q, base=base), [kl], dtype,
                     atol_terms=[(abs(as_mp(sum(p.astype(float))) - 1) + abs(as_mp(sum(q.astype(float))) - 1)) * 10 ** 6])
        s = [(mp.inf if a == 0 else -mp.log(as_mp(a))) / scale for a in p]
        assert_exact(cl.surprisal(p, base=base), s, dtype)


# ----------------------------------------------------------------- gradients
@pytest.mark.parametrize("dtype", DTYPES)
@SETTINGS
@given(data=st.data())
def test_binary_gradients(dtype, data):
    t = np.array(data.draw(probability(dtype)), dtype)
    hard = np.array(data.draw(st.sampled_from([0.0, 1.0])), dtype)
    p = np.array(data.draw(probability(dtype)), dtype)
    z = np.array(data.draw(logit(dtype)), dtype)
    with mp.workprec(PREC):
        T, P, Z = as_mp(t), as_mp(p), as_mp(z)
        minus = 0 if t == 0 else (-mp.inf if p == 0 else -T / P)
        plus = 0 if t == 1 else (mp.inf if p == 1 else (1 - T) / (1 - P))
        assert_exact(cl.bce_grad_p(t, p), [minus + plus], dtype)
        s = r_sigmoid(Z)
        H = as_mp(hard)
        assert_exact(cl.bce_grad_logits(hard, z), [s - H], dtype)  # exact for 0/1 targets
        # a soft target may nearly equal sigma(z): a few ulps of the terms
        assert_exact(cl.bce_grad_logits(t, z), [s - T], dtype, atol_terms=[s + T])
        assert_exact(cl.mse_grad_logits(hard, z), [2 * (s - H) * s * (1 - s)], dtype)
        other = np.array(data.draw(logit(dtype)), dtype)
        assert_exact(cl.mse_grad_p(other, z), [2 * (Z - as_mp(other))], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@SETTINGS
@given(data=st.data())
def test_cce_gradient(dtype, data):
    z = np.array(data.draw(logit_row(dtype)), dtype)
    k = len(z)
    label = data.draw(st.integers(0, k - 1))
    t = data.draw(distribution(dtype, k))
    with mp.workprec(PREC):
        p = r_softmax(z)
        one_hot = [M(1 if j == label else 0) for j in range(k)]
        assert_exact(cl.cce_grad_logits(label, z), [a - b for a, b in zip(p, one_hot)], dtype)
        assert_exact(cl.cce_grad_logits(t, z), [a - as_mp(b) for a, b in zip(p, t)], dtype,
                     atol_terms=[a + as_mp(b) for a, b in zip(p, t)])


# ----------------------------------------------------------------- the issue's examples
def test_tails_named_in_the_issue():
    assert cl.bce_grad_logits(1, 40) == pytest.approx(-4.248354255291589e-18, rel=1e-15)
    assert cl.cce_grad_logits(0, [40.0, 0.0])[0] == pytest.approx(-4.248354255291589e-18, rel=1e-15)
    assert cl.softmax_jacobian([40.0, 0.0])[0, 0] == pytest.approx(4.248354255291589e-18, rel=1e-15)
    assert cl.mse_grad_logits(1.0, 40.0) == pytest.approx(-2 * 4.248354255291589e-18 ** 2, rel=1e-14)
    assert cl.kl_divergence([1, 0], [1e-310, 1]) == pytest.approx(713.8013788281542, rel=1e-15)
    with mp.workprec(PREC):
        exact = float(-mp.log(as_mp(1 - 1e-8)))  # 1 log(1 / q_0), q_0 the float 1 - 1e-8
    assert cl.kl_divergence([1, 0], [1 - 1e-8, 1e-8]) == pytest.approx(exact, rel=1e-12)
    # BCE with logits, t just below 1, large z: z (1 - t) with nothing cancelled
    t = 1 - 2.0**-53
    assert cl.binary_cross_entropy_with_logits(t, 1000.0) == pytest.approx(1000 * 2.0**-53, rel=1e-15)
    z = np.array([[1e308, -1e308]])
    assert cl.softmax_cross_entropy([0], z) == 0
    assert cl.softmax_cross_entropy([1], z) == np.inf  # 2e308: beyond the float range
    assert cl.softmax_cross_entropy([[1e-10, 1 - 1e-10]], z) == np.inf
    assert cl.softmax_cross_entropy([[1e-300, 1.0]], [[-1e308, 1e308]]) == pytest.approx(2e8, rel=1e-12)
    assert cl.bce_grad_p(1.0, 1e-310) == -np.inf
    assert cl.mean_squared_error(1e200, -1e200) == np.inf
    # each squared error is finite, their sum is not: the mean still is
    assert cl.mean_squared_error([0.0, 0.0], [1.2e154, 1.2e154]) == pytest.approx(1.44e308, rel=1e-14)


@pytest.mark.parametrize("dtype", DTYPES)
def test_zero_is_positive_zero(dtype):
    for value in (cl.entropy(np.array([1, 0], dtype)), cl.cross_entropy(np.array([1, 0], dtype), np.array([1, 0], dtype)),
                  cl.kl_divergence(np.array([0.5, 0.5], dtype), np.array([0.5, 0.5], dtype)),
                  cl.binary_cross_entropy(np.array(1, dtype), np.array(1, dtype)),
                  cl.categorical_cross_entropy(0, np.array([1, 0], dtype)),
                  cl.categorical_cross_entropy(np.array([1, 0], dtype), np.array([1, 0], dtype))):
        assert value == 0 and np.signbit(value) == False, value  # noqa: E712
        assert value.dtype == dtype


@pytest.mark.parametrize("dtype", DTYPES)
def test_float32_scaling_in_float64(dtype):
    # a tiny temperature rounds to 0 in float32, a huge one to inf: neither is used
    z = np.array([1.0, 2.0], dtype)
    assert np.array_equal(cl.softmax(z, temperature=1e-50), np.array([0, 1], dtype))
    assert cl.softmax(np.array([3e38, -3e38], dtype), temperature=1e39)[0] == pytest.approx(
        float(1 / (1 + np.exp(-0.6))), rel=1e-6)
    # a base beyond float32's range
    assert cl.entropy(np.array([0.5, 0.5], dtype), base=1e300) == pytest.approx(np.log(2) / np.log(1e300), rel=1e-6)


def test_the_overflow_threshold_is_half_an_ulp_above_the_largest_float():
    """Found by CI: a float32 soft-target loss whose exact value, 3.40282356779733e38, lies
    just below the point where rounding gives inf. The correctly rounded float32 is the
    largest float; the old threshold (max * (1 + 2**-25)) wrongly demanded inf."""
    big = np.float32(np.finfo(np.float32).max)
    z = np.array([big, 40.0, -88.0], np.float32)
    t = np.array([0.0, 2 / 3, 1 / 3], np.float32)
    with mp.workprec(PREC):
        lse = r_logsumexp(z)
        exact = mp.fsum(as_mp(a) * (lse - as_mp(b)) for a, b in zip(t, z))
        assert M(float(big)) < exact < M(2) ** 128 - M(2) ** 103
        got = cl.softmax_cross_entropy(t, z)
        assert got == big
        assert_exact(got, [exact], np.float32)
        with pytest.raises(AssertionError):
            assert_exact(np.float32(np.inf), [M(2) ** 127], np.float32)
        assert_exact(np.float32(np.inf), [M(2) ** 128 - M(2) ** 103], np.float32)


@pytest.mark.parametrize("base", [1 + 1e-6, 2, 1.5, None, 10, 1e300])
def test_subnormal_terms_are_not_magnified_by_a_base_near_1(base):
    """Found by CI: the entropy of (1, 5e-324) in base 1 + 1e-6 came out with three digits
    (3.6758e-315 for 3.6780e-315): the subnormal term 5e-324 * log(5e-324) keeps few
    digits, and dividing by ln(1 + 1e-6) magnified its rounding. For bases below e the
    logarithm is now divided first. Cross-entropy and KL have the same terms."""
    p = np.array([1.0, 5e-324])
    q = np.array([0.5, 0.5])
    with mp.workprec(PREC):
        scale = 1 if base is None else mp.log(M(base))
        h = -mp.fsum(r_xlogy(a, a) for a in p) / scale
        assert_exact(cl.entropy(p, base=base), [h], np.float64)
        xent = -mp.fsum(r_xlogy(a, b) for a, b in zip(q, p)) / scale
        assert_exact(cl.cross_entropy(q, p, base=base), [xent], np.float64)
        kl = mp.fsum(r_xlogy(a, a) - r_xlogy(a, b) for a, b in zip(p, q)) / scale
        assert_exact(cl.kl_divergence(p, q, base=base), [kl], np.float64)


def test_kl_of_near_distributions_in_bits_keeps_its_digits():
    """Found while fixing the case above: dividing each of KL's cancelling differences
    p - q by ln 2 before their sum lost digits (9.9e-14 relative); their sum is divided."""
    p = np.array([0.5, 0.5])
    q = np.array([0.5 - 0.5e-3, 0.5 + 0.5e-3])
    with mp.workprec(PREC):
        kl = mp.fsum(r_xlogy(a, a) - r_xlogy(a, b) for a, b in zip(p, q)) / mp.log(2)
        assert_exact(cl.kl_divergence(p, q, base=2), [kl], np.float64)
