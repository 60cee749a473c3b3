"""Tests for celearn.losses against scipy.special and sklearn.metrics, at random and extreme inputs."""
import numpy as np
import pytest
import scipy.special as sp
from sklearn.metrics import log_loss
from sklearn.metrics import mean_squared_error as sk_mse

import celearn as cl
from celearn import activations

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

RTOL64 = 1e-12
FLOATS = [np.float32, np.float64]
REDUCTIONS = ["mean", "sum", "none"]


def rng(seed=0):
    return np.random.default_rng(seed)


def dirichlet(n, k, seed=0):
    return rng(seed).dirichlet(np.ones(k), size=n)


def bce_reference(t, p):
    """Elementwise BCE via scipy.special.xlogy (independent of celearn)."""
    return -(sp.xlogy(t, p) + sp.xlogy(1 - t, 1 - p))


# ---------------------------------------------------------------- binary cross-entropy
def test_bce_matches_sklearn_log_loss():
    t = rng(1).integers(0, 2, 500)
    p = rng(2).uniform(0.01, 0.99, 500)
    ours = cl.binary_cross_entropy(t, p)
    assert ours == pytest.approx(log_loss(t, p, labels=[0, 1]), rel=RTOL64)
    assert cl.binary_cross_entropy(t, p, reduction="sum") == pytest.approx(
        log_loss(t, p, labels=[0, 1], normalize=False), rel=RTOL64)


def test_bce_soft_labels_match_scipy_xlogy():
    t = rng(3).uniform(0, 1, (40, 5))
    p = rng(4).uniform(0.001, 0.999, (40, 5))
    out = cl.binary_cross_entropy(t, p, reduction="none")
    assert out.shape == (40, 5)
    np.testing.assert_allclose(out, bce_reference(t, p), rtol=RTOL64)


def test_bce_extremes_are_exact_without_warnings():
    t = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 0.0])
    p = np.array([0.0, 1.0, 1.0, 0.0, 0.5, 0.5])
    out = cl.binary_cross_entropy(t, p, reduction="none")
    np.testing.assert_array_equal(out, [np.inf, np.inf, 0.0, 0.0, np.log(2), np.log(2)])
    assert cl.binary_cross_entropy(1, 0) == np.inf
    assert cl.binary_cross_entropy(t, p) == np.inf


def test_bce_log1p_keeps_tiny_losses_exact():
    # t = 0, p = 1e-20: loss = -log(1 - 1e-20) = 1e-20 (log(1 - p) would give 0)
    assert cl.binary_cross_entropy(0.0, 1e-20) == pytest.approx(1e-20, rel=RTOL64)
    assert cl.binary_cross_entropy(1.0, 1 - 2**-40) == pytest.approx(-np.log1p(-(2**-40)), rel=RTOL64)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("eps", [1e-7, 1e-12, 1e-30, 0.1])
def test_bce_eps_clips_to_finite(dtype, eps):
    t = np.array([1, 0, 1, 0], dtype=dtype)
    p = np.array([0, 1, 0.5, 0.5], dtype=dtype)
    out = cl.binary_cross_entropy(t, p, eps=eps, reduction="none")
    assert out.dtype == dtype and np.all(np.isfinite(out))
    if dtype is np.float64:
        # Keras-style: p clipped to [eps, 1 - eps]; when 1 - eps rounds to 1
        # (eps = 1e-30) the upper bound is the largest float below 1
        clipped = np.clip(p, eps, min(1 - eps, np.nextafter(1.0, 0.0)))
        np.testing.assert_allclose(out, bce_reference(t, clipped), rtol=1e-9)


def test_bce_eps_does_not_touch_values_inside_the_band():
    t, p = [1, 0, 1], [0.3, 0.6, 0.999]
    assert cl.binary_cross_entropy(t, p, eps=1e-7) == cl.binary_cross_entropy(t, p)


