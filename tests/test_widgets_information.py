"""DistributionExplorer (notebook 06): driven from Python, checked against celearn."""
import numpy as np
import pytest

import celearn as cl
from celearn.widgets import DistributionExplorer


def test_default_readout_matches_celearn():
    ex = DistributionExplorer()
    p, q = np.array([0.6, 0.3, 0.1]), np.array([0.3, 0.4, 0.3])
    np.testing.assert_allclose(ex.p, p)
    np.testing.assert_allclose(ex.q, q)
    assert ex.key_value == pytest.approx(float(cl.kl_divergence(p, q)), rel=1e-12)
    text = ex.readout_text
    assert f"H(p) = {float(cl.entropy(p)):.3f} nats" in text
    assert f"H(p, q) = {float(cl.cross_entropy(p, q)):.3f} nats" in text
    assert f"KL(p‖q) = {float(cl.kl_divergence(p, q)):.3f} nats" in text


def test_docstring_example_in_bits():
    ex = DistributionExplorer(p=(0.5, 0.25, 0.25), q=(0.25, 0.25, 0.5), unit="bits")
    assert ex.key_value == pytest.approx(0.25, rel=1e-12)
    assert "H(p) = 1.500 bits" in ex.readout_text
    assert "H(p, q) = 1.750 bits" in ex.readout_text


def test_unit_toggle_divides_by_ln2():
    ex = DistributionExplorer()
    nats = ex.key_value
    ex.unit.value = "bits"
    assert ex.key_value == pytest.approx(nats / np.log(2), rel=1e-12)
    assert "bits" in ex.readout_text and "nats" not in ex.readout_text
    assert ex.info_ax.get_xlabel() == "bits"


def test_kl_is_zero_only_when_q_equals_p():
    ex = DistributionExplorer()
    ex.q1.value, ex.q2.value = 0.6, 0.3
    assert ex.key_value == pytest.approx(0.0, abs=1e-12)
    assert "no extra cost" in ex.readout_text
    ex.q2.value = 0.31
    assert ex.key_value > 0


def test_identity_holds_in_the_figure():
    ex = DistributionExplorer()
    for v in (0.2, 0.45, 0.8):
        ex.p1.value = v
        h, kl = ex.h_bar.get_width(), ex.kl_bar.get_width()
        assert ex.kl_bar.get_x() == pytest.approx(h)
        assert h + kl == pytest.approx(float(cl.cross_entropy(ex.p, ex.q)))
        heights = [b.get_height() for b in ex.p_bars]
        np.testing.assert_allclose(heights, ex.p)


@pytest.mark.parametrize("first, second", [("p1", "p2"), ("p2", "p1"), ("q1", "q2"),
                                           ("q2", "q1")])
def test_other_slider_gives_way_to_keep_the_remainder(first, second):
    ex = DistributionExplorer()
    getattr(ex, first).value = 0.95
    assert getattr(ex, second).value == pytest.approx(0.04)
    d = ex.p if first.startswith("p") else ex.q
    assert d.sum() == pytest.approx(1.0) and d.min() >= 0.01 - 1e-12
    assert d[2] == pytest.approx(0.01)
    assert np.isfinite(ex.key_value)


def test_one_step_of_first_slider_changes_key():
    ex = DistributionExplorer()
    before = ex.key_value
    ex.p1.value = round(ex.p1.value + ex.p1.step, 2)
    assert ex.key_value != before and ex.key_value > 0


def test_extremes_stay_finite():
    ex = DistributionExplorer()
    for slider in ex.controls[:4]:
        for v in (slider.min, slider.max):
            slider.value = v
            assert np.isfinite(ex.key_value) and ex.key_value >= 0
            assert abs(ex.p.sum() - 1) < 1e-9 and abs(ex.q.sum() - 1) < 1e-9


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="p must be 3 probabilities"):
        DistributionExplorer(p=(0.5, 0.5, 0.0))
    with pytest.raises(ValueError, match="unit"):
        DistributionExplorer(unit="dits")


def test_unit_toggle_frame_matches_a_full_render():
    """The toggle is blitted too (fixed axes): the live picture must still be right."""
    import io

    from PIL import Image

    ex = DistributionExplorer()
    ex.unit.value = "bits"
    ex.p1.value = 0.67
    live = np.asarray(ex.canvas.get_renderer().buffer_rgba()).copy()
    full = np.asarray(Image.open(io.BytesIO(ex.snapshot_png())).convert("RGBA"))
    assert live.shape == full.shape
    assert (live != full).any(axis=-1).mean() < 1e-3
