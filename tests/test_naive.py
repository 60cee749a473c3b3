"""celearn.naive: the naive formulas fail where they should, quietly; the references are exact."""
import warnings

import numpy as np
import pytest
from scipy import special

import celearn as cl
from celearn import naive

DTYPES = [np.float32, np.float64]


def test_not_reexported_from_celearn():
    assert "softmax" in naive.__all__
    assert cl.softmax is not naive.softmax
    assert cl.naive is naive


@pytest.mark.parametrize("call", [
    lambda: naive.softmax(np.array([1000.0, 0.0, -1000.0])),
    lambda: naive.softmax(np.array([-1000.0, -1000.0])),
    lambda: naive.log_softmax(np.array([0.0, -1000.0])),
    lambda: naive.logsumexp(np.array([1000.0, 0.0])),
    lambda: naive.sigmoid(-1000.0),
    lambda: naive.softmax_cross_entropy(2, np.array([500.0, 0.0, -500.0])),
    lambda: naive.binary_cross_entropy_with_logits([0, 1], [40.0, -800.0]),
    lambda: naive.bce_grad_logits(0, 40.0),
    lambda: naive.binary_cross_entropy_log_clamp([1, 0], [0.0, 1.0]),
    lambda: naive.float_limits(np.float32),
], ids=["softmax-overflow", "softmax-underflow", "log_softmax", "logsumexp", "sigmoid",
        "softmax_ce", "bce_logits", "bce_grad", "log_clamp", "float_limits"])
def test_failures_are_quiet(call):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        call()


def test_naive_versions_really_fail():
    assert np.isnan(naive.softmax(np.array([1000.0, 0.0]))[0])
    assert np.all(np.isnan(naive.softmax(np.array([-1000.0, -1000.0]))))
    assert naive.log_softmax(np.array([0.0, -1000.0]))[1] == -np.inf
    assert naive.logsumexp(np.array([1000.0, 0.0])) == np.inf
    assert naive.softmax_cross_entropy(2, np.array([500.0, 0.0, -500.0])) == np.inf
    assert naive.binary_cross_entropy_with_logits(0, 40.0) == np.inf
    assert np.isnan(naive.bce_grad_logits(0, 40.0))