@pytest.mark.parametrize("dtype", FLOATS)
def test_bce_dtype_and_float32_accuracy(dtype):
    t = rng(5).integers(0, 2, 300).astype(dtype)
    p = rng(6).uniform(0.01, 0.99, 300).astype(dtype)
    for reduction in ["mean", "sum"]:
        out = cl.binary_cross_entropy(t, p, reduction=reduction)
        assert isinstance(out, dtype)
    out = cl.binary_cross_entropy(t, p, reduction="none")
    assert out.dtype == dtype
    ref = bce_reference(t.astype(np.float64), p.astype(np.float64))
    np.testing.assert_allclose(out, ref, rtol=RTOL64 if dtype is np.float64 else 1e-6)


def test_bce_dtype_rules():
    assert isinstance(cl.binary_cross_entropy([1, 0], [1, 0]), np.float64)  # ints -> float64
    assert isinstance(cl.binary_cross_entropy([True], [0.5]), np.float64)
    t32 = np.array([1, 0], np.int64)
    assert isinstance(cl.binary_cross_entropy(t32, np.float32([0.2, 0.3])), np.float32)
    # float32 with float64 promotes to float64, as numpy does
    assert isinstance(cl.binary_cross_entropy(np.float32([1]), np.float64([0.5])), np.float64)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_reductions(reduction):
    t = rng(7).integers(0, 2, (4, 3))
    p = rng(8).uniform(0.05, 0.95, (4, 3))
    per = bce_reference(t, p)
    out = cl.binary_cross_entropy(t, p, reduction=reduction)
    expected = {"mean": per.mean(), "sum": per.sum(), "none": per}[reduction]
    np.testing.assert_allclose(out, expected, rtol=RTOL64)
    assert np.shape(out) == np.shape(expected)


def test_bce_scalar_none_is_numpy_scalar():
    out = cl.binary_cross_entropy(1.0, 0.5, reduction="none")
    assert isinstance(out, np.float64) and out == pytest.approx(np.log(2), rel=RTOL64)


# ---------------------------------------------------------------- BCE with logits
def bce_logits_reference(t, z):
    """-[t log sigma(z) + (1 - t) log sigma(-z)] via scipy.special.log_expit."""
    return -(t * sp.log_expit(z) + (1 - t) * sp.log_expit(-z))


def test_bce_with_logits_matches_scipy_log_expit():
    t = rng(9).uniform(0, 1, 400)
    t[:100] = np.round(t[:100])
    z = rng(10).normal(scale=20, size=400)
    out = cl.binary_cross_entropy_with_logits(t, z, reduction="none")
    np.testing.assert_allclose(out, bce_logits_reference(t, z), rtol=1e-11)
    np.testing.assert_allclose(out[:100], bce_logits_reference(t[:100], z[:100]), rtol=RTOL64)


def test_bce_with_logits_matches_bce_of_sigmoid():
    t = rng(11).integers(0, 2, 100)
    z = rng(12).normal(scale=3, size=100)
    assert cl.binary_cross_entropy_with_logits(t, z) == pytest.approx(
        log_loss(t, sp.expit(z), labels=[0, 1]), rel=1e-12)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("big", [200.0, 1000.0, 1e4])
def test_bce_with_logits_extremes(dtype, big):
    t = np.array([1, 0, 1, 0], dtype=dtype)
    z = np.array([-big, big, big, -big], dtype=dtype)
    out = cl.binary_cross_entropy_with_logits(t, z, reduction="none")
    assert out.dtype == dtype
    expected = np.array([big, big, np.exp(-big), np.exp(-big)]).astype(dtype)  # e^-200 is 0 in float32
    np.testing.assert_allclose(out, expected, rtol=1e-15 if dtype is np.float64 else 1e-7)


def test_bce_with_logits_issue_example():
    assert cl.binary_cross_entropy_with_logits(1, -200) == 200.0
    assert cl.binary_cross_entropy_with_logits(1.0, 40.0) == pytest.approx(np.exp(-40.0), rel=RTOL64)


