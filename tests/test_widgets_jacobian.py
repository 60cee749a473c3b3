"""Drive the Jacobian explorer of notebook 04 from Python (its browser scene: test_widgets.py)."""
import itertools

import numpy as np
import pytest
from matplotlib import colormaps
from matplotlib.colors import to_rgb

import celearn as cl
from celearn.widgets import JacobianExplorer
from celearn.widgets.jacobian import (COLOR_TABLE, FD_TOLERANCE, cell_color,
                                      finite_difference_jacobian, tempered_jacobian)


def cells(ex):
    """The heat map as the scene draws it: values parsed from the cell texts, colours."""
    K = ex.K
    text = {m["key"]: m for m in ex.marks if m["key"].startswith("celltext-")}
    rect = {m["key"]: m for m in ex.marks if m["key"].startswith("cell-")}
    values = np.array([[float(text[f"celltext-{i}-{j}"]["text"].replace("−", "-"))
                        for j in range(K)] for i in range(K)])
    colors = [[rect[f"cell-{i}-{j}"]["color"] for j in range(K)] for i in range(K)]
    return values, colors


def bar_heights(ex, prefix):
    return [m["y1"] for m in ex.marks if m["key"].startswith(prefix)]


def test_default_readout_and_heatmap():
    ex = JacobianExplorer()
    z = np.array([2.0, 1.0, 0.1])
    p = cl.softmax(z)
    J = cl.softmax_jacobian(z)
    assert ex.key_value == pytest.approx(p[0], rel=1e-12)
    assert ex.readout_text.startswith(f"p₀ = {p[0]:.3f} (p = {p[0]:.3f}, {p[1]:.3f}, {p[2]:.3f})")
    assert f"J₀₀ = p₀(1 − p₀)/T = {J[0, 0]:.3f}" in ex.readout_text
    values, _ = cells(ex)
    np.testing.assert_allclose(values, J, atol=5e-4)         # 3 decimals in the cells
    text = {m["key"]: m["text"] for m in ex.marks if m["kind"] == "text"}
    assert text["celltext-0-0"] == f"+{J[0, 0]:.3f}"
    assert text["celltext-0-1"] == f"−{-J[0, 1]:.3f}"
    assert bar_heights(ex, "pbar-") == pytest.approx(p, rel=1e-12)
    assert bar_heights(ex, "zbar-") == [2.0, 1.0, 0.1]


def test_cells_are_coloured_by_value_on_the_colour_bar_scale():
    ex = JacobianExplorer()
    J = cl.softmax_jacobian(ex.z())
    _, colors = cells(ex)
    for i, j in itertools.product(range(3), repeat=2):
        assert colors[i][j] == cell_color(J[i, j], 0.3)
        # the same colour as matplotlib's RdBu_r on [-0.3, 0.3], to the table's resolution
        want = colormaps["RdBu_r"]((J[i, j] / 0.3 + 1) / 2)[:3]
        assert np.abs(np.array(to_rgb(colors[i][j])) - want).max() < 0.03
    # positive red, negative blue, as the colour bar
    assert cell_color(0.3, 0.3) == "#{:02x}{:02x}{:02x}".format(*COLOR_TABLE[-1])
    assert cell_color(-9.0, 0.3) == "#{:02x}{:02x}{:02x}".format(*COLOR_TABLE[0])
    red, _, blue = to_rgb(cell_color(0.2, 0.3))
    assert red > blue
    # the colour bar's live labels are ±0.3/T
    ex.temperature.value = 2.5
    labels = sorted(m["text"] for m in ex.marks if m["key"].startswith("cbar-"))
    assert labels == ["+0.12", "0", "−0.12"]
    assert ex.colorbar.ax in ex.axes_for_marks()


def test_readout_states_how_closely_finite_differences_agree():
    ex = JacobianExplorer()
    assert ex.readout_text.endswith("largest |J − finite differences| < 1e−8")
    error = np.abs(tempered_jacobian(ex.z(), 1.0) - finite_difference_jacobian(ex.z(), 1.0)).max()
    assert 0 < error < FD_TOLERANCE
    # at the sliders' extremes too
    for z, T in (((5.0, -5.0, -5.0), 0.2), ((5.0, 5.0, -5.0, -5.0, 0.0), 0.2), ((0, 0, 0), 5.0)):
        ex = JacobianExplorer(z=z, temperature=T)
        assert ex.readout_text.endswith("< 1e−8"), (z, T)


