"""Drive the Jacobian explorer of notebook 04 from Python."""
import numpy as np
import pytest

import celearn as cl
from celearn.widgets import JacobianExplorer
from celearn.widgets.jacobian import finite_difference_jacobian, tempered_jacobian


def test_default_readout_and_heatmap():
    ex = JacobianExplorer()
    z = np.array([2.0, 1.0, 0.1])
    p = cl.softmax(z)
    J = cl.softmax_jacobian(z)
    assert ex.key_value == pytest.approx(p[0])
    assert ex.readout_text.startswith(f"p₁ = {p[0]:.3f}")
    assert np.allclose(ex.image.get_array(), J)
    assert ex.cells[0][0].get_text() == f"+{J[0, 0]:.3f}"
    assert ex.cells[0][1].get_text() == f"−{-J[0, 1]:.3f}"
    assert [bar.get_height() for bar in ex.bars] == pytest.approx(p)


def test_readout_states_a_tiny_finite_difference_error():
    ex = JacobianExplorer()
    text = ex.readout_text
    bound = float(text.rsplit("< ", 1)[1].replace("−", "-"))
    assert bound <= 1e-9
    error = np.abs(ex.image.get_array() - finite_difference_jacobian(ex.z(), 1.0)).max()
    assert bound / 10 <= error < bound


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
    hot = ex.key_value
    ex.temperature.value = 0.2
    cold = ex.key_value
    assert cold > 0.99 and 1 / 3 < hot < 0.45
    assert ex.image.get_clim() == pytest.approx((-1.5, 1.5))


def test_more_logits_and_bad_sizes():
    ex = JacobianExplorer(z=(0.0, 0.5, -0.5, 1.0, 2.0))
    assert len(ex.controls) == 6 and ex.image.get_array().shape == (5, 5)
    assert np.allclose(ex.image.get_array().sum(axis=1), 0)
    with pytest.raises(ValueError, match="3 to 5 logits"):
        JacobianExplorer(z=(0.0, 1.0))


def test_start_values_are_on_the_slider_grid():
    ex = JacobianExplorer()
    for s in ex.controls:
        steps = (s.value - s.min) / s.step
        assert steps == pytest.approx(round(steps))
