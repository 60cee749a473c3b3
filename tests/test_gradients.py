"""Tests for celearn.gradients: closed forms, finite differences and the checker itself."""
import numpy as np
import pytest
import scipy.special as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import celearn as cl

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

TOL = 1e-6  # gradient_check bound for float64 (issue 2)
FAST = settings(max_examples=40, deadline=None)

# Probabilities away from 0 and 1 (where -t/p and the losses blow up) keep
# central differences with h = 1e-6 valid.
probs = st.floats(0.02, 0.98)
soft_targets = st.floats(0.0, 1.0)
logit = st.floats(-8, 8)
shapes = st.tuples(st.integers(1, 4), st.integers(1, 4))


def pair(elements_t, elements_x):
    """Strategy for (t, x) arrays of one shared random shape."""
    return shapes.flatmap(lambda s: st.tuples(arrays(np.float64, s, elements=elements_t),
                                              arrays(np.float64, s, elements=elements_x)))


@FAST
@given(tp=pair(soft_targets, probs))
def test_bce_grad_p(tp):
    t, p = tp
    f = lambda x: cl.binary_cross_entropy(t, x, reduction="sum")
    assert cl.gradient_check(f, lambda x: cl.bce_grad_p(t, x), p) < TOL
    # the two-term reference itself cancels when t is near p: its rounding error
    # is about eps times the size of its terms
    terms = t / p + (1 - t) / (1 - p)
    np.testing.assert_allclose(cl.bce_grad_p(t, p), -t / p + (1 - t) / (1 - p), rtol=1e-12,
                               atol=4e-16 * terms.max())
    np.testing.assert_array_equal(cl.bce_grad_p(p, p), 0)  # t = p: exactly 0, nothing cancels


@FAST
@given(tz=pair(soft_targets, logit))
def test_bce_grad_logits(tz):
    t, z = tz
    f = lambda x: cl.binary_cross_entropy_with_logits(t, x, reduction="sum")
    assert cl.gradient_check(f, lambda x: cl.bce_grad_logits(t, x), z) < TOL
    np.testing.assert_allclose(cl.bce_grad_logits(t, z), sp.expit(z) - t, rtol=1e-12, atol=1e-16)


@FAST
@given(tp=pair(st.floats(-3, 3), st.floats(-3, 3)))
def test_mse_grad_p(tp):
    t, p = tp
    f = lambda x: cl.mean_squared_error(t, x, reduction="sum")
    assert cl.gradient_check(f, lambda x: cl.mse_grad_p(t, x), p) < TOL


@FAST
@given(tz=pair(soft_targets, st.floats(-6, 6)))
def test_mse_grad_logits(tz):
    t, z = tz
    f = lambda x: cl.mean_squared_error(t, cl.sigmoid(x), reduction="sum")
    assert cl.gradient_check(f, lambda x: cl.mse_grad_logits(t, x), z) < TOL
    s = sp.expit(z)
    np.testing.assert_allclose(cl.mse_grad_logits(t, z), 2 * (s - t) * s * (1 - s), rtol=1e-9, atol=1e-15)


@st.composite
def class_problem(draw):
    n, k = draw(st.integers(1, 4)), draw(st.integers(2, 5))
    z = draw(arrays(np.float64, (n, k), elements=st.floats(-4, 4)))
    y = draw(arrays(np.int64, n, elements=st.integers(0, k - 1)))
    w = draw(arrays(np.float64, (n, k), elements=st.floats(0.01, 1)))
    return z, y, w / w.sum(axis=1, keepdims=True)


