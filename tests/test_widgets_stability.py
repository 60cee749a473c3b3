"""StabilityExplorer (notebook 07): naive losses break, stable ones match 50-digit references."""
import numpy as np
import pytest

from celearn import naive
from celearn.widgets import StabilityExplorer
from celearn.widgets.stability import DIRECTION, TRUE_CLASS, losses_at


def exact_ce(s):
    return float(-naive.exact_log_softmax(s * DIRECTION)[TRUE_CLASS])


def test_default_is_float64_and_everything_agrees():
    ex = StabilityExplorer()
    assert ex.scale.value == pytest.approx(10.0)
    assert ex.key_value == pytest.approx(exact_ce(10.0), rel=1e-12)
    assert f"naive −log(softmax(z)) {exact_ce(10.0):.2f} nats" in ex.readout_text
    assert "inf" not in ex.readout_text and "nan" not in ex.readout_text


def test_first_slider_is_a_log_slider_up_to_1e4():
    ex = StabilityExplorer()
    assert ex.controls[0] is ex.scale
    assert 10 ** ex.scale.max == pytest.approx(1e4)
    before = ex.key_value
    ex.scale.value = 10 ** (np.log10(ex.scale.value) + ex.scale.step)  # one ArrowRight
    assert ex.key_value > before


@pytest.mark.parametrize("dtype, s, ce_naive, bce_naive", [
    ("float64", 40.0, "finite", "inf"),
    ("float64", 800.0, "inf", "inf"),
    ("float64", 2000.0, "nan", "inf"),
    ("float32", 20.0, "finite", "inf"),
    ("float32", 100.0, "inf", "inf"),
    ("float32", 200.0, "nan", "inf"),
])
def test_naive_breaks_live(dtype, s, ce_naive, bce_naive):
    ex = StabilityExplorer()
    ex.dtype.value = dtype
    ex.scale.value = s
    now = losses_at(s, np.dtype(dtype).type)
    for value, want in ((now["ce_naive"], ce_naive), (now["bce_naive"], bce_naive)):
        assert {"finite": np.isfinite, "inf": np.isinf, "nan": np.isnan}[want](value)
    assert np.isfinite(ex.key_value)
    assert ex.key_value == pytest.approx(exact_ce(s), rel=1e-6 if dtype == "float32" else 1e-12)
    if ce_naive != "finite":
        assert f"naive −log(softmax(z)) {ce_naive}" in ex.readout_text
    _, _, _, _, _, cross = ex.lines["bce"]
    assert len(cross.get_xdata()) == 0  # no naive marker where naive is not finite


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_curves_match_exact_references(dtype):
    s = np.logspace(-1, 4, 9)
    got = losses_at(s, dtype)
    assert got["ce_stable"].dtype == dtype
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got["ce_stable"], [exact_ce(v) for v in s.astype(dtype)],
                               rtol=rtol)
    np.testing.assert_allclose(
        got["bce_stable"],
        naive.exact_binary_cross_entropy_with_logits(0, s.astype(dtype)), rtol=rtol)


def test_break_zone_starts_where_naive_fails():
    ex = StabilityExplorer()
    for dtype, limit in (("float64", "sigmoid_saturation"), ("float32", "sigmoid_saturation")):
        ex.dtype.value = dtype
        start = ex.lines["bce"][2].get_x()
        sat = naive.float_limits(np.dtype(dtype).type)[limit]
        assert start == pytest.approx(sat, rel=1e-6)


def test_ce_zone_starts_where_exp_overflows():
    ex = StabilityExplorer()
    for dtype in ("float64", "float32"):
        ex.dtype.value = dtype
        over = naive.float_limits(np.dtype(dtype).type)["exp_overflow"]
        assert ex.lines["ce"][2].get_x() == pytest.approx(over, rel=1e-6)


def test_float32_breaks_earlier_in_the_figure():
    ex = StabilityExplorer()
    x64 = ex.lines["ce"][2].get_x()
    ex.dtype.value = "float32"
    x32 = ex.lines["ce"][2].get_x()
    assert x32 < x64 / 5


def test_markers_follow_the_slider():
    ex = StabilityExplorer()
    ex.scale.value = 3.0
    x, y = ex.lines["ce"][4].get_data()
    assert x[0] == pytest.approx(3.0) and y[0] == pytest.approx(ex.key_value)
    x, y = ex.lines["bce"][5].get_data()
    assert y[0] == pytest.approx(naive.exact_binary_cross_entropy_with_logits(0, 3.0))


def test_bad_dtype_is_explained():
    with pytest.raises(ValueError, match="dtype must be"):
        StabilityExplorer(dtype="float16")
