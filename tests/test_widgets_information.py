"""DistributionExplorer (notebook 06): driven from Python, checked against celearn and scipy."""
import numpy as np
import pytest
from scipy.stats import entropy as scipy_entropy

import celearn as cl
from celearn.widgets import DistributionExplorer
from scenes import compare, run_js

NAMES = ["p0", "p1", "p2", "q0", "q1", "q2"]


def mark(ex, key):
    return next(m for m in ex.marks if m.get("key") == key)


def test_default_readout_matches_celearn_and_scipy():
    ex = DistributionExplorer()
    p, q = np.array([0.6, 0.3, 0.1]), np.array([0.3, 0.4, 0.3])
    np.testing.assert_allclose(ex.p, p)
    np.testing.assert_allclose(ex.q, q)
    assert ex.key_value == pytest.approx(float(cl.kl_divergence(p, q)), rel=1e-12)
    assert ex.key_value == pytest.approx(scipy_entropy(p, q), rel=1e-12)
    text = ex.readout_text
    assert f"H(p) = {scipy_entropy(p):.3f} nats" in text
    assert f"H(p, q) = {float(-(p * np.log(q)).sum()):.3f} nats" in text
    assert f"KL(p‖q) = {scipy_entropy(p, q):.3f} nats" in text


def test_docstring_example_in_bits():
    ex = DistributionExplorer(p=(0.5, 0.25, 0.25), q=(0.25, 0.25, 0.5), unit="bits")
    assert ex.key_value == pytest.approx(0.25, rel=1e-12)
    assert "H(p) = 1.500 bits" in ex.readout_text
    assert "H(p, q) = 1.750 bits" in ex.readout_text


def test_unit_toggle_divides_by_ln2_and_relabels_the_axis():
    ex = DistributionExplorer()
    nats = ex.key_value
    background = ex.background
    ex.unit.value = "bits"
    assert ex.key_value == pytest.approx(nats / np.log(2), rel=1e-12)
    assert "bits" in ex.readout_text and "nats" not in ex.readout_text
    assert ex.info_ax.get_xlabel() == "bits"
    assert ex.background != background        # the static picture was re-sent
    texts = [t.get_text() for t in ex.info_ax.texts]
    assert f"max H = log 3 = {np.log2(3):.3f}" in texts


def test_kl_is_zero_only_when_q_equals_p():
    ex = DistributionExplorer()
    ex.q0.value, ex.q1.value = 0.6, 0.3
    assert ex.key_value == pytest.approx(0.0, abs=1e-12)
    assert "no extra cost" in ex.readout_text
    ex.q1.value = 0.31
    assert ex.key_value > 0
    assert "no extra cost" not in ex.readout_text


def test_identity_holds_in_the_figure():
    ex = DistributionExplorer()
    for v in (0.2, 0.45, 0.8):
        ex.p0.value = v
        h, base, kl = mark(ex, "h"), mark(ex, "hpq-base"), mark(ex, "kl")
        assert base["x1"] == h["x1"] == pytest.approx(float(cl.entropy(ex.p)))
        assert kl["x0"] == pytest.approx(h["x1"])
        assert kl["x1"] == pytest.approx(float(cl.cross_entropy(ex.p, ex.q)))
        heights = [mark(ex, f"p-bar{i}")["y1"] for i in range(3)]
        np.testing.assert_allclose(heights, ex.p)
        handles = [mark(ex, f"p{i}-handle")["y"] for i in range(3)]
        np.testing.assert_allclose(handles, ex.p)


def test_long_bars_stop_at_the_axis_edge():
    ex = DistributionExplorer(p=(0.98, 0.01, 0.01), q=(0.01, 0.01, 0.98), unit="bits")
    assert float(cl.cross_entropy(ex.p, ex.q, base=2)) > 5
    assert mark(ex, "kl")["x1"] == ex.info_ax.get_xlim()[1]


@pytest.mark.parametrize("first, second", [("p0", "p1"), ("p1", "p0"), ("q0", "q1"),
                                           ("q1", "q0")])
def test_other_slider_gives_way_to_keep_the_remainder(first, second):
    ex = DistributionExplorer()
    getattr(ex, first).value = 0.95
    assert getattr(ex, second).value == pytest.approx(0.04)
    d = ex.p if first.startswith("p") else ex.q
    assert d.sum() == pytest.approx(1.0) and d.min() >= 0.01 - 1e-12
    assert d[2] == pytest.approx(0.01)
    assert np.isfinite(ex.key_value)


