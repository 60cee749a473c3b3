"""Tests for celearn.information against scipy.stats.entropy, plus the identity H(t, p) = H(t) + KL(t || p)."""
import numpy as np
import pytest
import scipy.special as sp
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import celearn as cl

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

RTOL64 = 1e-12


def dirichlet(n, k, seed, alpha=1.0):
    return np.random.default_rng(seed).dirichlet(np.full(k, alpha), size=n)


@pytest.mark.parametrize("base", [None, 2, 10, np.e])
def test_entropy_matches_scipy(base):
    p = dirichlet(40, 6, seed=1)
    np.testing.assert_allclose(cl.entropy(p, base=base), scipy.stats.entropy(p, base=base, axis=-1), rtol=RTOL64)
    assert cl.entropy(p[0], base=base) == pytest.approx(scipy.stats.entropy(p[0], base=base), rel=RTOL64)


@pytest.mark.parametrize("base", [None, 2])
def test_kl_divergence_matches_scipy(base):
    p, q = dirichlet(40, 6, seed=2), dirichlet(40, 6, seed=3)
    np.testing.assert_allclose(cl.kl_divergence(p, q, base=base),
                               scipy.stats.entropy(p, q, base=base, axis=-1), rtol=RTOL64)


def test_cross_entropy_matches_xlogy_and_scipy():
    p, q = dirichlet(40, 6, seed=4), dirichlet(40, 6, seed=5)
    np.testing.assert_allclose(cl.cross_entropy(p, q), -sp.xlogy(p, q).sum(axis=1), rtol=RTOL64)
    # scipy.stats.entropy(p, q) is the KL divergence; CE = H + KL
    np.testing.assert_allclose(cl.cross_entropy(p, q),
                               scipy.stats.entropy(p, axis=1) + scipy.stats.entropy(p, q, axis=1), rtol=1e-12)
    # the same number as the categorical cross-entropy loss per sample
    np.testing.assert_allclose(cl.cross_entropy(p, q),
                               cl.categorical_cross_entropy(p, q, reduction="none"), rtol=RTOL64)


def test_zero_probabilities():
    assert cl.entropy([1.0, 0.0, 0.0]) == 0.0  # 0 log 0 = 0
    assert cl.kl_divergence([0.0, 1.0], [0.5, 0.5]) == pytest.approx(np.log(2), rel=RTOL64)
    assert cl.kl_divergence([0.5, 0.5], [1.0, 0.0]) == np.inf  # q = 0 < p, no warning
    assert cl.cross_entropy([0.5, 0.5], [1.0, 0.0]) == np.inf
    assert cl.cross_entropy([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert cl.kl_divergence([1.0, 0.0], [1.0, 0.0]) == 0.0


def test_known_values_in_bits():
    assert cl.entropy([0.5, 0.5], base=2) == 1.0
    assert cl.entropy(np.full(8, 1 / 8), base=2) == pytest.approx(3.0, rel=RTOL64)
    assert cl.cross_entropy([1, 0], [0.25, 0.75], base=2) == pytest.approx(2.0, rel=RTOL64)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_kept(dtype):
    p = dirichlet(5, 4, seed=6).astype(dtype)
    q = dirichlet(5, 4, seed=7).astype(dtype)
    for out in (cl.entropy(p), cl.cross_entropy(p, q), cl.kl_divergence(p, q, base=2)):
        assert out.dtype == dtype and out.shape == (5,)
    assert isinstance(cl.entropy(p[0]), dtype)
    np.testing.assert_allclose(cl.entropy(p), scipy.stats.entropy(p.astype(np.float64), axis=1),
                               rtol=RTOL64 if dtype is np.float64 else 1e-5)


def test_leading_dimensions():
    p = dirichlet(12, 3, seed=8).reshape(2, 6, 3)
    assert cl.entropy(p).shape == (2, 6)


# ---------------------------------------------------------------- properties
def simplex(k_min=2, k_max=6):
    """Distributions with entries bounded away from 0 (so KL and CE are finite)."""
    weights = st.integers(k_min, k_max).flatmap(
        lambda k: arrays(np.float64, k, elements=st.floats(0.01, 1.0)))
    return weights.map(lambda w: w / w.sum())


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_cross_entropy_is_entropy_plus_kl(data):
    t = data.draw(simplex())
    p = data.draw(simplex(len(t), len(t)))
    ce, h, kl = cl.cross_entropy(t, p), cl.entropy(t), cl.kl_divergence(t, p)
    assert kl >= -1e-15 and h >= 0
    assert ce == pytest.approx(h + kl, rel=1e-12, abs=1e-14)
    assert cl.softmax_cross_entropy(t, np.log(p)) == pytest.approx(ce, rel=1e-12, abs=1e-14)
    assert cl.kl_divergence(t, t) == 0.0


def test_surprisal():
    p = np.array([1.0, 0.5, 0.25, 1e-300, 0.0])
    with np.errstate(divide="ignore"):
        expected = -np.log(p)
    np.testing.assert_allclose(cl.surprisal(p), expected, rtol=RTOL64)
    np.testing.assert_array_equal(cl.surprisal([1.0, 0.5, 0.25], base=2), [0.0, 1.0, 2.0])
    assert cl.surprisal(np.float32(0.5)).dtype == np.float32
    with pytest.raises(ValueError, match=r"p has a value 1\.5 outside \[0, 1\] at index \(0,\)"):
        cl.surprisal([1.5])