# ---------------------------------------------------------------- categorical cross-entropy
def test_cce_matches_sklearn_log_loss():
    p = dirichlet(200, 5, seed=13)
    y = rng(14).integers(0, 5, 200)
    expected = log_loss(y, p, labels=range(5))
    assert cl.categorical_cross_entropy(y, p) == pytest.approx(expected, rel=RTOL64)
    assert cl.categorical_cross_entropy(cl.one_hot(y, 5), p) == pytest.approx(expected, rel=RTOL64)


def test_cce_soft_labels_match_scipy_xlogy():
    t = dirichlet(30, 4, seed=15)
    p = dirichlet(30, 4, seed=16)
    out = cl.categorical_cross_entropy(t, p, reduction="none")
    assert out.shape == (30,)
    np.testing.assert_allclose(out, -sp.xlogy(t, p).sum(axis=1), rtol=RTOL64)


def test_cce_single_sample_forms():
    p = [0.2, 0.7, 0.1]
    expected = -np.log(0.7)
    for t in (1, np.int64(1), [0, 1, 0], np.array([0.0, 1.0, 0.0])):
        for reduction in REDUCTIONS:
            out = cl.categorical_cross_entropy(t, p, reduction=reduction)
            assert isinstance(out, np.float64) and out == pytest.approx(expected, rel=RTOL64)


def test_cce_zero_probabilities():
    p = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    np.testing.assert_array_equal(cl.categorical_cross_entropy([0, 0], p, reduction="none"), [0.0, np.inf])
    np.testing.assert_array_equal(cl.categorical_cross_entropy(cl.one_hot([0, 0], 3), p, reduction="none"),
                                  [0.0, np.inf])
    clipped = cl.categorical_cross_entropy([0, 0], p, eps=1e-7, reduction="none")
    np.testing.assert_allclose(clipped, [-np.log1p(-1e-7), -np.log(1e-7)], rtol=1e-9)


@pytest.mark.parametrize("dtype", FLOATS)
def test_cce_float32_kept(dtype):
    z = rng(17).normal(size=(50, 1000)).astype(dtype)
    p = sp.softmax(z.astype(np.float64), axis=1).astype(dtype)  # float32 rows sum to 1 +- ~1e-6
    y = rng(18).integers(0, 1000, 50)
    out = cl.categorical_cross_entropy(y, p, reduction="none")
    assert out.dtype == dtype
    np.testing.assert_allclose(out, -np.log(p[np.arange(50), y].astype(np.float64)),
                               rtol=RTOL64 if dtype is np.float64 else 1e-6)


# ---------------------------------------------------------------- softmax cross-entropy
def sce_reference(y, z):
    return -sp.log_softmax(z, axis=-1)[np.arange(len(y)), y]


def test_softmax_cross_entropy_matches_scipy():
    z = rng(19).normal(scale=10, size=(300, 7))
    y = rng(20).integers(0, 7, 300)
    ref = sce_reference(y, z)
    out = cl.softmax_cross_entropy(y, z, reduction="none")
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-15)  # atol: see test_activations
    assert cl.softmax_cross_entropy(y, z) == pytest.approx(ref.mean(), rel=RTOL64)
    # sklearn clips p at 2.2e-16, so compare on milder logits where nothing is clipped
    assert cl.softmax_cross_entropy(y, z / 5) == pytest.approx(
        log_loss(y, sp.softmax(z / 5, axis=1), labels=range(7)), rel=1e-12)
    np.testing.assert_allclose(cl.softmax_cross_entropy(cl.one_hot(y, 7), z, reduction="none"), out, rtol=RTOL64)


def test_softmax_cross_entropy_soft_labels():
    z = rng(21).normal(scale=5, size=(50, 6))
    t = dirichlet(50, 6, seed=22)
    expected = -(t * sp.log_softmax(z, axis=1)).sum(axis=1)
    np.testing.assert_allclose(cl.softmax_cross_entropy(t, z, reduction="none"), expected, rtol=RTOL64)
    # same as going through probabilities when nothing underflows
    np.testing.assert_allclose(cl.categorical_cross_entropy(t, sp.softmax(z, axis=1), reduction="none"),
                               expected, rtol=1e-10)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("big", [1000.0, 1e4])