def test_the_browser_applies_the_same_rule_to_the_sliders():
    ex = DistributionExplorer()
    states, reacts = [], []
    rng = np.random.default_rng(0)
    for _ in range(40):
        state = dict(ex.state)
        for name in ("p0", "p1", "q0", "q1"):
            state[name] = round(float(rng.integers(1, 99)) / 100, 2)
        name = ["p0", "p1", "q0", "q1"][rng.integers(4)]
        states.append(state)
        reacts.append([name, state])
    _, _, js = run_js("distribution", [], ex.params, reacts=reacts)
    moved = 0
    for (name, state), js_values in zip(reacts, js):
        py_values = ex.react(name, state)
        if py_values is None:
            assert js_values is None
            continue
        moved += 1
        assert js_values.keys() == py_values.keys()
        for k, v in py_values.items():
            assert js_values[k] == pytest.approx(v, abs=1e-12)
    assert moved > 5                                     # the rule was exercised


@pytest.mark.parametrize("bar", NAMES)
def test_dragging_a_bar_sets_its_probability(bar):
    ex = DistributionExplorer()
    d, i = bar[0], int(bar[1])
    for y in (0.37, 0.05, 0.9):
        ex.drag_to(bar, 1.0, y)
        values = getattr(ex, d)
        assert values[i] == pytest.approx(y, abs=1e-9)
        assert values.sum() == pytest.approx(1.0, abs=1e-9)
        assert values.min() >= 0.01 - 1e-9
        assert ex.key_value == pytest.approx(float(cl.kl_divergence(ex.p, ex.q)), rel=1e-9)


def test_dragging_follows_the_sliders_rule():
    ex = DistributionExplorer()                 # p = (0.6, 0.3, 0.1)
    ex.drag_to("p0", 0, 0.65)
    np.testing.assert_allclose(ex.p, [0.65, 0.3, 0.05])       # p1 kept, p2 the remainder
    ex.drag_to("p0", 0, 0.9)
    np.testing.assert_allclose(ex.p, [0.9, 0.09, 0.01])       # p1 gives way
    ex.drag_to("p2", 0, 0.5)
    np.testing.assert_allclose(ex.p, [0.49, 0.01, 0.5])       # p1 at its floor: p0 gives way
    ex.drag_to("p2", 0, 0.2)
    np.testing.assert_allclose(ex.p, [0.49, 0.31, 0.2])       # p1 takes the difference
    ex.drag_to("q1", 0, 5.0)                                  # above the axes: clamped
    np.testing.assert_allclose(ex.q, [0.01, 0.98, 0.01])
    ex.drag_to("q1", 0, -1.0)
    np.testing.assert_allclose(ex.q, [0.01, 0.01, 0.98])


def test_drag_parity_at_random_points_including_every_bar():
    ex = DistributionExplorer()
    rng = np.random.default_rng(5)
    drags = []
    for _ in range(30):
        state = {"p0": 0.01 * rng.integers(1, 50), "p1": 0.01 * rng.integers(1, 50),
                 "q0": 0.01 * rng.integers(1, 50), "q1": 0.01 * rng.integers(1, 50),
                 "unit": "nats"}
        for name in NAMES:
            drags.append([name, 0.0, float(rng.uniform(-0.1, 1.2)), state])
    _, js = run_js("distribution", [], ex.params, drags=drags)
    for (name, x, y, state), js_values in zip(drags, js):
        assert js_values == pytest.approx(ex.drag(name, x, y, state), abs=1e-15)


def test_extremes_stay_finite_in_python_and_in_the_browser():
    ex = DistributionExplorer()
    states = []
    for slider in ex.controls[:4]:
        for v in (slider.min, slider.max):
            slider.value = v
            assert np.isfinite(ex.key_value) and ex.key_value >= 0
            assert abs(ex.p.sum() - 1) < 1e-9 and abs(ex.q.sum() - 1) < 1e-9
            states.append(dict(ex.state))
    js, _ = run_js("distribution", states, ex.params)
    for state, js_scene in zip(states, js):
        assert not compare(ex.scene(state), js_scene)


def test_one_step_of_first_slider_changes_key():
    ex = DistributionExplorer()
    before = ex.key_value
    ex.p0.value = round(ex.p0.value + ex.p0.step, 2)
    assert ex.key_value != before and ex.key_value > 0


@pytest.mark.parametrize("kwargs, match", [
    (dict(p=(0.5, 0.5, 0.0)), "p must be 3 probabilities"),
    (dict(q=(0.5, 0.5)), "q must be 3 probabilities"),
    (dict(p=(0.4, 0.4, 0.4)), "summing to 1"),
    (dict(p=0.5), "p must be a sequence"),
    (dict(q=(float("nan"), 0.5, 0.5)), "q must be"),
    (dict(unit="dits"), "unit"),
])
def test_bad_arguments_are_explained(kwargs, match):
    with pytest.raises(ValueError, match=match):
        DistributionExplorer(**kwargs)


def test_unknown_mark_is_refused():
    with pytest.raises(ValueError, match="draggable mark"):
        DistributionExplorer().drag_to("r1", 0, 0.5)


def test_unit_is_keyword_only():
    with pytest.raises(TypeError):
        DistributionExplorer((0.6, 0.3, 0.1), (0.3, 0.4, 0.3), "bits")
