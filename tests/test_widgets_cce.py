"""Drive the probability-triangle explorer of notebook 03 from Python, including drags."""
import numpy as np
import pytest

import celearn as cl
from celearn.plotting import simplex_from_xy, simplex_xy
from celearn.widgets import TriangleExplorer
from celearn.widgets.cce import FLOOR, set_one
from scenes import run_js


def mark(ex, key):
    return next(m for m in ex.marks if m.get("key") == key)


def test_corners_and_coordinates_round_trip():
    p = np.array([[0.2, 0.3, 0.5], [1, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert np.allclose(simplex_from_xy(*simplex_xy(p).T), p)


@pytest.mark.parametrize("xy, expected", [
    ((0.5, 0.0), [0.5, 0.5 - FLOOR, FLOOR]),           # on the bottom edge: nudged inside
    ((-1.0, -1.0), [1 - 2 * FLOOR, FLOOR, FLOOR]),      # far outside, near the panda corner
    ((0.5, 5.0), [FLOOR, FLOOR, 1 - 2 * FLOOR]),        # far above the duck corner
])
def test_points_outside_are_kept_inside(xy, expected):
    p = simplex_from_xy(*xy, floor=FLOOR)
    assert p.sum() == pytest.approx(1.0)
    assert np.all(p >= FLOOR - 1e-15)
    assert np.allclose(p, expected, atol=1e-3)   # the edge point splits its tie either way


def test_drag_sets_the_probabilities_and_the_sliders():
    ex = TriangleExplorer()
    target = [0.2, 0.3, 0.5]
    for p in ([0.5, 0.25, 0.25], [0.3, 0.3, 0.4], target):
        ex.drag_to(*ex.xy_of(p))
    assert np.allclose(ex.probabilities, target, atol=1e-12)
    assert [s.value for s in ex.sliders] == pytest.approx(target)
    assert mark(ex, "point")["x"] == pytest.approx(ex.xy_of(target)[0])
    assert ex.key_value == pytest.approx(-np.log(0.2))


def test_drag_past_the_far_edge_stops_at_the_floor():
    ex = TriangleExplorer()
    ex.true_class.value = 1                      # seal: bottom-right corner
    for xy in (ex.xy_of([0.05, 0.9, 0.05]), ex.xy_of([0.45, 0.1, 0.45]), (0.5, 1.2),
               (-0.5, 2.0)):
        ex.drag_to(*xy)
        assert ex.probabilities.sum() == pytest.approx(1.0)
        assert np.isfinite(ex.key_value)
    assert ex.probabilities[1] == pytest.approx(FLOOR)
    assert ex.key_value == pytest.approx(-np.log(FLOOR))
    assert "kept inside the triangle" in ex.readout_text


def test_sliders_keep_the_sum_at_one():
    ex = TriangleExplorer(p=(0.5, 0.3, 0.2))
    ex.sliders[0].value = 0.8
    assert ex.probabilities.sum() == pytest.approx(1.0)
    assert np.allclose(ex.probabilities, set_one([0.5, 0.3, 0.2], 0, 0.8), atol=1e-3)
    ex.sliders[2].value = 0.998                  # push duck to the top
    assert np.allclose(ex.probabilities, [FLOOR, FLOOR, 0.998])
    assert sum(s.value for s in ex.sliders) == pytest.approx(1.0)


def test_true_class_toggle_re_sends_the_static_picture_only_then():
    ex = TriangleExplorer()
    picture = ex.background
    for v in (0.3, 0.4, 0.7):
        ex.sliders[0].value = v
    ex.drag_to(*ex.xy_of([0.2, 0.3, 0.5]))
    assert ex.background == picture
    ex.true_class.value = 2
    assert ex.background != picture
    assert ex.key_value == pytest.approx(-np.log(0.5))
    assert 'data-trend="up"' in ex.readout_html   # first slider is p(panda), not the truth
    assert mark(ex, "bar2")["color"] == cl.plotting.COLORS["true"]


def test_readout_matches_celearn():
    ex = TriangleExplorer()
    t, p = cl.datasets.cce_example()
    for ti, pi in zip(t, p):
        ex.true_class.value = int(ti.argmax())
        ex.set_probabilities(pi)
        assert ex.key_value == pytest.approx(cl.categorical_cross_entropy(ti, pi), rel=1e-12)


def test_browser_couples_the_sliders_exactly_as_python():
    ex = TriangleExplorer()
    rng = np.random.default_rng(5)
    cases = []
    for _ in range(40):
        p = rng.dirichlet([1, 1, 1]) * 0.99 + 0.0033
        ex.set_probabilities(p / p.sum())
        name = f"p{rng.integers(3)}"
        state = dict(ex.state)
        state[name] = float(rng.integers(1, 999)) / 1000
        cases.append([name, state])
    _, _, js = run_js("triangle", [], ex.params, reacts=cases)
    for (name, state), js_values in zip(cases, js):
        py_values = ex.react(name, state)
        assert py_values == pytest.approx(js_values), (name, state)
        total = state[name] + sum(py_values.values())
        assert total == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("kwargs, match", [
    (dict(p=(0.5, 0.5)), "three"), (dict(p=(0.6, 0.4, 0.0)), "at least"),
    (dict(p=(0.5, 0.3, 0.3)), "sum to 1"), (dict(true_class=3), "true_class"),
    (dict(labels=("a", "b")), "three"), (dict(labels=("a", "a", "b")), "different"),
])
def test_refuses_arguments_it_cannot_show(kwargs, match):
    with pytest.raises(ValueError, match=match):
        TriangleExplorer(**kwargs)


def test_class_names_are_shown_as_written():
    ex = TriangleExplorer(labels=("50%", "#1", "<b>$x$"))
    assert "&lt;b&gt;" in ex.readout_html and "<b>$x$" in ex.readout_text
    ex.true_class.value = 2                           # re-draws the picture with the names
    assert ex.snapshot_png()[:4] == b"\x89PNG"
