"""celearn.claims.check_claim, and the notebook claims that need a library the course does not ship."""
import numpy as np
import pytest
from sklearn.metrics import log_loss

import celearn as cl
from celearn.claims import ClaimError, check_claim


def test_a_true_claim_passes_silently():
    assert check_claim("ln 2", -np.log(0.5), np.log(2)) is None
    assert check_claim("sorted", bool(np.all(np.diff([1, 2, 3]) > 0))) is None
    assert check_claim("labels", [5, 6], [5, 6]) is None
    assert check_claim("inf", np.inf, np.inf) is None
    assert check_claim("text", "a", "a") is None


def test_a_false_claim_names_itself_and_the_difference():
    with pytest.raises(ClaimError) as info:
        check_claim("the total is 4.4603 nats", 4.47, 4.4603, rtol=0, atol=5e-5)
    message = str(info.value)
    assert "the total is 4.4603 nats" in message
    assert "4.4603" in message and "4.47" in message
    assert "0.0097" in message                     # the difference, 4.47 - 4.4603
    assert isinstance(info.value, AssertionError)  # pytest and nbval treat it as a failed assert


def test_array_claims_report_the_worst_index():
    with pytest.raises(ClaimError, match=r"index \(2,\): 0\.5"):
        check_claim("per-sample", [1.0, 2.0, 3.5], [1.0, 2.0, 3.0])


def test_shape_mismatch_and_nan_fail():
    with pytest.raises(ClaimError, match="shape"):
        check_claim("shapes", np.zeros(3), np.zeros(2))
    with pytest.raises(ClaimError):
        check_claim("nan is no number", np.nan, 1.0)
    with pytest.raises(ClaimError):
        check_claim("infinite vs finite", np.inf, 1e308)


def test_a_boolean_claim_must_be_a_boolean():
    with pytest.raises(ClaimError, match="not a bool"):
        check_claim("truthy number is not a claim", 0.3)
    with pytest.raises(ClaimError, match="computed: False"):
        check_claim("false", np.False_)


@pytest.mark.parametrize("bad", [{"rtol": -1}, {"atol": float("nan")}, {"rtol": "1e-9"}])
def test_bad_tolerance_is_a_value_error(bad):
    with pytest.raises(ValueError, match="non-negative"):
        check_claim("x", 1.0, 1.0, **bad)


def test_a_claim_needs_words():
    with pytest.raises(ValueError, match="claim must be a non-empty string"):
        check_claim("", 1.0, 1.0)


# Notebook 02: "binary log loss is BCE, the Bernoulli negative log-likelihood (sklearn.metrics.log_loss)".
def test_notebook_02_log_loss_is_mean_bce():
    t, p = cl.datasets.bce_example()
    assert log_loss(t, p) == pytest.approx(cl.binary_cross_entropy(t, p), rel=1e-12)
    assert log_loss(t, p, normalize=False) == pytest.approx(4.460303459760249, rel=1e-12)
    rng = np.random.default_rng(9)
    t_rand, p_rand = rng.integers(0, 2, 50), rng.uniform(0.01, 0.99, 50)
    t_rand[:2] = [0, 1]
    assert log_loss(t_rand, p_rand) == pytest.approx(cl.binary_cross_entropy(t_rand, p_rand), rel=1e-12)