def test_softmax_cross_entropy_extremes(dtype, big):
    z = np.array([[big, 0, -big]] * 3 + [[-big, -big, -big]], dtype=dtype)
    y = np.array([0, 1, 2, 1])
    out = cl.softmax_cross_entropy(y, z, reduction="none")
    assert out.dtype == dtype and np.all(np.isfinite(out))
    np.testing.assert_allclose(out, [0, big, 2 * big, np.log(3)], rtol=RTOL64 if dtype is np.float64 else 1e-6)
    soft = np.array([[0.5, 0.5, 0]] * 4, dtype=dtype)
    out = cl.softmax_cross_entropy(soft, z, reduction="none")
    np.testing.assert_allclose(out, [big / 2] * 3 + [np.log(3)], rtol=RTOL64 if dtype is np.float64 else 1e-6)


def test_softmax_cross_entropy_confident_right_answer_is_exact():
    # loss = log(1 + e^-40) = 4.25e-18; logsumexp - z computed naively gives 0
    assert cl.softmax_cross_entropy(0, [0.0, -40.0]) == pytest.approx(np.log1p(np.exp(-40.0)), rel=RTOL64)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("layout", ["c", "fortran", "strided"])
def test_softmax_cross_entropy_chunked_path(dtype, layout):
    n, k = 2501, 300
    z = rng(23).normal(scale=8, size=(n, 2 * k if layout == "strided" else k)).astype(dtype)
    z = {"c": z, "fortran": np.asfortranarray(z), "strided": z[:, ::2]}[layout]
    assert n > 5 * (activations._CHUNK_BYTES // (k * z.itemsize))  # many chunks, ragged last one
    y = rng(24).integers(0, k, n)
    ref = sce_reference(y, z.astype(np.float64))
    out = cl.softmax_cross_entropy(y, z, reduction="none")
    assert out.dtype == dtype
    np.testing.assert_allclose(out, ref, rtol=1e-12 if dtype is np.float64 else 2e-6, atol=1e-15)
    mean = cl.softmax_cross_entropy(y, z)
    assert isinstance(mean, dtype)
    assert mean == pytest.approx(ref.mean(), rel=1e-12 if dtype is np.float64 else 1e-6)


def test_integer_labels_do_not_promote_float32():
    z = np.float32([[1, 2, 3]])
    assert isinstance(cl.softmax_cross_entropy(np.array([2], dtype=np.int64), z), np.float32)
    assert isinstance(cl.categorical_cross_entropy(np.array([2]), np.float32([[0.2, 0.3, 0.5]])), np.float32)


# ------------------------------------------- softmax cross-entropy: the kernel's error bound
# celearn.losses._lse_chunks proves: before the one final rounding, the float64 loss is within
# (K + 8)u of the exact value (u = 2**-53; soft rows: (2K + 10)u), so a float32 result is
# within 2**-24 (1 + 2**-9) relative, i.e. correctly rounded up to 1e-10 relative. These tests
# check that bound, element by element, against 1300-bit mpmath on adversarial rows.
U64 = 2.0 ** -53


def _f32(values):
    """Values rounded to float32, and K = 5 of them per row."""
    return [float(np.float32(v)) for v in values]


def _adversarial_rows(dtype):
    """Rows of K = 5 logits that stress each path of the kernel."""
    r = rng(31)
    rows = [
        [0.0, -87.3365, -88.72284, -103.97208, -104.0],   # terms near float32's underflow
        [50.37, 50.37 - 87.4, 50.37 - 95.1, 50.37 - 103.9, -37.123457],  # z - m inexact in float32
        [0.1234567, -86.99, -20.5, -40.0, -103.1],
        [0.0, -40.0, -45.0, -60.0, -80.0],                # the loss of label 0 is ~4e-18
        [1e-45, -1e-45, 0.0, 1.4e-45, 3e-39],             # subnormal logits
        [1e30, -1e30, 0.0, 1.0, -1.0],                    # huge: the shifted path
        [-1e30, -1e30 * (1 + 2**-20), -1e30, -2e30, -1e29],
        [7.5, 7.5, 7.5, 7.5, 7.5],                        # all equal: ln 5 for every label
        [-600.0, -600.0, -600.0, -600.5, -601.0],         # max below -500: the shifted path
        [600.0, 599.0, 0.0, -300.0, 550.0],               # max at the direct path's edge
        [600.0001, 599.0, 0.0, -300.0, 550.0],            # just beyond it
        [-500.0, -501.0, -590.0, -600.0, -603.0],
        [-500.01, -501.0, -590.0, -600.0, -603.0],
        [-650.0, -740.0, -741.0, -745.0, -745.5],         # exp(z) would be subnormal in float64
        [3e38, 40.0, -88.0, 1.0, 0.0],                    # float32's max: the row sums overflow
        list(r.normal(scale=30, size=5)),
        list(r.normal(scale=3, size=5)),
        list(r.uniform(-104, 0, size=5)),
    ]
    if dtype == np.float64:
        rows += [
            [0.0, -700.0, -745.0, -744.4, -708.5],        # subnormal exp terms
            [-0.5, -700.3, -745.1, -12.0, -30.0],         # max < 0: the shifted path for float64
            [-30.0, -714.3, -900.0, -1000.0, -713.9],     # exp(z) would be subnormal
            [709.0, 0.0, -709.0, 708.9, -5.0],
            [1e300, -1e300, 1e-300, 5e-324, 0.0],
            [1e-310, 0.0, -1e-310, 2.5e-323, -40.0],
        ]
    return np.array(rows, dtype=dtype)


def _exact_losses(z, labels=None, rows=None, weight=None, eps=0.0):
    """The exact per-row loss at the float inputs (PyTorch's semantics), with 1300-bit mpmath."""
    mp = pytest.importorskip("mpmath")
    out = []
    with mp.workprec(1300):
        e = mp.mpf(float(eps))
        for n, row in enumerate(z):
            zs = [mp.mpf(float(x)) for x in row]
            k = len(zs)
            top = int(np.argmax(row))
            s = mp.fsum(mp.exp(x - zs[top]) for i, x in enumerate(zs) if i != top)
            lse = zs[top] + mp.log1p(s)
            if labels is not None:
                t = [mp.mpf(int(i == labels[n])) for i in range(k)]
            else:
                t = [mp.mpf(float(x)) for x in rows[n]]
            a = [(1 - e) * ti + e / k for ti in t]
            if weight is not None:
                a = [ai * mp.mpf(float(wi)) for ai, wi in zip(a, weight)]
            out.append(mp.fsum(ai * (lse - x) for ai, x in zip(a, zs)))
    return out


def _assert_within_bound(got, exact, dtype, k, roundings=1, soft=False):
    """|got - exact| within the kernel's bound plus ``roundings`` float32 roundings."""
    import mpmath as mp
    assert got.dtype == dtype
    with mp.workprec(1300):
        info = np.finfo(dtype)
        # from here on, rounding to nearest gives inf: 2**maxexp - half an ulp of the largest float
        overflow = mp.mpf(2) ** info.maxexp - mp.mpf(2) ** (info.maxexp - info.nmant - 2)
        for i, (g, r) in enumerate(zip(got, exact)):
            pre = (2 * k + 10 if soft else k + 8) * U64  # float64 work, before rounding
            if dtype == np.float32:
                rel, tiny = roundings * 2.0**-24 + pre, roundings * 2.0**-150
            else:
                rel, tiny = pre + (roundings - 1) * U64, k * 2.0**-1074
            if np.isinf(g):  # right only if the exact value is at the overflow threshold or beyond
                assert g > 0 and r * (1 + rel) >= overflow, (i, g, r)
                continue
            bound = rel * abs(r) + tiny
            err = abs(mp.mpf(float(g)) - r)
            assert err <= bound, (f"row {i}: got {g!r}, exact {mp.nstr(r, 20)}, error "
                                  f"{mp.nstr(err / max(abs(r), mp.mpf(2)**-1100), 3)} relative")


@pytest.fixture(params=["one chunk", "a chunk per row"])
def chunking(request, monkeypatch):
    """Run the kernel with its default chunks, or one row per chunk (paths mixed per chunk)."""
    if request.param == "a chunk per row":
        monkeypatch.setattr(activations, "_CHUNK_BYTES", 8)
    return request.param


@pytest.mark.parametrize("dtype", FLOATS)
def test_softmax_cross_entropy_labels_within_the_proved_bound(dtype, chunking):
    z = _adversarial_rows(dtype)
    n, k = z.shape
    zz = np.repeat(z, k, axis=0)  # every row with every label
    y = np.tile(np.arange(k), n)
    got = cl.softmax_cross_entropy(y, zz, reduction="none")
    _assert_within_bound(got, _exact_losses(zz, labels=y), dtype, k)
    # one-hot rows take the soft-target path: the same numbers within its bound
    _assert_within_bound(cl.softmax_cross_entropy(cl.one_hot(y, k).astype(dtype), zz, reduction="none"),
                         _exact_losses(zz, labels=y), dtype, k, soft=True)


@pytest.mark.parametrize("dtype", FLOATS)
def test_softmax_cross_entropy_probabilities_within_the_proved_bound(dtype, chunking):
    z = _adversarial_rows(dtype)
    n, k = z.shape
    t = rng(32).dirichlet(np.full(k, 0.3), size=n).astype(dtype)
    t[::3] = rng(33).dirichlet(np.ones(k), size=len(t[::3])).astype(dtype)
    got = cl.softmax_cross_entropy(t, z, reduction="none")
    _assert_within_bound(got, _exact_losses(z, rows=t), dtype, k, soft=True)


@pytest.mark.parametrize("dtype", FLOATS)
def test_softmax_cross_entropy_options_within_the_proved_bound(dtype, chunking):
    z = _adversarial_rows(dtype)
    n, k = z.shape
    y = rng(34).integers(0, k, n)
    w = np.array([0.5, 2.0, 0.0, 1.25, 3.0], dtype)
    # weight: the loss is rounded, then multiplied by w[y] in the logits' dtype
    got = cl.softmax_cross_entropy(y, z, weight=w, reduction="none")
    _assert_within_bound(got, _exact_losses(z, labels=y, weight=w), dtype, k, roundings=2)
    # label smoothing: the smoothed targets are rounded to the dtype (3 roundings at most)
    got = cl.softmax_cross_entropy(y, z, label_smoothing=0.1, reduction="none")
    _assert_within_bound(got, _exact_losses(z, labels=y, eps=0.1), dtype, k, roundings=4, soft=True)
    t = rng(35).dirichlet(np.ones(k), size=n).astype(dtype)
    got = cl.softmax_cross_entropy(t, z, weight=w, label_smoothing=0.2, reduction="none")
    _assert_within_bound(got, _exact_losses(z, rows=t, weight=w, eps=0.2), dtype, k, roundings=4, soft=True)
    # ignore_index: ignored samples add exactly 0; the others are unchanged
    yi = np.where(np.arange(n) % 4 == 1, -100, y)
    got = cl.softmax_cross_entropy(yi, z, ignore_index=-100, reduction="none")
    assert np.all(got[yi == -100] == 0)
    keep = yi != -100
    _assert_within_bound(got[keep], _exact_losses(z[keep], labels=y[keep]), dtype, k)


@pytest.mark.parametrize("dtype", FLOATS)
def test_softmax_cross_entropy_one_huge_row_among_normal_ones(dtype):
    """A huge row sends its chunk down the shifted path; the other chunks stay direct."""
    z = rng(36).normal(scale=3, size=(4000, 8)).astype(dtype)
    z[1234] = [1e30, 0, -1e30, 5, 1e29, -3, 2, 1]
    y = rng(37).integers(0, 8, 4000)
    got = cl.softmax_cross_entropy(y, z, reduction="none")
    sample = np.r_[0:3, 1230:1240, 3997:4000]
    _assert_within_bound(got[sample], _exact_losses(z[sample], labels=y[sample]), dtype, 8)
    # the other rows equal a float64 reference of the same maths
    ref = sce_reference(y, z.astype(np.float64))
    ok = np.arange(4000) != 1234
    np.testing.assert_allclose(got[ok], ref[ok], rtol=1e-12 if dtype == np.float64 else 2**-24, atol=0)


def test_softmax_cross_entropy_nonfinite_in_a_later_chunk(monkeypatch):
    """The finiteness check is folded into the chunk loop: a NaN or inf anywhere still raises,
    also after a chunk whose row sums overflowed (which clears the array once)."""
    monkeypatch.setattr(activations, "_CHUNK_BYTES", 8)
    for bad in (np.nan, np.inf, -np.inf):
        z = np.zeros((50, 4), np.float32)
        z[0] = [3e38, 3e38, 0, 0]  # row sum overflows to inf: a whole-array check, which passes
        z[41, 2] = bad
        with pytest.raises(ValueError, match=r"z contains .* \(41, 2\)"):
            cl.softmax_cross_entropy(np.zeros(50, int), z)
        z[0] = 0
        with pytest.raises(ValueError, match=r"z contains .* \(41, 2\)"):
            cl.softmax_cross_entropy(np.zeros(50, int), z)


def test_softmax_cross_entropy_double_softmax_check_needs_no_extra_pass(monkeypatch):
    """The warning's test runs only when the largest logit (known from the chunk loop) is <= 1,
    and then warns exactly as before, whichever chunk holds which row."""
    monkeypatch.setattr(activations, "_CHUNK_BYTES", 8)
    calls = []
    real = cl._validation.warn_if_probabilities_as_logits
    monkeypatch.setattr(cl._validation, "warn_if_probabilities_as_logits",
                        lambda *a, **kw: (calls.append(1), real(*a, **kw))[1])
    p = rng(38).dirichlet(np.ones(4), size=30)
    with pytest.warns(cl._validation.ProbableMistakeWarning, match="double softmax"):
        cl.softmax_cross_entropy(np.zeros(30, int), p)
    assert calls == [1]
    p[29, 3] = 1.0001  # one value above 1, in the last chunk: not probabilities, no check at all
    cl.softmax_cross_entropy(np.zeros(30, int), p)
    assert calls == [1]


# ---------------------------------------------------------------- mean squared error
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse(reduction):
    t = rng(25).normal(size=(6, 2))
    p = rng(26).normal(size=(6, 2))
    out = cl.mean_squared_error(t, p, reduction=reduction)
    if reduction == "mean":
        assert out == pytest.approx(sk_mse(t.ravel(), p.ravel()), rel=RTOL64)
    else:
        np.testing.assert_allclose(out, {"sum": ((p - t) ** 2).sum(), "none": (p - t) ** 2}[reduction], rtol=RTOL64)
    assert isinstance(cl.mean_squared_error(np.float32([1]), np.float32([0.5])), np.float32)


def test_losses_do_not_modify_inputs():
    t = cl.one_hot([0, 1], 3)
    p = np.array([[0.0, 0.5, 0.5], [0.2, 0.8, 0.0]])
    before = (t.copy(), p.copy())
    cl.categorical_cross_entropy(t, p, eps=0.1)
    cl.binary_cross_entropy(t, p, eps=0.1)
    cl.softmax_cross_entropy(t, 10 * p)  # logits
    np.testing.assert_array_equal(t, before[0])
    np.testing.assert_array_equal(p, before[1])
