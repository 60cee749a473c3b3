"""celearn.likelihood: likelihood of coin tosses, scoring rules, 1-D logistic losses."""
import numpy as np
import pytest
import scipy.special as sp
import scipy.stats as stats
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

import celearn as cl
from celearn import likelihood as L
from celearn.likelihood import (
    best_report,
    coin_likelihood,
    coin_log_likelihood,
    expected_score,
    logistic_losses_1d,
)

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


@pytest.mark.parametrize("h, m", [(7, 3), (0, 5), (5, 0), (1, 1), (120, 37)])
def test_coin_log_likelihood_matches_scipy_binomial(h, m):
    q = np.linspace(0.0, 1.0, 101)
    # binomial pmf = C(n, h) q^h (1-q)^m: drop the constant
    ref = stats.binom.logpmf(h, h + m, q) - np.log(sp.comb(h + m, h))
    np.testing.assert_allclose(coin_log_likelihood(q, h, m), ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(coin_likelihood(q, h, m), np.exp(ref), rtol=1e-12, atol=1e-300)


def test_coin_nll_is_the_summed_bce_of_the_tosses():
    t = np.array([1] * 7 + [0] * 3)
    for q in (0.1, 0.5, 0.7, 0.99):
        assert -coin_log_likelihood(q, 7, 3) == pytest.approx(
            cl.binary_cross_entropy(t, np.full(10, q), reduction="sum"), rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(h=st.integers(0, 200), m=st.integers(0, 200))
def test_coin_likelihood_peaks_at_the_observed_frequency(h, m):
    if h + m == 0:
        return
    best = h / (h + m)
    q = np.linspace(0, 1, 1001)
    assert np.all(coin_log_likelihood(q, h, m) <= coin_log_likelihood(best, h, m) + 1e-9)


def test_bce_example_nll():
    t, p = cl.datasets.bce_example()
    log_lik = np.sum(sp.xlogy(t, p) + sp.xlogy(1 - t, 1 - p))
    assert -log_lik == pytest.approx(4.460303459760249, rel=1e-12)
    assert cl.binary_cross_entropy(t, p, reduction="sum") == pytest.approx(-log_lik, rel=1e-12)


@pytest.mark.parametrize("rule", ["log", "brier", "absolute"])
@pytest.mark.parametrize("p_star", [0.0, 0.1, 0.3, 0.5, 0.7, 0.95, 1.0])
def test_expected_score_matches_the_expectation_and_best_report_is_the_minimiser(rule, p_star):
    q = np.linspace(0.0, 1.0, 201)
    penalty = {"log": lambda t, q: -(sp.xlogy(t, q) + sp.xlogy(1 - t, 1 - q)),
               "brier": lambda t, q: (t - q) ** 2,
               "absolute": lambda t, q: np.abs(t - q)}[rule]
    with np.errstate(divide="ignore"):
        # a term with weight 0 contributes 0 (0 · inf = 0 in the expectation)
        ref = ((p_star * penalty(1, q) if p_star > 0 else 0)
               + ((1 - p_star) * penalty(0, q) if p_star < 1 else 0))
    got = expected_score(p_star, q, rule=rule)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-15)
    best = best_report(p_star, rule=rule)
    assert float(expected_score(p_star, best, rule=rule)) <= got.min() + 1e-12
    if 0 < p_star < 1:
        res = minimize_scalar(lambda x: float(expected_score(p_star, x, rule=rule)),
                              bounds=(1e-9, 1 - 1e-9), method="bounded",
                              options={"xatol": 1e-10})
        if rule != "absolute" or p_star != 0.5:
            assert res.x == pytest.approx(best, abs=1e-5)


@settings(max_examples=50, deadline=None)
@given(p_star=st.floats(0.01, 0.99), q=st.floats(0.0, 1.0))
def test_proper_rules_are_never_beaten_by_another_report(p_star, q):
    for rule in ("log", "brier"):
        assert expected_score(p_star, p_star, rule=rule) <= expected_score(p_star, q, rule=rule) + 1e-12
    # the absolute rule rewards exaggeration: the honest report loses to the nearest end
    if abs(p_star - 0.5) > 1e-6:
        end = 1.0 if p_star > 0.5 else 0.0
        assert expected_score(p_star, end, rule="absolute") < expected_score(p_star, p_star, rule="absolute")


def test_logistic_losses_match_the_direct_formulas_and_convexity():
    x = np.array([-2.0, -1.0, 0.5, 1.0, 2.0])
    t = np.array([0, 0, 1, 1, 0])
    w = np.linspace(-8, 8, 1601)
    ce, se = logistic_losses_1d(w, x, t)
    p = sp.expit(w[:, None] * x)
    ref_ce = -np.mean(sp.xlogy(t, p) + sp.xlogy(1 - t, 1 - p), axis=1)
    np.testing.assert_allclose(ce, ref_ce, rtol=1e-10)
    np.testing.assert_allclose(se, np.mean((p - t) ** 2, axis=1), rtol=1e-12)
    assert np.all(np.diff(ce, 2) >= -1e-12)      # convex
    assert np.any(np.diff(se, 2) < -1e-6)        # not convex


def test_logistic_losses_are_finite_for_huge_weights():
    ce, se = logistic_losses_1d([1e6, -1e6], [1.0, -1.0], [1, 0])
    assert np.all(np.isfinite(ce)) and ce[0] == 0 and ce[1] == pytest.approx(1e6)
    assert se.tolist() == [0.0, 1.0]


@pytest.mark.parametrize("call, match", [
    (lambda: coin_log_likelihood(0.5, -1, 2), "heads must be a whole number"),
    (lambda: coin_log_likelihood(0.5, 2, 1.5), "tails must be a whole number"),
    (lambda: coin_log_likelihood(1.2, 2, 1), "q has a value 1.2 outside"),
    (lambda: expected_score(0.5, 0.5, rule="hinge"), "rule must be one of"),
    (lambda: expected_score(1.5, 0.5), "p_star must be a number in"),
    (lambda: best_report(0.5, rule="abs"), "rule must be one of"),
    (lambda: logistic_losses_1d([1.0], [1.0, 2.0], [1]), "shape"),
    (lambda: logistic_losses_1d([1.0], [1.0], [2]), "t has a value 2"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_coin_edges_are_exact():
    assert coin_log_likelihood(0.0, 0, 3) == 0.0
    assert coin_log_likelihood(0.0, 1, 3) == -np.inf
    assert coin_log_likelihood(1.0, 3, 0) == 0.0
    assert expected_score(1.0, 1.0) == 0.0 and expected_score(0.0, 0.0) == 0.0
    assert expected_score(0.5, 0.0) == np.inf


# ---------------------------------------------------------------- ln(1 - q) via log1p
def _mp_log_likelihood(q, h, m):
    import mpmath

    with mpmath.workdps(60):
        q = mpmath.mpf(float(q))
        up = h * mpmath.log(q) if h else 0
        down = m * mpmath.log1p(-q) if m else 0
        return float(up + down)


@pytest.mark.parametrize("q, h, m", [(1e-17, 0, 3), (1e-17, 2, 3), (1e-300, 1, 1),
                                     (0.3, 7, 3), (1 - 2**-53, 4, 1), (0.5, 2**53, 2**53)])
def test_coin_log_likelihood_matches_mpmath_for_tiny_q(q, h, m):
    ours = L.coin_log_likelihood(q, h, m)
    assert ours == pytest.approx(_mp_log_likelihood(q, h, m), rel=1e-15, abs=0)


def test_coin_log_likelihood_float32_is_float32_exact():
    q = np.float32(1e-3)
    ours = L.coin_log_likelihood(q, 2, 3)
    assert ours.dtype == np.float32
    assert ours == pytest.approx(_mp_log_likelihood(q, 2, 3), rel=2e-7)


def test_expected_log_score_uses_log1p():
    import mpmath

    with mpmath.workdps(60):
        ref = float(-0.3 * mpmath.log(mpmath.mpf(1e-17))
                    - 0.7 * mpmath.log1p(-mpmath.mpf(1e-17)))
    assert L.expected_score(0.3, 1e-17) == pytest.approx(ref, rel=1e-15)
    assert L.expected_score(0.3, 1.0) == np.inf  # -0.7 ln 0, not nan
    assert L.coin_log_likelihood(1.0, 0, 3) == -np.inf


@pytest.mark.parametrize("kw", [{"heads": 10**400}, {"tails": 2**53 + 1}, {"heads": 10**20}])
def test_huge_counts_raise_a_value_error_that_states_the_limit(kw):
    args = {"heads": 1, "tails": 1, **kw}
    with pytest.raises(ValueError, match=r"at most 2\*\*53"):
        L.coin_log_likelihood(0.5, **args)


def test_logistic_losses_overflow_names_w_and_x_not_z():
    with pytest.raises(ValueError, match=r"w \* x overflows.*largest \|w\| is 1e\+300"):
        L.logistic_losses_1d([1e300], [1e10, -1.0], [1, 0])


def test_logistic_losses_mean_does_not_overflow_for_huge_finite_losses():
    ce, _ = L.logistic_losses_1d([-1e308], [1.0, 1.0], [1, 1])
    assert ce == pytest.approx(1e308, rel=1e-15)  # each loss is 1e308: so is their mean
