"""Tests for celearn.activations against scipy.special, at random and extreme inputs."""
import numpy as np
import pytest
import scipy.special as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import celearn as cl
from celearn import activations

# Any RuntimeWarning (overflow, divide by zero, invalid) fails these tests.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

RTOL64 = 1e-12
RTOL32 = 1e-6  # float32 results vs a float64 reference
rng = np.random.default_rng(20240601)

FLOATS = [np.float32, np.float64]


def logits(shape, scale=5.0, seed=0):
    return np.random.default_rng(seed).normal(scale=scale, size=shape)


# ---------------------------------------------------------------- sigmoid
def test_sigmoid_matches_scipy_expit():
    z = logits(1000, scale=10)
    np.testing.assert_allclose(cl.sigmoid(z), sp.expit(z), rtol=RTOL64, atol=0)


@pytest.mark.parametrize("dtype", FLOATS)
def test_sigmoid_extremes_exact_without_warning(dtype):
    z = np.array([-1e4, -1000, -30, 0, 30, 1000, 1e4], dtype=dtype)
    out = cl.sigmoid(z)
    assert out.dtype == dtype
    # exact values, computed independently: sigmoid(z) = exp(z)/(1+exp(z)) for z<0
    expected = np.array([0, 0, np.exp(-30) / (1 + np.exp(-30)), 0.5, 1 / (1 + np.exp(-30)), 1, 1])
    np.testing.assert_allclose(out, expected, rtol=RTOL64 if dtype is np.float64 else RTOL32, atol=0)


def test_sigmoid_tiny_values_do_not_underflow_early():
    # scipy's expit returns 0 at -745; the true value is e^-745 ~ 4.9e-324 (subnormal)
    assert cl.sigmoid(-700.0) == pytest.approx(np.exp(-700.0), rel=1e-12)
    assert cl.sigmoid(-745.0) > 0


def test_sigmoid_types_and_shapes():
    assert cl.sigmoid(0) == 0.5 and isinstance(cl.sigmoid(0), np.float64)
    assert isinstance(cl.sigmoid(np.float32(0)), np.float32)
    assert cl.sigmoid([[True, False]]).dtype == np.float64
    assert cl.sigmoid(np.zeros((2, 3, 4), np.float32)).shape == (2, 3, 4)


@pytest.mark.parametrize("dtype", FLOATS)
def test_sigmoid_float_dtype_kept_and_accurate(dtype):
    z = logits(500, scale=8).astype(dtype)
    out = cl.sigmoid(z)
    assert out.dtype == dtype
    np.testing.assert_allclose(out, sp.expit(z.astype(np.float64)),
                               rtol=RTOL64 if dtype is np.float64 else RTOL32)


# ---------------------------------------------------------------- softmax family
def assert_log_softmax_close(ours, scipy_value):
    """Agreement with scipy to 1e-12 relative, except that scipy's ``(z - m) - log(s)``
    carries an absolute rounding error of ~1e-16 at the arg-max entry, where ours
    (``-log1p(s)``) stays relatively exact (checked against mpmath below)."""
    np.testing.assert_allclose(ours, scipy_value, rtol=RTOL64, atol=1e-15)


@pytest.mark.parametrize("shape, axis", [((7,), -1), ((50, 9), -1), ((50, 9), 0), ((4, 5, 6), 1)])
def test_softmax_family_matches_scipy(shape, axis):
    z = logits(shape, scale=10)
    np.testing.assert_allclose(cl.softmax(z, axis=axis), sp.softmax(z, axis=axis), rtol=RTOL64, atol=1e-300)
    assert_log_softmax_close(cl.log_softmax(z, axis=axis), sp.log_softmax(z, axis=axis))
    np.testing.assert_allclose(cl.logsumexp(z, axis=axis), sp.logsumexp(z, axis=axis), rtol=RTOL64)
    assert cl.softmax(z, axis=axis).shape == shape
    assert np.shape(cl.logsumexp(z, axis=axis)) == sp.logsumexp(z, axis=axis).shape


def test_log_softmax_matches_high_precision_reference():
    import mpmath
    mpmath.mp.dps = 50
    z = logits((6, 5), scale=12, seed=3)
    z[0] = [0.0, -40.0, -35.0, -50.0, -60.0]  # arg-max entry ~ -1e-15: relative accuracy matters
    expected = np.array([[float(x - mpmath.log(mpmath.fsum(mpmath.exp(y) for y in row)))
                          for x in row] for row in z.tolist()])
    np.testing.assert_allclose(cl.log_softmax(z), expected, rtol=1e-14, atol=0)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("big", [1000.0, 1e4])