@pytest.mark.parametrize("T", [0.2, 0.5, 1.0, 2.7, 5.0])
def test_tempered_jacobian_matches_finite_differences(T):
    z = np.array([1.3, -0.4, 2.2, 0.0])
    assert np.allclose(tempered_jacobian(z, T), finite_difference_jacobian(z, T), atol=1e-8)
    if T == 1.0:
        assert np.allclose(tempered_jacobian(z, T), cl.softmax_jacobian(z))


def test_logit_slider_moves_p1_up_one_step_at_a_time():
    ex = JacobianExplorer()
    s = ex.logits[0]
    values = []
    for v in np.round(np.arange(s.min, s.max + s.step / 2, s.step), 1):
        s.value = float(v)
        values.append(ex.key_value)
    assert np.all(np.diff(values) > 0)


def test_temperature_flattens_p_and_shrinks_the_jacobian_diagonal():
    ex = JacobianExplorer()
    ex.temperature.value = 5.0
    hot, hot_J = ex.key_value, cells(ex)[0]
    ex.temperature.value = 0.2
    cold = ex.key_value
    assert cold > 0.99 and 1 / 3 < hot < 0.45
    labels = sorted(m["text"] for m in ex.marks if m["key"].startswith("cbar-"))
    assert labels == ["+1.50", "0", "−1.50"]
    p = cl.softmax(ex.z(), temperature=5.0)
    np.testing.assert_allclose(np.diag(hot_J), p * (1 - p) / 5, atol=5e-4)


def test_dragging_a_logit_bar_sets_its_slider():
    ex = JacobianExplorer()
    caps = [m for m in ex.marks if m.get("drag")]
    assert [m["drag"] for m in caps] == ["z0", "z1", "z2"]
    assert all(m["ax"] == 0 for m in caps)
    ex.drag_to("z1", 1.0, 3.04)
    assert ex.logits[1].value == 3.0
    assert ex.key_value == pytest.approx(cl.softmax([2.0, 3.0, 0.1])[0], rel=1e-12)
    ex.drag_to("z2", 2.0, -40.0)                  # clamped to the slider
    assert ex.logits[2].value == -5.0
    cap = next(m for m in ex.marks if m.get("drag") == "z2")
    assert cap["valuetext"] == "z₂ = -5.0" and cap["y0"] < -5.0 < cap["y1"]
    with pytest.raises(ValueError, match="no draggable mark"):
        ex.drag_to("T", 0, 1)


def test_more_logits_and_bad_starts():
    ex = JacobianExplorer(z=(0.0, 0.5, -0.5, 1.0, 2.0))
    assert len(ex.controls) == 6
    values, _ = cells(ex)
    assert values.shape == (5, 5)
    assert np.allclose(values.sum(axis=1), 0, atol=3e-3)
    with pytest.raises(ValueError, match="3 to 5 logits"):
        JacobianExplorer(z=(0.0, 1.0))
    with pytest.raises(ValueError, match="3 to 5 logits"):
        JacobianExplorer(z=2.0)
    with pytest.raises(ValueError, match=r"z\[1\]"):
        JacobianExplorer(z=(0.0, 7.0, 1.0))
    with pytest.raises(ValueError, match=r"z\[0\]"):
        JacobianExplorer(z=("1", 0.0, 1.0))
    with pytest.raises(ValueError, match="temperature"):
        JacobianExplorer(temperature=0.0)


def test_start_values_are_on_the_slider_grid():
    ex = JacobianExplorer()
    for s in ex.controls:
        steps = (s.value - s.min) / s.step
        assert steps == pytest.approx(round(steps))


def test_negative_zero_logit_is_shown_without_a_sign():
    ex = JacobianExplorer(z=(-0.0, 1.0, 2.0))
    text = {m["key"]: m["text"] for m in ex.marks if m["kind"] == "text"}
    assert text["ztext-0"] == "0.0"
