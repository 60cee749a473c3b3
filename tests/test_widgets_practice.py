"""Tests of notebook 10's explorers: driven from Python, and the browser's scene
(js/<name>.js run in node) compared with the Python scene number by number."""
import numpy as np
import pytest

import celearn as cl
from scenes import NODE, compare, run_js
from celearn.widgets.practice import FocalExplorer, SmoothingExplorer

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


def test_focal_explorer_follows_its_sliders():
    ex = FocalExplorer(gamma=2.0, p_t=0.9)
    assert ex.key_value == pytest.approx(0.01)
    ex.gamma.value = 0.0
    assert ex.key_value == 1.0
    ex.gamma.value = 5.0
    ex.p_t.value = 0.3
    assert ex.key_value == pytest.approx(0.7**5)
    want = -(0.7**5) * np.log(0.3)
    assert f"focal loss {cl.widgets._base.fmt(want)} nats" in ex.readout_text
    ex.close()


def test_smoothing_explorer_floor_and_gap():
    ex = SmoothingExplorer(eps=0.2, num_classes=5)
    t = cl.practice.smoothed_target(0, 5, 0.2)
    assert ex.key_value == pytest.approx(float(cl.entropy(t)))
    gap = np.log((1 - 0.2 + 0.04) / 0.04)
    assert f"at gap {gap:.3f}" in ex.readout_text
    ex.eps.value = 0.0
    assert ex.key_value == 0.0 and "grows forever" in ex.readout_text
    ex.close()


@pytest.mark.parametrize("bad", [dict(gamma=-1), dict(p_t=1.0), dict(gamma="2")])
def test_focal_explorer_refuses_bad_values(bad):
    with pytest.raises(ValueError, match="outside|must be a number"):
        FocalExplorer(**bad)


@pytest.mark.parametrize("cls, name, draw", [
    (FocalExplorer, "focal",
     lambda r: {"gamma": round(float(r.uniform(0, 5)), 1), "p_t": round(float(r.uniform(0.01, 0.99)), 2)}),
    (SmoothingExplorer, "smoothing", lambda r: {"eps": round(float(r.uniform(0, 0.5)), 2)}),
])
def test_browser_scene_matches_python(cls, name, draw):
    rng = np.random.default_rng(0)
    ex = cls()
    states = [draw(rng) for _ in range(15)]
    states.append({k: c.min for k, c in zip(ex.control_names, ex.controls)})
    states.append({k: c.max for k, c in zip(ex.control_names, ex.controls)})
    if NODE is None:
        pytest.skip("node is not installed: the browser scene cannot be run")
    drags = [["p_t", 0.37, 1.0, states[0]]] if name == "focal" else []
    js, js_drags = run_js(name, states, {"colors": dict(cl.plotting.COLORS), **ex.params_for_browser()}, drags)
    for state, out in zip(states, js):
        assert compare(ex.scene(state), out, rtol=1e-12, atol=1e-14) == []
    for (mark, x, y, state), out in zip(drags, js_drags):
        assert ex.drag(mark, x, y, state) == out
    ex.close()


def test_dragging_the_focal_marker_sets_p_t():
    ex = FocalExplorer(gamma=2.0, p_t=0.9)
    ex.drag_to("p_t", 0.304, 2.0)
    assert ex.p_t.value == pytest.approx(0.30)
    ex.close()
