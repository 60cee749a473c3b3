"""StabilityExplorer (notebook 07): naive losses break, stable ones match 50-digit references."""
import json

import numpy as np
import pytest

from scenes import compare, run_js

from celearn import naive
from celearn.widgets import StabilityExplorer
from celearn.widgets.stability import DIRECTION, TRUE_CLASS, losses_at


def exact_ce(s):
    return float(-naive.exact_log_softmax(s * DIRECTION)[TRUE_CLASS])


def mark(ex, key):
    return next((m for m in ex.marks if m["key"] == key), None)


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


def test_the_kernel_sends_every_slider_positions_numbers_once():
    ex = StabilityExplorer()
    assert ex.kernel_scene and not ex.draggable
    live = ex.live
    assert live["scales"] == ex.scale.values == ex.controls_spec[0]["values"]
    for dtype in ("float64", "float32"):
        assert len(live["table"][dtype]) == len(ex.scale.values)
    # plain JSON numbers (inf and nan as strings), no pictures
    text = json.dumps(live, allow_nan=False)
    assert "base64" not in text and len(text) < 40000
    table = live["table"]
    ex.dtype.value = "float32"
    ex.scale.value = ex.scale.values[60]              # a slider position: nothing new sent
    assert ex.live["table"] is table and "now" not in ex.live
    ex.scale.value = 200.0                            # set from Python, off the grid
    assert ex.live["now"] == {"scale": 200.0, "dtype": "float32",
                              "row": ex.live["now"]["row"]}
    js, _ = run_js("stability", [dict(ex.state)], ex.params, lives=[dict(ex.live)])
    assert not compare(ex.scene(dict(ex.state)), js[0])


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
        assert mark(ex, "naive-ce") is None
        assert mark(ex, "naive-text-ce")["text"] == f"naive: {ce_naive}"
    else:
        assert mark(ex, "naive-ce")["y"] == float(now["ce_naive"])
    # no naive marker where naive is not finite; the stable one always
    assert mark(ex, "naive-bce") is None and mark(ex, "naive-text-bce")["text"] == "naive: inf"
    assert mark(ex, "stable-bce")["y"] == float(now["bce_stable"])
    assert mark(ex, "stable-bce")["x"] == pytest.approx(s)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_curves_match_exact_references(dtype):
    s = np.logspace(-1, 4, 9)
    got = losses_at(s, dtype)
    for value in got.values():
        assert value.dtype == dtype and value.shape == s.shape
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(got["ce_stable"], [exact_ce(v) for v in s.astype(dtype)],
                               rtol=rtol)
    np.testing.assert_allclose(
        got["bce_stable"],
        naive.exact_binary_cross_entropy_with_logits(0, s.astype(dtype)), rtol=rtol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("s", [0.1, 10.0, 16.7, 100.0, 1e4])
def test_a_single_scale_stays_in_its_dtype(dtype, s):
    """0-d inputs are where NumPy 1.x's value-based casting used to turn float32 into float64."""
    one = losses_at(s, dtype)
    grid = losses_at(np.array([s, s]), dtype)
    for name, value in one.items():
        assert value.dtype == dtype and value.shape == ()
        np.testing.assert_array_equal(value, grid[name][0])   # same bits as in an array


def test_break_zone_starts_where_naive_fails():
    ex = StabilityExplorer()
    for dtype in ("float64", "float32"):
        ex.dtype.value = dtype
        start = ex.zones["bce"]
        sat = naive.float_limits(np.dtype(dtype).type)["sigmoid_saturation"]
        assert start == pytest.approx(sat, rel=1e-6)
        over = naive.float_limits(np.dtype(dtype).type)["exp_overflow"]
        assert ex.zones["ce"] == pytest.approx(over, rel=1e-6)
        # the naive loss is finite just below the zone and not at its start
        t = np.dtype(dtype).type
        assert not np.isfinite(losses_at(start, t)["bce_naive"])
        assert np.isfinite(losses_at(np.nextafter(t(start), t(0)), t)["bce_naive"])


def test_float32_breaks_earlier_and_the_dtype_redraws_the_static_picture():
    ex = StabilityExplorer()
    x64, background = ex.zones["ce"], ex.background
    ex.dtype.value = "float32"
    assert ex.zones["ce"] < x64 / 5
    assert ex.background != background
    assert "float32" in ex.panels[0].get_title() + ex.panels[0].get_title(loc="left")


def test_markers_follow_the_slider():
    ex = StabilityExplorer()
    ex.scale.value = 3.0
    dot = mark(ex, "stable-ce")
    assert dot["x"] == pytest.approx(3.0) and dot["y"] == pytest.approx(ex.key_value)
    naive_bce = mark(ex, "naive-bce")
    assert naive_bce["y"] == pytest.approx(
        naive.exact_binary_cross_entropy_with_logits(0, 3.0), rel=1e-12)


@pytest.mark.parametrize("kwargs, match", [
    ({"dtype": "float16"}, "dtype must be"),
    ({"dtype": np.float32}, "dtype must be"),
    ({"scale": 0.0}, "scale"),
    ({"scale": 1e5}, "scale"),
    ({"scale": "10"}, "scale"),
])
def test_bad_arguments_are_explained(kwargs, match):
    with pytest.raises(ValueError, match=match):
        StabilityExplorer(**kwargs)