def test_naive_versions_are_right_on_easy_inputs():
    z = np.array([[1.0, 2.0, 3.0], [0.5, -0.5, 0.0]])
    np.testing.assert_allclose(naive.softmax(z), special.softmax(z, axis=-1), rtol=1e-12)
    np.testing.assert_allclose(naive.log_softmax(z), special.log_softmax(z, axis=-1), rtol=1e-12)
    np.testing.assert_allclose(naive.logsumexp(z), special.logsumexp(z, axis=-1), rtol=1e-12)
    np.testing.assert_allclose(naive.sigmoid([-2.0, 0.0, 3.0]), special.expit([-2.0, 0.0, 3.0]))
    np.testing.assert_allclose(naive.softmax_cross_entropy([2, 0], z, reduction="none"),
                               -special.log_softmax(z, axis=-1)[[0, 1], [2, 0]], rtol=1e-12)
    t, zz = np.array([0.0, 1.0, 0.3]), np.array([-1.5, 2.0, 0.2])
    np.testing.assert_allclose(naive.binary_cross_entropy_with_logits(t, zz, reduction="none"),
                               naive.exact_binary_cross_entropy_with_logits(t, zz), rtol=1e-12)
    np.testing.assert_allclose(naive.bce_grad_logits(t, zz), special.expit(zz) - t, rtol=1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
def test_naive_keeps_dtype(dtype):
    z = np.array([1.0, 2.0], dtype=dtype)
    for f in (naive.softmax, naive.log_softmax, naive.sigmoid):
        assert f(z).dtype == dtype
    assert naive.logsumexp(z).dtype == dtype


def test_reductions():
    t, z = np.array([0.0, 1.0]), np.array([1.0, -1.0])
    per = naive.binary_cross_entropy_with_logits(t, z, reduction="none")
    assert per.shape == (2,)
    assert naive.binary_cross_entropy_with_logits(t, z, reduction="sum") == pytest.approx(per.sum())
    assert naive.binary_cross_entropy_with_logits(t, z) == pytest.approx(per.mean())
    with pytest.raises(ValueError, match="reduction"):
        naive.binary_cross_entropy_with_logits(t, z, reduction="avg")


def test_log_clamp_is_pytorch_rule():
    # a confidently wrong prediction costs exactly 100 nats; elsewhere it is plain BCE
    assert naive.binary_cross_entropy_log_clamp(1, 0.0) == 100.0
    assert naive.binary_cross_entropy_log_clamp(0, 1.0) == 100.0
    assert naive.binary_cross_entropy_log_clamp(0, 0.0) == 0.0
    p = np.array([0.2, 0.7, 1e-50])
    want = np.minimum(-np.log(p), 100.0)
    np.testing.assert_allclose(naive.binary_cross_entropy_log_clamp(1, p, reduction="none"), want)
    assert naive.binary_cross_entropy_log_clamp(1, 0.3, log_min=-1.0) == 1.0


@pytest.mark.parametrize("dtype", DTYPES)
def test_float_limits_are_where_things_break(dtype):
    lim = naive.float_limits(dtype)
    info = np.finfo(dtype)
    assert lim["eps"] == info.eps
    with np.errstate(all="ignore"):
        over, under, sat = (dtype(lim[k]) for k in ("exp_overflow", "exp_underflow",
                                                    "sigmoid_saturation"))
        assert np.isinf(np.exp(over)) and np.isfinite(np.exp(np.nextafter(over, dtype(0))))
        assert np.exp(under) == 0 and np.exp(np.nextafter(under, dtype(0))) > 0
        assert naive.sigmoid(sat) == 1 and naive.sigmoid(np.nextafter(sat, dtype(0))) < 1
    # near the textbook values: log(max float), log(smallest subnormal / 2), ln 2 per mantissa bit
    assert lim["exp_overflow"] == pytest.approx(np.log(float(info.max)), abs=1e-3)
    tiny = float(info.smallest_subnormal)
    assert lim["exp_underflow"] == pytest.approx(np.log(tiny) - np.log(2), abs=1e-3)
    assert lim["sigmoid_saturation"] == pytest.approx((info.nmant + 1) * np.log(2), abs=1e-2)


def test_float32_breaks_much_earlier_than_float64():
    l32, l64 = naive.float_limits(np.float32), naive.float_limits(np.float64)
    assert 88 < l32["exp_overflow"] < 89 and 709 < l64["exp_overflow"] < 710
    assert 16 < l32["sigmoid_saturation"] < 17.5 and 36 < l64["sigmoid_saturation"] < 37.5


def test_exact_references_match_scipy():
    z = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0], [-800.0, -800.5, -799.0]])
    np.testing.assert_allclose(naive.exact_logsumexp(z), special.logsumexp(z, axis=-1),
                               rtol=1e-15)
    np.testing.assert_allclose(naive.exact_log_softmax(z), special.log_softmax(z, axis=-1),
                               rtol=1e-14)
    np.testing.assert_allclose(naive.exact_softmax(z), special.softmax(z, axis=-1),
                               rtol=1e-14, atol=1e-300)
    assert np.ndim(naive.exact_logsumexp(z[0])) == 0
    t, zz = np.array([0.0, 1.0, 1.0, 0.5]), np.array([40.0, -800.0, 3.0, 10.0])
    want = t * np.logaddexp(0, -zz) + (1 - t) * np.logaddexp(0, zz)
    np.testing.assert_allclose(naive.exact_binary_cross_entropy_with_logits(t, zz), want,
                               rtol=1e-14)


def test_exact_references_keep_tiny_results():
    # 1 + e^-200 rounds to 1 even at 50 digits; the references must not
    assert naive.exact_logsumexp([0.0, -200.0]) == pytest.approx(np.exp(-200.0), rel=1e-15)
    assert naive.exact_binary_cross_entropy_with_logits(0, -115.0) == pytest.approx(
        np.exp(-115.0), rel=1e-15)
    assert naive.exact_binary_cross_entropy_with_logits(1, 800.0) == 0.0  # e^-800 < smallest float
    assert naive.exact_log_softmax([0.0, -200.0])[0] == pytest.approx(-np.exp(-200.0), rel=1e-15)