def test_softmax_family_extreme_logits(dtype, big):
    z = np.array([[big, 0, -big], [-big, -big, -big], [big, big, 0]], dtype=dtype)
    ls = cl.log_softmax(z)
    assert ls.dtype == dtype and np.all(np.isfinite(ls))
    ln2 = np.log(2)
    expected_ls = np.array([[0, -big, -2 * big], [-np.log(3)] * 3, [-ln2, -ln2, -big - ln2]])
    np.testing.assert_allclose(ls, expected_ls, rtol=RTOL64 if dtype is np.float64 else RTOL32)
    sm = cl.softmax(z)
    assert sm.dtype == dtype
    np.testing.assert_allclose(sm, np.exp(expected_ls), rtol=RTOL32, atol=0)
    lse = cl.logsumexp(z)
    assert lse.dtype == dtype
    np.testing.assert_allclose(lse, [big, -big + np.log(3), big + ln2], rtol=RTOL64 if dtype is np.float64 else RTOL32)


def test_log_softmax_issue_example_is_exact():
    out = cl.log_softmax([1000, 0, -1000])
    assert out.tolist() == [0.0, -1000.0, -2000.0]


def test_tiny_logsumexp_is_exact():
    # log(1 + e^-40) = 4.25e-18: a plain m + log(sum) would give exactly 0
    expected = np.log1p(np.exp(-40.0))
    assert cl.logsumexp([0.0, -40.0]) == pytest.approx(expected, rel=RTOL64)
    assert cl.log_softmax([0.0, -40.0])[0] == pytest.approx(-expected, rel=RTOL64)
    assert sp.logsumexp([0.0, -40.0]) == pytest.approx(expected, rel=RTOL64)  # scipy agrees


@pytest.mark.parametrize("dtype", FLOATS)
def test_float32_kept_and_accurate(dtype):
    z = logits((30, 8), scale=20).astype(dtype)
    z64 = z.astype(np.float64)  # the same values, computed in float64 by scipy
    f32 = dtype is np.float32
    for ours, ref, rtol32 in [
        (cl.log_softmax, sp.log_softmax, 2e-6),
        (cl.logsumexp, sp.logsumexp, 2e-6),
        # exp turns the float32 rounding of z - max (|z - max| up to ~100 here)
        # into a relative error of up to |z - max| * 6e-8 ~ 6e-6
        (cl.softmax, sp.softmax, 1e-5),
    ]:
        out = ours(z)
        assert out.dtype == dtype
        if f32:
            # atol: scipy's float64 log_softmax itself is only absolutely accurate near 0
            np.testing.assert_allclose(out, ref(z64, axis=-1), rtol=rtol32, atol=1e-15)
        elif ours is cl.log_softmax:
            assert_log_softmax_close(out, ref(z64, axis=-1))
        else:
            np.testing.assert_allclose(out, ref(z64, axis=-1), rtol=RTOL64, atol=1e-300)


def test_integer_and_bool_input_give_float64():
    assert cl.softmax([1, 2, 3]).dtype == np.float64
    assert cl.log_softmax([True, False]).dtype == np.float64
    assert isinstance(cl.logsumexp([1, 2]), np.float64)


@pytest.mark.parametrize("layout", ["c", "fortran", "strided"])
def test_chunked_path_on_large_and_non_contiguous_input(layout):
    # Large enough for many chunks of rows, with a ragged last chunk.
    z = logits((3001, 257), scale=30)
    if layout == "fortran":
        z = np.asfortranarray(z)
    elif layout == "strided":
        z = logits((3001, 514), scale=30)[:, ::2]
    rows = activations._CHUNK_BYTES // (z.shape[1] * 8)
    assert z.shape[0] > 5 * rows
    np.testing.assert_allclose(cl.logsumexp(z), sp.logsumexp(z, axis=-1), rtol=RTOL64)
    assert_log_softmax_close(cl.log_softmax(z), sp.log_softmax(z, axis=-1))
    np.testing.assert_allclose(cl.softmax(z), sp.softmax(z, axis=-1), rtol=RTOL64, atol=1e-300)


