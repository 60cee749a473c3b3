"""Drive the probability-triangle explorer of notebook 03 from Python, including a mouse drag."""
import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent

import celearn as cl
from celearn.plotting import simplex_from_xy, simplex_xy
from celearn.widgets import TriangleExplorer
from celearn.widgets.cce import FLOOR, set_one


def mouse(ex, name, x, y):
    """Send a synthetic mouse event at data coordinates (x, y) of the triangle."""
    px, py = ex.ax.transData.transform((x, y))
    event = MouseEvent(name, ex.fig.canvas, px, py, button=1)
    ex.fig.canvas.callbacks.process(name, event)


def drag(ex, path):
    mouse(ex, "button_press_event", *path[0])
    for xy in path[1:]:
        mouse(ex, "motion_notify_event", *xy)
    mouse(ex, "button_release_event", *path[-1])


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


def test_drag_sets_the_probabilities():
    ex = TriangleExplorer()
    target = [0.2, 0.3, 0.5]
    drag(ex, [ex.xy_of([0.5, 0.25, 0.25]), ex.xy_of([0.3, 0.3, 0.4]), ex.xy_of(target)])
    assert np.allclose(ex.probabilities, target, atol=1e-9)
    assert [s.value for s in ex.sliders] == pytest.approx(target)
    assert [bar.get_height() for bar in ex.bars] == pytest.approx(target)
    assert ex.point.get_data()[0][0] == pytest.approx(ex.xy_of(target)[0])
    assert ex.key_value == pytest.approx(-np.log(0.2))
    assert "seal 0.300" in ex.readout_text and "1.609 nats" in ex.readout_text


def test_motion_without_a_press_does_nothing():
    ex = TriangleExplorer()
    mouse(ex, "motion_notify_event", *ex.xy_of([0.1, 0.1, 0.8]))
    assert np.allclose(ex.probabilities, [0.5, 0.25, 0.25])
    drag(ex, [ex.xy_of([0.6, 0.2, 0.2])])
    mouse(ex, "motion_notify_event", *ex.xy_of([0.1, 0.1, 0.8]))   # after release
    assert np.allclose(ex.probabilities, [0.6, 0.2, 0.2])


def test_loss_rises_as_the_point_moves_away_from_the_true_corner():
    ex = TriangleExplorer()
    ex.true_class.value = 1                      # seal: bottom-right corner
    path = [ex.xy_of([0.05, 0.9, 0.05]), ex.xy_of([0.2, 0.6, 0.2]),
            ex.xy_of([0.45, 0.1, 0.45]), (0.5, 1.2), (-0.5, 2.0)]  # the last ones beyond the far edge
    mouse(ex, "button_press_event", *path[0])
    losses = [ex.key_value]
    for xy in path[1:]:
        mouse(ex, "motion_notify_event", *xy)
        losses.append(ex.key_value)
    mouse(ex, "button_release_event", *path[-1])
    assert np.all(np.diff(losses[:4]) > 0)
    # dragged past the far edge: clamped, finite, and the readout says so
    assert ex.probabilities[1] == pytest.approx(FLOOR)
    assert losses[-1] == pytest.approx(-np.log(FLOOR)) and np.isfinite(losses[-1])
    assert "each p ≥ 0.001" in ex.readout_text and "6.908 nats" in ex.readout_text


def test_sliders_keep_the_sum_at_one():
    ex = TriangleExplorer(p=(0.5, 0.3, 0.2))
    ex.sliders[0].value = 0.8
    assert ex.probabilities.sum() == pytest.approx(1.0)
    assert np.allclose(ex.probabilities, set_one([0.5, 0.3, 0.2], 0, 0.8))
    q = ex.probabilities - FLOOR                  # the others keep their proportions
    assert q[1] / q[2] == pytest.approx(0.299 / 0.199)
    ex.sliders[2].value = 0.998                  # push duck to the top
    assert np.allclose(ex.probabilities, [FLOOR, FLOOR, 0.998])
    assert [s.value for s in ex.sliders] == pytest.approx(ex.probabilities)
    assert ex.key_value == pytest.approx(-np.log(FLOOR))


def test_true_class_toggle_swaps_the_image_only():
    ex = TriangleExplorer()
    image = ex.image
    first = ex.image.get_array().copy()
    ex.true_class.value = 2
    assert ex.image is image and len(ex.ax.images) == 1
    assert not np.ma.allequal(first, ex.image.get_array())
    assert ex.key_value == pytest.approx(-np.log(0.25))
    assert 'data-trend="up"' in ex.readout.value   # first slider is p(panda), not the truth
    before = ex.key_value
    ex.sliders[0].value = 0.6
    assert ex.key_value > before
    # the colour at the point is the loss at the point
    x, y = ex.point.get_data()
    data = ex.image.get_array()
    n = data.shape[0]
    i, j = int(y[0] / (np.sqrt(3) / 2) * n), int(x[0] * n)
    assert data[i, j] == pytest.approx(ex.key_value, abs=0.1)


def test_image_is_not_rebuilt_on_slider_moves(monkeypatch):
    ex = TriangleExplorer()
    calls = []
    monkeypatch.setattr(ex.image, "set_data", lambda *a: calls.append(a))
    for v in (0.3, 0.4, 0.7):
        ex.sliders[0].value = v
    drag(ex, [ex.xy_of([0.2, 0.3, 0.5])])
    assert calls == []
    ex.true_class.value = 1
    assert len(calls) == 1


def test_readout_matches_celearn():
    ex = TriangleExplorer()
    t, p = cl.datasets.cce_example()
    for ti, pi in zip(t, p):
        ex.true_class.value = int(ti.argmax())
        ex.set_probabilities(pi)
        assert ex.key_value == pytest.approx(cl.categorical_cross_entropy(ti, pi))