@FAST
@given(problem=class_problem())
def test_cce_grad_logits(problem):
    z, y, soft = problem
    for t in (y, cl.one_hot(y, z.shape[1]), soft):
        f = lambda x: cl.softmax_cross_entropy(t, x, reduction="sum")
        assert cl.gradient_check(f, lambda x: cl.cce_grad_logits(t, x), z) < TOL
    np.testing.assert_allclose(cl.cce_grad_logits(y, z), sp.softmax(z, axis=1) - cl.one_hot(y, z.shape[1]),
                               rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(cl.cce_grad_logits(y, z).sum(axis=1), 0, atol=1e-15)


def test_cce_grad_is_jacobian_chain_rule():
    # dL/dz = J^T dL/dp with J = diag(p) - p p^T and dL/dp = -t/p gives p - t
    z = np.array([0.3, -1.2, 2.0, 0.1])
    t = np.array([0.0, 0.0, 1.0, 0.0])
    p = cl.softmax(z)
    chain = cl.softmax_jacobian(z).T @ (-t / p)
    np.testing.assert_allclose(cl.cce_grad_logits(t, z), chain, rtol=1e-12, atol=1e-16)
    np.testing.assert_allclose(cl.cce_grad_logits(2, z), chain, rtol=1e-12, atol=1e-16)


def test_gradient_check_catches_a_wrong_gradient():
    # "diagonal only" derivation: dp_i/dz_i = p_i(1 - p_i), dropping dp_j/dz_i
    z = np.array([0.3, -1.2, 2.0, 0.1])
    t = np.array([0.0, 0.0, 1.0, 0.0])
    f = lambda x: cl.softmax_cross_entropy(t, x, reduction="sum")
    diagonal_only = lambda x: cl.softmax(x) * (1 - cl.softmax(x)) * (-t / cl.softmax(x))
    assert cl.gradient_check(f, diagonal_only, z) > 0.1
    assert cl.gradient_check(f, lambda x: cl.cce_grad_logits(t, x), z) < TOL


def test_gradient_check_formula():
    x = np.array([1.0, -2.0, 0.5])
    f = lambda v: np.sum(v**2)  # gradient 2x = [2, -4, 1]
    off = lambda v: 2 * v + np.array([0.0, 0.0, 0.4])
    # max |a - n| / max(1, max|a|, max|n|) = 0.4 / 4 = 0.1 (to finite-difference accuracy)
    assert cl.gradient_check(f, off, x) == pytest.approx(0.1, rel=1e-6)
    assert cl.gradient_check(lambda v: 3.0, lambda v: np.zeros_like(v), x) == 0.0
    # below 1 in size the error is absolute: 0.001 * 2x is off by 0.002 * max|x| ~ 0.004
    small = lambda v: 0.001 * np.sum(v**2)
    assert cl.gradient_check(small, lambda v: 0.004 * v, x) == pytest.approx(0.004, rel=1e-6)
    # at a minimum (gradient exactly 0) rounding noise does not count as an error
    assert cl.gradient_check(lambda v: np.sum((v - x) ** 2), lambda v: 2 * (v - x), x) < 1e-9
    assert isinstance(cl.gradient_check(f, lambda v: 2 * v, x), np.float64)


# ---------------------------------------------------------------- numerical_gradient
@pytest.mark.parametrize("shape", [(), (3,), (2, 3), (2, 1, 3)])
def test_numerical_gradient_shapes_and_accuracy(shape):
    x = np.random.default_rng(0).normal(size=shape)
    g = cl.numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    assert np.shape(g) == shape
    np.testing.assert_allclose(g, np.cos(x), rtol=1e-8, atol=1e-9)


def test_numerical_gradient_leaves_x_alone_and_keeps_dtype():
    x = np.array([0.5, 1.5])
    before = x.copy()
    seen = []
    cl.numerical_gradient(lambda v: seen.append(v is x) or float(np.sum(v**2)), x)
    np.testing.assert_array_equal(x, before)
    assert not any(seen)  # f receives a copy
    g32 = cl.numerical_gradient(lambda v: np.sum(v**2), np.float32([0.5, 1.5]), h=1e-2)
    assert g32.dtype == np.float32
    np.testing.assert_allclose(g32, [1.0, 3.0], rtol=1e-3)


def test_numerical_gradient_accepts_integer_points():
    g = cl.numerical_gradient(lambda v: np.sum(v**3), [1, 2])
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, [3.0, 12.0], rtol=1e-8)


# ---------------------------------------------------------------- extremes
def test_gradient_extremes_without_warnings():
    np.testing.assert_array_equal(cl.bce_grad_p([1, 0, 1, 0], [0, 1, 1, 0]), [-np.inf, np.inf, -1.0, 1.0])
    np.testing.assert_array_equal(cl.bce_grad_logits([1, 0], [-1e4, 1e4]), [-1.0, 1.0])
    big = cl.mse_grad_logits([1.0, 0.0], [-1e4, 1e4])
    np.testing.assert_array_equal(big, [-0.0, 0.0])
    np.testing.assert_allclose(cl.cce_grad_logits([0], [[-1e4, 0, 1e4]]), [[-1, 0, 1]], atol=0)


def test_ce_vs_mse_slope_ratio_at_confident_mistake():
    z = -10.0
    s = sp.expit(z)
    ratio = cl.bce_grad_logits(1.0, z) / cl.mse_grad_logits(1.0, z)
    assert ratio == pytest.approx((s - 1) / (2 * (s - 1) * s * (1 - s)), rel=1e-12)
    assert ratio == pytest.approx(1.1e4, rel=0.01)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_gradient_dtypes(dtype):
    t = np.array([1, 0], dtype=dtype)
    x = np.array([0.3, 0.6], dtype=dtype)
    for g in (cl.bce_grad_p(t, x), cl.bce_grad_logits(t, x), cl.mse_grad_p(t, x), cl.mse_grad_logits(t, x)):
        assert g.dtype == dtype
    assert cl.cce_grad_logits(np.array([1]), x[None, :]).dtype == dtype


def test_numerical_gradient_with_a_step_near_the_float_max_is_not_nan():
    # f = sum: the slope is 1 whatever the step; (f+ - f-) and (x+ - x-) would overflow
    g = cl.numerical_gradient(lambda x: float(np.sum(x)), np.array([1.0]), h=1e308)
    assert g == 1.0