def test_ties_at_the_maximum():
    z = np.array([3.0, 3.0, 3.0, -1.0])
    np.testing.assert_allclose(cl.logsumexp(z), sp.logsumexp(z), rtol=RTOL64)
    np.testing.assert_allclose(cl.softmax(z), sp.softmax(z), rtol=RTOL64)


def test_inputs_are_not_modified():
    z = logits((20, 5))
    before = z.copy()
    cl.softmax(z), cl.log_softmax(z), cl.logsumexp(z), cl.softmax_jacobian(z), cl.sigmoid(z)
    np.testing.assert_array_equal(z, before)


# ---------------------------------------------------------------- temperature
@pytest.mark.parametrize("temperature", [0.1, 0.5, 2.0, 37.0])
def test_softmax_temperature_matches_scipy(temperature):
    z = logits((10, 6))
    np.testing.assert_allclose(cl.softmax(z, temperature=temperature),
                               sp.softmax(z / temperature, axis=-1), rtol=1e-12, atol=1e-300)


def test_softmax_temperature_limits():
    z = np.array([1.0, 3.0, 2.0])
    np.testing.assert_array_equal(cl.softmax(z, temperature=1e-300), [0.0, 1.0, 0.0])
    np.testing.assert_allclose(cl.softmax(z, temperature=1e300), np.full(3, 1 / 3), rtol=1e-12)
    z32 = np.array([1e4, -1e4], np.float32)
    out = cl.softmax(z32, temperature=1e-30)
    assert out.dtype == np.float32 and out.tolist() == [1.0, 0.0]


# ---------------------------------------------------------------- properties
finite_logits = st.floats(-50, 50, allow_nan=False, allow_infinity=False)
logit_rows = arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 8)), elements=finite_logits)


@settings(max_examples=60, deadline=None)
@given(z=logit_rows, shift=st.floats(-1e3, 1e3))
def test_softmax_rows_sum_to_one_and_shift_invariant(z, shift):
    p = cl.softmax(z)
    assert np.all(p >= 0) and np.all(p <= 1)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=0, atol=1e-14)
    np.testing.assert_allclose(cl.softmax(z + shift), p, rtol=1e-9, atol=1e-15)
    # log_softmax = z - logsumexp: consistent with each other and with softmax
    np.testing.assert_allclose(cl.log_softmax(z), z - cl.logsumexp(z)[:, None], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.exp(cl.log_softmax(z)), p, rtol=1e-12, atol=1e-300)


# Logits within +-3 keep every Jacobian row's scale well above the ~1e-10
# rounding noise of central differences with h = 1e-6.
@settings(max_examples=40, deadline=None)
@given(z=arrays(np.float64, st.integers(1, 6), elements=st.floats(-3, 3)))
def test_jacobian_symmetric_rows_sum_to_zero_and_matches_finite_differences(z):
    jac = cl.softmax_jacobian(z)
    k = z.shape[0]
    assert jac.shape == (k, k)
    np.testing.assert_allclose(jac, jac.T, rtol=0, atol=1e-17)
    np.testing.assert_allclose(jac.sum(axis=1), 0, atol=1e-15)
    numeric = np.stack([cl.numerical_gradient(lambda x, i=i: cl.softmax(x)[i], z) for i in range(k)])
    np.testing.assert_allclose(jac, numeric, rtol=0, atol=1e-8)
    if k > 1:
        for i in range(k):
            err = cl.gradient_check(lambda x, i=i: cl.softmax(x)[i], lambda x, i=i: cl.softmax_jacobian(x)[i], z)
            assert err < 1e-6


def test_jacobian_formula_and_batch_shape():
    z = logits((5, 4))
    jac = cl.softmax_jacobian(z)
    assert jac.shape == (5, 4, 4)
    p = sp.softmax(z, axis=-1)
    for n in range(5):
        np.testing.assert_allclose(jac[n], np.diag(p[n]) - np.outer(p[n], p[n]), rtol=1e-12, atol=1e-17)
    assert cl.softmax_jacobian(np.float32([1, 2])).dtype == np.float32


def test_jacobian_extreme_logits_are_finite():
    jac = cl.softmax_jacobian([1e4, 0.0, -1e4])
    np.testing.assert_array_equal(jac, np.zeros((3, 3)))
